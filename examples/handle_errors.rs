//! Match on `psa_clients::Error`: what a caller can do about each failure, including the wait a rate limit asks
//! for (`retry_after`) and writes whose outcome is unknown.
//!
//! ```text
//! cargo run --example handle_errors
//! ```
//!
//! Against the in-process psa-emulator it provokes each error (a missing record, a rate limit with a
//! `Retry-After` longer than the client waits by itself, wrong credentials, a validation error, a connection
//! dropped after a create). With your ConnectWise credentials in the environment it shows only the 404.

#[path = "support/mod.rs"]
mod support;

use std::time::Duration;

use psa_clients::Error;
use psa_emulator::{FaultKind, FaultMatch, FaultRule, RetryAfter, Vendor};
use support::Result;

/// What to do about an error: the part of an integration's error handling worth copying.
fn what_to_do(err: &Error) -> String {
    match err {
        Error::NotFound { .. } => "skip it: the record is gone (or never existed)".into(),
        // The client already waited out short `Retry-After`s (up to 120 s by default) and retried; this one asks
        // for longer, so the wait is the caller's decision.
        Error::RateLimited {
            retry_after: Some(wait),
            ..
        } => format!("back off for {} s, then try again", wait.as_secs()),
        Error::RateLimited {
            retry_after: None, ..
        } => "back off (no Retry-After given)".into(),
        Error::Authentication { .. } | Error::CredentialsRejected { .. } => {
            "fix the credentials: retrying cannot help".into()
        }
        Error::Forbidden { .. } => "give the API user the permission".into(),
        Error::HtmlInsteadOfJson { .. } => "check the site URL / zone".into(),
        // A create whose answer never arrived may have happened: re-sending could duplicate the record.
        err if err.outcome_unknown() => "look for the record before creating it again".into(),
        Error::Vendor { status, .. } if status.is_client_error() => {
            "the vendor refused the request: fix the data".into()
        }
        Error::Timeout { .. } | Error::Transport { .. } => "retry later".into(),
        other => format!("report it: {other}"),
    }
}

#[tokio::main]
async fn main() -> Result<()> {
    use psa_clients::connectwise::types::{BoardReference, CompanyReference, Ticket};
    let cw = support::connectwise().await?;
    println!("ConnectWise PSA ({})", cw.label());

    let missing = cw
        .client
        .service()
        .get_service_tickets_by_id()
        .id(999_999)
        .send()
        .await;
    show("a ticket that does not exist", missing.map(|_| ()));

    let Some(emulator) = &cw.emulator else {
        return Ok(());
    };

    emulator.control().inject(FaultRule::new(
        FaultMatch::vendor(Vendor::ConnectWise).path("/service/boards"),
        FaultKind::TooManyRequests {
            retry_after: Some(RetryAfter::Seconds(600)),
        },
        1,
    ));
    let limited = cw.client.service().get_service_boards().send().await;
    if let Err(Error::RateLimited { retry_after, .. }) = &limited {
        assert_eq!(*retry_after, Some(Duration::from_secs(600)));
    }
    show("a rate limit asking for 10 minutes", limited.map(|_| ()));

    let untitled = Ticket {
        company: Some(CompanyReference {
            id: Some(1),
            ..Default::default()
        }),
        ..Default::default()
    };
    let invalid = cw
        .client
        .service()
        .post_service_tickets()
        .body(untitled)
        .send()
        .await;
    show("a ticket without a summary", invalid.map(|_| ()));

    emulator.control().inject(FaultRule::new(
        FaultMatch::vendor(Vendor::ConnectWise)
            .method("POST")
            .path("/service/tickets"),
        FaultKind::DropAfterApply,
        1,
    ));
    let ticket = Ticket {
        summary: Some("Printer offline".into()),
        company: Some(CompanyReference {
            id: Some(1),
            ..Default::default()
        }),
        board: Some(BoardReference {
            name: Some("Help Desk".into()),
            ..Default::default()
        }),
        ..Default::default()
    };
    let dropped = cw
        .client
        .service()
        .post_service_tickets()
        .body(ticket)
        .send()
        .await;
    show("a create whose connection dropped", dropped.map(|_| ()));

    let wrong_key = support::connectwise_with(|config, emulator| match emulator {
        Some(e) => {
            let c = e.credentials().connectwise;
            psa_clients::auth::ConnectWiseConfig::new(
                &c.site,
                c.company,
                c.public_key,
                psa_clients::secret::Secret::new("not-the-key"),
                c.client_id,
            )
            .unwrap_or(config)
        }
        None => config,
    })
    .await?;
    let refused = wrong_key.client.service().get_service_boards().send().await;
    show("a wrong private key", refused.map(|_| ()));
    Ok(())
}

fn show(case: &str, outcome: std::result::Result<(), Error>) {
    match outcome {
        Ok(()) => println!("  {case}: succeeded"),
        Err(err) => println!(
            "  {case}:\n    error: {err}\n    do:    {}",
            what_to_do(&err)
        ),
    }
}
