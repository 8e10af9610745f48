//! The ConnectWise demo tenant.

use serde_json::{json, Value};

use super::{refs, Tenant, DEFAULT_CODEBASE};
use crate::seed::{domain, COMPANIES, FIRST, LAST, SUMMARIES};
use crate::store::Store;

const STAMP: &str = "2024-01-02T09:00:00Z";

fn info() -> Value {
    json!({ "lastUpdated": STAMP, "updatedBy": "zAdmin", "dateEntered": STAMP, "enteredBy": "zAdmin" })
}

fn put(store: &mut Store, api_base: &str, key: &str, mut record: Value) -> i64 {
    if let Some(object) = record.as_object_mut() {
        object.entry("_info").or_insert_with(info);
    }
    // Targets are inserted before the records that name them.
    let _ = refs::resolve(store, &mut record, api_base);
    store.insert(key, record)
}

/// Boards with their statuses (the last closed) and types.
const BOARDS: [&str; 3] = ["Help Desk", "Integration", "Projects"];
const STATUSES: [&str; 4] = ["New", "In Progress", "Waiting on Client", "Closed"];

/// Builds the tenant.
pub(crate) fn tenant(seed: u64, tickets: usize, base_url: &str) -> Tenant {
    let mut rng = fastrand::Rng::with_seed(seed);
    let api_base = format!("{base_url}/{DEFAULT_CODEBASE}apis/3.0");
    let mut store = Store::default();
    let s = &mut store;
    for (i, (identifier, name)) in [
        ("zadmin", "Zed Admin"),
        ("jdoe", "Jane Doe"),
        ("asmith", "Alex Smith"),
        ("bwong", "Bea Wong"),
    ]
    .iter()
    .enumerate()
    {
        put(
            s,
            &api_base,
            "system/members",
            json!({
                "id": i + 1, "identifier": identifier, "firstName": name.split(' ').next(), "lastName": name.split(' ').nth(1),
                "name": name, "officeEmail": format!("{identifier}@emulated-msp.example"), "inactiveFlag": false,
                "licenseClass": "F",
            }),
        );
    }
    for (i, name) in ["Technician", "Engineer"].iter().enumerate() {
        put(
            s,
            &api_base,
            "time/workroles",
            json!({"id": i + 1, "name": name, "hourlyRate": 100 + 25 * i, "inactiveFlag": false}),
        );
    }
    for (i, name) in ["Regular", "After Hours", "Remote"].iter().enumerate() {
        put(
            s,
            &api_base,
            "time/worktypes",
            json!({"id": i + 1, "name": name, "inactiveFlag": false, "billTime": "Billable"}),
        );
    }
    for (i, name) in [
        "Priority 1 - Emergency",
        "Priority 2 - Quick Response",
        "Priority 3 - Normal Response",
        "Priority 4 - Schedule Maintenance",
    ]
    .iter()
    .enumerate()
    {
        put(
            s,
            &api_base,
            "service/priorities",
            json!({"id": i + 1, "name": name, "sortOrder": i + 1, "color": (["Red", "Orange", "Blue", "Green"][i]), "defaultFlag": i == 2}),
        );
    }
    for (i, name) in ["Email", "Phone", "Portal"].iter().enumerate() {
        put(
            s,
            &api_base,
            "service/sources",
            json!({"id": i + 1, "name": name, "defaultFlag": i == 0}),
        );
    }
    for (b, board) in BOARDS.iter().enumerate() {
        let board_id = b as i64 + 1;
        put(
            s,
            &api_base,
            "service/boards",
            json!({"id": board_id, "name": board, "locationId": 1, "businessUnitId": 1, "inactiveFlag": false, "projectFlag": b == 2, "billTime": "NoDefault"}),
        );
        for (k, status) in STATUSES.iter().enumerate() {
            put(
                s,
                &api_base,
                &format!("service/boards/{board_id}/statuses"),
                json!({
                    "id": board_id * 10 + k as i64 + 1, "name": status, "board": {"id": board_id}, "sortOrder": k,
                    "defaultFlag": k == 0, "inactive": false, "closedStatus": k == 3, "timeEntryNotAllowed": false,
                }),
            );
        }
        for (k, kind) in ["Incident", "Service Request"].iter().enumerate() {
            put(
                s,
                &api_base,
                &format!("service/boards/{board_id}/types"),
                json!({"id": board_id * 10 + k as i64 + 1, "name": kind, "board": {"id": board_id}, "category": "Reactive", "defaultFlag": k == 0, "inactiveFlag": false}),
            );
        }
    }
    let mut contact_id = 1;
    for (c, company) in COMPANIES.iter().enumerate() {
        let company_id = c as i64 + 1;
        let identifier = company.replace(' ', "");
        put(
            s,
            &api_base,
            "company/companies",
            json!({
                "id": company_id, "identifier": identifier, "name": company, "status": {"id": 1, "name": "Active"},
                "types": [{"id": 1, "name": "Client"}], "addressLine1": format!("{} Main Street", 100 + c), "city": "Tampa",
                "state": "FL", "zip": "33602", "country": {"id": 1, "name": "United States"}, "phoneNumber": format!("81355501{c:02}"),
                "website": format!("www.{}", domain(company)), "deletedFlag": false, "leadFlag": false, "unsubscribeFlag": false,
                "dateAcquired": STAMP,
            }),
        );
        put(
            s,
            &api_base,
            &format!("company/companies/{company_id}/sites"),
            json!({"id": company_id * 10 + 1, "name": "Main", "city": "Tampa", "primaryAddressFlag": true}),
        );
        for _ in 0..3 {
            let first = FIRST[rng.usize(..FIRST.len())];
            let last = LAST[rng.usize(..LAST.len())];
            let email = format!(
                "{}.{}{contact_id}@{}",
                first.to_ascii_lowercase(),
                last.to_ascii_lowercase(),
                domain(company)
            );
            put(
                s,
                &api_base,
                "company/contacts",
                json!({
                    "id": contact_id, "firstName": first, "lastName": last, "company": {"id": company_id},
                    "inactiveFlag": false, "title": "Office Manager", "defaultPhoneType": "Direct", "defaultPhoneNbr": format!("8135550{contact_id:03}"),
                    "communicationItems": [
                        {"id": contact_id * 2, "type": {"id": 1, "name": "Email"}, "value": email, "defaultFlag": true, "communicationType": "Email", "domain": format!("@{}", domain(company))},
                        {"id": contact_id * 2 + 1, "type": {"id": 2, "name": "Direct"}, "value": format!("8135550{contact_id:03}"), "defaultFlag": true, "communicationType": "Phone"},
                    ],
                    "types": [],
                }),
            );
            contact_id += 1;
        }
    }
    for (i, name) in ["Managed Services Gold", "Block Time 20h", "Break/Fix"]
        .iter()
        .enumerate()
    {
        put(
            s,
            &api_base,
            "finance/agreements",
            json!({
                "id": i + 1, "name": name, "type": {"id": 1, "name": "Managed"}, "company": {"id": i + 1},
                "startDate": STAMP, "noEndingDateFlag": true, "cancelledFlag": false, "agreementStatus": "Active",
            }),
        );
    }
    for t in 0..tickets {
        let ticket_id = t as i64 + 1;
        let board_id = (t % BOARDS.len()) as i64 + 1;
        let status_k = rng.i64(0..STATUSES.len() as i64);
        let company_id = rng.i64(1..=COMPANIES.len() as i64);
        let closed = status_k == 3;
        let entered = format!("2024-01-{:02}T{:02}:00:00Z", 1 + t % 28, 8 + t % 10);
        let mut record = json!({
            "id": ticket_id, "summary": SUMMARIES[rng.usize(..SUMMARIES.len())], "recordType": "ServiceTicket",
            "board": {"id": board_id}, "status": {"id": board_id * 10 + status_k + 1},
            "company": {"id": company_id}, "contact": {"id": (company_id - 1) * 3 + 1},
            "type": {"id": board_id * 10 + 1}, "priority": {"id": rng.i64(1..=4)}, "owner": {"id": rng.i64(1..=4)},
            "source": {"id": 1}, "severity": "Medium", "impact": "Medium", "closedFlag": closed,
            "budgetHours": 1.0, "actualHours": 0.5, "approved": true, "billTime": "Billable",
            "customerUpdatedFlag": false, "automaticEmailContactFlag": false,
            "customFields": [{"id": 1, "caption": "Category", "type": "Text", "entryMethod": "EntryField", "numberOfDecimals": 0, "value": if t % 2 == 0 { "Hardware" } else { "Software" }}],
            "_info": {"lastUpdated": entered, "updatedBy": "zAdmin", "dateEntered": entered, "enteredBy": "zAdmin"},
        });
        if closed {
            record["closedDate"] = Value::from(entered.clone());
            record["closedBy"] = Value::from("zAdmin");
        }
        put(s, &api_base, "service/tickets", record);
        if t < 10 {
            for n in 0..2 {
                put(
                    s,
                    &api_base,
                    &format!("service/tickets/{ticket_id}/notes"),
                    json!({
                        "id": ticket_id * 10 + n + 1, "ticketId": ticket_id, "text": if n == 0 { "Called the client; investigating." } else { "Waiting on a reply." },
                        "detailDescriptionFlag": n == 0, "internalAnalysisFlag": n == 1, "resolutionFlag": false,
                        "member": {"id": 2}, "dateCreated": entered, "createdBy": "jdoe", "internalFlag": n == 1, "externalFlag": n == 0,
                    }),
                );
            }
            put(
                s,
                &api_base,
                "time/entries",
                json!({
                    "id": ticket_id, "company": {"id": company_id}, "chargeToId": ticket_id, "chargeToType": "ServiceTicket",
                    "member": {"id": 2}, "workType": {"id": 1}, "workRole": {"id": 1}, "timeStart": entered,
                    "actualHours": 0.5, "billableOption": "Billable", "notes": "Remote session", "dateEntered": entered, "enteredBy": "jdoe",
                }),
            );
        }
    }
    Tenant {
        store,
        member_keys: Vec::new(),
        changes: Vec::new(),
        files: Default::default(),
    }
}
