//! Outgoing webhooks over plain HTTP (no psa-clients code): a ConnectWise callback and an Autotask webhook
//! registered through the API fire when records change, with the documented payload shapes and signatures.

mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::http::HeaderMap;
use base64::Engine as _;
use common::{at, cw, start};
use hmac::{Hmac, KeyInit, Mac};
use reqwest::Method;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

type Seen = Arc<Mutex<Vec<(HeaderMap, Bytes)>>>;

/// A receiver on 127.0.0.1 that keeps every request; returns its base URL.
async fn receiver() -> (String, Seen) {
    let seen: Seen = Arc::default();
    let keep = Arc::clone(&seen);
    let app = axum::Router::new().fallback(move |headers: HeaderMap, body: Bytes| {
        let keep = Arc::clone(&keep);
        async move {
            keep.lock().unwrap().push((headers, body));
            "ok"
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, seen)
}

async fn wait_for(seen: &Seen, n: usize) -> Vec<(HeaderMap, Bytes)> {
    for _ in 0..200 {
        if seen.lock().unwrap().len() >= n {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    seen.lock().unwrap().clone()
}

#[tokio::test]
async fn a_ticket_callback_is_signed_with_the_key_served_at_key_url() {
    let (emulator, client) = start().await;
    let (url, seen) = receiver().await;
    let created = cw(&emulator, &client, Method::POST, "/system/callbacks")
        .json(
            &json!({"url": format!("{url}/cw"), "objectId": 1, "type": "ticket", "level": "owner",
                      "description": "all tickets", "payloadVersion": "3.0.0"}),
        )
        .send()
        .await
        .unwrap();
    assert!(created.status().is_success());
    let callback: Value = created.json().await.unwrap();
    // A company callback must not fire for a ticket.
    cw(&emulator, &client, Method::POST, "/system/callbacks")
        .json(&json!({"url": format!("{url}/company"), "objectId": 1, "type": "company", "level": "owner"}))
        .send()
        .await
        .unwrap();

    let ticket: Value = cw(&emulator, &client, Method::POST, "/service/tickets")
        .json(&json!({"summary": "Drucker – «kaputt»", "company": {"id": 2}, "board": {"name": "Help Desk"}}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let deliveries = wait_for(&seen, 1).await;
    assert_eq!(deliveries.len(), 1, "one callback for the ticket");
    let (headers, body) = &deliveries[0];
    let payload: Value = serde_json::from_slice(body).unwrap();
    assert_eq!(payload["Action"], "added");
    assert_eq!(payload["Type"], "ticket");
    assert_eq!(payload["ID"], ticket["id"]);
    assert_eq!(payload["CallbackObjectRecId"], callback["id"]);
    assert!(payload["MessageId"]
        .as_str()
        .is_some_and(|id| id.len() == 36));
    let entity: Value =
        serde_json::from_str(payload["Entity"].as_str().expect("Entity is a JSON string")).unwrap();
    assert_eq!(entity["summary"], "Drucker – «kaputt»");

    // The key at key_url signs the body.
    let key_url = payload["Metadata"]["key_url"].as_str().unwrap();
    let key: Value = client
        .get(key_url)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let signing_key = key["signing_key"].as_str().unwrap();
    let mut mac =
        <Hmac<Sha256> as KeyInit>::new_from_slice(&Sha256::digest(signing_key.as_bytes())).unwrap();
    mac.update(body);
    let expected = base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes());
    assert_eq!(headers["x-content-signature"].to_str().unwrap(), expected);

    // An update and a delete fire too; the delete has no entity.
    let id = ticket["id"].as_i64().unwrap();
    cw(
        &emulator,
        &client,
        Method::PATCH,
        &format!("/service/tickets/{id}"),
    )
    .json(&json!([{"op": "replace", "path": "summary", "value": "fixed"}]))
    .send()
    .await
    .unwrap();
    cw(
        &emulator,
        &client,
        Method::DELETE,
        &format!("/service/tickets/{id}"),
    )
    .send()
    .await
    .unwrap();
    let deliveries = wait_for(&seen, 3).await;
    let actions: Vec<Value> = deliveries
        .iter()
        .map(|(_, b)| serde_json::from_slice::<Value>(b).unwrap())
        .map(|p| json!([p["Action"], p["Entity"].is_null()]))
        .collect();
    assert_eq!(
        actions,
        [
            json!(["added", false]),
            json!(["updated", false]),
            json!(["deleted", true])
        ]
    );

    // A redelivery is the same bytes.
    assert!(emulator.control().redeliver(0));
    let deliveries = wait_for(&seen, 4).await;
    assert_eq!(deliveries[3].1, deliveries[0].1);
    assert_eq!(emulator.control().webhook_deliveries()[0].status, Some(200));
}

#[tokio::test]
async fn a_board_level_callback_fires_only_for_its_board() {
    let (emulator, client) = start().await;
    let (url, seen) = receiver().await;
    let boards: Value = cw(&emulator, &client, Method::GET, "/service/boards")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let board = boards[0]["id"].as_i64().unwrap();
    let other = boards[1]["name"].as_str().unwrap().to_owned();
    cw(&emulator, &client, Method::POST, "/system/callbacks")
        .json(&json!({"url": url, "objectId": board, "type": "ticket", "level": "board"}))
        .send()
        .await
        .unwrap();
    for name in [boards[0]["name"].as_str().unwrap(), &other] {
        cw(&emulator, &client, Method::POST, "/service/tickets")
            .json(&json!({"summary": "x", "company": {"id": 2}, "board": {"name": name}}))
            .send()
            .await
            .unwrap();
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(wait_for(&seen, 1).await.len(), 1);
}

#[tokio::test]
async fn an_autotask_company_webhook_is_ready_after_a_field_and_signed_with_its_secret() {
    let (emulator, client) = start().await;
    let (url, seen) = receiver().await;
    let secret = "emu-Secret-ünïcode-0123";
    let created: Value = at(&emulator, &client, Method::POST, "/CompanyWebhooks")
        .json(&json!({"name": "all companies", "webhookUrl": format!("{url}/at"), "deactivationUrl": format!("{url}/off"),
                      "secretKey": secret, "isActive": true, "isSubscribedToCreateEvents": true,
                      "isSubscribedToUpdateEvents": true, "isSubscribedToDeleteEvents": false}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let webhook_id = created["itemId"].as_i64().unwrap();
    let item: Value = at(
        &emulator,
        &client,
        Method::GET,
        &format!("/CompanyWebhooks/{webhook_id}"),
    )
    .send()
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    assert_eq!(item["item"]["isReady"], false);
    let guid = item["item"]["webhookGUID"].as_str().unwrap().to_owned();

    // Not ready: no callout.
    at(&emulator, &client, Method::POST, "/Companies")
        .json(&json!({"companyName": "Before Ready", "companyType": 1, "ownerResourceID": 4, "phone": "1"}))
        .send().await.unwrap();
    at(
        &emulator,
        &client,
        Method::POST,
        &format!("/CompanyWebhooks/{webhook_id}/Fields"),
    )
    .json(&json!({"fieldID": 7, "isSubscribedField": true, "isDisplayAlwaysField": false}))
    .send()
    .await
    .unwrap();
    let item: Value = at(
        &emulator,
        &client,
        Method::GET,
        &format!("/CompanyWebhooks/{webhook_id}"),
    )
    .send()
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    assert_eq!(item["item"]["isReady"], true);

    let company: Value = at(&emulator, &client, Method::POST, "/Companies")
        .json(&json!({"companyName": "Zürich AG", "companyType": 1, "ownerResourceID": 4, "phone": "1"}))
        .send().await.unwrap().json().await.unwrap();
    let company_id = company["itemId"].as_i64().unwrap();
    at(&emulator, &client, Method::PATCH, "/Companies")
        .json(&json!({"id": company_id, "phone": "2"}))
        .send()
        .await
        .unwrap();
    let deliveries = wait_for(&seen, 2).await;
    assert_eq!(deliveries.len(), 2);
    for (n, (headers, body)) in deliveries.iter().enumerate() {
        let payload: Value = serde_json::from_slice(body).unwrap();
        assert_eq!(payload["Guid"], guid);
        assert_eq!(payload["EntityType"], "Company");
        assert_eq!(payload["Id"], company_id);
        assert_eq!(payload["SequenceNumber"], n as i64 + 1);
        let mut mac = <Hmac<sha1::Sha1> as KeyInit>::new_from_slice(secret.as_bytes()).unwrap();
        mac.update(body);
        let expected = format!(
            "sha1={}",
            base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
        );
        assert_eq!(headers["x-hook-signature"].to_str().unwrap(), expected);
    }
    let first: Value = serde_json::from_slice(&deliveries[0].1).unwrap();
    assert_eq!(first["Action"], "Create");
    assert_eq!(first["Fields"]["companyName"], "Zürich AG");
    let second: Value = serde_json::from_slice(&deliveries[1].1).unwrap();
    assert_eq!(second["Action"], "Update");
    assert_eq!(second["Fields"], json!({"id": company_id, "phone": "2"}));
}

#[tokio::test]
async fn deactivating_or_deleting_an_autotask_webhook_sends_a_signed_notice() {
    let (emulator, client) = start().await;
    let (url, seen) = receiver().await;
    let secret = "deactivation-secret-0123";
    let created: Value = at(&emulator, &client, Method::POST, "/CompanyWebhooks")
        .json(&json!({"name": "n", "webhookUrl": format!("{url}/at"), "deactivationUrl": format!("{url}/off"),
                      "secretKey": secret, "isActive": true, "isSubscribedToCreateEvents": true}))
        .send().await.unwrap().json().await.unwrap();
    let id = created["itemId"].as_i64().unwrap();
    at(&emulator, &client, Method::PATCH, "/CompanyWebhooks")
        .json(&json!({"id": id, "isActive": false}))
        .send()
        .await
        .unwrap();
    let deliveries = wait_for(&seen, 1).await;
    assert_eq!(deliveries.len(), 1);
    let (headers, body) = &deliveries[0];
    let payload: Value = serde_json::from_slice(body).unwrap();
    assert_eq!(payload["Action"], "Deactivated");
    assert_eq!(payload["EntityType"], "Company");
    assert_eq!(payload["Id"], id);
    let mut mac = <Hmac<sha1::Sha1> as KeyInit>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(body);
    let expected = format!(
        "sha1={}",
        base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
    );
    assert_eq!(headers["x-hook-signature"].to_str().unwrap(), expected);
    assert!(emulator.control().webhook_deliveries()[0]
        .url
        .ends_with("/off"));
    // Deleting an inactive webhook sends nothing more; deleting an active one does.
    at(
        &emulator,
        &client,
        Method::DELETE,
        &format!("/CompanyWebhooks/{id}"),
    )
    .send()
    .await
    .unwrap();
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(seen.lock().unwrap().len(), 1);
}
