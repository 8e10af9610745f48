//! `format-types`: string formats the generator would leave as `String` get a run-time type.
//!
//! Reality encoded (Kaseya BMS): `StartTime` and `EndTime` of time entries and ticket activities are .NET
//! `TimeSpan`s, which the document (written by Swashbuckle) declares as `type: string, format: date-span`, and
//! the API sends as `"09:30:00"` (.NET's constant format). typify knows no such format, so they were bare
//! `String`s and a user had to format `"09:30:00"` by hand. Correction data `format_types` maps a format to a
//! run-time type (BMS: `date-span` → `psa_clients_runtime::TimeOfDay`), set on every string schema of that
//! format through typify's `x-rust-type`, as the `secret-properties` pass does for secrets, so the type comes
//! from the document's own declaration and no generated token is matched. The lean deserializer reads the type
//! leniently in responses (a value that is not a time of day is a problem kept in `extra`, not a failed record).

use std::collections::BTreeMap;

use serde_json::{json, Value};

use super::query_param_types::RUNTIME_CRATE;
use super::walk::{visit_document_schemas, OperationSchemas};

pub(super) fn apply(doc: &mut Value, types: &BTreeMap<String, String>) -> Vec<String> {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    visit_document_schemas(
        doc,
        |_| true,
        OperationSchemas::JsonBodiesAndResponses,
        &mut |schema| {
            if schema.get("type").and_then(Value::as_str) != Some("string")
                || schema.contains_key("x-rust-type")
            {
                return;
            }
            let Some((format, path)) = schema
                .get("format")
                .and_then(Value::as_str)
                .and_then(|f| types.get_key_value(f))
            else {
                return;
            };
            schema.insert(
                "x-rust-type".to_owned(),
                json!({"crate": RUNTIME_CRATE, "version": "0.1", "path": path}),
            );
            *counts.entry(format.as_str()).or_default() += 1;
        },
    );
    types
        .iter()
        .map(|(format, path)| {
            let n = counts.get(format.as_str()).copied().unwrap_or_default();
            format!("{n} `format: {format}` string schemas take `{path}`")
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn string_schemas_of_a_listed_format_get_the_runtime_type() {
        let mut doc = json!({"paths": {"/v2/tickets/{id}/timelogs": {"post": {
        "requestBody": {"content": {"application/json": {"schema": {"type": "object", "properties": {
            "Inline": {"type": "string", "format": "date-span"}}}}}},
        "responses": {}}}},
        "components": {"schemas": {"TimeLogOutputDto": {"type": "object", "properties": {
            "StartTime": {"type": "string", "format": "date-span", "nullable": true},
            "EndTime": {"type": "string", "format": "date-span"},
            "StartDate": {"type": "string", "format": "date-time"},
            "Span": {"type": "integer", "format": "date-span"},
            "Tags": {"type": "array", "items": {"type": "string", "format": "date-span"}}
        }}}}});
        let types = BTreeMap::from([(
            "date-span".to_owned(),
            "psa_clients_runtime::TimeOfDay".to_owned(),
        )]);
        let changes = apply(&mut doc, &types);
        assert_eq!(
            changes,
            ["4 `format: date-span` string schemas take `psa_clients_runtime::TimeOfDay`"]
        );
        let props = &doc["components"]["schemas"]["TimeLogOutputDto"]["properties"];
        assert_eq!(
            props["StartTime"]["x-rust-type"]["path"],
            "psa_clients_runtime::TimeOfDay"
        );
        assert_eq!(props["StartTime"]["x-rust-type"]["crate"], RUNTIME_CRATE);
        assert!(props["Tags"]["items"].get("x-rust-type").is_some());
        // Other formats and non-strings are left alone.
        assert!(props["StartDate"].get("x-rust-type").is_none());
        assert!(props["Span"].get("x-rust-type").is_none());
    }

    #[test]
    fn nothing_listed_changes_nothing() {
        let mut doc = json!({"paths": {}, "components": {"schemas": {"A": {"type": "string", "format": "date-span"}}}});
        let before = doc.clone();
        assert!(apply(&mut doc, &BTreeMap::new()).is_empty());
        assert_eq!(doc, before);
    }
}
