//! Error bodies in each vendor's own shape.

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{json, Value};

use crate::http;
use crate::Vendor;

/// ConnectWise's `code` for a status.
fn connectwise_code(status: StatusCode) -> &'static str {
    match status.as_u16() {
        400 => "InvalidObject",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "NotFound",
        409 => "Conflict",
        429 => "TooManyRequests",
        _ => "ConnectWiseApi",
    }
}

fn default_message(status: StatusCode) -> &'static str {
    match status.as_u16() {
        400 => "The request is invalid.",
        401 => "Authorization has been denied for this request.",
        403 => "You do not have permission to perform this action.",
        404 => "The requested resource was not found.",
        429 => "Too many requests. Please try again later.",
        _ => "An error has occurred.",
    }
}

/// The vendor's error body for `status`.
pub fn body(vendor: Option<Vendor>, status: StatusCode, message: Option<&str>) -> Response {
    let message = message.unwrap_or_else(|| default_message(status));
    match vendor {
        Some(Vendor::ConnectWise) => connectwise(status, connectwise_code(status), message, None),
        Some(Vendor::Autotask) => autotask(status, &[message]),
        Some(Vendor::Bms) => bms(status, message),
        None => http::html(status, message),
    }
}

/// ConnectWise: `{code, message, errors?}` in its media type.
pub fn connectwise(
    status: StatusCode,
    code: &str,
    message: &str,
    errors: Option<Value>,
) -> Response {
    let mut body = json!({ "code": code, "message": message });
    if let Some(errors) = errors {
        body["errors"] = errors;
    }
    http::json(status, &body)
}

/// Autotask: `{"errors": [...]}`.
pub fn autotask(status: StatusCode, errors: &[&str]) -> Response {
    http::json(status, &json!({ "errors": errors }))
}

/// BMS: the envelope with `success: false` and an `ErrorInfo`.
pub fn bms(status: StatusCode, message: &str) -> Response {
    http::json(status, &bms_envelope_error(status.as_u16(), message))
}

/// The BMS envelope of a failed call.
pub fn bms_envelope_error(code: u16, message: &str) -> Value {
    json!({
        "success": false,
        "error": { "code": code, "message": message, "details": null, "subErrors": null },
        "result": null
    })
}

/// The vendor's own answer to a server-side failure.
pub fn server_error(vendor: Option<Vendor>) -> Response {
    let status = StatusCode::INTERNAL_SERVER_ERROR;
    match vendor {
        // Real ConnectWise text (shared/fixtures/connectwise/error_500_timeout.json), typo included.
        Some(Vendor::ConnectWise) => connectwise(
            status,
            "ConnectWiseApi",
            "A timeout has occured. Please try again.",
            None,
        ),
        Some(Vendor::Autotask) => autotask(status, &["An unexpected error has occurred."]),
        Some(Vendor::Bms) => bms(status, "An unexpected error occurred."),
        None => http::html(status, "500 - Internal server error."),
    }
}
