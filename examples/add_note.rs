//! Add a note to a ticket on each PSA.
//!
//! ```text
//! cargo run --example add_note              # all three, against the in-process psa-emulator
//! cargo run --example add_note autotask     # one vendor (bms, connectwise, autotask)
//! ```
//!
//! The note goes on the first open ticket. Against your own tenant (credentials in the environment) it runs only
//! with `PSA_EXAMPLES_WRITE=1`.

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

/// Kaseya BMS: `POST /v2/servicedesk/tickets/{ticketId}/notes`, internal (`isInternal`) or visible to the client.
async fn bms() -> Result<()> {
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
    let note: psa_clients::bms::types::TicketNotePostInputDto =
        serde_json::from_value(serde_json::json!({
            "details": "Checked the cable; escalating.",
            "isInternal": true,
            "noteDate": chrono::Utc::now(),
            "typeId": 1
        }))?;
    bms.client
        .create_ticket_note()
        .ticket_id(ticket)
        .body(note)
        .send()
        .await?;
    println!(
        "Kaseya BMS ({}): internal note on ticket #{ticket}",
        bms.label()
    );
    Ok(())
}

/// ConnectWise PSA: `POST /service/tickets/{parentId}/notes`; the flags say where the note shows.
async fn connectwise() -> Result<()> {
    use psa_clients::connectwise::conditions::field;
    use psa_clients::connectwise::types::{ServiceNote, Ticket};
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
    let note = ServiceNote {
        text: Some("Checked the cable; escalating.".into()),
        internal_analysis_flag: Some(true),
        ..Default::default()
    };
    let created = cw
        .client
        .service()
        .post_service_tickets_by_parent_id_notes()
        .parent_id(ticket)
        .body(note)
        .send()
        .await?
        .into_inner();
    println!(
        "ConnectWise PSA ({}): internal note #{} on ticket #{ticket}",
        cw.label(),
        created.id.unwrap_or_default()
    );
    Ok(())
}

/// Autotask PSA: `POST /V1.0/Tickets/{parentId}/Notes`; `publish` 1 = all Autotask users, 2 = internal only.
async fn autotask() -> Result<()> {
    use psa_clients::autotask::filter::{field, Query};
    use psa_clients::autotask::types::{TicketModel, TicketNoteModel};
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
    let note = TicketNoteModel {
        ticket_id: Some(i32::try_from(ticket)?),
        title: Some("Cable checked".into()),
        description: Some("Checked the cable; escalating.".into()),
        note_type: Some(1),
        publish: Some(2),
        ..Default::default()
    };
    let created = at
        .client
        .ticket_notes_child_create_entity()
        .parent_id(ticket)
        .body(note)
        .send()
        .await?
        .into_inner();
    println!(
        "Autotask PSA ({}): internal note {} on ticket {ticket}",
        at.label(),
        created.item_id.unwrap_or_default()
    );
    Ok(())
}
