//! Lists the open tickets of a ConnectWise PSA board, every page.
//!
//! Without credentials it runs against a psa-emulator started in-process (its demo tenant). For your tenant it
//! needs PSA_CW_SITE (e.g. `na.myconnectwise.net`), PSA_CW_COMPANY, PSA_CW_PUBLIC_KEY, PSA_CW_PRIVATE_KEY and
//! PSA_CW_CLIENT_ID; optionally PSA_CW_BOARD (default "Help Desk"). The codebase is discovered.
//! Run with `RUST_LOG`-style tracing output on: every request logs a span.

use futures_util::TryStreamExt;
use psa_clients::connectwise::conditions::field;
use psa_clients::connectwise::types::Ticket;
use psa_clients::pagination::ListStreams;

#[path = "support/mod.rs"]
mod support;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    tracing_subscriber::fmt().init();
    // Your tenant when its variables are set; otherwise the psa-emulator's demo tenant, started in-process.
    let connected = support::connectwise().await?;
    println!("calling {}", connected.label());
    let cw = &connected.client;
    let board = std::env::var("PSA_CW_BOARD").unwrap_or_else(|_| "Help Desk".into());

    // Typed paths: a misspelled field would not compile.
    let fields = Ticket::fields();
    let open = field(fields.board().name())
        .eq(board.as_str())
        .and(field(fields.closed_flag()).eq(false));
    let mut tickets = cw
        .service()
        .get_service_tickets()
        .conditions(open)
        .stream_items(1000);
    while let Some(ticket) = tickets.try_next().await? {
        println!("#{} {}", ticket.id(), ticket.summary.unwrap_or_default());
    }
    Ok(())
}
