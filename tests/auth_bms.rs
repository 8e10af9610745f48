//! Kaseya BMS login, refresh and recovery through the pipeline, against a
//! wiremock server on 127.0.0.1 and a manual clock (no real waits).

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use chrono::{DateTime, SecondsFormat, Utc};
use common::{exact_policy, header_of, requests_to, transport};
use psa_clients::auth::{BmsConfig, BmsRegion};
use psa_clients::error::VendorBody;
use psa_clients::pipeline::{Answer, Pipeline, PLACEHOLDER_BASE};
use psa_clients::secret::Secret;
use psa_clients::transport::{Clock, ManualClock, OperationMeta, Vendor};
use psa_clients::Error;
use reqwest::{Method, StatusCode, Url};
use serde_json::{json, Value};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

const PASSWORD: &str = "pw-VERY-secret-1";
/// RFC 6238's SHA-1 seed "12345678901234567890" in base32.
const SEED: &str = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
/// The code for SEED at `common::start_time()` (1 700 000 000 s), computed
/// independently with Python's hmac module.
const CODE_AT_START: &str = "921300";
const LOGIN: &str = "/v2/security/authenticate";
const REFRESH: &str = "/v2/security/refreshtoken";
const TICKET: &str = "/v2/servicedesk/tickets/7";

/// Answers each call with tokens numbered by the call count, so a test can
/// tell which login or refresh a bearer token came from. Access tokens live
/// 600 s, refresh tokens 3600 s, from the (manual) clock's now.
struct Tokens {
    prefix: &'static str,
    calls: AtomicUsize,
    camel_case: bool,
    clock: ManualClock,
}

impl Respond for Tokens {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let n = self.calls.fetch_add(1, Ordering::SeqCst) + 1;
        let access = format!("{}-access-{n}", self.prefix);
        let refresh = format!("{}-refresh-{n}", self.prefix);
        let now: DateTime<Utc> = self.clock.now().into();
        let at = |secs| now + chrono::Duration::seconds(secs);
        let body = if self.camel_case {
            json!({"success": true, "error": null, "result": {
                "accessToken": access, "refreshToken": refresh,
                "accessTokenExpireOn": at(600).to_rfc3339_opts(SecondsFormat::Secs, true),
                "refreshTokenExpireOn": at(3600).to_rfc3339_opts(SecondsFormat::Secs, true)}})
        } else {
            // .NET style: seven fractional digits, no offset.
            let dotnet = |time: DateTime<Utc>| time.format("%Y-%m-%dT%H:%M:%S.0000000").to_string();
            json!({"Success": true, "Error": null, "Result": {
                "AccessToken": access, "RefreshToken": refresh,
                "AccessTokenExpireOn": dotnet(at(600)),
                "RefreshTokenExpireOn": dotnet(at(3600))}})
        };
        ResponseTemplate::new(200).set_body_json(body)
    }
}

struct Setup {
    server: MockServer,
    pipeline: Pipeline,
    clock: ManualClock,
}

async fn setup(totp: bool) -> Setup {
    setup_with(totp, 1).await
}

async fn setup_with(totp: bool, max_attempts: u32) -> Setup {
    let server = MockServer::start().await;
    let (transport, clock) = transport(exact_policy(max_attempts));
    let host = Url::parse(&server.uri()).expect("server URL");
    let mut config = BmsConfig::new(
        BmsRegion::Custom(host),
        "acme",
        "api@acme.example",
        Secret::new(PASSWORD),
    );
    if totp {
        config = config.with_totp_secret(Secret::new(SEED));
    }
    let pipeline = Pipeline::bms(transport, config).expect("valid config");
    Setup {
        server,
        pipeline,
        clock,
    }
}

fn tokens(s: &Setup, prefix: &'static str, camel_case: bool) -> Tokens {
    Tokens {
        prefix,
        calls: AtomicUsize::new(0),
        camel_case,
        clock: s.clock.clone(),
    }
}

async fn mount_login(s: &Setup, camel_case: bool) {
    Mock::given(method("POST"))
        .and(path(LOGIN))
        .respond_with(tokens(s, "login", camel_case))
        .mount(&s.server)
        .await;
}

async fn mount_refresh(s: &Setup) {
    Mock::given(method("POST"))
        .and(path(REFRESH))
        .respond_with(tokens(s, "refreshed", false))
        .mount(&s.server)
        .await;
}

async fn mount_ticket(server: &MockServer, template: ResponseTemplate) {
    Mock::given(method("GET"))
        .and(path(TICKET))
        .respond_with(template)
        .mount(server)
        .await;
}

fn ok_envelope() -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({"Success": true, "Result": {"Id": 7}}))
}

async fn get_ticket(pipeline: &Pipeline) -> Result<Answer, Error> {
    let request = pipeline
        .transport()
        .client()
        .get(format!("{PLACEHOLDER_BASE}{TICKET}"))
        .build()
        .expect("request");
    let op = OperationMeta::new(
        Vendor::Bms,
        "GetTicket",
        Method::GET,
        "/v2/servicedesk/tickets/{id}",
    );
    pipeline.send(request, op).await
}

fn bearer(request: &Request) -> String {
    header_of(request, "authorization")
}

/// The fields of an application/x-www-form-urlencoded body, in order.
fn form_fields(request: &Request) -> Vec<(String, String)> {
    let content_type = header_of(request, "content-type");
    assert_eq!(content_type, "application/x-www-form-urlencoded");
    let body = String::from_utf8(request.body.clone()).expect("text form");
    let url = Url::parse(&format!("http://form.invalid/?{body}")).expect("form as a query");
    url.query_pairs()
        .map(|(name, value)| (name.into_owned(), value.into_owned()))
        .collect()
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

#[tokio::test]
async fn login_sends_the_exact_form_with_the_rfc6238_code_and_uses_the_bearer_token() {
    let s = setup(true).await;
    mount_login(&s, true).await;
    mount_ticket(&s.server, ok_envelope()).await;

    let success = get_ticket(&s.pipeline).await.expect("call succeeds");
    assert_eq!(success.status, StatusCode::OK);
    assert_eq!(
        serde_json::from_slice::<Value>(&success.body).expect("json"),
        json!({"Success": true, "Result": {"Id": 7}})
    );

    let logins = requests_to(&s.server, LOGIN).await;
    assert_eq!(logins.len(), 1);
    assert_eq!(
        form_fields(&logins[0]),
        pairs(&[
            ("GrantType", "password"),
            ("UserName", "api@acme.example"),
            ("Password", PASSWORD),
            ("Tenant", "acme"),
            ("MFACode", CODE_AT_START),
        ])
    );
    let calls = requests_to(&s.server, TICKET).await;
    assert_eq!(calls.len(), 1);
    assert_eq!(bearer(&calls[0]), "Bearer login-access-1");
}

#[tokio::test]
async fn without_a_totp_seed_no_mfa_code_is_sent() {
    let s = setup(false).await;
    mount_login(&s, false).await;
    mount_ticket(&s.server, ok_envelope()).await;

    get_ticket(&s.pipeline).await.expect("call succeeds");
    let logins = requests_to(&s.server, LOGIN).await;
    let names: Vec<String> = form_fields(&logins[0])
        .into_iter()
        .map(|(name, _)| name)
        .collect();
    assert_eq!(names, ["GrantType", "UserName", "Password", "Tenant"]);
}

#[tokio::test]
async fn token_is_refreshed_60s_before_it_expires_and_not_earlier() {
    let s = setup(true).await;
    mount_login(&s, false).await;
    mount_refresh(&s).await;
    mount_ticket(&s.server, ok_envelope()).await;

    get_ticket(&s.pipeline).await.expect("first call");
    // 530 s in: 70 s left, more than the 60 s skew.
    s.clock.advance(Duration::from_secs(530));
    get_ticket(&s.pipeline).await.expect("second call");
    assert_eq!(requests_to(&s.server, REFRESH).await.len(), 0);
    // 550 s in: 50 s left, inside the skew.
    s.clock.advance(Duration::from_secs(20));
    get_ticket(&s.pipeline).await.expect("third call");

    let refreshes = requests_to(&s.server, REFRESH).await;
    assert_eq!(refreshes.len(), 1);
    assert_eq!(
        form_fields(&refreshes[0]),
        pairs(&[
            ("AccessToken", "login-access-1"),
            ("RefreshToken", "login-refresh-1"),
        ])
    );
    assert_eq!(requests_to(&s.server, LOGIN).await.len(), 1);
    let tokens: Vec<String> = requests_to(&s.server, TICKET)
        .await
        .iter()
        .map(bearer)
        .collect();
    assert_eq!(
        tokens,
        [
            "Bearer login-access-1",
            "Bearer login-access-1",
            "Bearer refreshed-access-1"
        ]
    );
}

#[tokio::test]
async fn rejected_refresh_falls_back_to_a_full_login() {
    let s = setup(true).await;
    mount_login(&s, true).await;
    Mock::given(path(REFRESH))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "Success": false,
            "Error": {"Code": 401, "Message": "Invalid refresh token"}
        })))
        .mount(&s.server)
        .await;
    mount_ticket(&s.server, ok_envelope()).await;

    get_ticket(&s.pipeline).await.expect("first call");
    s.clock.advance(Duration::from_secs(590));
    get_ticket(&s.pipeline).await.expect("second call");

    assert_eq!(requests_to(&s.server, REFRESH).await.len(), 1);
    assert_eq!(requests_to(&s.server, LOGIN).await.len(), 2);
    let last = requests_to(&s.server, TICKET).await;
    assert_eq!(bearer(&last[1]), "Bearer login-access-2");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn expired_tokens_and_100_concurrent_calls_cause_exactly_one_login() {
    let s = setup(true).await;
    mount_login(&s, true).await;
    mount_refresh(&s).await;
    mount_ticket(&s.server, ok_envelope()).await;
    get_ticket(&s.pipeline).await.expect("first call");
    // Past both expiries: no refresh possible, a login is needed.
    s.clock.advance(Duration::from_secs(7200));

    let mut calls = tokio::task::JoinSet::new();
    for _ in 0..100 {
        let pipeline = s.pipeline.clone();
        calls.spawn(async move { get_ticket(&pipeline).await.map(|success| success.status) });
    }
    while let Some(result) = calls.join_next().await {
        assert_eq!(result.expect("task").expect("call"), StatusCode::OK);
    }

    assert_eq!(requests_to(&s.server, LOGIN).await.len(), 2);
    assert_eq!(requests_to(&s.server, REFRESH).await.len(), 0);
    let tickets = requests_to(&s.server, TICKET).await;
    assert_eq!(tickets.len(), 101);
    assert!(tickets[1..]
        .iter()
        .all(|request| bearer(request) == "Bearer login-access-2"));
}

#[tokio::test]
async fn a_401_is_recovered_by_one_refresh_and_one_resend() {
    let s = setup(true).await;
    mount_login(&s, true).await;
    mount_refresh(&s).await;
    // The server revoked the first token early.
    Mock::given(path(TICKET))
        .and(header("authorization", "Bearer login-access-1"))
        .respond_with(ResponseTemplate::new(401))
        .mount(&s.server)
        .await;
    mount_ticket(&s.server, ok_envelope()).await;

    let success = get_ticket(&s.pipeline).await.expect("recovered");
    assert_eq!(success.status, StatusCode::OK);
    assert_eq!(requests_to(&s.server, REFRESH).await.len(), 1);
    let tokens: Vec<String> = requests_to(&s.server, TICKET)
        .await
        .iter()
        .map(bearer)
        .collect();
    assert_eq!(
        tokens,
        ["Bearer login-access-1", "Bearer refreshed-access-1"]
    );
}

#[tokio::test]
async fn a_persistent_401_gets_exactly_one_refresh_and_retry_then_the_error() {
    let s = setup(true).await;
    mount_login(&s, true).await;
    mount_refresh(&s).await;
    mount_ticket(
        &s.server,
        ResponseTemplate::new(401).set_body_json(json!({"Message": "Unauthorized"})),
    )
    .await;

    let err = get_ticket(&s.pipeline).await.expect_err("401 twice");
    assert!(
        matches!(err, Error::Authentication { status, operation_id: "GetTicket", .. } if status == StatusCode::UNAUTHORIZED),
        "{err:?}"
    );
    assert_eq!(requests_to(&s.server, LOGIN).await.len(), 1);
    assert_eq!(requests_to(&s.server, REFRESH).await.len(), 1);
    assert_eq!(requests_to(&s.server, TICKET).await.len(), 2);
}

#[tokio::test]
async fn success_false_at_http_200_is_a_vendor_error_with_code_and_message() {
    let s = setup(true).await;
    mount_login(&s, true).await;
    mount_ticket(
        &s.server,
        ResponseTemplate::new(200).set_body_json(json!({
            "Success": false,
            "Error": {"Code": 1001, "Message": "Ticket does not exist"},
            "Result": null
        })),
    )
    .await;

    let err = get_ticket(&s.pipeline).await.expect_err("envelope failure");
    let Error::Vendor {
        operation_id,
        status,
        body: VendorBody::Json(body),
    } = &err
    else {
        panic!("expected Error::Vendor, got {err:?}");
    };
    assert_eq!(*operation_id, "GetTicket");
    assert_eq!(*status, StatusCode::OK);
    assert_eq!(body["Error"]["Code"], 1001);
    let text = err.to_string();
    assert!(
        text.contains("1001") && text.contains("Ticket does not exist"),
        "{text}"
    );
}

#[tokio::test]
async fn failed_login_is_an_authentication_error_that_leaks_no_secret() {
    let s = setup(true).await;
    Mock::given(path(LOGIN))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "success": false,
            "error": {"code": 401, "message": "Invalid username or password"}
        })))
        .mount(&s.server)
        .await;

    let err = get_ticket(&s.pipeline).await.expect_err("login refused");
    let Error::Authentication {
        operation_id, body, ..
    } = &err
    else {
        panic!("expected Error::Authentication, got {err:?}");
    };
    assert_eq!(*operation_id, "Authenticate");
    assert!(body.to_string().contains("Invalid username or password"));
    assert_eq!(requests_to(&s.server, TICKET).await.len(), 0);

    let shown = format!("{err} {err:?} {:?}", s.pipeline);
    for secret in [PASSWORD, SEED, CODE_AT_START] {
        assert!(!shown.contains(secret), "{secret} leaked: {shown}");
    }
}

#[tokio::test]
async fn login_answered_400_is_an_authentication_error() {
    let s = setup(false).await;
    Mock::given(path(LOGIN))
        .respond_with(
            ResponseTemplate::new(400).set_body_json(json!({"Message": "Tenant not found"})),
        )
        .mount(&s.server)
        .await;
    let err = get_ticket(&s.pipeline).await.expect_err("login refused");
    assert!(
        matches!(err, Error::Authentication { status, .. } if status == StatusCode::BAD_REQUEST),
        "{err:?}"
    );
}

#[tokio::test]
async fn tokens_and_config_secrets_never_show_in_debug() {
    let s = setup(true).await;
    mount_login(&s, true).await;
    mount_ticket(&s.server, ok_envelope()).await;
    get_ticket(&s.pipeline).await.expect("call");

    let config = BmsConfig::new(BmsRegion::Us, "acme", "u", Secret::new(PASSWORD))
        .with_totp_secret(Secret::new(SEED));
    // The pipeline now caches tokens; its Debug shows neither them nor the
    // credentials.
    let shown = format!("{config:?} {:?}", s.pipeline);
    for secret in [PASSWORD, SEED, "login-access-1", "login-refresh-1"] {
        assert!(!shown.contains(secret), "{secret} leaked: {shown}");
    }
}

#[test]
fn regions_map_to_the_documented_hosts() {
    let host = |region: BmsRegion| region.base_url().to_string();
    assert_eq!(host(BmsRegion::Us), "https://api.bms.kaseya.com/");
    assert_eq!(host(BmsRegion::Emea), "https://api.bmsemea.kaseya.com/");
    assert_eq!(host(BmsRegion::Apac), "https://api.bmsapac.kaseya.com/");
}

#[test]
fn an_invalid_totp_seed_is_refused_before_sending() {
    let (transport, _) = transport(exact_policy(1));
    let config = BmsConfig::new(BmsRegion::Us, "acme", "u", Secret::new("pw"))
        .with_totp_secret(Secret::new("1nv@lid-seed"));
    let err = Pipeline::bms(transport, config).expect_err("bad seed");
    assert!(matches!(err, Error::Config { .. }), "{err:?}");
    assert!(!err.to_string().contains("1nv@lid-seed"));
}

#[tokio::test]
async fn a_token_that_arrives_expired_is_used_until_a_401_instead_of_logging_in_per_call() {
    let s = setup(false).await;
    // Expired an hour before the (manual) start time: the server's clock
    // and ours disagree.
    Mock::given(path(LOGIN))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "Success": true,
            "Result": {"AccessToken": "skewed", "RefreshToken": "r",
                       "AccessTokenExpireOn": "2023-11-14T21:13:20Z",
                       "RefreshTokenExpireOn": "2023-11-14T21:13:20Z"}
        })))
        .mount(&s.server)
        .await;
    mount_ticket(&s.server, ok_envelope()).await;

    for _ in 0..3 {
        get_ticket(&s.pipeline).await.expect("call");
    }
    assert_eq!(requests_to(&s.server, LOGIN).await.len(), 1);
    let tickets = requests_to(&s.server, TICKET).await;
    assert!(tickets
        .iter()
        .all(|request| bearer(request) == "Bearer skewed"));
}

/// Answers the first `busy` calls with 429 and `Retry-After: 7`, then hands
/// over to `then`.
struct BusyFirst {
    busy: usize,
    calls: AtomicUsize,
    then: Tokens,
}

impl Respond for BusyFirst {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        if self.calls.fetch_add(1, Ordering::SeqCst) < self.busy {
            return ResponseTemplate::new(429)
                .insert_header("Retry-After", "7")
                .set_body_json(json!({"Message": "Too many requests"}));
        }
        self.then.respond(request)
    }
}

#[tokio::test]
async fn a_429_on_login_and_refresh_is_retried_after_retry_after_with_the_same_urlencoded_form() {
    let s = setup_with(false, 3).await;
    for (at, prefix) in [(LOGIN, "login"), (REFRESH, "refreshed")] {
        Mock::given(method("POST"))
            .and(path(at))
            .respond_with(BusyFirst {
                busy: 1,
                calls: AtomicUsize::new(0),
                then: tokens(&s, prefix, true),
            })
            .mount(&s.server)
            .await;
    }
    mount_ticket(&s.server, ok_envelope()).await;

    get_ticket(&s.pipeline).await.expect("login retried");
    let logins = requests_to(&s.server, LOGIN).await;
    assert_eq!(logins.len(), 2);
    let expected = pairs(&[
        ("GrantType", "password"),
        ("UserName", "api@acme.example"),
        ("Password", PASSWORD),
        ("Tenant", "acme"),
    ]);
    for login in &logins {
        assert_eq!(form_fields(login), expected);
    }
    assert_eq!(s.clock.sleeps(), [Duration::from_secs(7)]);

    // 550 s after the login (7 s of which were the wait): inside the skew.
    s.clock.advance(Duration::from_secs(550));
    get_ticket(&s.pipeline).await.expect("refresh retried");
    let refreshes = requests_to(&s.server, REFRESH).await;
    assert_eq!(refreshes.len(), 2);
    for refresh in &refreshes {
        assert_eq!(
            form_fields(refresh),
            pairs(&[
                ("AccessToken", "login-access-1"),
                ("RefreshToken", "login-refresh-1"),
            ])
        );
    }
    assert_eq!(requests_to(&s.server, LOGIN).await.len(), 2);
    let last = requests_to(&s.server, TICKET).await;
    assert_eq!(bearer(&last[1]), "Bearer refreshed-access-1");
}

#[tokio::test]
async fn form_values_are_percent_encoded() {
    let server = MockServer::start().await;
    let (transport, clock) = transport(exact_policy(1));
    let host = Url::parse(&server.uri()).expect("server URL");
    let password = "p&ss=w rd+%/ü";
    let config = BmsConfig::new(
        BmsRegion::Custom(host),
        "acme & co",
        "api+1@acme.example",
        Secret::new(password),
    );
    let pipeline = Pipeline::bms(transport, config).expect("valid config");
    let s = Setup {
        server,
        pipeline,
        clock,
    };
    mount_login(&s, true).await;
    mount_ticket(&s.server, ok_envelope()).await;
    get_ticket(&s.pipeline).await.expect("call");
    let logins = requests_to(&s.server, LOGIN).await;
    assert_eq!(
        form_fields(&logins[0]),
        pairs(&[
            ("GrantType", "password"),
            ("UserName", "api+1@acme.example"),
            ("Password", password),
            ("Tenant", "acme & co"),
        ])
    );
    let raw = String::from_utf8(logins[0].body.clone()).expect("ascii");
    assert!(raw.is_ascii() && !raw.contains(' '), "{raw}");
}

/// The code for SEED at 1 700 000 010 s, the start of the TOTP step after
/// `common::start_time()` (computed independently with Python's hmac).
const CODE_NEXT_STEP: &str = "732303";

#[tokio::test]
async fn a_second_login_within_the_same_totp_step_waits_for_the_next_code() {
    let s = setup(true).await;
    mount_login(&s, true).await;
    // The server revoked the first token, and the refresh is refused: a
    // second login follows at once, still in the first code's 30 s step.
    Mock::given(path(TICKET))
        .and(header("authorization", "Bearer login-access-1"))
        .respond_with(ResponseTemplate::new(401))
        .mount(&s.server)
        .await;
    Mock::given(path(REFRESH))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "Success": false,
            "Error": {"Code": 401, "Message": "Invalid refresh token"}
        })))
        .mount(&s.server)
        .await;
    mount_ticket(&s.server, ok_envelope()).await;

    let success = get_ticket(&s.pipeline).await.expect("recovered");
    assert_eq!(success.status, StatusCode::OK);
    let logins = requests_to(&s.server, LOGIN).await;
    assert_eq!(logins.len(), 2);
    let code = |request: &Request| {
        form_fields(request)
            .into_iter()
            .find(|(name, _)| name == "MFACode")
            .map(|(_, value)| value)
    };
    assert_eq!(code(&logins[0]).as_deref(), Some(CODE_AT_START));
    assert_eq!(code(&logins[1]).as_deref(), Some(CODE_NEXT_STEP));
    // The start time is 20 s into its step: 10 s to the next one.
    assert_eq!(s.clock.sleeps(), [Duration::from_secs(10)]);
    let tickets = requests_to(&s.server, TICKET).await;
    assert_eq!(bearer(&tickets[1]), "Bearer login-access-2");
}

#[tokio::test]
async fn a_login_in_a_later_step_does_not_wait() {
    let s = setup(true).await;
    mount_login(&s, true).await;
    Mock::given(path(REFRESH))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({"Message": "expired"})))
        .mount(&s.server)
        .await;
    mount_ticket(&s.server, ok_envelope()).await;
    get_ticket(&s.pipeline).await.expect("first call");
    s.clock.advance(Duration::from_secs(590));
    get_ticket(&s.pipeline).await.expect("second call");
    assert_eq!(requests_to(&s.server, LOGIN).await.len(), 2);
    assert!(s.clock.sleeps().is_empty(), "{:?}", s.clock.sleeps());
}

#[test]
fn a_password_in_a_custom_host_url_is_never_shown_and_refused() {
    let host = Url::parse("https://user:URL-PASS-1@bms.example.com/").expect("url");
    let config = BmsConfig::new(BmsRegion::Custom(host), "acme", "u", Secret::new("pw"));
    let shown = format!("{config:?}");
    assert!(!shown.contains("URL-PASS-1"), "{shown}");
    assert!(shown.contains("bms.example.com"), "{shown}");
    let (transport, _) = transport(exact_policy(1));
    let err = Pipeline::bms(transport, config).expect_err("user info in the URL");
    assert!(matches!(err, Error::Config { .. }), "{err:?}");
    assert!(!format!("{err} {err:?}").contains("URL-PASS-1"));
}
