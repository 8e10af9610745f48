//! `additions`: entities the live API has and the pinned document lacks, added from correction data.
//!
//! Reality encoded: the pinned Autotask document ("Datto|Autotask PSA Rest API" v1) predates the webhook
//! entities `TicketWebhooks`, `TicketNoteWebhooks` and `ConfigurationItemWebhooks` (each with its `…/Fields`,
//! `…/UdfFields` and `…/ExcludedResources` children) and the `Documents` entity with its `…/Attachments` child,
//! all of which Autotask's own REST entity pages document (the URLs are in the correction data, next to each
//! addition). Without them the generated client cannot register a ticket webhook.
//!
//! An addition (correction data `[[additions]]`) names an entity the document already has whose operations it
//! copies by rule (`like`), and the fields of its own model:
//! - every operation tagged `like` (the entity's root collection: query, query/count, get by id, create, update,
//!   patch, delete, entityInformation) or `{like}Child` (the same entity reached through its parent,
//!   `/V1.0/{Parent}/{parentId}/{Child}`) is copied with the entity name substituted in the path, the tag and
//!   the operationId (`CompanyWebhookFields_Query` → `TicketWebhookFields_Query`), the parent collection of
//!   child paths replaced by the addition's `parent` (`CompanyWebhooks/{parentId}/Fields` →
//!   `TicketWebhooks/{parentId}/Fields`), and every `$ref` to the template's model (`like_model`) pointed at the
//!   new one;
//! - the new model's properties are built from the listed fields (document spelling, PascalCase, like the
//!   document's own models), plus the template model's `UserDefinedFields` list, which every Autotask model
//!   carries. The template's `SoapParentPropertyId` (a server-side expression tree, always read-only) is not
//!   copied. Maximum lengths, read-only and required flags from the entity pages go into each property's
//!   description (and `readOnly`); they are not `maxLength` constraints, so the model's strings stay plain
//!   `String`s like every other Autotask model's.
//!
//! It runs first, so every later pass (credential headers, envelopes, casing, secrets, lenient responses)
//! treats an added operation exactly like one of the document's own. Stale data fails loudly: a template entity
//! or model the document lacks, an entity or model the document already has (a newer document: drop the
//! addition), a child template without `parent` or a `parent` without child templates, and an unknown field
//! type are errors naming the addition.

use serde_json::{json, Map, Value};

use super::walk::{schema_ref, METHODS};
use super::CorrectError;
use crate::vendor::{Addition, AdditionField};

const PASS: &str = "additions";

pub(super) fn apply(doc: &mut Value, additions: &[Addition]) -> Result<Vec<String>, CorrectError> {
    let mut changes = Vec::new();
    for addition in additions {
        let unfixable = |problem: String| CorrectError::Unfixable {
            pass: PASS,
            location: format!("addition `{}`", addition.entity),
            problem,
        };
        let model = build_model(doc, addition).map_err(unfixable)?;
        let operations = copied_operations(doc, addition).map_err(unfixable)?;
        let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else {
            return Err(unfixable("the document has no `paths`".into()));
        };
        let count = operations.len();
        for (path, method, op) in operations {
            let item = paths
                .entry(path.clone())
                .or_insert_with(|| Value::Object(Map::new()));
            let Some(item) = item.as_object_mut() else {
                return Err(unfixable(format!("path item `{path}` is not an object")));
            };
            if item.contains_key(&method) {
                return Err(unfixable(format!(
                    "{} {path} is already in the document",
                    method.to_uppercase()
                )));
            }
            item.insert(method, op);
        }
        let Some(schemas) = doc
            .pointer_mut("/components/schemas")
            .and_then(Value::as_object_mut)
        else {
            return Err(unfixable("the document has no component schemas".into()));
        };
        schemas.insert(addition.model.clone(), model);
        changes.push(format!(
            "{}: {count} operations copied from {} (model `{}`, {} fields; source {})",
            addition.entity,
            addition.like,
            addition.model,
            addition.fields.len(),
            addition.source
        ));
    }
    Ok(changes)
}

/// The template's operations, rewritten for the addition: `(path, method, operation)` in document order.
fn copied_operations(
    doc: &Value,
    addition: &Addition,
) -> Result<Vec<(String, String, Value)>, String> {
    let paths = doc
        .get("paths")
        .and_then(Value::as_object)
        .ok_or("the document has no `paths`")?;
    let root_tag = addition.like.as_str();
    let child_tag = format!("{}Child", addition.like);
    let model_ref = json!(schema_ref(&addition.like_model));
    let new_ref = json!(schema_ref(&addition.model));
    let mut out = Vec::new();
    let mut children = 0;
    for (path, item) in paths {
        let Some(item) = item.as_object() else {
            continue;
        };
        for (method, op) in item {
            if !METHODS.contains(&method.as_str()) {
                continue;
            }
            let tag = op
                .get("tags")
                .and_then(Value::as_array)
                .and_then(|t| t.first())
                .and_then(Value::as_str);
            let new_path = if tag == Some(root_tag) {
                root_path(path, &addition.like, &addition.entity)?
            } else if tag == Some(child_tag.as_str()) {
                children += 1;
                let parent = addition.parent.as_deref().ok_or_else(|| {
                    format!("{path} is a child collection of the template, but the addition names no `parent`")
                })?;
                child_path(path, parent)?
            } else {
                continue;
            };
            if paths
                .get(&new_path)
                .and_then(|i| i.get(method.as_str()))
                .is_some()
            {
                return Err(format!(
                    "{} {new_path} is already in the document (a newer document? drop the addition)",
                    method.to_uppercase()
                ));
            }
            let mut op = op.clone();
            rewrite(
                &mut op,
                &addition.like,
                &addition.entity,
                &model_ref,
                &new_ref,
            );
            out.push((new_path, method.clone(), op));
        }
    }
    if out.is_empty() {
        return Err(format!(
            "the document has no operations tagged `{root_tag}` or `{child_tag}` to copy"
        ));
    }
    if children == 0 && addition.parent.is_some() {
        return Err(format!(
            "`parent` is set but the template has no `{child_tag}` operations"
        ));
    }
    Ok(out)
}

/// `/V1.0/CompanyWebhooks/query` → `/V1.0/TicketWebhooks/query`: the collection segment renamed.
fn root_path(path: &str, like: &str, entity: &str) -> Result<String, String> {
    let mut segments: Vec<&str> = path.split('/').collect();
    match segments.iter().position(|s| *s == like) {
        Some(i) => {
            segments[i] = entity;
            Ok(segments.join("/"))
        }
        None => Err(format!(
            "{path} is tagged `{like}` but has no `{like}` segment"
        )),
    }
}

/// `/V1.0/CompanyWebhooks/{parentId}/Fields/{id}` → `/V1.0/TicketWebhooks/{parentId}/Fields/{id}`: the segment
/// before `{parentId}` replaced by the addition's parent collection.
fn child_path(path: &str, parent: &str) -> Result<String, String> {
    let mut segments: Vec<&str> = path.split('/').collect();
    match segments.iter().position(|s| *s == "{parentId}") {
        Some(i) if i > 0 => {
            segments[i - 1] = parent;
            Ok(segments.join("/"))
        }
        _ => Err(format!(
            "child collection {path} has no `{{parentId}}` segment"
        )),
    }
}

/// Renames the operation's tag and id (`{like}_…`, `{like}Child_…`) and points its model `$ref`s at the new
/// model.
fn rewrite(op: &mut Value, like: &str, entity: &str, model_ref: &Value, new_ref: &Value) {
    let Some(obj) = op.as_object_mut() else {
        return;
    };
    if let Some(id) = obj.get("operationId").and_then(Value::as_str) {
        if let Some(rest) = id.strip_prefix(like) {
            obj.insert("operationId".into(), json!(format!("{entity}{rest}")));
        }
    }
    if let Some(tags) = obj.get_mut("tags").and_then(Value::as_array_mut) {
        for tag in tags {
            if let Some(rest) = tag.as_str().and_then(|t| t.strip_prefix(like)) {
                *tag = json!(format!("{entity}{rest}"));
            }
        }
    }
    replace_refs(op, model_ref, new_ref);
}

fn replace_refs(value: &mut Value, from: &Value, to: &Value) {
    match value {
        Value::Object(map) => {
            for (key, child) in map.iter_mut() {
                if key == "$ref" && child == from {
                    *child = to.clone();
                } else {
                    replace_refs(child, from, to);
                }
            }
        }
        Value::Array(list) => list.iter_mut().for_each(|v| replace_refs(v, from, to)),
        _ => {}
    }
}

/// The new model: the listed fields, then the template model's `UserDefinedFields`.
fn build_model(doc: &Value, addition: &Addition) -> Result<Value, String> {
    let schemas = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .ok_or("the document has no component schemas")?;
    if schemas.contains_key(&addition.model) {
        return Err(format!(
            "the document already has a model `{}` (a newer document? drop the addition)",
            addition.model
        ));
    }
    let template = schemas.get(&addition.like_model).ok_or_else(|| {
        format!(
            "the template model `{}` is not in the document",
            addition.like_model
        )
    })?;
    let mut properties = Map::new();
    for field in &addition.fields {
        if properties
            .insert(field.name.clone(), property(field)?)
            .is_some()
        {
            return Err(format!("field `{}` is listed twice", field.name));
        }
    }
    if let Some(udfs) = template.pointer("/properties/UserDefinedFields") {
        properties
            .entry("UserDefinedFields")
            .or_insert_with(|| udfs.clone());
    }
    let mut model = Map::new();
    model.insert("type".into(), json!("object"));
    model.insert("properties".into(), Value::Object(properties));
    let required: Vec<&str> = addition
        .fields
        .iter()
        .filter(|f| f.required)
        .map(|f| f.name.as_str())
        .collect();
    if !required.is_empty() {
        // Kept for request bodies; `lenient-responses` drops it again where the model is also a response.
        model.insert("required".into(), json!(required));
    }
    Ok(Value::Object(model))
}

/// One property, typed from the entity page's datatype column.
fn property(field: &AdditionField) -> Result<Value, String> {
    let mut schema = match field.r#type.as_str() {
        "long" => json!({"type": "integer", "format": "int64"}),
        "integer" => json!({"type": "integer", "format": "int32"}),
        "short" => json!({"type": "integer", "format": "int16"}),
        "boolean" => json!({"type": "boolean"}),
        "string" => json!({"type": "string"}),
        "datetime" => json!({"type": "string", "format": "date-time"}),
        "double" | "decimal" => json!({"type": "number", "format": "double"}),
        "byte[]" => json!({"type": "string", "format": "byte"}),
        other => {
            return Err(format!(
                "field `{}` has type `{other}`; expected long, integer, short, boolean, string, datetime, \
                 double, decimal or byte[]",
                field.name
            ))
        }
    };
    let mut notes = Vec::new();
    if let Some(n) = field.length {
        notes.push(format!("At most {n} characters."));
    }
    if field.required {
        notes.push("Required on create.".to_owned());
    }
    if field.read_only {
        notes.push("Read-only.".to_owned());
        schema["readOnly"] = json!(true);
    }
    if let Some(reference) = &field.reference {
        notes.push(format!("Refers to {reference}."));
    }
    if !notes.is_empty() {
        schema["description"] = json!(notes.join(" "));
    }
    Ok(schema)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A miniature of the Autotask document's webhook entity: a root collection, a child collection and models
    /// shaped like the real ones (converted to OpenAPI 3.0).
    fn doc() -> Value {
        let op = |id: &str, tag: &str, model: &str| {
            json!({"tags": [tag], "operationId": id,
                "requestBody": {"content": {"application/json": {"schema": {"$ref": schema_ref(model)}}}},
                "responses": {"200": {"description": "OK",
                    "content": {"application/json": {"schema": {"$ref": schema_ref(model)}}}}}})
        };
        json!({"openapi": "3.0.0", "paths": {
            "/V1.0/CompanyWebhooks": {
                "post": op("CompanyWebhooks_CreateEntity", "CompanyWebhooks", "CompanyWebhookModel"),
                "patch": op("CompanyWebhooks_PatchEntity", "CompanyWebhooks", "CompanyWebhookModel")},
            "/V1.0/CompanyWebhooks/query/count": {
                "post": op("CompanyWebhooks_QueryCount", "CompanyWebhooks", "QueryCountResultModel")},
            "/V1.0/CompanyWebhookFields/{id}": {
                "get": op("CompanyWebhookFields_QueryItem", "CompanyWebhookFields", "CompanyWebhookFieldModel")},
            "/V1.0/CompanyWebhooks/{parentId}/Fields": {
                "post": op("CompanyWebhookFieldsChild_CreateEntity", "CompanyWebhookFieldsChild",
                    "CompanyWebhookFieldModel")},
            "/V1.0/Companies/query": {"post": op("Companies_Query", "Companies", "CompanyModel")}
        }, "components": {"schemas": {
            "CompanyWebhookModel": {"type": "object", "properties": {
                "Id": {"type": "integer"}, "UserDefinedFields": {"type": "array",
                    "items": {"$ref": "#/components/schemas/UserDefinedField"}}}},
            "CompanyWebhookFieldModel": {"type": "object", "properties": {"Id": {"type": "integer"},
                "SoapParentPropertyId": {"$ref": "#/components/schemas/Expression", "readOnly": true}}},
            "QueryCountResultModel": {"type": "object"},
            "CompanyModel": {"type": "object"}
        }}})
    }

    fn field(name: &str, r#type: &str) -> AdditionField {
        AdditionField {
            name: name.into(),
            r#type: r#type.into(),
            length: None,
            read_only: false,
            required: false,
            reference: None,
        }
    }

    fn webhooks() -> Addition {
        Addition {
            entity: "TicketWebhooks".into(),
            like: "CompanyWebhooks".into(),
            model: "TicketWebhookModel".into(),
            like_model: "CompanyWebhookModel".into(),
            parent: None,
            source: "https://example.invalid/REST_WebhooksEntity.htm".into(),
            fields: vec![
                AdditionField {
                    read_only: true,
                    ..field("Id", "long")
                },
                AdditionField {
                    length: Some(50),
                    required: true,
                    ..field("Name", "string")
                },
            ],
        }
    }

    fn webhook_fields() -> Addition {
        Addition {
            entity: "TicketWebhookFields".into(),
            like: "CompanyWebhookFields".into(),
            model: "TicketWebhookFieldModel".into(),
            like_model: "CompanyWebhookFieldModel".into(),
            parent: Some("TicketWebhooks".into()),
            source: "https://example.invalid/REST_WebhookFieldsEntity.htm".into(),
            fields: vec![field("Id", "long"), field("FieldID", "integer")],
        }
    }

    #[test]
    fn operations_are_copied_by_rule_with_paths_ids_tags_and_models_renamed() {
        let mut doc = doc();
        let changes = apply(&mut doc, &[webhooks(), webhook_fields()]).unwrap();
        assert_eq!(changes.len(), 2, "{changes:#?}");
        assert!(changes[0].starts_with("TicketWebhooks: 3 operations copied from CompanyWebhooks"));
        assert!(changes[1].starts_with("TicketWebhookFields: 2 operations copied"));

        let create = &doc["paths"]["/V1.0/TicketWebhooks"]["post"];
        assert_eq!(create["operationId"], "TicketWebhooks_CreateEntity");
        assert_eq!(create["tags"], json!(["TicketWebhooks"]));
        let body = "/requestBody/content/application~1json/schema/$ref";
        assert_eq!(
            create.pointer(body).unwrap(),
            "#/components/schemas/TicketWebhookModel"
        );
        assert_eq!(
            doc["paths"]["/V1.0/TicketWebhooks"]["patch"]["operationId"],
            "TicketWebhooks_PatchEntity"
        );
        // Shared models stay shared.
        let count = &doc["paths"]["/V1.0/TicketWebhooks/query/count"]["post"];
        assert_eq!(
            count.pointer(body).unwrap(),
            "#/components/schemas/QueryCountResultModel"
        );
        // The child collection hangs off the new parent.
        let child = &doc["paths"]["/V1.0/TicketWebhooks/{parentId}/Fields"]["post"];
        assert_eq!(
            child["operationId"],
            "TicketWebhookFieldsChild_CreateEntity"
        );
        assert_eq!(child["tags"], json!(["TicketWebhookFieldsChild"]));
        assert_eq!(
            child.pointer(body).unwrap(),
            "#/components/schemas/TicketWebhookFieldModel"
        );
        assert_eq!(
            doc["paths"]["/V1.0/TicketWebhookFields/{id}"]["get"]["operationId"],
            "TicketWebhookFields_QueryItem"
        );
        // The template is untouched; other entities are not copied.
        assert_eq!(
            doc["paths"]["/V1.0/CompanyWebhooks"]["post"]["operationId"],
            "CompanyWebhooks_CreateEntity"
        );
        assert!(doc["paths"].get("/V1.0/TicketWebhooks/query").is_none());
    }

    #[test]
    fn models_are_built_from_the_fields_plus_the_template_udfs() {
        let mut doc = doc();
        apply(&mut doc, &[webhooks(), webhook_fields()]).unwrap();
        let model = &doc["components"]["schemas"]["TicketWebhookModel"];
        assert_eq!(
            model["properties"]["Id"],
            json!({"type": "integer", "format": "int64", "readOnly": true, "description": "Read-only."})
        );
        assert_eq!(
            model["properties"]["Name"],
            json!({"type": "string", "description": "At most 50 characters. Required on create."})
        );
        assert_eq!(model["required"], json!(["Name"]));
        assert_eq!(
            model["properties"]["UserDefinedFields"]["items"]["$ref"],
            "#/components/schemas/UserDefinedField"
        );
        let fields = &doc["components"]["schemas"]["TicketWebhookFieldModel"];
        assert!(fields["properties"].get("SoapParentPropertyId").is_none());
        assert_eq!(fields["properties"]["FieldID"]["format"], "int32");
    }

    #[test]
    fn stale_or_wrong_data_fails_loudly() {
        let problem = |addition: Addition| match apply(&mut doc(), &[addition]) {
            Err(CorrectError::Unfixable { problem, .. }) => problem,
            other => panic!("expected an error, got {other:?}"),
        };
        // The document already has the entity (a newer document).
        let mut twice = doc();
        apply(&mut twice, &[webhooks()]).unwrap();
        assert!(matches!(
            apply(&mut twice, &[webhooks()]),
            Err(CorrectError::Unfixable { .. })
        ));
        assert!(problem(Addition {
            like: "NoSuchWebhooks".into(),
            ..webhooks()
        })
        .contains("no operations tagged `NoSuchWebhooks`"));
        assert!(problem(Addition {
            like_model: "NoSuchModel".into(),
            ..webhooks()
        })
        .contains("template model `NoSuchModel`"));
        assert!(problem(Addition {
            parent: None,
            ..webhook_fields()
        })
        .contains("names no `parent`"));
        assert!(problem(Addition {
            parent: Some("Tickets".into()),
            ..webhooks()
        })
        .contains("no `CompanyWebhooksChild` operations"));
        assert!(problem(Addition {
            fields: vec![field("Id", "guid")],
            ..webhooks()
        })
        .contains("type `guid`"));
    }
}
