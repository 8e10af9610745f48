//! ConnectWise PSA client generated from the "Connectwise Manage Public Endpoints" document after the corrections
//! in `specs/corrections/connectwise.toml`. Use it through `psa_clients::connectwise`.
//!
//! One module per API area, each behind the feature of the same name; the model types are shared in [`types`].
#![allow(warnings, missing_docs, clippy::all, clippy::pedantic, rustdoc::all)]

include!(concat!(env!("OUT_DIR"), "/connectwise/types.rs"));
include!(concat!(env!("OUT_DIR"), "/connectwise_spec.rs"));

/// ConnectWise `/company/…` operations.
#[cfg(feature = "company")]
pub mod company {
    include!(concat!(env!("OUT_DIR"), "/connectwise/company.rs"));
}

/// ConnectWise `/configurations/…` operations.
#[cfg(feature = "configurations")]
pub mod configurations {
    include!(concat!(env!("OUT_DIR"), "/connectwise/configurations.rs"));
}

/// ConnectWise `/expense/…` operations.
#[cfg(feature = "expense")]
pub mod expense {
    include!(concat!(env!("OUT_DIR"), "/connectwise/expense.rs"));
}

/// ConnectWise `/finance/…` operations.
#[cfg(feature = "finance")]
pub mod finance {
    include!(concat!(env!("OUT_DIR"), "/connectwise/finance.rs"));
}

/// ConnectWise `/marketing/…` operations.
#[cfg(feature = "marketing")]
pub mod marketing {
    include!(concat!(env!("OUT_DIR"), "/connectwise/marketing.rs"));
}

/// ConnectWise `/procurement/…` operations.
#[cfg(feature = "procurement")]
pub mod procurement {
    include!(concat!(env!("OUT_DIR"), "/connectwise/procurement.rs"));
}

/// ConnectWise `/project/…` operations.
#[cfg(feature = "project")]
pub mod project {
    include!(concat!(env!("OUT_DIR"), "/connectwise/project.rs"));
}

/// ConnectWise `/sales/…` operations.
#[cfg(feature = "sales")]
pub mod sales {
    include!(concat!(env!("OUT_DIR"), "/connectwise/sales.rs"));
}

/// ConnectWise `/schedule/…` operations.
#[cfg(feature = "schedule")]
pub mod schedule {
    include!(concat!(env!("OUT_DIR"), "/connectwise/schedule.rs"));
}

/// ConnectWise `/service/…` operations.
#[cfg(feature = "service")]
pub mod service {
    include!(concat!(env!("OUT_DIR"), "/connectwise/service.rs"));
}

/// ConnectWise `/system/…` operations.
#[cfg(feature = "system")]
pub mod system {
    include!(concat!(env!("OUT_DIR"), "/connectwise/system.rs"));
}

/// ConnectWise `/time/…` operations.
#[cfg(feature = "time")]
pub mod time {
    include!(concat!(env!("OUT_DIR"), "/connectwise/time.rs"));
}
