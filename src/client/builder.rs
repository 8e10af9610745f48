//! The builder every vendor client is made with.

use std::sync::Arc;

use psa_clients_runtime::Hooks;

use super::executor::PipelineExecutor;
use crate::pipeline::Pipeline;
use crate::transport::Transport;
use crate::Error;

/// Builds a vendor client from its configuration; `build()` is defined per vendor
/// (`bms::Client::builder(config).build()`).
#[derive(Debug)]
#[must_use = "call build() to get a client"]
pub struct ClientBuilder<C> {
    pub(crate) config: C,
    pub(crate) transport: Option<Transport>,
}

impl<C> ClientBuilder<C> {
    pub(crate) fn new(config: C) -> Self {
        Self {
            config,
            transport: None,
        }
    }

    /// Uses `transport` (timeouts, retry policy, limits, request budget) instead of the default one.
    pub fn transport(mut self, transport: Transport) -> Self {
        self.transport = Some(transport);
        self
    }

    pub(crate) fn take_transport(&mut self) -> Result<Transport, Error> {
        match self.transport.take() {
            Some(transport) => Ok(transport),
            None => Transport::builder().build(),
        }
    }
}

/// The hooks that route a generated client's requests through `pipeline`.
pub(crate) fn hooks_for(pipeline: &Arc<Pipeline>) -> Hooks {
    Hooks::new(Arc::new(PipelineExecutor::new(Arc::clone(pipeline))))
}
