//! The generated clients' list, count and query paths against the psa-emulator, which evaluates ConnectWise
//! conditions, Autotask filters and BMS filters itself and answers in the vendors' real casing and envelopes.
//! These replaced wiremock stubs that answered fixed pages whatever was asked (and, for BMS, in a PascalCase the
//! live API does not send); what a stub must fake precisely (malformed pages, a server cap, a paging loop) stays
//! in tests/pagination_http.rs and tests/clients_http.rs.
#![cfg(all(feature = "bms", feature = "autotask", feature = "connectwise-service"))]

mod common;

use futures_util::TryStreamExt;
use psa_clients::autotask::filter::{field as at_field, Query};
use psa_clients::autotask::types::CompanyModel;
use psa_clients::connectwise::conditions::{field, OrderBy};
use psa_clients::connectwise::types::Ticket;
use psa_clients::pagination::ListStreams;
use psa_emulator::{JournalEntry, Vendor};
use serde_json::Value;

use common::emulated;

fn header<'a>(entry: &'a JournalEntry, name: &str) -> Option<&'a str> {
    entry
        .headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// The ids of the emulator's records that satisfy `keep`, in id order.
fn ids_where(records: &[Value], keep: impl Fn(&Value) -> bool) -> Vec<i64> {
    let mut ids: Vec<i64> = records
        .iter()
        .filter(|r| keep(r))
        .filter_map(|r| r["id"].as_i64())
        .collect();
    ids.sort_unstable();
    ids
}

#[tokio::test]
async fn connectwise_list_streams_every_page_of_what_the_condition_selects_with_credentials() {
    let emulator = emulated::emulator().await;
    let cw = emulated::connectwise(&emulator);
    let tickets = emulator
        .control()
        .records(Vendor::ConnectWise, "service/tickets");
    let board = tickets[0]["board"]["name"]
        .as_str()
        .expect("a board name")
        .to_owned();
    let expected = ids_where(&tickets, |t| t["board"]["name"] == board.as_str());
    assert!(expected.len() > 10, "the seed has several pages of {board}");

    let listed: Vec<Ticket> = cw
        .service()
        .get_service_tickets()
        .conditions(field(Ticket::fields().board().name()).eq(board.as_str()))
        .order_by(OrderBy::asc("id"))
        .stream_items(10)
        .try_collect()
        .await
        .expect("every page");
    let ids: Vec<i64> = listed.iter().filter_map(|t| t.id.map(i64::from)).collect();
    assert_eq!(
        ids, expected,
        "exactly the records the condition selects, each once"
    );

    let pages: Vec<JournalEntry> = emulator
        .control()
        .journal()
        .into_iter()
        .filter(|e| e.operation_id.as_deref() == Some("getServiceTickets"))
        .collect();
    assert_eq!(
        pages.len(),
        expected.len().div_ceil(10),
        "one request per page, none after the last"
    );
    // The journal redacts credentials; that the emulator accepted them (it checks Basic + clientId) is the proof.
    for page in &pages {
        assert_eq!(page.status, Some(200));
        assert!(header(page, "clientId").is_some() && header(page, "authorization").is_some());
    }
}

#[tokio::test]
async fn connectwise_list_total_is_the_count_of_the_same_condition() {
    let emulator = emulated::emulator().await;
    let cw = emulated::connectwise(&emulator);
    let tickets = emulator
        .control()
        .records(Vendor::ConnectWise, "service/tickets");
    let open = ids_where(&tickets, |t| t["closedFlag"] == false).len();
    let total = cw
        .service()
        .get_service_tickets()
        .conditions(field(Ticket::fields().closed_flag()).eq(false))
        .total()
        .await
        .expect("count");
    assert_eq!(total, Some(open as u64));
    let journal = emulator.control().journal();
    assert!(journal
        .iter()
        .any(|e| e.path.ends_with("/service/tickets/count")));
    assert!(
        !journal.iter().any(|e| e.path.ends_with("/service/tickets")),
        "no page was fetched"
    );
}

#[tokio::test]
async fn bms_list_pages_to_total_records_with_one_login() {
    let emulator = emulated::emulator().await;
    let bms = emulated::bms(&emulator);
    let all = emulator.control().records(Vendor::Bms, "tickets");
    let expected = ids_where(&all, |_| true);

    let tickets = bms.get_tickets().collect_items(50).await.expect("pages");
    let mut ids: Vec<i64> = tickets.iter().filter_map(|t| t.id.map(i64::from)).collect();
    ids.sort_unstable();
    assert_eq!(ids, expected);

    let journal = emulator.control().journal();
    let logins = journal
        .iter()
        .filter(|e| e.path == "/v2/security/authenticate")
        .count();
    assert_eq!(logins, 1, "one login for every page");
    let pages: Vec<&JournalEntry> = journal
        .iter()
        .filter(|e| e.path == "/v2/servicedesk/tickets")
        .collect();
    assert_eq!(
        pages.len(),
        expected.len().div_ceil(50),
        "stops at totalRecords"
    );
    assert!(pages
        .iter()
        .all(|p| p.status == Some(200) && header(p, "authorization").is_some()));
}

#[tokio::test]
async fn autotask_query_posts_every_page_with_the_same_body_and_counts_what_the_filter_selects() {
    let emulator = emulated::emulator().await;
    let at = emulated::autotask(&emulator);
    let companies = emulator.control().records(Vendor::Autotask, "companies");
    let expected = ids_where(&companies, |c| c["isActive"] == true);
    assert!(expected.len() > 2, "more than one page of active companies");

    let active = Query::builder()
        .filter(at_field(CompanyModel::fields().is_active()).eq(true))
        .max_records(2)
        .build()
        .expect("query");
    let listed: Vec<CompanyModel> = at.query(&active).try_collect().await.expect("pages");
    let mut ids: Vec<i64> = listed.iter().filter_map(|c| c.id).collect();
    ids.sort_unstable();
    assert_eq!(ids, expected);
    assert_eq!(
        at.count::<CompanyModel>(&active).await.expect("count"),
        expected.len() as u64
    );

    let pages: Vec<JournalEntry> = emulator
        .control()
        .journal()
        .into_iter()
        .filter(|e| e.path.contains("/Companies/query") && !e.path.ends_with("/count"))
        .collect();
    assert_eq!(pages.len(), expected.len().div_ceil(2));
    assert!(
        pages.iter().all(|p| p.method == "POST"),
        "nextPageUrl is POSTed, as Autotask requires"
    );
    assert!(
        pages.windows(2).all(|w| w[0].body == w[1].body),
        "every page repeats the query body"
    );
    assert!(pages
        .iter()
        .all(|p| header(p, "ApiIntegrationCode").is_some()));
}
