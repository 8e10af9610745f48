//! Ensuring Kaseya BMS webhook configurations (`/v2/admin/webhooks`), through raw requests.
//!
//! BMS never returns a configuration's secret (only `hasSecret`), so the secret is sent on create and on every
//! update, and a configuration whose secret is missing is updated.

use reqwest::Method;
use serde_json::{json, Value};
use tracing::Instrument as _;

use super::{EnsureReport, Stale};
use crate::bms::Client;
use crate::secret::Secret;
use crate::Error;

/// One wanted webhook configuration. Identity: `payloadURL`; the rest is fixed when it differs.
#[derive(Clone)]
#[non_exhaustive]
pub struct WantedBmsWebhook {
    /// The name.
    pub name: String,
    /// Where deliveries go.
    pub payload_url: String,
    /// Event ids (see `get_webhook_events_lookup`); ignored when `send_all_events`.
    pub events: Vec<i64>,
    /// Every event.
    pub send_all_events: bool,
    /// BMS's content-type code, when you know the one you want (`None`: leave BMS's default).
    pub content_type: Option<i64>,
    /// The secret BMS is given (what it does with it is undocumented; see [`crate::webhooks::bms`]).
    pub secret: Secret,
}

impl std::fmt::Debug for WantedBmsWebhook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WantedBmsWebhook")
            .field("name", &self.name)
            .field("payload_url", &self.payload_url)
            .field("events", &self.events)
            .field("send_all_events", &self.send_all_events)
            .field("content_type", &self.content_type)
            .finish_non_exhaustive()
    }
}

impl WantedBmsWebhook {
    /// The given events to `payload_url`.
    pub fn new(
        name: impl Into<String>,
        payload_url: impl Into<String>,
        events: &[i64],
        secret: Secret,
    ) -> Self {
        WantedBmsWebhook {
            name: name.into(),
            payload_url: payload_url.into(),
            events: events.to_vec(),
            send_all_events: false,
            content_type: None,
            secret,
        }
    }

    /// Every event instead of a list.
    pub fn all_events(mut self) -> Self {
        self.send_all_events = true;
        self.events.clear();
        self
    }

    fn body(&self) -> Value {
        let mut body = json!({
            "name": self.name,
            "payloadURL": self.payload_url,
            "events": self.events,
            "sendAllEvents": self.send_all_events,
            "isEnabled": true,
            "secret": self.secret.expose(),
        });
        if let Some(content_type) = self.content_type {
            body["contentType"] = json!(content_type);
        }
        body
    }

    fn differs(&self, current: &Value) -> bool {
        let text = |key: &str| {
            get(current, key)
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned()
        };
        let flag = |key: &str| get(current, key).and_then(Value::as_bool).unwrap_or(false);
        let mut events: Vec<i64> = get(current, "events")
            .and_then(Value::as_array)
            .map(|list| list.iter().filter_map(Value::as_i64).collect())
            .unwrap_or_default();
        events.sort_unstable();
        let mut wanted = self.events.clone();
        wanted.sort_unstable();
        text("name") != self.name
            || !flag("isEnabled")
            || !flag("hasSecret")
            || flag("sendAllEvents") != self.send_all_events
            || (!self.send_all_events && events != wanted)
            || self
                .content_type
                .is_some_and(|c| get(current, "contentType").and_then(Value::as_i64) != Some(c))
    }
}

fn get<'a>(record: &'a Value, key: &str) -> Option<&'a Value> {
    let object = record.as_object()?;
    object.get(key).or_else(|| {
        object
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(key))
            .map(|(_, v)| v)
    })
}

async fn list(client: &Client) -> Result<Vec<Value>, Error> {
    let mut all = Vec::new();
    for page in 1..=100u32 {
        let answer = client
            .raw(Method::POST, "/v2/admin/webhooks/search")
            .json(&json!({"pageNumber": page, "pageSize": 100}))
            .read_only()
            .operation_id("GetWebhookConfigurationsList")
            .send_value()
            .await?;
        let items = get(&answer, "result")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        let total = get(&answer, "totalRecords").and_then(Value::as_u64);
        let short = items.len() < 100;
        all.extend(items);
        if short || total.is_some_and(|t| all.len() as u64 >= t) {
            break;
        }
    }
    Ok(all)
}

/// Makes `wanted` the set of BMS webhook configurations (see [the module](super)).
///
/// # Errors
/// The first failing call's [`Error`]; what was done before it stays done (running again continues).
pub async fn ensure_bms_webhooks(
    client: &Client,
    wanted: &[WantedBmsWebhook],
    stale: &Stale,
) -> Result<EnsureReport, Error> {
    let span = tracing::info_span!("psa.webhooks.ensure", vendor = "bms", wanted = wanted.len());
    ensure(client, wanted, stale).instrument(span).await
}

async fn ensure(
    client: &Client,
    wanted: &[WantedBmsWebhook],
    stale: &Stale,
) -> Result<EnsureReport, Error> {
    let existing = list(client).await?;
    let url_of = |hook: &Value| {
        get(hook, "payloadUrl")
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    let mut claimed = vec![false; existing.len()];
    let mut report = EnsureReport::default();
    for want in wanted {
        let found = existing.iter().enumerate().find(|(i, hook)| {
            !claimed[*i] && url_of(hook).as_deref() == Some(want.payload_url.as_str())
        });
        match found {
            Some((i, hook)) => {
                claimed[i] = true;
                let id = get(hook, "id").and_then(Value::as_i64).unwrap_or_default();
                // The list lacks events and hasSecret: read the configuration itself.
                let answer = client
                    .raw(Method::GET, format!("/v2/admin/webhooks/{id}"))
                    .operation_id("GetWebhookConfiguration")
                    .send_value()
                    .await?;
                let current = get(&answer, "result").cloned().unwrap_or(Value::Null);
                if want.differs(&current) {
                    client
                        .raw(Method::PUT, format!("/v2/admin/webhooks/{id}"))
                        .json(&want.body())
                        .operation_id("PutWebhookConfiguration")
                        .send_value()
                        .await?;
                    report.updated.push(id);
                } else {
                    report.unchanged.push(id);
                }
            }
            None => {
                let answer = client
                    .raw(Method::POST, "/v2/admin/webhooks")
                    .json(&want.body())
                    .operation_id("PostWebhookConfiguration")
                    .send_value()
                    .await?;
                let id = get(&answer, "result")
                    .and_then(|r| get(r, "id"))
                    .and_then(Value::as_i64)
                    .unwrap_or_default();
                report.created.push(id);
            }
        }
    }
    for (hook, claimed) in existing.iter().zip(&claimed) {
        if !claimed && stale.removes(url_of(hook).as_deref()) {
            if let Some(id) = get(hook, "id").and_then(Value::as_i64) {
                client
                    .raw(Method::DELETE, format!("/v2/admin/webhooks/{id}"))
                    .operation_id("DeleteWebhookConfiguration")
                    .send_value()
                    .await?;
                report.removed.push(id);
            }
        }
    }
    tracing::info!(
        created = report.created.len(),
        updated = report.updated.len(),
        removed = report.removed.len(),
        "bms webhooks ensured"
    );
    Ok(report)
}
