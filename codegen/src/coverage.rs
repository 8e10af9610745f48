//! Coverage: how much of a vendor document became typed Rust.

use openapiv3::{OpenAPI, ReferenceOr};

/// Number of operations in a document.
pub fn operation_count(spec: &OpenAPI) -> usize {
    spec.paths.paths.values().filter_map(ReferenceOr::as_item).map(|i| i.iter().count()).sum()
}
