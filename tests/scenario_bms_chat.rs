//! Scenario: a chat connector on Kaseya BMS (the CloudRadial Chat integration), through psa-clients' public API
//! only, against the in-process psa-emulator.
//!
//! The connector logs in as an API employee, finds the chatting contact by e-mail, creates a ticket from the
//! chat, updates its status and priority, adds the chat transcript and a reply as notes, and lists the
//! assignees a chat can be routed to. Its troubleshooting cases must give errors a support engineer can act
//! on: an HTML page instead of JSON (wrong site URL) is the HTML error naming the likely cause, a 401 is an
//! authentication error, and a server that does not answer in time is a timeout error.
//!
//! Each step asserts on the emulator's records and journal, not only on what the client returned.
#![cfg(feature = "bms")]

mod common;

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use common::emulated;
use psa_clients::auth::{BmsConfig, BmsRegion};
use psa_clients::bms::types;
use psa_clients::secret::Secret;
use psa_clients::transport::{ManualClock, RetryPolicy, Transport};
use psa_clients::Error;
use psa_emulator::{Emulator, FaultKind, FaultMatch, FaultRule, JournalEntry, Vendor};
use serde::de::DeserializeOwned;
use serde_json::{json, Value};

fn body<T: DeserializeOwned>(value: Value) -> T {
    serde_json::from_value(value).expect("a valid request body")
}

fn calls(emulator: &Emulator, operation: &str) -> Vec<JournalEntry> {
    emulator
        .control()
        .journal()
        .into_iter()
        .filter(|e| e.operation_id.as_deref() == Some(operation))
        .collect()
}

fn record(emulator: &Emulator, collection: &str, id: i64) -> Value {
    emulator
        .control()
        .records(Vendor::Bms, collection)
        .into_iter()
        .find(|r| r["id"] == id)
        .unwrap_or_else(|| panic!("no {collection} record {id} in the emulator"))
}

/// The API employee's config against `host`.
fn api_employee_config(emulator: &Emulator, host: &str, password: &str) -> BmsConfig {
    let bms = emulator.credentials().bms;
    BmsConfig::new(
        BmsRegion::Custom(host.parse().expect("a URL")),
        bms.tenant,
        bms.api_username,
        Secret::new(password.to_owned()),
    )
}

/// A chat ticket for `contact` of account `account`; returns its id.
async fn ticket_from_chat(bms: &psa_clients::bms::Client, account: i64, contact: i64) -> i64 {
    let chat = bms
        .get_lookups()
        .table_name("TicketSource")
        .send()
        .await
        .expect("ticket sources")
        .into_inner()
        .result
        .unwrap_or_default()
        .into_iter()
        .find(|s| s.name.as_deref() == Some("Chat"))
        .and_then(|s| s.id)
        .expect("a Chat source");
    bms.create_ticket()
        .body(body::<types::TicketInputDto>(json!({
            "accountId": account, "locationId": account * 10 + 1, "contactId": contact,
            "title": "Chat: Outlook keeps asking for my password",
            "details": "Started from CloudRadial chat.",
            "openDate": "2025-03-01T09:00:00Z",
            "priorityId": 3, "statusId": 1, "typeId": 2, "sourceId": chat
        })))
        .send()
        .await
        .expect("the chat ticket is created")
        .into_inner()
        .result
        .and_then(|t| t.id)
        .map(i64::from)
        .expect("an id")
}

#[tokio::test]
async fn step_01_finds_the_contact_by_email() {
    let emulator = emulated::emulator().await;
    let bms = emulated::bms_api_employee(&emulator);
    let stored = record(&emulator, "contacts", 5);
    let email = stored["emails"][0]["email"]
        .as_str()
        .expect("the seed contact's e-mail")
        .to_owned();
    let found = bms
        .list_contacts()
        .filter_email(email.clone())
        .send()
        .await
        .expect("a lookup by e-mail")
        .into_inner();
    let found = found.result.unwrap_or_default();
    assert_eq!(
        found.iter().filter_map(|c| c.id).collect::<Vec<_>>(),
        vec![5],
        "exactly the contact with {email}"
    );
    assert_eq!(found[0].first_name.as_deref(), stored["firstName"].as_str());
    let sent = calls(&emulator, "GetContactsListSummary");
    assert_eq!(sent.len(), 1);
    assert!(sent[0]
        .query
        .as_deref()
        .unwrap_or_default()
        .contains("Filter.Email="));
}

#[tokio::test]
async fn step_01b_finds_a_contact_created_with_an_email_address_by_email() {
    let emulator = emulated::emulator().await;
    let bms = emulated::bms_api_employee(&emulator);
    let email = "chat.visitor@acmedental.example";
    let created = bms
        .create_contact()
        .body(body::<types::ContactInputDto>(json!({
            "accountId": 2, "locationId": 21, "firstName": "Chat", "lastName": "Visitor",
            "emails": [{"emailAddress": email, "isDefault": true}]
        })))
        .send()
        .await
        .expect("the contact is created")
        .into_inner()
        .result
        .and_then(|c| c.id)
        .expect("an id");
    assert_eq!(
        record(&emulator, "contacts", i64::from(created))["emails"][0]["emailAddress"],
        email
    );
    let by_summary = bms
        .list_contacts()
        .filter_email(email)
        .send()
        .await
        .expect("contacts summary by e-mail")
        .into_inner()
        .result
        .unwrap_or_default();
    assert_eq!(
        by_summary.iter().filter_map(|c| c.id).collect::<Vec<_>>(),
        vec![created]
    );
    let by_search = bms
        .search_contacts()
        .filter_email_address(email)
        .send()
        .await
        .expect("contacts search by e-mail")
        .into_inner()
        .result
        .unwrap_or_default();
    assert_eq!(
        by_search.iter().filter_map(|c| c.id).collect::<Vec<_>>(),
        vec![created]
    );
    let searches = calls(&emulator, "GetContactsSearch");
    assert_eq!(searches.len(), 1);
    assert!(searches[0]
        .query
        .as_deref()
        .unwrap_or_default()
        .contains("Filter.EmailAddress="));
}

#[tokio::test]
async fn step_02_creates_a_ticket_from_a_chat() {
    let emulator = emulated::emulator().await;
    let bms = emulated::bms_api_employee(&emulator);
    let ticket = ticket_from_chat(&bms, 2, 4).await;
    let stored = record(&emulator, "tickets", ticket);
    assert_eq!(
        stored["title"],
        "Chat: Outlook keeps asking for my password"
    );
    assert_eq!(stored["sourceId"], 4, "the Chat source");
    assert_eq!(stored["contactId"], 4);
    assert_eq!(
        stored["accountName"],
        record(&emulator, "accounts", 2)["accountName"]
    );
    assert_eq!(stored["createdBy"], 4, "created by the API employee");
    assert_eq!(calls(&emulator, "PostTicket").len(), 1);
}

#[tokio::test]
async fn step_03_updates_status_and_priority() {
    let emulator = emulated::emulator().await;
    let bms = emulated::bms_api_employee(&emulator);
    let ticket = ticket_from_chat(&bms, 2, 4).await;
    bms.patch_ticket()
        .ticket_id(ticket as i32)
        .body(body::<Vec<types::Operation>>(json!([
            {"op": "replace", "path": "/statusId", "value": 3},
            {"op": "replace", "path": "/priorityId", "value": 2}
        ])))
        .send()
        .await
        .expect("updated");
    let stored = record(&emulator, "tickets", ticket);
    assert_eq!(stored["statusName"], "Waiting Customer");
    assert_eq!(stored["priorityName"], "High");
    assert_eq!(calls(&emulator, "PatchTicket").len(), 1);
}

#[tokio::test]
async fn step_04_adds_the_transcript_and_a_reply_as_notes() {
    let emulator = emulated::emulator().await;
    let bms = emulated::bms_api_employee(&emulator);
    let ticket = ticket_from_chat(&bms, 2, 4).await;
    for (text, internal) in [
        ("Transcript: user cannot log in to Outlook.", true),
        ("Thanks, a technician will call you.", false),
    ] {
        bms.create_ticket_note()
            .ticket_id(ticket as i32)
            .body(body::<types::TicketNotePostInputDto>(json!({
                "details": text, "isInternal": internal, "noteDate": "2025-03-01T09:05:00Z", "typeId": 1
            })))
            .send()
            .await
            .expect("note");
    }
    let notes = emulator
        .control()
        .records(Vendor::Bms, &format!("tickets/{ticket}/notes"));
    let texts: BTreeSet<(String, bool)> = notes
        .iter()
        .map(|n| {
            (
                n["details"].as_str().unwrap_or_default().to_owned(),
                n["isInternal"].as_bool().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        texts,
        BTreeSet::from([
            (
                "Transcript: user cannot log in to Outlook.".to_owned(),
                true
            ),
            ("Thanks, a technician will call you.".to_owned(), false),
        ])
    );
    assert_eq!(calls(&emulator, "PostTicketNote").len(), 2);
}

#[tokio::test]
async fn step_05_lists_the_assignees() {
    let emulator = emulated::emulator().await;
    let bms = emulated::bms_api_employee(&emulator);
    let assignees = bms
        .get_assignee_lookups()
        .send()
        .await
        .expect("assignees")
        .into_inner()
        .result
        .unwrap_or_default();
    let got: BTreeSet<(Option<i32>, Option<String>)> = assignees
        .into_iter()
        .map(|a| (a.id, a.email_address))
        .collect();
    let expected: BTreeSet<(Option<i32>, Option<String>)> = emulator
        .control()
        .records(Vendor::Bms, "assignees")
        .iter()
        .map(|a| {
            (
                a["id"].as_i64().map(|i| i as i32),
                a["emailAddress"].as_str().map(str::to_owned),
            )
        })
        .collect();
    assert_eq!(got, expected);
    assert_eq!(calls(&emulator, "GetAssigneeLookups").len(), 1);
}

#[tokio::test]
async fn troubleshooting_an_html_page_instead_of_json_names_the_wrong_site_url() {
    let emulator = emulated::emulator().await;
    // The site URL of the web app (a path the API does not live under) instead of the API host.
    let wrong = format!("{}/app", emulator.base_url());
    let password = emulator.credentials().bms.api_password;
    let bms = psa_clients::bms::Client::builder(api_employee_config(&emulator, &wrong, &password))
        .build()
        .expect("a client");
    let err = bms
        .get_assignee_lookups()
        .send()
        .await
        .expect_err("no API there");
    assert!(matches!(err, Error::HtmlInsteadOfJson { .. }), "{err:?}");
    let text = err.to_string();
    assert!(text.contains("HTML"), "{text}");
    assert!(text.contains("wrong site URL"), "{text}");
    // The page came from the emulator's web server, not from the API.
    let journal = emulator.control().journal();
    assert!(!journal.is_empty());
    assert!(
        journal.iter().all(|e| e.path.starts_with("/app/")),
        "{journal:?}"
    );
    assert!(journal.iter().all(|e| e.status == Some(404)));

    // The same symptom from a proxy or captive portal answering 200 with a page on the right host.
    let bms = emulated::bms_api_employee(&emulator);
    emulator.control().inject(FaultRule::new(
        FaultMatch::vendor(Vendor::Bms).path("/hr/assignees"),
        FaultKind::Html { status: 200 },
        1,
    ));
    let err = bms.get_assignee_lookups().send().await.expect_err("HTML");
    assert!(matches!(err, Error::HtmlInsteadOfJson { .. }), "{err:?}");
}

#[tokio::test]
async fn troubleshooting_a_401_is_an_authentication_error() {
    let emulator = emulated::emulator().await;
    let bms = psa_clients::bms::Client::builder(api_employee_config(
        &emulator,
        emulator.base_url(),
        "not-the-password",
    ))
    .build()
    .expect("a client");
    let err = bms
        .get_assignee_lookups()
        .send()
        .await
        .expect_err("a wrong password");
    assert!(
        matches!(err, Error::Authentication { status, .. } if status == 401),
        "{err:?}"
    );
    assert!(err.to_string().contains("authentication failed"), "{err}");
    // One refused login; the call itself never went out, and the login was not retried.
    let journal = emulator.control().journal();
    assert_eq!(journal.len(), 1, "{journal:?}");
    assert_eq!(journal[0].path, "/v2/security/authenticate");
    assert_eq!(journal[0].status, Some(401));
}

#[tokio::test]
async fn troubleshooting_a_server_that_does_not_answer_in_time_is_a_timeout_error() {
    let emulator = emulated::emulator().await;
    let password = emulator.credentials().bms.api_password;
    let transport = Transport::builder()
        .timeout(Duration::from_millis(250))
        .retry_policy(RetryPolicy::builder().max_attempts(2).jitter(false).build())
        .clock(Arc::new(ManualClock::new(SystemTime::now())))
        .build()
        .expect("a transport");
    let bms = psa_clients::bms::Client::builder(api_employee_config(
        &emulator,
        emulator.base_url(),
        &password,
    ))
    .transport(transport)
    .build()
    .expect("a client");
    emulator.control().inject(FaultRule::new(
        FaultMatch::vendor(Vendor::Bms).path("/hr/assignees"),
        FaultKind::Latency { millis: 1_000 },
        2,
    ));
    let err = bms
        .get_assignee_lookups()
        .send()
        .await
        .expect_err("too slow");
    assert!(matches!(err, Error::Timeout { .. }), "{err:?}");
    assert!(err.to_string().contains("timed out"), "{err}");
    // A read is retried once after a timeout, then given up on. The emulator journals a request when it
    // answers, and a request the client gave up on is never answered, so the attempts are counted on the fault
    // rule instead: it was good for two slow answers, and the next call is answered at once, so the failed call
    // used exactly two attempts (one would leave a slow answer for this call; three would have succeeded).
    let next = bms
        .get_assignee_lookups()
        .send()
        .await
        .expect("the next call is answered");
    assert!(next.into_inner().success.unwrap_or(false));
    let answered: Vec<_> = calls(&emulator, "GetAssigneeLookups")
        .into_iter()
        .filter(|e| e.fault.is_none())
        .collect();
    assert_eq!(answered.len(), 1, "{answered:?}");
    assert_eq!(answered[0].status, Some(200));
}
