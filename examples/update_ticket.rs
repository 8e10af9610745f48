//! Update a ticket with a PATCH on each PSA: only the fields named change.
//!
//! ```text
//! cargo run --example update_ticket              # all three, against the in-process psa-emulator
//! cargo run --example update_ticket connectwise  # one vendor (bms, connectwise, autotask)
//! ```
//!
//! The first open ticket gets a new summary or priority, and is read back. Against your own tenant (credentials in
//! the environment) it runs only with `PSA_EXAMPLES_WRITE=1`. (The PUT operations replace the whole record:
//! a field left out is cleared. Prefer the PATCH shown here.)

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

/// Kaseya BMS: `PATCH /v2/servicedesk/tickets/{ticketId}` with JSON Patch operations.
async fn bms() -> Result<()> {
    use psa_clients::bms::types::Operation;
    let bms = support::bms().await?;
    if !bms.may_write() {
        return Err(bms.refuse_write());
    }
    let ticket = bms
        .client
        .get_tickets()
        .filter_exclude_completed(1)
        .stream_items(1)
        .try_next()
        .await?
        .and_then(|t| t.id)
        .ok_or("no open ticket")?;
    let raise_priority = Operation {
        op: Some("replace".into()),
        path: Some("/priorityId".into()),
        value: Some(serde_json::json!(2)),
        ..Default::default()
    };
    bms.client
        .patch_ticket()
        .ticket_id(ticket)
        .body(vec![raise_priority])
        .send()
        .await?;
    let back = bms
        .client
        .get_ticket()
        .ticket_id(ticket)
        .send()
        .await?
        .into_inner()
        .result
        .ok_or("no ticket in the answer")?;
    println!(
        "Kaseya BMS ({}): ticket #{ticket} priority now {}",
        bms.label(),
        back.priority_name.as_deref().unwrap_or("?")
    );
    Ok(())
}

/// ConnectWise PSA: `PATCH /service/tickets/{id}` with JSON Patch operations (`path` without a leading slash
/// also works; ConnectWise accepts both).
async fn connectwise() -> Result<()> {
    use psa_clients::connectwise::conditions::field;
    use psa_clients::connectwise::types::{PatchOperation, Ticket};
    let cw = support::connectwise().await?;
    if !cw.may_write() {
        return Err(cw.refuse_write());
    }
    let ticket = cw
        .client
        .service()
        .get_service_tickets()
        .conditions(field(Ticket::fields().closed_flag()).eq(false))
        .stream_items(1)
        .try_next()
        .await?
        .and_then(|t| t.id)
        .ok_or("no open ticket")?;
    let rename = PatchOperation {
        op: Some("replace".into()),
        path: Some("summary".into()),
        value: Some(serde_json::json!("Printer offline: cable replaced")),
        ..Default::default()
    };
    let back = cw
        .client
        .service()
        .patch_service_tickets_by_id()
        .id(ticket)
        .body(vec![rename])
        .send()
        .await?
        .into_inner();
    println!(
        "ConnectWise PSA ({}): ticket #{ticket} is now {:?}",
        cw.label(),
        back.summary.as_deref().unwrap_or_default()
    );
    Ok(())
}

/// Autotask PSA: `PATCH /V1.0/Tickets` with the id and only the fields to change.
async fn autotask() -> Result<()> {
    use psa_clients::autotask::filter::{field, Query};
    use psa_clients::autotask::types::TicketModel;
    let at = support::autotask().await?;
    if !at.may_write() {
        return Err(at.refuse_write());
    }
    let open = Query::builder()
        .filter(field(TicketModel::fields().status()).not_eq(5)) // 5 = Complete
        .max_records(1)
        .build()?;
    let ticket = at
        .client
        .query::<TicketModel>(&open)
        .try_next()
        .await?
        .and_then(|t| t.id)
        .ok_or("no open ticket")?;
    let change = TicketModel {
        id: Some(ticket),
        priority: Some(1),
        ..Default::default()
    };
    at.client.tickets_patch_entity().body(change).send().await?;
    let back = at
        .client
        .tickets_query_item()
        .id(ticket)
        .send()
        .await?
        .into_inner()
        .item
        .ok_or("no item in the answer")?;
    println!(
        "Autotask PSA ({}): ticket {ticket} priority now {}",
        at.label(),
        back.priority.unwrap_or_default()
    );
    Ok(())
}
