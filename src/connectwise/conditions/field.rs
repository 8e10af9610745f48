//! Field-path validation.
//!
//! Field names are written into the condition text without quoting, so they
//! are the one place where user input could otherwise add syntax. Only
//! `segment ("/" segment)*` with `segment = [A-Za-z_][A-Za-z0-9_]*` is
//! accepted; everything else is a typed error.

use super::error::{ConditionError, Found};

/// Words of the condition language that may not be used as a whole,
/// single-segment field path, because a reader could not tell them from
/// the keyword.
const RESERVED: &[&str] = &[
    "and", "or", "not", "in", "like", "contains", "true", "false", "null",
];

/// Checks that `path` is a valid ConnectWise field path such as
/// `board/name` or `_info/lastUpdated`.
///
/// ```
/// use psa_clients::connectwise::conditions::validate_field_path;
///
/// assert!(validate_field_path("company/identifier").is_ok());
/// assert!(validate_field_path("name\" OR id>0").is_err());
/// assert!(validate_field_path("board//name").is_err());
/// ```
pub fn validate_field_path(path: &str) -> Result<(), ConditionError> {
    let invalid = |offset: usize, found: Found| ConditionError::InvalidFieldPath {
        path: path.to_owned(),
        offset,
        found,
    };
    // `at_segment_start` is true right after the start or a `/`.
    let mut at_segment_start = true;
    for (i, c) in path.char_indices() {
        if at_segment_start {
            if c.is_ascii_alphabetic() || c == '_' {
                at_segment_start = false;
            } else if c == '/' {
                return Err(invalid(i, Found::End));
            } else {
                return Err(invalid(i, Found::Char(c)));
            }
        } else if c == '/' {
            at_segment_start = true;
        } else if !(c.is_ascii_alphanumeric() || c == '_') {
            return Err(invalid(i, Found::Char(c)));
        }
    }
    if at_segment_start {
        return Err(invalid(path.len(), Found::End));
    }
    if RESERVED.iter().any(|r| r.eq_ignore_ascii_case(path)) {
        return Err(ConditionError::ReservedFieldPath {
            path: path.to_owned(),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_plain_and_nested_paths() {
        for p in [
            "id",
            "board/name",
            "_info/lastUpdated",
            "a1/b_2/C3",
            "andrew",
            "notes",
        ] {
            assert_eq!(validate_field_path(p), Ok(()), "{p}");
        }
    }

    #[test]
    fn rejects_syntax_and_offsets() {
        let cases = [
            ("", 0),
            ("/a", 0),
            ("a/", 2),
            ("a//b", 2),
            ("1abc", 0),
            ("a/1b", 2),
            ("a b", 1),
            ("a=\"x\"", 1),
            ("a(b)", 1),
            ("nämlich", 1),
            ("a.b", 1),
        ];
        for (p, off) in cases {
            match validate_field_path(p) {
                Err(ConditionError::InvalidFieldPath { offset, .. }) => {
                    assert_eq!(offset, off, "{p}")
                }
                other => panic!("{p}: {other:?}"),
            }
        }
    }

    #[test]
    fn rejects_reserved_words_only_as_whole_path() {
        assert!(matches!(
            validate_field_path("AND"),
            Err(ConditionError::ReservedFieldPath { .. })
        ));
        assert!(validate_field_path("company/and").is_ok());
    }
}
