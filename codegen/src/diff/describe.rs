//! Compact, comparable descriptions of schemas: `Ticket`, `array<Ticket>`, `string(date-time)`, …
//!
//! Two schemas at the same place are "the same type" for the diff when their descriptions are equal, so a
//! description includes everything that changes the generated Rust type at that level (type, format,
//! enum-ness, nullability, referenced type names) and nothing deeper: inline object properties and enum
//! values are compared separately so that each difference gets its own line.

use std::collections::{BTreeMap, BTreeSet};

use openapiv3::{
    AdditionalProperties, AnySchema, IntegerFormat, NumberFormat, ReferenceOr, Schema, SchemaKind,
    StringFormat, Type, VariantOrUnknownOrEmpty,
};

/// Inline schemas nest without cycles, but a hostile document can nest deeply; past this the description
/// and the recursive comparison stop.
pub(super) const MAX_DEPTH: usize = 32;

/// A schema position: a `$ref` or an inline schema.
#[derive(Clone, Copy, Debug)]
pub(super) enum SchemaView<'a> {
    Ref(&'a str),
    Inline(&'a Schema),
}

impl<'a> SchemaView<'a> {
    pub(super) fn of(schema: &'a ReferenceOr<Schema>) -> Self {
        match schema {
            ReferenceOr::Reference { reference } => SchemaView::Ref(reference),
            ReferenceOr::Item(schema) => SchemaView::Inline(schema),
        }
    }

    pub(super) fn of_boxed(schema: &'a ReferenceOr<Box<Schema>>) -> Self {
        match schema {
            ReferenceOr::Reference { reference } => SchemaView::Ref(reference),
            ReferenceOr::Item(schema) => SchemaView::Inline(schema),
        }
    }

    pub(super) fn inline(self) -> Option<&'a Schema> {
        match self {
            SchemaView::Ref(_) => None,
            SchemaView::Inline(schema) => Some(schema),
        }
    }
}

/// The display name of a reference: `#/components/schemas/Ticket` → `Ticket`. Other references (to other
/// component sections or other files) are shown whole, since they are not type names.
pub(super) fn ref_name(reference: &str) -> String {
    match reference.strip_prefix("#/components/schemas/") {
        Some(name) => unescape_pointer(name),
        None => reference.to_owned(),
    }
}

/// Undoes JSON-pointer escaping of one segment (`~1` is `/`, `~0` is `~`; in that order, per RFC 6901).
pub(super) fn unescape_pointer(segment: &str) -> String {
    segment.replace("~1", "/").replace("~0", "~")
}

/// The compact description of a schema position.
pub(super) fn describe(view: SchemaView<'_>) -> String {
    describe_at(view, 0)
}

fn describe_at(view: SchemaView<'_>, depth: usize) -> String {
    let schema = match view {
        SchemaView::Ref(reference) => return ref_name(reference),
        SchemaView::Inline(schema) => schema,
    };
    if depth > MAX_DEPTH {
        return "…".to_owned();
    }
    let list = |members: &[ReferenceOr<Schema>]| {
        members
            .iter()
            .map(|m| describe_at(SchemaView::of(m), depth + 1))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut text = match &schema.schema_kind {
        SchemaKind::Type(Type::String(s)) => enumish(
            with_format("string", string_format(&s.format)),
            !s.enumeration.is_empty(),
        ),
        SchemaKind::Type(Type::Integer(i)) => enumish(
            with_format("integer", integer_format(&i.format)),
            !i.enumeration.is_empty(),
        ),
        SchemaKind::Type(Type::Number(n)) => enumish(
            with_format("number", number_format(&n.format)),
            !n.enumeration.is_empty(),
        ),
        SchemaKind::Type(Type::Boolean(b)) => {
            enumish("boolean".to_owned(), !b.enumeration.is_empty())
        }
        SchemaKind::Type(Type::Array(a)) => array(a.items.as_ref(), depth),
        SchemaKind::Type(Type::Object(o)) => object(
            o.properties.is_empty(),
            o.additional_properties.as_ref(),
            depth,
        ),
        SchemaKind::OneOf { one_of } => format!("oneOf<{}>", list(one_of)),
        SchemaKind::AllOf { all_of } => format!("allOf<{}>", list(all_of)),
        SchemaKind::AnyOf { any_of } => format!("anyOf<{}>", list(any_of)),
        SchemaKind::Not { not } => format!("not<{}>", describe_at(SchemaView::of(not), depth + 1)),
        SchemaKind::Any(any) => describe_any(any, depth),
    };
    // Nullability decides `T` versus `Option<T>` in the generated code.
    if schema.schema_data.nullable {
        text.push('?');
    }
    text
}

/// Schemas that openapiv3 could not fit into one of its typed shapes (e.g. no `type` but `properties`, or a
/// type mixed with a composition).
fn describe_any(any: &AnySchema, depth: usize) -> String {
    let list = |name: &str, members: &[ReferenceOr<Schema>]| {
        let inner: Vec<String> = members
            .iter()
            .map(|m| describe_at(SchemaView::of(m), depth + 1))
            .collect();
        format!("{name}<{}>", inner.join(", "))
    };
    let has_enum = !any.enumeration.is_empty();
    match any.typ.as_deref() {
        Some("array") => return array(any.items.as_ref(), depth),
        Some("object") => {
            return object(
                any.properties.is_empty(),
                any.additional_properties.as_ref(),
                depth,
            )
        }
        Some(typ) => return enumish(with_format(typ, any.format.clone()), has_enum),
        None => {}
    }
    if !any.all_of.is_empty() {
        list("allOf", &any.all_of)
    } else if !any.one_of.is_empty() {
        list("oneOf", &any.one_of)
    } else if !any.any_of.is_empty() {
        list("anyOf", &any.any_of)
    } else if !any.properties.is_empty() || any.additional_properties.is_some() {
        object(
            any.properties.is_empty(),
            any.additional_properties.as_ref(),
            depth,
        )
    } else if any.items.is_some() {
        array(any.items.as_ref(), depth)
    } else if has_enum {
        "enum".to_owned()
    } else {
        "any".to_owned()
    }
}

fn array(items: Option<&ReferenceOr<Box<Schema>>>, depth: usize) -> String {
    match items {
        Some(items) => format!(
            "array<{}>",
            describe_at(SchemaView::of_boxed(items), depth + 1)
        ),
        None => "array<any>".to_owned(),
    }
}

/// An object with properties is just `object` (its properties are compared one by one). Without properties
/// it is a map, described by its value type: `{type: object}`, `additionalProperties: true` and
/// `additionalProperties: {}` all allow any values, so they are the same `map<string, any>`.
fn object(no_properties: bool, additional: Option<&AdditionalProperties>, depth: usize) -> String {
    if !no_properties {
        return "object".to_owned();
    }
    match additional {
        Some(AdditionalProperties::Schema(value)) => {
            format!(
                "map<string, {}>",
                describe_at(SchemaView::of(value), depth + 1)
            )
        }
        Some(AdditionalProperties::Any(false)) => "object".to_owned(),
        Some(AdditionalProperties::Any(true)) | None => "map<string, any>".to_owned(),
    }
}

fn with_format(typ: &str, format: Option<String>) -> String {
    match format {
        Some(format) => format!("{typ}({format})"),
        None => typ.to_owned(),
    }
}

fn enumish(text: String, is_enum: bool) -> String {
    if is_enum {
        format!("{text} enum")
    } else {
        text
    }
}

fn string_format(format: &VariantOrUnknownOrEmpty<StringFormat>) -> Option<String> {
    known_format(format, |f| match f {
        StringFormat::Date => "date",
        StringFormat::DateTime => "date-time",
        StringFormat::Password => "password",
        StringFormat::Byte => "byte",
        StringFormat::Binary => "binary",
    })
}

fn integer_format(format: &VariantOrUnknownOrEmpty<IntegerFormat>) -> Option<String> {
    known_format(format, |f| match f {
        IntegerFormat::Int32 => "int32",
        IntegerFormat::Int64 => "int64",
    })
}

fn number_format(format: &VariantOrUnknownOrEmpty<NumberFormat>) -> Option<String> {
    known_format(format, |f| match f {
        NumberFormat::Float => "float",
        NumberFormat::Double => "double",
    })
}

fn known_format<T>(
    format: &VariantOrUnknownOrEmpty<T>,
    name: impl Fn(&T) -> &'static str,
) -> Option<String> {
    match format {
        VariantOrUnknownOrEmpty::Item(item) => Some(name(item).to_owned()),
        VariantOrUnknownOrEmpty::Unknown(other) => Some(other.clone()),
        VariantOrUnknownOrEmpty::Empty => None,
    }
}

/// The enum values of an inline schema, rendered as JSON (`"Open"`, `3`, `null`); `None` when it is no enum.
pub(super) fn enum_values(schema: &Schema) -> Option<BTreeSet<String>> {
    fn render<T: serde::Serialize>(values: &[T]) -> BTreeSet<String> {
        values
            .iter()
            .map(|v| serde_json::to_string(v).unwrap_or_else(|_| "?".to_owned()))
            .collect()
    }
    let values = match &schema.schema_kind {
        SchemaKind::Type(Type::String(s)) => render(&s.enumeration),
        SchemaKind::Type(Type::Integer(i)) => render(&i.enumeration),
        SchemaKind::Type(Type::Number(n)) => render(&n.enumeration),
        SchemaKind::Type(Type::Boolean(b)) => render(&b.enumeration),
        SchemaKind::Any(any) => render(&any.enumeration),
        _ => BTreeSet::new(),
    };
    (!values.is_empty()).then_some(values)
}

/// The properties of an object-like inline schema, merged over the inline members of an `allOf`.
pub(super) struct Members<'a> {
    pub(super) properties: BTreeMap<&'a str, SchemaView<'a>>,
    pub(super) required: BTreeSet<&'a str>,
}

/// `None` when the schema is not object-like (so its properties are not compared).
pub(super) fn object_members(schema: &Schema) -> Option<Members<'_>> {
    let mut members = Members {
        properties: BTreeMap::new(),
        required: BTreeSet::new(),
    };
    add_members(schema, &mut members, 0).then_some(members)
}

fn add_members<'a>(schema: &'a Schema, members: &mut Members<'a>, depth: usize) -> bool {
    let (properties, required) = match &schema.schema_kind {
        SchemaKind::Type(Type::Object(o)) => (&o.properties, &o.required),
        SchemaKind::Any(any)
            if any.typ.as_deref() == Some("object") || !any.properties.is_empty() =>
        {
            (&any.properties, &any.required)
        }
        SchemaKind::AllOf { all_of } if depth < MAX_DEPTH => {
            let mut any_object = false;
            for member in all_of.iter().filter_map(|m| m.as_item()) {
                any_object |= add_members(member, members, depth + 1);
            }
            return any_object;
        }
        _ => return false,
    };
    for (name, property) in properties {
        members
            .properties
            .insert(name, SchemaView::of_boxed(property));
    }
    members.required.extend(required.iter().map(String::as_str));
    true
}

/// The item schema of an inline array.
pub(super) fn array_items(schema: &Schema) -> Option<SchemaView<'_>> {
    match &schema.schema_kind {
        SchemaKind::Type(Type::Array(a)) => a.items.as_ref().map(SchemaView::of_boxed),
        SchemaKind::Any(any) => any.items.as_ref().map(SchemaView::of_boxed),
        _ => None,
    }
}

/// The value schema of an inline map (`additionalProperties: {schema}`).
pub(super) fn map_values(schema: &Schema) -> Option<SchemaView<'_>> {
    let additional = match &schema.schema_kind {
        SchemaKind::Type(Type::Object(o)) => o.additional_properties.as_ref(),
        SchemaKind::Any(any) => any.additional_properties.as_ref(),
        _ => None,
    };
    match additional {
        Some(AdditionalProperties::Schema(value)) => Some(SchemaView::of(value)),
        _ => None,
    }
}
