//! `retry-safe`: POSTs that only read may be re-sent like a GET.
//!
//! Reality encoded: Autotask reads with `POST /V1.0/{Entity}/query` and `…/query/count` (the filter travels in
//! the body; every `nextPageUrl` of a POSTed query must be POSTed too), and Kaseya BMS searches with
//! `POST …/search`. Nothing is created by them, so a 502 or a reset connection on page 37 of an export can be
//! retried; the transport otherwise never re-sends a POST whose outcome is unknown. Which operations qualify
//! is correction data (`retry_safe_path_suffixes` in `specs/corrections/<vendor>.toml`), not a guess from the
//! method: the pass marks each with the `x-psa-retry-safe` extension, which the operation table carries.

use serde_json::Value;

use super::walk::for_each_operation;

/// The extension the pass sets on an operation (read by the operation table).
pub const RETRY_SAFE_EXTENSION: &str = "x-psa-retry-safe";

pub(super) fn apply(doc: &mut Value, suffixes: &[String]) -> Vec<String> {
    let mut marked = std::collections::BTreeMap::<&str, usize>::new();
    for_each_operation(doc, |path, method, op| {
        if !method.eq_ignore_ascii_case("post") {
            return;
        }
        let lower = path.to_ascii_lowercase();
        let Some(suffix) = suffixes
            .iter()
            .find(|s| lower.ends_with(&s.to_ascii_lowercase()))
        else {
            return;
        };
        op.insert(RETRY_SAFE_EXTENSION.to_owned(), Value::Bool(true));
        *marked.entry(suffix.as_str()).or_default() += 1;
    });
    marked
        .into_iter()
        .map(|(suffix, n)| {
            format!("{n} POST operations ending `{suffix}` are reads: retried like GETs")
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn only_posts_with_a_listed_suffix_are_marked() {
        let mut doc = json!({"paths": {
            "/V1.0/Tickets/query": {"post": {"responses": {}}, "get": {"responses": {}}},
            "/V1.0/Tickets/query/count": {"post": {"responses": {}}},
            "/V1.0/Tickets": {"post": {"responses": {}}},
            "/V1.0/Tickets/{id}/Notes": {"post": {"responses": {}}}
        }});
        let changes = apply(&mut doc, &["/query".to_owned(), "/query/count".to_owned()]);
        assert_eq!(
            changes,
            vec![
                "1 POST operations ending `/query` are reads: retried like GETs",
                "1 POST operations ending `/query/count` are reads: retried like GETs"
            ]
        );
        let paths = &doc["paths"];
        assert_eq!(
            paths["/V1.0/Tickets/query"]["post"][RETRY_SAFE_EXTENSION],
            true
        );
        assert_eq!(
            paths["/V1.0/Tickets/query/count"]["post"][RETRY_SAFE_EXTENSION],
            true
        );
        assert!(paths["/V1.0/Tickets/query"]["get"]
            .get(RETRY_SAFE_EXTENSION)
            .is_none());
        assert!(paths["/V1.0/Tickets"]["post"]
            .get(RETRY_SAFE_EXTENSION)
            .is_none());
        assert!(paths["/V1.0/Tickets/{id}/Notes"]["post"]
            .get(RETRY_SAFE_EXTENSION)
            .is_none());
    }
}
