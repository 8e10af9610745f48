//! `classify_parts` and `decode_json` must never panic, whatever the
//! server sends.

use std::time::{Duration, SystemTime};

use bytes::Bytes;
use proptest::prelude::*;
use psa_clients::transport::{classify_parts, decode_json, OperationMeta, Vendor};
use reqwest::header::{HeaderMap, HeaderValue, CONTENT_TYPE, LOCATION, RETRY_AFTER};
use reqwest::{Method, StatusCode};

fn content_type() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        Just(b"application/json".to_vec()),
        Just(b"text/html; charset=utf-8".to_vec()),
        Just(b"application/xhtml+xml".to_vec()),
        Just(b"text/plain".to_vec()),
        proptest::collection::vec(any::<u8>(), 0..40),
    ]
}

fn body() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..2048),
        Just(b"\xEF\xBB\xBF  <!DOCTYPE HTML>".to_vec()),
        Just(br#"{"items":[{"id":"x"}]}"#.to_vec()),
        "[\\PC]{0,600}".prop_map(String::into_bytes),
    ]
}

fn header(bytes: &[u8]) -> Option<HeaderValue> {
    HeaderValue::from_bytes(bytes).ok()
}

proptest! {
    #[test]
    fn classify_never_panics(
        status in 100u16..=999,
        content_type in content_type(),
        retry_after in proptest::collection::vec(any::<u8>(), 0..40),
        location in proptest::collection::vec(any::<u8>(), 0..80),
        body in body(),
    ) {
        let Ok(status) = StatusCode::from_u16(status) else { return Ok(()) };
        let mut headers = HeaderMap::new();
        for (name, value) in [(CONTENT_TYPE, &content_type), (RETRY_AFTER, &retry_after), (LOCATION, &location)] {
            if let Some(value) = header(value) {
                headers.insert(name, value);
            }
        }
        let op = OperationMeta::new(Vendor::Bms, "prop", Method::GET, "/p");
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        match classify_parts(status, &headers, Bytes::from(body.clone()), &op, now) {
            Ok(bytes) => prop_assert!(status.is_success() && bytes == body),
            Err(err) => {
                prop_assert_eq!(err.status(), Some(status));
                let _ = format!("{err} {err:?}");
            }
        }
        let _ = decode_json::<serde_json::Value>(&body, status, &op).map_err(|e| e.to_string());
    }
}
