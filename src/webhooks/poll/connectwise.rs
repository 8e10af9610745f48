//! Polling ConnectWise service tickets by `_info/lastUpdated`.

use std::time::Duration;

use futures_util::TryStreamExt as _;
use tracing::Instrument as _;

use super::{advance, Changes, Cursor};
use crate::connectwise::conditions::{field, Condition};
use crate::connectwise::types::Ticket;
use crate::connectwise::Client;
use crate::pagination::ListStreams;
use crate::Error;

/// Service tickets changed since a [`Cursor`].
#[derive(Debug, Clone)]
pub struct TicketPoller {
    client: Client,
    filter: Option<Condition>,
    overlap: Duration,
    field: String,
    page_size: u32,
}

impl TicketPoller {
    /// Every ticket, with a 2-minute overlap.
    pub fn new(client: Client) -> TicketPoller {
        TicketPoller {
            client,
            filter: None,
            overlap: Duration::from_secs(120),
            field: "_info/lastUpdated".to_owned(),
            page_size: 1000,
        }
    }

    /// Only tickets that also match `condition` (a board, a status, …).
    pub fn filter(mut self, condition: Condition) -> TicketPoller {
        self.filter = Some(condition);
        self
    }

    /// Another overlap window.
    pub fn overlap(mut self, overlap: Duration) -> TicketPoller {
        self.overlap = overlap;
        self
    }

    /// Polls by another date-time field (`_info/dateEntered` for new tickets only; `_info/lastUpdated` by default).
    /// The ticket's change time is read from `_info` under the field's last path segment.
    pub fn by_field(mut self, path: impl Into<String>) -> TicketPoller {
        self.field = path.into();
        self
    }

    /// The tickets changed since `cursor`, oldest first, and the cursor to continue from.
    ///
    /// # Errors
    /// The failing page's [`Error`]; the cursor is not advanced (poll again from the same one).
    pub async fn poll(&self, cursor: &Cursor) -> Result<Changes<Ticket>, Error> {
        let span = tracing::info_span!(
            "psa.webhooks.poll",
            vendor = "connectwise",
            entity = "tickets"
        );
        async {
            let start = cursor.window_start(self.overlap);
            let mut condition = field(self.field.as_str()).ge(start);
            if let Some(extra) = &self.filter {
                condition = condition.and(extra.clone());
            }
            let tickets: Vec<Ticket> = self
                .client
                .service()
                .get_service_tickets()
                .conditions(condition)
                .stream_items(self.page_size)
                .try_collect()
                .await?;
            let key = self.field.rsplit('/').next().unwrap_or_default().to_owned();
            let mut without_time = 0;
            let fetched = tickets
                .into_iter()
                .filter_map(|ticket| {
                    let at = changed_at(&ticket, &key);
                    match (ticket.id, at) {
                        (Some(id), Some(at)) => Some((i64::from(id), at, ticket)),
                        _ => {
                            without_time += 1;
                            None
                        }
                    }
                })
                .collect();
            let mut changes = advance(cursor, self.overlap, fetched);
            changes.without_time = without_time;
            tracing::debug!(new = changes.records.len(), "connectwise tickets polled");
            Ok(changes)
        }
        .instrument(span)
        .await
    }
}

fn changed_at(ticket: &Ticket, key: &str) -> Option<chrono::DateTime<chrono::Utc>> {
    let info = ticket.info.as_ref()?;
    info.get(key)
        .and_then(|v| v.as_deref())
        .and_then(parse_time)
}

/// Reads a vendor timestamp (RFC 3339 or offset-less, taken as UTC).
fn parse_time(text: &str) -> Option<chrono::DateTime<chrono::Utc>> {
    text.parse::<crate::Timestamp>().ok().map(|t| t.to_utc())
}
