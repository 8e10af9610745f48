//! Create a ticket on each PSA.
//!
//! ```text
//! cargo run --example create_ticket              # all three, against the in-process psa-emulator
//! cargo run --example create_ticket connectwise  # one vendor (bms, connectwise, autotask)
//! ```
//!
//! With a vendor's credentials in the environment (`PSA_BMS_*`, `PSA_CW_*`, `PSA_AUTOTASK_*`) it runs against
//! that tenant instead, and only with `PSA_EXAMPLES_WRITE=1`: it creates a real ticket (ConnectWise: on the company
//! `PSA_EXAMPLE_CW_COMPANY` and the board `PSA_EXAMPLE_CW_BOARD`).

#[path = "support/mod.rs"]
mod support;

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

/// Kaseya BMS: `POST /v2/servicedesk/tickets`; the account and location come from an existing ticket.
async fn bms() -> Result<()> {
    let bms = support::bms().await?;
    if !bms.may_write() {
        return Err(bms.refuse_write());
    }
    let existing = bms
        .client
        .get_tickets()
        .stream_items(1)
        .try_next()
        .await?
        .ok_or("no ticket to take an account from")?;
    // Request models with required fields decode from JSON, which checks each required field against its type.
    let ticket: psa_clients::bms::types::TicketInputDto =
        serde_json::from_value(serde_json::json!({
            "title": "Printer offline",
            "details": "Reported in chat: the second-floor printer is offline.",
            "accountId": existing.account_id.ok_or("ticket without account")?,
            "locationId": existing.location_id.ok_or("ticket without location")?,
            "openDate": chrono::Utc::now(),
            "priorityId": 1, "sourceId": 1, "statusId": 1, "typeId": 1
        }))?;
    let created = bms
        .client
        .create_ticket()
        .body(ticket)
        .send()
        .await?
        .into_inner();
    let created = created.result.ok_or("no ticket in the answer")?;
    println!(
        "Kaseya BMS ({}): created ticket #{} {:?}",
        bms.label(),
        created.id.unwrap_or_default(),
        created.ticket_number.as_deref().unwrap_or_default()
    );
    Ok(())
}

/// ConnectWise PSA: `POST /service/tickets` with a company and a board.
async fn connectwise() -> Result<()> {
    use psa_clients::connectwise::types::{BoardReference, CompanyReference, Ticket};
    let cw = support::connectwise().await?;
    if !cw.may_write() {
        return Err(cw.refuse_write());
    }
    // References by identifier / name (ConnectWise resolves them); on your tenant, name your own.
    let company = std::env::var("PSA_EXAMPLE_CW_COMPANY").unwrap_or_else(|_| "TestRewst".into());
    let board = std::env::var("PSA_EXAMPLE_CW_BOARD").unwrap_or_else(|_| "Integration".into());
    let ticket = Ticket {
        summary: Some("Printer offline".into()),
        company: Some(CompanyReference {
            identifier: Some(company),
            ..Default::default()
        }),
        board: Some(BoardReference {
            name: Some(board),
            ..Default::default()
        }),
        initial_description: Some("Reported in chat: the second-floor printer is offline.".into()),
        ..Default::default()
    };
    let created = cw
        .client
        .service()
        .post_service_tickets()
        .body(ticket)
        .send()
        .await?
        .into_inner();
    println!(
        "ConnectWise PSA ({}): created ticket #{} on board {:?}",
        cw.label(),
        created.id.unwrap_or_default(),
        created.board.and_then(|b| b.name).unwrap_or_default()
    );
    Ok(())
}

/// Autotask PSA: `POST /V1.0/Tickets`; the answer is the new record's `itemId`.
async fn autotask() -> Result<()> {
    use psa_clients::autotask::filter::{field, Query};
    use psa_clients::autotask::types::{CompanyModel, TicketModel};
    let at = support::autotask().await?;
    if !at.may_write() {
        return Err(at.refuse_write());
    }
    let customers = Query::builder()
        .filter(field(CompanyModel::fields().company_type()).eq(1))
        .max_records(1)
        .build()?;
    let company = at
        .client
        .query::<CompanyModel>(&customers)
        .try_next()
        .await?
        .and_then(|c| c.id)
        .ok_or("no customer company")?;
    let ticket = TicketModel {
        company_id: Some(i32::try_from(company)?),
        title: Some("Printer offline".into()),
        description: Some("Reported in chat: the second-floor printer is offline.".into()),
        status: Some(1),
        priority: Some(2),
        ..Default::default()
    };
    let created = at
        .client
        .tickets_create_entity()
        .body(ticket)
        .send()
        .await?
        .into_inner();
    println!(
        "Autotask PSA ({}): created ticket {}",
        at.label(),
        created.item_id.ok_or("no itemId in the answer")?
    );
    Ok(())
}
