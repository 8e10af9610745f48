//! Kaseya BMS: the client generated from "BMS API 2.0", corrected (see `specs/corrections/bms.toml`).
//!
//! Every response is the BMS envelope `{success, error, result, totalRecords}`; models read the camelCase the
//! API sends and the PascalCase the document declares.

#[allow(
    missing_docs,
    unused_imports,
    clippy::all,
    clippy::pedantic,
    rustdoc::all
)]
mod generated {
    include!(concat!(env!("OUT_DIR"), "/bms.rs"));
}

pub use generated::{builder, types, Client, Error, ResponseValue};

include!(concat!(env!("OUT_DIR"), "/bms_spec.rs"));
