//! Kaseya BMS paging: `PageNumber`/`PageSize` with `TotalRecords`.
//!
//! BMS list endpoints take `PageNumber` (from 1) and `PageSize` and wrap
//! the records as `{"Success": true, "Result": [...], "TotalRecords": 1234}`
//! ([`PagedResponse`]). The pager goes on until `TotalRecords` records have
//! arrived (following a server that serves fewer per page than asked for),
//! and reports pages that cannot be followed as [`Error::Paging`] rather than
//! stopping early; see [`BmsPaging::pages`]. Only without a `TotalRecords`
//! does a short or empty page end the stream.
//!
//! ```no_run
//! # async fn run() -> Result<(), psa_clients::Error> {
//! use futures_util::TryStreamExt;
//! use psa_clients::pagination::bms::{BmsPaging, PagedResponse};
//!
//! let client = reqwest::Client::new();
//! let accounts = BmsPaging::new(100)?.items(|page_number, page_size| {
//!     let request = client
//!         .get("https://bms.example/v2/crm/accounts/lookup")
//!         .query(&[("PageNumber", page_number), ("PageSize", page_size)]);
//!     async move {
//!         let response = request.send().await.map_err(|err| {
//!             psa_clients::Error::Config { message: err.to_string() }
//!         })?;
//!         let envelope: PagedResponse<serde_json::Value> = response.json().await.map_err(|err| {
//!             psa_clients::Error::Config { message: err.to_string() }
//!         })?;
//!         Ok(envelope.into_parts())
//!     }
//! });
//! let all: Vec<serde_json::Value> = accounts.try_collect().await?;
//! # let _ = all;
//! # Ok(())
//! # }
//! ```

use std::future::Future;

use futures_core::Stream;
use serde::de::DeserializeOwned;
use serde::Deserialize;

use super::{config, paging, unfold_pages, NextPage, Page};
use crate::Error;

/// The BMS paged response envelope, decoded leniently (unknown fields are
/// ignored, a `null` or missing `Result` is an empty page).
///
/// ```
/// use psa_clients::pagination::bms::PagedResponse;
///
/// let body = r#"{"Success":true,"Result":[{"Id":1}],"TotalRecords":1}"#;
/// let envelope: PagedResponse<serde_json::Value> = serde_json::from_str(body)?;
/// let (records, total) = envelope.into_parts();
/// assert_eq!((records.len(), total), (1, Some(1)));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(bound(deserialize = "T: DeserializeOwned"))]
#[non_exhaustive]
pub struct PagedResponse<T> {
    /// Whether the server reports success.
    #[serde(default, rename = "Success")]
    pub success: Option<bool>,
    /// The records of this page.
    #[serde(default, rename = "Result")]
    pub result: Option<Vec<T>>,
    /// Records across all pages.
    #[serde(default, rename = "TotalRecords")]
    pub total_records: Option<u64>,
}

impl<T> PagedResponse<T> {
    /// The records and the total, as [`BmsPaging`]'s fetch closure returns
    /// them.
    ///
    /// ```
    /// # use psa_clients::pagination::bms::PagedResponse;
    /// let envelope: PagedResponse<u8> = serde_json::from_str(r#"{"Result":null}"#)?;
    /// assert_eq!(envelope.into_parts(), (vec![], None));
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    pub fn into_parts(self) -> (Vec<T>, Option<u64>) {
        (self.result.unwrap_or_default(), self.total_records)
    }
}

/// Kaseya BMS paging settings; [`BmsPaging::pages`] and
/// [`BmsPaging::items`] run them.
///
/// ```
/// use psa_clients::pagination::bms::BmsPaging;
/// assert!(BmsPaging::new(100).is_ok());
/// assert!(BmsPaging::new(0).is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BmsPaging {
    page_size: u32,
}

impl BmsPaging {
    /// Paging with `page_size` records per page, from page 1.
    ///
    /// # Errors
    /// [`Error::Config`] for a page size of 0 or above `i32::MAX` (the
    /// parameter is an `int32`).
    ///
    /// ```
    /// let paging = psa_clients::pagination::bms::BmsPaging::new(50)?;
    /// assert_eq!(paging.page_size(), 50);
    /// # Ok::<(), psa_clients::Error>(())
    /// ```
    pub fn new(page_size: u32) -> Result<Self, Error> {
        if page_size == 0 || i32::try_from(page_size).is_err() {
            return Err(config(format!(
                "Kaseya BMS PageSize must be between 1 and {}, got {page_size}",
                i32::MAX
            )));
        }
        Ok(Self { page_size })
    }

    /// The page size.
    ///
    /// ```
    /// # let paging = psa_clients::pagination::bms::BmsPaging::new(10)?;
    /// assert_eq!(paging.page_size(), 10);
    /// # Ok::<(), psa_clients::Error>(())
    /// ```
    pub fn page_size(&self) -> u32 {
        self.page_size
    }

    /// A lazy stream of pages; `fetch(page_number, page_size)` sends one
    /// request and returns the records and `TotalRecords`.
    ///
    /// With a `TotalRecords` (the latest one a page reported), the pager goes on until that many records have
    /// arrived, and stops there without another request. A server that serves fewer records per page than
    /// asked for (it caps `PageSize`) is followed: the first page shows the size it serves, and every later
    /// page is asked for in that size. Without a `TotalRecords`, a short or empty page is the end.
    ///
    /// # Errors
    /// Yielded as the stream's last item: the fetch's error, or [`Error::Paging`] when the pages cannot be
    /// followed consistently: an empty page before `TotalRecords` records have arrived, a short page after
    /// the server has served the full size (the list changed while paging, or `TotalRecords` is wrong), a
    /// page larger than the size asked for after the first, or page numbers running out.
    ///
    /// ```no_run
    /// # async fn run(fetch: impl FnMut(u32, u32)
    /// #     -> std::future::Ready<Result<(Vec<u32>, Option<u64>), psa_clients::Error>>)
    /// #     -> Result<(), psa_clients::Error> {
    /// use futures_util::TryStreamExt;
    /// use psa_clients::pagination::bms::BmsPaging;
    /// let pages: Vec<_> = BmsPaging::new(100)?.pages(fetch).try_collect().await?;
    /// println!("total {:?}", pages.first().and_then(|page| page.total));
    /// # Ok(())
    /// # }
    /// ```
    pub fn pages<T, F, Fut>(self, fetch: F) -> impl Stream<Item = Result<Page<T>, Error>>
    where
        F: FnMut(u32, u32) -> Fut,
        Fut: Future<Output = Result<(Vec<T>, Option<u64>), Error>>,
    {
        let first = Cursor {
            page_number: 1,
            page_size: self.page_size,
            received: 0,
            total: None,
        };
        unfold_pages(first, fetch, move |cursor: Cursor, number, mut fetch: F| {
            let pending = fetch(cursor.page_number, cursor.page_size);
            async move {
                let (items, total) = pending.await?;
                let next = cursor.after(number, items.len(), total)?;
                let is_last = matches!(next, NextPage::Stop);
                tracing::debug!(
                    vendor = "kaseya_bms",
                    page_number = cursor.page_number,
                    page_size = cursor.page_size,
                    items = items.len(),
                    total,
                    is_last,
                    "page received"
                );
                let page = Page {
                    items,
                    total,
                    number,
                    is_last,
                };
                Ok((page, next, fetch))
            }
        })
    }

    /// A lazy stream of records across all pages; see [`BmsPaging::pages`].
    ///
    /// ```no_run
    /// # async fn run(fetch: impl FnMut(u32, u32)
    /// #     -> std::future::Ready<Result<(Vec<u32>, Option<u64>), psa_clients::Error>>)
    /// #     -> Result<(), psa_clients::Error> {
    /// use psa_clients::pagination::{count, bms::BmsPaging};
    /// println!("{} records", count(BmsPaging::new(100)?.items(fetch)).await?);
    /// # Ok(())
    /// # }
    /// ```
    pub fn items<T, F, Fut>(self, fetch: F) -> impl Stream<Item = Result<T, Error>>
    where
        F: FnMut(u32, u32) -> Fut,
        Fut: Future<Output = Result<(Vec<T>, Option<u64>), Error>>,
    {
        super::items(self.pages(fetch))
    }
}

/// The request a BMS pager sends next, and what it knows so far.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Cursor {
    /// `PageNumber` to ask for, in units of `page_size`.
    page_number: u32,
    /// `PageSize` to ask for.
    page_size: u32,
    /// Records received before this request.
    received: u64,
    /// The latest `TotalRecords` a page reported.
    total: Option<u64>,
}

impl Cursor {
    /// What follows the page fetched with `self`, which was the `position`-th page of the stream and held
    /// `count` records and reported `reported_total`.
    ///
    /// `PageNumber` counts pages of the `PageSize` sent with it. When a server serves fewer records than asked
    /// for (it caps `PageSize`: asked 500, served 100), "page 2 of size 500" is ambiguous: some servers skip
    /// `(n - 1) × served` records, others `(n - 1) × asked` and then cap, which would silently skip records.
    /// So the pager does not keep asking in the size the server ignores: it asks for every later page in the
    /// size the server served, which the server then honours exactly, and both readings agree. Only the first
    /// page may change the size (it is where the served size is learned), so the records received are then
    /// exactly one page of the new size and the next page number is `received / served + 1 = 2`. After that,
    /// a page of another size while more records remain cannot be followed without skipping or repeating
    /// records, and is [`Error::Paging`].
    fn after(
        self,
        position: u32,
        count: usize,
        reported_total: Option<u64>,
    ) -> Result<NextPage<Self>, Error> {
        let received = self.received.saturating_add(count as u64);
        let total = reported_total.or(self.total);
        let page_size = self.page_size as usize;
        match total {
            Some(total) if received >= total => return Ok(NextPage::Stop),
            // Without a total, a short or empty page is all there is to go by.
            None if count < page_size => return Ok(NextPage::Stop),
            _ => {}
        }
        let page_number = self.page_number;
        let asked = self.page_size;
        let progress = || match total {
            Some(total) => format!("{received} of {total} records (TotalRecords) have arrived"),
            None => format!("{received} records have arrived and there is no TotalRecords"),
        };
        if count == 0 {
            return Err(paging(format!(
                "Kaseya BMS page {page_number} at PageSize {asked} is empty, but only {}",
                progress()
            )));
        }
        let (page_number, page_size) = if count == page_size {
            (page_number.checked_add(1), asked)
        } else if position == 1 {
            let served = u32::try_from(count)
                .ok()
                .filter(|&served| i32::try_from(served).is_ok())
                .ok_or_else(|| {
                    paging(format!(
                        "Kaseya BMS page 1 held {count} records, more than a PageSize can ask for"
                    ))
                })?;
            // One page of `served` records has arrived: the next one is page 2 of that size.
            let next = received / u64::from(served) + 1;
            (u32::try_from(next).ok(), served)
        } else {
            return Err(paging(format!(
                "Kaseya BMS page {page_number} held {count} records at PageSize {asked}, which the server \
                 served in full before, while {}: the list changed while paging or TotalRecords is wrong, and \
                 following on would skip or repeat records",
                progress()
            )));
        };
        let Some(page_number) = page_number else {
            return Err(paging(format!(
                "Kaseya BMS page numbers ran out after page {} while {}",
                self.page_number,
                progress()
            )));
        };
        Ok(NextPage::Fetch(Self {
            page_number,
            page_size,
            received,
            total,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cursor(page_number: u32, page_size: u32, received: u64) -> Cursor {
        Cursor {
            page_number,
            page_size,
            received,
            total: None,
        }
    }

    fn fetch(next: Result<NextPage<Cursor>, Error>) -> Option<(u32, u32, u64)> {
        match next {
            Ok(NextPage::Fetch(c)) => Some((c.page_number, c.page_size, c.received)),
            Ok(NextPage::Stop) => None,
            Err(err) => panic!("unexpected error: {err}"),
        }
    }

    #[test]
    fn a_full_page_goes_on_and_the_total_ends_the_stream() {
        assert_eq!(
            fetch(cursor(1, 10, 0).after(1, 10, Some(25))),
            Some((2, 10, 10))
        );
        assert_eq!(fetch(cursor(3, 10, 20).after(3, 5, Some(25))), None);
        assert_eq!(fetch(cursor(2, 10, 10).after(2, 10, Some(20))), None);
        // Without a total a full page means more and a short one the end.
        assert_eq!(
            fetch(cursor(1, 10, 0).after(1, 10, None)),
            Some((2, 10, 10))
        );
        assert_eq!(fetch(cursor(2, 10, 10).after(2, 3, None)), None);
        assert_eq!(fetch(cursor(2, 10, 10).after(2, 0, None)), None);
    }

    #[test]
    fn the_first_page_teaches_the_served_size() {
        // Capped below the size asked for, and above it (a server that ignores PageSize).
        assert_eq!(
            fetch(cursor(1, 500, 0).after(1, 100, Some(350))),
            Some((2, 100, 100))
        );
        assert_eq!(
            fetch(cursor(1, 10, 0).after(1, 25, Some(60))),
            Some((2, 25, 25))
        );
        assert_eq!(
            fetch(cursor(1, 10, 0).after(1, 25, None)),
            Some((2, 25, 25))
        );
    }

    #[test]
    fn a_later_page_that_cannot_be_followed_is_a_paging_error() {
        let later_short = cursor(2, 100, 100).after(2, 40, Some(350));
        assert!(
            matches!(later_short, Err(Error::Paging { .. })),
            "{later_short:?}"
        );
        let later_long = cursor(2, 100, 100).after(2, 140, None);
        assert!(
            matches!(later_long, Err(Error::Paging { .. })),
            "{later_long:?}"
        );
        let empty = cursor(2, 100, 100).after(2, 0, Some(350));
        let message = empty.map(|_| ()).unwrap_err().to_string();
        assert!(
            message.contains("page 2 at PageSize 100 is empty"),
            "{message}"
        );
        assert!(message.contains("100 of 350"), "{message}");
        // The total of an earlier page still counts when a later page omits it.
        let remembered = Cursor {
            total: Some(350),
            ..cursor(2, 100, 100)
        };
        assert!(matches!(
            remembered.after(2, 0, None),
            Err(Error::Paging { .. })
        ));
    }

    #[test]
    fn running_out_of_page_numbers_is_a_paging_error() {
        let last = cursor(u32::MAX, 1, u64::from(u32::MAX) - 1).after(5, 1, Some(u64::MAX));
        assert!(matches!(last, Err(Error::Paging { .. })), "{last:?}");
    }
}
