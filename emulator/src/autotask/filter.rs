//! Autotask's JSON query filter, evaluated as the REST API documentation describes it: a top-level array of
//! conditions (all must hold), each `{op, field, value, udf}` with `eq noteq gt gte lt lte beginsWith
//! endsWith contains exist notExist in notIn`, or `{op: "and"|"or", items: [...]}` nesting. Field names and
//! operators ignore case. `contains`/`beginsWith`/`endsWith` are SQL Server `LIKE` tests, so `[%]`, `[_]`,
//! `[[]` in values match the characters themselves.

use std::cmp::Ordering;

use serde_json::Value;

use crate::clock::parse_time;
use crate::like::like;
use crate::store::key_ci;

/// A refused filter.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{0}")]
pub struct FilterError(pub String);

/// True when `record` satisfies every condition of `filter` (the `filter` array of a query body).
///
/// # Errors
/// [`FilterError`] for an unknown operator, a missing field or value, or a malformed item.
pub fn matches(filter: &[Value], record: &Value) -> Result<bool, FilterError> {
    for item in filter {
        if !item_matches(item, record)? {
            return Ok(false);
        }
    }
    Ok(true)
}

/// Checks a filter without a record (so that an empty result does not hide a malformed filter).
///
/// # Errors
/// As [`matches()`].
pub fn validate(filter: &[Value]) -> Result<(), FilterError> {
    matches(filter, &Value::Object(serde_json::Map::new())).map(|_| ())
}

fn item_matches(item: &Value, record: &Value) -> Result<bool, FilterError> {
    let op = item
        .get("op")
        .and_then(Value::as_str)
        .ok_or_else(|| FilterError("Each filter item needs an op.".to_owned()))?
        .to_ascii_lowercase();
    if op == "and" || op == "or" {
        let items = item
            .get("items")
            .and_then(Value::as_array)
            .ok_or_else(|| FilterError(format!("A filter item with op '{op}' needs items.")))?;
        let mut results = Vec::with_capacity(items.len());
        for inner in items {
            results.push(item_matches(inner, record)?);
        }
        return Ok(if op == "and" {
            results.iter().all(|r| *r)
        } else {
            results.iter().any(|r| *r)
        });
    }
    let field = item
        .get("field")
        .and_then(Value::as_str)
        .filter(|f| !f.is_empty())
        .ok_or_else(|| FilterError(format!("A filter item with op '{op}' needs a field.")))?;
    let udf = item.get("udf").and_then(Value::as_bool).unwrap_or(false);
    let actual = if udf {
        record
            .get("userDefinedFields")
            .and_then(Value::as_array)
            .and_then(|fields| {
                fields.iter().find(|f| {
                    f.get("name")
                        .and_then(Value::as_str)
                        .is_some_and(|name| name.eq_ignore_ascii_case(field))
                })
            })
            .and_then(|f| f.get("value"))
            .cloned()
            .unwrap_or(Value::Null)
    } else {
        record
            .as_object()
            .and_then(|object| key_ci(object, field))
            .cloned()
            .unwrap_or(Value::Null)
    };
    let value = item.get("value");
    let needs_value =
        || value.ok_or_else(|| FilterError(format!("A filter item with op '{op}' needs a value.")));
    Ok(match op.as_str() {
        "exist" => !is_empty(&actual),
        "notexist" => is_empty(&actual),
        "eq" => order(&actual, needs_value()?) == Some(Ordering::Equal),
        "noteq" => order(&actual, needs_value()?) != Some(Ordering::Equal),
        "gt" => order(&actual, needs_value()?) == Some(Ordering::Greater),
        "gte" => matches!(
            order(&actual, needs_value()?),
            Some(Ordering::Greater | Ordering::Equal)
        ),
        "lt" => order(&actual, needs_value()?) == Some(Ordering::Less),
        "lte" => matches!(
            order(&actual, needs_value()?),
            Some(Ordering::Less | Ordering::Equal)
        ),
        "contains" => text_test(&actual, needs_value()?, |v| format!("%{v}%")),
        "beginswith" => text_test(&actual, needs_value()?, |v| format!("{v}%")),
        "endswith" => text_test(&actual, needs_value()?, |v| format!("%{v}")),
        "in" | "notin" => {
            let list = needs_value()?
                .as_array()
                .ok_or_else(|| FilterError(format!("The value of op '{op}' must be an array.")))?;
            let found = list
                .iter()
                .any(|v| order(&actual, v) == Some(Ordering::Equal));
            found == (op == "in")
        }
        other => {
            return Err(FilterError(format!(
                "'{other}' is not a valid filter operation."
            )))
        }
    })
}

fn is_empty(value: &Value) -> bool {
    value.is_null() || value.as_str() == Some("")
}

fn text_test(actual: &Value, value: &Value, pattern: impl Fn(&str) -> String) -> bool {
    let expected = match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    };
    let text = match actual {
        Value::String(text) => text.clone(),
        Value::Null => return false,
        other => other.to_string(),
    };
    like(&text, &pattern(&expected))
}

/// Compares a stored value with a filter value: numbers with numbers (numeric strings count), booleans with
/// booleans (and 0/1, "true"/"false"), date-times as instants, text case-insensitively.
fn order(actual: &Value, expected: &Value) -> Option<Ordering> {
    if actual.is_null() || expected.is_null() {
        return (actual.is_null() && expected.is_null()).then_some(Ordering::Equal);
    }
    let number = |v: &Value| {
        v.as_f64()
            .or_else(|| v.as_str().and_then(|t| t.trim().parse().ok()))
    };
    let boolean = |v: &Value| match v {
        Value::Bool(b) => Some(*b),
        Value::Number(n) => n.as_i64().map(|n| n != 0),
        Value::String(t) => match t.to_ascii_lowercase().as_str() {
            "true" | "1" => Some(true),
            "false" | "0" => Some(false),
            _ => None,
        },
        _ => None,
    };
    if actual.is_boolean() || expected.is_boolean() {
        return Some(boolean(actual)?.cmp(&boolean(expected)?));
    }
    if actual.is_number() || expected.is_number() {
        return number(actual)?.partial_cmp(&number(expected)?);
    }
    let (a, b) = (actual.as_str()?, expected.as_str()?);
    if let (Some(a), Some(b)) = (parse_time(a), parse_time(b)) {
        return Some(a.cmp(&b));
    }
    Some(a.to_lowercase().cmp(&b.to_lowercase()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn check(filter: Value) -> bool {
        let record = json!({
            "id": 5, "companyName": "Acme 50% Dental", "companyType": 1, "isActive": true,
            "lastActivityDate": "2024-03-01T10:00:00Z", "phone": null,
            "userDefinedFields": [{"name": "Tier", "value": "Gold"}]
        });
        matches(filter.as_array().unwrap(), &record).unwrap()
    }

    #[test]
    fn documented_operators_evaluate() {
        assert!(check(
            json!([{"op": "eq", "field": "companyType", "value": 1}])
        ));
        assert!(check(
            json!([{"op": "eq", "field": "CompanyType", "value": "1"}])
        ));
        assert!(check(json!([{"op": "noteq", "field": "id", "value": 6}])));
        assert!(check(json!([{"op": "gte", "field": "id", "value": 0}])));
        assert!(check(
            json!([{"op": "lt", "field": "lastActivityDate", "value": "2024-03-02T00:00:00Z"}])
        ));
        assert!(check(
            json!([{"op": "beginsWith", "field": "companyName", "value": "acme"}])
        ));
        assert!(check(
            json!([{"op": "endsWith", "field": "companyName", "value": "dental"}])
        ));
        assert!(check(
            json!([{"op": "contains", "field": "companyName", "value": "50[%]"}])
        ));
        assert!(!check(
            json!([{"op": "contains", "field": "companyName", "value": "5[_]"}])
        ));
        assert!(check(json!([{"op": "exist", "field": "companyName"}])));
        assert!(check(json!([{"op": "notExist", "field": "phone"}])));
        assert!(check(json!([{"op": "in", "field": "id", "value": [1, 5]}])));
        assert!(check(
            json!([{"op": "notIn", "field": "id", "value": [1, 2]}])
        ));
        assert!(check(
            json!([{"op": "eq", "field": "isActive", "value": true}])
        ));
        assert!(check(
            json!([{"op": "eq", "field": "Tier", "udf": true, "value": "gold"}])
        ));
        assert!(check(json!([{"op": "or", "items": [
            {"op": "eq", "field": "id", "value": 1},
            {"op": "and", "items": [{"op": "eq", "field": "id", "value": 5}, {"op": "eq", "field": "companyType", "value": 1}]}
        ]}])));
        assert!(!check(
            json!([{"op": "eq", "field": "id", "value": 5}, {"op": "eq", "field": "id", "value": 6}])
        ));
    }

    #[test]
    fn malformed_filters_are_refused() {
        assert!(validate(&[json!({"op": "equals", "field": "id", "value": 1})]).is_err());
        assert!(validate(&[json!({"op": "eq", "value": 1})]).is_err());
        assert!(validate(&[json!({"op": "eq", "field": "id"})]).is_err());
        assert!(validate(&[json!({"op": "in", "field": "id", "value": 1})]).is_err());
        assert!(validate(&[json!({"op": "or"})]).is_err());
    }
}
