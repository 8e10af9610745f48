#![doc = include_str!("../README.md")]
#![warn(missing_docs)]

pub mod auth;
#[cfg(any(feature = "bms", feature = "autotask", feature = "_connectwise"))]
pub mod client;
pub mod error;
pub mod pagination;
// The pipeline (one authenticated call: base URL, credentials, send, one recovery) is an internal of the vendor
// clients, so it can change without a semver break. `_pipeline-tests` makes it public for this crate's own auth
// and tracing tests only (tests/auth_*.rs, tests/tracing_http.rs): it is not part of the API.
#[cfg(feature = "_pipeline-tests")]
#[doc(hidden)]
pub mod pipeline;
#[cfg(all(
    not(feature = "_pipeline-tests"),
    any(feature = "bms", feature = "autotask", feature = "_connectwise")
))]
mod pipeline;
pub mod secret;
pub mod transport;

#[cfg(feature = "autotask")]
pub mod autotask;
#[cfg(feature = "bms")]
pub mod bms;
#[cfg(feature = "_connectwise")]
pub mod connectwise;
#[cfg(feature = "webhooks")]
pub mod webhooks;

pub use error::Error;
/// What responses held that the vendor documents did not predict: the report (`client.drift().take()`), its
/// modes and strict mode's error ([`Error::Drift`]).
pub use psa_clients_runtime::drift;
/// Files to upload: [`upload::FilePart`] is the file part of the generated upload methods
/// (ConnectWise `system().post_system_documents`, BMS `attachments_post` / `post_temp_attachment`).
pub use psa_clients_runtime::upload;
pub use psa_clients_runtime::{
    Extra, Problem, SpecInfo, TimeOfDay, TimeOfDayError, Timestamp, TimestampError,
};
