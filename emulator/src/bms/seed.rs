//! The Kaseya BMS demo tenant.

use serde_json::{json, Value};

use super::Tenant;
use crate::seed::{domain, COMPANIES, FIRST, LAST, SUMMARIES};
use crate::store::Store;

const STAMP: &str = "2024-01-02T09:00:00Z";

fn lookup(store: &mut Store, key: &str, names: &[&str]) {
    for (i, name) in names.iter().enumerate() {
        store.insert(
            key,
            json!({"id": i + 1, "name": name, "isDefault": i == 0, "isActive": true}),
        );
    }
}

/// Builds the tenant.
pub(crate) fn tenant(seed: u64, tickets: usize) -> Tenant {
    let mut rng = fastrand::Rng::with_seed(seed ^ 0xB5);
    let mut store = Store::default();
    let s = &mut store;
    let statuses = ["New", "In Progress", "Waiting Customer", "Completed"];
    for (i, name) in statuses.iter().enumerate() {
        s.insert("statuses", json!({"id": i + 1, "name": name, "color": "#2d8cf0", "fontColor": "#ffffff", "statusOrder": i, "typeId": 1, "isSystemStatus": i32::from(i == 0 || i == 3), "isActive": true}));
    }
    lookup(s, "priorities", &["Critical", "High", "Medium", "Low"]);
    lookup(s, "queues", &["Service Desk", "Projects", "Escalations"]);
    lookup(
        s,
        "worktypes",
        &["Remote Support", "Onsite", "Project Work"],
    );
    lookup(s, "roles", &["Technician", "Engineer"]);
    lookup(s, "issuetypes", &["Hardware", "Software", "Network"]);
    lookup(s, "accounttypes", &["Customer", "Vendor", "Prospect"]);
    lookup(
        s,
        "lookup/contacttype",
        &["Primary", "Billing", "Technical"],
    );
    lookup(
        s,
        "lookup/tickettype",
        &["Incident", "Service Request", "Problem"],
    );
    lookup(
        s,
        "lookup/ticketsource",
        &["Email", "Phone", "Portal", "Chat"],
    );
    for (i, (first, last)) in [("Jane", "Doe"), ("Alex", "Smith"), ("Rewst", "Api")]
        .iter()
        .enumerate()
    {
        s.insert("assignees", json!({"id": i + 1, "name": format!("{first} {last}"), "emailAddress": format!("{}.{}@emulated-msp.example", first.to_ascii_lowercase(), last.to_ascii_lowercase()), "jobTitle": "Technician"}));
    }
    let mut contact_id = 1;
    for (c, name) in COMPANIES.iter().enumerate() {
        let account_id = c as i64 + 1;
        s.insert("accounts", json!({
            "id": account_id, "accountCode": format!("ACC{c:03}"), "accountName": name, "accountTypeId": 1, "accountType": "Customer",
            "isActive": true, "isBilling": true, "website": format!("www.{}", domain(name)), "createdOn": STAMP, "modifiedOn": STAMP,
            "createdBy": 1, "modifiedBy": 1, "createdByName": "Admin", "tenantName": super::auth::TENANT,
            "locations": [{"id": account_id * 10 + 1, "name": "Main"}],
        }));
        s.insert(&format!("accounts/{account_id}/locations"), json!({
            "id": account_id * 10 + 1, "locationName": "Main", "isMain": true, "isActive": true, "createdOn": STAMP, "modifiedOn": STAMP,
            "addresses": [{"addressLine1": format!("{} Main Street", 100 + c), "city": "Tampa", "zipCode": "33602"}],
        }));
        for _ in 0..3 {
            let first = FIRST[rng.usize(..FIRST.len())];
            let last = LAST[rng.usize(..LAST.len())];
            s.insert("contacts", json!({
                "id": contact_id, "accountId": account_id, "accountName": name, "locationId": account_id * 10 + 1, "locationName": "Main",
                "firstName": first, "lastName": last, "jobTitle": "Office Manager", "isPoc": contact_id % 3 == 1, "isActive": true,
                "createdOn": STAMP, "modifiedOn": STAMP, "createdBy": 1, "modifiedBy": 1, "createdByName": "Admin",
                "emails": [{"id": contact_id, "email": format!("{}.{}{contact_id}@{}", first.to_ascii_lowercase(), last.to_ascii_lowercase(), domain(name)), "isPrimary": true}],
                "phones": [{"id": contact_id, "phone": format!("813-555-2{contact_id:03}"), "isPrimary": true}],
            }));
            contact_id += 1;
        }
    }
    for t in 0..tickets {
        let ticket_id = t as i64 + 1;
        let account = rng.i64(1..=COMPANIES.len() as i64);
        let status = rng.usize(..statuses.len());
        let created = format!("2024-01-{:02}T{:02}:00:00Z", 1 + t % 28, 8 + t % 10);
        let completed: Value = if status == 3 {
            Value::from(created.clone())
        } else {
            Value::Null
        };
        let priority = rng.usize(..4);
        s.insert("tickets", json!({
            "id": ticket_id, "ticketNumber": format!("T{ticket_id:06}"), "title": SUMMARIES[rng.usize(..SUMMARIES.len())],
            "details": "Reported by phone.", "accountId": account, "accountName": COMPANIES[account as usize - 1],
            "accountCode": format!("ACC{:03}", account - 1), "locationId": account * 10 + 1, "locationName": "Main",
            "contactId": (account - 1) * 3 + 1, "statusId": status + 1, "statusName": statuses[status],
            "priorityId": priority + 1, "priorityName": (["Critical", "High", "Medium", "Low"][priority]),
            "queueId": 1, "queueName": "Service Desk", "typeId": 1, "typeName": "Incident", "sourceId": 1,
            "assigneeId": 1, "assigneeName": "Jane Doe", "openDate": created, "completedDate": completed,
            "createdOn": created, "modifiedOn": created, "createdBy": 1, "modifiedBy": 1, "createdByName": "Admin", "lastActivityUpdate": created,
        }));
    }
    Tenant {
        store,
        sessions: Vec::new(),
        files: Default::default(),
    }
}
