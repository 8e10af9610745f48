//! Turns an HTTP response into body bytes or a typed [`Error`].

use std::time::SystemTime;

use bytes::Bytes;
use reqwest::header::{HeaderMap, CONTENT_TYPE, LOCATION, RETRY_AFTER};
use reqwest::StatusCode;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::meta::OperationMeta;
use super::retry::parse_retry_after;
use crate::error::{snippet, VendorBody};
use crate::Error;

/// Whether response bodies are written to the log, and how.
///
/// Off by default: a body can hold anything the API returns about customers
/// and staff. When on, each API response body is logged at TRACE (target
/// `psa_clients::transport::classify`) as JSON with the values of
/// secret-looking keys replaced by `"[redacted]"` (see [`BodyLogging::redacted`])
/// and cut to a bounded length. The auth layer's own calls (login, token
/// refresh, discovery, member keys; [`OperationMeta::auth_path`]) are never
/// logged, whatever this says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BodyLogging {
    enabled: bool,
    max_len: usize,
}

impl Default for BodyLogging {
    fn default() -> Self {
        Self::off()
    }
}

impl BodyLogging {
    /// The default length bound of a logged body, in bytes.
    pub const DEFAULT_MAX_LEN: usize = 2048;

    /// No body is logged.
    pub const fn off() -> Self {
        Self {
            enabled: false,
            max_len: Self::DEFAULT_MAX_LEN,
        }
    }

    /// API bodies are logged at TRACE, redacted: in JSON bodies, at any
    /// depth, the value of every key that looks like a credential is
    /// replaced by `"[redacted]"`. A key looks like a credential when,
    /// ignoring case and anything but letters and digits, it contains
    /// `password`, `passwd`, `secret`, `token`, `apikey`, `integrationcode`,
    /// `authorization`, `credential`, `mfacode`, `totp`, `signature`,
    /// `cookie` or `session`, or ends with `key` (`privateKey`,
    /// `publicKey`, `SecretKey`, …). Bodies that are not JSON are logged
    /// only by their length. The text is cut after
    /// [`BodyLogging::DEFAULT_MAX_LEN`] bytes unless
    /// [`BodyLogging::with_max_len`] says otherwise.
    pub const fn redacted() -> Self {
        Self {
            enabled: true,
            max_len: Self::DEFAULT_MAX_LEN,
        }
    }

    /// Cuts a logged body after `max_len` bytes (at a character boundary).
    #[must_use]
    pub const fn with_max_len(mut self, max_len: usize) -> Self {
        self.max_len = max_len;
        self
    }

    /// True when API bodies are logged.
    pub const fn is_enabled(&self) -> bool {
        self.enabled
    }

    /// The length bound of a logged body, in bytes.
    pub const fn max_len(&self) -> usize {
        self.max_len
    }
}

/// Reads the body and classifies the response; see [`classify_parts`].
/// Logs no body; see [`classify_logging`].
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
    classify_logging(response, op, now, &BodyLogging::off()).await
}

/// [`classify`], logging the body as `logging` says (never for an
/// [`OperationMeta::auth_path`] operation).
///
/// # Errors
/// As [`classify`].
pub async fn classify_logging(
    response: reqwest::Response,
    op: &OperationMeta,
    now: SystemTime,
    logging: &BodyLogging,
) -> Result<Bytes, Error> {
    let status = response.status();
    let headers = response.headers().clone();
    let body = response
        .bytes()
        .await
        .map_err(|err| Error::from_reqwest(op.operation_id, err))?;
    log_body(status, &body, op, logging);
    classify_parts(status, &headers, body, op, now)
}

/// Logs `body` at TRACE when `logging` is on and `op` is not an auth call.
fn log_body(status: StatusCode, body: &[u8], op: &OperationMeta, logging: &BodyLogging) {
    if !logging.enabled || op.auth_path || !tracing::enabled!(tracing::Level::TRACE) {
        return;
    }
    tracing::trace!(
        operation_id = op.operation_id,
        status = status.as_u16(),
        body = %redact_body(body, logging.max_len),
        "response body"
    );
}

/// The text logged for `body`: redacted JSON cut after `max_len` bytes, or
/// only the length of a body that is not JSON.
pub(crate) fn redact_body(body: &[u8], max_len: usize) -> String {
    if body.is_empty() {
        return "(empty body)".to_owned();
    }
    let Ok(mut value) = serde_json::from_slice::<Value>(body) else {
        return format!("({} bytes, not JSON; not logged)", body.len());
    };
    psa_clients_runtime::redact::redact(&mut value);
    let text = value.to_string();
    if text.len() <= max_len {
        return text;
    }
    let end = (0..=max_len)
        .rev()
        .find(|&at| text.is_char_boundary(at))
        .unwrap_or(0);
    format!("{}… (cut, {} bytes in all)", &text[..end], text.len())
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

/// Decodes a JSON body, reporting the path of the field that failed (the generated clients' decoder,
/// [`psa_clients_runtime::decode::json`]).
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
    psa_clients_runtime::decode::json(body, status, op.operation_id)
}

fn looks_like_html(headers: &HeaderMap, body: &[u8]) -> bool {
    let content_type = headers
        .get(CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    content_type.contains("text/html")
        || content_type.contains("application/xhtml")
        || (!content_type.contains("json") && psa_clients_runtime::decode::sniff_html(body))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_keys_are_redacted_at_any_depth_in_any_case() {
        let body = br#"{"id":1,"PASSWORD":"a","nested":[{"api_integration_code":"b"},{"Refresh-Token":{"x":"c"}}],"publicKey":"d","keyword":"kept","summary":"kept too"}"#;
        let text = redact_body(body, 1000);
        assert_eq!(
            text,
            r#"{"id":1,"PASSWORD":"[redacted]","nested":[{"api_integration_code":"[redacted]"},{"Refresh-Token":"[redacted]"}],"publicKey":"[redacted]","keyword":"kept","summary":"kept too"}"#
        );
    }

    #[test]
    fn long_bodies_are_cut_at_a_character_boundary_and_other_bodies_only_counted() {
        let body = format!(r#"{{"text":"{}"}}"#, "é".repeat(100));
        let text = redact_body(body.as_bytes(), 16);
        assert!(text.starts_with(r#"{"text":"ééé…"#), "{text}");
        assert!(text.ends_with("(cut, 211 bytes in all)"), "{text}");
        assert_eq!(
            redact_body(b"access_token=abc", 100),
            "(16 bytes, not JSON; not logged)"
        );
        assert_eq!(redact_body(b"", 100), "(empty body)");
    }
}
