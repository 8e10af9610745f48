//! Lists the open tickets of a ConnectWise PSA board, every page.
//!
//! Needs PSA_CW_SITE (e.g. `na.myconnectwise.net`), PSA_CW_COMPANY, PSA_CW_PUBLIC_KEY, PSA_CW_PRIVATE_KEY and
//! PSA_CW_CLIENT_ID; optionally PSA_CW_BOARD (default "Help Desk"). The codebase is discovered.
//! Run with `RUST_LOG`-style tracing output on: every request logs a span.

use futures_util::TryStreamExt;
use psa_clients::connectwise::conditions::field;
use psa_clients::connectwise::{types::Ticket, Client};
use psa_clients::pagination::ListStreams;
use psa_clients::Error;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    tracing_subscriber::fmt().init();
    let cw = match Client::from_env() {
        Ok(client) => client,
        Err(Error::Config { message }) => {
            println!(
                "This example calls a real ConnectWise site and needs its credentials: {message}."
            );
            println!("Set PSA_CW_SITE, PSA_CW_COMPANY, PSA_CW_PUBLIC_KEY, PSA_CW_PRIVATE_KEY and PSA_CW_CLIENT_ID.");
            return Ok(());
        }
        Err(other) => return Err(other.into()),
    };
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
        println!(
            "#{} {}",
            ticket.id.unwrap_or_default(),
            ticket.summary.unwrap_or_default()
        );
    }
    Ok(())
}
