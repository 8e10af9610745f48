//! `error-type`: generated calls return `psa_clients_runtime::Error`, the crate's one error type.
//!
//! progenitor's methods return `progenitor_client::Error<()>`, which cannot carry what the pipeline knows
//! (the vendor's operationId, a typed 401/403/404/429, the vendor's body, the JSON path of a field that does
//! not decode) and drops a response's extensions for statuses the document declares without a body. So the
//! generated file's `Error` is made the run-time crate's error:
//!
//! - `pub use progenitor_client::{…, Error, …}` re-exports `::psa_clients_runtime::Error` instead;
//! - the type `Error<()>` becomes `Error`;
//! - `Error::InvalidRequest` (progenitor's tuple variant, used as `map_err(Error::InvalidRequest)` for
//!   parameters that failed to convert) becomes the constructor `Error::invalid_request`.
//!
//! `reqwest`'s builder errors (`.build()?`) convert through `From<reqwest::Error>`. Every send tail is then
//! [`super::shared_send`]'s call, which returns the same type. Counts are reported so a test on the real
//! documents notices when progenitor's output changes shape.

use syn::visit_mut::{self, VisitMut};
use syn::{parse_quote, Expr, ExprPath, Item, Path, PathArguments, Type, UseTree};

/// What the pass rewrote in one file.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ErrorTypeReport {
    /// `Error` re-exports switched to the run-time error.
    pub imports: usize,
    /// `Error<()>` types rewritten.
    pub types: usize,
    /// `Error::InvalidRequest` paths rewritten.
    pub constructors: usize,
}

/// Applies the pass to a generated client file.
pub fn apply(file: &mut syn::File) -> ErrorTypeReport {
    let mut pass = Pass::default();
    let mut extra = Vec::new();
    for item in &mut file.items {
        if let Item::Use(use_item) = item {
            if matches!(use_item.vis, syn::Visibility::Public(_))
                && drop_progenitor_error(&mut use_item.tree)
            {
                pass.report.imports += 1;
                extra.push(parse_quote! {
                    /// The error every call returns: `psa_clients::Error`.
                    #[allow(unused_imports)]
                    pub use ::psa_clients_runtime::Error;
                });
            }
        }
    }
    file.items.splice(0..0, extra);
    pass.visit_file_mut(file);
    pass.report
}

/// Removes `Error` from `progenitor_client::{…}`; true when it was there.
fn drop_progenitor_error(tree: &mut UseTree) -> bool {
    let UseTree::Path(path) = tree else {
        return false;
    };
    if path.ident != "progenitor_client" {
        return false;
    }
    let UseTree::Group(group) = path.tree.as_mut() else {
        return false;
    };
    let before = group.items.len();
    group.items = group
        .items
        .iter()
        .filter(|t| !matches!(t, UseTree::Name(n) if n.ident == "Error"))
        .cloned()
        .collect();
    group.items.len() != before
}

#[derive(Default)]
struct Pass {
    report: ErrorTypeReport,
}

/// `Error<()>`.
fn is_unit_error(path: &Path) -> bool {
    let [segment] = path.segments.iter().collect::<Vec<_>>()[..] else {
        return false;
    };
    if segment.ident != "Error" || path.leading_colon.is_some() {
        return false;
    }
    let PathArguments::AngleBracketed(args) = &segment.arguments else {
        return false;
    };
    matches!(
        args.args.iter().collect::<Vec<_>>()[..],
        [syn::GenericArgument::Type(Type::Tuple(t))] if t.elems.is_empty()
    )
}

/// `Error::InvalidRequest`.
fn is_invalid_request(path: &Path) -> bool {
    let names: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
    path.leading_colon.is_none() && names == ["Error", "InvalidRequest"]
}

impl VisitMut for Pass {
    fn visit_type_mut(&mut self, ty: &mut Type) {
        if let Type::Path(p) = ty {
            if p.qself.is_none() && is_unit_error(&p.path) {
                *ty = parse_quote!(Error);
                self.report.types += 1;
                return;
            }
        }
        visit_mut::visit_type_mut(self, ty);
    }

    fn visit_expr_mut(&mut self, expr: &mut Expr) {
        if let Expr::Path(ExprPath {
            qself: None, path, ..
        }) = expr
        {
            if is_invalid_request(path) {
                *expr = parse_quote!(Error::invalid_request);
                self.report.constructors += 1;
                return;
            }
        }
        visit_mut::visit_expr_mut(self, expr);
    }
}

#[cfg(test)]
mod tests {
    use quote::quote;

    use super::*;

    #[test]
    fn generated_errors_become_the_runtime_error() {
        let mut file: syn::File = parse_quote! {
            pub use progenitor_client::{ByteStream, ClientInfo, Error, ResponseValue};
            use progenitor_client::{encode_path, ClientHooks};
            pub mod builder {
                use super::{Error, ResponseValue};
                impl<'a> GetX<'a> {
                    pub async fn send(self) -> Result<ResponseValue<types::X>, Error<()>> {
                        let id = self.id.map_err(Error::InvalidRequest)?;
                        let other: Error<String> = todo!();
                        serde::de::Error::unknown_field(k, FIELDS)
                    }
                }
            }
        };
        let report = apply(&mut file);
        assert_eq!(
            report,
            ErrorTypeReport {
                imports: 1,
                types: 1,
                constructors: 1
            }
        );
        let text = quote!(#file).to_string();
        assert!(
            text.contains("pub use :: psa_clients_runtime :: Error ;"),
            "{text}"
        );
        assert!(
            text.contains(
                "pub use progenitor_client :: { ByteStream , ClientInfo , ResponseValue } ;"
            ),
            "{text}"
        );
        assert!(
            text.contains("Result < ResponseValue < types :: X > , Error >"),
            "{text}"
        );
        assert!(
            text.contains("map_err (Error :: invalid_request)"),
            "{text}"
        );
        // Only the shapes progenitor writes for its own error are touched.
        assert!(text.contains("Error < String >"), "{text}");
        assert!(
            text.contains("serde :: de :: Error :: unknown_field"),
            "{text}"
        );
    }
}
