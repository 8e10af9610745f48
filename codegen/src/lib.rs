//! psa-codegen: turns the vendors' OpenAPI/Swagger documents into corrected, typed Rust clients.
//!
//! Pipeline: load → convert (Swagger 2.0 → OpenAPI 3.0) → correct → validate → generate → post-process → format.
//! `build.rs` of psa-clients and the `psa-codegen` CLI call the same functions, so what the tests and the
//! snapshots see is exactly what compiles.

pub mod diff;
pub mod swagger2;
