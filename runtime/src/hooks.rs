//! The seam between generated clients and the hand-written transport.
//!
//! Every generated `Client` carries a [`Hooks`] value (progenitor's "inner type") and sends each request
//! through [`Hooks::exec`] instead of calling `reqwest` directly. `psa_clients` plugs its pipeline (auth,
//! retries, limits, error classification) in as an [`Executor`]; the generated crates know nothing of it,
//! which keeps them free of a dependency on the hand-written crate and lets both compile in parallel.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

/// A boxed, `Send` future of an HTTP exchange.
pub type ExecFuture<'a> =
    Pin<Box<dyn Future<Output = reqwest::Result<reqwest::Response>> + Send + 'a>>;

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
}

/// Sends one request on behalf of a generated client.
///
/// Implementations must not return `Err` for failures they can describe better: a `reqwest::Error` cannot be
/// constructed outside `reqwest`, so the hand-written pipeline answers with a synthetic error response that
/// carries its typed error in the response extensions.
pub trait Executor: Send + Sync + fmt::Debug + 'static {
    /// Sends `request`. `id` is the generated method's name; `operation` its table entry when known.
    fn execute(
        &self,
        request: reqwest::Request,
        id: &'static str,
        operation: Option<&'static Operation>,
    ) -> ExecFuture<'_>;
}

/// Sends requests straight through a `reqwest::Client`: no auth, retries or limits. For tests and for
/// servers that need none of them.
#[derive(Debug, Clone, Default)]
pub struct Direct(pub reqwest::Client);

impl Executor for Direct {
    fn execute(
        &self,
        request: reqwest::Request,
        _: &'static str,
        _: Option<&'static Operation>,
    ) -> ExecFuture<'_> {
        Box::pin(self.0.execute(request))
    }
}

/// The value every generated client carries: a shared [`Executor`].
#[derive(Clone)]
pub struct Hooks {
    executor: Arc<dyn Executor>,
}

impl Hooks {
    /// Routes every request of a client through `executor`.
    pub fn new(executor: Arc<dyn Executor>) -> Self {
        Self { executor }
    }

    /// Sends requests with a plain `reqwest::Client` (see [`Direct`]).
    pub fn direct(client: reqwest::Client) -> Self {
        Self::new(Arc::new(Direct(client)))
    }

    /// The executor.
    pub fn executor(&self) -> &Arc<dyn Executor> {
        &self.executor
    }

    /// Called by generated code: looks `id` up in the client's operation table (sorted by id) and sends.
    #[doc(hidden)]
    pub fn exec(
        &self,
        request: reqwest::Request,
        id: &'static str,
        table: &'static [Operation],
    ) -> ExecFuture<'_> {
        let operation = lookup(table, id);
        self.executor.execute(request, id, operation)
    }
}

impl fmt::Debug for Hooks {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Hooks").field(&self.executor).finish()
    }
}

impl Default for Hooks {
    /// [`Direct`] with a default `reqwest::Client`.
    fn default() -> Self {
        Self::direct(reqwest::Client::new())
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
        },
        Operation {
            id: "b_post",
            spec_id: "bPost",
            method: "POST",
            path: "/b/{id}",
        },
    ];

    #[test]
    fn lookup_finds_sorted_entries_and_only_them() {
        assert_eq!(lookup(TABLE, "b_post").map(|o| o.path), Some("/b/{id}"));
        assert_eq!(lookup(TABLE, "a_get").map(|o| o.spec_id), Some("aGet"));
        assert_eq!(lookup(TABLE, "c"), None);
    }
}
