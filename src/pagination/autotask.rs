//! Autotask PSA query paging: follow `pageDetails.nextPageUrl` with the
//! same method and body.
//!
//! An Autotask query answers at most 500 records (`MaxRecords`) with
//!
//! ```text
//! {"items": [...], "pageDetails": {"count": 500, "requestCount": 500,
//!   "prevPageUrl": null, "nextPageUrl": "https://…/Companies/query/next?paging=…"}}
//! ```
//!
//! The next page must be requested with the method of the first request
//! and, for a `POST …/query`, the identical JSON body: the server answers a
//! `GET` to a POST query's `nextPageUrl` with 405, which naive pagers read
//! as the end and so stop after 500 records. [`AutotaskQuery`] always
//! re-sends both.
//!
//! ```no_run
//! # async fn run() -> Result<(), psa_clients::Error> {
//! use bytes::Bytes;
//! use futures_util::TryStreamExt;
//! use psa_clients::pagination::autotask::AutotaskQuery;
//!
//! let client = reqwest::Client::new();
//! let body = Bytes::from_static(br#"{"MaxRecords":500,"filter":[{"op":"eq","field":"isActive","value":true}]}"#);
//! let query = AutotaskQuery::post("https://webservices5.autotask.net/ATServicesRest/V1.0/Companies/query", body)?;
//! let companies = query.items(|method, url, body| {
//!     let mut request = client.request(method, url);
//!     if let Some(body) = body {
//!         request = request.header("content-type", "application/json").body(body);
//!     }
//!     async move {
//!         let response = request.send().await.map_err(|err| {
//!             psa_clients::Error::Config { message: err.to_string() }
//!         })?;
//!         response.bytes().await.map_err(|err| {
//!             psa_clients::Error::Config { message: err.to_string() }
//!         })
//!     }
//! });
//! let all: Vec<serde_json::Value> = companies.try_collect().await?;
//! # let _ = all;
//! # Ok(())
//! # }
//! ```

use std::future::Future;

use bytes::Bytes;
use futures_core::Stream;
use psa_clients_runtime::autotask::filter::checked_max_records;
use reqwest::{Method, StatusCode, Url};
use serde::de::DeserializeOwned;
use serde::Deserialize;

use super::{config, paging, unfold_pages, NextPage, Page};
use crate::transport::{OperationMeta, Vendor};
use crate::Error;

pub use psa_clients_runtime::autotask::filter::MAX_RECORDS;

/// Checks an Autotask `MaxRecords` value.
///
/// # Errors
/// [`Error::Config`] unless `1 <= max_records <= 500`.
///
/// ```
/// use psa_clients::pagination::autotask::validate_max_records;
///
/// assert_eq!(validate_max_records(500).unwrap(), 500);
/// assert!(validate_max_records(0).is_err());
/// assert!(validate_max_records(501).is_err());
/// ```
pub fn validate_max_records(max_records: u32) -> Result<u32, Error> {
    checked_max_records(u64::from(max_records)).map_err(|_| {
        config(format!(
            "Autotask MaxRecords must be between 1 and {MAX_RECORDS}, got {max_records}"
        ))
    })
}

/// The response envelope of an Autotask query, decoded leniently: unknown
/// fields are ignored and missing parts default to empty.
///
/// ```
/// use psa_clients::pagination::autotask::QueryResponse;
///
/// let body = r#"{"items":[{"id":1}],"pageDetails":{"count":1,"requestCount":500,"prevPageUrl":null,"nextPageUrl":null}}"#;
/// let page: QueryResponse<serde_json::Value> = serde_json::from_str(body)?;
/// assert_eq!(page.items.len(), 1);
/// assert_eq!(page.page_details.next_page_url, None);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(bound(deserialize = "T: DeserializeOwned"))]
#[non_exhaustive]
pub struct QueryResponse<T> {
    /// The records of this page.
    #[serde(default = "Vec::new", alias = "Items", deserialize_with = "items")]
    pub items: Vec<T>,
    /// Where the next page is.
    #[serde(default, rename = "pageDetails", alias = "PageDetails")]
    pub page_details: PageDetails,
}

/// The records, with drift inside them reported under `items[]`.
fn items<'de, D, T>(deserializer: D) -> Result<Vec<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: DeserializeOwned,
{
    psa_clients_runtime::drift::list_field("items", deserializer)
}

/// `pageDetails` of an Autotask query response.
///
/// ```
/// let details = psa_clients::pagination::autotask::PageDetails::default();
/// assert_eq!(details.next_page_url, None);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct PageDetails {
    /// Records on this page.
    #[serde(default, alias = "Count")]
    pub count: Option<u64>,
    /// The page size the server applied.
    #[serde(default, rename = "requestCount", alias = "RequestCount")]
    pub request_count: Option<u64>,
    /// The previous page's URL, if any.
    #[serde(default, rename = "prevPageUrl", alias = "PrevPageUrl")]
    pub prev_page_url: Option<String>,
    /// The next page's URL; `null`, absent or empty on the last page.
    #[serde(default, rename = "nextPageUrl", alias = "NextPageUrl")]
    pub next_page_url: Option<String>,
}

/// One Autotask query to page through; [`AutotaskQuery::pages`] and
/// [`AutotaskQuery::items`] run it.
///
/// ```
/// use bytes::Bytes;
/// use psa_clients::pagination::autotask::AutotaskQuery;
///
/// let ok = AutotaskQuery::post("https://at.example/V1.0/Tickets/query", Bytes::from_static(br#"{"MaxRecords":500}"#));
/// assert!(ok.is_ok());
/// let too_big = AutotaskQuery::post("https://at.example/V1.0/Tickets/query", Bytes::from_static(br#"{"MaxRecords":1000}"#));
/// assert!(too_big.is_err());
/// ```
#[derive(Debug, Clone)]
pub struct AutotaskQuery {
    method: Method,
    url: Url,
    body: Option<Bytes>,
    operation_id: &'static str,
    drift: psa_clients_runtime::Drift,
}

impl AutotaskQuery {
    /// A query sent as `method` to `url` with `body`.
    ///
    /// # Errors
    /// [`Error::Config`] for a URL that does not parse, or a `MaxRecords`
    /// outside 1..=500 in a JSON body or in the `search` parameter of a GET
    /// query.
    ///
    /// ```
    /// use psa_clients::pagination::autotask::AutotaskQuery;
    /// let query = AutotaskQuery::new(
    ///     reqwest::Method::GET,
    ///     r#"https://at.example/V1.0/Companies/query?search={"filter":[]}"#,
    ///     None,
    /// )?;
    /// # let _ = query;
    /// # Ok::<(), psa_clients::Error>(())
    /// ```
    pub fn new(method: Method, url: &str, body: Option<Bytes>) -> Result<Self, Error> {
        let url =
            Url::parse(url).map_err(|err| config(format!("invalid Autotask query URL: {err}")))?;
        if let Some(body) = &body {
            check_max_records(body)?;
        }
        if let Some((_, search)) = url.query_pairs().find(|(name, _)| name == "search") {
            check_max_records(search.as_bytes())?;
        }
        Ok(Self {
            method,
            url,
            body,
            operation_id: "autotaskQuery",
            drift: psa_clients_runtime::Drift::default(),
        })
    }

    /// A `POST …/query` with a JSON body (the usual form).
    ///
    /// # Errors
    /// As [`AutotaskQuery::new`].
    ///
    /// ```
    /// # use psa_clients::pagination::autotask::AutotaskQuery;
    /// let query = AutotaskQuery::post("https://at.example/V1.0/Companies/query", r#"{"filter":[]}"#.into())?;
    /// # let _ = query;
    /// # Ok::<(), psa_clients::Error>(())
    /// ```
    pub fn post(url: &str, body: Bytes) -> Result<Self, Error> {
        Self::new(Method::POST, url, Some(body))
    }

    /// The operation id put in decoding errors (default `autotaskQuery`),
    /// e.g. the generated client's `Companies_Query`.
    ///
    /// ```
    /// # use psa_clients::pagination::autotask::AutotaskQuery;
    /// let query = AutotaskQuery::post("https://at.example/V1.0/Companies/query", "{}".into())?
    ///     .operation_id("Companies_Query");
    /// # let _ = query;
    /// # Ok::<(), psa_clients::Error>(())
    /// ```
    #[must_use]
    pub fn operation_id(mut self, operation_id: &'static str) -> Self {
        self.operation_id = operation_id;
        self
    }

    /// Records the drift of every page in `drift` (default: not recorded), under the
    /// [`operation_id`](Self::operation_id).
    #[must_use]
    pub fn drift(mut self, drift: psa_clients_runtime::Drift) -> Self {
        self.drift = drift;
        self
    }

    /// A lazy stream of pages; `fetch(method, url, body)` sends one request
    /// and returns the body of a successful response.
    ///
    /// Every call gets the method and body of the first request; the URL is
    /// the query URL, then each page's `nextPageUrl`. A `nextPageUrl` on
    /// another host (credentials would follow it) or equal to the URL just
    /// fetched (a loop) is reported as [`Error::Paging`].
    ///
    /// ```no_run
    /// # async fn run(fetch: impl FnMut(reqwest::Method, reqwest::Url, Option<bytes::Bytes>)
    /// #     -> std::future::Ready<Result<bytes::Bytes, psa_clients::Error>>)
    /// #     -> Result<(), psa_clients::Error> {
    /// use psa_clients::pagination::{count_pages, autotask::AutotaskQuery};
    /// let query = AutotaskQuery::post("https://at.example/V1.0/Companies/query", "{}".into())?;
    /// let count = count_pages(query.pages::<serde_json::Value, _, _>(fetch)).await?;
    /// println!("{} companies", count.items);
    /// # Ok(())
    /// # }
    /// ```
    pub fn pages<T, F, Fut>(self, fetch: F) -> impl Stream<Item = Result<Page<T>, Error>>
    where
        T: DeserializeOwned,
        F: FnMut(Method, Url, Option<Bytes>) -> Fut,
        Fut: Future<Output = Result<Bytes, Error>>,
    {
        let op = OperationMeta::new(
            Vendor::Autotask,
            self.operation_id,
            self.method.clone(),
            "{query}",
        );
        let first = self.url.clone();
        unfold_pages(first, fetch, move |url: Url, number, mut fetch: F| {
            let pending = fetch(self.method.clone(), url.clone(), self.body.clone());
            let first = self.url.clone();
            let op = op.clone();
            let drift = self.drift.clone();
            async move {
                let body = pending.await?;
                let response: QueryResponse<T> = psa_clients_runtime::decode::json_with(
                    &body,
                    StatusCode::OK,
                    op.operation_id,
                    &drift,
                )?;
                let next = next_url(&url, &first, response.page_details.next_page_url)?;
                let is_last = matches!(next, NextPage::Stop);
                tracing::debug!(
                    vendor = "autotask",
                    number,
                    items = response.items.len(),
                    is_last,
                    "page received"
                );
                let page = Page {
                    items: response.items,
                    total: None,
                    number,
                    is_last,
                };
                Ok((page, next, fetch))
            }
        })
    }

    /// A lazy stream of records across all pages; see
    /// [`AutotaskQuery::pages`].
    ///
    /// ```no_run
    /// # async fn run(fetch: impl FnMut(reqwest::Method, reqwest::Url, Option<bytes::Bytes>)
    /// #     -> std::future::Ready<Result<bytes::Bytes, psa_clients::Error>>)
    /// #     -> Result<(), psa_clients::Error> {
    /// use psa_clients::pagination::{try_collect, autotask::AutotaskQuery};
    /// let query = AutotaskQuery::post("https://at.example/V1.0/Companies/query", "{}".into())?;
    /// let all: Vec<serde_json::Value> = try_collect(query.items(fetch)).await?;
    /// # let _ = all;
    /// # Ok(())
    /// # }
    /// ```
    pub fn items<T, F, Fut>(self, fetch: F) -> impl Stream<Item = Result<T, Error>>
    where
        T: DeserializeOwned,
        F: FnMut(Method, Url, Option<Bytes>) -> Fut,
        Fut: Future<Output = Result<Bytes, Error>>,
    {
        super::items(self.pages(fetch))
    }
}

/// The URL to fetch after `current`, if any.
fn next_url(current: &Url, first: &Url, next: Option<String>) -> Result<NextPage<Url>, Error> {
    let Some(next) = next.filter(|next| !next.trim().is_empty()) else {
        return Ok(NextPage::Stop);
    };
    let next = current
        .join(next.trim())
        .map_err(|err| paging(format!("Autotask nextPageUrl does not parse: {err}")))?;
    if !same_origin(&next, first) {
        return Err(paging(format!(
            "Autotask nextPageUrl points to another host ({}); not followed so credentials \
             stay with the configured host",
            next.host_str().unwrap_or("none")
        )));
    }
    if &next == current {
        return Err(paging("Autotask nextPageUrl repeats the page just fetched"));
    }
    Ok(NextPage::Fetch(next))
}

/// Same scheme, host and port: where the first request's credentials may go.
fn same_origin(a: &Url, b: &Url) -> bool {
    a.scheme() == b.scheme()
        && a.host_str() == b.host_str()
        && a.port_or_known_default() == b.port_or_known_default()
}

/// Checks `MaxRecords` (any case) in a JSON query; bodies that are not a
/// JSON object are left to the server to reject.
fn check_max_records(query: &[u8]) -> Result<(), Error> {
    let Ok(serde_json::Value::Object(fields)) = serde_json::from_slice(query) else {
        return Ok(());
    };
    let Some((_, value)) = fields
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case("MaxRecords"))
    else {
        return Ok(());
    };
    match value.as_u64().map(checked_max_records) {
        Some(Ok(_)) => Ok(()),
        Some(Err(_)) => Err(config(format!(
            "Autotask MaxRecords must be between 1 and {MAX_RECORDS}, got {value}"
        ))),
        None => Err(config(format!(
            "Autotask MaxRecords must be a whole number between 1 and {MAX_RECORDS}, got {value}"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transport::decode_json;

    #[test]
    fn decodes_the_real_envelope() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../shared/fixtures/autotask/companies_query.json"
        );
        let body = std::fs::read(path).expect("shared fixtures are checked out beside the repo");
        let op = OperationMeta::new(Vendor::Autotask, "t", Method::POST, "/");
        let page: QueryResponse<serde_json::Value> =
            decode_json(&body, StatusCode::OK, &op).expect("fixture decodes");
        assert_eq!(page.items.len(), 1);
        assert_eq!(page.page_details.count, Some(1));
        assert_eq!(page.page_details.request_count, Some(500));
        assert_eq!(page.page_details.next_page_url, None);
    }

    #[test]
    fn lenient_envelope() {
        let page: QueryResponse<u8> = serde_json::from_str(r#"{"extra":1}"#).expect("lenient");
        assert!(page.items.is_empty());
        assert_eq!(page.page_details, PageDetails::default());
        let page: QueryResponse<u8> =
            serde_json::from_str(r#"{"Items":[1],"PageDetails":{"NextPageUrl":"x"}}"#)
                .expect("pascal case");
        assert_eq!(page.items, [1]);
        assert_eq!(page.page_details.next_page_url.as_deref(), Some("x"));
    }

    #[test]
    fn next_url_rules() {
        let current = Url::parse("https://at.example/V1.0/Companies/query").expect("url");
        let fetch = |next: Option<&str>| next_url(&current, &current, next.map(str::to_owned));
        assert!(matches!(fetch(None), Ok(NextPage::Stop)));
        assert!(matches!(fetch(Some(" ")), Ok(NextPage::Stop)));
        match fetch(Some("/V1.0/Companies/query/next?paging=abc")) {
            Ok(NextPage::Fetch(url)) => assert_eq!(
                url.as_str(),
                "https://at.example/V1.0/Companies/query/next?paging=abc"
            ),
            other => panic!("{:?}", other.err()),
        }
        for bad in [
            "https://evil.example/V1.0/Companies/query/next",
            "http://at.example/V1.0/Companies/query/next",
            "https://at.example/V1.0/Companies/query",
        ] {
            assert!(
                matches!(fetch(Some(bad)), Err(Error::Paging { .. })),
                "{bad}"
            );
        }
    }

    #[test]
    fn max_records_checks() {
        for ok in [
            &br#"{"MaxRecords":1}"#[..],
            br#"{"maxrecords":500}"#,
            br#"{}"#,
            b"not json",
        ] {
            assert!(check_max_records(ok).is_ok());
        }
        for bad in [
            &br#"{"MaxRecords":0}"#[..],
            br#"{"MaxRecords":501}"#,
            br#"{"MaxRecords":"x"}"#,
        ] {
            assert!(matches!(check_max_records(bad), Err(Error::Config { .. })));
        }
        let get = AutotaskQuery::new(
            Method::GET,
            r#"https://at.example/V1.0/Companies/query?search={"MaxRecords":900}"#,
            None,
        );
        assert!(matches!(get, Err(Error::Config { .. })));
    }
}
