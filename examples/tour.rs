//! The tour: the jobs an integration does, on all three PSAs, with no vendor account needed.
//!
//! ```text
//! cargo run --example tour
//! ```
//!
//! For each vendor: log in (Kaseya BMS with a TOTP code), list with a typed filter across several pages, create
//! a ticket, add a note and a time entry, update the ticket, read it back, and show one typed error. With no
//! credentials in the environment it starts the psa-emulator in-process (the three APIs on 127.0.0.1) and runs
//! against it. With a vendor's credentials set (the variables `from_env` reads: `PSA_CW_*`, `PSA_AUTOTASK_*`,
//! `PSA_BMS_*`) that vendor is the real one: the tour then only reads, unless `PSA_TOUR_WRITE=1` allows it to
//! create a ticket, a note and a time entry in that tenant.

use std::error::Error as StdError;

use futures_util::TryStreamExt;
use psa_clients::pagination::ListStreams;
use psa_clients::{autotask, bms, connectwise, Error};

#[path = "support/mod.rs"]
mod support;

type Result<T> = std::result::Result<T, Box<dyn StdError>>;

/// Where a vendor's calls go, and whether the tour may write there.
struct Target<C> {
    connected: support::Connected<C>,
    write: bool,
}

impl<C> Target<C> {
    fn new(connected: support::Connected<C>, write_real: bool) -> Self {
        let write = connected.emulator.is_some() || write_real;
        Self { connected, write }
    }

    fn client(&self) -> &C {
        &self.connected.client
    }

    fn label(&self) -> String {
        self.connected.label()
    }
}

#[tokio::main]
async fn main() -> Result<()> {
    let write_real = std::env::var("PSA_TOUR_WRITE").is_ok_and(|v| v == "1");
    // A vendor without credentials in the environment runs against an in-process psa-emulator.
    kaseya_bms(&Target::new(support::bms().await?, write_real)).await?;
    connectwise_psa(&Target::new(support::connectwise().await?, write_real)).await?;
    autotask_psa(&Target::new(support::autotask().await?, write_real)).await?;
    println!("\nDone. Every call above went through psa-clients' auth, retries, limits and typed errors.");
    Ok(())
}

/// Kaseya BMS: TOTP login, a filtered ticket list over pages, ticket + note + time log, PATCH, read back, error.
async fn kaseya_bms(target: &Target<bms::Client>) -> Result<()> {
    let bms = target.client();
    println!("== Kaseya BMS ({})", target.label());
    // The first call logs in (`POST /v2/security/authenticate` with the current TOTP code) and keeps the token.
    let mut open = bms
        .get_tickets()
        .filter_exclude_completed(1)
        .stream_items(50);
    let (mut count, mut first) = (0, None);
    while let Some(ticket) = open.try_next().await? {
        first.get_or_insert(ticket);
        count += 1;
    }
    println!("  logged in; {count} open tickets listed, 50 per page (Filter.ExcludeCompleted=1)");
    let Some(sample) = first else {
        println!("  no open ticket to take an account from; skipping the writes");
        return Ok(());
    };
    if !target.write {
        println!("  read-only on a real tenant (set PSA_TOUR_WRITE=1 to create a ticket)");
    } else {
        let account = sample
            .account_id
            .and_then(|id| u32::try_from(id).ok())
            .ok_or("ticket without account")?;
        let location = sample
            .location_id
            .and_then(|id| u32::try_from(id).ok())
            .ok_or("ticket without location")?;
        // BMS request models with required fields have no builder (typify's were dropped: they doubled the
        // generated code); they decode from JSON, which checks every required field against the type.
        let ticket: bms::types::TicketInputDto = serde_json::from_value(serde_json::json!({
            "title": "Printer offline (from the tour)",
            "details": "Reported in chat: the second-floor printer is offline.",
            "accountId": account, "locationId": location, "openDate": chrono::Utc::now(),
            "priorityId": 1, "sourceId": 1, "statusId": 1, "typeId": 1
        }))?;
        let created = bms.create_ticket().body(ticket).send().await?.into_inner();
        let created = created.result.ok_or("no ticket in the answer")?;
        let id = created.id.ok_or("created ticket without id")?;
        println!(
            "  created ticket #{id} \"{}\"",
            created.title.as_deref().unwrap_or_default()
        );
        let note: bms::types::TicketNotePostInputDto = serde_json::from_value(serde_json::json!({
            "details": "Checked the cable; escalating.", "isInternal": true,
            "noteDate": chrono::Utc::now(), "typeId": 1
        }))?;
        bms.create_ticket_note()
            .ticket_id(id)
            .body(note)
            .send()
            .await?;
        println!("  added an internal note");
        // The time of day is a `TimeOfDay` (sent as "09:30:00"), the date a calendar date, the time spent minutes.
        let entry: bms::types::TicketTimeEntryInputDto = serde_json::from_value(
            serde_json::json!({
                "startDate": chrono::Utc::now().date_naive(), "startTime": psa_clients::TimeOfDay::hm(9, 30)?, "endTime": psa_clients::TimeOfDay::hm(10, 0)?,
                "timespent": 30, "workTypeId": 1, "roleId": 1
            }),
        )?;
        let logged = bms
            .create_ticket_time_entry()
            .ticket_id(id)
            .body(entry)
            .send()
            .await?
            .into_inner();
        let logged = logged.result.ok_or("no time entry in the answer")?;
        println!(
            "  logged 30 minutes of {}",
            logged.work_type_name.as_deref().unwrap_or("work")
        );
        let patch = bms::types::Operation {
            op: Some("replace".into()),
            path: Some("/priorityId".into()),
            value: Some(serde_json::json!(2)),
            ..Default::default()
        };
        bms.patch_ticket()
            .ticket_id(id)
            .body(vec![patch])
            .send()
            .await?;
        let back = bms
            .get_ticket()
            .ticket_id(id)
            .send()
            .await?
            .into_inner()
            .result
            .ok_or("no ticket")?;
        println!(
            "  patched the priority; read back: #{id} priority {}, status {}",
            back.priority_name.as_deref().unwrap_or("?"),
            back.status_name.as_deref().unwrap_or("?")
        );
    }
    match bms.get_ticket().ticket_id(999_999).send().await {
        Err(err) => println!("  typed error for ticket 999999: {err}"),
        Ok(_) => println!("  ticket 999999 exists here"),
    }
    Ok(())
}

/// ConnectWise PSA: a condition over pages, ticket + note + time entry, JSON Patch, read back, 404.
async fn connectwise_psa(target: &Target<connectwise::Client>) -> Result<()> {
    use connectwise::conditions::field;
    use connectwise::types::{
        BoardReference, CompanyReference, PatchOperation, ServiceNote, Ticket, TimeEntry,
        TimeEntryChargeToType,
    };
    let cw = target.client();
    println!("\n== ConnectWise PSA ({})", target.label());
    let open = field(Ticket::fields().closed_flag()).eq(false);
    let mut tickets = cw
        .service()
        .get_service_tickets()
        .conditions(open)
        .stream_items(25);
    let (mut count, mut first) = (0, None);
    while let Some(ticket) = tickets.try_next().await? {
        first.get_or_insert(ticket);
        count += 1;
    }
    println!("  codebase found; {count} open tickets listed, 25 per page (conditions=closedFlag = false)");
    let Some(sample) = first else {
        println!("  no open ticket to take a company and board from; skipping the writes");
        return Ok(());
    };
    if !target.write {
        println!("  read-only on a real tenant (set PSA_TOUR_WRITE=1 to create a ticket)");
    } else {
        let company = sample
            .company
            .map(|c| c.id())
            .ok_or("ticket without company")?;
        let board = sample.board.map(|b| b.id()).ok_or("ticket without board")?;
        let ticket = Ticket {
            summary: Some("Printer offline (from the tour)".into()),
            company: Some(CompanyReference {
                id: Some(company),
                ..Default::default()
            }),
            board: Some(BoardReference {
                id: Some(board),
                ..Default::default()
            }),
            ..Default::default()
        };
        let created = cw
            .service()
            .post_service_tickets()
            .body(ticket)
            .send()
            .await?
            .into_inner();
        let id = created.id();
        println!("  created ticket #{id} on board {board}");
        let note = ServiceNote {
            text: Some("Checked the cable; escalating.".into()),
            internal_analysis_flag: Some(true),
            ..Default::default()
        };
        cw.service()
            .post_service_tickets_by_parent_id_notes()
            .parent_id(id)
            .body(note)
            .send()
            .await?;
        println!("  added an internal note");
        let start = chrono::Utc::now() - chrono::Duration::minutes(30);
        let entry = TimeEntry {
            charge_to_id: Some(i64::from(id)),
            charge_to_type: Some(TimeEntryChargeToType::ServiceTicket),
            time_start: Some(start.into()),
            time_end: Some(chrono::Utc::now().into()),
            notes: Some("Remote session".into()),
            ..Default::default()
        };
        let logged = cw
            .time()
            .post_time_entries()
            .body(entry)
            .send()
            .await?
            .into_inner();
        println!("  logged 30 minutes (time entry #{})", logged.id());
        let patch = PatchOperation {
            op: Some("replace".into()),
            path: Some("summary".into()),
            value: Some(serde_json::json!("Printer offline: cable replaced")),
            ..Default::default()
        };
        cw.service()
            .patch_service_tickets_by_id()
            .id(id)
            .body(vec![patch])
            .send()
            .await?;
        let back = cw
            .service()
            .get_service_tickets_by_id()
            .id(id)
            .send()
            .await?
            .into_inner();
        println!(
            "  patched (JSON Patch); read back: #{id} \"{}\"",
            back.summary.as_deref().unwrap_or_default()
        );
    }
    match cw
        .service()
        .get_service_tickets_by_id()
        .id(999_999)
        .send()
        .await
    {
        Err(err @ Error::NotFound { .. }) => println!("  typed error for ticket 999999: {err}"),
        Err(other) => return Err(other.into()),
        Ok(_) => println!("  ticket 999999 exists here"),
    }
    Ok(())
}

/// Autotask PSA: a filtered query over pages, ticket + note + time entry, PATCH, read back, a validation error.
async fn autotask_psa(target: &Target<autotask::Client>) -> Result<()> {
    use autotask::filter::{field, Query};
    use autotask::types::{
        CompanyModel, ResourceModel, TicketModel, TicketNoteModel, TimeEntryModel,
    };
    let at = target.client();
    println!("\n== Autotask PSA ({})", target.label());
    // Zone discovery happens on the first call; the filter is typed (`companyType` 1 = customer).
    let customers = Query::builder()
        .filter(field(CompanyModel::fields().company_type()).eq(1))
        .max_records(2)
        .build()?;
    let mut companies = at.query::<CompanyModel>(&customers);
    let (mut count, mut first) = (0, None);
    while let Some(company) = companies.try_next().await? {
        first.get_or_insert(company);
        count += 1;
    }
    println!("  zone found; {count} customer companies listed, 2 per page (companyType eq 1)");
    let Some(company) = first.map(|c| c.id()) else {
        println!("  no customer company; skipping the writes");
        return Ok(());
    };
    if !target.write {
        println!("  read-only on a real tenant (set PSA_TOUR_WRITE=1 to create a ticket)");
    } else {
        let company = i32::try_from(company)?;
        let ticket = TicketModel {
            company_id: Some(company),
            title: Some("Printer offline (from the tour)".into()),
            status: Some(1),
            priority: Some(2),
            ..Default::default()
        };
        let id = at
            .tickets_create_entity()
            .body(ticket)
            .send()
            .await?
            .into_inner()
            .item_id();
        println!("  created ticket {id}");
        let ticket_id = i32::try_from(id)?;
        let note = TicketNoteModel {
            ticket_id: Some(ticket_id),
            title: Some("Cable checked".into()),
            description: Some("Checked the cable; escalating.".into()),
            note_type: Some(1),
            publish: Some(1),
            ..Default::default()
        };
        at.ticket_notes_child_create_entity()
            .parent_id(id)
            .body(note)
            .send()
            .await?;
        println!("  added a note");
        let resources = Query::builder()
            .filter(field(ResourceModel::fields().id()).gt(0))
            .max_records(1)
            .build()?;
        let resource = at
            .query::<ResourceModel>(&resources)
            .try_next()
            .await?
            .map(|r| r.id())
            .ok_or("no resource")?;
        let now = chrono::Utc::now();
        let entry = TimeEntryModel {
            ticket_id: Some(ticket_id),
            resource_id: Some(i32::try_from(resource)?),
            date_worked: Some(now.into()),
            start_date_time: Some((now - chrono::Duration::minutes(30)).into()),
            end_date_time: Some(now.into()),
            hours_worked: Some(0.5),
            summary_notes: Some("Remote session".into()),
            ..Default::default()
        };
        at.time_entries_create_entity().body(entry).send().await?;
        println!("  logged 0.5 h");
        let update = TicketModel {
            id: Some(id),
            priority: Some(1),
            ..Default::default()
        };
        at.tickets_patch_entity().body(update).send().await?;
        let back = at
            .tickets_query_item()
            .id(id)
            .send()
            .await?
            .into_inner()
            .item
            .ok_or("no item")?;
        println!(
            "  patched the priority; read back: {id} \"{}\" priority {}",
            back.title.as_deref().unwrap_or_default(),
            back.priority.unwrap_or_default()
        );
    }
    // Autotask answers a missing id with `{"item": null}`, not a 404; its errors are validation errors.
    let untitled = TicketModel {
        company_id: Some(0),
        ..Default::default()
    };
    match at.tickets_create_entity().body(untitled).send().await {
        Err(err @ Error::Vendor { .. }) => {
            println!("  typed error for a ticket without a title: {err}")
        }
        Err(other) => return Err(other.into()),
        Ok(_) => println!("  a ticket without a title was accepted"),
    }
    Ok(())
}
