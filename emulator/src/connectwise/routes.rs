//! ConnectWise operations: every route of the document, classified by its template into list, count, get,
//! create, replace (PUT), JSON Patch (PATCH) and delete over the store, or answered with an example of its
//! response schema.

use axum::http::{Method, StatusCode};
use axum::response::Response;
use serde_json::{json, Map, Value};

use super::auth::{Caller, MemberKey};
use super::query::{self, Filters};
use super::{refs, Tenant, IMPERSONABLE_MEMBER};
use crate::clock::stamp;
use crate::hooks::{Change, ChangeKind};
use crate::http::{self, Req};
use crate::server::Outcome;
use crate::spec_routes::{ref_name, Matched, Route, RouteTable};
use crate::{vendor_error, Vendor};

pub(crate) struct Ctx<'a> {
    pub tenant: &'a mut Tenant,
    pub req: &'a Req,
    /// The path after `/apis/3.0`.
    pub rest: &'a str,
    pub api_base: &'a str,
    pub caller: &'a Caller,
    pub now: chrono::DateTime<chrono::Utc>,
}

/// What a route does with the store.
#[derive(Debug, PartialEq)]
enum Action {
    List(String),
    Count(String),
    Get(String, String),
    Create(String),
    Replace(String, String),
    Patch(String, String),
    Delete(String, String),
    Other,
}

fn classify(matched: &Matched<'_>, path: &str) -> Action {
    let route = matched.route;
    let mut parts: Vec<(bool, String)> = Vec::new();
    let templ: Vec<&str> = route
        .template
        .split('/')
        .filter(|s| !s.is_empty())
        .collect();
    let actual: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    for (t, a) in templ.iter().zip(&actual) {
        let is_param = t.starts_with('{');
        let value = if is_param {
            crate::spec_routes::percent_decode(a)
        } else {
            t.to_string()
        };
        parts.push((is_param, value.to_ascii_lowercase()));
    }
    let method = route.method.as_str();
    let count = parts.last().is_some_and(|(p, s)| !p && s == "count");
    if count {
        parts.pop();
    }
    if parts.last().is_some_and(|(p, s)| !p && s == "info") {
        parts.pop();
    }
    let key = |parts: &[(bool, String)]| {
        parts
            .iter()
            .map(|(_, s)| s.as_str())
            .collect::<Vec<_>>()
            .join("/")
    };
    let Some((last_is_param, last)) = parts.last().cloned() else {
        return Action::Other;
    };
    if count {
        return if method == "GET" && !last_is_param {
            Action::Count(key(&parts))
        } else {
            Action::Other
        };
    }
    let response_is_array = route
        .response
        .as_ref()
        .is_some_and(|r| r.get("type").and_then(Value::as_str) == Some("array"));
    let response_is_record = route
        .response
        .as_ref()
        .is_some_and(|r| ref_name(r).is_some());
    if last_is_param {
        let collection = key(&parts[..parts.len() - 1]);
        return match method {
            "GET" if response_is_record => Action::Get(collection, last),
            "PUT" => Action::Replace(collection, last),
            "PATCH" => Action::Patch(collection, last),
            "DELETE" => Action::Delete(collection, last),
            _ => Action::Other,
        };
    }
    match method {
        "GET" if response_is_array => Action::List(key(&parts)),
        "POST"
            if response_is_record && route.body.as_ref().is_some_and(|b| ref_name(b).is_some()) =>
        {
            Action::Create(key(&parts))
        }
        _ => Action::Other,
    }
}

pub(crate) fn serve(ctx: Ctx<'_>) -> Outcome {
    let table = RouteTable::get(Vendor::ConnectWise);
    let Some(matched) = table.find(ctx.req.method.as_str(), ctx.rest) else {
        let response = if table.methods_at(ctx.rest).is_empty() {
            vendor_error::connectwise(
                StatusCode::NOT_FOUND,
                "NotFound",
                &format!("No resource found at {}", ctx.rest),
                None,
            )
        } else {
            vendor_error::connectwise(
                StatusCode::METHOD_NOT_ALLOWED,
                "MethodNotAllowed",
                &format!(
                    "The requested resource does not support http method '{}'.",
                    ctx.req.method
                ),
                None,
            )
        };
        return Outcome::new(response, None);
    };
    let op = matched.route.operation_id.clone();
    let response = answer(ctx, &matched, table);
    Outcome {
        response,
        operation_id: op,
    }
}

fn answer(ctx: Ctx<'_>, matched: &Matched<'_>, table: &RouteTable) -> Response {
    let route = matched.route;
    if route
        .template
        .eq_ignore_ascii_case("/system/members/{memberIdentifier}/tokens")
    {
        return member_token(ctx, matched);
    }
    if route.template.eq_ignore_ascii_case("/system/documents") && route.method == "POST" {
        return upload_document(ctx);
    }
    if route
        .template
        .eq_ignore_ascii_case("/system/documents/{id}/download")
    {
        return download_document(&ctx, matched);
    }
    if route.template == "/system/info" {
        return http::json(
            StatusCode::OK,
            &json!({
                "version": "v2022.1", "isCloud": true, "serverTimeZone": "Eastern Standard Time",
                "cloudRegion": "NA", "licenseBits": []
            }),
        );
    }
    match classify(matched, ctx.rest) {
        Action::List(key) => list(ctx, route, table, &key),
        // A count route whose document declares another shape answers that shape (the generated type's).
        Action::Count(key) if count_shaped(route, table) => count(ctx, route, table, &key),
        Action::Get(key, id) => get(ctx, &key, &id),
        Action::Create(key) => create(ctx, route, table, &key),
        Action::Replace(key, id) => write(ctx, route, table, &key, &id, false),
        Action::Patch(key, id) => write(ctx, route, table, &key, &id, true),
        Action::Delete(key, id) => delete(ctx, route, &key, &id),
        Action::Count(_) | Action::Other => example(route, table),
    }
}

/// Lowercase property names of a list route's item type.
fn item_fields(route: &Route, table: &RouteTable) -> Vec<String> {
    let Some(items) = route.response.as_ref().and_then(|r| r.get("items")) else {
        return Vec::new();
    };
    table
        .properties(items)
        .into_iter()
        .map(|(name, _)| name.to_ascii_lowercase())
        .collect()
}

fn bad_param(error: query::ParamError) -> Response {
    vendor_error::connectwise(
        StatusCode::BAD_REQUEST,
        "InvalidObject",
        &format!("{} is invalid: {}", error.param, error.message),
        Some(json!([{
            "code": "InvalidParameter",
            "message": error.message,
            "resource": error.param,
            "field": error.param,
        }])),
    )
}

fn filtered<'a>(
    ctx: &'a Ctx<'_>,
    route: &Route,
    table: &RouteTable,
    key: &str,
) -> Result<Vec<&'a Value>, Response> {
    let filters = Filters::parse(ctx.req, &item_fields(route, table)).map_err(bad_param)?;
    Ok(ctx
        .tenant
        .store
        .list(key)
        .filter(|record| filters.matches(record))
        .collect())
}

fn list(ctx: Ctx<'_>, route: &Route, table: &RouteTable, key: &str) -> Response {
    if let Some(missing) = missing_parent(&ctx, key) {
        return missing;
    }
    let mut records = match filtered(&ctx, route, table, key) {
        Ok(records) => records,
        Err(response) => return response,
    };
    if let Err(error) = query::order(&mut records, ctx.req.query_param("orderBy")) {
        return bad_param(error);
    }
    let paging = match query::paging(ctx.req) {
        Ok(paging) => paging,
        Err(error) => return bad_param(error),
    };
    let self_url = format!("{}{}", ctx.api_base, ctx.rest);
    let (items, link) = query::page(records, &paging, ctx.req, &self_url);
    let response = match ctx.req.query_param("fields") {
        Some(fields) => {
            let items: Vec<Value> = items
                .iter()
                .map(|r| query::project(r, Some(fields)))
                .collect();
            http::json_of(StatusCode::OK, &items)
        }
        None => http::json_of(StatusCode::OK, &items),
    };
    match link {
        Some(link) => http::with_header(response, "link", &link),
        None => response,
    }
}

fn count_shaped(route: &Route, table: &RouteTable) -> bool {
    route
        .response
        .as_ref()
        .is_some_and(|r| table.properties(r).iter().any(|(name, _)| *name == "count"))
}

fn count(ctx: Ctx<'_>, route: &Route, table: &RouteTable, key: &str) -> Response {
    // The count route's response is `Count`; the item type comes from the list route beside it.
    let list_template = route.template.trim_end_matches("/count");
    let list_route = table
        .routes()
        .iter()
        .find(|r| r.method == "GET" && r.template == list_template)
        .unwrap_or(route);
    match filtered(&ctx, list_route, table, key) {
        Ok(records) => http::json(StatusCode::OK, &json!({ "count": records.len() })),
        Err(response) => response,
    }
}

fn not_found(key: &str, id: &str) -> Response {
    vendor_error::connectwise(
        StatusCode::NOT_FOUND,
        "NotFound",
        &format!("{} with id {id} not found", resource_name(key)),
        None,
    )
}

/// `service/tickets` → `Ticket`-ish display name.
fn resource_name(key: &str) -> String {
    let last = key
        .rsplit('/')
        .find(|s| s.parse::<i64>().is_err())
        .unwrap_or(key);
    let singular = last
        .strip_suffix("ies")
        .map(|s| format!("{s}y"))
        .or_else(|| last.strip_suffix('s').map(str::to_owned))
        .unwrap_or_else(|| last.to_owned());
    let mut chars = singular.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// A 404 when `key` is a child collection of a record that does not exist.
fn missing_parent(ctx: &Ctx<'_>, key: &str) -> Option<Response> {
    let parts: Vec<&str> = key.split('/').collect();
    if parts.len() < 4 {
        return None;
    }
    let parent_id = parts[parts.len() - 2];
    let id: i64 = parent_id.parse().ok()?;
    let parent_key = parts[..parts.len() - 2].join("/");
    (ctx.tenant.store.len(&parent_key) > 0 && ctx.tenant.store.get(&parent_key, id).is_none())
        .then(|| not_found(&parent_key, parent_id))
}

fn find_id(ctx: &Ctx<'_>, key: &str, id: &str) -> Option<i64> {
    match id.parse::<i64>() {
        Ok(id) => ctx.tenant.store.get(key, id).map(|_| id),
        Err(_) => ctx
            .tenant
            .store
            .find_by(key, "identifier", id)
            .and_then(|r| r.get("id"))
            .and_then(Value::as_i64),
    }
}

fn get(ctx: Ctx<'_>, key: &str, id: &str) -> Response {
    match find_id(&ctx, key, id).and_then(|id| ctx.tenant.store.get(key, id)) {
        Some(record) => http::json(
            StatusCode::OK,
            &query::project(record, ctx.req.query_param("fields")),
        ),
        None => not_found(key, id),
    }
}

/// ConnectWise answers a delete with 204; the few deletes whose document declares a 200 with the record
/// (managed-devices integration logins and cross references) get the removed record, the shape their generated
/// type decodes.
fn delete(ctx: Ctx<'_>, route: &Route, key: &str, id: &str) -> Response {
    match find_id(&ctx, key, id) {
        Some(id) => {
            let removed = ctx.tenant.store.remove(key, id);
            ctx.tenant.changes.push(Change {
                collection: key.to_owned(),
                id,
                kind: ChangeKind::Deleted,
                after: None,
                before: removed.clone(),
            });
            match removed {
                Some(record) if route.status == 200 && route.response.is_some() => {
                    http::json(StatusCode::OK, &record)
                }
                _ => http::empty(StatusCode::NO_CONTENT),
            }
        }
        None => not_found(key, id),
    }
}

/// Fields ConnectWise requires on create that the (response-lenient) document no longer lists.
fn required_fields(key: &str) -> &'static [&'static str] {
    let parts: Vec<&str> = key.split('/').collect();
    match parts.as_slice() {
        ["service", "tickets"] => &["summary", "company"],
        ["service", "tickets", _, "notes"] => &["text"],
        ["company", "companies"] => &["identifier", "name"],
        ["company", "contacts"] => &["firstName"],
        ["time", "entries"] => &["timeStart"],
        ["system", "callbacks"] => &["url", "objectId", "type", "level"],
        _ => &[],
    }
}

/// `Ticket` → `ticket`, `CallbackEntry` → `callbackEntry` (the `resource` of error entries).
fn resource_of(route: &Route) -> String {
    let name = route
        .body
        .as_ref()
        .and_then(|b| ref_name(b))
        .unwrap_or("object");
    let mut chars = name.chars();
    chars
        .next()
        .map(|c| c.to_lowercase().chain(chars).collect())
        .unwrap_or_default()
}

fn invalid(resource: &str, errors: Vec<Value>) -> Response {
    vendor_error::connectwise(
        StatusCode::BAD_REQUEST,
        "InvalidObject",
        &format!("{resource} object is invalid"),
        Some(Value::Array(errors)),
    )
}

fn validate(route: &Route, table: &RouteTable, key: &str, record: &Value) -> Result<(), Response> {
    let resource = resource_of(route);
    let mut required: Vec<&str> = route
        .body
        .as_ref()
        .map(|b| table.required(b))
        .unwrap_or_default();
    required.extend(required_fields(key));
    let missing: Vec<Value> = required
        .iter()
        .filter(|field| {
            record
                .get(**field)
                .is_none_or(|v| v.is_null() || v.as_str() == Some(""))
        })
        .map(|field| {
            json!({
                "code": "NullValue",
                "message": format!("{field} may not be null."),
                "resource": resource,
                "field": field,
            })
        })
        .collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(invalid(&resource, missing))
    }
}

/// Fills references, defaults and `_info` of a record about to be stored.
fn prepare(
    ctx: &Ctx<'_>,
    route: &Route,
    table: &RouteTable,
    key: &str,
    record: &mut Value,
    created: bool,
) -> Result<(), Response> {
    if key == "service/tickets" {
        // The board first (it may be named, not numbered): the default status is the board's.
        if let Some(board) = record.get("board").cloned() {
            let mut probe = json!({ "board": board });
            if refs::resolve(&ctx.tenant.store, &mut probe, ctx.api_base).is_ok() {
                record["board"] = probe["board"].clone();
            }
        }
        let object = record
            .as_object_mut()
            .ok_or_else(|| invalid("ticket", vec![]))?;
        object.entry("board").or_insert_with(|| json!({"id": 1}));
        if object.get("status").is_none_or(Value::is_null) {
            let board = object
                .get("board")
                .and_then(|b| b.get("id"))
                .and_then(Value::as_i64)
                .unwrap_or(1);
            if let Some(first) = ctx
                .tenant
                .store
                .list(&format!("service/boards/{board}/statuses"))
                .next()
            {
                object.insert("status".into(), json!({"id": first["id"]}));
            }
        }
    }
    if let Err((field, message)) = refs::resolve(&ctx.tenant.store, record, ctx.api_base) {
        let resource = resource_of(route);
        return Err(invalid(
            &resource,
            vec![json!({
                "code": "InvalidField", "message": message, "resource": resource, "field": field
            })],
        ));
    }
    let now = stamp(ctx.now);
    let who = ctx.caller.identifier().to_owned();
    let schema_has = |name: &str| {
        route
            .response
            .as_ref()
            .is_some_and(|r| table.properties(r).iter().any(|(p, _)| *p == name))
    };
    let Some(object) = record.as_object_mut() else {
        return Ok(());
    };
    let info = object
        .entry("_info")
        .or_insert_with(|| Value::Object(Map::new()));
    if let Value::Object(info) = info {
        info.insert("lastUpdated".into(), Value::from(now.clone()));
        info.insert("updatedBy".into(), Value::from(who.clone()));
        if created {
            info.insert("dateEntered".into(), Value::from(now.clone()));
            info.insert("enteredBy".into(), Value::from(who.clone()));
        }
    }
    if created {
        for (field, value) in [
            ("dateEntered", &now),
            ("enteredBy", &who),
            ("dateCreated", &now),
            ("createdBy", &who),
        ] {
            if schema_has(field) {
                object.insert(field.into(), Value::from(value.clone()));
            }
        }
    }
    if key == "service/tickets" {
        let closed =
            refs::status_closed(&ctx.tenant.store, &Value::Object(object.clone())).unwrap_or(false);
        object.insert("closedFlag".into(), Value::from(closed));
        if closed && object.get("closedDate").is_none_or(Value::is_null) {
            object.insert("closedDate".into(), Value::from(now.clone()));
            object.insert("closedBy".into(), Value::from(who.clone()));
        }
    }
    Ok(())
}

fn add_hrefs(api_base: &str, key: &str, id: i64, record: &mut Value) {
    if key == "service/tickets" {
        if let Some(Value::Object(info)) = record.get_mut("_info") {
            for child in [
                "notes",
                "timeentries",
                "tasks",
                "documents",
                "configurations",
                "activities",
                "scheduleentries",
                "products",
            ] {
                info.insert(
                    format!("{child}_href"),
                    Value::from(format!("{api_base}/{key}/{id}/{child}")),
                );
            }
        }
    }
}

fn create(ctx: Ctx<'_>, route: &Route, table: &RouteTable, key: &str) -> Response {
    if let Some(missing) = missing_parent(&ctx, key) {
        return missing;
    }
    let mut record = match ctx.req.json() {
        Ok(Value::Object(object)) => Value::Object(object),
        Ok(_) => {
            return invalid(
                &resource_of(route),
                vec![
                    json!({"code": "InvalidObject", "message": "The body must be a JSON object."}),
                ],
            )
        }
        Err(message) => {
            return invalid(
                &resource_of(route),
                vec![json!({"code": "InvalidObject", "message": message})],
            )
        }
    };
    if let Some(object) = record.as_object_mut() {
        object.remove("id");
        // A child record names its parent (`ticketId` on notes).
        let parts: Vec<&str> = key.split('/').collect();
        if parts.len() >= 4 {
            if let Ok(parent) = parts[parts.len() - 2].parse::<i64>() {
                let field = format!("{}Id", singular(parts[parts.len() - 3]));
                let schema_has = route
                    .response
                    .as_ref()
                    .is_some_and(|r| table.properties(r).iter().any(|(p, _)| *p == field));
                if schema_has {
                    object.insert(field, Value::from(parent));
                }
            }
        }
    }
    if let Err(response) = validate(route, table, key, &record) {
        return response;
    }
    if key == "system/callbacks" {
        if let Some(response) = duplicate_callback(&ctx, &record) {
            return response;
        }
    }
    if let Err(response) = prepare(&ctx, route, table, key, &mut record, true) {
        return response;
    }
    let id = ctx.tenant.store.insert(key, record);
    if let Some(stored) = ctx.tenant.store.get_mut(key, id) {
        add_hrefs(ctx.api_base, key, id, stored);
    }
    let stored = ctx.tenant.store.get(key, id).cloned().unwrap_or_default();
    ctx.tenant.changes.push(Change {
        collection: key.to_owned(),
        id,
        kind: ChangeKind::Created,
        after: Some(stored.clone()),
        before: None,
    });
    http::json(
        StatusCode::from_u16(route.status).unwrap_or(StatusCode::CREATED),
        &stored,
    )
}

/// `tickets` → `ticket`, `companies` → `company`.
fn singular(word: &str) -> String {
    word.strip_suffix("ies")
        .map(|s| format!("{s}y"))
        .or_else(|| word.strip_suffix('s').map(str::to_owned))
        .unwrap_or_else(|| word.to_owned())
}

/// The real 400 for a second identical callback (shared/fixtures/connectwise/error_400_invalidobject_objectexists.json).
fn duplicate_callback(ctx: &Ctx<'_>, record: &Value) -> Option<Response> {
    let same = |a: &Value, field: &str| {
        let (x, y) = (a.get(field), record.get(field));
        match (x.and_then(Value::as_str), y.and_then(Value::as_str)) {
            (Some(x), Some(y)) => x.eq_ignore_ascii_case(y),
            _ => x == y,
        }
    };
    ctx.tenant
        .store
        .list("system/callbacks")
        .any(|existing| {
            ["url", "objectId", "type", "level"]
                .iter()
                .all(|f| same(existing, f))
        })
        .then(|| {
            invalid(
                "callbackEntry",
                vec![json!({
                    "code": "ObjectExists",
                    "message": "A matching callback entry already exists",
                    "resource": "callbackEntry",
                    "field": "objectId",
                })],
            )
        })
}

fn write(
    ctx: Ctx<'_>,
    route: &Route,
    table: &RouteTable,
    key: &str,
    id: &str,
    patch: bool,
) -> Response {
    let Some(id_num) = find_id(&ctx, key, id) else {
        return not_found(key, id);
    };
    let Some(existing) = ctx.tenant.store.get(key, id_num).cloned() else {
        return not_found(key, id);
    };
    let body = match ctx.req.json() {
        Ok(body) => body,
        Err(message) => {
            return invalid(
                &resource_of(route),
                vec![json!({"code": "InvalidObject", "message": message})],
            )
        }
    };
    let mut record = if patch {
        match apply_patch(existing.clone(), &body) {
            Ok(record) => record,
            Err(message) => {
                return vendor_error::connectwise(
                    StatusCode::BAD_REQUEST,
                    "InvalidObject",
                    &message,
                    Some(json!([{
                        "code": "InvalidPatchOperation", "message": message, "resource": "patchOperation", "field": "op"
                    }])),
                )
            }
        }
    } else {
        let mut body = body;
        if let Some(object) = body.as_object_mut() {
            // PUT replaces the record; what the server owns stays.
            if let Some(info) = existing.get("_info") {
                object.insert("_info".into(), info.clone());
            }
        }
        if let Err(response) = validate(route, table, key, &body) {
            return response;
        }
        body
    };
    if let Err(response) = prepare(&ctx, route, table, key, &mut record, false) {
        return response;
    }
    ctx.tenant.store.replace(key, id_num, record);
    let stored = ctx
        .tenant
        .store
        .get(key, id_num)
        .cloned()
        .unwrap_or_default();
    ctx.tenant.changes.push(Change {
        collection: key.to_owned(),
        id: id_num,
        kind: ChangeKind::Updated,
        after: Some(stored.clone()),
        before: Some(existing),
    });
    http::json(StatusCode::OK, &stored)
}

/// JSON Patch (`[{op, path, value}]`, paths with or without the leading `/`): `add`, `replace`, `remove`.
fn apply_patch(mut record: Value, body: &Value) -> Result<Value, String> {
    let Some(operations) = body.as_array() else {
        return Err(
            "The body must be an array of patch operations [{op, path, value}].".to_owned(),
        );
    };
    for operation in operations {
        let op = operation
            .get("op")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_ascii_lowercase();
        let Some(path) = operation.get("path").and_then(Value::as_str) else {
            return Err("A patch operation needs a path.".to_owned());
        };
        let parts: Vec<&str> = path
            .trim_start_matches('/')
            .split('/')
            .filter(|p| !p.is_empty())
            .collect();
        let Some((last, parents)) = parts.split_last() else {
            return Err("A patch operation needs a non-empty path.".to_owned());
        };
        let mut target = &mut record;
        for part in parents {
            let Some(object) = target.as_object_mut() else {
                return Err(format!("{path} does not name a field"));
            };
            let real = crate::store::real_key(object, part).unwrap_or_else(|| (*part).to_owned());
            target = object
                .entry(real)
                .or_insert_with(|| Value::Object(Map::new()));
            if target.is_null() {
                *target = Value::Object(Map::new());
            }
        }
        let Some(object) = target.as_object_mut() else {
            return Err(format!("{path} does not name a field"));
        };
        let real = crate::store::real_key(object, last).unwrap_or_else(|| (*last).to_owned());
        match op.as_str() {
            "replace" | "add" => {
                let value = operation.get("value").cloned().unwrap_or(Value::Null);
                // A new reference replaces the old one whole (its name belongs to the old target).
                if let (Value::Object(_), Some(Value::Object(_))) = (&value, object.get(&real)) {
                    object.insert(real, value);
                } else {
                    object.insert(real, value);
                }
            }
            "remove" => {
                object.remove(&real);
            }
            other => {
                return Err(format!(
                    "'{other}' is not a supported patch operation (add, replace, remove)"
                ))
            }
        }
    }
    Ok(record)
}

fn member_token(ctx: Ctx<'_>, matched: &Matched<'_>) -> Response {
    if ctx.req.method != Method::POST {
        return example(matched.route, RouteTable::get(Vendor::ConnectWise));
    }
    let member = matched
        .param("memberIdentifier")
        .unwrap_or_default()
        .to_owned();
    let known = ctx
        .tenant
        .store
        .find_by("system/members", "identifier", &member)
        .is_some();
    if !known {
        return not_found("system/members", &member);
    }
    if *ctx.caller != Caller::ApiMember || !member.eq_ignore_ascii_case(IMPERSONABLE_MEMBER) {
        return vendor_error::connectwise(
            StatusCode::FORBIDDEN,
            "Forbidden",
            "You do not have permission to impersonate this member.",
            None,
        );
    }
    let n = ctx.tenant.member_keys.len() + 1;
    let expires = ctx.now + chrono::Duration::hours(4);
    let key = MemberKey {
        member: member.clone(),
        public_key: format!("memberPub{n:04}"),
        private_key: format!("memberPriv{n:04}"),
        expires,
    };
    let body = json!({ "publicKey": key.public_key, "privateKey": key.private_key, "expiration": stamp(expires) });
    ctx.tenant.member_keys.push(key);
    http::json(StatusCode::OK, &body)
}

/// `POST /system/documents`: a `multipart/form-data` upload with the file part `file` and the text fields
/// `recordType`, `recordId`, `title`, `privateFlag`, … . Stored as a `DocumentInfo` (201), its bytes kept for
/// `GET /system/documents/{id}/download`. A ticket document needs the ticket to exist.
fn upload_document(ctx: Ctx<'_>) -> Response {
    let refuse = |code: &str, message: String, field: &str| {
        invalid(
            "document",
            vec![json!({"code": code, "message": message, "resource": "document", "field": field})],
        )
    };
    let upload = match crate::files::parse_upload(ctx.req, "file") {
        Ok(upload) => upload,
        Err(message) => return refuse("InvalidObject", message, "file"),
    };
    let Some(file) = upload.file.clone() else {
        return refuse("MissingRequiredField", "file is required".into(), "file");
    };
    let Some(record_type) = upload.field("recordType").map(str::to_owned) else {
        return refuse(
            "MissingRequiredField",
            "recordType is required".into(),
            "recordType",
        );
    };
    let Some(record_id) = upload.field("recordId").and_then(|v| v.parse::<i64>().ok()) else {
        return refuse(
            "MissingRequiredField",
            "recordId is required".into(),
            "recordId",
        );
    };
    if record_type.eq_ignore_ascii_case("Ticket")
        && ctx.tenant.store.get("service/tickets", record_id).is_none()
    {
        return refuse(
            "InvalidObject",
            format!("Ticket with id {record_id} not found"),
            "recordId",
        );
    }
    let flag = |name: &str| {
        upload
            .field(name)
            .is_some_and(|v| v.eq_ignore_ascii_case("true"))
    };
    let guid = format!("{:032x}", fastrand::u128(..));
    let title = upload
        .field("title")
        .filter(|t| !t.is_empty())
        .unwrap_or(&file.file_name)
        .to_owned();
    let record = json!({
        "title": title,
        "fileName": file.file_name,
        "serverFileName": format!("{guid}_{}", file.file_name),
        "owner": ctx.caller.identifier(),
        "linkFlag": false,
        "imageFlag": file.content_type.starts_with("image/"),
        "publicFlag": !flag("privateFlag"),
        "htmlTemplateFlag": false,
        "readOnlyFlag": false,
        "size": file.bytes.len(),
        "urlFlag": false,
        "guid": guid,
    });
    let id = ctx.tenant.store.insert("system/documents", record);
    let mut stored = file;
    stored.attached_to = Some(format!("{record_type}/{record_id}"));
    ctx.tenant
        .files
        .insert(format!("system/documents/{id}"), stored);
    match ctx.tenant.store.get_mut("system/documents", id) {
        Some(record) => {
            record["_info"] = json!({
                "lastUpdated": stamp(ctx.now),
                "updatedBy": ctx.caller.identifier(),
                "download_href": format!("{}/system/documents/{id}/download", ctx.api_base),
            });
            http::json(StatusCode::CREATED, record)
        }
        None => http::empty(StatusCode::INTERNAL_SERVER_ERROR),
    }
}

/// `GET /system/documents/{id}/download`: the uploaded bytes, with the media type and file name they came with.
fn download_document(ctx: &Ctx<'_>, matched: &Matched<'_>) -> Response {
    let id = matched.param("id").unwrap_or_default();
    match id
        .parse::<i64>()
        .ok()
        .and_then(|id| ctx.tenant.files.get(&format!("system/documents/{id}")))
    {
        Some(file) => crate::files::download(file),
        None => not_found("system/documents", id),
    }
}

/// An answer in the shape of the route's response schema.
pub(crate) fn example(route: &Route, table: &RouteTable) -> Response {
    let status = StatusCode::from_u16(route.status).unwrap_or(StatusCode::OK);
    match &route.response {
        Some(schema) => http::json(status, &table.example(schema)),
        None => http::empty(status),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_patch_replaces_adds_and_removes() {
        let record = json!({"summary": "a", "status": {"id": 1, "name": "New"}, "budgetHours": 2});
        let patched = apply_patch(
            record,
            &json!([
                {"op": "replace", "path": "/summary", "value": "b"},
                {"op": "replace", "path": "status", "value": {"id": 3}},
                {"op": "remove", "path": "budgetHours"},
                {"op": "add", "path": "/owner/identifier", "value": "jdoe"}
            ]),
        )
        .unwrap();
        assert_eq!(
            patched,
            json!({"summary": "b", "status": {"id": 3}, "owner": {"identifier": "jdoe"}})
        );
        assert!(apply_patch(json!({}), &json!({"op": "replace"})).is_err());
        assert!(apply_patch(json!({}), &json!([{"op": "move", "path": "a"}])).is_err());
    }
}
