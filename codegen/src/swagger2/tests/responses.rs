//! Responses: `schema` → `content` per `produces`, headers, examples, shared responses.

use serde_json::json;

use super::super::ConvertError;
use super::{assert_converts, conversion_error};

#[test]
fn schema_becomes_content_per_produces_and_headers_get_schemas() {
    assert_converts(
        json!({
            "produces": ["application/json", "text/json"],
            "paths": {"/a": {"get": {"responses": {
                "200": {
                    "description": "ok",
                    "schema": {"type": "array", "items": {"$ref": "#/definitions/Pet"}},
                    "headers": {
                        "X-Rate": {"type": "integer", "format": "int32", "description": "left"},
                        "X-Tags": {"description": "tags", "type": "array", "items": {"type": "string"}, "collectionFormat": "csv"}
                    },
                    "examples": {"application/json": [{"id": 1}], "application/xml": "<pets/>"},
                    "x-r": true
                },
                "404": {"description": "missing"},
                "default": {"description": "error", "schema": {"type": "file"}}
            }}}},
            "definitions": {"Pet": {"type": "object"}}
        }),
        json!({
            "paths": {"/a": {"get": {"responses": {
                "200": {
                    "description": "ok",
                    "content": {
                        "application/json": {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/Pet"}}, "example": [{"id": 1}]},
                        "text/json": {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/Pet"}}}
                    },
                    "headers": {
                        "X-Rate": {"schema": {"type": "integer", "format": "int32"}, "description": "left"},
                        "X-Tags": {"description": "tags", "style": "simple", "schema": {"type": "array", "items": {"type": "string"}}}
                    },
                    "x-r": true
                },
                "404": {"description": "missing"},
                "default": {"description": "error", "content": {
                    "application/json": {"schema": {"type": "string", "format": "binary"}},
                    "text/json": {"schema": {"type": "string", "format": "binary"}}
                }}
            }}}},
            "components": {"schemas": {"Pet": {"type": "object"}}}
        }),
    );
}

#[test]
fn operation_produces_overrides_document_produces() {
    assert_converts(
        json!({
            "produces": ["application/xml"],
            "paths": {"/a": {
                "get": {"produces": ["text/csv"], "responses": {"200": {"description": "ok", "schema": {"type": "string"}}}},
                "put": {"responses": {"200": {"description": "ok", "schema": {"type": "string"}}}},
                "post": {"produces": [], "responses": {"200": {"description": "ok", "schema": {"type": "string"}}}}
            }}
        }),
        json!({"paths": {"/a": {
            "get": {"responses": {"200": {"description": "ok", "content": {"text/csv": {"schema": {"type": "string"}}}}}},
            "put": {"responses": {"200": {"description": "ok", "content": {"application/xml": {"schema": {"type": "string"}}}}}},
            "post": {"responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"type": "string"}}}}}}
        }}}),
    );
}

#[test]
fn shared_responses_become_components() {
    assert_converts(
        json!({
            "responses": {
                "Error": {"description": "error", "schema": {"$ref": "#/definitions/Err"}},
                "Empty": {"description": "nothing"}
            },
            "definitions": {"Err": {"type": "object"}},
            "paths": {"/a": {
                "get": {"responses": {"400": {"$ref": "#/responses/Error"}, "404": {"$ref": "#/responses/Empty"}}},
                // Other media types: the shared response is copied, converted for them.
                "put": {"produces": ["text/xml"], "responses": {"400": {"$ref": "#/responses/Error"}, "404": {"$ref": "#/responses/Empty"}}}
            }}
        }),
        json!({
            "components": {
                "responses": {
                    "Error": {"description": "error", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Err"}}}},
                    "Empty": {"description": "nothing"}
                },
                "schemas": {"Err": {"type": "object"}}
            },
            "paths": {"/a": {
                "get": {"responses": {"400": {"$ref": "#/components/responses/Error"}, "404": {"$ref": "#/components/responses/Empty"}}},
                "put": {"responses": {
                    "400": {"description": "error", "content": {"text/xml": {"schema": {"$ref": "#/components/schemas/Err"}}}},
                    "404": {"$ref": "#/components/responses/Empty"}
                }}
            }}
        }),
    );
}

#[test]
fn malformed_responses_are_errors() {
    let error = conversion_error(
        json!({"paths": {"/a": {"get": {"responses": {"200": {"description": "ok", "content": {}}}}}}}),
    );
    assert!(
        matches!(&error, ConvertError::UnknownKey { pointer, key } if pointer == "/paths/~1a/get/responses/200" && key == "content")
    );
    let error = conversion_error(
        json!({"paths": {"/a": {"get": {"responses": {"200": {"$ref": "#/responses/Nope"}}}}}}),
    );
    assert!(
        matches!(error, ConvertError::BadRef { pointer, .. } if pointer == "/paths/~1a/get/responses/200/$ref")
    );
    let error = conversion_error(
        json!({"paths": {"/a": {"get": {"responses": {"200": {"description": "ok", "headers": {"X": {"description": "no type"}}}}}}}}),
    );
    assert!(
        matches!(error, ConvertError::MissingField { pointer, field: "type" } if pointer == "/paths/~1a/get/responses/200/headers/X")
    );
    let error = conversion_error(
        json!({"paths": {"/a": {"get": {"responses": {"200": {"description": "ok",
        "headers": {"X": {"type": "array", "items": {"type": "string"}, "collectionFormat": "multi"}}}}}}}}),
    );
    assert!(
        matches!(error, ConvertError::Unsupported { pointer, .. } if pointer == "/paths/~1a/get/responses/200/headers/X/collectionFormat")
    );
}
