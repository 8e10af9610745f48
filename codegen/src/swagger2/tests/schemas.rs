//! Schema Object conversion.

use serde_json::json;

use super::super::ConvertError;
use super::{assert_converts, conversion_error};

#[test]
fn nullable_file_discriminator_and_recursion() {
    assert_converts(
        json!({"paths": {}, "definitions": {
            "Pet": {
                "type": "object",
                "discriminator": "kind",
                "required": ["kind"],
                "properties": {
                    "kind": {"type": "string", "x-nullable": false},
                    "photo": {"type": "file", "format": "ignored"},
                    "note": {"type": "string", "x-nullable": true, "x-keep": 1},
                    "list": {"type": "array", "items": {"type": "integer", "format": "int64", "x-nullable": true}},
                    "map": {"type": "object", "additionalProperties": {"type": "string", "x-nullable": true}},
                    "flag": {"type": "object", "additionalProperties": false},
                    "json": {"type": ["number", "null"], "minimum": 0}
                }
            },
            "Cat": {"allOf": [{"$ref": "#/definitions/Pet"}, {"properties": {"owner": {"type": "string", "x-nullable": true}}}]}
        }}),
        json!({"paths": {}, "components": {"schemas": {
            "Pet": {
                "type": "object",
                "discriminator": {"propertyName": "kind"},
                "required": ["kind"],
                "properties": {
                    "kind": {"type": "string", "nullable": false},
                    "photo": {"type": "string", "format": "binary"},
                    "note": {"type": "string", "nullable": true, "x-keep": 1},
                    "list": {"type": "array", "items": {"type": "integer", "format": "int64", "nullable": true}},
                    "map": {"type": "object", "additionalProperties": {"type": "string", "nullable": true}},
                    "flag": {"type": "object", "additionalProperties": false},
                    "json": {"type": "number", "nullable": true, "minimum": 0}
                }
            },
            "Cat": {"allOf": [{"$ref": "#/components/schemas/Pet"}, {"properties": {"owner": {"type": "string", "nullable": true}}}]}
        }}}),
    );
}

#[test]
fn constraints_and_data_members_are_kept_verbatim() {
    let schema = json!({
        "title": "T", "description": "D", "type": "string", "format": "date-time", "default": "x",
        "enum": ["x", "y"], "maxLength": 9, "minLength": 1, "pattern": "^x", "readOnly": true,
        "example": "x", "xml": {"name": "t"}, "externalDocs": {"url": "https://e"}
    });
    assert_converts(
        json!({"paths": {}, "definitions": {"T": schema.clone()}}),
        json!({"paths": {}, "components": {"schemas": {"T": schema}}}),
    );
}

#[test]
fn ref_siblings_are_kept() {
    // Autotask writes `readOnly` next to `$ref`; both versions ignore such siblings, so they
    // are passed through for the correction stage to decide on.
    assert_converts(
        json!({"paths": {}, "definitions": {"A": {"type": "object"}, "B": {"properties": {"a": {"$ref": "#/definitions/A", "readOnly": true}}}}}),
        json!({"paths": {}, "components": {"schemas": {"A": {"type": "object"}, "B": {"properties": {"a": {"$ref": "#/components/schemas/A", "readOnly": true}}}}}}),
    );
}

#[test]
fn malformed_schemas_are_errors() {
    let error = conversion_error(
        json!({"paths": {}, "definitions": {"A": {"properties": {"b": {"type": "string", "$schema": "x"}}}}}),
    );
    assert!(
        matches!(&error, ConvertError::UnknownKey { pointer, key } if pointer == "/definitions/A/properties/b" && key == "$schema")
    );
    let error = conversion_error(
        json!({"paths": {}, "definitions": {"A": {"type": "array", "items": [{"type": "string"}]}}}),
    );
    assert!(
        matches!(error, ConvertError::Unsupported { pointer, .. } if pointer == "/definitions/A/items")
    );
    let error = conversion_error(json!({"paths": {}, "definitions": {"A": {"type": "date"}}}));
    assert!(
        matches!(error, ConvertError::Invalid { pointer, .. } if pointer == "/definitions/A/type")
    );
    let error = conversion_error(
        json!({"paths": {}, "definitions": {"A": {"type": ["string", "integer"]}}}),
    );
    assert!(
        matches!(error, ConvertError::Unsupported { pointer, .. } if pointer == "/definitions/A/type")
    );
    let error = conversion_error(
        json!({"paths": {}, "definitions": {"A": {"discriminator": {"propertyName": "k"}}}}),
    );
    assert!(
        matches!(error, ConvertError::WrongType { pointer, .. } if pointer == "/definitions/A/discriminator")
    );
    let error = conversion_error(json!({"paths": {}, "definitions": {"A": {"x-nullable": "yes"}}}));
    assert!(
        matches!(error, ConvertError::WrongType { pointer, .. } if pointer == "/definitions/A/x-nullable")
    );
    let error = conversion_error(json!({"paths": {}, "definitions": {"A": true}}));
    assert!(
        matches!(error, ConvertError::WrongType { pointer, .. } if pointer == "/definitions/A")
    );
}
