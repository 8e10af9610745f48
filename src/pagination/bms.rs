//! Kaseya BMS paging: `PageNumber`/`PageSize` with `TotalRecords`.
//!
//! BMS list endpoints take `PageNumber` (from 1) and `PageSize` and wrap
//! the records as `{"Success": true, "Result": [...], "TotalRecords": 1234}`
//! ([`PagedResponse`]). The pager stops once `TotalRecords` records have
//! arrived, or at a short or empty page, whichever comes first.
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

use super::{config, drive, Next, Page};
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
    /// Stops after the page that brings the record count to the latest
    /// `TotalRecords`, after a page shorter than the page size, or at an
    /// empty page.
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
        let page_size = self.page_size;
        // The cursor is (page number, records received before it).
        drive(
            (1u32, 0u64),
            fetch,
            move |(page_number, before): (u32, u64), number, mut fetch: F| {
                let pending = fetch(page_number, page_size);
                async move {
                    let (items, total) = pending.await?;
                    let received = before.saturating_add(items.len() as u64);
                    let short = items.len() < page_size as usize;
                    let complete = total.is_some_and(|total| received >= total);
                    let next = match page_number.checked_add(1) {
                        Some(following) if !(short || complete) => {
                            Next::Fetch((following, received))
                        }
                        _ => Next::Stop,
                    };
                    let is_last = matches!(next, Next::Stop);
                    tracing::debug!(
                        vendor = "kaseya_bms",
                        page_number,
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
            },
        )
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
