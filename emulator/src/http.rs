//! The request as the vendor handlers see it, and response helpers.

use axum::body::{Body, Bytes};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::Response;
use serde_json::Value;

/// One buffered request.
#[derive(Debug, Clone)]
pub struct Req {
    /// The method.
    pub method: Method,
    /// The path as sent (percent-encoded).
    pub path: String,
    /// The query string as sent, without `?`.
    pub raw_query: Option<String>,
    /// Decoded query pairs in order.
    pub query: Vec<(String, String)>,
    /// The headers.
    pub headers: HeaderMap,
    /// The body.
    pub body: Bytes,
}

impl Req {
    /// A header as text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|value| value.to_str().ok())
    }

    /// The first query parameter called `name`, ignoring case (ASP.NET binds parameters that way).
    pub fn query_param(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    /// The body as JSON.
    pub fn json(&self) -> Result<Value, String> {
        if self.body.is_empty() {
            return Err("the request body is empty".to_owned());
        }
        serde_json::from_slice(&self.body).map_err(|err| format!("the body is not JSON: {err}"))
    }

    /// The body as `application/x-www-form-urlencoded` pairs.
    pub fn form(&self) -> Vec<(String, String)> {
        form_urlencoded::parse(&self.body).into_owned().collect()
    }
}

/// Marks a response whose connection is to be closed without answering.
#[derive(Debug, Clone, Copy)]
pub struct DropConnection;

/// A JSON answer.
pub fn json(status: StatusCode, value: &Value) -> Response {
    json_typed(status, value, "application/json; charset=utf-8")
}

/// A JSON answer from anything serializable (a page of borrowed records, without copying them).
pub fn json_of<T: serde::Serialize>(status: StatusCode, value: &T) -> Response {
    let body = serde_json::to_vec(value).unwrap_or_default();
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = status;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    response
}

/// A JSON answer with a vendor's media type.
pub fn json_typed(status: StatusCode, value: &Value, content_type: &'static str) -> Response {
    let body = serde_json::to_vec(value).unwrap_or_default();
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    response
}

/// An HTML page, as a web server in front of an API answers for paths it does not serve.
pub fn html(status: StatusCode, title: &str) -> Response {
    let page = format!(
        "<!DOCTYPE html>\r\n<html><head><title>{title}</title></head>\r\n<body><h1>{title}</h1>\
         <p>The page you are looking for might have been removed, had its name changed, or is \
         temporarily unavailable.</p></body></html>\r\n"
    );
    let mut response = Response::new(Body::from(page));
    *response.status_mut() = status;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    response
}

/// An empty answer.
pub fn empty(status: StatusCode) -> Response {
    let mut response = Response::new(Body::empty());
    *response.status_mut() = status;
    response
}

/// Sets a header when the value is valid.
pub fn with_header(mut response: Response, name: &'static str, value: &str) -> Response {
    if let Ok(value) = HeaderValue::from_str(value) {
        response
            .headers_mut()
            .insert(header::HeaderName::from_static(name), value);
    }
    response
}
