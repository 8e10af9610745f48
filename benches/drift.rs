//! What keeping unknown fields and recording drift cost when decoding a real page.
//!
//! Pages are built at run time from real response bodies in ../shared/fixtures (or `$PSA_FIXTURES_DIR`; never
//! copied into the repository): Autotask's `companies_query.json` record repeated to a full 500-record query page
//! (each record carries two values of the wrong type and three undeclared keys), and ConnectWise's
//! `service_ticket.json` repeated to a 100-ticket list (three undeclared keys per ticket, nested references with
//! `_info`). Each page is decoded three ways:
//!
//! - `value`: `serde_json::Value`, the cheapest decode that keeps everything (no types);
//! - `typed_off`: the generated lenient model through `decode::json_with` with drift off (the default: unknown
//!   keys kept in `extra`, misfits kept as problems, JSON paths for errors);
//! - `typed_report`: the same with the drift report on (every finding recorded per path, with an example).
//!
//! Criterion measures each; then an interleaved pass (the three variants in turn, round after round, so machine
//! noise hits them alike) prints medians and ratios: `cargo bench -p psa-clients --no-default-features
//! --features autotask,connectwise-service --bench drift`.

#[path = "support/mod.rs"]
mod support;

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput};
use psa_clients::drift::{Drift, DriftMode};
use psa_clients_runtime::decode::json_with;
use reqwest::StatusCode;
use serde::de::DeserializeOwned;
use serde_json::{json, Value};
use support::{fixture, interleaved, Decode};

/// A 500-record Autotask query page of the fixture's record, ids made distinct.
fn autotask_page() -> Vec<u8> {
    let page = fixture("autotask/companies_query.json");
    let record = page["items"][0].clone();
    let items: Vec<Value> = (0..500)
        .map(|i| {
            let mut r = record.clone();
            r["id"] = json!(i);
            r
        })
        .collect();
    serde_json::to_vec(&json!({"items": items, "pageDetails": page["pageDetails"]})).expect("json")
}

/// A 100-ticket ConnectWise list of the fixture's ticket.
fn connectwise_page() -> Vec<u8> {
    let ticket = fixture("connectwise/service_ticket.json");
    let tickets: Vec<Value> = (0..100)
        .map(|i| {
            let mut t = ticket.clone();
            t["id"] = json!(i);
            t
        })
        .collect();
    serde_json::to_vec(&tickets).expect("json")
}

/// A page's name, its body and the ways to decode it.
type Page = (&'static str, Vec<u8>, Vec<(&'static str, Decode)>);

fn variants<T: DeserializeOwned + 'static>(operation: &'static str) -> Vec<(&'static str, Decode)> {
    let off = Drift::new(DriftMode::Off);
    let report = Drift::new(DriftMode::Report);
    vec![
        (
            "value",
            Box::new(|body: &[u8]| {
                black_box(serde_json::from_slice::<Value>(body).expect("decodes"));
            }),
        ),
        (
            "typed_off",
            Box::new(move |body: &[u8]| {
                black_box(json_with::<T>(body, StatusCode::OK, operation, &off).expect("decodes"));
            }),
        ),
        (
            "typed_report",
            Box::new(move |body: &[u8]| {
                black_box(
                    json_with::<T>(body, StatusCode::OK, operation, &report).expect("decodes"),
                );
            }),
        ),
    ]
}

fn main() {
    let pages: Vec<Page> = vec![
        (
            "autotask_companies_500",
            autotask_page(),
            variants::<psa_clients::autotask::types::CompanyQueryResult>("Companies_Query"),
        ),
        (
            "connectwise_tickets_100",
            connectwise_page(),
            variants::<Vec<psa_clients::connectwise::types::Ticket>>("getServiceTickets"),
        ),
    ];
    let mut criterion = Criterion::default()
        .sample_size(30)
        .measurement_time(Duration::from_secs(4))
        .warm_up_time(Duration::from_secs(1))
        .configure_from_args();
    for (name, body, variants) in &pages {
        let mut group = criterion.benchmark_group(*name);
        group.throughput(Throughput::Bytes(body.len() as u64));
        for (variant, decode) in variants {
            group.bench_function(*variant, |b| b.iter(|| decode(body)));
        }
        group.finish();
    }
    criterion.final_summary();

    let rounds = 200;
    println!("\ninterleaved medians, {rounds} rounds per variant:");
    println!("| page | bytes | value | typed, drift off | typed, drift report | off / value | report / off |");
    println!("|---|---|---|---|---|---|---|");
    for (name, body, variants) in &pages {
        let medians = interleaved(body, variants, rounds);
        let ms = |d: Duration| format!("{:.3} ms", d.as_secs_f64() * 1e3);
        let ratio = |a: Duration, b: Duration| format!("{:.2}", a.as_secs_f64() / b.as_secs_f64());
        println!(
            "| {name} | {} | {} | {} | {} | {} | {} |",
            body.len(),
            ms(medians[0]),
            ms(medians[1]),
            ms(medians[2]),
            ratio(medians[1], medians[0]),
            ratio(medians[2], medians[1]),
        );
    }
}
