//! `psa-codegen drift-to-correction`: turns a user's drift report (what live responses held that the vendor
//! document did not predict, from `client.drift().take()`) into suggested correction entries for
//! `specs/corrections/<vendor>.toml`.
//!
//! The report names each finding by operation and JSON path (`Companies_Query`, `items[].sicCode`); the
//! corrected document (prepared as the build prepares it) turns that into the schema and property the entry
//! is about, by walking the operation's JSON success response along the path (`$ref`s, `allOf`, list items,
//! map values). The output is a *review* aid: `[[suggested.…]]` tables, which no correction pass reads yet,
//! plus a `secret_properties` line in the shape that correction does read when a secret-looking property is
//! involved. A maintainer checks each suggestion against the vendor's own documentation before moving it into
//! correction data (a field seen once on one tenant is not yet a documented field).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::Deserialize;
use serde_json::Value;

/// A drift report as `psa_clients` writes it (`DriftReport::to_json_pretty`); unknown keys are ignored so an
/// older psa-codegen reads a newer report.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Report {
    /// `bms`, `connectwise` or `autotask`.
    #[serde(default)]
    pub vendor: Option<String>,
    /// The document the client was generated from.
    #[serde(default)]
    pub spec: Option<ReportSpec>,
    /// The findings.
    #[serde(default)]
    pub entries: Vec<Entry>,
}

/// The document a report was made against.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ReportSpec {
    /// File name, e.g. `autotask.json`.
    pub file: String,
    /// The vendor's version.
    #[serde(default)]
    pub version: String,
    /// SHA-256 of the document.
    #[serde(default)]
    pub sha256: String,
}

/// One finding of a report.
#[derive(Debug, Clone, Deserialize)]
pub struct Entry {
    /// The vendor's operationId.
    pub operation_id: String,
    /// `unknown_field`, `wrong_type`, `unknown_enum_value` or `missing_field`.
    pub kind: String,
    /// JSON path with `[]` for list elements and `*` for map values.
    pub path: String,
    /// Occurrences.
    #[serde(default)]
    pub count: u64,
    /// JSON types seen (`integer`, `string`, …).
    #[serde(default)]
    pub json_types: Vec<String>,
    /// Decoder message, for wrong types.
    #[serde(default)]
    pub message: Option<String>,
    /// The Rust enum, for unknown enum values.
    #[serde(default)]
    pub enum_type: Option<String>,
    /// Unknown enum values seen.
    #[serde(default)]
    pub values: Vec<String>,
}

/// Why a report cannot be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DriftError {
    /// Not a drift report.
    #[error("not a drift report: {0}")]
    Json(#[from] serde_json::Error),
}

/// Reads a report from its JSON text.
///
/// # Errors
/// [`DriftError::Json`] for text that is not a drift report.
pub fn read_report(text: &str) -> Result<Report, DriftError> {
    Ok(serde_json::from_str(text)?)
}

/// What one property needs, merged over every finding about it.
#[derive(Debug, Clone, Default, PartialEq)]
struct Suggestion {
    seen: u64,
    operations: Vec<String>,
    paths: Vec<String>,
    json_types: Vec<String>,
    declared: Option<String>,
    message: Option<String>,
    values: Vec<String>,
    enum_schema: Option<String>,
    similar: Option<String>,
}

type Key = (&'static str, String, String);

/// The suggestions for `report` against the corrected document `doc` (OpenAPI 3.0 as JSON), as TOML text with
/// a header saying what it is and from what.
pub fn suggest(report: &Report, doc: &Value) -> String {
    let mut found: BTreeMap<Key, Suggestion> = BTreeMap::new();
    let mut unresolved = Vec::new();
    for entry in &report.entries {
        let section = match entry.kind.as_str() {
            "unknown_field" => "add_property",
            "wrong_type" => "retype_property",
            "unknown_enum_value" => "add_enum_values",
            "missing_field" => "not_required",
            other => {
                unresolved.push(format!(
                    "{} {}: unknown kind `{other}`",
                    entry.operation_id, entry.path
                ));
                continue;
            }
        };
        let Some(response) = response_schema(doc, &entry.operation_id) else {
            unresolved.push(format!(
                "{} {}: the document has no operation `{}` with a JSON success response",
                entry.operation_id, entry.path, entry.operation_id
            ));
            continue;
        };
        let Some(place) = resolve(doc, response, &entry.path) else {
            unresolved.push(format!(
                "{} {}: the path does not lead to a named schema in the document",
                entry.operation_id, entry.path
            ));
            continue;
        };
        let suggestion = found
            .entry((section, place.schema.clone(), place.property.clone()))
            .or_default();
        suggestion.seen += entry.count;
        push_unique(&mut suggestion.operations, &entry.operation_id);
        push_unique(&mut suggestion.paths, &entry.path);
        for t in &entry.json_types {
            push_unique(&mut suggestion.json_types, t);
        }
        for v in &entry.values {
            push_unique(&mut suggestion.values, v);
        }
        if suggestion.message.is_none() {
            suggestion.message.clone_from(&entry.message);
        }
        suggestion.declared = place.declared;
        suggestion.enum_schema = place.enum_schema.or(suggestion.enum_schema.take());
        suggestion.similar = place.similar;
    }
    render(report, &found, &unresolved)
}

fn push_unique(list: &mut Vec<String>, value: &str) {
    if !list.iter().any(|v| v == value) {
        list.push(value.to_owned());
    }
}

/// Where a finding lands in the document.
#[derive(Debug, Clone, PartialEq)]
struct Place {
    /// The component schema that holds (or should hold) the property.
    schema: String,
    /// The property, in the wire spelling of the report.
    property: String,
    /// The declared type of the property, if it is declared.
    declared: Option<String>,
    /// The component schema of the property's enum, if it is one.
    enum_schema: Option<String>,
    /// A declared property whose name differs only in case or `_` (a casing problem, not a new property).
    similar: Option<String>,
}

/// The JSON schema of `operation_id`'s first 2xx response.
fn response_schema<'a>(doc: &'a Value, operation_id: &str) -> Option<&'a Value> {
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
fn resolve(doc: &Value, response: &Value, path: &str) -> Option<Place> {
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

/// The OpenAPI type to declare for the JSON types seen (`null` only makes it nullable).
fn openapi_type(json_types: &[String]) -> (String, bool) {
    let nullable = json_types.iter().any(|t| t == "null");
    let types: Vec<&str> = json_types
        .iter()
        .map(String::as_str)
        .filter(|t| *t != "null")
        .collect();
    let declared = match types.as_slice() {
        [] => "unknown (only null seen)",
        ["boolean"] => "boolean",
        ["integer"] => "integer",
        ["number"] | ["integer", "number"] | ["number", "integer"] => "number",
        ["string"] => "string",
        ["array"] => "array",
        ["object"] => "object",
        _ => "mixed (see json_types)",
    };
    (declared.to_owned(), nullable)
}

fn quote(text: &str) -> String {
    toml::Value::String(text.to_owned()).to_string()
}

fn list(items: &[String]) -> String {
    let quoted: Vec<String> = items.iter().map(|i| quote(i)).collect();
    format!("[{}]", quoted.join(", "))
}

fn render(report: &Report, found: &BTreeMap<Key, Suggestion>, unresolved: &[String]) -> String {
    let mut out = String::new();
    let vendor = report.vendor.as_deref().unwrap_or("(vendor not named)");
    let _ = writeln!(
        out,
        "# Suggested corrections from a drift report (psa-codegen drift-to-correction), for review.\n\
         # Vendor: {vendor}; target file: specs/corrections/{vendor}.toml"
    );
    if let Some(spec) = &report.spec {
        let _ = writeln!(
            out,
            "# Report made against {} version {} (sha256 {}).",
            spec.file, spec.version, spec.sha256
        );
    }
    let _ = writeln!(
        out,
        "#\n# No correction pass reads the [[suggested.*]] tables yet: each one says what the live API sent that the\n\
         # document does not say. Check it against the vendor's documentation, then encode it in the correction data\n\
         # (or a pass) and a test. `seen` counts occurrences in the report, not tenants.\n"
    );
    let mut secrets = Vec::new();
    for ((section, schema, property), s) in found {
        let _ = writeln!(out, "[[suggested.{section}]]");
        let _ = writeln!(out, "schema = {}", quote(schema));
        let _ = writeln!(out, "property = {}", quote(property));
        match *section {
            "add_property" => {
                let (declared, nullable) = openapi_type(&s.json_types);
                let _ = writeln!(out, "type = {}", quote(&declared));
                let _ = writeln!(out, "nullable = {nullable}");
                if let Some(similar) = &s.similar {
                    let _ = writeln!(
                        out,
                        "# The document declares {similar:?}, which differs only in case or `_`: probably a casing or\n\
                         # alias correction, not a new property.\nsimilar_declared = {}",
                        quote(similar)
                    );
                }
            }
            "retype_property" => {
                if let Some(declared) = &s.declared {
                    let _ = writeln!(out, "declared = {}", quote(declared));
                }
                let _ = writeln!(out, "sent_json_types = {}", list(&s.json_types));
                if let Some(message) = &s.message {
                    let _ = writeln!(out, "decoder_message = {}", quote(message));
                }
            }
            "add_enum_values" => {
                if let Some(enum_schema) = &s.enum_schema {
                    let _ = writeln!(out, "enum_schema = {}", quote(enum_schema));
                }
                let _ = writeln!(out, "values = {}", list(&s.values));
            }
            _ => {
                let _ = writeln!(
                    out,
                    "# Declared required, absent from responses: the lenient policy already reads it as absent."
                );
            }
        }
        if !s.json_types.is_empty() && *section != "retype_property" {
            let _ = writeln!(out, "json_types = {}", list(&s.json_types));
        }
        let _ = writeln!(out, "seen = {}", s.seen);
        let _ = writeln!(out, "operations = {}", list(&s.operations));
        let _ = writeln!(out, "paths = {}\n", list(&s.paths));
        if psa_secret_key(property) {
            secrets.push(format!("{schema}.{property}"));
        }
    }
    if !secrets.is_empty() {
        secrets.dedup();
        let _ = writeln!(
            out,
            "# Secret-looking properties: once declared, list them in `secret_properties` (document spelling) so\n\
             # models hold them as `Secret`:\n# secret_properties = {}\n",
            list(&secrets)
        );
    }
    for line in unresolved {
        let _ = writeln!(out, "# unresolved: {line}");
    }
    if found.is_empty() && unresolved.is_empty() {
        let _ = writeln!(out, "# The report is empty: nothing to suggest.");
    }
    out
}

/// The run-time crate's rule for secret-looking keys (`psa_clients_runtime::redact::is_secret_key`), which
/// psa-codegen does not depend on.
fn psa_secret_key(key: &str) -> bool {
    const PARTS: [&str; 13] = [
        "password",
        "passwd",
        "secret",
        "token",
        "apikey",
        "integrationcode",
        "authorization",
        "credential",
        "mfacode",
        "totp",
        "signature",
        "cookie",
        "session",
    ];
    let key: String = key
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect();
    key.ends_with("key") || PARTS.iter().any(|part| key.contains(part))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Autotask's shape after corrections: the query envelope, a model with the document's `SICCode`, an enum.
    fn doc() -> Value {
        json!({
            "openapi": "3.0.1",
            "paths": {
                "/V1.0/Companies/query": {"post": {
                    "operationId": "Companies_Query",
                    "responses": {"200": {"content": {"application/json": {"schema": {
                        "$ref": "#/components/schemas/CompanyQueryResult"}}}}}
                }},
                "/service/priorities": {"get": {
                    "operationId": "getServicePriorities",
                    "responses": {"200": {"content": {"application/vnd.connectwise.com+json; version=2022.1": {
                        "schema": {"type": "array", "items": {"$ref": "#/components/schemas/Priority"}}}}}}
                }}
            },
            "components": {"schemas": {
                "CompanyQueryResult": {"type": "object", "properties": {
                    "items": {"type": "array", "items": {"$ref": "#/components/schemas/CompanyModel"}},
                    "pageDetails": {"$ref": "#/components/schemas/PageDetails"}}},
                "PageDetails": {"type": "object", "properties": {"count": {"type": "integer"}}},
                "CompanyModel": {"allOf": [{"$ref": "#/components/schemas/Base"}, {"type": "object", "properties": {
                    "SICCode": {"type": "string"},
                    "postalCode": {"type": "string"},
                    "createDate": {"type": "string", "format": "date-time"}}}]},
                "Base": {"type": "object", "properties": {"id": {"type": "integer", "format": "int64"}}},
                "Priority": {"type": "object", "properties": {
                    "color": {"$ref": "#/components/schemas/PriorityColor"}}},
                "PriorityColor": {"type": "string", "enum": ["Blue", "Red"]}
            }}
        })
    }

    fn report() -> Report {
        read_report(
            &json!({
                "vendor": "autotask",
                "spec": {"file": "autotask.json", "version": "v1", "sha256": "abc"},
                "entries": [
                    {"operation_id": "Companies_Query", "kind": "unknown_field", "path": "items[].sicCode",
                     "count": 500, "json_types": ["string", "null"], "example": "7372"},
                    {"operation_id": "Companies_Query", "kind": "unknown_field", "path": "items[].webhookSecret",
                     "count": 2, "json_types": ["string"]},
                    {"operation_id": "Companies_Query", "kind": "wrong_type", "path": "items[].postalCode",
                     "count": 3, "json_types": ["integer"], "message": "invalid type: integer `12061`, expected a string"},
                    {"operation_id": "Companies_Query", "kind": "missing_field", "path": "items[].id", "count": 1},
                    {"operation_id": "Companies_Query", "kind": "unknown_field", "path": "pageDetails.nextCursor",
                     "count": 1, "json_types": ["string"]},
                    {"operation_id": "getServicePriorities", "kind": "unknown_enum_value", "path": "[].color",
                     "count": 4, "enum_type": "PriorityColor", "values": ["blue", "Purple"]},
                    {"operation_id": "nope", "kind": "unknown_field", "path": "x", "count": 1},
                    {"operation_id": "Companies_Query", "kind": "unknown_field", "path": "items[].a.b", "count": 1},
                    {"operation_id": "Companies_Query", "kind": "future_kind", "path": "x", "count": 1, "new": 1}
                ]
            })
            .to_string(),
        )
        .expect("a report")
    }

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

    #[test]
    fn a_report_becomes_reviewable_toml_entries() {
        let text = suggest(&report(), &doc());
        let parsed: toml::Value = toml::from_str(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
        let suggested = &parsed["suggested"];
        let add = suggested["add_property"].as_array().expect("add_property");
        let names: Vec<(&str, &str)> = add
            .iter()
            .map(|t| {
                (
                    t["schema"].as_str().unwrap_or(""),
                    t["property"].as_str().unwrap_or(""),
                )
            })
            .collect();
        assert_eq!(
            names,
            [
                ("CompanyModel", "sicCode"),
                ("CompanyModel", "webhookSecret"),
                ("PageDetails", "nextCursor")
            ]
        );
        assert_eq!(add[0]["type"].as_str(), Some("string"));
        assert_eq!(add[0]["nullable"].as_bool(), Some(true));
        assert_eq!(add[0]["similar_declared"].as_str(), Some("SICCode"));
        assert_eq!(add[0]["seen"].as_integer(), Some(500));
        let retype = &suggested["retype_property"][0];
        assert_eq!(retype["property"].as_str(), Some("postalCode"));
        assert_eq!(retype["declared"].as_str(), Some("string"));
        assert_eq!(retype["sent_json_types"].as_array().map(Vec::len), Some(1));
        let values = &suggested["add_enum_values"][0];
        assert_eq!(values["enum_schema"].as_str(), Some("PriorityColor"));
        assert_eq!(
            values["values"]
                .as_array()
                .map(|v| v.iter().filter_map(toml::Value::as_str).collect::<Vec<_>>()),
            Some(vec!["blue", "Purple"])
        );
        assert_eq!(
            suggested["not_required"][0]["schema"].as_str(),
            Some("Base")
        );
        assert!(
            text.contains("# secret_properties = [\"CompanyModel.webhookSecret\"]"),
            "{text}"
        );
        assert!(text.contains("# unresolved: nope x"), "{text}");
        assert!(
            text.contains("# unresolved: Companies_Query items[].a.b"),
            "{text}"
        );
        assert!(text.contains("unknown kind `future_kind`"), "{text}");
        assert!(text.contains("specs/corrections/autotask.toml"), "{text}");
    }

    #[test]
    fn an_empty_report_says_so_and_garbage_is_refused() {
        let text = suggest(&Report::default(), &doc());
        assert!(text.contains("nothing to suggest"), "{text}");
        assert!(read_report("[1, 2]").is_err());
    }
}
