//! Reading a vendor document from disk: bytes → JSON value, whatever the vendor shipped.
//!
//! Vendors ship JSON or YAML, sometimes with a UTF-8 byte-order mark (Autotask's document has one). Everything
//! downstream works on one `serde_json::Value`, so this is the only place that knows about file formats.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

/// A vendor document as read from disk, before any conversion or correction.
#[derive(Debug, Clone)]
pub struct LoadedDocument {
    /// Where it was read from.
    pub path: PathBuf,
    /// Lower-case hex SHA-256 of the file's bytes, exactly as on disk (BOM included).
    pub sha256: String,
    /// The parsed document.
    pub value: serde_json::Value,
}

/// Why a document could not be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LoadError {
    /// The file is missing or unreadable.
    #[error("cannot read vendor document {path}: {source}")]
    Read {
        /// The path that was tried.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The file is not UTF-8 text.
    #[error("vendor document {path} is not UTF-8 text (byte {valid_up_to} is invalid)")]
    NotUtf8 {
        /// The file.
        path: PathBuf,
        /// Length of the valid UTF-8 prefix.
        valid_up_to: usize,
    },
    /// The file is neither valid JSON nor valid YAML.
    #[error("vendor document {path} is not valid {format}: {message}")]
    Parse {
        /// The file.
        path: PathBuf,
        /// "JSON" or "YAML".
        format: &'static str,
        /// The parser's message, with line and column.
        message: String,
    },
}

/// Reads and parses a vendor document (JSON or YAML, with or without a UTF-8 BOM).
pub fn load_document(path: &Path) -> Result<LoadedDocument, LoadError> {
    let bytes = std::fs::read(path).map_err(|source| LoadError::Read {
        path: path.to_owned(),
        source,
    })?;
    let sha256 = sha256_hex(&bytes);
    let value = parse_document(&bytes).map_err(|e| match e {
        ParseFailure::NotUtf8 { valid_up_to } => LoadError::NotUtf8 {
            path: path.to_owned(),
            valid_up_to,
        },
        ParseFailure::Syntax { format, message } => LoadError::Parse {
            path: path.to_owned(),
            format,
            message,
        },
    })?;
    Ok(LoadedDocument {
        path: path.to_owned(),
        sha256,
        value,
    })
}

/// Why bytes could not be parsed (without a path; [`load_document`] adds it).
#[derive(Debug, PartialEq, Eq)]
pub enum ParseFailure {
    /// Not UTF-8.
    NotUtf8 {
        /// Length of the valid UTF-8 prefix.
        valid_up_to: usize,
    },
    /// Not JSON / YAML.
    Syntax {
        /// "JSON" or "YAML".
        format: &'static str,
        /// The parser's message.
        message: String,
    },
}

/// Parses document bytes. A document whose first meaningful character is `{` is JSON; anything else is YAML
/// (a superset of JSON, but far slower on 7 MB files, hence the fast path).
pub fn parse_document(bytes: &[u8]) -> Result<serde_json::Value, ParseFailure> {
    let text = std::str::from_utf8(bytes).map_err(|e| ParseFailure::NotUtf8 {
        valid_up_to: e.valid_up_to(),
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim_start().starts_with('{') {
        serde_json::from_str(text).map_err(|e| ParseFailure::Syntax {
            format: "JSON",
            message: e.to_string(),
        })
    } else {
        serde_norway::from_str(text).map_err(|e| ParseFailure::Syntax {
            format: "YAML",
            message: e.to_string(),
        })
    }
}

/// Lower-case hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_with_and_without_bom_parse_alike() {
        let plain = parse_document(br#"{"openapi":"3.0.1"}"#).unwrap();
        let bom = parse_document("\u{feff}{\"openapi\":\"3.0.1\"}".as_bytes()).unwrap();
        assert_eq!(plain, bom);
        assert_eq!(plain["openapi"], "3.0.1");
    }

    #[test]
    fn yaml_parses_to_the_same_value_as_json() {
        let yaml = parse_document(b"\xef\xbb\xbfopenapi: 3.0.1\ninfo:\n  title: t\n").unwrap();
        let json = parse_document(br#"{"openapi":"3.0.1","info":{"title":"t"}}"#).unwrap();
        assert_eq!(yaml, json);
    }

    #[test]
    fn syntax_errors_name_format_and_position() {
        let err = parse_document(b"{\"openapi\": }").unwrap_err();
        match err {
            ParseFailure::Syntax { format, message } => {
                assert_eq!(format, "JSON");
                assert!(message.contains("line 1"), "{message}");
            }
            other => panic!("unexpected {other:?}"),
        }
        assert_eq!(
            parse_document(&[b'{', 0xff]).unwrap_err(),
            ParseFailure::NotUtf8 { valid_up_to: 1 }
        );
    }

    #[test]
    fn missing_file_names_the_path() {
        let err = load_document(Path::new("/nonexistent/spec.json")).unwrap_err();
        assert!(err.to_string().contains("/nonexistent/spec.json"), "{err}");
    }

    #[test]
    fn checksum_is_of_raw_bytes() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
