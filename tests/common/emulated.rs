//! psa-clients clients connected to an in-process psa-emulator, built through the public API only (the demo
//! credentials the emulator hands out, the same config types a user's program uses).

use psa_clients::auth::{AutotaskConfig, BmsConfig, BmsRegion, ConnectWiseConfig};
use psa_clients::secret::Secret;
use psa_emulator::Emulator;

/// A started emulator; panics (in a test) when no loopback port can be bound.
pub async fn emulator() -> Emulator {
    Emulator::start()
        .await
        .expect("the emulator starts on 127.0.0.1")
}

/// A ConnectWise client for the emulator's demo company (codebase found through `companyinfo`).
#[cfg(feature = "_connectwise")]
pub fn connectwise(emulator: &Emulator) -> psa_clients::connectwise::Client {
    let cw = emulator.credentials().connectwise;
    let config = ConnectWiseConfig::new(
        &cw.site,
        cw.company,
        cw.public_key,
        Secret::new(cw.private_key),
        cw.client_id,
    )
    .expect("the emulator's site is a URL");
    psa_clients::connectwise::Client::builder(config)
        .build()
        .expect("a ConnectWise client")
}

/// An Autotask client for the emulator's demo tenant (zone found through the emulator's zone lookup).
#[cfg(feature = "autotask")]
pub fn autotask(emulator: &Emulator) -> psa_clients::autotask::Client {
    let at = emulator.credentials().autotask;
    let config = AutotaskConfig::new(
        at.username,
        Secret::new(at.secret),
        Secret::new(at.integration_code),
    )
    .with_discovery_url(at.discovery_url.parse().expect("a URL"));
    psa_clients::autotask::Client::builder(config)
        .build()
        .expect("an Autotask client")
}

/// A Kaseya BMS client for the emulator's demo tenant, logging in with the MFA user's TOTP.
#[cfg(feature = "bms")]
pub fn bms(emulator: &Emulator) -> psa_clients::bms::Client {
    let bms = emulator.credentials().bms;
    let config = BmsConfig::new(
        BmsRegion::Custom(bms.host.parse().expect("a URL")),
        bms.tenant,
        bms.username,
        Secret::new(bms.password),
    )
    .with_totp_secret(Secret::new(bms.totp_secret));
    psa_clients::bms::Client::builder(config)
        .build()
        .expect("a BMS client")
}

/// A Kaseya BMS client logging in as the API employee (no MFA).
#[cfg(feature = "bms")]
pub fn bms_api_employee(emulator: &Emulator) -> psa_clients::bms::Client {
    let bms = emulator.credentials().bms;
    let config = BmsConfig::new(
        BmsRegion::Custom(bms.host.parse().expect("a URL")),
        bms.tenant,
        bms.api_username,
        Secret::new(bms.api_password),
    );
    psa_clients::bms::Client::builder(config)
        .build()
        .expect("a BMS client")
}
