//! Autotask key headers and zone discovery through the pipeline, against
//! wiremock servers on 127.0.0.1 (one plays both the discovery host and
//! the zones; a second one plays a foreign host).

mod common;

use common::{exact_policy, fixture, header_of, requests_to, transport, Sequence};
use psa_clients::auth::AutotaskConfig;
use psa_clients::pipeline::{Answer, Pipeline, PLACEHOLDER_BASE};
use psa_clients::secret::Secret;
use psa_clients::transport::{OperationMeta, Vendor};
use psa_clients::Error;
use reqwest::{Method, StatusCode, Url};
use serde_json::json;
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const USER: &str = "api@acme.example";
const SECRET: &str = "at-SECRET-value-5";
const CODE: &str = "INTEGRATION-code-6";
const ZONE_LOOKUP: &str = "/discovery/v1.0/zoneInformation";
const ZONE_A_TICKET: &str = "/zoneA/atservicesrest/V1.0/Tickets/5";
const ZONE_B_TICKET: &str = "/zoneB/atservicesrest/V1.0/Tickets/5";

fn config(server: &MockServer) -> AutotaskConfig {
    let discovery = Url::parse(&format!("{}/discovery", server.uri())).expect("url");
    AutotaskConfig::new(USER, Secret::new(SECRET), Secret::new(CODE)).with_discovery_url(discovery)
}

fn pipeline(config: AutotaskConfig) -> Pipeline {
    let (transport, _clock) = transport(exact_policy(1));
    Pipeline::autotask(transport, config).expect("valid config")
}

/// A zone answer in the live API's casing, with its trailing slash.
fn zone(server: &MockServer, name: &str) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({
        "zoneName": name,
        "url": format!("{}/{name}/atservicesrest/", server.uri()),
        "webUrl": "https://ww1.autotask.net/",
        "ci": 0
    }))
}

async fn mount(server: &MockServer, at: &str, template: ResponseTemplate) {
    Mock::given(path(at))
        .respond_with(template)
        .mount(server)
        .await;
}

async fn mount_zone(server: &MockServer, name: &str) {
    Mock::given(method("GET"))
        .and(path(ZONE_LOOKUP))
        .and(query_param("user", USER))
        .respond_with(zone(server, name))
        .mount(server)
        .await;
}

fn ok() -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({"item": {"id": 5}}))
}

fn op() -> OperationMeta {
    OperationMeta::new(
        Vendor::Autotask,
        "Tickets_QueryItem",
        Method::GET,
        "/V1.0/Tickets/{id}",
    )
}

async fn get(pipeline: &Pipeline, url: &str) -> Result<Answer, Error> {
    let request = pipeline
        .transport()
        .client()
        .get(url)
        .build()
        .expect("request");
    pipeline.send(request, op()).await
}

async fn get_ticket(pipeline: &Pipeline) -> Result<Answer, Error> {
    get(pipeline, &format!("{PLACEHOLDER_BASE}/V1.0/Tickets/5")).await
}

#[tokio::test]
async fn key_headers_are_sent_and_the_zone_is_looked_up_once() {
    let server = MockServer::start().await;
    mount_zone(&server, "zoneA").await;
    mount(&server, ZONE_A_TICKET, ok()).await;
    let pipeline = pipeline(config(&server).with_impersonation_resource_id(29_682_885));

    for _ in 0..5 {
        let success = get_ticket(&pipeline).await.expect("call");
        assert_eq!(success.status, StatusCode::OK);
    }

    let lookups = requests_to(&server, ZONE_LOOKUP).await;
    assert_eq!(lookups.len(), 1);
    assert_eq!(lookups[0].url.query(), Some("user=api%40acme.example"));
    // The lookup carries no credentials.
    assert_eq!(header_of(&lookups[0], "secret"), "");
    assert_eq!(header_of(&lookups[0], "apiintegrationcode"), "");

    let calls = requests_to(&server, ZONE_A_TICKET).await;
    assert_eq!(calls.len(), 5);
    assert_eq!(header_of(&calls[0], "username"), USER);
    assert_eq!(header_of(&calls[0], "secret"), SECRET);
    assert_eq!(header_of(&calls[0], "apiintegrationcode"), CODE);
    assert_eq!(header_of(&calls[0], "impersonationresourceid"), "29682885");
    assert_eq!(
        pipeline.base_url().await.expect("base").as_str(),
        format!("{}/zoneA/atservicesrest", server.uri())
    );
}

#[tokio::test]
async fn a_401_after_a_zone_move_rediscovers_once_and_resends() {
    let server = MockServer::start().await;
    Mock::given(path(ZONE_LOOKUP))
        .respond_with(Sequence::new(vec![
            zone(&server, "zoneA"),
            zone(&server, "zoneB"),
        ]))
        .mount(&server)
        .await;
    mount(&server, ZONE_A_TICKET, ResponseTemplate::new(401)).await;
    mount(&server, ZONE_B_TICKET, ok()).await;
    let pipeline = pipeline(config(&server));

    let success = get_ticket(&pipeline).await.expect("recovered");
    assert_eq!(success.status, StatusCode::OK);
    assert_eq!(requests_to(&server, ZONE_LOOKUP).await.len(), 2);
    assert_eq!(requests_to(&server, ZONE_A_TICKET).await.len(), 1);
    let resent = requests_to(&server, ZONE_B_TICKET).await;
    assert_eq!(resent.len(), 1);
    assert_eq!(header_of(&resent[0], "secret"), SECRET);
}

#[tokio::test]
async fn a_401_in_the_same_zone_costs_one_lookup_and_no_resend() {
    let server = MockServer::start().await;
    mount_zone(&server, "zoneA").await;
    mount(&server, ZONE_A_TICKET, ResponseTemplate::new(401)).await;
    let pipeline = pipeline(config(&server));

    let err = get_ticket(&pipeline).await.expect_err("bad credentials");
    assert!(
        matches!(err, Error::Authentication { status, .. } if status == StatusCode::UNAUTHORIZED),
        "{err:?}"
    );
    assert_eq!(requests_to(&server, ZONE_LOOKUP).await.len(), 2);
    assert_eq!(requests_to(&server, ZONE_A_TICKET).await.len(), 1);
}

#[tokio::test]
async fn an_unknown_user_is_reported_as_such() {
    let server = MockServer::start().await;
    mount(
        &server,
        ZONE_LOOKUP,
        ResponseTemplate::new(500)
            .set_body_json(json!({"errors": ["Zone information could not be determined"]})),
    )
    .await;
    let err = get_ticket(&pipeline(config(&server)))
        .await
        .expect_err("unknown user");
    let Error::CredentialsRejected {
        operation_id,
        status,
        reason,
        ..
    } = &err
    else {
        panic!("expected CredentialsRejected, got {err:?}");
    };
    assert_eq!(
        *operation_id,
        "ZoneInformationApiIntegration_QueryZoneInformation"
    );
    assert_eq!(*status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(reason.contains("does not know this API user"), "{reason}");
    assert!(err.to_string().contains("e-mail"), "{err}");
}

#[tokio::test]
async fn an_invalid_integration_code_is_reported_as_such() {
    let server = MockServer::start().await;
    mount_zone(&server, "zoneA").await;
    mount(
        &server,
        ZONE_A_TICKET,
        ResponseTemplate::new(500).set_body_raw(
            fixture("autotask/error_500_integrationcode_invalid.json"),
            "application/json",
        ),
    )
    .await;
    let err = get_ticket(&pipeline(config(&server)))
        .await
        .expect_err("bad code");
    let Error::CredentialsRejected { reason, .. } = &err else {
        panic!("expected CredentialsRejected, got {err:?}");
    };
    assert!(reason.contains("integration code"), "{reason}");
    let shown = format!("{err} {err:?}");
    assert!(!shown.contains(CODE) && !shown.contains(SECRET), "{shown}");
}

#[tokio::test]
async fn other_500s_stay_vendor_errors() {
    let server = MockServer::start().await;
    mount_zone(&server, "zoneA").await;
    mount(
        &server,
        ZONE_A_TICKET,
        ResponseTemplate::new(500).set_body_json(json!({"errors": ["Something else"]})),
    )
    .await;
    let err = get_ticket(&pipeline(config(&server)))
        .await
        .expect_err("500");
    assert!(matches!(err, Error::Vendor { .. }), "{err:?}");
}

#[tokio::test]
async fn an_absolute_url_in_the_zone_gets_credentials_another_host_is_refused() {
    let server = MockServer::start().await;
    let other = MockServer::start().await;
    mount_zone(&server, "zoneA").await;
    mount(
        &server,
        "/zoneA/atservicesrest/V1.0/Tickets/query/next",
        ok(),
    )
    .await;
    mount(&other, "/steal", ok()).await;
    let pipeline = pipeline(config(&server));

    // A paging link on the zone host is fine.
    let next = format!(
        "{}/zoneA/atservicesrest/V1.0/Tickets/query/next?paging=abc",
        server.uri()
    );
    get(&pipeline, &next).await.expect("same origin");
    let sent = requests_to(&server, "/zoneA/atservicesrest/V1.0/Tickets/query/next").await;
    assert_eq!(header_of(&sent[0], "secret"), SECRET);

    let err = get(&pipeline, &format!("{}/steal?token=xyz", other.uri()))
        .await
        .expect_err("foreign host");
    assert!(matches!(err, Error::Config { .. }), "{err:?}");
    assert!(!err.to_string().contains("xyz"), "{err}");
    assert_eq!(requests_to(&other, "/steal").await.len(), 0);
}

#[tokio::test]
async fn a_redirect_to_another_host_is_not_followed() {
    let server = MockServer::start().await;
    let other = MockServer::start().await;
    mount_zone(&server, "zoneA").await;
    mount(
        &server,
        ZONE_A_TICKET,
        ResponseTemplate::new(302).insert_header("Location", format!("{}/steal", other.uri())),
    )
    .await;
    mount(&other, "/steal", ok()).await;

    let err = get_ticket(&pipeline(config(&server)))
        .await
        .expect_err("redirect");
    assert!(
        matches!(err, Error::Redirected { status, .. } if status == StatusCode::FOUND),
        "{err:?}"
    );
    assert_eq!(requests_to(&other, "/steal").await.len(), 0);
}

#[tokio::test]
async fn a_fixed_zone_is_never_looked_up_nor_re_looked_up() {
    let server = MockServer::start().await;
    mount(&server, ZONE_A_TICKET, ResponseTemplate::new(401)).await;
    let zone = Url::parse(&format!("{}/zoneA/atservicesrest/", server.uri())).expect("url");
    let pipeline = pipeline(config(&server).with_zone_url(zone));

    let err = get_ticket(&pipeline).await.expect_err("401");
    assert!(matches!(err, Error::Authentication { .. }), "{err:?}");
    assert_eq!(requests_to(&server, ZONE_LOOKUP).await.len(), 0);
    assert_eq!(requests_to(&server, ZONE_A_TICKET).await.len(), 1);
}

#[test]
fn secrets_are_not_in_debug_output() {
    let config = AutotaskConfig::new(USER, Secret::new(SECRET), Secret::new(CODE));
    let (transport, _) = transport(exact_policy(1));
    let pipeline = Pipeline::autotask(transport, config.clone()).expect("valid");
    let shown = format!("{config:?} {pipeline:?}");
    assert!(!shown.contains(SECRET) && !shown.contains(CODE), "{shown}");
}

#[tokio::test]
async fn a_zone_on_a_foreign_host_is_refused_naming_only_the_host() {
    let server = MockServer::start().await;
    Mock::given(path(ZONE_LOOKUP))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "zoneName": "evil",
            "url": "https://webservices14.autotask.net.evil.example/atservicesrest/?k=leak-me",
            "ci": 0
        })))
        .mount(&server)
        .await;
    let pipeline = pipeline(config(&server));

    let err = get_ticket(&pipeline).await.expect_err("foreign zone");
    let text = err.to_string();
    assert!(matches!(err, Error::Config { .. }), "{err:?}");
    assert!(
        text.contains("webservices14.autotask.net.evil.example"),
        "{text}"
    );
    assert!(
        !text.contains("leak-me") && !text.contains("atservicesrest"),
        "{text}"
    );
    // Nothing cached: the next call looks the zone up again.
    get_ticket(&pipeline).await.expect_err("still foreign");
    assert_eq!(requests_to(&server, ZONE_LOOKUP).await.len(), 2);
}

#[tokio::test]
async fn a_zone_on_autotask_net_over_http_is_refused() {
    let server = MockServer::start().await;
    Mock::given(path(ZONE_LOOKUP))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "url": "http://webservices14.autotask.net/atservicesrest/"
        })))
        .mount(&server)
        .await;
    let err = get_ticket(&pipeline(config(&server)))
        .await
        .expect_err("plain http");
    assert!(matches!(err, Error::Config { .. }), "{err:?}");
    assert!(
        err.to_string().contains("webservices14.autotask.net"),
        "{err}"
    );
}

#[test]
fn a_password_in_a_configured_url_is_never_shown_and_refused() {
    let zone =
        Url::parse("https://u:URL-PASS-3@webservices14.autotask.net/atservicesrest").expect("url");
    let discovery =
        Url::parse("https://u:URL-PASS-4@webservices.autotask.net/atservicesrest").expect("url");
    for config in [
        AutotaskConfig::new(USER, Secret::new(SECRET), Secret::new(CODE)).with_zone_url(zone),
        AutotaskConfig::new(USER, Secret::new(SECRET), Secret::new(CODE))
            .with_discovery_url(discovery),
    ] {
        let shown = format!("{config:?}");
        assert!(!shown.contains("URL-PASS"), "{shown}");
        assert!(shown.contains("autotask.net"), "{shown}");
        let (transport, _) = transport(exact_policy(1));
        let err = Pipeline::autotask(transport, config).expect_err("user info in the URL");
        assert!(matches!(err, Error::Config { .. }), "{err:?}");
        assert!(!format!("{err} {err:?}").contains("URL-PASS"));
    }
}
