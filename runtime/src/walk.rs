//! The coverage walk: every generated operation called once through its generated builder, against a server
//! that answers every operation (the psa-emulator), to prove that each request the client builds is accepted and
//! each answer decodes into the operation's generated type.
//!
//! The generated crates emit the per-operation calls (`walk` module, behind their `emulator-walk` feature); this
//! module holds what those calls share. It is test support: nothing in a normal build uses it.
//!
//! Values come from two places. The caller's [`Sampler`] is asked first (the emulator answers a request body with
//! an example built from the body's schema, and knows parameters whose text is a language, like Autotask's
//! `search`). Otherwise a scalar parameter (path or required query: ids, names, dates) gets the first of a few
//! JSON samples that decodes into its Rust type — the generated type decides, so the walk needs no copy of the
//! document.

use std::future::Future;
use std::pin::Pin;

use reqwest::StatusCode;
use serde::de::DeserializeOwned;

use crate::Error;

/// Gives the JSON value of a parameter (`"body"` for the request body) of an operation (by the vendor's
/// operationId), or `None` for the walk's own samples (a body without one is skipped).
pub type Sampler<'s> = &'s (dyn Fn(&'static str, &str) -> Option<Vec<u8>> + Sync);

/// One operation's call, as the generated walk table holds it.
pub type StepFuture<'a> = Pin<Box<dyn Future<Output = Outcome> + 'a>>;

/// What happened to one operation.
#[derive(Debug)]
pub enum Outcome {
    /// The server answered 2xx and the body decoded into the operation's type.
    Answered,
    /// The request was sent and failed (a vendor error, a body that did not decode, …).
    Failed(Error),
    /// The request could not be built from samples; nothing was sent. Says why.
    Skipped(String),
}

/// One operation of the walk.
#[derive(Debug)]
pub struct Step {
    /// The vendor's operationId.
    pub operation: &'static str,
    /// What happened.
    pub outcome: Outcome,
}

/// JSON samples tried in order for a scalar parameter; the first that its type accepts is used.
const SCALAR_SAMPLES: &[&str] = &[
    "1",
    "\"1\"",
    "true",
    "\"2024-01-02T03:04:05Z\"",
    "\"2024-01-02\"",
    "\"00000000-0000-0000-0000-000000000001\"",
    "[1]",
    "[\"1\"]",
    "{}",
];

/// A value for a path or required query parameter of type `T`: the sampler's, else the first sample that fits.
///
/// # Errors
/// [`Outcome::Skipped`] naming the parameter when no sample fits its type.
pub fn param<T: DeserializeOwned>(
    sampler: Sampler<'_>,
    operation: &'static str,
    parameter: &str,
) -> Result<T, Outcome> {
    if let Some(json) = sampler(operation, parameter) {
        return serde_json::from_slice(&json).map_err(|err| {
            Outcome::Skipped(format!(
                "{operation}: the sample for `{parameter}` does not decode: {err}"
            ))
        });
    }
    SCALAR_SAMPLES
        .iter()
        .find_map(|sample| serde_json::from_str(sample).ok())
        .ok_or_else(|| {
            Outcome::Skipped(format!(
                "{operation}: no sample value fits parameter `{parameter}` ({})",
                std::any::type_name::<T>()
            ))
        })
}

/// The request body of `operation`, decoded from the sampler's JSON exactly as a response of type `T` would be.
///
/// # Errors
/// [`Outcome::Skipped`] when the sampler has no body or the body does not decode into `T` (a disagreement
/// between the emulator's example and the generated type, reported with the JSON path).
pub fn body<T: DeserializeOwned>(
    sampler: Sampler<'_>,
    operation: &'static str,
) -> Result<T, Outcome> {
    let Some(json) = sampler(operation, "body") else {
        return Err(Outcome::Skipped(format!("{operation}: no sample body")));
    };
    crate::decode::json(&json, StatusCode::OK, operation).map_err(|err| {
        Outcome::Skipped(format!(
            "{operation}: the sample body does not decode: {err}"
        ))
    })
}

/// The outcome of a sent request.
pub fn sent<T>(result: Result<T, Error>) -> Outcome {
    match result {
        Ok(_) => Outcome::Answered,
        Err(err) => Outcome::Failed(err),
    }
}
