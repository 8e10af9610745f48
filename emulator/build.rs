//! Writes the emulator's route tables into `OUT_DIR`: for each vendor, every operation of the corrected
//! document the clients are generated from (same manifest, same corrections, same pipeline), digested to
//! what the emulator needs (method, path template, operation id, success status, response schema, request
//! body schema and required parameters), plus the document's component schemas.
//!
//! Thin on purpose: preparing is `psa_codegen::prepare`, the function the clients' build script calls.

use std::path::PathBuf;

use psa_codegen::manifest::Manifest;
use psa_codegen::vendor::{Corrections, Vendor};
use psa_codegen::{prepare, Pinning};
use serde_json::{json, Map, Value};

fn main() {
    let (Some(manifest_dir), Some(out_dir)) = (
        std::env::var_os("CARGO_MANIFEST_DIR"),
        std::env::var_os("OUT_DIR"),
    ) else {
        fail("this build script must be run by cargo");
    };
    let root = PathBuf::from(manifest_dir).join("..");
    let out_dir = PathBuf::from(out_dir);
    // The emulator is a workspace tool (not published): `$PSA_SPECS_DIR` or the workspace default.
    let specs_dir = psa_codegen::manifest::specs_dir(
        &root,
        std::env::var(psa_codegen::manifest::SPECS_DIR_ENV)
            .ok()
            .as_deref(),
    );
    println!(
        "cargo::rerun-if-env-changed={}",
        psa_codegen::manifest::SPECS_DIR_ENV
    );
    let manifest_path = root.join("specs/manifest.toml");
    println!("cargo::rerun-if-changed={}", manifest_path.display());
    let manifest = Manifest::load(&manifest_path).unwrap_or_else(|e| fail(&e.to_string()));
    for vendor in [Vendor::Bms, Vendor::ConnectWise, Vendor::Autotask] {
        let Some(entry) = manifest.primary(vendor) else {
            fail(&format!("no primary document for {vendor} in the manifest"));
        };
        let corrections_dir = root.join("specs/corrections");
        println!(
            "cargo::rerun-if-changed={}",
            corrections_dir
                .join(format!("{}.toml", vendor.name()))
                .display()
        );
        println!(
            "cargo::rerun-if-changed={}",
            specs_dir.join(&entry.file).display()
        );
        let corrections =
            Corrections::load(&corrections_dir, vendor).unwrap_or_else(|e| fail(&e.to_string()));
        let prepared = prepare(entry, &specs_dir, &corrections, Pinning::Enforce)
            .unwrap_or_else(|e| fail(&e.to_string()));
        let spec = serde_json::to_value(&prepared.spec).unwrap_or_else(|e| fail(&e.to_string()));
        let table = digest(&spec);
        let text = serde_json::to_string(&table).unwrap_or_else(|e| fail(&e.to_string()));
        let path = out_dir.join(format!("routes_{}.json", vendor.name()));
        std::fs::write(&path, text).unwrap_or_else(|e| fail(&e.to_string()));
    }
}

fn fail(message: &str) -> ! {
    eprintln!("psa-emulator build: {message}");
    std::process::exit(1)
}

/// `{"routes": [...], "schemas": {...}}`.
fn digest(spec: &Value) -> Value {
    let mut routes = Vec::new();
    let empty = Map::new();
    let paths = spec
        .get("paths")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    for (template, item) in paths {
        let Some(item) = item.as_object() else {
            continue;
        };
        let shared = item.get("parameters").cloned().unwrap_or(json!([]));
        for method in ["get", "post", "put", "patch", "delete"] {
            let Some(op) = item.get(method) else { continue };
            routes.push(route(spec, template, method, op, &shared));
        }
    }
    let schemas = spec
        .pointer("/components/schemas")
        .cloned()
        .unwrap_or(json!({}));
    json!({ "routes": routes, "schemas": schemas })
}

fn route(spec: &Value, template: &str, method: &str, op: &Value, shared: &Value) -> Value {
    let mut query = Vec::new();
    let mut required_query = Vec::new();
    let params = shared.as_array().into_iter().flatten().chain(
        op.get("parameters")
            .and_then(Value::as_array)
            .into_iter()
            .flatten(),
    );
    for param in params {
        let param = resolve(spec, param);
        let (Some(name), Some(location)) = (
            param.get("name").and_then(Value::as_str),
            param.get("in").and_then(Value::as_str),
        ) else {
            continue;
        };
        if location == "query" {
            query.push(name.to_owned());
            if param.get("required").and_then(Value::as_bool) == Some(true) {
                required_query.push(name.to_owned());
            }
        }
    }
    let (status, response) = success_response(spec, op);
    let body = op.get("requestBody").map(|body| resolve(spec, body));
    let (body_type, body_schema, body_required) = match &body {
        Some(body) => {
            let content = body.get("content").and_then(Value::as_object);
            let (media, schema) = content
                .and_then(|c| {
                    c.iter()
                        .find(|(k, _)| k.contains("json"))
                        .or_else(|| c.iter().next())
                })
                .map(|(k, v)| (k.clone(), v.get("schema").cloned()))
                .unwrap_or_default();
            (
                Some(media),
                schema,
                body.get("required").and_then(Value::as_bool) == Some(true),
            )
        }
        None => (None, None, false),
    };
    json!({
        "method": method.to_ascii_uppercase(),
        "template": template,
        // The vendor's id (a renamed operation keeps it in an extension): routes are classified by it.
        "operation_id": op.get("x-psa-vendor-operation-id").or_else(|| op.get("operationId")),
        "status": status,
        "response": response,
        "body_type": body_type,
        "body": body_schema,
        "body_required": body_required,
        "query": query,
        "required_query": required_query,
    })
}

/// The first 2xx (or `default`) response: status and JSON schema.
fn success_response(spec: &Value, op: &Value) -> (u16, Option<Value>) {
    let Some(responses) = op.get("responses").and_then(Value::as_object) else {
        return (200, None);
    };
    let mut codes: Vec<(&String, &Value)> = responses
        .iter()
        .filter(|(code, _)| code.starts_with('2'))
        .collect();
    codes.sort_by(|a, b| a.0.cmp(b.0));
    let chosen = codes
        .first()
        .copied()
        .or_else(|| responses.get_key_value("default"));
    let Some((code, response)) = chosen else {
        return (200, None);
    };
    let response = resolve(spec, response);
    let schema = response
        .get("content")
        .and_then(Value::as_object)
        .and_then(|c| {
            c.iter()
                .find(|(k, _)| k.contains("json"))
                .or_else(|| c.iter().next())
        })
        .and_then(|(_, v)| v.get("schema").cloned());
    (code.parse().unwrap_or(200), schema)
}

/// Follows a `$ref` to a response, request body or parameter (schemas stay references).
fn resolve<'a>(spec: &'a Value, value: &'a Value) -> &'a Value {
    let mut current = value;
    for _ in 0..8 {
        let Some(reference) = current.get("$ref").and_then(Value::as_str) else {
            return current;
        };
        let Some(pointer) = reference.strip_prefix('#') else {
            return current;
        };
        match spec.pointer(pointer) {
            Some(target) => current = target,
            None => return current,
        }
    }
    current
}
