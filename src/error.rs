//! The one public error type of psa-clients, and the vendor bodies it carries.
//!
//! Defined in `psa-clients-runtime` so that the generated clients return it from every `send()`; this module
//! is where users name it.

pub use psa_clients_runtime::error::{Error, VendorBody, VendorError, VendorErrorDetail};

pub(crate) use psa_clients_runtime::error::snippet;
