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
