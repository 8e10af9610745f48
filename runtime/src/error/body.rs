//! What a vendor sent back with a failure: JSON, text or nothing.

use std::fmt;

use super::vendor_error::VendorError;

/// Longest body excerpt kept in messages; vendor error pages can be huge.
pub const SNIPPET_LEN: usize = 512;

/// A vendor's error body.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum VendorBody {
    /// No body.
    Empty,
    /// The body parsed as JSON (most vendor errors).
    Json(serde_json::Value),
    /// Not JSON: the text, cut to a few hundred bytes.
    Text(String),
}

impl VendorBody {
    /// Parses a body: JSON when it is JSON, otherwise a text snippet.
    pub fn from_bytes(body: &[u8]) -> Self {
        if body.iter().all(u8::is_ascii_whitespace) {
            return Self::Empty;
        }
        match serde_json::from_slice(body) {
            Ok(value) => Self::Json(value),
            Err(_) => Self::Text(snippet(body)),
        }
    }

    /// The vendor's error, when the body is JSON in one of the vendors' error shapes (see [`VendorError`]).
    pub fn vendor_error(&self) -> Option<VendorError> {
        match self {
            Self::Json(value) => VendorError::from_json(value),
            Self::Empty | Self::Text(_) => None,
        }
    }
}

impl fmt::Display for VendorBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Empty => f.write_str("(empty body)"),
            Self::Json(value) => match VendorError::from_json(value) {
                Some(error) => f.write_str(&truncate(error.to_string(), SNIPPET_LEN)),
                None => f.write_str(&truncate(value.to_string(), SNIPPET_LEN)),
            },
            Self::Text(text) => f.write_str(text),
        }
    }
}

/// The start of a body as text, marked with `…` when cut.
#[doc(hidden)]
pub fn snippet(body: &[u8]) -> String {
    let end = body.len().min(SNIPPET_LEN);
    // Lossy: a cut in the middle of a multi-byte character, or a body in
    // another encoding, still gives a readable excerpt.
    let mut text = String::from_utf8_lossy(&body[..end]).into_owned();
    if end < body.len() {
        text.push('…');
    }
    text
}

fn truncate(mut text: String, max: usize) -> String {
    if text.len() > max {
        let mut cut = max;
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        text.truncate(cut);
        text.push('…');
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vendor_body_parses_json_or_keeps_text() {
        assert_eq!(VendorBody::from_bytes(b"  \n"), VendorBody::Empty);
        assert_eq!(
            VendorBody::from_bytes(br#"{"code":"x"}"#),
            VendorBody::Json(serde_json::json!({"code": "x"}))
        );
        assert_eq!(
            VendorBody::from_bytes(b"Bad Gateway"),
            VendorBody::Text("Bad Gateway".into())
        );
    }

    #[test]
    fn json_error_bodies_display_the_vendors_message_not_the_json() {
        let body = VendorBody::from_bytes(br#"{"errors":["Unauthorized user"]}"#);
        assert_eq!(body.to_string(), "Autotask: Unauthorized user");
        let other = VendorBody::from_bytes(br#"{"x":1}"#);
        assert_eq!(other.to_string(), r#"{"x":1}"#);
        assert_eq!(other.vendor_error(), None);
    }

    #[test]
    fn snippet_cuts_long_and_multibyte_bodies() {
        let body = format!("x{}", "é".repeat(SNIPPET_LEN));
        let cut = snippet(body.as_bytes());
        // The cut splits an `é`, which becomes one replacement character.
        assert!(cut.ends_with("\u{FFFD}…"), "{cut}");
        assert_eq!(snippet(b"short"), "short");
    }
}
