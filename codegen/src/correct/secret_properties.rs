//! `secret-properties`: passwords, private keys, tokens and webhook secrets in models are secrets.
//!
//! Reality encoded: the documents declare them as plain strings (ConnectWise `Member.password`, the member
//! token's `Token.privateKey`, BMS `WebhookConfigurationInputDto.Secret`, Autotask `CompanyWebhookModel.SecretKey`,
//! …), so a `Debug` print or a log of a model shows them. Each listed property (correction data
//! `secret_properties = ["Schema.property", …]`, document spelling) gets typify's `x-rust-type` naming
//! `psa_clients_runtime::secret::Secret`, whose `Debug` and `Display` are redacted and which serializes the
//! plain text only onto the wire. A listed property the document does not have is reported (a newer document
//! may have renamed it) rather than silently ignored.

use std::collections::BTreeSet;

use serde_json::{json, Value};

use super::query_param_types::RUNTIME_CRATE;

/// The run-time type of secret properties.
const SECRET_TYPE: &str = "psa_clients_runtime::secret::Secret";

pub(super) fn apply(doc: &mut Value, listed: &[String]) -> Vec<String> {
    let mut changes = Vec::new();
    let mut found = BTreeSet::new();
    if let Some(schemas) = doc
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    {
        for entry in listed {
            let Some((schema, property)) = entry.split_once('.') else {
                changes.push(format!("`{entry}` is not `Schema.property`; ignored"));
                continue;
            };
            let Some(target) = schemas
                .get_mut(schema)
                .and_then(|s| s.get_mut("properties"))
                .and_then(|p| p.get_mut(property))
                .and_then(Value::as_object_mut)
            else {
                continue;
            };
            if target.get("type").and_then(Value::as_str) != Some("string") {
                changes.push(format!("{entry}: not a string; left as declared"));
                found.insert(entry.as_str());
                continue;
            }
            target.insert(
                "x-rust-type".to_owned(),
                json!({"crate": RUNTIME_CRATE, "version": "0.1", "path": SECRET_TYPE}),
            );
            found.insert(entry.as_str());
        }
    }
    let typed = found.len();
    if typed > 0 {
        changes.push(format!("{typed} secret properties redacted in Debug"));
    }
    changes.extend(
        listed
            .iter()
            .filter(|e| !found.contains(e.as_str()) && e.contains('.'))
            .map(|e| format!("{e}: listed as secret but not in this document")),
    );
    changes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listed_string_properties_become_secrets_and_missing_ones_are_reported() {
        let mut doc = json!({"components": {"schemas": {
            "Member": {"properties": {
                "password": {"type": "string"},
                "identifier": {"type": "string"},
                "otpActive": {"type": "boolean"}
            }}
        }}});
        let listed = ["Member.password", "Member.otpActive", "Token.privateKey"].map(String::from);
        let changes = apply(&mut doc, &listed);
        assert_eq!(
            changes,
            vec![
                "Member.otpActive: not a string; left as declared",
                "2 secret properties redacted in Debug",
                "Token.privateKey: listed as secret but not in this document",
            ]
        );
        let props = &doc["components"]["schemas"]["Member"]["properties"];
        assert_eq!(props["password"]["x-rust-type"]["path"], SECRET_TYPE);
        assert!(props["identifier"].get("x-rust-type").is_none());
        assert!(props["otpActive"].get("x-rust-type").is_none());
    }
}
