//! Lazy, constant-memory paging over the three vendors' list endpoints.
//!
//! Each vendor pages differently:
//!
//! - [`connectwise`]: `page`/`pageSize` query parameters, the next page named
//!   by the `Link` response header, optionally forward-only with `pageId`.
//! - [`autotask`]: a query answered with `pageDetails.nextPageUrl`, which
//!   must be requested with the same method and body as the first request.
//! - [`bms`]: `PageNumber`/`PageSize` with `TotalRecords` in the envelope.
//!
//! The pagers do not send anything themselves: each takes a closure that
//! fetches one page (with [`Transport`](crate::transport::Transport), a
//! generated client or plain `reqwest`), so they plug into any client. They
//! return a stream of [`Page`]s; [`items`] flattens that into a stream of
//! records.
//!
//! Every stream here is lazy (nothing is requested until it is polled),
//! buffers at most one page, ends after the last page, and after a failed
//! page yields that error and then ends: a failure is never turned into a
//! silently shorter result.
//!
//! ```no_run
//! # async fn run() -> Result<(), psa_clients::Error> {
//! use psa_clients::pagination::{self, bms::BmsPaging};
//!
//! let records = BmsPaging::new(100)?.items(|page_number, page_size| async move {
//!     // Send the request for this page here and return its records and
//!     // the envelope's `TotalRecords`.
//!     let _ = (page_number, page_size);
//!     Ok::<_, psa_clients::Error>((Vec::<u32>::new(), Some(0)))
//! });
//! let first_thousand = pagination::try_collect(records, Some(1000)).await?;
//! # let _ = first_thousand;
//! # Ok(())
//! # }
//! ```

use std::future::Future;
use std::pin::{pin, Pin};
use std::vec;

use futures_core::Stream;
use futures_util::stream::{self, StreamExt};

use crate::Error;

pub mod autotask;
pub mod bms;
pub mod connectwise;
#[cfg(any(feature = "bms", feature = "_connectwise"))]
mod list;

#[cfg(any(feature = "bms", feature = "_connectwise"))]
pub use list::ListStreams;

/// A boxed, `Send` stream of pages, as the vendor clients return them.
pub type PageStream<'a, T> = Pin<Box<dyn Stream<Item = Result<Page<T>, Error>> + Send + 'a>>;

/// A boxed, `Send` stream of records, as the vendor clients return them.
pub type ItemStream<'a, T> = Pin<Box<dyn Stream<Item = Result<T, Error>> + Send + 'a>>;

/// One page of results as a pager received it.
///
/// ```
/// use psa_clients::pagination::Page;
///
/// let page = Page::new(vec![1, 2, 3], 1);
/// assert_eq!(page.items.len(), 3);
/// assert_eq!(page.total, None);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Page<T> {
    /// The records of this page, in the order the vendor sent them.
    pub items: Vec<T>,
    /// The total number of records across all pages, when the vendor says
    /// (Kaseya BMS `TotalRecords`; ConnectWise and Autotask do not).
    pub total: Option<u64>,
    /// Position of this page in the stream, starting at 1.
    pub number: u32,
    /// Whether the pager will stop after this page.
    pub is_last: bool,
}

impl<T> Page<T> {
    /// A page with no total that is not known to be the last.
    ///
    /// ```
    /// let page = psa_clients::pagination::Page::new(vec!["a"], 2);
    /// assert_eq!(page.number, 2);
    /// assert!(!page.is_last);
    /// ```
    pub fn new(items: Vec<T>, number: u32) -> Self {
        Self {
            items,
            total: None,
            number,
            is_last: false,
        }
    }
}

/// Flattens a stream of pages into a stream of records.
///
/// Holds one page at a time and asks for the next page only when the
/// current one is used up. After an error from `pages` it yields that error
/// and ends, even if `pages` itself would go on.
///
/// ```
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// use futures_util::{stream, TryStreamExt};
/// use psa_clients::pagination::{items, Page};
///
/// let pages = stream::iter(vec![Ok(Page::new(vec![1, 2], 1)), Ok(Page::new(vec![3], 2))]);
/// let all: Vec<i32> = items(pages).try_collect().await.unwrap();
/// assert_eq!(all, [1, 2, 3]);
/// # });
/// ```
pub fn items<T, S>(pages: S) -> impl Stream<Item = Result<T, Error>>
where
    S: Stream<Item = Result<Page<T>, Error>>,
{
    struct State<S, T> {
        // Boxed once so callers need not pin the page stream themselves.
        pages: Pin<Box<S>>,
        buffer: vec::IntoIter<T>,
        done: bool,
    }

    let state = State {
        pages: Box::pin(pages),
        buffer: Vec::new().into_iter(),
        done: false,
    };
    stream::unfold(state, |mut state| async move {
        loop {
            if let Some(item) = state.buffer.next() {
                return Some((Ok(item), state));
            }
            if state.done {
                return None;
            }
            // Release the used-up page's buffer before the next one arrives,
            // so at most one page is held while waiting.
            state.buffer = Vec::new().into_iter();
            match state.pages.next().await {
                Some(Ok(page)) => state.buffer = page.items.into_iter(),
                Some(Err(err)) => {
                    state.done = true;
                    return Some((Err(err), state));
                }
                None => return None,
            }
        }
    })
}

/// Collects a stream of records, stopping early once `cap` records are in.
///
/// With a cap the stream is not polled again once the cap is reached, so
/// no further page is requested: `Some(500)` over 100-record pages sends
/// exactly five requests. `None` collects everything.
///
/// # Errors
/// The first error the stream yields; the records before it are dropped.
///
/// ```
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// use futures_util::stream;
/// use psa_clients::pagination::try_collect;
///
/// let records = stream::iter((1..=10).map(Ok::<_, psa_clients::Error>));
/// assert_eq!(try_collect(records, Some(3)).await.unwrap(), [1, 2, 3]);
/// # });
/// ```
pub async fn try_collect<T, S>(stream: S, cap: Option<usize>) -> Result<Vec<T>, Error>
where
    S: Stream<Item = Result<T, Error>>,
{
    let mut stream = pin!(stream);
    let mut out = Vec::new();
    while cap.is_none_or(|cap| out.len() < cap) {
        match stream.next().await {
            Some(item) => out.push(item?),
            None => break,
        }
    }
    Ok(out)
}

/// Counts the records of a record stream, fetching every page.
///
/// # Errors
/// The first error the stream yields.
///
/// ```
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// use futures_util::stream;
///
/// let records = stream::iter((0..7).map(Ok::<_, psa_clients::Error>));
/// assert_eq!(psa_clients::pagination::count(records).await.unwrap(), 7);
/// # });
/// ```
pub async fn count<T, S>(stream: S) -> Result<u64, Error>
where
    S: Stream<Item = Result<T, Error>>,
{
    let mut stream = pin!(stream);
    let mut n = 0u64;
    while let Some(item) = stream.next().await {
        item?;
        n += 1;
    }
    Ok(n)
}

/// Counts pages and records of a page stream without iterating records.
///
/// # Errors
/// The first error the stream yields.
///
/// ```
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// use futures_util::stream;
/// use psa_clients::pagination::{count_pages, Page, PageCount};
///
/// let pages = stream::iter(vec![Ok(Page::new(vec![1, 2], 1)), Ok(Page::new(vec![3], 2))]);
/// assert_eq!(count_pages(pages).await.unwrap(), PageCount { pages: 2, items: 3 });
/// # });
/// ```
pub async fn count_pages<T, S>(pages: S) -> Result<PageCount, Error>
where
    S: Stream<Item = Result<Page<T>, Error>>,
{
    let mut pages = pin!(pages);
    let mut count = PageCount::default();
    while let Some(page) = pages.next().await {
        count.pages += 1;
        count.items += page?.items.len() as u64;
    }
    Ok(count)
}

/// What [`count_pages`] found.
///
/// ```
/// let count = psa_clients::pagination::PageCount { pages: 1, items: 10 };
/// assert_eq!(count.items, 10);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PageCount {
    /// Pages received.
    pub pages: u64,
    /// Records across those pages.
    pub items: u64,
}

/// What a pager does after receiving a page: stop, or fetch `C` next.
#[derive(Debug)]
enum Next<C> {
    Fetch(C),
    Stop,
}

/// Shared driver: `step` fetches the page for a cursor and says what comes
/// next. Ends after [`Next::Stop`] or after the first error (the state is
/// gone once a step fails, so nothing more can be fetched).
fn drive<C, S, T, F, Fut>(
    first: C,
    state: S,
    mut step: F,
) -> impl Stream<Item = Result<Page<T>, Error>>
where
    F: FnMut(C, u32, S) -> Fut,
    Fut: Future<Output = Result<(Page<T>, Next<C>, S), Error>>,
{
    stream::try_unfold(
        (Some(first), 1u32, state),
        move |(cursor, number, state)| {
            let fetch = cursor.map(|cursor| step(cursor, number, state));
            async move {
                let Some(fetch) = fetch else {
                    return Ok(None);
                };
                let (page, next, state) = fetch.await?;
                let cursor = match next {
                    Next::Fetch(cursor) => Some(cursor),
                    Next::Stop => None,
                };
                Ok(Some((page, (cursor, number.saturating_add(1), state))))
            }
        },
    )
}

fn config(message: impl Into<String>) -> Error {
    Error::Config {
        message: message.into(),
    }
}

fn paging(message: impl Into<String>) -> Error {
    Error::Paging {
        message: message.into(),
    }
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;

    use futures_util::stream;

    use super::*;

    fn failed() -> Error {
        paging("page 2 failed")
    }

    #[tokio::test]
    async fn items_end_after_an_error_even_if_the_pages_go_on() {
        let pages = stream::iter(vec![
            Ok(Page::new(vec![1, 2], 1)),
            Err(failed()),
            Ok(Page::new(vec![3], 3)),
        ]);
        let results: Vec<Result<i32, Error>> = items(pages).collect().await;
        assert_eq!(results.len(), 3);
        assert!(matches!(results[..2], [Ok(1), Ok(2)]));
        assert!(matches!(results[2], Err(Error::Paging { .. })));
    }

    #[tokio::test]
    async fn cap_stops_polling_and_errors_are_returned() {
        let polled = Cell::new(0);
        let records = stream::iter(1..=10).map(|n| {
            polled.set(polled.get() + 1);
            Ok::<_, Error>(n)
        });
        assert_eq!(
            try_collect(records, Some(4)).await.ok(),
            Some(vec![1, 2, 3, 4])
        );
        assert_eq!(polled.get(), 4);
        let none = try_collect(stream::iter(vec![Ok::<i32, Error>(1)]), Some(0)).await;
        assert_eq!(none.ok(), Some(vec![]));
        let failing = stream::iter(vec![Ok(1), Err(failed())]);
        assert!(try_collect(failing, None).await.is_err());
    }

    #[tokio::test]
    async fn drive_stops_after_the_last_page_and_after_an_error() {
        let calls = Cell::new(0u32);
        let pages = drive(1u32, (), |cursor, number, ()| {
            calls.set(calls.get() + 1);
            async move {
                let next = if cursor < 3 {
                    Next::Fetch(cursor + 1)
                } else {
                    Next::Stop
                };
                Ok((Page::new(vec![cursor], number), next, ()))
            }
        });
        let count = count_pages(pages).await.ok();
        assert_eq!(count, Some(PageCount { pages: 3, items: 3 }));
        assert_eq!(calls.get(), 3);

        let calls = Cell::new(0u32);
        let pages = drive(1u32, (), |cursor, _, ()| {
            calls.set(calls.get() + 1);
            async move {
                if cursor == 2 {
                    return Err(failed());
                }
                Ok((Page::new(vec![cursor], cursor), Next::Fetch(cursor + 1), ()))
            }
        });
        let results: Vec<_> = pages.collect().await;
        assert_eq!(results.len(), 2);
        assert!(results[1].is_err());
        assert_eq!(calls.get(), 2);
    }
}
