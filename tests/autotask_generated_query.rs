//! The generated Autotask query operations take the hand-written query builder's types (the `schema-types` and
//! `query-param-types` corrections), so a generated `companies_query` sends Autotask's bare filter values and
//! selects what the API selects. Run against the psa-emulator, which evaluates filters as the REST API does.
#![cfg(feature = "autotask")]

mod common;

use psa_clients::autotask::filter::{field, Query, Search};
use psa_emulator::Vendor;
use serde_json::{json, Value};

use common::emulated;

/// `companyType eq 1`: Autotask's "Customer" company type.
fn customers() -> Query {
    Query::builder()
        .filter(field("companyType").eq(1))
        .build()
        .expect("a valid query")
}

/// The wire body of `customers()`: the value is the bare JSON number, not a `ValueItem` object.
fn customers_wire() -> Value {
    json!({"filter": [{"op": "eq", "field": "companyType", "value": 1}]})
}

/// The emulator's customer companies (`companyType` 1), sorted by id.
fn expected_customers(emulator: &psa_emulator::Emulator) -> Vec<i64> {
    let mut ids: Vec<i64> = emulator
        .control()
        .records(Vendor::Autotask, "companies")
        .iter()
        .filter(|c| c["companyType"] == 1)
        .filter_map(|c| c["id"].as_i64())
        .collect();
    ids.sort_unstable();
    ids
}

#[tokio::test]
async fn generated_companies_query_with_the_builder_filter_returns_exactly_the_customers() {
    let emulator = emulated::emulator().await;
    let at = emulated::autotask(&emulator);
    let expected = expected_customers(&emulator);
    let all = emulator.control().records(Vendor::Autotask, "companies");
    assert!(
        !expected.is_empty() && expected.len() < all.len(),
        "the seed has customers and other companies"
    );

    // By reference first (a query kept to ask again), then by value.
    let query = customers();
    let page = at
        .companies_query()
        .body(&query)
        .send()
        .await
        .expect("the query is answered")
        .into_inner();
    let mut ids: Vec<i64> = page
        .items
        .unwrap_or_default()
        .iter()
        .filter_map(|c| c.id)
        .collect();
    ids.sort_unstable();
    assert_eq!(ids, expected);

    let count = at
        .companies_query_count()
        .body(query)
        .send()
        .await
        .expect("the count is answered")
        .into_inner();
    assert_eq!(count.query_count, i32::try_from(expected.len()).ok());

    let posts: Vec<Value> = emulator
        .control()
        .journal()
        .into_iter()
        .filter(|e| e.method == "POST" && e.path.contains("/V1.0/Companies/query"))
        .map(|e| serde_json::from_str(&e.body).expect("a JSON body"))
        .collect();
    assert_eq!(posts, vec![customers_wire(), customers_wire()]);
}

#[tokio::test]
async fn generated_url_parameter_query_sends_the_builder_query_as_the_search_text() {
    let emulator = emulated::emulator().await;
    let at = emulated::autotask(&emulator);
    let expected = expected_customers(&emulator);

    let query = customers();
    let page = at
        .companies_url_parameter_query()
        .search(&query)
        .send()
        .await
        .expect("the query is answered")
        .into_inner();
    let mut ids: Vec<i64> = page
        .items
        .unwrap_or_default()
        .iter()
        .filter_map(|c| c.id)
        .collect();
    ids.sort_unstable();
    assert_eq!(ids, expected);

    let count = at
        .companies_url_parameter_query_count()
        .search(Search::from(query))
        .send()
        .await
        .expect("the count is answered")
        .into_inner();
    assert_eq!(count.query_count, i32::try_from(expected.len()).ok());

    let searches: Vec<Value> = emulator
        .control()
        .journal()
        .into_iter()
        .filter(|e| e.method == "GET" && e.path.contains("/V1.0/Companies/query"))
        .map(|e| {
            let query = e.query.unwrap_or_default();
            let text = form_urlencoded_value(&query, "search").expect("a search parameter");
            serde_json::from_str(&text).expect("JSON text")
        })
        .collect();
    assert_eq!(searches, vec![customers_wire(), customers_wire()]);
}

/// The decoded value of `name` in a URL query string.
fn form_urlencoded_value(query: &str, name: &str) -> Option<String> {
    form_urlencoded::parse(query.as_bytes())
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.into_owned())
}
