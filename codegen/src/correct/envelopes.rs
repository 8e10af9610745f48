//! `envelopes`: declare the response shapes the Autotask API really sends.
//!
//! Reality encoded (Autotask REST v1.0; see the shared fixtures): the document declares the bare entity model
//! as the response of almost every operation, but the live API wraps it:
//! - `…_Query`, `…_UrlParameterQuery` (and child queries) → `{"items": [Model], "pageDetails": {count,
//!   requestCount, prevPageUrl, nextPageUrl}}`;
//! - `…_QueryItem` → `{"item": Model}`;
//! - `…_CreateEntity`, `…_UpdateEntity`, `…_PatchEntity`, `…_DeleteEntity` → `{"itemId": N}`;
//! - `…_QueryCount` → `{"queryCount": N}` (declared right, apart from casing, which the `casing` pass fixes).
//!
//! `OperationResultModel.ItemId` is declared as an empty `Object`; the API sends an integer id.
//!
//! Reality encoded (Kaseya BMS API 2.0): 364 of the 435 operations declare the `{Success, Error, Result}`
//! envelope, and the API wraps every JSON answer in it (a business error is `Success: false` at HTTP 200).
//! Two get-by-id operations are declared bare: `GET /v2/crm/accounts/summary/{id}` (`AccountSummaryOutputDto`)
//! and `GET /v2/crm/contacts/summary/{id}` (`ContactsSummaryOutputDto`). Their list siblings
//! (`GET …/summary`) are enveloped around the same DTOs, and a public BMS v2 client reads
//! `result.locationId` from the contact one: they are enveloped too. The operations are listed in the
//! correction data (`enveloped_operations`); the pass declares `{DTO}Response` for them (the document's own
//! envelope schema where it has one, `AccountSummaryOutputDtoResponse`, otherwise a new one of the same shape).
//!
//! The pass also applies the rule that found them — a bare `GET …/{id}` whose parent path's `GET` is
//! enveloped around the same DTO — to the whole document, and reports every operation it matches that the data
//! does not list, so a new document's case is seen in review rather than decoded into an all-`None` record.
//! On the pinned document the rule matches exactly the two listed operations; the other bare answers are the
//! Kaseya One proxies (`/v2/kaseya-one/…/lookup`, OData-style `{Value, Next_link}` lists and bare items, a
//! different service whose shape is not the BMS envelope) and the two file downloads.

use serde_json::{json, Map, Value};

use super::walk::{for_each_operation, ref_target, schema_ref, MapPointer};
use super::CorrectError;
use crate::vendor::EnvelopeStyle;

const PASS: &str = "envelopes";

/// The envelope an Autotask operation's 200 response uses, judged from its operationId.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Items,
    Item,
    ItemId,
    AsDeclared,
}

fn kind(operation_id: &str) -> Kind {
    let suffix = operation_id.rsplit('_').next().unwrap_or_default();
    match suffix {
        "Query" | "UrlParameterQuery" => Kind::Items,
        "QueryItem" => Kind::Item,
        "CreateEntity" | "UpdateEntity" | "PatchEntity" | "DeleteEntity" => Kind::ItemId,
        _ => Kind::AsDeclared,
    }
}

pub(super) fn apply(
    doc: &mut Value,
    style: Option<EnvelopeStyle>,
    enveloped_operations: &[String],
) -> Result<Vec<String>, CorrectError> {
    match style {
        Some(EnvelopeStyle::Autotask) => apply_autotask(doc),
        Some(EnvelopeStyle::Bms) => apply_bms(doc, enveloped_operations),
        None => Ok(Vec::new()),
    }
}

fn apply_autotask(doc: &mut Value) -> Result<Vec<String>, CorrectError> {
    let mut changes = Vec::new();
    let mut new_schemas: Map<String, Value> = Map::new();
    new_schemas.insert(
        "PageDetails".into(),
        json!({"type": "object", "description": "Paging state of an Autotask query response.", "properties": {
            "count": {"type": "integer", "format": "int32", "description": "Items in this page."},
            "requestCount": {"type": "integer", "format": "int32", "description": "Page size the server used (at most 500)."},
            "prevPageUrl": {"type": "string", "nullable": true, "description": "URL of the previous page; request it with the query's own method and body."},
            "nextPageUrl": {"type": "string", "nullable": true, "description": "URL of the next page; request it with the query's own method and body."}
        }}),
    );
    new_schemas.insert(
        "ItemIdResult".into(),
        json!({"type": "object", "description": "Result of a create, update or delete: the affected entity's id.",
            "properties": {"itemId": {"type": "integer", "format": "int64"}}}),
    );
    let existing: Vec<String> = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|s| s.keys().cloned().collect())
        .unwrap_or_default();
    let mut failure = None;
    for_each_operation(doc, |path, method, op| {
        let id = op
            .get("operationId")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        let kind = kind(&id);
        if kind == Kind::AsDeclared {
            return;
        }
        let Some(schema) = op.pointer_mut("/responses/200/content/application~1json/schema") else {
            failure.get_or_insert(CorrectError::Unfixable {
                pass: PASS,
                location: format!("{} {path} ({id})", method.to_uppercase()),
                problem: "no JSON 200 response to wrap".into(),
            });
            return;
        };
        let model = schema
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(ref_target);
        let replacement = match (kind, model) {
            (Kind::ItemId, _) => "ItemIdResult".to_owned(),
            (Kind::AsDeclared, _) => return,
            (Kind::Items | Kind::Item, Some(model)) => {
                let base = model.strip_suffix("Model").unwrap_or(&model);
                let name = if kind == Kind::Items {
                    format!("{base}QueryResult")
                } else {
                    format!("{base}ItemResult")
                };
                if existing.contains(&name) {
                    failure.get_or_insert(CorrectError::Unfixable {
                        pass: PASS,
                        location: id.clone(),
                        problem: format!("envelope name `{name}` is already a schema"),
                    });
                    return;
                }
                new_schemas
                    .entry(name.clone())
                    .or_insert_with(|| envelope(kind, &model));
                name
            }
            (_, None) => {
                failure.get_or_insert(CorrectError::Unfixable {
                    pass: PASS,
                    location: id.clone(),
                    problem: "200 response is not a reference to an entity model".into(),
                });
                return;
            }
        };
        *schema = json!({"$ref": schema_ref(&replacement)});
        changes.push(format!("{id}: 200 response is `{replacement}`"));
    });
    if let Some(e) = failure {
        return Err(e);
    }
    if let Some(item_id) =
        doc.pointer_mut("/components/schemas/OperationResultModel/properties/ItemId")
    {
        *item_id = json!({"type": "integer", "format": "int64"});
        changes.push("OperationResultModel.ItemId: integer(int64), not an empty object".into());
    }
    let schemas = doc
        .as_object_mut()
        .map(|d| d.entry("components").or_insert_with(|| json!({})))
        .and_then(|c| c.as_object_mut())
        .map(|c| c.entry("schemas").or_insert_with(|| json!({})))
        .and_then(Value::as_object_mut);
    if let Some(schemas) = schemas {
        for (name, schema) in new_schemas {
            schemas.insert(name, schema);
        }
    }
    Ok(changes)
}

/// The JSON schema of an operation's 200 response.
const RESPONSE_200: &str = "/responses/200/content/application~1json/schema";

/// Whether `schema` is the BMS envelope (document spelling, before the `casing` pass).
fn is_bms_envelope(schema: &Value) -> bool {
    let props = schema.get("properties");
    ["Success", "Result"]
        .iter()
        .all(|p| props.and_then(|props| props.get(p)).is_some())
}

/// The model a BMS envelope's `Result` holds, directly or as list elements.
fn envelope_result(schema: &Value) -> Option<String> {
    let result = schema.pointer("/properties/Result")?;
    result
        .get("$ref")
        .or_else(|| result.pointer("/items/$ref"))
        .and_then(Value::as_str)
        .and_then(ref_target)
}

/// The component a response schema names, if it is a `$ref`.
fn response_model(op: &Value) -> Option<String> {
    op.pointer(RESPONSE_200)?
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(ref_target)
}

/// `"GET /path"` of every bare get-by-id whose parent path's GET is enveloped around the same model.
fn bare_get_by_id_with_enveloped_list(doc: &Value) -> Vec<(String, String)> {
    let schemas = doc.pointer("/components/schemas");
    let schema = |name: &str| schemas.and_then(|s| s.get(name));
    let mut found = Vec::new();
    let Some(paths) = doc.get("paths").and_then(Value::as_object) else {
        return found;
    };
    for (path, item) in paths {
        let Some(model) = item.get("get").and_then(response_model) else {
            continue;
        };
        let Some((parent, last)) = path.rsplit_once('/') else {
            continue;
        };
        if !(last.starts_with('{') && last.ends_with('}')) {
            continue;
        }
        if schema(&model).is_none_or(is_bms_envelope) {
            continue;
        }
        let list = paths
            .get(parent)
            .and_then(|p| p.get("get"))
            .and_then(response_model)
            .and_then(|name| schema(&name));
        if list.is_some_and(|l| is_bms_envelope(l) && envelope_result(l).as_deref() == Some(&model))
        {
            found.push((format!("GET {path}"), model));
        }
    }
    found
}

fn apply_bms(doc: &mut Value, listed: &[String]) -> Result<Vec<String>, CorrectError> {
    let unfixable = |location: &str, problem: String| CorrectError::Unfixable {
        pass: PASS,
        location: location.to_owned(),
        problem,
    };
    let mut changes = Vec::new();
    // The shape of the document's own envelopes: its `Error` member (`ErrorInfo`).
    let error_member = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .and_then(|s| s.values().find(|v| is_bms_envelope(v)))
        .and_then(|e| e.pointer("/properties/Error"))
        .cloned()
        .ok_or_else(|| unfixable("components", "no envelope schema to model one on".into()))?;
    for entry in listed {
        let Some((method, path)) = entry.split_once(' ') else {
            return Err(unfixable(entry, "not `METHOD /path`".into()));
        };
        let method = method.to_ascii_lowercase();
        let Some(op) = doc
            .get_mut("paths")
            .and_then(|p| p.get_mut(path))
            .and_then(|i| i.get_mut(&method))
        else {
            return Err(unfixable(entry, "no such operation".into()));
        };
        let Some(model) = response_model(op) else {
            return Err(unfixable(
                entry,
                "200 response is not a reference to a model".into(),
            ));
        };
        let id = op
            .get("operationId")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        let name = format!("{model}Response");
        let schemas = doc
            .pointer_mut("/components/schemas")
            .and_then(Value::as_object_mut)
            .ok_or_else(|| unfixable(entry, "no component schemas".into()))?;
        if schemas.get(&model).is_some_and(is_bms_envelope) {
            return Err(unfixable(
                entry,
                format!("`{model}` is already an envelope"),
            ));
        }
        match schemas.get(&name) {
            Some(existing) if envelope_result(existing).as_deref() == Some(&model) => {}
            Some(_) => {
                return Err(unfixable(
                    entry,
                    format!("`{name}` exists and is not the envelope of `{model}`"),
                ))
            }
            None => {
                schemas.insert(
                    name.clone(),
                    json!({"type": "object",
                        "description": format!("The BMS envelope around one `{model}`."),
                        "properties": {
                            "Success": {"type": "boolean", "readOnly": true},
                            "Error": error_member.clone(),
                            "Result": {"$ref": schema_ref(&model)}
                        },
                        "additionalProperties": false}),
                );
            }
        }
        if let Some(content) = doc
            .pointer_mut(&format!(
                "/paths/{}/{method}/responses/200/content",
                path.replace('~', "~0").replace('/', "~1")
            ))
            .and_then(Value::as_object_mut)
        {
            for media in content.values_mut() {
                media["schema"] = json!({"$ref": schema_ref(&name)});
            }
        }
        changes.push(format!(
            "{entry} ({id}): 200 response is `{name}`, not the bare `{model}`"
        ));
    }
    for (operation, model) in bare_get_by_id_with_enveloped_list(doc) {
        if !listed.contains(&operation) {
            changes.push(format!(
                "{operation}: declared as the bare `{model}` while its list is enveloped around it; not listed \
                 in `enveloped_operations`, left as declared"
            ));
        }
    }
    Ok(changes)
}

fn envelope(kind: Kind, model: &str) -> Value {
    match kind {
        Kind::Items => json!({"type": "object",
        "description": format!("One page of `{model}` query results."),
        "properties": {
            "items": {"type": "array", "items": {"$ref": schema_ref(model)}},
            "pageDetails": {"$ref": schema_ref("PageDetails")}
        }}),
        _ => json!({"type": "object",
            "description": format!("A single `{model}`, as returned by a get by id."),
            "properties": {"item": {"$ref": schema_ref(model)}}}),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn op(id: &str) -> Value {
        json!({"operationId": id, "responses": {"200": {"description": "OK",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/CompanyModel"}}}}}})
    }

    #[test]
    fn autotask_operations_get_their_real_envelopes() {
        let mut doc = json!({"paths": {
            "/V1.0/Companies/query": {"post": op("Companies_Query"), "get": op("Companies_UrlParameterQuery")},
            "/V1.0/Companies/{id}": {"get": op("Companies_QueryItem")},
            "/V1.0/Companies": {"post": op("Companies_CreateEntity")},
            "/V1.0/Companies/entityInformation": {"get": op("Companies_QueryEntityInformation")}
        }, "components": {"schemas": {"CompanyModel": {"type": "object"},
            "OperationResultModel": {"type": "object", "properties": {"ItemId": {"$ref": "#/components/schemas/Object"}}}}}});
        let changes = apply(&mut doc, Some(EnvelopeStyle::Autotask), &[]).unwrap();
        assert_eq!(changes.len(), 5, "{changes:#?}");
        let resp = |p: &str, m: &str| {
            doc["paths"][p][m]["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
                .clone()
        };
        assert_eq!(
            resp("/V1.0/Companies/query", "post"),
            "#/components/schemas/CompanyQueryResult"
        );
        assert_eq!(
            resp("/V1.0/Companies/query", "get"),
            "#/components/schemas/CompanyQueryResult"
        );
        assert_eq!(
            resp("/V1.0/Companies/{id}", "get"),
            "#/components/schemas/CompanyItemResult"
        );
        assert_eq!(
            resp("/V1.0/Companies", "post"),
            "#/components/schemas/ItemIdResult"
        );
        assert_eq!(
            resp("/V1.0/Companies/entityInformation", "get"),
            "#/components/schemas/CompanyModel"
        );
        let schemas = &doc["components"]["schemas"];
        assert_eq!(
            schemas["CompanyQueryResult"]["properties"]["items"]["items"]["$ref"],
            "#/components/schemas/CompanyModel"
        );
        assert_eq!(
            schemas["CompanyItemResult"]["properties"]["item"]["$ref"],
            "#/components/schemas/CompanyModel"
        );
        assert_eq!(
            schemas["OperationResultModel"]["properties"]["ItemId"]["type"],
            "integer"
        );
    }

    #[test]
    fn other_vendors_are_untouched() {
        let mut doc = json!({"paths": {"/a": {"get": op("Companies_Query")}}});
        let before = doc.clone();
        assert!(apply(&mut doc, None, &[]).unwrap().is_empty());
        assert_eq!(doc, before);
    }

    fn bms_op(id: &str, model: &str) -> Value {
        json!({"operationId": id, "responses": {"200": {"description": "OK", "content": {
            "application/json": {"schema": {"$ref": format!("#/components/schemas/{model}")}},
            "text/json": {"schema": {"$ref": format!("#/components/schemas/{model}")}}}}}})
    }

    fn bms_envelope(result: Value) -> Value {
        json!({"type": "object", "properties": {"Success": {"type": "boolean"},
            "Error": {"$ref": "#/components/schemas/ErrorInfo"}, "Result": result}})
    }

    /// The shape of the BMS document: enveloped lists, two bare get-by-ids, a Kaseya One bare lookup.
    fn bms_doc() -> Value {
        json!({"paths": {
            "/v2/crm/accounts/summary": {"get": bms_op("GetAccountsListSummary", "AccountPaged")},
            "/v2/crm/accounts/summary/{id}": {"get": bms_op("GetAccountSummary", "Account")},
            "/v2/crm/contacts/summary": {"get": bms_op("GetContactsListSummary", "ContactPaged")},
            "/v2/crm/contacts/summary/{id}": {"get": bms_op("GetContactSummary", "Contact")},
            "/v2/kaseya-one/worktypes/lookup/{id}": {"get": bms_op("GetWorkTypeLookup", "K1Lookup")},
            "/v2/tickets/{id}": {"get": bms_op("GetTicket", "TicketResponse")}
        }, "components": {"schemas": {
            "ErrorInfo": {"type": "object"},
            "Account": {"type": "object", "properties": {"Id": {"type": "integer"}}},
            "Contact": {"type": "object", "properties": {"LocationId": {"type": "integer"}}},
            "Ticket": {"type": "object"},
            "K1Lookup": {"type": "object"},
            "AccountPaged": bms_envelope(json!({"type": "array", "items": {"$ref": "#/components/schemas/Account"}})),
            "ContactPaged": bms_envelope(json!({"type": "array", "items": {"$ref": "#/components/schemas/Contact"}})),
            "AccountResponse": bms_envelope(json!({"$ref": "#/components/schemas/Account"})),
            "TicketResponse": bms_envelope(json!({"$ref": "#/components/schemas/Ticket"}))
        }}})
    }

    #[test]
    fn listed_bms_operations_get_the_envelope_and_the_rule_reports_unlisted_ones() {
        let mut doc = bms_doc();
        let listed = ["GET /v2/crm/accounts/summary/{id}".to_owned()];
        let changes = apply(&mut doc, Some(EnvelopeStyle::Bms), &listed).unwrap();
        assert_eq!(
            changes,
            [
                "GET /v2/crm/accounts/summary/{id} (GetAccountSummary): 200 response is `AccountResponse`, not \
                 the bare `Account`",
                "GET /v2/crm/contacts/summary/{id}: declared as the bare `Contact` while its list is enveloped \
                 around it; not listed in `enveloped_operations`, left as declared",
            ]
        );
        let account =
            &doc["paths"]["/v2/crm/accounts/summary/{id}"]["get"]["responses"]["200"]["content"];
        for media in ["application/json", "text/json"] {
            assert_eq!(
                account[media]["schema"]["$ref"],
                "#/components/schemas/AccountResponse"
            );
        }
        // The Kaseya One lookup (no enveloped list sibling) and an enveloped get are not touched.
        assert_eq!(
            doc["paths"]["/v2/kaseya-one/worktypes/lookup/{id}"],
            bms_doc()["paths"]["/v2/kaseya-one/worktypes/lookup/{id}"]
        );
    }

    #[test]
    fn a_missing_envelope_schema_is_declared_in_the_documents_shape() {
        let mut doc = bms_doc();
        let listed = [
            "GET /v2/crm/accounts/summary/{id}".to_owned(),
            "GET /v2/crm/contacts/summary/{id}".to_owned(),
        ];
        let changes = apply(&mut doc, Some(EnvelopeStyle::Bms), &listed).unwrap();
        assert_eq!(changes.len(), 2, "{changes:#?}");
        let created = &doc["components"]["schemas"]["ContactResponse"];
        assert_eq!(
            created["properties"]["Result"]["$ref"],
            "#/components/schemas/Contact"
        );
        assert_eq!(
            created["properties"]["Error"]["$ref"],
            "#/components/schemas/ErrorInfo"
        );
        assert_eq!(created["properties"]["Success"]["type"], "boolean");
    }

    #[test]
    fn a_listed_operation_that_is_not_there_or_already_enveloped_fails() {
        for entry in [
            "GET /v2/nowhere/{id}",
            "GET /v2/tickets/{id}",
            "/v2/crm/accounts/summary/{id}",
        ] {
            let mut doc = bms_doc();
            let result = apply(&mut doc, Some(EnvelopeStyle::Bms), &[entry.to_owned()]);
            assert!(
                matches!(result, Err(CorrectError::Unfixable { .. })),
                "{entry}: {result:?}"
            );
        }
    }
}
