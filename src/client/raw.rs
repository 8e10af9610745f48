//! The escape hatch: any method and path, with the vendor's auth, retries, limits and errors applied.

use std::borrow::Cow;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue, ACCEPT, CONTENT_TYPE};
use reqwest::Method;
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::pipeline::{Answer, Pipeline, PLACEHOLDER_BASE};
use crate::transport::{decode_json, OperationMeta, Vendor};
use crate::Error;

/// A request for an endpoint or field the vendor document lacks, built with `raw(method, path)` on a vendor
/// client. The path is relative to the API base (`/service/tickets`, `/V1.0/Companies/query`,
/// `/v2/servicedesk/tickets`); an absolute URL is accepted only on the vendor's own host.
///
/// ```no_run
/// # async fn run(cw: &psa_clients::connectwise::Client) -> Result<(), psa_clients::Error> {
/// let boards: serde_json::Value = cw
///     .raw(reqwest::Method::GET, "/service/boards")
///     .query("pageSize", "10")
///     .send_value()
///     .await?;
/// # Ok(()) }
/// ```
#[derive(Debug)]
#[must_use = "a request does nothing until it is sent"]
pub struct RawRequest {
    pipeline: Arc<Pipeline>,
    method: Method,
    path: String,
    query: Vec<(String, String)>,
    body: Option<Result<Bytes, String>>,
    operation_id: &'static str,
    limit_key: Option<Cow<'static, str>>,
    headers: HeaderMap,
    header_error: Option<String>,
    timeout: Option<Duration>,
    read_only: bool,
}

impl RawRequest {
    pub(crate) fn new(pipeline: Arc<Pipeline>, method: Method, path: impl Into<String>) -> Self {
        Self {
            pipeline,
            method,
            path: path.into(),
            query: Vec::new(),
            body: None,
            operation_id: "raw_request",
            limit_key: None,
            headers: HeaderMap::new(),
            header_error: None,
            timeout: None,
            read_only: false,
        }
    }

    /// Adds a request header (e.g. a ConnectWise `Accept` version pin, `pagination-type`). Credentials are added
    /// by the vendor's auth and cannot be overridden here. An invalid name or value fails the call at send, as
    /// [`Error::InvalidRequest`], before anything is sent.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        match (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(value),
        ) {
            (Ok(name), Ok(value)) => {
                self.headers.append(name, value);
            }
            // The value is not repeated: it may be a secret.
            _ => self.header_error = Some(format!("header `{name}` has an invalid name or value")),
        }
        self
    }

    /// A timeout for this call alone (each attempt), instead of the transport's.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Marks a POST (or PATCH) that only reads, such as an Autotask `…/query` or a BMS `…/search`, so that
    /// the transport may retry it like a GET when its outcome is unknown. Never mark a call that creates or
    /// changes anything: a retried create can duplicate a record.
    pub fn read_only(mut self) -> Self {
        self.read_only = true;
        self
    }

    /// Adds a query parameter (encoded for you; repeat for several values).
    pub fn query(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.query.push((name.into(), value.into()));
        self
    }

    /// Sends `body` as JSON.
    pub fn json<T: Serialize + ?Sized>(mut self, body: &T) -> Self {
        self.body = Some(
            serde_json::to_vec(body)
                .map(Bytes::from)
                .map_err(|e| format!("the body does not serialize to JSON: {e}")),
        );
        self
    }

    /// Names the call in spans and errors (default `raw_request`).
    pub fn operation_id(mut self, id: &'static str) -> Self {
        self.operation_id = id;
        self
    }

    /// Counts the call under `key` in the per-endpoint concurrency limit. Default: the path as given, without
    /// its query; for Autotask, the entity (`/V1.0/Tickets/query` → `Tickets`), whose limit is per entity.
    pub fn limit_key(mut self, key: impl Into<Cow<'static, str>>) -> Self {
        self.limit_key = Some(key.into());
        self
    }

    /// Sends and decodes the JSON answer into `T`.
    ///
    /// # Errors
    /// Every [`Error`] the vendor pipeline reports; [`Error::MalformedBody`] when the body is not a `T`.
    pub async fn send<T: DeserializeOwned>(self) -> Result<T, Error> {
        let meta = self.meta();
        let drift = self.pipeline.drift().clone();
        let success = self.send_bytes().await?;
        psa_clients_runtime::decode::json_with(
            &success.body,
            success.status,
            meta.operation_id,
            &drift,
        )
    }

    /// Sends and returns the JSON answer as a `serde_json::Value` (`Null` for an empty body).
    ///
    /// # Errors
    /// As [`RawRequest::send`].
    pub async fn send_value(self) -> Result<serde_json::Value, Error> {
        let meta = self.meta();
        let success = self.send_bytes().await?;
        if success.body.iter().all(u8::is_ascii_whitespace) {
            return Ok(serde_json::Value::Null);
        }
        decode_json(&success.body, success.status, &meta)
    }

    fn meta(&self) -> OperationMeta {
        let vendor = self.pipeline.vendor();
        let mut meta = OperationMeta::new(vendor, self.operation_id, self.method.clone(), "(raw)")
            .with_limit_key(
                self.limit_key
                    .clone()
                    .unwrap_or_else(|| Cow::Owned(default_limit_key(vendor, &self.path))),
            );
        if self.read_only {
            meta = meta.read_only();
        }
        meta
    }

    /// Sends and returns status, headers and body bytes of a successful answer.
    ///
    /// # Errors
    /// [`Error::InvalidRequest`] for a body that did not serialize or a path that is not a URL; otherwise
    /// every [`Error`] the vendor pipeline reports.
    pub async fn send_bytes(self) -> Result<Answer, Error> {
        let invalid = |message: String| Error::InvalidRequest { message };
        let meta = self.meta();
        let url = if self.path.starts_with("http://") || self.path.starts_with("https://") {
            self.path.clone()
        } else {
            let sep = if self.path.starts_with('/') { "" } else { "/" };
            format!("{PLACEHOLDER_BASE}{sep}{}", self.path)
        };
        let mut url = reqwest::Url::parse(&url)
            .map_err(|e| invalid(format!("bad path {:?}: {e}", self.path)))?;
        if !self.query.is_empty() {
            url.query_pairs_mut().extend_pairs(&self.query);
        }
        if let Some(message) = self.header_error {
            return Err(invalid(message));
        }
        let mut request = reqwest::Request::new(self.method.clone(), url);
        request
            .headers_mut()
            .insert(ACCEPT, HeaderValue::from_static("application/json"));
        for (name, value) in &self.headers {
            request.headers_mut().insert(name, value.clone());
        }
        *request.timeout_mut() = self.timeout;
        if let Some(body) = self.body {
            let body = body.map_err(invalid)?;
            request
                .headers_mut()
                .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
            *request.body_mut() = Some(body.into());
        }
        self.pipeline.send(request, meta).await
    }
}

/// The concurrency key of a raw path: Autotask's entity (its limit is per entity), else the path without query.
fn default_limit_key(vendor: Vendor, path: &str) -> String {
    let path = path.split(['?', '#']).next().unwrap_or_default();
    // An absolute URL on the vendor's host: only its path counts.
    let path = match path.split_once("://") {
        Some((_, rest)) => rest.find('/').map_or("/", |i| &rest[i..]),
        None => path,
    };
    if vendor == Vendor::Autotask {
        // `/V1.0/Tickets/query` (also `v1.0`, `/atservicesrest/V1.0/…` in a next-page URL).
        let mut segments = path.split('/').filter(|s| !s.is_empty());
        if let Some(entity) = segments
            .by_ref()
            .find(|s| s.eq_ignore_ascii_case("v1.0"))
            .and_then(|_| segments.next())
        {
            return entity.to_owned();
        }
    }
    path.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_paths_get_their_own_limit_key() {
        assert_eq!(
            default_limit_key(Vendor::Autotask, "/V1.0/Tickets/query?x=1"),
            "Tickets"
        );
        assert_eq!(
            default_limit_key(
                Vendor::Autotask,
                "https://ws5.autotask.net/atservicesrest/v1.0/Companies/query/next?paging=abc"
            ),
            "Companies"
        );
        assert_eq!(
            default_limit_key(Vendor::ConnectWise, "/service/tickets?page=2"),
            "/service/tickets"
        );
        assert_eq!(
            default_limit_key(Vendor::Bms, "/v2/crm/accounts"),
            "/v2/crm/accounts"
        );
    }
}
