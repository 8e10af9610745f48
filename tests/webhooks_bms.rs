//! Kaseya BMS: webhook configurations ensured and tickets polled, against the emulator.
#![cfg(all(feature = "webhooks", feature = "bms"))]

use std::time::Duration;

use chrono::Utc;
use psa_clients::auth::{BmsConfig, BmsRegion};
use psa_clients::bms;
use psa_clients::secret::Secret;
use psa_clients::webhooks::ensure::bms::{ensure_bms_webhooks, WantedBmsWebhook};
use psa_clients::webhooks::ensure::Stale;
use psa_clients::webhooks::poll::{bms::TicketPoller, Cursor};
use psa_emulator::{Emulator, Vendor};
use reqwest::{Method, Url};
use serde_json::json;

fn client(emulator: &Emulator) -> bms::Client {
    let creds = emulator.credentials().bms;
    let config = BmsConfig::new(
        BmsRegion::Custom(Url::parse(&creds.host).expect("host")),
        creds.tenant,
        creds.api_username,
        Secret::new(creds.api_password),
    );
    bms::Client::builder(config).build().expect("client")
}

#[tokio::test]
async fn bms_webhook_configurations_are_ensured_idempotently() {
    let emulator = Emulator::start().await.expect("emulator");
    let bms = client(&emulator);
    let mine = "https://hooks.example.com/bms/";
    let other = json!({"name": "someone else", "payloadURL": "https://other.example/hook", "events": [1], "secret": "x"});
    bms.raw(Method::POST, "/v2/admin/webhooks")
        .json(&other)
        .send_value()
        .await
        .expect("seeded");
    let stale =
        json!({"name": "old", "payloadURL": format!("{mine}old"), "events": [1], "secret": "x"});
    bms.raw(Method::POST, "/v2/admin/webhooks")
        .json(&stale)
        .send_value()
        .await
        .expect("seeded");

    let wanted = vec![
        WantedBmsWebhook::new(
            "tickets",
            format!("{mine}tickets"),
            &[3, 1],
            Secret::new("bms-secret"),
        ),
        WantedBmsWebhook::new(
            "everything",
            format!("{mine}all"),
            &[],
            Secret::new("bms-secret"),
        )
        .all_events(),
    ];
    let owned = Stale::RemoveUnder(mine.to_owned());
    let first = ensure_bms_webhooks(&bms, &wanted, &owned)
        .await
        .expect("first");
    assert_eq!(
        (first.created.len(), first.removed.len()),
        (2, 1),
        "{first:?}"
    );
    let second = ensure_bms_webhooks(&bms, &wanted, &owned)
        .await
        .expect("second");
    assert!(second.is_noop(), "{second:?}");

    let mut changed = wanted.clone();
    changed[0] = WantedBmsWebhook::new(
        "tickets",
        format!("{mine}tickets"),
        &[1, 2, 3],
        Secret::new("bms-secret"),
    );
    let third = ensure_bms_webhooks(&bms, &changed, &owned)
        .await
        .expect("third");
    assert_eq!(third.updated.len(), 1, "{third:?}");
    let records = emulator.control().records(Vendor::Bms, "webhooks");
    assert_eq!(records.len(), 3);
    let tickets = records
        .iter()
        .find(|r| r["payloadURL"] == format!("{mine}tickets"))
        .expect("tickets hook");
    assert_eq!(tickets["events"], json!([1, 2, 3]));
    assert_eq!(tickets["secret"], "bms-secret");
    assert!(records
        .iter()
        .any(|r| r["payloadURL"] == "https://other.example/hook"));
}

#[tokio::test]
async fn bms_tickets_changed_since_a_cursor() {
    let emulator = Emulator::start().await.expect("emulator");
    let bms = client(&emulator);
    let create = |title: &str| {
        json!({"title": title, "details": "d", "accountId": 1, "locationId": 11, "openDate": "2024-05-01T10:00:00Z",
               "priorityId": 2, "sourceId": 4, "statusId": 1, "typeId": 1})
    };
    let start = Cursor::starting_at(Utc::now() - chrono::Duration::seconds(5));
    let changed = TicketPoller::new(bms.clone()).overlap(Duration::from_secs(30));
    let created = TicketPoller::new_tickets(bms.clone()).overlap(Duration::from_secs(30));

    let a = bms
        .raw(Method::POST, "/v2/servicedesk/tickets")
        .json(&create("A"))
        .send_value()
        .await
        .expect("a");
    let a = a["result"]["id"].as_i64().expect("id");
    let first = changed.poll(&start).await.expect("poll");
    assert_eq!(
        first
            .records
            .iter()
            .map(|t| t.id.map(i64::from))
            .collect::<Vec<_>>(),
        [Some(a)]
    );
    let new_1 = created.poll(&start).await.expect("poll");
    assert_eq!(new_1.records.len(), 1);
    assert!(changed
        .poll(&first.cursor)
        .await
        .expect("poll")
        .records
        .is_empty());

    emulator.control().advance_clock(Duration::from_secs(10));
    bms.raw(Method::PATCH, format!("/v2/servicedesk/tickets/{a}"))
        .json(&json!([{"op": "replace", "path": "/title", "value": "A, changed"}]))
        .send_value()
        .await
        .expect("patched");
    let b = bms
        .raw(Method::POST, "/v2/servicedesk/tickets")
        .json(&create("B"))
        .send_value()
        .await
        .expect("b");
    let b = b["result"]["id"].as_i64().expect("id");
    let second = changed
        .poll(&Cursor::from_json(&first.cursor.to_json()).expect("cursor"))
        .await
        .expect("poll");
    let got: Vec<_> = second
        .records
        .iter()
        .map(|t| (t.id.map(i64::from), t.title.clone()))
        .collect();
    assert_eq!(
        got,
        [
            (Some(a), Some("A, changed".into())),
            (Some(b), Some("B".into()))
        ]
    );
    let new_2 = created.poll(&new_1.cursor).await.expect("poll");
    assert_eq!(
        new_2
            .records
            .iter()
            .map(|t| t.id.map(i64::from))
            .collect::<Vec<_>>(),
        [Some(b)]
    );
}
