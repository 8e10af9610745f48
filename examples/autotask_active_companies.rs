//! Counts and lists the active companies of an Autotask PSA database, following every page.
//!
//! Without credentials it runs against a psa-emulator started in-process (its demo tenant). For your tenant it
//! needs PSA_AUTOTASK_USERNAME (the API user's e-mail), PSA_AUTOTASK_SECRET and PSA_AUTOTASK_INTEGRATION_CODE;
//! the zone is discovered (or set PSA_AUTOTASK_ZONE_URL).

use futures_util::TryStreamExt;
use psa_clients::autotask::filter::{field, Query};
use psa_clients::autotask::types::CompanyModel;

#[path = "support/mod.rs"]
mod support;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    tracing_subscriber::fmt().init();
    // Your tenant when its variables are set; otherwise the psa-emulator's demo tenant, started in-process.
    let connected = support::autotask().await?;
    println!("calling {}", connected.label());
    let at = &connected.client;
    let active = Query::builder()
        .filter(field(CompanyModel::fields().is_active()).eq(true))
        .max_records(500)
        .build()?;
    println!(
        "{} active companies",
        at.count::<CompanyModel>(&active).await?
    );
    let mut companies = at.query::<CompanyModel>(&active);
    while let Some(company) = companies.try_next().await? {
        println!(
            "{} {}",
            company.id(),
            company.company_name.unwrap_or_default()
        );
    }
    Ok(())
}
