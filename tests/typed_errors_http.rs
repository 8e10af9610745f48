//! What a generated call gives when it fails is `psa_clients::Error`, with the vendor's operationId, status,
//! body and, for a body that does not decode, the JSON path of the field — for every vendor, including the
//! statuses a document declares without a body (Autotask declares a bodiless 401/403 on 2068 of its 2070
//! operations). Servers are wiremock on 127.0.0.1.
#![cfg(all(feature = "autotask", feature = "connectwise-system"))]

mod common;

use std::path::PathBuf;
use std::time::Duration;

use common::{exact_policy, transport};
use psa_clients::auth::{AutotaskConfig, ConnectWiseConfig};
use psa_clients::error::VendorBody;
use psa_clients::secret::Secret;
use psa_clients::transport::Transport;
use psa_clients::{autotask, connectwise, Error};
use reqwest::{StatusCode, Url};
use serde_json::{json, Value};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const COMPANY: &str = "/zone/atservicesrest/V1.0/Companies/1";

async fn autotask_client(server: &MockServer, transport: Transport) -> autotask::Client {
    Mock::given(method("GET"))
        .and(path("/discovery/v1.0/zoneInformation"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "url": format!("{}/zone/atservicesrest/", server.uri())
        })))
        .mount(server)
        .await;
    let discovery = Url::parse(&format!("{}/discovery", server.uri())).expect("url");
    let config = AutotaskConfig::new(
        "api@acme.example",
        Secret::new("s3cret"),
        Secret::new("CODE"),
    )
    .with_discovery_url(discovery);
    autotask::Client::builder(config)
        .transport(transport)
        .build()
        .expect("client")
}

async fn answer(server: &MockServer, route: &str, template: ResponseTemplate) {
    Mock::given(method("GET"))
        .and(path(route))
        .respond_with(template)
        .mount(server)
        .await;
}

/// The probe of the hardening issue: a 401 with Autotask's error body, on an operation whose document
/// declares the 401 without a body.
#[tokio::test]
async fn autotask_401_is_authentication_with_the_operation_id_and_the_vendor_body() {
    let server = MockServer::start().await;
    answer(
        &server,
        COMPANY,
        ResponseTemplate::new(401).set_body_json(json!({"errors": ["Unauthorized user"]})),
    )
    .await;
    let at = autotask_client(&server, transport(exact_policy(1)).0).await;
    // No `?`: what `send()` returns is already `psa_clients::Error`.
    let error: Error = at
        .companies_query_item()
        .id(1)
        .send()
        .await
        .expect_err("401");
    match &error {
        Error::Authentication {
            operation_id,
            status,
            body,
        } => {
            assert_eq!(*operation_id, "Companies_QueryItem");
            assert_eq!(*status, StatusCode::UNAUTHORIZED);
            assert_eq!(
                body,
                &VendorBody::Json(json!({"errors": ["Unauthorized user"]}))
            );
        }
        other => panic!("expected Authentication, got {other:?}"),
    }
    let text = error.to_string();
    assert!(
        text.starts_with("Companies_QueryItem: authentication failed (HTTP 401 Unauthorized)"),
        "{text}"
    );
    assert!(text.contains("Unauthorized user"), "{text}");
    assert!(text.contains("check the API credentials"), "{text}");
    assert_eq!(
        error.vendor_error().and_then(|e| e.message),
        Some("Unauthorized user".to_owned())
    );
}

#[tokio::test]
async fn autotask_403_is_forbidden_with_the_operation_id() {
    let server = MockServer::start().await;
    answer(
        &server,
        COMPANY,
        ResponseTemplate::new(403)
            .set_body_json(json!({"errors": ["User does not have permission"]})),
    )
    .await;
    let at = autotask_client(&server, transport(exact_policy(1)).0).await;
    let error = at
        .companies_query_item()
        .id(1)
        .send()
        .await
        .expect_err("403");
    assert!(
        matches!(
            &error,
            Error::Forbidden { operation_id: "Companies_QueryItem", status, .. } if *status == StatusCode::FORBIDDEN
        ),
        "{error:?}"
    );
    assert!(error.to_string().contains("User does not have permission"));
}

#[tokio::test]
async fn a_body_of_the_wrong_shape_names_the_operation_and_the_json_path() {
    let server = MockServer::start().await;
    // The second record of the page is not a record at all.
    Mock::given(method("POST"))
        .and(path("/zone/atservicesrest/V1.0/Companies/query"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "items": [{"id": 1}, "oops"], "pageDetails": {"count": 2, "requestCount": 500}
        })))
        .mount(&server)
        .await;
    let at = autotask_client(&server, transport(exact_policy(1)).0).await;
    let error = at
        .companies_query()
        .body(psa_clients::autotask::filter::Query::all())
        .send()
        .await
        .expect_err("not a record");
    match error {
        Error::MalformedBody {
            operation_id,
            path,
            status,
            ..
        } => {
            assert_eq!(operation_id, "Companies_Query");
            assert_eq!(path, "items[1]");
            assert_eq!(status, StatusCode::OK);
        }
        other => panic!("expected MalformedBody, got {other:?}"),
    }
}

/// One field of the wrong type (here a string id) does not fail the record: it reads as absent, and the value
/// the server sent is kept with the reason.
/// `Client::query::<T>` and `Client::count::<T>` are hand-written beside the generated `companies_query` /
/// `companies_query_count`; their errors name the same operations from the generated table.
#[tokio::test]
async fn hand_written_query_and_count_name_the_generated_operations() {
    use futures_util::TryStreamExt;
    use psa_clients::autotask::{filter::Query, types::CompanyModel};

    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/zone/atservicesrest/V1.0/Companies/query"))
        .respond_with(ResponseTemplate::new(403).set_body_json(json!({"errors": ["no"]})))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/zone/atservicesrest/V1.0/Companies/query/count"))
        .respond_with(ResponseTemplate::new(403).set_body_json(json!({"errors": ["no"]})))
        .mount(&server)
        .await;
    let at = autotask_client(&server, transport(exact_policy(1)).0).await;
    let query = Query::all();
    let error = at
        .query::<CompanyModel>(&query)
        .try_collect::<Vec<_>>()
        .await
        .expect_err("403");
    assert_eq!(error.operation_id(), Some("Companies_Query"), "{error:?}");
    let error = at.count::<CompanyModel>(&query).await.expect_err("403");
    assert_eq!(
        error.operation_id(),
        Some("Companies_QueryCount"),
        "{error:?}"
    );
}

#[tokio::test]
async fn one_bad_field_is_absent_and_kept_not_a_failed_call() {
    let server = MockServer::start().await;
    answer(
        &server,
        COMPANY,
        ResponseTemplate::new(200)
            .set_body_json(json!({"item": {"id": "one", "companyName": "Acme", "newField": 3}})),
    )
    .await;
    let at = autotask_client(&server, transport(exact_policy(1)).0).await;
    let company = at
        .companies_query_item()
        .id(1)
        .send()
        .await
        .expect("decodes")
        .into_inner()
        .item
        .expect("item");
    assert_eq!(company.id, None);
    assert_eq!(company.company_name.as_deref(), Some("Acme"));
    assert_eq!(company.extra.get("id"), Some(&json!("one")));
    assert_eq!(company.extra.get("newField"), Some(&json!(3)));
    assert_eq!(company.extra.problems().len(), 1);
}

#[tokio::test]
async fn a_timeout_is_a_timeout_not_a_synthetic_status() {
    let server = MockServer::start().await;
    answer(
        &server,
        COMPANY,
        ResponseTemplate::new(200)
            .set_body_json(json!({"item": {"id": 1}}))
            .set_delay(Duration::from_secs(5)),
    )
    .await;
    let transport = Transport::builder()
        .retry_policy(exact_policy(1))
        .timeout(Duration::from_millis(300))
        .build()
        .expect("transport");
    let at = autotask_client(&server, transport).await;
    let error = at
        .companies_query_item()
        .id(1)
        .send()
        .await
        .expect_err("timeout");
    assert!(
        matches!(
            error,
            Error::Timeout {
                operation_id: "Companies_QueryItem",
                ..
            }
        ),
        "{error:?}"
    );
    assert_eq!(error.status(), None);
}

fn fixture(relative: &str) -> Value {
    let dir = std::env::var_os("PSA_FIXTURES_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures"));
    let text = std::fs::read_to_string(dir.join(relative))
        .unwrap_or_else(|e| panic!("fixture {relative}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("fixture {relative}: {e}"))
}

#[tokio::test]
async fn connectwise_error_bodies_read_like_the_vendor_wrote_them() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/login/companyinfo/acme"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"Codebase": "v2025_1/"})))
        .mount(&server)
        .await;
    // A real ConnectWise answer, from another project's test suite.
    let body = fixture("connectwise/error_400_invalidobject_objectexists.json");
    answer(
        &server,
        "/v2025_1/apis/3.0/system/callbacks/5",
        ResponseTemplate::new(400).set_body_json(body.clone()),
    )
    .await;
    let config = ConnectWiseConfig::new(
        &server.uri(),
        "acme",
        "pub",
        Secret::new("priv"),
        "client-1",
    )
    .expect("site");
    let cw = connectwise::Client::builder(config)
        .transport(transport(exact_policy(1)).0)
        .build()
        .expect("client");
    let error = cw
        .system()
        .get_system_callbacks_by_id()
        .id(5)
        .send()
        .await
        .expect_err("400");
    assert!(
        matches!(&error, Error::Vendor { operation_id: "getSystemCallbacksById", body: VendorBody::Json(b), .. } if *b == body),
        "{error:?}"
    );
    assert_eq!(
        error.to_string(),
        "getSystemCallbacksById: vendor returned HTTP 400 Bad Request: ConnectWise InvalidObject: \
         callbackEntry object is invalid (objectId: A matching callback entry already exists)"
    );
    let vendor = error.vendor_error().expect("parsed");
    assert_eq!(vendor.code.as_deref(), Some("InvalidObject"));
    assert_eq!(vendor.details[0].code.as_deref(), Some("ObjectExists"));

    // The other real ConnectWise error, a 500 (retried by the transport only for reads, and only once here).
    let timeout = fixture("connectwise/error_500_timeout.json");
    answer(
        &server,
        "/v2025_1/apis/3.0/system/callbacks/6",
        ResponseTemplate::new(500).set_body_json(timeout),
    )
    .await;
    let error = cw
        .system()
        .get_system_callbacks_by_id()
        .id(6)
        .send()
        .await
        .expect_err("500");
    assert!(
        error
            .to_string()
            .ends_with("ConnectWise ConnectWiseApi: A timeout has occured. Please try again."),
        "{error}"
    );
}

/// `psa_clients::autotask::Error` and `psa_clients::connectwise::system::Error`, if named, are the crate's
/// one error type, not a second one.
#[test]
fn vendor_modules_name_the_same_error_type() {
    fn same(error: autotask::Error) -> connectwise::system::Error {
        error
    }
    let error = same(Error::Config {
        message: "x".into(),
    });
    assert!(matches!(error, Error::Config { .. }));
}

/// The generated Autotask query (`POST /V1.0/Companies/query`) is marked read-only by correction data, so a
/// 502 on it is retried; a generated create (`POST /V1.0/Companies`) is not.
#[tokio::test]
async fn generated_read_only_posts_are_retried_and_creates_are_not() {
    use psa_clients::autotask::types;
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/zone/atservicesrest/V1.0/Companies/query"))
        .respond_with(ResponseTemplate::new(502))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/zone/atservicesrest/V1.0/Companies/query"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "items": [{"id": 1}], "pageDetails": {"count": 1, "requestCount": 500}
        })))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/zone/atservicesrest/V1.0/Companies"))
        .respond_with(ResponseTemplate::new(502))
        .mount(&server)
        .await;
    let at = autotask_client(&server, transport(exact_policy(3)).0).await;
    let page = at
        .companies_query()
        .body(psa_clients::autotask::filter::Query::all())
        .send()
        .await
        .expect("retried after the 502")
        .into_inner();
    assert_eq!(page.items.map(|items| items.len()), Some(1));
    let company: types::CompanyModel =
        serde_json::from_value(json!({"companyName": "Acme", "companyType": 1})).expect("model");
    let error = at
        .companies_create_entity()
        .body(company)
        .send()
        .await
        .expect_err("502");
    assert!(
        matches!(&error, Error::Vendor { status, .. } if *status == StatusCode::BAD_GATEWAY),
        "{error:?}"
    );
    let requests = server.received_requests().await.unwrap_or_default();
    let count = |p: &str| requests.iter().filter(|r| r.url.path() == p).count();
    assert_eq!(count("/zone/atservicesrest/V1.0/Companies/query"), 2);
    assert_eq!(
        count("/zone/atservicesrest/V1.0/Companies"),
        1,
        "a create is never re-sent"
    );
}

/// A redirect to another host is refused (credentials stay with the vendor) and is `Redirected`, not a
/// synthetic status.
#[tokio::test]
async fn a_refused_redirect_is_redirected_with_the_operation_id() {
    let server = MockServer::start().await;
    answer(
        &server,
        COMPANY,
        ResponseTemplate::new(302)
            .insert_header("Location", "https://elsewhere.example/login?token=abc"),
    )
    .await;
    let at = autotask_client(&server, transport(exact_policy(1)).0).await;
    let error = at
        .companies_query_item()
        .id(1)
        .send()
        .await
        .expect_err("302");
    match &error {
        Error::Redirected {
            operation_id,
            location,
            ..
        } => {
            assert_eq!(*operation_id, "Companies_QueryItem");
            assert_eq!(location, "https://elsewhere.example/login");
        }
        other => panic!("expected Redirected, got {other:?}"),
    }
    assert!(!error.to_string().contains("token=abc"));
}
