//! `type-builders`: drop typify's per-type builders; keep progenitor's per-operation builders.
//!
//! progenitor's builder interface (`client.get_tickets().page(2).send()`) lets callers name the parameters they
//! set, which matters for list operations with 8–40 optional parameters. But it also switches typify's struct
//! builders on for every model, which more than doubled the generated code (BMS: 135k of 214k lines) and the
//! compile time, for little gain: models are plain structs with public fields that callers can build directly.
//! This pass removes `types::builder` and `Type::builder()`, and rewrites the operation builders to hold the
//! model itself (`body(value)`); `body_map(|b| …)` goes away with the type builders.

use syn::visit_mut::{self, VisitMut};
use syn::{parse_quote, Item, ItemMod};

/// Applies the pass to a generated file.
pub fn apply(file: &mut syn::File) {
    for item in &mut file.items {
        match item {
            Item::Mod(m) if m.ident == "types" => strip_types_builders(m),
            Item::Mod(m) if m.ident == "builder" => OperationBuilders.visit_item_mod_mut(m),
            _ => {}
        }
    }
}

fn strip_types_builders(types: &mut ItemMod) {
    let Some((_, items)) = &mut types.content else {
        return;
    };
    items.retain(|item| match item {
        Item::Mod(m) => m.ident != "builder",
        // `impl X { pub fn builder() -> builder::X }` is the only inherent impl typify emits for structs.
        Item::Impl(i) if i.trait_.is_none() => !i
            .items
            .iter()
            .any(|it| matches!(it, syn::ImplItem::Fn(f) if f.sig.ident == "builder")),
        _ => true,
    });
}

struct OperationBuilders;

impl VisitMut for OperationBuilders {
    fn visit_path_mut(&mut self, path: &mut syn::Path) {
        // `types::builder::X` → `types::X`
        let is_type_builder = path.segments.len() == 3
            && path.segments[0].ident == "types"
            && path.segments[1].ident == "builder";
        if is_type_builder {
            let last = path.segments[2].clone();
            path.segments = parse_quote!(types::#last);
        }
        visit_mut::visit_path_mut(self, path);
    }

    fn visit_item_impl_mut(&mut self, i: &mut syn::ItemImpl) {
        // `body_map` (and any other `*_map` taking a type builder) has nothing to map any more.
        i.items.retain(|it| !matches!(it, syn::ImplItem::Fn(f) if f.sig.ident.to_string().ends_with("_map") && f.sig.generics.params.len() == 1));
        visit_mut::visit_item_impl_mut(self, i);
    }

    fn visit_impl_item_fn_mut(&mut self, f: &mut syn::ImplItemFn) {
        visit_mut::visit_impl_item_fn_mut(self, f);
        if f.sig.ident != "new" {
            return;
        }
        // In `new()`, a body used to start as an empty type builder; now it starts as "not set", so sending
        // without calling `body()` is an `InvalidRequest` instead of silently sending `{}`.
        let Some(syn::Stmt::Expr(syn::Expr::Struct(init), _)) = f.block.stmts.last_mut() else {
            return;
        };
        for field in init.fields.iter_mut() {
            let syn::Member::Named(name) = &field.member else {
                continue;
            };
            if name != "body" {
                continue;
            }
            field.expr = parse_quote!(Err("body was not set".to_string()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_builders_go_and_operation_builders_hold_models() {
        let mut file: syn::File = parse_quote! {
            pub mod types {
                #[derive(Default)]
                pub struct Ticket { pub id: Option<i64> }
                impl Ticket { pub fn builder() -> builder::Ticket { Default::default() } }
                impl From<&Ticket> for Ticket { fn from(v: &Ticket) -> Self { v.clone() } }
                pub mod builder { pub struct Ticket {} }
            }
            pub mod builder {
                pub struct PostTicket<'a> { client: &'a super::Client, body: Result<types::builder::Ticket, String> }
                impl<'a> PostTicket<'a> {
                    pub fn new(client: &'a super::Client) -> Self { Self { client: client, body: Ok(::std::default::Default::default()) } }
                    pub fn body_map<F>(mut self, f: F) -> Self where F: std::ops::FnOnce(types::builder::Ticket) -> types::builder::Ticket { self }
                    pub fn body<V>(mut self, value: V) -> Self { self }
                }
            }
        };
        apply(&mut file);
        let out = prettyplease::unparse(&file);
        assert!(!out.contains("builder::Ticket"), "{out}");
        assert!(!out.contains("body_map"), "{out}");
        assert!(out.contains("body: Result<types::Ticket, String>"), "{out}");
        assert!(
            out.contains("body: Err(\"body was not set\".to_string())"),
            "{out}"
        );
        assert!(out.contains("impl From<&Ticket> for Ticket"), "{out}");
    }
}
