//! Turns an HTTP response into body bytes or a typed [`Error`].

use std::time::SystemTime;

use bytes::Bytes;
use reqwest::header::{HeaderMap, CONTENT_TYPE, LOCATION, RETRY_AFTER};
use reqwest::StatusCode;
use serde::de::DeserializeOwned;

use super::meta::OperationMeta;
use super::retry::parse_retry_after;
use crate::error::{snippet, VendorBody};
use crate::Error;

/// Reads the body and classifies the response; see [`classify_parts`].
///
/// `now` is used to turn an HTTP-date `Retry-After` into a wait; pass the
/// transport's clock time ([`Transport::classify`](super::Transport::classify)
/// does).
///
/// # Errors
/// A body read failure as [`Error::Transport`] / [`Error::Timeout`], and
/// everything [`classify_parts`] reports.
pub async fn classify(
    response: reqwest::Response,
    op: &OperationMeta,
    now: SystemTime,
) -> Result<Bytes, Error> {
    let status = response.status();
    let headers = response.headers().clone();
    let body = response
        .bytes()
        .await
        .map_err(|err| Error::from_reqwest(op.operation_id, err))?;
    tracing::trace!(
        operation_id = op.operation_id,
        status = status.as_u16(),
        body = %String::from_utf8_lossy(&body),
        "response body"
    );
    classify_parts(status, &headers, body, op, now)
}

/// Classifies status, headers and body.
///
/// - 2xx: the body, unless it is an HTML page (then
///   [`Error::HtmlInsteadOfJson`]). JSON syntax is not checked here; use
///   [`decode_json`].
/// - 3xx (only seen when a redirect was refused): [`Error::Redirected`].
/// - 401, 403, 429: [`Error::Authentication`], [`Error::Forbidden`],
///   [`Error::RateLimited`], whatever the body looks like.
/// - other statuses with an HTML body: [`Error::HtmlInsteadOfJson`],
///   because an HTML 404/500 page almost always comes from a web server in
///   front of the wrong URL, not from the API.
/// - 404: [`Error::NotFound`]; anything else: [`Error::Vendor`].
///
/// # Errors
/// As listed above.
pub fn classify_parts(
    status: StatusCode,
    headers: &HeaderMap,
    body: Bytes,
    op: &OperationMeta,
    now: SystemTime,
) -> Result<Bytes, Error> {
    let operation_id = op.operation_id;
    let html = looks_like_html(headers, &body);
    if status.is_success() {
        if html {
            return Err(Error::HtmlInsteadOfJson {
                operation_id,
                status,
                snippet: snippet(&body),
            });
        }
        return Ok(body);
    }
    if status.is_redirection() {
        return Err(Error::Redirected {
            operation_id,
            status,
            location: redirect_target(headers),
        });
    }
    let vendor_body = || VendorBody::from_bytes(&body);
    match status {
        StatusCode::UNAUTHORIZED => Err(Error::Authentication {
            operation_id,
            status,
            body: vendor_body(),
        }),
        StatusCode::FORBIDDEN => Err(Error::Forbidden {
            operation_id,
            status,
            body: vendor_body(),
        }),
        StatusCode::TOO_MANY_REQUESTS => Err(Error::RateLimited {
            operation_id,
            status: Some(status),
            retry_after: headers
                .get(RETRY_AFTER)
                .and_then(|value| parse_retry_after(value, now)),
            body: vendor_body(),
        }),
        _ if html => Err(Error::HtmlInsteadOfJson {
            operation_id,
            status,
            snippet: snippet(&body),
        }),
        StatusCode::NOT_FOUND => Err(Error::NotFound {
            operation_id,
            status,
            body: vendor_body(),
        }),
        _ => Err(Error::Vendor {
            operation_id,
            status,
            body: vendor_body(),
        }),
    }
}

/// Decodes a JSON body, reporting the path of the field that failed.
///
/// # Errors
/// [`Error::HtmlInsteadOfJson`] for an HTML page (checked by sniffing, since
/// there are no headers here), otherwise [`Error::MalformedBody`] with the
/// path (e.g. `items[2].id`) and the start of the body.
pub fn decode_json<T: DeserializeOwned>(
    body: &[u8],
    status: StatusCode,
    op: &OperationMeta,
) -> Result<T, Error> {
    let malformed = |path: String, source: serde_json::Error| {
        if sniff_html(body) {
            return Error::HtmlInsteadOfJson {
                operation_id: op.operation_id,
                status,
                snippet: snippet(body),
            };
        }
        Error::MalformedBody {
            operation_id: op.operation_id,
            status,
            path,
            snippet: snippet(body),
            source,
        }
    };
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let value: T = serde_path_to_error::deserialize(&mut deserializer)
        .map_err(|err| malformed(err.path().to_string(), err.into_inner()))?;
    // Trailing garbage after a complete value is malformed too.
    deserializer
        .end()
        .map_err(|err| malformed(".".to_owned(), err))?;
    Ok(value)
}

fn looks_like_html(headers: &HeaderMap, body: &[u8]) -> bool {
    let content_type = headers
        .get(CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    content_type.contains("text/html")
        || content_type.contains("application/xhtml")
        || (!content_type.contains("json") && sniff_html(body))
}

/// True when the body starts like an HTML document.
fn sniff_html(body: &[u8]) -> bool {
    let start = body
        .strip_prefix(b"\xEF\xBB\xBF") // UTF-8 byte order mark
        .unwrap_or(body);
    let start = start.trim_ascii_start();
    let head = &start[..start.len().min(15)];
    let head = head.to_ascii_lowercase();
    head.starts_with(b"<!doctype html") || head.starts_with(b"<html")
}

/// The `Location` header without query or fragment, which may carry
/// one-time tokens of a login flow.
fn redirect_target(headers: &HeaderMap) -> String {
    let location = headers
        .get(LOCATION)
        .map(|value| String::from_utf8_lossy(value.as_bytes()).into_owned())
        .unwrap_or_default();
    let end = location.find(['?', '#']).unwrap_or(location.len());
    location[..end].to_owned()
}
