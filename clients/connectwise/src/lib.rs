//! ConnectWise PSA client generated from the "Connectwise Manage Public Endpoints" document after the corrections
//! in `specs/corrections/connectwise.toml`. Use it through `psa_clients::connectwise`.
//!
//! One module per API area, each behind the feature of the same name; the model types are shared in [`types`].
//! The areas are the `areas` list of the corrections: the build writes a module for each enabled one, and
//! [`for_each_area!`] hands the same list to psa-clients.
#![allow(warnings, missing_docs, clippy::all, clippy::pedantic, rustdoc::all)]

include!(concat!(env!("OUT_DIR"), "/connectwise/types.rs"));
include!(concat!(env!("OUT_DIR"), "/connectwise_spec.rs"));
include!(concat!(env!("OUT_DIR"), "/connectwise/areas.rs"));
