//! Datto Autotask PSA support.
//!
//! [`filter`] builds the JSON bodies of `POST /V1.0/{Entity}/query` and
//! `POST /V1.0/{Entity}/query/count`.

pub mod filter;
