//! Validation before progenitor: find every construct the generator would panic on (`todo!`, `unwrap`,
//! `assert!`) or reject, and report it with the operation that carries it.
//!
//! A corrected document should pass; when a vendor ships a construct nobody has seen yet, the build fails with a
//! list that names each operation and construct instead of a panic backtrace from inside the generator.

use std::fmt;

use openapiv3::{OpenAPI, ReferenceOr};

use crate::correct::content_types::MULTIPART_MARKER;

/// One construct the generator cannot handle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// `METHOD /path (operationId)`, or the path for path-level problems.
    pub location: String,
    /// What is wrong.
    pub construct: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location, self.construct)
    }
}

/// Media types the generator can type a request body as.
const BODY_TYPES: &[&str] = &[
    "application/json",
    "application/x-www-form-urlencoded",
    "application/octet-stream",
    "text/plain",
    "text/x-markdown",
];

/// Every problem in `spec`, in document order (empty when the generator can take it).
pub fn validate(spec: &OpenAPI) -> Vec<Problem> {
    let mut problems = Vec::new();
    if !spec.openapi.trim().starts_with("3.0.") {
        problems.push(Problem {
            location: "document".into(),
            construct: format!("OpenAPI version {} (3.0.x expected)", spec.openapi),
        });
    }
    let mut ids = std::collections::BTreeSet::new();
    for (path, item) in &spec.paths.paths {
        let ReferenceOr::Item(item) = item else {
            problems.push(Problem {
                location: path.clone(),
                construct: "path item is a $ref".into(),
            });
            continue;
        };
        let placeholders: Vec<&str> = path
            .split('{')
            .skip(1)
            .filter_map(|s| s.split('}').next())
            .collect();
        for (method, op) in item.iter() {
            let id = op.operation_id.clone().unwrap_or_default();
            let location = format!("{} {path} ({id})", method.to_uppercase());
            let mut report = |construct: String| {
                problems.push(Problem {
                    location: location.clone(),
                    construct,
                })
            };
            if id.is_empty() {
                report("no operationId".into());
            } else if !ids.insert(id.clone()) {
                report("duplicate operationId".into());
            }
            let mut declared_path = Vec::new();
            for p in op.parameters.iter().chain(item.parameters.iter()) {
                match p {
                    ReferenceOr::Reference { reference }
                        if !reference.starts_with("#/components/parameters/") =>
                    {
                        report(format!(
                            "parameter reference {reference} outside components"
                        ));
                    }
                    ReferenceOr::Reference { .. } => {}
                    ReferenceOr::Item(p) => {
                        let data = p.parameter_data_ref();
                        match p {
                            openapiv3::Parameter::Path { .. } => {
                                declared_path.push(data.name.clone())
                            }
                            openapiv3::Parameter::Cookie { .. } => {
                                report(format!("cookie parameter `{}`", data.name))
                            }
                            _ => {}
                        }
                        if let openapiv3::ParameterSchemaOrContent::Content(_) = data.format {
                            report(format!(
                                "parameter `{}` uses `content` instead of `schema`",
                                data.name
                            ));
                        }
                    }
                }
            }
            for ph in &placeholders {
                if !declared_path.iter().any(|d| d == ph) {
                    report(format!("path placeholder `{{{ph}}}` has no parameter"));
                }
            }
            for d in &declared_path {
                if !placeholders.contains(&d.as_str()) {
                    report(format!("path parameter `{d}` is not in the template"));
                }
            }
            if let Some(ReferenceOr::Item(body)) = &op.request_body {
                let multipart = op
                    .extensions
                    .get(MULTIPART_MARKER)
                    .is_some_and(|v| v == &serde_json::Value::Bool(true));
                if body.content.len() > 1 {
                    report(format!(
                        "request body has {} media types ({})",
                        body.content.len(),
                        body.content.keys().cloned().collect::<Vec<_>>().join(", ")
                    ));
                }
                for (media, content) in &body.content {
                    let essence = media.split(';').next().unwrap_or_default();
                    if !(BODY_TYPES.contains(&essence)
                        || multipart && essence == "multipart/form-data")
                    {
                        report(format!("request body media type `{media}`"));
                    }
                    if content.schema.is_none() {
                        report(format!("request body `{media}` has no schema"));
                    }
                    if !content.encoding.is_empty() && !multipart {
                        report(format!("request body `{media}` declares an encoding"));
                    }
                }
            }
            for (status, response) in &op.responses.responses {
                let ReferenceOr::Item(response) = response else {
                    continue;
                };
                for (media, content) in &response.content {
                    let json =
                        media == "application/json" || media.starts_with("application/json;");
                    if json && content.schema.is_none() {
                        report(format!("response {status} `{media}` has no schema"));
                    }
                    if json && !content.encoding.is_empty() {
                        report(format!("response {status} `{media}` declares an encoding"));
                    }
                }
            }
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn spec(value: serde_json::Value) -> OpenAPI {
        serde_json::from_value(value).expect("test documents are valid OpenAPI")
    }

    #[test]
    fn constructs_progenitor_panics_on_are_named_with_their_operation() {
        let doc = spec(
            json!({"openapi": "3.0.1", "info": {"title": "t", "version": "1"}, "paths": {
                "/a/{id}": {"post": {"operationId": "A",
                    "requestBody": {"content": {"application/json": {"schema": {"type": "object"}}, "text/json": {"schema": {"type": "object"}}}},
                    "responses": {"200": {"description": "", "content": {"application/json": {}}}}}},
                "/b": {"get": {"operationId": "A", "parameters": [{"name": "x", "in": "path", "required": true, "schema": {"type": "string"}}],
                    "responses": {}}}
            }}),
        );
        let problems: Vec<String> = validate(&doc).iter().map(ToString::to_string).collect();
        assert_eq!(
            problems,
            [
                "POST /a/{id} (A): path placeholder `{id}` has no parameter",
                "POST /a/{id} (A): request body has 2 media types (application/json, text/json)",
                "POST /a/{id} (A): request body media type `text/json`",
                "POST /a/{id} (A): response 200 `application/json` has no schema",
                "GET /b (A): duplicate operationId",
                "GET /b (A): path parameter `x` is not in the template",
            ]
        );
    }

    #[test]
    fn a_corrected_document_passes() {
        let doc = spec(
            json!({"openapi": "3.0.1", "info": {"title": "t", "version": "1"}, "paths": {
            "/a/{id}": {"get": {"operationId": "A", "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}],
                "responses": {"200": {"description": "", "content": {"application/json": {"schema": {"type": "string"}}}}}}}}}),
        );
        assert!(validate(&doc).is_empty());
    }

    #[test]
    fn a_progenitor_panic_becomes_an_error_not_a_backtrace() {
        // An optional object-typed query parameter hits an `unreachable!()` inside progenitor 0.15.
        let doc = spec(
            json!({"openapi": "3.0.1", "info": {"title": "t", "version": "1"}, "paths": {
            "/a": {"get": {"operationId": "A", "parameters": [{"name": "q", "in": "query", "schema": {"$ref": "#/components/schemas/Q"}}],
                "responses": {"200": {"description": ""}}}}},
            "components": {"schemas": {"Q": {"type": "object", "properties": {"x": {"type": "string"}}}}}}),
        );
        match crate::generate::progenitor_tokens(&doc, crate::generate::Style::Builder) {
            Err(crate::generate::GenerateError::Panicked(message)) => {
                assert!(message.contains("method.rs"), "{message}")
            }
            other => panic!(
                "expected a caught panic, got {:?}",
                other.map(|t| t.to_string().len())
            ),
        }
    }
}
