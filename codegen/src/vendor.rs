//! The three vendors and what the project knows about each one's document (loaded from `specs/corrections/`).

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

/// A PSA vendor whose API psa-clients generates a client for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Vendor {
    /// Kaseya BMS.
    Bms,
    /// ConnectWise PSA (formerly Manage).
    Connectwise,
    /// Datto Autotask PSA.
    Autotask,
}

impl Vendor {
    /// All vendors, in the order the crate lists them.
    pub const ALL: [Vendor; 3] = [Vendor::Bms, Vendor::Connectwise, Vendor::Autotask];

    /// The lower-case name used for features, modules, files and environment variables.
    pub fn name(self) -> &'static str {
        match self {
            Vendor::Bms => "bms",
            Vendor::Connectwise => "connectwise",
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
