//! The three vendors and what the project knows about each one's document (loaded from `specs/corrections/`).

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

/// A PSA vendor whose API psa-clients generates a client for.
///
/// The variants are spelled as `psa_clients::transport::Vendor`'s and `psa_emulator::Vendor`'s are. It cannot be
/// that type: this crate is the generated crates' build-dependency, and psa-clients depends on them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Vendor {
    /// Kaseya BMS.
    Bms,
    /// ConnectWise PSA (formerly Manage).
    ConnectWise,
    /// Datto Autotask PSA.
    Autotask,
}

impl Vendor {
    /// All vendors, in the order the crate lists them.
    pub const ALL: [Vendor; 3] = [Vendor::Bms, Vendor::ConnectWise, Vendor::Autotask];

    /// The lower-case name used for features, modules, files and environment variables.
    pub fn name(self) -> &'static str {
        match self {
            Vendor::Bms => "bms",
            Vendor::ConnectWise => "connectwise",
            Vendor::Autotask => "autotask",
        }
    }

    /// Parses a lower-case vendor name.
    pub fn from_name(name: &str) -> Option<Vendor> {
        Vendor::ALL.into_iter().find(|v| v.name() == name)
    }
}

impl std::fmt::Display for Vendor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// How the live API spells the property names that the document spells in PascalCase.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Casing {
    /// The document's spelling is the wire spelling.
    #[default]
    AsDeclared,
    /// Only the first letter is lowered: `CompanyID` → `companyID` (Autotask).
    LowerFirst,
    /// .NET camelCase: the leading run of capitals is lowered: `MFACode` → `mfaCode`, `ID` → `id` (BMS).
    DotnetCamel,
}

/// Response envelopes the live API wraps results in although the document declares the bare model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum EnvelopeStyle {
    /// Autotask: `{items, pageDetails}`, `{item}`, `{itemId}`, `{queryCount}`.
    Autotask,
    /// Kaseya BMS: `{Success, Error, Result}` (and `TotalRecords` on lists). The document declares it on almost
    /// every operation; the few it declares bare are listed in [`Corrections::enveloped_operations`], and bare
    /// models refuse a body that is obviously this envelope instead of decoding it into an all-`None` record.
    Bms,
}

/// Everything the corrections need to know about one vendor: the content of `specs/corrections/<vendor>.toml`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Corrections {
    /// How property names travel on the wire.
    #[serde(default)]
    pub casing: Casing,
    /// Header parameters that carry credentials; the auth layer sends them, so generated signatures drop them.
    #[serde(default)]
    pub credential_headers: Vec<String>,
    /// Paths of operations the auth layer performs (login, token refresh): not generated.
    #[serde(default)]
    pub auth_paths: Vec<String>,
    /// Secret-bearing model properties, `Schema.property` in the document's spelling: typed as `Secret`.
    #[serde(default)]
    pub secret_properties: Vec<String>,
    /// Query parameter name → run-time type its values take (`x-rust-type`), for parameters that are a query
    /// language rather than free text.
    #[serde(default)]
    pub query_param_types: BTreeMap<String, String>,
    /// Component schema (document spelling) → run-time type that replaces it (`x-rust-type`), for schemas
    /// whose declared shape is not what the API takes; schemas only they used are dropped.
    #[serde(default)]
    pub schema_types: BTreeMap<String, String>,
    /// Component schemas (document spelling) that stand for a file's bytes (BMS `File`): a success response
    /// declared with one answers the file, not JSON.
    #[serde(default)]
    pub file_schemas: Vec<String>,
    /// Path endings of POST operations that only read (queries, searches): the transport may retry them.
    #[serde(default)]
    pub retry_safe_path_suffixes: Vec<String>,
    /// The vendor's real response envelopes, if the document omits them.
    #[serde(default)]
    pub envelopes: Option<EnvelopeStyle>,
    /// Operations (`"GET /path/{id}"`, document spelling) whose 200 response the document declares as the bare
    /// model although the API wraps it in the vendor's envelope (BMS: `{Success, Error, Result}`): the
    /// `envelopes` pass declares the envelope. Only with `envelopes = "bms"`.
    #[serde(default)]
    pub enveloped_operations: Vec<String>,
    /// String `format` → run-time type every property of that format takes (`x-rust-type`), for formats the
    /// generator would leave as `String` (BMS `date-span`, a .NET `TimeSpan` such as `"09:30:00"`).
    #[serde(default)]
    pub format_types: BTreeMap<String, String>,
    /// Id-like properties (`Schema.property`, document spelling) that stay `number` although the `integer-ids`
    /// rule (named `id` or ending in `Id`/`Ids`/`ID`/`IDs`, a bare `type: number`) would make them integers.
    #[serde(default)]
    pub integer_ids_except: Vec<String>,
    /// Explicit schema renames (document name → name to generate), for names that are junk or collide.
    #[serde(default)]
    pub schema_renames: BTreeMap<String, String>,
    /// Explicit property renames per schema: `schema → { document property → wire property }`, for documents
    /// that list one wire property twice or spell it wrongly.
    #[serde(default)]
    pub property_renames: BTreeMap<String, BTreeMap<String, String>>,
    /// How operations are grouped into modules (and cargo features).
    #[serde(default)]
    pub modules: ModuleSplit,
    /// With `modules = "first-path-segment"`: every area (module) the document may have, the one list of them.
    /// The build generates the area modules and the psa-clients accessors from it; cargo cannot generate
    /// features, so a test checks the `Cargo.toml` features against it. A document with an area not listed
    /// fails the build instead of silently leaving its operations out.
    #[serde(default)]
    pub areas: Vec<String>,
    /// Response-model properties the live API always sends, `Schema.property` (document or wire spelling,
    /// compared ignoring ASCII case), or `*Suffix.property` for every response schema whose name ends in
    /// `Suffix` and has the property: each gets an accessor that reads it without an `Option`, and its absence
    /// from a response is reported as `missing_field` drift (see the `lenient-responses` correction).
    #[serde(default)]
    pub always_present: Vec<String>,
    /// Entities the live API has and the document lacks, copied by rule from a similar entity of the document
    /// (the `additions` pass).
    #[serde(default)]
    pub additions: Vec<Addition>,
    /// Readable method names: operationId (as the document has it, or as `operation-ids` derived it) → method
    /// name (the `operation-names` pass).
    #[serde(default)]
    pub operation_renames: BTreeMap<String, String>,
    /// The vendor's PUT replaces the whole record: every PUT's rustdoc says so and names its PATCH sibling.
    #[serde(default)]
    pub put_replaces_whole_record: bool,
}

/// One entity the document lacks (`[[additions]]`): its operations are copied from the entity `like`, its model
/// is built from `fields`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Addition {
    /// The REST collection, as in the path: `TicketWebhooks`.
    pub entity: String,
    /// The document's entity whose operations are copied (those tagged `like` and `{like}Child`).
    pub like: String,
    /// The new model's name: `TicketWebhookModel`.
    pub model: String,
    /// The template's model, whose `$ref`s in the copied operations point at the new model instead.
    pub like_model: String,
    /// For child collections: the parent collection their `/{Parent}/{parentId}/…` paths hang off.
    #[serde(default)]
    pub parent: Option<String>,
    /// Where the field list comes from (the vendor's entity page).
    pub source: String,
    /// The model's fields, in the document's spelling (PascalCase).
    pub fields: Vec<AdditionField>,
}

/// One field of an added model, as the vendor's entity page lists it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AdditionField {
    /// The name, in the document's spelling: `DeactivationUrl`.
    pub name: String,
    /// The page's datatype: `long`, `integer`, `short`, `boolean`, `string`, `datetime`, `double`, `decimal`,
    /// `byte[]`.
    #[serde(rename = "type")]
    pub r#type: String,
    /// The page's maximum length of a string, in characters.
    #[serde(default)]
    pub length: Option<u32>,
    /// The page marks it read-only.
    #[serde(default)]
    pub read_only: bool,
    /// The page marks it required.
    #[serde(default)]
    pub required: bool,
    /// The entity it refers to, if the page names one.
    #[serde(default)]
    pub reference: Option<String>,
}

/// How a vendor's operations are split into generated modules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ModuleSplit {
    /// One module with every operation.
    #[default]
    Single,
    /// One module per first path segment (`/service/tickets` → `service`), with shared types in one module.
    FirstPathSegment,
}

/// Why a corrections file could not be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CorrectionsError {
    /// Missing or unreadable.
    #[error("cannot read corrections file {path}: {source}")]
    Read {
        /// The file.
        path: String,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// Not valid TOML for [`Corrections`].
    #[error("invalid corrections file {path}: {message}")]
    Invalid {
        /// The file.
        path: String,
        /// What is wrong, with position.
        message: String,
    },
}

impl Corrections {
    /// Reads `<corrections_dir>/<vendor>.toml`.
    pub fn load(corrections_dir: &Path, vendor: Vendor) -> Result<Corrections, CorrectionsError> {
        let path = corrections_dir.join(format!("{vendor}.toml"));
        let text = std::fs::read_to_string(&path).map_err(|source| CorrectionsError::Read {
            path: path.display().to_string(),
            source,
        })?;
        Corrections::parse(&text).map_err(|message| CorrectionsError::Invalid {
            path: path.display().to_string(),
            message,
        })
    }

    /// Parses the TOML text of a corrections file.
    pub fn parse(text: &str) -> Result<Corrections, String> {
        toml::from_str(text).map_err(|e| e.to_string())
    }
}
