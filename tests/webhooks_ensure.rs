//! The ensure helpers against the emulator: the first run creates, the second changes nothing, a changed
//! wish is fixed in place, and stale registrations are removed only under the owned URL prefix.
#![cfg(all(
    feature = "webhooks",
    feature = "connectwise-system",
    feature = "autotask"
))]

mod common;

use common::emulated::{autotask as autotask_client, connectwise as connectwise_client};
use psa_clients::secret::Secret;
use psa_clients::webhooks::autotask::WebhookEntity;
use psa_clients::webhooks::connectwise::{CallbackLevel, CallbackType};
use psa_clients::webhooks::ensure::autotask::{ensure_webhooks, WantedWebhook};
use psa_clients::webhooks::ensure::connectwise::{ensure_callbacks, WantedCallback};
use psa_clients::webhooks::ensure::Stale;
use psa_emulator::{Emulator, Vendor};
use serde_json::{json, Value};

#[tokio::test]
async fn connectwise_callbacks_are_ensured_idempotently() {
    let emulator = Emulator::start().await.expect("emulator");
    let cw = connectwise_client(&emulator);
    let mine = "https://hooks.example.com/psa/";
    // Someone else's callback, and a stale one of ours.
    for url in [
        "https://other.example.com/cb",
        "https://hooks.example.com/psa/old",
    ] {
        let entry: psa_clients::connectwise::types::CallbackEntry = serde_json::from_value(
            json!({"url": url, "objectId": 1, "type": "company", "level": "owner"}),
        )
        .expect("entry");
        cw.system()
            .post_system_callbacks()
            .body(entry)
            .send()
            .await
            .expect("seeded");
    }
    let wanted = vec![
        WantedCallback::owner(CallbackType::Ticket, format!("{mine}tickets"))
            .description("tickets"),
        WantedCallback::at_level(
            CallbackType::Ticket,
            CallbackLevel::Board,
            3,
            format!("{mine}board"),
        )
        .description("board 3"),
        WantedCallback::owner(CallbackType::Company, format!("{mine}companies"))
            .description("companies"),
    ];
    let stale = Stale::RemoveUnder(mine.to_owned());

    let first = ensure_callbacks(&cw, &wanted, &stale)
        .await
        .expect("first run");
    assert_eq!(
        (
            first.created.len(),
            first.updated.len(),
            first.removed.len()
        ),
        (3, 0, 1)
    );
    let second = ensure_callbacks(&cw, &wanted, &stale)
        .await
        .expect("second run");
    assert!(second.is_noop(), "{second:?}");
    assert_eq!(second.unchanged.len(), 3);

    // A changed description is fixed in place; a deactivated callback is reactivated.
    let records = emulator
        .control()
        .records(Vendor::ConnectWise, "system/callbacks");
    let board = records
        .iter()
        .find(|r| r["url"] == format!("{mine}board"))
        .expect("board callback");
    let board_id = board["id"].as_i64().expect("id");
    let mut inactive = board.clone();
    inactive["inactiveFlag"] = json!(true);
    cw.raw(
        reqwest::Method::PUT,
        format!("/system/callbacks/{board_id}"),
    )
    .json(&inactive)
    .send_value()
    .await
    .expect("deactivated");
    let mut changed = wanted.clone();
    changed[0] = changed[0].clone().description("all tickets");
    let third = ensure_callbacks(&cw, &changed, &stale)
        .await
        .expect("third run");
    assert_eq!(third.updated.len(), 2, "{third:?}");
    assert!(third.updated.contains(&board_id));
    let records = emulator
        .control()
        .records(Vendor::ConnectWise, "system/callbacks");
    let urls: Vec<&str> = records.iter().filter_map(|r| r["url"].as_str()).collect();
    assert!(
        urls.contains(&"https://other.example.com/cb"),
        "others' callbacks are never touched"
    );
    assert!(!urls.contains(&"https://hooks.example.com/psa/old"));
    assert_eq!(records.len(), 4);
    assert!(records.iter().all(|r| r["inactiveFlag"] != json!(true)));
    assert!(records.iter().any(|r| r["description"] == "all tickets"));
}

#[tokio::test]
async fn autotask_webhooks_and_their_fields_are_ensured_idempotently() {
    let emulator = Emulator::start().await.expect("emulator");
    let at = autotask_client(&emulator);
    let mine = "https://hooks.example.com/at/";
    let wanted = vec![
        WantedWebhook::new(
            WebhookEntity::Company,
            "companies",
            format!("{mine}companies"),
            Secret::new("s3cret-0123456789"),
            &[7, 8],
        )
        .display_always(2),
        WantedWebhook::new(
            WebhookEntity::Contact,
            "contacts",
            format!("{mine}contacts"),
            Secret::new("s3cret-0123456789"),
            &[3],
        )
        .events(true, true, false),
    ];
    let stale = Stale::RemoveUnder(mine.to_owned());
    let first = ensure_webhooks(&at, &wanted, &stale)
        .await
        .expect("first run");
    assert_eq!(first.created.len(), 2, "{first:?}");
    let hooks = emulator
        .control()
        .records(Vendor::Autotask, "CompanyWebhooks");
    assert_eq!(hooks.len(), 1);
    assert_eq!(
        hooks[0]["isReady"], true,
        "ready once a subscribed field exists"
    );
    assert_eq!(hooks[0]["secretKey"], "s3cret-0123456789");
    let fields = emulator
        .control()
        .records(Vendor::Autotask, "CompanyWebhookFields");
    let mut ids: Vec<(i64, bool, bool)> = fields
        .iter()
        .map(|f| {
            (
                f["fieldID"].as_i64().unwrap_or_default(),
                f["isSubscribedField"] == true,
                f["isDisplayAlwaysField"] == true,
            )
        })
        .collect();
    ids.sort_unstable();
    assert_eq!(ids, [(2, false, true), (7, true, false), (8, true, false)]);

    let second = ensure_webhooks(&at, &wanted, &stale)
        .await
        .expect("second run");
    assert!(second.is_noop(), "{second:?}");

    // Field 8 is no longer wanted, 9 is; deletes are now wanted for contacts.
    let mut changed = wanted.clone();
    changed[0] = WantedWebhook::new(
        WebhookEntity::Company,
        "companies",
        format!("{mine}companies"),
        Secret::new("s3cret-0123456789"),
        &[7, 9],
    )
    .display_always(2);
    changed[1] = changed[1].clone().events(true, true, true);
    let third = ensure_webhooks(&at, &changed, &stale)
        .await
        .expect("third run");
    assert_eq!(third.updated.len(), 2, "{third:?}");
    let fields = emulator
        .control()
        .records(Vendor::Autotask, "CompanyWebhookFields");
    let mut ids: Vec<i64> = fields
        .iter()
        .filter_map(|f| f["fieldID"].as_i64())
        .collect();
    ids.sort_unstable();
    assert_eq!(ids, [2, 7, 9]);
    let contacts = emulator
        .control()
        .records(Vendor::Autotask, "ContactWebhooks");
    assert_eq!(contacts[0]["isSubscribedToDeleteEvents"], true);

    // Dropping the contact webhook from the wish removes it (it is under our prefix).
    let fourth = ensure_webhooks(&at, &changed[..1], &stale)
        .await
        .expect("fourth run");
    assert!(
        fourth.removed.is_empty(),
        "only entities named in the wish are looked at: {fourth:?}"
    );
    let contact_only_other = vec![WantedWebhook::new(
        WebhookEntity::Contact,
        "other",
        format!("{mine}contacts-v2"),
        Secret::new("x-0123456789"),
        &[3],
    )];
    let fifth = ensure_webhooks(&at, &contact_only_other, &stale)
        .await
        .expect("fifth run");
    assert_eq!(
        (fifth.created.len(), fifth.removed.len()),
        (1, 1),
        "{fifth:?}"
    );
    let contacts: Vec<Value> = emulator
        .control()
        .records(Vendor::Autotask, "ContactWebhooks");
    assert_eq!(contacts.len(), 1);
    assert_eq!(contacts[0]["webhookUrl"], format!("{mine}contacts-v2"));
}

#[tokio::test]
async fn autotask_wishes_outside_the_documented_limits_send_nothing() {
    let emulator = Emulator::start().await.expect("emulator");
    let at = autotask_client(&emulator);
    let url = "https://hooks.example.com/at/x";
    let too_long = Secret::new("k".repeat(65));
    for wish in [
        WantedWebhook::new(WebhookEntity::Ticket, "t", url, too_long, &[1]),
        WantedWebhook::new(WebhookEntity::Ticket, "t", url, Secret::new(""), &[1]),
        WantedWebhook::new(
            WebhookEntity::Ticket,
            "t",
            url,
            Secret::new("ok-secret-0123"),
            &[],
        ),
        WantedWebhook::new(
            WebhookEntity::Ticket,
            "n".repeat(51),
            url,
            Secret::new("ok-secret-0123"),
            &[1],
        ),
    ] {
        let error = ensure_webhooks(&at, &[wish], &Stale::Keep)
            .await
            .expect_err("refused");
        assert!(
            matches!(error, psa_clients::Error::InvalidRequest { .. }),
            "{error}"
        );
        assert!(!error.to_string().contains("kkkk"), "{error}");
    }
    assert!(emulator.control().journal().is_empty(), "nothing was sent");
}
