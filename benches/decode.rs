//! Typed decode of one 1000-ticket ConnectWise page against the cheapest alternatives.
//!
//! The pages are built at run time from the real `service_ticket.json` in ../shared/fixtures (or
//! `$PSA_FIXTURES_DIR`; never copied into the repository), repeated 1000 times with distinct ids and written
//! compactly, as the API sends it:
//!
//! - `tickets_1000`: the reference fields (`owner`, `company`, `board`, …) cut down to what the API returns
//!   for a reference, `{id, identifier, name, _info: {…_href}}`. The fixture's references hold whole records, a
//!   hand-edit artefact its SOURCES.md names; the page is about 3.3 MB.
//! - `tickets_1000_full_refs`: the fixture as it is (11.7 MB, most of it keys the reference types do not declare,
//!   all kept in the models' `extra` as `serde_json::Value`).
//!
//! Each is decoded four ways:
//!
//! - `ignored_any`: `serde::de::IgnoredAny`, the parse floor (the JSON is read and checked, nothing is built);
//! - `value`: `serde_json::Value`, an untyped tree that keeps everything;
//! - `typed`: `Vec<connectwise::types::Ticket>` through `decode::json_with`, what every list call does (the
//!   lenient models: unknown keys kept in `extra`, misfit values kept as problems, JSON paths for errors);
//! - `typed_plain`: the same models through `serde_json::from_slice`, without the path tracking of the first.
//!
//! Criterion measures each; then an interleaved pass prints medians and ratios, and with `PSA_BENCH_OUT=<file>`
//! writes them as JSON for `benches/peers/run.py`, which puts pyconnectwise's decode of the same page beside
//! them: `cargo bench -p psa-clients --no-default-features --features connectwise-service --bench decode`.

#[path = "support/mod.rs"]
mod support;

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput};
use psa_clients::connectwise::types::Ticket;
use psa_clients::drift::{Drift, DriftMode};
use psa_clients_runtime::decode::json_with;
use reqwest::StatusCode;
use serde::de::IgnoredAny;
use serde_json::{json, Value};
use support::{fixture, interleaved, Decode};

/// Tickets on the page: ConnectWise's largest `pageSize`.
const TICKETS: usize = 1000;

/// The fixture's ticket, 1000 times, ids made distinct, compact JSON; references cut down to what the API
/// sends when `as_the_api_sends` (see the module comment).
fn page(as_the_api_sends: bool) -> Vec<u8> {
    let mut ticket = fixture("connectwise/service_ticket.json");
    if as_the_api_sends {
        if let Some(fields) = ticket.as_object_mut() {
            for value in fields.values_mut() {
                cut_to_reference(value);
            }
        }
    }
    let tickets: Vec<Value> = (0..TICKETS)
        .map(|i| {
            let mut t = ticket.clone();
            t["id"] = json!(i + 1);
            t
        })
        .collect();
    serde_json::to_vec(&tickets).expect("json")
}

/// `{id, identifier?, name?, _info: {…_href}}` of an object that has an `id`; anything else unchanged.
fn cut_to_reference(value: &mut Value) {
    let Some(object) = value.as_object_mut() else {
        return;
    };
    if !object.contains_key("id") {
        return;
    }
    object.retain(|key, _| matches!(key.as_str(), "id" | "identifier" | "name" | "_info"));
    if let Some(Value::Object(info)) = object.get_mut("_info") {
        info.retain(|key, _| key.ends_with("_href"));
    }
}

fn variants() -> Vec<(&'static str, Decode)> {
    let off = Drift::new(DriftMode::Off);
    vec![
        (
            "ignored_any",
            Box::new(|body: &[u8]| {
                black_box(serde_json::from_slice::<IgnoredAny>(body).expect("decodes"));
            }),
        ),
        (
            "value",
            Box::new(|body: &[u8]| {
                black_box(serde_json::from_slice::<Value>(body).expect("decodes"));
            }),
        ),
        (
            "typed",
            Box::new(move |body: &[u8]| {
                let tickets =
                    json_with::<Vec<Ticket>>(body, StatusCode::OK, "getServiceTickets", &off)
                        .expect("decodes");
                assert_eq!(tickets.len(), TICKETS);
                black_box(tickets);
            }),
        ),
        (
            "typed_plain",
            Box::new(|body: &[u8]| {
                black_box(serde_json::from_slice::<Vec<Ticket>>(body).expect("decodes"));
            }),
        ),
    ]
}

fn main() {
    let pages = [
        ("tickets_1000", page(true)),
        ("tickets_1000_full_refs", page(false)),
    ];
    let variants = variants();
    // `PSA_DECODE_PROFILE=<variant>`: decode the first page ten times that way and stop, for a profiler
    // (`valgrind --tool=callgrind`), without criterion's own work in the profile.
    if let Ok(only) = std::env::var("PSA_DECODE_PROFILE") {
        let (_, decode) = variants
            .iter()
            .find(|(name, _)| *name == only)
            .unwrap_or_else(|| panic!("no variant {only}"));
        for _ in 0..10 {
            decode(&pages[0].1);
        }
        return;
    }
    let mut criterion = Criterion::default()
        .sample_size(20)
        .measurement_time(Duration::from_secs(5))
        .warm_up_time(Duration::from_secs(1))
        .configure_from_args();
    for (name, body) in &pages {
        let mut group = criterion.benchmark_group(format!("connectwise_{name}"));
        group.throughput(Throughput::Bytes(body.len() as u64));
        for (variant, decode) in &variants {
            group.bench_function(*variant, |b| b.iter(|| decode(body)));
        }
        group.finish();
    }
    criterion.final_summary();

    let rounds = 60;
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    let mut results = serde_json::Map::new();
    for (name, body) in &pages {
        let medians = interleaved(body, &variants, rounds);
        println!(
            "\n{name}: interleaved medians, {rounds} rounds, one {TICKETS}-ticket page of {} bytes:",
            body.len()
        );
        println!("| decode | median | MB/s | × ignored_any |");
        println!("|---|---|---|---|");
        for ((variant, _), median) in variants.iter().zip(&medians) {
            println!(
                "| {variant} | {:.2} ms | {:.0} | {:.2} |",
                ms(*median),
                body.len() as f64 / median.as_secs_f64() / 1e6,
                median.as_secs_f64() / medians[0].as_secs_f64()
            );
        }
        println!(
            "value / typed: {:.2}",
            medians[1].as_secs_f64() / medians[2].as_secs_f64()
        );
        results.insert(
            (*name).to_owned(),
            json!({
                "bytes": body.len(),
                "tickets": TICKETS,
                "rounds": rounds,
                "median_ms": variants.iter().zip(&medians)
                    .map(|((variant, _), m)| ((*variant).to_owned(), json!(ms(*m))))
                    .collect::<serde_json::Map<String, Value>>(),
            }),
        );
    }
    if let Some(out) = std::env::var_os("PSA_BENCH_OUT") {
        std::fs::write(&out, serde_json::to_vec_pretty(&results).expect("json"))
            .unwrap_or_else(|e| panic!("cannot write {}: {e}", out.to_string_lossy()));
    }
}
