//! Polling where no push exists (or as a safety net under one): "records changed since T", resumable from a
//! stored [`Cursor`], with an overlap window and de-duplication.
//!
//! Each poll asks for the records whose change time is at or after `cursor.since - overlap`. The overlap
//! catches records whose change became visible late (a write committed after a poll that ran while it was in
//! flight, or a server clock a little behind); the cursor remembers the `(id, change time)` pairs already
//! handed out inside the window, so the overlap does not hand them out twice. A record changed again has a
//! new change time and is handed out again. The cursor advances to the newest change time *the server*
//! reported, never to the local clock, so clock skew between you and the vendor cannot skip records.
//!
//! - [`connectwise::TicketPoller`] (feature `connectwise-service`): service tickets by `_info/lastUpdated`.
//! - [`autotask::TicketPoller`] (feature `autotask`): tickets by `lastActivityDate`, or by `createDate` for
//!   the "new tickets" sensor ([`autotask::TicketPoller::new_tickets`]).
//! - [`bms::TicketPoller`] (feature `bms`): tickets by `lastActivityUpdate` or `createdOn`.
//!
//! ```no_run
//! # #[cfg(feature = "autotask")]
//! # async fn demo(at: &psa_clients::autotask::Client, stored: Option<String>) -> Result<(), Box<dyn std::error::Error>> {
//! use psa_clients::webhooks::poll::{autotask::TicketPoller, Cursor};
//! let poller = TicketPoller::new_tickets(at.clone());
//! let cursor = match stored {
//!     Some(json) => Cursor::from_json(&json)?,
//!     None => Cursor::starting_at(chrono::Utc::now() - chrono::Duration::hours(1)),
//! };
//! let changes = poller.poll(&cursor).await?;
//! for ticket in &changes.records {
//!     println!("new ticket {:?}: {:?}", ticket.id, ticket.title);
//! }
//! let _store_me = changes.cursor.to_json(); // persist, then poll again from it
//! # Ok(()) }
//! ```

#[cfg(feature = "autotask")]
pub mod autotask;
#[cfg(feature = "bms")]
pub mod bms;
#[cfg(feature = "connectwise-service")]
pub mod connectwise;

use std::collections::BTreeSet;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Where a poller stands: everything changed before `since` was handed out, and so were the `seen` records
/// (id and change time) inside the overlap window. Serialize it to store it between runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cursor {
    /// The newest change time handed out (or the starting point).
    pub since: DateTime<Utc>,
    /// Records handed out whose change time is inside the overlap window before `since`.
    #[serde(default)]
    pub seen: BTreeSet<(i64, DateTime<Utc>)>,
}

impl Cursor {
    /// A cursor that hands out everything changed at or after `since`.
    pub fn starting_at(since: DateTime<Utc>) -> Cursor {
        Cursor {
            since,
            seen: BTreeSet::new(),
        }
    }

    /// The cursor as JSON, to store.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// A stored cursor.
    ///
    /// # Errors
    /// When `json` is not a cursor.
    pub fn from_json(json: &str) -> Result<Cursor, serde_json::Error> {
        serde_json::from_str(json)
    }

    /// The lower bound of the next query: `since - overlap`.
    pub fn window_start(&self, overlap: Duration) -> DateTime<Utc> {
        let overlap = chrono::Duration::from_std(overlap).unwrap_or(chrono::Duration::zero());
        self.since
            .checked_sub_signed(overlap)
            .unwrap_or(DateTime::<Utc>::MIN_UTC)
    }
}

/// What a poll found: the records changed since the cursor (oldest change first) and the cursor to continue
/// from.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Changes<T> {
    /// New changes, oldest first.
    pub records: Vec<T>,
    /// Where the next poll starts; store it once the records are handled.
    pub cursor: Cursor,
    /// Records that were skipped because they carried no change time.
    pub without_time: usize,
}

/// The de-duplication step, independent of any vendor: `fetched` are `(id, change time, record)` of a query
/// for change times at or after `cursor.window_start(overlap)`.
pub fn advance<T>(
    cursor: &Cursor,
    overlap: Duration,
    fetched: Vec<(i64, DateTime<Utc>, T)>,
) -> Changes<T> {
    let start = cursor.window_start(overlap);
    let mut fetched: Vec<_> = fetched
        .into_iter()
        .filter(|(_, at, _)| *at >= start)
        .collect();
    fetched.sort_by_key(|(id, at, _)| (*at, *id));
    let mut seen = cursor.seen.clone();
    let mut since = cursor.since;
    let mut records = Vec::new();
    for (id, at, record) in fetched {
        since = since.max(at);
        if seen.insert((id, at)) {
            records.push(record);
        }
    }
    let next_start = Cursor::starting_at(since).window_start(overlap);
    seen.retain(|(_, at)| *at >= next_start);
    Changes {
        records,
        cursor: Cursor { since, seen },
        without_time: 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_700_000_000 + s, 0).expect("time")
    }

    #[test]
    fn the_overlap_catches_late_records_without_repeating_seen_ones() {
        let overlap = Duration::from_secs(60);
        let start = Cursor::starting_at(t(0));
        let first = advance(&start, overlap, vec![(1, t(10), "a"), (2, t(20), "b")]);
        assert_eq!(first.records, ["a", "b"]);
        assert_eq!(first.cursor.since, t(20));
        // Next poll asks from t(20) - 60 s: 1 and 2 come again, plus 3, which committed late at t(15).
        let second = advance(
            &first.cursor,
            overlap,
            vec![(1, t(10), "a"), (3, t(15), "c"), (2, t(20), "b")],
        );
        assert_eq!(second.records, ["c"]);
        // Ticket 1 changed again: a new change, handed out again.
        let third = advance(
            &second.cursor,
            overlap,
            vec![(1, t(200), "a2"), (2, t(20), "b")],
        );
        assert_eq!(third.records, ["a2"]);
        assert_eq!(third.cursor.since, t(200));
        // Out of the window: forgotten (and never asked for again).
        assert!(third.cursor.seen.iter().all(|(_, at)| *at >= t(140)));
    }

    #[test]
    fn nothing_new_keeps_the_cursor_and_it_round_trips_as_json() {
        let cursor = Cursor::starting_at(t(5));
        let none = advance::<()>(&cursor, Duration::from_secs(30), Vec::new());
        assert!(none.records.is_empty());
        assert_eq!(none.cursor, cursor);
        let after = advance(&cursor, Duration::from_secs(30), vec![(9, t(6), ())]).cursor;
        assert_eq!(Cursor::from_json(&after.to_json()).expect("json"), after);
        // Records older than the window (a server ignoring the filter) are not handed out.
        let old = advance(&after, Duration::from_secs(0), vec![(8, t(1), ())]);
        assert!(old.records.is_empty());
    }
}
