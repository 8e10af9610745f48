//! `psa-codegen drift-to-correction`: turns a user's drift report (what live responses held that the vendor
//! document did not predict, from `client.drift().take()`) into suggested correction entries for
//! `specs/corrections/<vendor>.toml`.
//!
//! The report names each finding by operation and JSON path (`Companies_Query`, `items[].sicCode`); the
//! corrected document (prepared as the build prepares it) turns that into the schema and property the entry
//! is about, by walking the operation's JSON success response along the path (`$ref`s, `allOf`, list items,
//! map values). The output is a *review* aid: `[[suggested.…]]` tables, which no correction pass reads yet,
//! plus a `secret_properties` line in the shape that correction does read when a secret-looking property is
//! involved. A maintainer checks each suggestion against the vendor's own documentation before moving it into
//! correction data (a field seen once on one tenant is not yet a documented field).

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::Value;

mod render;
mod resolve;

use render::render;
use resolve::{resolve, response_schema};

/// A drift report as `psa_clients` writes it (`DriftReport::to_json_pretty`); unknown keys are ignored so an
/// older psa-codegen reads a newer report.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Report {
    /// `bms`, `connectwise` or `autotask`.
    #[serde(default)]
    pub vendor: Option<String>,
    /// The document the client was generated from.
    #[serde(default)]
    pub spec: Option<ReportSpec>,
    /// The findings.
    #[serde(default)]
    pub entries: Vec<Entry>,
}

/// The document a report was made against.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ReportSpec {
    /// File name, e.g. `autotask.json`.
    pub file: String,
    /// The vendor's version.
    #[serde(default)]
    pub version: String,
    /// SHA-256 of the document.
    #[serde(default)]
    pub sha256: String,
}

/// One finding of a report.
#[derive(Debug, Clone, Deserialize)]
pub struct Entry {
    /// The vendor's operationId.
    pub operation_id: String,
    /// `unknown_field`, `wrong_type`, `unknown_enum_value` or `missing_field`.
    pub kind: String,
    /// JSON path with `[]` for list elements and `*` for map values.
    pub path: String,
    /// Occurrences.
    #[serde(default)]
    pub count: u64,
    /// JSON types seen (`integer`, `string`, …).
    #[serde(default)]
    pub json_types: Vec<String>,
    /// Decoder message, for wrong types.
    #[serde(default)]
    pub message: Option<String>,
    /// The Rust enum, for unknown enum values.
    #[serde(default)]
    pub enum_type: Option<String>,
    /// Unknown enum values seen.
    #[serde(default)]
    pub values: Vec<String>,
}

/// Why a report cannot be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DriftError {
    /// Not a drift report.
    #[error("not a drift report: {0}")]
    Json(#[from] serde_json::Error),
}

/// Reads a report from its JSON text.
///
/// # Errors
/// [`DriftError::Json`] for text that is not a drift report.
pub fn read_report(text: &str) -> Result<Report, DriftError> {
    Ok(serde_json::from_str(text)?)
}

/// What one property needs, merged over every finding about it.
#[derive(Debug, Clone, Default, PartialEq)]
struct Suggestion {
    seen: u64,
    operations: Vec<String>,
    paths: Vec<String>,
    json_types: Vec<String>,
    declared: Option<String>,
    message: Option<String>,
    values: Vec<String>,
    enum_schema: Option<String>,
    similar: Option<String>,
}

type Key = (&'static str, String, String);

/// The suggestions for `report` against the corrected document `doc` (OpenAPI 3.0 as JSON), as TOML text with
/// a header saying what it is and from what.
pub fn suggest(report: &Report, doc: &Value) -> String {
    let mut found: BTreeMap<Key, Suggestion> = BTreeMap::new();
    let mut unresolved = Vec::new();
    for entry in &report.entries {
        let section = match entry.kind.as_str() {
            "unknown_field" => "add_property",
            "wrong_type" => "retype_property",
            "unknown_enum_value" => "add_enum_values",
            "missing_field" => "not_required",
            other => {
                unresolved.push(format!(
                    "{} {}: unknown kind `{other}`",
                    entry.operation_id, entry.path
                ));
                continue;
            }
        };
        let Some(response) = response_schema(doc, &entry.operation_id) else {
            unresolved.push(format!(
                "{} {}: the document has no operation `{}` with a JSON success response",
                entry.operation_id, entry.path, entry.operation_id
            ));
            continue;
        };
        let Some(place) = resolve(doc, response, &entry.path) else {
            unresolved.push(format!(
                "{} {}: the path does not lead to a named schema in the document",
                entry.operation_id, entry.path
            ));
            continue;
        };
        let suggestion = found
            .entry((section, place.schema.clone(), place.property.clone()))
            .or_default();
        suggestion.seen += entry.count;
        push_unique(&mut suggestion.operations, &entry.operation_id);
        push_unique(&mut suggestion.paths, &entry.path);
        for t in &entry.json_types {
            push_unique(&mut suggestion.json_types, t);
        }
        for v in &entry.values {
            push_unique(&mut suggestion.values, v);
        }
        if suggestion.message.is_none() {
            suggestion.message.clone_from(&entry.message);
        }
        suggestion.declared = place.declared;
        suggestion.enum_schema = place.enum_schema.or(suggestion.enum_schema.take());
        suggestion.similar = place.similar;
    }
    render(report, &found, &unresolved)
}

fn push_unique(list: &mut Vec<String>, value: &str) {
    if !list.iter().any(|v| v == value) {
        list.push(value.to_owned());
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use serde_json::json;

    /// Autotask's shape after corrections: the query envelope, a model with the document's `SICCode`, an enum.
    pub(super) fn doc() -> Value {
        json!({
            "openapi": "3.0.1",
            "paths": {
                "/V1.0/Companies/query": {"post": {
                    "operationId": "Companies_Query",
                    "responses": {"200": {"content": {"application/json": {"schema": {
                        "$ref": "#/components/schemas/CompanyQueryResult"}}}}}
                }},
                "/service/priorities": {"get": {
                    "operationId": "getServicePriorities",
                    "responses": {"200": {"content": {"application/vnd.connectwise.com+json; version=2022.1": {
                        "schema": {"type": "array", "items": {"$ref": "#/components/schemas/Priority"}}}}}}
                }}
            },
            "components": {"schemas": {
                "CompanyQueryResult": {"type": "object", "properties": {
                    "items": {"type": "array", "items": {"$ref": "#/components/schemas/CompanyModel"}},
                    "pageDetails": {"$ref": "#/components/schemas/PageDetails"}}},
                "PageDetails": {"type": "object", "properties": {"count": {"type": "integer"}}},
                "CompanyModel": {"allOf": [{"$ref": "#/components/schemas/Base"}, {"type": "object", "properties": {
                    "SICCode": {"type": "string"},
                    "postalCode": {"type": "string"},
                    "createDate": {"type": "string", "format": "date-time"}}}]},
                "Base": {"type": "object", "properties": {"id": {"type": "integer", "format": "int64"}}},
                "Priority": {"type": "object", "properties": {
                    "color": {"$ref": "#/components/schemas/PriorityColor"}}},
                "PriorityColor": {"type": "string", "enum": ["Blue", "Red"]}
            }}
        })
    }

    fn report() -> Report {
        read_report(
            &json!({
                "vendor": "autotask",
                "spec": {"file": "autotask.json", "version": "v1", "sha256": "abc"},
                "entries": [
                    {"operation_id": "Companies_Query", "kind": "unknown_field", "path": "items[].sicCode",
                     "count": 500, "json_types": ["string", "null"], "example": "7372"},
                    {"operation_id": "Companies_Query", "kind": "unknown_field", "path": "items[].webhookSecret",
                     "count": 2, "json_types": ["string"]},
                    {"operation_id": "Companies_Query", "kind": "wrong_type", "path": "items[].postalCode",
                     "count": 3, "json_types": ["integer"], "message": "invalid type: integer `12061`, expected a string"},
                    {"operation_id": "Companies_Query", "kind": "missing_field", "path": "items[].id", "count": 1},
                    {"operation_id": "Companies_Query", "kind": "unknown_field", "path": "pageDetails.nextCursor",
                     "count": 1, "json_types": ["string"]},
                    {"operation_id": "getServicePriorities", "kind": "unknown_enum_value", "path": "[].color",
                     "count": 4, "enum_type": "PriorityColor", "values": ["blue", "Purple"]},
                    {"operation_id": "nope", "kind": "unknown_field", "path": "x", "count": 1},
                    {"operation_id": "Companies_Query", "kind": "unknown_field", "path": "items[].a.b", "count": 1},
                    {"operation_id": "Companies_Query", "kind": "future_kind", "path": "x", "count": 1, "new": 1}
                ]
            })
            .to_string(),
        )
        .expect("a report")
    }

    #[test]
    fn a_report_becomes_reviewable_toml_entries() {
        let text = suggest(&report(), &doc());
        let parsed: toml::Value = toml::from_str(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
        let suggested = &parsed["suggested"];
        let add = suggested["add_property"].as_array().expect("add_property");
        let names: Vec<(&str, &str)> = add
            .iter()
            .map(|t| {
                (
                    t["schema"].as_str().unwrap_or(""),
                    t["property"].as_str().unwrap_or(""),
                )
            })
            .collect();
        assert_eq!(
            names,
            [
                ("CompanyModel", "sicCode"),
                ("CompanyModel", "webhookSecret"),
                ("PageDetails", "nextCursor")
            ]
        );
        assert_eq!(add[0]["type"].as_str(), Some("string"));
        assert_eq!(add[0]["nullable"].as_bool(), Some(true));
        assert_eq!(add[0]["similar_declared"].as_str(), Some("SICCode"));
        assert_eq!(add[0]["seen"].as_integer(), Some(500));
        let retype = &suggested["retype_property"][0];
        assert_eq!(retype["property"].as_str(), Some("postalCode"));
        assert_eq!(retype["declared"].as_str(), Some("string"));
        assert_eq!(retype["sent_json_types"].as_array().map(Vec::len), Some(1));
        let values = &suggested["add_enum_values"][0];
        assert_eq!(values["enum_schema"].as_str(), Some("PriorityColor"));
        assert_eq!(
            values["values"]
                .as_array()
                .map(|v| v.iter().filter_map(toml::Value::as_str).collect::<Vec<_>>()),
            Some(vec!["blue", "Purple"])
        );
        assert_eq!(
            suggested["not_required"][0]["schema"].as_str(),
            Some("Base")
        );
        assert!(
            text.contains("# secret_properties = [\"CompanyModel.webhookSecret\"]"),
            "{text}"
        );
        assert!(text.contains("# unresolved: nope x"), "{text}");
        assert!(
            text.contains("# unresolved: Companies_Query items[].a.b"),
            "{text}"
        );
        assert!(text.contains("unknown kind `future_kind`"), "{text}");
        assert!(text.contains("specs/corrections/autotask.toml"), "{text}");
    }

    #[test]
    fn an_empty_report_says_so_and_garbage_is_refused() {
        let text = suggest(&Report::default(), &doc());
        assert!(text.contains("nothing to suggest"), "{text}");
        assert!(read_report("[1, 2]").is_err());
    }
}
