//! Log time against a ticket on each PSA.
//!
//! ```text
//! cargo run --example log_time              # all three, against the in-process psa-emulator
//! cargo run --example log_time bms          # one vendor (bms, connectwise, autotask)
//! ```
//!
//! Thirty minutes on the first open ticket. Against your own tenant (credentials in the environment) it runs only
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

/// Kaseya BMS: `POST /v2/servicedesk/tickets/{ticketId}/timelogs`: a calendar date, a start and end time of day,
/// the minutes spent, a work type and a role.
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
    let entry: psa_clients::bms::types::TicketTimeEntryInputDto =
        serde_json::from_value(serde_json::json!({
            "startDate": chrono::Utc::now().date_naive(),
            "startTime": psa_clients::TimeOfDay::hm(9, 30)?,
            "endTime": psa_clients::TimeOfDay::hm(10, 0)?,
            "timespent": 30,
            "workTypeId": 1,
            "roleId": 1,
            "notes": "Remote session"
        }))?;
    let logged = bms
        .client
        .create_ticket_time_entry()
        .ticket_id(ticket)
        .body(entry)
        .send()
        .await?
        .into_inner()
        .result
        .ok_or("no time entry in the answer")?;
    println!(
        "Kaseya BMS ({}): 30 minutes of {} on ticket #{ticket}",
        bms.label(),
        logged.work_type_name.as_deref().unwrap_or("work")
    );
    Ok(())
}

/// ConnectWise PSA: `POST /time/entries` charged to the ticket, from start and end instants.
async fn connectwise() -> Result<()> {
    use psa_clients::connectwise::conditions::field;
    use psa_clients::connectwise::types::{Ticket, TimeEntry, TimeEntryChargeToType};
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
    let end = chrono::Utc::now();
    let entry = TimeEntry {
        charge_to_id: Some(ticket.into()),
        charge_to_type: Some(TimeEntryChargeToType::ServiceTicket),
        time_start: Some((end - chrono::Duration::minutes(30)).into()),
        time_end: Some(end.into()),
        notes: Some("Remote session".into()),
        ..Default::default()
    };
    let logged = cw
        .client
        .time()
        .post_time_entries()
        .body(entry)
        .send()
        .await?
        .into_inner();
    println!(
        "ConnectWise PSA ({}): time entry #{} (30 minutes) on ticket #{ticket}",
        cw.label(),
        logged.id.unwrap_or_default()
    );
    Ok(())
}

/// Autotask PSA: `POST /V1.0/TimeEntries` for a ticket and a resource, with hours worked.
async fn autotask() -> Result<()> {
    use psa_clients::autotask::filter::{field, Query};
    use psa_clients::autotask::types::{ResourceModel, TicketModel, TimeEntryModel};
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
    let active = Query::builder()
        .filter(field(ResourceModel::fields().is_active()).eq(true))
        .max_records(1)
        .build()?;
    let resource = at
        .client
        .query::<ResourceModel>(&active)
        .try_next()
        .await?
        .and_then(|r| r.id)
        .ok_or("no active resource")?;
    let end = chrono::Utc::now();
    let entry = TimeEntryModel {
        ticket_id: Some(i32::try_from(ticket)?),
        resource_id: Some(i32::try_from(resource)?),
        date_worked: Some(end.into()),
        start_date_time: Some((end - chrono::Duration::minutes(30)).into()),
        end_date_time: Some(end.into()),
        hours_worked: Some(0.5),
        summary_notes: Some("Remote session".into()),
        ..Default::default()
    };
    let created = at
        .client
        .time_entries_create_entity()
        .body(entry)
        .send()
        .await?
        .into_inner();
    println!(
        "Autotask PSA ({}): time entry {} (0.5 h) on ticket {ticket}",
        at.label(),
        created.item_id.unwrap_or_default()
    );
    Ok(())
}
