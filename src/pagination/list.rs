//! Streams over the generated list operations: every ConnectWise (`page`/`pageSize`) and Kaseya BMS
//! (`PageNumber`/`PageSize`) builder implements `NumberedPages`, and so gets [`ListStreams`].

use futures_util::stream;
use psa_clients_runtime::paging::{NumberedPages, PageStyle};
use std::future::ready;

use super::bms::BmsPaging;
use super::connectwise::{CwPage, CwPaging};
use super::{collect_at_most, try_collect, Capped, ItemStream, PageStream};
use crate::Error;

/// Paging for a generated list call: set its filters on the builder, then stream. Every page is the same call
/// with only the page changed, so conditions and filters apply to every page; each page goes through the
/// client's pipeline (auth, retries, limits).
///
/// ```no_run
/// # async fn run(cw: &psa_clients::connectwise::Client) -> Result<(), psa_clients::Error> {
/// use futures_util::TryStreamExt;
/// use psa_clients::connectwise::conditions::field;
/// use psa_clients::pagination::ListStreams;
///
/// let open = field("closedFlag").eq(false);
/// let mut tickets = cw.service().get_service_tickets().conditions(open).stream_items(1000);
/// while let Some(ticket) = tickets.try_next().await? {
///     println!("{:?}", ticket.id);
/// }
/// # Ok(()) }
/// ```
///
/// The method names are chosen not to collide with the builders' own parameter setters.
pub trait ListStreams<'a>: NumberedPages<'a> {
    /// A lazy stream of pages of `page_size` records (ConnectWise: 1 to 1000). An invalid page size is
    /// the stream's only item, as [`Error::Config`].
    fn stream_pages(self, page_size: u32) -> PageStream<'a, Self::Item>
    where
        Self: Sized,
    {
        match Self::STYLE {
            PageStyle::ConnectWise => match CwPaging::new(page_size) {
                Ok(paging) => Box::pin(paging.pages(move |page: CwPage| {
                    let call = self.clone().with_page(page.page, page.page_size);
                    async move {
                        let (items, info) = call.fetch_page().await?;
                        Ok((items, info.headers))
                    }
                })),
                Err(error) => Box::pin(stream::once(ready(Err(error)))),
            },
            PageStyle::Bms => match BmsPaging::new(page_size) {
                Ok(paging) => Box::pin(paging.pages(move |number, size| {
                    let call = self.clone().with_page(number, size);
                    async move {
                        let (items, info) = call.fetch_page().await?;
                        Ok((items, info.total))
                    }
                })),
                Err(error) => Box::pin(stream::once(ready(Err(error)))),
            },
        }
    }

    /// A lazy stream of records across all pages; see [`ListStreams::stream_pages`].
    fn stream_items(self, page_size: u32) -> ItemStream<'a, Self::Item>
    where
        Self: Sized,
    {
        Box::pin(super::items(self.stream_pages(page_size)))
    }

    /// Every record, from every page.
    ///
    /// For a limit, use [`ListStreams::collect_at_most`], which says whether records were left behind.
    ///
    /// # Errors
    /// The first page error.
    fn collect_items(
        self,
        page_size: u32,
    ) -> impl std::future::Future<Output = Result<Vec<Self::Item>, Error>> + Send + 'a
    where
        Self: Sized,
    {
        try_collect(self.stream_items(page_size))
    }

    /// At most `max_items` records, fetched in pages of `page_size`, and whether more remained
    /// ([`Capped::truncated`]). Fetching stops once the cap is reached and it is known whether more records
    /// exist; see [`collect_at_most`](super::collect_at_most) for when that takes one more page.
    ///
    /// ```no_run
    /// # async fn run(bms: &psa_clients::bms::Client) -> Result<(), psa_clients::Error> {
    /// use psa_clients::pagination::ListStreams;
    ///
    /// let tickets = bms.get_tickets().collect_at_most(100, 10_000).await?;
    /// if tickets.truncated {
    ///     eprintln!("more than 10,000 tickets: narrow the filter");
    /// }
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// The first page error.
    fn collect_at_most(
        self,
        page_size: u32,
        max_items: usize,
    ) -> impl std::future::Future<Output = Result<Capped<Self::Item>, Error>> + Send + 'a
    where
        Self: Sized,
    {
        collect_at_most(self.stream_pages(page_size), max_items)
    }

    /// The number of records the list holds with its filters: ConnectWise asks the operation's `…/count`
    /// sibling with the same `conditions`, `childConditions` and `customFieldConditions`; BMS reads
    /// `TotalRecords` from a one-record page. `None` where the vendor reports no total (a ConnectWise list
    /// without a count operation).
    ///
    /// # Errors
    /// The count or page request's error.
    fn total(self) -> impl std::future::Future<Output = Result<Option<u64>, Error>> + Send + 'a
    where
        Self: Sized,
    {
        async move {
            match Self::STYLE {
                PageStyle::ConnectWise => match self.count_total() {
                    Some(count) => count.await,
                    None => Ok(None),
                },
                PageStyle::Bms => Ok(self.with_page(1, 1).fetch_page().await?.1.total),
            }
        }
    }
}

impl<'a, B: NumberedPages<'a>> ListStreams<'a> for B {}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use futures_util::{StreamExt, TryStreamExt};
    use psa_clients_runtime::paging::{PageFuture, PageInfo};

    use super::*;

    /// A BMS-style list of `total` records (ids from 1) that serves at most `cap` per page, recording every
    /// (PageNumber, PageSize) asked for.
    #[derive(Clone)]
    struct FakeBmsList {
        page: u32,
        size: u32,
        total: u32,
        cap: u32,
        asked: Arc<Mutex<Vec<(u32, u32)>>>,
    }

    impl FakeBmsList {
        fn new(total: u32, cap: u32) -> Self {
            Self {
                page: 1,
                size: 0,
                total,
                cap,
                asked: Arc::default(),
            }
        }

        fn asked(&self) -> Vec<(u32, u32)> {
            self.asked
                .lock()
                .map(|asked| asked.clone())
                .unwrap_or_default()
        }
    }

    impl<'a> NumberedPages<'a> for FakeBmsList {
        type Item = u32;
        const STYLE: PageStyle = PageStyle::Bms;

        fn with_page(self, page: u32, page_size: u32) -> Self {
            Self {
                page,
                size: page_size,
                ..self
            }
        }

        fn fetch_page(self) -> PageFuture<'a, u32> {
            if let Ok(mut asked) = self.asked.lock() {
                asked.push((self.page, self.size));
            }
            let served = self.size.min(self.cap);
            let first = (self.page - 1) * served + 1;
            let items = (first..first + served)
                .filter(|id| *id <= self.total)
                .collect();
            let info = PageInfo {
                total: Some(u64::from(self.total)),
                ..PageInfo::default()
            };
            Box::pin(async move { Ok((items, info)) })
        }
    }

    #[tokio::test]
    async fn collect_items_takes_everything_and_follows_a_capped_page_size() {
        let list = FakeBmsList::new(10, 3);
        let all = list.clone().collect_items(4).await.expect("all pages");
        assert_eq!(all, (1..=10).collect::<Vec<_>>());
        assert_eq!(list.asked(), [(1, 4), (2, 3), (3, 3), (4, 3)]);
    }

    #[tokio::test]
    async fn collect_at_most_says_whether_records_were_left_behind() {
        let list = FakeBmsList::new(10, 100);
        let first = list.clone().collect_at_most(4, 6).await.expect("capped");
        assert_eq!((first.items, first.truncated), ((1..=6).collect(), true));
        assert_eq!(list.asked(), [(1, 4), (2, 4)]);

        let list = FakeBmsList::new(10, 100);
        let all = list.clone().collect_at_most(5, 10).await.expect("capped");
        assert_eq!((all.items.len(), all.truncated), (10, false));
        assert_eq!(list.asked(), [(1, 5), (2, 5)]);
    }

    #[tokio::test]
    async fn an_invalid_page_size_is_the_only_item() {
        let pages: Vec<_> = FakeBmsList::new(10, 100)
            .stream_pages(0)
            .collect::<Vec<_>>()
            .await;
        assert!(matches!(pages[..], [Err(Error::Config { .. })]));
        let items = FakeBmsList::new(10, 100)
            .stream_items(0)
            .try_collect::<Vec<_>>()
            .await;
        assert!(matches!(items, Err(Error::Config { .. })));
    }
}
