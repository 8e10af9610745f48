//! Credentials and base-URL discovery for the three vendors.
//!
//! Each vendor authenticates differently: Kaseya BMS logs in for a bearer
//! token, ConnectWise sends Basic credentials to a site whose API path
//! depends on the tenant's codebase, and Autotask sends key headers to a
//! zone that has to be looked up first. The vendor clients' internal
//! pipeline talks to all of them through one crate-private trait, so the
//! call path is the same for every vendor.

mod any_case;
mod autotask;
mod bms;
mod connectwise;
mod discovered;
mod env;
mod expiry;
mod impersonation;

use futures_core::future::BoxFuture;
use reqwest::{StatusCode, Url};

use crate::transport::Transport;
use crate::Error;

pub use autotask::{AutotaskConfig, AUTOTASK_DISCOVERY_URL};
pub use bms::{BmsConfig, BmsRegion};
pub use connectwise::{ConnectWiseCompanyInfo, ConnectWiseConfig, CONNECTWISE_TYPES_VERSION};

pub(crate) use autotask::AutotaskAuth;
pub(crate) use bms::BmsAuth;
pub(crate) use connectwise::ConnectWiseAuth;

/// What the pipeline needs from a vendor's authentication.
///
/// Object-safe so the pipeline can hold any vendor as `Arc<dyn VendorAuth>`.
/// Implementations keep their state (tokens, discovered URLs) behind locks
/// and count every change in a *generation*, which lets
/// [`VendorAuth::recover`] tell "my credentials went stale" from "someone
/// already replaced them while I waited".
pub(crate) trait VendorAuth: Send + Sync + std::fmt::Debug {
    /// Real base URL for API calls, discovered and cached on first use:
    /// BMS `https://api.bms.kaseya.com`, ConnectWise
    /// `https://{site}/{codebase}apis/3.0`, Autotask the zone URL
    /// `https://webservicesN.autotask.net/atservicesrest`. No trailing slash.
    fn base_url<'a>(&'a self, transport: &'a Transport) -> BoxFuture<'a, Result<Url, Error>>;

    /// Adds credentials to `request`; returns the generation of the
    /// credentials and base URL used, for [`VendorAuth::recover`].
    fn authorize<'a>(
        &'a self,
        transport: &'a Transport,
        request: &'a mut reqwest::Request,
    ) -> BoxFuture<'a, Result<u64, Error>>;

    /// True when [`VendorAuth::recover`] may help with this failed answer
    /// (its body is not read): BMS a 401 (expired token), Autotask a 401
    /// (moved zone), ConnectWise a 404 that is not the API's own JSON
    /// answer (the codebase in the URL changed with an upgrade) or, when
    /// impersonating, a 401 (the member's key pair was revoked).
    fn may_recover(&self, response: &reqwest::Response) -> bool;

    /// Called at most once per call, after it got an answer with `status`
    /// that [`VendorAuth::may_recover`] accepted, sent with credentials of
    /// `generation`. Refreshes the token, renews a key pair or
    /// re-discovers the base URL; returns true when the call should be sent
    /// once more.
    ///
    /// Single-flight: when `generation` is already stale, another call has
    /// recovered meanwhile, so this returns true without logging in again.
    fn recover<'a>(
        &'a self,
        transport: &'a Transport,
        generation: u64,
        status: StatusCode,
    ) -> BoxFuture<'a, Result<bool, Error>>;

    /// Turns a generic error into a more precise one where the vendor's
    /// body says what is wrong (e.g. Autotask's invalid integration code).
    fn refine_error(&self, error: Error) -> Error {
        error
    }
}

/// Sends an authentication-side request (login, discovery) through the
/// transport, so it gets the same retries, limits and tracing as API calls,
/// and returns the body of a successful answer.
///
/// The call is marked [`OperationMeta::auth_path`](crate::transport::OperationMeta::auth_path):
/// its answers carry tokens and keys, so its body is never logged.
async fn send_auth_request(
    transport: &Transport,
    request: reqwest::Request,
    op: &crate::transport::OperationMeta,
) -> Result<bytes::Bytes, Error> {
    let op = op.clone().with_auth_path();
    let response = transport.execute(request, op.clone()).await?;
    transport.classify(response, &op).await
}

/// A decoding error without the start of the body, which may hold tokens.
fn without_snippet(error: Error) -> Error {
    match error {
        Error::MalformedBody {
            operation_id,
            status,
            path,
            source,
            ..
        } => Error::MalformedBody {
            operation_id,
            status,
            path,
            snippet: String::new(),
            source,
        },
        Error::HtmlInsteadOfJson {
            operation_id,
            status,
            ..
        } => Error::HtmlInsteadOfJson {
            operation_id,
            status,
            snippet: String::new(),
        },
        other => other,
    }
}

/// A URL error as a config error naming the setting, never its value
/// (an on-prem URL can embed user info).
fn invalid_url(setting: &str) -> Error {
    Error::Config {
        message: format!("{setting} is not a valid http(s) URL"),
    }
}

/// Parses `text` as an http(s) URL, adding `https://` to a bare host.
fn parse_site(text: &str, setting: &str) -> Result<Url, Error> {
    let text = text.trim();
    let with_scheme = if text.contains("://") {
        text.to_owned()
    } else {
        format!("https://{text}")
    };
    let url = Url::parse(&with_scheme).map_err(|_| invalid_url(setting))?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(invalid_url(setting));
    }
    no_user_info(&url, setting)?;
    Ok(url)
}

/// Refuses a URL with `user:password@`: credentials go in the vendor's own
/// headers, and a password in a URL would end up in `Debug` output and logs.
fn no_user_info(url: &Url, setting: &str) -> Result<(), Error> {
    if url.username().is_empty() && url.password().is_none() {
        return Ok(());
    }
    Err(Error::Config {
        message: format!(
            "{setting} must not contain a user name or password (user:password@); \
             pass credentials in the config instead"
        ),
    })
}

/// `url` as text for `Debug` output, with any password replaced.
fn shown_url(url: &Url) -> String {
    if url.password().is_none() {
        return url.as_str().to_owned();
    }
    let mut shown = url.clone();
    // Only fails for URLs that cannot have a password, and this one has one.
    let _ = shown.set_password(Some("redacted"));
    shown.into()
}

/// `base` without a trailing slash on its path, the form
/// [`VendorAuth::base_url`] promises.
fn trim_base(mut base: Url) -> Url {
    let path = base.path().trim_end_matches('/').to_owned();
    base.set_path(&path);
    base.set_query(None);
    base.set_fragment(None);
    base
}

/// `base` with `path` (starting with `/`) appended to its path, so a base
/// with a path prefix (ConnectWise's `/v2025_1/apis/3.0`) keeps it.
pub(crate) fn append_path(base: &Url, path: &str) -> Url {
    let mut url = base.clone();
    let joined = format!("{}{path}", base.path().trim_end_matches('/'));
    url.set_path(&joined);
    url
}

/// True for a Kaseya BMS envelope that reports failure (`Success: false`,
/// in either key case).
pub(crate) fn envelope_failed(value: &serde_json::Value) -> bool {
    any_case::envelope_success(value) == Some(false)
}
