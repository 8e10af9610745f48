//! Kaseya BMS client generated from "BMS API 2.0" after the corrections in `specs/corrections/bms.toml`.
//! Use it through `psa_clients::bms`.
#![allow(warnings, missing_docs, clippy::all, clippy::pedantic, rustdoc::all)]

include!(concat!(env!("OUT_DIR"), "/bms.rs"));
include!(concat!(env!("OUT_DIR"), "/bms_spec.rs"));

/// The coverage walk over every operation (test support for the psa-emulator).
#[cfg(feature = "emulator-walk")]
pub mod walk {
    include!(concat!(env!("OUT_DIR"), "/bms_walk.rs"));
}
