//! Kaseya BMS over plain HTTP: form login with TOTP, the no-MFA API user, refresh, expiry, the envelope,
//! paging with the server-side cap, tickets with notes and time logs, search and filters.

mod common;

use std::time::Duration;

use common::{bms, bms_login, json, start, totp_now};
use psa_emulator::{Emulator, Options, Vendor};
use reqwest::{Client, Method};
use serde_json::{json, Value};

fn form(pairs: &[(&str, &str)]) -> String {
    let mut serializer = form_urlencoded::Serializer::new(String::new());
    for (key, value) in pairs {
        serializer.append_pair(key, value);
    }
    serializer.finish()
}

async fn login(emulator: &Emulator, client: &Client, pairs: &[(&str, &str)]) -> (u16, Value) {
    json(
        client
            .post(format!("{}/v2/security/authenticate", emulator.base_url()))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(form(pairs)),
    )
    .await
}

#[tokio::test]
async fn login_checks_the_totp_and_the_api_user_needs_none() {
    let (emulator, client) = start().await;
    let creds = emulator.credentials().bms;
    let base = [
        ("GrantType", "password"),
        ("UserName", creds.username.as_str()),
        ("Password", creds.password.as_str()),
        ("Tenant", creds.tenant.as_str()),
    ];
    let (status, body) = login(&emulator, &client, &base).await;
    assert_eq!(status, 401, "MFA user without a code");
    assert_eq!(body["success"], false);
    let mut wrong = base.to_vec();
    let code = totp_now(&creds.totp_secret);
    let bad = if code == "000000" { "111111" } else { "000000" };
    wrong.push(("MFACode", bad));
    assert_eq!(login(&emulator, &client, &wrong).await.0, 401);
    let ok = bms_login(&emulator, &client).await;
    assert_eq!(ok["success"], true);
    assert!(ok["result"]["accessToken"].is_string());
    assert!(ok["result"]["accessTokenExpireOn"].is_string());
    let (status, api) = login(
        &emulator,
        &client,
        &[
            ("GrantType", "password"),
            ("UserName", &creds.api_username),
            ("Password", &creds.api_password),
            ("Tenant", &creds.tenant),
        ],
    )
    .await;
    assert_eq!(status, 200, "{api}");
    let (status, _) = login(
        &emulator,
        &client,
        &[
            ("GrantType", "password"),
            ("UserName", &creds.api_username),
            ("Password", "nope"),
            ("Tenant", &creds.tenant),
        ],
    )
    .await;
    assert_eq!(status, 401);
    let journal = emulator.control().journal();
    assert!(journal
        .iter()
        .all(|e| !e.body.contains(&creds.password) && !e.body.contains(&creds.api_password)));
}

#[tokio::test]
async fn short_lived_tokens_expire_and_refresh() {
    let options = Options {
        bms_token_lifetime: Duration::from_secs(60),
        ..Options::default()
    };
    let emulator = Emulator::start_with(options).await.unwrap();
    let client = Client::new();
    let login = bms_login(&emulator, &client).await;
    let access = login["result"]["accessToken"].as_str().unwrap().to_owned();
    let refresh = login["result"]["refreshToken"].as_str().unwrap().to_owned();
    let url = format!("{}/v2/system/statuses/lookup", emulator.base_url());
    let (status, _) = json(client.get(&url).bearer_auth(&access)).await;
    assert_eq!(status, 200);
    emulator.control().advance_clock(Duration::from_secs(61));
    let (status, body) = json(client.get(&url).bearer_auth(&access)).await;
    assert_eq!(status, 401);
    assert_eq!(body["success"], false);
    let (status, renewed) = json(
        client
            .post(format!("{}/v2/security/refreshtoken", emulator.base_url()))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(form(&[
                ("AccessToken", &access),
                ("RefreshToken", &refresh),
            ])),
    )
    .await;
    assert_eq!(status, 200, "{renewed}");
    let fresh = renewed["result"]["accessToken"].as_str().unwrap();
    assert_eq!(json(client.get(&url).bearer_auth(fresh)).await.0, 200);
    emulator.control().expire_tokens();
    assert_eq!(json(client.get(&url).bearer_auth(fresh)).await.0, 401);
}

#[tokio::test]
async fn pages_are_capped_server_side_and_carry_total_records() {
    let (emulator, client) = start().await;
    let (status, page) = json(
        bms(&emulator, &client, Method::GET, "/v2/servicedesk/tickets")
            .await
            .query(&[("PageSize", "500")]),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(page["success"], true);
    assert_eq!(page["totalRecords"], 120);
    assert_eq!(
        page["result"].as_array().unwrap().len(),
        100,
        "asked 500, served the cap"
    );
    let mut ids = Vec::new();
    for number in 1..=3 {
        let (_, page) = json(
            bms(&emulator, &client, Method::GET, "/v2/servicedesk/tickets")
                .await
                .query(&[("PageNumber", number.to_string())]),
        )
        .await;
        ids.extend(
            page["result"]
                .as_array()
                .unwrap()
                .iter()
                .map(|t| t["id"].as_i64().unwrap()),
        );
    }
    assert_eq!(
        ids,
        (1..=120).collect::<Vec<_>>(),
        "three pages at the default 50"
    );
}

#[tokio::test]
async fn tickets_notes_and_time_logs() {
    let (emulator, client) = start().await;
    let (status, invalid) = json(
        bms(&emulator, &client, Method::POST, "/v2/servicedesk/tickets")
            .await
            .json(&json!({"title": "x"})),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(invalid["success"], false);
    assert!(invalid["error"]["subErrors"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e.as_str().unwrap().contains("accountId")));
    let (status, created) = json(bms(&emulator, &client, Method::POST, "/v2/servicedesk/tickets").await.json(&json!({
        "title": "Chat: printer offline", "details": "From the chat", "accountId": 1, "locationId": 11, "openDate": "2024-05-01T10:00:00Z",
        "priorityId": 2, "sourceId": 4, "statusId": 1, "typeId": 1
    }))).await;
    assert_eq!(status, 200, "{created}");
    let ticket = &created["result"];
    let id = ticket["id"].as_i64().unwrap();
    assert_eq!(ticket["statusName"], "New");
    assert_eq!(ticket["accountName"], "Test Rewst");
    let (status, note) = json(bms(&emulator, &client, Method::POST, &format!("/v2/servicedesk/tickets/{id}/notes")).await.json(&json!({
        "details": "Internal note", "isInternal": true, "noteDate": "2024-05-01T10:05:00Z", "typeId": 1
    }))).await;
    assert_eq!(status, 200, "{note}");
    let (status, log) = json(bms(&emulator, &client, Method::POST, &format!("/v2/servicedesk/tickets/{id}/timelogs")).await.json(&json!({
        "startDate": "2024-05-01", "startTime": "10:05", "endTime": "10:35", "timespent": 30, "workTypeId": 1, "roleId": 1, "userId": 1, "statusId": 2
    }))).await;
    assert_eq!(status, 200, "{log}");
    assert_eq!(log["result"]["workTypeName"], "Remote Support");
    let (_, notes) = json(
        bms(
            &emulator,
            &client,
            Method::GET,
            &format!("/v2/servicedesk/tickets/{id}/notes"),
        )
        .await,
    )
    .await;
    assert_eq!(notes["totalRecords"], 1);
    let (status, updated) = json(
        bms(
            &emulator,
            &client,
            Method::PUT,
            &format!("/v2/servicedesk/tickets/{id}"),
        )
        .await
        .json(&json!({"statusId": 4})),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(updated["result"]["statusName"], "Completed");
    assert!(updated["result"]["completedDate"].is_string());
    let (status, missing) = json(
        bms(
            &emulator,
            &client,
            Method::GET,
            "/v2/servicedesk/tickets/999999",
        )
        .await,
    )
    .await;
    assert_eq!(status, 200, "a business error is success:false at HTTP 200");
    assert_eq!(missing["success"], false);
    assert_eq!(
        emulator.control().records(Vendor::Bms, "tickets").len(),
        121
    );
}

#[tokio::test]
async fn search_and_filters() {
    let (emulator, client) = start().await;
    let tickets = emulator.control().records(Vendor::Bms, "tickets");
    let open_new = tickets.iter().filter(|t| t["statusName"] == "New").count();
    let (_, found) = json(
        bms(
            &emulator,
            &client,
            Method::POST,
            "/v2/servicedesk/tickets/search",
        )
        .await
        .json(&json!({
            "pageSize": 100, "pageNumber": 1, "filter": {"statusNames": ["New"]}
        })),
    )
    .await;
    assert_eq!(found["totalRecords"], open_new);
    let not_completed = tickets
        .iter()
        .filter(|t| t["completedDate"].is_null())
        .count();
    let (_, open) = json(
        bms(&emulator, &client, Method::GET, "/v2/servicedesk/tickets")
            .await
            .query(&[("Filter.ExcludeCompleted", "true")]),
    )
    .await;
    assert_eq!(open["totalRecords"], not_completed);
    let contact = &emulator.control().records(Vendor::Bms, "contacts")[5];
    let email = contact["emails"][0]["email"].as_str().unwrap();
    let (_, by_email) = json(
        bms(&emulator, &client, Method::GET, "/v2/crm/contacts/summary")
            .await
            .query(&[("Filter.Email", email)]),
    )
    .await;
    assert_eq!(by_email["totalRecords"], 1);
    assert_eq!(by_email["result"][0]["id"], contact["id"]);
    let (_, table) = json(
        bms(
            &emulator,
            &client,
            Method::GET,
            "/v2/system/lookup/ContactType",
        )
        .await,
    )
    .await;
    assert_eq!(table["result"][0]["name"], "Primary");
    let (_, assignees) =
        json(bms(&emulator, &client, Method::GET, "/v2/hr/assignees/lookup").await).await;
    assert_eq!(assignees["result"].as_array().unwrap().len(), 3);
}

#[tokio::test]
async fn a_resync_later_sees_only_what_changed() {
    let (emulator, client) = start().await;
    let since = "2030-01-01T00:00:00Z";
    let (_, none) = json(
        bms(&emulator, &client, Method::GET, "/v2/crm/accounts/summary")
            .await
            .query(&[("Filter.ModifiedOnFrom", since)]),
    )
    .await;
    assert_eq!(none["totalRecords"], 0);
    let now = chrono::Utc::now().to_rfc3339();
    emulator
        .control()
        .advance_clock(Duration::from_secs(3 * 3600));
    let (status, _) = json(
        bms(&emulator, &client, Method::PATCH, "/v2/crm/accounts/2")
            .await
            .json(
                &json!([{"op": "replace", "path": "/accountName", "value": "Acme Dental Group"}]),
            ),
    )
    .await;
    assert_eq!(status, 200);
    let (_, changed) = json(
        bms(&emulator, &client, Method::GET, "/v2/crm/accounts/summary")
            .await
            .query(&[("Filter.ModifiedOnFrom", now.as_str())]),
    )
    .await;
    assert_eq!(changed["totalRecords"], 1);
    assert_eq!(changed["result"][0]["accountName"], "Acme Dental Group");
}

#[tokio::test]
async fn a_contact_created_with_an_email_address_is_found_by_email() {
    let (emulator, client) = start().await;
    let (status, created) = json(
        bms(&emulator, &client, Method::POST, "/v2/crm/contacts/summary")
            .await
            .json(&json!({
                "accountId": 2, "locationId": 21, "firstName": "Chat", "lastName": "User",
                "emails": [{"emailAddress": "chat.user@acmedental.example", "isDefault": true}]
            })),
    )
    .await;
    assert_eq!(status, 200, "{created}");
    let id = created["result"]["id"].clone();
    for (path, filter) in [
        ("/v2/crm/contacts/summary", "Filter.Email"),
        ("/v2/crm/contacts/search", "Filter.EmailAddress"),
    ] {
        let (status, found) = json(
            bms(&emulator, &client, Method::GET, path)
                .await
                .query(&[(filter, "chat.user@acmedental.example")]),
        )
        .await;
        assert_eq!(status, 200, "{found}");
        assert_eq!(found["totalRecords"], 1, "{path} {filter}: {found}");
        assert_eq!(found["result"][0]["id"], id);
    }
}
