//! Operations (`METHOD /path`): presence, operationId, parameters, request body and responses.

use std::collections::{BTreeMap, BTreeSet};

use openapiv3::{
    Components, MediaType, OpenAPI, Operation, Parameter, ParameterData, ParameterSchemaOrContent,
    ReferenceOr, RequestBody, Response,
};

use super::describe::{describe, unescape_pointer, SchemaView};
use super::schemas::diff_inside;
use super::{ChangeKind, Collector};

/// HTTP methods as they appear in subjects, in the order OpenAPI lists them.
pub(super) const METHODS: [&str; 8] = [
    "GET", "PUT", "POST", "DELETE", "OPTIONS", "HEAD", "PATCH", "TRACE",
];

/// A reference chain longer than this is taken to be a cycle.
const MAX_REF_HOPS: usize = 16;

/// An operation together with where it lives.
struct Op<'a> {
    method: &'static str,
    path: &'a str,
    operation: &'a Operation,
    /// Parameters declared on the path item, shared by all its operations.
    path_parameters: &'a [ReferenceOr<Parameter>],
}

impl Op<'_> {
    /// `GET /service/tickets/{id} (getServiceTicketsById)`.
    fn subject(&self) -> String {
        match &self.operation.operation_id {
            Some(id) => format!("{} {} ({id})", self.method, self.path),
            None => format!("{} {}", self.method, self.path),
        }
    }
}

/// Operations keyed by (path, method).
fn operations(api: &OpenAPI) -> BTreeMap<(&str, &'static str), Op<'_>> {
    let mut ops = BTreeMap::new();
    for (path, item) in &api.paths.paths {
        // A path item `$ref` is not followed (no vendor uses them); a dangling one is reported by the
        // unresolved-reference pass.
        let ReferenceOr::Item(item) = item else {
            continue;
        };
        for (name, operation) in item.iter() {
            let Some(method) = METHODS.iter().find(|m| m.eq_ignore_ascii_case(name)) else {
                continue;
            };
            ops.insert(
                (path.as_str(), *method),
                Op {
                    method,
                    path,
                    operation,
                    path_parameters: &item.parameters,
                },
            );
        }
    }
    ops
}

/// Removed, added, moved and changed operations.
pub(super) fn diff_operations(out: &mut Collector, old: &OpenAPI, new: &OpenAPI) {
    let old_ops = operations(old);
    let new_ops = operations(new);

    // Unmatched new operations by operationId, to recognise an operation that moved to another path.
    let mut added_by_id: BTreeMap<&str, Vec<(&str, &str)>> = BTreeMap::new();
    for (key, op) in &new_ops {
        if !old_ops.contains_key(key) {
            if let Some(id) = op.operation.operation_id.as_deref() {
                added_by_id.entry(id).or_default().push(*key);
            }
        }
    }

    let mut moved_to = BTreeSet::new();
    for (key, old_op) in &old_ops {
        if let Some(new_op) = new_ops.get(key) {
            if old_op.operation.operation_id != new_op.operation.operation_id {
                // The generated method takes its name from the operationId.
                let was = old_op
                    .operation
                    .operation_id
                    .as_deref()
                    .unwrap_or("no operationId");
                out.breaking(
                    ChangeKind::OperationIdChanged,
                    new_op.subject(),
                    format!("was {was}"),
                );
            }
            diff_operation(out, old, new, old_op, new_op);
            continue;
        }
        let target = old_op
            .operation
            .operation_id
            .as_deref()
            .and_then(|id| added_by_id.get(id))
            .filter(|keys| keys.len() == 1)
            .and_then(|keys| keys.first())
            .and_then(|key| new_ops.get_key_value(key));
        match target {
            Some((new_key, new_op)) if moved_to.insert(*new_key) => {
                // Same generated method, but servers no longer answer at the old address.
                out.breaking(
                    ChangeKind::OperationMoved,
                    new_op.subject(),
                    format!("was {} {}", old_op.method, old_op.path),
                );
                diff_operation(out, old, new, old_op, new_op);
            }
            _ => out.breaking(ChangeKind::OperationRemoved, old_op.subject(), ""),
        }
    }
    for (key, new_op) in &new_ops {
        if !old_ops.contains_key(key) && !moved_to.contains(key) {
            out.non_breaking(ChangeKind::OperationAdded, new_op.subject(), "");
        }
    }
}

fn diff_operation(out: &mut Collector, old_api: &OpenAPI, new_api: &OpenAPI, old: &Op, new: &Op) {
    let subject = new.subject();
    diff_parameters(
        out,
        &subject,
        &parameters(old_api, old),
        &parameters(new_api, new),
    );
    diff_request_body(
        out,
        &subject,
        old.operation.request_body.as_ref().map(|body| {
            resolve(
                body,
                "requestBodies",
                |c, n| c.request_bodies.get(n),
                old_api,
            )
        }),
        new.operation.request_body.as_ref().map(|body| {
            resolve(
                body,
                "requestBodies",
                |c, n| c.request_bodies.get(n),
                new_api,
            )
        }),
    );
    diff_responses(
        out,
        &subject,
        &responses(old_api, old),
        &responses(new_api, new),
    );
}

/// Follows `#/components/{section}/{name}` references, chains included, to the item they name; `Err` holds
/// the reference that could not be followed.
fn resolve<'a, T>(
    item: &'a ReferenceOr<T>,
    section: &str,
    lookup: impl Fn(&'a Components, &str) -> Option<&'a ReferenceOr<T>>,
    api: &'a OpenAPI,
) -> Result<&'a T, &'a str> {
    let first = match item {
        ReferenceOr::Item(item) => return Ok(item),
        ReferenceOr::Reference { reference } => reference,
    };
    let prefix = format!("#/components/{section}/");
    let mut reference = first;
    for _ in 0..MAX_REF_HOPS {
        let next = reference.strip_prefix(prefix.as_str()).and_then(|name| {
            api.components
                .as_ref()
                .and_then(|components| lookup(components, &unescape_pointer(name)))
        });
        match next {
            Some(ReferenceOr::Item(item)) => return Ok(item),
            Some(ReferenceOr::Reference { reference: next }) => reference = next,
            None => return Err(reference),
        }
    }
    // A chain this long is a cycle; name where it started.
    Err(first)
}

// ---------------------------------------------------------------------------------------------------------
// Parameters

/// A resolved parameter and where it goes.
struct Param<'a> {
    location: &'static str,
    data: &'a ParameterData,
}

impl Param<'_> {
    /// `query `page``.
    fn who(&self) -> String {
        format!("{} `{}`", self.location, self.data.name)
    }

    fn type_text(&self) -> String {
        match &self.data.format {
            ParameterSchemaOrContent::Schema(schema) => describe(SchemaView::of(schema)),
            ParameterSchemaOrContent::Content(content) => content_text(content),
        }
    }

    fn schema(&self) -> Option<SchemaView<'_>> {
        match &self.data.format {
            ParameterSchemaOrContent::Schema(schema) => Some(SchemaView::of(schema)),
            ParameterSchemaOrContent::Content(_) => None,
        }
    }

    /// `query `page` integer(int32)`.
    fn text(&self) -> String {
        format!("{} {}", self.who(), self.type_text())
    }
}

type ParamKey = (&'static str, String);
type Params<'a> = BTreeMap<ParamKey, Result<Param<'a>, &'a str>>;

/// The effective parameters of an operation: the path item's, overridden by the operation's own with the
/// same location and name (as OpenAPI specifies). Header names are case-insensitive, so they are keyed in
/// lower case.
fn parameters<'a>(api: &'a OpenAPI, op: &Op<'a>) -> Params<'a> {
    let mut params = BTreeMap::new();
    for parameter in op.path_parameters.iter().chain(&op.operation.parameters) {
        match resolve(parameter, "parameters", |c, n| c.parameters.get(n), api) {
            Ok(parameter) => {
                let (location, name) = match parameter {
                    Parameter::Query { parameter_data, .. } => {
                        ("query", parameter_data.name.clone())
                    }
                    Parameter::Header { parameter_data, .. } => {
                        ("header", parameter_data.name.to_ascii_lowercase())
                    }
                    Parameter::Path { parameter_data, .. } => ("path", parameter_data.name.clone()),
                    Parameter::Cookie { parameter_data, .. } => {
                        ("cookie", parameter_data.name.clone())
                    }
                };
                let data = parameter.parameter_data_ref();
                params.insert((location, name), Ok(Param { location, data }));
            }
            Err(reference) => {
                params.insert(("$ref", reference.to_owned()), Err(reference));
            }
        }
    }
    params
}

fn param_text(param: &Result<Param<'_>, &str>) -> String {
    match param {
        Ok(param) => param.text(),
        Err(reference) => format!("unresolved {reference}"),
    }
}

fn diff_parameters(out: &mut Collector, subject: &str, old: &Params<'_>, new: &Params<'_>) {
    let mut removed: Vec<&ParamKey> = old.keys().filter(|k| !new.contains_key(*k)).collect();
    let mut added: Vec<&ParamKey> = new.keys().filter(|k| !old.contains_key(*k)).collect();

    // A parameter that left one location and, under the same name, appeared in exactly one other.
    removed.retain(|old_key| {
        let same_name: Vec<usize> = added
            .iter()
            .enumerate()
            .filter(|(_, new_key)| new_key.1.eq_ignore_ascii_case(&old_key.1))
            .map(|(index, _)| index)
            .collect();
        let (Some(Ok(old_param)), [index]) = (old.get(*old_key), same_name.as_slice()) else {
            return true;
        };
        let Some(Ok(new_param)) = new.get(added[*index]) else {
            return true;
        };
        out.breaking(
            ChangeKind::ParameterLocationChanged,
            subject,
            format!(
                "`{}`: {} → {}",
                new_param.data.name, old_param.location, new_param.location
            ),
        );
        compare_parameter(out, subject, old_param, new_param);
        added.remove(*index);
        false
    });

    for key in removed {
        if let Some(param) = old.get(key) {
            out.breaking(ChangeKind::ParameterRemoved, subject, param_text(param));
        }
    }
    for key in added {
        match new.get(key) {
            Some(Ok(param)) if param.data.required => {
                out.breaking(
                    ChangeKind::ParameterAdded,
                    subject,
                    format!("required {}", param.text()),
                );
            }
            Some(param) => out.non_breaking(ChangeKind::ParameterAdded, subject, param_text(param)),
            None => {}
        }
    }
    // Kept parameters. An unresolved one is keyed by its reference, so a match means the same dangling
    // reference on both sides: nothing to compare.
    for (key, old_param) in old {
        if let (Ok(old_param), Some(Ok(new_param))) = (old_param, new.get(key)) {
            compare_parameter(out, subject, old_param, new_param);
        }
    }
}

fn compare_parameter(out: &mut Collector, subject: &str, old: &Param<'_>, new: &Param<'_>) {
    let who = new.who();
    match (old.data.required, new.data.required) {
        (false, true) => out.breaking(ChangeKind::ParameterRequired, subject, who.as_str()),
        (true, false) => out.non_breaking(ChangeKind::ParameterOptional, subject, who.as_str()),
        _ => {}
    }
    let (old_text, new_text) = (old.type_text(), new.type_text());
    if old_text != new_text {
        out.breaking(
            ChangeKind::ParameterTypeChanged,
            subject,
            format!("{who}: {old_text} → {new_text}"),
        );
    }
    if let (Some(old_schema), Some(new_schema)) = (old.schema(), new.schema()) {
        diff_inside(out, &format!("{subject} {who}"), old_schema, new_schema, 0);
    }
}

// ---------------------------------------------------------------------------------------------------------
// Bodies

/// Where a body sits, for kinds and subjects.
enum Place<'a> {
    Request,
    Response(&'a str),
}

fn media_text(media: &MediaType) -> String {
    media.schema.as_ref().map_or_else(
        || "no schema".to_owned(),
        |schema| describe(SchemaView::of(schema)),
    )
}

/// The distinct schemas of a body, e.g. `Ticket` or `Ticket, string(binary)`.
fn content_text<'a>(content: impl IntoIterator<Item = (&'a String, &'a MediaType)>) -> String {
    let mut seen = Vec::new();
    for (_, media) in content {
        let text = media_text(media);
        if !seen.contains(&text) {
            seen.push(text);
        }
    }
    if seen.is_empty() {
        "no content".to_owned()
    } else {
        seen.join(", ")
    }
}

fn request_text(body: &Result<&RequestBody, &str>) -> String {
    match body {
        Ok(body) => content_text(&body.content),
        Err(reference) => format!("unresolved {reference}"),
    }
}

fn diff_request_body(
    out: &mut Collector,
    subject: &str,
    old: Option<Result<&RequestBody, &str>>,
    new: Option<Result<&RequestBody, &str>>,
) {
    match (old, new) {
        (None, None) => {}
        (Some(old), None) => {
            out.breaking(ChangeKind::RequestBodyRemoved, subject, request_text(&old))
        }
        (None, Some(new)) => {
            let text = request_text(&new);
            if new.is_ok_and(|body| body.required) {
                out.breaking(
                    ChangeKind::RequestBodyAdded,
                    subject,
                    format!("required {text}"),
                );
            } else {
                out.non_breaking(ChangeKind::RequestBodyAdded, subject, text);
            }
        }
        (Some(Ok(old)), Some(Ok(new))) => {
            match (old.required, new.required) {
                (false, true) => out.breaking(ChangeKind::RequestBodyRequired, subject, ""),
                (true, false) => out.non_breaking(ChangeKind::RequestBodyOptional, subject, ""),
                _ => {}
            }
            diff_content(out, subject, &Place::Request, &old.content, &new.content);
        }
        (Some(old), Some(new)) => {
            let (old_text, new_text) = (request_text(&old), request_text(&new));
            if old_text != new_text {
                out.breaking(
                    ChangeKind::RequestBodySchemaChanged,
                    subject,
                    format!("{old_text} → {new_text}"),
                );
            }
        }
    }
}

type Responses<'a> = BTreeMap<String, Result<&'a Response, &'a str>>;

fn responses<'a>(api: &'a OpenAPI, op: &Op<'a>) -> Responses<'a> {
    let declared = &op.operation.responses;
    let codes = declared
        .responses
        .iter()
        .map(|(code, response)| (code.to_string(), response))
        .chain(declared.default.iter().map(|r| ("default".to_owned(), r)));
    codes
        .map(|(code, response)| {
            let resolved = resolve(response, "responses", |c, n| c.responses.get(n), api);
            (code, resolved)
        })
        .collect()
}

fn response_text(response: &Result<&Response, &str>) -> String {
    match response {
        Ok(response) => content_text(&response.content),
        Err(reference) => format!("unresolved {reference}"),
    }
}

fn diff_responses(out: &mut Collector, subject: &str, old: &Responses<'_>, new: &Responses<'_>) {
    let codes: BTreeSet<&String> = old.keys().chain(new.keys()).collect();
    for code in codes {
        // Losing an error response changes nothing a caller relies on; losing a success response removes
        // a result the generated client decodes.
        let success = code.starts_with('2');
        match (old.get(code), new.get(code)) {
            (Some(old), None) => {
                let detail = format!("{code} {}", response_text(old));
                if success {
                    out.breaking(ChangeKind::ResponseRemoved, subject, detail);
                } else {
                    out.non_breaking(ChangeKind::ResponseRemoved, subject, detail);
                }
            }
            (None, Some(new)) => out.non_breaking(
                ChangeKind::ResponseAdded,
                subject,
                format!("{code} {}", response_text(new)),
            ),
            (Some(Ok(old)), Some(Ok(new))) => {
                diff_content(
                    out,
                    subject,
                    &Place::Response(code),
                    &old.content,
                    &new.content,
                );
            }
            (Some(old), Some(new)) => {
                let (old_text, new_text) = (response_text(old), response_text(new));
                if old_text != new_text {
                    out.breaking(
                        ChangeKind::ResponseSchemaChanged,
                        subject,
                        format!("{code}: {old_text} → {new_text}"),
                    );
                }
            }
            (None, None) => {}
        }
    }
}

/// A media type with insignificant spelling removed: lower-case, no spaces around `;`.
fn normalize_media_type(media_type: &str) -> String {
    media_type
        .split(';')
        .map(str::trim)
        .collect::<Vec<_>>()
        .join(";")
        .to_ascii_lowercase()
}

/// The media type without its parameters: `application/json; charset=utf-8` → `application/json`.
fn essence(media_type: &str) -> String {
    media_type
        .split(';')
        .next()
        .unwrap_or(media_type)
        .trim()
        .to_ascii_lowercase()
}

/// The media types of two bodies paired up: by normalized name, then by essence where that is unambiguous
/// (each side has exactly one leftover with that essence). Essence pairs are tallied in the collector so the
/// report states a vendor-wide parameter change (ConnectWise's `version=`) once instead of per operation.
struct Pairing<'a> {
    pairs: Vec<(&'a MediaType, &'a str, &'a MediaType)>,
    removed: Vec<&'a str>,
    added: Vec<&'a str>,
}

fn pair_media_types<'a>(
    out: &mut Collector,
    old: &'a openapiv3::Content,
    new: &'a openapiv3::Content,
) -> Pairing<'a> {
    let new_by_name: BTreeMap<String, (&str, &MediaType)> = new
        .iter()
        .map(|(name, media)| (normalize_media_type(name), (name.as_str(), media)))
        .collect();
    let mut pairing = Pairing {
        pairs: Vec::new(),
        removed: Vec::new(),
        added: Vec::new(),
    };
    let mut matched_new = BTreeSet::new();
    let mut old_left: BTreeMap<String, Vec<(&str, &MediaType)>> = BTreeMap::new();
    for (name, media) in old {
        let normalized = normalize_media_type(name);
        match new_by_name.get(&normalized) {
            Some((new_name, new_media)) => {
                pairing.pairs.push((media, new_name, new_media));
                matched_new.insert(normalized);
            }
            None => old_left
                .entry(essence(name))
                .or_default()
                .push((name.as_str(), media)),
        }
    }
    let mut new_left: BTreeMap<String, Vec<(&str, &MediaType)>> = BTreeMap::new();
    for (normalized, (name, media)) in &new_by_name {
        if !matched_new.contains(normalized) {
            new_left
                .entry(essence(name))
                .or_default()
                .push((name, media));
        }
    }
    for (essence, olds) in old_left {
        match (olds.as_slice(), new_left.remove(&essence)) {
            ([(old_name, old_media)], Some(news)) if news.len() == 1 => {
                let (new_name, new_media) = news[0];
                pairing.pairs.push((old_media, new_name, new_media));
                *out.media_renames
                    .entry(((*old_name).to_owned(), new_name.to_owned()))
                    .or_insert(0) += 1;
            }
            (_, news) => {
                pairing.removed.extend(olds.iter().map(|(name, _)| *name));
                pairing
                    .added
                    .extend(news.into_iter().flatten().map(|(name, _)| name));
            }
        }
    }
    pairing
        .added
        .extend(new_left.into_values().flatten().map(|(name, _)| name));
    pairing.removed.sort_unstable();
    pairing.added.sort_unstable();
    pairing
}

fn diff_content(
    out: &mut Collector,
    subject: &str,
    place: &Place<'_>,
    old: &openapiv3::Content,
    new: &openapiv3::Content,
) {
    let Pairing {
        pairs,
        removed,
        added,
    } = pair_media_types(out, old, new);
    let (removed_kind, added_kind, schema_kind, prefix, inner) = match place {
        Place::Request => (
            ChangeKind::RequestContentTypeRemoved,
            ChangeKind::RequestContentTypeAdded,
            ChangeKind::RequestBodySchemaChanged,
            String::new(),
            format!("{subject} request body"),
        ),
        Place::Response(code) => (
            ChangeKind::ResponseContentTypeRemoved,
            ChangeKind::ResponseContentTypeAdded,
            ChangeKind::ResponseSchemaChanged,
            format!("{code}: "),
            format!("{subject} response {code} body"),
        ),
    };
    for media_type in removed {
        out.breaking(removed_kind, subject, format!("{prefix}{media_type}"));
    }
    for media_type in added {
        out.non_breaking(added_kind, subject, format!("{prefix}{media_type}"));
    }

    // One line per distinct schema change, naming the media types only when they disagree.
    let mut changed: BTreeMap<(String, String), Vec<&str>> = BTreeMap::new();
    for (old_media, new_name, new_media) in &pairs {
        let (old_text, new_text) = (media_text(old_media), media_text(new_media));
        if old_text != new_text {
            changed
                .entry((old_text, new_text))
                .or_default()
                .push(new_name);
        }
    }
    let several = changed.len() > 1;
    for ((old_text, new_text), mut media_types) in changed {
        let mut detail = format!("{prefix}{old_text} → {new_text}");
        if several {
            media_types.sort_unstable();
            detail.push_str(&format!(" ({})", media_types.join(", ")));
        }
        out.breaking(schema_kind, subject, detail);
    }

    for (old_media, _, new_media) in pairs {
        if let (Some(old_schema), Some(new_schema)) = (&old_media.schema, &new_media.schema) {
            diff_inside(
                out,
                &inner,
                SchemaView::of(old_schema),
                SchemaView::of(new_schema),
                0,
            );
        }
    }
}
