//! `path-templates`: templates and declared path parameters must agree.
//!
//! Realities encoded:
//! - ConnectWise's document leaks ASP.NET route constraints into templates and cuts them off:
//!   `/system/members/{memberIdentifier:regex(^(types. |(`. The live route is `/system/members/{memberIdentifier}`.
//! - Some operations use a placeholder they never declare (ConnectWise `/system/info/members/{memberIdentifier}`,
//!   BMS `GetChartOfAccountsLookup`): it becomes a required string path parameter.
//! - Some declare a path parameter the template lacks (Autotask `InvoicePDF_QueryItem`): the server never sees
//!   it, so it is dropped (a generated method must not ask for a value it cannot send).

use serde_json::{json, Map, Value};

use super::walk::METHODS;
use super::CorrectError;

const PASS: &str = "path-templates";

pub(super) fn apply(doc: &mut Value) -> Result<Vec<String>, CorrectError> {
    let mut changes = Vec::new();
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else {
        return Ok(changes);
    };
    let old = std::mem::take(paths);
    for (path, item) in old {
        let fixed = clean_template(&path);
        if fixed != path {
            changes.push(format!("{path} → {fixed}: route constraint removed"));
        }
        match paths.get_mut(&fixed) {
            None => {
                paths.insert(fixed, item);
            }
            Some(existing) => merge_path_items(&fixed, existing, item, &mut changes)?,
        }
    }
    for (path, item) in paths.iter_mut() {
        let placeholders = placeholders(path);
        let Some(item) = item.as_object_mut() else {
            continue;
        };
        let shared = item.remove("parameters");
        for (method, op) in item.iter_mut() {
            if !METHODS.contains(&method.as_str()) {
                continue;
            }
            let Some(op) = op.as_object_mut() else {
                continue;
            };
            // Path-level parameters apply to every operation; folding them in keeps later passes simple.
            if let Some(Value::Array(shared)) = &shared {
                let params = op.entry("parameters").or_insert_with(|| json!([]));
                if let Some(params) = params.as_array_mut() {
                    for p in shared {
                        let declared = params.iter().any(|q| same_param(q, p));
                        if !declared {
                            params.push(p.clone());
                        }
                    }
                }
            }
            reconcile(path, method, op, &placeholders, &mut changes);
        }
    }
    Ok(changes)
}

/// Removes `:constraint…` from every `{name:constraint}` placeholder, including a truncated last one.
fn clean_template(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let name_end = after.find([':', '}']).unwrap_or(after.len());
        out.push('{');
        out.push_str(&after[..name_end]);
        out.push('}');
        if after[name_end..].starts_with('}') {
            rest = &after[name_end + 1..];
        } else {
            // A constraint: skip to the brace that closes this placeholder, or to the end if it was cut off.
            let mut depth = 0usize;
            let mut end = after.len();
            for (i, c) in after[name_end..].char_indices() {
                match c {
                    '(' => depth += 1,
                    ')' => depth = depth.saturating_sub(1),
                    '}' if depth == 0 => {
                        end = name_end + i + 1;
                        break;
                    }
                    _ => {}
                }
            }
            rest = &after[end.min(after.len())..];
        }
    }
    out.push_str(rest);
    out
}

fn placeholders(path: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}') else {
            break;
        };
        names.push(rest[open + 1..open + close].to_owned());
        rest = &rest[open + close + 1..];
    }
    names
}

fn same_param(a: &Value, b: &Value) -> bool {
    a.get("name") == b.get("name") && a.get("in") == b.get("in")
}

fn merge_path_items(
    path: &str,
    existing: &mut Value,
    incoming: Value,
    changes: &mut Vec<String>,
) -> Result<(), CorrectError> {
    let (Some(existing), Value::Object(incoming)) = (existing.as_object_mut(), incoming) else {
        return Ok(());
    };
    for (method, op) in incoming {
        if existing.contains_key(&method) {
            return Err(CorrectError::Unfixable {
                pass: PASS,
                location: format!("{} {path}", method.to_uppercase()),
                problem: "two templates collapse to the same route and method".into(),
            });
        }
        changes.push(format!(
            "{} {path}: merged into the existing route",
            method.to_uppercase()
        ));
        existing.insert(method, op);
    }
    Ok(())
}

fn reconcile(
    path: &str,
    method: &str,
    op: &mut Map<String, Value>,
    placeholders: &[String],
    changes: &mut Vec<String>,
) {
    let label = format!("{} {path}", method.to_uppercase());
    let params = op.entry("parameters").or_insert_with(|| json!([]));
    let Some(params) = params.as_array_mut() else {
        return;
    };
    params.retain(|p| {
        let is_path = p.get("in").and_then(Value::as_str) == Some("path");
        let name = p.get("name").and_then(Value::as_str).unwrap_or_default();
        if is_path && !placeholders.iter().any(|ph| ph == name) {
            changes.push(format!(
                "{label}: path parameter `{name}` is not in the template; dropped"
            ));
            return false;
        }
        true
    });
    for ph in placeholders {
        let declared = params.iter().any(|p| {
            p.get("in").and_then(Value::as_str) == Some("path")
                && p.get("name").and_then(Value::as_str) == Some(ph)
        });
        if !declared {
            changes.push(format!(
                "{label}: placeholder `{{{ph}}}` was undeclared; added as a string path parameter"
            ));
            params.push(
                json!({"name": ph, "in": "path", "required": true, "schema": {"type": "string"}}),
            );
        }
    }
    if params.is_empty() {
        op.remove("parameters");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cut_off_constraint_is_removed() {
        assert_eq!(
            clean_template("/system/members/{memberIdentifier:regex(^(types. |("),
            "/system/members/{memberIdentifier}"
        );
        assert_eq!(clean_template("/a/{id:int}/b"), "/a/{id}/b");
        assert_eq!(
            clean_template("/a/{id}/b/{x:regex(^(a|b)$)}/c"),
            "/a/{id}/b/{x}/c"
        );
        assert_eq!(clean_template("/plain/{id}"), "/plain/{id}");
    }

    #[test]
    fn undeclared_placeholder_is_added_and_absent_one_dropped() {
        let mut doc = json!({"openapi": "3.0.1", "paths": {
            "/a/{id}": {"get": {"operationId": "A", "parameters": [
                {"name": "other", "in": "path", "required": true, "schema": {"type": "integer"}},
                {"name": "q", "in": "query", "schema": {"type": "string"}}
            ], "responses": {}}}
        }});
        let changes = apply(&mut doc).unwrap();
        assert_eq!(changes.len(), 2, "{changes:?}");
        let params = &doc["paths"]["/a/{id}"]["get"]["parameters"];
        assert_eq!(params.as_array().map(Vec::len), Some(2));
        assert_eq!(params[0]["name"], "q");
        assert_eq!(
            params[1],
            json!({"name": "id", "in": "path", "required": true, "schema": {"type": "string"}})
        );
    }

    #[test]
    fn collapsing_routes_merge_methods_but_never_overwrite() {
        let mut doc = json!({"paths": {
            "/m/{id}": {"get": {"operationId": "A", "responses": {}}},
            "/m/{id:regex(x": {"put": {"operationId": "B", "responses": {}}}
        }});
        apply(&mut doc).unwrap();
        assert!(doc["paths"]["/m/{id}"]["put"].is_object());
        let mut clash = json!({"paths": {
            "/m/{id}": {"get": {"operationId": "A", "responses": {}}},
            "/m/{id:regex(x": {"get": {"operationId": "B", "responses": {}}}
        }});
        assert!(matches!(
            apply(&mut clash),
            Err(CorrectError::Unfixable { .. })
        ));
    }
}
