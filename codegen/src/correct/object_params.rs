//! `object-params`: object-typed query parameters are sent as one query parameter per property.
//!
//! Reality encoded: ConnectWise's ASP.NET back end binds complex parameter types from the query string by
//! property name, so `GET /system/audittrail` takes `?type=Ticket&id=42&deviceIdentifier=…`, not a parameter
//! called `getRequest` (the document even declares that one `in: path` although the route has no placeholder);
//! `POST /company/configurations` likewise takes the `ManagedInformation` properties as query parameters. The
//! generator cannot put an object in a query string (and panics on optional ones), so each such parameter is
//! replaced by optional query parameters for its properties.

use serde_json::{json, Value};

use super::walk::{for_each_operation, ref_target};
use super::CorrectError;

const PASS: &str = "object-params";

pub(super) fn apply(doc: &mut Value) -> Result<Vec<String>, CorrectError> {
    let schemas = doc
        .pointer("/components/schemas")
        .cloned()
        .unwrap_or(Value::Null);
    let mut changes = Vec::new();
    let mut failure = None;
    for_each_operation(doc, |path, method, op| {
        let Some(params) = op.get_mut("parameters").and_then(Value::as_array_mut) else {
            return;
        };
        let placeholders: Vec<String> = path
            .split('{')
            .skip(1)
            .filter_map(|s| s.split([':', '}']).next())
            .map(str::to_owned)
            .collect();
        let mut out: Vec<Value> = Vec::new();
        for p in params.drain(..) {
            let name = p
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned();
            let location = p.get("in").and_then(Value::as_str).unwrap_or_default();
            let in_template = location == "path" && placeholders.contains(&name);
            let object = p.get("schema").and_then(|s| resolve_object(s, &schemas));
            match (object, location, in_template) {
                (Some(props), "query" | "path", false) => {
                    let mut added = Vec::new();
                    for (prop, schema) in props {
                        added.push(prop.clone());
                        out.push(json!({"name": prop, "in": "query", "required": false, "schema": schema}));
                    }
                    changes.push(format!(
                        "{} {path}: object parameter `{name}` ({location}) sent as query parameters {}",
                        method.to_uppercase(),
                        added.join(", ")
                    ));
                }
                (Some(_), _, _) => {
                    failure.get_or_insert(CorrectError::Unfixable {
                        pass: PASS,
                        location: format!("{} {path}", method.to_uppercase()),
                        problem: format!("object-typed {location} parameter `{name}`"),
                    });
                    out.push(p);
                }
                (None, _, _) => out.push(p),
            }
        }
        *params = out;
    });
    match failure {
        Some(e) => Err(e),
        None => Ok(changes),
    }
}

/// The properties of `schema` if it is (a `$ref` to) an object with properties.
fn resolve_object(schema: &Value, schemas: &Value) -> Option<Vec<(String, Value)>> {
    let resolved = match schema
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(ref_target)
    {
        Some(name) => schemas.get(&name)?,
        None => schema,
    };
    let props = resolved.get("properties")?.as_object()?;
    let is_object = resolved
        .get("type")
        .and_then(Value::as_str)
        .is_none_or(|t| t == "object");
    is_object.then(|| props.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn object_params_are_flattened_into_query_parameters() {
        let mut doc = json!({"paths": {"/system/audittrail": {"get": {"parameters": [
            {"name": "getRequest", "in": "path", "required": true, "schema": {"$ref": "#/components/schemas/Req"}},
            {"name": "page", "in": "query", "schema": {"type": "integer"}}
        ], "responses": {}}}}, "components": {"schemas": {"Req": {"type": "object", "properties": {
            "type": {"type": "string"}, "id": {"type": "integer"}}}}}});
        let changes = apply(&mut doc).unwrap();
        assert_eq!(changes.len(), 1);
        let names: Vec<&str> = doc["paths"]["/system/audittrail"]["get"]["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["name"].as_str().unwrap())
            .collect();
        assert_eq!(names, ["type", "id", "page"]);
        assert_eq!(
            doc["paths"]["/system/audittrail"]["get"]["parameters"][1]["in"],
            "query"
        );
    }

    #[test]
    fn scalar_params_and_templated_path_params_stay() {
        let mut doc = json!({"paths": {"/a/{id}": {"get": {"parameters": [
            {"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}], "responses": {}}}}});
        let before = doc.clone();
        assert!(apply(&mut doc).unwrap().is_empty());
        assert_eq!(doc, before);
    }
}
