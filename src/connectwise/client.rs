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

/// The generated clients of the enabled ConnectWise areas (one cargo feature each).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ConnectWiseAreas {
    /// The configuration the client was built with, for the site's own endpoints (`company_info`).
    config: ConnectWiseConfig,
    #[cfg(feature = "connectwise-company")]
    company: psa_clients_connectwise::company::Client,
    #[cfg(feature = "connectwise-configurations")]
    configurations: psa_clients_connectwise::configurations::Client,
    #[cfg(feature = "connectwise-expense")]
    expense: psa_clients_connectwise::expense::Client,
    #[cfg(feature = "connectwise-finance")]
    finance: psa_clients_connectwise::finance::Client,
    #[cfg(feature = "connectwise-marketing")]
    marketing: psa_clients_connectwise::marketing::Client,
    #[cfg(feature = "connectwise-procurement")]
    procurement: psa_clients_connectwise::procurement::Client,
    #[cfg(feature = "connectwise-project")]
    project: psa_clients_connectwise::project::Client,
    #[cfg(feature = "connectwise-sales")]
    sales: psa_clients_connectwise::sales::Client,
    #[cfg(feature = "connectwise-schedule")]
    schedule: psa_clients_connectwise::schedule::Client,
    #[cfg(feature = "connectwise-service")]
    service: psa_clients_connectwise::service::Client,
    #[cfg(feature = "connectwise-system")]
    system: psa_clients_connectwise::system::Client,
    #[cfg(feature = "connectwise-time")]
    time: psa_clients_connectwise::time::Client,
}

impl ConnectWiseAreas {
    /// `/company/…` operations (feature `connectwise-company`).
    #[cfg(feature = "connectwise-company")]
    pub fn company(&self) -> &psa_clients_connectwise::company::Client {
        &self.company
    }

    /// `/configurations/…` operations (feature `connectwise-configurations`).
    #[cfg(feature = "connectwise-configurations")]
    pub fn configurations(&self) -> &psa_clients_connectwise::configurations::Client {
        &self.configurations
    }

    /// `/expense/…` operations (feature `connectwise-expense`).
    #[cfg(feature = "connectwise-expense")]
    pub fn expense(&self) -> &psa_clients_connectwise::expense::Client {
        &self.expense
    }

    /// `/finance/…` operations (feature `connectwise-finance`).
    #[cfg(feature = "connectwise-finance")]
    pub fn finance(&self) -> &psa_clients_connectwise::finance::Client {
        &self.finance
    }

    /// `/marketing/…` operations (feature `connectwise-marketing`).
    #[cfg(feature = "connectwise-marketing")]
    pub fn marketing(&self) -> &psa_clients_connectwise::marketing::Client {
        &self.marketing
    }

    /// `/procurement/…` operations (feature `connectwise-procurement`).
    #[cfg(feature = "connectwise-procurement")]
    pub fn procurement(&self) -> &psa_clients_connectwise::procurement::Client {
        &self.procurement
    }

    /// `/project/…` operations (feature `connectwise-project`).
    #[cfg(feature = "connectwise-project")]
    pub fn project(&self) -> &psa_clients_connectwise::project::Client {
        &self.project
    }

    /// `/sales/…` operations (feature `connectwise-sales`).
    #[cfg(feature = "connectwise-sales")]
    pub fn sales(&self) -> &psa_clients_connectwise::sales::Client {
        &self.sales
    }

    /// `/schedule/…` operations (feature `connectwise-schedule`).
    #[cfg(feature = "connectwise-schedule")]
    pub fn schedule(&self) -> &psa_clients_connectwise::schedule::Client {
        &self.schedule
    }

    /// `/service/…` operations (feature `connectwise-service`).
    #[cfg(feature = "connectwise-service")]
    pub fn service(&self) -> &psa_clients_connectwise::service::Client {
        &self.service
    }

    /// `/system/…` operations (feature `connectwise-system`).
    #[cfg(feature = "connectwise-system")]
    pub fn system(&self) -> &psa_clients_connectwise::system::Client {
        &self.system
    }

    /// `/time/…` operations (feature `connectwise-time`).
    #[cfg(feature = "connectwise-time")]
    pub fn time(&self) -> &psa_clients_connectwise::time::Client {
        &self.time
    }
}

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
        #[allow(unused_variables)] // with no area feature on, only `raw` calls exist
        let (http, hooks) = (pipeline.transport().client().clone(), hooks_for(&pipeline));
        let api = ConnectWiseAreas {
            config,
            #[cfg(feature = "connectwise-company")]
            company: psa_clients_connectwise::company::Client::new_with_client(
                PLACEHOLDER_BASE,
                http.clone(),
                hooks.clone(),
            ),
            #[cfg(feature = "connectwise-configurations")]
            configurations: psa_clients_connectwise::configurations::Client::new_with_client(
                PLACEHOLDER_BASE,
                http.clone(),
                hooks.clone(),
            ),
            #[cfg(feature = "connectwise-expense")]
            expense: psa_clients_connectwise::expense::Client::new_with_client(
                PLACEHOLDER_BASE,
                http.clone(),
                hooks.clone(),
            ),
            #[cfg(feature = "connectwise-finance")]
            finance: psa_clients_connectwise::finance::Client::new_with_client(
                PLACEHOLDER_BASE,
                http.clone(),
                hooks.clone(),
            ),
            #[cfg(feature = "connectwise-marketing")]
            marketing: psa_clients_connectwise::marketing::Client::new_with_client(
                PLACEHOLDER_BASE,
                http.clone(),
                hooks.clone(),
            ),
            #[cfg(feature = "connectwise-procurement")]
            procurement: psa_clients_connectwise::procurement::Client::new_with_client(
                PLACEHOLDER_BASE,
                http.clone(),
                hooks.clone(),
            ),
            #[cfg(feature = "connectwise-project")]
            project: psa_clients_connectwise::project::Client::new_with_client(
                PLACEHOLDER_BASE,
                http.clone(),
                hooks.clone(),
            ),
            #[cfg(feature = "connectwise-sales")]
            sales: psa_clients_connectwise::sales::Client::new_with_client(
                PLACEHOLDER_BASE,
                http.clone(),
                hooks.clone(),
            ),
            #[cfg(feature = "connectwise-schedule")]
            schedule: psa_clients_connectwise::schedule::Client::new_with_client(
                PLACEHOLDER_BASE,
                http.clone(),
                hooks.clone(),
            ),
            #[cfg(feature = "connectwise-service")]
            service: psa_clients_connectwise::service::Client::new_with_client(
                PLACEHOLDER_BASE,
                http.clone(),
                hooks.clone(),
            ),
            #[cfg(feature = "connectwise-system")]
            system: psa_clients_connectwise::system::Client::new_with_client(
                PLACEHOLDER_BASE,
                http.clone(),
                hooks.clone(),
            ),
            #[cfg(feature = "connectwise-time")]
            time: psa_clients_connectwise::time::Client::new_with_client(
                PLACEHOLDER_BASE,
                http.clone(),
                hooks.clone(),
            ),
        };
        Ok(TenantClient { api, pipeline })
    }
}
