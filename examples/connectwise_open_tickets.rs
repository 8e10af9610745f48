//! Lists open tickets on a ConnectWise PSA board.
//!
//! Needs: CW_SITE (e.g. `na.myconnectwise.net`), CW_CODEBASE (e.g. `v2025_1`, from
//! `https://<site>/login/companyinfo/<company>`), CW_COMPANY, CW_PUBLIC_KEY, CW_PRIVATE_KEY, CW_CLIENT_ID, and
//! optionally CW_BOARD (default "Help Desk"). Until the auth layer lands, the credentials ride on a
//! `reqwest::Client` with default headers.

use base64::Engine as _;
use psa_clients::connectwise::conditions::field;
use psa_clients::connectwise::service;
use reqwest::header::{HeaderMap, HeaderValue, AUTHORIZATION};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let names = [
        "CW_SITE",
        "CW_CODEBASE",
        "CW_COMPANY",
        "CW_PUBLIC_KEY",
        "CW_PRIVATE_KEY",
        "CW_CLIENT_ID",
    ];
    let values: Vec<Option<String>> = names
        .iter()
        .map(|n| std::env::var(n).ok().filter(|v| !v.is_empty()))
        .collect();
    let missing: Vec<&str> = names
        .iter()
        .zip(&values)
        .filter(|(_, v)| v.is_none())
        .map(|(n, _)| *n)
        .collect();
    if !missing.is_empty() {
        println!(
            "This example calls a real ConnectWise site. Set {} (see the top of this file).",
            missing.join(", ")
        );
        return Ok(());
    }
    let [site, codebase, company, public, private, client_id] =
        <[Option<String>; 6]>::try_from(values)
            .map_err(|_| "six values")?
            .map(Option::unwrap_or_default);
    let board = std::env::var("CW_BOARD").unwrap_or_else(|_| "Help Desk".into());

    let token =
        base64::engine::general_purpose::STANDARD.encode(format!("{company}+{public}:{private}"));
    let mut headers = HeaderMap::new();
    let mut auth = HeaderValue::from_str(&format!("Basic {token}"))?;
    auth.set_sensitive(true);
    headers.insert(AUTHORIZATION, auth);
    headers.insert("clientId", HeaderValue::from_str(&client_id)?);
    let http = reqwest::Client::builder()
        .default_headers(headers)
        .build()?;
    let base = format!("https://{site}/{}/apis/3.0", codebase.trim_matches('/'));
    let cw = service::Client::new_with_client(&base, http);

    let conditions = field("board/name")
        .eq(board.as_str())
        .and(field("closedFlag").eq(false))
        .render()?;
    let tickets = cw
        .get_service_tickets()
        .conditions(conditions)
        .page_size(25)
        .send()
        .await?
        .into_inner();
    for ticket in tickets {
        println!(
            "#{} {}",
            ticket.id.unwrap_or_default(),
            ticket.summary.unwrap_or_default()
        );
    }
    Ok(())
}
