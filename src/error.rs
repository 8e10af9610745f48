//! The one public error type of psa-clients.
//!
//! Variants are split by what a caller can do about them: fix credentials,
//! fix permissions, back off, fix the site URL, report a vendor bug, …

use std::fmt;
use std::time::Duration;

use reqwest::StatusCode;

/// Longest body excerpt kept in messages; vendor error pages can be huge.
pub(crate) const SNIPPET_LEN: usize = 512;

/// Everything that can go wrong calling a PSA API.
///
/// Variants carry the operation id of the failing call, the HTTP status
/// where one was received and the vendor's body where one exists. None of
/// them holds request headers or URLs with query strings, so credentials
/// never end up in `Debug` or `Display` output.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The vendor rejected the credentials (HTTP 401): wrong key or secret,
    /// wrong API integration code, MFA required, or the account is locked.
    #[error(
        "{operation_id}: authentication failed (HTTP {status}); check the API credentials, \
         integration code / client id, MFA, and whether the account is locked"
    )]
    Authentication {
        /// The failing operation.
        operation_id: &'static str,
        /// The HTTP status (401).
        status: StatusCode,
        /// What the vendor said.
        body: VendorBody,
    },

    /// The vendor rejected the account or its setup for a reason it named
    /// precisely, often with a status other than 401: Autotask answers an
    /// unknown API user or an invalid integration code with HTTP 500.
    #[error("{operation_id}: {reason} (HTTP {status})")]
    CredentialsRejected {
        /// The failing operation.
        operation_id: &'static str,
        /// The HTTP status the vendor used.
        status: StatusCode,
        /// What is wrong and what to check, in words.
        reason: &'static str,
        /// What the vendor said.
        body: VendorBody,
    },

    /// The credentials are valid but lack permission (HTTP 403).
    #[error("{operation_id}: forbidden (HTTP {status}); the API user lacks permission for this")]
    Forbidden {
        /// The failing operation.
        operation_id: &'static str,
        /// The HTTP status (403).
        status: StatusCode,
        /// What the vendor said.
        body: VendorBody,
    },

    /// The entity or endpoint does not exist (HTTP 404 with a non-HTML body).
    #[error("{operation_id}: not found (HTTP {status})")]
    NotFound {
        /// The failing operation.
        operation_id: &'static str,
        /// The HTTP status (404).
        status: StatusCode,
        /// What the vendor said.
        body: VendorBody,
    },

    /// Too many requests: the vendor said 429 (after any retries), or the
    /// local request budget is used up and is configured to fail fast.
    #[error("{operation_id}: rate limited{}", RetryAfter(*retry_after))]
    RateLimited {
        /// The failing operation.
        operation_id: &'static str,
        /// `Some(429)` from the vendor, `None` when the local budget refused.
        status: Option<StatusCode>,
        /// How long to wait before trying again, when known.
        retry_after: Option<Duration>,
        /// What the vendor said.
        body: VendorBody,
    },

    /// Any other non-success answer from the vendor.
    #[error("{operation_id}: vendor returned HTTP {status}: {body}")]
    Vendor {
        /// The failing operation.
        operation_id: &'static str,
        /// The HTTP status.
        status: StatusCode,
        /// What the vendor said (JSON when it parsed, text otherwise).
        body: VendorBody,
    },

    /// An HTML page came back where JSON was expected.
    #[error(
        "{operation_id}: got an HTML page instead of JSON (HTTP {status}); probably the wrong \
         site URL, or a login/SSO redirect"
    )]
    HtmlInsteadOfJson {
        /// The failing operation.
        operation_id: &'static str,
        /// The HTTP status.
        status: StatusCode,
        /// The start of the page.
        snippet: String,
    },

    /// The body did not match the expected JSON shape.
    #[error("{operation_id}: unexpected response body at `{path}` (HTTP {status}): {source}")]
    MalformedBody {
        /// The failing operation.
        operation_id: &'static str,
        /// The HTTP status.
        status: StatusCode,
        /// Path of the failing field, e.g. `items[3].contact.id`.
        path: String,
        /// The start of the body.
        snippet: String,
        /// The parser's own error.
        #[source]
        source: serde_json::Error,
    },

    /// The server redirected to another host; the redirect was not followed
    /// so credentials stay with the configured host.
    #[error(
        "{operation_id}: server redirected (HTTP {status}) to {location}; not followed so \
         credentials stay with the configured host; check the site URL / zone"
    )]
    Redirected {
        /// The failing operation.
        operation_id: &'static str,
        /// The HTTP status (3xx).
        status: StatusCode,
        /// The redirect target without query string or fragment.
        location: String,
    },

    /// The request could not be completed: DNS, connect, TLS, or the
    /// connection dropped. URLs are stripped from the source error.
    #[error("{operation_id}: request failed: {source}")]
    Transport {
        /// The failing operation.
        operation_id: &'static str,
        /// The HTTP client's error.
        #[source]
        source: reqwest::Error,
    },

    /// The connect or total timeout elapsed.
    #[error("{operation_id}: timed out")]
    Timeout {
        /// The failing operation.
        operation_id: &'static str,
        /// The HTTP client's error.
        #[source]
        source: reqwest::Error,
    },

    /// A request could not be built from the values given (e.g. a required parameter not set, a value that
    /// does not fit the parameter's type); nothing was sent.
    #[error("invalid request: {message}")]
    InvalidRequest {
        /// What is wrong.
        message: String,
    },

    /// A vendor's paging information cannot be followed: it points back to
    /// the page just fetched, to another host, or lacks what the next
    /// request needs. Reported instead of stopping, so a result is never
    /// silently cut short.
    #[error("paging cannot continue: {message}")]
    Paging {
        /// What is wrong.
        message: String,
    },

    /// Invalid configuration, found before anything was sent.
    #[error("configuration error: {message}")]
    Config {
        /// What is wrong.
        message: String,
    },
}

impl Error {
    /// Wraps an HTTP client error, dropping its URL: query strings may hold
    /// tokens and the operation id already says which call failed.
    pub(crate) fn from_reqwest(operation_id: &'static str, source: reqwest::Error) -> Self {
        let source = source.without_url();
        if source.is_timeout() {
            Self::Timeout {
                operation_id,
                source,
            }
        } else {
            Self::Transport {
                operation_id,
                source,
            }
        }
    }

    /// The HTTP status, when a response was received.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Self::Authentication { status, .. }
            | Self::CredentialsRejected { status, .. }
            | Self::Forbidden { status, .. }
            | Self::NotFound { status, .. }
            | Self::Vendor { status, .. }
            | Self::HtmlInsteadOfJson { status, .. }
            | Self::MalformedBody { status, .. }
            | Self::Redirected { status, .. } => Some(*status),
            Self::RateLimited { status, .. } => *status,
            Self::Transport { .. }
            | Self::Timeout { .. }
            | Self::InvalidRequest { .. }
            | Self::Paging { .. }
            | Self::Config { .. } => None,
        }
    }

    /// The operation id of the failing call (`None` for configuration and request-building errors).
    pub fn operation_id(&self) -> Option<&'static str> {
        match self {
            Self::Authentication { operation_id, .. }
            | Self::CredentialsRejected { operation_id, .. }
            | Self::Forbidden { operation_id, .. }
            | Self::NotFound { operation_id, .. }
            | Self::RateLimited { operation_id, .. }
            | Self::Vendor { operation_id, .. }
            | Self::HtmlInsteadOfJson { operation_id, .. }
            | Self::MalformedBody { operation_id, .. }
            | Self::Redirected { operation_id, .. }
            | Self::Transport { operation_id, .. }
            | Self::Timeout { operation_id, .. } => Some(operation_id),
            Self::InvalidRequest { .. } | Self::Paging { .. } | Self::Config { .. } => None,
        }
    }

    /// The vendor's error body, when the variant keeps one.
    pub fn vendor_body(&self) -> Option<&VendorBody> {
        match self {
            Self::Authentication { body, .. }
            | Self::CredentialsRejected { body, .. }
            | Self::Forbidden { body, .. }
            | Self::NotFound { body, .. }
            | Self::RateLimited { body, .. }
            | Self::Vendor { body, .. } => Some(body),
            _ => None,
        }
    }

    /// How long to wait before trying again, for [`Error::RateLimited`].
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Self::RateLimited { retry_after, .. } => *retry_after,
            _ => None,
        }
    }
}

/// A vendor's error body.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum VendorBody {
    /// No body.
    Empty,
    /// The body parsed as JSON (most vendor errors).
    Json(serde_json::Value),
    /// Not JSON: the text, cut to a few hundred bytes.
    Text(String),
}

impl VendorBody {
    /// Parses a body: JSON when it is JSON, otherwise a text snippet.
    pub fn from_bytes(body: &[u8]) -> Self {
        if body.iter().all(u8::is_ascii_whitespace) {
            return Self::Empty;
        }
        match serde_json::from_slice(body) {
            Ok(value) => Self::Json(value),
            Err(_) => Self::Text(snippet(body)),
        }
    }
}

impl fmt::Display for VendorBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Empty => f.write_str("(empty body)"),
            Self::Json(value) => f.write_str(&truncate(value.to_string(), SNIPPET_LEN)),
            Self::Text(text) => f.write_str(text),
        }
    }
}

/// The start of a body as text, marked with `…` when cut.
pub(crate) fn snippet(body: &[u8]) -> String {
    let end = body.len().min(SNIPPET_LEN);
    // Lossy: a cut in the middle of a multi-byte character, or a body in
    // another encoding, still gives a readable excerpt.
    let mut text = String::from_utf8_lossy(&body[..end]).into_owned();
    if end < body.len() {
        text.push('…');
    }
    text
}

fn truncate(mut text: String, max: usize) -> String {
    if text.len() > max {
        let mut cut = max;
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        text.truncate(cut);
        text.push('…');
    }
    text
}

/// Formats `Option<Duration>` for the rate-limit message.
struct RetryAfter(Option<Duration>);

impl fmt::Display for RetryAfter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(wait) => write!(f, "; retry after {}s", wait.as_secs_f64().ceil()),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vendor_body_parses_json_or_keeps_text() {
        assert_eq!(VendorBody::from_bytes(b"  \n"), VendorBody::Empty);
        assert_eq!(
            VendorBody::from_bytes(br#"{"code":"x"}"#),
            VendorBody::Json(serde_json::json!({"code": "x"}))
        );
        assert_eq!(
            VendorBody::from_bytes(b"Bad Gateway"),
            VendorBody::Text("Bad Gateway".into())
        );
    }

    #[test]
    fn snippet_cuts_long_and_multibyte_bodies() {
        let body = format!("x{}", "é".repeat(SNIPPET_LEN));
        let cut = snippet(body.as_bytes());
        // The cut splits an `é`, which becomes one replacement character.
        assert!(cut.ends_with("\u{FFFD}…"), "{cut}");
        assert_eq!(snippet(b"short"), "short");
    }

    #[test]
    fn rate_limited_message_mentions_the_wait() {
        let err = Error::RateLimited {
            operation_id: "getTickets",
            status: Some(StatusCode::TOO_MANY_REQUESTS),
            retry_after: Some(Duration::from_secs(30)),
            body: VendorBody::Empty,
        };
        assert_eq!(err.to_string(), "getTickets: rate limited; retry after 30s");
        assert_eq!(err.retry_after(), Some(Duration::from_secs(30)));
        assert_eq!(err.status(), Some(StatusCode::TOO_MANY_REQUESTS));
    }
}
