//! The route tables: every operation of the three corrected vendor documents, as written by the build script
//! (`build.rs`, through `psa_codegen::prepare`), with path matching and example values synthesised from the
//! response schemas.

use std::collections::HashMap;
use std::sync::OnceLock;

use serde::Deserialize;
use serde_json::{Map, Value};

use crate::Vendor;

/// One operation of a vendor document.
#[derive(Debug, Clone, Deserialize)]
pub struct Route {
    /// `GET`, `POST`, …
    pub method: String,
    /// The path template, e.g. `/service/tickets/{id}`.
    pub template: String,
    /// The vendor's `operationId`.
    pub operation_id: Option<String>,
    /// The first success status the document declares.
    pub status: u16,
    /// The success response schema (often a `$ref`).
    pub response: Option<Value>,
    /// The request body's media type.
    pub body_type: Option<String>,
    /// The request body schema.
    pub body: Option<Value>,
    /// Whether the document requires a body.
    pub body_required: bool,
    /// Query parameter names.
    pub query: Vec<String>,
    /// Query parameters the document requires.
    pub required_query: Vec<String>,
    #[serde(skip)]
    segments: Vec<Segment>,
}

#[derive(Debug, Clone, Default)]
enum Segment {
    #[default]
    Any,
    Literal(String),
    Param(String),
}

#[derive(Deserialize)]
struct Digest {
    routes: Vec<Route>,
    schemas: Map<String, Value>,
}

/// A vendor's operations and component schemas.
#[derive(Debug)]
pub struct RouteTable {
    routes: Vec<Route>,
    schemas: Map<String, Value>,
    /// Route indexes by number of path segments.
    by_len: HashMap<usize, Vec<usize>>,
}

/// A matched route with its path parameters (name → raw value).
#[derive(Debug, Clone)]
pub struct Matched<'a> {
    /// The operation.
    pub route: &'a Route,
    /// Path parameters in template order.
    pub params: Vec<(String, String)>,
}

impl Matched<'_> {
    /// The value of path parameter `name` (case-insensitive).
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }
}

static BMS: OnceLock<RouteTable> = OnceLock::new();
static CONNECTWISE: OnceLock<RouteTable> = OnceLock::new();
static AUTOTASK: OnceLock<RouteTable> = OnceLock::new();

impl RouteTable {
    /// The table of `vendor`, parsed once per process.
    pub fn get(vendor: Vendor) -> &'static RouteTable {
        match vendor {
            Vendor::Bms => BMS.get_or_init(|| {
                Self::parse(include_str!(concat!(env!("OUT_DIR"), "/routes_bms.json")))
            }),
            Vendor::ConnectWise => CONNECTWISE.get_or_init(|| {
                Self::parse(include_str!(concat!(
                    env!("OUT_DIR"),
                    "/routes_connectwise.json"
                )))
            }),
            Vendor::Autotask => AUTOTASK.get_or_init(|| {
                Self::parse(include_str!(concat!(
                    env!("OUT_DIR"),
                    "/routes_autotask.json"
                )))
            }),
        }
    }

    fn parse(text: &str) -> RouteTable {
        // Written by our own build script from a validated document: a failure is a build bug.
        let digest: Digest = serde_json::from_str(text).expect("route table written by build.rs");
        let mut routes = digest.routes;
        let mut by_len: HashMap<usize, Vec<usize>> = HashMap::new();
        for (index, route) in routes.iter_mut().enumerate() {
            route.segments = split(&route.template)
                .map(|segment| {
                    match segment
                        .strip_prefix('{')
                        .and_then(|rest| rest.strip_suffix('}'))
                    {
                        Some(name) => Segment::Param(name.to_owned()),
                        None => Segment::Literal(segment.to_ascii_lowercase()),
                    }
                })
                .collect();
            by_len.entry(route.segments.len()).or_default().push(index);
        }
        RouteTable {
            routes,
            schemas: digest.schemas,
            by_len,
        }
    }

    /// Every operation.
    pub fn routes(&self) -> &[Route] {
        &self.routes
    }

    /// The operation for `method` and `path` (relative to the vendor's API base, e.g. `/service/tickets/5`).
    /// Literal segments match case-insensitively, as the vendors' IIS servers do; where two templates match,
    /// the one with literals further left wins (`/tickets/count` over `/tickets/{id}`).
    pub fn find<'a>(&'a self, method: &str, path: &str) -> Option<Matched<'a>> {
        let parts: Vec<&str> = split(path).collect();
        let candidates = self.by_len.get(&parts.len())?;
        let mut best: Option<(Vec<bool>, &Route)> = None;
        for &index in candidates {
            let route = &self.routes[index];
            if !route.method.eq_ignore_ascii_case(method) {
                continue;
            }
            let Some(score) = score(route, &parts) else {
                continue;
            };
            if best
                .as_ref()
                .is_none_or(|(best_score, _)| score > *best_score)
            {
                best = Some((score, route));
            }
        }
        let (_, route) = best?;
        let params = route
            .segments
            .iter()
            .zip(&parts)
            .filter_map(|(segment, part)| match segment {
                Segment::Param(name) => Some((name.clone(), percent_decode(part))),
                _ => None,
            })
            .collect();
        Some(Matched { route, params })
    }

    /// Methods some operation serves at `path` (for 405 answers).
    pub fn methods_at(&self, path: &str) -> Vec<&str> {
        let parts: Vec<&str> = split(path).collect();
        let mut methods: Vec<&str> = self
            .by_len
            .get(&parts.len())
            .into_iter()
            .flatten()
            .map(|&index| &self.routes[index])
            .filter(|route| score(route, &parts).is_some())
            .map(|route| route.method.as_str())
            .collect();
        methods.sort_unstable();
        methods.dedup();
        methods
    }

    /// A component schema by name.
    pub fn schema(&self, name: &str) -> Option<&Value> {
        self.schemas.get(name)
    }

    /// Follows `$ref`s (and a lone `allOf` member) to the schema they name.
    pub fn resolve<'a>(&'a self, schema: &'a Value) -> &'a Value {
        let mut current = schema;
        for _ in 0..16 {
            if let Some(name) = ref_name(current) {
                match self.schemas.get(name) {
                    Some(target) => current = target,
                    None => return current,
                }
                continue;
            }
            match current.get("allOf").and_then(Value::as_array) {
                Some(parts) if parts.len() == 1 => current = &parts[0],
                _ => return current,
            }
        }
        current
    }

    /// The properties of an object schema (after `$ref`/`allOf`), in document order.
    pub fn properties<'a>(&'a self, schema: &'a Value) -> Vec<(&'a str, &'a Value)> {
        let schema = self.resolve(schema);
        let mut out = Vec::new();
        if let Some(parts) = schema.get("allOf").and_then(Value::as_array) {
            for part in parts {
                out.extend(self.properties(part));
            }
        }
        if let Some(props) = schema.get("properties").and_then(Value::as_object) {
            out.extend(props.iter().map(|(k, v)| (k.as_str(), v)));
        }
        out
    }

    /// The `required` property names of a request schema.
    pub fn required<'a>(&'a self, schema: &'a Value) -> Vec<&'a str> {
        let schema = self.resolve(schema);
        let mut out: Vec<&str> = schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        if let Some(parts) = schema.get("allOf").and_then(Value::as_array) {
            for part in parts {
                out.extend(self.required(part));
            }
        }
        out
    }

    /// A value of `schema`'s shape: objects carry their scalar properties (one level of nested objects),
    /// arrays are empty, strings respect `format` and `enum`. Binary and byte strings are left out.
    pub fn example(&self, schema: &Value) -> Value {
        self.example_at(schema, 0)
    }

    fn example_at(&self, schema: &Value, depth: usize) -> Value {
        let schema = self.resolve(schema);
        if let Some(first) = schema
            .get("oneOf")
            .or_else(|| schema.get("anyOf"))
            .and_then(Value::as_array)
            .and_then(|options| options.first())
        {
            return self.example_at(first, depth);
        }
        let kind = schema.get("type").and_then(Value::as_str);
        let is_object = kind == Some("object")
            || schema.get("properties").is_some()
            || schema.get("allOf").is_some();
        if is_object {
            let mut object = Map::new();
            if depth >= 2 {
                return Value::Object(object);
            }
            for (name, property) in self.properties(schema) {
                let resolved = self.resolve(property);
                let nested = resolved.get("type").and_then(Value::as_str) == Some("object")
                    || resolved.get("properties").is_some()
                    || resolved.get("allOf").is_some();
                if nested && depth >= 1 {
                    continue;
                }
                if let Some(value) = self.scalar_or_nested(property, depth) {
                    object.insert(name.to_owned(), value);
                }
            }
            return Value::Object(object);
        }
        self.scalar_or_nested(schema, depth).unwrap_or(Value::Null)
    }

    fn scalar_or_nested(&self, schema: &Value, depth: usize) -> Option<Value> {
        let schema = self.resolve(schema);
        if let Some(first) = schema
            .get("enum")
            .and_then(Value::as_array)
            .and_then(|values| values.iter().find(|v| !v.is_null()))
        {
            return Some(first.clone());
        }
        let format = schema.get("format").and_then(Value::as_str);
        match schema.get("type").and_then(Value::as_str) {
            Some("string") => match format {
                Some("binary" | "byte") => None,
                Some("date-time") => Some(Value::from("2024-01-15T09:30:00Z")),
                Some("date") => Some(Value::from("2024-01-15")),
                // A .NET `TimeSpan` (BMS `StartTime`/`EndTime`), as the API writes it.
                Some("date-span") => Some(Value::from("09:30:00")),
                Some("uuid") => Some(Value::from("00000000-0000-0000-0000-000000000001")),
                _ => Some(Value::from("string")),
            },
            Some("integer") => Some(Value::from(1)),
            Some("number") => Some(Value::from(1.5)),
            Some("boolean") => Some(Value::from(false)),
            Some("array") => Some(Value::Array(Vec::new())),
            _ if schema.get("properties").is_some() || schema.get("allOf").is_some() => {
                Some(self.example_at(schema, depth + 1))
            }
            Some("object") => Some(self.example_at(schema, depth + 1)),
            _ => None,
        }
    }
}

/// `#/components/schemas/Ticket` → `Ticket`.
pub fn ref_name(schema: &Value) -> Option<&str> {
    schema
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|reference| reference.rsplit('/').next())
}

fn split(path: &str) -> impl Iterator<Item = &str> {
    path.split('/').filter(|segment| !segment.is_empty())
}

fn score(route: &Route, parts: &[&str]) -> Option<Vec<bool>> {
    let mut score = Vec::with_capacity(parts.len());
    for (segment, part) in route.segments.iter().zip(parts) {
        match segment {
            Segment::Literal(literal) => {
                if !literal.eq_ignore_ascii_case(part) {
                    return None;
                }
                score.push(true);
            }
            Segment::Param(_) | Segment::Any => score.push(false),
        }
    }
    Some(score)
}

/// Percent-decodes one path segment (lossy on invalid UTF-8).
pub fn percent_decode(text: &str) -> String {
    percent_encoding::percent_decode_str(text)
        .decode_utf8_lossy()
        .into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_document_is_in_the_table() {
        // BMS login and refresh are the auth layer's (the `auth-operations` correction); the emulator serves
        // them with its own BMS auth routes.
        assert_eq!(RouteTable::get(Vendor::Bms).routes().len(), 433);
        assert_eq!(RouteTable::get(Vendor::ConnectWise).routes().len(), 2814);
        // 2070 of the document and 206 from the `additions` correction (TicketWebhooks, Documents, …).
        assert_eq!(RouteTable::get(Vendor::Autotask).routes().len(), 2276);
    }

    #[test]
    fn literals_beat_parameters_and_case_is_ignored() {
        let cw = RouteTable::get(Vendor::ConnectWise);
        let count = cw.find("GET", "/service/tickets/count").unwrap();
        assert_eq!(count.route.template, "/service/tickets/count");
        let by_id = cw.find("get", "/Service/Tickets/42").unwrap();
        assert_eq!(by_id.route.template, "/service/tickets/{id}");
        assert_eq!(by_id.param("id"), Some("42"));
        assert!(cw.find("GET", "/no/such/thing").is_none());
        let at = RouteTable::get(Vendor::Autotask);
        let query = at.find("POST", "/v1.0/tickets/query").unwrap();
        assert_eq!(query.route.operation_id.as_deref(), Some("Tickets_Query"));
    }

    #[test]
    fn examples_follow_the_schema() {
        let cw = RouteTable::get(Vendor::ConnectWise);
        let ticket = cw.example(&serde_json::json!({"$ref": "#/components/schemas/Ticket"}));
        assert!(ticket.get("id").is_some_and(Value::is_i64), "{ticket}");
        assert!(ticket.get("summary").is_some_and(Value::is_string));
    }
}
