//! Autotask operations, classified by their operation ids (`Tickets_Query`, `TicketNotesChild_CreateEntity`,
//! …): queries with the filter grammar and `nextPageUrl` paging, counts, get by id, create (`{itemId}`),
//! PUT, PATCH (partial), delete, parent-child routes, entity information; every other operation answers an
//! example of its response schema.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};

use axum::http::{Method, StatusCode};
use axum::response::Response;
use serde_json::{json, Map, Value};

use super::{filter, Tenant};
use crate::clock::stamp;
use crate::hooks::{Change, ChangeKind};
use crate::http::{self, Req};
use crate::server::Outcome;
use crate::spec_routes::{Matched, Route, RouteTable};
use crate::store::{key_ci, real_key};
use crate::{vendor_error, Vendor};

/// Autotask's largest page.
pub const MAX_RECORDS: usize = 500;

pub(crate) struct Ctx<'a> {
    pub tenant: &'a mut Tenant,
    pub req: &'a Req,
    /// The path after `/atservicesrest` (`/V1.0/Tickets/query`).
    pub rest: &'a str,
    pub zone_url: &'a str,
    pub now: chrono::DateTime<chrono::Utc>,
    /// The resource the call acts as (impersonated or the API user's own).
    pub resource_id: i64,
}

fn errors(status: StatusCode, message: &str) -> Response {
    vendor_error::autotask(status, &[message])
}

pub(crate) fn serve(ctx: Ctx<'_>) -> Outcome {
    let table = RouteTable::get(Vendor::Autotask);
    let lower = ctx.rest.to_ascii_lowercase();
    if lower.trim_end_matches('/').ends_with("/query/next") {
        let entity = lower.split('/').nth(2).unwrap_or_default().to_owned();
        return Outcome::new(next_page(ctx, table, &entity), Some("QueryNext"));
    }
    let Some(matched) = table.find(ctx.req.method.as_str(), ctx.rest) else {
        let response = if table.methods_at(ctx.rest).is_empty() {
            http::json(
                StatusCode::NOT_FOUND,
                &json!({
                    "Message": format!("No HTTP resource was found that matches the request URI '{}'.", ctx.rest)
                }),
            )
        } else {
            // ASP.NET Web API's own answer (shared/fixtures/autotask/error_405_method_not_supported.json).
            http::json(
                StatusCode::METHOD_NOT_ALLOWED,
                &json!({
                    "Message": format!("The requested resource does not support http method '{}'.", ctx.req.method)
                }),
            )
        };
        return Outcome::new(response, None);
    };
    let op = matched.route.operation_id.clone().unwrap_or_default();
    let response = answer(ctx, &matched, table, &op);
    Outcome::new(response, Some(&op))
}

fn answer(ctx: Ctx<'_>, matched: &Matched<'_>, table: &RouteTable, op: &str) -> Response {
    let (prefix, action) = op.split_once('_').unwrap_or((op, ""));
    let child = prefix.ends_with("Child");
    let entity = prefix.trim_end_matches("Child").to_ascii_lowercase();
    // `/Companies/{parentId}/Contacts` is named `CompanyContactsChild_…` in the document, but what it creates
    // and lists are records of the Contacts entity (Autotask has no CompanyContacts entity).
    let entity = if entity == "companycontacts" {
        "contacts".to_owned()
    } else {
        entity
    };
    let parent = child
        .then(|| parent_link(matched, table, &entity))
        .flatten();
    match action {
        "Query" if ctx.req.method == Method::POST => match ctx.req.json() {
            Ok(body) => query(ctx, table, &entity, &body, None),
            Err(message) => errors(StatusCode::INTERNAL_SERVER_ERROR, &message),
        },
        "UrlParameterQuery" => match search_param(ctx.req) {
            Ok(body) => query(ctx, table, &entity, &body, None),
            Err(response) => response,
        },
        "Query" => {
            // Child list: the parent's children.
            let filter = parent
                .as_ref()
                .map(|(field, id)| json!([{"op": "eq", "field": field, "value": id}]))
                .unwrap_or(json!([{"op": "gte", "field": "id", "value": 0}]));
            query(ctx, table, &entity, &json!({ "filter": filter }), None)
        }
        "QueryCount" | "UrlParameterQueryCount" => {
            let body = if ctx.req.method == Method::POST {
                ctx.req
                    .json()
                    .map_err(|m| errors(StatusCode::INTERNAL_SERVER_ERROR, &m))
            } else {
                search_param(ctx.req)
            };
            match body {
                Ok(body) => count(ctx, &entity, &body),
                Err(response) => response,
            }
        }
        "QueryItem" => {
            let id = matched.param("id").and_then(|id| id.parse::<i64>().ok());
            match id.and_then(|id| ctx.tenant.store.get(&entity, id)) {
                Some(record) => http::json(StatusCode::OK, &json!({ "item": record })),
                // Autotask answers a missing id with an empty item, not a 404.
                None => http::json(StatusCode::OK, &json!({ "item": null })),
            }
        }
        "CreateEntity" => create(ctx, matched.route, table, &entity, parent),
        "UpdateEntity" => update(ctx, matched.route, table, &entity, parent, false),
        "PatchEntity" => update(ctx, matched.route, table, &entity, parent, true),
        "DeleteEntity" => {
            let id = matched.param("id").and_then(|id| id.parse::<i64>().ok());
            match id.and_then(|id| {
                ctx.tenant
                    .store
                    .remove(&entity, id)
                    .map(|before| (id, before))
            }) {
                Some((id, before)) => {
                    ctx.tenant.changes.push(Change {
                        collection: entity.clone(),
                        id,
                        kind: ChangeKind::Deleted,
                        after: None,
                        before: Some(before),
                    });
                    http::json(StatusCode::OK, &json!({ "itemId": id }))
                }
                None => errors(StatusCode::NOT_FOUND, "The entity to delete was not found."),
            }
        }
        "QueryEntityInformation" => http::json(
            StatusCode::OK,
            &json!({ "info": {
                "name": prefix.trim_end_matches("Child"), "canCreate": true, "canDelete": true, "canQuery": true,
                "canUpdate": true, "userAccessForCreate": "All", "userAccessForDelete": "All", "userAccessForQuery": "All",
                "userAccessForUpdate": "All", "hasUserDefinedFields": entity == "companies" || entity == "tickets",
                "supportsWebhookCallouts": matches!(entity.as_str(), "companies" | "contacts" | "tickets" | "configurationitems" | "ticketnotes"),
            }}),
        ),
        "QueryFieldDefinitions" => http::json(
            StatusCode::OK,
            &field_definitions(table, &entity, prefix.trim_end_matches("Child")),
        ),
        "QueryUserDefinedFieldDefinitions" => http::json(
            StatusCode::OK,
            &json!({ "fields": [
                {"name": "Tier", "label": "Tier", "type": "string", "length": 100, "isPickList": true,
                 "picklistValues": [{"value": "1", "label": "Gold", "isDefaultValue": false, "sortOrder": 0, "parentValue": null, "isActive": true, "isSystem": false}]}
            ]}),
        ),
        _ => example(matched.route, table),
    }
}

/// The model schema of an entity (`tickets` → `TicketModel`), from its query result type.
fn model_of<'a>(table: &'a RouteTable, entity: &str) -> Option<&'a Value> {
    let route = table
        .routes()
        .iter()
        .find(|r| {
            r.method == "POST"
                && r.operation_id.as_deref().is_some_and(|op| {
                    op.eq_ignore_ascii_case(&format!("{entity}_Query"))
                        || op.eq_ignore_ascii_case(&format!("{entity}Child_Query"))
                })
        })
        .or_else(|| {
            table.routes().iter().find(|r| {
                r.operation_id.as_deref().is_some_and(|op| {
                    op.to_ascii_lowercase().starts_with(&format!("{entity}_"))
                        || op
                            .to_ascii_lowercase()
                            .starts_with(&format!("{entity}child_"))
                }) && r
                    .operation_id
                    .as_deref()
                    .is_some_and(|op| op.ends_with("_QueryItem"))
            })
        })?;
    let result = table.resolve(route.response.as_ref()?);
    let props = result.get("properties")?;
    props
        .get("items")
        .and_then(|i| i.get("items"))
        .or_else(|| props.get("item"))
}

fn field_names(table: &RouteTable, entity: &str) -> Vec<String> {
    model_of(table, entity)
        .map(|model| {
            table
                .properties(model)
                .into_iter()
                .map(|(name, _)| name.to_owned())
                .collect()
        })
        .unwrap_or_default()
}

/// `(ticketID, 7)` for `/Tickets/7/Notes`: the model's field that names the parent.
fn parent_link(matched: &Matched<'_>, table: &RouteTable, entity: &str) -> Option<(String, i64)> {
    let id = matched.param("parentId")?.parse::<i64>().ok()?;
    let parent = matched.route.template.split('/').nth(2)?;
    let singular = parent
        .strip_suffix("ies")
        .map(|s| format!("{s}y"))
        .or_else(|| parent.strip_suffix('s').map(str::to_owned))
        .unwrap_or_else(|| parent.to_owned());
    let wanted = format!("{singular}ID");
    let fields = field_names(table, entity);
    let field = fields
        .iter()
        .find(|f| f.eq_ignore_ascii_case(&wanted))
        .cloned()
        .unwrap_or_else(|| {
            let mut chars = wanted.chars();
            chars
                .next()
                .map(|c| c.to_lowercase().chain(chars).collect())
                .unwrap_or_default()
        });
    Some((field, id))
}

fn search_param(req: &Req) -> Result<Value, Response> {
    let Some(search) = req.query_param("search") else {
        return Err(errors(
            StatusCode::INTERNAL_SERVER_ERROR,
            "The search parameter is required.",
        ));
    };
    serde_json::from_str(search).map_err(|err| {
        errors(
            StatusCode::INTERNAL_SERVER_ERROR,
            &format!("search is not valid JSON: {err}"),
        )
    })
}

/// A query body's parts, read ignoring the case of its keys (.NET model binding).
struct QueryBody {
    filter: Vec<Value>,
    max_records: usize,
    include_fields: Vec<String>,
}

fn read_body(body: &Value) -> Result<QueryBody, Response> {
    let object = body.as_object().ok_or_else(|| {
        errors(
            StatusCode::INTERNAL_SERVER_ERROR,
            "The query body must be an object.",
        )
    })?;
    let filter = key_ci(object, "filter")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    if filter.is_empty() {
        return Err(errors(
            StatusCode::INTERNAL_SERVER_ERROR,
            "A filter is required for a query.",
        ));
    }
    filter::validate(&filter).map_err(|err| errors(StatusCode::INTERNAL_SERVER_ERROR, &err.0))?;
    let max_records = match key_ci(object, "maxRecords") {
        None | Some(Value::Null) => MAX_RECORDS,
        Some(value) => match value.as_u64() {
            Some(n @ 1..=500) => n as usize,
            _ => {
                return Err(errors(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "MaxRecords must be between 1 and 500.",
                ))
            }
        },
    };
    let include_fields = key_ci(object, "includeFields")
        .and_then(Value::as_array)
        .map(|fields| {
            fields
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    Ok(QueryBody {
        filter,
        max_records,
        include_fields,
    })
}

fn body_hash(body: &Value) -> u64 {
    let mut hasher = DefaultHasher::new();
    body.to_string().hash(&mut hasher);
    hasher.finish()
}

fn query(
    ctx: Ctx<'_>,
    table: &RouteTable,
    entity: &str,
    body: &Value,
    after: Option<i64>,
) -> Response {
    let parsed = match read_body(body) {
        Ok(parsed) => parsed,
        Err(response) => return response,
    };
    let mut hits = Vec::new();
    for record in ctx.tenant.store.list(entity) {
        let id = record.get("id").and_then(Value::as_i64).unwrap_or_default();
        if after.is_some_and(|after| id <= after) {
            continue;
        }
        match filter::matches(&parsed.filter, record) {
            Ok(true) => hits.push(record),
            Ok(false) => {}
            Err(err) => return errors(StatusCode::INTERNAL_SERVER_ERROR, &err.0),
        }
        if hits.len() > parsed.max_records {
            break;
        }
    }
    let more = hits.len() > parsed.max_records;
    hits.truncate(parsed.max_records);
    let next = more.then(|| hits.last().and_then(|r| r.get("id")).and_then(Value::as_i64)).flatten().map(|last| {
        let paging = json!({ "lastId": last, "method": ctx.req.method.as_str(), "body": body_hash(body) }).to_string();
        let entity_name = ctx.rest.split('/').nth(2).unwrap_or(entity);
        let mut url = format!("{}/V1.0/{entity_name}/query/next?paging=", ctx.zone_url);
        url.push_str(&form_urlencoded::byte_serialize(paging.as_bytes()).collect::<String>());
        if ctx.req.method == Method::GET {
            if let Some(search) = ctx.req.query_param("search") {
                url.push_str("&search=");
                url.push_str(&form_urlencoded::byte_serialize(search.as_bytes()).collect::<String>());
            }
        }
        url
    });
    let _ = table;
    let items: Vec<Value> = hits
        .into_iter()
        .map(|r| project(r, &parsed.include_fields))
        .collect();
    http::json(
        StatusCode::OK,
        &json!({
            "items": items,
            "pageDetails": { "count": items.len(), "requestCount": parsed.max_records, "prevPageUrl": null, "nextPageUrl": next }
        }),
    )
}

/// `…/query/next?paging=…`: the next page, asked for with the first request's method and body.
fn next_page(ctx: Ctx<'_>, table: &RouteTable, entity: &str) -> Response {
    let paging: Option<Value> = ctx
        .req
        .query_param("paging")
        .and_then(|p| serde_json::from_str(p).ok());
    let Some(paging) = paging else {
        return errors(
            StatusCode::INTERNAL_SERVER_ERROR,
            "The paging parameter is missing or invalid.",
        );
    };
    let method = paging
        .get("method")
        .and_then(Value::as_str)
        .unwrap_or("POST");
    if !ctx.req.method.as_str().eq_ignore_ascii_case(method) {
        // What the real API answers to a GET on a POSTed query's next page.
        return http::json(
            StatusCode::METHOD_NOT_ALLOWED,
            &json!({
                "Message": format!("The requested resource does not support http method '{}'.", ctx.req.method)
            }),
        );
    }
    let body = if method == "GET" {
        search_param(ctx.req)
    } else {
        ctx.req
            .json()
            .map_err(|m| errors(StatusCode::INTERNAL_SERVER_ERROR, &m))
    };
    let body = match body {
        Ok(body) => body,
        Err(response) => return response,
    };
    if paging.get("body").and_then(Value::as_u64) != Some(body_hash(&body)) {
        return errors(
            StatusCode::INTERNAL_SERVER_ERROR,
            "The query for the next page must be the same as the original query.",
        );
    }
    let after = paging.get("lastId").and_then(Value::as_i64);
    query(ctx, table, entity, &body, after)
}

fn project(record: &Value, include: &[String]) -> Value {
    if include.is_empty() {
        return record.clone();
    }
    let Some(object) = record.as_object() else {
        return record.clone();
    };
    let mut out = Map::new();
    for (key, value) in object {
        // `id` and `userDefinedFields` come back whatever was asked for (apigrate's README example of the real
        // API, shared/fixtures/autotask/companies_query_includefields.json).
        if key == "id"
            || key == "userDefinedFields"
            || include.iter().any(|f| f.eq_ignore_ascii_case(key))
        {
            out.insert(key.clone(), value.clone());
        }
    }
    Value::Object(out)
}

fn count(ctx: Ctx<'_>, entity: &str, body: &Value) -> Response {
    let parsed = match read_body(body) {
        Ok(parsed) => parsed,
        Err(response) => return response,
    };
    let mut n = 0;
    for record in ctx.tenant.store.list(entity) {
        match filter::matches(&parsed.filter, record) {
            Ok(true) => n += 1,
            Ok(false) => {}
            Err(err) => return errors(StatusCode::INTERNAL_SERVER_ERROR, &err.0),
        }
    }
    http::json(StatusCode::OK, &json!({ "queryCount": n }))
}

/// Fields Autotask requires on create (the response-lenient document no longer lists them).
fn required(entity: &str) -> &'static [&'static str] {
    match entity {
        "tickets" => &["companyID", "title", "status", "priority"],
        "companies" => &["companyName", "companyType", "ownerResourceID", "phone"],
        "contacts" => &["companyID", "firstName", "lastName", "isActive"],
        "ticketnotes" => &["ticketID", "description", "noteType", "publish", "title"],
        "timeentries" => &["resourceID", "dateWorked"],
        "projects" => &[
            "companyID",
            "projectName",
            "status",
            "projectType",
            "startDateTime",
            "endDateTime",
        ],
        "tasks" => &["projectID", "title", "status", "taskType"],
        "contracts" => &[
            "companyID",
            "contractName",
            "contractType",
            "startDate",
            "endDate",
            "status",
        ],
        _ => &[],
    }
}

/// Reference fields checked on write: field → entity.
const REFERENCES: [(&str, &str); 6] = [
    ("companyID", "companies"),
    ("contactID", "contacts"),
    ("ticketID", "tickets"),
    ("projectID", "projects"),
    ("resourceID", "resources"),
    ("assignedResourceID", "resources"),
];

fn check_record(
    entity: &str,
    record: &Map<String, Value>,
    tenant: &Tenant,
    creating: bool,
) -> Result<(), Response> {
    if creating {
        for field in required(entity) {
            if key_ci(record, field).is_none_or(|v| v.is_null() || v.as_str() == Some("")) {
                return Err(errors(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    &format!("Missing Required Field: {field}"),
                ));
            }
        }
    }
    for (field, target) in REFERENCES {
        let Some(value) = key_ci(record, field) else {
            continue;
        };
        if value.is_null() {
            continue;
        }
        let id = value
            .as_i64()
            .or_else(|| value.as_str().and_then(|t| t.parse().ok()));
        let exists = id.is_some_and(|id| tenant.store.get(target, id).is_some());
        if tenant.store.len(target) > 0 && !exists {
            // The real wording, spacing included (shared/fixtures/autotask/error_500_validation_reference.json).
            return Err(errors(
                StatusCode::INTERNAL_SERVER_ERROR,
                &format!("Value does not reference an existing entity for {field} . "),
            ));
        }
    }
    Ok(())
}

fn body_object(ctx: &Ctx<'_>) -> Result<Map<String, Value>, Response> {
    match ctx.req.json() {
        Ok(Value::Object(object)) => Ok(object),
        Ok(_) => Err(errors(
            StatusCode::INTERNAL_SERVER_ERROR,
            "The body must be a JSON object.",
        )),
        Err(message) => Err(errors(StatusCode::INTERNAL_SERVER_ERROR, &message)),
    }
}

fn create(
    ctx: Ctx<'_>,
    route: &Route,
    table: &RouteTable,
    entity: &str,
    parent: Option<(String, i64)>,
) -> Response {
    let mut record = match body_object(&ctx) {
        Ok(record) => record,
        Err(response) => return response,
    };
    if let Some((field, id)) = &parent {
        let real = real_key(&record, field).unwrap_or_else(|| field.clone());
        record.insert(real, Value::from(*id));
    }
    record.remove("id");
    if let Err(response) = check_record(entity, &record, ctx.tenant, true) {
        return response;
    }
    let now = stamp(ctx.now);
    let fields = field_names(table, entity);
    for (field, value) in [
        ("createDate", Value::from(now.clone())),
        ("createDateTime", Value::from(now.clone())),
        ("lastActivityDate", Value::from(now.clone())),
        ("lastModifiedDate", Value::from(now.clone())),
        ("lastModifiedDateTime", Value::from(now.clone())),
        ("creatorResourceID", Value::from(ctx.resource_id)),
        ("createdByResourceID", Value::from(ctx.resource_id)),
    ] {
        if let Some(name) = fields.iter().find(|f| f.eq_ignore_ascii_case(field)) {
            record.entry(name.clone()).or_insert(value);
        }
    }
    if entity == "tickets" && !record.contains_key("ticketNumber") {
        let n = ctx.tenant.store.len("tickets") + 1;
        record.insert(
            "ticketNumber".into(),
            Value::from(format!("T{}.{n:04}", ctx.now.format("%Y%m%d"))),
        );
    }
    let _ = route;
    if crate::hooks::is_autotask_webhooks(entity) {
        crate::hooks::autotask_new_webhook(&mut record);
    }
    let id = ctx.tenant.store.insert(entity, Value::Object(record));
    let after = ctx.tenant.store.get(entity, id).cloned();
    ctx.tenant.changes.push(Change {
        collection: entity.to_owned(),
        id,
        kind: ChangeKind::Created,
        after,
        before: None,
    });
    http::json(StatusCode::OK, &json!({ "itemId": id }))
}

fn update(
    ctx: Ctx<'_>,
    route: &Route,
    table: &RouteTable,
    entity: &str,
    parent: Option<(String, i64)>,
    patch: bool,
) -> Response {
    let body = match body_object(&ctx) {
        Ok(body) => body,
        Err(response) => return response,
    };
    let Some(id) = key_ci(&body, "id").and_then(Value::as_i64) else {
        return errors(
            StatusCode::INTERNAL_SERVER_ERROR,
            "An id is required to update an entity.",
        );
    };
    let Some(existing) = ctx
        .tenant
        .store
        .get(entity, id)
        .and_then(Value::as_object)
        .cloned()
    else {
        return errors(
            StatusCode::NOT_FOUND,
            &format!("No {entity} entity with id {id} was found."),
        );
    };
    let mut record = if patch { existing } else { Map::new() };
    for (key, value) in body {
        let real = real_key(&record, &key).unwrap_or(key);
        record.insert(real, value);
    }
    if let Some((field, parent_id)) = parent {
        let real = real_key(&record, &field).unwrap_or(field);
        record.insert(real, Value::from(parent_id));
    }
    if let Err(response) = check_record(entity, &record, ctx.tenant, !patch) {
        return response;
    }
    let now = stamp(ctx.now);
    for field in [
        "lastActivityDate",
        "lastModifiedDate",
        "lastModifiedDateTime",
    ] {
        if let Some(name) = field_names(table, entity)
            .iter()
            .find(|f| f.eq_ignore_ascii_case(field))
        {
            record.insert(name.clone(), Value::from(now.clone()));
        }
    }
    let _ = route;
    let before = ctx.tenant.store.get(entity, id).cloned();
    ctx.tenant.store.replace(entity, id, Value::Object(record));
    let after = ctx.tenant.store.get(entity, id).cloned();
    ctx.tenant.changes.push(Change {
        collection: entity.to_owned(),
        id,
        kind: ChangeKind::Updated,
        after,
        before,
    });
    http::json(StatusCode::OK, &json!({ "itemId": id }))
}

/// `{"fields": [...]}` from the model's properties, with the demo picklists.
fn field_definitions(table: &RouteTable, entity: &str, name: &str) -> Value {
    let Some(model) = model_of(table, entity) else {
        return json!({ "fields": [] });
    };
    let fields: Vec<Value> = table.properties(model).into_iter().map(|(field, schema)| {
        let schema = table.resolve(schema);
        let data_type = match (schema.get("type").and_then(Value::as_str), schema.get("format").and_then(Value::as_str)) {
            (Some("integer"), Some("int64")) => "long",
            (Some("integer"), _) => "integer",
            (Some("number"), _) => "decimal",
            (Some("boolean"), _) => "boolean",
            (Some("string"), Some("date-time")) => "datetime",
            (Some("string"), _) => "string",
            _ => "string",
        };
        let picklist = super::seed::picklist(name, field);
        let reference = REFERENCES.iter().find(|(f, _)| f.eq_ignore_ascii_case(field));
        json!({
            "name": field, "dataType": data_type, "length": if data_type == "string" { 100 } else { 0 },
            "isRequired": required(entity).iter().any(|r| r.eq_ignore_ascii_case(field)),
            "isReadOnly": field == "id", "isQueryable": true, "isReference": reference.is_some(),
            "referenceEntityType": reference.map(|(_, e)| *e).unwrap_or(""),
            "isPickList": !picklist.is_empty(),
            "picklistValues": if picklist.is_empty() { Value::Null } else { Value::Array(picklist) },
            "picklistParentValueField": "", "isSupportedWebhookField": true,
        })
    }).collect();
    json!({ "fields": fields })
}

fn example(route: &Route, table: &RouteTable) -> Response {
    let status = StatusCode::from_u16(route.status).unwrap_or(StatusCode::OK);
    match &route.response {
        Some(schema) => http::json(status, &table.example(schema)),
        None => http::empty(status),
    }
}
