//! `free-form-values`: a property declared as a bare object holds any JSON value.
//!
//! Realities encoded: Autotask's .NET `Object` is published as `{type: object, properties: {}}`, yet
//! `isSupportedWebhookField` (and other `Object` properties) arrive as booleans, numbers and strings;
//! ConnectWise declares a custom field's `value` as `{type: object, additionalProperties: {}}` while the API
//! sends `5`, `"text"` or `true`. Typed as maps, every such response would fail to decode. A schema that is
//! `type: object` with no declared properties and no typed `additionalProperties` becomes "any value"
//! (`serde_json::Value`), and `$ref`s to such component schemas are replaced by it.

use std::collections::BTreeSet;

use serde_json::{Map, Value};

use super::walk::{ref_target, visit_document_schemas, OperationSchemas};

pub(super) fn apply(doc: &mut Value) -> Vec<String> {
    let free_form: BTreeSet<String> = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|s| {
            s.iter()
                .filter(|(_, v)| v.as_object().is_some_and(is_free_form))
                .map(|(k, _)| k.clone())
                .collect()
        })
        .unwrap_or_default();
    let mut replaced = 0usize;
    let mut fix = |obj: &mut Map<String, Value>| {
        for key in ["properties"] {
            let Some(props) = obj.get_mut(key).and_then(Value::as_object_mut) else {
                continue;
            };
            for p in props.values_mut() {
                if should_replace(p, &free_form) {
                    *p = Value::Object(Map::new());
                    replaced += 1;
                }
            }
        }
        for key in ["items", "additionalProperties"] {
            if let Some(child) = obj.get_mut(key) {
                if should_replace(child, &free_form) {
                    *child = Value::Object(Map::new());
                    replaced += 1;
                }
            }
        }
    };
    visit_document_schemas(
        doc,
        |_| true,
        OperationSchemas::JsonBodiesAndResponses,
        &mut fix,
    );
    if replaced == 0 {
        return Vec::new();
    }
    let names: Vec<&str> = free_form.iter().map(String::as_str).collect();
    vec![format!(
        "{replaced} bare-object properties typed as any JSON value (free-form components: {})",
        names.join(", ")
    )]
}

fn should_replace(schema: &Value, free_form: &BTreeSet<String>) -> bool {
    match schema
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(ref_target)
    {
        Some(name) => free_form.contains(&name),
        None => schema.as_object().is_some_and(is_free_form),
    }
}

/// `{type: object}` with no declared properties and an untyped (or absent) `additionalProperties`.
fn is_free_form(obj: &Map<String, Value>) -> bool {
    let is_object = obj.get("type").and_then(Value::as_str) == Some("object");
    let no_props = obj
        .get("properties")
        .is_none_or(|p| p.as_object().is_some_and(Map::is_empty));
    let untyped_extra = match obj.get("additionalProperties") {
        None | Some(Value::Bool(true)) => true,
        Some(Value::Object(m)) => m.is_empty(),
        Some(_) => false,
    };
    let composed = ["allOf", "anyOf", "oneOf", "enum"]
        .iter()
        .any(|k| obj.contains_key(*k));
    is_object && no_props && untyped_extra && !composed
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn bare_objects_become_any_and_maps_stay() {
        let mut doc = json!({"paths": {}, "components": {"schemas": {
            "Object": {"type": "object", "properties": {}},
            "Field": {"type": "object", "properties": {
                "isSupportedWebhookField": {"$ref": "#/components/schemas/Object"},
                "value": {"type": "object", "additionalProperties": {}},
                "info": {"type": "object", "additionalProperties": {"type": "string"}},
                "nested": {"$ref": "#/components/schemas/Field"}}}}}});
        let changes = apply(&mut doc);
        assert_eq!(changes.len(), 1, "{changes:?}");
        let props = &doc["components"]["schemas"]["Field"]["properties"];
        assert_eq!(props["isSupportedWebhookField"], json!({}));
        assert_eq!(props["value"], json!({}));
        assert_eq!(props["info"]["additionalProperties"]["type"], "string");
        assert_eq!(props["nested"]["$ref"], "#/components/schemas/Field");
    }
}
