//! ConnectWise PSA: clients generated from the "Connectwise Manage Public Endpoints" document, corrected (see
//! `specs/corrections/connectwise.toml`).
//!
//! The API is split into one module per area (`service`, `company`, `finance`, …), each behind a cargo feature
//! of the same name (`connectwise-service`, …), so an integration compiles only what it calls. The model types
//! are shared by all modules and live in [`types`].
//!
//! [`conditions`] builds and parses the query-string filter language of the `conditions`, `childConditions`,
//! `customFieldConditions`, `orderBy` and `fields` parameters.

pub mod conditions;

#[allow(
    missing_docs,
    unused_imports,
    clippy::all,
    clippy::pedantic,
    rustdoc::all
)]
mod generated_types {
    include!(concat!(env!("OUT_DIR"), "/connectwise/types.rs"));
}

pub use generated_types::types;

include!(concat!(env!("OUT_DIR"), "/connectwise_spec.rs"));

/// ConnectWise `/company/…` operations.
#[cfg(feature = "connectwise-company")]
#[allow(
    missing_docs,
    unused_imports,
    clippy::all,
    clippy::pedantic,
    rustdoc::all
)]
pub mod company {
    include!(concat!(env!("OUT_DIR"), "/connectwise/company.rs"));
}

/// ConnectWise `/configurations/…` operations.
#[cfg(feature = "connectwise-configurations")]
#[allow(
    missing_docs,
    unused_imports,
    clippy::all,
    clippy::pedantic,
    rustdoc::all
)]
pub mod configurations {
    include!(concat!(env!("OUT_DIR"), "/connectwise/configurations.rs"));
}

/// ConnectWise `/expense/…` operations.
#[cfg(feature = "connectwise-expense")]
#[allow(
    missing_docs,
    unused_imports,
    clippy::all,
    clippy::pedantic,
    rustdoc::all
)]
pub mod expense {
    include!(concat!(env!("OUT_DIR"), "/connectwise/expense.rs"));
}

/// ConnectWise `/finance/…` operations.
#[cfg(feature = "connectwise-finance")]
#[allow(
    missing_docs,
    unused_imports,
    clippy::all,
    clippy::pedantic,
    rustdoc::all
)]
pub mod finance {
    include!(concat!(env!("OUT_DIR"), "/connectwise/finance.rs"));
}

/// ConnectWise `/marketing/…` operations.
#[cfg(feature = "connectwise-marketing")]
#[allow(
    missing_docs,
    unused_imports,
    clippy::all,
    clippy::pedantic,
    rustdoc::all
)]
pub mod marketing {
    include!(concat!(env!("OUT_DIR"), "/connectwise/marketing.rs"));
}

/// ConnectWise `/procurement/…` operations.
#[cfg(feature = "connectwise-procurement")]
#[allow(
    missing_docs,
    unused_imports,
    clippy::all,
    clippy::pedantic,
    rustdoc::all
)]
pub mod procurement {
    include!(concat!(env!("OUT_DIR"), "/connectwise/procurement.rs"));
}

/// ConnectWise `/project/…` operations.
#[cfg(feature = "connectwise-project")]
#[allow(
    missing_docs,
    unused_imports,
    clippy::all,
    clippy::pedantic,
    rustdoc::all
)]
pub mod project {
    include!(concat!(env!("OUT_DIR"), "/connectwise/project.rs"));
}

/// ConnectWise `/sales/…` operations.
#[cfg(feature = "connectwise-sales")]
#[allow(
    missing_docs,
    unused_imports,
    clippy::all,
    clippy::pedantic,
    rustdoc::all
)]
pub mod sales {
    include!(concat!(env!("OUT_DIR"), "/connectwise/sales.rs"));
}

/// ConnectWise `/schedule/…` operations.
#[cfg(feature = "connectwise-schedule")]
#[allow(
    missing_docs,
    unused_imports,
    clippy::all,
    clippy::pedantic,
    rustdoc::all
)]
pub mod schedule {
    include!(concat!(env!("OUT_DIR"), "/connectwise/schedule.rs"));
}

/// ConnectWise `/service/…` operations.
#[cfg(feature = "connectwise-service")]
#[allow(
    missing_docs,
    unused_imports,
    clippy::all,
    clippy::pedantic,
    rustdoc::all
)]
pub mod service {
    include!(concat!(env!("OUT_DIR"), "/connectwise/service.rs"));
}

/// ConnectWise `/system/…` operations.
#[cfg(feature = "connectwise-system")]
#[allow(
    missing_docs,
    unused_imports,
    clippy::all,
    clippy::pedantic,
    rustdoc::all
)]
pub mod system {
    include!(concat!(env!("OUT_DIR"), "/connectwise/system.rs"));
}

/// ConnectWise `/time/…` operations.
#[cfg(feature = "connectwise-time")]
#[allow(
    missing_docs,
    unused_imports,
    clippy::all,
    clippy::pedantic,
    rustdoc::all
)]
pub mod time {
    include!(concat!(env!("OUT_DIR"), "/connectwise/time.rs"));
}
