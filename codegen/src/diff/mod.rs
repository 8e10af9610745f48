//! API diff between two versions of a vendor OpenAPI 3 document.
//!
//! Used to review a vendor spec change before regenerating the clients: [`diff`] compares the operations
//! (keyed by `METHOD /path`), their parameters, request bodies and responses, and the component schemas
//! (properties, required lists, enum values), and classifies each difference as [`Severity::Breaking`] or
//! [`Severity::NonBreaking`]. The [`SpecDiff`] it returns prints as a report with the breaking changes first.
//!
//! Severity follows what a caller of the regenerated client experiences: anything that removes something a
//! caller may use, demands more from a request, or changes the type a field or parameter is generated with is
//! breaking; additions a caller can ignore are not. The diff never panics on odd documents: schema `$ref`s
//! are compared by name, and references that do not resolve are reported as [`ChangeKind::UnresolvedRef`].

mod describe;
mod operations;
mod refs;
mod schemas;

use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::fmt;

use openapiv3::OpenAPI;

/// How a change affects callers of a client generated from the new document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Existing callers may fail to compile or fail at run time against the new API.
    Breaking,
    /// Existing callers keep working; the change only adds or relaxes something.
    NonBreaking,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Breaking => "breaking",
            Severity::NonBreaking => "non-breaking",
        })
    }
}

/// What changed. The declaration order is the order of the report within each severity section.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum ChangeKind {
    /// A `$ref` in the new document points at nothing (or outside the document).
    UnresolvedRef,
    /// A media type kept its essence but changed its parameters everywhere it is used
    /// (ConnectWise puts the API version there: `…+json; version=2022.1`).
    MediaTypeChanged,
    /// An operation (`METHOD /path`) no longer exists.
    OperationRemoved,
    /// A new operation.
    OperationAdded,
    /// An operationId now belongs to a different `METHOD /path`.
    OperationMoved,
    /// The same `METHOD /path` has a different operationId (the generated method is renamed).
    OperationIdChanged,
    /// A parameter was removed.
    ParameterRemoved,
    /// A parameter was added (breaking when required).
    ParameterAdded,
    /// An optional parameter became required.
    ParameterRequired,
    /// A required parameter became optional.
    ParameterOptional,
    /// A parameter's type or format changed.
    ParameterTypeChanged,
    /// A parameter moved between path, query, header and cookie.
    ParameterLocationChanged,
    /// A request body was added (breaking when required).
    RequestBodyAdded,
    /// The request body was removed.
    RequestBodyRemoved,
    /// An optional request body became required.
    RequestBodyRequired,
    /// A required request body became optional.
    RequestBodyOptional,
    /// The request body's schema (type name or inline shape) changed.
    RequestBodySchemaChanged,
    /// The request body no longer accepts a content type.
    RequestContentTypeRemoved,
    /// The request body accepts a new content type.
    RequestContentTypeAdded,
    /// A response status code is no longer declared (breaking for success codes).
    ResponseRemoved,
    /// A new response status code.
    ResponseAdded,
    /// A response's schema (type name or inline shape) changed.
    ResponseSchemaChanged,
    /// A response no longer offers a content type.
    ResponseContentTypeRemoved,
    /// A response offers a new content type.
    ResponseContentTypeAdded,
    /// A component schema (generated type) was removed.
    SchemaRemoved,
    /// A new component schema.
    SchemaAdded,
    /// A component schema changed what it is (e.g. object → array, or a different alias target).
    SchemaTypeChanged,
    /// A property was removed from an object.
    PropertyRemoved,
    /// A property was added to an object (breaking when required).
    PropertyAdded,
    /// A property's type or format changed.
    PropertyTypeChanged,
    /// An optional property became required.
    PropertyRequired,
    /// A required property became optional.
    PropertyOptional,
    /// An enum lost a value.
    EnumValueRemoved,
    /// An enum gained a value.
    EnumValueAdded,
}

impl ChangeKind {
    /// Every kind, in report order.
    pub const ALL: [ChangeKind; 34] = [
        ChangeKind::UnresolvedRef,
        ChangeKind::MediaTypeChanged,
        ChangeKind::OperationRemoved,
        ChangeKind::OperationAdded,
        ChangeKind::OperationMoved,
        ChangeKind::OperationIdChanged,
        ChangeKind::ParameterRemoved,
        ChangeKind::ParameterAdded,
        ChangeKind::ParameterRequired,
        ChangeKind::ParameterOptional,
        ChangeKind::ParameterTypeChanged,
        ChangeKind::ParameterLocationChanged,
        ChangeKind::RequestBodyAdded,
        ChangeKind::RequestBodyRemoved,
        ChangeKind::RequestBodyRequired,
        ChangeKind::RequestBodyOptional,
        ChangeKind::RequestBodySchemaChanged,
        ChangeKind::RequestContentTypeRemoved,
        ChangeKind::RequestContentTypeAdded,
        ChangeKind::ResponseRemoved,
        ChangeKind::ResponseAdded,
        ChangeKind::ResponseSchemaChanged,
        ChangeKind::ResponseContentTypeRemoved,
        ChangeKind::ResponseContentTypeAdded,
        ChangeKind::SchemaRemoved,
        ChangeKind::SchemaAdded,
        ChangeKind::SchemaTypeChanged,
        ChangeKind::PropertyRemoved,
        ChangeKind::PropertyAdded,
        ChangeKind::PropertyTypeChanged,
        ChangeKind::PropertyRequired,
        ChangeKind::PropertyOptional,
        ChangeKind::EnumValueRemoved,
        ChangeKind::EnumValueAdded,
    ];

    /// The kebab-case label used in the report, e.g. `operation-removed`.
    pub fn label(self) -> &'static str {
        match self {
            ChangeKind::UnresolvedRef => "unresolved-ref",
            ChangeKind::MediaTypeChanged => "media-type-changed",
            ChangeKind::OperationRemoved => "operation-removed",
            ChangeKind::OperationAdded => "operation-added",
            ChangeKind::OperationMoved => "operation-moved",
            ChangeKind::OperationIdChanged => "operation-id-changed",
            ChangeKind::ParameterRemoved => "parameter-removed",
            ChangeKind::ParameterAdded => "parameter-added",
            ChangeKind::ParameterRequired => "parameter-now-required",
            ChangeKind::ParameterOptional => "parameter-now-optional",
            ChangeKind::ParameterTypeChanged => "parameter-type-changed",
            ChangeKind::ParameterLocationChanged => "parameter-location-changed",
            ChangeKind::RequestBodyAdded => "request-body-added",
            ChangeKind::RequestBodyRemoved => "request-body-removed",
            ChangeKind::RequestBodyRequired => "request-body-now-required",
            ChangeKind::RequestBodyOptional => "request-body-now-optional",
            ChangeKind::RequestBodySchemaChanged => "request-body-schema-changed",
            ChangeKind::RequestContentTypeRemoved => "request-content-type-removed",
            ChangeKind::RequestContentTypeAdded => "request-content-type-added",
            ChangeKind::ResponseRemoved => "response-removed",
            ChangeKind::ResponseAdded => "response-added",
            ChangeKind::ResponseSchemaChanged => "response-schema-changed",
            ChangeKind::ResponseContentTypeRemoved => "response-content-type-removed",
            ChangeKind::ResponseContentTypeAdded => "response-content-type-added",
            ChangeKind::SchemaRemoved => "schema-removed",
            ChangeKind::SchemaAdded => "schema-added",
            ChangeKind::SchemaTypeChanged => "schema-type-changed",
            ChangeKind::PropertyRemoved => "property-removed",
            ChangeKind::PropertyAdded => "property-added",
            ChangeKind::PropertyTypeChanged => "property-type-changed",
            ChangeKind::PropertyRequired => "property-now-required",
            ChangeKind::PropertyOptional => "property-now-optional",
            ChangeKind::EnumValueRemoved => "enum-value-removed",
            ChangeKind::EnumValueAdded => "enum-value-added",
        }
    }
}

impl fmt::Display for ChangeKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// One difference between the two documents.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Change {
    /// Whether existing callers break.
    pub severity: Severity,
    /// What changed.
    pub kind: ChangeKind,
    /// What it changed on: `GET /service/tickets/{id} (getServiceTicketsById)`, `Ticket`, `Ticket.summary`, …
    pub subject: String,
    /// The specifics, e.g. `string → integer(int32)`; may be empty.
    pub detail: String,
}

impl Change {
    /// Sort key: severity, kind, then the subject with an operation's path before its method, so that the
    /// operations of one resource stay together, then the detail.
    fn sort_key(&self) -> (Severity, ChangeKind, (&str, &str), &str) {
        (
            self.severity,
            self.kind,
            split_method(&self.subject),
            &self.detail,
        )
    }
}

/// `"GET /a/b (id)"` → `("/a/b (id)", "GET")`; any other subject → `(subject, "")`.
fn split_method(subject: &str) -> (&str, &str) {
    match subject.split_once(' ') {
        Some((method, rest)) if rest.starts_with('/') && operations::METHODS.contains(&method) => {
            (rest, method)
        }
        _ => (subject, ""),
    }
}

impl Ord for Change {
    fn cmp(&self, other: &Self) -> Ordering {
        self.sort_key()
            .cmp(&other.sort_key())
            // Equal keys mean equal changes except for a subject spelled differently but split the same.
            .then_with(|| self.subject.cmp(&other.subject))
    }
}

impl PartialOrd for Change {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:<width$} {}",
            self.kind.label(),
            self.subject,
            width = LABEL_WIDTH
        )?;
        if !self.detail.is_empty() {
            write!(f, ": {}", self.detail)?;
        }
        Ok(())
    }
}

/// Width of the longest kind label, so the subjects line up in the report.
const LABEL_WIDTH: usize = 29;

/// The result of [`diff`]: every change, sorted breaking first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecDiff {
    /// `info.version` of the old document.
    pub old_version: String,
    /// `info.version` of the new document.
    pub new_version: String,
    /// The changes, sorted (breaking first, then by kind, subject and detail) and without duplicates.
    pub changes: Vec<Change>,
}

impl SpecDiff {
    /// True when the documents have no API-relevant difference.
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    /// Number of breaking changes.
    pub fn breaking_count(&self) -> usize {
        self.breaking().count()
    }

    /// Number of non-breaking changes.
    pub fn non_breaking_count(&self) -> usize {
        self.changes.len() - self.breaking_count()
    }

    /// The breaking changes, in report order.
    pub fn breaking(&self) -> impl Iterator<Item = &Change> {
        self.changes
            .iter()
            .filter(|c| c.severity == Severity::Breaking)
    }

    /// The changes of one kind, in report order.
    pub fn of_kind(&self, kind: ChangeKind) -> impl Iterator<Item = &Change> {
        self.changes.iter().filter(move |c| c.kind == kind)
    }

    /// How many changes there are of each kind that occurs, in report order.
    pub fn counts_by_kind(&self) -> BTreeMap<ChangeKind, usize> {
        let mut counts = BTreeMap::new();
        for change in &self.changes {
            *counts.entry(change.kind).or_insert(0) += 1;
        }
        counts
    }
}

impl fmt::Display for SpecDiff {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let breaking = self.breaking_count();
        write!(f, "API diff {} → {}: ", self.old_version, self.new_version)?;
        if self.is_empty() {
            return writeln!(f, "no changes");
        }
        writeln!(
            f,
            "{} changes ({} breaking, {} non-breaking)",
            self.changes.len(),
            breaking,
            self.changes.len() - breaking
        )?;
        let counts: Vec<String> = self
            .counts_by_kind()
            .into_iter()
            .map(|(kind, n)| format!("{n} {kind}"))
            .collect();
        writeln!(f, "  {}", counts.join(", "))?;
        for (severity, title) in [
            (Severity::Breaking, "BREAKING"),
            (Severity::NonBreaking, "NON-BREAKING"),
        ] {
            let section: Vec<&Change> = self
                .changes
                .iter()
                .filter(|c| c.severity == severity)
                .collect();
            if section.is_empty() {
                continue;
            }
            writeln!(f)?;
            writeln!(f, "{title} ({})", section.len())?;
            for change in section {
                writeln!(f, "  {change}")?;
            }
        }
        Ok(())
    }
}

/// Compares two OpenAPI 3 documents and returns every API-relevant change, breaking ones first.
///
/// ```
/// use psa_codegen::diff::{diff, ChangeKind};
///
/// let old: openapiv3::OpenAPI = serde_json::from_value(serde_json::json!({
///     "openapi": "3.0.1",
///     "info": { "title": "demo", "version": "1" },
///     "paths": { "/tickets": { "get": { "operationId": "getTickets", "responses": {} } } },
/// }))?;
/// let new: openapiv3::OpenAPI = serde_json::from_value(serde_json::json!({
///     "openapi": "3.0.1",
///     "info": { "title": "demo", "version": "2" },
///     "paths": {},
/// }))?;
/// let changes = diff(&old, &new);
/// assert_eq!(changes.breaking_count(), 1);
/// assert_eq!(changes.changes[0].kind, ChangeKind::OperationRemoved);
/// assert_eq!(changes.changes[0].subject, "GET /tickets (getTickets)");
/// # Ok::<(), serde_json::Error>(())
/// ```
pub fn diff(old: &OpenAPI, new: &OpenAPI) -> SpecDiff {
    let mut out = Collector::default();
    refs::diff_unresolved(&mut out, old, new);
    operations::diff_operations(&mut out, old, new);
    schemas::diff_components(&mut out, old, new);
    out.finish(old.info.version.clone(), new.info.version.clone())
}

/// Accumulates changes while the documents are walked.
#[derive(Default)]
struct Collector {
    changes: Vec<Change>,
    /// Media types paired by essence whose parameters differ, old → new, with how many bodies did so;
    /// reported once each rather than once per operation.
    media_renames: BTreeMap<(String, String), usize>,
}

impl Collector {
    fn push(
        &mut self,
        severity: Severity,
        kind: ChangeKind,
        subject: impl Into<String>,
        detail: impl Into<String>,
    ) {
        self.changes.push(Change {
            severity,
            kind,
            subject: subject.into(),
            detail: detail.into(),
        });
    }

    fn breaking(
        &mut self,
        kind: ChangeKind,
        subject: impl Into<String>,
        detail: impl Into<String>,
    ) {
        self.push(Severity::Breaking, kind, subject, detail);
    }

    fn non_breaking(
        &mut self,
        kind: ChangeKind,
        subject: impl Into<String>,
        detail: impl Into<String>,
    ) {
        self.push(Severity::NonBreaking, kind, subject, detail);
    }

    fn finish(mut self, old_version: String, new_version: String) -> SpecDiff {
        for ((from, to), count) in std::mem::take(&mut self.media_renames) {
            let plural = if count == 1 { "body" } else { "bodies" };
            self.non_breaking(
                ChangeKind::MediaTypeChanged,
                format!("{from} → {to}"),
                format!("{count} {plural}"),
            );
        }
        let mut changes = self.changes;
        changes.sort();
        // The same change can be found through several content types of one body.
        changes.dedup();
        SpecDiff {
            old_version,
            new_version,
            changes,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn label_width_fits_the_longest_label() {
        let longest = ChangeKind::ALL.iter().map(|k| k.label().len()).max();
        assert_eq!(longest, Some(LABEL_WIDTH));
    }

    #[test]
    fn kinds_are_listed_once_in_report_order() {
        assert!(ChangeKind::ALL.windows(2).all(|pair| pair[0] < pair[1]));
    }

    #[test]
    fn operation_subjects_sort_by_path_then_method() {
        assert_eq!(split_method("GET /a/b (getAB)"), ("/a/b (getAB)", "GET"));
        assert_eq!(split_method("Ticket.id"), ("Ticket.id", ""));
        // Only real methods are split off: a schema named like a word stays whole.
        assert_eq!(split_method("Note /x"), ("Note /x", ""));
    }
}
