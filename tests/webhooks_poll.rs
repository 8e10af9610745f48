//! The change pollers against the emulator: new and changed tickets are handed out once, an unchanged
//! re-poll hands out nothing, a stored cursor resumes, and the "new tickets" poller ignores updates.
#![cfg(all(
    feature = "webhooks",
    feature = "connectwise-service",
    feature = "autotask"
))]

mod common;

use common::emulated::{autotask as autotask_client, connectwise as connectwise_client};
use std::time::Duration;

use chrono::Utc;
use psa_clients::autotask::types::TicketModel;
use psa_clients::connectwise::conditions::field;
use psa_clients::connectwise::types::Ticket;
use psa_clients::webhooks::poll::{autotask as at_poll, connectwise as cw_poll, Cursor};
use psa_clients::{autotask as at, connectwise as cw};
use psa_emulator::Emulator;
use serde_json::json;

async fn cw_ticket(cw: &cw::Client, summary: &str, board: &str) -> i32 {
    let ticket: Ticket = serde_json::from_value(
        json!({"summary": summary, "company": {"id": 2}, "board": {"name": board}}),
    )
    .expect("ticket");
    cw.service()
        .post_service_tickets()
        .body(ticket)
        .send()
        .await
        .expect("created")
        .into_inner()
        .id
        .expect("id")
}

#[tokio::test]
async fn connectwise_tickets_changed_since_a_cursor() {
    let emulator = Emulator::start().await.expect("emulator");
    let cw = connectwise_client(&emulator);
    let poller = cw_poll::TicketPoller::new(cw.clone()).overlap(Duration::from_secs(30));
    let start = Cursor::starting_at(Utc::now() - chrono::Duration::seconds(5));

    let a = cw_ticket(&cw, "A", "Help Desk").await;
    let first = poller.poll(&start).await.expect("poll");
    assert_eq!(
        first.records.iter().map(|t| t.id).collect::<Vec<_>>(),
        [Some(a)]
    );
    let again = poller.poll(&first.cursor).await.expect("poll");
    assert!(
        again.records.is_empty(),
        "the overlap hands nothing out twice"
    );

    emulator.control().advance_clock(Duration::from_secs(10));
    cw.raw(reqwest::Method::PATCH, format!("/service/tickets/{a}"))
        .json(&json!([{"op": "replace", "path": "summary", "value": "A, changed"}]))
        .send_value()
        .await
        .expect("patched");
    let b = cw_ticket(&cw, "B", "Help Desk").await;
    // Resume from the stored cursor.
    let stored = again.cursor.to_json();
    let second = poller
        .poll(&Cursor::from_json(&stored).expect("cursor"))
        .await
        .expect("poll");
    let got: Vec<_> = second
        .records
        .iter()
        .map(|t| (t.id, t.summary.clone()))
        .collect();
    assert_eq!(
        got,
        [
            (Some(a), Some("A, changed".into())),
            (Some(b), Some("B".into()))
        ]
    );
    assert!(second.cursor.since > first.cursor.since);
    assert!(poller
        .poll(&second.cursor)
        .await
        .expect("poll")
        .records
        .is_empty());

    // A filtered poller sees only its board.
    let boards: serde_json::Value = cw
        .raw(reqwest::Method::GET, "/service/boards")
        .send_value()
        .await
        .expect("boards");
    let other = boards[1]["name"].as_str().expect("board").to_owned();
    let c = cw_ticket(&cw, "C", &other).await;
    let only =
        cw_poll::TicketPoller::new(cw.clone()).filter(field("board/name").eq(other.as_str()));
    let found = only.poll(&start).await.expect("poll");
    assert_eq!(
        found.records.iter().map(|t| t.id).collect::<Vec<_>>(),
        [Some(c)]
    );
}

async fn at_ticket(at: &at::Client, title: &str) -> i64 {
    let ticket: TicketModel = serde_json::from_value(
        json!({"companyID": 29683600, "title": title, "status": 1, "priority": 2}),
    )
    .expect("ticket");
    at.tickets_create_entity()
        .body(ticket)
        .send()
        .await
        .expect("created")
        .into_inner()
        .item_id
        .expect("id")
}

#[tokio::test]
async fn autotask_new_and_changed_tickets_since_a_cursor() {
    let emulator = Emulator::start().await.expect("emulator");
    let at = autotask_client(&emulator);
    let start = Cursor::starting_at(Utc::now() - chrono::Duration::seconds(5));
    let changed = at_poll::TicketPoller::new(at.clone()).overlap(Duration::from_secs(30));
    let created = at_poll::TicketPoller::new_tickets(at.clone()).overlap(Duration::from_secs(30));

    let a = at_ticket(&at, "A").await;
    let new_1 = created.poll(&start).await.expect("poll");
    assert_eq!(
        new_1.records.iter().map(|t| t.id).collect::<Vec<_>>(),
        [Some(a)]
    );
    let changed_1 = changed.poll(&start).await.expect("poll");
    assert_eq!(changed_1.records.len(), 1);

    emulator.control().advance_clock(Duration::from_secs(10));
    let update: TicketModel =
        serde_json::from_value(json!({"id": a, "title": "A, changed"})).expect("update");
    at.tickets_patch_entity()
        .body(update)
        .send()
        .await
        .expect("patched");
    let b = at_ticket(&at, "B").await;

    let new_2 = created.poll(&new_1.cursor).await.expect("poll");
    assert_eq!(
        new_2.records.iter().map(|t| t.id).collect::<Vec<_>>(),
        [Some(b)],
        "an update is not a new ticket"
    );
    let changed_2 = changed
        .poll(&Cursor::from_json(&changed_1.cursor.to_json()).expect("cursor"))
        .await
        .expect("poll");
    let got: Vec<_> = changed_2
        .records
        .iter()
        .map(|t| (t.id, t.title.clone()))
        .collect();
    assert_eq!(
        got,
        [
            (Some(a), Some("A, changed".into())),
            (Some(b), Some("B".into()))
        ]
    );
    assert!(changed
        .poll(&changed_2.cursor)
        .await
        .expect("poll")
        .records
        .is_empty());
}
