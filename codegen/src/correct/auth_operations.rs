//! `auth-operations`: the operations the auth layer owns are not generated.
//!
//! Reality encoded: Kaseya BMS declares its login (`POST /v2/security/authenticate`) and token refresh
//! (`POST /v2/security/refreshtoken`) as ordinary operations. `psa_clients::auth` performs them (TOTP, refresh
//! before expiry, single flight, secrets kept out of logs); generated methods for them would hand users a second,
//! unguarded way to send passwords and receive tokens. The paths are correction data (`auth_paths`).

use serde_json::Value;

pub(super) fn apply(doc: &mut Value, paths: &[String]) -> Vec<String> {
    let Some(document_paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else {
        return Vec::new();
    };
    paths
        .iter()
        .map(|path| match document_paths.remove(path) {
            Some(_) => format!("{path}: not generated (performed by the auth layer)"),
            None => format!("{path}: listed as an auth path but not in this document"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn auth_paths_are_removed_and_absent_ones_reported() {
        let mut doc = json!({"paths": {
            "/v2/security/authenticate": {"post": {}},
            "/v2/servicedesk/tickets": {"get": {}}
        }});
        let changes = apply(
            &mut doc,
            &[
                "/v2/security/authenticate".into(),
                "/v2/security/refreshtoken".into(),
            ],
        );
        assert_eq!(
            changes,
            vec![
                "/v2/security/authenticate: not generated (performed by the auth layer)",
                "/v2/security/refreshtoken: listed as an auth path but not in this document",
            ]
        );
        assert!(doc["paths"].get("/v2/security/authenticate").is_none());
        assert!(doc["paths"].get("/v2/servicedesk/tickets").is_some());
    }
}
