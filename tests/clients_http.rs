//! The generated clients end to end where a test needs a precise answer: typed errors, query-language setters,
//! raw requests, against wiremock servers on 127.0.0.1. Listing, counting and querying against a server that
//! evaluates the filters are in tests/clients_emulated.rs (the psa-emulator).
#![cfg(all(
    feature = "bms",
    feature = "autotask",
    feature = "connectwise-service",
    feature = "connectwise-system"
))]

mod common;

use common::{exact_policy, header_of, requests_to, transport};
use psa_clients::auth::{BmsConfig, BmsRegion, ConnectWiseConfig};
use psa_clients::autotask::filter::field;
use psa_clients::autotask::types::CompanyModel;
use psa_clients::connectwise::types::Ticket;
use psa_clients::secret::Secret;
use psa_clients::{bms, connectwise, Error};
use reqwest::{Method, StatusCode, Url};
use serde_json::json;
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const TICKETS: &str = "/v2025_1/apis/3.0/service/tickets";

async fn connectwise_client(server: &MockServer) -> connectwise::Client {
    Mock::given(method("GET"))
        .and(path("/login/companyinfo/acme"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"Codebase": "v2025_1/"})))
        .mount(server)
        .await;
    let config = ConnectWiseConfig::new(
        &server.uri(),
        "acme",
        "pub",
        Secret::new("priv"),
        "client-1",
    )
    .expect("valid site");
    let (transport, _) = transport(exact_policy(1));
    connectwise::Client::builder(config)
        .transport(transport)
        .build()
        .expect("client")
}

/// The query-language setters take typed values; hand-written text is explicit, and a condition that cannot be
/// rendered fails the call before anything is sent, naming the parameter and the reason.
#[tokio::test]
async fn connectwise_query_language_setters_take_typed_values_or_explicit_raw_text() {
    use connectwise::conditions::{field, ConditionsParam, OrderBy};
    let server = MockServer::start().await;
    let cw = connectwise_client(&server).await;
    Mock::given(method("GET"))
        .and(path(TICKETS))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([])))
        .mount(&server)
        .await;
    cw.service()
        .get_service_tickets()
        .conditions(ConditionsParam::raw_unchecked("id=1"))
        .order_by(OrderBy::desc("id"))
        .send()
        .await
        .expect("raw conditions");
    let error = cw
        .service()
        .get_service_tickets()
        .conditions(field("board name").eq("x"))
        .send()
        .await
        .expect_err("invalid field path");
    assert!(matches!(&error, Error::InvalidRequest { .. }), "{error:?}");
    let text = error.to_string();
    assert!(
        text.contains("`conditions` could not be rendered"),
        "{text}"
    );
    let requests = requests_to(&server, TICKETS).await;
    assert_eq!(requests.len(), 1, "the invalid call sent nothing");
    let query: Vec<(String, String)> = requests[0].url.query_pairs().into_owned().collect();
    assert!(
        query.contains(&("conditions".into(), "id=1".into())),
        "{query:?}"
    );
    assert!(
        query.contains(&("orderBy".into(), "id desc".into())),
        "{query:?}"
    );
}

#[tokio::test]
async fn connectwise_generated_call_errors_are_typed_with_the_vendor_operation_id() {
    let server = MockServer::start().await;
    let cw = connectwise_client(&server).await;
    Mock::given(method("GET"))
        .and(path(format!("{TICKETS}/5")))
        .respond_with(ResponseTemplate::new(403).set_body_json(json!({"code": "NotAuthorized"})))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("{TICKETS}/6")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": "not a number"})))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("{TICKETS}/7")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!(["not", "a ticket"])))
        .mount(&server)
        .await;

    let forbidden = cw.service().get_service_tickets_by_id().id(5).send().await;
    match forbidden {
        Err(Error::Forbidden {
            operation_id,
            status,
            ..
        }) => {
            assert_eq!(
                (operation_id, status),
                ("getServiceTicketsById", StatusCode::FORBIDDEN)
            );
        }
        other => panic!("expected Forbidden, got {other:?}"),
    }
    // One field of the wrong type does not fail the record: it reads as absent and is kept, with the reason.
    let lenient = cw
        .service()
        .get_service_tickets_by_id()
        .id(6)
        .send()
        .await
        .expect("a bad field never fails the record")
        .into_inner();
    assert_eq!(lenient.id, None);
    assert_eq!(lenient.extra.get("id"), Some(&json!("not a number")));
    assert_eq!(lenient.extra.problems()[0].field, "id");
    // A body that is not the record at all is malformed, with the operation and the path.
    let malformed = cw.service().get_service_tickets_by_id().id(7).send().await;
    assert!(
        matches!(malformed, Err(Error::MalformedBody { operation_id: "getServiceTicketsById", ref snippet, .. }) if snippet.contains("a ticket")),
        "{malformed:?}"
    );
    let missing = cw.service().get_service_tickets_by_id().send().await;
    assert!(matches!(missing, Err(Error::InvalidRequest { .. })));
}

#[tokio::test]
async fn connectwise_raw_requests_use_the_same_pipeline() {
    let server = MockServer::start().await;
    let cw = connectwise_client(&server).await;
    Mock::given(method("GET"))
        .and(path("/v2025_1/apis/3.0/system/info"))
        .and(query_param("fields", "version"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"version": "v2025.1"})))
        .mount(&server)
        .await;

    let info = cw
        .raw(Method::GET, "/system/info")
        .query("fields", "version")
        .send_value()
        .await
        .expect("raw call");
    assert_eq!(info, json!({"version": "v2025.1"}));
    let request = &requests_to(&server, "/v2025_1/apis/3.0/system/info").await[0];
    assert_eq!(header_of(request, "clientId"), "client-1");
}

/// Raw requests take custom headers and a per-call timeout, and each path has its own concurrency slot.
#[tokio::test]
async fn raw_requests_take_headers_a_timeout_and_a_limit_key_per_path() {
    use std::time::Duration;
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/login/companyinfo/acme"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"Codebase": "v2025_1/"})))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v2025_1/apis/3.0/slow"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({}))
                .set_delay(Duration::from_millis(600)),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v2025_1/apis/3.0/fast"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"ok": true})))
        .mount(&server)
        .await;
    let config = ConnectWiseConfig::new(
        &server.uri(),
        "acme",
        "pub",
        Secret::new("priv"),
        "client-1",
    )
    .expect("site");
    // One request in flight per endpoint: if raw paths shared one key, `fast` would wait for `slow`.
    let transport = psa_clients::transport::Transport::builder()
        .retry_policy(exact_policy(1))
        .endpoint_concurrency(1)
        .build()
        .expect("transport");
    let cw = connectwise::Client::builder(config)
        .transport(transport)
        .build()
        .expect("client");

    let timed_out = cw
        .raw(Method::GET, "/slow")
        .timeout(Duration::from_millis(100))
        .send_value()
        .await
        .expect_err("per-call timeout");
    assert!(matches!(timed_out, Error::Timeout { .. }), "{timed_out:?}");

    let slow = cw.raw(Method::GET, "/slow").send_value();
    let fast = async {
        tokio::time::sleep(Duration::from_millis(50)).await;
        let started = std::time::Instant::now();
        let value = cw
            .raw(Method::GET, "/fast")
            .header("pagination-type", "forward-only")
            .send_value()
            .await;
        (value, started.elapsed())
    };
    let (slow, (fast, waited)) = tokio::join!(slow, fast);
    slow.expect("slow");
    assert_eq!(fast.expect("fast"), json!({"ok": true}));
    assert!(
        waited < Duration::from_millis(400),
        "fast waited {waited:?} behind slow"
    );
    let request = &requests_to(&server, "/v2025_1/apis/3.0/fast").await[0];
    assert_eq!(header_of(request, "pagination-type"), "forward-only");

    let bad = cw
        .raw(Method::GET, "/fast")
        .header("bad header", "x")
        .send_value()
        .await
        .expect_err("invalid header");
    assert!(matches!(bad, Error::InvalidRequest { .. }), "{bad:?}");
}

async fn bms_client(server: &MockServer) -> bms::Client {
    Mock::given(method("POST"))
        .and(path("/v2/security/authenticate"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "Result": {"AccessToken": "tok-1", "RefreshToken": "ref-1",
                       "AccessTokenExpireOn": "2099-01-01T00:00:00", "RefreshTokenExpireOn": "2099-01-01T00:00:00"},
            "Success": true
        })))
        .mount(server)
        .await;
    let host = Url::parse(&server.uri()).expect("url");
    let config = BmsConfig::new(
        BmsRegion::Custom(host),
        "acme",
        "api@acme.example",
        Secret::new("pw"),
    );
    let (transport, _) = transport(exact_policy(1));
    bms::Client::builder(config)
        .transport(transport)
        .build()
        .expect("client")
}

#[tokio::test]
async fn bms_success_false_through_a_generated_call_is_a_vendor_error() {
    let server = MockServer::start().await;
    let bms = bms_client(&server).await;
    Mock::given(method("GET"))
        .and(path("/v2/servicedesk/tickets"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "Success": false, "Error": {"Code": "E42", "Message": "Tenant suspended"}
        })))
        .mount(&server)
        .await;

    let result = bms.get_tickets().send().await;
    match result {
        Err(error @ Error::Vendor { .. }) => {
            assert!(error.to_string().contains("Tenant suspended"), "{error}")
        }
        other => panic!("expected a vendor error, got {other:?}"),
    }
}

#[test]
fn typed_field_paths_feed_the_query_builders_with_wire_names() {
    use psa_clients::connectwise::conditions;

    let path = Ticket::fields().board().name();
    assert_eq!(path.as_str(), "board/name");
    let rendered = conditions::field(path)
        .eq("Help Desk")
        .render()
        .expect("valid");
    assert_eq!(
        rendered,
        conditions::field("board/name")
            .eq("Help Desk")
            .render()
            .expect("valid")
    );
    let nested = Ticket::fields().company().identifier();
    assert_eq!(nested.as_str(), "company/identifier");

    let filter = field(CompanyModel::fields().company_name()).eq("Acme");
    assert_eq!(
        serde_json::to_value(&filter).expect("json"),
        json!({"op": "eq", "field": "companyName", "value": "Acme"})
    );
}
