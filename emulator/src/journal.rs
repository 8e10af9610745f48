//! The request journal: what reached the emulator, for assertions such as "exactly one ticket was created".
//! Credentials never enter it: secret headers are replaced by `[redacted]`, and so are the password and MFA
//! code of a BMS login form.

use serde::Serialize;

use crate::http::Req;
use crate::Vendor;

/// Headers whose values are credentials.
const SECRET_HEADERS: [&str; 6] = [
    "authorization",
    "secret",
    "apiintegrationcode",
    "clientid",
    "cookie",
    "impersonationresourceid",
];
/// BMS form fields that are credentials.
const SECRET_FORM_FIELDS: [&str; 4] = ["password", "mfacode", "accesstoken", "refreshtoken"];

/// One request and how it was answered.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct JournalEntry {
    /// Arrival order, from 1.
    pub seq: u64,
    /// Which vendor's API it was for, when the path says.
    pub vendor: Option<Vendor>,
    /// The vendor's operation id, when it matched one.
    pub operation_id: Option<String>,
    /// The method.
    pub method: String,
    /// The path as sent.
    pub path: String,
    /// The query string as sent.
    pub query: Option<String>,
    /// Headers, secrets redacted.
    pub headers: Vec<(String, String)>,
    /// The body as text (lossy UTF-8), secrets redacted.
    pub body: String,
    /// The status answered; `None` when the connection was dropped.
    pub status: Option<u16>,
    /// A fault applied to this request, if any.
    pub fault: Option<String>,
}

impl JournalEntry {
    /// Builds an entry without outcome.
    pub fn from_request(seq: u64, vendor: Option<Vendor>, req: &Req) -> Self {
        let headers = req
            .headers
            .iter()
            .map(|(name, value)| {
                let name = name.as_str().to_owned();
                let value = if SECRET_HEADERS.contains(&name.as_str()) {
                    "[redacted]".to_owned()
                } else {
                    String::from_utf8_lossy(value.as_bytes()).into_owned()
                };
                (name, value)
            })
            .collect();
        let is_form = req
            .header("content-type")
            .is_some_and(|value| value.starts_with("application/x-www-form-urlencoded"));
        let body = if is_form {
            redact_form(&req.body)
        } else {
            String::from_utf8_lossy(&req.body).into_owned()
        };
        JournalEntry {
            seq,
            vendor,
            operation_id: None,
            method: req.method.as_str().to_owned(),
            path: req.path.clone(),
            query: req.raw_query.clone(),
            headers,
            body,
            status: None,
            fault: None,
        }
    }

    /// The value of a (non-secret) header.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }
}

fn redact_form(body: &[u8]) -> String {
    let mut out = form_urlencoded::Serializer::new(String::new());
    for (key, value) in form_urlencoded::parse(body) {
        if SECRET_FORM_FIELDS.contains(&key.to_ascii_lowercase().as_str()) {
            out.append_pair(&key, "[redacted]");
        } else {
            out.append_pair(&key, &value);
        }
    }
    out.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::{HeaderMap, HeaderValue, Method};

    #[test]
    fn secrets_never_reach_the_journal() {
        let mut headers = HeaderMap::new();
        headers.insert("authorization", HeaderValue::from_static("Basic abc"));
        headers.insert("secret", HeaderValue::from_static("s3"));
        headers.insert("accept", HeaderValue::from_static("application/json"));
        headers.insert(
            "content-type",
            HeaderValue::from_static("application/x-www-form-urlencoded"),
        );
        let req = Req {
            method: Method::POST,
            path: "/v2/security/authenticate".into(),
            raw_query: None,
            query: vec![],
            headers,
            body: "UserName=u&Password=pw1&MFACode=123456".into(),
        };
        let entry = JournalEntry::from_request(1, Some(Vendor::Bms), &req);
        let text = format!("{entry:?}");
        assert!(!text.contains("pw1") && !text.contains("123456") && !text.contains("s3\""));
        assert!(!text.contains("Basic abc"));
        assert_eq!(entry.header("accept"), Some("application/json"));
        assert!(entry.body.contains("UserName=u"));
    }
}
