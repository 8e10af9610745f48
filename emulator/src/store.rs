//! Records by collection: a collection is a concrete path (`service/tickets`, `service/tickets/7/notes`,
//! `Tickets`, `tickets`), its records JSON objects with an integer `id`. Vendor handlers decide what a
//! collection means; the store only keeps ids unique and records in id order.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

/// All collections of one vendor's tenant.
#[derive(Debug, Clone, Default)]
pub struct Store {
    collections: BTreeMap<String, Collection>,
}

/// One collection.
#[derive(Debug, Clone, Default)]
pub struct Collection {
    records: BTreeMap<i64, Value>,
    next_id: i64,
}

impl Store {
    /// Records of `key` in id order (none for an unknown collection).
    pub fn list(&self, key: &str) -> impl Iterator<Item = &Value> {
        self.collections
            .get(key)
            .into_iter()
            .flat_map(|collection| collection.records.values())
    }

    /// Number of records in `key`.
    pub fn len(&self, key: &str) -> usize {
        self.collections
            .get(key)
            .map_or(0, |collection| collection.records.len())
    }

    /// One record.
    pub fn get(&self, key: &str, id: i64) -> Option<&Value> {
        self.collections.get(key)?.records.get(&id)
    }

    /// One record, mutable.
    pub fn get_mut(&mut self, key: &str, id: i64) -> Option<&mut Value> {
        self.collections.get_mut(key)?.records.get_mut(&id)
    }

    /// The first record whose `field` equals `value` as text, ignoring case.
    pub fn find_by(&self, key: &str, field: &str, value: &str) -> Option<&Value> {
        self.list(key).find(|record| {
            record
                .get(field)
                .and_then(Value::as_str)
                .is_some_and(|text| text.eq_ignore_ascii_case(value))
        })
    }

    /// Stores `record` under a new id (or the `id` it carries, when positive and free) and returns the id.
    pub fn insert(&mut self, key: &str, mut record: Value) -> i64 {
        let collection = self
            .collections
            .entry(key.to_owned())
            .or_insert_with(|| Collection {
                records: BTreeMap::new(),
                next_id: 1,
            });
        let wanted = record
            .get("id")
            .and_then(Value::as_i64)
            .filter(|id| *id > 0);
        let id = match wanted {
            Some(id) if !collection.records.contains_key(&id) => id,
            _ => collection.next_id,
        };
        collection.next_id = collection.next_id.max(id + 1);
        if let Value::Object(object) = &mut record {
            object.insert("id".to_owned(), Value::from(id));
        }
        collection.records.insert(id, record);
        id
    }

    /// Replaces a record (keeping its id); false when it does not exist.
    pub fn replace(&mut self, key: &str, id: i64, mut record: Value) -> bool {
        let Some(slot) = self
            .collections
            .get_mut(key)
            .and_then(|collection| collection.records.get_mut(&id))
        else {
            return false;
        };
        if let Value::Object(object) = &mut record {
            object.insert("id".to_owned(), Value::from(id));
        }
        *slot = record;
        true
    }

    /// Removes a record.
    pub fn remove(&mut self, key: &str, id: i64) -> Option<Value> {
        self.collections.get_mut(key)?.records.remove(&id)
    }

    /// Collection names.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.collections.keys().map(String::as_str)
    }
}

/// The value at a `/`-separated path (`board/name`), matching keys case-insensitively; arrays are not
/// entered (see [`lookup_all`]).
pub fn lookup<'a>(record: &'a Value, path: &str) -> Option<&'a Value> {
    let mut current = record;
    for part in path.split(['/', '.']).filter(|part| !part.is_empty()) {
        current = key_ci(current.as_object()?, part)?;
    }
    Some(current)
}

/// Every value at a path, entering arrays along the way (`communicationItems/value`).
pub fn lookup_all<'a>(record: &'a Value, path: &str) -> Vec<&'a Value> {
    let parts: Vec<&str> = path
        .split(['/', '.'])
        .filter(|part| !part.is_empty())
        .collect();
    let mut current = vec![record];
    for part in parts {
        let mut next = Vec::new();
        for value in current {
            match value {
                Value::Object(object) => next.extend(key_ci(object, part)),
                Value::Array(items) => {
                    for item in items {
                        if let Some(object) = item.as_object() {
                            next.extend(key_ci(object, part));
                        }
                    }
                }
                _ => {}
            }
        }
        current = next;
    }
    current
        .into_iter()
        .flat_map(|value| match value {
            Value::Array(items) => items.iter().collect::<Vec<_>>(),
            other => vec![other],
        })
        .collect()
}

/// A key of an object, exact first, then ignoring case.
pub fn key_ci<'a>(object: &'a Map<String, Value>, key: &str) -> Option<&'a Value> {
    object.get(key).or_else(|| {
        object
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(key))
            .map(|(_, value)| value)
    })
}

/// The real key name in `object` for `key` (ignoring case).
pub fn real_key(object: &Map<String, Value>, key: &str) -> Option<String> {
    if object.contains_key(key) {
        return Some(key.to_owned());
    }
    object
        .keys()
        .find(|name| name.eq_ignore_ascii_case(key))
        .cloned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn ids_are_unique_and_ordered() {
        let mut store = Store::default();
        assert_eq!(store.insert("a", json!({"name": "x"})), 1);
        assert_eq!(store.insert("a", json!({"id": 10})), 10);
        assert_eq!(store.insert("a", json!({"id": 10})), 11);
        assert_eq!(store.insert("a", json!({})), 12);
        let ids: Vec<i64> = store.list("a").filter_map(|r| r["id"].as_i64()).collect();
        assert_eq!(ids, [1, 10, 11, 12]);
        assert!(store.replace("a", 1, json!({"name": "y"})));
        assert_eq!(store.get("a", 1).unwrap()["id"], 1);
        assert!(!store.replace("b", 1, json!({})));
    }

    #[test]
    fn paths_enter_objects_and_arrays() {
        let record = json!({"board": {"Name": "Help"}, "items": [{"value": "a"}, {"value": "b"}]});
        assert_eq!(lookup(&record, "board/name"), Some(&json!("Help")));
        let values = lookup_all(&record, "items/value");
        assert_eq!(values, [&json!("a"), &json!("b")]);
    }
}
