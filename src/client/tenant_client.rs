//! The client type all three vendors share: the generated API, bound to one tenant (its credentials, discovered
//! base URL, cached tokens) through the pipeline it sends with.

use std::ops::Deref;
use std::sync::Arc;

use reqwest::Method;

use super::RawRequest;
use crate::pipeline::Pipeline;

/// A client of one vendor tenant: the generated operations of `Api` (reached through `Deref`) sent with that
/// tenant's credentials, discovered base URL, retries, limits and typed errors. Cheap to clone; clones share
/// tokens, caches and limits. (Formerly `VendorClient`.)
///
/// Use it as [`bms::Client`](crate::bms::Client), [`connectwise::Client`](crate::connectwise::Client) or
/// [`autotask::Client`](crate::autotask::Client).
#[derive(Debug, Clone)]
pub struct TenantClient<Api> {
    pub(crate) api: Api,
    pub(crate) pipeline: Arc<Pipeline>,
}

impl<Api> TenantClient<Api> {
    /// The generated API, e.g. to pass to code written against it.
    pub fn api(&self) -> &Api {
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

impl<Api> Deref for TenantClient<Api> {
    type Target = Api;

    fn deref(&self) -> &Api {
        &self.api
    }
}
