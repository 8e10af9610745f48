//! Traits the code generator implements for paged list operations, so `psa_clients` can stream them.
//!
//! The generator implements [`NumberedPages`] for every builder of a ConnectWise list operation (`page` /
//! `pageSize` query parameters, JSON array response) and every Kaseya BMS list operation (`PageNumber` /
//! `PageSize`, envelope with `Result` and `TotalRecords`), and [`AutotaskEntity`] for every Autotask model that
//! has a `POST /V1.0/{Entity}/query` operation.

use std::future::Future;
use std::pin::Pin;

use crate::Error;
use reqwest::header::HeaderMap;

/// What a page says besides its items.
#[derive(Debug, Clone, Default)]
pub struct PageInfo {
    /// The response headers (ConnectWise's `Link` header lives here).
    pub headers: HeaderMap,
    /// Total number of records across all pages, when the vendor reports it (BMS `TotalRecords`).
    pub total: Option<u64>,
}

/// A boxed, `Send` future of one page.
pub type PageFuture<'a, T> =
    Pin<Box<dyn Future<Output = Result<(Vec<T>, PageInfo), Error>> + Send + 'a>>;

/// A boxed future of a list's total number of records.
pub type TotalFuture<'a> = Pin<Box<dyn Future<Output = Result<Option<u64>, Error>> + Send + 'a>>;

/// How a numbered list operation names its paging parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageStyle {
    /// ConnectWise: `page` (from 1) and `pageSize` (up to 1000), `Link` header.
    ConnectWise,
    /// Kaseya BMS: `PageNumber` (from 1) and `PageSize`, `TotalRecords` in the envelope.
    Bms,
}

/// A prepared list call (a generated builder with its filters set) that can fetch any page of its result.
pub trait NumberedPages<'a>: Clone + Send + 'a {
    /// One record.
    type Item: Send + 'a;
    /// The vendor's paging convention.
    const STYLE: PageStyle;
    /// The same call for another page.
    #[must_use]
    fn with_page(self, page: u32, page_size: u32) -> Self;
    /// Sends the call and splits the answer into records and page information.
    fn fetch_page(self) -> PageFuture<'a, Self::Item>;

    /// The total through the list's `…/count` sibling with the same filters (ConnectWise), when it has one.
    fn count_total(self) -> Option<TotalFuture<'a>> {
        None
    }
}

/// An Autotask entity model with a query endpoint.
pub trait AutotaskEntity: serde::de::DeserializeOwned + Send + 'static {
    /// The entity's path segment, e.g. `Companies` for `/V1.0/Companies/query`.
    const ENTITY: &'static str;
}

/// A request-body field that carries a page number or size (the `PageNumber`/`PageSize` of BMS search DTOs,
/// declared `int32` or `int64`, required or not). The generated `NumberedPages::with_page` sets such a field
/// through this trait, so the code generator needs no knowledge of the field's type.
pub trait PageField {
    /// The field's value for page number or size `n`; beyond the field's range it saturates.
    fn from_page(n: u32) -> Self;
}

impl PageField for i32 {
    fn from_page(n: u32) -> Self {
        i32::try_from(n).unwrap_or(i32::MAX)
    }
}

impl PageField for i64 {
    fn from_page(n: u32) -> Self {
        i64::from(n)
    }
}

impl<T: PageField> PageField for Option<T> {
    fn from_page(n: u32) -> Self {
        Some(T::from_page(n))
    }
}

#[cfg(test)]
mod tests {
    use super::PageField;

    #[test]
    fn page_fields_take_the_value_in_their_own_type() {
        assert_eq!(i32::from_page(7), 7);
        assert_eq!(i32::from_page(u32::MAX), i32::MAX);
        assert_eq!(i64::from_page(u32::MAX), i64::from(u32::MAX));
        assert_eq!(Option::<i32>::from_page(3), Some(3));
        assert_eq!(Option::<i64>::from_page(4), Some(4));
    }
}
