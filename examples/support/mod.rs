//! What the examples share: a vendor client from the environment, or — when that vendor's credentials are not
//! set — from the demo tenant of a psa-emulator started in this process (the three APIs on 127.0.0.1).
//!
//! The `*_with` variants hand the vendor's config (from the environment or the emulator) to a closure first, for
//! examples that change it (member impersonation, a retry policy).
#![allow(dead_code)] // each example uses its own vendors

use psa_clients::secret::Secret;
use psa_clients::Error;
use psa_emulator::Emulator;

/// Result type of the examples.
pub type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

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

    /// Whether the example may create and change records here: always on the emulator; on your tenant only
    /// with `PSA_EXAMPLES_WRITE=1`, so running an example with credentials in the environment never writes by
    /// surprise.
    pub fn may_write(&self) -> bool {
        self.emulator.is_some() || std::env::var("PSA_EXAMPLES_WRITE").is_ok_and(|v| v == "1")
    }

    /// An error explaining how to allow writes, for examples that only write.
    pub fn refuse_write(&self) -> Box<dyn std::error::Error> {
        format!(
            "this example writes; it ran against {} — set PSA_EXAMPLES_WRITE=1 to allow it there",
            self.label()
        )
        .into()
    }
}

/// The vendor's config from the environment, or the emulator's demo tenant when its variables are not set.
async fn config<K>(
    from_env: impl FnOnce() -> std::result::Result<K, Error>,
    demo: impl FnOnce(&Emulator) -> Result<K>,
) -> Result<(K, Option<Emulator>)> {
    match from_env() {
        Ok(config) => Ok((config, None)),
        Err(Error::Config { .. }) => {
            let emulator = Emulator::start_with(emulator_options()).await?;
            let config = demo(&emulator)?;
            Ok((config, Some(emulator)))
        }
        Err(other) => Err(other.into()),
    }
}

/// The in-process emulator's settings: the defaults, with `PSA_EXAMPLES_TICKETS` tickets per vendor if set
/// (the large export and the peer benchmark use 100,000).
fn emulator_options() -> psa_emulator::Options {
    let mut options = psa_emulator::Options::default();
    if let Some(tickets) = std::env::var("PSA_EXAMPLES_TICKETS")
        .ok()
        .and_then(|n| n.parse().ok())
    {
        options.tickets = tickets;
    }
    options
}

/// Kaseya BMS: `PSA_BMS_*`, or the emulator's MFA user (logging in with its TOTP code).
#[cfg(feature = "bms")]
pub async fn bms() -> Result<Connected<psa_clients::bms::Client>> {
    bms_with(|config, _| config).await
}

/// [`bms`], with the config changed by `tweak` (which also sees the emulator, if one was started).
#[cfg(feature = "bms")]
pub async fn bms_with(
    tweak: impl FnOnce(psa_clients::auth::BmsConfig, Option<&Emulator>) -> psa_clients::auth::BmsConfig,
) -> Result<Connected<psa_clients::bms::Client>> {
    use psa_clients::auth::{BmsConfig, BmsRegion};
    let (config, emulator) = config(BmsConfig::from_env, |e| {
        let c = e.credentials().bms;
        Ok(BmsConfig::new(
            BmsRegion::Custom(c.host.parse()?),
            c.tenant,
            c.username,
            Secret::new(c.password),
        )
        .with_totp_secret(Secret::new(c.totp_secret)))
    })
    .await?;
    let client = psa_clients::bms::Client::builder(tweak(config, emulator.as_ref())).build()?;
    Ok(Connected { client, emulator })
}

/// ConnectWise PSA: `PSA_CW_*`, or the emulator's API member (codebase discovered through `companyinfo`).
#[cfg(feature = "_connectwise")]
pub async fn connectwise() -> Result<Connected<psa_clients::connectwise::Client>> {
    connectwise_with(|config, _| config).await
}

/// [`connectwise`], with the config changed by `tweak` (which also sees the emulator, if one was started).
#[cfg(feature = "_connectwise")]
pub async fn connectwise_with(
    tweak: impl FnOnce(
        psa_clients::auth::ConnectWiseConfig,
        Option<&Emulator>,
    ) -> psa_clients::auth::ConnectWiseConfig,
) -> Result<Connected<psa_clients::connectwise::Client>> {
    use psa_clients::auth::ConnectWiseConfig;
    let (config, emulator) = config(ConnectWiseConfig::from_env, |e| {
        let c = e.credentials().connectwise;
        Ok(ConnectWiseConfig::new(
            &c.site,
            c.company,
            c.public_key,
            Secret::new(c.private_key),
            c.client_id,
        )?)
    })
    .await?;
    let client =
        psa_clients::connectwise::Client::builder(tweak(config, emulator.as_ref())).build()?;
    Ok(Connected { client, emulator })
}

/// Autotask PSA: `PSA_AUTOTASK_*`, or the emulator's API user (zone found through its zone lookup).
#[cfg(feature = "autotask")]
pub async fn autotask() -> Result<Connected<psa_clients::autotask::Client>> {
    autotask_with(|config, _| config).await
}

/// [`autotask`], with the config changed by `tweak` (which also sees the emulator, if one was started).
#[cfg(feature = "autotask")]
pub async fn autotask_with(
    tweak: impl FnOnce(
        psa_clients::auth::AutotaskConfig,
        Option<&Emulator>,
    ) -> psa_clients::auth::AutotaskConfig,
) -> Result<Connected<psa_clients::autotask::Client>> {
    use psa_clients::auth::AutotaskConfig;
    let (config, emulator) = config(AutotaskConfig::from_env, |e| {
        let c = e.credentials().autotask;
        Ok(AutotaskConfig::new(
            c.username,
            Secret::new(c.secret),
            Secret::new(c.integration_code),
        )
        .with_discovery_url(c.discovery_url.parse()?))
    })
    .await?;
    let client =
        psa_clients::autotask::Client::builder(tweak(config, emulator.as_ref())).build()?;
    Ok(Connected { client, emulator })
}

/// Which vendors to run: the first command-line argument (`bms`, `connectwise`, `autotask`), or all three.
pub fn wants(vendor: &str) -> bool {
    match std::env::args().nth(1) {
        Some(only) => only == vendor,
        None => true,
    }
}
