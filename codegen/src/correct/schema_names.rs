//! `schema-names`: every component schema name is a Rust identifier, chosen here rather than by accident.
//!
//! Realities encoded: Autotask publishes .NET expression types as `Expression[Func[AccountAlert,Int64]]`;
//! ConnectWise uses dotted names such as `Agreement.Adjustment` and `Company.CompanyTypeAssociation`. Such names
//! become `ExpressionFuncAccountAlertInt64` and `AgreementAdjustment`; `schema_renames` in the vendor's
//! corrections file overrides the derived name. Every `$ref` in the document follows the rename.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

use super::walk::schema_ref;
use super::CorrectError;

const PASS: &str = "schema-names";

pub(super) fn apply(
    doc: &mut Value,
    explicit: &BTreeMap<String, String>,
) -> Result<Vec<String>, CorrectError> {
    let Some(schemas) = doc
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    else {
        return Ok(Vec::new());
    };
    let names: BTreeSet<String> = schemas.keys().cloned().collect();
    let mut renames: BTreeMap<String, String> = BTreeMap::new();
    for name in schemas.keys() {
        let target = match explicit.get(name) {
            Some(t) => t.clone(),
            None if is_identifier(name) => continue,
            None => derive(name),
        };
        if &target == name {
            continue;
        }
        if !is_identifier(&target) {
            return Err(CorrectError::Unfixable {
                pass: PASS,
                location: format!("schema `{name}`"),
                problem: format!("rename target `{target}` is not an identifier"),
            });
        }
        if names.contains(&target) || renames.values().any(|t| t == &target) {
            return Err(CorrectError::Unfixable {
                pass: PASS,
                location: format!("schema `{name}`"),
                problem: format!("`{target}` is taken; add a `schema_renames` entry for it"),
            });
        }
        renames.insert(name.clone(), target);
    }
    for name in explicit.keys() {
        if !names.contains(name) {
            return Err(CorrectError::Unfixable {
                pass: PASS,
                location: format!("schema_renames entry `{name}`"),
                problem: "no such schema in the document (stale correction?)".into(),
            });
        }
    }
    if renames.is_empty() {
        return Ok(Vec::new());
    }
    let old = std::mem::take(schemas);
    let mut renamed = Map::new();
    for (name, schema) in old {
        let name = renames.get(&name).cloned().unwrap_or(name);
        renamed.insert(name, schema);
    }
    *schemas = renamed;
    let by_ref: BTreeMap<String, String> = renames
        .iter()
        .map(|(o, n)| (schema_ref(o), schema_ref(n)))
        .collect();
    rewrite_refs(doc, &by_ref);
    Ok(renames
        .into_iter()
        .map(|(o, n)| format!("`{o}` → `{n}`"))
        .collect())
}

/// True for `[A-Za-z_][A-Za-z0-9_]*`.
fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Splits on everything that is not a letter or digit and joins the parts with their first letter capitalised.
fn derive(name: &str) -> String {
    let mut out = String::new();
    for part in name
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|p| !p.is_empty())
    {
        let mut chars = part.chars();
        if let Some(first) = chars.next() {
            out.push(first.to_ascii_uppercase());
            out.extend(chars);
        }
    }
    if out.starts_with(|c: char| c.is_ascii_digit()) || out.is_empty() {
        out.insert_str(0, "Schema");
    }
    out
}

/// Replaces every `$ref` value found in `by_ref`, anywhere in `value`.
fn rewrite_refs(value: &mut Value, by_ref: &BTreeMap<String, String>) {
    match value {
        Value::Object(map) => {
            for (key, v) in map.iter_mut() {
                if key == "$ref" {
                    if let Some(new) = v.as_str().and_then(|r| by_ref.get(r)) {
                        *v = Value::String(new.clone());
                    }
                } else {
                    rewrite_refs(v, by_ref);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| rewrite_refs(v, by_ref)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn junk_names_are_renamed_everywhere() {
        let mut doc = json!({"paths": {"/a": {"get": {"responses": {"200": {"description": "", "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/Expression[Func[AccountAlert,Int64]]"}}}}}}}},
            "components": {"schemas": {
                "Expression[Func[AccountAlert,Int64]]": {"type": "object"},
                "Agreement.Adjustment": {"type": "object", "properties": {"x": {"$ref": "#/components/schemas/Expression[Func[AccountAlert,Int64]]"}}},
                "Fine": {"type": "object"}}}});
        let changes = apply(&mut doc, &BTreeMap::new()).unwrap();
        assert_eq!(changes.len(), 2);
        let schemas = doc["components"]["schemas"].as_object().unwrap();
        assert_eq!(
            schemas.keys().collect::<Vec<_>>(),
            [
                "ExpressionFuncAccountAlertInt64",
                "AgreementAdjustment",
                "Fine"
            ]
        );
        assert_eq!(
            schemas["AgreementAdjustment"]["properties"]["x"]["$ref"],
            "#/components/schemas/ExpressionFuncAccountAlertInt64"
        );
        assert_eq!(
            doc["paths"]["/a"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
                ["$ref"],
            "#/components/schemas/ExpressionFuncAccountAlertInt64"
        );
    }

    #[test]
    fn collisions_and_stale_entries_are_errors() {
        let mut doc = json!({"components": {"schemas": {"A.B": {}, "AB": {}}}});
        assert!(apply(&mut doc, &BTreeMap::new()).is_err());
        let mut doc = json!({"components": {"schemas": {"A.B": {}, "AB": {}}}});
        let fix = BTreeMap::from([("A.B".to_owned(), "AbDotted".to_owned())]);
        assert_eq!(apply(&mut doc, &fix).unwrap(), vec!["`A.B` → `AbDotted`"]);
        let stale = BTreeMap::from([("Gone".to_owned(), "X".to_owned())]);
        let mut doc = json!({"components": {"schemas": {"A": {}}}});
        assert!(apply(&mut doc, &stale).is_err());
    }
}
