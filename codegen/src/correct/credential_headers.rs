//! `credential-headers`: credentials are the auth layer's job, not a parameter of every call.
//!
//! Reality encoded: Autotask declares `ApiIntegrationCode`, `UserName`, `Secret` and `ImpersonationResourceId` as
//! header parameters of all 2070 operations, and ConnectWise declares `clientId` on every operation. Left in,
//! every generated method would ask for secrets; the list per vendor is in `specs/corrections/<vendor>.toml`.

use serde_json::Value;

use super::walk::for_each_operation;

pub(super) fn apply(doc: &mut Value, headers: &[String]) -> Vec<String> {
    let mut removed = std::collections::BTreeMap::<String, usize>::new();
    for_each_operation(doc, |_, _, op| {
        let Some(params) = op.get_mut("parameters").and_then(Value::as_array_mut) else {
            return;
        };
        params.retain(|p| {
            let is_header = p.get("in").and_then(Value::as_str) == Some("header");
            let name = p.get("name").and_then(Value::as_str).unwrap_or_default();
            let credential = is_header && headers.iter().any(|h| h.eq_ignore_ascii_case(name));
            if credential {
                *removed.entry(name.to_owned()).or_default() += 1;
            }
            !credential
        });
        if params.is_empty() {
            op.remove("parameters");
        }
    });
    removed
        .into_iter()
        .map(|(name, n)| {
            format!("header `{name}` removed from {n} operations (sent by the auth layer)")
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn only_listed_header_params_go() {
        let mut doc = json!({"paths": {"/a": {"get": {"parameters": [
            {"name": "clientId", "in": "header", "required": true, "schema": {"type": "string"}},
            {"name": "clientId", "in": "query", "schema": {"type": "string"}},
            {"name": "page", "in": "query", "schema": {"type": "integer"}}
        ], "responses": {}}}}});
        let changes = apply(&mut doc, &["clientid".to_owned()]);
        assert_eq!(
            changes,
            vec!["header `clientId` removed from 1 operations (sent by the auth layer)"]
        );
        let params = doc["paths"]["/a"]["get"]["parameters"].as_array().unwrap();
        assert_eq!(params.len(), 2);
        assert!(params.iter().all(|p| p["in"] == "query"));
    }
}
