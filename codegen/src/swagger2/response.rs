//! Responses and response headers.

use serde_json::{Map, Value};

use super::body::media_type;
use super::json::{is_extension, join, object, string, unknown_key};
use super::parameter;
use super::{refs, schema, ConvertError, Ctx};

/// Converts an operation's Responses Object; `produces` is the operation's effective list.
pub(super) fn convert_all(
    ctx: &Ctx<'_>,
    responses: &Value,
    produces: &[String],
    pointer: &str,
) -> Result<Value, ConvertError> {
    let mut out = Map::new();
    for (code, response) in object(responses, pointer)? {
        let at = join(pointer, code);
        if is_extension(code) {
            out.insert(code.clone(), response.clone());
            continue;
        }
        let source = object(response, &at)?;
        let converted = match source.get("$ref") {
            Some(reference) => {
                let ref_at = join(&at, "$ref");
                let target = refs::resolve(
                    string(reference, &ref_at)?,
                    "responses",
                    ctx.responses,
                    &ref_at,
                )?;
                let has_content = target.value.get("schema").is_some();
                if has_content && produces != ctx.produces.as_slice() {
                    // The shared response was converted with the global `produces`; this
                    // operation declares other media types, so it gets its own copy.
                    let shared_at = join("/responses", target.name);
                    convert(ctx, object(target.value, &shared_at)?, produces, &shared_at)?
                } else {
                    reference_to(&target.component_ref("responses"))
                }
            }
            None => convert(ctx, source, produces, &at)?,
        };
        out.insert(code.clone(), converted);
    }
    Ok(Value::Object(out))
}

/// `{"$ref": reference}`.
pub(super) fn reference_to(reference: &str) -> Value {
    let mut out = Map::new();
    out.insert("$ref".into(), Value::String(reference.to_owned()));
    Value::Object(out)
}

/// Converts one Response Object: `schema` becomes `content` with one entry per `produces` media
/// type, and `examples` (keyed by media type) become those entries' `example`.
pub(super) fn convert(
    ctx: &Ctx<'_>,
    source: &Map<String, Value>,
    produces: &[String],
    pointer: &str,
) -> Result<Value, ConvertError> {
    let mut out = Map::new();
    for (key, value) in source {
        let at = join(pointer, key);
        match key.as_str() {
            "description" => {
                out.insert(key.clone(), value.clone());
            }
            "schema" => {
                let response_schema = schema::convert(ctx, value, &at)?;
                let examples = match source.get("examples") {
                    Some(examples) => Some(object(examples, &join(pointer, "examples"))?),
                    None => None,
                };
                let mut content = Map::new();
                for mime in produces {
                    let mut media = media_type(response_schema.clone());
                    if let (Some(example), Value::Object(media)) =
                        (examples.and_then(|e| e.get(mime)), &mut media)
                    {
                        media.insert("example".into(), example.clone());
                    }
                    content.insert(mime.clone(), media);
                }
                out.insert("content".into(), Value::Object(content));
            }
            // Mapped into `content` above; examples for media types the operation does not
            // produce, or of a response without a schema, have nowhere to go in 3.0.
            "examples" => {
                object(value, &at)?;
            }
            "headers" => {
                let mut headers = Map::new();
                for (name, header) in object(value, &at)? {
                    headers.insert(name.clone(), convert_header(ctx, header, &join(&at, name))?);
                }
                out.insert(key.clone(), Value::Object(headers));
            }
            _ if is_extension(key) => {
                out.insert(key.clone(), value.clone());
            }
            _ => return Err(unknown_key(pointer, key)),
        }
    }
    Ok(Value::Object(out))
}

/// Converts a Header Object: the value description moves into `schema`.
fn convert_header(ctx: &Ctx<'_>, header: &Value, pointer: &str) -> Result<Value, ConvertError> {
    let source = object(header, pointer)?;
    parameter::require_type(source, pointer)?;
    // Headers carry lists comma-separated (`simple`, the 3.0 default); `style` rejects the rest.
    parameter::described(ctx, source, "header", pointer, &["description"])
}
