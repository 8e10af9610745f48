//! `open-enums`: string enums keep values the document does not list.
//!
//! typify's enums are closed: a vendor adding a status, a colour or a record type would make every response that
//! carries it fail to decode (seen in the fixtures: a ConnectWise priority colour `blue` where the document lists
//! `Blue`). Each string enum gets a last variant `Unknown(String)`, marked `#[serde(untagged)]`, so an unlisted
//! value decodes into it and serializes back unchanged; `FromStr` and `Display` round-trip it too.
//!
//! The variant is read through `psa_clients_runtime::lenient::unknown_variant::<Enum, _>` (`deserialize_with`):
//! serde tries it only after every listed value, so that function sees exactly the unlisted values and reports
//! them as drift when the client records it (`client.drift()`), or refuses them in strict mode. Once decoded,
//! an unknown value cannot be told from a listed one by anything else.

use syn::visit_mut::VisitMut;
use syn::{parse_quote, Fields, Item, ItemEnum};

/// Applies the pass to the `types` module; returns how many enums were opened.
pub fn apply(file: &mut syn::File) -> usize {
    let mut opened = Vec::new();
    for item in &mut file.items {
        let Item::Mod(m) = item else { continue };
        if m.ident != "types" {
            continue;
        }
        let Some((_, items)) = &mut m.content else {
            continue;
        };
        for item in items.iter_mut() {
            if let Item::Enum(e) = item {
                if open(e) {
                    opened.push(e.ident.to_string());
                }
            }
        }
        for item in items.iter_mut() {
            let Item::Impl(i) = item else { continue };
            let syn::Type::Path(p) = &*i.self_ty else {
                continue;
            };
            let Some(name) = p.path.segments.last().map(|s| s.ident.to_string()) else {
                continue;
            };
            if opened.contains(&name) {
                FixImpl.visit_item_impl_mut(i);
            }
        }
    }
    opened.len()
}

fn open(e: &mut ItemEnum) -> bool {
    let all_unit =
        !e.variants.is_empty() && e.variants.iter().all(|v| matches!(v.fields, Fields::Unit));
    let serde = e.attrs.iter().any(|a| {
        a.path().is_ident("derive") && quote::quote!(#a).to_string().contains("Deserialize")
    });
    let tagged = e.attrs.iter().any(|a| a.path().is_ident("serde"));
    if !all_unit || !serde || tagged {
        return false;
    }
    for attr in e.attrs.iter_mut().filter(|a| a.path().is_ident("derive")) {
        let syn::Meta::List(list) = &attr.meta else {
            continue;
        };
        let paths = list.parse_args_with(
            syn::punctuated::Punctuated::<syn::Path, syn::Token![,]>::parse_terminated,
        );
        if let Ok(paths) = paths {
            let kept: Vec<&syn::Path> = paths.iter().filter(|p| !p.is_ident("Copy")).collect();
            *attr = parse_quote!(#[derive(#(#kept),*)]);
        }
    }
    let read = format!(
        "::psa_clients_runtime::lenient::unknown_variant::<{}, _>",
        e.ident
    );
    e.variants.push(parse_quote! {
        /// A value the vendor document does not list (kept as sent, so it survives a round trip).
        #[serde(untagged, deserialize_with = #read)]
        Unknown(::std::string::String)
    });
    true
}

struct FixImpl;

impl VisitMut for FixImpl {
    fn visit_expr_match_mut(&mut self, m: &mut syn::ExprMatch) {
        let is_display = m
            .arms
            .iter()
            .any(|a| quote::quote!(#a).to_string().contains("write_str"));
        if is_display {
            m.arms
                .push(parse_quote!(Self::Unknown(ref value) => f.write_str(value),));
            return;
        }
        // FromStr: the catch-all `_ => Err("invalid value".into())` now keeps the value.
        for arm in m.arms.iter_mut() {
            if matches!(arm.pat, syn::Pat::Wild(_)) {
                arm.pat = parse_quote!(other);
                *arm.body = parse_quote!(Ok(Self::Unknown(other.to_string())));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enums_gain_unknown_and_their_impls_follow() {
        let mut file: syn::File = parse_quote! {
            pub mod types {
                #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Copy, Debug, Eq, PartialEq)]
                pub enum Color { Blue, #[serde(rename = "dark red")] DarkRed }
                impl ::std::fmt::Display for Color {
                    fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        match *self { Self::Blue => f.write_str("Blue"), Self::DarkRed => f.write_str("dark red") }
                    }
                }
                impl ::std::str::FromStr for Color {
                    type Err = self::error::ConversionError;
                    fn from_str(value: &str) -> ::std::result::Result<Self, self::error::ConversionError> {
                        match value { "Blue" => Ok(Self::Blue), _ => Err("invalid value".into()) }
                    }
                }
                #[serde(untagged)]
                #[derive(::serde::Deserialize)]
                pub enum Either { A(String), B(i64) }
            }
        };
        assert_eq!(apply(&mut file), 1);
        let out = prettyplease::unparse(&file);
        assert!(
            out.contains(
                "#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Eq, PartialEq)]"
            ),
            "{out}"
        );
        assert!(
            out.contains(
                "#[serde(\n            untagged,\n            deserialize_with = \"::psa_clients_runtime::lenient::unknown_variant::<Color, _>\"\n        )]\n        Unknown(::std::string::String),"
            ),
            "{out}"
        );
        assert!(
            out.contains("Self::Unknown(ref value) => f.write_str(value)"),
            "{out}"
        );
        assert!(
            out.contains("other => Ok(Self::Unknown(other.to_string()))"),
            "{out}"
        );
        assert!(
            !out.contains("B(i64),\n        #[serde(untagged)]\n        Unknown"),
            "{out}"
        );
    }
}
