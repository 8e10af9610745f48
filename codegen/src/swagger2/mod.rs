//! Swagger 2.0 → OpenAPI 3.0.3 conversion.
//!
//! progenitor only reads OpenAPI 3.0, and Autotask publishes Swagger 2.0, so the pipeline converts
//! first. The conversion works on `serde_json::Value` so that nothing the later correction stage
//! may want (vendor extensions, key order, odd names) is lost to a typed model, and it is strict:
//! anything it does not know how to carry over faithfully is an error naming the JSON pointer,
//! because a silently dropped construct would surface much later as a wrong generated client.
//!
//! What changes, in short:
//! - `host`/`basePath`/`schemes` become one `servers` entry;
//! - `definitions`, `parameters`, `responses` and `securityDefinitions` move under `components`
//!   (body parameters to `components.requestBodies`), and every `$ref` is rewritten to match;
//! - body and form parameters become `requestBody`, using `consumes`;
//! - response `schema` becomes `content`, using `produces`;
//! - parameter and header value descriptions move into `schema`, `collectionFormat` becomes
//!   `style`/`explode`;
//! - in schemas, `type: file` becomes a binary string, `x-nullable` becomes `nullable` and the
//!   `discriminator` property name becomes a Discriminator Object.

use serde_json::{Map, Value};

mod body;
mod json;
mod operation;
mod parameter;
mod refs;
mod response;
mod schema;
mod security;
#[cfg(test)]
mod tests;

use json::{join, object, required_str, string, string_list, unknown_key};

/// The OpenAPI version written into converted documents.
const OPENAPI_VERSION: &str = "3.0.3";

/// Media type assumed when a document declares no `consumes` or `produces`.
const DEFAULT_MEDIA_TYPE: &str = "application/json";

/// Why a document could not be converted. Every variant names the place in the source document
/// as a JSON pointer (RFC 6901); operations are named by their pointer, e.g.
/// `#/paths/~1V1.0~1Companies/post`.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConvertError {
    /// The document does not declare `"swagger": "2.0"`.
    #[error("not a Swagger 2.0 document (`swagger` is {found})")]
    NotSwagger2 {
        /// What the `swagger` member holds, or `absent`.
        found: String,
    },
    /// A member has the wrong JSON type.
    #[error("at #{pointer}: expected {expected}, found {found}")]
    WrongType {
        /// Where the member is.
        pointer: String,
        /// The JSON type Swagger 2.0 requires there.
        expected: &'static str,
        /// The JSON type found.
        found: &'static str,
    },
    /// A required member is absent.
    #[error("at #{pointer}: missing required member `{field}`")]
    MissingField {
        /// The object that lacks the member.
        pointer: String,
        /// The member's name.
        field: &'static str,
    },
    /// An object has a member that Swagger 2.0 does not define there (and that is not `x-`).
    #[error("at #{pointer}: unknown member `{key}`")]
    UnknownKey {
        /// The object holding the member.
        pointer: String,
        /// The member's name.
        key: String,
    },
    /// A member has a value Swagger 2.0 does not allow.
    #[error("at #{pointer}: {reason}")]
    Invalid {
        /// Where the value is.
        pointer: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A `$ref` that is external, points to the wrong kind of object, or names nothing.
    #[error("at #{pointer}: cannot resolve `$ref` {reference:?}: {reason}")]
    BadRef {
        /// Where the `$ref` is.
        pointer: String,
        /// The reference as written.
        reference: String,
        /// Why it does not resolve.
        reason: String,
    },
    /// A valid Swagger 2.0 construct that OpenAPI 3.0 cannot express.
    #[error("at #{pointer}: {construct} has no OpenAPI 3.0 equivalent")]
    Unsupported {
        /// Where the construct is.
        pointer: String,
        /// What it is.
        construct: String,
    },
}

/// True when the document declares `"swagger": "2.0"`.
pub fn is_swagger2(doc: &Value) -> bool {
    doc.get("swagger").and_then(Value::as_str) == Some("2.0")
}

/// Converts a Swagger 2.0 document into an OpenAPI 3.0.3 document (both as JSON values).
///
/// Members keep the source document's order (with `openapi` first, `servers` where `host`,
/// `basePath` or `schemes` first appeared and `components` where the first reusable section
/// appeared), so the output is deterministic and diffs against the source stay readable.
///
/// # Errors
///
/// [`ConvertError`] when the document is not Swagger 2.0, is malformed, or uses a construct
/// with no OpenAPI 3.0 equivalent; the error names the JSON pointer of the offending member.
pub fn convert(doc: &Value) -> Result<Value, ConvertError> {
    if !is_swagger2(doc) {
        let found = match doc.get("swagger") {
            Some(value) => value.to_string(),
            None => "absent".to_owned(),
        };
        return Err(ConvertError::NotSwagger2 { found });
    }
    let root = object(doc, "")?;
    let ctx = Ctx::new(root)?;

    let mut out = Map::new();
    out.insert("openapi".into(), Value::String(OPENAPI_VERSION.into()));
    for (key, value) in root {
        let at = join("", key);
        match key.as_str() {
            "swagger" => {} // written first as `openapi`
            "info" => {
                object(value, &at)?;
                out.insert(key.clone(), value.clone());
            }
            "host" | "basePath" | "schemes" => {
                if let (false, Some(url)) =
                    (out.contains_key("servers"), ctx.server_url(&ctx.scheme))
                {
                    out.insert("servers".into(), servers(url));
                }
            }
            "consumes" | "produces" => {} // applied to each request body and response
            "paths" => {
                out.insert(key.clone(), operation::convert_paths(&ctx, value, &at)?);
            }
            "definitions" | "parameters" | "responses" | "securityDefinitions" => {
                if !out.contains_key("components") {
                    out.insert("components".into(), components(&ctx, root)?);
                }
            }
            "security" | "tags" | "externalDocs" => {
                out.insert(key.clone(), value.clone());
            }
            _ if json::is_extension(key) => {
                out.insert(key.clone(), value.clone());
            }
            _ => return Err(unknown_key("", key)),
        }
    }
    Ok(Value::Object(out))
}

/// What conversions deep in the document need from its top level.
struct Ctx<'a> {
    definitions: Option<&'a Map<String, Value>>,
    parameters: Option<&'a Map<String, Value>>,
    responses: Option<&'a Map<String, Value>>,
    /// The document's `consumes`, or the default.
    consumes: Vec<String>,
    /// The document's `produces`, or the default.
    produces: Vec<String>,
    host: Option<&'a str>,
    base_path: Option<&'a str>,
    /// The document's first scheme, or `https`.
    scheme: String,
}

impl<'a> Ctx<'a> {
    fn new(root: &'a Map<String, Value>) -> Result<Self, ConvertError> {
        let section = |key: &str| {
            root.get(key)
                .map(|value| object(value, &join("", key)))
                .transpose()
        };
        let media_types = |key: &str| -> Result<Vec<String>, ConvertError> {
            let list = match root.get(key) {
                Some(value) => string_list(value, &join("", key))?,
                None => Vec::new(),
            };
            Ok(if list.is_empty() {
                vec![DEFAULT_MEDIA_TYPE.to_owned()]
            } else {
                list
            })
        };
        let host = root
            .get("host")
            .map(|value| string(value, "/host"))
            .transpose()?;
        let base_path = root
            .get("basePath")
            .map(|value| string(value, "/basePath"))
            .transpose()?;
        if let Some(path) = base_path.filter(|path| !path.starts_with('/')) {
            return Err(ConvertError::Invalid {
                pointer: "/basePath".into(),
                reason: format!("`{path}` does not start with `/`"),
            });
        }
        let scheme = match root.get("schemes") {
            Some(value) => first_scheme(value, "/schemes")?,
            None => None,
        };
        Ok(Self {
            definitions: section("definitions")?,
            parameters: section("parameters")?,
            responses: section("responses")?,
            consumes: media_types("consumes")?,
            produces: media_types("produces")?,
            host,
            base_path,
            scheme: scheme.unwrap_or_else(|| "https".to_owned()),
        })
    }

    /// The server URL for `scheme`: absolute with a host, relative (the base path) without one.
    fn server_url(&self, scheme: &str) -> Option<String> {
        match (self.host, self.base_path) {
            // Paths start with `/`, so a trailing `/` of the base path would double it.
            (Some(host), base) => Some(format!(
                "{scheme}://{host}{}",
                base.unwrap_or_default().trim_end_matches('/')
            )),
            (None, Some(base)) => Some(base.to_owned()),
            (None, None) => None,
        }
    }

    /// `servers` for an operation whose own `schemes` differ from the document's. Without a
    /// host the server URL is relative and cannot carry a scheme, so nothing is emitted.
    fn operation_servers(
        &self,
        schemes: &Value,
        pointer: &str,
    ) -> Result<Option<Value>, ConvertError> {
        let Some(scheme) = first_scheme(schemes, pointer)? else {
            return Ok(None);
        };
        if scheme == self.scheme || self.host.is_none() {
            return Ok(None);
        }
        Ok(self.server_url(&scheme).map(servers))
    }
}

/// The first entry of a `schemes` list, checked against the schemes Swagger 2.0 allows.
fn first_scheme(value: &Value, pointer: &str) -> Result<Option<String>, ConvertError> {
    let schemes = string_list(value, pointer)?;
    for (index, scheme) in schemes.iter().enumerate() {
        if !matches!(scheme.as_str(), "http" | "https" | "ws" | "wss") {
            return Err(ConvertError::Invalid {
                pointer: join(pointer, &index.to_string()),
                reason: format!("unknown scheme `{scheme}`"),
            });
        }
    }
    Ok(schemes.into_iter().next())
}

/// `[{"url": url}]`.
fn servers(url: String) -> Value {
    let mut server = Map::new();
    server.insert("url".into(), Value::String(url));
    Value::Array(vec![Value::Object(server)])
}

/// Builds `components` from the reusable sections, in the order they appear in the document.
fn components(ctx: &Ctx<'_>, root: &Map<String, Value>) -> Result<Value, ConvertError> {
    let mut out = Map::new();
    for (key, value) in root {
        let at = join("", key);
        match key.as_str() {
            "definitions" => {
                let mut schemas = Map::new();
                for (name, definition) in object(value, &at)? {
                    schemas.insert(
                        name.clone(),
                        schema::convert(ctx, definition, &join(&at, name))?,
                    );
                }
                out.insert("schemas".into(), Value::Object(schemas));
            }
            "parameters" => {
                let mut parameters = Map::new();
                let mut request_bodies = Map::new();
                for (name, definition) in object(value, &at)? {
                    let param_at = join(&at, name);
                    let source = object(definition, &param_at)?;
                    let declared = body::Declared {
                        source,
                        pointer: &param_at,
                    };
                    match required_str(source, "in", &param_at)? {
                        "body" => {
                            let body = body::from_body(ctx, declared, &ctx.consumes)?;
                            request_bodies.insert(name.clone(), body);
                        }
                        // A 3.0 parameter cannot be a form field; operations that reference it
                        // get it inlined into their request body schema. Converting it here
                        // only reports a malformed definition at its own pointer.
                        "formData" => {
                            body::from_form(ctx, &[declared], &ctx.consumes)?;
                        }
                        _ => {
                            parameters
                                .insert(name.clone(), parameter::convert(ctx, source, &param_at)?);
                        }
                    }
                }
                if !parameters.is_empty() {
                    out.insert("parameters".into(), Value::Object(parameters));
                }
                if !request_bodies.is_empty() {
                    out.insert("requestBodies".into(), Value::Object(request_bodies));
                }
            }
            "responses" => {
                let mut responses = Map::new();
                for (name, definition) in object(value, &at)? {
                    let response_at = join(&at, name);
                    let source = object(definition, &response_at)?;
                    responses.insert(
                        name.clone(),
                        response::convert(ctx, source, &ctx.produces, &response_at)?,
                    );
                }
                out.insert("responses".into(), Value::Object(responses));
            }
            "securityDefinitions" => {
                out.insert("securitySchemes".into(), security::convert_all(value, &at)?);
            }
            _ => {}
        }
    }
    Ok(Value::Object(out))
}
