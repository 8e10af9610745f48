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
    /// The coverage walk over this area (test support for the psa-emulator).
    #[cfg(feature = "emulator-walk")]
    pub mod walk {
        include!(concat!(env!("OUT_DIR"), "/connectwise/company_walk.rs"));
    }
}

/// ConnectWise `/configurations/…` operations.
#[cfg(feature = "configurations")]
pub mod configurations {
    include!(concat!(env!("OUT_DIR"), "/connectwise/configurations.rs"));
    /// The coverage walk over this area (test support for the psa-emulator).
    #[cfg(feature = "emulator-walk")]
    pub mod walk {
        include!(concat!(
            env!("OUT_DIR"),
            "/connectwise/configurations_walk.rs"
        ));
    }
}

/// ConnectWise `/expense/…` operations.
#[cfg(feature = "expense")]
pub mod expense {
    include!(concat!(env!("OUT_DIR"), "/connectwise/expense.rs"));
    /// The coverage walk over this area (test support for the psa-emulator).
    #[cfg(feature = "emulator-walk")]
    pub mod walk {
        include!(concat!(env!("OUT_DIR"), "/connectwise/expense_walk.rs"));
    }
}

/// ConnectWise `/finance/…` operations.
#[cfg(feature = "finance")]
pub mod finance {
    include!(concat!(env!("OUT_DIR"), "/connectwise/finance.rs"));
    /// The coverage walk over this area (test support for the psa-emulator).
    #[cfg(feature = "emulator-walk")]
    pub mod walk {
        include!(concat!(env!("OUT_DIR"), "/connectwise/finance_walk.rs"));
    }
}

/// ConnectWise `/marketing/…` operations.
#[cfg(feature = "marketing")]
pub mod marketing {
    include!(concat!(env!("OUT_DIR"), "/connectwise/marketing.rs"));
    /// The coverage walk over this area (test support for the psa-emulator).
    #[cfg(feature = "emulator-walk")]
    pub mod walk {
        include!(concat!(env!("OUT_DIR"), "/connectwise/marketing_walk.rs"));
    }
}

/// ConnectWise `/procurement/…` operations.
#[cfg(feature = "procurement")]
pub mod procurement {
    include!(concat!(env!("OUT_DIR"), "/connectwise/procurement.rs"));
    /// The coverage walk over this area (test support for the psa-emulator).
    #[cfg(feature = "emulator-walk")]
    pub mod walk {
        include!(concat!(env!("OUT_DIR"), "/connectwise/procurement_walk.rs"));
    }
}

/// ConnectWise `/project/…` operations.
#[cfg(feature = "project")]
pub mod project {
    include!(concat!(env!("OUT_DIR"), "/connectwise/project.rs"));
    /// The coverage walk over this area (test support for the psa-emulator).
    #[cfg(feature = "emulator-walk")]
    pub mod walk {
        include!(concat!(env!("OUT_DIR"), "/connectwise/project_walk.rs"));
    }
}

/// ConnectWise `/sales/…` operations.
#[cfg(feature = "sales")]
pub mod sales {
    include!(concat!(env!("OUT_DIR"), "/connectwise/sales.rs"));
    /// The coverage walk over this area (test support for the psa-emulator).
    #[cfg(feature = "emulator-walk")]
    pub mod walk {
        include!(concat!(env!("OUT_DIR"), "/connectwise/sales_walk.rs"));
    }
}

/// ConnectWise `/schedule/…` operations.
#[cfg(feature = "schedule")]
pub mod schedule {
    include!(concat!(env!("OUT_DIR"), "/connectwise/schedule.rs"));
    /// The coverage walk over this area (test support for the psa-emulator).
    #[cfg(feature = "emulator-walk")]
    pub mod walk {
        include!(concat!(env!("OUT_DIR"), "/connectwise/schedule_walk.rs"));
    }
}

/// ConnectWise `/service/…` operations.
#[cfg(feature = "service")]
pub mod service {
    include!(concat!(env!("OUT_DIR"), "/connectwise/service.rs"));
    /// The coverage walk over this area (test support for the psa-emulator).
    #[cfg(feature = "emulator-walk")]
    pub mod walk {
        include!(concat!(env!("OUT_DIR"), "/connectwise/service_walk.rs"));
    }
}

/// ConnectWise `/system/…` operations.
#[cfg(feature = "system")]
pub mod system {
    include!(concat!(env!("OUT_DIR"), "/connectwise/system.rs"));
    /// The coverage walk over this area (test support for the psa-emulator).
    #[cfg(feature = "emulator-walk")]
    pub mod walk {
        include!(concat!(env!("OUT_DIR"), "/connectwise/system_walk.rs"));
    }
}

/// ConnectWise `/time/…` operations.
#[cfg(feature = "time")]
pub mod time {
    include!(concat!(env!("OUT_DIR"), "/connectwise/time.rs"));
    /// The coverage walk over this area (test support for the psa-emulator).
    #[cfg(feature = "emulator-walk")]
    pub mod walk {
        include!(concat!(env!("OUT_DIR"), "/connectwise/time_walk.rs"));
    }
}
