//! The converter must never panic: every member of a document exercising most constructs is
//! replaced in turn by values of every JSON type, and each variant must convert or fail cleanly.

use serde_json::{json, Value};

use super::super::convert;
use super::swagger;

fn sample() -> Value {
    swagger(json!({
        "host": "h", "basePath": "/b", "schemes": ["https"], "consumes": ["application/json"], "produces": ["application/json"],
        "paths": {"/a/{id}": {
            "parameters": [{"name": "id", "in": "path", "required": true, "type": "string"}],
            "post": {
                "schemes": ["http"],
                "parameters": [
                    {"$ref": "#/parameters/Q"},
                    {"name": "b", "in": "body", "required": true, "schema": {"$ref": "#/definitions/D"}}
                ],
                "responses": {"200": {"description": "ok", "schema": {"type": "array", "items": {"$ref": "#/definitions/D"}},
                              "headers": {"H": {"type": "array", "items": {"type": "string"}}}, "examples": {"application/json": 1}},
                              "400": {"$ref": "#/responses/R"}}
            },
            "put": {"consumes": ["multipart/form-data"], "parameters": [{"name": "f", "in": "formData", "type": "file"}], "responses": {}}
        }},
        "definitions": {"D": {"type": "object", "discriminator": "k", "properties": {"k": {"type": "string", "x-nullable": true}},
                              "additionalProperties": {"type": ["integer", "null"]}, "allOf": [{"type": "object"}]}},
        "parameters": {"Q": {"name": "q", "in": "query", "type": "array", "items": {"type": "string"}, "collectionFormat": "pipes"}},
        "responses": {"R": {"description": "r"}},
        "securityDefinitions": {"o": {"type": "oauth2", "flow": "accessCode", "authorizationUrl": "a", "tokenUrl": "t", "scopes": {}}}
    }))
}

/// Every JSON pointer in `value`, root included.
fn pointers(value: &Value, at: String, out: &mut Vec<String>) {
    match value {
        Value::Object(members) => {
            for (key, member) in members {
                pointers(
                    member,
                    format!("{at}/{}", key.replace('~', "~0").replace('/', "~1")),
                    out,
                );
            }
        }
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                pointers(item, format!("{at}/{index}"), out);
            }
        }
        _ => {}
    }
    out.push(at);
}

#[test]
fn sample_converts() {
    assert!(convert(&sample()).is_ok());
}

#[test]
fn any_member_replaced_by_any_json_type_never_panics() {
    let doc = sample();
    let mut all = Vec::new();
    pointers(&doc, String::new(), &mut all);
    let replacements = [
        json!(null),
        json!(true),
        json!(7),
        json!("x"),
        json!([]),
        json!({}),
        json!([{}]),
        json!({"$ref": "#/x"}),
    ];
    for pointer in &all {
        for replacement in &replacements {
            let mut variant = doc.clone();
            if let Some(slot) = variant.pointer_mut(pointer) {
                *slot = replacement.clone();
            }
            // Either result is fine; reaching the next iteration is the assertion.
            let _ = convert(&variant);
        }
    }
}
