//! Shape conformance against the real response bodies in ../shared/fixtures (see its SOURCES.md): for the
//! same endpoint, the emulator's answer has the same envelope (identical top-level keys), the same casing
//! (no key that differs from the fixture's only in case), the same JSON types where both have a key, and no
//! key the fixture lacks unless listed below with the reason. Keys the fixture has and the emulator's demo
//! records leave out are allowed (the fixtures are full records of real tenants).

mod common;

use std::collections::BTreeSet;

use common::{at, cw, json, start};
use psa_emulator::spec_routes::RouteTable;
use psa_emulator::Vendor;
use reqwest::Method;
use serde_json::{json, Value};

/// Keys the emulator sends that a fixture lacks, and why they are kept.
const EXTRA: [(&str, &str); 9] = [
    ("enteredBy", "2022.1 writes `_info.enteredBy`; the older fixture release has it beside the record"),
    ("name", "references carry id, identifier and name (MemberReference); the hand-edited fixtures nest whole records there"),
    ("lastTrackedModificationDateTime", "a TicketModel field of the document, left out of the django fixture"),
    ("customFields", "in the 2022.1 document's Ticket; the django fixture predates it"),
    ("identifier", "references carry `identifier` where the target has one (company, member), as the API writes them"),
    ("communicationItems", "present in the document's Contact; asked for by the workflow seed"),
    ("_info", "the document's record metadata; some hand-edited fixtures dropped it"),
    ("userDefinedFields", "Autotask returns it on every entity that has UDFs (see companies_query_includefields.json)"),
    ("ticketId", "the document's ServiceNote carries ticketId; listed for notes of other parents"),
];

fn fixture(path: &str) -> Value {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/fixtures/");
    let text =
        std::fs::read_to_string(format!("{root}{path}")).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap()
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Compares `ours` with `real`; `envelope` demands identical key sets at this level. A key the real body
/// lacks is allowed when the document's schema for this place declares it (or is a free-form map), or it is
/// listed in [`EXTRA`].
fn compare(
    table: &RouteTable,
    real: &Value,
    ours: &Value,
    schema: Option<&Value>,
    path: &str,
    envelope: bool,
    problems: &mut Vec<String>,
) {
    let schema = schema.map(|s| table.resolve(s));
    match (real, ours) {
        (Value::Object(real), Value::Object(ours)) => {
            let real_keys: BTreeSet<&str> = real.keys().map(String::as_str).collect();
            let our_keys: BTreeSet<&str> = ours.keys().map(String::as_str).collect();
            if envelope && real_keys != our_keys {
                problems.push(format!(
                    "{path}: envelope keys {our_keys:?}, real {real_keys:?}"
                ));
            }
            let props = schema.map(|s| table.properties(s)).unwrap_or_default();
            let free_map = schema.is_some_and(|s| {
                props.is_empty()
                    && s.get("additionalProperties")
                        .is_some_and(|a| !a.is_boolean())
            });
            for key in &our_keys {
                let property = props.iter().find(|(name, _)| name == key).map(|(_, p)| *p);
                let Some(real_value) = real.get(*key) else {
                    if let Some(same) = real_keys.iter().find(|k| k.eq_ignore_ascii_case(key)) {
                        problems.push(format!("{path}.{key}: casing differs from the real {same}"));
                    } else if property.is_none()
                        && !free_map
                        && !EXTRA.iter().any(|(extra, _)| extra == key)
                    {
                        problems.push(format!(
                            "{path}.{key}: neither in the real body nor in the document"
                        ));
                    }
                    continue;
                };
                let our_value = &ours[*key];
                // Known artefacts (SOURCES.md): integer postal codes were a hand edit; ticket_by_id.json holds
                // `userDefinedFields` as an object where the document and the query fixtures have an array of
                // {name, value}; a custom field's value takes the type of the field, so it is not compared.
                let artefact = matches!(*key, "postalCode" | "billToZipCode" | "userDefinedFields")
                    || path.contains("customFields");
                if !artefact
                    && !real_value.is_null()
                    && !our_value.is_null()
                    && kind(real_value) != kind(our_value)
                {
                    problems.push(format!(
                        "{path}.{key}: {} here, {} in the real body",
                        kind(our_value),
                        kind(real_value)
                    ));
                }
                if !artefact && path.matches('.').count() < 2 {
                    compare(
                        table,
                        real_value,
                        our_value,
                        property,
                        &format!("{path}.{key}"),
                        false,
                        problems,
                    );
                }
            }
        }
        (Value::Array(real), Value::Array(ours)) => {
            if let (Some(real), Some(ours)) = (real.first(), ours.first()) {
                let items = schema.and_then(|s| s.get("items"));
                compare(
                    table,
                    real,
                    ours,
                    items,
                    &format!("{path}[0]"),
                    false,
                    problems,
                );
            }
        }
        (real, ours) if !real.is_null() && !ours.is_null() && kind(real) != kind(ours) => {
            problems.push(format!(
                "{path}: {} here, {} in the real body",
                kind(ours),
                kind(real)
            ));
        }
        _ => {}
    }
}

/// The response schema of `method path` in `vendor`'s document.
fn schema_of(vendor: Vendor, method: &str, path: &str) -> Option<Value> {
    RouteTable::get(vendor)
        .find(method, path)
        .and_then(|m| m.route.response.clone())
}

fn assert_conforms(
    vendor: Vendor,
    name: &str,
    real: &Value,
    ours: &Value,
    schema: Option<Value>,
    envelope: bool,
) {
    let mut problems = Vec::new();
    compare(
        RouteTable::get(vendor),
        real,
        ours,
        schema.as_ref(),
        "$",
        envelope,
        &mut problems,
    );
    assert!(problems.is_empty(), "{name}:\n{}", problems.join("\n"));
}

#[tokio::test]
async fn connectwise_answers_have_the_real_shapes() {
    let (emulator, client) = start().await;
    let (_, info) = json(client.get(format!(
        "{}/login/companyinfo/emulated",
        emulator.base_url()
    )))
    .await;
    assert_conforms(
        Vendor::ConnectWise,
        "login_companyinfo",
        &fixture("connectwise/login_companyinfo.json"),
        &info,
        None,
        true,
    );
    for (file, path) in [
        ("service_ticket.json", "/service/tickets/1"),
        ("company.json", "/company/companies/1"),
        ("company_contacts_list.json", "/company/contacts"),
        ("time_entry.json", "/time/entries/1"),
        ("service_ticket_notes_list.json", "/service/tickets/1/notes"),
        ("service_board.json", "/service/boards/1"),
        (
            "service_board_statuses_list.json",
            "/service/boards/1/statuses",
        ),
        ("service_priority_list.json", "/service/priorities"),
        ("work_role.json", "/time/workRoles/1"),
        ("system_info_version.json", "/system/info"),
    ] {
        let (status, ours) = json(cw(&emulator, &client, Method::GET, path)).await;
        assert_eq!(status, 200, "{path}: {ours}");
        assert_conforms(
            Vendor::ConnectWise,
            file,
            &fixture(&format!("connectwise/{file}")),
            &ours,
            schema_of(Vendor::ConnectWise, "GET", path),
            false,
        );
    }
    let (_, created) = json(cw(&emulator, &client, Method::POST, "/system/callbacks").json(&json!({
        "description": "callback description", "url": "http://localhost", "objectId": 1, "type": "ticket", "level": "owner", "memberId": 176, "inactiveFlag": false
    }))).await;
    // The fixture's `"_info "` key has a trailing space (a hand-edit artefact, see SOURCES.md): patched here.
    let mut real = fixture("connectwise/system_callback_entry.json");
    if let Some(info) = real.as_object_mut().and_then(|o| o.remove("_info ")) {
        real["_info"] = info;
    }
    assert_conforms(
        Vendor::ConnectWise,
        "system_callback_entry",
        &real,
        &created,
        schema_of(Vendor::ConnectWise, "POST", "/system/callbacks"),
        false,
    );
}

#[tokio::test]
async fn autotask_answers_have_the_real_shapes() {
    let (emulator, client) = start().await;
    let all = json!({"filter": [{"op": "gte", "field": "id", "value": 0}]});
    for (file, entity) in [
        ("companies_query.json", "Companies"),
        ("contacts_query.json", "Contacts"),
        ("ticket_notes_query.json", "TicketNotes"),
    ] {
        let (status, ours) = json(
            at(
                &emulator,
                &client,
                Method::POST,
                &format!("/{entity}/query"),
            )
            .json(&all),
        )
        .await;
        assert_eq!(status, 200);
        let real = fixture(&format!("autotask/{file}"));
        let schema = schema_of(Vendor::Autotask, "POST", &format!("/V1.0/{entity}/query"));
        assert_conforms(Vendor::Autotask, file, &real, &ours, schema, true);
        assert_conforms(
            Vendor::Autotask,
            &format!("{file} pageDetails"),
            &real["pageDetails"],
            &ours["pageDetails"],
            None,
            true,
        );
    }
    let (_, ticket) = json(at(&emulator, &client, Method::GET, "/Tickets/7000")).await;
    assert_conforms(
        Vendor::Autotask,
        "ticket_by_id",
        &fixture("autotask/ticket_by_id.json"),
        &ticket,
        schema_of(Vendor::Autotask, "GET", "/V1.0/Tickets/7000"),
        true,
    );
    let (_, empty) = json(
        at(&emulator, &client, Method::POST, "/Tickets/query")
            .json(&json!({"filter": [{"op": "eq", "field": "id", "value": -1}]})),
    )
    .await;
    assert_conforms(
        Vendor::Autotask,
        "empty_query",
        &fixture("autotask/empty_query.json"),
        &empty,
        None,
        true,
    );
    assert_eq!(empty["pageDetails"]["requestCount"], 500);
    let (_, included) = json(at(&emulator, &client, Method::POST, "/Companies/query").json(&json!({
        "filter": [{"op": "eq", "field": "id", "value": 29683600}], "IncludeFields": ["companyName", "city", "state"]
    }))).await;
    let real = fixture("autotask/companies_query_includefields.json");
    let mut real_keys: Vec<&String> = real["items"][0].as_object().unwrap().keys().collect();
    let mut our_keys: Vec<&String> = included["items"][0].as_object().unwrap().keys().collect();
    real_keys.sort();
    our_keys.sort();
    // The real answer also carries `userDefinedFields` (always sent); the demo company has it too.
    assert_eq!(
        our_keys, real_keys,
        "IncludeFields keeps id, the fields named and userDefinedFields"
    );
    let (_, created) = json(
        at(&emulator, &client, Method::POST, "/Companies").json(&json!({
            "companyName": "Shape Co", "companyType": 1, "ownerResourceID": 4, "phone": "1"
        })),
    )
    .await;
    assert_conforms(
        Vendor::Autotask,
        "create_response",
        &fixture("autotask/create_response.json"),
        &created,
        None,
        true,
    );
    let (_, fields) = json(at(
        &emulator,
        &client,
        Method::GET,
        "/Tickets/entityInformation/fields",
    ))
    .await;
    let real = fixture("autotask/tickets_entityinformation_fields_priority.json");
    let priority = fields["fields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == "priority")
        .cloned()
        .unwrap();
    assert_conforms(
        Vendor::Autotask,
        "tickets_entityinformation_fields_priority",
        &real["fields"][0],
        &priority,
        None,
        true,
    );
    assert_conforms(
        Vendor::Autotask,
        "picklist value",
        &real["fields"][0]["picklistValues"][0],
        &priority["picklistValues"][0],
        None,
        true,
    );
    let (_, udf) = json(at(
        &emulator,
        &client,
        Method::GET,
        "/Companies/entityInformation/userDefinedFields",
    ))
    .await;
    let real = fixture("autotask/entityinformation_userdefinedfields.json");
    assert_conforms(
        Vendor::Autotask,
        "entityinformation_userdefinedfields",
        &real,
        &udf,
        None,
        true,
    );
}
