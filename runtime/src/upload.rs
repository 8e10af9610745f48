//! File uploads: the file part of a generated multipart upload method.
//!
//! The vendors' upload operations (ConnectWise `POST /system/documents`, BMS `POST /v2/system/attachments/…`)
//! take `multipart/form-data` with one file part. A server files the upload under the part's file name and
//! serves it back with its content type, so [`FilePart`] cannot be made without both: there is no way to send
//! a nameless or untyped blob by accident.

use std::fmt;

use bytes::Bytes;

use crate::Error;

/// One file to upload: its bytes, the file name the server stores it under, and its MIME type.
///
/// ```
/// use psa_clients_runtime::upload::FilePart;
///
/// let file = FilePart::new("notes.txt", "text/plain", "printer on floor 3 is jammed".as_bytes().to_vec());
/// assert_eq!(file.file_name(), "notes.txt");
/// assert_eq!(file.content_type(), "text/plain");
/// assert_eq!(file.len(), 28);
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct FilePart {
    file_name: String,
    content_type: String,
    bytes: Bytes,
}

impl FilePart {
    /// A file named `file_name` (the name the vendor shows and serves it under) of MIME type `content_type`
    /// (`application/pdf`, `image/png`, `application/octet-stream` when unknown).
    pub fn new(
        file_name: impl Into<String>,
        content_type: impl Into<String>,
        bytes: impl Into<Bytes>,
    ) -> FilePart {
        FilePart {
            file_name: file_name.into(),
            content_type: content_type.into(),
            bytes: bytes.into(),
        }
    }

    /// The file name sent in the part's `Content-Disposition`.
    pub fn file_name(&self) -> &str {
        &self.file_name
    }

    /// The MIME type sent as the part's `Content-Type`.
    pub fn content_type(&self) -> &str {
        &self.content_type
    }

    /// The file's bytes.
    pub fn bytes(&self) -> &Bytes {
        &self.bytes
    }

    /// The file's size in bytes.
    pub fn len(&self) -> usize {
        self.bytes.len()
    }

    /// Whether the file is empty.
    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    /// The multipart part the generated upload methods send; fails (before anything is sent) on a content
    /// type that is not a MIME type.
    #[doc(hidden)]
    pub fn into_part(self) -> Result<reqwest::multipart::Part, Error> {
        let content_type = self.content_type;
        reqwest::multipart::Part::bytes(Vec::from(self.bytes))
            .file_name(self.file_name)
            .mime_str(&content_type)
            .map_err(|err| Error::InvalidRequest {
                message: format!("file part content type {content_type:?}: {err}"),
            })
    }
}

/// The bytes are left out: a file can be large and hold anything.
impl fmt::Debug for FilePart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FilePart")
            .field("file_name", &self.file_name)
            .field("content_type", &self.content_type)
            .field("len", &self.bytes.len())
            .finish()
    }
}

/// The text parts of a multipart form, from a generated model of its other fields: each field that is set,
/// as its JSON text (strings as they are, numbers and booleans as JSON writes them), under its wire name.
///
/// # Errors
/// [`Error::InvalidRequest`] when the model does not serialize into a JSON object.
#[doc(hidden)]
pub fn text_fields<T: serde::Serialize>(fields: &T) -> Result<Vec<(String, String)>, Error> {
    let invalid = |message: String| Error::InvalidRequest { message };
    match serde_json::to_value(fields).map_err(|err| invalid(err.to_string()))? {
        serde_json::Value::Object(map) => Ok(map
            .into_iter()
            .filter_map(|(name, value)| match value {
                serde_json::Value::Null => None,
                serde_json::Value::String(text) => Some((name, text)),
                other => Some((name, other.to_string())),
            })
            .collect()),
        other => Err(invalid(format!(
            "multipart form fields must be an object, not {other}"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Serialize)]
    struct Fields {
        #[serde(rename = "recordType")]
        record_type: Option<String>,
        #[serde(rename = "recordId")]
        record_id: Option<i32>,
        #[serde(rename = "privateFlag")]
        private_flag: Option<bool>,
        title: Option<String>,
    }

    #[test]
    fn set_fields_become_text_parts_under_their_wire_names() {
        let fields = Fields {
            record_type: Some("Ticket".into()),
            record_id: Some(42),
            private_flag: Some(false),
            title: None,
        };
        assert_eq!(
            text_fields(&fields).expect("an object"),
            vec![
                ("recordType".to_owned(), "Ticket".to_owned()),
                ("recordId".to_owned(), "42".to_owned()),
                ("privateFlag".to_owned(), "false".to_owned()),
            ]
        );
        assert!(text_fields(&7).is_err());
    }

    #[test]
    fn a_content_type_that_is_not_a_mime_type_fails_before_sending() {
        let err = FilePart::new("a.txt", "not a mime type", b"x".to_vec())
            .into_part()
            .expect_err("invalid MIME type");
        assert!(matches!(err, Error::InvalidRequest { .. }), "{err:?}");
        assert!(FilePart::new("a.txt", "text/plain", b"x".to_vec())
            .into_part()
            .is_ok());
    }

    #[test]
    fn debug_shows_the_name_and_size_not_the_bytes() {
        let file = FilePart::new("secret.txt", "text/plain", b"hunter2".to_vec());
        let shown = format!("{file:?}");
        assert!(
            shown.contains("secret.txt") && shown.contains("len: 7"),
            "{shown}"
        );
        assert!(!shown.contains("hunter2"));
    }
}
