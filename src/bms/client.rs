//! Building the Kaseya BMS client.

use std::sync::Arc;

use crate::auth::BmsConfig;
use crate::client::{hooks_for, ClientBuilder, TenantClient};
use crate::pipeline::{Pipeline, PLACEHOLDER_BASE};
use crate::Error;

/// A Kaseya BMS client. Every generated operation is available through `Deref`
/// (`bms.get_account_codes_lookup().page_size(50).send().await?`); calls log in (JWT, optional TOTP),
/// refresh the token, retry what is safe and respect the transport's limits.
pub type Client = TenantClient<psa_clients_bms::Client>;

impl TenantClient<psa_clients_bms::Client> {
    /// Starts a client from explicit configuration.
    pub fn builder(config: BmsConfig) -> ClientBuilder<BmsConfig> {
        ClientBuilder::new(config)
    }

    /// A client configured from the `PSA_BMS_*` environment variables (see [`BmsConfig::from_env`]).
    ///
    /// # Errors
    /// [`Error::Config`] naming a missing or invalid variable.
    pub fn from_env() -> Result<Self, Error> {
        Self::builder(BmsConfig::from_env()?).build()
    }
}

impl ClientBuilder<BmsConfig> {
    /// Builds the client. Nothing is sent until the first call, which logs in.
    ///
    /// # Errors
    /// [`Error::Config`] when the transport cannot be built.
    pub fn build(mut self) -> Result<Client, Error> {
        let transport = self.take_transport()?;
        let drift = self.drift_for("bms", psa_clients_bms::SPEC);
        let pipeline = Arc::new(Pipeline::bms(transport, self.config)?.with_drift(drift));
        let api = psa_clients_bms::Client::new_with_client(
            PLACEHOLDER_BASE,
            pipeline.transport().client().clone(),
            hooks_for(&pipeline),
        );
        Ok(TenantClient { api, pipeline })
    }
}
