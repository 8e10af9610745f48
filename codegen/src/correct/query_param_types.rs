//! `query-param-types`: ConnectWise's query-language parameters take typed values, not free text.
//!
//! Reality encoded: `conditions`, `childConditions`, `customFieldConditions`, `orderBy` and `fields` (on each
//! of ConnectWise's 1568 list and count operations) are declared as plain strings, but they are a small query
//! language: text assembled from user input is an injection (`name = "` + input + `"`). The parameter schemas
//! get typify's `x-rust-type` extension naming an opaque type of the run-time crate
//! (`psa_clients_runtime::query::ConditionsParam`, …), which the typed builders of
//! `psa_clients::connectwise::conditions` produce; hand-written text needs an explicit `raw_unchecked`.
//! The parameter → type list is correction data (`query_param_types` in `specs/corrections/connectwise.toml`).
//!
//! The same holds for Autotask's `search` parameter (the 312 `GET …/query` and `…/query/count`): a whole JSON
//! query body as text, declared as a free string. It takes `psa_clients_runtime::autotask::filter::Search`,
//! made from the query builder's `Query` (`query_param_types` in `specs/corrections/autotask.toml`).

use std::collections::BTreeMap;

use serde_json::{json, Value};

use super::walk::for_each_operation;

/// The crate the types live in, as `x-rust-type` names it (the generator allows exactly this crate).
pub const RUNTIME_CRATE: &str = "psa-clients-runtime";

pub(super) fn apply(doc: &mut Value, types: &BTreeMap<String, String>) -> Vec<String> {
    let mut typed = BTreeMap::<&str, usize>::new();
    for_each_operation(doc, |_, _, op| {
        let Some(params) = op.get_mut("parameters").and_then(Value::as_array_mut) else {
            return;
        };
        for param in params {
            if param.get("in").and_then(Value::as_str) != Some("query") {
                continue;
            }
            let Some((name, path)) = param
                .get("name")
                .and_then(Value::as_str)
                .and_then(|name| types.get_key_value(name))
            else {
                continue;
            };
            let Some(schema) = param.get_mut("schema").and_then(Value::as_object_mut) else {
                continue;
            };
            if schema.get("type").and_then(Value::as_str) != Some("string") {
                continue;
            }
            schema.insert(
                "x-rust-type".to_owned(),
                json!({"crate": RUNTIME_CRATE, "version": "0.1", "path": path}),
            );
            *typed.entry(name.as_str()).or_default() += 1;
        }
    });
    typed
        .into_iter()
        .map(|(name, n)| {
            format!(
                "query parameter `{name}` of {n} operations takes `{}`",
                types[name]
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listed_string_query_parameters_get_the_runtime_type() {
        let mut doc = json!({"paths": {"/service/tickets": {"get": {"parameters": [
            {"name": "conditions", "in": "query", "schema": {"type": "string"}},
            {"name": "conditions", "in": "header", "schema": {"type": "string"}},
            {"name": "page", "in": "query", "schema": {"type": "integer"}},
            {"name": "fields", "in": "query", "schema": {"type": "integer"}}
        ], "responses": {}}}}});
        let types = BTreeMap::from([
            (
                "conditions".to_owned(),
                "psa_clients_runtime::query::ConditionsParam".to_owned(),
            ),
            (
                "fields".to_owned(),
                "psa_clients_runtime::query::FieldsParam".to_owned(),
            ),
        ]);
        let changes = apply(&mut doc, &types);
        assert_eq!(
            changes,
            vec![
                "query parameter `conditions` of 1 operations takes `psa_clients_runtime::query::ConditionsParam`"
            ]
        );
        let params = &doc["paths"]["/service/tickets"]["get"]["parameters"];
        assert_eq!(
            params[0]["schema"]["x-rust-type"]["path"],
            "psa_clients_runtime::query::ConditionsParam"
        );
        assert_eq!(params[0]["schema"]["x-rust-type"]["crate"], RUNTIME_CRATE);
        // Only string query parameters with a listed name.
        for i in 1..4 {
            assert!(params[i]["schema"].get("x-rust-type").is_none(), "{i}");
        }
    }
}
