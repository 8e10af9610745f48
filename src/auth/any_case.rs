//! Reading auth answers (tokens, zone, codebase, member keys) by key in any case.
//!
//! The vendors' documents name fields in PascalCase while the live APIs
//! answer in camelCase (see the spec notes in `specs/`), so auth responses
//! are read with case-insensitive keys instead of a strict struct.

use serde_json::Value;

/// The value of `name` in `object`, matching the key case-insensitively.
pub(crate) fn field<'a>(object: &'a Value, name: &str) -> Option<&'a Value> {
    object
        .as_object()?
        .iter()
        .find(|(key, _)| key.eq_ignore_ascii_case(name))
        .map(|(_, value)| value)
}

/// A non-empty string field.
pub(crate) fn string<'a>(object: &'a Value, name: &str) -> Option<&'a str> {
    field(object, name)
        .and_then(Value::as_str)
        .filter(|text| !text.is_empty())
}

/// For a Kaseya BMS envelope `{Success, Error, Result}`: `Some(false)` when
/// it reports failure, `Some(true)` for success, `None` when `value` is not
/// an envelope.
pub(crate) fn envelope_success(value: &Value) -> Option<bool> {
    field(value, "Success").and_then(Value::as_bool)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn keys_match_in_any_case() {
        let value = json!({"accessToken": "a", "Url": "u", "empty": ""});
        assert_eq!(string(&value, "AccessToken"), Some("a"));
        assert_eq!(string(&value, "url"), Some("u"));
        assert_eq!(string(&value, "Empty"), None);
        assert_eq!(string(&json!([1]), "x"), None);
    }

    #[test]
    fn envelope_success_reads_both_spellings() {
        assert_eq!(envelope_success(&json!({"Success": false})), Some(false));
        assert_eq!(envelope_success(&json!({"success": true})), Some(true));
        assert_eq!(envelope_success(&json!({"items": []})), None);
    }
}
