//! Lists Kaseya BMS tickets page by page, with the total the API reports.
//!
//! Without credentials it runs against a psa-emulator started in-process (its demo tenant). For your tenant it
//! needs PSA_BMS_TENANT, PSA_BMS_USERNAME and PSA_BMS_PASSWORD; optionally PSA_BMS_REGION (`us`, `emea`,
//! `apac`) or PSA_BMS_HOST, and PSA_BMS_TOTP_SECRET for a user with MFA (the base32 seed BMS shows when
//! enabling it).

use futures_util::TryStreamExt;
use psa_clients::pagination::ListStreams;

#[path = "support/mod.rs"]
mod support;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    tracing_subscriber::fmt().init();
    // Your tenant when its variables are set; otherwise the psa-emulator's demo tenant, started in-process.
    let connected = support::bms().await?;
    println!("calling {}", connected.label());
    let bms = &connected.client;
    let total = bms.get_tickets().total().await?;
    println!("{total:?} tickets");
    let mut pages = bms.get_tickets().stream_pages(100);
    while let Some(page) = pages.try_next().await? {
        for ticket in page.items {
            println!(
                "{} [{}]",
                ticket.id.unwrap_or_default(),
                ticket.status_name.unwrap_or_default()
            );
        }
    }
    Ok(())
}
