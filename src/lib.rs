//! psa-clients

#[cfg(feature = "connectwise")]
pub mod connectwise;

#[cfg(feature = "autotask")]
pub mod autotask;
