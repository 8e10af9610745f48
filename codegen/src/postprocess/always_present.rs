//! `always-present`: a response-model field the live API always sends is readable without an `Option`.
//!
//! Reality encoded: the lenient policy makes every response field an `Option` (responses do omit fields the
//! documents call required), so users wrote `ticket.id.unwrap_or_default()` for the one field every record
//! has. The correction data's `always_present` list (`specs/corrections/<vendor>.toml`, evidence in its
//! comments) names such fields; for each one this pass adds an accessor named like the field that reads it
//! without the `Option`:
//!
//! - integers, floats and `bool`: `fn id(&self) -> i64`, `0` (`false`) if the response lacked it;
//! - `String`: `fn identifier(&self) -> &str`, `""` if it lacked it;
//! - lists: `fn items(&self) -> &[T]`, empty if it lacked it.
//!
//! The field itself stays an `Option`, because the same models are request bodies (ConnectWise `Ticket` is the
//! POST body and the answer; Autotask's entity models too): a record built for a create has no id until the
//! server assigns one, and must not send `"id": 0`; and decode → encode must give back exactly what the server
//! sent, including a record without the field. A response that lacks a listed field is reported as
//! `missing_field` drift by the model's `Deserialize` (`lean-deserialize`), an `Error::Drift` in strict mode.
//! Fields of other types (nested models, enums, date-times) get no accessor: there is no default that would
//! not be a lie. A method of the same name already on the model is left alone.

use std::collections::BTreeMap;

use heck::ToPascalCase;
use quote::format_ident;
use syn::{parse_quote, Fields, Item};

use super::wire_aliases::serde_rename;
use crate::correct::{ExpectedFields, ResponseFields};

/// The expected fields by the name of the generated model: typify names a component schema's type by its name
/// in PascalCase (the `schema-names` correction has made every name an identifier already).
pub fn by_type_name(fields: &ResponseFields) -> BTreeMap<String, &ExpectedFields> {
    fields
        .iter()
        .map(|(schema, expected)| (schema.to_pascal_case(), expected))
        .collect()
}

/// Applies the pass to the `types` module of a generated file; returns how many accessors it added.
pub fn apply(file: &mut syn::File, expected: &BTreeMap<String, &ExpectedFields>) -> usize {
    let mut added = 0;
    for item in &mut file.items {
        let Item::Mod(m) = item else { continue };
        if m.ident != "types" {
            continue;
        }
        let Some((_, items)) = &mut m.content else {
            continue;
        };
        let mut impls = Vec::new();
        for item in items.iter() {
            let Item::Struct(s) = item else { continue };
            let Some(fields) = expected.get(&s.ident.to_string()) else {
                continue;
            };
            if fields.always_present.is_empty() {
                continue;
            }
            let Fields::Named(named) = &s.fields else {
                continue;
            };
            let taken = inherent_methods(items, &s.ident);
            let mut methods: Vec<syn::ImplItemFn> = Vec::new();
            for field in &named.named {
                let Some(ident) = &field.ident else { continue };
                let name = ident.to_string();
                // A raw identifier (`r#type`) would make an odd method; none is listed today.
                if name.starts_with("r#") || taken.contains(&name) {
                    continue;
                }
                let wire = serde_rename(&field.attrs).unwrap_or_else(|| name.clone());
                if !fields.always_present.contains(&wire) {
                    continue;
                }
                if let Some(method) = accessor(ident, &wire, &field.ty) {
                    methods.push(method);
                }
            }
            if !methods.is_empty() {
                added += methods.len();
                let ty = &s.ident;
                impls.push(parse_quote! {
                    impl #ty {
                        #(#methods)*
                    }
                });
            }
        }
        items.extend(impls);
    }
    added
}

/// The accessor of an always-present field of type `ty` (an `Option`), if its type has an honest default.
fn accessor(ident: &syn::Ident, wire: &str, ty: &syn::Type) -> Option<syn::ImplItemFn> {
    let inner = option_inner(ty)?;
    let last = last_ident(inner)?;
    let doc_what = format!(
        " `{wire}`, which the API sends in every response (correction data `always_present`), without the \
         `Option`."
    );
    let doc_missing =
        " A response that lacked it was reported as `missing_field` drift; it reads here as";
    let method = format_ident!("{}", ident);
    let method: syn::ImplItemFn = match last.as_str() {
        "i8" | "i16" | "i32" | "i64" | "i128" | "u8" | "u16" | "u32" | "u64" | "u128" | "f32"
        | "f64" => {
            let doc_missing = format!("{doc_missing} `0`. The field keeps the `Option`: unset on a record built for a request.");
            parse_quote! {
                #[doc = #doc_what]
                #[doc = ""]
                #[doc = #doc_missing]
                pub fn #method(&self) -> #inner {
                    self.#ident.unwrap_or_default()
                }
            }
        }
        "bool" => {
            let doc_missing = format!("{doc_missing} `false`. The field keeps the `Option`: unset on a record built for a request.");
            parse_quote! {
                #[doc = #doc_what]
                #[doc = ""]
                #[doc = #doc_missing]
                pub fn #method(&self) -> bool {
                    self.#ident.unwrap_or_default()
                }
            }
        }
        "String" => {
            let doc_missing = format!("{doc_missing} `\"\"`. The field keeps the `Option`: unset on a record built for a request.");
            parse_quote! {
                #[doc = #doc_what]
                #[doc = ""]
                #[doc = #doc_missing]
                pub fn #method(&self) -> &str {
                    self.#ident.as_deref().unwrap_or_default()
                }
            }
        }
        "Vec" => {
            let element = generic_arg(inner)?;
            let doc_missing = format!("{doc_missing} an empty list. The field keeps the `Option`: unset on a record built for a request.");
            parse_quote! {
                #[doc = #doc_what]
                #[doc = ""]
                #[doc = #doc_missing]
                pub fn #method(&self) -> &[#element] {
                    self.#ident.as_deref().unwrap_or_default()
                }
            }
        }
        _ => return None,
    };
    Some(method)
}

/// Names of the methods in `impl #ty { … }` blocks of `items`.
fn inherent_methods(items: &[Item], ty: &syn::Ident) -> Vec<String> {
    items
        .iter()
        .filter_map(|item| match item {
            Item::Impl(imp) if imp.trait_.is_none() => Some(imp),
            _ => None,
        })
        .filter(|imp| matches!(&*imp.self_ty, syn::Type::Path(p) if p.path.is_ident(ty)))
        .flat_map(|imp| imp.items.iter())
        .filter_map(|item| match item {
            syn::ImplItem::Fn(f) => Some(f.sig.ident.to_string()),
            _ => None,
        })
        .collect()
}

fn last_ident(ty: &syn::Type) -> Option<String> {
    match ty {
        syn::Type::Path(p) if p.qself.is_none() => {
            p.path.segments.last().map(|s| s.ident.to_string())
        }
        _ => None,
    }
}

/// The single type argument of `ty` (`T` of `Option<T>`, `Vec<T>`).
fn generic_arg(ty: &syn::Type) -> Option<&syn::Type> {
    let syn::Type::Path(p) = ty else { return None };
    let last = p.path.segments.last()?;
    match &last.arguments {
        syn::PathArguments::AngleBracketed(args) if args.args.len() == 1 => {
            match args.args.first()? {
                syn::GenericArgument::Type(inner) => Some(inner),
                _ => None,
            }
        }
        _ => None,
    }
}

fn option_inner(ty: &syn::Type) -> Option<&syn::Type> {
    (last_ident(ty)? == "Option").then(|| generic_arg(ty))?
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::ToTokens;
    use std::collections::BTreeSet;

    fn expected(always: &[&str]) -> ExpectedFields {
        ExpectedFields {
            required: BTreeSet::new(),
            always_present: always.iter().map(|s| (*s).to_owned()).collect(),
        }
    }

    #[test]
    fn listed_fields_get_accessors_without_the_option() {
        let mut file: syn::File = parse_quote! {
            pub mod types {
                pub struct Ticket {
                    #[serde(rename = "ID", skip_serializing_if = "::std::option::Option::is_none")]
                    pub id: ::std::option::Option<i64>,
                    pub identifier: ::std::option::Option<::std::string::String>,
                    pub items: ::std::option::Option<::std::vec::Vec<Note>>,
                    pub board: ::std::option::Option<BoardReference>,
                    pub summary: ::std::option::Option<::std::string::String>,
                    pub closed: ::std::option::Option<bool>,
                }
                impl Ticket {
                    pub fn builder() -> builder::Ticket { Default::default() }
                    pub fn closed(&self) -> bool { true }
                }
            }
        };
        let fields = expected(&["ID", "identifier", "items", "board", "closed"]);
        let by_name = BTreeMap::from([("Ticket".to_owned(), &fields)]);
        // id, identifier, items; `board` has no honest default, `closed` is already a method.
        assert_eq!(apply(&mut file, &by_name), 3);
        let out = file.to_token_stream().to_string();
        for expected in [
            "pub fn id (& self) -> i64 { self . id . unwrap_or_default () }",
            "pub fn identifier (& self) -> & str { self . identifier . as_deref () . unwrap_or_default () }",
            "pub fn items (& self) -> & [Note] { self . items . as_deref () . unwrap_or_default () }",
        ] {
            assert!(out.contains(expected), "{expected} not in {out}");
        }
        assert!(!out.contains("pub fn board"), "{out}");
        assert!(!out.contains("pub fn summary"), "not listed: {out}");
        assert_eq!(out.matches("pub fn closed").count(), 1, "{out}");
    }

    #[test]
    fn schema_names_map_to_typifys_type_names() {
        let fields = ResponseFields::from([
            ("Ticket".to_owned(), expected(&["id"])),
            ("companyReference".to_owned(), expected(&["id"])),
        ]);
        let names: Vec<_> = by_type_name(&fields).into_keys().collect();
        assert_eq!(names, ["CompanyReference", "Ticket"]);
    }
}
