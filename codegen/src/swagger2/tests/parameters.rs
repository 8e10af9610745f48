//! Query, header and path parameters: value description into `schema`, `collectionFormat`,
//! shared and path-level parameters.

use serde_json::{json, Value};

use super::super::ConvertError;
use super::{assert_converts, assert_json, conversion_error, converted, swagger};

#[test]
fn value_description_moves_into_schema() {
    assert_converts(
        json!({"paths": {"/pets/{id}": {"get": {
            "parameters": [
                {"name": "id", "in": "path", "required": true, "type": "integer", "format": "int64", "minimum": 1, "x-p": 1},
                {"name": "limit", "in": "query", "description": "max", "type": "integer", "default": 20,
                 "maximum": 100, "exclusiveMaximum": true, "allowEmptyValue": false},
                {"name": "X-Mode", "in": "header", "type": "string", "enum": ["a", "b"], "x-nullable": true}
            ],
            "responses": {}
        }}}}),
        json!({"paths": {"/pets/{id}": {"get": {
            "parameters": [
                {"name": "id", "in": "path", "required": true,
                 "schema": {"type": "integer", "format": "int64", "minimum": 1}, "x-p": 1},
                {"name": "limit", "in": "query", "description": "max",
                 "schema": {"type": "integer", "default": 20, "maximum": 100, "exclusiveMaximum": true},
                 "allowEmptyValue": false},
                {"name": "X-Mode", "in": "header", "schema": {"type": "string", "enum": ["a", "b"], "nullable": true}}
            ],
            "responses": {}
        }}}}),
    );
}

/// Converts one query/path/header parameter and returns its 3.0 form.
fn converted_param(param: Value) -> Value {
    let doc =
        swagger(json!({"paths": {"/a/{p}": {"get": {"parameters": [param], "responses": {}}}}}));
    converted(&doc)["paths"]["/a/{p}"]["get"]["parameters"][0].clone()
}

#[test]
fn collection_formats() {
    let array = |location: &str, format: Option<&str>| {
        let mut param =
            json!({"name": "p", "in": location, "type": "array", "items": {"type": "string"}});
        if let (Some(format), Some(param)) = (format, param.as_object_mut()) {
            param.insert("collectionFormat".into(), json!(format));
        }
        converted_param(param)
    };
    let schema = json!({"type": "array", "items": {"type": "string"}});
    let expect = |location: &str, style: Value| {
        let mut expected = json!({"name": "p", "in": location});
        if let (Some(expected), Value::Object(style)) = (expected.as_object_mut(), style) {
            expected.extend(style);
            expected.insert("schema".into(), schema.clone());
        }
        expected
    };
    // Swagger 2.0 defaults to csv; for query that must be spelled out in 3.0.
    assert_json(
        &array("query", None),
        &expect("query", json!({"style": "form", "explode": false})),
    );
    assert_json(
        &array("query", Some("csv")),
        &expect("query", json!({"style": "form", "explode": false})),
    );
    assert_json(
        &array("query", Some("multi")),
        &expect("query", json!({"style": "form", "explode": true})),
    );
    assert_json(
        &array("query", Some("ssv")),
        &expect("query", json!({"style": "spaceDelimited"})),
    );
    assert_json(
        &array("query", Some("pipes")),
        &expect("query", json!({"style": "pipeDelimited"})),
    );
    assert_json(
        &array("path", Some("csv")),
        &expect("path", json!({"style": "simple"})),
    );
    assert_json(&array("path", None), &expect("path", json!({})));
    assert_json(
        &array("header", Some("csv")),
        &expect("header", json!({"style": "simple"})),
    );
}

#[test]
fn inexpressible_collection_formats_are_errors() {
    for (location, format) in [
        ("query", "tsv"),
        ("path", "multi"),
        ("header", "pipes"),
        ("query", "json"),
    ] {
        let error = conversion_error(json!({"paths": {"/a": {"get": {"parameters": [
            {"name": "p", "in": location, "type": "array", "items": {"type": "string"}, "collectionFormat": format}
        ], "responses": {}}}}}));
        match error {
            ConvertError::Unsupported { pointer, .. } | ConvertError::Invalid { pointer, .. } => {
                assert_eq!(pointer, "/paths/~1a/get/parameters/0/collectionFormat");
            }
            other => panic!("{location}/{format}: unexpected {other:?}"),
        }
    }
}

#[test]
fn nested_items() {
    assert_json(
        &converted_param(
            json!({"name": "p", "in": "query", "type": "array", "collectionFormat": "multi",
            "items": {"type": "array", "items": {"type": "integer", "enum": [1, 2]}, "maxItems": 2}}),
        ),
        &json!({"name": "p", "in": "query", "style": "form", "explode": true, "schema": {"type": "array",
            "items": {"type": "array", "items": {"type": "integer", "enum": [1, 2]}, "maxItems": 2}}}),
    );
    let error = conversion_error(json!({"paths": {"/a": {"get": {"parameters": [
        {"name": "p", "in": "query", "type": "array", "items": {"type": "array", "collectionFormat": "pipes", "items": {"type": "string"}}}
    ], "responses": {}}}}}));
    assert!(
        matches!(error, ConvertError::Unsupported { pointer, .. } if pointer == "/paths/~1a/get/parameters/0/items/collectionFormat")
    );
}

#[test]
fn shared_parameters_become_component_references() {
    assert_converts(
        json!({
            "parameters": {"Limit": {"name": "limit", "in": "query", "type": "integer"}},
            "paths": {"/a": {"get": {"parameters": [{"$ref": "#/parameters/Limit"}], "responses": {}}}}
        }),
        json!({
            "components": {"parameters": {"Limit": {"name": "limit", "in": "query", "schema": {"type": "integer"}}}},
            "paths": {"/a": {"get": {"parameters": [{"$ref": "#/components/parameters/Limit"}], "responses": {}}}}
        }),
    );
}

#[test]
fn path_level_parameters_stay_on_the_path_item() {
    assert_converts(
        json!({
            "parameters": {"Id": {"name": "id", "in": "path", "required": true, "type": "string"}},
            "paths": {"/a/{id}": {
                "parameters": [{"$ref": "#/parameters/Id"}, {"name": "v", "in": "header", "type": "string"}],
                "get": {"responses": {}}
            }}
        }),
        json!({
            "components": {"parameters": {"Id": {"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}}},
            "paths": {"/a/{id}": {
                "parameters": [{"$ref": "#/components/parameters/Id"}, {"name": "v", "in": "header", "schema": {"type": "string"}}],
                "get": {"responses": {}}
            }}
        }),
    );
}

#[test]
fn malformed_parameters_are_errors() {
    let params =
        |param: Value| json!({"paths": {"/a": {"get": {"parameters": [param], "responses": {}}}}});
    let error = conversion_error(params(json!({"name": "p", "in": "query"})));
    assert!(
        matches!(error, ConvertError::MissingField { pointer, field: "type" } if pointer == "/paths/~1a/get/parameters/0")
    );
    let error = conversion_error(params(json!({"name": "p", "in": "query", "type": "file"})));
    assert!(
        matches!(error, ConvertError::Invalid { pointer, .. } if pointer == "/paths/~1a/get/parameters/0/type")
    );
    let error = conversion_error(params(
        json!({"name": "p", "in": "cookie", "type": "string"}),
    ));
    assert!(
        matches!(error, ConvertError::Invalid { pointer, .. } if pointer == "/paths/~1a/get/parameters/0/in")
    );
    let error = conversion_error(params(json!({"in": "query", "type": "string"})));
    assert!(matches!(
        error,
        ConvertError::MissingField { field: "name", .. }
    ));
    let error = conversion_error(params(
        json!({"name": "p", "in": "query", "type": "string", "schema": {}}),
    ));
    assert!(matches!(error, ConvertError::UnknownKey { key, .. } if key == "schema"));
    let error =
        conversion_error(json!({"paths": {"/a": {"get": {"parameters": {}, "responses": {}}}}}));
    assert!(
        matches!(error, ConvertError::WrongType { pointer, .. } if pointer == "/paths/~1a/get/parameters")
    );
}
