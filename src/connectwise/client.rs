//! Building the ConnectWise client: one generated client per enabled area, all on one pipeline.

use std::sync::Arc;

use crate::auth::{ConnectWiseCompanyInfo, ConnectWiseConfig};
use crate::client::{hooks_for, ClientBuilder, TenantClient};
use crate::pipeline::{Pipeline, PLACEHOLDER_BASE};
use crate::Error;

/// A ConnectWise PSA client. Each enabled area is reached through `Deref`
/// (`cw.service().get_service_tickets().conditions(c).send().await?`); calls carry Basic credentials and
/// `clientId`, find the codebase, retry what is safe and respect the transport's limits.
pub type Client = TenantClient<ConnectWiseAreas>;

/// Declares [`ConnectWiseAreas`] with one field, accessor and constructor line per area. The list comes from
/// the generated crate's `for_each_area!` (the `areas` of `specs/corrections/connectwise.toml`, those whose
/// feature is on), so an area is added in one place.
macro_rules! connectwise_areas {
    ($($area:ident)*) => {
        /// The generated clients of the enabled ConnectWise areas (one cargo feature each,
        /// `connectwise-<area>`), reached through [`Client`]'s `Deref`: `cw.service()`, `cw.company()`, ….
        /// (Formerly `Areas`.)
        #[derive(Debug, Clone)]
        #[non_exhaustive]
        pub struct ConnectWiseAreas {
            /// The configuration the client was built with, for the site's own endpoints (`company_info`).
            config: ConnectWiseConfig,
            $($area: psa_clients_connectwise::$area::Client,)*
        }

        impl ConnectWiseAreas {
            $(
                #[doc = concat!(
                    "`/", stringify!($area), "/…` operations (feature `connectwise-", stringify!($area), "`)."
                )]
                pub fn $area(&self) -> &psa_clients_connectwise::$area::Client {
                    &self.$area
                }
            )*

            /// Every enabled area's client, all sending through `pipeline`.
            #[allow(unused_variables)] // with no area feature on, only `raw` calls exist
            fn new(config: ConnectWiseConfig, pipeline: &Arc<Pipeline>) -> Self {
                let (http, hooks) = (pipeline.transport().client(), hooks_for(pipeline));
                ConnectWiseAreas {
                    config,
                    $($area: psa_clients_connectwise::$area::Client::new_with_client(
                        PLACEHOLDER_BASE,
                        http.clone(),
                        hooks.clone(),
                    ),)*
                }
            }
        }
    };
}

psa_clients_connectwise::for_each_area!(connectwise_areas);

impl TenantClient<ConnectWiseAreas> {
    /// Starts a client from explicit configuration.
    pub fn builder(config: ConnectWiseConfig) -> ClientBuilder<ConnectWiseConfig> {
        ClientBuilder::new(config)
    }

    /// A client configured from the `PSA_CW_*` environment variables (see [`ConnectWiseConfig::from_env`]).
    ///
    /// # Errors
    /// [`Error::Config`] naming a missing or invalid variable.
    pub fn from_env() -> Result<Self, Error> {
        Self::builder(ConnectWiseConfig::from_env()?).build()
    }

    /// What the site says about itself (codebase, the release it serves): one unauthenticated
    /// `GET /login/companyinfo/{company}` through this client's transport. See
    /// [`ConnectWiseConfig::company_info`].
    ///
    /// # Errors
    /// The typed [`Error`] of a failed answer; [`Error::MalformedBody`] without a usable `Codebase`.
    pub async fn company_info(&self) -> Result<ConnectWiseCompanyInfo, Error> {
        self.api
            .config
            .company_info(self.pipeline.transport())
            .await
    }

    /// The release the site serves right now, e.g. `v2025.1`. The types come from
    /// [`CONNECTWISE_TYPES_VERSION`](crate::auth::CONNECTWISE_TYPES_VERSION) (`2022.1`); unless the client pins
    /// a version ([`ConnectWiseConfig::pin_types_version`], `PSA_CW_API_VERSION`), answers come in the shape
    /// of the served release, and fields renamed since then read as `None`.
    ///
    /// # Errors
    /// As [`Self::company_info`]; [`Error::MalformedBody`] when the answer has no `VersionCode`.
    pub async fn served_version(&self) -> Result<String, Error> {
        self.api
            .config
            .served_version(self.pipeline.transport())
            .await
    }
}

impl ClientBuilder<ConnectWiseConfig> {
    /// Builds the client. Nothing is sent until the first call, which discovers the codebase.
    ///
    /// # Errors
    /// [`Error::Config`] when the transport cannot be built.
    pub fn build(mut self) -> Result<Client, Error> {
        let transport = self.take_transport()?;
        let config = self.config.clone();
        let drift = self.drift_for("connectwise", psa_clients_connectwise::SPEC);
        let pipeline = Arc::new(Pipeline::connectwise(transport, self.config)?.with_drift(drift));
        let api = ConnectWiseAreas::new(config, &pipeline);
        Ok(TenantClient { api, pipeline })
    }
}
