//! `lenient-responses`: a response model accepts what the live API really sends.
//!
//! Realities encoded:
//! - Live responses omit properties the documents call required (ConnectWise members' `lastName` and
//!   `hireDate`, the most reported bug of pyconnectwise; Autotask and BMS `required` lists are aspirational).
//! - APIs add properties between versions (ConnectWise `Ticket` gained 18 from 2022.1 to 2026.4) while BMS marks
//!   788 schemas `additionalProperties: false`, which would make every new field a decoding error.
//! - Lists, maps and map values come back as `null` as often as empty.
//!
//! Policy: every schema reachable from a response (directly or through `$ref`s) loses its `required` list and
//! `additionalProperties: false`, and its list- and map-valued properties become nullable. Schemas used only in
//! requests keep their `required` lists, so request types still make the caller set what the API demands.

use std::collections::BTreeSet;

use serde_json::{Map, Value};

use super::walk::{ref_target, visit_document_schemas, OperationSchemas};

pub(super) fn apply(doc: &mut Value) -> Vec<String> {
    let reachable = reachable_from_responses(doc);
    let mut relaxed_required = 0usize;
    let mut opened = 0usize;
    let mut nullable = 0usize;
    let mut relax = |obj: &mut Map<String, Value>| {
        if obj.remove("required").is_some() {
            relaxed_required += 1;
        }
        if obj.get("additionalProperties") == Some(&Value::Bool(false)) {
            obj.remove("additionalProperties");
            opened += 1;
        }
        if let Some(props) = obj.get_mut("properties").and_then(Value::as_object_mut) {
            for p in props.values_mut() {
                let Some(p) = p.as_object_mut() else { continue };
                let is_list = p.get("type").and_then(Value::as_str) == Some("array");
                let is_map = p.get("type").and_then(Value::as_str) == Some("object")
                    && !p.contains_key("properties");
                if (is_list || is_map) && p.get("nullable") != Some(&Value::Bool(true)) {
                    p.insert("nullable".into(), Value::Bool(true));
                    nullable += 1;
                }
                // Map values come back as null too (ConnectWise `_info: {"updatedBy": null}`).
                if let Some(values) = p
                    .get_mut("additionalProperties")
                    .and_then(Value::as_object_mut)
                {
                    if values.contains_key("type")
                        && values.get("nullable") != Some(&Value::Bool(true))
                    {
                        values.insert("nullable".into(), Value::Bool(true));
                        nullable += 1;
                    }
                }
            }
        }
    };
    // Inline request bodies are not visited: only responses need to be lenient.
    visit_document_schemas(
        doc,
        |name| reachable.contains(name),
        OperationSchemas::AllResponses,
        &mut relax,
    );
    vec![format!(
        "{} response schemas: {relaxed_required} `required` lists dropped, {opened} `additionalProperties: false` \
         dropped, {nullable} list/map properties made nullable",
        reachable.len()
    )]
}

/// Names of the component schemas reachable from any response schema.
fn reachable_from_responses(doc: &Value) -> BTreeSet<String> {
    let mut pending: Vec<String> = Vec::new();
    if let Some(paths) = doc.get("paths").and_then(Value::as_object) {
        for item in paths.values().filter_map(Value::as_object) {
            for op in item.values().filter_map(Value::as_object) {
                if let Some(responses) = op.get("responses") {
                    collect_refs(responses, &mut pending);
                }
            }
        }
    }
    let schemas = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object);
    let mut seen = BTreeSet::new();
    while let Some(name) = pending.pop() {
        if seen.insert(name.clone()) {
            if let Some(schema) = schemas.and_then(|s| s.get(&name)) {
                collect_refs(schema, &mut pending);
            }
        }
    }
    seen
}

fn collect_refs(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                if k == "$ref" {
                    if let Some(name) = v.as_str().and_then(ref_target) {
                        out.push(name);
                    }
                } else {
                    collect_refs(v, out);
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| collect_refs(v, out)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn response_schemas_relax_and_request_only_schemas_stay_strict() {
        let mut doc = json!({"paths": {"/t": {"post": {
            "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/NewTicket"}}}},
            "responses": {"200": {"description": "", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Ticket"}}}}}
        }}}, "components": {"schemas": {
            "NewTicket": {"type": "object", "required": ["summary"], "additionalProperties": false, "properties": {"summary": {"type": "string"}}},
            "Ticket": {"type": "object", "required": ["id"], "additionalProperties": false, "properties": {
                "id": {"type": "integer"}, "notes": {"type": "array", "items": {"type": "string"}},
                "board": {"$ref": "#/components/schemas/Board"}}},
            "Board": {"type": "object", "required": ["name"], "properties": {"name": {"type": "string"}}}
        }}});
        apply(&mut doc);
        let s = &doc["components"]["schemas"];
        assert_eq!(s["NewTicket"]["required"], json!(["summary"]));
        assert_eq!(s["NewTicket"]["additionalProperties"], false);
        assert!(s["Ticket"].get("required").is_none());
        assert!(s["Ticket"].get("additionalProperties").is_none());
        assert_eq!(s["Ticket"]["properties"]["notes"]["nullable"], true);
        assert!(
            s["Board"].get("required").is_none(),
            "reachable through a $ref"
        );
    }
}
