//! Paging a large export: every ticket, one page at a time, decoded into typed records as the pages arrive, in
//! constant memory (one page buffered).
//!
//! ```text
//! cargo run --release --example large_export                              # 120 tickets per vendor, in-process emulator
//! PSA_EXAMPLES_TICKETS=100000 cargo run --release --example large_export  # 100,000 each
//! cargo run --release --example large_export connectwise                 # one vendor (bms, connectwise, autotask)
//! ```
//!
//! With credentials in the environment it reads your tenant (read only). `benches/peers/run.py` runs this
//! example against a psa-emulator process beside the Python peers, for records per second and peak memory.

#[path = "support/mod.rs"]
mod support;

use std::time::Instant;

use futures_util::TryStreamExt;
use psa_clients::pagination::ListStreams;
use support::Result;

#[tokio::main]
async fn main() -> Result<()> {
    if support::wants("bms") {
        bms().await?;
    }
    if support::wants("connectwise") {
        connectwise().await?;
    }
    if support::wants("autotask") {
        autotask().await?;
    }
    Ok(())
}

fn report(vendor: &str, label: &str, count: usize, started: Instant) {
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "{vendor} ({label}): exported {count} tickets in {seconds:.2} s ({:.0} records/s)",
        count as f64 / seconds
    );
}

/// Kaseya BMS: `GET /v2/servicedesk/tickets`, 100 per page (the server's cap), until `totalRecords`.
async fn bms() -> Result<()> {
    let bms = support::bms().await?;
    let started = Instant::now();
    let mut tickets = bms.client.get_tickets().stream_items(100);
    let mut count = 0;
    while let Some(ticket) = tickets.try_next().await? {
        count += usize::from(ticket.id.is_some());
    }
    report("Kaseya BMS", &bms.label(), count, started);
    Ok(())
}

/// ConnectWise PSA: `GET /service/tickets`, 1000 per page (the maximum), forward-only.
async fn connectwise() -> Result<()> {
    let cw = support::connectwise().await?;
    let started = Instant::now();
    let mut tickets = cw.client.service().get_service_tickets().stream_items(1000);
    let mut count = 0;
    while let Some(ticket) = tickets.try_next().await? {
        count += usize::from(ticket.id.is_some());
    }
    report("ConnectWise PSA", &cw.label(), count, started);
    Ok(())
}

/// Autotask PSA: `POST /V1.0/Tickets/query`, 500 per page (the maximum), following `nextPageUrl`.
async fn autotask() -> Result<()> {
    use psa_clients::autotask::filter::{field, Query};
    use psa_clients::autotask::types::TicketModel;
    let at = support::autotask().await?;
    let all = Query::builder()
        .filter(field(TicketModel::fields().id()).gt(0))
        .build()?;
    let started = Instant::now();
    let mut tickets = at.client.query::<TicketModel>(&all);
    let mut count = 0;
    while let Some(ticket) = tickets.try_next().await? {
        count += usize::from(ticket.id.is_some());
    }
    report("Autotask PSA", &at.label(), count, started);
    Ok(())
}
