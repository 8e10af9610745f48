//! The builder every vendor client is made with.

use std::sync::Arc;

use psa_clients_runtime::{Drift, DriftMode, ExecutorHandle, SpecInfo};

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
    pub(crate) drift: DriftMode,
}

impl<C> ClientBuilder<C> {
    pub(crate) fn new(config: C) -> Self {
        Self {
            config,
            transport: None,
            drift: DriftMode::Off,
        }
    }

    /// Records what responses hold that the vendor document does not predict ([`DriftMode::Report`]), or fails
    /// any call whose response holds it ([`DriftMode::Strict`], for your own tests). Default: off. Read the
    /// report with `client.drift().take()`; the mode can be changed later with `client.drift().set_mode(…)`.
    pub fn drift(mut self, mode: DriftMode) -> Self {
        self.drift = mode;
        self
    }

    /// The drift handle for a client of `vendor` generated from `spec`.
    pub(crate) fn drift_for(&self, vendor: &'static str, spec: SpecInfo) -> Drift {
        Drift::for_vendor(self.drift, vendor, spec)
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

/// The executor handle that routes a generated client's requests through `pipeline`, decoding into its drift
/// report.
pub(crate) fn hooks_for(pipeline: &Arc<Pipeline>) -> ExecutorHandle {
    ExecutorHandle::new(Arc::new(PipelineExecutor::new(Arc::clone(pipeline))))
        .with_drift(pipeline.drift().clone())
}
