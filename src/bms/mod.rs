//! Kaseya BMS: the client generated from "BMS API 2.0", corrected (see `specs/corrections/bms.toml`).
//!
//! Every response is the BMS envelope `{success, error, result, totalRecords}`; models read the camelCase the
//! API sends and the PascalCase the document declares.

mod client;

pub use client::Client;
pub use psa_clients_bms::*;
