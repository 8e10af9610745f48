//! Which JSON keys name a credential, and JSON values with those keys' values hidden.
//!
//! One rule for everything that may show a value the server sent: logged response bodies (`psa_clients`'
//! `BodyLogging::redacted`), [`Extra`](crate::Extra)'s `Debug` and the drift report. A server may send a key the
//! document does not declare that holds a secret (a new `apiToken`, a `password` on a member record), and such a
//! key lands in `Extra` as a plain JSON value: it is hidden by its name, because its value cannot be recognised.
//! Only what is *shown* is redacted; `Serialize` writes every kept value back unchanged.

use serde_json::Value;

/// What a redacted value is replaced by.
pub const REDACTED: &str = "[redacted]";

/// True for a key that names a credential: ignoring case and anything but letters and digits, it contains
/// `password`, `passwd`, `secret`, `token`, `apikey`, `integrationcode`, `authorization`, `credential`, `mfacode`,
/// `totp`, `signature`, `cookie` or `session`, or ends with `key` (`privateKey`, `signingKey`, `SecretKey`, …).
pub fn is_secret_key(key: &str) -> bool {
    const PARTS: [&str; 13] = [
        "password",
        "passwd",
        "secret",
        "token",
        "apikey",
        "integrationcode",
        "authorization",
        "credential",
        "mfacode",
        "totp",
        "signature",
        "cookie",
        "session",
    ];
    // Runs only when something is shown (Debug, a report, a logged body), never while decoding.
    let key: String = key
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect();
    key.ends_with("key") || PARTS.iter().any(|part| key.contains(part))
}

/// Replaces the value of every secret-looking key by `"[redacted]"`, at any depth.
pub fn redact(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (key, item) in map.iter_mut() {
                if is_secret_key(key) {
                    *item = Value::String(REDACTED.to_owned());
                } else {
                    redact(item);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(redact),
        _ => {}
    }
}

/// `value` as it may be shown under `key`: `"[redacted]"` for a secret-looking key, otherwise a copy with
/// secret-looking keys inside redacted.
pub fn redacted(key: &str, value: &Value) -> Value {
    if is_secret_key(key) {
        return Value::String(REDACTED.to_owned());
    }
    let mut copy = value.clone();
    redact(&mut copy);
    copy
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn secret_keys_in_any_spelling() {
        for key in [
            "password",
            "PASSWORD",
            "token",
            "secret",
            "apiKey",
            "api_key",
            "privateKey",
            "accessToken",
            "refresh-token",
            "signingKey",
            "totpSeed",
            "TOTPSecret",
            "clientSecret",
            "ApiIntegrationCode",
        ] {
            assert!(is_secret_key(key), "{key}");
        }
        for key in [
            "id",
            "keyword",
            "summary",
            "name",
            "monkeys",
            "tokenizerName2x",
        ] {
            assert_eq!(is_secret_key(key), key.contains("token"), "{key}");
        }
    }

    #[test]
    fn nested_secrets_are_hidden_and_the_rest_kept() {
        let mut value = json!({
            "id": 1,
            "nested": [{"refreshToken": "r1"}, {"name": "kept", "auth": {"privateKey": "k"}}],
            "Password": {"even": "objects"}
        });
        redact(&mut value);
        assert_eq!(
            value,
            json!({
                "id": 1,
                "nested": [{"refreshToken": "[redacted]"}, {"name": "kept", "auth": {"privateKey": "[redacted]"}}],
                "Password": "[redacted]"
            })
        );
        assert_eq!(redacted("apiToken", &json!(42)), json!("[redacted]"));
        assert_eq!(
            redacted("settings", &json!({"secret": "s", "on": true})),
            json!({"secret": "[redacted]", "on": true})
        );
    }
}
