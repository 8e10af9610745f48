//! psa-clients: typed async clients for ConnectWise PSA, Datto Autotask PSA
//! and Kaseya BMS.
//!
//! The vendor-neutral pieces live here: [`transport`] (retries, limits,
//! redirects, tracing), [`error`] (the one public error type) and
//! [`secret`] (a string type that never prints its value).

pub mod error;
pub mod secret;
pub mod transport;

pub use error::Error;
