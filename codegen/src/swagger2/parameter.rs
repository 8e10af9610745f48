//! Non-body parameters, the Items and Header objects' value description, and `collectionFormat`.
//!
//! In Swagger 2.0 a query, header, path or form parameter describes its value inline (`type`,
//! `format`, `items`, ...); OpenAPI 3.0 moves that description into `schema` and replaces
//! `collectionFormat` with `style`/`explode`.

use serde_json::{Map, Value};

use super::json::{is_extension, join, object, required_str, string, unknown_key};
use super::{schema, ConvertError, Ctx};

/// Keys that describe the value and therefore move into `schema`.
pub(super) const SCHEMA_KEYS: &[&str] = &[
    "type",
    "format",
    "items",
    "default",
    "maximum",
    "exclusiveMaximum",
    "minimum",
    "exclusiveMinimum",
    "maxLength",
    "minLength",
    "pattern",
    "maxItems",
    "minItems",
    "uniqueItems",
    "enum",
    "multipleOf",
    // The usual Swagger 2.0 extension for a nullable value; it is a property of the value.
    "x-nullable",
];

/// Keys of a non-body parameter that stay on the parameter.
const PARAMETER_KEYS: &[&str] = &[
    "name",
    "in",
    "description",
    "required",
    "allowEmptyValue",
    "deprecated",
];

/// Builds the schema from the [`SCHEMA_KEYS`] members of `source`, ignoring every other member.
pub(super) fn value_schema(
    ctx: &Ctx<'_>,
    source: &Map<String, Value>,
    pointer: &str,
) -> Result<Value, ConvertError> {
    let is_file = source.get("type").and_then(Value::as_str) == Some("file");
    let mut out = Map::new();
    for (key, value) in source {
        let at = join(pointer, key);
        match key.as_str() {
            "type" => schema::convert_type(value, &at, &mut out)?,
            "format" if is_file => {}
            "items" => {
                out.insert(key.clone(), items(ctx, value, &at)?);
            }
            "x-nullable" => {
                let nullable = super::json::boolean(value, &at)?;
                out.insert("nullable".into(), Value::Bool(nullable));
            }
            _ if SCHEMA_KEYS.contains(&key.as_str()) => {
                out.insert(key.clone(), value.clone());
            }
            _ => {}
        }
    }
    Ok(Value::Object(out))
}

/// Converts an Items Object (the element description of an array parameter or header).
fn items(ctx: &Ctx<'_>, value: &Value, pointer: &str) -> Result<Value, ConvertError> {
    let source = object(value, pointer)?;
    // Not allowed by Swagger 2.0 here, but common, and unambiguous: treat it as a schema.
    if source.contains_key("$ref") {
        return schema::convert(ctx, value, pointer);
    }
    for key in source.keys() {
        if key == "collectionFormat" {
            return Err(ConvertError::Unsupported {
                pointer: join(pointer, key),
                construct: "`collectionFormat` on nested array items".into(),
            });
        }
        if !SCHEMA_KEYS.contains(&key.as_str()) && !is_extension(key) {
            return Err(unknown_key(pointer, key));
        }
    }
    let mut schema = value_schema(ctx, source, pointer)?;
    if let Value::Object(schema) = &mut schema {
        for (key, value) in source
            .iter()
            .filter(|(key, _)| is_extension(key) && *key != "x-nullable")
        {
            schema.insert(key.clone(), value.clone());
        }
    }
    Ok(schema)
}

/// How an array value is serialized, in OpenAPI 3.0 terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Style {
    /// The `style` value.
    pub style: &'static str,
    /// The `explode` value, when it must be stated.
    pub explode: Option<bool>,
}

impl Style {
    /// Writes `style` and, when set, `explode` into `out`.
    pub fn write(self, out: &mut Map<String, Value>) {
        out.insert("style".into(), Value::String(self.style.into()));
        if let Some(explode) = self.explode {
            out.insert("explode".into(), Value::Bool(explode));
        }
    }
}

/// Maps `collectionFormat` of a value sent `location` (`query`, `formData`, `path` or `header`).
///
/// Swagger 2.0's default is `csv` for every location, while OpenAPI 3.0's defaults are
/// `form`+explode for query and form values, so an array there without a `collectionFormat`
/// must still state `explode: false`. For path and header the 3.0 default (`simple`) is `csv`.
pub(super) fn style(
    source: &Map<String, Value>,
    location: &str,
    pointer: &str,
) -> Result<Option<Style>, ConvertError> {
    let is_array = source.get("type").and_then(Value::as_str) == Some("array");
    let form_like = matches!(location, "query" | "formData");
    let format = match source.get("collectionFormat") {
        Some(value) => Some(string(value, &join(pointer, "collectionFormat"))?),
        None => None,
    };
    let at = join(pointer, "collectionFormat");
    let not_here = |format: &str| ConvertError::Unsupported {
        pointer: at.clone(),
        construct: format!("`collectionFormat: {format}` in a {location} value"),
    };
    let form = |explode| Style {
        style: "form",
        explode: Some(explode),
    };
    let style = match format {
        None if is_array && form_like => Some(form(false)),
        None => None,
        Some("csv") if form_like => Some(form(false)),
        Some("csv") => Some(Style {
            style: "simple",
            explode: None,
        }),
        Some("multi") if form_like => Some(form(true)),
        Some("ssv") if form_like => Some(Style {
            style: "spaceDelimited",
            explode: None,
        }),
        Some("pipes") if form_like => Some(Style {
            style: "pipeDelimited",
            explode: None,
        }),
        Some(format @ ("multi" | "ssv" | "pipes" | "tsv")) => return Err(not_here(format)),
        Some(other) => {
            return Err(ConvertError::Invalid {
                pointer: at,
                reason: format!("unknown collectionFormat `{other}`"),
            })
        }
    };
    Ok(style)
}

/// Converts a query, header or path parameter.
pub(super) fn convert(
    ctx: &Ctx<'_>,
    source: &Map<String, Value>,
    pointer: &str,
) -> Result<Value, ConvertError> {
    required_str(source, "name", pointer)?;
    let location = required_str(source, "in", pointer)?;
    if !matches!(location, "query" | "header" | "path") {
        return Err(ConvertError::Invalid {
            pointer: join(pointer, "in"),
            reason: format!("`{location}` is not a parameter location"),
        });
    }
    require_type(source, pointer)?;
    if source.get("type").and_then(Value::as_str) == Some("file") {
        return Err(ConvertError::Invalid {
            pointer: join(pointer, "type"),
            reason: "only formData parameters can have type `file`".into(),
        });
    }
    described(ctx, source, location, pointer, PARAMETER_KEYS)
}

/// Copies the members of `source` named in `keep` (and extensions) into a new object, with the
/// value description replaced by `style`/`explode`/`schema` where it began in `source`.
pub(super) fn described(
    ctx: &Ctx<'_>,
    source: &Map<String, Value>,
    location: &str,
    pointer: &str,
    keep: &[&str],
) -> Result<Value, ConvertError> {
    let mut schema = Some(value_schema(ctx, source, pointer)?);
    let style = style(source, location, pointer)?;
    let mut out = Map::new();
    for (key, value) in source {
        if SCHEMA_KEYS.contains(&key.as_str()) || key == "collectionFormat" {
            if let Some(schema) = schema.take() {
                if let Some(style) = style {
                    style.write(&mut out);
                }
                out.insert("schema".into(), schema);
            }
        } else if keep.contains(&key.as_str()) || is_extension(key) {
            out.insert(key.clone(), value.clone());
        } else {
            return Err(unknown_key(pointer, key));
        }
    }
    Ok(Value::Object(out))
}

/// Fails unless `source` declares `type`, which every non-body value description must.
pub(super) fn require_type(source: &Map<String, Value>, pointer: &str) -> Result<(), ConvertError> {
    if source.contains_key("type") {
        Ok(())
    } else {
        Err(ConvertError::MissingField {
            pointer: pointer.to_owned(),
            field: "type",
        })
    }
}
