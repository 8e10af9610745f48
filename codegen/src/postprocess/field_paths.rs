//! `field-paths`: typed field paths for the query builders (`Ticket::fields().board().name()`).
//!
//! ConnectWise conditions and Autotask filters name fields as text, so a misspelled field is only found by
//! the server, and then as a vague 400. This pass gives every model struct in `types` an associated
//! `fields()` returning a generated `types::fields::Model`, with one method per property: a property holding
//! another generated model (directly, optional, or as a list) continues the path with that model's methods;
//! any other property ends it with a `FieldPath`. Paths use the wire names from `#[serde(rename)]`.

use std::collections::BTreeSet;

use quote::{format_ident, quote};
use syn::{parse_quote, Fields, GenericArgument, Item, PathArguments, Type};

use super::wire_aliases::serde_rename;

/// `psa_clients_runtime::Extra`, the field the lean-deserialize pass adds.
fn is_extra(ty: &syn::Type) -> bool {
    let syn::Type::Path(p) = ty else { return false };
    let names: Vec<String> = p
        .path
        .segments
        .iter()
        .map(|s| s.ident.to_string())
        .collect();
    names == ["psa_clients_runtime", "Extra"]
}

/// Adds `fields()` and the `types::fields` module; returns how many models got one.
pub fn apply(file: &mut syn::File) -> usize {
    let Some(types) = file.items.iter_mut().find_map(|item| match item {
        Item::Mod(m) if m.ident == "types" => m.content.as_mut().map(|(_, items)| items),
        _ => None,
    }) else {
        return 0;
    };
    let models: BTreeSet<String> = types
        .iter()
        .filter_map(|item| match item {
            Item::Struct(s) if matches!(s.fields, Fields::Named(_)) => Some(s.ident.to_string()),
            _ => None,
        })
        .collect();
    let mut sets = Vec::new();
    let mut entries = Vec::new();
    for item in types.iter() {
        let Item::Struct(s) = item else { continue };
        let Fields::Named(fields) = &s.fields else {
            continue;
        };
        let name = &s.ident;
        let methods = fields.named.iter().filter_map(|field| {
            let ident = field.ident.as_ref()?;
            // The lenient models' catch-all of undeclared keys is not a property.
            if is_extra(&field.ty) {
                return None;
            }
            let wire = serde_rename(&field.attrs)
                .unwrap_or_else(|| ident.to_string().trim_start_matches("r#").to_owned());
            let doc = format!("`{wire}`");
            Some(match model_of(&field.ty, &models) {
                Some(model) => {
                    let model = format_ident!("{model}");
                    quote! {
                        #[doc = #doc]
                        pub fn #ident(&self) -> #model { #model(self.0.child(#wire)) }
                    }
                }
                None => quote! {
                    #[doc = #doc]
                    pub fn #ident(&self) -> ::psa_clients_runtime::FieldPath { self.0.child(#wire) }
                },
            })
        });
        let doc = format!("Field paths of [`super::{name}`].");
        sets.push(quote! {
            #[doc = #doc]
            #[derive(Debug, Clone)]
            pub struct #name(pub(super) ::psa_clients_runtime::FieldPath);
            impl #name {
                #(#methods)*
            }
        });
        entries.push(quote! {
            impl #name {
                /// Typed paths to this model's fields, for query conditions and filters.
                pub fn fields() -> fields::#name {
                    fields::#name(::psa_clients_runtime::FieldPath::root())
                }
            }
        });
    }
    let count = entries.len();
    types.push(parse_quote! {
        /// Typed field paths: `Model::fields()` returns the one of `Model`.
        pub mod fields {
            #(#sets)*
        }
    });
    for entry in entries {
        types.push(parse_quote!(#entry));
    }
    count
}

/// The model a property leads to: `M`, `Option<M>`, `Vec<M>`, `Option<Vec<M>>`, `Box<M>`.
fn model_of(ty: &Type, models: &BTreeSet<String>) -> Option<String> {
    let ty = match ty {
        Type::Group(g) => return model_of(&g.elem, models),
        Type::Path(p) => p,
        _ => return None,
    };
    let last = ty.path.segments.last()?;
    let name = last.ident.to_string();
    if matches!(name.as_str(), "Option" | "Vec" | "Box") {
        let PathArguments::AngleBracketed(args) = &last.arguments else {
            return None;
        };
        return args.args.iter().find_map(|a| match a {
            GenericArgument::Type(t) => model_of(t, models),
            _ => None,
        });
    }
    (last.arguments.is_empty() && models.contains(&name)).then_some(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_models_continue_the_path_and_scalars_end_it() {
        let mut file: syn::File = parse_quote! {
            pub mod types {
                pub struct Ticket {
                    #[serde(rename = "closedFlag")]
                    pub closed_flag: Option<bool>,
                    pub board: Option<BoardReference>,
                    #[serde(rename = "communicationItems")]
                    pub communication_items: Option<Vec<CommunicationItem>>,
                    pub r#type: Option<String>,
                }
                pub struct BoardReference { pub name: Option<String> }
                pub struct CommunicationItem { pub value: Option<String> }
                pub enum Status { A }
            }
        };
        assert_eq!(apply(&mut file), 3);
        let text = quote!(#file).to_string();
        assert!(text.contains("pub fn board (& self) -> BoardReference { BoardReference (self . 0 . child (\"board\")) }"), "{text}");
        assert!(text.contains("pub fn closed_flag (& self) -> :: psa_clients_runtime :: FieldPath { self . 0 . child (\"closedFlag\") }"), "{text}");
        assert!(
            text.contains("pub fn communication_items (& self) -> CommunicationItem"),
            "{text}"
        );
        assert!(text.contains("pub fn r#type (& self) -> :: psa_clients_runtime :: FieldPath { self . 0 . child (\"type\") }"), "{text}");
        assert!(
            text.contains("pub fn fields () -> fields :: Ticket"),
            "{text}"
        );
        assert!(!text.contains("fields :: Status"), "{text}");
    }
}
