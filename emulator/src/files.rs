//! Uploaded files: `multipart/form-data` bodies read with a real multipart parser (multer), and the stored
//! bytes served back with the name and media type they were uploaded with.
//!
//! ConnectWise `POST /system/documents` and BMS `POST /v2/system/attachments/{moduleId}/{objectId}` take one
//! file part plus text fields; `GET /system/documents/{id}/download` and
//! `GET /v2/system/attachments/{moduleId}/{objectId}/{attachmentId}/download` answer the bytes.

use std::convert::Infallible;
use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use axum::body::{Body, Bytes};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::Response;

use crate::http::Req;

/// A file as uploaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredFile {
    /// The part's file name.
    pub file_name: String,
    /// The part's media type (`application/octet-stream` when the part had none).
    pub content_type: String,
    /// The bytes.
    pub bytes: Bytes,
    /// The record it was filed under (`Ticket/17`, `module 2/object 17`), once stored.
    pub attached_to: Option<String>,
}

/// A parsed upload: its text fields in order, and its file part, if any.
#[derive(Debug, Clone, Default)]
pub struct Upload {
    /// `(name, value)` of each part without a file name.
    pub fields: Vec<(String, String)>,
    /// The part called `file_field` (any case), with its file name.
    pub file: Option<StoredFile>,
}

impl Upload {
    /// A text field, by name ignoring case (ASP.NET binds form fields that way).
    pub fn field(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }
}

/// Reads a `multipart/form-data` body whose file is the part named `file_field`.
///
/// # Errors
/// A message when the request is not multipart (no boundary), the body does not parse, or the file part has
/// no file name.
pub fn parse_upload(req: &Req, file_field: &str) -> Result<Upload, String> {
    let content_type = req
        .header("content-type")
        .ok_or("the request has no Content-Type")?;
    let boundary = multer::parse_boundary(content_type)
        .map_err(|err| format!("not a multipart/form-data body: {err}"))?;
    let body = req.body.clone();
    let stream = futures_util::stream::once(async move { Ok::<Bytes, Infallible>(body) });
    let mut multipart = multer::Multipart::new(stream, boundary);
    // The body is already in memory, so every future here is ready at its first poll.
    ready(async move {
        let mut upload = Upload::default();
        while let Some(field) = multipart
            .next_field()
            .await
            .map_err(|err| format!("the multipart body does not parse: {err}"))?
        {
            let name = field.name().unwrap_or_default().to_owned();
            let file_name = field.file_name().map(str::to_owned);
            let media = field.content_type().map(ToString::to_string);
            let bytes = field
                .bytes()
                .await
                .map_err(|err| format!("part {name:?} does not parse: {err}"))?;
            if name.eq_ignore_ascii_case(file_field) {
                let file_name = file_name
                    .filter(|n| !n.is_empty())
                    .ok_or_else(|| format!("the {name:?} part has no file name"))?;
                upload.file = Some(StoredFile {
                    file_name,
                    content_type: media.unwrap_or_else(|| "application/octet-stream".to_owned()),
                    bytes,
                    attached_to: None,
                });
            } else {
                upload
                    .fields
                    .push((name, String::from_utf8_lossy(&bytes).into_owned()));
            }
        }
        Ok(upload)
    })
    .unwrap_or_else(|| Err("the multipart body ended early".to_owned()))
}

/// The stored bytes, with their media type and an attachment `Content-Disposition` naming the file.
pub fn download(file: &StoredFile) -> Response {
    let mut response = Response::new(Body::from(file.bytes.clone()));
    *response.status_mut() = StatusCode::OK;
    let headers = response.headers_mut();
    let media = HeaderValue::from_str(&file.content_type)
        .unwrap_or(HeaderValue::from_static("application/octet-stream"));
    headers.insert(header::CONTENT_TYPE, media);
    // Quotes and backslashes in the name are escaped as RFC 6266's quoted-string requires.
    let escaped = file.file_name.replace('\\', "\\\\").replace('"', "\\\"");
    if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{escaped}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    response
}

/// Runs a future that never waits (its input is in memory); `None` if it would.
fn ready<T>(future: impl Future<Output = T>) -> Option<T> {
    let mut future = pin!(future);
    match future
        .as_mut()
        .poll(&mut Context::from_waker(Waker::noop()))
    {
        Poll::Ready(value) => Some(value),
        Poll::Pending => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::{HeaderMap, Method};

    fn req(content_type: &str, body: &'static [u8]) -> Req {
        let mut headers = HeaderMap::new();
        headers.insert(
            "content-type",
            HeaderValue::from_str(content_type).expect("header"),
        );
        Req {
            method: Method::POST,
            path: "/upload".into(),
            raw_query: None,
            query: Vec::new(),
            headers,
            body: Bytes::from_static(body),
        }
    }

    #[test]
    fn fields_and_the_file_part_are_read() {
        let body = b"--XyZ\r\nContent-Disposition: form-data; name=\"recordType\"\r\n\r\nTicket\r\n\
--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a b.txt\"\r\nContent-Type: text/plain\r\n\r\nhello\r\n\
--XyZ--\r\n";
        let upload =
            parse_upload(&req("multipart/form-data; boundary=XyZ", body), "file").expect("parses");
        assert_eq!(upload.field("RECORDTYPE"), Some("Ticket"));
        assert_eq!(
            upload.file,
            Some(StoredFile {
                file_name: "a b.txt".into(),
                content_type: "text/plain".into(),
                bytes: Bytes::from_static(b"hello"),
                attached_to: None,
            })
        );
    }

    #[test]
    fn a_file_part_without_a_name_and_a_non_multipart_body_are_refused() {
        let body =
            b"--XyZ\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\nhello\r\n--XyZ--\r\n";
        let err = parse_upload(&req("multipart/form-data; boundary=XyZ", body), "file")
            .expect_err("no file name");
        assert!(err.contains("no file name"), "{err}");
        assert!(parse_upload(&req("application/json", b"{}"), "file").is_err());
    }
}
