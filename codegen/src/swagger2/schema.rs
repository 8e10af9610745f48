//! Schema Object conversion.
//!
//! The Swagger 2.0 Schema Object is nearly the OpenAPI 3.0 one; the differences handled here are
//! `$ref` targets, `type: file`, `x-nullable`, the string form of `discriminator`, and the JSON
//! Schema `type: [T, "null"]` spelling that some generators emit.

use serde_json::{Map, Value};

use super::json::{array, boolean, is_extension, join, object, string, unknown_key};
use super::{refs, ConvertError, Ctx};

/// Keys whose value is data or a plain constraint, identical in both versions.
const VERBATIM: &[&str] = &[
    "format",
    "title",
    "description",
    "default",
    "multipleOf",
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
    "maxProperties",
    "minProperties",
    "required",
    "enum",
    "readOnly",
    "xml",
    "externalDocs",
    "example",
    // Not Swagger 2.0, but already OpenAPI 3.0 and meaning the same there; tools emit them.
    "nullable",
    "writeOnly",
    "deprecated",
];

/// Converts the schema at `pointer`.
pub(super) fn convert(ctx: &Ctx<'_>, schema: &Value, pointer: &str) -> Result<Value, ConvertError> {
    let source = object(schema, pointer)?;
    let is_file = source.get("type").and_then(Value::as_str) == Some("file");
    let mut out = Map::new();
    for (key, value) in source {
        let at = join(pointer, key);
        match key.as_str() {
            "$ref" => {
                let target =
                    refs::resolve(string(value, &at)?, "definitions", ctx.definitions, &at)?;
                out.insert(key.clone(), Value::String(target.component_ref("schemas")));
            }
            "type" => convert_type(value, &at, &mut out)?,
            // `type: file` already wrote `format: binary`; a declared format would contradict it.
            "format" if is_file => {}
            "x-nullable" => {
                out.insert("nullable".into(), Value::Bool(boolean(value, &at)?));
            }
            "discriminator" => {
                let property = string(value, &at)?;
                let mut discriminator = Map::new();
                discriminator.insert("propertyName".into(), Value::String(property.to_owned()));
                out.insert(key.clone(), Value::Object(discriminator));
            }
            "properties" => {
                let mut properties = Map::new();
                for (name, property) in object(value, &at)? {
                    properties.insert(name.clone(), convert(ctx, property, &join(&at, name))?);
                }
                out.insert(key.clone(), Value::Object(properties));
            }
            "items" => {
                if value.is_array() {
                    return Err(ConvertError::Unsupported {
                        pointer: at,
                        construct: "an array of schemas in `items` (tuple validation)".into(),
                    });
                }
                out.insert(key.clone(), convert(ctx, value, &at)?);
            }
            "additionalProperties" if value.is_boolean() => {
                out.insert(key.clone(), value.clone());
            }
            "additionalProperties" | "not" => {
                out.insert(key.clone(), convert(ctx, value, &at)?);
            }
            "allOf" | "anyOf" | "oneOf" => {
                let converted = array(value, &at)?
                    .iter()
                    .enumerate()
                    .map(|(index, item)| convert(ctx, item, &join(&at, &index.to_string())))
                    .collect::<Result<Vec<_>, _>>()?;
                out.insert(key.clone(), Value::Array(converted));
            }
            _ if VERBATIM.contains(&key.as_str()) || is_extension(key) => {
                out.insert(key.clone(), value.clone());
            }
            _ => return Err(unknown_key(pointer, key)),
        }
    }
    Ok(Value::Object(out))
}

/// The types a Swagger 2.0 schema or parameter may declare (`file` is rewritten).
const TYPES: &[&str] = &["string", "number", "integer", "boolean", "array", "object"];

/// Writes the OpenAPI 3.0 form of a `type` value into `out`.
pub(super) fn convert_type(
    value: &Value,
    pointer: &str,
    out: &mut Map<String, Value>,
) -> Result<(), ConvertError> {
    let invalid = |reason: String| ConvertError::Invalid {
        pointer: pointer.to_owned(),
        reason,
    };
    match value {
        Value::String(name) if name == "file" => {
            // OpenAPI 3.0 describes uploaded and downloaded files as binary strings.
            out.insert("type".into(), Value::String("string".into()));
            out.insert("format".into(), Value::String("binary".into()));
        }
        Value::String(name) if TYPES.contains(&name.as_str()) => {
            out.insert("type".into(), value.clone());
        }
        Value::String(name) => return Err(invalid(format!("unknown type `{name}`"))),
        // JSON Schema's `[T, "null"]` is how some generators spell a nullable T; 3.0 has
        // `nullable` for exactly that, and no way to express any other type union.
        Value::Array(names) => {
            let mut nullable = false;
            let mut types = Vec::new();
            for (index, name) in names.iter().enumerate() {
                match string(name, &join(pointer, &index.to_string()))? {
                    "null" => nullable = true,
                    other => types.push(other),
                }
            }
            let [single] = types.as_slice() else {
                return Err(ConvertError::Unsupported {
                    pointer: pointer.to_owned(),
                    construct: "a `type` list other than one type plus \"null\"".into(),
                });
            };
            convert_type(&Value::String((*single).to_owned()), pointer, out)?;
            if nullable {
                out.insert("nullable".into(), Value::Bool(true));
            }
        }
        other => {
            return Err(ConvertError::WrongType {
                pointer: pointer.to_owned(),
                expected: "a string",
                found: super::json::kind(other),
            })
        }
    }
    Ok(())
}
