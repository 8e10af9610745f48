//! Ensuring ConnectWise callbacks (`/system/callbacks`).

use serde_json::json;
use tracing::Instrument as _;

use super::{EnsureReport, Stale};
use crate::connectwise::types::CallbackEntry;
use crate::connectwise::Client;
use crate::pagination::ListStreams;
use crate::webhooks::connectwise::{CallbackLevel, CallbackType};
use crate::Error;

/// One wanted callback. Identity: type, level, `objectId`, URL; the rest is fixed when it differs.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct WantedCallback {
    /// The record type.
    pub callback_type: CallbackType,
    /// The level (`owner` for every record of the type).
    pub level: CallbackLevel,
    /// The board/status/project/… id of the level; ConnectWise requires one even for `owner` (any id, e.g. 1).
    pub object_id: i64,
    /// Where callbacks are POSTed.
    pub url: String,
    /// The description shown in ConnectWise.
    pub description: String,
    /// Whether changes made by the API member itself are suppressed (`isSelfSuppressedFlag`; `None`: leave).
    pub self_suppressed: Option<bool>,
}

impl WantedCallback {
    /// Every record of `callback_type`, to `url` (level `owner`, `objectId` 1).
    pub fn owner(callback_type: CallbackType, url: impl Into<String>) -> WantedCallback {
        WantedCallback {
            callback_type,
            level: CallbackLevel::Owner,
            object_id: 1,
            url: url.into(),
            description: String::new(),
            self_suppressed: None,
        }
    }

    /// A level with its object id (`board` + board id, `status` + status id, `ticket` + ticket id, …).
    pub fn at_level(
        callback_type: CallbackType,
        level: CallbackLevel,
        object_id: i64,
        url: impl Into<String>,
    ) -> WantedCallback {
        WantedCallback {
            level,
            object_id,
            ..WantedCallback::owner(callback_type, url)
        }
    }

    /// With a description.
    pub fn description(mut self, description: impl Into<String>) -> WantedCallback {
        self.description = description.into();
        self
    }

    /// With `isSelfSuppressedFlag`.
    pub fn self_suppressed(mut self, suppressed: bool) -> WantedCallback {
        self.self_suppressed = Some(suppressed);
        self
    }

    fn matches(&self, entry: &CallbackEntry) -> bool {
        let same_text = |a: Option<&str>, b: &str| a.is_some_and(|a| a.eq_ignore_ascii_case(b));
        same_text(entry.type_.as_deref(), self.callback_type.as_str())
            && same_text(entry.level.as_deref(), self.level.as_str())
            && entry.object_id == Some(self.object_id)
            && entry.url.as_deref() == Some(self.url.as_str())
    }

    fn differs(&self, entry: &CallbackEntry) -> bool {
        entry.inactive_flag == Some(true)
            || entry.description.as_deref().unwrap_or_default() != self.description
            || entry
                .payload_version
                .as_deref()
                .is_some_and(|v| v != "3.0.0")
            || self
                .self_suppressed
                .is_some_and(|s| entry.is_self_suppressed_flag.unwrap_or(false) != s)
    }

    fn entry(&self, existing: Option<&CallbackEntry>) -> Result<CallbackEntry, Error> {
        let mut body = json!({
            "url": self.url,
            "objectId": self.object_id,
            "type": self.callback_type.as_str(),
            "level": self.level.as_str(),
            "description": self.description,
            "payloadVersion": "3.0.0",
            "inactiveFlag": false,
        });
        if let Some(suppressed) = self.self_suppressed {
            body["isSelfSuppressedFlag"] = json!(suppressed);
        }
        if let Some(existing) = existing {
            body["id"] = json!(existing.id);
            if let Some(member) = existing.member_id {
                body["memberId"] = json!(member);
            }
        }
        serde_json::from_value(body).map_err(|e| Error::InvalidRequest {
            message: format!("callback entry: {e}"),
        })
    }
}

/// Makes `wanted` the set of callbacks (see [the module](super)). Duplicate registrations of one wanted
/// callback beyond the first are removed when `stale` owns their URL.
///
/// # Errors
/// The first failing call's [`Error`]; what was done before it stays done (running again continues).
pub async fn ensure_callbacks(
    client: &Client,
    wanted: &[WantedCallback],
    stale: &Stale,
) -> Result<EnsureReport, Error> {
    let span = tracing::info_span!(
        "psa.webhooks.ensure",
        vendor = "connectwise",
        wanted = wanted.len()
    );
    ensure(client, wanted, stale).instrument(span).await
}

async fn ensure(
    client: &Client,
    wanted: &[WantedCallback],
    stale: &Stale,
) -> Result<EnsureReport, Error> {
    let existing: Vec<CallbackEntry> = client
        .system()
        .get_system_callbacks()
        .collect_items(1000)
        .await?;
    let mut report = EnsureReport::default();
    let mut claimed = vec![false; existing.len()];
    for want in wanted {
        let found = existing
            .iter()
            .enumerate()
            .find(|(i, entry)| !claimed[*i] && want.matches(entry));
        match found {
            Some((i, entry)) => {
                claimed[i] = true;
                let id = entry.id.map(i64::from).unwrap_or_default();
                if want.differs(entry) {
                    let body = want.entry(Some(entry))?;
                    client
                        .system()
                        .put_system_callbacks_by_id()
                        .id(entry.id.unwrap_or_default())
                        .body(body)
                        .send()
                        .await?;
                    report.updated.push(id);
                } else {
                    report.unchanged.push(id);
                }
            }
            None => {
                let created = client
                    .system()
                    .post_system_callbacks()
                    .body(want.entry(None)?)
                    .send()
                    .await?
                    .into_inner();
                report
                    .created
                    .push(created.id.map(i64::from).unwrap_or_default());
            }
        }
    }
    for (entry, claimed) in existing.iter().zip(&claimed) {
        if !claimed && stale.removes(entry.url.as_deref()) {
            if let Some(id) = entry.id {
                client
                    .system()
                    .delete_system_callbacks_by_id()
                    .id(id)
                    .send()
                    .await?;
                report.removed.push(i64::from(id));
            }
        }
    }
    tracing::info!(
        created = report.created.len(),
        updated = report.updated.len(),
        removed = report.removed.len(),
        "connectwise callbacks ensured"
    );
    Ok(report)
}
