//! The Autotask demo tenant and its picklists.

use serde_json::{json, Value};

use super::{Tenant, IMPERSONATION_RESOURCE_ID};
use crate::seed::{domain, COMPANIES, FIRST, LAST, SUMMARIES};
use crate::store::Store;

/// Tickets in the demo tenant beyond the requested count: three full 500-record pages and some.
const MIN_TICKETS: usize = 3 * 500 + 20;

/// Picklist values `(value, label)` of an entity's field.
fn values(entity: &str, field: &str) -> &'static [(i64, &'static str)] {
    match (entity.to_ascii_lowercase().as_str(), field) {
        ("tickets", "status") => &[
            (1, "New"),
            (5, "Complete"),
            (8, "In Progress"),
            (7, "Waiting Customer"),
        ],
        ("tickets", "priority") => &[(1, "High"), (2, "Medium"), (3, "Low"), (4, "Critical")],
        ("tickets", "queueID") => &[
            (29682833, "Client Portal"),
            (29683378, "Level I Support"),
            (29683379, "Level II Support"),
        ],
        ("tickets", "ticketType") => &[(1, "Service Request"), (2, "Incident"), (3, "Problem")],
        ("companies", "companyType") => &[
            (1, "Customer"),
            (2, "Lead"),
            (3, "Prospect"),
            (4, "Dead"),
            (6, "Cancellation"),
            (7, "Vendor"),
            (8, "Partner"),
        ],
        ("ticketnotes", "noteType") => {
            &[(1, "Task Summary"), (2, "Task Detail"), (3, "Task Notes")]
        }
        ("ticketnotes", "publish") => &[(1, "All Autotask Users"), (2, "Internal Project Team")],
        _ => &[],
    }
}

/// The picklist of `entity.field` in the shape of `entityInformation/fields`.
pub(crate) fn picklist(entity: &str, field: &str) -> Vec<Value> {
    values(entity, field)
        .iter()
        .enumerate()
        .map(|(i, (value, label))| json!({
            "value": value.to_string(), "label": label, "isDefaultValue": i == 0, "sortOrder": i,
            "parentValue": "", "isActive": true, "isSystem": true,
        }))
        .collect()
}

const STAMP: &str = "2024-01-02T09:00:00Z";

/// Builds the tenant.
pub(crate) fn tenant(seed: u64, tickets: usize) -> Tenant {
    let mut rng = fastrand::Rng::with_seed(seed ^ 0xA7);
    let mut store = Store::default();
    let resources = [
        (4, "Api", "User"),
        (IMPERSONATION_RESOURCE_ID, "Jane", "Doe"),
        (29682886, "Alex", "Smith"),
    ];
    for (id, first, last) in resources {
        store.insert("resources", json!({
            "id": id, "firstName": first, "lastName": last, "userName": format!("{}{}", first.to_ascii_lowercase(), &last[..1].to_ascii_lowercase()),
            "email": format!("{}.{}@emulated-msp.example", first.to_ascii_lowercase(), last.to_ascii_lowercase()),
            "isActive": true, "resourceType": "Employee", "userType": 1,
        }));
    }
    let types = [1, 1, 1, 1, 2, 3, 7, 1];
    for (c, name) in COMPANIES.iter().enumerate() {
        let company_id = 29683600 + c as i64;
        store.insert("companies", json!({
            "id": company_id, "companyName": name, "companyNumber": format!("C{c:04}"), "companyType": types[c],
            "isActive": true, "phone": format!("813-555-01{c:02}"), "address1": format!("{} Main Street", 100 + c),
            "city": "Tampa", "state": "FL", "postalCode": "33602", "countryID": 237, "ownerResourceID": 4,
            "webAddress": format!("www.{}", domain(name)), "createDate": STAMP, "lastActivityDate": STAMP,
            "userDefinedFields": [{"name": "Tier", "value": if c % 2 == 0 { "Gold" } else { "Silver" }}],
        }));
        for k in 0..3 {
            let first = FIRST[rng.usize(..FIRST.len())];
            let last = LAST[rng.usize(..LAST.len())];
            store.insert("contacts", json!({
                "id": 30682600 + (c * 3 + k) as i64, "companyID": company_id, "firstName": first, "lastName": last,
                "emailAddress": format!("{}.{}{}@{}", first.to_ascii_lowercase(), last.to_ascii_lowercase(), c * 3 + k, domain(name)),
                "isActive": 1, "phone": format!("813-555-1{c}{k}0"), "createDate": STAMP, "lastActivityDate": STAMP,
            }));
        }
        store.insert("contracts", json!({
            "id": 29684000 + c as i64, "companyID": company_id, "contractName": format!("{name} Managed Services"),
            "contractType": 7, "status": 1, "startDate": "2024-01-01T00:00:00Z", "endDate": "2025-12-31T00:00:00Z",
            "isDefaultContract": true, "contractCategory": 1,
        }));
    }
    store.insert("projects", json!({
        "id": 29685000, "companyID": 29683600, "projectName": "Server migration", "status": 1, "projectType": 5,
        "startDateTime": "2024-02-01T00:00:00Z", "endDateTime": "2024-03-01T00:00:00Z", "projectLeadResourceID": 4,
    }));
    store.insert("tasks", json!({
        "id": 29686000, "projectID": 29685000, "title": "Inventory servers", "status": 1, "taskType": 1,
        "assignedResourceID": IMPERSONATION_RESOURCE_ID, "estimatedHours": 4.0,
    }));
    let statuses = [1, 5, 8, 7];
    for t in 0..tickets.max(MIN_TICKETS) {
        let ticket_id = 7000 + t as i64;
        let c = rng.usize(..COMPANIES.len());
        let activity = format!(
            "2024-{:02}-{:02}T{:02}:00:00Z",
            1 + (t / 28) % 12,
            1 + t % 28,
            8 + t % 10
        );
        store.insert("tickets", json!({
            "id": ticket_id, "ticketNumber": format!("T20240101.{t:04}"), "title": SUMMARIES[rng.usize(..SUMMARIES.len())],
            "description": "Reported through the portal.", "companyID": 29683600 + c as i64,
            "contactID": 30682600 + (c * 3) as i64, "status": statuses[rng.usize(..statuses.len())],
            "priority": rng.i64(1..=4), "queueID": 29683378, "ticketType": 1, "assignedResourceID": 4,
            "createDate": activity, "lastActivityDate": activity, "lastTrackedModificationDateTime": activity,
            "source": 4, "issueType": 1,
            "userDefinedFields": [],
        }));
        if t < 10 {
            store.insert("ticketnotes", json!({
                "id": 45 + t as i64, "ticketID": ticket_id, "title": "Note Title", "description": "Called the client.",
                "noteType": 1, "publish": 1, "createDateTime": activity, "lastActivityDate": activity, "creatorResourceID": 4,
            }));
            store.insert("timeentries", json!({
                "id": 90000 + t as i64, "ticketID": ticket_id, "resourceID": 4, "dateWorked": activity,
                "startDateTime": activity, "hoursWorked": 0.5, "hoursToBill": 0.5, "summaryNotes": "Remote session",
                "roleID": 29683461, "createDateTime": activity,
            }));
        }
    }
    Tenant {
        store,
        ..Tenant::default()
    }
}
