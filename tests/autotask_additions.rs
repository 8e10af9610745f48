//! The entities the `additions` correction adds to the pinned Autotask document (`TicketWebhooks` and its
//! children, `TicketNoteWebhooks`, `ConfigurationItemWebhooks`, `Documents` with its attachments), used through
//! the generated client against the psa-emulator, whose routes come from the same corrected document. Each step
//! asserts on the emulator's records and journal: the request went to the path Autotask documents, with the
//! wire casing, and the record was stored.
#![cfg(feature = "autotask")]

mod common;

use common::emulated;
use psa_clients::autotask::types;
use psa_emulator::{Emulator, Vendor};
use serde::de::DeserializeOwned;
use serde_json::{json, Value};

/// A request body of the generated types, written as the JSON the vendor documents.
fn body<T: DeserializeOwned>(value: Value) -> T {
    serde_json::from_value(value).expect("a valid request body")
}

fn record(emulator: &Emulator, entity: &str, id: i64) -> Value {
    emulator
        .control()
        .records(Vendor::Autotask, entity)
        .into_iter()
        .find(|r| r["id"] == id)
        .unwrap_or_else(|| panic!("{entity} {id} is stored"))
}

/// The methods and paths (after `/V1.0`) of the client's `TicketWebhooks` calls, in order.
fn sent(emulator: &Emulator) -> Vec<(String, String)> {
    emulator
        .control()
        .journal()
        .into_iter()
        .filter_map(|e| {
            let (_, rest) = e.path.split_once("/V1.0")?;
            rest.starts_with("/TicketWebhooks")
                .then(|| (e.method.clone(), rest.to_owned()))
        })
        .collect()
}

#[tokio::test]
async fn a_ticket_webhook_is_registered_with_its_fields_through_the_generated_client() {
    let emulator = emulated::emulator().await;
    let at = emulated::autotask(&emulator);

    let webhook = at
        .ticket_webhooks_create_entity()
        .body(body::<types::TicketWebhookModel>(json!({
            "name": "Ticket changes", "webhookUrl": "https://hooks.example.com/at/tickets",
            "deactivationUrl": "https://hooks.example.com/at/deactivated", "secretKey": "s3cret",
            "isActive": true, "isSubscribedToCreateEvents": true, "isSubscribedToUpdateEvents": true,
            "isSubscribedToDeleteEvents": false, "sendThresholdExceededNotification": false
        })))
        .send()
        .await
        .expect("the webhook is created")
        .into_inner()
        .item_id
        .expect("an item id");
    let stored = record(&emulator, "TicketWebhooks", webhook);
    assert_eq!(stored["webhookUrl"], "https://hooks.example.com/at/tickets");
    assert_eq!(
        stored["secretKey"], "s3cret",
        "the secret goes onto the wire"
    );

    let field = at
        .ticket_webhook_fields_child_create_entity()
        .parent_id(webhook)
        .body(body::<types::TicketWebhookFieldModel>(json!({
            "fieldID": 14, "webhookID": webhook, "isSubscribedField": true, "isDisplayAlwaysField": false
        })))
        .send()
        .await
        .expect("the field is created")
        .into_inner()
        .item_id
        .expect("an item id");
    assert_eq!(
        record(&emulator, "TicketWebhookFields", field)["fieldID"],
        14
    );

    let excluded = at
        .ticket_webhook_excluded_resources_child_create_entity()
        .parent_id(webhook)
        .body(body::<types::TicketWebhookExcludedResourceModel>(
            json!({"resourceID": 29682885, "webhookID": webhook}),
        ))
        .send()
        .await
        .expect("the exclusion is created")
        .into_inner()
        .item_id
        .expect("an item id");
    assert_eq!(
        record(&emulator, "TicketWebhookExcludedResources", excluded)["resourceID"],
        29682885
    );

    let fetched = at
        .ticket_webhooks_query_item()
        .id(webhook)
        .send()
        .await
        .expect("the webhook is read back")
        .into_inner()
        .item
        .expect("an item");
    assert_eq!(fetched.id, Some(webhook));
    assert_eq!(fetched.name.as_deref(), Some("Ticket changes"));
    assert!(
        !format!("{fetched:?}").contains("s3cret"),
        "the secret key is redacted in Debug"
    );

    at.ticket_webhooks_patch_entity()
        .body(body::<types::TicketWebhookModel>(
            json!({"id": webhook, "isActive": false}),
        ))
        .send()
        .await
        .expect("the webhook is patched");
    assert_eq!(
        record(&emulator, "TicketWebhooks", webhook)["isActive"],
        false
    );

    at.ticket_webhooks_delete_entity()
        .id(webhook)
        .send()
        .await
        .expect("the webhook is deleted");
    assert!(emulator
        .control()
        .records(Vendor::Autotask, "TicketWebhooks")
        .is_empty());

    let journal = sent(&emulator);
    let expected = [
        ("POST", "/TicketWebhooks".to_owned()),
        ("POST", format!("/TicketWebhooks/{webhook}/Fields")),
        (
            "POST",
            format!("/TicketWebhooks/{webhook}/ExcludedResources"),
        ),
        ("GET", format!("/TicketWebhooks/{webhook}")),
        ("PATCH", "/TicketWebhooks".to_owned()),
        ("DELETE", format!("/TicketWebhooks/{webhook}")),
    ];
    let expected: Vec<(String, String)> = expected
        .into_iter()
        .map(|(m, p)| (m.to_owned(), p))
        .collect();
    assert_eq!(journal, expected);
}

#[tokio::test]
async fn ticket_note_and_configuration_item_webhooks_and_documents_are_served() {
    let emulator = emulated::emulator().await;
    let at = emulated::autotask(&emulator);
    let hook = json!({"name": "n", "webhookUrl": "https://hooks.example.com/x",
        "deactivationUrl": "https://hooks.example.com/d", "secretKey": "k", "isActive": true});

    let note_hook = at
        .ticket_note_webhooks_create_entity()
        .body(body::<types::TicketNoteWebhookModel>(hook.clone()))
        .send()
        .await
        .expect("a ticket note webhook")
        .into_inner()
        .item_id
        .expect("an id");
    record(&emulator, "TicketNoteWebhooks", note_hook);
    let ci_hook = at
        .configuration_item_webhooks_create_entity()
        .body(body::<types::ConfigurationItemWebhookModel>(hook))
        .send()
        .await
        .expect("a configuration item webhook")
        .into_inner()
        .item_id
        .expect("an id");
    record(&emulator, "ConfigurationItemWebhooks", ci_hook);

    let document = at
        .documents_create_entity()
        .body(body::<types::DocumentModel>(json!({
            "companyID": 29683600, "documentCategoryID": 1, "title": "Server room access",
            "publish": 1, "isActive": true
        })))
        .send()
        .await
        .expect("a document")
        .into_inner()
        .item_id
        .expect("an id");
    assert_eq!(
        record(&emulator, "Documents", document)["title"],
        "Server room access"
    );
    let attachment = at
        .document_attachments_child_create_entity()
        .parent_id(document)
        .body(body::<types::DocumentAttachmentModel>(json!({
            "attachmentType": "FILE_ATTACHMENT", "title": "floor plan", "fullPath": "plan.pdf",
            "publish": 1, "data": "JVBERi0xLjQK"
        })))
        .send()
        .await
        .expect("an attachment")
        .into_inner()
        .item_id
        .expect("an id");
    let stored = record(&emulator, "DocumentAttachments", attachment);
    assert_eq!(stored["documentID"], document, "the parent id is set");
    assert_eq!(stored["title"], "floor plan");
}
