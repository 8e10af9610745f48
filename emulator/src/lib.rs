//! psa-emulator: Kaseya BMS, ConnectWise PSA and Datto Autotask PSA on 127.0.0.1.
//!
//! One origin serves the three vendors on their real, non-colliding paths: ConnectWise
//! `/login/companyinfo/{company}` and `/{codebase}apis/3.0/…`, Autotask `/atservicesrest/v1.0/zoneInformation`
//! and `/atservicesrest/V1.0/…`, BMS `/v2/…`. Every operation of the three corrected vendor documents (the ones
//! the clients are generated from) answers; the entities integrations work with are stateful (create, read,
//! update, delete, query), the three vendors' auth flows are checked, and a control API injects faults, moves
//! the clock, expires tokens and keeps a journal of every request.
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! let emulator = psa_emulator::Emulator::start().await?;
//! let base = emulator.base_url();            // http://127.0.0.1:<port>
//! let cw = &emulator.credentials().connectwise;
//! println!("{base} {} {}", cw.company, cw.public_key);
//! let created = emulator.control().journal().iter().filter(|e| e.method == "POST").count();
//! # let _ = created; Ok(()) }
//! ```
//!
//! The emulator does not import the psa-clients crate's auth or paging code: its behaviour follows the
//! vendors' documentation, so a misunderstanding shared by client and emulator cannot cancel out.

// Handlers return the vendor's own error answer as `Err(Response)` and stop; one such value per request,
// moved once, so the size clippy warns about costs nothing worth boxing for.
#![allow(clippy::result_large_err)]

pub mod autotask;
pub mod bms;
mod clock;
pub mod connectwise;
mod control;
pub mod faults;
mod files;
mod hooks;
mod http;
pub mod journal;
mod like;
mod seed;
mod server;
pub mod spec_routes;
mod state;
mod store;
mod vendor_error;

use std::net::SocketAddr;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

pub use control::Control;
pub use faults::{FaultKind, FaultMatch, FaultRule, RetryAfter};
pub use hooks::{Delivery as WebhookDelivery, CONNECTWISE_KEY_PATH, CONNECTWISE_SIGNING_KEY};
pub use journal::JournalEntry;
pub use state::Options;

/// One of the three vendors.
///
/// Spelled as `psa_clients::transport::Vendor` is, but its own type: the emulator does not depend on the client
/// it tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Vendor {
    /// Kaseya BMS.
    Bms,
    /// ConnectWise PSA.
    #[serde(rename = "connectwise")]
    ConnectWise,
    /// Datto Autotask PSA.
    Autotask,
}

impl Vendor {
    /// `bms`, `connectwise`, `autotask`.
    pub fn name(self) -> &'static str {
        match self {
            Vendor::Bms => "bms",
            Vendor::ConnectWise => "connectwise",
            Vendor::Autotask => "autotask",
        }
    }
}

/// Why the emulator could not start.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StartError {
    /// The listen address could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// The error.
        #[source]
        source: std::io::Error,
    },
    /// Only loopback addresses are served.
    #[error("refusing to listen on {0}: the emulator only listens on loopback addresses")]
    NotLoopback(SocketAddr),
}

/// ConnectWise demo credentials.
#[derive(Debug, Clone, Serialize)]
pub struct ConnectWiseCredentials {
    /// The site (the emulator's base URL).
    pub site: String,
    /// The company id used at login.
    pub company: String,
    /// The API member's public key.
    pub public_key: String,
    /// The API member's private key.
    pub private_key: String,
    /// The integration's client id.
    pub client_id: String,
    /// A member identifier the API member may impersonate.
    pub impersonable_member: String,
}

/// Autotask demo credentials.
#[derive(Debug, Clone, Serialize)]
pub struct AutotaskCredentials {
    /// The API user's e-mail.
    pub username: String,
    /// The API user's secret.
    pub secret: String,
    /// The integration's tracking identifier.
    pub integration_code: String,
    /// Where zones are looked up (`…/atservicesrest`).
    pub discovery_url: String,
    /// The zone the tenant lives in now (`…/atservicesrest`, moved by [`Control::move_autotask_zone`]).
    pub zone_url: String,
    /// A resource id that may be impersonated.
    pub impersonation_resource_id: i64,
}

/// Kaseya BMS demo credentials.
#[derive(Debug, Clone, Serialize)]
pub struct BmsCredentials {
    /// The API host (the emulator's base URL).
    pub host: String,
    /// The tenant (company) name.
    pub tenant: String,
    /// An employee with MFA.
    pub username: String,
    /// Its password.
    pub password: String,
    /// Its base32 TOTP seed.
    pub totp_secret: String,
    /// An API employee without MFA.
    pub api_username: String,
    /// Its password.
    pub api_password: String,
}

/// The demo credentials of all three vendors.
#[derive(Debug, Clone, Serialize)]
pub struct Credentials {
    /// ConnectWise.
    pub connectwise: ConnectWiseCredentials,
    /// Autotask.
    pub autotask: AutotaskCredentials,
    /// Kaseya BMS.
    pub bms: BmsCredentials,
}

/// A running emulator. Dropping it stops the server.
#[derive(Debug)]
pub struct Emulator {
    addr: SocketAddr,
    shared: Arc<state::Shared>,
    server: tokio::task::JoinHandle<()>,
}

impl Emulator {
    /// Starts the emulator on 127.0.0.1 with a random port and the default options.
    ///
    /// # Errors
    /// [`StartError`] when no port can be bound.
    pub async fn start() -> Result<Emulator, StartError> {
        Self::start_with(Options::default()).await
    }

    /// Starts the emulator with `options` (listen address, tenant size, token lifetime …).
    ///
    /// # Errors
    /// [`StartError`] when the address cannot be bound or is not a loopback address.
    pub async fn start_with(options: Options) -> Result<Emulator, StartError> {
        let addr = options.listen;
        if !addr.ip().is_loopback() {
            return Err(StartError::NotLoopback(addr));
        }
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .map_err(|source| StartError::Bind { addr, source })?;
        let addr = listener
            .local_addr()
            .map_err(|source| StartError::Bind { addr, source })?;
        let shared = Arc::new(state::Shared::new(format!("http://{addr}"), options));
        let mut server = tokio::spawn(server::run(listener, Arc::clone(&shared)));
        if let Some(outbox) = shared.hooks.take_receiver() {
            let sender = tokio::spawn(hooks::run(Arc::clone(&shared), outbox));
            // One handle stops both: the sender ends with the server.
            let serving = server;
            server = tokio::spawn(async move {
                let _stop_sender = AbortOnDrop(sender);
                let _ = serving.await;
            });
        }
        Ok(Emulator {
            addr,
            shared,
            server,
        })
    }

    /// `http://127.0.0.1:<port>`.
    pub fn base_url(&self) -> &str {
        &self.shared.base_url
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The demo credentials (Autotask's zone URL as of now).
    pub fn credentials(&self) -> Credentials {
        self.shared.credentials()
    }

    /// The control handle (faults, clock, tokens, zone, codebase, journal, state).
    pub fn control(&self) -> Control {
        Control::new(Arc::clone(&self.shared))
    }

    /// The environment variables a psa-clients `from_env()` needs to reach this emulator, per vendor.
    pub fn env_vars(&self, vendor: Vendor) -> Vec<(String, String)> {
        let credentials = self.credentials();
        let pairs: Vec<(&str, String)> = match vendor {
            Vendor::ConnectWise => {
                let cw = credentials.connectwise;
                vec![
                    ("PSA_CW_SITE", cw.site),
                    ("PSA_CW_COMPANY", cw.company),
                    ("PSA_CW_PUBLIC_KEY", cw.public_key),
                    ("PSA_CW_PRIVATE_KEY", cw.private_key),
                    ("PSA_CW_CLIENT_ID", cw.client_id),
                    ("PSA_CW_API_VERSION", "2022.1".to_owned()),
                ]
            }
            Vendor::Autotask => {
                let at = credentials.autotask;
                vec![
                    ("PSA_AUTOTASK_USERNAME", at.username),
                    ("PSA_AUTOTASK_SECRET", at.secret),
                    ("PSA_AUTOTASK_INTEGRATION_CODE", at.integration_code),
                    ("PSA_AUTOTASK_ZONE_URL", at.zone_url),
                ]
            }
            Vendor::Bms => {
                let bms = credentials.bms;
                vec![
                    ("PSA_BMS_HOST", bms.host),
                    ("PSA_BMS_TENANT", bms.tenant),
                    ("PSA_BMS_USERNAME", bms.username),
                    ("PSA_BMS_PASSWORD", bms.password),
                    ("PSA_BMS_TOTP_SECRET", bms.totp_secret),
                ]
            }
        };
        pairs
            .into_iter()
            .map(|(name, value)| (name.to_owned(), value))
            .collect()
    }
}

/// Aborts a task when dropped (the webhook sender, when the server task is aborted).
struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        self.server.abort();
    }
}
