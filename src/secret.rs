//! A string that never shows up in logs, `Debug` output or error messages.
//!
//! Defined in `psa-clients-runtime` so that the generated models hold it too (every password, private key,
//! token and webhook secret the vendor documents declare; see the `secret-properties` correction).

pub use psa_clients_runtime::secret::Secret;
