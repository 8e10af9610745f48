//! ConnectWise reference fields (`board`, `status`, `company`, …): a write names the target by `id` (or
//! `identifier` / `name`); the stored record carries the full reference `{id, identifier?, name, _info
//! {<field>_href}}`, as the API returns them, so conditions like `board/name = "…"` work on new records.

use serde_json::{json, Map, Value};

use crate::store::Store;

/// Where a reference field's targets live, given the record being written.
fn target(field: &str, record: &Map<String, Value>) -> Option<String> {
    let board = || {
        record
            .get("board")
            .and_then(|board| board.get("id"))
            .and_then(Value::as_i64)
    };
    let company = || {
        record
            .get("company")
            .and_then(|company| company.get("id"))
            .and_then(Value::as_i64)
    };
    Some(match field {
        "board" => "service/boards".to_owned(),
        "status" => format!("service/boards/{}/statuses", board()?),
        "type" => format!("service/boards/{}/types", board()?),
        "team" => format!("service/boards/{}/teams", board()?),
        "priority" => "service/priorities".to_owned(),
        "source" => "service/sources".to_owned(),
        "company" => "company/companies".to_owned(),
        "site" => format!("company/companies/{}/sites", company()?),
        "contact" => "company/contacts".to_owned(),
        "owner" | "member" | "assignedBy" => "system/members".to_owned(),
        "agreement" => "finance/agreements".to_owned(),
        "workRole" => "time/workroles".to_owned(),
        "workType" => "time/worktypes".to_owned(),
        "location" => "system/locations".to_owned(),
        "department" => "system/departments".to_owned(),
        _ => return None,
    })
}

/// Fills every reference field of `record` from the store.
///
/// # Errors
/// `(field, message)` for a reference to a record that does not exist.
pub fn resolve(store: &Store, record: &mut Value, api_base: &str) -> Result<(), (String, String)> {
    let Some(object) = record.as_object_mut() else {
        return Ok(());
    };
    // Board first: status, type and team are looked up on the board.
    let mut fields: Vec<String> = object.keys().cloned().collect();
    fields.sort_by_key(|field| field != "board" && field != "company");
    for field in fields {
        let Some(key) = target(&field, object) else {
            continue;
        };
        let Some(reference) = object.get(&field).and_then(Value::as_object) else {
            continue;
        };
        let by_id = reference.get("id").and_then(Value::as_i64);
        let found = match by_id {
            Some(id) => store.get(&key, id),
            None => ["identifier", "name"].iter().find_map(|name| {
                reference
                    .get(*name)
                    .and_then(Value::as_str)
                    .and_then(|value| store.find_by(&key, name, value))
            }),
        };
        let Some(found) = found else {
            // Collections the demo tenant does not model are taken as given.
            if store.len(&key) == 0 {
                continue;
            }
            return Err((
                field.clone(),
                format!("{field} was not found (it must reference an existing record)"),
            ));
        };
        let mut filled = Map::new();
        for name in ["id", "identifier", "name"] {
            if let Some(value) = found.get(name) {
                filled.insert(name.to_owned(), value.clone());
            }
        }
        let id = found.get("id").and_then(Value::as_i64).unwrap_or_default();
        filled.insert(
            "_info".to_owned(),
            json!({ format!("{field}_href"): format!("{api_base}/{key}/{id}") }),
        );
        object.insert(field, Value::Object(filled));
    }
    Ok(())
}

/// The `closedStatus` flag of a ticket's (resolved) status.
pub fn status_closed(store: &Store, record: &Value) -> Option<bool> {
    let board = record.pointer("/board/id").and_then(Value::as_i64)?;
    let status = record.pointer("/status/id").and_then(Value::as_i64)?;
    store
        .get(&format!("service/boards/{board}/statuses"), status)?
        .get("closedStatus")
        .and_then(Value::as_bool)
}
