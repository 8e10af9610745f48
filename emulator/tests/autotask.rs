//! Autotask over plain HTTP: zone discovery, the header credentials and their real 500s, queries with the
//! filter grammar and POSTed next pages, CRUD, parent-child routes, zone moves and the thread limit.

mod common;

use common::{at, at_url, json, start};
use psa_emulator::{FaultKind, FaultMatch, FaultRule, Vendor};
use reqwest::Method;
use serde_json::{json, Value};

#[tokio::test]
async fn zone_discovery_knows_the_api_user_only() {
    let (emulator, client) = start().await;
    let creds = emulator.credentials().autotask;
    let (status, zone) = json(
        client
            .get(format!("{}/v1.0/zoneInformation", creds.discovery_url))
            .query(&[("user", creds.username.as_str())]),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(zone["url"], format!("{}/", creds.zone_url));
    let (status, body) = json(
        client
            .get(format!("{}/v1.0/zoneInformation", creds.discovery_url))
            .query(&[("user", "nobody@example.com")]),
    )
    .await;
    assert_eq!(status, 500);
    assert_eq!(
        body,
        json!({"errors": ["Zone information could not be determined"]})
    );
}

#[tokio::test]
async fn a_bad_integration_code_is_the_real_http_500() {
    let (emulator, client) = start().await;
    let creds = emulator.credentials().autotask;
    let (status, body) = json(
        client
            .post(format!("{}/V1.0/Companies/query", creds.zone_url))
            .header("UserName", &creds.username)
            .header("Secret", &creds.secret)
            .header("ApiIntegrationCode", "WRONG")
            .json(&json!({"filter": [{"op": "gte", "field": "id", "value": 0}]})),
    )
    .await;
    assert_eq!(status, 500);
    let fixture: Value = serde_json::from_str(include_str!(
        "../../../shared/fixtures/autotask/error_500_integrationcode_invalid.json"
    ))
    .unwrap();
    assert_eq!(body, fixture);
    let (status, _) = json(
        client
            .post(format!("{}/V1.0/Companies/query", creds.zone_url))
            .header("UserName", &creds.username)
            .header("Secret", "wrong")
            .header("ApiIntegrationCode", &creds.integration_code)
            .json(&json!({})),
    )
    .await;
    assert_eq!(status, 401);
}

#[tokio::test]
async fn queries_filter_by_company_type_and_count() {
    let (emulator, client) = start().await;
    let filter = json!({"filter": [{"op": "eq", "field": "companyType", "value": 1}]});
    let (status, page) =
        json(at(&emulator, &client, Method::POST, "/Companies/query").json(&filter)).await;
    assert_eq!(status, 200);
    let expected = emulator
        .control()
        .records(Vendor::Autotask, "Companies")
        .iter()
        .filter(|c| c["companyType"] == 1)
        .count();
    assert_eq!(page["items"].as_array().unwrap().len(), expected);
    assert_eq!(page["pageDetails"]["count"], expected);
    assert_eq!(page["pageDetails"]["nextPageUrl"], Value::Null);
    let (_, count) =
        json(at(&emulator, &client, Method::POST, "/Companies/query/count").json(&filter)).await;
    assert_eq!(count, json!({"queryCount": expected}));
    let (_, nested) = json(at(&emulator, &client, Method::POST, "/Companies/query").json(&json!({
        "filter": [{"op": "or", "items": [
            {"op": "beginsWith", "field": "companyName", "value": "Test"},
            {"op": "and", "items": [{"op": "contains", "field": "companyName", "value": "dental"}, {"op": "eq", "field": "isActive", "value": true}]}
        ]}],
        "IncludeFields": ["companyName"]
    }))).await;
    let names: Vec<&str> = nested["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["companyName"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Test Rewst", "Acme Dental"]);
    assert_eq!(
        nested["items"][0].as_object().unwrap().len(),
        3,
        "id, userDefinedFields and the included field"
    );
    let (_, udf) = json(
        at(&emulator, &client, Method::POST, "/Companies/query").json(
            &json!({"filter": [{"op": "eq", "field": "Tier", "udf": true, "value": "Gold"}]}),
        ),
    )
    .await;
    assert_eq!(udf["items"].as_array().unwrap().len(), 4);
}

#[tokio::test]
async fn next_pages_must_be_posted_with_the_same_body() {
    let (emulator, client) = start().await;
    let body = json!({"filter": [{"op": "gte", "field": "id", "value": 0}]});
    let total = emulator
        .control()
        .records(Vendor::Autotask, "Tickets")
        .len();
    assert!(total > 1500, "three full pages and more");
    let (_, mut page) =
        json(at(&emulator, &client, Method::POST, "/Tickets/query").json(&body)).await;
    let mut seen = page["items"].as_array().unwrap().len();
    let mut pages = 1;
    let first_next = page["pageDetails"]["nextPageUrl"]
        .as_str()
        .unwrap()
        .to_owned();
    while let Some(next) = page["pageDetails"]["nextPageUrl"]
        .as_str()
        .map(str::to_owned)
    {
        let (status, next_page) =
            json(at_url(&emulator, &client, Method::POST, &next).json(&body)).await;
        assert_eq!(status, 200, "{next_page}");
        page = next_page;
        seen += page["items"].as_array().unwrap().len();
        pages += 1;
    }
    assert_eq!(seen, total);
    assert_eq!(pages, 4);
    let (status, body_405) = json(at_url(&emulator, &client, Method::GET, &first_next)).await;
    assert_eq!(status, 405);
    let fixture: Value = serde_json::from_str(include_str!(
        "../../../shared/fixtures/autotask/error_405_method_not_supported.json"
    ))
    .unwrap();
    assert_eq!(body_405, fixture);
    let (status, _) = json(
        at_url(&emulator, &client, Method::POST, &first_next)
            .json(&json!({"filter": [{"op": "gte", "field": "id", "value": 1}]})),
    )
    .await;
    assert_eq!(status, 500, "a different body is refused");
    for max in [0, 501] {
        let (status, body) = json(at(&emulator, &client, Method::POST, "/Tickets/query").json(
            &json!({"MaxRecords": max, "filter": [{"op": "gte", "field": "id", "value": 0}]}),
        ))
        .await;
        assert_eq!(status, 500, "MaxRecords {max}");
        assert!(body["errors"][0].as_str().unwrap().contains("MaxRecords"));
    }
    let (_, small) = json(
        at(&emulator, &client, Method::POST, "/Tickets/query")
            .json(&json!({"maxRecords": 7, "filter": [{"op": "gte", "field": "id", "value": 0}]})),
    )
    .await;
    assert_eq!(small["items"].as_array().unwrap().len(), 7);
    assert_eq!(small["pageDetails"]["requestCount"], 7);
}

#[tokio::test]
async fn create_patch_and_children() {
    let (emulator, client) = start().await;
    let (status, company) = json(at(&emulator, &client, Method::POST, "/Companies").json(&json!({
        "companyName": "Emulator Co", "companyType": 1, "ownerResourceID": 4, "phone": "813-555-0000"
    }))).await;
    assert_eq!(status, 200, "{company}");
    let company_id = company["itemId"].as_i64().unwrap();
    let (status, contact) = json(at(&emulator, &client, Method::POST, &format!("/Companies/{company_id}/Contacts")).json(&json!({
        "firstName": "Cy", "lastName": "Nguyen", "isActive": 1, "emailAddress": "cy@emulator.example"
    }))).await;
    assert_eq!(status, 200, "{contact}");
    let (status, ticket) = json(at(&emulator, &client, Method::POST, "/Tickets").json(&json!({
        "companyID": company_id, "title": "Printer", "status": 1, "priority": 2, "queueID": 29683378
    }))).await;
    assert_eq!(status, 200, "{ticket}");
    let ticket_id = ticket["itemId"].as_i64().unwrap();
    let (status, _) = json(
        at(
            &emulator,
            &client,
            Method::POST,
            &format!("/Tickets/{ticket_id}/Notes"),
        )
        .json(&json!({
            "title": "Note", "description": "Working on it", "noteType": 1, "publish": 1
        })),
    )
    .await;
    assert_eq!(status, 200);
    let notes = emulator.control().records(Vendor::Autotask, "TicketNotes");
    assert!(notes
        .iter()
        .any(|n| n["ticketID"] == ticket_id && n["description"] == "Working on it"));
    let (_, listed) = json(at(
        &emulator,
        &client,
        Method::GET,
        &format!("/Tickets/{ticket_id}/Notes"),
    ))
    .await;
    assert_eq!(listed["items"].as_array().unwrap().len(), 1);

    let (status, _) = json(
        at(&emulator, &client, Method::PATCH, "/Tickets")
            .json(&json!({"id": ticket_id, "status": 5})),
    )
    .await;
    assert_eq!(status, 200);
    let (_, got) = json(at(
        &emulator,
        &client,
        Method::GET,
        &format!("/Tickets/{ticket_id}"),
    ))
    .await;
    assert_eq!(got["item"]["status"], 5);
    assert_eq!(
        got["item"]["title"], "Printer",
        "PATCH leaves the other fields"
    );

    let (status, body) = json(
        at(&emulator, &client, Method::POST, "/Tickets")
            .json(&json!({"companyID": company_id, "status": 1, "priority": 2})),
    )
    .await;
    assert_eq!(status, 500);
    assert_eq!(body, json!({"errors": ["Missing Required Field: title"]}));
    let (status, body) = json(
        at(&emulator, &client, Method::POST, "/Tickets")
            .json(&json!({"companyID": 1, "title": "x", "status": 1, "priority": 2})),
    )
    .await;
    assert_eq!(status, 500);
    assert_eq!(
        body,
        json!({"errors": ["Value does not reference an existing entity for companyID . "]})
    );
}

#[tokio::test]
async fn picklists_come_from_entity_information() {
    let (emulator, client) = start().await;
    let (status, fields) = json(at(
        &emulator,
        &client,
        Method::GET,
        "/Tickets/entityInformation/fields",
    ))
    .await;
    assert_eq!(status, 200);
    let priority = fields["fields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == "priority")
        .unwrap();
    assert_eq!(priority["isPickList"], true);
    assert_eq!(priority["picklistValues"][0]["label"], "High");
    assert_eq!(priority["picklistValues"][0]["value"], "1");
}

#[tokio::test]
async fn a_moved_zone_answers_401_until_rediscovered() {
    let (emulator, client) = start().await;
    let old = emulator.credentials().autotask.zone_url;
    let new = emulator.control().move_autotask_zone();
    assert_ne!(old, new);
    let body = json!({"filter": [{"op": "eq", "field": "id", "value": 7000}]});
    let (status, _) = json(
        at_url(
            &emulator,
            &client,
            Method::POST,
            &format!("{old}/V1.0/Tickets/query"),
        )
        .json(&body),
    )
    .await;
    assert_eq!(status, 401);
    let creds = emulator.credentials().autotask;
    let (_, zone) = json(
        client
            .get(format!("{}/v1.0/zoneInformation", creds.discovery_url))
            .query(&[("user", creds.username.as_str())]),
    )
    .await;
    assert_eq!(zone["url"], format!("{new}/"));
    let (status, page) = json(
        at_url(
            &emulator,
            &client,
            Method::POST,
            &format!("{new}/V1.0/Tickets/query"),
        )
        .json(&body),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(page["items"][0]["id"], 7000);
}

#[tokio::test]
async fn more_than_three_requests_in_flight_per_entity_are_refused_and_reported() {
    let (emulator, client) = start().await;
    emulator.control().inject(FaultRule::new(
        FaultMatch::vendor(Vendor::Autotask).path("/Tickets/"),
        FaultKind::Latency { millis: 300 },
        10,
    ));
    let body = json!({"filter": [{"op": "eq", "field": "id", "value": 7000}]});
    let mut tasks = Vec::new();
    for _ in 0..5 {
        let request = at(&emulator, &client, Method::POST, "/Tickets/query").json(&body);
        tasks.push(tokio::spawn(async move {
            request.send().await.unwrap().status().as_u16()
        }));
    }
    let mut statuses = Vec::new();
    for task in tasks {
        statuses.push(task.await.unwrap());
    }
    statuses.sort_unstable();
    assert_eq!(statuses, [200, 200, 200, 429, 429]);
    assert_eq!(emulator.control().max_concurrency()["tickets"], 3);
    // Another entity has its own three.
    let (status, _) = json(
        at(&emulator, &client, Method::POST, "/Companies/query")
            .json(&json!({"filter": [{"op": "gte", "field": "id", "value": 0}]})),
    )
    .await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn the_request_budget_runs_out_with_429() {
    let (emulator, client) = start().await;
    emulator.control().set_autotask_budget(Some(1));
    let body = json!({"filter": [{"op": "gte", "field": "id", "value": 0}]});
    let (status, _) =
        json(at(&emulator, &client, Method::POST, "/Companies/query").json(&body)).await;
    assert_eq!(status, 200);
    let (status, error) =
        json(at(&emulator, &client, Method::POST, "/Companies/query").json(&body)).await;
    assert_eq!(status, 429);
    assert!(error["errors"][0]
        .as_str()
        .unwrap()
        .contains("request limit"));
}

#[tokio::test]
async fn contacts_created_under_a_company_are_contacts() {
    let (emulator, client) = start().await;
    let company_id = 29683601;
    let (status, created) = json(
        at(
            &emulator,
            &client,
            Method::POST,
            &format!("/Companies/{company_id}/Contacts"),
        )
        .json(&json!({
            "firstName": "Cy", "lastName": "Child", "isActive": 1
        })),
    )
    .await;
    assert_eq!(status, 200, "{created}");
    let id = created["itemId"].as_i64().unwrap();
    // The Contacts entity holds it, with the parent's id set …
    let contacts = emulator.control().records(Vendor::Autotask, "Contacts");
    let stored = contacts
        .iter()
        .find(|c| c["id"] == id)
        .expect("a Contacts record");
    assert_eq!(stored["companyID"], company_id);
    let (status, by_id) = json(at(
        &emulator,
        &client,
        Method::GET,
        &format!("/Contacts/{id}"),
    ))
    .await;
    assert_eq!(status, 200);
    assert_eq!(by_id["item"]["lastName"], "Child");
    // … and the company's child list holds its seeded contacts and the new one.
    let (status, children) = json(at(
        &emulator,
        &client,
        Method::GET,
        &format!("/Companies/{company_id}/Contacts"),
    ))
    .await;
    assert_eq!(status, 200, "{children}");
    let expected = contacts
        .iter()
        .filter(|c| c["companyID"] == company_id)
        .count();
    assert_eq!(expected, 4, "three seeded and one created");
    assert_eq!(
        children["items"].as_array().map(Vec::len),
        Some(expected),
        "{children}"
    );
}
