//! Counts and lists the active companies of an Autotask PSA database, following every page.
//!
//! Needs PSA_AUTOTASK_USERNAME (the API user's e-mail), PSA_AUTOTASK_SECRET and PSA_AUTOTASK_INTEGRATION_CODE;
//! the zone is discovered (or set PSA_AUTOTASK_ZONE_URL).

use futures_util::TryStreamExt;
use psa_clients::autotask::filter::{field, Query};
use psa_clients::autotask::{types::CompanyModel, Client};
use psa_clients::Error;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    tracing_subscriber::fmt().init();
    let at = match Client::from_env() {
        Ok(client) => client,
        Err(Error::Config { message }) => {
            println!(
                "This example calls a real Autotask database and needs an API user: {message}."
            );
            println!(
                "Set PSA_AUTOTASK_USERNAME, PSA_AUTOTASK_SECRET and PSA_AUTOTASK_INTEGRATION_CODE."
            );
            return Ok(());
        }
        Err(other) => return Err(other.into()),
    };
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
            company.id.unwrap_or_default(),
            company.company_name.unwrap_or_default()
        );
    }
    Ok(())
}
