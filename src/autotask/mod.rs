//! Datto Autotask PSA: the client generated from "Datto|Autotask PSA Rest API" v1 (Swagger 2.0, converted and
//! corrected; see `specs/corrections/autotask.toml`).
//!
//! Responses use the real envelopes: queries return `{items, pageDetails}`, gets `{item}`, writes `{itemId}`.
//!
//! [`filter`] builds the JSON bodies of `POST /V1.0/{Entity}/query` and `…/query/count`.

mod client;
pub mod filter;

pub use client::Client;

pub use psa_clients_autotask::*;
