//! What the examples share: a vendor client from the environment, or — when that vendor's credentials are not
//! set — from the demo tenant of a psa-emulator started in this process (the three APIs on 127.0.0.1).
#![allow(dead_code)] // each example uses its own vendors

use psa_clients::secret::Secret;
use psa_clients::Error;
use psa_emulator::Emulator;

/// Where the client's calls go. Keep it alive as long as the client: dropping it stops the emulator.
pub struct Connected<C> {
    /// The client.
    pub client: C,
    /// The in-process emulator, when the vendor's credentials were not set.
    pub emulator: Option<Emulator>,
}

impl<C> Connected<C> {
    /// "psa-emulator at http://127.0.0.1:…" or "your tenant".
    pub fn label(&self) -> String {
        match &self.emulator {
            Some(e) => format!("psa-emulator at {}", e.base_url()),
            None => "your tenant".to_owned(),
        }
    }
}

/// `Client::from_env()`, or the emulator's demo tenant when the variables are not set.
async fn connect<C>(
    from_env: impl FnOnce() -> Result<C, Error>,
    demo: impl FnOnce(&Emulator) -> Result<C, Box<dyn std::error::Error>>,
) -> Result<Connected<C>, Box<dyn std::error::Error>> {
    match from_env() {
        Ok(client) => Ok(Connected {
            client,
            emulator: None,
        }),
        Err(Error::Config { .. }) => {
            let emulator = Emulator::start().await?;
            let client = demo(&emulator)?;
            Ok(Connected {
                client,
                emulator: Some(emulator),
            })
        }
        Err(other) => Err(other.into()),
    }
}

/// Kaseya BMS: `PSA_BMS_*`, or the emulator's MFA user (logging in with its TOTP code).
#[cfg(feature = "bms")]
pub async fn bms() -> Result<Connected<psa_clients::bms::Client>, Box<dyn std::error::Error>> {
    use psa_clients::auth::{BmsConfig, BmsRegion};
    connect(psa_clients::bms::Client::from_env, |e| {
        let c = e.credentials().bms;
        let config = BmsConfig::new(
            BmsRegion::Custom(c.host.parse()?),
            c.tenant,
            c.username,
            Secret::new(c.password),
        )
        .with_totp_secret(Secret::new(c.totp_secret));
        Ok(psa_clients::bms::Client::builder(config).build()?)
    })
    .await
}

/// ConnectWise PSA: `PSA_CW_*`, or the emulator's API member (codebase discovered through `companyinfo`).
#[cfg(feature = "_connectwise")]
pub async fn connectwise(
) -> Result<Connected<psa_clients::connectwise::Client>, Box<dyn std::error::Error>> {
    use psa_clients::auth::ConnectWiseConfig;
    connect(psa_clients::connectwise::Client::from_env, |e| {
        let c = e.credentials().connectwise;
        let config = ConnectWiseConfig::new(
            &c.site,
            c.company,
            c.public_key,
            Secret::new(c.private_key),
            c.client_id,
        )?;
        Ok(psa_clients::connectwise::Client::builder(config).build()?)
    })
    .await
}

/// Autotask PSA: `PSA_AUTOTASK_*`, or the emulator's API user (zone found through its zone lookup).
#[cfg(feature = "autotask")]
pub async fn autotask(
) -> Result<Connected<psa_clients::autotask::Client>, Box<dyn std::error::Error>> {
    use psa_clients::auth::AutotaskConfig;
    connect(psa_clients::autotask::Client::from_env, |e| {
        let c = e.credentials().autotask;
        let config = AutotaskConfig::new(
            c.username,
            Secret::new(c.secret),
            Secret::new(c.integration_code),
        )
        .with_discovery_url(c.discovery_url.parse()?);
        Ok(psa_clients::autotask::Client::builder(config).build()?)
    })
    .await
}
