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

use std::collections::BTreeSet;

use syn::visit_mut::VisitMut;
use syn::{parse_quote, ExprMatch, Fields, Item, ItemEnum};

use super::syntax::type_name;

/// What the pass did to one file. Each opened enum has one `Display` and one `FromStr` impl from typify; the
/// tests on the real documents assert that all three counts agree, so an impl in another shape is noticed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OpenEnumsReport {
    /// String enums given an `Unknown(String)` variant.
    pub opened: usize,
    /// Their `Display` impls given the `Unknown` arm.
    pub display_impls: usize,
    /// Their `FromStr` impls whose catch-all now keeps the value.
    pub from_str_impls: usize,
}

/// Applies the pass to the `types` module.
pub fn apply(file: &mut syn::File) -> OpenEnumsReport {
    let mut report = OpenEnumsReport::default();
    for item in &mut file.items {
        let Item::Mod(m) = item else { continue };
        if m.ident != "types" {
            continue;
        }
        let Some((_, items)) = &mut m.content else {
            continue;
        };
        let mut opened = BTreeSet::new();
        for item in items.iter_mut() {
            if let Item::Enum(e) = item {
                if open(e) {
                    opened.insert(e.ident.to_string());
                }
            }
        }
        report.opened += opened.len();
        for item in items.iter_mut() {
            let Item::Impl(i) = item else { continue };
            let Some(name) = type_name(&i.self_ty) else {
                continue;
            };
            if !opened.contains(&name) {
                continue;
            }
            // Which impl it is, by the trait it implements: the arms typify writes are not read.
            match implemented_trait(i).as_deref() {
                Some("Display") => report.display_impls += usize::from(add_display_arm(i)),
                Some("FromStr") => {
                    report.from_str_impls += usize::from(keep_unlisted_in_from_str(i));
                }
                _ => {}
            }
        }
    }
    report
}

/// The last path segment of the trait an impl implements (`Display` of `impl ::std::fmt::Display for X`).
fn implemented_trait(i: &syn::ItemImpl) -> Option<String> {
    let (path, _) = i.trait_.as_ref()?;
    path.segments.last().map(|s| s.ident.to_string())
}

/// Runs `change` on the first `match` in the impl's method `name` (typify writes `match *self { … }` in `fmt`
/// and `match value { … }` in `from_str`); false when there is none or `change` declines.
fn in_method_match(
    i: &mut syn::ItemImpl,
    name: &str,
    change: impl FnOnce(&mut ExprMatch) -> bool,
) -> bool {
    struct FirstMatch<F>(Option<F>, bool);
    impl<F: FnOnce(&mut ExprMatch) -> bool> VisitMut for FirstMatch<F> {
        fn visit_expr_match_mut(&mut self, m: &mut ExprMatch) {
            if let Some(change) = self.0.take() {
                self.1 = change(m);
            }
        }
    }
    let Some(method) = i.items.iter_mut().find_map(|item| match item {
        syn::ImplItem::Fn(f) if f.sig.ident == name => Some(f),
        _ => None,
    }) else {
        return false;
    };
    let mut first = FirstMatch(Some(change), false);
    first.visit_block_mut(&mut method.block);
    first.1
}

/// `Display`: the unlisted value is written as it came.
fn add_display_arm(i: &mut syn::ItemImpl) -> bool {
    in_method_match(i, "fmt", |m| {
        m.arms
            .push(parse_quote!(Self::Unknown(ref value) => f.write_str(value),));
        true
    })
}

/// `FromStr`: the catch-all `_ => Err("invalid value".into())` keeps the value instead.
fn keep_unlisted_in_from_str(i: &mut syn::ItemImpl) -> bool {
    in_method_match(i, "from_str", |m| {
        let Some(arm) = m
            .arms
            .iter_mut()
            .find(|arm| matches!(arm.pat, syn::Pat::Wild(_)))
        else {
            return false;
        };
        arm.pat = parse_quote!(other);
        *arm.body = parse_quote!(Ok(Self::Unknown(other.to_string())));
        true
    })
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
        assert_eq!(
            apply(&mut file),
            OpenEnumsReport {
                opened: 1,
                display_impls: 1,
                from_str_impls: 1
            }
        );
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
