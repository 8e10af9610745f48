//! `operation-ids`: every operation gets a unique id that makes a usable Rust method name.
//!
//! Realities encoded: BMS leaves 18 operations without an id and uses `GetK1TicketStatusesLookup` twice; BMS
//! names its attachment upload `Post`, whose snake_case `post` collides with the generated client's hook method
//! and breaks every other call. Missing and duplicate ids are derived from the method and path
//! (`PUT /v2/admin/companysettings` → `PutV2AdminCompanysettings`); colliding ones get the operation's tag, or
//! the derived name, in front.

use std::collections::BTreeSet;

use heck::{ToPascalCase, ToSnakeCase};
use serde_json::Value;

use super::walk::for_each_operation;
use super::CorrectError;

/// Method names the generated `Client` (and progenitor's `ClientHooks`/`ClientInfo`) already define.
const RESERVED: &[&str] = &[
    "new",
    "new_with_client",
    "baseurl",
    "client",
    "api_version",
    "inner",
    "pre",
    "post",
    "exec",
];

pub(super) fn apply(doc: &mut Value) -> Result<Vec<String>, CorrectError> {
    let mut changes = Vec::new();
    // Method names in use, compared as snake_case because that is what must be unique in Rust.
    let mut taken: BTreeSet<String> = BTreeSet::new();
    for_each_operation(doc, |path, method, op| {
        let derived = derived_id(method, path);
        let tag = op
            .get("tags")
            .and_then(Value::as_array)
            .and_then(|t| t.first())
            .and_then(Value::as_str)
            .map(|t| t.to_pascal_case());
        let label = format!("{} {path}", method.to_uppercase());
        let current = op
            .get("operationId")
            .and_then(Value::as_str)
            .map(str::to_owned);
        let mut id = match &current {
            None => {
                changes.push(format!("{label}: no operationId; named `{derived}`"));
                derived.clone()
            }
            Some(id) if RESERVED.contains(&id.to_snake_case().as_str()) => {
                let renamed = match &tag {
                    Some(tag) => format!("{tag}{id}"),
                    None => derived.clone(),
                };
                changes.push(format!(
                    "{label}: `{id}` collides with a client method; renamed `{renamed}`"
                ));
                renamed
            }
            Some(id) => id.clone(),
        };
        if taken.contains(&id.to_snake_case()) {
            let mut candidate = derived.clone();
            let mut n = 2;
            while taken.contains(&candidate.to_snake_case()) {
                candidate = format!("{derived}{n}");
                n += 1;
            }
            changes.push(format!(
                "{label}: `{id}` is used by an earlier operation; renamed `{candidate}`"
            ));
            id = candidate;
        }
        taken.insert(id.to_snake_case());
        if current.as_deref() != Some(id.as_str()) {
            op.insert("operationId".into(), Value::String(id));
        }
    });
    Ok(changes)
}

/// `PUT /v2/rmm/{integrationType}` → `PutV2RmmByIntegrationType`.
fn derived_id(method: &str, path: &str) -> String {
    let mut id = method.to_pascal_case();
    for segment in path.split('/').filter(|s| !s.is_empty()) {
        match segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            Some(param) => {
                id.push_str("By");
                id.push_str(&param.to_pascal_case());
            }
            None => id.push_str(&segment.to_pascal_case()),
        }
    }
    id
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn missing_duplicate_and_reserved_ids_are_fixed() {
        let mut doc = json!({"paths": {
            "/v2/admin/companysettings": {"put": {"responses": {}}},
            "/v2/lookup/a": {"get": {"operationId": "GetLookup", "responses": {}}},
            "/v2/lookup/b": {"get": {"operationId": "GetLookup", "responses": {}}},
            "/v2/attachments/{moduleId}": {"post": {"operationId": "Post", "tags": ["Attachments"], "responses": {}}},
            "/v2/x": {"post": {"operationId": "New", "responses": {}}}
        }});
        let changes = apply(&mut doc).unwrap();
        assert_eq!(changes.len(), 4, "{changes:#?}");
        let id = |p: &str, m: &str| {
            doc["paths"][p][m]["operationId"]
                .as_str()
                .unwrap()
                .to_owned()
        };
        assert_eq!(
            id("/v2/admin/companysettings", "put"),
            "PutV2AdminCompanysettings"
        );
        assert_eq!(id("/v2/lookup/a", "get"), "GetLookup");
        assert_eq!(id("/v2/lookup/b", "get"), "GetV2LookupB");
        assert_eq!(id("/v2/attachments/{moduleId}", "post"), "AttachmentsPost");
        assert_eq!(id("/v2/x", "post"), "PostV2X");
    }

    #[test]
    fn ids_differing_only_in_case_are_duplicates() {
        let mut doc = json!({"paths": {
            "/a": {"get": {"operationId": "getThing", "responses": {}}},
            "/b": {"get": {"operationId": "GetThing", "responses": {}}}
        }});
        apply(&mut doc).unwrap();
        assert_eq!(doc["paths"]["/b"]["get"]["operationId"], "GetB");
    }
}
