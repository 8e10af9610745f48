//! ConnectWise credentials and codebase discovery through the pipeline,
//! against a wiremock "site" on 127.0.0.1.

mod common;

use common::{exact_policy, fixture, header_of, requests_to, transport, Sequence};
use psa_clients::auth::ConnectWiseConfig;
use psa_clients::pipeline::{Answer, Pipeline, PLACEHOLDER_BASE};
use psa_clients::secret::Secret;
use psa_clients::transport::{OperationMeta, Vendor};
use psa_clients::Error;
use reqwest::{Method, StatusCode};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const PRIVATE_KEY: &str = "privkey-SECRET-2";
/// base64("acme+pubkey:privkey-SECRET-2"), computed independently.
const BASIC: &str = "Basic YWNtZStwdWJrZXk6cHJpdmtleS1TRUNSRVQtMg==";
const COMPANY_INFO: &str = "/login/companyinfo/acme";
/// The fixture's codebase is `v2017_3/`.
const OLD_TICKET: &str = "/v2017_3/apis/3.0/service/tickets/5";
const NEW_TICKET: &str = "/v2025_1/apis/3.0/service/tickets/5";

fn config(server: &MockServer) -> ConnectWiseConfig {
    ConnectWiseConfig::new(
        &server.uri(),
        "acme",
        "pubkey",
        Secret::new(PRIVATE_KEY),
        "client-123",
    )
    .expect("valid site")
}

fn pipeline(config: ConnectWiseConfig) -> Pipeline {
    let (transport, _clock) = transport(exact_policy(1));
    Pipeline::connectwise(transport, config).expect("valid config")
}

fn company_info(codebase: &str) -> ResponseTemplate {
    let mut info: serde_json::Value =
        serde_json::from_str(&fixture("connectwise/login_companyinfo.json")).expect("json");
    info["Codebase"] = json!(codebase);
    ResponseTemplate::new(200).set_body_json(info)
}

async fn mount(server: &MockServer, at: &str, template: ResponseTemplate) {
    Mock::given(method("GET"))
        .and(path(at))
        .respond_with(template)
        .mount(server)
        .await;
}

async fn mount_fixture_company_info(server: &MockServer) {
    let body = fixture("connectwise/login_companyinfo.json");
    mount(
        server,
        COMPANY_INFO,
        ResponseTemplate::new(200).set_body_raw(body, "application/json"),
    )
    .await;
}

async fn get_ticket(pipeline: &Pipeline, query: &str) -> Result<Answer, Error> {
    let request = pipeline
        .transport()
        .client()
        .get(format!("{PLACEHOLDER_BASE}/service/tickets/5{query}"))
        .build()
        .expect("request");
    let op = OperationMeta::new(
        Vendor::ConnectWise,
        "getServiceTicketsById",
        Method::GET,
        "/service/tickets/{id}",
    );
    pipeline.send(request, op).await
}

#[tokio::test]
async fn url_basic_header_client_id_and_version_pin_are_exact() {
    let server = MockServer::start().await;
    mount_fixture_company_info(&server).await;
    mount(
        &server,
        OLD_TICKET,
        ResponseTemplate::new(200).set_body_json(json!({"id": 5})),
    )
    .await;
    let pipeline = pipeline(config(&server).with_api_version("2022.1"));

    let success = get_ticket(&pipeline, "?fields=id,summary")
        .await
        .expect("call");
    assert_eq!(success.status, StatusCode::OK);
    assert_eq!(success.body.as_ref(), br#"{"id":5}"#);

    let calls = requests_to(&server, OLD_TICKET).await;
    assert_eq!(calls.len(), 1);
    let call = &calls[0];
    assert_eq!(call.url.query(), Some("fields=id,summary"));
    assert_eq!(header_of(call, "authorization"), BASIC);
    assert_eq!(header_of(call, "clientid"), "client-123");
    assert_eq!(
        header_of(call, "accept"),
        "application/vnd.connectwise.com+json; version=2022.1"
    );
    assert_eq!(
        pipeline.base_url().await.expect("base").as_str(),
        format!("{}/v2017_3/apis/3.0", server.uri())
    );
    // Discovery is public and gets no credentials.
    let discovery = requests_to(&server, COMPANY_INFO).await;
    assert_eq!(header_of(&discovery[0], "authorization"), "");
    assert_eq!(header_of(&discovery[0], "clientid"), "");
}

#[tokio::test]
async fn without_a_version_pin_no_accept_header_is_forced() {
    let server = MockServer::start().await;
    mount_fixture_company_info(&server).await;
    mount(&server, OLD_TICKET, ResponseTemplate::new(200)).await;
    get_ticket(&pipeline(config(&server)), "")
        .await
        .expect("call");
    let calls = requests_to(&server, OLD_TICKET).await;
    assert!(!header_of(&calls[0], "accept").contains("vnd.connectwise"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_codebase_is_discovered_once_for_many_calls() {
    let server = MockServer::start().await;
    mount_fixture_company_info(&server).await;
    mount(&server, OLD_TICKET, ResponseTemplate::new(200)).await;
    let pipeline = pipeline(config(&server));

    let mut calls = tokio::task::JoinSet::new();
    for _ in 0..30 {
        let pipeline = pipeline.clone();
        calls.spawn(async move { get_ticket(&pipeline, "").await.map(|s| s.status) });
    }
    while let Some(result) = calls.join_next().await {
        assert_eq!(result.expect("task").expect("call"), StatusCode::OK);
    }
    get_ticket(&pipeline, "").await.expect("one more");

    assert_eq!(requests_to(&server, COMPANY_INFO).await.len(), 1);
    assert_eq!(requests_to(&server, OLD_TICKET).await.len(), 31);
}

/// What IIS answers for a path that does not exist on the site, such as an
/// API path under a codebase the site no longer serves.
fn iis_404() -> ResponseTemplate {
    ResponseTemplate::new(404).set_body_raw(
        "<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Strict//EN\" \
         \"http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd\">\r\n<html><head>\
         <title>404 - File or directory not found.</title></head><body></body></html>",
        "text/html",
    )
}

/// The API's own answer for a record that does not exist.
fn api_not_found() -> ResponseTemplate {
    ResponseTemplate::new(404).set_body_json(json!({
        "code": "NotFound",
        "message": "Ticket with id 5 not found"
    }))
}

async fn get_path(pipeline: &Pipeline, at: &str) -> Result<Answer, Error> {
    let request = pipeline
        .transport()
        .client()
        .get(format!("{PLACEHOLDER_BASE}{at}"))
        .build()
        .expect("request");
    let op = OperationMeta::new(
        Vendor::ConnectWise,
        "getServiceTicketsById",
        Method::GET,
        "/service/tickets/{id}",
    );
    pipeline.send(request, op).await
}

#[tokio::test]
async fn an_html_404_after_an_upgrade_rediscovers_once_and_resends_to_the_new_codebase() {
    let server = MockServer::start().await;
    Mock::given(path(COMPANY_INFO))
        .respond_with(Sequence::new(vec![
            company_info("v2017_3/"),
            company_info("v2025_1/"),
        ]))
        .mount(&server)
        .await;
    mount(&server, OLD_TICKET, iis_404()).await;
    mount(
        &server,
        NEW_TICKET,
        ResponseTemplate::new(200).set_body_json(json!({"id": 5})),
    )
    .await;
    let pipeline = pipeline(config(&server));

    let success = get_ticket(&pipeline, "?fields=id")
        .await
        .expect("recovered");
    assert_eq!(success.status, StatusCode::OK);
    assert_eq!(requests_to(&server, COMPANY_INFO).await.len(), 2);
    assert_eq!(requests_to(&server, OLD_TICKET).await.len(), 1);
    let resent = requests_to(&server, NEW_TICKET).await;
    assert_eq!(resent.len(), 1);
    assert_eq!(resent[0].url.query(), Some("fields=id"));
    assert_eq!(header_of(&resent[0], "authorization"), BASIC);

    // Later calls go straight to the new codebase.
    get_ticket(&pipeline, "").await.expect("next call");
    assert_eq!(requests_to(&server, COMPANY_INFO).await.len(), 2);
    assert_eq!(requests_to(&server, NEW_TICKET).await.len(), 2);
}

#[tokio::test]
async fn the_apis_own_json_404_is_not_found_without_rediscovery_or_resend() {
    let server = MockServer::start().await;
    mount_fixture_company_info(&server).await;
    mount(&server, OLD_TICKET, api_not_found()).await;
    let pipeline = pipeline(config(&server));

    let err = get_ticket(&pipeline, "").await.expect_err("not found");
    assert!(
        matches!(err, Error::NotFound { status, .. } if status == StatusCode::NOT_FOUND),
        "{err:?}"
    );
    assert_eq!(requests_to(&server, COMPANY_INFO).await.len(), 1);
    assert_eq!(requests_to(&server, OLD_TICKET).await.len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_concurrent_json_404s_cause_no_rediscovery() {
    let server = MockServer::start().await;
    mount_fixture_company_info(&server).await;
    mount(&server, OLD_TICKET, api_not_found()).await;
    let pipeline = pipeline(config(&server));
    get_ticket(&pipeline, "").await.expect_err("not found");

    let mut calls = tokio::task::JoinSet::new();
    for _ in 0..50 {
        let pipeline = pipeline.clone();
        calls.spawn(async move { get_ticket(&pipeline, "").await });
    }
    while let Some(result) = calls.join_next().await {
        let err = result.expect("task").expect_err("not found");
        assert!(matches!(err, Error::NotFound { .. }), "{err:?}");
    }
    assert_eq!(requests_to(&server, COMPANY_INFO).await.len(), 1);
    assert_eq!(requests_to(&server, OLD_TICKET).await.len(), 51);
}

#[tokio::test]
async fn html_404s_rediscover_at_most_once_a_minute() {
    let server = MockServer::start().await;
    mount_fixture_company_info(&server).await;
    mount(&server, OLD_TICKET, iis_404()).await;
    let (transport, clock) = transport(exact_policy(1));
    let pipeline = Pipeline::connectwise(transport, config(&server)).expect("valid config");

    for _ in 0..2 {
        let err = get_ticket(&pipeline, "").await.expect_err("html");
        assert!(matches!(err, Error::HtmlInsteadOfJson { .. }), "{err:?}");
    }
    // The first call discovered, the first 404 re-discovered (same codebase, no re-send), the
    // second 404 within the minute did not.
    assert_eq!(requests_to(&server, COMPANY_INFO).await.len(), 2);
    assert_eq!(requests_to(&server, OLD_TICKET).await.len(), 2);

    clock.advance(std::time::Duration::from_secs(61));
    get_ticket(&pipeline, "").await.expect_err("html");
    assert_eq!(requests_to(&server, COMPANY_INFO).await.len(), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_rediscovery_does_not_hold_up_other_calls() {
    let server = MockServer::start().await;
    Mock::given(path(COMPANY_INFO))
        .respond_with(Sequence::new(vec![
            company_info("v2017_3/"),
            company_info("v2017_3/").set_delay(std::time::Duration::from_secs(3)),
        ]))
        .mount(&server)
        .await;
    mount(&server, OLD_TICKET, iis_404()).await;
    let other = "/v2017_3/apis/3.0/service/tickets/6";
    mount(
        &server,
        other,
        ResponseTemplate::new(200).set_body_json(json!({"id": 6})),
    )
    .await;
    let pipeline = pipeline(config(&server));
    get_path(&pipeline, "/service/tickets/6")
        .await
        .expect("first call");

    let slow = {
        let pipeline = pipeline.clone();
        tokio::spawn(async move { get_ticket(&pipeline, "").await })
    };
    // Wait until the 404 has started its (slow) re-discovery.
    for _ in 0..200 {
        if requests_to(&server, COMPANY_INFO).await.len() == 2 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    assert_eq!(requests_to(&server, COMPANY_INFO).await.len(), 2);

    let started = std::time::Instant::now();
    let quick = tokio::time::timeout(
        std::time::Duration::from_millis(1500),
        get_path(&pipeline, "/service/tickets/6"),
    )
    .await
    .expect("not blocked behind the re-discovery")
    .expect("call");
    assert_eq!(quick.status, StatusCode::OK);
    assert!(started.elapsed() < std::time::Duration::from_millis(1500));

    let err = slow.await.expect("task").expect_err("html 404");
    assert!(matches!(err, Error::HtmlInsteadOfJson { .. }), "{err:?}");
    assert_eq!(requests_to(&server, other).await.len(), 2);
}

#[tokio::test]
async fn a_fixed_codebase_is_never_discovered() {
    let server = MockServer::start().await;
    mount(&server, NEW_TICKET, ResponseTemplate::new(404)).await;
    let pipeline = pipeline(config(&server).with_codebase("v2025_1"));

    let err = get_ticket(&pipeline, "").await.expect_err("not found");
    assert!(matches!(err, Error::NotFound { .. }), "{err:?}");
    assert_eq!(requests_to(&server, COMPANY_INFO).await.len(), 0);
    assert_eq!(requests_to(&server, NEW_TICKET).await.len(), 1);
}

#[tokio::test]
async fn a_company_info_without_codebase_is_a_malformed_body() {
    let server = MockServer::start().await;
    mount(
        &server,
        COMPANY_INFO,
        ResponseTemplate::new(200).set_body_json(json!({"CompanyName": "acme"})),
    )
    .await;
    let err = get_ticket(&pipeline(config(&server)), "")
        .await
        .expect_err("no codebase");
    assert!(
        matches!(&err, Error::MalformedBody { operation_id: "getCompanyInfo", path, .. } if path == "Codebase"),
        "{err:?}"
    );
}

#[test]
fn the_private_key_and_client_id_are_not_in_debug_output() {
    let config = ConnectWiseConfig::new(
        "api-na.myconnectwise.net",
        "acme",
        "pubkey",
        Secret::new(PRIVATE_KEY),
        "CLIENT-id-0f3c",
    )
    .expect("valid site")
    .with_member_impersonation("jdoe");
    let (transport, _) = transport(exact_policy(1));
    let pipeline = Pipeline::connectwise(transport, config.clone()).expect("valid");
    let shown = format!("{config:?} {pipeline:?}");
    assert!(!shown.contains(PRIVATE_KEY), "{shown}");
    assert!(!shown.contains("YWNtZStwdWJrZXk6"), "{shown}");
    assert!(!shown.contains("CLIENT-id-0f3c"), "{shown}");
    assert!(shown.contains("api-na.myconnectwise.net"), "{shown}");
}

const TOKENS: &str = "/v2017_3/apis/3.0/system/members/jdoe/tokens";
/// base64("acme+member-pub:member-priv"), computed independently.
const MEMBER_BASIC: &str = "Basic YWNtZSttZW1iZXItcHViOm1lbWJlci1wcml2";

#[tokio::test]
async fn impersonation_signs_calls_with_the_member_pair_and_renews_it_before_expiry() {
    let server = MockServer::start().await;
    mount_fixture_company_info(&server).await;
    mount(&server, OLD_TICKET, ResponseTemplate::new(200)).await;
    // The test clock starts at 2023-11-14T22:13:20Z; the pair expires 20 minutes later.
    Mock::given(method("POST"))
        .and(path(TOKENS))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "publicKey": "member-pub", "privateKey": "member-priv", "expiration": "2023-11-14T22:33:20Z"
        })))
        .mount(&server)
        .await;
    let (transport, clock) = transport(exact_policy(1));
    let pipeline =
        Pipeline::connectwise(transport, config(&server).with_member_impersonation("jdoe"))
            .expect("valid config");

    for _ in 0..3 {
        get_ticket(&pipeline, "").await.expect("call");
    }
    let tokens = requests_to(&server, TOKENS).await;
    assert_eq!(tokens.len(), 1, "the pair is cached");
    assert_eq!(
        header_of(&tokens[0], "authorization"),
        BASIC,
        "asked for with the API member's keys"
    );
    assert_eq!(header_of(&tokens[0], "clientid"), "client-123");
    for call in requests_to(&server, OLD_TICKET).await {
        assert_eq!(header_of(&call, "authorization"), MEMBER_BASIC);
    }

    clock.advance(std::time::Duration::from_secs(18 * 60));
    get_ticket(&pipeline, "").await.expect("call");
    assert_eq!(
        requests_to(&server, TOKENS).await.len(),
        1,
        "still fresh at 18 minutes"
    );
    clock.advance(std::time::Duration::from_secs(90));
    get_ticket(&pipeline, "").await.expect("call");
    assert_eq!(
        requests_to(&server, TOKENS).await.len(),
        2,
        "renewed within a minute of expiry"
    );
}

#[tokio::test]
async fn impersonation_refused_is_a_typed_error_and_no_call_is_sent() {
    let server = MockServer::start().await;
    mount_fixture_company_info(&server).await;
    mount(&server, OLD_TICKET, ResponseTemplate::new(200)).await;
    Mock::given(method("POST"))
        .and(path(TOKENS))
        .respond_with(ResponseTemplate::new(403).set_body_json(json!({"code": "Forbidden"})))
        .mount(&server)
        .await;
    let pipeline = pipeline(config(&server).with_member_impersonation("jdoe"));

    let error = get_ticket(&pipeline, "").await.expect_err("refused");
    assert!(
        matches!(
            error,
            Error::Forbidden {
                operation_id: "postSystemMembersByMemberIdentifierTokens",
                ..
            }
        ),
        "{error:?}"
    );
    assert!(requests_to(&server, OLD_TICKET).await.is_empty());
}

#[tokio::test]
async fn an_impersonated_401_renews_the_member_pair_and_resends_once() {
    let server = MockServer::start().await;
    mount_fixture_company_info(&server).await;
    Mock::given(method("POST"))
        .and(path(TOKENS))
        .respond_with(Sequence::new(vec![
            ResponseTemplate::new(200).set_body_json(json!({
                "publicKey": "member-pub", "privateKey": "member-priv", "expiration": "2023-11-14T22:33:20Z"
            })),
            ResponseTemplate::new(200).set_body_json(json!({
                "publicKey": "member-pub2", "privateKey": "member-priv2", "expiration": "2023-11-14T22:33:20Z"
            })),
        ]))
        .mount(&server)
        .await;
    // The first pair was revoked on the server.
    Mock::given(path(OLD_TICKET))
        .and(wiremock::matchers::header("authorization", MEMBER_BASIC))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({"code": "Unauthorized"})))
        .mount(&server)
        .await;
    mount(
        &server,
        OLD_TICKET,
        ResponseTemplate::new(200).set_body_json(json!({"id": 5})),
    )
    .await;
    let pipeline = pipeline(config(&server).with_member_impersonation("jdoe"));

    let success = get_ticket(&pipeline, "").await.expect("recovered");
    assert_eq!(success.status, StatusCode::OK);
    assert_eq!(requests_to(&server, TOKENS).await.len(), 2);
    let calls = requests_to(&server, OLD_TICKET).await;
    assert_eq!(calls.len(), 2);
    assert_eq!(header_of(&calls[0], "authorization"), MEMBER_BASIC);
    // base64("acme+member-pub2:member-priv2")
    assert_eq!(
        header_of(&calls[1], "authorization"),
        "Basic YWNtZSttZW1iZXItcHViMjptZW1iZXItcHJpdjI="
    );
    // The new pair is cached.
    get_ticket(&pipeline, "").await.expect("next call");
    assert_eq!(requests_to(&server, TOKENS).await.len(), 2);
}

#[tokio::test]
async fn a_persistent_impersonated_401_renews_once_and_then_fails() {
    let server = MockServer::start().await;
    mount_fixture_company_info(&server).await;
    Mock::given(method("POST"))
        .and(path(TOKENS))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "publicKey": "member-pub", "privateKey": "member-priv", "expiration": "2023-11-14T22:33:20Z"
        })))
        .mount(&server)
        .await;
    mount(&server, OLD_TICKET, ResponseTemplate::new(401)).await;
    let pipeline = pipeline(config(&server).with_member_impersonation("jdoe"));

    let err = get_ticket(&pipeline, "").await.expect_err("401");
    assert!(matches!(err, Error::Authentication { .. }), "{err:?}");
    assert_eq!(requests_to(&server, TOKENS).await.len(), 2);
    assert_eq!(requests_to(&server, OLD_TICKET).await.len(), 2);
}

#[tokio::test]
async fn without_impersonation_a_401_is_not_resent() {
    let server = MockServer::start().await;
    mount_fixture_company_info(&server).await;
    mount(&server, OLD_TICKET, ResponseTemplate::new(401)).await;
    let err = get_ticket(&pipeline(config(&server)), "")
        .await
        .expect_err("401");
    assert!(matches!(err, Error::Authentication { .. }), "{err:?}");
    assert_eq!(requests_to(&server, OLD_TICKET).await.len(), 1);
}

#[tokio::test]
async fn company_info_tells_the_served_version_and_codebase() {
    let server = MockServer::start().await;
    mount_fixture_company_info(&server).await;
    let (transport, _) = transport(exact_policy(1));
    let info = config(&server)
        .company_info(&transport)
        .await
        .expect("company info");
    assert_eq!(info.version_code.as_deref(), Some("v2017.3"));
    assert_eq!(info.codebase, "v2017_3/");
    assert_eq!(info.is_cloud, Some(true));
    assert_eq!(
        config(&server)
            .served_version(&transport)
            .await
            .expect("version"),
        "v2017.3"
    );
}

#[tokio::test]
async fn a_company_info_without_version_code_is_a_malformed_body_for_served_version() {
    let server = MockServer::start().await;
    mount(
        &server,
        COMPANY_INFO,
        ResponseTemplate::new(200).set_body_json(json!({"Codebase": "v2025_1/"})),
    )
    .await;
    let (transport, _) = transport(exact_policy(1));
    let err = config(&server)
        .served_version(&transport)
        .await
        .expect_err("no version");
    assert!(
        matches!(&err, Error::MalformedBody { path, .. } if path == "VersionCode"),
        "{err:?}"
    );
}

#[test]
fn the_types_version_can_be_pinned_in_one_call() {
    assert_eq!(psa_clients::auth::CONNECTWISE_TYPES_VERSION, "2022.1");
    let config = ConnectWiseConfig::new(
        "api-eu.myconnectwise.net",
        "acme",
        "pubkey",
        Secret::new(PRIVATE_KEY),
        "client-123",
    )
    .expect("valid site");
    assert_eq!(config.api_version(), None);
    assert_eq!(config.pin_types_version().api_version(), Some("2022.1"));
}

#[test]
fn a_site_url_with_user_info_is_refused_without_echoing_it() {
    let err = ConnectWiseConfig::new(
        "https://u:URL-PASS-2@psa.example.com",
        "acme",
        "pubkey",
        Secret::new(PRIVATE_KEY),
        "client-123",
    )
    .expect_err("user info");
    assert!(matches!(err, Error::Config { .. }), "{err:?}");
    assert!(!format!("{err} {err:?}").contains("URL-PASS-2"), "{err}");
}
