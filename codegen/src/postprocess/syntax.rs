//! Reading progenitor's output: the few shapes the client passes look up (modules, struct fields, `send`
//! return types), in one place so that each pass states what it needs rather than how to dig for it.

use syn::{Fields, GenericArgument, Item, ItemStruct, PathArguments, ReturnType, Type};

/// The items of the file's inline module `name`, to add to.
pub(crate) fn module_items_mut<'f>(
    file: &'f mut syn::File,
    name: &str,
) -> Option<&'f mut Vec<Item>> {
    file.items.iter_mut().find_map(|item| match item {
        Item::Mod(m) if m.ident == name => m.content.as_mut().map(|(_, items)| items),
        _ => None,
    })
}

/// The items of the file's inline module `name` (none when the file has no such module).
pub(crate) fn module_items<'f>(file: &'f syn::File, name: &str) -> &'f [Item] {
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

/// The structs of the file's `types` module.
pub(crate) fn type_structs(file: &syn::File) -> impl Iterator<Item = &ItemStruct> {
    module_items(file, "types")
        .iter()
        .filter_map(|item| match item {
            Item::Struct(s) => Some(s),
            _ => None,
        })
}

/// Whether the struct has a named field `name`.
pub(crate) fn has_field(s: &ItemStruct, name: &str) -> bool {
    field(s, name).is_some()
}

/// The named field `name` of a struct.
pub(crate) fn field<'s>(s: &'s ItemStruct, name: &str) -> Option<&'s syn::Field> {
    let Fields::Named(fields) = &s.fields else {
        return None;
    };
    fields
        .named
        .iter()
        .find(|f| f.ident.as_ref().is_some_and(|i| i == name))
}

/// The names of a struct's named fields.
pub(crate) fn named_fields(s: &ItemStruct) -> impl Iterator<Item = &syn::Ident> {
    s.fields.iter().filter_map(|f| f.ident.as_ref())
}

/// The `T` of `Result<ResponseValue<T>, _>` returned by `name`'s `send`.
pub(crate) fn send_response_type(items: &[Item], name: &syn::Ident) -> Option<Type> {
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
            syn::ImplItem::Fn(f) if f.sig.ident == "send" => response_type(&f.sig.output).cloned(),
            _ => None,
        })
    })
}

/// The `T` of a `send`'s `Result<ResponseValue<T>, _>`.
pub(crate) fn response_type(output: &ReturnType) -> Option<&Type> {
    match output {
        ReturnType::Type(_, ty) => first_generic(ty).and_then(first_generic),
        ReturnType::Default => None,
    }
}

/// Looks through the invisible groups that token interpolation leaves in progenitor's output.
pub(crate) fn peel(ty: &Type) -> &Type {
    match ty {
        Type::Group(g) => peel(&g.elem),
        Type::Paren(p) => peel(&p.elem),
        other => other,
    }
}

/// The first type argument of the path type's last segment (`T` of `Option<T>`).
pub(crate) fn first_generic(ty: &Type) -> Option<&Type> {
    let Type::Path(p) = peel(ty) else { return None };
    let PathArguments::AngleBracketed(args) = &p.path.segments.last()?.arguments else {
        return None;
    };
    args.args.iter().find_map(|a| match a {
        GenericArgument::Type(t) => Some(peel(t)),
        _ => None,
    })
}

/// `T` of a `Vec<T>`.
pub(crate) fn vec_inner(ty: &Type) -> Option<&Type> {
    let Type::Path(p) = peel(ty) else { return None };
    (p.path.segments.last()?.ident == "Vec")
        .then(|| first_generic(ty))
        .flatten()
}

/// The last segment's name of a path type (`CompanyModel` of `types::CompanyModel`).
pub(crate) fn type_name(ty: &Type) -> Option<String> {
    let Type::Path(p) = peel(ty) else { return None };
    p.path.segments.last().map(|s| s.ident.to_string())
}
