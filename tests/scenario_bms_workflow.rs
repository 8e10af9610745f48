//! Scenario: a workflow platform on Kaseya BMS (the Rewst integration), through psa-clients' public API only,
//! against the in-process psa-emulator.
//!
//! The integration logs in as a regular employee with a TOTP code, then: creates a contact and a ticket, adds
//! an internal and an external note, logs a time entry given a start time as `HH:MM`, the minutes spent, the
//! assignee, the work type and a status; reads an account, a contact, a location and a ticket by id; lists the
//! lookups a workflow offers in its drop-downs (assignees, work types, priorities, queues, roles, statuses,
//! contact types, a lookup table's content); updates a ticket; lists tickets with the documented filters
//! (account, status names, created-on range, exclude completed); sends a generic request with paging; and
//! imports every account as a customer.
//!
//! Every step asserts on what the emulator holds or saw (its records and its journal), not only on what the
//! client returned.
#![cfg(feature = "bms")]

mod common;

use std::collections::BTreeSet;

use common::emulated;
use psa_clients::bms::types;
use psa_clients::pagination::ListStreams;
use psa_emulator::{Emulator, Vendor};
use reqwest::Method;
use serde::de::DeserializeOwned;
use serde_json::{json, Value};

/// A request body of the generated types, written as the JSON the vendor documents.
fn body<T: DeserializeOwned>(value: Value) -> T {
    serde_json::from_value(value).expect("a valid request body")
}

/// The journal entries for one BMS operation id (as the emulator matched it).
fn calls(emulator: &Emulator, operation: &str) -> Vec<psa_emulator::JournalEntry> {
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

/// Creates a ticket for account 1 (Test Rewst) and returns its id.
async fn create_ticket(bms: &psa_clients::bms::Client, title: &str) -> i64 {
    let created = bms
        .create_ticket()
        .body(body::<types::TicketInputDto>(json!({
            "accountId": 1, "locationId": 11, "contactId": 1,
            "title": title, "details": "Opened by a workflow.",
            "openDate": "2025-03-01T09:00:00Z",
            "priorityId": 2, "statusId": 1, "typeId": 1, "sourceId": 1, "queueId": 1, "assigneeId": 2
        })))
        .send()
        .await
        .expect("the ticket is created")
        .into_inner();
    i64::from(created.result.expect("a result").id.expect("an id"))
}

#[tokio::test]
async fn step_01_logs_in_with_the_users_totp_code() {
    let emulator = emulated::emulator().await;
    let bms = emulated::bms(&emulator);
    let me = bms
        .user_info()
        .send()
        .await
        .expect("user info")
        .into_inner();
    assert!(me.success.unwrap_or(false));
    let logins = calls(&emulator, "Authenticate");
    let logins: Vec<_> = if logins.is_empty() {
        emulator
            .control()
            .journal()
            .into_iter()
            .filter(|e| e.path == "/v2/security/authenticate")
            .collect()
    } else {
        logins
    };
    assert_eq!(logins.len(), 1, "one login for the run");
    assert_eq!(logins[0].status, Some(200));
    assert!(
        logins[0].body.contains("MFACode="),
        "the login form carries a TOTP code: {}",
        logins[0].body
    );
    assert!(logins[0].body.contains("GrantType=password"));
}

#[tokio::test]
async fn step_02_creates_a_contact() {
    let emulator = emulated::emulator().await;
    let bms = emulated::bms(&emulator);
    let before = emulator.control().records(Vendor::Bms, "contacts").len();
    let created = bms
        .create_contact()
        .body(body::<types::ContactInputDto>(json!({
            "accountId": 1, "locationId": 11, "firstName": "Robin", "lastName": "Workflow",
            "emails": [{"emailAddress": "robin.workflow@testrewst.example", "isDefault": true}],
            "phones": [{"phoneNumber": "813-555-0199", "isDefault": true}]
        })))
        .send()
        .await
        .expect("the contact is created")
        .into_inner();
    let id = i64::from(created.result.expect("a result").id.expect("an id"));
    let contacts = emulator.control().records(Vendor::Bms, "contacts");
    assert_eq!(contacts.len(), before + 1);
    let stored = record(&emulator, "contacts", id);
    assert_eq!(stored["firstName"], "Robin");
    assert_eq!(stored["lastName"], "Workflow");
    assert_eq!(stored["accountId"], 1);
    assert_eq!(calls(&emulator, "PostContactSummaryInfo").len(), 1);
}

#[tokio::test]
async fn step_03_creates_a_ticket() {
    let emulator = emulated::emulator().await;
    let bms = emulated::bms(&emulator);
    let id = create_ticket(&bms, "Onboard new starter").await;
    let stored = record(&emulator, "tickets", id);
    assert_eq!(stored["title"], "Onboard new starter");
    assert_eq!(stored["accountId"], 1);
    assert_eq!(stored["statusName"], "New", "derived from statusId 1");
    assert_eq!(stored["priorityName"], "High", "derived from priorityId 2");
    let posts = calls(&emulator, "PostTicket");
    assert_eq!(posts.len(), 1);
    assert_eq!(posts[0].status, Some(200));
}

#[tokio::test]
async fn step_04_adds_an_internal_and_an_external_note() {
    let emulator = emulated::emulator().await;
    let bms = emulated::bms(&emulator);
    let ticket = create_ticket(&bms, "Printer offline").await;
    for (text, internal) in [("Checked the spooler.", true), ("We are on it.", false)] {
        bms.create_ticket_note()
            .ticket_id(ticket as i32)
            .body(body::<types::TicketNotePostInputDto>(json!({
                "details": text, "isInternal": internal, "noteDate": "2025-03-01T10:00:00Z", "typeId": 1
            })))
            .send()
            .await
            .expect("the note is added");
    }
    let notes = emulator
        .control()
        .records(Vendor::Bms, &format!("tickets/{ticket}/notes"));
    assert_eq!(notes.len(), 2);
    let internal: Vec<_> = notes.iter().filter(|n| n["isInternal"] == true).collect();
    let external: Vec<_> = notes.iter().filter(|n| n["isInternal"] == false).collect();
    assert_eq!(internal.len(), 1);
    assert_eq!(internal[0]["details"], "Checked the spooler.");
    assert_eq!(external.len(), 1);
    assert_eq!(external[0]["details"], "We are on it.");
    // Read back through the client: the same two notes.
    let listed = bms
        .get_ticket_notes()
        .ticket_id(ticket as i32)
        .send()
        .await
        .expect("notes")
        .into_inner();
    assert_eq!(listed.result.unwrap_or_default().len(), 2);
}

#[tokio::test]
async fn step_05_logs_time_from_a_start_time_in_hours_and_minutes() {
    let emulator = emulated::emulator().await;
    let bms = emulated::bms(&emulator);
    let ticket = create_ticket(&bms, "Password reset").await;
    // What the workflow is given: a start time as %H:%M, the minutes spent, an assignee, a work type, a status.
    let (start, minutes, assignee, work_type, status) = ("09:30", 45u32, 2, 1, 2);
    // `HH:MM` → the typed time of day the API's `date-span` fields take; the end time follows from it.
    let (h, m) = start.split_once(':').expect("HH:MM");
    let start = psa_clients::TimeOfDay::hm(h.parse().expect("hours"), m.parse().expect("minutes"))
        .expect("a time of day");
    let end = start
        .checked_add_minutes(minutes)
        .expect("ends the same day");
    let mut entry = body::<types::TicketTimeEntryInputDto>(json!({
        "startDate": "2025-03-01", "startTime": "00:00:00", "endTime": "00:00:00",
        "timespent": f64::from(minutes) / 60.0, "userId": assignee, "workTypeId": work_type,
        "roleId": 1, "statusId": status, "notes": "Reset and verified."
    }));
    entry.start_time = start;
    entry.end_time = end;
    bms.create_ticket_time_entry()
        .ticket_id(ticket as i32)
        .body(entry)
        .send()
        .await
        .expect("the time entry is logged");
    let logs = emulator
        .control()
        .records(Vendor::Bms, &format!("tickets/{ticket}/timelogs"));
    assert_eq!(logs.len(), 1);
    let log = &logs[0];
    // On the wire as .NET writes a `TimeSpan`.
    assert_eq!(log["startTime"], "09:30:00");
    assert_eq!(log["endTime"], "10:15:00");
    assert_eq!(log["timespent"], 0.75);
    assert_eq!(log["userId"], assignee);
    assert_eq!(log["workTypeId"], work_type);
    assert_eq!(log["workTypeName"], "Remote Support");
    assert_eq!(log["statusId"], status);
}

#[tokio::test]
async fn step_06_gets_account_contact_location_and_ticket_by_id() {
    let emulator = emulated::emulator().await;
    let bms = emulated::bms(&emulator);
    let account = bms
        .get_account()
        .id(2)
        .send()
        .await
        .expect("account")
        .into_inner();
    // Enveloped, as the API answers (the document declares the bare DTO: `enveloped_operations`).
    assert_eq!(account.success, Some(true));
    let account = account.result.expect("an account");
    let stored = record(&emulator, "accounts", 2);
    assert_eq!(account.id, Some(2));
    assert_eq!(
        account.account_name.as_deref(),
        stored["accountName"].as_str()
    );

    let contact = bms
        .get_contact()
        .id(4)
        .send()
        .await
        .expect("contact")
        .into_inner()
        .result
        .expect("a contact");
    let stored = record(&emulator, "contacts", 4);
    // What the public BMS v2 client reads from this answer: `result.locationId`.
    assert_eq!(
        contact.location_id,
        stored["locationId"].as_i64().map(|v| v as i32)
    );
    assert_eq!(contact.first_name.as_deref(), stored["firstName"].as_str());
    assert_eq!(contact.last_name.as_deref(), stored["lastName"].as_str());

    let location = bms
        .get_account_location()
        .account_id(2)
        .location_id(21)
        .send()
        .await
        .expect("location")
        .into_inner();
    let stored = record(&emulator, "accounts/2/locations", 21);
    let location = location.result.expect("a location");
    assert_eq!(
        location.location_name.as_deref(),
        stored["locationName"].as_str()
    );

    let ticket = bms
        .get_ticket()
        .ticket_id(7)
        .send()
        .await
        .expect("ticket")
        .into_inner()
        .result
        .expect("a ticket");
    let stored = record(&emulator, "tickets", 7);
    assert_eq!(ticket.title.as_deref(), stored["title"].as_str());
    assert_eq!(ticket.status_name.as_deref(), stored["statusName"].as_str());

    for op in [
        "GetAccountSummary",
        "GetContactSummary",
        "GetAccountLocation",
        "GetTicket",
    ] {
        assert_eq!(calls(&emulator, op).len(), 1, "{op} sent once");
    }
}

/// The trap the `enveloped_operations` correction removes: the enveloped answer read as the bare DTO the document
/// declares. A lenient decoder would make it a contact with every field `None`; the bare model refuses it.
#[tokio::test]
async fn step_06b_a_bare_dto_refuses_the_envelope_the_api_sends() {
    let emulator = emulated::emulator().await;
    let bms = emulated::bms(&emulator);
    let answer = bms
        .raw(Method::GET, "/v2/crm/contacts/summary/4")
        .send_value()
        .await
        .expect("the contact, enveloped");
    assert_eq!(answer["success"], true, "{answer}");
    let error = serde_json::from_value::<types::ContactsSummaryOutputDto>(answer.clone())
        .expect_err("an envelope is no contact");
    assert!(
        error.to_string().contains("BMS envelope")
            && error.to_string().contains("ContactsSummaryOutputDto"),
        "{error}"
    );
    // Its `result` is the contact.
    let contact: types::ContactsSummaryOutputDto =
        serde_json::from_value(answer["result"].clone()).expect("the contact");
    assert_eq!(contact.id, Some(4));
}

/// The names of a lookup collection in the emulator.
fn names(emulator: &Emulator, collection: &str) -> BTreeSet<String> {
    emulator
        .control()
        .records(Vendor::Bms, collection)
        .iter()
        .filter_map(|r| r["name"].as_str().map(str::to_owned))
        .collect()
}

fn got<I: IntoIterator<Item = Option<String>>>(names: I) -> BTreeSet<String> {
    names.into_iter().flatten().collect()
}

#[tokio::test]
async fn step_07_lists_the_lookups_a_workflow_offers() {
    let emulator = emulated::emulator().await;
    let bms = emulated::bms(&emulator);
    let assignees = bms.get_assignee_lookups().send().await.expect("assignees");
    assert_eq!(
        got(assignees
            .into_inner()
            .result
            .unwrap_or_default()
            .into_iter()
            .map(|a| a.name)),
        names(&emulator, "assignees")
    );
    let work_types = bms
        .get_work_type_lookups()
        .send()
        .await
        .expect("work types");
    assert_eq!(
        got(work_types
            .into_inner()
            .result
            .unwrap_or_default()
            .into_iter()
            .map(|a| a.name)),
        names(&emulator, "worktypes")
    );
    let priorities = bms.get_priority_lookups().send().await.expect("priorities");
    assert_eq!(
        got(priorities
            .into_inner()
            .result
            .unwrap_or_default()
            .into_iter()
            .map(|a| a.name)),
        names(&emulator, "priorities")
    );
    let queues = bms.get_queue_lookups().send().await.expect("queues");
    assert_eq!(
        got(queues
            .into_inner()
            .result
            .unwrap_or_default()
            .into_iter()
            .map(|a| a.name)),
        names(&emulator, "queues")
    );
    let roles = bms.get_role_lookups().send().await.expect("roles");
    assert_eq!(
        got(roles
            .into_inner()
            .result
            .unwrap_or_default()
            .into_iter()
            .map(|a| a.name)),
        names(&emulator, "roles")
    );
    let statuses = bms.get_status_lookups().send().await.expect("statuses");
    assert_eq!(
        got(statuses
            .into_inner()
            .result
            .unwrap_or_default()
            .into_iter()
            .map(|a| a.name)),
        names(&emulator, "statuses")
    );
    let contact_types = bms
        .get_lookups()
        .table_name("ContactType")
        .send()
        .await
        .expect("contact types");
    assert_eq!(
        got(contact_types
            .into_inner()
            .result
            .unwrap_or_default()
            .into_iter()
            .map(|a| a.name)),
        names(&emulator, "lookup/contacttype")
    );
    // A lookup table's content, by table name.
    let sources = bms
        .get_lookups()
        .table_name("TicketSource")
        .send()
        .await
        .expect("ticket sources");
    let sources = got(sources
        .into_inner()
        .result
        .unwrap_or_default()
        .into_iter()
        .map(|a| a.name));
    assert!(sources.contains("Chat"));
    assert_eq!(sources, names(&emulator, "lookup/ticketsource"));
    for op in [
        "GetAssigneeLookups",
        "GetWorkTypeLookups",
        "GetPriorityLookups",
        "GetQueueLookups",
        "GetRoleLookups",
        "GetStatusLookups",
    ] {
        assert_eq!(calls(&emulator, op).len(), 1, "{op} sent once");
    }
    assert_eq!(calls(&emulator, "GetLookups").len(), 2);
}

#[tokio::test]
async fn step_08_updates_a_ticket() {
    let emulator = emulated::emulator().await;
    let bms = emulated::bms(&emulator);
    let ticket = create_ticket(&bms, "VPN drops").await;
    // JSON Patch: status to In Progress (2), priority to Critical (1).
    let patched = bms
        .patch_ticket()
        .ticket_id(ticket as i32)
        .body(body::<Vec<types::Operation>>(json!([
            {"op": "replace", "path": "/statusId", "value": 2},
            {"op": "replace", "path": "/priorityId", "value": 1}
        ])))
        .send()
        .await
        .expect("the ticket is patched")
        .into_inner()
        .result
        .expect("a ticket");
    assert_eq!(patched.status_name.as_deref(), Some("In Progress"));
    let stored = record(&emulator, "tickets", ticket);
    assert_eq!(stored["statusName"], "In Progress");
    assert_eq!(stored["priorityName"], "Critical");
    // A full update (PUT) replaces the title.
    bms.put_ticket()
        .ticket_id(ticket as i32)
        .body(body::<types::TicketInputDto>(json!({
            "accountId": 1, "locationId": 11, "title": "VPN drops every hour", "details": "Updated by a workflow.",
            "openDate": "2025-03-01T09:00:00Z", "priorityId": 1, "statusId": 2, "typeId": 1, "sourceId": 1
        })))
        .send()
        .await
        .expect("the ticket is updated");
    let stored = record(&emulator, "tickets", ticket);
    assert_eq!(stored["title"], "VPN drops every hour");
    assert_eq!(calls(&emulator, "PatchTicket").len(), 1);
    assert_eq!(calls(&emulator, "PutTicket").len(), 1);
}

#[tokio::test]
async fn step_09_lists_tickets_with_the_documented_filters() {
    let emulator = emulated::emulator().await;
    let bms = emulated::bms(&emulator);
    let from: psa_clients::Timestamp = "2024-01-05T00:00:00Z".parse().unwrap();
    let to: psa_clients::Timestamp = "2024-01-20T23:59:59Z".parse().unwrap();
    let tickets = bms
        .get_tickets()
        .filter_account("Test Rewst")
        .filter_status_names("New,In Progress")
        .filter_created_on_from(from)
        .filter_created_on_to(to)
        .filter_exclude_completed(1)
        .collect_items(10)
        .await
        .expect("filtered tickets");
    let got: BTreeSet<i64> = tickets
        .iter()
        .map(|t| i64::from(t.id.expect("an id")))
        .collect();
    // The same filter over the emulator's own records.
    let expected: BTreeSet<i64> = emulator
        .control()
        .records(Vendor::Bms, "tickets")
        .iter()
        .filter(|t| t["accountName"] == "Test Rewst")
        .filter(|t| t["statusName"] == "New" || t["statusName"] == "In Progress")
        .filter(|t| {
            let created = t["createdOn"].as_str().unwrap_or_default();
            ("2024-01-05T00:00:00Z".."2024-01-20T23:59:59Z").contains(&created)
        })
        .filter(|t| t["completedDate"].is_null())
        .filter_map(|t| t["id"].as_i64())
        .collect();
    assert!(!expected.is_empty(), "the seed holds matching tickets");
    assert_eq!(got, expected);
    let pages = calls(&emulator, "GetTickets");
    assert_eq!(pages.len(), expected.len().div_ceil(10).max(1));
    for page in &pages {
        let query = page.query.clone().unwrap_or_default();
        for name in [
            "Filter.Account=",
            "Filter.StatusNames=",
            "Filter.CreatedOnFrom=",
            "Filter.CreatedOnTo=",
            "Filter.ExcludeCompleted=1",
        ] {
            assert!(query.contains(name), "{name} on every page: {query}");
        }
    }
}

#[tokio::test]
async fn step_10_sends_a_generic_request_with_paging() {
    let emulator = emulated::emulator().await;
    let bms = emulated::bms(&emulator);
    let mut ids = Vec::new();
    let mut page = 1;
    loop {
        let answer = bms
            .raw(Method::GET, "/v2/servicedesk/tickets")
            .query("PageNumber", page.to_string())
            .query("PageSize", "50")
            .send_value()
            .await
            .expect("a page");
        let items = answer["result"].as_array().cloned().unwrap_or_default();
        let total = answer["totalRecords"].as_u64().expect("a total");
        ids.extend(items.iter().filter_map(|t| t["id"].as_i64()));
        if items.is_empty() || ids.len() as u64 >= total {
            break;
        }
        page += 1;
    }
    let stored = emulator.control().records(Vendor::Bms, "tickets");
    assert_eq!(ids.len(), stored.len());
    assert_eq!(
        ids.iter().collect::<BTreeSet<_>>().len(),
        ids.len(),
        "no duplicates"
    );
    let sent = calls(&emulator, "GetTickets");
    assert_eq!(sent.len(), stored.len().div_ceil(50));
    for (n, entry) in sent.iter().enumerate() {
        let query = entry.query.clone().unwrap_or_default();
        assert!(query.contains(&format!("PageNumber={}", n + 1)), "{query}");
    }
}

#[tokio::test]
async fn step_11_imports_every_account_as_a_customer() {
    let emulator = emulated::emulator().await;
    let bms = emulated::bms(&emulator);
    let accounts = bms
        .list_accounts()
        .collect_items(3)
        .await
        .expect("every account");
    let got: BTreeSet<i64> = accounts
        .iter()
        .map(|a| i64::from(a.id.expect("an id")))
        .collect();
    let stored: BTreeSet<i64> = emulator
        .control()
        .records(Vendor::Bms, "accounts")
        .iter()
        .filter_map(|a| a["id"].as_i64())
        .collect();
    assert_eq!(got.len(), accounts.len(), "no account twice");
    assert_eq!(got, stored);
    assert_eq!(
        calls(&emulator, "GetAccountsListSummary").len(),
        stored.len().div_ceil(3)
    );
}
