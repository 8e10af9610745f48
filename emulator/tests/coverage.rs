//! The coverage walk: every operation of the three corrected documents (433 + 2814 + 2070; BMS login and refresh are served by the emulator's own auth routes), sent over plain
//! HTTP with the vendor's credentials. No answer may be a 501, an HTML page or a body that does not fit the
//! operation's response schema (the shape its generated type decodes); errors must be in the vendor's shape.

mod common;

use common::start;
use psa_emulator::spec_routes::{Route, RouteTable};
use psa_emulator::{Emulator, Vendor};
use reqwest::{Client, Method};
use serde_json::Value;

/// Why a value does not fit a schema, with its JSON path.
fn check(
    table: &RouteTable,
    value: &Value,
    schema: &Value,
    path: &str,
    depth: usize,
    problems: &mut Vec<String>,
) {
    if depth > 8 || value.is_null() {
        return;
    }
    let schema = table.resolve(schema);
    if let Some(options) = schema
        .get("oneOf")
        .or_else(|| schema.get("anyOf"))
        .and_then(Value::as_array)
    {
        let fits = options.iter().any(|option| {
            let mut inner = Vec::new();
            check(table, value, option, path, depth + 1, &mut inner);
            inner.is_empty()
        });
        if !fits {
            problems.push(format!("{path}: fits none of the oneOf/anyOf options"));
        }
        return;
    }
    let kind = schema.get("type").and_then(Value::as_str);
    let props = table.properties(schema);
    let ok = match kind {
        Some("object") | None if !props.is_empty() || kind == Some("object") => {
            let Some(object) = value.as_object() else {
                problems.push(format!("{path}: expected an object, got {value}"));
                return;
            };
            for (key, field) in object {
                if let Some((_, property)) = props.iter().find(|(name, _)| name == key) {
                    check(
                        table,
                        field,
                        property,
                        &format!("{path}.{key}"),
                        depth + 1,
                        problems,
                    );
                }
            }
            true
        }
        Some("array") => {
            let Some(items) = value.as_array() else {
                problems.push(format!("{path}: expected an array, got {value}"));
                return;
            };
            if let Some(item_schema) = schema.get("items") {
                for (i, item) in items.iter().enumerate().take(5) {
                    check(
                        table,
                        item,
                        item_schema,
                        &format!("{path}[{i}]"),
                        depth + 1,
                        problems,
                    );
                }
            }
            true
        }
        Some("string") => value.is_string(),
        Some("integer") => value.is_i64() || value.is_u64(),
        Some("number") => value.is_number(),
        Some("boolean") => value.is_boolean(),
        _ => true,
    };
    if !ok {
        problems.push(format!("{path}: expected {kind:?}, got {value}"));
    }
}

fn concrete_path(route: &Route) -> String {
    route
        .template
        .split('/')
        .map(|segment| {
            if segment.starts_with('{') {
                "1"
            } else {
                segment
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

const ALL: &str = r#"{"filter":[{"op":"gte","field":"id","value":0}]}"#;

async fn send(
    emulator: &Emulator,
    client: &Client,
    vendor: Vendor,
    route: &Route,
    table: &RouteTable,
    bearer: &str,
) -> (u16, String, String) {
    let path = concrete_path(route);
    let method = Method::from_bytes(route.method.as_bytes()).unwrap();
    let mut request = match vendor {
        Vendor::ConnectWise => common::cw(emulator, client, method, &path),
        Vendor::Autotask => {
            let zone = emulator.credentials().autotask.zone_url;
            common::at_url(emulator, client, method, &format!("{zone}{path}"))
        }
        Vendor::Bms => client
            .request(method, format!("{}{path}", emulator.base_url()))
            .bearer_auth(bearer),
    };
    for name in &route.required_query {
        let value = if name == "search" { ALL } else { "1" };
        request = request.query(&[(name.as_str(), value)]);
    }
    if let Some(body) = &route.body {
        let is_query = route
            .operation_id
            .as_deref()
            .is_some_and(|op| op.ends_with("_Query") || op.ends_with("_QueryCount"));
        let body = if vendor == Vendor::Autotask && is_query {
            serde_json::from_str(ALL).unwrap()
        } else {
            table.example(body)
        };
        request = request.json(&body);
    }
    let response = request.send().await.expect("answered");
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    (status, content_type, response.text().await.unwrap())
}

fn vendor_error_shape(vendor: Vendor, body: &Value) -> bool {
    match vendor {
        Vendor::ConnectWise => body.get("code").is_some() && body.get("message").is_some(),
        Vendor::Autotask => {
            body.get("errors").is_some_and(Value::is_array)
                || body.get("Message").is_some()
                || body.get("item").is_some()
        }
        Vendor::Bms => body.get("success") == Some(&Value::Bool(false)),
    }
}

async fn walk(vendor: Vendor) {
    let (emulator, client) = start().await;
    let table = RouteTable::get(vendor);
    let bearer = if vendor == Vendor::Bms {
        common::bms_login(&emulator, &client).await["result"]["accessToken"]
            .as_str()
            .unwrap()
            .to_owned()
    } else {
        String::new()
    };
    let mut problems = Vec::new();
    let (mut success, mut errors) = (0, 0);
    let mut by_status = std::collections::BTreeMap::<u16, usize>::new();
    for route in table.routes() {
        if matches!(
            route.template.as_str(),
            "/v2/security/authenticate" | "/v2/security/refreshtoken"
        ) {
            continue; // Forms, covered by the BMS auth tests.
        }
        let label = format!(
            "{} {} ({})",
            route.method,
            route.template,
            route.operation_id.as_deref().unwrap_or("?")
        );
        let (status, content_type, text) =
            send(&emulator, &client, vendor, route, table, &bearer).await;
        if status == 501 || content_type.starts_with("text/html") {
            problems.push(format!("{label}: {status} {content_type}"));
            continue;
        }
        if text.is_empty() {
            if (200..300).contains(&status) {
                success += 1
            } else {
                problems.push(format!("{label}: empty {status}"))
            }
            continue;
        }
        let Ok(body) = serde_json::from_str::<Value>(&text) else {
            problems.push(format!(
                "{label}: {status} not JSON: {}",
                &text[..text.len().min(80)]
            ));
            continue;
        };
        let business_error =
            vendor == Vendor::Bms && body.get("success") == Some(&Value::Bool(false));
        if (200..300).contains(&status) && !business_error {
            success += 1;
            if let Some(schema) = &route.response {
                let mut found = Vec::new();
                check(table, &body, schema, "$", 0, &mut found);
                problems.extend(found.into_iter().take(3).map(|p| format!("{label}: {p}")));
            }
        } else {
            errors += 1;
            *by_status.entry(status).or_default() += 1;
            if !vendor_error_shape(vendor, &body) {
                problems.push(format!(
                    "{label}: {status} not in the vendor's error shape: {body}"
                ));
            }
        }
    }
    eprintln!("{vendor:?}: {} operations, {success} answered with success, {errors} with a vendor error {by_status:?}", table.routes().len());
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
    // The rest are 404s for records the demo tenant does not hold (id 1 of an unseeded collection) and 400s
    // for example bodies a validation refuses: both in the vendor's error shape, as checked above.
    assert!(
        success * 10 >= table.routes().len() * 7,
        "most operations succeed with example inputs ({success})"
    );
}

#[tokio::test]
async fn every_connectwise_operation_answers_in_shape() {
    walk(Vendor::ConnectWise).await;
}

#[tokio::test]
async fn every_autotask_operation_answers_in_shape() {
    walk(Vendor::Autotask).await;
}

#[tokio::test]
async fn every_bms_operation_answers_in_shape() {
    walk(Vendor::Bms).await;
}
