//! Datto Autotask PSA client generated from "Datto|Autotask PSA Rest API" v1 (Swagger 2.0, converted) after the
//! corrections in `specs/corrections/autotask.toml`. Use it through `psa_clients::autotask`.
#![allow(warnings, missing_docs, clippy::all, clippy::pedantic, rustdoc::all)]

include!(concat!(env!("OUT_DIR"), "/autotask.rs"));
include!(concat!(env!("OUT_DIR"), "/autotask_spec.rs"));

/// The coverage walk over every operation (test support for the psa-emulator).
#[cfg(feature = "emulator-walk")]
pub mod walk {
    include!(concat!(env!("OUT_DIR"), "/autotask_walk.rs"));
}
