//! `$ref`s that point at nothing.
//!
//! The rest of the diff compares schema references by name, so it runs fine on a document with dangling
//! references; this pass makes sure such references are reported instead of silently compared.

use std::collections::BTreeMap;

use openapiv3::OpenAPI;
use serde_json::Value;

use super::{ChangeKind, Collector};

/// Reports the unresolvable references of the new document: breaking when the old document resolved them
/// (generation from the new one will fail), non-breaking when the old one was already broken the same way.
pub(super) fn diff_unresolved(out: &mut Collector, old: &OpenAPI, new: &OpenAPI) {
    let old_unresolved = unresolved(old);
    for (reference, location) in unresolved(new) {
        if old_unresolved.contains_key(&reference) {
            out.non_breaking(
                ChangeKind::UnresolvedRef,
                reference,
                format!("at {location} (also unresolved in the old document)"),
            );
        } else {
            out.breaking(ChangeKind::UnresolvedRef, reference, format!("at {location}"));
        }
    }
}

/// Every reference that does not resolve within the document, with the JSON pointer of its first use.
fn unresolved(api: &OpenAPI) -> BTreeMap<String, String> {
    let mut found = BTreeMap::new();
    // Walking the generic JSON form covers every place a `$ref` may appear without listing them all. The
    // typed document always serializes; if it ever did not, there would be nothing to report.
    if let Ok(root) = serde_json::to_value(api) {
        let mut path = Vec::new();
        walk(&root, &root, &mut path, &mut found);
    }
    found
}

/// One step of a JSON pointer.
enum Segment<'a> {
    Key(&'a str),
    Index(usize),
}

fn walk<'a>(
    root: &Value,
    node: &'a Value,
    path: &mut Vec<Segment<'a>>,
    found: &mut BTreeMap<String, String>,
) {
    match node {
        Value::Object(map) => {
            if let Some(Value::String(reference)) = map.get("$ref") {
                if !resolves(root, reference) && !found.contains_key(reference) {
                    found.insert(reference.clone(), pointer(path));
                }
            }
            for (key, value) in map {
                path.push(Segment::Key(key));
                walk(root, value, path, found);
                path.pop();
            }
        }
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                path.push(Segment::Index(index));
                walk(root, item, path, found);
                path.pop();
            }
        }
        _ => {}
    }
}

/// Only local references (`#/…`) are followed; references to other files cannot be resolved here.
fn resolves(root: &Value, reference: &str) -> bool {
    reference
        .strip_prefix('#')
        .is_some_and(|pointer| root.pointer(pointer).is_some())
}

fn pointer(path: &[Segment<'_>]) -> String {
    let mut text = String::from("#");
    for segment in path {
        text.push('/');
        match segment {
            Segment::Key(key) => text.push_str(&key.replace('~', "~0").replace('/', "~1")),
            Segment::Index(index) => text.push_str(&index.to_string()),
        }
    }
    text
}
