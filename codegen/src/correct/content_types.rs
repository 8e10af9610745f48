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
//! - A multipart body may name its schema by `$ref` instead of inline: ConnectWise `POST /system/documents`
//!   (the upload behind "attach a file to a ticket") is `{"$ref": "DocumentFormData"}` with a binary `file`
//!   and the text fields `recordType`, `recordId`, `title`, `url`, `privateFlag`, `readOnlyFlay` (sic),
//!   `isAvatar`. Looked at inline only, it read as a string-only form and became a urlencoded body with
//!   `file: Option<String>`. The referenced schema is resolved: its binary property becomes the file part of
//!   an inline body, and the schema keeps only the other fields, named by `x-psa-form-fields`, so the
//!   emitted method takes a file part and that typed model. A schema used anywhere else is left as declared
//!   (and reported), since taking its file property out would change that use too.

use serde_json::{Map, Value};

use std::collections::{BTreeMap, BTreeSet};

use serde_json::json;

use super::walk::{for_each_operation, ref_target, schema_ref, MapPointer};

/// Marker the generator reads to emit a multipart method for an operation.
pub const MULTIPART_MARKER: &str = "x-psa-multipart";

/// On an inline multipart body schema: `{"$ref": …}` to the model of the form's text fields.
pub const FORM_FIELDS: &str = "x-psa-form-fields";

pub(super) fn apply(doc: &mut Value) -> Vec<String> {
    let mut changes = Vec::new();
    let forms = binary_form_schemas(doc);
    let mut split = BTreeSet::new();
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
            match fix_multipart(form, &forms) {
                Some(FormKind::Plain) => {
                    changes.push(format!("{label}: string-only multipart form sent as application/x-www-form-urlencoded"));
                }
                Some(FormKind::Binary) => {
                    op.insert(MULTIPART_MARKER.into(), Value::Bool(true));
                    changes.push(format!(
                        "{label}: multipart upload; method emitted by psa-codegen"
                    ));
                }
                Some(FormKind::BinaryRef { schema, fields }) => {
                    op.insert(MULTIPART_MARKER.into(), Value::Bool(true));
                    changes.push(format!(
                        "{label}: multipart upload behind `$ref` {schema} (file part and {fields} text fields); method emitted by psa-codegen"
                    ));
                    split.insert(schema);
                }
                Some(FormKind::SharedRef { schema }) => {
                    changes.push(format!(
                        "{label}: multipart upload behind `$ref` {schema}, which other operations or schemas also use; left as declared"
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
    // The forms' file parts are now inline; what the schemas keep is the model of the text fields.
    if let Some(schemas) = doc
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    {
        for name in &split {
            if let Some(props) = schemas
                .get_mut(name)
                .and_then(|s| s.get_mut("properties"))
                .and_then(Value::as_object_mut)
            {
                props.retain(|_, p| !is_binary(p));
            }
        }
    }
    changes
}

fn is_binary(schema: &Value) -> bool {
    schema.get("format").and_then(Value::as_str) == Some("binary")
}

/// A component schema with binary properties, and how many times the document refers to it.
struct BinaryForm {
    /// The binary properties (name, schema).
    files: Vec<(String, Value)>,
    /// Properties that are not binary.
    other_fields: usize,
    /// `$ref`s to it anywhere in the document.
    uses: usize,
}

/// Component schemas that have a binary property: the candidates for a multipart body behind a `$ref`.
fn binary_form_schemas(doc: &Value) -> BTreeMap<String, BinaryForm> {
    let mut forms = BTreeMap::new();
    let Some(schemas) = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
    else {
        return forms;
    };
    for (name, schema) in schemas {
        let Some(props) = schema.get("properties").and_then(Value::as_object) else {
            continue;
        };
        let files: Vec<(String, Value)> = props
            .iter()
            .filter(|(_, p)| is_binary(p))
            .map(|(k, p)| (k.clone(), p.clone()))
            .collect();
        if !files.is_empty() {
            let other_fields = props.len() - files.len();
            forms.insert(
                name.clone(),
                BinaryForm {
                    files,
                    other_fields,
                    uses: 0,
                },
            );
        }
    }
    count_refs(doc, &mut forms);
    forms
}

fn count_refs(value: &Value, forms: &mut BTreeMap<String, BinaryForm>) {
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                if key == "$ref" {
                    if let Some(form) = v
                        .as_str()
                        .and_then(ref_target)
                        .and_then(|n| forms.get_mut(&n))
                    {
                        form.uses += 1;
                    }
                } else {
                    count_refs(v, forms);
                }
            }
        }
        Value::Array(list) => list.iter().for_each(|v| count_refs(v, forms)),
        _ => {}
    }
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
    /// Behind a `$ref`, now inline: the file part, and the schema's other fields.
    BinaryRef {
        schema: String,
        fields: usize,
    },
    /// Behind a `$ref` that something else uses too; left alone.
    SharedRef {
        schema: String,
    },
}

fn fix_multipart(
    content: &mut Map<String, Value>,
    forms: &BTreeMap<String, BinaryForm>,
) -> Option<FormKind> {
    let media = content.get_mut("multipart/form-data")?;
    let referenced = media
        .pointer("/schema/$ref")
        .and_then(Value::as_str)
        .and_then(ref_target);
    if let Some((schema, form)) = referenced.and_then(|n| forms.get_key_value(&n)) {
        if form.uses != 1 {
            return Some(FormKind::SharedRef {
                schema: schema.clone(),
            });
        }
        let files: Map<String, Value> = form.files.iter().cloned().collect();
        let mut inline = json!({"type": "object", "properties": files});
        if form.other_fields > 0 {
            inline[FORM_FIELDS] = json!({"$ref": schema_ref(schema)});
        }
        if let Some(m) = media.as_object_mut() {
            m.insert("schema".into(), inline);
            m.remove("encoding");
        }
        return Some(FormKind::BinaryRef {
            schema: schema.clone(),
            fields: form.other_fields,
        });
    }
    let has_binary = media
        .pointer("/schema/properties")
        .and_then(Value::as_object)
        .is_some_and(|props| props.values().any(is_binary));
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

    /// The shape of ConnectWise's `POST /system/documents`: the form is a component schema.
    #[test]
    fn a_multipart_form_behind_a_ref_is_split_into_its_file_part_and_its_text_fields() {
        let mut doc = json!({
            "paths": {"/system/documents": {"post": {
                "requestBody": {"content": {"multipart/form-data": {
                    "schema": {"$ref": "#/components/schemas/DocumentFormData"}}}},
                "responses": {}
            }}},
            "components": {"schemas": {
                "DocumentFormData": {"type": "object", "properties": {
                    "file": {"type": "string", "format": "binary"},
                    "recordId": {"type": "integer", "format": "int32"},
                    "recordType": {"type": "string"}
                }},
                "Shared": {"type": "object", "properties": {"file": {"type": "string", "format": "binary"}}},
                "UsesShared": {"type": "object", "properties": {"s": {"$ref": "#/components/schemas/Shared"}}}
            }}
        });
        doc["paths"]["/other"] = json!({"post": {
            "requestBody": {"content": {"multipart/form-data": {"schema": {"$ref": "#/components/schemas/Shared"}}}},
            "responses": {}
        }});
        let changes = apply(&mut doc);
        assert_eq!(
            changes,
            vec![
                "POST /system/documents: multipart upload behind `$ref` DocumentFormData (file part and 2 text fields); method emitted by psa-codegen",
                "POST /other: multipart upload behind `$ref` Shared, which other operations or schemas also use; left as declared",
            ]
        );
        let op = &doc["paths"]["/system/documents"]["post"];
        assert_eq!(op[MULTIPART_MARKER], true);
        assert_eq!(
            op["requestBody"]["content"]["multipart/form-data"]["schema"],
            json!({"type": "object", "properties": {"file": {"type": "string", "format": "binary"}},
                   FORM_FIELDS: {"$ref": "#/components/schemas/DocumentFormData"}})
        );
        assert_eq!(
            doc["components"]["schemas"]["DocumentFormData"]["properties"],
            json!({"recordId": {"type": "integer", "format": "int32"}, "recordType": {"type": "string"}})
        );
        assert!(doc["paths"]["/other"]["post"]
            .get(MULTIPART_MARKER)
            .is_none());
        assert!(doc["components"]["schemas"]["Shared"]["properties"]["file"].is_object());
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
