//! BMS operations: accounts (+ locations), contacts (with e-mail search), tickets (+ notes, time logs, the
//! search DTO), lookups and `/system/lookup/{table}` over the store; every other operation answers an example
//! of its (enveloped) response schema. Business errors (a missing record) are `success: false` at HTTP 200,
//! as BMS answers them; validation errors are 400 with the missing fields in `subErrors`.

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{json, Map, Value};

use super::Tenant;
use crate::clock::{parse_time, stamp};
use crate::http::{self, Req};
use crate::server::Outcome;
use crate::spec_routes::{Matched, Route, RouteTable};
use crate::store::key_ci;
use crate::{vendor_error, Vendor};

/// Default page size.
pub const DEFAULT_PAGE_SIZE: usize = 50;

pub(crate) struct Ctx<'a> {
    pub tenant: &'a mut Tenant,
    pub req: &'a Req,
    pub now: chrono::DateTime<chrono::Utc>,
    pub user: &'a str,
    pub page_cap: usize,
}

fn ok(result: Value) -> Response {
    http::json(
        StatusCode::OK,
        &json!({ "success": true, "error": null, "result": result }),
    )
}

fn business_error(message: &str) -> Response {
    http::json(
        StatusCode::OK,
        &vendor_error::bms_envelope_error(404, message),
    )
}

fn validation(missing: &[&str]) -> Response {
    let mut body = vendor_error::bms_envelope_error(400, "One or more validation errors occurred.");
    body["error"]["subErrors"] = json!(missing
        .iter()
        .map(|f| format!("The {f} field is required."))
        .collect::<Vec<_>>());
    http::json(StatusCode::BAD_REQUEST, &body)
}

pub(crate) fn serve(ctx: Ctx<'_>) -> Outcome {
    let table = RouteTable::get(Vendor::Bms);
    let Some(matched) = table.find(ctx.req.method.as_str(), &ctx.req.path) else {
        let response = if table.methods_at(&ctx.req.path).is_empty() {
            http::html(StatusCode::NOT_FOUND, "404 - File or directory not found.")
        } else {
            vendor_error::bms(
                StatusCode::METHOD_NOT_ALLOWED,
                "The requested resource does not support this http method.",
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

fn id_param(matched: &Matched<'_>, name: &str) -> Option<i64> {
    matched.param(name).and_then(|v| v.parse().ok())
}

fn answer(ctx: Ctx<'_>, matched: &Matched<'_>, table: &RouteTable) -> Response {
    let route = matched.route;
    let op = route.operation_id.as_deref().unwrap_or_default();
    match op {
        "GetAccountsListSummary" => list(&ctx, "accounts", &ctx.req.query, &["accountName"]),
        "GetAccountSummary" => {
            match id_param(matched, "id").and_then(|id| ctx.tenant.store.get("accounts", id)) {
                // Enveloped like every other BMS answer, although the document declares the bare DTO (the
                // `enveloped_operations` correction).
                Some(record) => ok(record.clone()),
                None => business_error("Account not found."),
            }
        }
        "GetAccounts" => lookup_list(&ctx, "accounts", "accountName"),
        "PostAccount" => create(ctx, route, table, "accounts", None),
        "PutAccount" | "PatchAccount" => {
            update(ctx, matched, "accounts", "id", op == "PatchAccount")
        }
        "GetAccountLocations" => match id_param(matched, "accountId") {
            Some(account) => lookup_list(
                &ctx,
                &format!("accounts/{account}/locations"),
                "locationName",
            ),
            None => business_error("Account not found."),
        },
        "GetAccountLocation" => {
            let key = format!(
                "accounts/{}/locations",
                matched.param("accountId").unwrap_or_default()
            );
            match id_param(matched, "locationId").and_then(|id| ctx.tenant.store.get(&key, id)) {
                Some(record) => ok(record.clone()),
                None => business_error("Location not found."),
            }
        }
        "GetAccountContacts" => {
            let account = id_param(matched, "accountId").unwrap_or_default();
            let items: Vec<Value> = ctx.tenant.store.list("contacts").filter(|c| c["accountId"] == account)
                .map(|c| json!({"id": c["id"], "name": format!("{} {}", c["firstName"].as_str().unwrap_or_default(), c["lastName"].as_str().unwrap_or_default())}))
                .collect();
            ok(Value::Array(items))
        }
        "GetContactsListSummary" => {
            list(&ctx, "contacts", &ctx.req.query, &["firstName", "lastName"])
        }
        "GetContactSummary" => {
            match id_param(matched, "id").and_then(|id| ctx.tenant.store.get("contacts", id)) {
                // Enveloped, as the live API answers (see `GetAccountSummary`).
                Some(record) => ok(record.clone()),
                None => business_error("Contact not found."),
            }
        }
        "GetContactsSearch" => list(&ctx, "contacts", &ctx.req.query, &["firstName", "lastName"]),
        "PostContactSummaryInfo" => create(ctx, route, table, "contacts", None),
        "PutContact" | "PatchContact" => {
            update(ctx, matched, "contacts", "id", op == "PatchContact")
        }
        "DeleteContact" => delete(ctx, "contacts", id_param(matched, "Id")),
        "AttachmentsPost" => upload_attachment(ctx, matched),
        "DownloadAttachment" => download_attachment(&ctx, matched),
        "GetTickets" => list(&ctx, "tickets", &ctx.req.query, &["title"]),
        "SearchTickets" => search_tickets(&ctx),
        "PostTicket" => create(ctx, route, table, "tickets", None),
        "GetTicket" => {
            match id_param(matched, "ticketId").and_then(|id| ctx.tenant.store.get("tickets", id)) {
                Some(record) => ok(record.clone()),
                None => business_error("Ticket not found."),
            }
        }
        "PutTicket" | "PatchTicket" => {
            update(ctx, matched, "tickets", "ticketId", op == "PatchTicket")
        }
        "DeleteTicket" => delete(ctx, "tickets", id_param(matched, "ticketId")),
        "GetTicketNotes" | "GetTicketTimeEntries" => {
            let child = if op == "GetTicketNotes" {
                "notes"
            } else {
                "timelogs"
            };
            match id_param(matched, "ticketId")
                .filter(|id| ctx.tenant.store.get("tickets", *id).is_some())
            {
                Some(id) => list(&ctx, &format!("tickets/{id}/{child}"), &ctx.req.query, &[]),
                None => business_error("Ticket not found."),
            }
        }
        "PostTicketNote" | "PostTicketTimeEntry" => {
            let child = if op == "PostTicketNote" {
                "notes"
            } else {
                "timelogs"
            };
            match id_param(matched, "ticketId")
                .filter(|id| ctx.tenant.store.get("tickets", *id).is_some())
            {
                Some(id) => create(
                    ctx,
                    route,
                    table,
                    &format!("tickets/{id}/{child}"),
                    Some(id),
                ),
                None => business_error("Ticket not found."),
            }
        }
        "GetTicketNote" | "GetTicketTimeEntry" => {
            let (child, param) = if op == "GetTicketNote" {
                ("notes", "noteId")
            } else {
                ("timelogs", "timeEntryId")
            };
            let key = format!(
                "tickets/{}/{child}",
                matched.param("ticketId").unwrap_or_default()
            );
            match id_param(matched, param).and_then(|id| ctx.tenant.store.get(&key, id)) {
                Some(record) => ok(record.clone()),
                None => business_error("Record not found."),
            }
        }
        "GetStatusLookups" => lookup_list(&ctx, "statuses", "name"),
        "GetPriorityLookups" => lookup_list(&ctx, "priorities", "name"),
        "GetQueueLookups" => lookup_list(&ctx, "queues", "name"),
        "GetWorkTypeLookups" => lookup_list(&ctx, "worktypes", "name"),
        "GetRoleLookups" => lookup_list(&ctx, "roles", "name"),
        "GetAssigneeLookups" => lookup_list(&ctx, "assignees", "name"),
        "GetIssueTypeLookups" => lookup_list(&ctx, "issuetypes", "name"),
        "GetAccountTypesLookup" => lookup_list(&ctx, "accounttypes", "name"),
        "GetLookups" => {
            let name = matched
                .param("tableName")
                .unwrap_or_default()
                .to_ascii_lowercase();
            lookup_list(&ctx, &format!("lookup/{name}"), "name")
        }
        "PostWebhookConfiguration"
        | "GetWebhookConfiguration"
        | "PutWebhookConfiguration"
        | "DeleteWebhookConfiguration"
        | "GetWebhookConfigurationsList" => webhooks(ctx, matched, route, table, op),
        "UserInfo" => {
            ok(json!({ "userName": ctx.user, "tenant": super::auth::TENANT, "email": ctx.user }))
        }
        _ => example(route, table),
    }
}

/// `POST /v2/system/attachments/{moduleId}/{objectId}`: a `multipart/form-data` upload with the file part
/// `formFile`, stored as an attachment of the object (answered as a one-item list, as the document declares)
/// with its bytes kept for `…/{attachmentId}/download`.
fn upload_attachment(ctx: Ctx<'_>, matched: &Matched<'_>) -> Response {
    let (Some(module), Some(object)) =
        (id_param(matched, "moduleId"), id_param(matched, "objectId"))
    else {
        return validation(&["moduleId", "objectId"]);
    };
    let file = match crate::files::parse_upload(ctx.req, "formFile") {
        Ok(upload) => match upload.file {
            Some(file) => file,
            None => return validation(&["formFile"]),
        },
        Err(message) => {
            let mut body = vendor_error::bms_envelope_error(400, &message);
            body["error"]["subErrors"] = json!([message]);
            return http::json(StatusCode::BAD_REQUEST, &body);
        }
    };
    let extension = file
        .file_name
        .rsplit_once('.')
        .map(|(_, ext)| ext.to_ascii_lowercase())
        .unwrap_or_default();
    let record = json!({
        "originalFileName": file.file_name,
        "aliasName": file.file_name,
        "fileType": extension,
        "objectId": object,
        "moduleId": module,
        "createdByName": ctx.user,
        "createdOn": stamp(ctx.now),
        "isUploadedToBlob": true,
    });
    let key = format!("attachments/{module}/{object}");
    let id = ctx.tenant.store.insert(&key, record);
    let mut stored = file;
    stored.attached_to = Some(format!("module {module}/object {object}"));
    ctx.tenant.files.insert(format!("{key}/{id}"), stored);
    match ctx.tenant.store.get(&key, id) {
        Some(record) => ok(json!([record])),
        None => business_error("Attachment not found."),
    }
}

/// `GET /v2/system/attachments/{moduleId}/{objectId}/{attachmentId}/download`: the uploaded bytes, with the
/// media type and file name they came with. An unknown attachment is a 404 in the error envelope (a file
/// download has no `Success: false` body to hide an error in).
fn download_attachment(ctx: &Ctx<'_>, matched: &Matched<'_>) -> Response {
    let key = format!(
        "attachments/{}/{}",
        matched.param("moduleId").unwrap_or_default(),
        matched.param("objectId").unwrap_or_default()
    );
    let file = id_param(matched, "attachmentId")
        .filter(|id| ctx.tenant.store.get(&key, *id).is_some())
        .and_then(|id| ctx.tenant.files.get(&format!("{key}/{id}")));
    match file {
        Some(file) => crate::files::download(file),
        None => http::json(
            StatusCode::NOT_FOUND,
            &vendor_error::bms_envelope_error(404, "Attachment not found."),
        ),
    }
}

fn example(route: &Route, table: &RouteTable) -> Response {
    let status = StatusCode::from_u16(route.status).unwrap_or(StatusCode::OK);
    match &route.response {
        Some(schema) => {
            let mut value = table.example(schema);
            if let Some(object) = value.as_object_mut() {
                if object.contains_key("success") {
                    object.insert("success".into(), Value::from(true));
                    object.insert("error".into(), Value::Null);
                }
            }
            http::json(status, &value)
        }
        None => http::empty(status),
    }
}

/// `PageNumber` (from 1) and `PageSize` (default 50, capped server-side).
fn paging(params: &[(String, String)], page_cap: usize) -> (usize, usize) {
    let get = |name: &str| {
        params
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .and_then(|(_, v)| v.parse::<usize>().ok())
    };
    let size = get("PageSize")
        .unwrap_or(DEFAULT_PAGE_SIZE)
        .clamp(1, page_cap);
    let page = get("PageNumber").unwrap_or(1).max(1);
    (page, size)
}

fn paged(records: Vec<Value>, page: usize, size: usize) -> Response {
    let total = records.len();
    let items: Vec<Value> = records
        .into_iter()
        .skip((page - 1) * size)
        .take(size)
        .collect();
    http::json(
        StatusCode::OK,
        &json!({ "success": true, "error": null, "result": items, "totalRecords": total }),
    )
}

/// `Filter.X` query parameters (or search-DTO `filter` keys) as lowercase name → value.
fn filters(params: &[(String, String)]) -> Vec<(String, String)> {
    params
        .iter()
        .filter_map(|(k, v)| {
            let lower = k.to_ascii_lowercase();
            lower
                .strip_prefix("filter.")
                .map(|name| (name.to_owned(), v.clone()))
        })
        .collect()
}

fn contains(haystack: Option<&Value>, needle: &str) -> bool {
    haystack
        .and_then(Value::as_str)
        .is_some_and(|h| h.to_lowercase().contains(&needle.to_lowercase()))
}

fn time_of(record: &Value, field: &str) -> Option<chrono::DateTime<chrono::Utc>> {
    record
        .get(field)
        .and_then(Value::as_str)
        .and_then(parse_time)
}

/// Applies the documented filters a list endpoint shares (names, e-mail, ids, date ranges, flags).
fn passes(record: &Value, filters: &[(String, String)], name_fields: &[&str]) -> bool {
    let list = |v: &str| {
        v.split(',')
            .map(|s| s.trim().to_lowercase())
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
    };
    filters.iter().all(|(name, value)| {
        let value = value.trim();
        if value.is_empty() {
            return true;
        }
        let after = |field: &str| {
            parse_time(value).is_none_or(|t| time_of(record, field).is_some_and(|r| r >= t))
        };
        let before = |field: &str| {
            parse_time(value).is_none_or(|t| time_of(record, field).is_some_and(|r| r <= t))
        };
        match name.as_str() {
            "accountname" | "account" => contains(record.get("accountName"), value),
            "title" | "details" | "ticketnumber" | "locationname" | "assigneename"
            | "contactname" => {
                let field = match name.as_str() {
                    "ticketnumber" => "ticketNumber",
                    "locationname" => "locationName",
                    "assigneename" => "assigneeName",
                    "contactname" => "contactName",
                    other => other,
                };
                contains(record.get(field), value)
            }
            "firstname" => contains(record.get("firstName"), value),
            "lastname" => contains(record.get("lastName"), value),
            "name" => name_fields.iter().any(|f| contains(record.get(*f), value)),
            // `Filter.Email` (contacts summary) and `Filter.EmailAddress` (contacts search); the seed writes
            // `email`, a contact created from the document's `EmailInputDto` carries `emailAddress`.
            "email" | "emailaddress" => {
                record
                    .get("emails")
                    .and_then(Value::as_array)
                    .is_some_and(|emails| {
                        emails.iter().any(|e| {
                            contains(e.get("email"), value)
                                || contains(e.get("emailAddress"), value)
                        })
                    })
            }
            "accountid" => record
                .get("accountId")
                .and_then(Value::as_i64)
                .is_some_and(|id| id.to_string() == value),
            "accountids" => record
                .get("accountId")
                .and_then(Value::as_i64)
                .is_some_and(|id| list(value).contains(&id.to_string())),
            "contactid" => record
                .get("contactId")
                .and_then(Value::as_i64)
                .is_some_and(|id| id.to_string() == value),
            "isactive" => record
                .get("isActive")
                .and_then(Value::as_bool)
                .is_some_and(|b| b.to_string() == value.to_lowercase()),
            "statusnames" => contains_in(record.get("statusName"), &list(value)),
            "prioritynames" => contains_in(record.get("priorityName"), &list(value)),
            "queuenames" => contains_in(record.get("queueName"), &list(value)),
            "tickettypenames" => contains_in(record.get("typeName"), &list(value)),
            "excludecompleted" => {
                value.eq_ignore_ascii_case("false")
                    || record.get("completedDate").is_none_or(Value::is_null)
            }
            "createdonfrom" => after("createdOn"),
            "createdonto" => before("createdOn"),
            "modifiedonfrom" => after("modifiedOn"),
            "modifiedonto" => before("modifiedOn"),
            "opendatefrom" => after("openDate"),
            "lastactivityupdatefrom" => after("lastActivityUpdate"),
            "lastactivityupdateto" => before("lastActivityUpdate"),
            "opendateto" => before("openDate"),
            _ => true,
        }
    })
}

fn contains_in(value: Option<&Value>, names: &[String]) -> bool {
    value
        .and_then(Value::as_str)
        .is_some_and(|v| names.contains(&v.to_lowercase()))
}

fn list(ctx: &Ctx<'_>, key: &str, params: &[(String, String)], name_fields: &[&str]) -> Response {
    let filters = filters(params);
    let records: Vec<Value> = ctx
        .tenant
        .store
        .list(key)
        .filter(|r| passes(r, &filters, name_fields))
        .cloned()
        .collect();
    let (page, size) = paging(params, ctx.page_cap);
    paged(records, page, size)
}

fn search_tickets(ctx: &Ctx<'_>) -> Response {
    let body = if ctx.req.body.is_empty() {
        json!({})
    } else {
        match ctx.req.json() {
            Ok(body) => body,
            Err(message) => return vendor_error::bms(StatusCode::BAD_REQUEST, &message),
        }
    };
    let mut params: Vec<(String, String)> = Vec::new();
    if let Some(object) = body.as_object() {
        for name in ["pageSize", "pageNumber"] {
            if let Some(v) = key_ci(object, name).and_then(Value::as_u64) {
                params.push((name.to_owned(), v.to_string()));
            }
        }
        if let Some(filter) = key_ci(object, "filter").and_then(Value::as_object) {
            for (name, value) in filter {
                let text = match value {
                    Value::Array(items) => items
                        .iter()
                        .map(|i| {
                            i.as_str()
                                .map(str::to_owned)
                                .unwrap_or_else(|| i.to_string())
                        })
                        .collect::<Vec<_>>()
                        .join(","),
                    Value::String(s) => s.clone(),
                    Value::Null => continue,
                    other => other.to_string(),
                };
                params.push((format!("Filter.{name}"), text));
            }
        }
    }
    list(ctx, "tickets", &params, &["title"])
}

fn lookup_list(ctx: &Ctx<'_>, key: &str, name_field: &str) -> Response {
    let filters = filters(&ctx.req.query);
    let items: Vec<Value> = ctx
        .tenant
        .store
        .list(key)
        .filter(|r| passes(r, &filters, &[name_field]))
        .cloned()
        .collect();
    ok(Value::Array(items))
}

/// Required fields of a create, from the request schema, read in camelCase.
fn missing_fields<'a>(
    route: &'a Route,
    table: &'a RouteTable,
    body: &Map<String, Value>,
) -> Vec<&'a str> {
    route
        .body
        .as_ref()
        .map(|b| table.required(b))
        .unwrap_or_default()
        .into_iter()
        .filter(|field| key_ci(body, field).is_none_or(Value::is_null))
        .collect()
}

fn name_of(store: &crate::store::Store, key: &str, id: Option<&Value>) -> Option<Value> {
    let id = id?.as_i64()?;
    let record = store.get(key, id)?;
    record
        .get("name")
        .or_else(|| record.get("accountName"))
        .or_else(|| record.get("locationName"))
        .cloned()
}

/// Fills the display fields BMS derives from ids (`statusName` from `statusId` …).
fn derive(store: &crate::store::Store, record: &mut Map<String, Value>, now: &str) {
    let pairs = [
        ("statusId", "statuses", "statusName"),
        ("priorityId", "priorities", "priorityName"),
        ("queueId", "queues", "queueName"),
        ("workTypeId", "worktypes", "workTypeName"),
        ("roleId", "roles", "roleName"),
        ("assigneeId", "assignees", "assigneeName"),
        ("accountId", "accounts", "accountName"),
        ("typeId", "lookup/tickettype", "typeName"),
    ];
    for (id_field, key, name_field) in pairs {
        if let Some(name) = name_of(store, key, record.get(id_field)) {
            record.insert(name_field.to_owned(), name);
        }
    }
    if let (Some(account), Some(location)) = (
        record.get("accountId").and_then(Value::as_i64),
        record.get("locationId").cloned(),
    ) {
        if let Some(name) = name_of(
            store,
            &format!("accounts/{account}/locations"),
            Some(&location),
        ) {
            record.insert("locationName".into(), name);
        }
    }
    if let Some(contact) = record
        .get("contactId")
        .and_then(Value::as_i64)
        .and_then(|id| store.get("contacts", id))
    {
        let name = format!(
            "{} {}",
            contact["firstName"].as_str().unwrap_or_default(),
            contact["lastName"].as_str().unwrap_or_default()
        );
        record.insert("contactName".into(), Value::from(name));
    }
    // A status named Completed/Closed completes the ticket.
    if let Some(status) = record.get("statusName").and_then(Value::as_str) {
        let completes =
            status.eq_ignore_ascii_case("Completed") || status.eq_ignore_ascii_case("Closed");
        if completes && record.get("completedDate").is_none_or(Value::is_null) {
            record.insert("completedDate".into(), Value::from(now));
        }
    }
}

fn create(
    ctx: Ctx<'_>,
    route: &Route,
    table: &RouteTable,
    key: &str,
    ticket: Option<i64>,
) -> Response {
    let body = match ctx.req.json() {
        Ok(Value::Object(object)) => object,
        Ok(_) => {
            return vendor_error::bms(StatusCode::BAD_REQUEST, "The body must be a JSON object.")
        }
        Err(message) => return vendor_error::bms(StatusCode::BAD_REQUEST, &message),
    };
    let missing = missing_fields(route, table, &body);
    if !missing.is_empty() {
        return validation(&missing);
    }
    let mut record = Map::new();
    for (name, value) in body {
        let mut chars = name.chars();
        let camel: String = chars
            .next()
            .map(|c| c.to_lowercase().chain(chars).collect())
            .unwrap_or_default();
        record.insert(camel, value);
    }
    record.remove("id");
    let now = stamp(ctx.now);
    record.insert("createdOn".into(), Value::from(now.clone()));
    record.insert("modifiedOn".into(), Value::from(now.clone()));
    record.insert("createdBy".into(), Value::from(user_id(ctx.user)));
    record.insert("modifiedBy".into(), Value::from(user_id(ctx.user)));
    record.insert("createdByName".into(), Value::from(ctx.user));
    if key == "tickets" {
        let n = ctx.tenant.store.len("tickets") + 1;
        record.insert("ticketNumber".into(), Value::from(format!("T{n:06}")));
        record.insert("lastActivityUpdate".into(), Value::from(now.clone()));
    }
    if key == "contacts" {
        record.entry("isActive").or_insert(Value::Bool(true));
    }
    if let Some(ticket) = ticket {
        if let Some(Value::Object(parent)) = ctx.tenant.store.get_mut("tickets", ticket) {
            parent.insert("lastActivityUpdate".into(), Value::from(now.clone()));
        }
    }
    derive(&ctx.tenant.store, &mut record, &now);
    let id = ctx.tenant.store.insert(key, Value::Object(record));
    ok(ctx.tenant.store.get(key, id).cloned().unwrap_or_default())
}

fn update(ctx: Ctx<'_>, matched: &Matched<'_>, key: &str, param: &str, patch: bool) -> Response {
    let Some(id) = id_param(matched, param) else {
        return business_error("Record not found.");
    };
    let Some(Value::Object(existing)) = ctx.tenant.store.get(key, id).cloned() else {
        return business_error("Record not found.");
    };
    let body = match ctx.req.json() {
        Ok(body) => body,
        Err(message) => return vendor_error::bms(StatusCode::BAD_REQUEST, &message),
    };
    let mut record = existing;
    let set = |record: &mut Map<String, Value>, name: &str, value: Value| {
        let mut chars = name.trim_start_matches('/').chars();
        let camel: String = chars
            .next()
            .map(|c| c.to_lowercase().chain(chars).collect())
            .unwrap_or_default();
        record.insert(camel, value);
    };
    match (&body, patch) {
        // PATCH takes JSON Patch operations ([{op, path, value}]).
        (Value::Array(operations), true) => {
            for operation in operations {
                let path = operation
                    .get("path")
                    .and_then(Value::as_str)
                    .unwrap_or_default();
                match operation
                    .get("op")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_ascii_lowercase()
                    .as_str()
                {
                    "replace" | "add" => set(
                        &mut record,
                        path,
                        operation.get("value").cloned().unwrap_or(Value::Null),
                    ),
                    "remove" => {
                        record.remove(path.trim_start_matches('/'));
                    }
                    other => {
                        return vendor_error::bms(
                            StatusCode::BAD_REQUEST,
                            &format!("Unsupported patch operation '{other}'."),
                        )
                    }
                }
            }
        }
        (Value::Object(fields), _) => {
            for (name, value) in fields {
                if name != "id" {
                    set(&mut record, name, value.clone());
                }
            }
        }
        _ => {
            return vendor_error::bms(
                StatusCode::BAD_REQUEST,
                "The body must be a JSON object or patch operations.",
            )
        }
    }
    let now = stamp(ctx.now);
    record.insert("modifiedOn".into(), Value::from(now.clone()));
    record.insert("modifiedBy".into(), Value::from(user_id(ctx.user)));
    if key == "tickets" {
        record.insert("lastActivityUpdate".into(), Value::from(now.clone()));
    }
    derive(&ctx.tenant.store, &mut record, &now);
    ctx.tenant.store.replace(key, id, Value::Object(record));
    ok(ctx.tenant.store.get(key, id).cloned().unwrap_or_default())
}

/// The employee id BMS writes into `createdBy`/`modifiedBy` (integers there).
fn user_id(user: &str) -> i64 {
    if user.eq_ignore_ascii_case(super::auth::API_USERNAME) {
        4
    } else {
        3
    }
}

fn delete(ctx: Ctx<'_>, key: &str, id: Option<i64>) -> Response {
    match id.and_then(|id| ctx.tenant.store.remove(key, id)) {
        Some(_) => ok(Value::Null),
        None => business_error("Record not found."),
    }
}

/// A stored webhook configuration as BMS answers it: the secret is never returned, `hasSecret` says whether
/// one is set.
fn webhook_view(record: &Value) -> Value {
    let mut view = record.clone();
    if let Some(object) = view.as_object_mut() {
        let has = object
            .remove("secret")
            .is_some_and(|s| s.as_str().is_some_and(|s| !s.is_empty()));
        object.insert("hasSecret".into(), Value::Bool(has));
    }
    view
}

/// `/v2/admin/webhooks` CRUD and search over the store (key `webhooks`).
fn webhooks(
    ctx: Ctx<'_>,
    matched: &Matched<'_>,
    route: &Route,
    table: &RouteTable,
    op: &str,
) -> Response {
    let id = id_param(matched, "id");
    match op {
        "GetWebhookConfiguration" => match id.and_then(|id| ctx.tenant.store.get("webhooks", id)) {
            Some(record) => ok(webhook_view(record)),
            None => business_error("Webhook not found."),
        },
        "DeleteWebhookConfiguration" => delete(ctx, "webhooks", id),
        "GetWebhookConfigurationsList" => {
            let body = ctx.req.json().unwrap_or_else(|_| json!({}));
            let get = |name: &str| {
                body.as_object()
                    .and_then(|o| key_ci(o, name))
                    .and_then(Value::as_u64)
            };
            let size = get("pageSize")
                .map_or(DEFAULT_PAGE_SIZE, |s| s as usize)
                .clamp(1, ctx.page_cap);
            let page = get("pageNumber").map_or(1, |p| p as usize).max(1);
            let filter = body
                .as_object()
                .and_then(|o| key_ci(o, "filter"))
                .cloned()
                .unwrap_or(Value::Null);
            let wanted = |field: &str| {
                filter
                    .as_object()
                    .and_then(|f| key_ci(f, field))
                    .and_then(Value::as_str)
                    .map(str::to_owned)
            };
            let (name, url) = (wanted("name"), wanted("payloadUrl"));
            let records: Vec<Value> = ctx
                .tenant
                .store
                .list("webhooks")
                .filter(|r| name.as_deref().is_none_or(|n| contains(r.get("name"), n)))
                .filter(|r| url.as_deref().is_none_or(|u| contains(r.get("payloadURL"), u)))
                .map(|r| {
                    json!({
                        "id": r["id"], "name": r["name"], "payloadUrl": r["payloadURL"], "isEnabled": r["isEnabled"],
                        "createdOn": r["createdOn"], "createdBy": r["createdBy"], "modifiedOn": r["modifiedOn"],
                        "modifiedBy": r["modifiedBy"], "recentDelivery": null, "useCount": 0,
                    })
                })
                .collect();
            paged(records, page, size)
        }
        "PostWebhookConfiguration" | "PutWebhookConfiguration" => {
            let body = match ctx.req.json() {
                Ok(Value::Object(object)) => object,
                Ok(_) => {
                    return vendor_error::bms(
                        StatusCode::BAD_REQUEST,
                        "The body must be a JSON object.",
                    )
                }
                Err(message) => return vendor_error::bms(StatusCode::BAD_REQUEST, &message),
            };
            let missing = missing_fields(route, table, &body);
            if !missing.is_empty() {
                return validation(&missing);
            }
            let existing = if op == "PutWebhookConfiguration" {
                match id.and_then(|id| ctx.tenant.store.get("webhooks", id)) {
                    Some(record) => Some(record.clone()),
                    None => return business_error("Webhook not found."),
                }
            } else {
                None
            };
            let mut record = existing
                .as_ref()
                .and_then(Value::as_object)
                .cloned()
                .unwrap_or_default();
            for (name, value) in body {
                // The document's own spellings (`payloadURL`), whatever case the caller used.
                let real = [
                    "name",
                    "payloadURL",
                    "events",
                    "contentType",
                    "secret",
                    "sendAllEvents",
                    "isEnabled",
                ]
                .iter()
                .find(|known| known.eq_ignore_ascii_case(&name))
                .map_or(name, |known| (*known).to_owned());
                record.insert(real, value);
            }
            record.remove("id");
            let now = stamp(ctx.now);
            record
                .entry("createdOn")
                .or_insert_with(|| Value::from(now.clone()));
            record
                .entry("createdBy")
                .or_insert_with(|| Value::from(user_id(ctx.user)));
            record.insert("modifiedOn".into(), Value::from(now));
            record.insert("modifiedBy".into(), Value::from(user_id(ctx.user)));
            let id = match (existing, id) {
                (Some(_), Some(id)) => {
                    ctx.tenant
                        .store
                        .replace("webhooks", id, Value::Object(record));
                    id
                }
                _ => ctx.tenant.store.insert("webhooks", Value::Object(record)),
            };
            ok(ctx
                .tenant
                .store
                .get("webhooks", id)
                .map(webhook_view)
                .unwrap_or_default())
        }
        _ => example(route, table),
    }
}
