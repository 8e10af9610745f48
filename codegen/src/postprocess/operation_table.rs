//! `operation-table`: the table the executor looks operations up in.
//!
//! progenitor passes only its snake-case method name (`OperationInfo::operation_id`) to the executor, while
//! limits, `tracing` spans and errors want the vendor's `operationId`, the HTTP method, the path template and
//! whether a POST is safe to retry. All of that comes from the corrected document; the generated file only
//! says which operations it calls. Each generated name must be a document operation under progenitor's naming
//! rule (`method_name`): a name the document lacks fails generation ([`UnmappedOperations`]), so a changed
//! rule is loud, and the tests on the real documents assert that the table holds every operation.

use std::collections::{BTreeMap, BTreeSet};

use heck::ToSnakeCase;
use openapiv3::OpenAPI;
use quote::quote;
use syn::parse_quote;
use syn::visit::Visit;

/// Why the pass failed: the generated code names an operation the document does not have under that name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("generated operation ids without a document operation (the snake-case rule differs from progenitor's): {0:?}")]
pub struct UnmappedOperations(pub Vec<String>);

/// What the table says, for the report.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TableCounts {
    /// Operations in the table.
    pub operations: usize,
    /// Of those, POSTs marked safe to retry by the `retry-safe` correction.
    pub retry_safe: usize,
}

/// Adds `OPERATIONS`, one row per operation the file calls, sorted by method name.
pub fn apply(file: &mut syn::File, spec: &OpenAPI) -> Result<TableCounts, UnmappedOperations> {
    let table = operation_table(file, spec)?;
    let counts = TableCounts {
        operations: table.len(),
        retry_safe: table.values().filter(|row| row.retry_safe).count(),
    };
    let rows = table.iter().map(|(id, row)| {
        let Row {
            spec_id,
            method,
            path,
            retry_safe,
        } = row;
        quote! {
            ::psa_clients_runtime::Operation {
                id: #id, spec_id: #spec_id, method: #method, path: #path, retry_safe: #retry_safe,
            },
        }
    });
    file.items.push(parse_quote! {
        /// Every operation of this client, sorted by method name, for the executor's lookups.
        pub static OPERATIONS: &[::psa_clients_runtime::Operation] = &[#(#rows)*];
    });
    Ok(counts)
}

/// progenitor's method name for an `operationId` (its `sanitize(_, Case::Snake)`).
pub(crate) fn method_name(operation_id: &str) -> String {
    let cleaned: String = operation_id
        .replace('\'', "")
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    let mut out = cleaned.to_snake_case();
    match out.chars().next() {
        None => out = "x".into(),
        Some(c) if c.is_alphabetic() || c == '_' => {}
        Some(_) => out = format!("_{out}"),
    }
    if syn::parse_str::<syn::Ident>(&out).is_err() || out == "gen" {
        out.push('_');
    }
    out
}

/// One row of the operation table.
#[derive(Debug, Clone)]
struct Row {
    spec_id: String,
    method: String,
    path: String,
    /// Marked by the `retry-safe` correction (a POST that only reads).
    retry_safe: bool,
}

type Table = BTreeMap<String, Row>;

/// Method name → row for every operation the file calls, checked against the file.
fn operation_table(file: &syn::File, spec: &OpenAPI) -> Result<Table, UnmappedOperations> {
    let mut by_name = Table::new();
    for (path, method, op) in spec.operations() {
        if let Some(id) = &op.operation_id {
            // A renamed operation keeps the vendor's id in the table (logs, errors, drift reports name it).
            let spec_id = op
                .extensions
                .get(crate::correct::VENDOR_OPERATION_ID_EXTENSION)
                .and_then(serde_json::Value::as_str)
                .unwrap_or(id)
                .to_owned();
            let retry_safe = op
                .extensions
                .get(crate::correct::RETRY_SAFE_EXTENSION)
                .and_then(serde_json::Value::as_bool)
                .unwrap_or(false);
            by_name.insert(
                method_name(id),
                Row {
                    spec_id,
                    method: method.to_uppercase(),
                    path: path.to_owned(),
                    retry_safe,
                },
            );
        }
    }
    let mut used = OperationInfoIds::default();
    used.visit_file(file);
    let missing: Vec<String> = used
        .0
        .iter()
        .filter(|id| !by_name.contains_key(*id))
        .cloned()
        .collect();
    if !missing.is_empty() {
        return Err(UnmappedOperations(missing));
    }
    by_name.retain(|name, _| used.0.contains(name));
    Ok(by_name)
}

/// Collects the string literals of `OperationInfo { operation_id: "…" }`.
#[derive(Default)]
struct OperationInfoIds(BTreeSet<String>);

impl<'ast> Visit<'ast> for OperationInfoIds {
    fn visit_expr_struct(&mut self, node: &'ast syn::ExprStruct) {
        if node.path.is_ident("OperationInfo") {
            for field in &node.fields {
                if let syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(s),
                    ..
                }) = &field.expr
                {
                    self.0.insert(s.value());
                }
            }
        }
        syn::visit::visit_expr_struct(self, node);
    }

    fn visit_macro(&mut self, node: &'ast syn::Macro) {
        // Hand-emitted code (multipart uploads) is plain Rust; macros hold no OperationInfo.
        syn::visit::visit_macro(self, node);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn method_names_follow_progenitor() {
        assert_eq!(
            method_name("GetK1TicketStatusesLookup"),
            "get_k1_ticket_statuses_lookup"
        );
        assert_eq!(method_name("getServiceTickets"), "get_service_tickets");
        assert_eq!(method_name("Companies_QueryItem"), "companies_query_item");
        assert_eq!(method_name("type"), "type_");
        assert_eq!(method_name("1st"), "_1st");
    }

    fn spec() -> OpenAPI {
        serde_json::from_value(serde_json::json!({
            "openapi": "3.0.0", "info": {"title": "t", "version": "1"},
            "paths": {
                "/service/tickets": {"get": {"operationId": "getServiceTickets", "responses": {}}},
                "/Tickets/query": {"post": {"operationId": "Tickets_Query", "responses": {}, "x-psa-retry-safe": true}}
            }
        }))
        .unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn the_table_is_built_from_the_document() {
        let mut file: syn::File = parse_quote! {
            fn send() { let info = OperationInfo { operation_id: "get_service_tickets" }; }
            fn send() { let info = OperationInfo { operation_id: "tickets_query" }; }
        };
        let counts = apply(&mut file, &spec()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            counts,
            TableCounts {
                operations: 2,
                retry_safe: 1
            }
        );
        let text = quote!(#file).to_string();
        assert!(
            text.contains(
                "spec_id : \"getServiceTickets\" , method : \"GET\" , path : \"/service/tickets\" , retry_safe : false"
            ),
            "{text}"
        );
        // The `retry-safe` correction's mark reaches the table.
        assert!(
            text.contains("spec_id : \"Tickets_Query\" , method : \"POST\" , path : \"/Tickets/query\" , retry_safe : true"),
            "{text}"
        );
    }

    #[test]
    fn unknown_operation_names_fail() {
        let mut file: syn::File = parse_quote! {
            fn send() { let info = OperationInfo { operation_id: "nope" }; }
        };
        assert_eq!(
            apply(&mut file, &spec()),
            Err(UnmappedOperations(vec!["nope".into()]))
        );
    }
}
