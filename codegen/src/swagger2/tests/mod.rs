//! Tests of the Swagger 2.0 → OpenAPI 3.0 conversion: small hand-written documents with the exact
//! expected output, and the real Autotask document.

use serde_json::{json, Map, Value};

use super::{convert, ConvertError};

mod autotask;
mod bodies;
mod document;
mod parameters;
mod refs;
mod responses;
mod robustness;
mod schemas;

/// A Swagger 2.0 document: `swagger` and `info`, then the members of `rest` in their order.
fn swagger(rest: Value) -> Value {
    let mut doc = Map::new();
    doc.insert("swagger".into(), json!("2.0"));
    doc.insert("info".into(), json!({"title": "t", "version": "1"}));
    if let Value::Object(rest) = rest {
        doc.extend(rest);
    }
    Value::Object(doc)
}

/// The OpenAPI 3.0.3 document the converter should produce for [`swagger`]`(rest)`.
fn openapi(rest: Value) -> Value {
    let mut doc = Map::new();
    doc.insert("openapi".into(), json!("3.0.3"));
    doc.insert("info".into(), json!({"title": "t", "version": "1"}));
    if let Value::Object(rest) = rest {
        doc.extend(rest);
    }
    Value::Object(doc)
}

/// Converts `doc`, failing the test with the error's message if it does not convert.
fn converted(doc: &Value) -> Value {
    match convert(doc) {
        Ok(out) => out,
        Err(error) => panic!("conversion failed: {error}"),
    }
}

/// Asserts equality including member order, which `Value`'s `==` ignores.
#[track_caller]
fn assert_json(actual: &Value, expected: &Value) {
    let pretty = |value: &Value| serde_json::to_string_pretty(value).unwrap_or_default();
    let (actual, expected) = (pretty(actual), pretty(expected));
    assert!(
        actual == expected,
        "converted:\n{actual}\n\nexpected:\n{expected}"
    );
}

/// Asserts that `swagger(input)` converts to exactly `openapi(expected)`.
#[track_caller]
fn assert_converts(input: Value, expected: Value) {
    assert_json(&converted(&swagger(input)), &openapi(expected));
}

/// Converts `swagger(input)` expecting an error, and returns it.
#[track_caller]
fn conversion_error(input: Value) -> ConvertError {
    match convert(&swagger(input)) {
        Ok(out) => panic!("expected an error, got {out:#}"),
        Err(error) => error,
    }
}

/// A document with one operation `op` under `post /p`.
fn post(op: Value) -> Value {
    json!({"paths": {"/p": {"post": op}}})
}
