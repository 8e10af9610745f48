//! Paths, path items and operations.

use serde_json::{Map, Value};

use super::body::{self, Declared};
use super::json::{
    array, is_extension, join, object, required_str, string, string_list, unknown_key,
};
use super::refs::{self, Target};
use super::response::{self, reference_to};
use super::{parameter, ConvertError, Ctx};

const METHODS: &[&str] = &["get", "put", "post", "delete", "options", "head", "patch"];

/// Operation members that mean the same in both versions.
const VERBATIM: &[&str] = &[
    "tags",
    "summary",
    "description",
    "externalDocs",
    "operationId",
    "deprecated",
    "security",
];

/// Converts the Paths Object.
pub(super) fn convert_paths(
    ctx: &Ctx<'_>,
    paths: &Value,
    pointer: &str,
) -> Result<Value, ConvertError> {
    let mut out = Map::new();
    for (path, item) in object(paths, pointer)? {
        let at = join(pointer, path);
        if is_extension(path) {
            out.insert(path.clone(), item.clone());
        } else if path.starts_with('/') {
            out.insert(path.clone(), convert_path_item(ctx, item, &at)?);
        } else {
            return Err(ConvertError::Invalid {
                pointer: at,
                reason: "a path must start with `/`".into(),
            });
        }
    }
    Ok(Value::Object(out))
}

/// A parameter as an operation sees it, with any `$ref` followed.
struct Param<'a> {
    /// The parameter's definition.
    source: &'a Map<String, Value>,
    /// JSON pointer of `source` (in `#/parameters` when reached through a reference).
    pointer: String,
    /// The shared parameter a `$ref` named, if any.
    shared: Option<Target<'a>>,
    name: &'a str,
    location: &'a str,
}

impl Param<'_> {
    fn declared(&self) -> Declared<'_> {
        Declared {
            source: self.source,
            pointer: &self.pointer,
        }
    }

    fn is_body(&self) -> bool {
        self.location == "body"
    }

    fn is_form(&self) -> bool {
        self.location == "formData"
    }

    fn overrides(&self, other: &Param<'_>) -> bool {
        self.name == other.name && self.location == other.location
    }
}

fn resolve_params<'a>(
    ctx: &Ctx<'a>,
    list: &'a Value,
    pointer: &str,
) -> Result<Vec<Param<'a>>, ConvertError> {
    let mut out = Vec::new();
    for (index, entry) in array(list, pointer)?.iter().enumerate() {
        let at = join(pointer, &index.to_string());
        let entry_object = object(entry, &at)?;
        let (source, pointer, shared) = match entry_object.get("$ref") {
            Some(reference) => {
                let ref_at = join(&at, "$ref");
                let target = refs::resolve(
                    string(reference, &ref_at)?,
                    "parameters",
                    ctx.parameters,
                    &ref_at,
                )?;
                let shared_at = join("/parameters", target.name);
                (object(target.value, &shared_at)?, shared_at, Some(target))
            }
            None => (entry_object, at, None),
        };
        out.push(Param {
            name: required_str(source, "name", &pointer)?,
            location: required_str(source, "in", &pointer)?,
            source,
            pointer,
            shared,
        });
    }
    Ok(out)
}

/// A query, header or path parameter in its 3.0 form (a reference stays a reference).
fn plain_param(ctx: &Ctx<'_>, param: &Param<'_>) -> Result<Value, ConvertError> {
    match &param.shared {
        Some(target) => Ok(reference_to(&target.component_ref("parameters"))),
        None => parameter::convert(ctx, param.source, &param.pointer),
    }
}

fn convert_path_item(ctx: &Ctx<'_>, item: &Value, pointer: &str) -> Result<Value, ConvertError> {
    let source = object(item, pointer)?;
    let shared = match source.get("parameters") {
        Some(list) => resolve_params(ctx, list, &join(pointer, "parameters"))?,
        None => Vec::new(),
    };
    let mut out = Map::new();
    for (key, value) in source {
        let at = join(pointer, key);
        match key.as_str() {
            method if METHODS.contains(&method) => {
                out.insert(key.clone(), convert_operation(ctx, value, &shared, &at)?);
            }
            "parameters" => {
                let plain = shared
                    .iter()
                    .filter(|param| !param.is_body() && !param.is_form())
                    .map(|param| plain_param(ctx, param))
                    .collect::<Result<Vec<_>, _>>()?;
                if !plain.is_empty() {
                    out.insert(key.clone(), Value::Array(plain));
                }
            }
            "$ref" => {
                return Err(ConvertError::Unsupported {
                    pointer: at,
                    construct: "a path item `$ref`".into(),
                })
            }
            _ if is_extension(key) => {
                out.insert(key.clone(), value.clone());
            }
            _ => return Err(unknown_key(pointer, key)),
        }
    }
    Ok(Value::Object(out))
}

/// The operation's `consumes`/`produces`: its own list overrides the document's, and an empty
/// list (which clears the document's) falls back to JSON like an absent one would.
fn media_types(
    own: Option<&Value>,
    document: &[String],
    pointer: &str,
) -> Result<Vec<String>, ConvertError> {
    match own {
        None => Ok(document.to_vec()),
        Some(value) => {
            let list = string_list(value, pointer)?;
            Ok(if list.is_empty() {
                vec![super::DEFAULT_MEDIA_TYPE.to_owned()]
            } else {
                list
            })
        }
    }
}

fn convert_operation(
    ctx: &Ctx<'_>,
    operation: &Value,
    inherited: &[Param<'_>],
    pointer: &str,
) -> Result<Value, ConvertError> {
    let source = object(operation, pointer)?;
    let consumes = media_types(
        source.get("consumes"),
        &ctx.consumes,
        &join(pointer, "consumes"),
    )?;
    let produces = media_types(
        source.get("produces"),
        &ctx.produces,
        &join(pointer, "produces"),
    )?;
    let own = match source.get("parameters") {
        Some(list) => resolve_params(ctx, list, &join(pointer, "parameters"))?,
        None => Vec::new(),
    };
    let mut request_body = request_body(ctx, &own, inherited, &consumes)?;

    let mut out = Map::new();
    for (key, value) in source {
        let at = join(pointer, key);
        match key.as_str() {
            "consumes" | "produces" => {} // applied to the request body and responses
            "schemes" => {
                if let Some(servers) = ctx.operation_servers(value, &at)? {
                    out.insert("servers".into(), servers);
                }
            }
            "parameters" => {
                let plain = own
                    .iter()
                    .filter(|param| !param.is_body() && !param.is_form())
                    .map(|param| plain_param(ctx, param))
                    .collect::<Result<Vec<_>, _>>()?;
                if !plain.is_empty() {
                    out.insert(key.clone(), Value::Array(plain));
                }
                if let Some(body) = request_body.take() {
                    out.insert("requestBody".into(), body);
                }
            }
            "responses" => {
                // A body inherited from the path item has no `parameters` slot to follow.
                if let Some(body) = request_body.take() {
                    out.insert("requestBody".into(), body);
                }
                out.insert(
                    key.clone(),
                    response::convert_all(ctx, value, &produces, &at)?,
                );
            }
            _ if VERBATIM.contains(&key.as_str()) || is_extension(key) => {
                out.insert(key.clone(), value.clone());
            }
            _ => return Err(unknown_key(pointer, key)),
        }
    }
    if let Some(body) = request_body.take() {
        out.insert("requestBody".into(), body);
    }
    Ok(Value::Object(out))
}

/// Builds the operation's request body from its body or form parameters.
///
/// OpenAPI 3.0 path items cannot hold a request body, so body and form parameters declared on
/// the path item are applied to every operation that does not redeclare them (a body parameter
/// of the operation replaces the path item's, as there can only be one).
fn request_body(
    ctx: &Ctx<'_>,
    own: &[Param<'_>],
    inherited: &[Param<'_>],
    consumes: &[String],
) -> Result<Option<Value>, ConvertError> {
    let own_body = own.iter().any(Param::is_body);
    let applicable = inherited
        .iter()
        .filter(|param| param.is_form() || (param.is_body() && !own_body))
        .filter(|param| !own.iter().any(|mine| mine.overrides(param)))
        .chain(
            own.iter()
                .filter(|param| param.is_body() || param.is_form()),
        );
    let (bodies, forms): (Vec<&Param<'_>>, Vec<&Param<'_>>) =
        applicable.partition(|param| param.is_body());

    match (bodies.as_slice(), forms.as_slice()) {
        ([], []) => Ok(None),
        ([body], []) => match &body.shared {
            // The shared request body was converted with the document's `consumes`; only an
            // operation with the same media types can point at it.
            Some(target) if consumes == ctx.consumes.as_slice() => {
                Ok(Some(reference_to(&target.component_ref("requestBodies"))))
            }
            _ => body::from_body(ctx, body.declared(), consumes).map(Some),
        },
        ([], fields) => {
            let fields: Vec<Declared<'_>> = fields.iter().map(|param| param.declared()).collect();
            body::from_form(ctx, &fields, consumes).map(Some)
        }
        ([_, second, ..], _) => Err(ConvertError::Invalid {
            pointer: second.pointer.clone(),
            reason: "an operation can have only one body parameter".into(),
        }),
        ([body], [_, ..]) => Err(ConvertError::Invalid {
            pointer: body.pointer.clone(),
            reason: "body and formData parameters cannot be combined".into(),
        }),
    }
}
