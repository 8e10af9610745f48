//! `api-version-header`: requests do not carry progenitor's `api-version` header.
//!
//! progenitor starts the headers of every request with `api-version: <info.version>`, a convention of the
//! servers its authors generate from. None of the vendors reads it: BMS, ConnectWise and Autotask version their
//! APIs by path or media type, and sending the document's version (`2022.1`, `v1`) in an unrelated header only
//! invites a proxy or a future server to misread it. This pass removes the `header_map.append(…)` statement
//! that adds it. Where no other header is appended afterwards, the `mut` on `header_map` is dropped too, so the
//! generated code stays free of `unused_mut` warnings.

use proc_macro2::{TokenStream, TokenTree};
use quote::ToTokens;
use syn::visit_mut::{self, VisitMut};
use syn::{Block, Expr, Pat, Stmt};

/// The header progenitor adds to every request.
const HEADER: &str = "api-version";
/// The local variable progenitor builds request headers in.
const HEADER_MAP: &str = "header_map";

/// Removes the `api-version` header from every generated request; returns how many statements were removed.
pub fn apply(file: &mut syn::File) -> usize {
    let mut v = RemoveHeader { removed: 0 };
    v.visit_file_mut(file);
    v.removed
}

struct RemoveHeader {
    removed: usize,
}

impl VisitMut for RemoveHeader {
    fn visit_block_mut(&mut self, block: &mut Block) {
        let before = block.stmts.len();
        block.stmts.retain(|stmt| !appends_api_version(stmt));
        let removed = before - block.stmts.len();
        if removed > 0 {
            self.removed += removed;
            if !block.stmts.iter().any(mutates_header_map) {
                drop_mut_on_header_map(block);
            }
        }
        visit_mut::visit_block_mut(self, block);
    }
}

/// `header_map.append(HeaderName::from_static("api-version"), …);`
fn appends_api_version(stmt: &Stmt) -> bool {
    let Stmt::Expr(Expr::MethodCall(call), Some(_)) = stmt else {
        return false;
    };
    if call.method != "append" || !is_header_map(&call.receiver) {
        return false;
    }
    let Some(Expr::Call(name)) = call.args.first() else {
        return false;
    };
    let is_from_static = matches!(&*name.func, Expr::Path(p)
        if p.path.segments.last().is_some_and(|s| s.ident == "from_static"));
    let names_header = matches!(name.args.first(), Some(Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(s), .. }))
        if s.value() == HEADER);
    is_from_static && names_header
}

fn is_header_map(expr: &Expr) -> bool {
    matches!(expr, Expr::Path(p) if p.path.is_ident(HEADER_MAP))
}

/// Whether a statement (at any depth: optional headers are appended inside `if let`) changes `header_map`.
/// Any method call on it other than passing it on counts, which errs on the side of keeping `mut`.
fn mutates_header_map(stmt: &Stmt) -> bool {
    calls_method_on_header_map(stmt.to_token_stream())
}

/// Whether `header_map .` occurs in the stream, looking into groups one at a time (so that
/// `.headers(header_map).build()` does not read as `header_map.build()`).
fn calls_method_on_header_map(stream: TokenStream) -> bool {
    let trees: Vec<TokenTree> = stream.into_iter().collect();
    let method_call = trees.windows(2).any(|w| {
        matches!((&w[0], &w[1]), (TokenTree::Ident(i), TokenTree::Punct(p))
            if i == HEADER_MAP && p.as_char() == '.')
    });
    method_call
        || trees.into_iter().any(|t| match t {
            TokenTree::Group(g) => calls_method_on_header_map(g.stream()),
            _ => false,
        })
}

/// `let mut header_map = …;` → `let header_map = …;`
fn drop_mut_on_header_map(block: &mut Block) {
    for stmt in &mut block.stmts {
        let Stmt::Local(local) = stmt else { continue };
        if let Pat::Ident(ident) = &mut local.pat {
            if ident.ident == HEADER_MAP {
                ident.mutability = None;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use syn::parse_quote;

    #[test]
    fn api_version_is_removed_and_other_headers_kept() {
        let mut file: syn::File = parse_quote! {
            async fn send(self) -> Result<(), Error> {
                let mut header_map = ::reqwest::header::HeaderMap::with_capacity(2usize);
                header_map.append(
                    ::reqwest::header::HeaderName::from_static("api-version"),
                    ::reqwest::header::HeaderValue::from_static(super::Client::api_version()),
                );
                if let Some(value) = tenant {
                    header_map.append("tenant", value.to_string().try_into()?);
                }
                let request = client.client.get(url).headers(header_map).build()?;
                Ok(())
            }
        };
        assert_eq!(apply(&mut file), 1);
        let out = prettyplease::unparse(&file);
        assert!(!out.contains("api-version"), "{out}");
        assert!(out.contains("header_map.append(\"tenant\""), "{out}");
        assert!(out.contains("let mut header_map"), "{out}");
    }

    #[test]
    fn header_map_without_other_headers_is_no_longer_mut() {
        let mut file: syn::File = parse_quote! {
            async fn send(self) -> Result<(), Error> {
                let mut header_map = ::reqwest::header::HeaderMap::with_capacity(1usize);
                header_map.append(
                    ::reqwest::header::HeaderName::from_static("api-version"),
                    ::reqwest::header::HeaderValue::from_static(super::Client::api_version()),
                );
                let request = client.client.get(url).headers(header_map).build()?;
                Ok(())
            }
        };
        assert_eq!(apply(&mut file), 1);
        let out = prettyplease::unparse(&file);
        assert!(!out.contains("api-version"), "{out}");
        assert!(out.contains("let header_map ="), "{out}");
    }

    #[test]
    fn other_from_static_headers_stay() {
        let mut file: syn::File = parse_quote! {
            fn f() {
                let mut header_map = HeaderMap::new();
                header_map.append(HeaderName::from_static("x-api-version"), HeaderValue::from_static("1"));
            }
        };
        assert_eq!(apply(&mut file), 0);
        assert!(prettyplease::unparse(&file).contains("x-api-version"));
    }
}
