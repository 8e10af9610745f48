#![doc = include_str!("../README.md")]
#![warn(missing_docs)]

pub mod error;
pub mod secret;
mod timestamp;
pub mod transport;

#[cfg(feature = "autotask")]
pub mod autotask;
#[cfg(feature = "bms")]
pub mod bms;
#[cfg(feature = "_connectwise")]
pub mod connectwise;

pub use error::Error;
pub use timestamp::{Timestamp, TimestampError};

/// Identity of the vendor document a client module was generated from (see each vendor's `SPEC`).
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
}
