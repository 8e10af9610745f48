//! Autotask run-time types the generated client names.
//!
//! The query body builder lives here, not in `psa_clients`, because the generated Autotask crate takes its
//! types directly: every `POST …/query` and `…/query/count` body is a [`filter::Query`], and every
//! `GET …/query` `search` parameter a [`filter::Search`] (the `schema-types` and `query-param-types`
//! corrections). Users reach it as `psa_clients::autotask::filter`.

pub mod filter;
