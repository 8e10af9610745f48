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
) -> Result<Vec<String>, CorrectError> {
    let Some(EnvelopeStyle::Autotask) = style else {
        return Ok(Vec::new());
    };
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
        let changes = apply(&mut doc, Some(EnvelopeStyle::Autotask)).unwrap();
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
        assert!(apply(&mut doc, None).unwrap().is_empty());
        assert_eq!(doc, before);
    }
}
