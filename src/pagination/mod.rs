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
//! Collecting a whole result is [`try_collect`] (or `TryStreamExt::try_collect`). A limit is explicit:
//! [`collect_at_most`] returns a [`Capped`] that says whether records were left behind, and `.take(n)` on a
//! record stream is there for when that does not matter. Nothing here shortens a result without saying so.
//!
//! ```no_run
//! # async fn run() -> Result<(), psa_clients::Error> {
//! use psa_clients::pagination::{self, bms::BmsPaging};
//!
//! let pages = BmsPaging::new(100)?.pages(|page_number, page_size| async move {
//!     // Send the request for this page here and return its records and
//!     // the envelope's `TotalRecords`.
//!     let _ = (page_number, page_size);
//!     Ok::<_, psa_clients::Error>((Vec::<u32>::new(), Some(0)))
//! });
//! let first = pagination::collect_at_most(pages, 1000).await?;
//! if first.truncated {
//!     println!("showing the first {} records; there are more", first.items.len());
//! }
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

/// Collects every record of a record stream, fetching every page.
///
/// For a limit, use [`collect_at_most`] (which says whether records were left behind) or `.take(n)` on the
/// stream (which does not).
///
/// # Errors
/// The first error the stream yields; the records before it are dropped.
///
/// ```
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// use futures_util::stream;
/// use psa_clients::pagination::try_collect;
///
/// let records = stream::iter((1..=3).map(Ok::<_, psa_clients::Error>));
/// assert_eq!(try_collect(records).await.unwrap(), [1, 2, 3]);
/// # });
/// ```
pub async fn try_collect<T, S>(stream: S) -> Result<Vec<T>, Error>
where
    S: Stream<Item = Result<T, Error>>,
{
    let mut stream = pin!(stream);
    let mut out = Vec::new();
    while let Some(item) = stream.next().await {
        out.push(item?);
    }
    Ok(out)
}

/// What [`collect_at_most`] gathered: at most the records asked for, and whether any were left behind.
///
/// ```
/// use psa_clients::pagination::Capped;
///
/// fn report(capped: &Capped<u32>) -> String {
///     if capped.truncated {
///         format!("first {} records (more exist)", capped.items.len())
///     } else {
///         format!("all {} records", capped.items.len())
///     }
/// }
/// # let _ = report;
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
#[must_use = "records may have been left behind: check `truncated`"]
pub struct Capped<T> {
    /// The records, in stream order; never more than the cap.
    pub items: Vec<T>,
    /// True when the source had more records than the cap: the result is not the whole list.
    pub truncated: bool,
}

impl<T> Capped<T> {
    /// Whether records were left behind (the same as the `truncated` field).
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// use futures_util::stream;
    /// use psa_clients::pagination::{collect_at_most, Page};
    ///
    /// let pages = stream::iter(vec![Ok::<_, psa_clients::Error>(Page::new(vec![1, 2, 3], 1))]);
    /// assert!(collect_at_most(pages, 2).await.unwrap().is_truncated());
    /// # });
    /// ```
    pub fn is_truncated(&self) -> bool {
        self.truncated
    }
}

/// Collects at most `max` records from a page stream, and says whether more remained.
///
/// Pages are fetched only until `max` records are in, plus what it takes to know whether the result is
/// complete. That is known without another request when the cap falls inside a page, when the page that
/// fills it is the last one ([`Page::is_last`]), or when its total (Kaseya BMS `TotalRecords`) is larger than
/// the records received. Otherwise (a ConnectWise or Autotask page that ends exactly at the cap and has a
/// next page) the next page is fetched to find out, and its records are not returned. `max = 0` fetches the
/// first page, to tell an empty list from a non-empty one.
///
/// # Errors
/// The first error the stream yields, including on the page fetched only to find out whether more remain.
///
/// ```
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// use futures_util::stream;
/// use psa_clients::pagination::{collect_at_most, Page};
///
/// let pages = || stream::iter(vec![
///     Ok::<_, psa_clients::Error>(Page::new(vec![1, 2], 1)),
///     Ok(Page::new(vec![3], 2)),
/// ]);
/// let first_two = collect_at_most(pages(), 2).await.unwrap();
/// assert_eq!((first_two.items, first_two.truncated), (vec![1, 2], true));
/// let all = collect_at_most(pages(), 10).await.unwrap();
/// assert_eq!((all.items, all.truncated), (vec![1, 2, 3], false));
/// # });
/// ```
pub async fn collect_at_most<T, S>(pages: S, max: usize) -> Result<Capped<T>, Error>
where
    S: Stream<Item = Result<Page<T>, Error>>,
{
    let mut pages = pin!(pages);
    let mut items = Vec::new();
    let mut seen = 0u64;
    while let Some(page) = pages.next().await {
        let page = page?;
        seen = seen.saturating_add(page.items.len() as u64);
        // `items` never holds more than `max`.
        let room = max - items.len();
        if page.items.len() > room {
            items.extend(page.items.into_iter().take(room));
            return Ok(Capped {
                items,
                truncated: true,
            });
        }
        items.extend(page.items);
        if items.len() == max {
            if page.is_last {
                break;
            }
            if page.total.is_some_and(|total| seen < total) {
                return Ok(Capped {
                    items,
                    truncated: true,
                });
            }
            // Only the next page can tell; a record on it means the result was cut.
        }
    }
    Ok(Capped {
        items,
        truncated: false,
    })
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

/// What a pager does after receiving a page: stop, or fetch the page at cursor `C` next.
#[derive(Debug)]
enum NextPage<C> {
    /// Fetch the page this cursor names.
    Fetch(C),
    /// That was the last page.
    Stop,
}

/// The page stream of every paging style: `step` fetches the page for a cursor and says what comes
/// next. Ends after [`NextPage::Stop`] or after the first error (the state is
/// gone once a step fails, so nothing more can be fetched).
fn unfold_pages<C, S, T, F, Fut>(
    first: C,
    state: S,
    mut step: F,
) -> impl Stream<Item = Result<Page<T>, Error>>
where
    F: FnMut(C, u32, S) -> Fut,
    Fut: Future<Output = Result<(Page<T>, NextPage<C>, S), Error>>,
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
                    NextPage::Fetch(cursor) => Some(cursor),
                    NextPage::Stop => None,
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
    async fn try_collect_takes_everything_and_returns_errors() {
        let records = stream::iter((1..=10).map(Ok::<_, Error>));
        assert_eq!(try_collect(records).await.ok(), Some((1..=10).collect()));
        let failing = stream::iter(vec![Ok(1), Err(failed())]);
        assert!(try_collect(failing).await.is_err());
    }

    fn page(items: Vec<i32>, number: u32, total: Option<u64>, is_last: bool) -> Page<i32> {
        Page {
            items,
            total,
            number,
            is_last,
        }
    }

    /// Collects at most `max` from `pages`, returning the result and how many pages were polled.
    async fn capped(pages: Vec<Page<i32>>, max: usize) -> (Capped<i32>, usize) {
        let polled = Cell::new(0);
        let stream = stream::iter(pages).map(|page| {
            polled.set(polled.get() + 1);
            Ok::<_, Error>(page)
        });
        let result = collect_at_most(stream, max).await;
        (result.expect("no errors"), polled.get())
    }

    #[tokio::test]
    async fn collect_at_most_says_whether_records_were_left_behind() {
        let open = || {
            vec![
                page(vec![1, 2], 1, None, false),
                page(vec![3, 4], 2, None, false),
                page(vec![5], 3, None, true),
            ]
        };
        // Inside a page: cut, and no further page is polled.
        let (c, polled) = capped(open(), 3).await;
        assert_eq!((c.items, c.truncated, polled), (vec![1, 2, 3], true, 2));
        // At the end of a page with more to come: the next page tells.
        let (c, polled) = capped(open(), 2).await;
        assert_eq!((c.items, c.truncated, polled), (vec![1, 2], true, 2));
        // At the end of the last page, and with room to spare: complete.
        let (c, polled) = capped(open(), 5).await;
        assert_eq!((c.items.len(), c.truncated, polled), (5, false, 3));
        let (c, polled) = capped(open(), 50).await;
        assert_eq!((c.items.len(), c.truncated, polled), (5, false, 3));
        // A total larger than what arrived answers without polling on.
        let totalled = vec![
            page(vec![1, 2], 1, Some(5), false),
            page(vec![3, 4], 2, Some(5), false),
        ];
        let (c, polled) = capped(totalled, 2).await;
        assert_eq!((c.items, c.truncated, polled), (vec![1, 2], true, 1));
        // Empty pages in between do not count as records.
        let gaps = vec![
            page(vec![1], 1, None, false),
            page(vec![], 2, None, false),
            page(vec![], 3, None, true),
        ];
        let (c, polled) = capped(gaps, 1).await;
        assert_eq!((c.items, c.truncated, polled), (vec![1], false, 3));
        // A cap of zero still tells an empty list from a non-empty one.
        let (c, _) = capped(open(), 0).await;
        assert_eq!((c.items, c.truncated), (vec![], true));
        let (c, _) = capped(vec![page(vec![], 1, Some(0), true)], 0).await;
        assert_eq!((c.items, c.truncated), (vec![], false));
    }

    #[tokio::test]
    async fn collect_at_most_returns_the_error_of_the_page_that_would_tell() {
        let pages = stream::iter(vec![Ok(Page::new(vec![1, 2], 1)), Err(failed())]);
        assert!(matches!(
            collect_at_most(pages, 2).await,
            Err(Error::Paging { .. })
        ));
    }

    #[tokio::test]
    async fn unfold_pages_stops_after_the_last_page_and_after_an_error() {
        let calls = Cell::new(0u32);
        let pages = unfold_pages(1u32, (), |cursor, number, ()| {
            calls.set(calls.get() + 1);
            async move {
                let next = if cursor < 3 {
                    NextPage::Fetch(cursor + 1)
                } else {
                    NextPage::Stop
                };
                Ok((Page::new(vec![cursor], number), next, ()))
            }
        });
        let count = count_pages(pages).await.ok();
        assert_eq!(count, Some(PageCount { pages: 3, items: 3 }));
        assert_eq!(calls.get(), 3);

        let calls = Cell::new(0u32);
        let pages = unfold_pages(1u32, (), |cursor, _, ()| {
            calls.set(calls.get() + 1);
            async move {
                if cursor == 2 {
                    return Err(failed());
                }
                Ok((
                    Page::new(vec![cursor], cursor),
                    NextPage::Fetch(cursor + 1),
                    (),
                ))
            }
        });
        let results: Vec<_> = pages.collect().await;
        assert_eq!(results.len(), 2);
        assert!(results[1].is_err());
        assert_eq!(calls.get(), 2);
    }
}
