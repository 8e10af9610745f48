//! Correction data that no longer applies to a document.
//!
//! The entries in `specs/corrections/<vendor>.toml` were written against the reviewed document. A user who
//! builds from another version (see [`crate::locate`]) may have one where a schema was renamed, a header is no
//! longer declared, or a path is gone. For such an unreviewed document, each entry is checked against it before
//! the passes run: entries that match nothing are reported by name, and the rename entries — which the passes
//! treat as errors when they match nothing, to keep the reviewed data exact — are left out instead of failing the
//! build. So are `additions` whose template the document lacks or whose model it already has (a newer document
//! that documents the entity itself).

use std::collections::BTreeSet;

use serde_json::Value;

use crate::vendor::Corrections;

/// The corrections that apply to a document, and a line per entry that does not.
#[derive(Debug, Clone)]
pub struct Applicable {
    /// The corrections without the entries that match nothing.
    pub corrections: Corrections,
    /// One line per entry that matches nothing, naming the file key and the entry.
    pub notes: Vec<String>,
}

/// Checks every entry of `corrections` against `doc` (an OpenAPI 3.0 document, before correction).
pub fn applicable(doc: &Value, corrections: &Corrections) -> Applicable {
    let mut corrections = corrections.clone();
    let mut notes = Vec::new();
    let parameters = parameter_names(doc);
    for header in &corrections.credential_headers {
        if !parameters.contains(&("header", header.as_str())) {
            notes.push(format!(
                "credential_headers: no operation declares the header `{header}`"
            ));
        }
    }
    for name in corrections.query_param_types.keys() {
        if !parameters.contains(&("query", name.as_str())) {
            notes.push(format!(
                "query_param_types: no operation has the query parameter `{name}`"
            ));
        }
    }
    let post_paths: Vec<&str> = doc
        .get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .filter(|(_, item)| item.get("post").is_some())
        .map(|(path, _)| path.as_str())
        .collect();
    for suffix in &corrections.retry_safe_path_suffixes {
        if !post_paths.iter().any(|p| p.ends_with(suffix.as_str())) {
            notes.push(format!(
                "retry_safe_path_suffixes: no POST path ends with `{suffix}`"
            ));
        }
    }
    corrections.enveloped_operations.retain(|entry| {
        let found = entry.split_once(' ').is_some_and(|(method, path)| {
            doc.pointer(&format!(
                "/paths/{}/{}",
                path.replace('~', "~0").replace('/', "~1"),
                method.to_ascii_lowercase()
            ))
            .is_some()
        });
        if !found {
            notes.push(format!(
                "enveloped_operations: no operation `{entry}` (its envelope is skipped)"
            ));
        }
        found
    });
    let schemas = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object);
    corrections.schema_renames.retain(|name, target| {
        let found = schemas.is_some_and(|s| s.contains_key(name));
        if !found {
            notes.push(format!(
                "schema_renames: no schema `{name}` (its rename to `{target}` is skipped)"
            ));
        }
        found
    });
    corrections.property_renames.retain(|schema, renames| {
        let Some(found) = schemas.and_then(|s| s.get(schema)) else {
            notes.push(format!(
                "property_renames: no schema `{schema}` (its {} rename(s) are skipped)",
                renames.len()
            ));
            return false;
        };
        let declared = property_names(found);
        renames.retain(|property, target| {
            let found = declared.contains(property.as_str());
            if !found {
                notes.push(format!(
                    "property_renames: schema `{schema}` has no property `{property}` (its rename to \
                     `{target}` is skipped)"
                ));
            }
            found
        });
        !renames.is_empty()
    });
    let tags: BTreeSet<&str> = doc
        .get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flat_map(|m| m.values())
        .filter_map(Value::as_object)
        .flat_map(|item| item.values())
        .filter_map(|op| op.pointer("/tags/0").and_then(Value::as_str))
        .collect();
    corrections.additions.retain(|addition| {
        let has_schema = |name: &str| schemas.is_some_and(|s| s.contains_key(name));
        let problem = if has_schema(&addition.model) {
            Some(format!("the document already has `{}`", addition.model))
        } else if !has_schema(&addition.like_model)
            || !(tags.contains(addition.like.as_str())
                || tags.contains(format!("{}Child", addition.like).as_str()))
        {
            Some(format!(
                "the template `{}` is not in the document",
                addition.like
            ))
        } else {
            None
        };
        if let Some(problem) = &problem {
            notes.push(format!(
                "additions: `{}` is skipped ({problem})",
                addition.entity
            ));
        }
        problem.is_none()
    });
    Applicable { corrections, notes }
}

/// `(location, name)` of every parameter declared anywhere in the document.
fn parameter_names(doc: &Value) -> BTreeSet<(&str, &str)> {
    fn add<'a>(
        out: &mut BTreeSet<(&'a str, &'a str)>,
        params: impl IntoIterator<Item = &'a Value>,
    ) {
        for p in params {
            if let (Some(location), Some(name)) = (
                p.get("in").and_then(Value::as_str),
                p.get("name").and_then(Value::as_str),
            ) {
                out.insert((location, name));
            }
        }
    }
    let mut out = BTreeSet::new();
    for item in doc
        .get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flat_map(|m| m.values())
    {
        if let Some(params) = item.get("parameters").and_then(Value::as_array) {
            add(&mut out, params);
        }
        for op in item.as_object().into_iter().flat_map(|m| m.values()) {
            if let Some(params) = op.get("parameters").and_then(Value::as_array) {
                add(&mut out, params);
            }
        }
    }
    if let Some(components) = doc
        .pointer("/components/parameters")
        .and_then(Value::as_object)
    {
        add(&mut out, components.values());
    }
    out
}

/// Property names of a schema, including those of inline `allOf` members (the property-collisions pass merges
/// them before it renames).
fn property_names(schema: &Value) -> BTreeSet<&str> {
    let mut out: BTreeSet<&str> = schema
        .get("properties")
        .and_then(Value::as_object)
        .into_iter()
        .flat_map(|m| m.keys().map(String::as_str))
        .collect();
    for member in schema
        .get("allOf")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        out.extend(
            member
                .get("properties")
                .and_then(Value::as_object)
                .into_iter()
                .flat_map(|m| m.keys().map(String::as_str)),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn entries_matching_nothing_are_named_and_renames_skipped() {
        let doc = json!({
            "openapi": "3.0.1",
            "paths": {
                "/tickets/query": {"post": {"parameters": [{"in": "header", "name": "UserName"}]}},
                "/tickets": {"get": {"parameters": [{"in": "query", "name": "conditions"}]}}
            },
            "components": {"schemas": {
                "Ticket": {"properties": {"id": {}}},
                "Link": {"allOf": [{"properties": {"server": {}}}]}
            }}
        });
        let corrections = Corrections::parse(
            r#"
            credential_headers = ["UserName", "Secret"]
            retry_safe_path_suffixes = ["/query", "/search"]
            [query_param_types]
            conditions = "C"
            orderBy = "O"
            [schema_renames]
            Ticket = "Tkt"
            "Old.Name" = "OldName"
            [property_renames.Link]
            server = "server_name"
            [property_renames.Ticket]
            gone = "x"
            [property_renames.Vanished]
            a = "b"
            "#,
        )
        .unwrap();
        let result = applicable(&doc, &corrections);
        let notes = result.notes.join("\n");
        for expected in [
            "header `Secret`",
            "query parameter `orderBy`",
            "ends with `/search`",
            "no schema `Old.Name`",
            "schema `Ticket` has no property `gone`",
            "no schema `Vanished`",
        ] {
            assert!(
                notes.contains(expected),
                "{expected} missing from:\n{notes}"
            );
        }
        assert_eq!(result.notes.len(), 6, "{notes}");
        for applies in ["`UserName`", "`conditions`", "`/query`", "Link"] {
            assert!(!notes.contains(applies), "{applies} applies:\n{notes}");
        }
        let kept = &result.corrections;
        assert_eq!(kept.schema_renames.keys().collect::<Vec<_>>(), ["Ticket"]);
        assert_eq!(kept.property_renames.keys().collect::<Vec<_>>(), ["Link"]);
        // What is only reported stays as it was (the passes do nothing with it).
        assert_eq!(kept.credential_headers, corrections.credential_headers);
    }

    /// An unreviewed document that documents an added entity itself, or lacks its template, skips the
    /// addition instead of failing the build.
    #[test]
    fn additions_the_document_no_longer_needs_are_skipped() {
        let doc = json!({
            "openapi": "3.0.1",
            "paths": {"/V1.0/CompanyWebhooks": {"post": {"tags": ["CompanyWebhooks"]}}},
            "components": {"schemas": {"CompanyWebhookModel": {}, "TicketWebhookModel": {}}}
        });
        let addition = |entity: &str, like: &str, model: &str| {
            format!(
                "[[additions]]\nentity = \"{entity}\"\nlike = \"{like}\"\nmodel = \"{model}\"\n\
                 like_model = \"CompanyWebhookModel\"\nsource = \"s\"\nfields = []\n"
            )
        };
        let text = [
            addition("TicketWebhooks", "CompanyWebhooks", "TicketWebhookModel"),
            addition("Documents", "NoSuchEntity", "DocumentModel"),
            addition(
                "ContactWebhooks2",
                "CompanyWebhooks",
                "ContactWebhook2Model",
            ),
        ]
        .concat();
        let result = applicable(&doc, &Corrections::parse(&text).unwrap());
        assert_eq!(
            result.notes,
            [
                "additions: `TicketWebhooks` is skipped (the document already has `TicketWebhookModel`)",
                "additions: `Documents` is skipped (the template `NoSuchEntity` is not in the document)",
            ]
        );
        let kept: Vec<&str> = result
            .corrections
            .additions
            .iter()
            .map(|a| a.entity.as_str())
            .collect();
        assert_eq!(kept, ["ContactWebhooks2"]);
    }
}
