//! Where a drift report's finding lands in the corrected document: the operation's JSON success response,
//! walked along the finding's path to the component schema and property it is about.

use serde_json::Value;

/// Where a finding lands in the document.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Place {
    /// The component schema that holds (or should hold) the property.
    pub(super) schema: String,
    /// The property, in the wire spelling of the report.
    pub(super) property: String,
    /// The declared type of the property, if it is declared.
    pub(super) declared: Option<String>,
    /// The component schema of the property's enum, if it is one.
    pub(super) enum_schema: Option<String>,
    /// A declared property whose name differs only in case or `_` (a casing problem, not a new property).
    pub(super) similar: Option<String>,
}

/// The JSON schema of `operation_id`'s first 2xx response.
pub(super) fn response_schema<'a>(doc: &'a Value, operation_id: &str) -> Option<&'a Value> {
    let paths = doc.get("paths")?.as_object()?;
    let op = paths
        .values()
        .filter_map(Value::as_object)
        .flat_map(|item| item.values())
        .find(|op| op.get("operationId").and_then(Value::as_str) == Some(operation_id))?;
    let responses = op.get("responses")?.as_object()?;
    let (_, response) = responses
        .iter()
        .filter(|(status, _)| status.starts_with('2'))
        .min_by_key(|(status, _)| status.as_str())?;
    let content = response.get("content")?.as_object()?;
    content
        .iter()
        .find(|(media, _)| media.contains("json"))
        .or_else(|| content.iter().next())
        .and_then(|(_, media)| media.get("schema"))
}

/// Follows `$ref`s; returns the schema and the name of the last component schema on the way.
fn deref<'a>(doc: &'a Value, mut schema: &'a Value) -> (&'a Value, Option<String>) {
    let mut name = None;
    for _ in 0..32 {
        let Some(target) = schema.get("$ref").and_then(Value::as_str) else {
            break;
        };
        let Some(component) = target.strip_prefix("#/components/schemas/") else {
            break;
        };
        let Some(next) = doc.pointer(&format!("/components/schemas/{}", escape(component))) else {
            break;
        };
        name = Some(component.to_owned());
        schema = next;
    }
    (schema, name)
}

/// JSON-pointer escaping of one segment.
fn escape(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

/// The properties of an object schema, `allOf` parts included, with the component that declares each.
fn properties<'a>(
    doc: &'a Value,
    schema: &'a Value,
    owner: Option<&str>,
    out: &mut Vec<(String, &'a Value, Option<String>)>,
) {
    let (schema, name) = deref(doc, schema);
    let owner = name.as_deref().or(owner).map(str::to_owned);
    if let Some(props) = schema.get("properties").and_then(Value::as_object) {
        for (key, value) in props {
            out.push((key.clone(), value, owner.clone()));
        }
    }
    for part in schema
        .get("allOf")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        properties(doc, part, owner.as_deref(), out);
    }
}

/// `items[]`, `company`, `*` … of a report path.
fn segments(path: &str) -> Vec<&str> {
    let mut out = Vec::new();
    for part in path.split('.').filter(|p| !p.is_empty()) {
        let mut part = part;
        let mut lists = 0;
        while let Some(rest) = part.strip_suffix("[]") {
            part = rest;
            lists += 1;
        }
        if !part.is_empty() {
            out.push(part);
        }
        out.extend(std::iter::repeat_n("[]", lists));
    }
    out
}

/// The schema and property `path` names, starting from `response`.
pub(super) fn resolve(doc: &Value, response: &Value, path: &str) -> Option<Place> {
    let segments = segments(path);
    let (&property, parents) = segments.split_last()?;
    let mut current = response;
    let mut owner: Option<String> = None;
    for &segment in parents {
        let (schema, name) = deref(doc, current);
        if name.is_some() {
            owner = name;
        }
        current = match segment {
            "[]" => schema.get("items")?,
            "*" => schema
                .get("additionalProperties")
                .filter(|v| v.is_object())?,
            field => {
                let mut props = Vec::new();
                properties(doc, schema, owner.as_deref(), &mut props);
                find(&props, field)?.1
            }
        };
    }
    let (parent, name) = deref(doc, current);
    let mut props = Vec::new();
    properties(
        doc,
        parent,
        name.as_deref().or(owner.as_deref()),
        &mut props,
    );
    let schema = name.or(owner)?;
    let declared = props.iter().find(|(key, _, _)| key == property);
    let (declared_type, enum_schema, holder) = match declared {
        Some((_, value, holder)) => {
            let (target, enum_name) = deref(doc, value);
            let enum_schema = target.get("enum").and(enum_name);
            (Some(type_of(doc, value)), enum_schema, holder.clone())
        }
        None => (None, None, None),
    };
    let similar = match declared {
        Some(_) => None,
        None => find(&props, property).map(|(key, _, _)| key.clone()),
    };
    Some(Place {
        schema: holder.unwrap_or(schema),
        property: property.to_owned(),
        declared: declared_type,
        enum_schema,
        similar,
    })
}

/// The declared property for a wire name: exact, else equal ignoring case and `_`.
fn find<'a, 'b>(
    props: &'b [(String, &'a Value, Option<String>)],
    wire: &str,
) -> Option<&'b (String, &'a Value, Option<String>)> {
    let fold = |s: &str| -> String {
        s.chars()
            .filter(|c| *c != '_')
            .flat_map(char::to_lowercase)
            .collect()
    };
    props
        .iter()
        .find(|(key, _, _)| key == wire)
        .or_else(|| props.iter().find(|(key, _, _)| fold(key) == fold(wire)))
}

/// `string (date-time)`, `array of CompanyModel`, `Ticket`, …: a declared type as a reader says it.
fn type_of(doc: &Value, schema: &Value) -> String {
    if let Some(name) = schema
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.rsplit('/').next())
    {
        return name.to_owned();
    }
    let (schema, _) = deref(doc, schema);
    match schema.get("type").and_then(Value::as_str) {
        Some("array") => format!(
            "array of {}",
            schema
                .get("items")
                .map_or_else(|| "anything".to_owned(), |i| type_of(doc, i))
        ),
        Some(t) => match schema.get("format").and_then(Value::as_str) {
            Some(format) => format!("{t} ({format})"),
            None => t.to_owned(),
        },
        None => "any".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::drift::tests::doc;

    #[test]
    fn paths_resolve_to_the_schema_that_holds_the_property() {
        let doc = doc();
        let response = response_schema(&doc, "Companies_Query").expect("operation");
        let place = resolve(&doc, response, "items[].postalCode").expect("resolves");
        assert_eq!(
            (place.schema.as_str(), place.declared.as_deref()),
            ("CompanyModel", Some("string"))
        );
        // Through `allOf`: the component that declares it.
        let id = resolve(&doc, response, "items[].id").expect("resolves");
        assert_eq!(id.schema, "Base");
        let new = resolve(&doc, response, "items[].sicCode").expect("resolves");
        assert_eq!(
            (new.schema.as_str(), new.declared, new.similar.as_deref()),
            ("CompanyModel", None, Some("SICCode"))
        );
        let list = response_schema(&doc, "getServicePriorities").expect("vendor json type");
        let color = resolve(&doc, list, "[].color").expect("resolves");
        assert_eq!(color.enum_schema.as_deref(), Some("PriorityColor"));
        assert_eq!(segments("a[][].b.*.c"), ["a", "[]", "[]", "b", "*", "c"]);
    }
}
