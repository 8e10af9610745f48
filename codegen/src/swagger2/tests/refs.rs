//! `$ref` rewriting, including names with brackets, commas, `/`, `~` and percent-encoding.

use serde_json::json;

use super::super::ConvertError;
use super::{assert_converts, conversion_error};

#[test]
fn definition_references_everywhere_in_schemas() {
    assert_converts(
        json!({
            "paths": {},
            "definitions": {
                "Pet": {"type": "object", "properties": {"tag": {"$ref": "#/definitions/Tag"}}},
                "Tag": {"type": "string"},
                "All": {
                    "allOf": [{"$ref": "#/definitions/Pet"}],
                    "properties": {
                        "list": {"type": "array", "items": {"$ref": "#/definitions/Tag"}},
                        "map": {"type": "object", "additionalProperties": {"$ref": "#/definitions/Tag"}},
                        "deep": {"$ref": "#/definitions/Pet/properties/tag"}
                    }
                }
            }
        }),
        json!({
            "paths": {},
            "components": {"schemas": {
                "Pet": {"type": "object", "properties": {"tag": {"$ref": "#/components/schemas/Tag"}}},
                "Tag": {"type": "string"},
                "All": {
                    "allOf": [{"$ref": "#/components/schemas/Pet"}],
                    "properties": {
                        "list": {"type": "array", "items": {"$ref": "#/components/schemas/Tag"}},
                        "map": {"type": "object", "additionalProperties": {"$ref": "#/components/schemas/Tag"}},
                        "deep": {"$ref": "#/components/schemas/Pet/properties/tag"}
                    }
                }
            }}
        }),
    );
}

#[test]
fn odd_names_keep_their_spelling_and_pointer_escapes() {
    assert_converts(
        json!({
            "paths": {},
            "definitions": {
                "Expression[Func[AccountAlert,Int64]]": {"type": "object"},
                "a/b": {"type": "string"},
                "t~x": {"type": "string"},
                "100%": {"type": "string"},
                "Use": {"properties": {
                    "generic": {"$ref": "#/definitions/Expression[Func[AccountAlert,Int64]]"},
                    "slash": {"$ref": "#/definitions/a~1b"},
                    "tilde": {"$ref": "#/definitions/t~0x"},
                    "percent": {"$ref": "#/definitions/100%"},
                    "encoded": {"$ref": "#/definitions/Expression%5BFunc%5BAccountAlert%2CInt64%5D%5D"},
                    "encodedPercent": {"$ref": "#/definitions/100%25"}
                }}
            }
        }),
        json!({
            "paths": {},
            "components": {"schemas": {
                "Expression[Func[AccountAlert,Int64]]": {"type": "object"},
                "a/b": {"type": "string"},
                "t~x": {"type": "string"},
                "100%": {"type": "string"},
                "Use": {"properties": {
                    "generic": {"$ref": "#/components/schemas/Expression[Func[AccountAlert,Int64]]"},
                    "slash": {"$ref": "#/components/schemas/a~1b"},
                    "tilde": {"$ref": "#/components/schemas/t~0x"},
                    "percent": {"$ref": "#/components/schemas/100%"},
                    "encoded": {"$ref": "#/components/schemas/Expression[Func[AccountAlert,Int64]]"},
                    "encodedPercent": {"$ref": "#/components/schemas/100%"}
                }}
            }}
        }),
    );
}

#[test]
fn a_property_named_ref_is_not_a_reference() {
    assert_converts(
        json!({"paths": {}, "definitions": {"R": {"properties": {"$ref": {"type": "string"}}}}}),
        json!({"paths": {}, "components": {"schemas": {"R": {"properties": {"$ref": {"type": "string"}}}}}}),
    );
}

#[test]
fn dangling_external_and_misdirected_references_are_errors() {
    let error = conversion_error(
        json!({"paths": {}, "definitions": {"A": {"$ref": "#/definitions/Missing"}}}),
    );
    assert_eq!(
        error.to_string(),
        "at #/definitions/A/$ref: cannot resolve `$ref` \"#/definitions/Missing\": no such entry in `#/definitions`"
    );
    let error = conversion_error(
        json!({"paths": {}, "definitions": {"A": {"$ref": "common.json#/definitions/A"}}}),
    );
    assert!(
        matches!(error, ConvertError::BadRef { pointer, .. } if pointer == "/definitions/A/$ref")
    );
    let error = conversion_error(json!({
        "paths": {"/a": {"get": {"parameters": [{"$ref": "#/definitions/A"}], "responses": {}}}},
        "definitions": {"A": {"type": "string"}}
    }));
    assert!(
        matches!(&error, ConvertError::BadRef { pointer, reason, .. }
        if pointer == "/paths/~1a/get/parameters/0/$ref" && reason.contains("`#/parameters`"))
    );
    let error =
        conversion_error(json!({"paths": {}, "definitions": {"A": {"$ref": "#/definitions/%ZZ"}}}));
    assert!(matches!(error, ConvertError::BadRef { .. }));
}
