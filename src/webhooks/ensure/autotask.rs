//! Ensuring Autotask webhooks (`{Entity}Webhooks` and their `…/Fields`), through raw requests: one code path for
//! all five webhook entities, whose generated methods and models differ only in name. (The generated client has
//! them all, `TicketWebhooks`, `TicketNoteWebhooks` and `ConfigurationItemWebhooks` included, through the
//! `additions` correction; tests/autotask_additions.rs registers a ticket webhook with it.)

use std::collections::BTreeMap;

use reqwest::Method;
use serde_json::{json, Map, Value};
use tracing::Instrument as _;

use super::{EnsureReport, Stale};
use crate::autotask::Client;
use crate::secret::Secret;
use crate::webhooks::autotask::WebhookEntity;
use crate::Error;

/// A field of a webhook: a change to a *subscribed* field triggers a callout; a *display-always* field is in
/// every payload. Autotask identifies fields by `fieldID` (see `…/entityInformation/fields`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WantedField {
    /// Autotask's field id.
    pub field_id: i64,
    /// A change to it triggers a callout.
    pub subscribed: bool,
    /// It is part of every payload.
    pub display_always: bool,
}

/// One wanted webhook. Identity: entity and `webhookUrl`; the rest is fixed when it differs.
#[derive(Clone)]
#[non_exhaustive]
pub struct WantedWebhook {
    /// The entity.
    pub entity: WebhookEntity,
    /// The name (at most 50 characters).
    pub name: String,
    /// Where callouts go.
    pub webhook_url: String,
    /// Where the deactivation notice goes (required by Autotask).
    pub deactivation_url: String,
    /// The HMAC secret (at most 64 characters). Set on create; on existing webhooks only with
    /// [`WantedWebhook::rotate_secret`], because Autotask's answers are not known to return it.
    pub secret: Secret,
    /// Rewrite the secret of an existing webhook.
    pub rotate_secret: bool,
    /// Subscribed to creates.
    pub create: bool,
    /// Subscribed to updates.
    pub update: bool,
    /// Subscribed to deletes.
    pub delete: bool,
    /// Where Autotask e-mails threshold notices, if anywhere.
    pub notification_email: Option<String>,
    /// The fields (at least one subscribed field, or the webhook never becomes ready).
    pub fields: Vec<WantedField>,
}

impl std::fmt::Debug for WantedWebhook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WantedWebhook")
            .field("entity", &self.entity)
            .field("name", &self.name)
            .field("webhook_url", &self.webhook_url)
            .field("deactivation_url", &self.deactivation_url)
            .field("create", &self.create)
            .field("update", &self.update)
            .field("delete", &self.delete)
            .field("fields", &self.fields)
            .finish_non_exhaustive()
    }
}

impl WantedWebhook {
    /// Creates, updates and deletes of `entity` to `webhook_url` (deactivation notices to the same URL), with
    /// the given subscribed field ids.
    pub fn new(
        entity: WebhookEntity,
        name: impl Into<String>,
        webhook_url: impl Into<String>,
        secret: Secret,
        subscribed_fields: &[i64],
    ) -> WantedWebhook {
        let webhook_url = webhook_url.into();
        WantedWebhook {
            entity,
            name: name.into(),
            deactivation_url: webhook_url.clone(),
            webhook_url,
            secret,
            rotate_secret: false,
            create: true,
            update: true,
            delete: true,
            notification_email: None,
            fields: subscribed_fields
                .iter()
                .map(|&field_id| WantedField {
                    field_id,
                    subscribed: true,
                    display_always: false,
                })
                .collect(),
        }
    }

    /// Another deactivation URL.
    pub fn deactivation_url(mut self, url: impl Into<String>) -> WantedWebhook {
        self.deactivation_url = url.into();
        self
    }

    /// Which events (create, update, delete).
    pub fn events(mut self, create: bool, update: bool, delete: bool) -> WantedWebhook {
        (self.create, self.update, self.delete) = (create, update, delete);
        self
    }

    /// Adds a display-always field.
    pub fn display_always(mut self, field_id: i64) -> WantedWebhook {
        self.fields.push(WantedField {
            field_id,
            subscribed: false,
            display_always: true,
        });
        self
    }

    /// Rewrites the secret of an existing webhook too.
    pub fn rotate_secret(mut self) -> WantedWebhook {
        self.rotate_secret = true;
        self
    }

    fn settings(&self) -> Map<String, Value> {
        let mut object = Map::new();
        object.insert("name".into(), json!(self.name));
        object.insert("webhookUrl".into(), json!(self.webhook_url));
        object.insert("deactivationUrl".into(), json!(self.deactivation_url));
        object.insert("isActive".into(), json!(true));
        object.insert("isSubscribedToCreateEvents".into(), json!(self.create));
        object.insert("isSubscribedToUpdateEvents".into(), json!(self.update));
        object.insert("isSubscribedToDeleteEvents".into(), json!(self.delete));
        if let Some(email) = &self.notification_email {
            object.insert("notificationEmailAddress".into(), json!(email));
        }
        object
    }
}

/// A key of an Autotask record, ignoring case (the API's casing has varied).
fn get<'a>(record: &'a Value, key: &str) -> Option<&'a Value> {
    let object = record.as_object()?;
    object.get(key).or_else(|| {
        object
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(key))
            .map(|(_, v)| v)
    })
}

fn items(answer: &Value) -> Vec<Value> {
    get(answer, "items")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default()
}

fn id_of(record: &Value) -> Option<i64> {
    get(record, "id").and_then(Value::as_i64)
}

async fn list(client: &Client, collection: &str) -> Result<Vec<Value>, Error> {
    let body = json!({"MaxRecords": 500, "filter": [{"op": "gte", "field": "id", "value": 0}]});
    let answer = client
        .raw(Method::POST, format!("/V1.0/{collection}/query"))
        .json(&body)
        .read_only()
        .operation_id("Webhooks_Query")
        .send_value()
        .await?;
    Ok(items(&answer))
}

/// Makes `wanted` the set of webhooks of the entities it names (see [the module](super)); webhooks of other
/// entities are not looked at. Fields are made to match exactly: missing ones are added, differing ones
/// patched, extra ones deleted.
///
/// # Errors
/// [`Error::InvalidRequest`], before anything is sent, for a wish outside Autotask's limits (secret 1–64
/// characters, name 1–50, both URLs, at least one subscribed field); otherwise the first failing call's
/// [`Error`]; what was done before it stays done (running again continues).
pub async fn ensure_webhooks(
    client: &Client,
    wanted: &[WantedWebhook],
    stale: &Stale,
) -> Result<EnsureReport, Error> {
    let span = tracing::info_span!(
        "psa.webhooks.ensure",
        vendor = "autotask",
        wanted = wanted.len()
    );
    ensure(client, wanted, stale).instrument(span).await
}

/// Autotask's documented limits, checked before anything is sent.
fn validate(want: &WantedWebhook) -> Result<(), Error> {
    let invalid = |message: String| Err(Error::InvalidRequest { message });
    let secret = want.secret.expose().chars().count();
    if secret == 0 || secret > 64 {
        return invalid(format!(
            "webhook {:?}: the secret key must be 1 to 64 characters (it has {secret})",
            want.name
        ));
    }
    if want.name.is_empty() || want.name.chars().count() > 50 {
        return invalid(format!(
            "webhook {:?}: the name must be 1 to 50 characters",
            want.name
        ));
    }
    if want.webhook_url.is_empty() || want.deactivation_url.is_empty() {
        return invalid(format!(
            "webhook {:?}: both the webhook URL and the deactivation URL are required",
            want.name
        ));
    }
    if !want.fields.iter().any(|f| f.subscribed) {
        return invalid(format!(
            "webhook {:?}: at least one subscribed field is needed, or the webhook never becomes ready",
            want.name
        ));
    }
    Ok(())
}

async fn ensure(
    client: &Client,
    wanted: &[WantedWebhook],
    stale: &Stale,
) -> Result<EnsureReport, Error> {
    for want in wanted {
        validate(want)?;
    }
    let mut by_entity: BTreeMap<&'static str, Vec<&WantedWebhook>> = BTreeMap::new();
    for want in wanted {
        by_entity
            .entry(want.entity.webhooks_collection())
            .or_default()
            .push(want);
    }
    let mut report = EnsureReport::default();
    for (collection, wants) in by_entity {
        let existing = list(client, collection).await?;
        let mut claimed = vec![false; existing.len()];
        for want in wants {
            let found = existing.iter().enumerate().find(|(i, hook)| {
                !claimed[*i]
                    && get(hook, "webhookUrl").and_then(Value::as_str)
                        == Some(want.webhook_url.as_str())
            });
            match found {
                Some((i, hook)) => {
                    claimed[i] = true;
                    let id = id_of(hook).unwrap_or_default();
                    let mut patch = Map::new();
                    for (key, value) in want.settings() {
                        if get(hook, &key) != Some(&value) {
                            patch.insert(key, value);
                        }
                    }
                    if want.rotate_secret {
                        patch.insert("secretKey".into(), json!(want.secret.expose()));
                    }
                    let mut changed = !patch.is_empty();
                    if changed {
                        patch.insert("id".into(), json!(id));
                        client
                            .raw(Method::PATCH, format!("/V1.0/{collection}"))
                            .json(&Value::Object(patch))
                            .operation_id("Webhooks_PatchEntity")
                            .send_value()
                            .await?;
                    }
                    changed |= ensure_fields(client, collection, id, &want.fields).await?;
                    if changed {
                        report.updated.push(id);
                    } else {
                        report.unchanged.push(id);
                    }
                }
                None => {
                    let mut body = want.settings();
                    body.insert("secretKey".into(), json!(want.secret.expose()));
                    body.insert("sendThresholdExceededNotification".into(), json!(false));
                    let answer = client
                        .raw(Method::POST, format!("/V1.0/{collection}"))
                        .json(&Value::Object(body))
                        .operation_id("Webhooks_CreateEntity")
                        .send_value()
                        .await?;
                    let id = get(&answer, "itemId")
                        .and_then(Value::as_i64)
                        .ok_or_else(|| Error::InvalidRequest {
                            message: format!("{collection}: the create answer holds no itemId"),
                        })?;
                    ensure_fields(client, collection, id, &want.fields).await?;
                    report.created.push(id);
                }
            }
        }
        for (hook, claimed) in existing.iter().zip(&claimed) {
            if !claimed && stale.removes(get(hook, "webhookUrl").and_then(Value::as_str)) {
                if let Some(id) = id_of(hook) {
                    client
                        .raw(Method::DELETE, format!("/V1.0/{collection}/{id}"))
                        .operation_id("Webhooks_DeleteEntity")
                        .send_value()
                        .await?;
                    report.removed.push(id);
                }
            }
        }
    }
    tracing::info!(
        created = report.created.len(),
        updated = report.updated.len(),
        removed = report.removed.len(),
        "autotask webhooks ensured"
    );
    Ok(report)
}

/// Makes the webhook's fields exactly `wanted`; true when anything changed.
async fn ensure_fields(
    client: &Client,
    collection: &str,
    webhook_id: i64,
    wanted: &[WantedField],
) -> Result<bool, Error> {
    let path = format!("/V1.0/{collection}/{webhook_id}/Fields");
    let answer = client
        .raw(Method::GET, path.clone())
        .operation_id("WebhookFields_Query")
        .send_value()
        .await?;
    let existing = items(&answer);
    let flag =
        |record: &Value, key: &str| get(record, key).and_then(Value::as_bool).unwrap_or(false);
    let mut changed = false;
    let mut claimed = vec![false; existing.len()];
    for want in wanted {
        let found = existing.iter().enumerate().find(|(i, field)| {
            !claimed[*i] && get(field, "fieldID").and_then(Value::as_i64) == Some(want.field_id)
        });
        match found {
            Some((i, field)) => {
                claimed[i] = true;
                if flag(field, "isSubscribedField") != want.subscribed
                    || flag(field, "isDisplayAlwaysField") != want.display_always
                {
                    client
                        .raw(Method::PATCH, path.clone())
                        .json(&json!({"id": id_of(field), "isSubscribedField": want.subscribed, "isDisplayAlwaysField": want.display_always}))
                        .operation_id("WebhookFields_PatchEntity")
                        .send_value()
                        .await?;
                    changed = true;
                }
            }
            None => {
                client
                    .raw(Method::POST, path.clone())
                    .json(&json!({"fieldID": want.field_id, "webhookID": webhook_id,
                                  "isSubscribedField": want.subscribed, "isDisplayAlwaysField": want.display_always}))
                    .operation_id("WebhookFields_CreateEntity")
                    .send_value()
                    .await?;
                changed = true;
            }
        }
    }
    for (field, claimed) in existing.iter().zip(&claimed) {
        if !claimed {
            if let Some(id) = id_of(field) {
                client
                    .raw(Method::DELETE, format!("{path}/{id}"))
                    .operation_id("WebhookFields_DeleteEntity")
                    .send_value()
                    .await?;
                changed = true;
            }
        }
    }
    Ok(changed)
}
