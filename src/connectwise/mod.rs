//! ConnectWise PSA: clients generated from the "Connectwise Manage Public Endpoints" document, corrected (see
//! `specs/corrections/connectwise.toml`).
//!
//! The API is split into one module per area (`service`, `company`, `finance`, …), each behind a cargo feature
//! of the same name (`connectwise-service`, …), so an integration compiles only what it calls. The model types
//! are shared by all modules and live in [`types`].
//!
//! [`conditions`] builds and parses the query-string filter language of the `conditions`, `childConditions`,
//! `customFieldConditions`, `orderBy` and `fields` parameters.

mod client;
pub mod conditions;

pub use client::{Client, ConnectWiseAreas};

pub use psa_clients_connectwise::*;
