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
