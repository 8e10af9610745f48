//! Corrections: named passes that make a vendor document say what the live API does.
//!
//! Each pass lives in its own file, states the vendor reality it encodes, and records every change it makes in
//! the [`CorrectionReport`], so a reader can see exactly how the generated client departs from the document.
//! Passes work on the JSON value (after Swagger 2.0 conversion) because several of the defects — invalid
//! identifiers, duplicate ids, broken path templates — are things a typed OpenAPI model cannot even hold.

mod additions;
mod auth_operations;
mod casing;
pub mod content_types;
mod credential_headers;
mod envelopes;
mod file_responses;
mod format_types;
mod free_form_values;
mod integer_ids;
mod lenient_responses;
mod no_content;
mod object_params;
mod operation_ids;
mod operation_names;
mod path_templates;
mod property_collisions;
mod query_param_types;
mod retry_safe;
mod schema_names;
mod schema_types;
mod secret_properties;
pub(crate) mod walk;

use serde_json::Value;

use crate::vendor::Corrections;

pub use casing::WireAliases;
pub use lenient_responses::{ExpectedFields, ResponseFields};
pub use operation_names::VENDOR_OPERATION_ID_EXTENSION;
pub use query_param_types::RUNTIME_CRATE;
pub use retry_safe::RETRY_SAFE_EXTENSION;

/// What one correction pass changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PassOutcome {
    /// The pass's name, as listed in [`PASSES`].
    pub name: &'static str,
    /// One line per change, naming the operation or schema.
    pub changes: Vec<String>,
}

/// What the corrections changed, pass by pass, plus what later stages need to know.
#[derive(Debug, Clone, Default)]
pub struct CorrectionReport {
    /// Every pass that ran, in order, with its changes.
    pub passes: Vec<PassOutcome>,
    /// Wire property name → the spellings the document used for it (aliases the models also accept).
    pub wire_aliases: WireAliases,
    /// Per response schema, the properties whose absence from a response is drift (the `required` lists the
    /// `lenient-responses` pass dropped, and the `always_present` correction data).
    pub response_fields: ResponseFields,
}

impl CorrectionReport {
    /// Total number of changes over all passes.
    pub fn change_count(&self) -> usize {
        self.passes.iter().map(|p| p.changes.len()).sum()
    }
}

/// Why a document could not be corrected.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum CorrectError {
    /// The document lacks something every OpenAPI 3.0 document has.
    #[error("not an OpenAPI 3.0 document: {0}")]
    NotOpenApi(String),
    /// A pass met a construct it cannot correct safely.
    #[error("correction `{pass}` cannot handle {location}: {problem}")]
    Unfixable {
        /// The pass.
        pass: &'static str,
        /// Operation or schema.
        location: String,
        /// What is wrong.
        problem: String,
    },
}

/// The passes, in the order they run, with the vendor reality each one encodes.
pub const PASSES: &[(&str, &str)] = &[
    (
        "additions",
        "The pinned Autotask document lacks entities the live API documents (`TicketWebhooks`, \
         `TicketNoteWebhooks`, `ConfigurationItemWebhooks` with their children, `Documents` with its \
         attachments); they are copied by rule from a similar entity, with models from the entity pages.",
    ),
    (
        "object-params",
        "ConnectWise declares object-typed query (and route-less path) parameters that ASP.NET binds property by \
         property from the query string (`GET /system/audittrail?type=…&id=…`).",
    ),
    (
        "path-templates",
        "Route constraints leak into templates (`{memberIdentifier:regex(...`) and some operations declare path \
         parameters the template lacks or use placeholders they never declare.",
    ),
    (
        "operation-ids",
        "Operations lack an operationId (BMS: 18), repeat one (BMS `GetK1TicketStatusesLookup`), or use one whose \
         snake_case name collides with the generated client's own methods (`Post` → `post`).",
    ),
    (
        "operation-names",
        "Some operationIds make unreadable methods (ConnectWise `get_system_membersmember_identifierregextypes`, \
         `project::get_project_project_types`; BMS `post_contact_summary_info` for creating a contact); and \
         Autotask's and ConnectWise's PUTs replace the whole record, which their names do not say.",
    ),
    (
        "auth-operations",
        "BMS declares its login and token refresh as ordinary operations; the auth layer performs them.",
    ),
    (
        "credential-headers",
        "Credentials are declared as per-operation header parameters (Autotask's four, ConnectWise `clientId`); \
         the auth layer sends them.",
    ),
    (
        "query-param-types",
        "ConnectWise's `conditions`, `childConditions`, `customFieldConditions`, `orderBy` and `fields` are a \
         query language declared as free strings; they take the typed values of the conditions builder. \
         Autotask's `search` is a JSON query body as text; it takes the query builder's `Search`.",
    ),
    (
        "schema-types",
        "Autotask's `QueryModel` declares filter values as the server-side `ValueItem` object \
         (`{\"IntegerValue\":1}`); the API takes a bare JSON value (`\"value\":1`), so query bodies are the \
         hand-written `Query`.",
    ),
    (
        "retry-safe",
        "Autotask reads with `POST …/query` and `…/query/count`, BMS with `POST …/search`: POSTs that create \
         nothing, so the transport may re-send them like a GET.",
    ),
    (
        "content-types",
        "One body is listed under several JSON media types (BMS: 4–5) or a vendor JSON type \
         (`application/vnd.connectwise.com+json; version=…`); login forms are declared multipart but are plain forms; \
         a multipart upload's form may be a `$ref` (ConnectWise `DocumentFormData`).",
    ),
    (
        "file-responses",
        "BMS declares its two downloads as the empty JSON object `File` (a file result); the ConnectWise 2026.4 \
         document declares two image downloads without content, only `ContentType = application/octet-stream` \
         in the description. They answer the file's bytes.",
    ),
    (
        "no-content",
        "ConnectWise declares a body on two 204 No Content answers; a 204 has none.",
    ),
    (
        "envelopes",
        "Autotask wraps results: query → {items, pageDetails}, get → {item}, create/update/delete → {itemId}; \
         the document declares the bare model. BMS wraps every answer in {Success, Error, Result}; two \
         get-by-ids (accounts and contacts summary) are declared bare.",
    ),
    (
        "schema-names",
        "Type names that are not identifiers (`Expression[Func[AccountAlert,Int64]]`, `Agreement.Adjustment`).",
    ),
    (
        "property-collisions",
        "A schema lists one wire property twice under different casing (ConnectWise `LdapConfigurationTestLink`: \
         `server` and an empty `Server` marker).",
    ),
    (
        "secret-properties",
        "Passwords, private keys, tokens and webhook secrets are declared as plain strings; models hold them as \
         `Secret` (redacted `Debug`).",
    ),
    (
        "format-types",
        "BMS `StartTime`/`EndTime` are .NET `TimeSpan`s declared `format: date-span` (`\"09:30:00\"`); they take \
         `TimeOfDay` instead of `String`.",
    ),
    (
        "integer-ids",
        "ConnectWise declares record ids as bare `number`s (`CallbackEntry.objectId`, `TimeEntry.chargeToId`, \
         `TicketMerge.mergeTicketIds`); ids are integers.",
    ),
    (
        "free-form-values",
        "Autotask's `Object` and ConnectWise's custom field `value` are declared as bare objects but hold any JSON \
         value (booleans, numbers, strings).",
    ),
    (
        "casing",
        "Autotask and BMS declare PascalCase properties but send camelCase on the wire.",
    ),
    (
        "lenient-responses",
        "Responses omit properties the document calls required and add new ones (`additionalProperties: false` \
         on 788 BMS schemas); a decoder must not fail on either, and reports both as drift. Some properties the \
         document does not call required are in every response (records' `id`): listed as `always_present`.",
    ),
];

/// Runs every pass over `doc` (an OpenAPI 3.0 document) with the vendor's correction data.
pub fn correct(
    doc: &mut Value,
    corrections: &Corrections,
) -> Result<CorrectionReport, CorrectError> {
    if !doc
        .get("openapi")
        .and_then(Value::as_str)
        .is_some_and(|v| v.starts_with("3.0"))
    {
        return Err(CorrectError::NotOpenApi(
            "`openapi: 3.0.x` is missing".into(),
        ));
    }
    if !doc.get("paths").is_some_and(Value::is_object) {
        return Err(CorrectError::NotOpenApi("`paths` is missing".into()));
    }
    let mut report = CorrectionReport::default();
    let mut run = |name: &'static str, changes: Vec<String>| {
        report.passes.push(PassOutcome { name, changes })
    };

    run("additions", additions::apply(doc, &corrections.additions)?);
    run("object-params", object_params::apply(doc)?);
    run("path-templates", path_templates::apply(doc)?);
    run("operation-ids", operation_ids::apply(doc)?);
    run(
        "operation-names",
        operation_names::apply(
            doc,
            &corrections.operation_renames,
            corrections.put_replaces_whole_record,
        )?,
    );
    run(
        "auth-operations",
        auth_operations::apply(doc, &corrections.auth_paths),
    );
    run(
        "credential-headers",
        credential_headers::apply(doc, &corrections.credential_headers),
    );
    run(
        "query-param-types",
        query_param_types::apply(doc, &corrections.query_param_types),
    );
    run(
        "schema-types",
        schema_types::apply(doc, &corrections.schema_types),
    );
    run(
        "retry-safe",
        retry_safe::apply(doc, &corrections.retry_safe_path_suffixes),
    );
    run("content-types", content_types::apply(doc));
    run(
        "file-responses",
        file_responses::apply(doc, &corrections.file_schemas),
    );
    run("no-content", no_content::apply(doc));
    run(
        "envelopes",
        envelopes::apply(
            doc,
            corrections.envelopes,
            &corrections.enveloped_operations,
        )?,
    );
    run(
        "schema-names",
        schema_names::apply(doc, &corrections.schema_renames)?,
    );
    run(
        "property-collisions",
        property_collisions::apply(doc, &corrections.property_renames)?,
    );
    run(
        "secret-properties",
        secret_properties::apply(doc, &corrections.secret_properties),
    );
    run(
        "format-types",
        format_types::apply(doc, &corrections.format_types),
    );
    run(
        "integer-ids",
        integer_ids::apply(doc, &corrections.integer_ids_except),
    );
    run("free-form-values", free_form_values::apply(doc));
    let (changes, aliases) = casing::apply(doc, corrections.casing);
    run("casing", changes);
    let (changes, response_fields) = lenient_responses::apply(doc, &corrections.always_present);
    run("lenient-responses", changes);
    report.wire_aliases = aliases;
    report.response_fields = response_fields;
    Ok(report)
}
