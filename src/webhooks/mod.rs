//! Receiving ConnectWise PSA callbacks, Autotask webhooks and Kaseya BMS webhooks: typed payloads, signature
//! checks over the raw body, duplicate detection, a receiver for axum/tower, idempotent registration and
//! change pollers (feature `webhooks`; the receiver needs `webhooks-axum`).
//!
//! | vendor | payload | check | duplicate key |
//! | --- | --- | --- | --- |
//! | ConnectWise | [`connectwise::CallbackPayload`] (`Entity` → the generated model of its `Type`) | `x-content-signature`, key from `Metadata.key_url` ([`connectwise::Verifier`]) | `MessageId` |
//! | Autotask | [`autotask::WebhookPayload`] (`Fields` by name or as the generated model) | `X-Hook-Signature: sha1=…` ([`autotask::Verifier`]) | `Guid` + `SequenceNumber` |
//! | Kaseya BMS | [`bms::BmsDelivery`] (raw JSON + headers: the payload is undocumented) | pluggable ([`bms::Verifier`]) | a delivery-id header, or the body's SHA-256 |
//!
//! Verification always comes first and fails closed: without a secret nothing is accepted, and a payload is
//! parsed (beyond ConnectWise's key URL) only after its signature matched.

pub mod autotask;
pub mod bms;
pub mod connectwise;
pub mod dedup;
#[cfg(any(feature = "connectwise-system", feature = "autotask", feature = "bms"))]
pub mod ensure;
mod lenient;
#[cfg(any(feature = "connectwise-service", feature = "autotask", feature = "bms"))]
pub mod poll;
#[cfg(feature = "webhooks-axum")]
pub mod receiver;
pub mod verify;

pub use dedup::{DedupStore, MemoryDedup};
pub use verify::{SignatureCheck, SignedRequest, VerifyError};

/// A verified body that is not the vendor's payload.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PayloadError {
    /// Not JSON of the payload's shape.
    #[error("the webhook body is not a valid payload: {0}")]
    Json(String),
    /// The embedded record (ConnectWise `Entity`, Autotask `Fields`) does not fit the model asked for.
    #[error("the webhook's record does not fit the model: {0}")]
    Entity(String),
}

/// Why a delivery was not accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum WebhookError {
    /// The signature check failed (or could not be made).
    #[error(transparent)]
    Verify(#[from] VerifyError),
    /// The verified body is not a payload.
    #[error(transparent)]
    Payload(#[from] PayloadError),
}
