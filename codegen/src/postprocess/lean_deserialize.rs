//! `lean-deserialize`: replace serde's derived `Deserialize` on plain models with a smaller hand-shaped impl.
//!
//! serde's derive expands every struct into a field enum with its own `Deserialize` impl, identifier
//! visitors for integers, strings and bytes, a sequence visitor and a map visitor. Over the vendor documents'
//! thousands of models that expansion dominated the build: BMS types-only 47 s, 10 s without the derive.
//! JSON objects only ever need the map visitor, so this pass writes that alone: one `match` on the key with
//! the wire name and aliases as string patterns, each arm one call to `psa_clients_runtime::de::set`.
//!
//! The behaviour is the derive's, checked by the runtime crate's tests and the fixture round trips: wire
//! names (`rename`) and `alias`es, `default`, duplicate keys are an error, missing `Option` fields are `None`
//! and other missing fields a "missing field" error, unknown keys skipped unless `deny_unknown_fields`.
//! A struct with anything else (generics, tuple fields, `flatten`, `with`, `default = "…"`, other container
//! attributes) keeps the derive.
//!
//! Models that accept unknown keys (every schema reachable from a response: see the `lenient-responses`
//! correction) are also lenient (`psa_clients_runtime::lenient`): they get an `extra` field that keeps every key
//! the document does not declare with its JSON value, written back by `Serialize` (`#[serde(flatten)]`), and
//! each optional field whose value does not fit its type (`""` for a date-time, `{}` for a list) reads as
//! absent with the value kept in `extra` and a problem recorded, instead of failing the record. Required
//! fields (request-only schemas) and models that deny unknown keys stay strict.
//!
//! A lenient model also checks, after the last key, that the fields the vendor document called required (the
//! `required` list the `lenient-responses` correction dropped) and the `always_present` fields of the
//! correction data were there: each one absent (not sent at all; `null` is there, and a misfit is already
//! reported as `wrong_type`) is reported as `missing_field` drift at its JSON path, and fails the decode in
//! strict mode (`psa_clients_runtime::lenient::expected`). The work per record is one `Option::is_none` test
//! per such field; only an absent one reads the drift mode.
//!
//! With the envelope guard on (BMS, `envelopes = "bms"`), a lenient model that is not itself an envelope refuses
//! a body that is obviously the vendor's `{success, error, result}` envelope — every key one of those (either
//! casing) and none of its own fields — with a decode error (`psa_clients_runtime::lenient::refuse_envelope`),
//! where it would otherwise read as a record with every field `None` and the envelope in `extra`.
//!
//! [`UNKNOWN_FIELDS_ENV`] set to `skip` generates every model strict instead (unknown keys skipped, no `extra`,
//! misfits fail the record): the models as they were before this policy, so its compile-time and decode cost can
//! be measured side by side (README "Nothing lost, nothing fails"). It is for that measurement only; the
//! library's promises hold only for the default.

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::punctuated::Punctuated;
use syn::{parse_quote, Attribute, Fields, Item, ItemStruct, LitStr, Meta, Token};

use crate::correct::ExpectedFields;

/// The environment variable that switches the policy off for a measurement (see the module docs); the generated
/// crates' build script re-runs when it changes.
pub const UNKNOWN_FIELDS_ENV: &str = "PSA_CODEGEN_UNKNOWN_FIELDS";

/// What the models do with keys and values the document does not predict.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnknownFields {
    /// Keep them in `extra` and read misfits as absent (the library's policy).
    Keep,
    /// Skip unknown keys and fail on misfits, as serde's derive does (for measuring the policy's cost only).
    Skip,
}

impl UnknownFields {
    /// The policy [`UNKNOWN_FIELDS_ENV`] asks for: `skip`, or `Keep` when it is unset or anything else.
    pub fn from_env() -> Self {
        match std::env::var(UNKNOWN_FIELDS_ENV).as_deref() {
            Ok("skip") => Self::Skip,
            _ => Self::Keep,
        }
    }
}

/// Applies the pass to the `types` module of a generated file, with the expected fields of the response models
/// by type name; returns how many structs it rewrote and how many fields it checks for presence.
/// `envelope_guard`: lenient models refuse a body that is the BMS envelope (see the module docs).
pub fn apply(
    file: &mut syn::File,
    expected: &BTreeMap<String, &ExpectedFields>,
    envelope_guard: bool,
) -> (usize, usize) {
    let unknown = UnknownFields::from_env();
    let mut rewritten = (0, 0);
    for item in &mut file.items {
        if let Item::Mod(m) = item {
            if m.ident == "types" {
                if let Some((_, items)) = &mut m.content {
                    let (structs, checked) = apply_items(items, expected, envelope_guard, unknown);
                    rewritten.0 += structs;
                    rewritten.1 += checked;
                }
            }
        }
    }
    rewritten
}

fn apply_items(
    items: &mut Vec<Item>,
    expected: &BTreeMap<String, &ExpectedFields>,
    envelope_guard: bool,
    unknown: UnknownFields,
) -> (usize, usize) {
    let names = TypeNames::of(items);
    let mut rewritten = 0;
    let mut checked = 0;
    let mut out = Vec::with_capacity(items.len());
    for mut item in items.drain(..) {
        let lean = match &mut item {
            Item::Struct(s) => {
                let expected = expected.get(&s.ident.to_string()).copied();
                lean_impl(s, &names, expected, envelope_guard, unknown).map(
                    |(imp, lenient, expects)| {
                        remove_derive(s);
                        if lenient {
                            add_extra_field(s);
                        }
                        checked += expects;
                        imp
                    },
                )
            }
            _ => None,
        };
        out.push(item);
        // Right after its struct, where a reader looks for it.
        if let Some(imp) = lean {
            out.push(imp);
            rewritten += 1;
        }
    }
    *items = out;
    (rewritten, checked)
}

/// What the impl needs to know of one field.
struct Field {
    ident: syn::Ident,
    wire: String,
    aliases: Vec<String>,
    default: bool,
    /// How a lenient model reads it; `None`: strictly (a required field, or a type that takes any shape).
    shape: Option<Shape>,
    /// How a lenient list's elements are read (`lenient::set_list`); `None`: as their type asks.
    element: Option<Shape>,
    /// A lenient model's field the response must have (document-required or always present): its absence is
    /// reported as drift.
    expected: bool,
}

/// `psa_clients_runtime::lenient::Shape`.
#[derive(Clone, Copy)]
enum Shape {
    Scalar,
    List,
    Object,
}

impl Shape {
    /// The variant's name in `psa_clients_runtime::lenient::Shape`.
    fn tokens(self) -> TokenStream {
        match self {
            Shape::Scalar => quote!(Scalar),
            Shape::List => quote!(List),
            Shape::Object => quote!(Object),
        }
    }
}

/// The name of the field that keeps what a lenient model does not declare.
const EXTRA: &str = "extra";

/// The structs and enums of the `types` module, to tell a nested model from a string enum.
struct TypeNames {
    structs: std::collections::BTreeSet<String>,
}

impl TypeNames {
    fn of(items: &[Item]) -> Self {
        let structs = items
            .iter()
            .filter_map(|item| match item {
                Item::Struct(s) => Some(s.ident.to_string()),
                _ => None,
            })
            .collect();
        Self { structs }
    }

    /// The shape a field of type `ty` takes, if the pass can read it leniently; `None` for `Option`-less
    /// types the caller must treat strictly and for types that may take any shape (JSON values, enums).
    fn shape(&self, ty: &syn::Type) -> Option<Shape> {
        let last = last_segment(ty)?;
        let name = last.ident.to_string();
        match name.as_str() {
            "Vec" => Some(Shape::List),
            "HashMap" | "BTreeMap" | "Map" => Some(Shape::Object),
            "String" | "bool" | "i8" | "i16" | "i32" | "i64" | "i128" | "u8" | "u16" | "u32"
            | "u64" | "u128" | "f32" | "f64" | "Timestamp" | "Uuid" | "NaiveDate"
            | "NaiveDateTime" | "DateTime" | "Secret" | "TimeOfDay" => Some(Shape::Scalar),
            _ if self.structs.contains(&name) => Some(Shape::Object),
            _ => None,
        }
    }
}

fn last_segment(ty: &syn::Type) -> Option<&syn::PathSegment> {
    match ty {
        syn::Type::Path(p) if p.qself.is_none() => p.path.segments.last(),
        _ => None,
    }
}

/// `T` of `Vec<T>` (or of any type with one generic argument; only a list's is asked for).
fn single_generic(ty: &syn::Type) -> Option<&syn::Type> {
    match &last_segment(ty)?.arguments {
        syn::PathArguments::AngleBracketed(args) if args.args.len() == 1 => {
            match args.args.first()? {
                syn::GenericArgument::Type(inner) => Some(inner),
                _ => None,
            }
        }
        _ => None,
    }
}

/// `T` of `Option<T>`.
fn option_inner(ty: &syn::Type) -> Option<&syn::Type> {
    let last = last_segment(ty)?;
    if last.ident != "Option" {
        return None;
    }
    match &last.arguments {
        syn::PathArguments::AngleBracketed(args) => match args.args.first()? {
            syn::GenericArgument::Type(inner) if args.args.len() == 1 => Some(inner),
            _ => None,
        },
        _ => None,
    }
}

/// Adds `pub extra: Extra`, which keeps unknown keys and misfit values and writes them back.
fn add_extra_field(s: &mut ItemStruct) {
    let Fields::Named(named) = &mut s.fields else {
        return;
    };
    named.named.push(parse_quote! {
        /// Keys the vendor document does not declare and values that did not fit their declared type, as
        /// received (see `psa_clients_runtime::Extra`); written back when the model is serialized.
        #[serde(flatten, skip_serializing_if = "::psa_clients_runtime::Extra::is_empty")]
        pub extra: ::psa_clients_runtime::Extra
    });
}

/// The impl for `s`, if it derives `Deserialize` and has only attributes this pass reproduces, whether the
/// model is lenient (then the caller adds the `extra` field the impl fills), and how many fields it checks for
/// presence. `envelope_guard`: a lenient model that is not an envelope refuses the BMS envelope.
fn lean_impl(
    s: &ItemStruct,
    names: &TypeNames,
    expected: Option<&ExpectedFields>,
    envelope_guard: bool,
    unknown: UnknownFields,
) -> Option<(Item, bool, usize)> {
    if !derives_deserialize(&s.attrs) || !s.generics.params.is_empty() {
        return None;
    }
    let mut deny_unknown = false;
    for meta in serde_metas(&s.attrs)? {
        match meta {
            Meta::Path(p) if p.is_ident("deny_unknown_fields") => deny_unknown = true,
            _ => return None,
        }
    }
    let Fields::Named(named) = &s.fields else {
        return None;
    };
    let lenient = !deny_unknown
        && unknown == UnknownFields::Keep
        && named
            .named
            .iter()
            .all(|f| f.ident.as_ref().is_none_or(|i| i != EXTRA));
    let mut fields = Vec::new();
    for f in &named.named {
        let ident = f.ident.clone()?;
        let mut field = Field {
            wire: ident.to_string().trim_start_matches("r#").to_owned(),
            ident,
            aliases: Vec::new(),
            default: false,
            shape: None,
            element: None,
            expected: false,
        };
        for meta in serde_metas(&f.attrs)? {
            match &meta {
                Meta::NameValue(nv) if nv.path.is_ident("rename") => {
                    field.wire = lit_str(&nv.value)?
                }
                Meta::NameValue(nv) if nv.path.is_ident("alias") => {
                    field.aliases.push(lit_str(&nv.value)?)
                }
                // Serialization only.
                Meta::NameValue(nv) if nv.path.is_ident("skip_serializing_if") => {}
                Meta::Path(p) if p.is_ident("default") => field.default = true,
                _ => return None,
            }
        }
        if lenient {
            // Optional and defaulted fields can be absent; required ones stay strict.
            let optional = option_inner(&f.ty);
            let read = match optional {
                Some(inner) => Some(inner),
                None if field.default => Some(&f.ty),
                None => None,
            };
            field.shape = read.and_then(|ty| names.shape(ty));
            // Single values only: a list of records with one that is no record (`null`, a string) stays an
            // error, at its path — read leniently, the whole list would go to `extra` and a page would look
            // empty, which is silent truncation.
            field.element = read
                .and_then(single_generic)
                .and_then(|element| names.shape(element))
                .filter(|shape| matches!(shape, Shape::Scalar));
            // A strict field's absence is an error already.
            field.expected = (optional.is_some() || field.default)
                && expected.is_some_and(|e| e.expects(&field.wire));
        }
        fields.push(field);
    }
    let expects = fields.iter().filter(|f| f.expected).count();
    // An envelope itself (a `success` or `result` field) is what the guard is for, not what it refuses.
    let is_envelope = fields
        .iter()
        .any(|f| f.wire.eq_ignore_ascii_case("success") || f.wire.eq_ignore_ascii_case("result"));
    let guard = envelope_guard && lenient && !is_envelope;
    Some((
        render(&s.ident, &fields, deny_unknown, lenient, guard),
        lenient,
        expects,
    ))
}

fn render(
    name: &syn::Ident,
    fields: &[Field],
    deny_unknown: bool,
    lenient: bool,
    guard: bool,
) -> Item {
    let expecting = format!("struct {name}");
    let type_name = name.to_string();
    let slots: Vec<_> = (0..fields.len())
        .map(|i| format_ident!("__field{i}"))
        .collect();
    let wires: Vec<&str> = fields.iter().map(|f| f.wire.as_str()).collect();
    let arms = fields.iter().zip(&slots).map(|(f, slot)| {
        let wire = &f.wire;
        let aliases = &f.aliases;
        let read = match f.shape {
            None => quote!(::psa_clients_runtime::de::set(&mut #slot, &mut map, #wire)?),
            // Element by element, so one element of the wrong shape does not fail the record.
            Some(Shape::List) => {
                let element = match f.element {
                    Some(shape) => {
                        let shape = shape.tokens();
                        quote!(::std::option::Option::Some(::psa_clients_runtime::lenient::Shape::#shape))
                    }
                    None => quote!(::std::option::Option::None),
                };
                quote! {
                    ::psa_clients_runtime::lenient::set_list(
                        &mut #slot, &mut map, #wire, #element, &mut __extra,
                    )?
                }
            }
            Some(shape) => {
                let shape = shape.tokens();
                quote! {
                    ::psa_clients_runtime::lenient::set(
                        &mut #slot, &mut map, #wire, ::psa_clients_runtime::lenient::Shape::#shape, &mut __extra,
                    )?
                }
            }
        };
        quote! {
            #wire #(| #aliases)* => #read,
        }
    });
    let unknown: TokenStream = if deny_unknown {
        quote!(other => return Err(::serde::de::Error::unknown_field(other, FIELDS)),)
    } else if lenient {
        quote!(other => ::psa_clients_runtime::lenient::keep(&mut map, other, &mut __extra)?,)
    } else {
        quote!(_ => ::psa_clients_runtime::de::skip(&mut map)?,)
    };
    let (extra_init, extra_value) = if lenient {
        (
            quote!(let mut __extra = ::psa_clients_runtime::Extra::default();),
            quote!(extra: __extra,),
        )
    } else {
        (quote!(), quote!())
    };
    // After the last key, so an absent field is known; before `extra` moves into the model.
    let checks = fields
        .iter()
        .zip(&slots)
        .filter(|(f, _)| f.expected)
        .map(|(f, slot)| {
            let wire = &f.wire;
            quote!(::psa_clients_runtime::lenient::expected(&#slot, #wire, &__extra)?;)
        });
    let (count_init, count_key, refuse) = if guard {
        (
            quote!(let mut __keys = 0usize;),
            quote!(__keys += 1;),
            quote!(::psa_clients_runtime::lenient::refuse_envelope(__keys, &__extra, #type_name)?;),
        )
    } else {
        (quote!(), quote!(), quote!())
    };
    let values = fields.iter().zip(&slots).map(|(f, slot)| {
        let ident = &f.ident;
        let wire = &f.wire;
        if f.default {
            quote!(#ident: #slot.unwrap_or_default())
        } else {
            quote!(#ident: ::psa_clients_runtime::de::take(#slot, #wire)?)
        }
    });
    parse_quote! {
        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D>(deserializer: D) -> ::std::result::Result<Self, D::Error>
            where
                D: ::serde::Deserializer<'de>,
            {
                const FIELDS: &[&str] = &[#(#wires),*];
                struct Visitor;
                impl<'de> ::serde::de::Visitor<'de> for Visitor {
                    type Value = #name;
                    fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.write_str(#expecting)
                    }
                    fn visit_map<A>(self, mut map: A) -> ::std::result::Result<#name, A::Error>
                    where
                        A: ::serde::de::MapAccess<'de>,
                    {
                        #(let mut #slots = ::std::option::Option::None;)*
                        #extra_init
                        #count_init
                        while let ::std::option::Option::Some(key) =
                            map.next_key::<::psa_clients_runtime::de::Key<'de>>()?
                        {
                            #count_key
                            match key.as_str() {
                                #(#arms)*
                                #unknown
                            }
                        }
                        #refuse
                        #(#checks)*
                        ::std::result::Result::Ok(#name { #(#values,)* #extra_value })
                    }
                }
                deserializer.deserialize_struct(#type_name, FIELDS, Visitor)
            }
        }
    }
}

fn derives_deserialize(attrs: &[Attribute]) -> bool {
    derive_paths(attrs).any(|p| is_deserialize(&p))
}

fn is_deserialize(path: &syn::Path) -> bool {
    path.segments
        .last()
        .is_some_and(|s| s.ident == "Deserialize")
}

fn derive_paths(attrs: &[Attribute]) -> impl Iterator<Item = syn::Path> + '_ {
    attrs
        .iter()
        .filter(|a| a.path().is_ident("derive"))
        .filter_map(|a| {
            a.parse_args_with(Punctuated::<syn::Path, Token![,]>::parse_terminated)
                .ok()
        })
        .flatten()
}

fn remove_derive(s: &mut ItemStruct) {
    for attr in &mut s.attrs {
        if !attr.path().is_ident("derive") {
            continue;
        }
        let Ok(paths) = attr.parse_args_with(Punctuated::<syn::Path, Token![,]>::parse_terminated)
        else {
            continue;
        };
        let kept: Vec<_> = paths.into_iter().filter(|p| !is_deserialize(p)).collect();
        *attr = parse_quote!(#[derive(#(#kept),*)]);
    }
    // `#[serde(…)]` needs a serde derive to be an accepted attribute.
    let serializes =
        derive_paths(&s.attrs).any(|p| p.segments.last().is_some_and(|s| s.ident == "Serialize"));
    if !serializes {
        let not_serde = |a: &Attribute| !a.path().is_ident("serde");
        s.attrs.retain(not_serde);
        for field in &mut s.fields {
            field.attrs.retain(not_serde);
        }
    }
}

/// Every `name` / `name = value` inside the `#[serde(…)]` attributes, or `None` if one does not parse.
fn serde_metas(attrs: &[Attribute]) -> Option<Vec<Meta>> {
    let mut metas = Vec::new();
    for attr in attrs.iter().filter(|a| a.path().is_ident("serde")) {
        let list = attr
            .parse_args_with(Punctuated::<Meta, Token![,]>::parse_terminated)
            .ok()?;
        metas.extend(list);
    }
    Some(metas)
}

fn lit_str(expr: &syn::Expr) -> Option<String> {
    match expr {
        syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(s),
            ..
        }) => Some(LitStr::value(s)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::ToTokens;

    fn types(items: TokenStream) -> syn::File {
        parse_quote!(pub mod types { #items })
    }

    #[test]
    fn plain_model_gets_the_map_visitor_and_loses_the_derive() {
        let mut file = types(quote! {
            #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Default)]
            pub struct Ticket {
                #[serde(skip_serializing_if = "::std::option::Option::is_none")]
                #[serde(alias = "Id")]
                pub id: ::std::option::Option<i64>,
                #[serde(rename = "companyID", skip_serializing_if = "::std::option::Option::is_none")]
                #[serde(alias = "CompanyID")]
                pub company_id: ::std::option::Option<i64>,
                #[serde(default, skip_serializing_if = "::std::vec::Vec::is_empty")]
                pub tags: ::std::vec::Vec<::std::string::String>,
                pub r#type: ::std::string::String,
            }
        });
        let fields = ExpectedFields {
            required: ["type", "tags"].map(String::from).into(),
            always_present: ["companyID"].map(String::from).into(),
        };
        let expected = BTreeMap::from([("Ticket".to_owned(), &fields)]);
        // `type` is strict (not an `Option`): its absence fails already, so only two are checked.
        assert_eq!(apply(&mut file, &expected, false), (1, 2));
        let out = file.to_token_stream().to_string();
        assert!(
            out.contains("# [derive (:: serde :: Serialize , Clone , Debug , Default)]"),
            "{out}"
        );
        for expected in [
            // Lenient: an optional scalar, a defaulted list; the required `type` stays strict.
            r#""id" | "Id" => :: psa_clients_runtime :: lenient :: set (& mut __field0 , & mut map , "id" , :: psa_clients_runtime :: lenient :: Shape :: Scalar , & mut __extra ,) ?"#,
            r#""companyID" | "CompanyID" =>"#,
            // A list, element by element (its elements are single values).
            r#""tags" => :: psa_clients_runtime :: lenient :: set_list (& mut __field2 , & mut map , "tags" , :: std :: option :: Option :: Some (:: psa_clients_runtime :: lenient :: Shape :: Scalar) , & mut __extra ,) ?"#,
            r#""type" => :: psa_clients_runtime :: de :: set (& mut __field3 , & mut map , "type") ?"#,
            r#"tags : __field2 . unwrap_or_default ()"#,
            r#"r#type : :: psa_clients_runtime :: de :: take (__field3 , "type") ?"#,
            r#"const FIELDS : & [& str] = & ["id" , "companyID" , "tags" , "type"]"#,
            // Unknown keys are kept, and written back through the flattened `extra` field.
            r#"other => :: psa_clients_runtime :: lenient :: keep (& mut map , other , & mut __extra) ?"#,
            r#"extra : __extra ,"#,
            // The expected fields are checked for presence after the last key.
            r#"} } :: psa_clients_runtime :: lenient :: expected (& __field1 , "companyID" , & __extra) ? ; :: psa_clients_runtime :: lenient :: expected (& __field2 , "tags" , & __extra) ? ; :: std :: result :: Result :: Ok"#,
            r#"# [serde (flatten , skip_serializing_if = "::psa_clients_runtime::Extra::is_empty")] pub extra : :: psa_clients_runtime :: Extra"#,
        ] {
            assert!(out.contains(expected), "{expected} not in {out}");
        }
    }

    #[test]
    fn skipping_unknown_fields_gives_strict_models_without_extra() {
        let mut file = types(quote! {
            #[derive(::serde::Deserialize, ::serde::Serialize, Debug)]
            pub struct Ticket {
                #[serde(skip_serializing_if = "::std::option::Option::is_none")]
                pub id: ::std::option::Option<i64>,
            }
        });
        let Some(Item::Mod(m)) = file.items.first_mut() else {
            panic!("the types module");
        };
        let Some((_, items)) = &mut m.content else {
            panic!("inline");
        };
        let none = BTreeMap::new();
        assert_eq!(
            apply_items(items, &none, false, UnknownFields::Skip),
            (1, 0)
        );
        let out = file.to_token_stream().to_string();
        assert!(!out.contains("extra"), "{out}");
        assert!(!out.contains("lenient"), "{out}");
        assert!(
            out.contains(r#"_ => :: psa_clients_runtime :: de :: skip (& mut map) ?"#),
            "{out}"
        );
    }

    #[test]
    fn the_envelope_guard_goes_on_bare_lenient_models_only() {
        let models = quote! {
            #[derive(::serde::Deserialize, ::serde::Serialize, Debug)]
            pub struct ContactsSummaryOutputDto {
                #[serde(rename = "locationId", skip_serializing_if = "::std::option::Option::is_none")]
                pub location_id: ::std::option::Option<i64>,
            }
            #[derive(::serde::Deserialize, ::serde::Serialize, Debug)]
            pub struct ContactsSummaryOutputDtoResponse {
                #[serde(skip_serializing_if = "::std::option::Option::is_none")]
                pub success: ::std::option::Option<bool>,
                #[serde(skip_serializing_if = "::std::option::Option::is_none")]
                pub result: ::std::option::Option<ContactsSummaryOutputDto>,
            }
        };
        let mut file = types(models.clone());
        assert_eq!(apply(&mut file, &BTreeMap::new(), true), (2, 0));
        let out = file.to_token_stream().to_string();
        let guard = r#"refuse_envelope (__keys , & __extra , "ContactsSummaryOutputDto") ?"#;
        assert!(out.contains(guard), "{out}");
        assert!(out.contains("__keys += 1 ;"), "{out}");
        assert_eq!(
            out.matches("refuse_envelope").count(),
            1,
            "not on the envelope: {out}"
        );
        let mut file = types(models);
        apply(&mut file, &BTreeMap::new(), false);
        assert!(!file
            .to_token_stream()
            .to_string()
            .contains("refuse_envelope"));
    }

    #[test]
    fn deny_unknown_fields_is_kept_as_an_error() {
        let mut file = types(quote! {
            #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug)]
            #[serde(deny_unknown_fields)]
            pub struct Login { pub user: ::std::string::String }
        });
        assert_eq!(apply(&mut file, &BTreeMap::new(), false), (1, 0));
        let out = file.to_token_stream().to_string();
        assert!(
            out.contains(
                "other => return Err (:: serde :: de :: Error :: unknown_field (other , FIELDS))"
            ),
            "{out}"
        );
    }

    #[test]
    fn serde_attributes_go_with_the_last_serde_derive() {
        let mut file = types(quote! {
            #[derive(::serde::Deserialize, Debug)]
            #[serde(deny_unknown_fields)]
            pub struct Answer { #[serde(rename = "ID")] pub id: i64 }
        });
        assert_eq!(apply(&mut file, &BTreeMap::new(), false), (1, 0));
        let out = file.to_token_stream().to_string();
        assert!(
            out.contains("# [derive (Debug)] pub struct Answer { pub id : i64 }"),
            "{out}"
        );
        assert!(out.contains(r#"FIELDS : & [& str] = & ["ID"]"#), "{out}");
    }

    #[test]
    fn anything_else_keeps_serdes_derive() {
        let cases = [
            quote!(
                #[derive(::serde::Deserialize)]
                #[serde(transparent)]
                pub struct A {
                    pub x: i64,
                }
            ),
            quote!(
                #[derive(::serde::Deserialize)]
                pub struct B(pub i64);
            ),
            quote!(
                #[derive(::serde::Deserialize)]
                pub struct C {
                    #[serde(flatten)]
                    pub x: Extra,
                }
            ),
            quote!(
                #[derive(::serde::Deserialize)]
                pub struct D {
                    #[serde(deserialize_with = "f")]
                    pub x: i64,
                }
            ),
            quote!(
                #[derive(::serde::Deserialize)]
                pub struct E<T> {
                    pub x: T,
                }
            ),
            quote!(
                #[derive(::serde::Serialize)]
                pub struct F {
                    pub x: i64,
                }
            ),
        ];
        for case in cases {
            let mut file = types(case);
            let before = file.to_token_stream().to_string();
            assert_eq!(
                apply(&mut file, &BTreeMap::new(), false),
                (0, 0),
                "{before}"
            );
            assert_eq!(file.to_token_stream().to_string(), before);
        }
    }
}
