//! Body and form parameters → `requestBody`, with `consumes`.

use serde_json::json;

use super::super::ConvertError;
use super::{assert_converts, conversion_error, post};

#[test]
fn body_parameter_becomes_request_body() {
    assert_converts(
        json!({"paths": {"/p": {"post": {
            "operationId": "create",
            "parameters": [
                {"name": "X-Id", "in": "header", "type": "string"},
                {"name": "pet", "in": "body", "description": "the pet", "required": true,
                 "schema": {"$ref": "#/definitions/Pet"}, "x-b": 1}
            ],
            "responses": {"201": {"description": "created"}}
        }}}, "definitions": {"Pet": {"type": "object"}}}),
        json!({"paths": {"/p": {"post": {
            "operationId": "create",
            "parameters": [{"name": "X-Id", "in": "header", "schema": {"type": "string"}}],
            "requestBody": {
                "description": "the pet",
                "required": true,
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Pet"}}},
                "x-b": 1,
                "x-codegen-request-body-name": "pet"
            },
            "responses": {"201": {"description": "created"}}
        }}}, "components": {"schemas": {"Pet": {"type": "object"}}}}),
    );
}

#[test]
fn operation_consumes_overrides_document_consumes() {
    let body = json!({"name": "b", "in": "body", "schema": {"type": "string"}});
    assert_converts(
        json!({
            "consumes": ["application/xml", "text/plain"],
            "paths": {"/p": {
                "post": {"parameters": [body.clone()], "responses": {}},
                "put": {"consumes": ["application/json-patch+json"], "parameters": [body.clone()], "responses": {}},
                "patch": {"consumes": [], "parameters": [body], "responses": {}}
            }}
        }),
        json!({"paths": {"/p": {
            "post": {"requestBody": {"content": {
                "application/xml": {"schema": {"type": "string"}},
                "text/plain": {"schema": {"type": "string"}}
            }, "x-codegen-request-body-name": "b"}, "responses": {}},
            "put": {"requestBody": {"content": {
                "application/json-patch+json": {"schema": {"type": "string"}}
            }, "x-codegen-request-body-name": "b"}, "responses": {}},
            "patch": {"requestBody": {"content": {
                "application/json": {"schema": {"type": "string"}}
            }, "x-codegen-request-body-name": "b"}, "responses": {}}
        }}}),
    );
}

#[test]
fn shared_body_parameter_becomes_request_body_component() {
    assert_converts(
        json!({
            "parameters": {"Body": {"name": "body", "in": "body", "required": true, "schema": {"type": "object"}}},
            "paths": {"/p": {
                "post": {"parameters": [{"$ref": "#/parameters/Body"}], "responses": {}},
                // Other media types than the document's: the shared body cannot be referenced.
                "put": {"consumes": ["text/xml"], "parameters": [{"$ref": "#/parameters/Body"}], "responses": {}}
            }}
        }),
        json!({
            "components": {"requestBodies": {"Body": {
                "required": true,
                "content": {"application/json": {"schema": {"type": "object"}}},
                "x-codegen-request-body-name": "body"
            }}},
            "paths": {"/p": {
                "post": {"requestBody": {"$ref": "#/components/requestBodies/Body"}, "responses": {}},
                "put": {"requestBody": {
                    "required": true,
                    "content": {"text/xml": {"schema": {"type": "object"}}},
                    "x-codegen-request-body-name": "body"
                }, "responses": {}}
            }}
        }),
    );
}

#[test]
fn form_parameters_become_url_encoded_object() {
    assert_converts(
        post(json!({
            "parameters": [
                {"name": "name", "in": "formData", "description": "who", "required": true, "type": "string", "x-f": 1},
                {"name": "tags", "in": "formData", "type": "array", "items": {"type": "string"}, "collectionFormat": "multi"},
                {"name": "ids", "in": "formData", "type": "array", "items": {"type": "integer"}},
                {"name": "age", "in": "formData", "type": "integer", "minimum": 0, "allowEmptyValue": true}
            ],
            "responses": {}
        })),
        json!({"paths": {"/p": {"post": {
            "requestBody": {
                "content": {"application/x-www-form-urlencoded": {
                    "schema": {"type": "object", "properties": {
                        "name": {"description": "who", "type": "string", "x-f": 1},
                        "tags": {"type": "array", "items": {"type": "string"}},
                        "ids": {"type": "array", "items": {"type": "integer"}},
                        "age": {"type": "integer", "minimum": 0}
                    }, "required": ["name"]},
                    "encoding": {
                        "tags": {"style": "form", "explode": true},
                        "ids": {"style": "form", "explode": false}
                    }
                }},
                "required": true
            },
            "responses": {}
        }}}}),
    );
}

#[test]
fn file_parameter_makes_multipart_body() {
    assert_converts(
        post(json!({
            "consumes": ["application/x-www-form-urlencoded"],
            "parameters": [
                {"name": "file", "in": "formData", "type": "file", "required": true},
                {"name": "note", "in": "formData", "type": "string"}
            ],
            "responses": {}
        })),
        json!({"paths": {"/p": {"post": {
            "requestBody": {
                "content": {"multipart/form-data": {"schema": {"type": "object", "properties": {
                    "file": {"type": "string", "format": "binary"},
                    "note": {"type": "string"}
                }, "required": ["file"]}}},
                "required": true
            },
            "responses": {}
        }}}}),
    );
}

#[test]
fn consumes_chooses_multipart_and_shared_form_fields_are_inlined() {
    assert_converts(
        json!({
            "parameters": {"Note": {"name": "note", "in": "formData", "type": "string"}},
            "paths": {"/p": {"post": {
                "consumes": ["multipart/form-data; boundary=x"],
                "parameters": [
                    {"$ref": "#/parameters/Note"},
                    {"name": "ids", "in": "formData", "type": "array", "items": {"type": "integer"}}
                ],
                "responses": {}
            }}}
        }),
        json!({
            "components": {},
            "paths": {"/p": {"post": {
                "requestBody": {"content": {"multipart/form-data; boundary=x": {"schema": {"type": "object", "properties": {
                    "note": {"type": "string"},
                    "ids": {"type": "array", "items": {"type": "integer"}}
                }}}}},
                "responses": {}
            }}}
        }),
    );
}

#[test]
fn path_level_body_and_form_parameters_apply_to_each_operation() {
    assert_converts(
        json!({"paths": {"/p": {
            "parameters": [
                {"name": "b", "in": "body", "schema": {"type": "string"}},
                {"name": "q", "in": "query", "type": "string"}
            ],
            "put": {"responses": {}},
            "post": {"parameters": [{"name": "own", "in": "body", "schema": {"type": "integer"}}], "responses": {}}
        }}}),
        json!({"paths": {"/p": {
            "parameters": [{"name": "q", "in": "query", "schema": {"type": "string"}}],
            "put": {"requestBody": {"content": {"application/json": {"schema": {"type": "string"}}},
                    "x-codegen-request-body-name": "b"}, "responses": {}},
            "post": {"requestBody": {"content": {"application/json": {"schema": {"type": "integer"}}},
                     "x-codegen-request-body-name": "own"}, "responses": {}}
        }}}),
    );
    assert_converts(
        json!({"paths": {"/p": {
            "parameters": [{"name": "a", "in": "formData", "type": "string"}, {"name": "b", "in": "formData", "type": "string"}],
            "post": {"parameters": [{"name": "b", "in": "formData", "type": "integer"}], "responses": {}}
        }}}),
        json!({"paths": {"/p": {
            "post": {"requestBody": {"content": {"application/x-www-form-urlencoded": {"schema": {
                "type": "object", "properties": {"a": {"type": "string"}, "b": {"type": "integer"}}
            }}}}, "responses": {}}
        }}}),
    );
}

#[test]
fn conflicting_bodies_are_errors() {
    let error = conversion_error(post(json!({"parameters": [
        {"name": "a", "in": "body", "schema": {}},
        {"name": "b", "in": "body", "schema": {}}
    ], "responses": {}})));
    assert!(
        matches!(error, ConvertError::Invalid { pointer, .. } if pointer == "/paths/~1p/post/parameters/1")
    );
    let error = conversion_error(post(json!({"parameters": [
        {"name": "a", "in": "body", "schema": {}},
        {"name": "b", "in": "formData", "type": "string"}
    ], "responses": {}})));
    assert!(
        matches!(error, ConvertError::Invalid { pointer, .. } if pointer == "/paths/~1p/post/parameters/0")
    );
    let error = conversion_error(post(
        json!({"parameters": [{"name": "a", "in": "body"}], "responses": {}}),
    ));
    assert!(
        matches!(error, ConvertError::MissingField { pointer, field: "schema" } if pointer == "/paths/~1p/post/parameters/0")
    );
    let error = conversion_error(post(
        json!({"parameters": [{"name": "a", "in": "formData", "type": "string", "schema": {}}], "responses": {}}),
    ));
    assert!(matches!(error, ConvertError::UnknownKey { key, .. } if key == "schema"));
}
