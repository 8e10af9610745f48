//! ConnectWise over plain HTTP: auth, codebase discovery, CRUD with JSON Patch, conditions, the paging styles.

mod common;

use common::{cw, json, start};
use psa_emulator::Vendor;
use reqwest::Method;
use serde_json::{json, Value};

#[tokio::test]
async fn company_info_names_the_codebase_and_an_old_codebase_gets_the_html_404() {
    let (emulator, client) = start().await;
    let (status, info) = json(client.get(format!(
        "{}/login/companyinfo/emulated",
        emulator.base_url()
    )))
    .await;
    assert_eq!(status, 200);
    assert_eq!(info["Codebase"], "v2022_1/");
    assert_eq!(info["VersionCode"], "v2022.1");
    emulator.control().set_connectwise_codebase("v2025_1/");
    let (_, info) = json(client.get(format!(
        "{}/login/companyinfo/emulated",
        emulator.base_url()
    )))
    .await;
    assert_eq!(info["Codebase"], "v2025_1/");
    let old = cw(&emulator, &client, Method::GET, "/service/tickets")
        .send()
        .await
        .unwrap();
    assert_eq!(old.status(), 404);
    assert!(old.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    let creds = emulator.credentials().connectwise;
    let new = client
        .get(format!(
            "{}/v2025_1/apis/3.0/service/tickets",
            emulator.base_url()
        ))
        .header(
            "authorization",
            psa_emulator::connectwise::basic(&creds.company, &creds.public_key, &creds.private_key),
        )
        .header("clientid", &creds.client_id)
        .send()
        .await
        .unwrap();
    assert_eq!(new.status(), 200);
}

#[tokio::test]
async fn credentials_and_client_id_are_required() {
    let (emulator, client) = start().await;
    let url = format!("{}/v2022_1/apis/3.0/service/tickets", emulator.base_url());
    let (status, body) = json(client.get(&url)).await;
    assert_eq!(status, 401);
    assert_eq!(body["code"], "Unauthorized");
    let creds = emulator.credentials().connectwise;
    let wrong = psa_emulator::connectwise::basic(&creds.company, &creds.public_key, "nope");
    let (status, _) = json(
        client
            .get(&url)
            .header("authorization", wrong)
            .header("clientid", "x"),
    )
    .await;
    assert_eq!(status, 401);
    let right =
        psa_emulator::connectwise::basic(&creds.company, &creds.public_key, &creds.private_key);
    let (status, body) = json(client.get(&url).header("authorization", right)).await;
    assert_eq!(status, 401);
    assert!(body["message"].as_str().unwrap().contains("clientId"));
}

#[tokio::test]
async fn tickets_are_created_patched_replaced_and_deleted() {
    let (emulator, client) = start().await;
    let (status, created) = json(cw(&emulator, &client, Method::POST, "/service/tickets").json(&json!({
        "summary": "Emulator test ticket", "company": {"identifier": "TestRewst"}, "board": {"name": "Integration"}
    }))).await;
    assert_eq!(status, 201, "{created}");
    let id = created["id"].as_i64().unwrap();
    assert_eq!(created["board"]["name"], "Integration");
    assert_eq!(created["company"]["name"], "Test Rewst");
    assert_eq!(
        created["status"]["name"], "New",
        "the board's default status"
    );
    assert_eq!(created["closedFlag"], false);
    assert!(created["_info"]["dateEntered"].is_string());
    assert!(created["_info"]["notes_href"]
        .as_str()
        .unwrap()
        .ends_with(&format!("/service/tickets/{id}/notes")));

    let board = created["board"]["id"].as_i64().unwrap();
    let closed_status = board * 10 + 4;
    let (status, patched) = json(
        cw(
            &emulator,
            &client,
            Method::PATCH,
            &format!("/service/tickets/{id}"),
        )
        .json(&json!([
            {"op": "replace", "path": "status", "value": {"id": closed_status}},
            {"op": "replace", "path": "/summary", "value": "Closed by the emulator test"}
        ])),
    )
    .await;
    assert_eq!(status, 200, "{patched}");
    assert_eq!(patched["status"]["name"], "Closed");
    assert_eq!(patched["closedFlag"], true);
    assert_eq!(patched["summary"], "Closed by the emulator test");

    let (status, note) = json(
        cw(
            &emulator,
            &client,
            Method::POST,
            &format!("/service/tickets/{id}/notes"),
        )
        .json(&json!({
            "text": "Resolved.", "detailDescriptionFlag": true
        })),
    )
    .await;
    assert_eq!(status, 201, "{note}");
    assert_eq!(note["ticketId"], id);
    let (_, notes) = json(cw(
        &emulator,
        &client,
        Method::GET,
        &format!("/service/tickets/{id}/notes"),
    ))
    .await;
    assert_eq!(notes.as_array().unwrap().len(), 1);

    let mut replacement = patched.clone();
    replacement["summary"] = json!("Replaced");
    let (status, replaced) = json(
        cw(
            &emulator,
            &client,
            Method::PUT,
            &format!("/service/tickets/{id}"),
        )
        .json(&replacement),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(replaced["summary"], "Replaced");

    let response = cw(
        &emulator,
        &client,
        Method::DELETE,
        &format!("/service/tickets/{id}"),
    )
    .send()
    .await
    .unwrap();
    assert_eq!(response.status(), 204);
    let (status, body) = json(cw(
        &emulator,
        &client,
        Method::GET,
        &format!("/service/tickets/{id}"),
    ))
    .await;
    assert_eq!(status, 404);
    assert_eq!(body["code"], "NotFound");
    assert_eq!(
        emulator
            .control()
            .journal()
            .iter()
            .filter(|e| e.method == "POST")
            .count(),
        2
    );
}

#[tokio::test]
async fn a_create_missing_a_required_field_answers_the_invalid_object_shape() {
    let (emulator, client) = start().await;
    let (status, body) = json(
        cw(&emulator, &client, Method::POST, "/service/tickets")
            .json(&json!({"company": {"id": 1}})),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(body["code"], "InvalidObject");
    assert_eq!(body["message"], "ticket object is invalid");
    assert_eq!(body["errors"][0]["field"], "summary");
    assert_eq!(body["errors"][0]["resource"], "ticket");
    let (status, body) = json(
        cw(&emulator, &client, Method::POST, "/service/tickets")
            .json(&json!({"summary": "x", "company": {"id": 999}})),
    )
    .await;
    assert_eq!(status, 400, "a reference to a missing company");
    assert_eq!(body["errors"][0]["field"], "company");
}

#[tokio::test]
async fn conditions_are_evaluated_and_invalid_ones_answer_400() {
    let (emulator, client) = start().await;
    let all = emulator
        .control()
        .records(Vendor::ConnectWise, "service/tickets");
    let expected = all
        .iter()
        .filter(|t| t["board"]["name"] == "Integration" && t["closedFlag"] == false)
        .count();
    let (status, page) = json(
        cw(&emulator, &client, Method::GET, "/service/tickets").query(&[
            (
                "conditions",
                r#"board/name="Integration" AND closedFlag=false"#,
            ),
            ("pageSize", "1000"),
        ]),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(page.as_array().unwrap().len(), expected);
    assert!(expected > 0);

    let (_, companies) = json(
        cw(&emulator, &client, Method::GET, "/company/companies")
            .query(&[("conditions", r#"name="Test Rewst""#)]),
    )
    .await;
    assert_eq!(companies.as_array().unwrap().len(), 1);
    let (_, like) = json(
        cw(&emulator, &client, Method::GET, "/company/companies").query(&[(
            "conditions",
            r#"name like "*dental*" OR identifier in ("CedarLawGroup")"#,
        )]),
    )
    .await;
    assert_eq!(like.as_array().unwrap().len(), 2);

    let contact = &emulator
        .control()
        .records(Vendor::ConnectWise, "company/contacts")[4];
    let email = contact["communicationItems"][0]["value"].as_str().unwrap();
    let prefix = &email[..email.find('@').unwrap()];
    let child = format!(
        r#"communicationItems/value like "{prefix}*" AND communicationItems/communicationType="Email""#
    );
    let (_, found) = json(
        cw(&emulator, &client, Method::GET, "/company/contacts")
            .query(&[("childConditions", child.as_str())]),
    )
    .await;
    assert_eq!(found.as_array().unwrap().len(), 1);
    assert_eq!(found[0]["id"], contact["id"]);

    let (_, dated) = json(
        cw(&emulator, &client, Method::GET, "/service/tickets/count")
            .query(&[("conditions", "_info/dateEntered >= [2024-01-27T00:00:00Z]")]),
    )
    .await;
    let expected = all
        .iter()
        .filter(|t| t["_info"]["dateEntered"].as_str().unwrap() >= "2024-01-27")
        .count();
    assert_eq!(dated["count"], expected);

    let (status, body) = json(
        cw(&emulator, &client, Method::GET, "/service/tickets")
            .query(&[("conditions", "summary = ")]),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(body["code"], "InvalidObject");
    assert!(body["errors"].is_array());
    let (status, _) = json(
        cw(&emulator, &client, Method::GET, "/service/tickets")
            .query(&[("conditions", "noSuchField = 1")]),
    )
    .await;
    assert_eq!(status, 400, "an unknown field is refused");
}

#[tokio::test]
async fn order_by_and_fields_shape_the_list() {
    let (emulator, client) = start().await;
    let (_, page) = json(
        cw(&emulator, &client, Method::GET, "/service/tickets").query(&[
            ("orderBy", "id desc"),
            ("fields", "id,summary,board/name"),
            ("pageSize", "5"),
        ]),
    )
    .await;
    let items = page.as_array().unwrap();
    assert_eq!(items.len(), 5);
    assert_eq!(items[0]["id"], 120);
    assert_eq!(items[1]["id"], 119);
    let keys: Vec<&String> = items[0].as_object().unwrap().keys().collect();
    assert_eq!(keys, ["id", "summary", "board"]);
    assert_eq!(
        items[0]["board"]
            .as_object()
            .unwrap()
            .keys()
            .collect::<Vec<_>>(),
        ["name"]
    );
}

#[tokio::test]
async fn numbered_pages_follow_link_headers_to_every_record() {
    let (emulator, client) = start().await;
    let mut url = format!("{}/v2022_1/apis/3.0/service/tickets", emulator.base_url());
    let creds = emulator.credentials().connectwise;
    let auth =
        psa_emulator::connectwise::basic(&creds.company, &creds.public_key, &creds.private_key);
    let mut seen = Vec::new();
    let mut pages = 0;
    loop {
        let response = client
            .get(&url)
            .header("authorization", &auth)
            .header("clientid", &creds.client_id)
            .send()
            .await
            .unwrap();
        let link = response
            .headers()
            .get("link")
            .map(|v| v.to_str().unwrap().to_owned());
        let items: Vec<Value> = response.json().await.unwrap();
        pages += 1;
        seen.extend(items.iter().map(|t| t["id"].as_i64().unwrap()));
        let Some(next) = link
            .as_deref()
            .and_then(|l| l.split(", ").find(|p| p.ends_with("rel=\"next\"")))
        else {
            break;
        };
        url = next
            .trim_start_matches('<')
            .split('>')
            .next()
            .unwrap()
            .to_owned();
    }
    assert_eq!(pages, 5, "120 tickets at the default 25 a page");
    assert_eq!(seen, (1..=120).collect::<Vec<_>>());
    let (_, big) = json(
        cw(&emulator, &client, Method::GET, "/service/tickets").query(&[("pageSize", "5000")]),
    )
    .await;
    assert_eq!(
        big.as_array().unwrap().len(),
        120,
        "pageSize is capped at 1000, not refused"
    );
}

#[tokio::test]
async fn forward_only_pages_continue_after_page_id() {
    let (emulator, client) = start().await;
    let mut page_id: Option<String> = None;
    let mut seen = Vec::new();
    loop {
        let mut request = cw(&emulator, &client, Method::GET, "/service/tickets")
            .header("pagination-type", "forward-only")
            .query(&[("pageSize", "50")]);
        if let Some(id) = &page_id {
            request = request.query(&[("pageId", id.as_str())]);
        }
        let response = request.send().await.unwrap();
        let link = response
            .headers()
            .get("link")
            .map(|v| v.to_str().unwrap().to_owned());
        let items: Vec<Value> = response.json().await.unwrap();
        seen.extend(items.iter().map(|t| t["id"].as_i64().unwrap()));
        let Some(link) = link else { break };
        assert!(link.ends_with("rel=\"next\""), "{link}");
        let id = link
            .split("pageId=")
            .nth(1)
            .unwrap()
            .split(['&', '>'])
            .next()
            .unwrap();
        page_id = Some(id.to_owned());
    }
    assert_eq!(seen, (1..=120).collect::<Vec<_>>());
}

#[tokio::test]
async fn a_second_identical_callback_answers_the_real_object_exists_error() {
    let (emulator, client) = start().await;
    let callback = json!({"url": "https://hooks.example/cw", "objectId": 1, "type": "ticket", "level": "owner", "description": "tickets"});
    let (status, _) =
        json(cw(&emulator, &client, Method::POST, "/system/callbacks").json(&callback)).await;
    assert_eq!(status, 201);
    let (status, body) =
        json(cw(&emulator, &client, Method::POST, "/system/callbacks").json(&callback)).await;
    assert_eq!(status, 400);
    let fixture: Value = serde_json::from_str(include_str!(
        "../../../shared/fixtures/connectwise/error_400_invalidobject_objectexists.json"
    ))
    .unwrap();
    assert_eq!(body, fixture);
}

#[tokio::test]
async fn member_impersonation_signs_records_with_the_member() {
    let (emulator, client) = start().await;
    let member = emulator.credentials().connectwise.impersonable_member;
    let (status, token) = json(
        cw(
            &emulator,
            &client,
            Method::POST,
            &format!("/system/members/{member}/tokens"),
        )
        .json(&json!({})),
    )
    .await;
    assert_eq!(status, 200, "{token}");
    let creds = emulator.credentials().connectwise;
    let auth = psa_emulator::connectwise::basic(
        &creds.company,
        token["publicKey"].as_str().unwrap(),
        token["privateKey"].as_str().unwrap(),
    );
    let (status, note) = json(
        client
            .post(format!(
                "{}/v2022_1/apis/3.0/service/tickets/1/notes",
                emulator.base_url()
            ))
            .header("authorization", &auth)
            .header("clientid", &creds.client_id)
            .json(&json!({"text": "As Jane"})),
    )
    .await;
    assert_eq!(status, 201);
    assert_eq!(note["_info"]["enteredBy"], member.as_str());
    emulator.control().expire_tokens();
    let (status, _) = json(
        client
            .get(format!(
                "{}/v2022_1/apis/3.0/service/tickets/1",
                emulator.base_url()
            ))
            .header("authorization", &auth)
            .header("clientid", &creds.client_id),
    )
    .await;
    assert_eq!(status, 401, "an expired member key pair");
}

#[tokio::test]
async fn tasks_agreements_schedule_entries_and_custom_field_conditions() {
    let (emulator, client) = start().await;
    let (status, task) = json(
        cw(&emulator, &client, Method::POST, "/service/tickets/5/tasks")
            .json(&json!({"notes": "Check cabling", "priority": 1})),
    )
    .await;
    assert_eq!(status, 201, "{task}");
    let (_, tasks) = json(cw(
        &emulator,
        &client,
        Method::GET,
        "/service/tickets/5/tasks",
    ))
    .await;
    assert_eq!(tasks.as_array().unwrap().len(), 1);
    let (status, _) = json(cw(
        &emulator,
        &client,
        Method::GET,
        "/service/tickets/99999/tasks",
    ))
    .await;
    assert_eq!(status, 404, "a child list of a missing ticket");
    let (_, agreements) = json(
        cw(&emulator, &client, Method::GET, "/finance/agreements")
            .query(&[("conditions", "cancelledFlag = false")]),
    )
    .await;
    assert_eq!(agreements.as_array().unwrap().len(), 3);
    let (status, entry) = json(cw(&emulator, &client, Method::POST, "/schedule/entries").json(&json!({
        "objectId": 5, "member": {"identifier": "jdoe"}, "type": {"id": 4}, "dateStart": "2024-05-01T14:00:00Z", "dateEnd": "2024-05-01T15:00:00Z"
    }))).await;
    assert_eq!(status, 201, "{entry}");
    assert_eq!(entry["member"]["name"], "Jane Doe");
    let (_, count) = json(cw(
        &emulator,
        &client,
        Method::GET,
        "/schedule/entries/count",
    ))
    .await;
    assert_eq!(count["count"], 1);
    let (_, hardware) = json(
        cw(&emulator, &client, Method::GET, "/service/tickets/count").query(&[(
            "customFieldConditions",
            r#"caption = "Category" AND value = "Hardware""#,
        )]),
    )
    .await;
    assert_eq!(hardware["count"], 60);
}
