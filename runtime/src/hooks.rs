//! The seam between generated clients and the hand-written transport.
//!
//! Every generated `Client` carries an [`ExecutorHandle`] (progenitor's "inner type") and sends each request
//! through it instead of calling `reqwest` directly. `psa_clients` plugs its pipeline (auth,
//! retries, limits, error classification) in as an [`Executor`]; the generated crates know nothing of it,
//! which keeps them free of a dependency on the hand-written crate and lets both compile in parallel.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use bytes::Bytes;
use reqwest::header::HeaderMap;
use reqwest::StatusCode;

use crate::{Drift, Error};

/// A boxed, `Send` future of an HTTP exchange.
pub type ExecFuture<'a> = Pin<Box<dyn Future<Output = Result<Answer, Error>> + Send + 'a>>;

/// A successful answer (2xx), body fully read.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Answer {
    /// The HTTP status.
    pub status: StatusCode,
    /// The response headers.
    pub headers: HeaderMap,
    /// The body.
    pub body: Bytes,
}

impl Answer {
    /// An answer from its parts.
    pub fn new(status: StatusCode, headers: HeaderMap, body: Bytes) -> Self {
        Self {
            status,
            headers,
            body,
        }
    }
}

/// What the code generator knows about one operation, looked up by progenitor's method name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Operation {
    /// progenitor's snake-case name, as passed in `OperationInfo::operation_id`.
    pub id: &'static str,
    /// The `operationId` of the corrected vendor document.
    pub spec_id: &'static str,
    /// The HTTP method, upper case.
    pub method: &'static str,
    /// The path template, e.g. `/service/tickets/{id}`.
    pub path: &'static str,
    /// A POST that only reads (Autotask `…/query`, BMS `…/search`; marked by correction data), which the
    /// transport may re-send like a GET when its outcome is unknown.
    pub retry_safe: bool,
}

/// Sends one request on behalf of a generated client: a 2xx [`Answer`], or the typed [`Error`] of
/// anything else (the vendor's status and body, a timeout, a refused redirect, …).
pub trait Executor: Send + Sync + fmt::Debug + 'static {
    /// Sends `request`. `id` is the generated method's name; `operation` its table entry when known.
    fn execute(
        &self,
        request: reqwest::Request,
        id: &'static str,
        operation: Option<&'static Operation>,
    ) -> ExecFuture<'_>;
}

/// The handle every generated client carries to send with: a shared [`Executor`], and the [`Drift`] report its
/// responses are decoded into. Cloning it shares both (ConnectWise's area clients hold one handle each).
///
/// Named for what it is rather than for progenitor's `ClientHooks`, which it replaces: no hook is called, every
/// request goes to the executor.
#[derive(Clone)]
pub struct ExecutorHandle {
    executor: Arc<dyn Executor>,
    drift: Drift,
}

impl ExecutorHandle {
    /// Routes every request of a client through `executor`; drift is not recorded.
    pub fn new(executor: Arc<dyn Executor>) -> Self {
        Self {
            executor,
            drift: Drift::default(),
        }
    }

    /// Records the drift of every response decoded through this handle in `drift` (a shared handle).
    #[must_use]
    pub fn with_drift(mut self, drift: Drift) -> Self {
        self.drift = drift;
        self
    }

    /// The drift report responses are decoded into.
    pub fn drift(&self) -> &Drift {
        &self.drift
    }

    /// The executor.
    pub fn executor(&self) -> &Arc<dyn Executor> {
        &self.executor
    }

    /// Looks `id` up in the client's operation table (sorted by id) and sends.
    pub(crate) fn exec(
        &self,
        request: reqwest::Request,
        id: &'static str,
        table: &'static [Operation],
    ) -> ExecFuture<'_> {
        let operation = lookup(table, id);
        self.executor.execute(request, id, operation)
    }
}

impl fmt::Debug for ExecutorHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ExecutorHandle")
            .field("executor", &self.executor)
            .field("drift", &self.drift.mode())
            .finish()
    }
}

/// Finds `id` in a table sorted by id.
pub fn lookup(table: &'static [Operation], id: &str) -> Option<&'static Operation> {
    table
        .binary_search_by(|op| op.id.cmp(id))
        .ok()
        .map(|index| &table[index])
}

#[cfg(test)]
mod tests {
    use super::*;

    static TABLE: &[Operation] = &[
        Operation {
            id: "a_get",
            spec_id: "aGet",
            method: "GET",
            path: "/a",
            retry_safe: false,
        },
        Operation {
            id: "b_post",
            spec_id: "bPost",
            method: "POST",
            path: "/b/{id}",
            retry_safe: true,
        },
    ];

    #[test]
    fn lookup_finds_sorted_entries_and_only_them() {
        assert_eq!(lookup(TABLE, "b_post").map(|o| o.path), Some("/b/{id}"));
        assert_eq!(lookup(TABLE, "a_get").map(|o| o.spec_id), Some("aGet"));
        assert_eq!(lookup(TABLE, "c"), None);
    }
}
