//! Document level: version, servers, components placement, security schemes, verbatim members.

use serde_json::json;

use super::super::{convert, is_swagger2, ConvertError};
use super::{assert_converts, conversion_error, swagger};

#[test]
fn minimal_document() {
    assert_converts(json!({"paths": {}}), json!({"paths": {}}));
}

#[test]
fn detects_swagger2() {
    assert!(is_swagger2(&swagger(json!({}))));
    assert!(!is_swagger2(&json!({"openapi": "3.0.1"})));
    assert!(!is_swagger2(&json!({"swagger": 2.0})));
    assert!(!is_swagger2(&json!([1])));
    let error = convert(&json!({"openapi": "3.0.1", "paths": {}}));
    assert!(matches!(error, Err(ConvertError::NotSwagger2 { found }) if found == "absent"));
    let error = convert(&json!({"swagger": "1.2"}));
    assert!(matches!(error, Err(ConvertError::NotSwagger2 { found }) if found == "\"1.2\""));
}

#[test]
fn server_from_host_base_path_and_first_scheme() {
    assert_converts(
        json!({"host": "api.example.com:8443", "basePath": "/v2", "schemes": ["http", "https"], "paths": {}}),
        json!({"servers": [{"url": "http://api.example.com:8443/v2"}], "paths": {}}),
    );
}

#[test]
fn server_defaults_to_https_and_drops_trailing_slash() {
    assert_converts(
        json!({"host": "api.example.com", "basePath": "/", "paths": {}}),
        json!({"servers": [{"url": "https://api.example.com"}], "paths": {}}),
    );
    assert_converts(
        json!({"host": "api.example.com", "paths": {}}),
        json!({"servers": [{"url": "https://api.example.com"}], "paths": {}}),
    );
}

#[test]
fn base_path_alone_gives_relative_server() {
    assert_converts(
        json!({"basePath": "/api", "schemes": ["https"], "paths": {}}),
        json!({"servers": [{"url": "/api"}], "paths": {}}),
    );
    assert_converts(
        json!({"schemes": ["https"], "paths": {}}),
        json!({"paths": {}}),
    );
}

#[test]
fn bad_server_members_are_errors() {
    let error = conversion_error(json!({"basePath": "api", "paths": {}}));
    assert!(matches!(error, ConvertError::Invalid { pointer, .. } if pointer == "/basePath"));
    let error = conversion_error(json!({"schemes": ["https", "ftp"], "paths": {}}));
    assert!(matches!(error, ConvertError::Invalid { pointer, .. } if pointer == "/schemes/1"));
    let error = conversion_error(json!({"host": 42, "paths": {}}));
    assert!(matches!(error, ConvertError::WrongType { pointer, .. } if pointer == "/host"));
}

#[test]
fn operation_schemes_become_operation_servers() {
    assert_converts(
        json!({
            "host": "h", "basePath": "/b", "schemes": ["https"],
            "paths": {"/a": {
                "get": {"schemes": ["http"], "responses": {}},
                "put": {"schemes": ["https", "http"], "responses": {}}
            }}
        }),
        json!({
            "servers": [{"url": "https://h/b"}],
            "paths": {"/a": {
                "get": {"servers": [{"url": "http://h/b"}], "responses": {}},
                "put": {"responses": {}}
            }}
        }),
    );
}

#[test]
fn verbatim_members_and_document_order() {
    assert_converts(
        json!({
            "x-top": {"a": 1},
            "tags": [{"name": "t", "description": "d"}],
            "paths": {"x-paths": true, "/a": {"x-item": 1, "get": {
                "tags": ["t"], "summary": "s", "description": "d", "operationId": "op",
                "deprecated": true, "security": [{"key": []}], "x-op": "keep",
                "externalDocs": {"url": "https://example.com"},
                "responses": {"x-r": 1, "204": {"description": "none", "x-resp": 2}}
            }}},
            "security": [{"key": []}],
            "externalDocs": {"url": "https://example.com/docs"}
        }),
        json!({
            "x-top": {"a": 1},
            "tags": [{"name": "t", "description": "d"}],
            "paths": {"x-paths": true, "/a": {"x-item": 1, "get": {
                "tags": ["t"], "summary": "s", "description": "d", "operationId": "op",
                "deprecated": true, "security": [{"key": []}], "x-op": "keep",
                "externalDocs": {"url": "https://example.com"},
                "responses": {"x-r": 1, "204": {"description": "none", "x-resp": 2}}
            }}},
            "security": [{"key": []}],
            "externalDocs": {"url": "https://example.com/docs"}
        }),
    );
}

#[test]
fn components_appear_where_the_first_section_was() {
    assert_converts(
        json!({
            "definitions": {"A": {"type": "string"}},
            "paths": {},
            "responses": {"Gone": {"description": "gone"}},
            "securityDefinitions": {"b": {"type": "basic"}}
        }),
        json!({
            "components": {
                "schemas": {"A": {"type": "string"}},
                "responses": {"Gone": {"description": "gone"}},
                "securitySchemes": {"b": {"type": "http", "scheme": "basic"}}
            },
            "paths": {}
        }),
    );
}

#[test]
fn security_schemes() {
    assert_converts(
        json!({"paths": {}, "securityDefinitions": {
            "basic": {"type": "basic", "description": "user/password", "x-s": 1},
            "key": {"type": "apiKey", "name": "X-Key", "in": "header"},
            "implicit": {"type": "oauth2", "flow": "implicit", "authorizationUrl": "https://a", "scopes": {"read": "r"}},
            "password": {"type": "oauth2", "flow": "password", "tokenUrl": "https://t", "scopes": {}},
            "application": {"type": "oauth2", "flow": "application", "tokenUrl": "https://t"},
            "code": {"type": "oauth2", "description": "d", "flow": "accessCode",
                     "authorizationUrl": "https://a", "tokenUrl": "https://t", "scopes": {"w": "write"}}
        }}),
        json!({"paths": {}, "components": {"securitySchemes": {
            "basic": {"type": "http", "scheme": "basic", "description": "user/password", "x-s": 1},
            "key": {"type": "apiKey", "name": "X-Key", "in": "header"},
            "implicit": {"type": "oauth2", "flows": {"implicit": {"authorizationUrl": "https://a", "scopes": {"read": "r"}}}},
            "password": {"type": "oauth2", "flows": {"password": {"tokenUrl": "https://t", "scopes": {}}}},
            "application": {"type": "oauth2", "flows": {"clientCredentials": {"tokenUrl": "https://t", "scopes": {}}}},
            "code": {"type": "oauth2", "description": "d", "flows": {"authorizationCode":
                     {"authorizationUrl": "https://a", "tokenUrl": "https://t", "scopes": {"w": "write"}}}}
        }}}),
    );
}

#[test]
fn malformed_security_schemes_are_errors() {
    let error = conversion_error(
        json!({"paths": {}, "securityDefinitions": {"o": {"type": "oauth2", "flow": "implicit"}}}),
    );
    assert!(
        matches!(error, ConvertError::MissingField { pointer, field: "authorizationUrl" } if pointer == "/securityDefinitions/o")
    );
    let error = conversion_error(
        json!({"paths": {}, "securityDefinitions": {"k": {"type": "apiKey", "name": "k", "in": "cookie"}}}),
    );
    assert!(
        matches!(error, ConvertError::Invalid { pointer, .. } if pointer == "/securityDefinitions/k/in")
    );
    let error =
        conversion_error(json!({"paths": {}, "securityDefinitions": {"d": {"type": "digest"}}}));
    assert!(
        matches!(error, ConvertError::Invalid { pointer, .. } if pointer == "/securityDefinitions/d/type")
    );
}

#[test]
fn unknown_members_are_errors_naming_their_place() {
    let error = conversion_error(json!({"paths": {}, "servers": []}));
    assert!(
        matches!(&error, ConvertError::UnknownKey { pointer, key } if pointer.is_empty() && key == "servers")
    );
    let error =
        conversion_error(json!({"paths": {"/a/{b}": {"get": {"responses": {}, "callbacks": {}}}}}));
    assert_eq!(
        error.to_string(),
        "at #/paths/~1a~1{b}/get: unknown member `callbacks`"
    );
    let error = conversion_error(json!({"paths": {"a": {}}}));
    assert!(matches!(error, ConvertError::Invalid { pointer, .. } if pointer == "/paths/a"));
    let error = conversion_error(json!({"paths": {"/a": {"$ref": "other.json#/paths/a"}}}));
    assert!(
        matches!(error, ConvertError::Unsupported { pointer, .. } if pointer == "/paths/~1a/$ref")
    );
}
