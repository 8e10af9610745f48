//! `hooks`: route every generated request through `psa_clients_runtime::ExecutorHandle`, and describe operations.
//!
//! progenitor calls `ClientHooks::exec` for every request; its default sends with the bare `reqwest::Client`.
//! This pass removes that impl (every send tail becomes a call into the client's `ExecutorHandle`, see
//! [`super::shared_send`]; auth, retries, limits and typed errors live in `psa_clients`), and adds the table the
//! hooks look operations up in: progenitor only passes its snake-case method name, while limits and `tracing`
//! spans want the method and the path template.
//!
//! It also implements the run-time paging traits for list operations, so `psa_clients` can stream them:
//! `NumberedPages` for ConnectWise (`page`/`pageSize`, array response) and BMS (`PageNumber`/`PageSize`,
//! envelope with `Result` and `TotalRecords`) builders, and `AutotaskEntity` for models with a query endpoint.

use std::collections::{BTreeMap, BTreeSet};

use heck::ToSnakeCase;
use openapiv3::OpenAPI;
use quote::quote;
use syn::visit::Visit;
use syn::{
    parse_quote, Fields, GenericArgument, Item, ItemImpl, ItemStruct, PathArguments, ReturnType,
    Type,
};

use crate::vendor::Vendor;

/// What the pass did to one file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HooksReport {
    /// Operations in the lookup table.
    pub operations: usize,
    /// Of those, POSTs marked safe to retry by the `retry-safe` correction.
    pub retry_safe: usize,
    /// List builders given `NumberedPages`.
    pub paged: usize,
    /// Autotask models given `AutotaskEntity`.
    pub entities: usize,
    /// `send` tails handed to the run-time crate (see [`super::shared_send`]).
    pub sends: super::shared_send::SharedSendReport,
}

/// Why the pass failed: the generated code names an operation the document does not have under that name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("generated operation ids without a document operation (the snake-case rule differs from progenitor's): {0:?}")]
pub struct UnmappedOperations(pub Vec<String>);

/// Applies the pass to one generated client file (not to a types-only file).
pub fn apply(
    file: &mut syn::File,
    spec: &OpenAPI,
    vendor: Vendor,
) -> Result<HooksReport, UnmappedOperations> {
    let mut report = HooksReport::default();
    let table = operation_table(file, spec)?;
    report.operations = table.len();
    report.retry_safe = table.values().filter(|row| row.retry_safe).count();
    // progenitor's `ClientHooks` would send with the bare `reqwest::Client`; every send goes through the
    // run-time executor instead (shared_send), so the impl is removed and a tail left as generated cannot compile.
    file.items
        .retain(|item| !matches!(item, Item::Impl(imp) if is_client_hooks_impl(imp)));
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
    report.sends = super::shared_send::apply(file);
    let paging = paging_impls(file, vendor);
    report.paged = paging.len();
    if let Some(builder) = module_items(file, "builder") {
        builder.extend(paging);
    }
    if vendor == Vendor::Autotask {
        let entities = autotask_entities(file);
        report.entities = entities.len();
        file.items.extend(entities);
    }
    Ok(report)
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

fn is_client_hooks_impl(imp: &ItemImpl) -> bool {
    imp.items.is_empty()
        && imp
            .trait_
            .as_ref()
            .and_then(|(path, _)| path.segments.last())
            .is_some_and(|s| s.ident == "ClientHooks")
}

fn module_items<'f>(file: &'f mut syn::File, name: &str) -> Option<&'f mut Vec<Item>> {
    file.items.iter_mut().find_map(|item| match item {
        Item::Mod(m) if m.ident == name => m.content.as_mut().map(|(_, items)| items),
        _ => None,
    })
}

fn module_items_ref<'f>(file: &'f syn::File, name: &str) -> &'f [Item] {
    file.items
        .iter()
        .find_map(|item| match item {
            Item::Mod(m) if m.ident == name => {
                m.content.as_ref().map(|(_, items)| items.as_slice())
            }
            _ => None,
        })
        .unwrap_or(&[])
}

/// `NumberedPages` impls for the list builders of a ConnectWise or BMS file.
fn paging_impls(file: &syn::File, vendor: Vendor) -> Vec<Item> {
    let (page_field, style) = match vendor {
        Vendor::Connectwise => ("page", quote!(ConnectWise)),
        Vendor::Bms => ("page_number", quote!(Bms)),
        Vendor::Autotask => return Vec::new(),
    };
    let builder = module_items_ref(file, "builder");
    let envelopes = bms_envelopes(file);
    let mut out = Vec::new();
    let search_bodies = if vendor == Vendor::Bms {
        paged_bodies(file)
    } else {
        BTreeMap::new()
    };
    for item in builder {
        let Item::Struct(s) = item else { continue };
        let set_page = syn::Ident::new(page_field, proc_macro2::Span::call_site());
        let with_page = if has_field(s, page_field) && has_field(s, "page_size") {
            quote! { self.#set_page(page).page_size(page_size) }
        } else if let Some((number, size)) = body_type_name(s).and_then(|b| search_bodies.get(&b)) {
            // BMS search operations (`POST …/search`) page through fields of their body DTO.
            let (number, size) = (number(quote!(page)), size(quote!(page_size)));
            quote! {{
                let mut call = self;
                call.body = call.body.map(|mut body| {
                    body.page_number = #number;
                    body.page_size = #size;
                    body
                });
                call
            }}
        } else {
            continue;
        };
        let Some(response) = send_response_type(builder, &s.ident) else {
            continue;
        };
        let name = &s.ident;
        let (item_ty, split) = match vendor {
            Vendor::Connectwise => {
                let Some(inner) = vec_inner(&response) else {
                    continue;
                };
                (inner.clone(), quote! { (response.into_inner(), None) })
            }
            _ => {
                let Type::Path(p) = peel(&response) else {
                    continue;
                };
                let Some(last) = p.path.segments.last() else {
                    continue;
                };
                let Some((inner, has_total)) = envelopes.get(&last.ident.to_string()) else {
                    continue;
                };
                let total = if *has_total {
                    quote! { body.total_records.and_then(|t| u64::try_from(t).ok()) }
                } else {
                    quote! { None }
                };
                let inner: Type = syn::parse_str(&format!("types::{inner}"))
                    .unwrap_or_else(|_| inner_type_fallback());
                (
                    inner,
                    quote! {{ let body = response.into_inner(); let total = #total; (body.result.unwrap_or_default(), total) }},
                )
            }
        };
        let count_total = match vendor {
            Vendor::Connectwise => count_sibling(builder, s).map(|(count, filters)| {
                quote! {
                    fn count_total(self) -> ::std::option::Option<::psa_clients_runtime::paging::TotalFuture<'a>> {
                        let mut count = #count::new(self.client);
                        #(count.#filters = self.#filters;)*
                        ::std::option::Option::Some(::std::boxed::Box::pin(async move {
                            let counted = count.send().await?.into_inner();
                            Ok(counted.count.and_then(|n| u64::try_from(n).ok()))
                        }))
                    }
                }
            }),
            _ => None,
        };
        out.push(parse_quote! {
            impl<'a> ::psa_clients_runtime::paging::NumberedPages<'a> for #name<'a> {
                type Item = #item_ty;
                const STYLE: ::psa_clients_runtime::paging::PageStyle =
                    ::psa_clients_runtime::paging::PageStyle::#style;
                fn with_page(self, page: u32, page_size: u32) -> Self {
                    #with_page
                }
                fn fetch_page(self) -> ::psa_clients_runtime::paging::PageFuture<'a, Self::Item> {
                    ::std::boxed::Box::pin(async move {
                        let response = self.send().await?;
                        let headers = response.headers().clone();
                        let (items, total) = #split;
                        Ok((items, ::psa_clients_runtime::paging::PageInfo { headers, total }))
                    })
                }
                #count_total
            }
        });
    }
    out
}

/// ConnectWise lists have a `…/count` sibling (`GetServiceTickets` → `GetServiceTicketsCount`) answering
/// `types::Count` and taking the same filters: its builder name and the filter fields both share with the same
/// type (not paging, ordering or field selection).
fn count_sibling(builder: &[Item], list: &ItemStruct) -> Option<(syn::Ident, Vec<syn::Ident>)> {
    let wanted = format!("{}Count", list.ident);
    let count = builder.iter().find_map(|item| match item {
        Item::Struct(s) if s.ident == wanted => Some(s),
        _ => None,
    })?;
    let answers_count = send_response_type(builder, &count.ident)
        .is_some_and(|ty| quote!(#ty).to_string().replace(' ', "") == "types::Count");
    if !answers_count {
        return None;
    }
    let not_filters = [
        "client",
        "page",
        "page_size",
        "page_id",
        "order_by",
        "fields",
    ];
    let type_of = |s: &ItemStruct, name: &syn::Ident| {
        s.fields
            .iter()
            .find(|f| f.ident.as_ref() == Some(name))
            .map(|f| {
                let ty = &f.ty;
                quote!(#ty).to_string()
            })
    };
    let filters = named_fields(list)
        .filter(|name| !not_filters.contains(&name.to_string().as_str()))
        .filter(|name| {
            type_of(count, name).is_some() && type_of(count, name) == type_of(list, name)
        })
        .cloned()
        .collect();
    Some((count.ident.clone(), filters))
}

fn named_fields(s: &ItemStruct) -> impl Iterator<Item = &syn::Ident> {
    s.fields.iter().filter_map(|f| f.ident.as_ref())
}

/// Converts a `u32` page value to a body field's type.
type Convert = fn(proc_macro2::TokenStream) -> proc_macro2::TokenStream;

fn to_i32(v: proc_macro2::TokenStream) -> proc_macro2::TokenStream {
    quote! { i32::try_from(#v).unwrap_or(i32::MAX) }
}
fn to_opt_i32(v: proc_macro2::TokenStream) -> proc_macro2::TokenStream {
    quote! { Some(i32::try_from(#v).unwrap_or(i32::MAX)) }
}
fn to_i64(v: proc_macro2::TokenStream) -> proc_macro2::TokenStream {
    quote! { i64::from(#v) }
}
fn to_opt_i64(v: proc_macro2::TokenStream) -> proc_macro2::TokenStream {
    quote! { Some(i64::from(#v)) }
}

/// Request DTOs with integer `page_number` and `page_size` fields, with how to set each.
fn paged_bodies(file: &syn::File) -> BTreeMap<String, (Convert, Convert)> {
    let convert = |ty: &Type| -> Option<Convert> {
        let text = quote!(#ty).to_string().replace(' ', "");
        let optional = text.contains("Option<");
        if text.ends_with("i32>") || text == "i32" {
            Some(if optional { to_opt_i32 } else { to_i32 })
        } else if text.ends_with("i64>") || text == "i64" {
            Some(if optional { to_opt_i64 } else { to_i64 })
        } else {
            None
        }
    };
    let mut out = BTreeMap::new();
    for s in type_structs(file) {
        let setter = |name: &str| field(s, name).and_then(|f| convert(peel(&f.ty)));
        if let (Some(number), Some(size)) = (setter("page_number"), setter("page_size")) {
            out.insert(s.ident.to_string(), (number, size));
        }
    }
    out
}

/// `X` of a builder's `body: Result<types::X, String>` field.
fn body_type_name(s: &ItemStruct) -> Option<String> {
    let Type::Path(p) = first_generic(&field(s, "body")?.ty)? else {
        return None;
    };
    p.path.segments.last().map(|seg| seg.ident.to_string())
}

fn inner_type_fallback() -> Type {
    parse_quote!(())
}

fn has_field(s: &ItemStruct, name: &str) -> bool {
    field(s, name).is_some()
}

/// The named field `name` of a struct.
fn field<'s>(s: &'s ItemStruct, name: &str) -> Option<&'s syn::Field> {
    let Fields::Named(fields) = &s.fields else {
        return None;
    };
    fields
        .named
        .iter()
        .find(|f| f.ident.as_ref().is_some_and(|i| i == name))
}

/// The structs of the file's `types` module.
fn type_structs(file: &syn::File) -> impl Iterator<Item = &ItemStruct> {
    module_items_ref(file, "types")
        .iter()
        .filter_map(|item| match item {
            Item::Struct(s) => Some(s),
            _ => None,
        })
}

/// The `T` of `Result<ResponseValue<T>, _>` returned by `name`'s `send`.
fn send_response_type(items: &[Item], name: &syn::Ident) -> Option<Type> {
    items.iter().find_map(|item| {
        let Item::Impl(imp) = item else { return None };
        if imp.trait_.is_some() {
            return None;
        }
        let Type::Path(self_ty) = peel(&imp.self_ty) else {
            return None;
        };
        if self_ty.path.segments.last()?.ident != *name {
            return None;
        }
        imp.items.iter().find_map(|it| match it {
            syn::ImplItem::Fn(f) if f.sig.ident == "send" => match &f.sig.output {
                ReturnType::Type(_, ty) => first_generic(ty).and_then(first_generic).cloned(),
                ReturnType::Default => None,
            },
            _ => None,
        })
    })
}

/// Looks through the invisible groups that token interpolation leaves in progenitor's output.
fn peel(ty: &Type) -> &Type {
    match ty {
        Type::Group(g) => peel(&g.elem),
        Type::Paren(p) => peel(&p.elem),
        other => other,
    }
}

fn first_generic(ty: &Type) -> Option<&Type> {
    let Type::Path(p) = peel(ty) else { return None };
    let PathArguments::AngleBracketed(args) = &p.path.segments.last()?.arguments else {
        return None;
    };
    args.args.iter().find_map(|a| match a {
        GenericArgument::Type(t) => Some(peel(t)),
        _ => None,
    })
}

fn vec_inner(ty: &Type) -> Option<&Type> {
    let Type::Path(p) = peel(ty) else { return None };
    (p.path.segments.last()?.ident == "Vec")
        .then(|| first_generic(ty))
        .flatten()
}

/// BMS envelope type name → (record type name, has `total_records`), for envelopes whose `result` is a list.
fn bms_envelopes(file: &syn::File) -> BTreeMap<String, (String, bool)> {
    let mut out = BTreeMap::new();
    for s in type_structs(file) {
        let Some(result) = field(s, "result") else {
            continue;
        };
        let Some(inner) = first_generic(&result.ty).and_then(vec_inner) else {
            continue;
        };
        let Type::Path(p) = peel(inner) else { continue };
        let Some(last) = p.path.segments.last() else {
            continue;
        };
        out.insert(
            s.ident.to_string(),
            (last.ident.to_string(), has_field(s, "total_records")),
        );
    }
    out
}

/// `AutotaskEntity` impls: for each `…Query` builder posting to `/V1.0/{Entity}/query`, the model its
/// `items` hold.
fn autotask_entities(file: &syn::File) -> Vec<Item> {
    let results: BTreeMap<String, Type> = type_structs(file)
        .filter_map(|s| {
            let inner = first_generic(&field(s, "items")?.ty).and_then(vec_inner)?;
            Some((s.ident.to_string(), inner.clone()))
        })
        .collect();
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    let mut paths = QueryPaths::default();
    paths.visit_file(file);
    for (entity, result) in paths.0 {
        let Some(model) = results.get(&result) else {
            continue;
        };
        let key = quote!(#model).to_string();
        if !seen.insert(key) {
            continue;
        }
        out.push(parse_quote! {
            impl ::psa_clients_runtime::paging::AutotaskEntity for types::#model {
                const ENTITY: &'static str = #entity;
            }
        });
    }
    out
}

/// (entity, result type name) of every `send` whose URL is `{base}/V1.0/{Entity}/query`.
#[derive(Default)]
struct QueryPaths(Vec<(String, String)>);

impl<'ast> Visit<'ast> for QueryPaths {
    fn visit_impl_item_fn(&mut self, f: &'ast syn::ImplItemFn) {
        if f.sig.ident == "send" {
            let result = match &f.sig.output {
                ReturnType::Type(_, ty) => {
                    first_generic(ty)
                        .and_then(first_generic)
                        .and_then(|t| match peel(t) {
                            Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
                            _ => None,
                        })
                }
                ReturnType::Default => None,
            };
            let mut urls = UrlLiterals::default();
            urls.visit_block(&f.block);
            if let (Some(result), Some(url)) = (result, urls.0.first()) {
                let parts: Vec<&str> = url.split('/').collect();
                if let ["{}", version, entity, "query"] = parts.as_slice() {
                    if version.eq_ignore_ascii_case("v1.0") && !entity.contains('{') {
                        self.0.push(((*entity).to_owned(), result));
                    }
                }
            }
        }
        syn::visit::visit_impl_item_fn(self, f);
    }
}

/// First string literal of each `format!` call.
#[derive(Default)]
struct UrlLiterals(Vec<String>);

impl<'ast> Visit<'ast> for UrlLiterals {
    fn visit_macro(&mut self, m: &'ast syn::Macro) {
        if m.path.is_ident("format") {
            if let Some(proc_macro2::TokenTree::Literal(lit)) = m.tokens.clone().into_iter().next()
            {
                if let Ok(syn::Lit::Str(s)) = syn::parse_str::<syn::Lit>(&lit.to_string()) {
                    self.0.push(s.value());
                }
            }
        }
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
    fn progenitors_hooks_impl_goes_and_the_table_is_built() {
        let mut file: syn::File = parse_quote! {
            impl ClientHooks<::psa_clients_runtime::ExecutorHandle> for &Client {}
            fn send() { let info = OperationInfo { operation_id: "get_service_tickets" }; }
            fn send() { let info = OperationInfo { operation_id: "tickets_query" }; }
        };
        let report =
            apply(&mut file, &spec(), Vendor::Connectwise).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(report.operations, 2);
        let text = quote!(#file).to_string();
        assert!(!text.contains("ClientHooks"), "{text}");
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
            apply(&mut file, &spec(), Vendor::Connectwise),
            Err(UnmappedOperations(vec!["nope".into()]))
        );
    }

    #[test]
    fn connectwise_lists_count_through_their_count_sibling_with_the_same_filters() {
        let list: ItemStruct = parse_quote! {
            pub struct GetServiceTickets<'a> {
                client: &'a super::Client, conditions: Result<Option<C>, String>, order_by: Result<Option<O>, String>,
                page: Result<Option<i32>, String>, custom_field_conditions: Result<Option<F>, String>
            }
        };
        let builder: Vec<Item> = vec![
            parse_quote! {
                pub struct GetServiceTicketsCount<'a> {
                    client: &'a super::Client, conditions: Result<Option<C>, String>, order_by: Result<Option<O>, String>,
                    page: Result<Option<i32>, String>, custom_field_conditions: Result<Option<Other>, String>
                }
            },
            parse_quote! {
                impl<'a> GetServiceTicketsCount<'a> {
                    pub async fn send(self) -> Result<ResponseValue<types::Count>, Error<()>> { todo!() }
                }
            },
        ];
        let (count, filters) = count_sibling(&builder, &list).expect("sibling");
        assert_eq!(count, "GetServiceTicketsCount");
        // Shared filters of the same type only: not paging or ordering, not what the count lacks.
        assert_eq!(filters, vec!["conditions"]);
        assert!(count_sibling(&builder[..0], &list).is_none());
        // A `…Count` builder that does not answer `Count` is not a count.
        let not_count: Vec<Item> = vec![
            builder[0].clone(),
            parse_quote! {
                impl<'a> GetServiceTicketsCount<'a> {
                    pub async fn send(self) -> Result<ResponseValue<types::Calendar>, Error<()>> { todo!() }
                }
            },
        ];
        assert!(count_sibling(&not_count, &list).is_none());
    }

    #[test]
    fn connectwise_list_builders_get_numbered_pages() {
        let mut file: syn::File = parse_quote! {
            pub mod builder {
                pub struct GetServiceTickets<'a> { client: &'a super::Client, page: Result<Option<i32>, String>, page_size: Result<Option<i32>, String> }
                impl<'a> GetServiceTickets<'a> {
                    pub async fn send(self) -> Result<ResponseValue<::std::vec::Vec<types::Ticket>>, Error<()>> {
                        let info = OperationInfo { operation_id: "get_service_tickets" };
                        todo!()
                    }
                }
                pub struct GetOne<'a> { client: &'a super::Client, id: Result<i32, String> }
            }
        };
        let report =
            apply(&mut file, &spec(), Vendor::Connectwise).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(report.paged, 1);
        // No `GetServiceTicketsCount` builder here: no count.
        assert!(!quote!(#file).to_string().contains("count_total"));
        let text = quote!(#file).to_string();
        assert!(
            text.contains("NumberedPages < 'a > for GetServiceTickets < 'a >"),
            "{text}"
        );
        assert!(!text.contains("type Item = :: std :: vec :: Vec < types :: Ticket >"));
        assert!(text.contains("type Item = types :: Ticket"), "{text}");
        assert!(
            text.contains("self . page (page) . page_size (page_size)"),
            "{text}"
        );
    }

    #[test]
    fn bms_search_builders_page_through_their_body() {
        let mut file: syn::File = parse_quote! {
            pub mod types {
                pub struct GetTicketsInputDto { pub page_number: ::std::option::Option<i32>, pub page_size: i32 }
                pub struct TicketListDtoListResponse {
                    pub result: ::std::option::Option<::std::vec::Vec<TicketListDto>>,
                    pub total_records: ::std::option::Option<i32>,
                }
            }
            pub mod builder {
                pub struct SearchTickets<'a> { client: &'a super::Client, body: Result<types::GetTicketsInputDto, String> }
                impl<'a> SearchTickets<'a> {
                    pub async fn send(self) -> Result<ResponseValue<types::TicketListDtoListResponse>, Error<()>> {
                        let info = OperationInfo { operation_id: "get_service_tickets" };
                        todo!()
                    }
                }
            }
        };
        let report = apply(&mut file, &spec(), Vendor::Bms).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(report.paged, 1);
        let text = quote!(#file).to_string();
        assert!(
            text.contains(
                "body . page_number = Some (i32 :: try_from (page) . unwrap_or (i32 :: MAX))"
            ),
            "{text}"
        );
        assert!(
            text.contains(
                "body . page_size = i32 :: try_from (page_size) . unwrap_or (i32 :: MAX)"
            ),
            "{text}"
        );
        assert!(
            text.contains("type Item = types :: TicketListDto"),
            "{text}"
        );
    }

    #[test]
    fn autotask_query_models_become_entities() {
        let spec: OpenAPI = serde_json::from_value(serde_json::json!({
            "openapi": "3.0.0", "info": {"title": "t", "version": "1"},
            "paths": {"/V1.0/Companies/query": {"post": {"operationId": "Companies_Query", "responses": {}}}}
        }))
        .unwrap_or_else(|e| panic!("{e}"));
        let mut file: syn::File = parse_quote! {
            pub mod types {
                pub struct CompanyQueryResult { pub items: ::std::option::Option<::std::vec::Vec<CompanyModel>> }
            }
            pub mod builder {
                impl<'a> CompaniesQuery<'a> {
                    pub async fn send(self) -> Result<ResponseValue<types::CompanyQueryResult>, Error<()>> {
                        let url = format!("{}/V1.0/Companies/query", client.baseurl,);
                        let info = OperationInfo { operation_id: "companies_query" };
                        todo!()
                    }
                }
            }
        };
        let report = apply(&mut file, &spec, Vendor::Autotask).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(report.entities, 1);
        let text = quote!(#file).to_string();
        assert!(
            text.contains("AutotaskEntity for types :: CompanyModel"),
            "{text}"
        );
        assert!(
            text.contains("const ENTITY : & 'static str = \"Companies\""),
            "{text}"
        );
    }
}
