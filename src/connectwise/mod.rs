//! ConnectWise PSA (Manage) support.
//!
//! [`conditions`] builds and parses the query-string filter language used by
//! the `conditions`, `childConditions`, `customFieldConditions`, `orderBy`
//! and `fields` parameters.

pub mod conditions;
