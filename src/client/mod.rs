//! How the generated clients reach the hand-written pipeline, and what the vendor clients share.
//!
//! Each generated client carries `psa_clients_runtime::Hooks` and hands every request to
//! [`PipelineExecutor`](executor::PipelineExecutor), which runs the vendor's pipeline (auth, retries, limits,
//! classification). A failure the pipeline found travels back through progenitor as a synthetic response
//! carrying the typed [`Error`](crate::Error); `From<progenitor_client::Error>` unwraps it again, so
//! `generated_call.send().await?` yields a [`crate::Error`] with everything the pipeline knew.

mod builder;
mod convert;
pub(crate) mod executor;
mod raw;
mod vendor_client;

pub(crate) use builder::hooks_for;
pub use builder::ClientBuilder;
pub use raw::RawRequest;
pub use vendor_client::VendorClient;
