//! What a call is, independent of its URL: used for limits, logs and errors.

use std::borrow::Cow;
use std::fmt;

use reqwest::Method;

/// The PSA product a call goes to.
///
/// `psa_codegen::vendor::Vendor` (the build scripts' vendor) and `psa_emulator::Vendor` spell the variants the same way
/// but stay their own types: the generator is a build-dependency of the generated crates this crate depends on,
/// and the emulator is kept independent of the client it tests. The names in logs (`as_str`) are unchanged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Vendor {
    /// ConnectWise PSA (Manage).
    ConnectWise,
    /// Datto Autotask PSA.
    Autotask,
    /// Kaseya BMS.
    Bms,
}

impl Vendor {
    /// A short lowercase name for logs and metrics.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ConnectWise => "connectwise",
            Self::Autotask => "autotask",
            Self::Bms => "kaseya_bms",
        }
    }
}

impl fmt::Display for Vendor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Describes one API operation. Generated clients have one per operation;
/// all strings are static so building one costs nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct OperationMeta {
    /// The vendor.
    pub vendor: Vendor,
    /// The OpenAPI `operationId`.
    pub operation_id: &'static str,
    /// The HTTP method as documented.
    pub method: Method,
    /// The path template, e.g. `/v1.0/Tickets/{id}`. Logged instead of the
    /// real URL, which may carry ids or query values users consider private.
    pub path_template: &'static str,
    /// Key for the per-endpoint concurrency limit when it should differ from
    /// the path template, e.g. Autotask's entity name (`Tickets`) so that
    /// `/Tickets/{id}` and `/Tickets/query` share one limit.
    pub limit_key: Option<Cow<'static, str>>,
    /// Whether the request may be re-sent when its outcome is unknown (a dropped connection, a timeout, a
    /// 5xx): true for idempotent methods, and for POSTs that only read when marked with
    /// [`OperationMeta::read_only`].
    pub retry_safe: bool,
    /// True for the auth layer's own calls (login, token refresh, codebase or
    /// zone discovery, member key fetch). Their bodies carry credentials or
    /// account details and are never logged, whatever the transport's
    /// [`BodyLogging`](super::BodyLogging).
    pub auth_path: bool,
}

impl OperationMeta {
    /// Describes an operation; the concurrency key is the path template.
    pub fn new(
        vendor: Vendor,
        operation_id: &'static str,
        method: Method,
        path_template: &'static str,
    ) -> Self {
        Self {
            vendor,
            operation_id,
            retry_safe: is_idempotent(&method),
            method,
            path_template,
            limit_key: None,
            auth_path: false,
        }
    }

    /// Marks a call that only reads although its method is not idempotent (an Autotask `POST …/query`, a BMS
    /// `POST …/search`, the POST of a query's next page): the transport may retry it like a GET.
    #[must_use]
    pub fn read_only(mut self) -> Self {
        self.retry_safe = true;
        self
    }

    /// Marks the operation as one of the auth layer's own calls (see
    /// [`OperationMeta::auth_path`]), so its bodies are never logged.
    #[must_use]
    pub fn with_auth_path(mut self) -> Self {
        self.auth_path = true;
        self
    }

    /// Uses `key` instead of the path template for the concurrency limit.
    #[must_use]
    pub fn with_limit_key(mut self, key: impl Into<Cow<'static, str>>) -> Self {
        self.limit_key = Some(key.into());
        self
    }

    /// The key the per-endpoint concurrency limit is counted under.
    pub fn limit_key(&self) -> &str {
        self.limit_key.as_deref().unwrap_or(self.path_template)
    }
}

/// GET, HEAD, OPTIONS, TRACE, PUT and DELETE (RFC 9110 §9.2.2): repeating them has the effect of one.
pub(crate) fn is_idempotent(method: &Method) -> bool {
    [
        Method::GET,
        Method::HEAD,
        Method::OPTIONS,
        Method::TRACE,
        Method::PUT,
        Method::DELETE,
    ]
    .contains(method)
}
