//! The drift report: what the responses held that the vendor document did not predict, as data a user can
//! assert on and send to us (it is JSON both ways).

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::redact;

/// Everything recorded since the last [`Drift::take`](super::Drift::take), one entry per operation, JSON path
/// and kind of drift.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct DriftReport {
    /// The vendor: `bms`, `connectwise` or `autotask` (absent for a handle not made by a vendor client).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vendor: Option<String>,
    /// The vendor document the client was generated from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spec: Option<SpecRef>,
    /// What was found, in the order first seen.
    #[serde(default)]
    pub entries: Vec<DriftEntry>,
    /// Findings not kept because the report already held [`Drift::MAX_ENTRIES`](super::Drift::MAX_ENTRIES)
    /// entries (each was still counted here).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub dropped: u64,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

impl DriftReport {
    /// True when nothing was found.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty() && self.dropped == 0
    }

    /// The entries of one kind.
    pub fn of_kind(&self, kind: DriftKind) -> impl Iterator<Item = &DriftEntry> {
        self.entries.iter().filter(move |e| e.kind == kind)
    }

    /// The entry for `operation_id`, `path` and `kind`, if one was recorded.
    pub fn find(&self, operation_id: &str, path: &str, kind: DriftKind) -> Option<&DriftEntry> {
        self.entries
            .iter()
            .find(|e| e.operation_id == operation_id && e.path == path && e.kind == kind)
    }

    /// The report as pretty-printed JSON, the form to attach to an issue (`psa-codegen drift-to-correction`
    /// reads it).
    pub fn to_json_pretty(&self) -> String {
        // A report holds only strings, numbers and JSON values; serializing it cannot fail.
        serde_json::to_string_pretty(self).unwrap_or_default()
    }
}

/// Identity of the vendor document (see [`SpecInfo`](crate::SpecInfo)).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpecRef {
    /// File name of the document, e.g. `connectwise-psa.json`.
    pub file: String,
    /// The vendor's version of it.
    pub version: String,
    /// SHA-256 of its bytes.
    pub sha256: String,
}

impl From<crate::SpecInfo> for SpecRef {
    fn from(spec: crate::SpecInfo) -> Self {
        Self {
            file: spec.file.to_owned(),
            version: spec.version.to_owned(),
            sha256: spec.sha256.to_owned(),
        }
    }
}

/// One finding: a kind of drift at one JSON path of one operation's responses, however often it occurred.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct DriftEntry {
    /// The vendor's operationId.
    pub operation_id: String,
    /// What the document did not predict.
    pub kind: DriftKind,
    /// Where, with `[]` for "any element of a list" and `*` for "any value of a map", e.g.
    /// `items[].userDefinedFields` or `[].company.types`; the last segment is the field.
    pub path: String,
    /// How often it occurred (a page of 1000 records each with the key counts 1000).
    pub count: u64,
    /// The JSON types the values had (`["integer", "null"]`), for typing a new field.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub json_types: Vec<JsonType>,
    /// The first value seen, with secret-looking keys redacted and long text cut (absent when examples are
    /// off, or for a missing field).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub example: Option<Value>,
    /// Why a value did not fit its declared type (for [`DriftKind::WrongType`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// The Rust enum an unknown value was decoded into (for [`DriftKind::UnknownEnumValue`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enum_type: Option<String>,
    /// The distinct unknown values seen, up to 16 (for [`DriftKind::UnknownEnumValue`]; empty when examples
    /// are off).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<String>,
}

impl DriftEntry {
    /// The field: the last segment of the path (`userDefinedFields` of `items[].userDefinedFields`).
    pub fn field(&self) -> &str {
        let path = self.path.trim_end_matches("[]");
        path.rsplit(['.', ']']).next().unwrap_or(path)
    }
}

/// What kind of thing the document did not predict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum DriftKind {
    /// A key the model does not declare (kept in its `extra`).
    UnknownField,
    /// A value that does not fit the field's declared type (read as absent, kept in `extra` with a
    /// [`Problem`](crate::Problem)).
    WrongType,
    /// A string enum value the document does not list (kept in the enum's `Unknown` variant).
    UnknownEnumValue,
    /// A field the document calls required that the response lacked.
    MissingField,
}

impl DriftKind {
    /// The snake-case name used in the report and in log events.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::UnknownField => "unknown_field",
            Self::WrongType => "wrong_type",
            Self::UnknownEnumValue => "unknown_enum_value",
            Self::MissingField => "missing_field",
        }
    }
}

/// The type of a JSON value (`integer` for numbers without a fraction that fit 64 bits).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JsonType {
    /// `null`.
    Null,
    /// `true` or `false`.
    Boolean,
    /// A number without a fraction.
    Integer,
    /// Any other number.
    Number,
    /// A string.
    String,
    /// A list.
    Array,
    /// An object.
    Object,
}

impl JsonType {
    const ALL: [JsonType; 7] = [
        Self::Null,
        Self::Boolean,
        Self::Integer,
        Self::Number,
        Self::String,
        Self::Array,
        Self::Object,
    ];

    /// The type of `value`.
    pub fn of(value: &Value) -> Self {
        match value {
            Value::Null => Self::Null,
            Value::Bool(_) => Self::Boolean,
            Value::Number(n) if n.is_i64() || n.is_u64() => Self::Integer,
            Value::Number(_) => Self::Number,
            Value::String(_) => Self::String,
            Value::Array(_) => Self::Array,
            Value::Object(_) => Self::Object,
        }
    }

    pub(crate) fn bit(self) -> u8 {
        1 << (self as u8)
    }

    pub(crate) fn from_bits(bits: u8) -> Vec<JsonType> {
        Self::ALL
            .into_iter()
            .filter(|t| bits & t.bit() != 0)
            .collect()
    }
}

/// How much of a value an example keeps: enough to see its shape, never a whole record list.
const MAX_TEXT: usize = 120;
const MAX_ITEMS: usize = 3;
const MAX_KEYS: usize = 24;
const MAX_DEPTH: usize = 4;

/// `value` as a report may show it under `key`: secret-looking keys redacted (the key itself too), strings cut
/// after 120 characters, lists after 3 elements, objects after 24 keys, nesting after 4 levels.
pub(crate) fn example(key: &str, value: &Value) -> Value {
    if redact::is_secret_key(key) {
        return Value::String(redact::REDACTED.to_owned());
    }
    let mut shown = cut(value, 0);
    redact::redact(&mut shown);
    shown
}

fn cut(value: &Value, depth: usize) -> Value {
    match value {
        Value::String(s) if s.chars().count() > MAX_TEXT => {
            let kept: String = s.chars().take(MAX_TEXT).collect();
            Value::String(format!("{kept}…"))
        }
        Value::Array(_) | Value::Object(_) if depth >= MAX_DEPTH => Value::String("…".to_owned()),
        Value::Array(items) => items
            .iter()
            .take(MAX_ITEMS)
            .map(|item| cut(item, depth + 1))
            .collect(),
        Value::Object(map) => map
            .iter()
            .take(MAX_KEYS)
            .map(|(k, v)| (k.clone(), cut(v, depth + 1)))
            .collect(),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn examples_are_cut_and_redacted() {
        let long = "x".repeat(500);
        let shown = example(
            "settings",
            &json!({"apiToken": "t", "note": long, "list": [1, 2, 3, 4, 5], "a": {"b": {"c": {"d": {"e": 1}}}}}),
        );
        assert_eq!(shown["apiToken"], json!("[redacted]"));
        assert_eq!(shown["note"].as_str().map(|s| s.chars().count()), Some(121));
        assert_eq!(shown["list"], json!([1, 2, 3]));
        assert_eq!(shown["a"]["b"]["c"]["d"], json!("…"));
        assert_eq!(example("refreshToken", &json!("r")), json!("[redacted]"));
    }

    #[test]
    fn the_field_is_the_last_segment() {
        let entry = |path: &str| DriftEntry {
            operation_id: "op".into(),
            kind: DriftKind::UnknownField,
            path: path.into(),
            count: 1,
            json_types: vec![],
            example: None,
            message: None,
            enum_type: None,
            values: vec![],
        };
        assert_eq!(
            entry("items[].userDefinedFields").field(),
            "userDefinedFields"
        );
        assert_eq!(entry("[].board").field(), "board");
        assert_eq!(entry("id").field(), "id");
        assert_eq!(entry("rates.*.amount").field(), "amount");
    }

    #[test]
    fn json_types_round_trip_through_bits() {
        let bits = JsonType::of(&json!(1)).bit() | JsonType::of(&Value::Null).bit();
        assert_eq!(
            JsonType::from_bits(bits),
            vec![JsonType::Null, JsonType::Integer]
        );
        assert_eq!(JsonType::of(&json!(1.5)), JsonType::Number);
    }
}
