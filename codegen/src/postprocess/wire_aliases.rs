//! `wire-aliases`: models read both the wire spelling and the document's spelling of a property.
//!
//! The `casing` correction renames properties to the spelling the live API sends (`companyID`, `accessToken`);
//! this pass adds `#[serde(alias = "CompanyID")]` so a payload in the document's spelling (older API versions,
//! webhooks, hand-written fixtures) still decodes instead of silently leaving the field `None`. Serialization
//! always writes the wire spelling.

use syn::visit_mut::{self, VisitMut};
use syn::{parse_quote, Item};

use crate::correct::WireAliases;

/// Applies the pass to the `types` module of a generated file; returns how many aliases were added.
pub fn apply(file: &mut syn::File, aliases: &WireAliases) -> usize {
    if aliases.is_empty() {
        return 0;
    }
    let mut v = AddAliases { aliases, added: 0 };
    for item in &mut file.items {
        if let Item::Mod(m) = item {
            if m.ident == "types" {
                v.visit_item_mod_mut(m);
            }
        }
    }
    v.added
}

struct AddAliases<'a> {
    aliases: &'a WireAliases,
    added: usize,
}

impl VisitMut for AddAliases<'_> {
    fn visit_item_struct_mut(&mut self, s: &mut syn::ItemStruct) {
        for field in s.fields.iter_mut() {
            let Some(ident) = &field.ident else { continue };
            let wire = serde_rename(&field.attrs)
                .unwrap_or_else(|| ident.to_string().trim_start_matches("r#").to_owned());
            if let Some(declared) = self.aliases.get(&wire) {
                for alias in declared {
                    field.attrs.push(parse_quote!(#[serde(alias = #alias)]));
                    self.added += 1;
                }
            }
        }
        visit_mut::visit_item_struct_mut(self, s);
    }
}

/// The `rename = "…"` value of a field's `#[serde(...)]` attributes.
pub(crate) fn serde_rename(attrs: &[syn::Attribute]) -> Option<String> {
    let mut found = None;
    for attr in attrs.iter().filter(|a| a.path().is_ident("serde")) {
        let _ = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("rename") {
                let value: syn::LitStr = meta.value()?.parse()?;
                found = Some(value.value());
            } else if meta.input.peek(syn::Token![=]) {
                let _: syn::Expr = meta.value()?.parse()?;
            }
            Ok(())
        });
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn renamed_and_plain_fields_get_their_declared_spelling() {
        let mut file: syn::File = parse_quote! {
            pub mod types {
                pub struct Company {
                    #[serde(rename = "companyID", skip_serializing_if = "Option::is_none")]
                    pub company_id: Option<i64>,
                    pub id: Option<i64>,
                    pub other: Option<i64>,
                }
            }
        };
        let aliases = WireAliases::from([
            (
                "companyID".to_owned(),
                BTreeSet::from(["CompanyID".to_owned()]),
            ),
            ("id".to_owned(), BTreeSet::from(["Id".to_owned()])),
        ]);
        assert_eq!(apply(&mut file, &aliases), 2);
        let out = prettyplease::unparse(&file);
        assert!(
            out.contains("#[serde(alias = \"CompanyID\")]\n        pub company_id"),
            "{out}"
        );
        assert!(
            out.contains("#[serde(alias = \"Id\")]\n        pub id"),
            "{out}"
        );
    }
}
