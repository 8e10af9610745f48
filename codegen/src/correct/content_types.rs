//! `content-types`: one JSON media type per body and per response, forms declared as what they are.
//!
//! Realities encoded:
//! - BMS lists each request body under `application/json-patch+json`, `application/json`, `text/json` and
//!   `application/*+json`, and each response under `text/plain`, `application/json` and `text/json`, all with
//!   the same schema: the API speaks JSON. The generator takes one media type per body, so JSON wins.
//! - ConnectWise declares responses under `application/vnd.connectwise.com+json; version=…`. That is JSON; left
//!   as is, the generator would hand users an untyped byte stream.
//! - BMS declares `authenticate` and `refreshtoken` as `multipart/form-data` with only string fields; the API
//!   accepts them as a plain `application/x-www-form-urlencoded` form, which the generator can type.
//! - Multipart bodies with a binary part (BMS attachment uploads) stay multipart and are marked
//!   `x-psa-multipart` for the generator, which emits their methods itself.

use serde_json::{Map, Value};

use super::walk::{for_each_operation, MapPointer};

/// Marker the generator reads to emit a multipart method for an operation.
pub const MULTIPART_MARKER: &str = "x-psa-multipart";

pub(super) fn apply(doc: &mut Value) -> Vec<String> {
    let mut changes = Vec::new();
    for_each_operation(doc, |path, method, op| {
        let label = format!("{} {path}", method.to_uppercase());
        if let Some(content) = op
            .pointer_mut("/requestBody/content")
            .and_then(Value::as_object_mut)
        {
            if let Some(dropped) = keep_one_json(content) {
                changes.push(format!(
                    "{label}: request body: kept application/json, dropped {dropped}"
                ));
            }
        }
        if let Some(form) = op
            .pointer_mut("/requestBody/content")
            .and_then(Value::as_object_mut)
        {
            match fix_multipart(form) {
                Some(FormKind::Plain) => {
                    changes.push(format!("{label}: string-only multipart form sent as application/x-www-form-urlencoded"));
                }
                Some(FormKind::Binary) => {
                    op.insert(MULTIPART_MARKER.into(), Value::Bool(true));
                    changes.push(format!(
                        "{label}: multipart upload; method emitted by psa-codegen"
                    ));
                }
                None => {}
            }
        }
        if let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut) {
            for (status, response) in responses.iter_mut() {
                let Some(content) = response.get_mut("content").and_then(Value::as_object_mut)
                else {
                    continue;
                };
                if let Some(dropped) = keep_one_json(content) {
                    changes.push(format!(
                        "{label}: response {status}: kept application/json, dropped {dropped}"
                    ));
                }
            }
        }
    });
    changes
}

/// True for media types that carry JSON: `application/json`, `text/json`, any `…+json` (vendor types included).
pub fn is_json_media_type(media: &str) -> bool {
    let essence = media
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    essence == "application/json" || essence == "text/json" || essence.ends_with("+json")
}

/// If `content` lists any JSON media type, replaces the whole map with a single `application/json` entry whose
/// schema is taken from `application/json` if present, else the first JSON type. Returns what was dropped.
fn keep_one_json(content: &mut Map<String, Value>) -> Option<String> {
    let chosen = content.get("application/json").cloned().or_else(|| {
        content
            .iter()
            .find(|(k, _)| is_json_media_type(k))
            .map(|(_, v)| v.clone())
    })?;
    let dropped: Vec<String> = content
        .keys()
        .filter(|k| k.as_str() != "application/json")
        .cloned()
        .collect();
    if dropped.is_empty() {
        return None;
    }
    content.clear();
    content.insert("application/json".into(), chosen);
    Some(dropped.join(", "))
}

enum FormKind {
    Plain,
    Binary,
}

fn fix_multipart(content: &mut Map<String, Value>) -> Option<FormKind> {
    let media = content.get_mut("multipart/form-data")?;
    let has_binary = media
        .pointer("/schema/properties")
        .and_then(Value::as_object)
        .is_some_and(|props| {
            props
                .values()
                .any(|p| p.get("format").and_then(Value::as_str) == Some("binary"))
        });
    if has_binary {
        return Some(FormKind::Binary);
    }
    let mut media = content.remove("multipart/form-data")?;
    if let Some(m) = media.as_object_mut() {
        // `encoding` only restates the default form style; the generator rejects any encoding it cannot honour.
        m.remove("encoding");
    }
    content.insert("application/x-www-form-urlencoded".into(), media);
    Some(FormKind::Plain)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn json_family_collapses_to_application_json() {
        let schema = json!({"$ref": "#/components/schemas/A"});
        let mut doc = json!({"paths": {"/a": {"post": {
            "requestBody": {"content": {
                "application/json-patch+json": {"schema": schema}, "application/json": {"schema": schema},
                "text/json": {"schema": schema}, "application/*+json": {"schema": schema}}},
            "responses": {"200": {"description": "OK", "content": {
                "application/vnd.connectwise.com+json; version=2022.1": {"schema": schema}}}}
        }}}});
        let changes = apply(&mut doc);
        assert_eq!(changes.len(), 2, "{changes:#?}");
        let op = &doc["paths"]["/a"]["post"];
        assert_eq!(
            op["requestBody"]["content"],
            json!({"application/json": {"schema": schema}})
        );
        assert_eq!(
            op["responses"]["200"]["content"],
            json!({"application/json": {"schema": schema}})
        );
    }

    #[test]
    fn plain_multipart_becomes_urlencoded_and_binary_is_marked() {
        let mut doc = json!({"paths": {
            "/login": {"post": {"requestBody": {"content": {"multipart/form-data": {
                "schema": {"type": "object", "properties": {"UserName": {"type": "string"}}},
                "encoding": {"UserName": {"style": "form"}}}}}, "responses": {}}},
            "/upload": {"post": {"requestBody": {"content": {"multipart/form-data": {
                "schema": {"type": "object", "properties": {"File": {"type": "string", "format": "binary"}}}}}},
                "responses": {}}}
        }});
        apply(&mut doc);
        assert_eq!(
            doc["paths"]["/login"]["post"]["requestBody"]["content"],
            json!({"application/x-www-form-urlencoded": {"schema": {"type": "object", "properties": {"UserName": {"type": "string"}}}}})
        );
        assert_eq!(doc["paths"]["/upload"]["post"][MULTIPART_MARKER], true);
    }

    #[test]
    fn media_type_classification() {
        assert!(is_json_media_type(
            "application/vnd.connectwise.com+json; version=2025.1"
        ));
        assert!(is_json_media_type("text/json"));
        assert!(!is_json_media_type("text/plain"));
        assert!(!is_json_media_type("application/octet-stream"));
    }
}
