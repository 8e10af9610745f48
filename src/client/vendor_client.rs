//! The client type all three vendors share: the generated API plus the pipeline it sends through.

use std::ops::Deref;
use std::sync::Arc;

use reqwest::Method;

use super::RawRequest;
use crate::pipeline::Pipeline;

/// A vendor client: the generated operations of `A` (reached through `Deref`) wired to the vendor's pipeline
/// (auth, retries, limits, typed errors). Cheap to clone; clones share tokens, caches and limits.
///
/// Use it as [`bms::Client`](crate::bms::Client), [`connectwise::Client`](crate::connectwise::Client) or
/// [`autotask::Client`](crate::autotask::Client).
#[derive(Debug, Clone)]
pub struct VendorClient<A> {
    pub(crate) api: A,
    pub(crate) pipeline: Arc<Pipeline>,
}

impl<A> VendorClient<A> {
    /// The generated API, e.g. to pass to code written against it.
    pub fn api(&self) -> &A {
        &self.api
    }

    /// What this client's responses held that the vendor document did not predict: `take()` the
    /// [`DriftReport`](crate::drift::DriftReport) (JSON, to send us), or change the mode. Off unless the builder's
    /// [`drift`](crate::client::ClientBuilder::drift) said otherwise; clones of the client share it.
    pub fn drift(&self) -> &crate::drift::Drift {
        self.pipeline.drift()
    }

    /// A request to any path under the API base, for endpoints or fields the vendor document lacks; see
    /// [`RawRequest`].
    pub fn raw(&self, method: Method, path: impl Into<String>) -> RawRequest {
        RawRequest::new(Arc::clone(&self.pipeline), method, path)
    }
}

impl<A> Deref for VendorClient<A> {
    type Target = A;

    fn deref(&self) -> &A {
        &self.api
    }
}
