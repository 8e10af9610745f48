//! Building the Autotask client.

use std::sync::Arc;

use crate::auth::AutotaskConfig;
use crate::client::{hooks_for, ClientBuilder, VendorClient};
use crate::pipeline::{Pipeline, PLACEHOLDER_BASE};
use crate::Error;

/// An Autotask client. Every generated operation is available through `Deref`
/// (`at.companies_query_item().id(0).send().await?`); calls find the zone, carry the API user
/// headers, retry what is safe and respect the transport's limits.
pub type Client = VendorClient<psa_clients_autotask::Client>;

impl VendorClient<psa_clients_autotask::Client> {
    /// Starts a client from explicit configuration.
    pub fn builder(config: AutotaskConfig) -> ClientBuilder<AutotaskConfig> {
        ClientBuilder::new(config)
    }

    /// A client configured from the `PSA_AUTOTASK_*` environment variables (see [`AutotaskConfig::from_env`]).
    ///
    /// # Errors
    /// [`Error::Config`] naming a missing or invalid variable.
    pub fn from_env() -> Result<Self, Error> {
        Self::builder(AutotaskConfig::from_env()?).build()
    }
}

impl ClientBuilder<AutotaskConfig> {
    /// Builds the client. Nothing is sent until the first call, which discovers the zone.
    ///
    /// # Errors
    /// [`Error::Config`] when the transport cannot be built.
    pub fn build(mut self) -> Result<Client, Error> {
        let transport = self.take_transport()?;
        let pipeline = Arc::new(Pipeline::autotask(transport, self.config)?);
        let api = psa_clients_autotask::Client::new_with_client(
            PLACEHOLDER_BASE,
            pipeline.transport().client().clone(),
            hooks_for(&pipeline),
        );
        Ok(VendorClient { api, pipeline })
    }
}
