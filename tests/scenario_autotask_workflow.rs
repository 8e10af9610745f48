//! Scenario: a workflow platform on Datto Autotask PSA (the Rewst integration), through psa-clients' public API
//! only, against the in-process psa-emulator.
//!
//! The integration lists companies filtered by company type (1 = Customer); creates a company, a contact under
//! it, a ticket, a ticket note and a time entry; updates the ticket by PATCH; lists contracts; creates a project
//! with tasks; polls for stale tickets (not updated for N hours, across several pages); rides out a 429 with
//! `Retry-After`; and runs 20 concurrent callers against Autotask's limit of 3 concurrent requests per entity —
//! all succeed, the emulator never sees more than 3 in flight per entity, and nothing is created twice.
//!
//! Each step asserts on the emulator's records and journal, not only on what the client returned.
//!
//! Elsewhere: webhook delivery (registered through the generated client, the emulator's signed Autotask webhook
//! received and verified by `psa_clients::webhooks`) is `tests/webhooks_e2e.rs`; the stale-ticket poll here is the
//! integration's own alternative to webhooks.
#![cfg(feature = "autotask")]

mod common;

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use common::emulated;
use futures_util::TryStreamExt;
use psa_clients::auth::AutotaskConfig;
use psa_clients::autotask::filter::{field, Query};
use psa_clients::autotask::types;
use psa_clients::secret::Secret;
use psa_clients::transport::{ManualClock, Transport};
use psa_emulator::{Emulator, FaultKind, FaultMatch, FaultRule, JournalEntry, RetryAfter, Vendor};
use serde::de::DeserializeOwned;
use serde_json::{json, Value};

/// A request body of the generated types, written as the JSON the vendor documents.
fn body<T: DeserializeOwned>(value: Value) -> T {
    serde_json::from_value(value).expect("a valid request body")
}

/// Journal entries for `method` on an API path ending in `suffix` (after `…/V1.0`), case-insensitive.
fn sent(emulator: &Emulator, method: &str, suffix: &str) -> Vec<JournalEntry> {
    emulator
        .control()
        .journal()
        .into_iter()
        .filter(|e| e.method == method)
        .filter(|e| {
            let path = e.path.to_ascii_lowercase();
            path.split_once("/v1.0")
                .is_some_and(|(_, rest)| rest == suffix.to_ascii_lowercase())
        })
        .collect()
}

fn record(emulator: &Emulator, entity: &str, id: i64) -> Value {
    emulator
        .control()
        .records(Vendor::Autotask, entity)
        .into_iter()
        .find(|r| r["id"] == id)
        .unwrap_or_else(|| panic!("no {entity} record {id} in the emulator"))
}

/// An Autotask client for the emulator whose transport sleeps on a manual clock (a `Retry-After` is
/// honoured without really waiting; the clock records the waits).
fn autotask_on_manual_clock(emulator: &Emulator) -> (psa_clients::autotask::Client, ManualClock) {
    let at = emulator.credentials().autotask;
    let config = AutotaskConfig::new(
        at.username,
        Secret::new(at.secret),
        Secret::new(at.integration_code),
    )
    .with_discovery_url(at.discovery_url.parse().expect("a URL"));
    let clock = ManualClock::new(SystemTime::now());
    let transport = Transport::builder()
        .clock(Arc::new(clock.clone()))
        .build()
        .expect("a transport");
    let client = psa_clients::autotask::Client::builder(config)
        .transport(transport)
        .build()
        .expect("an Autotask client");
    (client, clock)
}

const TEST_REWST: i64 = 29683600;

async fn create_ticket(at: &psa_clients::autotask::Client, title: &str) -> i64 {
    at.tickets_create_entity()
        .body(body::<types::TicketModel>(json!({
            "companyID": TEST_REWST, "title": title, "description": "Opened by a workflow.",
            "status": 1, "priority": 2, "queueID": 29683378, "ticketType": 1
        })))
        .send()
        .await
        .expect("the ticket is created")
        .into_inner()
        .item_id()
}

#[tokio::test]
async fn step_01_lists_companies_filtered_by_company_type_customer() {
    let emulator = emulated::emulator().await;
    let at = emulated::autotask(&emulator);
    let customers = Query::builder()
        .filter(field("companyType").eq(1))
        .build()
        .expect("a query");
    let companies: Vec<types::CompanyModel> =
        at.query(&customers).try_collect().await.expect("companies");
    let got: BTreeSet<i64> = companies.iter().map(|c| c.id()).collect();
    let expected: BTreeSet<i64> = emulator
        .control()
        .records(Vendor::Autotask, "Companies")
        .iter()
        .filter(|c| c["companyType"] == 1)
        .filter_map(|c| c["id"].as_i64())
        .collect();
    assert_eq!(expected.len(), 5);
    assert_eq!(got, expected);
    assert!(companies.iter().all(|c| c.company_type == Some(1)));
    let queries = sent(&emulator, "POST", "/Companies/query");
    assert_eq!(queries.len(), 1);
    let sent_body: Value = serde_json::from_str(&queries[0].body).expect("JSON");
    assert_eq!(sent_body["filter"][0]["field"], "companyType");
    assert_eq!(sent_body["filter"][0]["op"], "eq");
}

#[tokio::test]
async fn step_02_creates_a_company_a_contact_a_ticket_a_note_and_a_time_entry() {
    let emulator = emulated::emulator().await;
    let at = emulated::autotask(&emulator);
    let company = at
        .companies_create_entity()
        .body(body::<types::CompanyModel>(json!({
            "companyName": "Scenario Widgets", "companyType": 1, "ownerResourceID": 4, "phone": "813-555-0142"
        })))
        .send()
        .await
        .expect("company")
        .into_inner()
        .item_id();
    assert_eq!(
        record(&emulator, "Companies", company)["companyName"],
        "Scenario Widgets"
    );

    let contact = at
        .company_contacts_child_create_entity()
        .parent_id(company)
        .body(body::<types::ContactModel>(json!({
            "firstName": "Sam", "lastName": "Scenario", "isActive": 1,
            "emailAddress": "sam@scenario-widgets.example"
        })))
        .send()
        .await
        .expect("contact")
        .into_inner()
        .item_id();
    let stored = record(&emulator, "Contacts", contact);
    assert_eq!(stored["companyID"], company, "the parent id is set");
    assert_eq!(stored["lastName"], "Scenario");

    let ticket = at
        .tickets_create_entity()
        .body(body::<types::TicketModel>(json!({
            "companyID": company, "contactID": contact, "title": "Laptop will not boot",
            "status": 1, "priority": 2, "queueID": 29683378
        })))
        .send()
        .await
        .expect("ticket")
        .into_inner()
        .item_id();
    let stored = record(&emulator, "Tickets", ticket);
    assert_eq!(stored["title"], "Laptop will not boot");
    assert_eq!(stored["contactID"], contact);

    let note = at
        .ticket_notes_child_create_entity()
        .parent_id(ticket)
        .body(body::<types::TicketNoteModel>(json!({
            "title": "Triage", "description": "Boots to BIOS only.", "noteType": 1, "publish": 1
        })))
        .send()
        .await
        .expect("note")
        .into_inner()
        .item_id();
    let stored = record(&emulator, "TicketNotes", note);
    assert_eq!(stored["ticketID"], ticket);
    assert_eq!(stored["description"], "Boots to BIOS only.");

    let entry = at
        .time_entries_create_entity()
        .body(body::<types::TimeEntryModel>(json!({
            "ticketID": ticket, "resourceID": 29682885, "dateWorked": "2025-03-01T00:00:00Z",
            "startDateTime": "2025-03-01T09:00:00Z", "endDateTime": "2025-03-01T09:30:00Z",
            "hoursWorked": 0.5, "summaryNotes": "Reseated the disk."
        })))
        .send()
        .await
        .expect("time entry")
        .into_inner()
        .item_id();
    let stored = record(&emulator, "TimeEntries", entry);
    assert_eq!(stored["ticketID"], ticket);
    assert_eq!(stored["hoursWorked"], 0.5);

    // One POST per record, nothing retried or duplicated.
    for (suffix, n) in [
        ("/Companies".to_owned(), 1),
        (format!("/Companies/{company}/Contacts"), 1),
        ("/Tickets".to_owned(), 1),
        (format!("/Tickets/{ticket}/Notes"), 1),
        ("/TimeEntries".to_owned(), 1),
    ] {
        assert_eq!(sent(&emulator, "POST", &suffix).len(), n, "POST {suffix}");
    }
}

#[tokio::test]
async fn step_03_updates_a_ticket_by_patch() {
    let emulator = emulated::emulator().await;
    let at = emulated::autotask(&emulator);
    let ticket = create_ticket(&at, "Slow network").await;
    at.tickets_patch_entity()
        .body(body::<types::TicketModel>(
            json!({"id": ticket, "status": 8, "priority": 1}),
        ))
        .send()
        .await
        .expect("patched");
    let stored = record(&emulator, "Tickets", ticket);
    assert_eq!(stored["status"], 8);
    assert_eq!(stored["priority"], 1);
    assert_eq!(
        stored["title"], "Slow network",
        "PATCH keeps the other fields"
    );
    let read = at
        .tickets_query_item()
        .id(ticket)
        .send()
        .await
        .expect("read back")
        .into_inner();
    assert_eq!(read.item.expect("the ticket").status, Some(8));
    let patches = sent(&emulator, "PATCH", "/Tickets");
    assert_eq!(patches.len(), 1);
    let patch: Value = serde_json::from_str(&patches[0].body).expect("JSON");
    assert_eq!(patch["id"], ticket);
    assert!(
        patch.get("title").is_none(),
        "only the changed fields are sent: {patch}"
    );
}

#[tokio::test]
async fn step_04_lists_contracts() {
    let emulator = emulated::emulator().await;
    let at = emulated::autotask(&emulator);
    let contracts: Vec<types::ContractModel> = at
        .query(
            &Query::builder()
                .filter(field("companyID").eq(TEST_REWST))
                .build()
                .unwrap(),
        )
        .try_collect()
        .await
        .expect("contracts");
    let expected: BTreeSet<i64> = emulator
        .control()
        .records(Vendor::Autotask, "Contracts")
        .iter()
        .filter(|c| c["companyID"] == TEST_REWST)
        .filter_map(|c| c["id"].as_i64())
        .collect();
    assert!(!expected.is_empty());
    assert_eq!(
        contracts.iter().map(|c| c.id()).collect::<BTreeSet<_>>(),
        expected
    );
    assert_eq!(sent(&emulator, "POST", "/Contracts/query").len(), 1);
}

#[tokio::test]
async fn step_05_creates_a_project_with_tasks() {
    let emulator = emulated::emulator().await;
    let at = emulated::autotask(&emulator);
    let project = at
        .projects_create_entity()
        .body(body::<types::ProjectModel>(json!({
            "companyID": TEST_REWST, "projectName": "Office move", "status": 1, "projectType": 5,
            "startDateTime": "2025-04-01T00:00:00Z", "endDateTime": "2025-05-01T00:00:00Z"
        })))
        .send()
        .await
        .expect("project")
        .into_inner()
        .item_id();
    for title in ["Label the desks", "Move the servers"] {
        at.tasks_child_create_entity()
            .parent_id(project)
            .body(body::<types::TaskModel>(
                json!({"title": title, "status": 1, "taskType": 1}),
            ))
            .send()
            .await
            .expect("task");
    }
    let tasks: Vec<types::TaskModel> = at
        .query(
            &Query::builder()
                .filter(field("projectID").eq(project))
                .build()
                .unwrap(),
        )
        .try_collect()
        .await
        .expect("tasks");
    assert_eq!(tasks.len(), 2);
    let stored: BTreeSet<String> = emulator
        .control()
        .records(Vendor::Autotask, "Tasks")
        .iter()
        .filter(|t| t["projectID"] == project)
        .filter_map(|t| t["title"].as_str().map(str::to_owned))
        .collect();
    assert_eq!(
        stored,
        ["Label the desks", "Move the servers"]
            .map(str::to_owned)
            .into_iter()
            .collect()
    );
    assert_eq!(
        record(&emulator, "Projects", project)["projectName"],
        "Office move"
    );
}

#[tokio::test]
async fn step_06_polls_for_stale_tickets_across_pages() {
    let emulator = emulated::emulator().await;
    let at = emulated::autotask(&emulator);
    // A fresh ticket must not be reported.
    let fresh = create_ticket(&at, "Fresh").await;
    let hours = 48;
    let cutoff = chrono::Utc::now() - chrono::Duration::hours(hours);
    let cutoff_text = cutoff.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let stale = Query::builder()
        .filter(field("lastActivityDate").lt(cutoff_text.as_str()))
        .filter(field("status").not_eq(5))
        .build()
        .expect("a query");
    let tickets: Vec<types::TicketModel> =
        at.query(&stale).try_collect().await.expect("stale tickets");
    let got: BTreeSet<i64> = tickets.iter().map(|t| t.id()).collect();
    assert_eq!(got.len(), tickets.len(), "no ticket twice across pages");
    assert!(!got.contains(&fresh));
    let expected: BTreeSet<i64> = emulator
        .control()
        .records(Vendor::Autotask, "Tickets")
        .iter()
        .filter(|t| t["status"] != 5)
        .filter(|t| {
            t["lastActivityDate"]
                .as_str()
                .and_then(|s| chrono::DateTime::parse_from_rfc3339(s).ok())
                .is_some_and(|d| d < cutoff)
        })
        .filter_map(|t| t["id"].as_i64())
        .collect();
    assert!(
        expected.len() > 500,
        "more than one page: {}",
        expected.len()
    );
    assert_eq!(got, expected);
    // The first page is the POSTed query, the next ones the POSTed `nextPageUrl`s with the same body.
    let pages: Vec<_> = emulator
        .control()
        .journal()
        .into_iter()
        .filter(|e| e.path.to_ascii_lowercase().contains("/tickets/query"))
        .collect();
    assert_eq!(pages.len(), expected.len().div_ceil(500));
    assert!(pages
        .iter()
        .all(|p| p.method == "POST" && p.status == Some(200)));
    assert!(pages.iter().all(|p| p.body == pages[0].body));
}

#[tokio::test]
async fn step_07_a_429_with_retry_after_is_waited_out_and_retried() {
    let emulator = emulated::emulator().await;
    let (at, clock) = autotask_on_manual_clock(&emulator);
    emulator.control().inject(FaultRule::new(
        FaultMatch::vendor(Vendor::Autotask)
            .method("POST")
            .path("/Tickets/query"),
        FaultKind::TooManyRequests {
            retry_after: Some(RetryAfter::Seconds(7)),
        },
        2,
    ));
    let query = Query::builder()
        .filter(field("id").eq(7000))
        .build()
        .unwrap();
    let tickets: Vec<types::TicketModel> = at.query(&query).try_collect().await.expect("retried");
    assert_eq!(tickets.len(), 1);
    let attempts = sent(&emulator, "POST", "/Tickets/query");
    let statuses: Vec<_> = attempts.iter().map(|e| e.status).collect();
    assert_eq!(statuses, vec![Some(429), Some(429), Some(200)]);
    assert_eq!(
        clock.sleeps(),
        vec![Duration::from_secs(7), Duration::from_secs(7)],
        "Retry-After honoured"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn step_08_twenty_concurrent_callers_stay_within_three_threads_per_entity() {
    let emulator = emulated::emulator().await;
    let control = emulator.control();
    control.set_autotask_thread_limit(Some(3));
    // Requests take a while, so callers really overlap.
    control.inject(FaultRule::new(
        FaultMatch::vendor(Vendor::Autotask).path("/Tickets"),
        FaultKind::Latency { millis: 40 },
        200,
    ));
    let at = emulated::autotask(&emulator);
    // Discover the zone first, so the callers race on the entity, not on discovery.
    at.tickets_query_item()
        .id(7000)
        .send()
        .await
        .expect("warm-up");
    let mut callers = Vec::new();
    for n in 0..20 {
        let at = at.clone();
        callers.push(tokio::spawn(async move {
            let id = create_ticket(&at, &format!("Concurrent caller {n}")).await;
            let query = Query::builder().filter(field("id").eq(id)).build().unwrap();
            let found: Vec<types::TicketModel> = at.query(&query).try_collect().await?;
            Ok::<_, psa_clients::Error>((id, found.len()))
        }));
    }
    let mut ids = BTreeSet::new();
    for caller in callers {
        let (id, found) = caller
            .await
            .expect("no panic")
            .expect("every caller succeeds");
        assert_eq!(found, 1);
        ids.insert(id);
    }
    assert_eq!(ids.len(), 20);
    let max = control.max_concurrency();
    assert!(
        max.values().all(|&n| n <= 3),
        "at most 3 in flight per entity: {max:?}"
    );
    assert!(
        max.get("tickets").copied().unwrap_or(0) >= 2,
        "callers overlapped: {max:?}"
    );
    // Nothing duplicated: one record per caller, one POST per record, no 429.
    let stored = control.records(Vendor::Autotask, "Tickets");
    for n in 0..20 {
        let title = format!("Concurrent caller {n}");
        assert_eq!(
            stored
                .iter()
                .filter(|t| t["title"] == title.as_str())
                .count(),
            1,
            "{title}"
        );
    }
    assert_eq!(sent(&emulator, "POST", "/Tickets").len(), 20);
    let journal = control.journal();
    assert!(
        journal.iter().all(|e| e.status != Some(429)),
        "the client never exceeded the thread limit"
    );
}
