//! Decoding a JSON body into a generated type, with the operation and the JSON path of a failing field.

use reqwest::StatusCode;
use serde::de::DeserializeOwned;

use crate::drift::collect::{Collected, Scope};
use crate::drift::{Drift, DriftKind, DriftMode};
use crate::error::{snippet, Error};

/// [`json`], recording drift as `drift` says (see [`crate::drift`]).
///
/// Off (the default), this is [`json`] and nothing else. On, findings are merged into `drift` once the body is
/// decoded, under `operation_id`.
///
/// # Errors
/// As [`json`], and in [`DriftMode::Strict`] [`Error::Drift`] for the first drift found, with the JSON path of
/// the field (e.g. `items[3].userDefinedFields`).
pub fn json_with<T: DeserializeOwned>(
    body: &[u8],
    status: StatusCode,
    operation_id: &'static str,
    drift: &Drift,
) -> Result<T, Error> {
    let mode = drift.mode();
    if mode == DriftMode::Off {
        return json(body, status, operation_id);
    }
    let scope = Scope::begin(mode, drift.examples(), starts_a_list(body));
    // One pass with the path tracked: a second pass would record every finding twice.
    let decoded = json_tracked::<T>(body, status, operation_id);
    let Collected { found, failure } = scope.finish();
    drift.absorb(operation_id, found);
    let Some(failure) = failure else {
        return decoded;
    };
    let path = match decoded {
        // The decoder's path is exact (`items[3].x`, where the collector knows `items[].x`). A missing field
        // is found after the object's last key, where the decoder's path ends at the object: the field's name,
        // the collector's last segment, completes it.
        Err(Error::MalformedBody { path, .. }) if failure.kind == DriftKind::MissingField => {
            let field = failure.path.rsplit('.').next().unwrap_or_default();
            // `.` is serde_path_to_error's root.
            if path.is_empty() || path == "." {
                field.to_owned()
            } else {
                format!("{path}.{field}")
            }
        }
        Err(Error::MalformedBody { path, .. }) => path,
        // A drift inside an alternative an untagged enum then decoded otherwise: strict all the same.
        Ok(_) => failure.path,
        Err(other) => return Err(other),
    };
    Err(Error::Drift {
        operation_id,
        status,
        path,
        kind: failure.kind,
        message: failure.message,
    })
}

/// True when the body is a JSON list (its elements' drift paths start with `[]`).
fn starts_a_list(body: &[u8]) -> bool {
    let body = body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body);
    body.trim_ascii_start().first() == Some(&b'[')
}

/// Decodes a JSON body, reporting the path of the field that failed.
///
/// # Errors
/// [`Error::HtmlInsteadOfJson`] for an HTML page (checked by sniffing), otherwise [`Error::MalformedBody`]
/// with the operation, the path (e.g. `items[2].id`) and the start of the body.
pub fn json<T: DeserializeOwned>(
    body: &[u8],
    status: StatusCode,
    operation_id: &'static str,
) -> Result<T, Error> {
    // Tracking the path costs an allocation per key of every object (most of a typed decode's time over
    // plain serde_json, measured in benches/decode.rs), and it is only needed to name a failure: decode
    // without it, and decode a failed body again with it. Decoding is deterministic and, with drift off,
    // has no side effects, so the second pass fails at the same place.
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let fast = T::deserialize(&mut deserializer).and_then(|value| {
        deserializer.end()?;
        Ok(value)
    });
    match fast {
        Ok(value) => Ok(value),
        Err(_) => json_tracked(body, status, operation_id),
    }
}

/// [`json`] in one pass that tracks the JSON path as it goes.
fn json_tracked<T: DeserializeOwned>(
    body: &[u8],
    status: StatusCode,
    operation_id: &'static str,
) -> Result<T, Error> {
    let malformed = |path: String, source: serde_json::Error| {
        if sniff_html(body) {
            return Error::HtmlInsteadOfJson {
                operation_id,
                status,
                snippet: snippet(body),
            };
        }
        Error::MalformedBody {
            operation_id,
            status,
            path,
            snippet: snippet(body),
            source,
        }
    };
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let value: T = serde_path_to_error::deserialize(&mut deserializer)
        .map_err(|err| malformed(err.path().to_string(), err.into_inner()))?;
    // Trailing garbage after a complete value is malformed too.
    deserializer
        .end()
        .map_err(|err| malformed(".".to_owned(), err))?;
    Ok(value)
}

/// True when the body starts like an HTML document.
pub fn sniff_html(body: &[u8]) -> bool {
    let start = body
        .strip_prefix(b"\xEF\xBB\xBF") // UTF-8 byte order mark
        .unwrap_or(body);
    let start = start.trim_ascii_start();
    let head = &start[..start.len().min(15)];
    let head = head.to_ascii_lowercase();
    head.starts_with(b"<!doctype html") || head.starts_with(b"<html")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Item {
        id: i64,
    }

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Envelope {
        item: Item,
    }

    #[test]
    fn a_wrong_type_names_the_operation_and_the_field_path() {
        let error = json::<Envelope>(
            br#"{"item":{"id":"x"}}"#,
            StatusCode::OK,
            "Companies_QueryItem",
        )
        .unwrap_err();
        match error {
            Error::MalformedBody {
                operation_id, path, ..
            } => assert_eq!(
                (operation_id, path.as_str()),
                ("Companies_QueryItem", "item.id")
            ),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn html_and_trailing_garbage() {
        assert!(matches!(
            json::<Envelope>(b"\xEF\xBB\xBF <!DOCTYPE html><p>IIS", StatusCode::OK, "x"),
            Err(Error::HtmlInsteadOfJson { .. })
        ));
        assert!(matches!(
            json::<Item>(br#"{"id":1} x"#, StatusCode::OK, "x"),
            Err(Error::MalformedBody { path, .. }) if path == "."
        ));
    }
}
