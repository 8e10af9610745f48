//! `in: body` and `in: formData` parameters, which OpenAPI 3.0 expresses as a `requestBody`.

use serde_json::{Map, Value};

use super::json::{boolean, is_extension, join, required_str, unknown_key};
use super::parameter::{self, SCHEMA_KEYS};
use super::{schema, ConvertError, Ctx};

const URLENCODED: &str = "application/x-www-form-urlencoded";
const MULTIPART: &str = "multipart/form-data";

/// A body or form parameter's definition and its JSON pointer (for errors).
#[derive(Debug, Clone, Copy)]
pub(super) struct Declared<'a> {
    /// The parameter object itself (a `$ref` already followed).
    pub source: &'a Map<String, Value>,
    /// JSON pointer of `source`.
    pub pointer: &'a str,
}

/// Converts an `in: body` parameter into a Request Body with one media type per `consumes` entry.
pub(super) fn from_body(
    ctx: &Ctx<'_>,
    body: Declared<'_>,
    consumes: &[String],
) -> Result<Value, ConvertError> {
    let Declared { source, pointer } = body;
    let name = required_str(source, "name", pointer)?;
    let Some(body_schema) = source.get("schema") else {
        return Err(ConvertError::MissingField {
            pointer: pointer.to_owned(),
            field: "schema",
        });
    };
    let body_schema = schema::convert(ctx, body_schema, &join(pointer, "schema"))?;
    let mut out = Map::new();
    for (key, value) in source {
        match key.as_str() {
            "name" | "in" => {}
            "description" => {
                out.insert(key.clone(), value.clone());
            }
            "required" => {
                out.insert(
                    key.clone(),
                    Value::Bool(boolean(value, &join(pointer, key))?),
                );
            }
            "schema" => {
                let content = consumes
                    .iter()
                    .map(|mime| (mime.clone(), media_type(body_schema.clone())))
                    .collect();
                out.insert("content".into(), Value::Object(content));
            }
            _ if is_extension(key) => {
                out.insert(key.clone(), value.clone());
            }
            _ => return Err(unknown_key(pointer, key)),
        }
    }
    // OpenAPI 3.0 request bodies have no name; this extension (the one other converters and
    // generators use) keeps it for generators that name the body argument after it.
    out.insert(
        "x-codegen-request-body-name".into(),
        Value::String(name.to_owned()),
    );
    Ok(Value::Object(out))
}

/// Keys of a form parameter that are not part of its value description.
const FORM_KEYS: &[&str] = &[
    "name",
    "in",
    "description",
    "required",
    "allowEmptyValue",
    "collectionFormat",
];

/// Converts the `in: formData` parameters of one operation into a single Request Body whose
/// schema is an object with one property per parameter.
pub(super) fn from_form(
    ctx: &Ctx<'_>,
    fields: &[Declared<'_>],
    consumes: &[String],
) -> Result<Value, ConvertError> {
    let mut properties = Map::new();
    let mut required = Vec::new();
    let mut encoding = Map::new();
    let mut has_file = false;
    for &Declared { source, pointer } in fields {
        let name = required_str(source, "name", pointer)?;
        has_file |= source.get("type").and_then(Value::as_str) == Some("file");
        parameter::require_type(source, pointer)?;
        let mut property = Map::new();
        if let Some(description) = source.get("description") {
            property.insert("description".into(), description.clone());
        }
        if let Value::Object(value_schema) = parameter::value_schema(ctx, source, pointer)? {
            property.extend(value_schema);
        }
        for (key, value) in source {
            if is_extension(key) && key != "x-nullable" {
                property.insert(key.clone(), value.clone());
            } else if !FORM_KEYS.contains(&key.as_str()) && !SCHEMA_KEYS.contains(&key.as_str()) {
                return Err(unknown_key(pointer, key));
            }
        }
        if let Some(value) = source.get("required") {
            if boolean(value, &join(pointer, "required"))? {
                required.push(Value::String(name.to_owned()));
            }
        }
        // `allowEmptyValue` has no request-body counterpart in 3.0; an empty form field is
        // simply an empty string there, so the flag is dropped.
        if let Some(style) = parameter::style(source, "formData", pointer)? {
            let mut field_encoding = Map::new();
            style.write(&mut field_encoding);
            encoding.insert(name.to_owned(), Value::Object(field_encoding));
        }
        properties.insert(name.to_owned(), Value::Object(property));
    }

    let mut form_schema = Map::new();
    form_schema.insert("type".into(), Value::String("object".into()));
    form_schema.insert("properties".into(), Value::Object(properties));
    let any_required = !required.is_empty();
    if any_required {
        form_schema.insert("required".into(), Value::Array(required));
    }
    let form_schema = Value::Object(form_schema);

    let mut content = Map::new();
    for mime in form_media_types(consumes, has_file) {
        let mut media = media_type(form_schema.clone());
        // `encoding.style` only applies to url-encoded bodies; multipart sends each value
        // (or each element of a `multi` array) as its own part anyway.
        if is_media(&mime, URLENCODED) && !encoding.is_empty() {
            if let Value::Object(media) = &mut media {
                media.insert("encoding".into(), Value::Object(encoding.clone()));
            }
        }
        content.insert(mime, media);
    }
    let mut out = Map::new();
    out.insert("content".into(), Value::Object(content));
    if any_required {
        out.insert("required".into(), Value::Bool(true));
    }
    Ok(Value::Object(out))
}

/// The form media types to declare: those `consumes` lists, or the one the fields imply.
/// A file can only travel in `multipart/form-data`, so a file field restricts the body to it.
fn form_media_types(consumes: &[String], has_file: bool) -> Vec<String> {
    let declared: Vec<String> = consumes
        .iter()
        .filter(|mime| is_media(mime, MULTIPART) || (!has_file && is_media(mime, URLENCODED)))
        .cloned()
        .collect();
    match (declared.is_empty(), has_file) {
        (false, _) => declared,
        (true, true) => vec![MULTIPART.to_owned()],
        (true, false) => vec![URLENCODED.to_owned()],
    }
}

/// True when `mime` is `expected`, ignoring parameters such as `; charset=utf-8` and case.
fn is_media(mime: &str, expected: &str) -> bool {
    let essence = mime.split(';').next().unwrap_or_default().trim();
    essence.eq_ignore_ascii_case(expected)
}

/// A Media Type Object holding `schema`.
pub(super) fn media_type(schema: Value) -> Value {
    let mut media = Map::new();
    media.insert("schema".into(), schema);
    Value::Object(media)
}
