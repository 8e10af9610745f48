//! `schema-types`: a component schema that misdescribes a wire shape is replaced by a hand-written run-time type.
//!
//! Reality encoded: Autotask's `QueryModel` (the body of all 312 `POST /V1.0/{Entity}/query` and
//! `…/query/count` operations) declares `Filter.value` as the vendor's server-side `ValueItem` object
//! (`{"IntegerValue":1}`, `{"StringValue":"x"}`), while the REST API takes — and its query documentation shows —
//! a bare JSON value: `{"op":"eq","field":"companyType","value":1}`. A body built from the declared model is
//! accepted and matches nothing (or is refused), so the generated `*_query` methods were a trap beside the
//! correct hand-written builder. Evidence: Autotask's "Making basic query calls to the REST API" article, the
//! real `companies_query*` request/response pairs under `../shared/fixtures/autotask`, and the psa-emulator,
//! which evaluates bare values as the API does.
//!
//! Each listed schema (correction data `schema_types = { Schema = "psa_clients_runtime::…::Type" }`, document
//! spelling) is removed and every reference to it replaced by an inline schema with typify's `x-rust-type`, so
//! it is generated as the run-time type itself (here `psa_clients_runtime::autotask::filter::Query`, which
//! `psa_clients::autotask::filter` re-exports). Schemas that only the replaced ones referenced (`Filter`, `ValueItem`,
//! `CollectionItem`) are removed, so no generated type of the wrong shape is left to build by hand. A listed
//! schema the document does not have is reported (a newer document may have renamed it).

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{json, Value};

use super::query_param_types::RUNTIME_CRATE;
use super::walk::{for_each_operation, ref_target, schema_ref};

pub(super) fn apply(doc: &mut Value, types: &BTreeMap<String, String>) -> Vec<String> {
    let mut changes = Vec::new();
    if types.is_empty() {
        return changes;
    }
    let mut uses = BTreeMap::<&str, usize>::new();
    for_each_operation(doc, |_, _, op| {
        let Some(content) = op
            .get("requestBody")
            .and_then(|body| body.get("content"))
            .and_then(Value::as_object)
        else {
            return;
        };
        for media in content.values() {
            if let Some(name) = media
                .pointer("/schema/$ref")
                .and_then(Value::as_str)
                .and_then(ref_target)
            {
                if let Some((listed, _)) = types.get_key_value(&name) {
                    *uses.entry(listed.as_str()).or_default() += 1;
                }
            }
        }
    });
    // The listed schemas go, and every reference to one becomes the run-time type itself: with the extension on
    // the component, typify would generate a newtype around it (`QueryModel(Query)`), which a `&Query` does
    // not convert into; inline, each body setter takes the run-time type directly.
    let mut candidates = BTreeSet::new();
    let mut replaced = BTreeMap::new();
    if let Some(schemas) = doc
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    {
        for (name, path) in types {
            let Some(schema) = schemas.shift_remove(name) else {
                changes.push(format!(
                    "{name}: listed in schema_types but not in this document"
                ));
                continue;
            };
            collect_refs(&schema, &mut candidates);
            replaced.insert(
                schema_ref(name),
                json!({"type": "object", "x-rust-type": {"crate": RUNTIME_CRATE, "version": "0.1", "path": path}}),
            );
            changes.push(format!(
                "{name} (request body of {} operations) is `{path}`",
                uses.get(name.as_str()).copied().unwrap_or(0)
            ));
        }
    }
    replace_refs(doc, &replaced);
    // Schemas the operations refer to directly stay, whatever else happens.
    let mut from_paths = BTreeSet::new();
    if let Some(paths) = doc.get("paths") {
        collect_refs(paths, &mut from_paths);
    }
    let Some(schemas) = doc
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    else {
        return changes;
    };
    // Drop what only the replaced schemas used: a schema stays if an operation or a schema that is not itself
    // a candidate still refers to it. Repeated, since removing one can leave another unused; a candidate that
    // only refers to itself (`Filter.items`) goes too.
    let mut removed = BTreeSet::new();
    loop {
        candidates.retain(|c| schemas.contains_key(c) && !types.contains_key(c));
        let mut outside = from_paths.clone();
        for (name, schema) in schemas.iter() {
            if !candidates.contains(name) {
                collect_refs(schema, &mut outside);
            }
        }
        let unused: Vec<String> = candidates
            .iter()
            .filter(|c| !outside.contains(*c))
            .cloned()
            .collect();
        if unused.is_empty() {
            break;
        }
        for name in unused {
            // `shift_remove` keeps the document order of the schemas that stay.
            if let Some(schema) = schemas.shift_remove(&name) {
                collect_refs(&schema, &mut candidates);
            }
            removed.insert(name);
        }
    }
    if !removed.is_empty() {
        changes.push(format!(
            "removed {}: only the replaced schemas used them",
            removed.into_iter().collect::<Vec<_>>().join(", ")
        ));
    }
    changes
}

/// Replaces every `{"$ref": r}` below `value` whose `r` is a key of `replaced` by its value.
fn replace_refs(value: &mut Value, replaced: &BTreeMap<String, Value>) {
    if replaced.is_empty() {
        return;
    }
    let target = value
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| replaced.get(r));
    if let Some(inline) = target {
        *value = inline.clone();
        return;
    }
    match value {
        Value::Object(map) => map.values_mut().for_each(|v| replace_refs(v, replaced)),
        Value::Array(list) => list.iter_mut().for_each(|v| replace_refs(v, replaced)),
        _ => {}
    }
}

/// Adds every `$ref` target below `value` to `out`.
fn collect_refs(value: &Value, out: &mut BTreeSet<String>) {
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                if key == "$ref" {
                    if let Some(name) = v.as_str().and_then(ref_target) {
                        out.insert(name);
                    }
                } else {
                    collect_refs(v, out);
                }
            }
        }
        Value::Array(list) => list.iter().for_each(|v| collect_refs(v, out)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shape of Autotask's document (after Swagger 2.0 conversion), reduced to the query parts.
    fn doc() -> Value {
        json!({
            "paths": {
                "/V1.0/Companies/query": {"post": {
                    "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/QueryModel"}}}},
                    "responses": {"200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/CompanyQueryResult"}}}}}
                }},
                "/V1.0/Companies/query/count": {"post": {
                    "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/QueryModel"}}}},
                    "responses": {}
                }}
            },
            "components": {"schemas": {
                "QueryModel": {"type": "object", "properties": {
                    "Filter": {"type": "array", "items": {"$ref": "#/components/schemas/Filter"}},
                    "MaxRecords": {"type": "integer"}
                }},
                "Filter": {"type": "object", "properties": {
                    "op": {"type": "string"},
                    "value": {"$ref": "#/components/schemas/ValueItem"},
                    "items": {"type": "array", "items": {"$ref": "#/components/schemas/Filter"}}
                }},
                "ValueItem": {"type": "object", "properties": {
                    "ElementList": {"type": "array", "items": {"$ref": "#/components/schemas/CollectionItem"}},
                    "Shared": {"$ref": "#/components/schemas/PageDetails"}
                }},
                "CollectionItem": {"type": "object", "properties": {"IntegerValue": {"type": "integer"}}},
                "PageDetails": {"type": "object", "properties": {"count": {"type": "integer"}}},
                "CompanyQueryResult": {"type": "object", "properties": {
                    "pageDetails": {"$ref": "#/components/schemas/PageDetails"}
                }}
            }}
        })
    }

    #[test]
    fn a_listed_schema_becomes_the_runtime_type_and_what_only_it_used_goes() {
        let mut doc = doc();
        let types = BTreeMap::from([
            (
                "QueryModel".to_owned(),
                "psa_clients_runtime::autotask::filter::Query".to_owned(),
            ),
            ("Missing".to_owned(), "psa_clients_runtime::x::Y".to_owned()),
        ]);
        let changes = apply(&mut doc, &types);
        assert_eq!(
            changes,
            vec![
                "Missing: listed in schema_types but not in this document",
                "QueryModel (request body of 2 operations) is `psa_clients_runtime::autotask::filter::Query`",
                "removed CollectionItem, Filter, ValueItem: only the replaced schemas used them",
            ]
        );
        let inline = json!({"type": "object", "x-rust-type": {
            "crate": RUNTIME_CRATE, "version": "0.1", "path": "psa_clients_runtime::autotask::filter::Query"
        }});
        for path in ["/V1.0/Companies/query", "/V1.0/Companies/query/count"] {
            assert_eq!(
                doc["paths"][path]["post"]["requestBody"]["content"]["application/json"]["schema"],
                inline,
                "{path}"
            );
        }
        // `PageDetails` is still used by a response model, so it stays.
        let schemas = doc["components"]["schemas"].as_object().expect("schemas");
        let left: Vec<&str> = schemas.keys().map(String::as_str).collect();
        assert_eq!(left, ["PageDetails", "CompanyQueryResult"]);
    }

    #[test]
    fn a_nested_schema_an_operation_still_uses_is_kept() {
        let mut doc = doc();
        doc["paths"]["/V1.0/Filters"] = json!({"get": {"responses": {"200": {"content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/Filter"}}}}}}});
        let types = BTreeMap::from([(
            "QueryModel".to_owned(),
            "psa_clients_runtime::autotask::filter::Query".to_owned(),
        )]);
        apply(&mut doc, &types);
        let schemas = doc["components"]["schemas"].as_object().expect("schemas");
        assert!(schemas.contains_key("Filter"));
        assert!(schemas.contains_key("ValueItem"));
        assert!(schemas.contains_key("CollectionItem"));
    }

    #[test]
    fn nothing_listed_changes_nothing() {
        let mut doc = doc();
        assert!(apply(&mut doc, &BTreeMap::new()).is_empty());
        assert_eq!(doc, self::doc());
    }
}
