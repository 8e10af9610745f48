//! `autotask-entities`: Autotask models with a query endpoint implement the run-time `AutotaskEntity`.
//!
//! `psa_clients` pages an Autotask query (`POST /V1.0/{Entity}/query`, `{items, pageDetails}`) for any model
//! that names its entity; this pass finds, for each such query builder, the model its `items` hold.

use std::collections::{BTreeMap, BTreeSet};

use quote::quote;
use syn::visit::Visit;
use syn::{parse_quote, Item, Type};

use super::syntax::{field, first_generic, response_type, type_name, type_structs, vec_inner};

/// Adds the impls to the file; returns how many models got one.
pub fn apply(file: &mut syn::File) -> usize {
    let entities = autotask_entities(file);
    let count = entities.len();
    file.items.extend(entities);
    count
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
            let result = response_type(&f.sig.output).and_then(type_name);
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
    fn autotask_query_models_become_entities() {
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
        assert_eq!(apply(&mut file), 1);
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
