//! ConnectWise PSA paging: `page`/`pageSize`, next page from the `Link`
//! header.
//!
//! ConnectWise list endpoints take `page` (from 1) and `pageSize` (at most
//! 1000) and answer with a `Link` header naming the `next` page when there
//! is one. Navigable paging gets slow on deep pages of large tables; the
//! forward-only mode (request header `pagination-type: forward-only`) pages
//! by `pageId` instead, which the server hands out in the `Link` `next` URL.
//!
//! The pager calls the fetch closure once per page with a [`CwPage`]; the
//! closure sends the same request (same conditions, same fields) with that
//! page's parameters, e.g. via [`CwPage::apply`], and returns the records
//! and the response headers.
//!
//! ```no_run
//! # async fn run() -> Result<(), psa_clients::Error> {
//! use futures_util::TryStreamExt;
//! use psa_clients::pagination::connectwise::CwPaging;
//!
//! let client = reqwest::Client::new();
//! let tickets = CwPaging::new(1000)?.items(|page| {
//!     // A fixed text; conditions holding user input are built with
//!     // `psa_clients::connectwise::conditions` (`field("board/id").eq(id)`), which quotes and validates.
//!     let request = client
//!         .get("https://api-na.myconnectwise.net/v4_6_release/apis/3.0/service/tickets")
//!         .query(&[("conditions", "board/id=1 and closedFlag=false")]);
//!     async move {
//!         let response = page.apply(request).send().await.map_err(|err| {
//!             psa_clients::Error::Config { message: err.to_string() }
//!         })?;
//!         let headers = response.headers().clone();
//!         let records: Vec<serde_json::Value> = response.json().await.map_err(|err| {
//!             psa_clients::Error::Config { message: err.to_string() }
//!         })?;
//!         Ok((records, headers))
//!     }
//! });
//! let all: Vec<serde_json::Value> = tickets.try_collect().await?;
//! # let _ = all;
//! # Ok(())
//! # }
//! ```

use std::future::Future;

use futures_core::Stream;
use reqwest::header::{HeaderMap, LINK};

use super::{config, paging, unfold_pages, NextPage, Page};
use crate::Error;

/// The largest `pageSize` ConnectWise accepts.
pub const MAX_PAGE_SIZE: u32 = 1000;

/// Request header that selects forward-only paging.
pub const PAGINATION_TYPE_HEADER: &str = "pagination-type";

/// Value of [`PAGINATION_TYPE_HEADER`] for forward-only paging.
pub const FORWARD_ONLY: &str = "forward-only";

/// How pages are addressed.
///
/// ```
/// use psa_clients::pagination::connectwise::CwMode;
/// assert_eq!(CwMode::default(), CwMode::Navigable);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum CwMode {
    /// `page=1, 2, …`; any page can be requested.
    #[default]
    Navigable,
    /// `pagination-type: forward-only` with the `pageId` from the previous
    /// page's `Link` `next`; faster on large tables, forward only.
    ForwardOnly,
}

/// The parameters of one page request, handed to the fetch closure.
///
/// ```
/// # fn f(page: psa_clients::pagination::connectwise::CwPage) {
/// let query = page.query();
/// assert!(query.iter().any(|(name, _)| *name == "pageSize"));
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CwPage {
    /// The page number, from 1. In forward-only mode the server ignores it;
    /// it still counts pages for logs.
    pub page: u32,
    /// The page size.
    pub page_size: u32,
    /// Forward-only mode: the `pageId` from the previous page's `Link`
    /// `next` (`None` for the first page). Always `None` when navigable.
    pub page_id: Option<String>,
    /// The paging mode; forward-only needs [`PAGINATION_TYPE_HEADER`].
    pub mode: CwMode,
}

impl CwPage {
    /// The query parameters for this page: `page` and `pageSize`, or in
    /// forward-only mode `pageSize` and (after the first page) `pageId`.
    ///
    /// ```
    /// # fn f(page: psa_clients::pagination::connectwise::CwPage) {
    /// let url = reqwest::Url::parse_with_params("https://cw.example/tickets", page.query());
    /// # let _ = url;
    /// # }
    /// ```
    pub fn query(&self) -> Vec<(&'static str, String)> {
        let mut query = Vec::with_capacity(2);
        match self.mode {
            CwMode::Navigable => query.push(("page", self.page.to_string())),
            CwMode::ForwardOnly => {
                if let Some(id) = &self.page_id {
                    query.push(("pageId", id.clone()));
                }
            }
        }
        query.push(("pageSize", self.page_size.to_string()));
        query
    }

    /// Adds this page's query parameters, and in forward-only mode the
    /// `pagination-type` header, to a request.
    ///
    /// ```no_run
    /// # fn f(page: psa_clients::pagination::connectwise::CwPage) {
    /// let request = reqwest::Client::new().get("https://cw.example/apis/3.0/company/companies");
    /// let request = page.apply(request);
    /// # let _ = request;
    /// # }
    /// ```
    pub fn apply(&self, request: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        let request = request.query(&self.query());
        match self.mode {
            CwMode::Navigable => request,
            CwMode::ForwardOnly => request.header(PAGINATION_TYPE_HEADER, FORWARD_ONLY),
        }
    }
}

/// ConnectWise paging settings; [`CwPaging::pages`] and
/// [`CwPaging::items`] run them.
///
/// ```
/// use psa_clients::pagination::connectwise::CwPaging;
///
/// assert!(CwPaging::new(1000).is_ok());
/// assert!(CwPaging::new(1001).is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CwPaging {
    page_size: u32,
    mode: CwMode,
}

impl CwPaging {
    /// Navigable paging with `page_size` records per page.
    ///
    /// # Errors
    /// [`Error::Config`] unless `1 <= page_size <= 1000`: ConnectWise
    /// quietly caps larger sizes at 1000, which would break the "full page
    /// means more" rule.
    ///
    /// ```
    /// let paging = psa_clients::pagination::connectwise::CwPaging::new(250)?;
    /// assert_eq!(paging.page_size(), 250);
    /// # Ok::<(), psa_clients::Error>(())
    /// ```
    pub fn new(page_size: u32) -> Result<Self, Error> {
        if !(1..=MAX_PAGE_SIZE).contains(&page_size) {
            return Err(config(format!(
                "ConnectWise pageSize must be between 1 and {MAX_PAGE_SIZE}, got {page_size}"
            )));
        }
        Ok(Self {
            page_size,
            mode: CwMode::Navigable,
        })
    }

    /// Switches to forward-only paging (`pagination-type: forward-only`).
    ///
    /// ```
    /// use psa_clients::pagination::connectwise::{CwMode, CwPaging};
    /// let paging = CwPaging::new(1000)?.forward_only();
    /// assert_eq!(paging.mode(), CwMode::ForwardOnly);
    /// # Ok::<(), psa_clients::Error>(())
    /// ```
    #[must_use]
    pub fn forward_only(mut self) -> Self {
        self.mode = CwMode::ForwardOnly;
        self
    }

    /// The page size.
    ///
    /// ```
    /// # let paging = psa_clients::pagination::connectwise::CwPaging::new(10)?;
    /// assert_eq!(paging.page_size(), 10);
    /// # Ok::<(), psa_clients::Error>(())
    /// ```
    pub fn page_size(&self) -> u32 {
        self.page_size
    }

    /// The paging mode.
    ///
    /// ```
    /// # use psa_clients::pagination::connectwise::{CwMode, CwPaging};
    /// assert_eq!(CwPaging::new(10)?.mode(), CwMode::Navigable);
    /// # Ok::<(), psa_clients::Error>(())
    /// ```
    pub fn mode(&self) -> CwMode {
        self.mode
    }

    /// A lazy stream of pages; `fetch` sends one page request.
    ///
    /// The next page is the one the `Link` header's `rel="next"` names.
    /// Without a `Link` header, a full page means there may be more
    /// (navigable mode only: forward-only cannot continue without the
    /// `pageId`, and reports [`Error::Paging`] rather than stop early). An
    /// empty page always ends the stream.
    ///
    /// ```no_run
    /// # async fn run(fetch: impl FnMut(psa_clients::pagination::connectwise::CwPage)
    /// #     -> std::future::Ready<Result<(Vec<u32>, reqwest::header::HeaderMap), psa_clients::Error>>)
    /// #     -> Result<(), psa_clients::Error> {
    /// use psa_clients::pagination::{count_pages, connectwise::CwPaging};
    /// let count = count_pages(CwPaging::new(1000)?.pages(fetch)).await?;
    /// println!("{} pages", count.pages);
    /// # Ok(())
    /// # }
    /// ```
    pub fn pages<T, F, Fut>(self, fetch: F) -> impl Stream<Item = Result<Page<T>, Error>>
    where
        F: FnMut(CwPage) -> Fut,
        Fut: Future<Output = Result<(Vec<T>, HeaderMap), Error>>,
    {
        let first = CwPage {
            page: 1,
            page_size: self.page_size,
            page_id: None,
            mode: self.mode,
        };
        unfold_pages(first, fetch, |request: CwPage, number, mut fetch: F| {
            let pending = fetch(request.clone());
            async move {
                let (items, headers) = pending.await?;
                let next = next_request(&request, items.len(), &headers)?;
                let is_last = matches!(next, NextPage::Stop);
                tracing::debug!(
                    vendor = "connectwise",
                    page = request.page,
                    number,
                    items = items.len(),
                    is_last,
                    "page received"
                );
                let page = Page {
                    items,
                    total: None,
                    number,
                    is_last,
                };
                Ok((page, next, fetch))
            }
        })
    }

    /// A lazy stream of records across all pages; see [`CwPaging::pages`].
    ///
    /// ```no_run
    /// # async fn run(fetch: impl FnMut(psa_clients::pagination::connectwise::CwPage)
    /// #     -> std::future::Ready<Result<(Vec<u32>, reqwest::header::HeaderMap), psa_clients::Error>>)
    /// #     -> Result<(), psa_clients::Error> {
    /// use futures_util::{StreamExt, TryStreamExt};
    /// use psa_clients::pagination::connectwise::CwPaging;
    /// // `take` when the first 50 are all that is wanted (use `collect_at_most` to learn whether more exist).
    /// let first_50: Vec<u32> = CwPaging::new(25)?.items(fetch).take(50).try_collect().await?;
    /// # let _ = first_50;
    /// # Ok(())
    /// # }
    /// ```
    pub fn items<T, F, Fut>(self, fetch: F) -> impl Stream<Item = Result<T, Error>>
    where
        F: FnMut(CwPage) -> Fut,
        Fut: Future<Output = Result<(Vec<T>, HeaderMap), Error>>,
    {
        super::items(self.pages(fetch))
    }
}

/// Works out the request after `current` from its response.
fn next_request(
    current: &CwPage,
    received: usize,
    headers: &HeaderMap,
) -> Result<NextPage<CwPage>, Error> {
    if received == 0 {
        return Ok(NextPage::Stop);
    }
    let links: Vec<Link> = headers
        .get_all(LINK)
        .iter()
        // A value that is not visible ASCII cannot hold a usable URL.
        .filter_map(|value| value.to_str().ok())
        .flat_map(parse_link_header)
        .collect();
    let next = links.iter().find(|link| link.has_rel("next"));
    let full = u32::try_from(received).is_ok_and(|n| n >= current.page_size);

    let Some(next) = next else {
        // A Link header without `next` is the server saying "last page".
        if !links.is_empty() || !full {
            return Ok(NextPage::Stop);
        }
        return match current.mode {
            CwMode::Navigable => {
                let page = current
                    .page
                    .checked_add(1)
                    .ok_or_else(|| paging("ConnectWise page number overflowed"))?;
                Ok(NextPage::Fetch(CwPage {
                    page,
                    ..current.clone()
                }))
            }
            CwMode::ForwardOnly => Err(paging(
                "ConnectWise forward-only page was full but had no Link header, so the next \
                 pageId is unknown",
            )),
        };
    };

    let target = LinkTarget::parse(&next.target);
    match current.mode {
        CwMode::Navigable => {
            let page = target.page.ok_or_else(|| {
                paging(format!(
                    "ConnectWise Link next has no page number: {}",
                    strip_query(&next.target)
                ))
            })?;
            // Never go back or stay: a server bug would loop forever.
            if page <= current.page {
                return Err(paging(format!(
                    "ConnectWise Link next points to page {page} after page {}",
                    current.page
                )));
            }
            Ok(NextPage::Fetch(CwPage {
                page,
                ..current.clone()
            }))
        }
        CwMode::ForwardOnly => {
            let page_id = target.page_id.ok_or_else(|| {
                paging(format!(
                    "ConnectWise forward-only Link next has no pageId: {}",
                    strip_query(&next.target)
                ))
            })?;
            if current.page_id.as_deref() == Some(page_id.as_str()) {
                return Err(paging(format!(
                    "ConnectWise Link next repeats pageId {page_id}"
                )));
            }
            Ok(NextPage::Fetch(CwPage {
                page: current.page.saturating_add(1),
                page_id: Some(page_id),
                ..current.clone()
            }))
        }
    }
}

/// Paging parameters read from a `Link` target URL.
#[derive(Debug, Default, PartialEq, Eq)]
struct LinkTarget {
    page: Option<u32>,
    page_id: Option<String>,
}

impl LinkTarget {
    fn parse(target: &str) -> Self {
        let url = match reqwest::Url::parse(target) {
            Ok(url) => url,
            // Relative references only need a base to read their query.
            Err(_) => match reqwest::Url::parse("http://relative.invalid/")
                .and_then(|base| base.join(target))
            {
                Ok(url) => url,
                Err(_) => return Self::default(),
            },
        };
        let mut found = Self::default();
        for (name, value) in url.query_pairs() {
            if name.eq_ignore_ascii_case("page") {
                found.page = value.trim().parse().ok();
            } else if name.eq_ignore_ascii_case("pageId") && !value.is_empty() {
                found.page_id = Some(value.into_owned());
            }
        }
        found
    }
}

/// The URL without its query, for error messages (queries may hold
/// conditions users consider private).
fn strip_query(target: &str) -> &str {
    target.split(['?', '#']).next().unwrap_or(target)
}

/// One link of an RFC 8288 `Link` header.
///
/// ```
/// use psa_clients::pagination::connectwise::parse_link_header;
///
/// let links = parse_link_header(r#"<https://cw.example/x?page=2>; rel="next""#);
/// assert!(links[0].has_rel("next"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Link {
    /// The target URI as sent (absolute or relative).
    pub target: String,
    /// The relation types, lowercased (`rel="next last"` gives two).
    pub rels: Vec<String>,
}

impl Link {
    /// Whether the link has relation type `rel` (case-insensitive).
    ///
    /// ```
    /// # use psa_clients::pagination::connectwise::parse_link_header;
    /// let link = &parse_link_header("</p?page=3>; rel=Last")[0];
    /// assert!(link.has_rel("last"));
    /// ```
    pub fn has_rel(&self, rel: &str) -> bool {
        self.rels.iter().any(|own| own.eq_ignore_ascii_case(rel))
    }
}

/// Parses one `Link` header value (RFC 8288) into its links.
///
/// Targets may contain commas and semicolons (they are delimited by `<>`),
/// parameter values may be tokens or quoted strings with `\` escapes, and
/// only the first `rel` of a link counts, as the RFC says. Malformed parts
/// are skipped up to the next link rather than failing the whole header.
///
/// ```
/// use psa_clients::pagination::connectwise::parse_link_header;
///
/// let value = r#"<https://cw.example/t?page=1&pageSize=2>; rel="first", <https://cw.example/t?page=3&pageSize=2>; rel="next""#;
/// let links = parse_link_header(value);
/// assert_eq!(links.len(), 2);
/// assert_eq!(links[1].target, "https://cw.example/t?page=3&pageSize=2");
/// assert_eq!(links[1].rels, ["next"]);
/// ```
pub fn parse_link_header(value: &str) -> Vec<Link> {
    let mut links = Vec::new();
    let mut rest = value;
    loop {
        rest = rest.trim_start_matches([' ', '\t', ',']);
        if rest.is_empty() {
            return links;
        }
        let Some(after_open) = rest.strip_prefix('<') else {
            rest = skip_to_next_link(rest);
            continue;
        };
        let Some(close) = after_open.find('>') else {
            // An unterminated target: nothing after it can be trusted.
            return links;
        };
        let target = after_open[..close].trim().to_owned();
        rest = &after_open[close + 1..];
        let mut rels = None;
        while let Some(after_semicolon) = rest.trim_start_matches([' ', '\t']).strip_prefix(';') {
            let (name, value, after) = parse_param(after_semicolon);
            rest = after;
            if name.eq_ignore_ascii_case("rel") && rels.is_none() {
                rels = Some(
                    value
                        .split_ascii_whitespace()
                        .map(str::to_ascii_lowercase)
                        .collect(),
                );
            }
        }
        links.push(Link {
            target,
            rels: rels.unwrap_or_default(),
        });
        rest = skip_to_next_link(rest);
    }
}

/// Parses `name [= token | quoted-string]` and returns the rest.
fn parse_param(input: &str) -> (&str, String, &str) {
    let input = input.trim_start_matches([' ', '\t']);
    let name_end = input.find(['=', ';', ',']).unwrap_or(input.len());
    let name = input[..name_end].trim();
    let rest = input[name_end..].trim_start_matches([' ', '\t']);
    let Some(value_start) = rest.strip_prefix('=') else {
        return (name, String::new(), rest);
    };
    let value_start = value_start.trim_start_matches([' ', '\t']);
    if let Some(quoted) = value_start.strip_prefix('"') {
        let mut value = String::new();
        let mut escaped = false;
        for (at, ch) in quoted.char_indices() {
            if escaped {
                value.push(ch);
                escaped = false;
            } else if ch == '\\' {
                escaped = true;
            } else if ch == '"' {
                return (name, value, &quoted[at + 1..]);
            } else {
                value.push(ch);
            }
        }
        // Unterminated quote: take what there is.
        return (name, value, "");
    }
    let end = value_start
        .find([';', ',', ' ', '\t'])
        .unwrap_or(value_start.len());
    (name, value_start[..end].to_owned(), &value_start[end..])
}

/// Skips junk up to the comma that starts the next link, ignoring commas
/// inside quoted strings.
fn skip_to_next_link(input: &str) -> &str {
    let mut quoted = false;
    let mut escaped = false;
    for (at, ch) in input.char_indices() {
        match ch {
            _ if escaped => escaped = false,
            '\\' if quoted => escaped = true,
            '"' => quoted = !quoted,
            ',' if !quoted => return &input[at..],
            _ => {}
        }
    }
    ""
}

#[cfg(test)]
mod tests {
    use reqwest::header::HeaderValue;

    use super::*;

    fn rels(value: &str) -> Vec<(String, Vec<String>)> {
        parse_link_header(value)
            .into_iter()
            .map(|link| (link.target, link.rels))
            .collect()
    }

    fn link(target: &str, rels: &[&str]) -> (String, Vec<String>) {
        (
            target.to_owned(),
            rels.iter().map(|rel| (*rel).to_owned()).collect(),
        )
    }

    #[test]
    fn parses_the_connectwise_shape() {
        let value = "<https://na.myconnectwise.net/v4_6_release/apis/3.0/service/tickets?conditions=id%3E1&page=2&pageSize=25>; rel=\"next\", <https://na.myconnectwise.net/v4_6_release/apis/3.0/service/tickets?conditions=id%3E1&page=9&pageSize=25>; rel=\"last\"";
        let links = rels(value);
        assert_eq!(links.len(), 2);
        assert_eq!(links[0].1, ["next"]);
        assert_eq!(links[1].1, ["last"]);
        assert!(links[0].0.ends_with("page=2&pageSize=25"));
    }

    #[test]
    fn commas_and_semicolons_inside_targets_and_quotes() {
        assert_eq!(
            rels(r#"<https://x/a?c=a,b;c>; title="x, y; z"; rel="next", </b>; rel=prev"#),
            [
                link("https://x/a?c=a,b;c", &["next"]),
                link("/b", &["prev"])
            ]
        );
    }

    #[test]
    fn rel_lists_case_and_whitespace() {
        assert_eq!(
            rels("  < /p?page=2 > ;REL = \"Next  LAST\" ,</q>;rel=first"),
            [link("/p?page=2", &["next", "last"]), link("/q", &["first"])]
        );
    }

    #[test]
    fn first_rel_wins_and_escapes_are_read() {
        assert_eq!(
            rels(r#"</a>; rel="next"; rel="prev"; title="say \"hi\", ok""#),
            [link("/a", &["next"])]
        );
    }

    #[test]
    fn malformed_parts_are_skipped() {
        assert_eq!(rels(""), []);
        assert_eq!(rels(" , ,"), []);
        assert_eq!(
            rels(r#"garbage; rel="next", </ok>; rel=next"#),
            [link("/ok", &["next"])]
        );
        assert_eq!(rels("</a>; rel"), [link("/a", &[])]);
        assert_eq!(
            rels("</a>; rel=next junk, </b>; rel=last"),
            [link("/a", &["next"]), link("/b", &["last"])]
        );
        assert_eq!(rels("</a"), []);
        assert_eq!(rels(r#"</a>; rel="next"#), [link("/a", &["next"])]);
    }

    #[test]
    fn link_target_reads_page_and_page_id() {
        assert_eq!(
            LinkTarget::parse("https://x/t?conditions=a&page=12&pageSize=5"),
            LinkTarget {
                page: Some(12),
                page_id: None
            }
        );
        assert_eq!(
            LinkTarget::parse("/t?pageSize=5&PageId=991"),
            LinkTarget {
                page: None,
                page_id: Some("991".into())
            }
        );
        assert_eq!(
            LinkTarget::parse("https://x/t?page=abc"),
            LinkTarget::default()
        );
    }

    fn page(page: u32, mode: CwMode, page_id: Option<&str>) -> CwPage {
        CwPage {
            page,
            page_size: 2,
            page_id: page_id.map(str::to_owned),
            mode,
        }
    }

    fn headers(link: Option<&str>) -> HeaderMap {
        let mut headers = HeaderMap::new();
        if let Some(link) = link {
            headers.insert(LINK, HeaderValue::from_str(link).expect("ascii"));
        }
        headers
    }

    fn next_page(current: &CwPage, received: usize, link: Option<&str>) -> Option<CwPage> {
        match next_request(current, received, &headers(link)).expect("no error") {
            NextPage::Fetch(page) => Some(page),
            NextPage::Stop => None,
        }
    }

    #[test]
    fn next_page_rules() {
        let first = page(1, CwMode::Navigable, None);
        // No Link header: a full page may have more, a short one is last.
        assert_eq!(
            next_page(&first, 2, None),
            Some(page(2, CwMode::Navigable, None))
        );
        assert_eq!(next_page(&first, 1, None), None);
        assert_eq!(next_page(&first, 0, None), None);
        // A Link header decides, whatever the count.
        assert_eq!(
            next_page(&first, 1, Some("</t?page=5&pageSize=2>; rel=\"next\"")),
            Some(page(5, CwMode::Navigable, None))
        );
        assert_eq!(
            next_page(&first, 2, Some("</t?page=1&pageSize=2>; rel=\"first\"")),
            None
        );
        // Going back would loop.
        let third = page(3, CwMode::Navigable, None);
        let err = next_request(&third, 2, &headers(Some("</t?page=3>; rel=next"))).err();
        assert!(matches!(err, Some(Error::Paging { .. })), "{err:?}");
    }

    #[test]
    fn forward_only_rules() {
        let first = page(1, CwMode::ForwardOnly, None);
        assert_eq!(
            next_page(&first, 2, Some("</t?pageSize=2&pageId=40>; rel=\"next\"")),
            Some(page(2, CwMode::ForwardOnly, Some("40")))
        );
        assert_eq!(next_page(&first, 1, None), None);
        let repeat = page(2, CwMode::ForwardOnly, Some("40"));
        for link in [
            Some("</t?pageId=40>; rel=next"),
            Some("</t?page=3>; rel=next"),
            None,
        ] {
            let err = next_request(&repeat, 2, &headers(link)).err();
            assert!(
                matches!(err, Some(Error::Paging { .. })),
                "{link:?}: {err:?}"
            );
        }
    }

    #[test]
    fn query_and_page_size_validation() {
        assert_eq!(
            page(3, CwMode::Navigable, None).query(),
            [("page", "3".to_owned()), ("pageSize", "2".to_owned())]
        );
        assert_eq!(
            page(3, CwMode::ForwardOnly, Some("7")).query(),
            [("pageId", "7".to_owned()), ("pageSize", "2".to_owned())]
        );
        assert_eq!(
            page(1, CwMode::ForwardOnly, None).query(),
            [("pageSize", "2".to_owned())]
        );
        for bad in [0, 1001] {
            assert!(matches!(CwPaging::new(bad), Err(Error::Config { .. })));
        }
    }
}
