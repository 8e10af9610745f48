//! Splitting a vendor document into modules, so one vendor need not be one huge compilation unit.
//!
//! ConnectWise's 2814 operations as one generated file took 102 s and 4.1 GB to compile in a prototype. Split by
//! first path segment (`/service/...` → `service`), each module is generated from a document holding only its
//! operations and the schemas they reach; the model types themselves are generated once, into a shared `types`
//! module, so `Ticket` is one type whichever module returned it.

use std::collections::{BTreeMap, BTreeSet};

use openapiv3::{OpenAPI, ReferenceOr};

/// The module an operation path belongs to: its first path segment, snake_cased.
pub fn module_of(path: &str) -> String {
    let first = path.split('/').find(|s| !s.is_empty()).unwrap_or("root");
    heck::ToSnakeCase::to_snake_case(first)
}

/// Module name → number of operations, in name order.
pub fn modules(spec: &OpenAPI) -> BTreeMap<String, usize> {
    let mut out = BTreeMap::new();
    for (path, item) in &spec.paths.paths {
        if let ReferenceOr::Item(item) = item {
            *out.entry(module_of(path)).or_default() += item.iter().count();
        }
    }
    out
}

/// A copy of `spec` with only the operations of `module` and the component schemas they reach.
pub fn module_spec(spec: &OpenAPI, module: &str) -> OpenAPI {
    let mut out = spec.clone();
    out.paths.paths.retain(|path, _| module_of(path) == module);
    retain_reachable_schemas(&mut out);
    out
}

/// A copy of `spec` with no operations: generating it yields exactly the shared model types.
pub fn types_spec(spec: &OpenAPI) -> OpenAPI {
    let mut out = spec.clone();
    out.paths.paths.clear();
    out
}

/// Drops component schemas that no operation reaches.
fn retain_reachable_schemas(spec: &mut OpenAPI) {
    let Some(components) = spec.components.as_mut() else {
        return;
    };
    let paths = serde_json::to_value(&spec.paths).unwrap_or_default();
    let schemas = serde_json::to_value(&components.schemas).unwrap_or_default();
    let mut pending = Vec::new();
    collect_refs(&paths, &mut pending);
    let mut seen = BTreeSet::new();
    while let Some(name) = pending.pop() {
        if seen.insert(name.clone()) {
            if let Some(s) = schemas.get(&name) {
                collect_refs(s, &mut pending);
            }
        }
    }
    components.schemas.retain(|name, _| seen.contains(name));
}

fn collect_refs(value: &serde_json::Value, out: &mut Vec<String>) {
    match value {
        serde_json::Value::Object(map) => {
            for (k, v) in map {
                match (k.as_str(), v.as_str()) {
                    ("$ref", Some(r)) => {
                        if let Some(name) = r.strip_prefix("#/components/schemas/") {
                            out.push(name.replace("~1", "/").replace("~0", "~"));
                        }
                    }
                    _ => collect_refs(v, out),
                }
            }
        }
        serde_json::Value::Array(items) => items.iter().for_each(|v| collect_refs(v, out)),
        _ => {}
    }
}

/// Removes from a module's generated `types` module every item about a type the shared module already has, and
/// re-exports the shared module in its place.
pub fn dedupe_types(file: &mut syn::File, shared: &BTreeSet<String>) {
    for item in &mut file.items {
        let syn::Item::Mod(m) = item else { continue };
        if m.ident != "types" {
            continue;
        }
        let Some((_, items)) = &mut m.content else {
            continue;
        };
        let local: BTreeSet<String> = items
            .iter()
            .filter_map(item_name)
            .filter(|n| !shared.contains(n))
            .collect();
        items.retain(|item| match item {
            syn::Item::Impl(i) => {
                let idents = idents_in(&quote::quote!(#i).to_string());
                !idents.iter().any(|i| shared.contains(i))
                    || idents.iter().any(|i| local.contains(i))
            }
            syn::Item::Mod(_) | syn::Item::Use(_) => true,
            other => item_name(other).is_none_or(|n| !shared.contains(&n)),
        });
        items.insert(
            0,
            syn::parse_quote!(
                pub use super::super::types::*;
            ),
        );
    }
}

/// Names of the types defined in a generated `types` module (structs, enums, aliases).
pub fn type_names(file: &syn::File) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for item in &file.items {
        if let syn::Item::Mod(m) = item {
            if m.ident == "types" {
                if let Some((_, items)) = &m.content {
                    out.extend(items.iter().filter_map(item_name));
                }
            }
        }
    }
    out
}

fn item_name(item: &syn::Item) -> Option<String> {
    match item {
        syn::Item::Struct(s) => Some(s.ident.to_string()),
        syn::Item::Enum(e) => Some(e.ident.to_string()),
        syn::Item::Type(t) => Some(t.ident.to_string()),
        _ => None,
    }
}

fn idents_in(text: &str) -> BTreeSet<String> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use syn::parse_quote;

    #[test]
    fn module_names_come_from_the_first_segment() {
        assert_eq!(module_of("/service/tickets/{id}"), "service");
        assert_eq!(module_of("/system/info"), "system");
        assert_eq!(module_of("/"), "root");
    }

    #[test]
    fn shared_types_are_removed_and_local_ones_kept() {
        let mut file: syn::File = parse_quote! {
            pub mod types {
                pub struct Ticket {}
                impl From<&Ticket> for Ticket { fn from(v: &Ticket) -> Self { todo!() } }
                pub enum GetTicketsOrder { A }
                impl std::fmt::Display for GetTicketsOrder { fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result { todo!() } }
                pub mod error {}
            }
        };
        dedupe_types(&mut file, &BTreeSet::from(["Ticket".to_owned()]));
        let out = prettyplease::unparse(&file);
        assert!(out.contains("pub use super::super::types::*;"), "{out}");
        assert!(!out.contains("pub struct Ticket"), "{out}");
        assert!(!out.contains("impl From<&Ticket>"), "{out}");
        assert!(out.contains("pub enum GetTicketsOrder"), "{out}");
        assert!(
            out.contains("impl std::fmt::Display for GetTicketsOrder"),
            "{out}"
        );
    }
}
