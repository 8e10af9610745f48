//! `property-collisions`: no schema may list one wire property twice.
//!
//! Reality encoded: the ConnectWise document declares `LdapConfigurationTestLink` as
//! `allOf: [{properties: {server: string}}, {required: [Server], properties: {Server: {}}}]` — an artefact of the
//! vendor's type tooling where the second member only marks `server` as required. Both would become the Rust
//! field `server`. Inline `allOf` members are merged into one object; a property that differs from another only
//! by case and has an empty schema is a marker and folds into its twin. Any other collision needs an explicit
//! `property_renames` entry, and is an error until it has one.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::CorrectError;

const PASS: &str = "property-collisions";

pub(super) fn apply(
    doc: &mut Value,
    renames: &BTreeMap<String, BTreeMap<String, String>>,
) -> Result<Vec<String>, CorrectError> {
    let mut changes = Vec::new();
    let Some(schemas) = doc
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    else {
        return Ok(changes);
    };
    for (name, schema) in schemas.iter_mut() {
        let Some(obj) = schema.as_object_mut() else {
            continue;
        };
        if merge_inline_all_of(obj) {
            changes.push(format!(
                "{name}: inline allOf members merged into one object"
            ));
        }
        if let Some(map) = renames.get(name) {
            rename_properties(name, obj, map, &mut changes)?;
        }
        fold_case_twins(name, obj, &mut changes)?;
    }
    Ok(changes)
}

/// Merges `allOf` into the schema itself when every member is an inline object (no `$ref`): the result is the
/// same set of constraints, and the generator sees one struct instead of a composition.
fn merge_inline_all_of(obj: &mut Map<String, Value>) -> bool {
    let Some(Value::Array(members)) = obj.get("allOf") else {
        return false;
    };
    let mergeable = members.iter().all(|m| {
        m.as_object().is_some_and(|m| {
            !m.contains_key("$ref")
                && m.get("type")
                    .and_then(Value::as_str)
                    .is_none_or(|t| t == "object")
        })
    });
    if !mergeable {
        return false;
    }
    let Some(Value::Array(members)) = obj.remove("allOf") else {
        return false;
    };
    obj.insert("type".into(), Value::String("object".into()));
    for member in members {
        let Value::Object(member) = member else {
            continue;
        };
        for (key, value) in member {
            match (key.as_str(), value) {
                ("properties", Value::Object(props)) => {
                    let target = obj
                        .entry("properties")
                        .or_insert_with(|| Value::Object(Map::new()));
                    if let Some(target) = target.as_object_mut() {
                        for (p, s) in props {
                            target.entry(p).or_insert(s);
                        }
                    }
                }
                ("required", Value::Array(req)) => {
                    let target = obj
                        .entry("required")
                        .or_insert_with(|| Value::Array(Vec::new()));
                    if let Some(target) = target.as_array_mut() {
                        for r in req {
                            if !target.contains(&r) {
                                target.push(r);
                            }
                        }
                    }
                }
                ("type", _) => {}
                (_, value) => {
                    obj.entry(key).or_insert(value);
                }
            }
        }
    }
    true
}

fn rename_properties(
    schema: &str,
    obj: &mut Map<String, Value>,
    map: &BTreeMap<String, String>,
    changes: &mut Vec<String>,
) -> Result<(), CorrectError> {
    let Some(props) = obj.get_mut("properties").and_then(Value::as_object_mut) else {
        return Err(CorrectError::Unfixable {
            pass: PASS,
            location: schema.into(),
            problem: "property_renames given but the schema has no properties".into(),
        });
    };
    for (from, to) in map {
        let Some(value) = props.remove(from) else {
            return Err(CorrectError::Unfixable {
                pass: PASS,
                location: format!("{schema}.{from}"),
                problem: "no such property (stale correction?)".into(),
            });
        };
        props.insert(to.clone(), value);
        changes.push(format!("{schema}.{from} renamed `{to}`"));
    }
    if let Some(Value::Array(req)) = obj.get_mut("required") {
        for r in req.iter_mut() {
            if let Some(to) = r.as_str().and_then(|s| map.get(s)) {
                *r = Value::String(to.clone());
            }
        }
    }
    Ok(())
}

fn normalized(name: &str) -> String {
    name.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

fn fold_case_twins(
    schema: &str,
    obj: &mut Map<String, Value>,
    changes: &mut Vec<String>,
) -> Result<(), CorrectError> {
    let Some(props) = obj.get("properties").and_then(Value::as_object) else {
        return Ok(());
    };
    let mut seen: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for key in props.keys() {
        seen.entry(normalized(key)).or_default().push(key.clone());
    }
    let mut folds = Vec::new();
    for twins in seen.into_values().filter(|t| t.len() > 1) {
        let empty: Vec<&String> = twins
            .iter()
            .filter(|k| {
                props
                    .get(k.as_str())
                    .is_some_and(|v| v.as_object().is_some_and(Map::is_empty))
            })
            .collect();
        let real: Vec<&String> = twins.iter().filter(|k| !empty.contains(k)).collect();
        match (real.as_slice(), empty.as_slice()) {
            ([keep], markers) if !markers.is_empty() => {
                for m in markers {
                    folds.push(((*m).clone(), (*keep).clone()));
                }
            }
            _ => {
                return Err(CorrectError::Unfixable {
                    pass: PASS,
                    location: schema.into(),
                    problem: format!(
                        "properties {twins:?} collide; add a `property_renames` entry"
                    ),
                })
            }
        }
    }
    for (marker, keep) in folds {
        if let Some(props) = obj.get_mut("properties").and_then(Value::as_object_mut) {
            props.remove(&marker);
        }
        if let Some(Value::Array(req)) = obj.get_mut("required") {
            for r in req.iter_mut() {
                if r.as_str() == Some(marker.as_str()) {
                    *r = Value::String(keep.clone());
                }
            }
            req.dedup();
        }
        changes.push(format!(
            "{schema}: empty `{marker}` folded into `{keep}` (its required flag kept)"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn connectwise_ldap_server_twins_fold() {
        let mut doc = json!({"components": {"schemas": {"LdapConfigurationTestLink": {"allOf": [
            {"type": "object", "properties": {"server": {"type": "string"}}},
            {"type": "object", "required": ["Server"], "properties": {"Server": {}}}]}}}});
        let changes = apply(&mut doc, &BTreeMap::new()).unwrap();
        assert_eq!(changes.len(), 2, "{changes:#?}");
        assert_eq!(
            doc["components"]["schemas"]["LdapConfigurationTestLink"],
            json!({"type": "object", "properties": {"server": {"type": "string"}}, "required": ["server"]})
        );
    }

    #[test]
    fn real_collisions_need_an_explicit_rename() {
        let doc = || {
            json!({"components": {"schemas": {"A": {"type": "object", "properties": {
            "name": {"type": "string"}, "Name": {"type": "integer"}}}}}})
        };
        assert!(apply(&mut doc(), &BTreeMap::new()).is_err());
        let fix = BTreeMap::from([(
            "A".to_owned(),
            BTreeMap::from([("Name".to_owned(), "nameId".to_owned())]),
        )]);
        let mut d = doc();
        apply(&mut d, &fix).unwrap();
        assert!(d["components"]["schemas"]["A"]["properties"]["nameId"].is_object());
    }
}
