//! `file-responses`: operations that answer a file's bytes are declared as such, so they return bytes.
//!
//! Realities encoded:
//! - BMS declares `GET /v2/system/attachments/{moduleId}/{objectId}/{attachmentId}/download` and
//!   `GET /v2/system/users/{userId}/profilepic/download` as answering the component schema `File`, an empty
//!   object with `additionalProperties: false` under `application/json`: Swashbuckle's rendering of an ASP.NET
//!   file result, whose body is the file itself. Generated as declared, the download was a JSON decode of an
//!   image or a PDF into an empty map, which fails or loses the file. Each response naming a listed schema
//!   (correction data `file_schemas`) becomes `application/octet-stream` bytes (`format: binary`), which the
//!   generator returns as a byte stream.
//! - The ConnectWise 2026.4 document declares `GET /company/contacts/{id}/image` and
//!   `GET /service/priorities/{id}/image` with no content at all, only the description
//!   `ContentType = application/octet-stream` (the full 2022.1 document declares the same operations with
//!   `application/octet-stream` binary content). A success response without content whose description is
//!   exactly `ContentType = <media type>` of a non-JSON type gets that content as bytes; without it the call
//!   returned `()` and dropped the image.

use serde_json::{json, Value};

use super::content_types::is_json_media_type;
use super::walk::{for_each_operation, ref_target};

/// What a description declares a content type with, in the documents that do that.
const DESCRIBED_CONTENT_TYPE: &str = "ContentType = ";

pub(super) fn apply(doc: &mut Value, file_schemas: &[String]) -> Vec<String> {
    let mut changes = Vec::new();
    for_each_operation(doc, |path, method, op| {
        let label = format!("{} {path}", method.to_uppercase());
        let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut) else {
            return;
        };
        for (status, response) in responses.iter_mut() {
            if !status.starts_with('2') {
                continue;
            }
            let Some(response) = response.as_object_mut() else {
                continue;
            };
            let named_file =
                response
                    .get("content")
                    .and_then(Value::as_object)
                    .and_then(|content| {
                        content.values().find_map(|media| {
                            media
                                .pointer("/schema/$ref")
                                .and_then(Value::as_str)
                                .and_then(ref_target)
                                .filter(|name| file_schemas.contains(name))
                        })
                    });
            if let Some(schema) = named_file {
                response.insert("content".into(), binary("application/octet-stream"));
                changes.push(format!(
                    "{label}: response {status} declared as `{schema}` is the file's bytes"
                ));
                continue;
            }
            if response.contains_key("content") {
                continue;
            }
            let described = response
                .get("description")
                .and_then(Value::as_str)
                .and_then(|d| d.strip_prefix(DESCRIBED_CONTENT_TYPE))
                .map(str::trim)
                .filter(|media| media.contains('/') && !is_json_media_type(media))
                .map(str::to_owned);
            if let Some(media) = described {
                response.insert("content".into(), binary(&media));
                changes.push(format!(
                    "{label}: response {status} described as `{media}` but declared without content is the file's bytes"
                ));
            }
        }
    });
    changes
}

/// A response `content` map: `media` holding bytes.
fn binary(media: &str) -> Value {
    json!({ media: {"schema": {"type": "string", "format": "binary"}} })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn responses_naming_a_file_schema_or_describing_a_binary_type_become_bytes() {
        let file = json!({"schema": {"$ref": "#/components/schemas/File"}});
        let mut doc = json!({"paths": {
            "/v2/system/attachments/{id}/download": {"get": {"responses": {
                "200": {"description": "OK", "content": {"application/json": file}}
            }}},
            "/company/contacts/{id}/image": {"get": {"responses": {
                "200": {"description": "ContentType = application/octet-stream"}
            }}},
            "/finance/invoices/{id}/pdf": {"get": {"responses": {
                "200": {"description": "ContentType = application/pdf",
                        "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}}}
            }}},
            "/service/tickets/{id}": {"get": {"responses": {
                "200": {"description": "ContentType = application/json"},
                "404": {"description": "x", "content": {"application/json": file}}
            }}}
        }});
        let changes = apply(&mut doc, &["File".to_owned()]);
        assert_eq!(
            changes,
            vec![
                "GET /v2/system/attachments/{id}/download: response 200 declared as `File` is the file's bytes",
                "GET /company/contacts/{id}/image: response 200 described as `application/octet-stream` but declared without content is the file's bytes",
            ]
        );
        let paths = &doc["paths"];
        assert_eq!(
            paths["/v2/system/attachments/{id}/download"]["get"]["responses"]["200"]["content"],
            binary("application/octet-stream")
        );
        assert_eq!(
            paths["/company/contacts/{id}/image"]["get"]["responses"]["200"]["content"],
            binary("application/octet-stream")
        );
        // A JSON type in the description, a declared content and an error response are left alone.
        assert!(paths["/service/tickets/{id}"]["get"]["responses"]["200"]
            .get("content")
            .is_none());
        assert_eq!(
            paths["/service/tickets/{id}"]["get"]["responses"]["404"]["content"]
                ["application/json"],
            file
        );
    }

    #[test]
    fn without_listed_schemas_only_described_types_change() {
        let mut doc = json!({"paths": {"/a": {"get": {"responses": {
            "200": {"description": "OK", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/File"}}}}
        }}}}});
        assert!(apply(&mut doc, &[]).is_empty());
    }
}
