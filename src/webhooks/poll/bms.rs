//! Polling Kaseya BMS tickets by `lastActivityUpdate` (changes) or `createdOn` (new tickets).

use std::time::Duration;

use tracing::Instrument as _;

use super::{advance, Changes, Cursor};
use crate::bms::types::TicketListDto;
use crate::bms::Client;
use crate::pagination::ListStreams;
use crate::{Error, Timestamp};

/// Which date a [`TicketPoller`] follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TicketTime {
    /// `lastActivityUpdate` (`Filter.LastActivityUpdateFrom`): any activity (the default).
    LastActivity,
    /// `createdOn` (`Filter.CreatedOnFrom`): new tickets only.
    Created,
}

/// BMS tickets changed (or created) since a [`Cursor`].
#[derive(Debug, Clone)]
pub struct TicketPoller {
    client: Client,
    overlap: Duration,
    time: TicketTime,
    page_size: u32,
}

impl TicketPoller {
    /// Tickets with activity since the cursor, 2-minute overlap.
    pub fn new(client: Client) -> TicketPoller {
        TicketPoller {
            client,
            overlap: Duration::from_secs(120),
            time: TicketTime::LastActivity,
            page_size: 100,
        }
    }

    /// Tickets created since the cursor.
    pub fn new_tickets(client: Client) -> TicketPoller {
        TicketPoller {
            time: TicketTime::Created,
            ..TicketPoller::new(client)
        }
    }

    /// Another overlap window.
    pub fn overlap(mut self, overlap: Duration) -> TicketPoller {
        self.overlap = overlap;
        self
    }

    /// The tickets changed since `cursor`, oldest first, and the cursor to continue from.
    ///
    /// # Errors
    /// The failing page's [`Error`]; the cursor is not advanced (poll again from the same one).
    pub async fn poll(&self, cursor: &Cursor) -> Result<Changes<TicketListDto>, Error> {
        let span = tracing::info_span!("psa.webhooks.poll", vendor = "bms", entity = "tickets");
        async {
            let start = Timestamp::from(cursor.window_start(self.overlap));
            let request = self.client.get_tickets();
            let request = match self.time {
                TicketTime::LastActivity => request.filter_last_activity_update_from(start),
                TicketTime::Created => request.filter_created_on_from(start),
            };
            let tickets: Vec<TicketListDto> = request.collect_items(self.page_size).await?;
            let mut without_time = 0;
            let fetched = tickets
                .into_iter()
                .filter_map(|ticket| {
                    let at = match self.time {
                        TicketTime::LastActivity => ticket.last_activity_update,
                        TicketTime::Created => ticket.created_on,
                    };
                    match (ticket.id, at) {
                        (Some(id), Some(at)) => Some((i64::from(id), at.to_utc(), ticket)),
                        _ => {
                            without_time += 1;
                            None
                        }
                    }
                })
                .collect();
            let mut changes = advance(cursor, self.overlap, fetched);
            changes.without_time = without_time;
            tracing::debug!(new = changes.records.len(), "bms tickets polled");
            Ok(changes)
        }
        .instrument(span)
        .await
    }
}
