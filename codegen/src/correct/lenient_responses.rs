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
//!
//! What was dropped is not forgotten: the `required` list of every component schema reachable from a response
//! is recorded in [`ResponseFields`], and the generated lean `Deserialize` of its model reports a listed field
//! the response lacked as `missing_field` drift (strict mode: an error), so leniency does not make a missing
//! field silent. The same record holds the correction data's `always_present` list (`Schema.property`):
//! properties the live API sends in every response although the document does not say so (ConnectWise and
//! Autotask declare no record's `id` required) — their absence is reported the same way, and their models get
//! an accessor that reads them without an `Option` (postprocess pass `always-present`). A listed property that
//! is not in a response schema of the document is reported in this pass's changes rather than ignored.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

use super::walk::{ref_target, visit_document_schemas, OperationSchemas};

/// What response models expect to receive, per component schema name: carried from this pass to the generated
/// models' `Deserialize` (missing-field drift) and to the `always-present` accessors.
pub type ResponseFields = BTreeMap<String, ExpectedFields>;

/// The properties of one response schema whose absence from a response is drift (wire spelling).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExpectedFields {
    /// The document's `required` list, which this pass dropped.
    pub required: BTreeSet<String>,
    /// Listed in the correction data's `always_present`: sent in every response.
    pub always_present: BTreeSet<String>,
}

impl ExpectedFields {
    /// Whether a response lacking `wire` is drift.
    pub fn expects(&self, wire: &str) -> bool {
        self.required.contains(wire) || self.always_present.contains(wire)
    }
}

pub(super) fn apply(doc: &mut Value, always_present: &[String]) -> (Vec<String>, ResponseFields) {
    let reachable = reachable_from_responses(doc);
    let (mut fields, mut changes) = record_expected(doc, &reachable, always_present);
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
    changes.insert(
        0,
        format!(
            "{} response schemas: {relaxed_required} `required` lists dropped, {opened} `additionalProperties: \
             false` dropped, {nullable} list/map properties made nullable",
            reachable.len()
        ),
    );
    fields.retain(|_, f| !f.required.is_empty() || !f.always_present.is_empty());
    (changes, fields)
}

/// The `required` lists of the component schemas in `reachable` (before they are dropped) and the
/// `always_present` entries, resolved to the document's property names; plus the change lines saying so.
fn record_expected(
    doc: &Value,
    reachable: &BTreeSet<String>,
    always_present: &[String],
) -> (ResponseFields, Vec<String>) {
    let mut fields = ResponseFields::new();
    let mut changes = Vec::new();
    let schemas = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object);
    let mut required = 0usize;
    for name in reachable {
        let Some(list) = schemas
            .and_then(|s| s.get(name))
            .and_then(|s| s.get("required"))
            .and_then(Value::as_array)
        else {
            continue;
        };
        let list: BTreeSet<String> = list
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect();
        required += list.len();
        fields.entry(name.clone()).or_default().required = list;
    }
    let mut listed = 0usize;
    let property_of = |schema: &str, property: &str| {
        schemas
            .and_then(|s| s.get(schema))
            .and_then(|s| s.get("properties"))
            .and_then(Value::as_object)
            .and_then(|p| p.keys().find(|k| k.eq_ignore_ascii_case(property)))
            .cloned()
    };
    for entry in always_present {
        let Some((schema, property)) = entry.split_once('.') else {
            changes.push(format!(
                "always-present `{entry}` is not `Schema.property`; ignored"
            ));
            continue;
        };
        if let Some(suffix) = schema.strip_prefix('*') {
            // `*QueryResult.items`: every response schema named so that has the property (one envelope or
            // reference shape the vendor repeats for hundreds of entities).
            let mut matched = 0usize;
            for name in reachable.iter().filter(|n| n.ends_with(suffix)) {
                if let Some(wire) = property_of(name, property) {
                    fields
                        .entry(name.clone())
                        .or_default()
                        .always_present
                        .insert(wire);
                    matched += 1;
                }
            }
            changes.push(format!(
                "always-present {entry}: {matched} response schemas"
            ));
            listed += matched;
            continue;
        }
        if !reachable.contains(schema) {
            changes.push(format!(
                "always-present {entry}: no response schema `{schema}` in this document"
            ));
            continue;
        }
        let Some(wire) = property_of(schema, property) else {
            changes.push(format!(
                "always-present {entry}: `{schema}` has no property `{property}`"
            ));
            continue;
        };
        fields
            .entry(schema.to_owned())
            .or_default()
            .always_present
            .insert(wire);
        listed += 1;
    }
    changes.push(format!(
        "{required} required properties of {} response schemas kept for the missing-field drift report, \
         {listed} always-present properties",
        fields.values().filter(|f| !f.required.is_empty()).count()
    ));
    (fields, changes)
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
        let (_, fields) = apply(&mut doc, &["Ticket.Id".into(), "NewTicket.summary".into()]);
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
        // What was dropped is kept for the missing-field report; request-only schemas are not listed.
        assert_eq!(fields["Ticket"].required, BTreeSet::from(["id".to_owned()]));
        assert_eq!(
            fields["Board"].required,
            BTreeSet::from(["name".to_owned()])
        );
        // The listed spelling `Id` resolves to the document's `id`; `NewTicket` is not a response schema.
        assert_eq!(
            fields["Ticket"].always_present,
            BTreeSet::from(["id".to_owned()])
        );
        assert!(!fields.contains_key("NewTicket"));
    }

    #[test]
    fn always_present_entries_that_match_nothing_are_reported() {
        let mut doc = json!({"paths": {"/t": {"get": {
            "responses": {"200": {"description": "", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Ticket"}}}}}
        }}}, "components": {"schemas": {
            "Ticket": {"type": "object", "properties": {"id": {"type": "integer"}}}
        }}});
        let listed = [
            "Ticket.id",
            "Ticket.uid",
            "Gone.id",
            "junk",
            "*Reference.id",
            "*et.ID",
        ]
        .map(String::from);
        let (changes, fields) = apply(&mut doc, &listed);
        assert_eq!(
            changes[1..],
            [
                "always-present Ticket.uid: `Ticket` has no property `uid`".to_owned(),
                "always-present Gone.id: no response schema `Gone` in this document".to_owned(),
                "always-present `junk` is not `Schema.property`; ignored".to_owned(),
                "always-present *Reference.id: 0 response schemas".to_owned(),
                "always-present *et.ID: 1 response schemas".to_owned(),
                "0 required properties of 0 response schemas kept for the missing-field drift report, 2 \
                 always-present properties"
                    .to_owned(),
            ],
            "{changes:#?}"
        );
        assert!(fields["Ticket"].expects("id"));
    }
}
