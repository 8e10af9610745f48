//! Shared traversal helpers for the passes: operations in document order and every schema in a document.

use serde_json::{Map, Value};

/// The HTTP methods an OpenAPI path item can hold, in the order OpenAPI lists them.
pub const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Calls `f(path, method, operation)` for every operation, in document order.
pub fn for_each_operation(doc: &mut Value, mut f: impl FnMut(&str, &str, &mut Map<String, Value>)) {
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else {
        return;
    };
    for (path, item) in paths.iter_mut() {
        let Some(item) = item.as_object_mut() else {
            continue;
        };
        for (method, op) in item.iter_mut() {
            if !METHODS.contains(&method.as_str()) {
                continue;
            }
            if let Some(op) = op.as_object_mut() {
                f(path, method, op);
            }
        }
    }
}

/// Calls `f` on every schema object nested anywhere below `schema` (including `schema` itself): properties,
/// items, additionalProperties, allOf/anyOf/oneOf, not.
pub fn visit_schemas_mut(schema: &mut Value, f: &mut dyn FnMut(&mut Map<String, Value>)) {
    let Some(obj) = schema.as_object_mut() else {
        return;
    };
    f(obj);
    if let Some(props) = obj.get_mut("properties").and_then(Value::as_object_mut) {
        for p in props.values_mut() {
            visit_schemas_mut(p, f);
        }
    }
    for key in ["items", "additionalProperties", "not"] {
        if let Some(child) = obj.get_mut(key) {
            visit_schemas_mut(child, f);
        }
    }
    for key in ["allOf", "anyOf", "oneOf"] {
        if let Some(list) = obj.get_mut(key).and_then(Value::as_array_mut) {
            for child in list {
                visit_schemas_mut(child, f);
            }
        }
    }
}

/// Which inline operation schemas [`visit_document_schemas`] visits besides the component schemas.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OperationSchemas {
    /// The `application/json` schemas of request bodies and responses: what travels as JSON. Forms and
    /// multipart bodies are skipped, because the server binds their fields by the declared names.
    JsonBodiesAndResponses,
    /// The response schemas under every media type; request bodies are skipped.
    AllResponses,
}

/// Calls `f` on every schema object nested anywhere in the document's schemas: in each component schema whose
/// name `component` accepts, and in the inline operation schemas `operations` selects. `$ref`s are not
/// followed (a referenced component is visited as a component, if accepted).
///
/// This is the one traversal the schema-rewriting passes share, so that they agree on where schemas live.
pub fn visit_document_schemas(
    doc: &mut Value,
    component: impl Fn(&str) -> bool,
    operations: OperationSchemas,
    f: &mut dyn FnMut(&mut Map<String, Value>),
) {
    if let Some(schemas) = doc
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    {
        for (name, schema) in schemas.iter_mut() {
            if component(name) {
                visit_schemas_mut(schema, f);
            }
        }
    }
    for_each_operation(doc, |_, _, op| {
        if operations == OperationSchemas::JsonBodiesAndResponses {
            if let Some(s) = op.pointer_mut("/requestBody/content/application~1json/schema") {
                visit_schemas_mut(s, f);
            }
        }
        let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut) else {
            return;
        };
        for response in responses.values_mut() {
            match operations {
                OperationSchemas::JsonBodiesAndResponses => {
                    if let Some(s) = response.pointer_mut("/content/application~1json/schema") {
                        visit_schemas_mut(s, f);
                    }
                }
                OperationSchemas::AllResponses => {
                    let Some(content) = response.get_mut("content").and_then(Value::as_object_mut)
                    else {
                        continue;
                    };
                    for media in content.values_mut() {
                        if let Some(s) = media.get_mut("schema") {
                            visit_schemas_mut(s, f);
                        }
                    }
                }
            }
        }
    });
}

/// The component schema name a `$ref` points to (`#/components/schemas/X` → `X`, JSON-pointer unescaped).
pub fn ref_target(reference: &str) -> Option<String> {
    reference
        .strip_prefix("#/components/schemas/")
        .map(|name| name.replace("~1", "/").replace("~0", "~"))
}

/// The `$ref` string for a component schema name (JSON-pointer escaped).
pub fn schema_ref(name: &str) -> String {
    format!(
        "#/components/schemas/{}",
        name.replace('~', "~0").replace('/', "~1")
    )
}

/// Extension: JSON-pointer look-ups on an object map (serde_json offers them only on `Value`).
pub trait MapPointer {
    /// Like [`Value::pointer_mut`], starting at this map.
    fn pointer_mut(&mut self, pointer: &str) -> Option<&mut Value>;
}

impl MapPointer for Map<String, Value> {
    fn pointer_mut(&mut self, pointer: &str) -> Option<&mut Value> {
        let rest = pointer.strip_prefix('/')?;
        let (first, tail) = match rest.find('/') {
            Some(i) => (&rest[..i], &rest[i..]),
            None => (rest, ""),
        };
        let key = first.replace("~1", "/").replace("~0", "~");
        let value = self.get_mut(&key)?;
        if tail.is_empty() {
            Some(value)
        } else {
            value.pointer_mut(tail)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// The `title`s of the schemas visited, in visiting order.
    fn visited(doc: &mut Value, component: &str, operations: OperationSchemas) -> Vec<String> {
        let mut seen = Vec::new();
        visit_document_schemas(doc, |name| name == component, operations, &mut |obj| {
            if let Some(title) = obj.get("title").and_then(Value::as_str) {
                seen.push(title.to_owned());
            }
        });
        seen
    }

    #[test]
    fn document_schemas_are_chosen_by_component_name_and_operation_site() {
        let mut doc = json!({"paths": {"/t": {"post": {
            "requestBody": {"content": {
                "application/json": {"schema": {"title": "json body"}},
                "application/x-www-form-urlencoded": {"schema": {"title": "form body"}}}},
            "responses": {"200": {"description": "", "content": {
                "application/json": {"schema": {"title": "json response", "items": {"title": "nested"}}},
                "text/plain": {"schema": {"title": "text response"}}}}}
        }}}, "components": {"schemas": {"A": {"title": "A"}, "B": {"title": "B"}}}});
        assert_eq!(
            visited(&mut doc, "A", OperationSchemas::JsonBodiesAndResponses),
            ["A", "json body", "json response", "nested"]
        );
        assert_eq!(
            visited(&mut doc, "B", OperationSchemas::AllResponses),
            ["B", "json response", "nested", "text response"]
        );
    }
}
