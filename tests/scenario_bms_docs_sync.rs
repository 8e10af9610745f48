//! Scenario: a documentation tool syncing from Kaseya BMS (the Hudu integration), through psa-clients' public
//! API only, against the in-process psa-emulator.
//!
//! The integration logs in as an API employee (no MFA) and tests the connection; runs a full sync of accounts
//! and contacts, paged, over a tenant with thousands of contacts; three hours later runs a re-sync that asks
//! only for what changed since the last sync (`ModifiedOnFrom`), renamed accounts included; and matches its
//! companies to BMS accounts by name.
//!
//! Each step asserts on the emulator's records and journal, not only on what the client returned.
//!
//! The demo tenant holds 8 accounts and 24 contacts; the full sync creates 2,000 more contacts through the API
//! first, so that it pages through thousands (accounts stay a single page).
#![cfg(feature = "bms")]

mod common;

use std::collections::BTreeSet;
use std::time::Duration;

use common::emulated;
use futures_util::{stream, StreamExt};
use psa_clients::bms::types;
use psa_clients::pagination::ListStreams;
use psa_emulator::{Emulator, JournalEntry, Vendor};
use serde::de::DeserializeOwned;
use serde_json::{json, Value};

/// Contacts the sync tenant gets on top of the seed, so that the full sync really pages through thousands.
const EXTRA_CONTACTS: usize = 2_000;

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

fn ids(records: &[Value]) -> BTreeSet<i64> {
    records.iter().filter_map(|r| r["id"].as_i64()).collect()
}

/// Fills the tenant with `n` more contacts through the API (three at a time, as the client allows).
async fn add_contacts(bms: &psa_clients::bms::Client, n: usize) {
    let results: Vec<_> = stream::iter(0..n)
        .map(|i| {
            let bms = bms.clone();
            async move {
                bms.create_contact()
                    .body(body::<types::ContactInputDto>(json!({
                        "accountId": (i % 8) + 1, "locationId": ((i % 8) + 1) * 10 + 1,
                        "firstName": format!("Bulk{i}"), "lastName": "Contact",
                        "emails": [{"emailAddress": format!("bulk{i}@example.com"), "isDefault": true}]
                    })))
                    .send()
                    .await
                    .map(|_| ())
            }
        })
        .buffer_unordered(8)
        .collect()
        .await;
    assert!(
        results.iter().all(Result::is_ok),
        "every contact is created"
    );
}

#[tokio::test]
async fn step_01_tests_the_connection_as_the_api_employee_without_mfa() {
    let emulator = emulated::emulator().await;
    let bms = emulated::bms_api_employee(&emulator);
    let me = bms
        .user_info()
        .send()
        .await
        .expect("the connection works")
        .into_inner();
    assert_eq!(me.success, Some(true));
    let logins: Vec<_> = emulator
        .control()
        .journal()
        .into_iter()
        .filter(|e| e.path == "/v2/security/authenticate")
        .collect();
    assert_eq!(logins.len(), 1);
    assert_eq!(logins[0].status, Some(200));
    let api_user = emulator.credentials().bms.api_username;
    let form: Vec<(String, String)> = url_pairs(&logins[0].body);
    assert!(form.iter().any(|(k, v)| k == "UserName" && *v == api_user));
    assert!(
        !form.iter().any(|(k, _)| k.eq_ignore_ascii_case("MFACode")),
        "no MFA code for the API employee: {:?}",
        logins[0].body
    );
}

fn url_pairs(body: &str) -> Vec<(String, String)> {
    body.split('&')
        .filter_map(|pair| pair.split_once('='))
        .map(|(k, v)| {
            let decode = |s: &str| {
                reqwest::Url::parse(&format!("http://x/?a={s}"))
                    .ok()
                    .and_then(|u| u.query_pairs().next().map(|(_, v)| v.into_owned()))
                    .unwrap_or_default()
            };
            (decode(k), decode(v))
        })
        .collect()
}

#[tokio::test]
async fn step_02_full_sync_of_accounts_and_contacts_pages_through_thousands() {
    let emulator = emulated::emulator().await;
    let bms = emulated::bms_api_employee(&emulator);
    add_contacts(&bms, EXTRA_CONTACTS).await;
    emulator.control().clear_journal();

    let accounts = bms
        .list_accounts()
        .collect_items(100)
        .await
        .expect("accounts");
    let contacts = bms
        .list_contacts()
        .collect_items(100)
        .await
        .expect("contacts");

    let stored_accounts = emulator.control().records(Vendor::Bms, "accounts");
    let stored_contacts = emulator.control().records(Vendor::Bms, "contacts");
    assert!(stored_contacts.len() > 2_000, "thousands of contacts");
    let got_accounts: BTreeSet<i64> = accounts
        .iter()
        .filter_map(|a| a.id.map(i64::from))
        .collect();
    let got_contacts: BTreeSet<i64> = contacts
        .iter()
        .filter_map(|c| c.id.map(i64::from))
        .collect();
    assert_eq!(got_accounts, ids(&stored_accounts));
    assert_eq!(got_contacts, ids(&stored_contacts));
    assert_eq!(got_contacts.len(), contacts.len(), "no contact twice");

    let pages = calls(&emulator, "GetContactsListSummary");
    assert_eq!(pages.len(), stored_contacts.len().div_ceil(100));
    for (n, page) in pages.iter().enumerate() {
        let query = page.query.clone().unwrap_or_default();
        assert!(query.contains(&format!("PageNumber={}", n + 1)), "{query}");
        assert!(query.contains("PageSize=100"), "{query}");
    }
    assert_eq!(calls(&emulator, "GetAccountsListSummary").len(), 1);
}

#[tokio::test]
async fn step_03_resync_three_hours_later_picks_up_only_what_changed() {
    let emulator = emulated::emulator().await;
    let control = emulator.control();
    let bms = emulated::bms_api_employee(&emulator);
    add_contacts(&bms, 150).await;
    // The emulated clock is wall time plus what the test advanced; the sync remembers when it started.
    let mut advanced = Duration::ZERO;
    let mut advance = |by: Duration| {
        control.advance_clock(by);
        advanced += by;
        advanced
    };
    let offset = advance(Duration::from_secs(600));
    let last_sync = (chrono::Utc::now() + chrono::Duration::from_std(offset).unwrap())
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let full = bms
        .list_contacts()
        .collect_items(100)
        .await
        .expect("full sync");
    assert_eq!(full.len(), control.records(Vendor::Bms, "contacts").len());

    // During the next three hours: an account is renamed, a contact added, another edited.
    advance(Duration::from_secs(3600));
    bms.put_account()
        .id(3)
        .body(body::<types::AccountPutInputDto>(json!({
            "accountName": "Blue Harbour Logistics Ltd", "accountManagerId": 1, "accountTypeId": 1,
            "businessTypeId": 1
        })))
        .send()
        .await
        .expect("renamed");
    let added = bms
        .create_contact()
        .body(body::<types::ContactInputDto>(json!({
            "accountId": 2, "locationId": 21, "firstName": "New", "lastName": "Hire"
        })))
        .send()
        .await
        .expect("added")
        .into_inner()
        .result
        .and_then(|c| c.id)
        .map(i64::from)
        .expect("an id");
    bms.put_contact()
        .id(5)
        .body(body::<types::ContactPutInputDto>(json!({
            "accountId": 2, "locationId": 21, "firstName": "Edited", "lastName": "Person"
        })))
        .send()
        .await
        .expect("edited");
    advance(Duration::from_secs(2 * 3600));

    control.clear_journal();
    let since: psa_clients::Timestamp = last_sync.parse().expect("a timestamp");
    let changed_accounts = bms
        .list_accounts()
        .filter_modified_on_from(since)
        .collect_items(100)
        .await
        .expect("changed accounts");
    let changed_contacts = bms
        .list_contacts()
        .filter_modified_on_from(since)
        .collect_items(100)
        .await
        .expect("changed contacts");

    assert_eq!(
        changed_accounts
            .iter()
            .map(|a| (a.id.map(i64::from), a.account_name.clone()))
            .collect::<Vec<_>>(),
        vec![(Some(3), Some("Blue Harbour Logistics Ltd".to_owned()))],
        "the renamed account, under its new name"
    );
    assert_eq!(
        control
            .records(Vendor::Bms, "accounts")
            .iter()
            .find(|a| a["id"] == 3)
            .map(|a| a["accountName"].clone()),
        Some(json!("Blue Harbour Logistics Ltd"))
    );
    let got: BTreeSet<i64> = changed_contacts
        .iter()
        .filter_map(|c| c.id.map(i64::from))
        .collect();
    assert_eq!(got, BTreeSet::from([5, added]));
    // The emulator's own view: exactly those records changed after the last sync.
    let after = |r: &Value| {
        r["modifiedOn"]
            .as_str()
            .is_some_and(|m| m >= last_sync.as_str())
    };
    assert_eq!(
        ids(&control
            .records(Vendor::Bms, "contacts")
            .into_iter()
            .filter(after)
            .collect::<Vec<_>>()),
        got
    );
    for entry in control.journal() {
        if entry.path.starts_with("/v2/crm/") {
            let query = entry.query.clone().unwrap_or_default();
            assert!(query.contains("Filter.ModifiedOnFrom="), "{query}");
        }
    }
    // One page each: the re-sync reads a handful of records, not the tenant.
    assert_eq!(calls(&emulator, "GetContactsListSummary").len(), 1);
    assert_eq!(calls(&emulator, "GetAccountsListSummary").len(), 1);
}

#[tokio::test]
async fn step_04_matches_companies_to_accounts_by_name() {
    let emulator = emulated::emulator().await;
    let bms = emulated::bms_api_employee(&emulator);
    let stored = emulator.control().records(Vendor::Bms, "accounts");
    for company in ["Acme Dental", "Test Rewst", "No Such Company"] {
        let found = bms
            .list_accounts()
            .filter_account_name(company)
            .collect_items(100)
            .await
            .expect("a lookup by name");
        // A match is an exact (case-insensitive) name; the filter itself is a `contains`.
        let matched: Vec<i64> = found
            .iter()
            .filter(|a| {
                a.account_name
                    .as_deref()
                    .is_some_and(|n| n.eq_ignore_ascii_case(company))
            })
            .filter_map(|a| a.id.map(i64::from))
            .collect();
        let expected: Vec<i64> = stored
            .iter()
            .filter(|a| {
                a["accountName"]
                    .as_str()
                    .is_some_and(|n| n.eq_ignore_ascii_case(company))
            })
            .filter_map(|a| a["id"].as_i64())
            .collect();
        assert_eq!(matched, expected, "{company}");
    }
    let lookups = calls(&emulator, "GetAccountsListSummary");
    assert_eq!(lookups.len(), 3);
    assert!(lookups[0]
        .query
        .as_deref()
        .unwrap_or_default()
        .contains("Filter.AccountName=Acme"));
}
