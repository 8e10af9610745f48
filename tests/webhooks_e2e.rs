//! End to end through the emulator: register a ConnectWise callback and an Autotask company webhook through
//! the generated clients, change records through the clients, and receive the emulator's signed deliveries
//! in a psa-clients receiver as verified, typed events (the emulator signs with its own code).
#![cfg(all(
    feature = "webhooks-axum",
    feature = "connectwise-service",
    feature = "connectwise-system",
    feature = "autotask"
))]

mod common;

use common::emulated::{autotask as autotask_client, connectwise as connectwise_client};
use std::time::Duration;

use psa_clients::autotask::types::{CompanyModel, CompanyWebhookFieldModel, CompanyWebhookModel};
use psa_clients::connectwise::types::{CallbackEntry, Ticket};
use psa_clients::secret::Secret;
use psa_clients::webhooks::autotask::{self, TypedFields, WebhookPayload};
use psa_clients::webhooks::connectwise::{self, CallbackEntity, CallbackPayload, KeyUrlPolicy};
use psa_clients::webhooks::receiver::{Delivery, Receiver};
use psa_emulator::Emulator;
use serde_json::json;
use tokio::sync::mpsc;

async fn serve(router: axum::Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    url
}

async fn next<P>(rx: &mut mpsc::UnboundedReceiver<Delivery<P>>) -> Delivery<P> {
    tokio::time::timeout(Duration::from_secs(10), rx.recv())
        .await
        .expect("a delivery in time")
        .expect("a delivery")
}

#[tokio::test]
async fn a_ticket_created_through_the_client_arrives_as_a_verified_typed_callback() {
    let emulator = Emulator::start().await.expect("emulator");
    let cw = connectwise_client(&emulator);

    // The emulator names an http://127.0.0.1 key URL: allowed only because this test opts in.
    let verifier = connectwise::Verifier::new(KeyUrlPolicy::cloud().allow_insecure_loopback())
        .expect("verifier");
    let (tx, mut rx) = mpsc::unbounded_channel();
    let receiver = Receiver::connectwise(verifier, move |delivery: Delivery<CallbackPayload>| {
        let tx = tx.clone();
        async move {
            let _ = tx.send(delivery);
            Ok(())
        }
    });
    let stats = receiver.stats();
    let hooks = serve(axum::Router::new().route("/hooks/cw", receiver.into_method_router())).await;

    let entry: CallbackEntry = serde_json::from_value(json!({
        "url": format!("{hooks}/hooks/cw"), "objectId": 1, "type": "ticket", "level": "owner",
        "description": "psa-clients e2e", "payloadVersion": "3.0.0", "inactiveFlag": false
    }))
    .expect("entry");
    let registered = cw
        .system()
        .post_system_callbacks()
        .body(entry)
        .send()
        .await
        .expect("registered")
        .into_inner();

    let ticket: Ticket = serde_json::from_value(json!({
        "summary": "Scanner im 2. OG – «offline»", "company": {"id": 2}, "board": {"name": "Help Desk"}
    }))
    .expect("ticket");
    let created = cw
        .service()
        .post_service_tickets()
        .body(ticket)
        .send()
        .await
        .expect("created")
        .into_inner();

    let delivery = next(&mut rx).await;
    let payload = &delivery.payload;
    assert_eq!(payload.action, connectwise::Action::Added);
    assert_eq!(payload.callback_type, connectwise::CallbackType::Ticket);
    assert_eq!(payload.id, created.id.map(i64::from));
    assert_eq!(payload.callback_object_rec_id, registered.id.map(i64::from));
    match payload.typed_entity().expect("entity").expect("present") {
        CallbackEntity::Ticket(ticket) => {
            assert_eq!(
                ticket.summary.as_deref(),
                Some("Scanner im 2. OG – «offline»")
            );
            assert_eq!(
                ticket.board.as_ref().and_then(|b| b.name.as_deref()),
                Some("Help Desk")
            );
        }
        other => panic!("expected a ticket, got {other:?}"),
    }

    // The vendor retries a delivery byte for byte: reported as a duplicate, not handled twice.
    assert!(emulator.control().redeliver(0));
    for _ in 0..100 {
        if stats.duplicates() == 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(
        (stats.accepted(), stats.duplicates(), stats.rejected()),
        (1, 1, 0)
    );
    assert!(rx.try_recv().is_err());
    let sent = emulator.control().webhook_deliveries();
    assert_eq!(
        sent.iter().map(|d| d.status).collect::<Vec<_>>(),
        [Some(200), Some(200)]
    );
}

#[tokio::test]
async fn a_company_created_through_the_client_arrives_as_a_verified_typed_webhook() {
    let emulator = Emulator::start().await.expect("emulator");
    let at = autotask_client(&emulator);
    let secret = "e2e-Secret-with-ümlaut-0123";

    let (tx, mut rx) = mpsc::unbounded_channel();
    let receiver = Receiver::autotask(
        autotask::Verifier::new(Secret::new(secret)),
        move |delivery: Delivery<WebhookPayload>| {
            let tx = tx.clone();
            async move {
                let _ = tx.send(delivery);
                Ok(())
            }
        },
    );
    let stats = receiver.stats();
    let hooks = serve(axum::Router::new().route("/hooks/at", receiver.into_method_router())).await;

    let webhook: CompanyWebhookModel = serde_json::from_value(json!({
        "name": "psa-clients e2e", "webhookUrl": format!("{hooks}/hooks/at"), "deactivationUrl": format!("{hooks}/hooks/at"),
        "secretKey": secret, "isActive": true, "isSubscribedToCreateEvents": true,
        "isSubscribedToUpdateEvents": true, "isSubscribedToDeleteEvents": true, "sendThresholdExceededNotification": false
    }))
    .expect("webhook");
    let webhook_id = at
        .company_webhooks_create_entity()
        .body(webhook)
        .send()
        .await
        .expect("webhook")
        .into_inner()
        .item_id
        .expect("id");
    let field: CompanyWebhookFieldModel = serde_json::from_value(
        json!({"fieldID": 1, "isSubscribedField": true, "isDisplayAlwaysField": false}),
    )
    .expect("field");
    at.company_webhook_fields_child_create_entity()
        .parent_id(webhook_id)
        .body(field)
        .send()
        .await
        .expect("field");
    let ready = at
        .company_webhooks_query_item()
        .id(webhook_id)
        .send()
        .await
        .expect("webhook")
        .into_inner()
        .item
        .expect("item");
    assert_eq!((ready.is_active, ready.is_ready), (Some(true), Some(true)));

    let company: CompanyModel = serde_json::from_value(json!({
        "companyName": "Müller & Söhne GmbH", "companyType": 1, "ownerResourceID": 4, "phone": "+49 30 1234"
    }))
    .expect("company");
    let company_id = at
        .companies_create_entity()
        .body(company)
        .send()
        .await
        .expect("company")
        .into_inner()
        .item_id;

    let delivery = next(&mut rx).await;
    assert_eq!(delivery.payload.action, autotask::Action::Create);
    assert_eq!(delivery.payload.id, company_id);
    assert_eq!(delivery.payload.guid, ready.webhook_guid);
    assert_eq!(delivery.payload.sequence_number, Some(1));
    match delivery
        .payload
        .typed_fields()
        .expect("fields")
        .expect("company")
    {
        TypedFields::Company(company) => {
            assert_eq!(company.company_name.as_deref(), Some("Müller & Söhne GmbH"))
        }
        other => panic!("expected a company, got {other:?}"),
    }
    assert!(emulator.control().redeliver(0));
    for _ in 0..100 {
        if stats.duplicates() == 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(
        (stats.accepted(), stats.duplicates(), stats.rejected()),
        (1, 1, 0)
    );

    // Deactivating the webhook through the client: the signed `Deactivated` notice is verified like the rest.
    let off: CompanyWebhookModel =
        serde_json::from_value(json!({"id": webhook_id, "isActive": false})).expect("patch");
    at.company_webhooks_patch_entity()
        .body(off)
        .send()
        .await
        .expect("deactivated");
    let notice = next(&mut rx).await;
    assert_eq!(notice.payload.action, autotask::Action::Deactivated);
    assert_eq!(notice.payload.guid, ready.webhook_guid);
    assert_eq!(stats.rejected(), 0);
}
