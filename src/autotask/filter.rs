//! Autotask REST query bodies: `{"filter":[…], "IncludeFields":[…], "MaxRecords":n}`.
//!
//! The builder is defined in `psa_clients_runtime::autotask::filter` (so that the generated query operations
//! can take its types) and re-exported here unchanged: [`Query`] is the body of every generated
//! `*_query` / `*_query_count` call and of [`Client::query`](crate::autotask::Client::query), and [`Search`]
//! the `search` parameter of every generated `*_url_parameter_query` / `*_url_parameter_query_count` call.
//!
//! ```
//! use psa_clients::autotask::filter::{field, Query};
//!
//! let customers = Query::builder().filter(field("companyType").eq(1)).build()?;
//! assert_eq!(
//!     serde_json::to_string(&customers)?,
//!     r#"{"filter":[{"op":"eq","field":"companyType","value":1}]}"#
//! );
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub use psa_clients_runtime::autotask::filter::*;
