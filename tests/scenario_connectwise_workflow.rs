//! Scenario: a workflow platform on ConnectWise PSA (the Rewst integration), through psa-clients' public API
//! only, against the in-process psa-emulator.
//!
//! The integration lists companies by name (`name="Test Rewst"`), tickets of a board (`board/name =
//! "Integration"`), contacts by a child condition on their communication items (`communicationItems/value like
//! "…" AND communicationItems/communicationType = "Email"`); creates, updates (JSON Patch) and closes a service
//! ticket; adds a note; adds and lists tasks; logs a time entry; lists agreements; registers a ticket callback
//! (and a second identical one is refused); reports a 403 as a forbidden error naming the operation; and adds a
//! note as an impersonated member.
//!
//! Each step asserts on the emulator's records and journal, not only on what the client returned.
//!
//! Elsewhere: the callback firing — a ticket created through the client, the emulator's signed callback
//! delivered to `psa_clients::webhooks`' receiver, verified and typed — is `tests/webhooks_e2e.rs`. Not covered: a
//! real permission model (the emulator has none; the 403 is injected as a fault).
#![cfg(all(
    feature = "connectwise-company",
    feature = "connectwise-service",
    feature = "connectwise-time",
    feature = "connectwise-finance",
    feature = "connectwise-system"
))]

mod common;

use std::collections::BTreeSet;

use common::emulated;
use psa_clients::auth::ConnectWiseConfig;
use psa_clients::connectwise::conditions::{field, ChildConditions, LikePattern};
use psa_clients::connectwise::types;
use psa_clients::pagination::ListStreams;
use psa_clients::secret::Secret;
use psa_clients::Error;
use psa_emulator::{Emulator, FaultKind, FaultMatch, FaultRule, JournalEntry, Vendor};
use serde::de::DeserializeOwned;
use serde_json::{json, Value};

/// A request body of the generated types, written as the JSON the vendor documents.
fn body<T: DeserializeOwned>(value: Value) -> T {
    serde_json::from_value(value).expect("a valid request body")
}

/// Journal entries for `method` on an API path ending in `suffix` (after `…/apis/3.0`).
fn sent(emulator: &Emulator, method: &str, suffix: &str) -> Vec<JournalEntry> {
    emulator
        .control()
        .journal()
        .into_iter()
        .filter(|e| e.method == method)
        .filter(|e| {
            e.path
                .split_once("/apis/3.0")
                .is_some_and(|(_, rest)| rest == suffix)
        })
        .collect()
}

fn record(emulator: &Emulator, collection: &str, id: i64) -> Value {
    emulator
        .control()
        .records(Vendor::ConnectWise, collection)
        .into_iter()
        .find(|r| r["id"] == id)
        .unwrap_or_else(|| panic!("no {collection} record {id} in the emulator"))
}

async fn create_ticket(cw: &psa_clients::connectwise::Client, summary: &str) -> i64 {
    let ticket = cw
        .service()
        .post_service_tickets()
        .body(body::<types::Ticket>(json!({
            "summary": summary,
            "board": {"name": "Integration"},
            "company": {"identifier": "TestRewst"}
        })))
        .send()
        .await
        .expect("the ticket is created")
        .into_inner();
    i64::from(ticket.id())
}

#[tokio::test]
async fn step_01_lists_companies_by_name() {
    let emulator = emulated::emulator().await;
    let cw = emulated::connectwise(&emulator);
    let companies = cw
        .company()
        .get_company_companies()
        .conditions(field("name").eq("Test Rewst"))
        .collect_items(25)
        .await
        .expect("companies");
    assert_eq!(companies.len(), 1);
    assert_eq!(companies[0].name.as_deref(), Some("Test Rewst"));
    let stored: Vec<_> = emulator
        .control()
        .records(Vendor::ConnectWise, "company/companies")
        .into_iter()
        .filter(|c| c["name"] == "Test Rewst")
        .collect();
    assert_eq!(
        i64::from(companies[0].id()),
        stored[0]["id"].as_i64().unwrap()
    );
    let calls = sent(&emulator, "GET", "/company/companies");
    assert_eq!(calls.len(), 1);
    let query = calls[0].query.clone().unwrap_or_default();
    assert!(query.contains("conditions=name"), "{query}");
}

#[tokio::test]
async fn step_02_lists_tickets_of_the_integration_board() {
    let emulator = emulated::emulator().await;
    let cw = emulated::connectwise(&emulator);
    let tickets = cw
        .service()
        .get_service_tickets()
        .conditions(field("board/name").eq("Integration"))
        .collect_items(25)
        .await
        .expect("tickets");
    let got: BTreeSet<i64> = tickets.iter().map(|t| i64::from(t.id())).collect();
    let expected: BTreeSet<i64> = emulator
        .control()
        .records(Vendor::ConnectWise, "service/tickets")
        .iter()
        .filter(|t| t["board"]["name"] == "Integration")
        .filter_map(|t| t["id"].as_i64())
        .collect();
    assert_eq!(expected.len(), 40, "the seed puts every third ticket there");
    assert_eq!(got, expected);
    assert!(tickets
        .iter()
        .all(|t| t.board.as_ref().and_then(|b| b.name.as_deref()) == Some("Integration")));
    // 40 tickets in pages of 25: two pages, each with the condition.
    let calls = sent(&emulator, "GET", "/service/tickets");
    assert_eq!(calls.len(), 2);
    assert!(calls.iter().all(|c| c
        .query
        .as_deref()
        .unwrap_or_default()
        .contains("conditions=")));
}

#[tokio::test]
async fn step_03_finds_contacts_by_a_child_condition_on_their_email() {
    let emulator = emulated::emulator().await;
    let cw = emulated::connectwise(&emulator);
    let email_of = |c: &Value| -> Option<String> {
        c["communicationItems"]
            .as_array()?
            .iter()
            .find(|i| i["communicationType"] == "Email")
            .and_then(|i| i["value"].as_str().map(str::to_owned))
    };
    let contacts = emulator
        .control()
        .records(Vendor::ConnectWise, "company/contacts");
    let target = contacts
        .iter()
        .find(|c| c["company"]["id"] == 1)
        .expect("a contact of Test Rewst");
    let email = email_of(target).expect("an e-mail");
    let local = email.split('@').next().unwrap().to_owned();
    let found = cw
        .company()
        .get_company_contacts()
        .child_conditions(ChildConditions::new(
            field("communicationItems/value")
                .like(LikePattern::starts_with(&local))
                .and(field("communicationItems/communicationType").eq("Email")),
        ))
        .collect_items(25)
        .await
        .expect("contacts");
    let expected: BTreeSet<i64> = contacts
        .iter()
        .filter(|c| email_of(c).is_some_and(|e| e.starts_with(&local)))
        .filter_map(|c| c["id"].as_i64())
        .collect();
    let got: BTreeSet<i64> = found.iter().map(|c| i64::from(c.id())).collect();
    assert!(got.contains(&target["id"].as_i64().unwrap()));
    assert_eq!(got, expected);
    let calls = sent(&emulator, "GET", "/company/contacts");
    assert_eq!(calls.len(), 1);
    assert!(calls[0]
        .query
        .as_deref()
        .unwrap_or_default()
        .contains("childConditions="));
}

#[tokio::test]
async fn step_04_creates_updates_by_json_patch_and_closes_a_ticket() {
    let emulator = emulated::emulator().await;
    let cw = emulated::connectwise(&emulator);
    let id = create_ticket(&cw, "New user setup").await;
    let stored = record(&emulator, "service/tickets", id);
    assert_eq!(stored["summary"], "New user setup");
    assert_eq!(stored["board"]["name"], "Integration");
    assert_eq!(stored["company"]["name"], "Test Rewst");
    assert_eq!(stored["status"]["name"], "New", "the board's first status");
    assert_eq!(stored["closedFlag"], false);

    let patched = cw
        .service()
        .patch_service_tickets_by_id()
        .id(id as i32)
        .body(body::<Vec<types::PatchOperation>>(json!([
            {"op": "replace", "path": "summary", "value": "New user setup (laptop)"},
            {"op": "replace", "path": "status", "value": {"name": "In Progress"}}
        ])))
        .send()
        .await
        .expect("patched")
        .into_inner();
    assert_eq!(patched.summary.as_deref(), Some("New user setup (laptop)"));
    let stored = record(&emulator, "service/tickets", id);
    assert_eq!(stored["summary"], "New user setup (laptop)");
    assert_eq!(stored["status"]["name"], "In Progress");

    cw.service()
        .patch_service_tickets_by_id()
        .id(id as i32)
        .body(body::<Vec<types::PatchOperation>>(json!([
            {"op": "replace", "path": "status", "value": {"name": "Closed"}}
        ])))
        .send()
        .await
        .expect("closed");
    let stored = record(&emulator, "service/tickets", id);
    assert_eq!(stored["status"]["name"], "Closed");
    assert_eq!(
        stored["closedFlag"], true,
        "closing status closes the ticket"
    );

    let read = cw
        .service()
        .get_service_tickets_by_id()
        .id(id as i32)
        .send()
        .await
        .expect("read back")
        .into_inner();
    assert_eq!(read.closed_flag, Some(true));
    assert_eq!(sent(&emulator, "POST", "/service/tickets").len(), 1);
    let patches = sent(&emulator, "PATCH", &format!("/service/tickets/{id}"));
    assert_eq!(patches.len(), 2);
    assert!(
        patches[0].body.contains("\"op\""),
        "JSON Patch: {}",
        patches[0].body
    );
}

#[tokio::test]
async fn step_05_adds_a_note_and_tasks() {
    let emulator = emulated::emulator().await;
    let cw = emulated::connectwise(&emulator);
    let id = create_ticket(&cw, "Mailbox full").await;
    cw.service()
        .post_service_tickets_by_parent_id_notes()
        .parent_id(id as i32)
        .body(body::<types::ServiceNote>(json!({
            "text": "Archived old mail.", "detailDescriptionFlag": true
        })))
        .send()
        .await
        .expect("note");
    let notes = emulator
        .control()
        .records(Vendor::ConnectWise, &format!("service/tickets/{id}/notes"));
    assert_eq!(notes.len(), 1);
    assert_eq!(notes[0]["text"], "Archived old mail.");

    for text in ["Check quota", "Enable archiving"] {
        cw.service()
            .post_service_tickets_by_parent_id_tasks()
            .parent_id(id as i32)
            .body(body::<types::Task>(json!({ "notes": text })))
            .send()
            .await
            .expect("task");
    }
    let tasks = cw
        .service()
        .get_service_tickets_by_parent_id_tasks()
        .parent_id(id as i32)
        .collect_items(25)
        .await
        .expect("tasks");
    assert_eq!(tasks.len(), 2);
    let stored = emulator
        .control()
        .records(Vendor::ConnectWise, &format!("service/tickets/{id}/tasks"));
    let stored: BTreeSet<String> = stored
        .iter()
        .filter_map(|t| t["notes"].as_str().map(str::to_owned))
        .collect();
    assert_eq!(
        stored,
        ["Check quota", "Enable archiving"]
            .map(str::to_owned)
            .into_iter()
            .collect()
    );
}

#[tokio::test]
async fn step_06_logs_a_time_entry() {
    let emulator = emulated::emulator().await;
    let cw = emulated::connectwise(&emulator);
    let id = create_ticket(&cw, "Server patching").await;
    let before = emulator
        .control()
        .records(Vendor::ConnectWise, "time/entries")
        .len();
    let entry = cw
        .time()
        .post_time_entries()
        .body(body::<types::TimeEntry>(json!({
            "chargeToId": id, "chargeToType": "ServiceTicket",
            "member": {"identifier": "jdoe"}, "workType": {"name": "Remote"},
            "timeStart": "2025-03-01T09:00:00Z", "timeEnd": "2025-03-01T09:45:00Z",
            "notes": "Patched and rebooted."
        })))
        .send()
        .await
        .expect("time entry")
        .into_inner();
    let entries = emulator
        .control()
        .records(Vendor::ConnectWise, "time/entries");
    assert_eq!(entries.len(), before + 1);
    let stored = record(&emulator, "time/entries", i64::from(entry.id()));
    // `chargeToId` is a bare `number` in the document; the `integer-ids` correction makes it an `i64`, so 121 is
    // sent as 121, not 121.0.
    assert_eq!(stored["chargeToId"].as_i64(), Some(id));
    assert!(stored["chargeToId"].is_i64() || stored["chargeToId"].is_u64());
    assert_eq!(stored["chargeToType"], "ServiceTicket");
    assert_eq!(stored["member"]["identifier"], "jdoe");
    assert_eq!(stored["workType"]["name"], "Remote");
}

#[tokio::test]
async fn step_07_lists_agreements() {
    let emulator = emulated::emulator().await;
    let cw = emulated::connectwise(&emulator);
    let agreements = cw
        .finance()
        .get_finance_agreements()
        .collect_items(25)
        .await
        .expect("agreements");
    let got: BTreeSet<String> = agreements.iter().filter_map(|a| a.name.clone()).collect();
    let stored: BTreeSet<String> = emulator
        .control()
        .records(Vendor::ConnectWise, "finance/agreements")
        .iter()
        .filter_map(|a| a["name"].as_str().map(str::to_owned))
        .collect();
    assert_eq!(got, stored);
    assert_eq!(sent(&emulator, "GET", "/finance/agreements").len(), 1);
}

#[tokio::test]
async fn step_08_registers_a_ticket_callback_once() {
    let emulator = emulated::emulator().await;
    let cw = emulated::connectwise(&emulator);
    let callback = json!({
        "url": "https://hooks.example/rewst/ticket-saved", "objectId": 1, "type": "Ticket",
        "level": "Owner", "description": "Rewst: ticket saved"
    });
    let created = cw
        .system()
        .post_system_callbacks()
        .body(body::<types::CallbackEntry>(callback.clone()))
        .send()
        .await
        .expect("callback registered")
        .into_inner();
    assert!(created.id.is_some());
    let stored = emulator
        .control()
        .records(Vendor::ConnectWise, "system/callbacks");
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0]["url"], "https://hooks.example/rewst/ticket-saved");
    assert_eq!(stored[0]["type"], "Ticket");
    // The same registration again is the vendor's ObjectExists error, and still one callback.
    let again = cw
        .system()
        .post_system_callbacks()
        .body(body::<types::CallbackEntry>(callback))
        .send()
        .await
        .expect_err("a duplicate callback is refused");
    let vendor = again.vendor_error().expect("the vendor's error body");
    // ConnectWise's shape: `InvalidObject` with an `ObjectExists` entry naming the field.
    assert_eq!(vendor.code.as_deref(), Some("InvalidObject"), "{again}");
    assert!(
        vendor
            .details
            .iter()
            .any(|d| d.code.as_deref() == Some("ObjectExists")
                && d.field.as_deref() == Some("objectId")),
        "{again}"
    );
    assert_eq!(again.status().map(|s| s.as_u16()), Some(400));
    assert_eq!(
        emulator
            .control()
            .records(Vendor::ConnectWise, "system/callbacks")
            .len(),
        1
    );
    assert_eq!(sent(&emulator, "POST", "/system/callbacks").len(), 2);
}

#[tokio::test]
async fn step_09_a_403_is_a_forbidden_error_naming_the_operation() {
    let emulator = emulated::emulator().await;
    let cw = emulated::connectwise(&emulator);
    emulator.control().inject(FaultRule::new(
        FaultMatch::vendor(Vendor::ConnectWise)
            .method("GET")
            .path("/service/tickets"),
        FaultKind::Status {
            status: 403,
            message: Some("You do not have access to Service Tickets.".into()),
        },
        1,
    ));
    let err = cw
        .service()
        .get_service_tickets()
        .send()
        .await
        .expect_err("forbidden");
    assert!(matches!(err, Error::Forbidden { .. }), "{err:?}");
    let operation = err.operation_id().expect("the operation");
    assert!(
        operation.to_ascii_lowercase().contains("servicetickets"),
        "{operation}"
    );
    let text = err.to_string();
    assert!(text.contains(operation), "{text}");
    assert!(text.contains("403"), "{text}");
    // Sent once: a 403 is not retried.
    let calls = sent(&emulator, "GET", "/service/tickets");
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].status, Some(403));
}

#[tokio::test]
async fn step_10_adds_a_note_as_an_impersonated_member() {
    let emulator = emulated::emulator().await;
    let creds = emulator.credentials().connectwise;
    let plain = emulated::connectwise(&emulator);
    let id = create_ticket(&plain, "Impersonation").await;
    let config = ConnectWiseConfig::new(
        &creds.site,
        creds.company.clone(),
        creds.public_key.clone(),
        Secret::new(creds.private_key.clone()),
        creds.client_id.clone(),
    )
    .expect("a config")
    .with_member_impersonation(creds.impersonable_member.clone());
    let as_member = psa_clients::connectwise::Client::builder(config)
        .build()
        .expect("a client");
    for text in ["Spoke to the user.", "Fixed."] {
        as_member
            .service()
            .post_service_tickets_by_parent_id_notes()
            .parent_id(id as i32)
            .body(body::<types::ServiceNote>(
                json!({"text": text, "internalAnalysisFlag": true}),
            ))
            .send()
            .await
            .expect("note as the member");
    }
    let notes = emulator
        .control()
        .records(Vendor::ConnectWise, &format!("service/tickets/{id}/notes"));
    assert_eq!(notes.len(), 2);
    for note in &notes {
        assert_eq!(
            note["_info"]["enteredBy"], creds.impersonable_member,
            "entered by the member: {note}"
        );
    }
    // One key pair fetched for both notes.
    let tokens: Vec<_> = emulator
        .control()
        .journal()
        .into_iter()
        .filter(|e| e.method == "POST" && e.path.ends_with("/tokens"))
        .collect();
    assert_eq!(tokens.len(), 1);
    assert!(tokens[0].path.contains(&creds.impersonable_member));
}
