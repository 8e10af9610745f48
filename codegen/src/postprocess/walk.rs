//! `walk`: one call per generated operation, for the coverage walk against the psa-emulator.
//!
//! Emits a separate file (not part of the client's API surface, compiled only with the generated crate's
//! `emulator-walk` feature) with, for every builder-style operation, an `async` block that sets each required
//! parameter from a sample (`psa_clients_runtime::walk`) and sends. The Rust type of each parameter is read
//! from the builder struct's field (`Result<T, String>` is required, `Result<Option<T>, String>` optional), so
//! the sample decodes into exactly the type the setter takes. A test asserts on the real documents that every
//! operation but the hand-emitted multipart uploads is walked, so a progenitor change that alters the builder
//! shape fails loudly instead of shrinking the walk.

use std::collections::BTreeMap;

use openapiv3::OpenAPI;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::{Fields, ImplItem, Item, ItemStruct, ReturnType, Type};

use super::operation_table::method_name;

/// What the pass found in one generated file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WalkReport {
    /// Operations given a walk step.
    pub walked: usize,
}

/// The walk file for a generated client file, and its counts. `None` when the file has no operations.
pub fn emit(file: &syn::File, spec: &OpenAPI) -> (Option<String>, WalkReport) {
    // Method name → the vendor's operationId (a renamed operation keeps it in an extension), which is what the
    // emulator's routes and the walk's samplers know it by.
    let spec_ids: BTreeMap<String, String> = spec
        .operations()
        .filter_map(|(_, _, op)| {
            let id = op.operation_id.as_ref()?;
            let vendor_id = op
                .extensions
                .get(crate::correct::VENDOR_OPERATION_ID_EXTENSION)
                .and_then(serde_json::Value::as_str)
                .unwrap_or(id);
            Some((method_name(id), vendor_id.to_owned()))
        })
        .collect();
    let builders: BTreeMap<String, &ItemStruct> = builder_items(file)
        .iter()
        .filter_map(|item| match item {
            Item::Struct(s) => Some((s.ident.to_string(), s)),
            _ => None,
        })
        .collect();
    let mut steps = Vec::new();
    for (method, builder) in client_methods(file) {
        let (Some(spec_id), Some(s)) = (spec_ids.get(&method), builders.get(&builder)) else {
            continue;
        };
        steps.push(step(&method, spec_id, s));
    }
    let report = WalkReport {
        walked: steps.len(),
    };
    if steps.is_empty() {
        return (None, report);
    }
    let count = steps.len();
    let (entries, fns): (Vec<_>, Vec<_>) = steps.into_iter().unzip();
    let tokens = quote! {
        use super::*;
        use ::psa_clients_runtime::walk::{self as w, Outcome, Sampler, Step, StepFuture};

        type Call = for<'a> fn(&'a Client, Sampler<'a>) -> StepFuture<'a>;

        /// Every builder-style operation of this client, with the vendor's operationId.
        pub static STEPS: [(&str, Call); #count] = [#(#entries),*];

        /// Calls every operation once, in order, and says what happened to each.
        pub async fn walk(client: &Client, sampler: Sampler<'_>) -> Vec<Step> {
            let mut out = Vec::with_capacity(STEPS.len());
            for (operation, call) in STEPS.iter() {
                let outcome = call(client, sampler).await;
                out.push(Step { operation, outcome });
            }
            out
        }

        #(#fns)*
    };
    let source = syn::parse2::<syn::File>(tokens)
        .map(|f| prettyplease::unparse(&f))
        .unwrap_or_default();
    (Some(source), report)
}

/// One `(operationId, call)` entry and the function it names.
fn step(method: &str, spec_id: &str, builder: &ItemStruct) -> (TokenStream, TokenStream) {
    let method = format_ident!("{}", method);
    let mut sets = Vec::new();
    if let Fields::Named(fields) = &builder.fields {
        for field in &fields.named {
            let Some(name) = field.ident.as_ref() else {
                continue;
            };
            if name == "client" {
                continue;
            }
            // `Result<T, String>`: required; `Result<Option<T>, String>`: optional, left unset.
            let Some(ty) = first_generic(&field.ty) else {
                continue;
            };
            if last_ident(ty).is_some_and(|i| i == "Option") {
                continue;
            }
            let label = name.to_string();
            let value = if name == "body" {
                let ty = without_builder(ty);
                quote! { w::body::<#ty>(sampler, #spec_id) }
            } else {
                quote! { w::param::<#ty>(sampler, #spec_id, #label) }
            };
            sets.push(quote! {
                let call = match #value { Ok(v) => call.#name(v), Err(skipped) => return skipped };
            });
        }
    }
    let step = format_ident!("w_{}", method);
    (
        quote! { (#spec_id, #step as Call) },
        quote! {
            fn #step<'a>(client: &'a Client, sampler: Sampler<'a>) -> StepFuture<'a> {
                ::std::boxed::Box::pin(async move {
                    let call = client.#method();
                    #(#sets)*
                    w::sent(call.send().await)
                })
            }
        },
    )
}

/// `(method, builder struct name)` of every `impl Client` method returning `builder::X`.
fn client_methods(file: &syn::File) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for item in &file.items {
        let Item::Impl(imp) = item else { continue };
        if imp.trait_.is_some() || last_ident(&imp.self_ty).is_none_or(|i| i != "Client") {
            continue;
        }
        for it in &imp.items {
            let ImplItem::Fn(f) = it else { continue };
            let ReturnType::Type(_, ty) = &f.sig.output else {
                continue;
            };
            let Type::Path(p) = peel(ty) else { continue };
            let segments: Vec<_> = p.path.segments.iter().collect();
            if segments.len() == 2 && segments[0].ident == "builder" {
                out.push((f.sig.ident.to_string(), segments[1].ident.to_string()));
            }
        }
    }
    out
}

fn builder_items(file: &syn::File) -> &[Item] {
    file.items
        .iter()
        .find_map(|item| match item {
            Item::Mod(m) if m.ident == "builder" => m.content.as_ref().map(|(_, items)| &items[..]),
            _ => None,
        })
        .unwrap_or(&[])
}

/// `types::builder::X` → `types::X` (the body setter takes the model; the field holds its builder).
fn without_builder(ty: &Type) -> Type {
    let Type::Path(p) = ty else {
        return ty.clone();
    };
    let mut p = p.clone();
    let segments: Vec<_> = p.path.segments.iter().cloned().collect();
    if segments.len() == 3 && segments[0].ident == "types" && segments[1].ident == "builder" {
        p.path.segments = [segments[0].clone(), segments[2].clone()]
            .into_iter()
            .collect();
    }
    Type::Path(p)
}

fn peel(ty: &Type) -> &Type {
    match ty {
        Type::Group(g) => peel(&g.elem),
        Type::Paren(p) => peel(&p.elem),
        other => other,
    }
}

fn last_ident(ty: &Type) -> Option<&syn::Ident> {
    match peel(ty) {
        Type::Path(p) => p.path.segments.last().map(|s| &s.ident),
        _ => None,
    }
}

fn first_generic(ty: &Type) -> Option<&Type> {
    let Type::Path(p) = peel(ty) else { return None };
    let syn::PathArguments::AngleBracketed(args) = &p.path.segments.last()?.arguments else {
        return None;
    };
    args.args.iter().find_map(|a| match a {
        syn::GenericArgument::Type(t) => Some(peel(t)),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec() -> OpenAPI {
        serde_json::from_value(serde_json::json!({
            "openapi": "3.0.0", "info": {"title": "t", "version": "1"},
            "paths": {"/things/{id}": {"put": {"operationId": "Things_Update", "responses": {}}}}
        }))
        .unwrap()
    }

    #[test]
    fn required_parameters_are_set_from_samples_and_optional_ones_left_unset() {
        let file: syn::File = syn::parse_quote! {
            impl Client {
                pub fn things_update(&self) -> builder::ThingsUpdate<'_> { builder::ThingsUpdate::new(self) }
            }
            pub mod builder {
                pub struct ThingsUpdate<'a> {
                    client: &'a super::Client,
                    id: Result<i64, String>,
                    fields: Result<Option<String>, String>,
                    body: Result<types::builder::Thing, String>,
                }
            }
        };
        let (source, report) = emit(&file, &spec());
        assert_eq!(report.walked, 1);
        let source = source.unwrap();
        assert!(
            source.contains("w::param::<i64>(sampler, \"Things_Update\", \"id\")"),
            "{source}"
        );
        assert!(
            source.contains("w::body::<types::Thing>(sampler, \"Things_Update\")"),
            "{source}"
        );
        assert!(!source.contains("fields"), "{source}");
    }

    #[test]
    fn a_file_without_operations_has_no_walk() {
        let file: syn::File = syn::parse_quote! { pub mod types {} };
        assert_eq!(emit(&file, &spec()), (None, WalkReport::default()));
    }
}
