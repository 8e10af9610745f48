//! Outgoing webhooks: ConnectWise callbacks and Autotask webhook callouts, sent when records change through
//! the API, to the URLs registered in the emulator's own stores (`/system/callbacks`, `CompanyWebhooks`,
//! `ContactWebhooks`, … with their `…/Fields`).
//!
//! The payloads follow the vendors' documentation, and the signatures are computed here with RustCrypto's
//! `hmac`/`sha1`/`sha2` (this crate does not use psa-clients' webhook code, so a shared misunderstanding
//! cannot cancel out):
//!
//! - ConnectWise: `x-content-signature: base64(HMAC-SHA256(SHA-256(signing_key), body))`; the signing key is
//!   served as `{"signing_key": "…"}` at the `Metadata.key_url` the payload names
//!   (`{base}/_emulator/connectwise/callback-key`).
//! - Autotask: `X-Hook-Signature: sha1=base64(HMAC-SHA1(SecretKey, body))` with the webhook's `secretKey`.
//!
//! Deliveries go out one at a time, in the order of the changes, from a background task (10 s timeout, no
//! retries), and only to loopback URLs (others are recorded with no status, never sent); each is recorded ([`Delivery`]) and can be sent again byte for byte ([`crate::Control::redeliver`])
//! to exercise duplicate detection.

use std::sync::Mutex;
use std::time::Duration;

use base64::Engine as _;
use hmac::{Hmac, KeyInit, Mac};
use serde::Serialize;
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};
use tokio::sync::mpsc;

use crate::state::lock;
use crate::Vendor;

/// The ConnectWise signing key the emulator signs callbacks with.
pub const CONNECTWISE_SIGNING_KEY: &str = "emulated-connectwise-callback-signing-key";
/// Where the key is served (after the base URL).
pub const CONNECTWISE_KEY_PATH: &str = "/_emulator/connectwise/callback-key";

/// One change of a record, as a vendor handler saw it.
#[derive(Debug, Clone)]
pub(crate) struct Change {
    /// The store key (`service/tickets`, `companies`).
    pub collection: String,
    pub id: i64,
    pub kind: ChangeKind,
    /// The record after the change (`None` when deleted).
    pub after: Option<Value>,
    /// The record before the change (`None` when created).
    pub before: Option<Value>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ChangeKind {
    Created,
    Updated,
    Deleted,
}

/// A webhook the emulator sent (or tried to).
#[derive(Debug, Clone, Serialize)]
pub struct Delivery {
    /// Which vendor's hook.
    pub vendor: Vendor,
    /// Where it went.
    pub url: String,
    /// The headers sent (signature included).
    pub headers: Vec<(String, String)>,
    /// The exact body sent.
    pub body: String,
    /// The receiver's status, `None` when it could not be reached (or not yet sent).
    pub status: Option<u16>,
}

#[derive(Debug)]
pub(crate) struct Outgoing {
    index: usize,
}

/// The outbox: deliveries in order, and the channel to the sending task.
#[derive(Debug)]
pub(crate) struct Hooks {
    deliveries: Mutex<Vec<Delivery>>,
    tx: mpsc::UnboundedSender<Outgoing>,
    rx: Mutex<Option<mpsc::UnboundedReceiver<Outgoing>>>,
}

impl Hooks {
    pub fn new() -> Hooks {
        let (tx, rx) = mpsc::unbounded_channel();
        Hooks {
            deliveries: Mutex::new(Vec::new()),
            tx,
            rx: Mutex::new(Some(rx)),
        }
    }

    /// Every delivery so far.
    pub fn deliveries(&self) -> Vec<Delivery> {
        lock(&self.deliveries).clone()
    }

    pub fn clear(&self) {
        lock(&self.deliveries).clear();
    }

    fn enqueue(&self, delivery: Delivery) {
        let index = {
            let mut deliveries = lock(&self.deliveries);
            deliveries.push(delivery);
            deliveries.len() - 1
        };
        let _ = self.tx.send(Outgoing { index });
    }

    /// Sends delivery `index` again, byte for byte (a new entry is recorded). False when there is none.
    pub fn redeliver(&self, index: usize) -> bool {
        let again = lock(&self.deliveries).get(index).cloned();
        match again {
            Some(mut delivery) => {
                delivery.status = None;
                self.enqueue(delivery);
                true
            }
            None => false,
        }
    }

    /// The sending task; started once by the emulator.
    pub fn take_receiver(&self) -> Option<mpsc::UnboundedReceiver<Outgoing>> {
        lock(&self.rx).take()
    }
}

/// Sends queued deliveries one at a time until the emulator is dropped.
pub(crate) async fn run(
    shared: std::sync::Arc<crate::state::Shared>,
    mut rx: mpsc::UnboundedReceiver<Outgoing>,
) {
    let client = match reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .redirect(reqwest::redirect::Policy::none())
        .build()
    {
        Ok(client) => client,
        Err(_) => return,
    };
    while let Some(Outgoing { index }) = rx.recv().await {
        let Some(delivery) = lock(&shared.hooks.deliveries).get(index).cloned() else {
            continue;
        };
        if !is_loopback(&delivery.url) {
            // Like the server, the sender stays on this machine: other URLs are recorded, never sent.
            continue;
        }
        let mut request = client.post(&delivery.url).body(delivery.body.clone());
        for (name, value) in &delivery.headers {
            request = request.header(name, value);
        }
        let status = request.send().await.ok().map(|r| r.status().as_u16());
        if let Some(slot) = lock(&shared.hooks.deliveries).get_mut(index) {
            slot.status = status;
        }
    }
}

/// `http(s)://127.0.0.1…`, `localhost` or `[::1]`.
fn is_loopback(url: &str) -> bool {
    reqwest::Url::parse(url).ok().is_some_and(|url| {
        matches!(url.scheme(), "http" | "https")
            && matches!(url.host_str(), Some("127.0.0.1" | "localhost" | "[::1]"))
    })
}

fn guid() -> String {
    let hex: String = (0..32)
        .map(|_| char::from_digit(fastrand::u32(0..16), 16).unwrap_or('0'))
        .collect();
    format!(
        "{}-{}-4{}-{}{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[13..16],
        ["8", "9", "a", "b"][fastrand::usize(0..4)],
        &hex[17..20],
        &hex[20..32]
    )
}

// ---------------------------------------------------------------- ConnectWise

/// `service/tickets` → `ticket`: the callback type a collection's changes are reported as.
fn connectwise_type(collection: &str) -> Option<&'static str> {
    Some(match collection {
        "service/tickets" => "ticket",
        "company/companies" => "company",
        "company/contacts" => "contact",
        "finance/agreements" => "agreement",
        "company/configurations" => "configuration",
        "finance/invoices" => "invoice",
        "expense/entries" => "expense",
        "system/members" => "member",
        "sales/opportunities" => "opportunity",
        "procurement/catalog" => "productcatalog",
        "project/projects" => "project",
        "procurement/purchaseorders" => "purchaseorder",
        "schedule/entries" => "schedule",
        "time/entries" => "time",
        "sales/activities" => "activity",
        _ => return None,
    })
}

fn ref_id(record: &Value, field: &str) -> Option<i64> {
    record.get(field)?.get("id")?.as_i64()
}

/// Whether a registration at `level` with `object_id` covers `record` (of type `kind`).
fn connectwise_covers(
    kind: &str,
    level: &str,
    object_id: Option<i64>,
    id: i64,
    record: &Value,
) -> bool {
    match level.to_ascii_lowercase().as_str() {
        "owner" => true,
        "board" if kind == "ticket" => object_id.is_some() && ref_id(record, "board") == object_id,
        "status" if kind == "ticket" => {
            object_id.is_some() && ref_id(record, "status") == object_id
        }
        "project" if kind == "ticket" => {
            object_id.is_some() && ref_id(record, "project") == object_id
        }
        "phase" if kind == "ticket" => object_id.is_some() && ref_id(record, "phase") == object_id,
        other => other == kind && object_id == Some(id),
    }
}

fn connectwise_signature(body: &[u8]) -> String {
    let key = Sha256::digest(CONNECTWISE_SIGNING_KEY.as_bytes());
    let mut mac =
        <Hmac<Sha256> as KeyInit>::new_from_slice(&key).expect("HMAC takes any key length");
    mac.update(body);
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

/// Queues a callback for every active registration that covers a change.
pub(crate) fn connectwise(
    hooks: &Hooks,
    base_url: &str,
    company: &str,
    member: &str,
    callbacks: &[Value],
    changes: Vec<Change>,
) {
    for change in changes {
        let Some(kind) = connectwise_type(&change.collection) else {
            continue;
        };
        let record = change
            .after
            .as_ref()
            .or(change.before.as_ref())
            .cloned()
            .unwrap_or(Value::Null);
        for callback in callbacks {
            let same_type = callback
                .get("type")
                .and_then(Value::as_str)
                .is_some_and(|t| t.eq_ignore_ascii_case(kind));
            let inactive = callback
                .get("inactiveFlag")
                .and_then(Value::as_bool)
                .unwrap_or(false);
            let level = callback
                .get("level")
                .and_then(Value::as_str)
                .unwrap_or("owner");
            let object_id = callback
                .get("objectId")
                .and_then(|v| v.as_i64().or_else(|| v.as_f64().map(|f| f as i64)));
            let Some(url) = callback.get("url").and_then(Value::as_str) else {
                continue;
            };
            if !same_type
                || inactive
                || !connectwise_covers(kind, level, object_id, change.id, &record)
            {
                continue;
            }
            let action = match change.kind {
                ChangeKind::Created => "added",
                ChangeKind::Updated => "updated",
                ChangeKind::Deleted => "deleted",
            };
            let entity = change
                .after
                .as_ref()
                .map(|r| Value::from(r.to_string()))
                .unwrap_or(Value::Null);
            let payload = json!({
                "MessageId": guid(),
                "FromUrl": base_url,
                "CompanyId": company,
                "MemberId": member,
                "Action": action,
                "Type": kind,
                "ID": change.id,
                "ProductInstanceId": "emulated-product-instance",
                "PartnerId": "emulated-partner",
                "Entity": entity,
                "Metadata": {"key_url": format!("{base_url}{CONNECTWISE_KEY_PATH}")},
                "CallbackObjectRecId": callback.get("id").cloned().unwrap_or(Value::Null),
            });
            let body = payload.to_string();
            let signature = connectwise_signature(body.as_bytes());
            hooks.enqueue(Delivery {
                vendor: Vendor::ConnectWise,
                url: url.to_owned(),
                headers: vec![
                    ("content-type".into(), "application/json".into()),
                    ("x-content-signature".into(), signature),
                ],
                body,
                status: None,
            });
        }
    }
}

/// The answer at [`CONNECTWISE_KEY_PATH`].
pub(crate) fn connectwise_key() -> Value {
    json!({ "signing_key": CONNECTWISE_SIGNING_KEY })
}

// ---------------------------------------------------------------- Autotask

/// `tickets` → (`ticketwebhooks`, `Ticket`).
fn autotask_hook_collection(entity: &str) -> Option<(&'static str, &'static str)> {
    Some(match entity {
        "companies" => ("companywebhooks", "Company"),
        "contacts" => ("contactwebhooks", "Contact"),
        "configurationitems" => ("configurationitemwebhooks", "ConfigurationItem"),
        "tickets" => ("ticketwebhooks", "Ticket"),
        "ticketnotes" => ("ticketnotewebhooks", "TicketNote"),
        _ => return None,
    })
}

/// `companywebhooks` → `companywebhookfields`.
pub(crate) fn autotask_fields_collection(hooks_collection: &str) -> String {
    format!("{}fields", hooks_collection.trim_end_matches('s'))
}

fn autotask_signature(secret: &str, body: &[u8]) -> String {
    let mut mac = <Hmac<sha1::Sha1> as KeyInit>::new_from_slice(secret.as_bytes())
        .expect("HMAC takes any key length");
    mac.update(body);
    format!(
        "sha1={}",
        base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
    )
}

fn flag(record: &Value, field: &str) -> bool {
    crate::store::lookup(record, field)
        .and_then(Value::as_bool)
        .unwrap_or(false)
}

fn text<'a>(record: &'a Value, field: &str) -> Option<&'a str> {
    crate::store::lookup(record, field).and_then(Value::as_str)
}

/// A webhook is ready once it has at least one subscribed field.
pub(crate) fn autotask_ready(
    store: &crate::store::Store,
    hooks_collection: &str,
    webhook_id: i64,
) -> bool {
    store
        .list(&autotask_fields_collection(hooks_collection))
        .any(|field| {
            let parent = [
                "webhookID",
                "companyWebhookID",
                "contactWebhookID",
                "ticketWebhookID",
            ]
            .iter()
            .find_map(|name| crate::store::lookup(field, name).and_then(Value::as_i64));
            parent == Some(webhook_id) && flag(field, "isSubscribedField")
        })
}

/// Queues a callout for every active, ready webhook subscribed to a change; advances each webhook's sequence
/// number (`sequences`, by collection and id).
pub(crate) fn autotask(
    hooks: &Hooks,
    store: &crate::store::Store,
    sequences: &mut std::collections::HashMap<(String, i64), i64>,
    now: chrono::DateTime<chrono::Utc>,
    person_id: i64,
    changes: Vec<Change>,
) {
    for change in changes {
        if is_autotask_webhooks(&change.collection) {
            autotask_deactivated(hooks, sequences, now, person_id, &change);
            continue;
        }
        let Some((collection, entity_type)) = autotask_hook_collection(&change.collection) else {
            continue;
        };
        let subscription = match change.kind {
            ChangeKind::Created => "isSubscribedToCreateEvents",
            ChangeKind::Updated => "isSubscribedToUpdateEvents",
            ChangeKind::Deleted => "isSubscribedToDeleteEvents",
        };
        let webhooks: Vec<Value> = store.list(collection).cloned().collect();
        for webhook in webhooks {
            let Some(webhook_id) = webhook.get("id").and_then(Value::as_i64) else {
                continue;
            };
            if !flag(&webhook, "isActive")
                || !flag(&webhook, subscription)
                || !autotask_ready(store, collection, webhook_id)
            {
                continue;
            }
            let (Some(url), Some(secret)) =
                (text(&webhook, "webhookUrl"), text(&webhook, "secretKey"))
            else {
                continue;
            };
            let fields = autotask_fields(&change);
            if change.kind == ChangeKind::Updated && fields.len() <= 1 {
                continue; // nothing but the id changed
            }
            let slot = sequences
                .entry((collection.to_owned(), webhook_id))
                .or_insert(0);
            *slot += 1;
            let sequence = *slot;
            let action = match change.kind {
                ChangeKind::Created => "Create",
                ChangeKind::Updated => "Update",
                ChangeKind::Deleted => "Delete",
            };
            let payload = json!({
                "Action": action,
                "Guid": text(&webhook, "webhookGUID").unwrap_or_default(),
                "EntityType": entity_type,
                "Id": change.id,
                "Fields": Value::Object(fields),
                "EventTime": now.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string(),
                "SequenceNumber": sequence,
                "PersonID": person_id,
            });
            let body = payload.to_string();
            hooks.enqueue(Delivery {
                vendor: Vendor::Autotask,
                url: url.to_owned(),
                headers: vec![
                    ("content-type".into(), "application/json".into()),
                    (
                        "x-hook-signature".into(),
                        autotask_signature(secret, body.as_bytes()),
                    ),
                ],
                body,
                status: None,
            });
        }
    }
}

/// A webhook deleted, or switched from active to inactive, sends a `Deactivated` notice to its
/// `deactivationUrl`, signed with its secret. The notice's shape is not documented: it is the callout's
/// envelope with `Action: "Deactivated"`, the webhook's GUID and the webhook's id.
fn autotask_deactivated(
    hooks: &Hooks,
    sequences: &mut std::collections::HashMap<(String, i64), i64>,
    now: chrono::DateTime<chrono::Utc>,
    person_id: i64,
    change: &Change,
) {
    let Some(before) = change.before.as_ref() else {
        return;
    };
    let deactivated = match change.kind {
        ChangeKind::Deleted => flag(before, "isActive"),
        ChangeKind::Updated => {
            flag(before, "isActive") && !change.after.as_ref().is_some_and(|a| flag(a, "isActive"))
        }
        ChangeKind::Created => false,
    };
    let webhook = change.after.as_ref().unwrap_or(before);
    let (Some(url), Some(secret)) = (text(webhook, "deactivationUrl"), text(webhook, "secretKey"))
    else {
        return;
    };
    if !deactivated {
        return;
    }
    let slot = sequences
        .entry((change.collection.clone(), change.id))
        .or_insert(0);
    *slot += 1;
    let entity_type = [
        "companies",
        "contacts",
        "configurationitems",
        "tickets",
        "ticketnotes",
    ]
    .iter()
    .filter_map(|entity| autotask_hook_collection(entity))
    .find(|(collection, _)| *collection == change.collection)
    .map_or("", |(_, entity_type)| entity_type);
    let payload = json!({
        "Action": "Deactivated",
        "Guid": text(webhook, "webhookGUID").unwrap_or_default(),
        "EntityType": entity_type,
        "Id": change.id,
        "Fields": {},
        "EventTime": now.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string(),
        "SequenceNumber": *slot,
        "PersonID": person_id,
    });
    let body = payload.to_string();
    hooks.enqueue(Delivery {
        vendor: Vendor::Autotask,
        url: url.to_owned(),
        headers: vec![
            ("content-type".into(), "application/json".into()),
            (
                "x-hook-signature".into(),
                autotask_signature(secret, body.as_bytes()),
            ),
        ],
        body,
        status: None,
    });
}

/// Created: every field; updated: the id and the fields that changed; deleted: the id.
fn autotask_fields(change: &Change) -> Map<String, Value> {
    let mut fields = Map::new();
    fields.insert("id".into(), Value::from(change.id));
    match (change.kind, change.after.as_ref(), change.before.as_ref()) {
        (ChangeKind::Created, Some(Value::Object(after)), _) => {
            for (key, value) in after {
                if !key.starts_with('_') {
                    fields.insert(key.clone(), value.clone());
                }
            }
        }
        (ChangeKind::Updated, Some(Value::Object(after)), Some(before)) => {
            for (key, value) in after {
                if key.starts_with('_')
                    || key.to_ascii_lowercase().starts_with("lastmodified")
                    || key.eq_ignore_ascii_case("lastactivitydate")
                {
                    continue;
                }
                if crate::store::key_ci(before.as_object().unwrap_or(&Map::new()), key)
                    != Some(value)
                {
                    fields.insert(key.clone(), value.clone());
                }
            }
        }
        _ => {}
    }
    fields
}

/// Keeps `isReady` of every webhook in step with its subscribed fields.
pub(crate) fn autotask_refresh_ready(store: &mut crate::store::Store) {
    for collection in [
        "companywebhooks",
        "contactwebhooks",
        "configurationitemwebhooks",
        "ticketwebhooks",
        "ticketnotewebhooks",
    ] {
        let ids: Vec<i64> = store
            .list(collection)
            .filter_map(|w| w.get("id").and_then(Value::as_i64))
            .collect();
        for id in ids {
            let ready = autotask_ready(store, collection, id);
            if let Some(record) = store.get_mut(collection, id).and_then(Value::as_object_mut) {
                let key = crate::store::real_key(record, "isReady")
                    .unwrap_or_else(|| "isReady".to_owned());
                record.insert(key, Value::Bool(ready));
            }
        }
    }
}

/// Sets what Autotask sets on a new webhook: `webhookGUID`, `isReady` (false until a subscribed field exists).
pub(crate) fn autotask_new_webhook(record: &mut Map<String, Value>) {
    record
        .entry("webhookGUID")
        .or_insert_with(|| Value::from(guid()));
    record.insert("isReady".into(), Value::Bool(false));
}

/// Whether `entity` is a webhook collection (`companywebhooks`).
pub(crate) fn is_autotask_webhooks(entity: &str) -> bool {
    matches!(
        entity,
        "companywebhooks"
            | "contactwebhooks"
            | "configurationitemwebhooks"
            | "ticketwebhooks"
            | "ticketnotewebhooks"
    )
}
