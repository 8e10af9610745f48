//! Fault injection, the journal and the HTTP control API.

mod common;

use common::{at, cw, json, start};
use psa_emulator::{FaultKind, FaultMatch, FaultRule, RetryAfter, Vendor};
use reqwest::Method;
use serde_json::{json, Value};

#[tokio::test]
async fn too_many_requests_with_retry_after_in_seconds_or_as_a_date() {
    let (emulator, client) = start().await;
    let control = emulator.control();
    control.inject(FaultRule::new(
        FaultMatch::vendor(Vendor::ConnectWise).method("GET"),
        FaultKind::TooManyRequests {
            retry_after: Some(RetryAfter::Seconds(2)),
        },
        1,
    ));
    control.inject(FaultRule::new(
        FaultMatch::vendor(Vendor::ConnectWise),
        FaultKind::TooManyRequests {
            retry_after: Some(RetryAfter::HttpDateIn(30)),
        },
        1,
    ));
    let first = cw(&emulator, &client, Method::GET, "/service/tickets")
        .send()
        .await
        .unwrap();
    assert_eq!(first.status(), 429);
    assert_eq!(first.headers()["retry-after"], "2");
    let second = cw(&emulator, &client, Method::GET, "/service/tickets")
        .send()
        .await
        .unwrap();
    assert_eq!(second.status(), 429);
    let date = second.headers()["retry-after"].to_str().unwrap().to_owned();
    assert!(httpdate::parse_http_date(&date).is_ok(), "{date}");
    let body: Value = second.json().await.unwrap();
    assert_eq!(body["code"], "TooManyRequests");
    let third = cw(&emulator, &client, Method::GET, "/service/tickets")
        .send()
        .await
        .unwrap();
    assert_eq!(third.status(), 200, "the rules are spent");
}

#[tokio::test]
async fn server_errors_unavailable_and_html_pages() {
    let (emulator, client) = start().await;
    let control = emulator.control();
    control.inject(FaultRule::new(
        FaultMatch::vendor(Vendor::ConnectWise),
        FaultKind::ServerError,
        1,
    ));
    let (status, body) = json(cw(&emulator, &client, Method::GET, "/service/tickets")).await;
    assert_eq!(status, 500);
    let fixture: Value = serde_json::from_str(include_str!(
        "../../../shared/fixtures/connectwise/error_500_timeout.json"
    ))
    .unwrap();
    assert_eq!(body, fixture);
    control.inject(FaultRule::new(
        FaultMatch::vendor(Vendor::Autotask),
        FaultKind::Unavailable { retry_after: None },
        2,
    ));
    for _ in 0..2 {
        let response = at(&emulator, &client, Method::GET, "/Tickets/7000")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 503);
    }
    assert_eq!(
        at(&emulator, &client, Method::GET, "/Tickets/7000")
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    control.inject(FaultRule::new(
        FaultMatch::default(),
        FaultKind::Html { status: 200 },
        1,
    ));
    let page = cw(&emulator, &client, Method::GET, "/service/tickets")
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    control.inject(FaultRule::new(
        FaultMatch::vendor(Vendor::ConnectWise),
        FaultKind::Status {
            status: 403,
            message: None,
        },
        1,
    ));
    let (status, body) = json(cw(&emulator, &client, Method::GET, "/service/tickets")).await;
    assert_eq!((status, body["code"].as_str()), (403, Some("Forbidden")));
}

#[tokio::test]
async fn a_dropped_connection_after_a_create_leaves_exactly_one_record() {
    let (emulator, client) = start().await;
    let control = emulator.control();
    let before = control.records(Vendor::Autotask, "Tickets").len();
    control.inject(FaultRule::new(
        FaultMatch::vendor(Vendor::Autotask)
            .method("POST")
            .path("/V1.0/Tickets"),
        FaultKind::DropAfterApply,
        1,
    ));
    let result = at(&emulator, &client, Method::POST, "/Tickets")
        .json(&json!({"companyID": 29683600, "title": "Dropped", "status": 1, "priority": 2}))
        .send()
        .await;
    assert!(result.is_err(), "the caller gets no answer");
    let tickets = control.records(Vendor::Autotask, "Tickets");
    assert_eq!(tickets.len(), before + 1);
    assert_eq!(
        tickets.iter().filter(|t| t["title"] == "Dropped").count(),
        1
    );
    let entry = control
        .journal()
        .into_iter()
        .find(|e| e.method == "POST")
        .unwrap();
    assert_eq!(entry.status, None, "the journal records the dropped answer");
    assert!(entry.fault.unwrap().contains("DropAfterApply"));

    control.inject(FaultRule::new(
        FaultMatch::vendor(Vendor::Autotask).method("POST"),
        FaultKind::DropBeforeApply,
        1,
    ));
    let result = at(&emulator, &client, Method::POST, "/Tickets")
        .json(&json!({"companyID": 29683600, "title": "Never", "status": 1, "priority": 2}))
        .send()
        .await;
    assert!(result.is_err());
    assert!(control
        .records(Vendor::Autotask, "Tickets")
        .iter()
        .all(|t| t["title"] != "Never"));
}

#[tokio::test]
async fn latency_delays_the_answer() {
    let (emulator, client) = start().await;
    emulator.control().inject(FaultRule::new(
        FaultMatch::vendor(Vendor::ConnectWise),
        FaultKind::Latency { millis: 250 },
        1,
    ));
    let started = std::time::Instant::now();
    let (status, _) = json(cw(&emulator, &client, Method::GET, "/service/boards")).await;
    assert_eq!(status, 200);
    assert!(started.elapsed() >= std::time::Duration::from_millis(250));
}

#[tokio::test]
async fn the_journal_keeps_requests_without_secrets() {
    let (emulator, client) = start().await;
    let (status, _) = json(
        cw(&emulator, &client, Method::POST, "/service/tickets")
            .json(&json!({"summary": "journal", "company": {"id": 1}})),
    )
    .await;
    assert_eq!(status, 201);
    let journal = emulator.control().journal();
    let entry = journal.last().unwrap();
    assert_eq!(entry.vendor, Some(Vendor::ConnectWise));
    assert_eq!(entry.operation_id.as_deref(), Some("postServiceTickets"));
    assert_eq!(entry.status, Some(201));
    assert!(entry.body.contains("journal"));
    assert_eq!(entry.header("authorization"), Some("[redacted]"));
    assert_eq!(entry.header("clientid"), Some("[redacted]"));
    let creds = emulator.credentials().connectwise;
    assert!(!format!("{journal:?}").contains(&creds.private_key));
}

#[tokio::test]
async fn the_http_control_api_injects_faults_resets_and_reads_state() {
    let (emulator, client) = start().await;
    let base = emulator.base_url().to_owned();
    let response = client.post(format!("{base}/_emulator/faults")).json(&json!({
        "match": {"vendor": "connectwise"}, "kind": "too_many_requests", "retry_after": {"seconds": 1}, "times": 1
    })).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(
        cw(&emulator, &client, Method::GET, "/service/tickets")
            .send()
            .await
            .unwrap()
            .status(),
        429
    );
    let (_, created) = json(
        cw(&emulator, &client, Method::POST, "/service/tickets")
            .json(&json!({"summary": "reset me", "company": {"id": 1}})),
    )
    .await;
    let (_, journal) = json(client.get(format!("{base}/_emulator/journal"))).await;
    assert_eq!(journal.as_array().unwrap().len(), 2);
    let (_, records) = json(client.get(format!(
        "{base}/_emulator/records/connectwise/service/tickets"
    )))
    .await;
    assert!(records
        .as_array()
        .unwrap()
        .iter()
        .any(|t| t["id"] == created["id"]));
    assert_eq!(
        client
            .post(format!("{base}/_emulator/reset"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    let (_, records) = json(client.get(format!(
        "{base}/_emulator/records/connectwise/service/tickets"
    )))
    .await;
    assert_eq!(records.as_array().unwrap().len(), 120, "back to the seed");
    let (_, journal) = json(client.get(format!("{base}/_emulator/journal"))).await;
    assert!(journal.as_array().unwrap().is_empty());
    let (_, moved) = json(client.post(format!("{base}/_emulator/autotask/zone/move"))).await;
    assert!(moved["zone_url"].as_str().unwrap().contains("/zone1/"));
    let (_, creds) = json(client.get(format!("{base}/_emulator/credentials"))).await;
    assert_eq!(creds["autotask"]["zone_url"], moved["zone_url"]);
}

#[tokio::test]
async fn unknown_paths_answer_the_web_servers_html() {
    let (emulator, client) = start().await;
    let response = client
        .get(format!("{}/nothing/here", emulator.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 404);
    assert!(response.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
}

#[tokio::test]
async fn the_demo_tenant_is_deterministic() {
    let (a, _) = start().await;
    let (b, _) = start().await;
    for (vendor, collection) in [
        (Vendor::ConnectWise, "service/tickets"),
        (Vendor::Autotask, "Tickets"),
        (Vendor::Bms, "contacts"),
    ] {
        // Equal but for the port in hrefs.
        let text = |e: &psa_emulator::Emulator| {
            serde_json::to_string(&e.control().records(vendor, collection))
                .unwrap()
                .replace(e.base_url(), "BASE")
        };
        assert!(
            text(&a) == text(&b),
            "{collection} differs between two emulators with the same seed"
        );
    }
}
