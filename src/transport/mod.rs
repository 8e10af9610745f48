//! Vendor-neutral HTTP transport shared by the ConnectWise, Autotask and
//! Kaseya BMS clients.
//!
//! [`Transport::execute`] sends one logical call: it waits for a slot in the
//! per-endpoint concurrency limit and the optional request budget, sends,
//! retries what is safe to retry (see [`RetryPolicy`]) and records a
//! `tracing` span. [`classify`] then turns the response into body bytes or
//! an [`Error`](crate::Error).

mod builder;
mod classify;
mod clock;
mod execute;
mod limits;
mod meta;
mod redirect;
mod retry;

pub use builder::TransportBuilder;
pub use classify::{classify, classify_logging, classify_parts, decode_json, BodyLogging};
pub use clock::{Clock, ManualClock, SystemClock};
pub use execute::Transport;
pub use limits::{RequestBudget, WhenExhausted};
pub use meta::{OperationMeta, Vendor};
pub use redirect::same_origin_redirects;
pub use retry::{parse_retry_after, RetryPolicy, RetryPolicyBuilder};

/// The `User-Agent` sent with every request.
pub const USER_AGENT: &str = concat!("psa-clients/", env!("CARGO_PKG_VERSION"));
