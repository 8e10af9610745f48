//! The per-call span carries the call's identity and outcome, and the log
//! never contains credentials, even at TRACE.

mod common;

use common::{exact_policy, op, transport};
use psa_clients::secret::Secret;
use reqwest::Method;
use wiremock::matchers::path;
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn span_has_call_fields_and_no_secrets() {
    let server = MockServer::start().await;
    Mock::given(path("/Tickets/7"))
        .respond_with(ResponseTemplate::new(200).set_body_raw("{\"id\":7}", "application/json"))
        .mount(&server)
        .await;
    let (_guard, captured) = common::capture_trace();

    let secret = Secret::new("TOP-SECRET-TOKEN");
    let (transport, _clock) = transport(exact_policy(1));
    let meta = op(Method::GET, "/Tickets/{id}");
    let request = transport
        .client()
        .get(format!(
            "{}/Tickets/7?key={}",
            server.uri(),
            secret.expose()
        ))
        .header("Secret", secret.header_value().expect("header"))
        .build()
        .expect("request");
    let response = transport.execute(request, meta.clone()).await.expect("ok");
    transport.classify(response, &meta).await.expect("ok");

    let log = captured.text();
    for field in [
        "psa.request",
        "vendor=autotask",
        "operation_id=\"testOperation\"",
        "method=GET",
        "path_template=\"/Tickets/{id}\"",
        "attempt=1",
        "status=200",
        "latency_ms=",
    ] {
        assert!(log.contains(field), "missing {field} in:\n{log}");
    }
    assert!(!log.contains("TOP-SECRET-TOKEN"), "{log}");
    // Response bodies are logged only when asked for (see below).
    assert!(!log.contains("{\"id\":7}"), "{log}");
}

const BMS_PASSWORD: &str = "bms-PASSWORD-77";
/// RFC 6238's SHA-1 seed "12345678901234567890" in base32.
const BMS_SEED: &str = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
/// The MFA code for BMS_SEED at `common::start_time()`.
const BMS_CODE: &str = "921300";

/// BMS token answers numbered by call, valid 600 s from the manual clock.
struct BmsTokens {
    prefix: &'static str,
    calls: std::sync::atomic::AtomicUsize,
    clock: psa_clients::transport::ManualClock,
}

impl wiremock::Respond for BmsTokens {
    fn respond(&self, _: &wiremock::Request) -> ResponseTemplate {
        use psa_clients::transport::Clock as _;
        let n = self.calls.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1;
        let now: chrono::DateTime<chrono::Utc> = self.clock.now().into();
        let at = |secs| (now + chrono::Duration::seconds(secs)).to_rfc3339();
        ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "success": true, "error": null, "result": {
                "accessToken": format!("{}-ACCESS-{n}", self.prefix),
                "refreshToken": format!("{}-REFRESH-{n}", self.prefix),
                "accessTokenExpireOn": at(600),
                "refreshTokenExpireOn": at(3600)}}))
    }
}

// Drives the internal pipeline directly: needs `_pipeline-tests` (on with --all-features).
#[cfg(feature = "_pipeline-tests")]
#[tokio::test]
async fn bms_login_and_refresh_leave_no_token_or_password_in_a_trace_log() {
    use psa_clients::auth::{BmsConfig, BmsRegion};
    use psa_clients::pipeline::{Pipeline, PLACEHOLDER_BASE};
    use wiremock::matchers::method;

    let server = MockServer::start().await;
    let (transport, clock) = transport(exact_policy(1));
    for (at, prefix) in [
        ("/v2/security/authenticate", "login"),
        ("/v2/security/refreshtoken", "refreshed"),
    ] {
        Mock::given(method("POST"))
            .and(path(at))
            .respond_with(BmsTokens {
                prefix,
                calls: Default::default(),
                clock: clock.clone(),
            })
            .mount(&server)
            .await;
    }
    Mock::given(path("/v2/servicedesk/tickets/7"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(serde_json::json!({"Success": true, "Result": {"Id": 7}})),
        )
        .mount(&server)
        .await;
    let host = reqwest::Url::parse(&server.uri()).expect("url");
    let config = BmsConfig::new(
        BmsRegion::Custom(host),
        "acme",
        "api@acme.example",
        Secret::new(BMS_PASSWORD),
    )
    .with_totp_secret(Secret::new(BMS_SEED));
    let pipeline = Pipeline::bms(transport, config).expect("config");
    let meta = psa_clients::transport::OperationMeta::new(
        psa_clients::transport::Vendor::Bms,
        "GetTicket",
        Method::GET,
        "/v2/servicedesk/tickets/{id}",
    );
    let get = || {
        pipeline
            .transport()
            .client()
            .get(format!("{PLACEHOLDER_BASE}/v2/servicedesk/tickets/7"))
            .build()
            .expect("request")
    };

    let (guard, captured) = common::capture_trace();
    pipeline.send(get(), meta.clone()).await.expect("login");
    clock.advance(std::time::Duration::from_secs(550));
    pipeline.send(get(), meta.clone()).await.expect("refresh");
    drop(guard);

    let log = captured.text();
    assert!(
        log.contains("Authenticate") && log.contains("RefreshToken"),
        "{log}"
    );
    for secret in [
        "login-ACCESS-1",
        "login-REFRESH-1",
        "refreshed-ACCESS-1",
        "refreshed-REFRESH-1",
        BMS_PASSWORD,
        BMS_SEED,
        BMS_CODE,
    ] {
        assert!(!log.contains(secret), "{secret} in the log:\n{log}");
    }
}

// Drives the internal pipeline directly: needs `_pipeline-tests` (on with --all-features).
#[cfg(feature = "_pipeline-tests")]
#[tokio::test]
async fn connectwise_impersonation_leaves_no_member_key_in_a_trace_log() {
    use psa_clients::auth::ConnectWiseConfig;
    use psa_clients::pipeline::{Pipeline, PLACEHOLDER_BASE};
    use wiremock::matchers::method;

    let server = MockServer::start().await;
    Mock::given(path("/login/companyinfo/acme"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            common::fixture("connectwise/login_companyinfo.json"),
            "application/json",
        ))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v2017_3/apis/3.0/system/members/jdoe/tokens"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "publicKey": "member-pub", "privateKey": "MEMBER-PRIVATE-88",
            "expiration": "2023-11-14T22:33:20Z"
        })))
        .mount(&server)
        .await;
    Mock::given(path("/v2017_3/apis/3.0/service/tickets/5"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"id": 5})))
        .mount(&server)
        .await;
    let (transport, _clock) = transport(exact_policy(1));
    let config = ConnectWiseConfig::new(
        &server.uri(),
        "acme",
        "pubkey",
        Secret::new("API-PRIVATE-99"),
        "client-123",
    )
    .expect("site")
    .with_member_impersonation("jdoe");
    let pipeline = Pipeline::connectwise(transport, config).expect("config");
    let request = pipeline
        .transport()
        .client()
        .get(format!("{PLACEHOLDER_BASE}/service/tickets/5"))
        .build()
        .expect("request");
    let meta = psa_clients::transport::OperationMeta::new(
        psa_clients::transport::Vendor::ConnectWise,
        "getServiceTicketsById",
        Method::GET,
        "/service/tickets/{id}",
    );

    let (guard, captured) = common::capture_trace();
    pipeline.send(request, meta).await.expect("call");
    drop(guard);

    let log = captured.text();
    assert!(
        log.contains("postSystemMembersByMemberIdentifierTokens"),
        "{log}"
    );
    // base64("acme+member-pub:MEMBER-PRIVATE-88") and the API member's own pair.
    for secret in [
        "MEMBER-PRIVATE-88",
        "YWNtZSttZW1iZXItcHViOk1FTUJFUi1QUklWQVRFLTg4",
        "API-PRIVATE-99",
    ] {
        assert!(!log.contains(secret), "{secret} in the log:\n{log}");
    }
}

#[tokio::test]
async fn opted_in_body_logging_redacts_secret_keys_and_is_bounded() {
    use psa_clients::transport::{classify_logging, BodyLogging, Clock as _};

    let server = MockServer::start().await;
    let long = "x".repeat(10_000);
    let body = serde_json::json!({
        "id": 7,
        "summary": "printer on fire",
        "Password": "PW-1",
        "nested": {"apiIntegrationCode": "AIC-2", "list": [{"access_token": "AT-3"}]},
        "privateKey": {"value": "PK-4"},
        "SecretKey": "SK-5",
        "notes": long,
    });
    Mock::given(path("/Tickets/7"))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .mount(&server)
        .await;
    let (transport, clock) = transport(exact_policy(1));
    let meta = op(Method::GET, "/Tickets/{id}");
    let request = transport
        .client()
        .get(format!("{}/Tickets/7", server.uri()))
        .build()
        .expect("request");

    let (guard, captured) = common::capture_trace();
    let response = transport.execute(request, meta.clone()).await.expect("ok");
    let logging = BodyLogging::redacted().with_max_len(256);
    classify_logging(response, &meta, clock.now(), &logging)
        .await
        .expect("ok");
    drop(guard);

    let log = captured.text();
    assert!(log.contains("\"id\":7"), "{log}");
    assert!(log.contains("printer on fire"), "{log}");
    assert!(log.contains("[redacted]"), "{log}");
    for secret in ["PW-1", "AIC-2", "AT-3", "PK-4", "SK-5"] {
        assert!(!log.contains(secret), "{secret} in the log:\n{log}");
    }
    assert!(!log.contains(&"x".repeat(300)), "body not cut:\n{log}");
}

#[tokio::test]
async fn auth_path_bodies_are_never_logged_even_when_bodies_are() {
    use psa_clients::transport::{classify_logging, BodyLogging, Clock as _};

    let server = MockServer::start().await;
    Mock::given(path("/login"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(serde_json::json!({"id": "AUTH-BODY-ID-6", "accessToken": "AT-7"})),
        )
        .mount(&server)
        .await;
    let (transport, clock) = transport(exact_policy(1));
    let meta = op(Method::POST, "/login").with_auth_path();
    let request = transport
        .client()
        .post(format!("{}/login", server.uri()))
        .build()
        .expect("request");

    let (guard, captured) = common::capture_trace();
    let response = transport.execute(request, meta.clone()).await.expect("ok");
    classify_logging(response, &meta, clock.now(), &BodyLogging::redacted())
        .await
        .expect("ok");
    drop(guard);

    let log = captured.text();
    assert!(log.contains("psa.request"), "{log}");
    assert!(
        !log.contains("AUTH-BODY-ID-6") && !log.contains("AT-7"),
        "{log}"
    );
}

#[tokio::test]
async fn the_transport_builder_opt_in_logs_api_bodies_redacted() {
    use std::sync::Arc;

    let server = MockServer::start().await;
    Mock::given(path("/Tickets/7"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(
                serde_json::json!({"id": 7, "summary": "visible", "password": "PW-8"}),
            ),
        )
        .mount(&server)
        .await;
    let transport = psa_clients::transport::Transport::builder()
        .retry_policy(exact_policy(1))
        .clock(Arc::new(psa_clients::transport::ManualClock::new(
            common::start_time(),
        )))
        .log_response_bodies(true)
        .build()
        .expect("transport");
    let meta = op(Method::GET, "/Tickets/{id}");
    let request = transport
        .client()
        .get(format!("{}/Tickets/7", server.uri()))
        .build()
        .expect("request");
    let (guard, captured) = common::capture_trace();
    let response = transport.execute(request, meta.clone()).await.expect("ok");
    transport.classify(response, &meta).await.expect("ok");
    drop(guard);
    let log = captured.text();
    assert!(
        log.contains("visible") && log.contains("[redacted]"),
        "{log}"
    );
    assert!(!log.contains("PW-8"), "{log}");
}
