//! Run-time support for the code psa-codegen generates: the types every generated vendor crate names.
//!
//! Users reach these through `psa_clients` (`psa_clients::Timestamp`); the generated crates depend on this
//! small crate instead of on `psa_clients` itself so that they compile in parallel with it.

pub mod autotask;
pub mod de;
pub mod decode;
pub mod drift;
pub mod error;
pub mod fields;
pub mod hooks;
pub mod lenient;
pub mod paging;
pub mod query;
pub mod redact;
pub mod secret;
pub mod send_tail;
mod time_of_day;
mod timestamp;
pub mod upload;
#[doc(hidden)]
pub mod walk;

pub use drift::{Drift, DriftMode, DriftReport};
pub use error::Error;
pub use fields::FieldPath;
pub use hooks::{Answer, Executor, ExecutorHandle, Operation};
pub use lenient::{Extra, Problem};
pub use secret::Secret;

pub use time_of_day::{TimeOfDay, TimeOfDayError};
pub use timestamp::{Timestamp, TimestampError};

/// Identity of the vendor document a client crate was generated from (see each vendor's `SPEC`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SpecInfo {
    /// File name of the vendor document.
    pub file: &'static str,
    /// The vendor's title for it.
    pub title: &'static str,
    /// The vendor's version of the document.
    pub version: &'static str,
    /// SHA-256 of the document's bytes.
    pub sha256: &'static str,
    /// Operations in the corrected document.
    pub operations: usize,
    /// Whether it is the document psa-clients reviewed (its SHA-256 is the pinned one). `false` for a version
    /// the building project accepted itself (`psa-specs.toml` or `PSA_SPECS_ACCEPT`).
    pub reviewed: bool,
}
