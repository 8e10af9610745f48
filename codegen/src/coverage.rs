//! Coverage: how much of a vendor document became typed Rust, read off the generated code.

use std::collections::BTreeMap;

use openapiv3::{OpenAPI, ReferenceOr, StatusCode};

use crate::render::Rendered;
use crate::Prepared;

/// Number of operations in a document.
pub fn operation_count(spec: &OpenAPI) -> usize {
    spec.paths
        .paths
        .values()
        .filter_map(ReferenceOr::as_item)
        .map(|i| i.iter().count())
        .sum()
}

/// Coverage of one document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Coverage {
    /// Operations in the document.
    pub operations: usize,
    /// Operations with a generated method.
    pub generated: usize,
    /// Operations declaring a JSON success response whose method returns a typed model.
    pub typed_responses: usize,
    /// Operations declaring a JSON (or vendor JSON) success response.
    pub json_responses: usize,
    /// `METHOD /path: reason` for each operation without a method, or with an untyped JSON response.
    pub skipped: Vec<String>,
}

impl Coverage {
    /// `coverage <file> operations=N generated=M typed_responses=T/J skipped=K`.
    pub fn line(&self, file: &str) -> String {
        format!(
            "coverage {file} operations={} generated={} typed_responses={}/{} skipped={}",
            self.operations,
            self.generated,
            self.typed_responses,
            self.json_responses,
            self.skipped.len()
        )
    }
}

/// Compares the corrected document with what was generated for it.
pub fn coverage(prepared: &Prepared, rendered: &Rendered) -> Coverage {
    // `METHOD /path` → response type, from the surface listing of the generated code.
    let surface = crate::surface::surface(rendered);
    let mut generated: BTreeMap<String, String> = BTreeMap::new();
    for line in surface.lines().take_while(|l| !l.is_empty()).skip(1) {
        let mut parts = line.splitn(3, ' ');
        let (Some(method), Some(path), Some(rest)) = (parts.next(), parts.next(), parts.next())
        else {
            continue;
        };
        let response = rest.rsplit(" -> ").next().unwrap_or_default().to_owned();
        generated.insert(format!("{method} {path}"), response);
    }
    let mut c = Coverage {
        operations: 0,
        generated: 0,
        typed_responses: 0,
        json_responses: 0,
        skipped: Vec::new(),
    };
    for (path, item) in &prepared.spec.paths.paths {
        let Some(item) = item.as_item() else { continue };
        for (method, op) in item.iter() {
            c.operations += 1;
            let key = format!("{} {path}", method.to_uppercase());
            let declares_json = op.responses.responses.iter().any(|(status, r)| {
                matches!(status, StatusCode::Code(200..=299) | StatusCode::Range(2))
                    && r.as_item().is_some_and(|r| {
                        r.content
                            .keys()
                            .any(|m| crate::correct::content_types::is_json_media_type(m))
                    })
            });
            if declares_json {
                c.json_responses += 1;
            }
            match generated.get(&key) {
                None => c.skipped.push(format!("{key}: no method generated")),
                Some(response) => {
                    c.generated += 1;
                    let typed = !matches!(response.as_str(), "ByteStream" | "()" | "Value");
                    if declares_json && typed {
                        c.typed_responses += 1;
                    } else if declares_json {
                        c.skipped
                            .push(format!("{key}: JSON response is untyped ({response})"));
                    }
                }
            }
        }
    }
    c
}
