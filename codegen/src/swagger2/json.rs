//! Small helpers for walking `serde_json::Value` with JSON-pointer-named errors.

use serde_json::{Map, Value};

use super::ConvertError;

/// Appends one reference token to a JSON pointer, escaping it per RFC 6901.
pub(super) fn join(pointer: &str, token: &str) -> String {
    let mut out = String::with_capacity(pointer.len() + token.len() + 1);
    out.push_str(pointer);
    out.push('/');
    out.push_str(&escape(token));
    out
}

/// Escapes one reference token (`~` → `~0`, `/` → `~1`).
pub(super) fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// Reverses [`escape`]; `~1` must be replaced before `~0` so that `~01` decodes to `~1`.
pub(super) fn unescape(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}

/// The JSON type name of a value, for error messages.
pub(super) fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn wrong_type(value: &Value, pointer: &str, expected: &'static str) -> ConvertError {
    ConvertError::WrongType {
        pointer: pointer.to_owned(),
        expected,
        found: kind(value),
    }
}

/// The value as an object, or a [`ConvertError::WrongType`] naming `pointer`.
pub(super) fn object<'a>(
    value: &'a Value,
    pointer: &str,
) -> Result<&'a Map<String, Value>, ConvertError> {
    value
        .as_object()
        .ok_or_else(|| wrong_type(value, pointer, "an object"))
}

/// The value as an array, or a [`ConvertError::WrongType`] naming `pointer`.
pub(super) fn array<'a>(value: &'a Value, pointer: &str) -> Result<&'a [Value], ConvertError> {
    value
        .as_array()
        .map(Vec::as_slice)
        .ok_or_else(|| wrong_type(value, pointer, "an array"))
}

/// The value as a string, or a [`ConvertError::WrongType`] naming `pointer`.
pub(super) fn string<'a>(value: &'a Value, pointer: &str) -> Result<&'a str, ConvertError> {
    value
        .as_str()
        .ok_or_else(|| wrong_type(value, pointer, "a string"))
}

/// The value as a boolean, or a [`ConvertError::WrongType`] naming `pointer`.
pub(super) fn boolean(value: &Value, pointer: &str) -> Result<bool, ConvertError> {
    value
        .as_bool()
        .ok_or_else(|| wrong_type(value, pointer, "a boolean"))
}

/// The member `key` of `object` as a string, failing when it is absent or not a string.
pub(super) fn required_str<'a>(
    object: &'a Map<String, Value>,
    key: &'static str,
    pointer: &str,
) -> Result<&'a str, ConvertError> {
    match object.get(key) {
        Some(value) => string(value, &join(pointer, key)),
        None => Err(ConvertError::MissingField {
            pointer: pointer.to_owned(),
            field: key,
        }),
    }
}

/// A list of strings such as `consumes`, `produces` or `schemes`.
pub(super) fn string_list(value: &Value, pointer: &str) -> Result<Vec<String>, ConvertError> {
    array(value, pointer)?
        .iter()
        .enumerate()
        .map(|(index, item)| string(item, &join(pointer, &index.to_string())).map(str::to_owned))
        .collect()
}

/// True for specification extensions, which every object may carry and which are kept verbatim.
pub(super) fn is_extension(key: &str) -> bool {
    key.starts_with("x-")
}

/// The error for a key that the Swagger 2.0 object at `pointer` does not define.
pub(super) fn unknown_key(pointer: &str, key: &str) -> ConvertError {
    ConvertError::UnknownKey {
        pointer: pointer.to_owned(),
        key: key.to_owned(),
    }
}
