//! The escape hatch: any method and path, with the vendor's auth, retries, limits and errors applied.

use std::sync::Arc;

use bytes::Bytes;
use reqwest::header::{HeaderValue, ACCEPT, CONTENT_TYPE};
use reqwest::Method;
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::pipeline::{Pipeline, Success, PLACEHOLDER_BASE};
use crate::transport::{decode_json, OperationMeta};
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
    limit_key: Option<&'static str>,
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
        }
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

    /// Counts the call under `key` in the per-endpoint concurrency limit (default: the path as given). Use
    /// the entity name for Autotask, whose limit is per entity.
    pub fn limit_key(mut self, key: &'static str) -> Self {
        self.limit_key = Some(key);
        self
    }

    /// Sends and decodes the JSON answer into `T`.
    ///
    /// # Errors
    /// Every [`Error`] the vendor pipeline reports; [`Error::MalformedBody`] when the body is not a `T`.
    pub async fn send<T: DeserializeOwned>(self) -> Result<T, Error> {
        let meta = self.meta();
        let success = self.send_bytes().await?;
        decode_json(&success.body, success.status, &meta)
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
        let meta = OperationMeta::new(
            self.pipeline.vendor(),
            self.operation_id,
            self.method.clone(),
            "(raw)",
        );
        match self.limit_key {
            Some(key) => meta.with_limit_key(key),
            None => meta,
        }
    }

    /// Sends and returns status, headers and body bytes of a successful answer.
    ///
    /// # Errors
    /// [`Error::InvalidRequest`] for a body that did not serialize or a path that is not a URL; otherwise
    /// every [`Error`] the vendor pipeline reports.
    pub async fn send_bytes(self) -> Result<Success, Error> {
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
        let mut request = reqwest::Request::new(self.method.clone(), url);
        request
            .headers_mut()
            .insert(ACCEPT, HeaderValue::from_static("application/json"));
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
