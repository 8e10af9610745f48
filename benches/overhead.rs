//! Per-call overhead of the full client stack: one ConnectWise `GET /service/tickets/{id}` through psa-clients
//! (generated builder, auth headers, operation lookup, limits, retries policy, classification, typed decode)
//! against the same request made with bare `reqwest` (Basic auth + `clientId`, decoded into the same generated
//! `Ticket`), both against one in-process psa-emulator, measured side by side in one run.
//!
//! Criterion measures each; then an interleaved pass (one call of each in turn, 2000 rounds, so machine noise
//! hits both alike) prints p50 and p99 latencies and their ratios.
//!
//! `cargo bench --bench overhead` (features `connectwise-service`).

use std::time::{Duration, Instant};

use criterion::Criterion;
use psa_clients::auth::ConnectWiseConfig;
use psa_clients::connectwise::types::Ticket;
use psa_clients::secret::Secret;
use psa_emulator::Emulator;

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime");
    let emulator = runtime
        .block_on(Emulator::start())
        .expect("the emulator starts");
    let c = emulator.credentials().connectwise;
    let config = ConnectWiseConfig::new(
        &c.site,
        c.company.clone(),
        c.public_key.clone(),
        Secret::new(c.private_key.clone()),
        c.client_id.clone(),
    )
    .expect("a site");
    let client = psa_clients::connectwise::Client::builder(config)
        .build()
        .expect("a client");
    // The first call discovers the codebase; the bare request uses what it found.
    let info = runtime
        .block_on(client.company_info())
        .expect("company info");
    let url = format!(
        "{}/{}apis/3.0/service/tickets/1",
        c.site.trim_end_matches('/'),
        info.codebase
    );
    let bare = reqwest::Client::new();
    let user = format!("{}+{}", c.company, c.public_key);

    let through_client = || {
        runtime.block_on(async {
            let ticket = client
                .service()
                .get_service_tickets_by_id()
                .id(1)
                .send()
                .await
                .expect("a ticket")
                .into_inner();
            assert_eq!(ticket.id, Some(1));
        })
    };
    let through_reqwest = || {
        runtime.block_on(async {
            let body = bare
                .get(&url)
                .basic_auth(&user, Some(&c.private_key))
                .header("clientId", &c.client_id)
                .send()
                .await
                .expect("an answer")
                .bytes()
                .await
                .expect("a body");
            let ticket: Ticket = serde_json::from_slice(&body).expect("a ticket");
            assert_eq!(ticket.id, Some(1));
        })
    };

    let mut criterion = Criterion::default().configure_from_args();
    let mut group = criterion.benchmark_group("connectwise get ticket by id");
    group.bench_function("psa-clients", |b| b.iter(through_client));
    group.bench_function("bare reqwest", |b| b.iter(through_reqwest));
    group.finish();
    criterion.final_summary();

    let rounds = 2000;
    let (mut ours, mut bare_calls) = (Vec::with_capacity(rounds), Vec::with_capacity(rounds));
    for _ in 0..rounds {
        let start = Instant::now();
        through_client();
        ours.push(start.elapsed());
        let start = Instant::now();
        through_reqwest();
        bare_calls.push(start.elapsed());
    }
    let (p50, p99) = (percentile(&mut ours, 50), percentile(&mut ours, 99));
    let (b50, b99) = (
        percentile(&mut bare_calls, 50),
        percentile(&mut bare_calls, 99),
    );
    let us = |d: Duration| d.as_secs_f64() * 1e6;
    println!("\ninterleaved, {rounds} calls each:");
    println!("| client | p50 | p99 |");
    println!("|---|---|---|");
    println!("| psa-clients | {:.1} µs | {:.1} µs |", us(p50), us(p99));
    println!("| bare reqwest | {:.1} µs | {:.1} µs |", us(b50), us(b99));
    println!(
        "| ratio | {:.2}× | {:.2}× |",
        us(p50) / us(b50),
        us(p99) / us(b99)
    );
}

/// The `pct`-th percentile of `samples` (nearest rank).
fn percentile(samples: &mut [Duration], pct: usize) -> Duration {
    samples.sort();
    let rank = (samples.len() * pct).div_ceil(100).max(1);
    samples[rank - 1]
}
