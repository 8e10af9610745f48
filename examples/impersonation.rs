//! Acting as a person: records created through an API user, but attributed to a member (ConnectWise) or a
//! resource (Autotask).
//!
//! ```text
//! cargo run --example impersonation              # both, against the in-process psa-emulator
//! cargo run --example impersonation connectwise  # one vendor (connectwise, autotask)
//! ```
//!
//! ConnectWise: the API member's keys fetch the member's own key pair (`POST /system/members/{id}/tokens`,
//! cached and renewed); Autotask: every call carries `ImpersonationResourceId`. Against your own tenant it runs
//! only with `PSA_EXAMPLES_WRITE=1`, as the member in `PSA_EXAMPLE_CW_MEMBER` / the resource in
//! `PSA_EXAMPLE_AUTOTASK_RESOURCE`.

#[path = "support/mod.rs"]
mod support;

use futures_util::TryStreamExt;
use psa_clients::pagination::ListStreams;
use support::Result;

#[tokio::main]
async fn main() -> Result<()> {
    if support::wants("connectwise") {
        connectwise().await?;
    }
    if support::wants("autotask") {
        autotask().await?;
    }
    Ok(())
}

/// ConnectWise PSA: a ticket note written as a member.
async fn connectwise() -> Result<()> {
    use psa_clients::connectwise::types::ServiceNote;
    let cw = support::connectwise_with(|config, emulator| {
        let member = match emulator {
            Some(e) => e.credentials().connectwise.impersonable_member,
            None => std::env::var("PSA_EXAMPLE_CW_MEMBER").unwrap_or_default(),
        };
        config.with_member_impersonation(member)
    })
    .await?;
    if !cw.may_write() {
        return Err(cw.refuse_write());
    }
    let ticket = cw
        .client
        .service()
        .get_service_tickets()
        .stream_items(1)
        .try_next()
        .await?
        .and_then(|t| t.id)
        .ok_or("no ticket")?;
    let note = ServiceNote {
        text: Some("Called the client back.".into()),
        detail_description_flag: Some(true),
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
        "ConnectWise PSA ({}): note #{} on ticket #{ticket}, created by {:?}",
        cw.label(),
        created.id.unwrap_or_default(),
        created.created_by.as_deref().unwrap_or("?")
    );
    Ok(())
}

/// Autotask PSA: a ticket note written as a resource.
async fn autotask() -> Result<()> {
    use psa_clients::autotask::filter::{field, Query};
    use psa_clients::autotask::types::{TicketModel, TicketNoteModel};
    let at = support::autotask_with(|config, emulator| {
        let resource = match emulator {
            Some(e) => e.credentials().autotask.impersonation_resource_id,
            None => std::env::var("PSA_EXAMPLE_AUTOTASK_RESOURCE")
                .ok()
                .and_then(|id| id.parse().ok())
                .unwrap_or_default(),
        };
        config.with_impersonation_resource_id(resource)
    })
    .await?;
    if !at.may_write() {
        return Err(at.refuse_write());
    }
    let any = Query::builder()
        .filter(field(TicketModel::fields().id()).gt(0))
        .max_records(1)
        .build()?;
    let ticket = at
        .client
        .query::<TicketModel>(&any)
        .try_next()
        .await?
        .and_then(|t| t.id)
        .ok_or("no ticket")?;
    let note = TicketNoteModel {
        ticket_id: Some(i32::try_from(ticket)?),
        title: Some("Call back".into()),
        description: Some("Called the client back.".into()),
        note_type: Some(1),
        publish: Some(1),
        ..Default::default()
    };
    let id = at
        .client
        .ticket_notes_child_create_entity()
        .parent_id(ticket)
        .body(note)
        .send()
        .await?
        .into_inner()
        .item_id
        .ok_or("no itemId")?;
    let back = at
        .client
        .ticket_notes_child_query_item()
        .parent_id(ticket)
        .id(id)
        .send()
        .await?
        .into_inner()
        .item
        .ok_or("no note")?;
    println!(
        "Autotask PSA ({}): note {id} on ticket {ticket}, created by resource {:?}",
        at.label(),
        back.creator_resource_id
    );
    Ok(())
}
