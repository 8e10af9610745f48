//! Scenario: faults, for all three vendors, through psa-clients' public API only, against the in-process
//! psa-emulator's fault injection.
//!
//! - A connection dropped after a create was applied: exactly one record in the emulator, and the caller gets a
//!   typed transport error that says the outcome is unknown (`Error::outcome_unknown()`: the request may have
//!   been applied) instead of a retry that would create a duplicate; a connection that was refused before
//!   anything was sent is not "unknown".
//! - A storm of 503s on reads: retried (on a manual clock, so nobody really waits) and the read succeeds.
//! - A token expired mid-run (BMS), a zone moved (Autotask), a codebase changed (ConnectWise): one recovery and
//!   one re-send, and when the recovery does not help, an error instead of a loop. Counted in the journal.
#![cfg(all(feature = "bms", feature = "autotask", feature = "connectwise-service"))]

mod common;

use std::sync::Arc;
use std::time::SystemTime;

use common::emulated;
use psa_clients::auth::{AutotaskConfig, BmsConfig, BmsRegion, ConnectWiseConfig};
use psa_clients::secret::Secret;
use psa_clients::transport::{ManualClock, Transport};
use psa_clients::Error;
use psa_emulator::{Emulator, FaultKind, FaultMatch, FaultRule, JournalEntry, Vendor};
use serde::de::DeserializeOwned;
use serde_json::{json, Value};

fn body<T: DeserializeOwned>(value: Value) -> T {
    serde_json::from_value(value).expect("a valid request body")
}

fn journal_where(emulator: &Emulator, keep: impl Fn(&JournalEntry) -> bool) -> Vec<JournalEntry> {
    emulator
        .control()
        .journal()
        .into_iter()
        .filter(keep)
        .collect()
}

fn statuses(entries: &[JournalEntry]) -> Vec<Option<u16>> {
    entries.iter().map(|e| e.status).collect()
}

/// A transport whose retry waits pass on a manual clock.
fn manual_transport() -> (Transport, ManualClock) {
    let clock = ManualClock::new(SystemTime::now());
    let transport = Transport::builder()
        .clock(Arc::new(clock.clone()))
        .build()
        .expect("a transport");
    (transport, clock)
}

fn connectwise_on(emulator: &Emulator, transport: Transport) -> psa_clients::connectwise::Client {
    let cw = emulator.credentials().connectwise;
    let config = ConnectWiseConfig::new(
        &cw.site,
        cw.company,
        cw.public_key,
        Secret::new(cw.private_key),
        cw.client_id,
    )
    .expect("a config");
    psa_clients::connectwise::Client::builder(config)
        .transport(transport)
        .build()
        .expect("a client")
}

fn autotask_on(emulator: &Emulator, transport: Transport) -> psa_clients::autotask::Client {
    let at = emulator.credentials().autotask;
    let config = AutotaskConfig::new(
        at.username,
        Secret::new(at.secret),
        Secret::new(at.integration_code),
    )
    .with_discovery_url(at.discovery_url.parse().expect("a URL"));
    psa_clients::autotask::Client::builder(config)
        .transport(transport)
        .build()
        .expect("a client")
}

fn bms_on(emulator: &Emulator, transport: Transport) -> psa_clients::bms::Client {
    let bms = emulator.credentials().bms;
    let config = BmsConfig::new(
        BmsRegion::Custom(bms.host.parse().expect("a URL")),
        bms.tenant,
        bms.api_username,
        Secret::new(bms.api_password),
    );
    psa_clients::bms::Client::builder(config)
        .transport(transport)
        .build()
        .expect("a client")
}

/// The MFA (TOTP) user, on `transport`.
fn bms_totp_on(emulator: &Emulator, transport: Transport) -> psa_clients::bms::Client {
    let bms = emulator.credentials().bms;
    let config = BmsConfig::new(
        BmsRegion::Custom(bms.host.parse().expect("a URL")),
        bms.tenant,
        bms.username,
        Secret::new(bms.password),
    )
    .with_totp_secret(Secret::new(bms.totp_secret));
    psa_clients::bms::Client::builder(config)
        .transport(transport)
        .build()
        .expect("a client")
}

fn is_api(e: &JournalEntry, method: &str, suffix: &str) -> bool {
    e.method == method
        && e.path
            .to_ascii_lowercase()
            .ends_with(&suffix.to_ascii_lowercase())
}

// ---- a dropped connection after a create ----

#[tokio::test]
async fn connectwise_create_dropped_after_apply_leaves_one_ticket_and_a_transport_error() {
    let emulator = emulated::emulator().await;
    let cw = emulated::connectwise(&emulator);
    emulator.control().inject(FaultRule::new(
        FaultMatch::vendor(Vendor::ConnectWise)
            .method("POST")
            .path("/service/tickets"),
        FaultKind::DropAfterApply,
        1,
    ));
    let err = cw
        .service()
        .post_service_tickets()
        .body(body::<psa_clients::connectwise::types::Ticket>(json!({
            "summary": "Dropped after apply", "board": {"name": "Integration"}, "company": {"id": 1}
        })))
        .send()
        .await
        .expect_err("no answer came back");
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    assert!(
        err.outcome_unknown(),
        "sent, no answer: it may have been applied"
    );
    assert!(err.status().is_none(), "no status: the outcome is unknown");
    // The message says what the variant means: this create may have happened.
    assert!(
        err.to_string().contains(
            "request failed after it was sent (outcome unknown: it may have been applied)"
        ),
        "{err}"
    );
    let created: Vec<_> = emulator
        .control()
        .records(Vendor::ConnectWise, "service/tickets")
        .into_iter()
        .filter(|t| t["summary"] == "Dropped after apply")
        .collect();
    assert_eq!(created.len(), 1, "applied exactly once");
    let posts = journal_where(&emulator, |e| {
        is_api(e, "POST", "/apis/3.0/service/tickets")
    });
    assert_eq!(statuses(&posts), vec![None], "sent once, never re-sent");
}

#[tokio::test]
async fn autotask_create_dropped_after_apply_leaves_one_ticket_and_a_transport_error() {
    let emulator = emulated::emulator().await;
    let at = emulated::autotask(&emulator);
    emulator.control().inject(FaultRule::new(
        FaultMatch::vendor(Vendor::Autotask)
            .method("POST")
            .path("/V1.0/Tickets"),
        FaultKind::DropAfterApply,
        1,
    ));
    let err = at
        .tickets_create_entity()
        .body(body::<psa_clients::autotask::types::TicketModel>(json!({
            "companyID": 29683600, "title": "Dropped after apply", "status": 1, "priority": 2
        })))
        .send()
        .await
        .expect_err("no answer came back");
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    assert!(
        err.outcome_unknown(),
        "sent, no answer: it may have been applied"
    );
    assert!(err.status().is_none());
    let created: Vec<_> = emulator
        .control()
        .records(Vendor::Autotask, "Tickets")
        .into_iter()
        .filter(|t| t["title"] == "Dropped after apply")
        .collect();
    assert_eq!(created.len(), 1, "applied exactly once");
    let posts = journal_where(&emulator, |e| is_api(e, "POST", "/V1.0/Tickets"));
    assert_eq!(statuses(&posts), vec![None], "sent once, never re-sent");
}

#[tokio::test]
async fn bms_create_dropped_after_apply_leaves_one_ticket_and_a_transport_error() {
    let emulator = emulated::emulator().await;
    let bms = emulated::bms_api_employee(&emulator);
    emulator.control().inject(FaultRule::new(
        FaultMatch::vendor(Vendor::Bms)
            .method("POST")
            .path("/servicedesk/tickets"),
        FaultKind::DropAfterApply,
        1,
    ));
    let err = bms
        .create_ticket()
        .body(body::<psa_clients::bms::types::TicketInputDto>(json!({
            "accountId": 1, "locationId": 11, "title": "Dropped after apply", "details": "x",
            "openDate": "2025-03-01T09:00:00Z", "priorityId": 2, "statusId": 1, "typeId": 1, "sourceId": 1
        })))
        .send()
        .await
        .expect_err("no answer came back");
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    assert!(
        err.outcome_unknown(),
        "sent, no answer: it may have been applied"
    );
    assert!(err.status().is_none());
    let created: Vec<_> = emulator
        .control()
        .records(Vendor::Bms, "tickets")
        .into_iter()
        .filter(|t| t["title"] == "Dropped after apply")
        .collect();
    assert_eq!(created.len(), 1, "applied exactly once");
    let posts = journal_where(&emulator, |e| is_api(e, "POST", "/v2/servicedesk/tickets"));
    assert_eq!(statuses(&posts), vec![None], "sent once, never re-sent");
}

#[tokio::test]
async fn a_503_on_a_create_is_not_retried_and_creates_nothing() {
    let emulator = emulated::emulator().await;
    let (transport, clock) = manual_transport();
    let cw = connectwise_on(&emulator, transport);
    emulator.control().inject(FaultRule::new(
        FaultMatch::vendor(Vendor::ConnectWise)
            .method("POST")
            .path("/service/tickets"),
        FaultKind::Unavailable { retry_after: None },
        5,
    ));
    let err = cw
        .service()
        .post_service_tickets()
        .body(body::<psa_clients::connectwise::types::Ticket>(json!({
            "summary": "Refused by the load balancer", "board": {"name": "Integration"}, "company": {"id": 1}
        })))
        .send()
        .await
        .expect_err("503");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503), "{err:?}");
    let posts = journal_where(&emulator, |e| {
        is_api(e, "POST", "/apis/3.0/service/tickets")
    });
    assert_eq!(
        statuses(&posts),
        vec![Some(503)],
        "a write is not re-sent on a 5xx"
    );
    assert!(clock.sleeps().is_empty());
    assert!(!emulator
        .control()
        .records(Vendor::ConnectWise, "service/tickets")
        .iter()
        .any(|t| t["summary"] == "Refused by the load balancer"));
}

// ---- a 503 storm on reads ----

#[tokio::test]
async fn a_503_storm_on_connectwise_reads_is_retried_and_succeeds() {
    let emulator = emulated::emulator().await;
    let (transport, clock) = manual_transport();
    let cw = connectwise_on(&emulator, transport);
    emulator.control().inject(FaultRule::new(
        FaultMatch::vendor(Vendor::ConnectWise)
            .method("GET")
            .path("/service/tickets/3"),
        FaultKind::Unavailable { retry_after: None },
        3,
    ));
    let ticket = cw
        .service()
        .get_service_tickets_by_id()
        .id(3)
        .send()
        .await
        .expect("retried through the storm")
        .into_inner();
    assert_eq!(ticket.id, Some(3));
    let reads = journal_where(&emulator, |e| {
        is_api(e, "GET", "/apis/3.0/service/tickets/3")
    });
    assert_eq!(
        statuses(&reads),
        vec![Some(503), Some(503), Some(503), Some(200)]
    );
    assert_eq!(clock.sleeps().len(), 3, "one backoff per retry");
}

#[tokio::test]
async fn a_503_storm_on_autotask_reads_is_retried_and_succeeds() {
    let emulator = emulated::emulator().await;
    let (transport, clock) = manual_transport();
    let at = autotask_on(&emulator, transport);
    emulator.control().inject(FaultRule::new(
        FaultMatch::vendor(Vendor::Autotask)
            .method("GET")
            .path("/V1.0/Tickets/7001"),
        FaultKind::Unavailable { retry_after: None },
        3,
    ));
    let ticket = at
        .tickets_query_item()
        .id(7001)
        .send()
        .await
        .expect("retried through the storm")
        .into_inner();
    assert_eq!(ticket.item.map(|t| t.id()), Some(7001));
    let reads = journal_where(&emulator, |e| is_api(e, "GET", "/V1.0/Tickets/7001"));
    assert_eq!(
        statuses(&reads),
        vec![Some(503), Some(503), Some(503), Some(200)]
    );
    assert_eq!(clock.sleeps().len(), 3);
}

#[tokio::test]
async fn a_503_storm_on_bms_reads_is_retried_and_succeeds() {
    let emulator = emulated::emulator().await;
    let (transport, clock) = manual_transport();
    let bms = bms_on(&emulator, transport);
    emulator.control().inject(FaultRule::new(
        FaultMatch::vendor(Vendor::Bms)
            .method("GET")
            .path("/servicedesk/tickets/9"),
        FaultKind::Unavailable { retry_after: None },
        3,
    ));
    let ticket = bms
        .get_ticket()
        .ticket_id(9)
        .send()
        .await
        .expect("retried through the storm")
        .into_inner();
    assert_eq!(ticket.result.and_then(|t| t.id), Some(9));
    let reads = journal_where(&emulator, |e| is_api(e, "GET", "/v2/servicedesk/tickets/9"));
    assert_eq!(
        statuses(&reads),
        vec![Some(503), Some(503), Some(503), Some(200)]
    );
    assert_eq!(clock.sleeps().len(), 3);
}

// ---- one recovery, no loop ----

fn bms_auth(emulator: &Emulator) -> (usize, usize) {
    let logins = journal_where(emulator, |e| e.path == "/v2/security/authenticate").len();
    let refreshes = journal_where(emulator, |e| e.path == "/v2/security/refreshtoken").len();
    (logins, refreshes)
}

#[tokio::test]
async fn bms_token_expired_mid_run_is_refreshed_once() {
    let emulator = emulated::emulator().await;
    let bms = emulated::bms_api_employee(&emulator);
    bms.get_ticket()
        .ticket_id(1)
        .send()
        .await
        .expect("first call");
    assert_eq!(bms_auth(&emulator), (1, 0));

    emulator.control().expire_access_tokens();
    let ticket = bms
        .get_ticket()
        .ticket_id(2)
        .send()
        .await
        .expect("recovered")
        .into_inner();
    assert_eq!(ticket.result.and_then(|t| t.id), Some(2));
    assert_eq!(bms_auth(&emulator), (1, 1), "one refresh, no new login");
    let reads = journal_where(&emulator, |e| is_api(e, "GET", "/v2/servicedesk/tickets/2"));
    assert_eq!(statuses(&reads), vec![Some(401), Some(200)], "one re-send");

    // Later calls use the refreshed token: no more auth traffic.
    bms.get_ticket()
        .ticket_id(3)
        .send()
        .await
        .expect("later call");
    assert_eq!(bms_auth(&emulator), (1, 1));
}

#[tokio::test]
async fn bms_refresh_token_expired_too_logs_in_again_once() {
    let emulator = emulated::emulator().await;
    // A second login must not reuse the TOTP code of the first: the client waits for the next 30 s step on
    // its transport's clock, a manual one here, so the test does not really wait.
    let (transport, clock) = manual_transport();
    let bms = bms_totp_on(&emulator, transport);
    bms.get_ticket()
        .ticket_id(1)
        .send()
        .await
        .expect("first call");
    assert_eq!(bms_auth(&emulator), (1, 0));
    emulator.control().expire_tokens();
    bms.get_ticket()
        .ticket_id(2)
        .send()
        .await
        .expect("recovered");
    let (logins, refreshes) = bms_auth(&emulator);
    assert_eq!(logins, 2, "one new login (with a fresh TOTP code)");
    assert!(
        refreshes <= 1,
        "at most the one refused refresh: {refreshes}"
    );
    let reads = journal_where(&emulator, |e| is_api(e, "GET", "/v2/servicedesk/tickets/2"));
    assert_eq!(statuses(&reads), vec![Some(401), Some(200)]);
    let waits = clock.sleeps();
    assert!(
        waits.len() <= 1 && waits.iter().all(|w| w.as_secs() <= 30),
        "at most one wait for the next TOTP step: {waits:?}"
    );
}

#[tokio::test]
async fn bms_a_401_that_recovery_does_not_cure_is_an_error_not_a_loop() {
    let emulator = emulated::emulator().await;
    let bms = emulated::bms_api_employee(&emulator);
    bms.get_ticket()
        .ticket_id(1)
        .send()
        .await
        .expect("first call");
    emulator.control().inject(FaultRule::new(
        FaultMatch::vendor(Vendor::Bms)
            .method("GET")
            .path("/servicedesk/tickets/2"),
        FaultKind::Status {
            status: 401,
            message: Some("Unauthorized".into()),
        },
        50,
    ));
    let err = bms
        .get_ticket()
        .ticket_id(2)
        .send()
        .await
        .expect_err("still 401");
    assert!(matches!(err, Error::Authentication { .. }), "{err:?}");
    let reads = journal_where(&emulator, |e| is_api(e, "GET", "/v2/servicedesk/tickets/2"));
    assert_eq!(
        statuses(&reads),
        vec![Some(401), Some(401)],
        "one re-send only"
    );
    let (logins, refreshes) = bms_auth(&emulator);
    assert_eq!(
        logins + refreshes,
        2,
        "one renewal: {logins} logins, {refreshes} refreshes"
    );
}

fn zone_lookups(emulator: &Emulator) -> usize {
    journal_where(emulator, |e| {
        e.path.to_ascii_lowercase().ends_with("/zoneinformation")
    })
    .len()
}

#[tokio::test]
async fn autotask_zone_moved_is_rediscovered_once() {
    let emulator = emulated::emulator().await;
    let at = emulated::autotask(&emulator);
    at.tickets_query_item()
        .id(7000)
        .send()
        .await
        .expect("first call");
    assert_eq!(zone_lookups(&emulator), 1);

    let new_zone = emulator.control().move_autotask_zone();
    let ticket = at
        .tickets_query_item()
        .id(7001)
        .send()
        .await
        .expect("recovered")
        .into_inner();
    assert_eq!(ticket.item.map(|t| t.id()), Some(7001));
    assert_eq!(zone_lookups(&emulator), 2, "one new zone lookup");
    let reads = journal_where(&emulator, |e| is_api(e, "GET", "/V1.0/Tickets/7001"));
    assert_eq!(statuses(&reads), vec![Some(401), Some(200)], "one re-send");
    let new_path = reqwest::Url::parse(&new_zone)
        .expect("a URL")
        .path()
        .to_owned();
    assert!(
        reads[1].path.starts_with(&new_path),
        "{} under {new_path}",
        reads[1].path
    );

    at.tickets_query_item()
        .id(7002)
        .send()
        .await
        .expect("later call");
    assert_eq!(zone_lookups(&emulator), 2, "the new zone is kept");
}

#[tokio::test]
async fn autotask_a_401_in_the_same_zone_is_an_error_not_a_loop() {
    let emulator = emulated::emulator().await;
    let at = emulated::autotask(&emulator);
    at.tickets_query_item()
        .id(7000)
        .send()
        .await
        .expect("first call");
    emulator.control().inject(FaultRule::new(
        FaultMatch::vendor(Vendor::Autotask)
            .method("GET")
            .path("/V1.0/Tickets/7001"),
        FaultKind::Status {
            status: 401,
            message: Some("Authorization has been denied for this request.".into()),
        },
        50,
    ));
    let err = at
        .tickets_query_item()
        .id(7001)
        .send()
        .await
        .expect_err("still 401");
    assert!(matches!(err, Error::Authentication { .. }), "{err:?}");
    let reads = journal_where(&emulator, |e| is_api(e, "GET", "/V1.0/Tickets/7001"));
    // The zone is looked up once more, it has not moved, so the call is not re-sent.
    assert_eq!(
        statuses(&reads),
        vec![Some(401)],
        "no re-send in the same zone"
    );
    assert_eq!(zone_lookups(&emulator), 2, "one new zone lookup, no loop");
}

fn company_info_lookups(emulator: &Emulator) -> usize {
    journal_where(emulator, |e| e.path.starts_with("/login/companyinfo/")).len()
}

#[tokio::test]
async fn connectwise_codebase_changed_is_rediscovered_once() {
    let emulator = emulated::emulator().await;
    let cw = emulated::connectwise(&emulator);
    cw.service()
        .get_service_tickets_by_id()
        .id(1)
        .send()
        .await
        .expect("first call");
    assert_eq!(company_info_lookups(&emulator), 1);

    emulator.control().set_connectwise_codebase("v2025_1/");
    let ticket = cw
        .service()
        .get_service_tickets_by_id()
        .id(2)
        .send()
        .await
        .expect("recovered")
        .into_inner();
    assert_eq!(ticket.id, Some(2));
    assert_eq!(
        company_info_lookups(&emulator),
        2,
        "one new codebase lookup"
    );
    let reads = journal_where(&emulator, |e| {
        is_api(e, "GET", "/apis/3.0/service/tickets/2")
    });
    assert_eq!(statuses(&reads), vec![Some(404), Some(200)], "one re-send");
    assert!(reads[0].path.starts_with("/v2022_1/"), "{}", reads[0].path);
    assert!(reads[1].path.starts_with("/v2025_1/"), "{}", reads[1].path);

    cw.service()
        .get_service_tickets_by_id()
        .id(3)
        .send()
        .await
        .expect("later call");
    assert_eq!(
        company_info_lookups(&emulator),
        2,
        "the new codebase is kept"
    );
}

#[tokio::test]
async fn connectwise_an_html_404_with_an_unchanged_codebase_is_an_error_not_a_loop() {
    let emulator = emulated::emulator().await;
    let cw = emulated::connectwise(&emulator);
    cw.service()
        .get_service_tickets_by_id()
        .id(1)
        .send()
        .await
        .expect("first call");
    emulator.control().inject(FaultRule::new(
        FaultMatch::vendor(Vendor::ConnectWise)
            .method("GET")
            .path("/service/tickets/2"),
        FaultKind::Html { status: 404 },
        50,
    ));
    let err = cw
        .service()
        .get_service_tickets_by_id()
        .id(2)
        .send()
        .await
        .expect_err("still a web-server 404");
    assert!(
        matches!(
            err,
            Error::HtmlInsteadOfJson { .. } | Error::NotFound { .. }
        ),
        "{err:?}"
    );
    let reads = journal_where(&emulator, |e| {
        is_api(e, "GET", "/apis/3.0/service/tickets/2")
    });
    // The codebase is looked up once more, it has not changed, so the call is not re-sent.
    assert_eq!(
        statuses(&reads),
        vec![Some(404)],
        "no re-send with the same codebase"
    );
    assert_eq!(
        company_info_lookups(&emulator),
        2,
        "one new codebase lookup, no loop"
    );
}

#[tokio::test]
async fn a_refused_connection_is_a_transport_error_whose_outcome_is_known() {
    // A port nothing listens on: bound, then closed.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let config = BmsConfig::new(
        BmsRegion::Custom(format!("http://127.0.0.1:{port}").parse().expect("a URL")),
        "tenant",
        "user",
        Secret::new("password"),
    );
    let (transport, _clock) = manual_transport();
    let bms = psa_clients::bms::Client::builder(config)
        .transport(transport)
        .build()
        .expect("a client");
    let err = bms
        .get_ticket()
        .ticket_id(1)
        .send()
        .await
        .expect_err("nothing listens");
    assert!(
        matches!(err, Error::Transport { .. } | Error::Authentication { .. }),
        "{err:?}"
    );
    assert!(!err.outcome_unknown(), "nothing was sent: {err:?}");
}
