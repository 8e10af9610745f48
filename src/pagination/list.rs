//! Streams over the generated list operations: every ConnectWise (`page`/`pageSize`) and Kaseya BMS
//! (`PageNumber`/`PageSize`) builder implements `NumberedPages`, and so gets [`ListStreams`].

use futures_util::stream;
use psa_clients_runtime::paging::{NumberedPages, PageStyle};
use std::future::ready;

use super::bms::BmsPaging;
use super::connectwise::{CwPage, CwPaging};
use super::{try_collect, ItemStream, PageStream};
use crate::Error;

/// Paging for a generated list call: set its filters on the builder, then stream. Every page is the same call
/// with only the page changed, so conditions and filters apply to every page; each page goes through the
/// client's pipeline (auth, retries, limits).
///
/// ```no_run
/// # async fn run(cw: &psa_clients::connectwise::Client) -> Result<(), psa_clients::Error> {
/// use futures_util::TryStreamExt;
/// use psa_clients::pagination::ListStreams;
///
/// let mut tickets = cw.service().get_service_tickets().conditions("closedFlag=false").stream_items(1000);
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

    /// Every record, or the first `cap` (fetching stops once the cap is reached).
    ///
    /// # Errors
    /// The first page error.
    fn collect_items(
        self,
        page_size: u32,
        cap: Option<usize>,
    ) -> impl std::future::Future<Output = Result<Vec<Self::Item>, Error>> + Send + 'a
    where
        Self: Sized,
    {
        try_collect(self.stream_items(page_size), cap)
    }

    /// The vendor's total (BMS `TotalRecords`, from a one-record page); `None` where the list does not report
    /// one (ConnectWise: call the operation's `…_count()` sibling instead).
    ///
    /// # Errors
    /// The page request's error.
    fn total(self) -> impl std::future::Future<Output = Result<Option<u64>, Error>> + Send + 'a
    where
        Self: Sized,
    {
        let call = self.with_page(1, 1);
        async move {
            match Self::STYLE {
                PageStyle::ConnectWise => Ok(None),
                PageStyle::Bms => Ok(call.fetch_page().await?.1.total),
            }
        }
    }
}

impl<'a, B: NumberedPages<'a>> ListStreams<'a> for B {}
