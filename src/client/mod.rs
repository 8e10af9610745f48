//! How the generated clients reach the hand-written pipeline, and what the vendor clients share.
//!
//! Each generated client carries a `psa_clients_runtime::ExecutorHandle` and hands every request to
//! `PipelineExecutor`, which runs the vendor's pipeline (auth, retries, limits,
//! classification). Generated `send()`s return [`crate::Error`] itself (it is defined in the run-time crate),
//! so a failed call carries everything the pipeline knew: the vendor's operationId, status and body.

mod builder;
pub(crate) mod executor;
mod raw;
mod tenant_client;

pub(crate) use builder::hooks_for;
pub use builder::ClientBuilder;
/// What [`RawRequest::send_bytes`] returns: a successful answer, body fully read (status, headers, bytes).
pub use psa_clients_runtime::Answer;
pub use raw::RawRequest;
pub use tenant_client::TenantClient;
