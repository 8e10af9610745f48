//! API surface listing: one compact line per operation and per type, the thing reviewers read when a vendor
//! document changes (committed under `generated/`, checked by snapshot tests).
//!
//! It is read off the generated code itself, after every correction and post-processing pass, so the listing
//! shows exactly what users will call.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use quote::ToTokens;
use syn::{FnArg, ImplItem, Item, ReturnType, Type};

use crate::postprocess::wire_aliases::serde_rename;
use crate::render::Rendered;

/// The surface of a rendered vendor: `operations` and `types` sections, sorted.
pub fn surface(rendered: &Rendered) -> String {
    let mut ops = BTreeMap::new();
    let mut types = BTreeMap::new();
    for f in &rendered.files {
        let module = if f.module.is_empty() || f.module == "types" {
            String::new()
        } else {
            format!("{}::", f.module)
        };
        collect_operations(&f.file, &module, &mut ops);
        collect_types(&f.file, &mut types);
    }
    let mut out = String::new();
    let _ = writeln!(out, "# operations ({})", ops.len());
    for line in ops.values() {
        let _ = writeln!(out, "{line}");
    }
    let _ = writeln!(out, "\n# types ({})", types.len());
    for line in types.values() {
        let _ = writeln!(out, "{line}");
    }
    out
}

/// Operations: `METHOD /path module::method(param: Type, …) -> Response`, keyed by path and method.
fn collect_operations(file: &syn::File, module: &str, out: &mut BTreeMap<String, String>) {
    let mut builders: BTreeMap<String, &syn::ItemStruct> = BTreeMap::new();
    let mut sends: BTreeMap<String, &syn::ImplItemFn> = BTreeMap::new();
    for item in &file.items {
        if let Item::Mod(m) = item {
            if m.ident != "builder" {
                continue;
            }
            for it in m.content.iter().flat_map(|(_, items)| items) {
                match it {
                    Item::Struct(s) => {
                        builders.insert(s.ident.to_string(), s);
                    }
                    Item::Impl(i) => {
                        if let Type::Path(p) = &*i.self_ty {
                            let name = p
                                .path
                                .segments
                                .last()
                                .map(|s| s.ident.to_string())
                                .unwrap_or_default();
                            for f in &i.items {
                                if let ImplItem::Fn(f) = f {
                                    if f.sig.ident == "send" {
                                        sends.insert(name.clone(), f);
                                    }
                                }
                            }
                        }
                    }
                    _ => {}
                }
            }
        }
    }
    for item in &file.items {
        let Item::Impl(i) = item else { continue };
        if !matches!(&*i.self_ty, Type::Path(p) if p.path.is_ident("Client")) || i.trait_.is_some()
        {
            continue;
        }
        for f in &i.items {
            let ImplItem::Fn(f) = f else { continue };
            let name = f.sig.ident.to_string();
            let (route, params, response) = if f.sig.asyncness.is_some() {
                let params = f.sig.inputs.iter().filter_map(|a| match a {
                    FnArg::Typed(t) => {
                        Some(format!("{}: {}", t.pat.to_token_stream(), compact(&t.ty)))
                    }
                    FnArg::Receiver(_) => None,
                });
                (
                    route_from_doc(&f.attrs),
                    params.collect::<Vec<_>>(),
                    response_of(&f.sig.output),
                )
            } else {
                let ReturnType::Type(_, ty) = &f.sig.output else {
                    continue;
                };
                let Type::Path(p) = &**ty else { continue };
                let Some(builder) = p.path.segments.last().map(|s| s.ident.to_string()) else {
                    continue;
                };
                let (Some(s), Some(send)) = (builders.get(&builder), sends.get(&builder)) else {
                    continue;
                };
                let params = s
                    .fields
                    .iter()
                    .filter(|f| f.ident.as_ref().is_some_and(|i| i != "client"))
                    .map(|f| {
                        format!(
                            "{}: {}",
                            f.ident
                                .as_ref()
                                .map(ToString::to_string)
                                .unwrap_or_default(),
                            compact(unwrap_result(&f.ty))
                        )
                    })
                    .collect();
                (
                    route_from_doc(&send.attrs),
                    params,
                    response_of(&send.sig.output),
                )
            };
            out.insert(
                format!("{route} {name}"),
                format!(
                    "{route} {module}{name}({}) -> {response}",
                    params.join(", ")
                ),
            );
        }
    }
}

/// Types: `struct Name { field: Type, wire_name="field": Type }` / `enum Name { A, B }`.
fn collect_types(file: &syn::File, out: &mut BTreeMap<String, String>) {
    for item in &file.items {
        let Item::Mod(m) = item else { continue };
        if m.ident != "types" {
            continue;
        }
        for it in m.content.iter().flat_map(|(_, items)| items) {
            match it {
                Item::Struct(s) => {
                    let fields: Vec<String> = s
                        .fields
                        .iter()
                        .map(|f| {
                            let ty = compact(&f.ty);
                            match (&f.ident, serde_rename(&f.attrs)) {
                                (Some(i), Some(wire)) => format!("{i} \"{wire}\": {ty}"),
                                (Some(i), None) => format!("{i}: {ty}"),
                                (None, _) => ty,
                            }
                        })
                        .collect();
                    let body = match s.fields {
                        syn::Fields::Unnamed(_) => format!("({})", fields.join(", ")),
                        _ => format!(" {{ {} }}", fields.join(", ")),
                    };
                    out.insert(s.ident.to_string(), format!("struct {}{body}", s.ident));
                }
                Item::Enum(e) => {
                    let variants: Vec<String> = e
                        .variants
                        .iter()
                        .map(|v| {
                            let wire = serde_rename(&v.attrs)
                                .map(|w| format!(" \"{w}\""))
                                .unwrap_or_default();
                            match &v.fields {
                                syn::Fields::Unit => format!("{}{wire}", v.ident),
                                fields => format!(
                                    "{}({}){wire}",
                                    v.ident,
                                    fields
                                        .iter()
                                        .map(|f| compact(&f.ty))
                                        .collect::<Vec<_>>()
                                        .join(", ")
                                ),
                            }
                        })
                        .collect();
                    out.insert(
                        e.ident.to_string(),
                        format!("enum {} {{ {} }}", e.ident, variants.join(", ")),
                    );
                }
                Item::Type(t) => {
                    out.insert(
                        t.ident.to_string(),
                        format!("type {} = {}", t.ident, compact(&t.ty)),
                    );
                }
                _ => {}
            }
        }
    }
}

fn route_from_doc(attrs: &[syn::Attribute]) -> String {
    for attr in attrs.iter().filter(|a| a.path().is_ident("doc")) {
        let syn::Meta::NameValue(nv) = &attr.meta else {
            continue;
        };
        let syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(s),
            ..
        }) = &nv.value
        else {
            continue;
        };
        let text = s.value();
        // progenitor: "Sends a `POST` request to `/path`"; multipart emitter: "`POST /path`".
        let ticks: Vec<&str> = text.split('`').skip(1).step_by(2).collect();
        match ticks.as_slice() {
            [method, path, ..] if method.chars().all(|c| c.is_ascii_uppercase()) => {
                return format!("{method} {path}")
            }
            [route, ..] if route.contains(' ') => return (*route).to_owned(),
            _ => {}
        }
    }
    "? ?".into()
}

fn response_of(output: &ReturnType) -> String {
    // Result<ResponseValue<T>, Error<E>> → T
    let ReturnType::Type(_, ty) = output else {
        return "()".into();
    };
    let ok = generic_args(ty).into_iter().next();
    let inner = ok.and_then(|t| generic_args(t).into_iter().next());
    inner.map(compact).unwrap_or_else(|| compact(ty))
}

fn unwrap_result(ty: &Type) -> &Type {
    match ty {
        Type::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == "Result") => {
            generic_args(ty).into_iter().next().unwrap_or(ty)
        }
        _ => ty,
    }
}

fn generic_args(ty: &Type) -> Vec<&Type> {
    let Type::Path(p) = ty else { return Vec::new() };
    let Some(last) = p.path.segments.last() else {
        return Vec::new();
    };
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
        return Vec::new();
    };
    args.args
        .iter()
        .filter_map(|a| {
            if let syn::GenericArgument::Type(t) = a {
                Some(t)
            } else {
                None
            }
        })
        .collect()
}

/// `::std::option::Option<::std::vec::Vec<types::Ticket>>` → `Option<Vec<Ticket>>`.
pub fn compact(ty: &Type) -> String {
    match ty {
        Type::Path(p) => {
            let Some(last) = p.path.segments.last() else {
                return String::new();
            };
            let args = generic_args(ty);
            let name = if last.ident == "Timestamp" {
                "Timestamp".to_owned()
            } else {
                last.ident.to_string()
            };
            if args.is_empty() {
                name
            } else {
                format!(
                    "{name}<{}>",
                    args.into_iter().map(compact).collect::<Vec<_>>().join(", ")
                )
            }
        }
        Type::Reference(r) => format!("&{}", compact(&r.elem)),
        Type::ImplTrait(t) => t
            .to_token_stream()
            .to_string()
            .replace(" :: ", "::")
            .replace(":: ", ""),
        other => other.to_token_stream().to_string(),
    }
}
