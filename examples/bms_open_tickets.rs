//! Lists Kaseya BMS tickets page by page, with the total the API reports.
//!
//! Needs PSA_BMS_TENANT, PSA_BMS_USERNAME and PSA_BMS_PASSWORD; optionally PSA_BMS_REGION (`us`, `emea`,
//! `apac`) or PSA_BMS_HOST, and PSA_BMS_TOTP_SECRET for a user with MFA (the base32 seed BMS shows when
//! enabling it).

use futures_util::TryStreamExt;
use psa_clients::bms::Client;
use psa_clients::pagination::ListStreams;
use psa_clients::Error;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    tracing_subscriber::fmt().init();
    let bms = match Client::from_env() {
        Ok(client) => client,
        Err(Error::Config { message }) => {
            println!("This example calls a real Kaseya BMS tenant and needs a login: {message}.");
            println!("Set PSA_BMS_TENANT, PSA_BMS_USERNAME and PSA_BMS_PASSWORD (and PSA_BMS_TOTP_SECRET with MFA).");
            return Ok(());
        }
        Err(other) => return Err(other.into()),
    };
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
