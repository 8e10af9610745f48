//! The real Autotask document: the converter must take all of it and produce OpenAPI that the
//! `openapiv3` model accepts.

use std::path::PathBuf;

use serde_json::Value;

use super::converted;

/// Where the vendor documents are: `PSA_SPECS_DIR`, else `<workspace root>/../shared/specs`.
fn specs_dir() -> PathBuf {
    match std::env::var_os("PSA_SPECS_DIR") {
        Some(dir) => PathBuf::from(dir),
        // This crate (`codegen/`) sits directly under the workspace root.
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("..")
            .join("../shared/specs"),
    }
}

fn load_autotask() -> Value {
    let path = specs_dir().join("autotask.json");
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(error) => panic!(
            "cannot read the Autotask document at {} ({error}); set PSA_SPECS_DIR to the folder holding autotask.json",
            path.display()
        ),
    };
    // The vendor serves the file with a UTF-8 byte-order mark, which JSON parsers reject.
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    match serde_json::from_str(text) {
        Ok(doc) => doc,
        Err(error) => panic!("{} is not JSON: {error}", path.display()),
    }
}

/// True when any string in `value` contains `needle`.
fn contains_string(value: &Value, needle: &str) -> bool {
    match value {
        Value::String(text) => text.contains(needle),
        Value::Array(items) => items.iter().any(|item| contains_string(item, needle)),
        Value::Object(members) => members
            .iter()
            .any(|(key, item)| key.contains(needle) || contains_string(item, needle)),
        _ => false,
    }
}

#[test]
fn autotask_converts_and_parses_as_openapi_3() {
    let source = load_autotask();
    assert!(super::super::is_swagger2(&source));
    let out = converted(&source);

    let spec: openapiv3::OpenAPI = match serde_json::from_value(out.clone()) {
        Ok(spec) => spec,
        Err(error) => panic!("converted Autotask document is not OpenAPI 3.0: {error}"),
    };
    assert_eq!(spec.openapi, "3.0.3");
    assert_eq!(spec.operations().count(), 2070);
    let schemas = spec
        .components
        .as_ref()
        .map_or(0, |components| components.schemas.len());
    assert_eq!(schemas, 260);
    assert_eq!(spec.servers.len(), 1);
    assert_eq!(
        spec.servers[0].url,
        "https://webservices2.autotask.net/ATServicesRest"
    );
    assert!(
        !contains_string(&out, "#/definitions/"),
        "a Swagger 2.0 reference survived"
    );

    // Every operation that had a body parameter has a request body, and no other operation does.
    let mut with_body = 0;
    for (path, item) in source["paths"].as_object().into_iter().flatten() {
        for (method, operation) in item.as_object().into_iter().flatten() {
            let had_body = operation["parameters"]
                .as_array()
                .is_some_and(|params| params.iter().any(|param| param["in"] == "body"));
            let converted_op = &out["paths"][path][method];
            assert_eq!(
                converted_op.get("requestBody").is_some(),
                had_body,
                "{method} {path}: request body mismatch"
            );
            with_body += usize::from(had_body);
        }
    }
    assert_eq!(with_body, 657);

    // The odd generic-looking names survive as written, and references to them resolve.
    let name = "Expression[Func[AccountAlert,Int64]]";
    assert!(out["components"]["schemas"].get(name).is_some());
    assert!(contains_string(
        &out,
        &format!("#/components/schemas/{name}")
    ));
}
