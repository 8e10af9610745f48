//! The one public error type of psa-clients (re-exported as `psa_clients::Error`).
//!
//! Variants are split by what a caller can do about them: fix credentials,
//! fix permissions, back off, fix the site URL, report a vendor bug, …
//!
//! It lives in the run-time crate because the generated clients return it from every `send()`: what a
//! generated call gives is the same value the hand-written pipeline produced, with the vendor's operationId,
//! status and body, and nothing is smuggled through `reqwest` response extensions on the way.

use std::fmt;
use std::time::Duration;

use reqwest::StatusCode;

mod body;
mod vendor_error;

pub use body::{snippet, VendorBody, SNIPPET_LEN};
pub use vendor_error::{VendorError, VendorErrorDetail};

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
        "{operation_id}: authentication failed (HTTP {status}){}; check the API credentials, \
         integration code / client id, MFA, and whether the account is locked",
        Said(body)
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
    #[error("{operation_id}: {reason} (HTTP {status}){}", Said(body))]
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
    #[error(
        "{operation_id}: forbidden (HTTP {status}){}; the API user lacks permission for this",
        Said(body)
    )]
    Forbidden {
        /// The failing operation.
        operation_id: &'static str,
        /// The HTTP status (403).
        status: StatusCode,
        /// What the vendor said.
        body: VendorBody,
    },

    /// The entity or endpoint does not exist (HTTP 404 with a non-HTML body).
    #[error("{operation_id}: not found (HTTP {status}){}", Said(body))]
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
    #[error("{operation_id}: rate limited{}{}", RetryAfter(*retry_after), Said(body))]
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

    /// Strict drift mode ([`DriftMode::Strict`](crate::DriftMode::Strict)) found something in the body the vendor
    /// document does not predict: an undeclared key, a value of another type, an unlisted enum value, a missing
    /// required field. Without strict mode the body decodes leniently and the drift is only reported.
    #[error(
        "{operation_id}: response drift at `{path}` (HTTP {status}): {message} (strict drift mode)"
    )]
    Drift {
        /// The failing operation.
        operation_id: &'static str,
        /// The HTTP status.
        status: StatusCode,
        /// Path of the field, e.g. `items[3].userDefinedFields`.
        path: String,
        /// What kind of drift.
        kind: crate::drift::DriftKind,
        /// What was found (the value of a secret-looking field is never quoted).
        message: String,
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
    #[error("{operation_id}: request failed{}: {source}", Sent(source))]
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
    #[doc(hidden)]
    pub fn from_reqwest(operation_id: &'static str, source: reqwest::Error) -> Self {
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

    /// Whether the request may have reached the server and been applied although no answer came back: the
    /// connection dropped, or a timeout struck, after the request was sent. The transport never re-sends such a
    /// request unless it only reads, so for a create this is the ambiguous case: look the record up (by a field
    /// you set, e.g. a ticket's summary or an external reference) before creating it again. `false` when the
    /// connection was never made (nothing was sent) and for every answer the server gave.
    pub fn outcome_unknown(&self) -> bool {
        match self {
            Self::Transport { source, .. } | Self::Timeout { source, .. } => !source.is_connect(),
            _ => false,
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
            | Self::Drift { status, .. }
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
            | Self::Drift { operation_id, .. }
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

    /// The vendor's error, parsed from its body (ConnectWise `{code, message, errors}`, Autotask
    /// `{errors: […]}`, BMS `{Error: {Code, Message, …}}`), for every variant that keeps a body.
    pub fn vendor_error(&self) -> Option<VendorError> {
        self.vendor_body().and_then(VendorBody::vendor_error)
    }

    /// A request that could not be built; used by generated code (`.map_err(Error::invalid_request)`).
    #[doc(hidden)]
    pub fn invalid_request(message: String) -> Self {
        Self::InvalidRequest { message }
    }

    /// How long to wait before trying again, for [`Error::RateLimited`].
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Self::RateLimited { retry_after, .. } => *retry_after,
            _ => None,
        }
    }
}

/// Only for `reqwest::RequestBuilder::build()?` in generated code: building fails when a parameter cannot be
/// serialized into the URL or a header value is invalid, before anything is sent.
impl From<reqwest::Error> for Error {
    fn from(error: reqwest::Error) -> Self {
        if error.is_builder() {
            let error = error.without_url();
            let mut message = error.to_string();
            let mut source = std::error::Error::source(&error);
            while let Some(cause) = source {
                message.push_str(": ");
                message.push_str(&cause.to_string());
                source = cause.source();
            }
            Self::InvalidRequest { message }
        } else {
            Self::from_reqwest("request", error)
        }
    }
}

/// Only for progenitor's request-building helpers in generated code (`.form_urlencoded(&body)?`), whose error is
/// `InvalidRequest`: the request could not be built and nothing was sent. Responses never reach this
/// conversion (every send returns this crate's error directly).
impl From<progenitor_client::Error<()>> for Error {
    fn from(error: progenitor_client::Error<()>) -> Self {
        use progenitor_client::Error as P;
        match error {
            P::InvalidRequest(message) | P::Custom(message) => Self::InvalidRequest { message },
            P::CommunicationError(source)
            | P::InvalidUpgrade(source)
            | P::ResponseBodyError(source) => Self::from(source),
            other => Self::InvalidRequest {
                message: format!(
                    "unexpected response while building a request: {}",
                    other.status().map_or_else(String::new, |s| s.to_string())
                ),
            },
        }
    }
}

/// `: <the vendor's message>` when the body holds a vendor error, for the messages of the status variants.
struct Said<'a>(&'a VendorBody);

impl fmt::Display for Said<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0.vendor_error() {
            Some(error) => write!(f, ": {error}"),
            None => Ok(()),
        }
    }
}

/// Formats `Option<Duration>` for the rate-limit message.
struct RetryAfter(Option<Duration>);

/// Whether a failed request may have reached the server, in the words a caller needs (see
/// [`Error::outcome_unknown`]): a create that failed this way may have happened.
struct Sent<'a>(&'a reqwest::Error);

impl fmt::Display for Sent<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_connect() {
            f.write_str(" before it reached the server")
        } else {
            f.write_str(" after it was sent (outcome unknown: it may have been applied)")
        }
    }
}

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
