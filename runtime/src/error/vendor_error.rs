//! The vendors' error bodies, read leniently into one shape.
//!
//! - ConnectWise: `{"code", "message", "errors": [{"code", "message", "resource", "field"}]}`.
//! - Autotask: `{"errors": ["…", …]}`; ASP.NET's own answers (e.g. a GET on a POST-only route) are
//!   `{"Message": "…"}`.
//! - Kaseya BMS: the envelope's `{"Error": {"Code", "Message", "Details", "SubErrors"}}`, in PascalCase as
//!   documented or camelCase as the API often sends it.
//!
//! Anything else (an HTML page, an unknown JSON shape) gives no [`VendorError`]; the raw body is still
//! kept in [`VendorBody`](super::VendorBody).

use std::fmt;

use serde_json::{Map, Value};

/// A vendor's error body, parsed.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct VendorError {
    /// Whose shape the body has: `"ConnectWise"`, `"Autotask"` or `"Kaseya BMS"`; `None` for the generic
    /// `{"Message": …}` answer of the web framework.
    pub vendor: Option<&'static str>,
    /// The vendor's error code (ConnectWise `InvalidObject`, BMS `Code`).
    pub code: Option<String>,
    /// The main message.
    pub message: Option<String>,
    /// Per-field or additional errors (ConnectWise `errors`, Autotask `errors`, BMS `SubErrors`/`Details`).
    pub details: Vec<VendorErrorDetail>,
}

/// One entry of a vendor's list of errors.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct VendorErrorDetail {
    /// The entry's code (ConnectWise `ObjectExists`).
    pub code: Option<String>,
    /// What is wrong.
    pub message: Option<String>,
    /// The resource concerned (ConnectWise `callbackEntry`).
    pub resource: Option<String>,
    /// The field concerned (ConnectWise `objectId`).
    pub field: Option<String>,
}

impl VendorError {
    /// Reads a vendor error out of a JSON body; `None` when the body has none of the known shapes.
    pub fn from_json(value: &Value) -> Option<Self> {
        let object = value.as_object()?;
        bms(object)
            .or_else(|| connectwise(object))
            .or_else(|| autotask(object))
            .or_else(|| framework(object))
    }
}

/// Case-insensitive key lookup: the vendors mix `Message` and `message`.
fn get<'v>(object: &'v Map<String, Value>, key: &str) -> Option<&'v Value> {
    object.get(key).or_else(|| {
        object
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v)
    })
}

/// A string field; numbers (BMS codes are sometimes integers) are written out.
fn text(object: &Map<String, Value>, key: &str) -> Option<String> {
    match get(object, key)? {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_owned()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn connectwise(object: &Map<String, Value>) -> Option<VendorError> {
    let code = text(object, "code")?;
    let message = text(object, "message");
    let details = match get(object, "errors") {
        Some(Value::Array(items)) => items.iter().filter_map(detail).collect(),
        _ => Vec::new(),
    };
    Some(VendorError {
        vendor: Some("ConnectWise"),
        code: Some(code),
        message,
        details,
    })
}

fn autotask(object: &Map<String, Value>) -> Option<VendorError> {
    let Some(Value::Array(items)) = get(object, "errors") else {
        return None;
    };
    let messages: Vec<String> = items
        .iter()
        .filter_map(Value::as_str)
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .collect();
    if messages.is_empty() && !items.is_empty() {
        return None;
    }
    let mut messages = messages.into_iter();
    Some(VendorError {
        vendor: Some("Autotask"),
        code: None,
        message: messages.next(),
        details: messages
            .map(|message| VendorErrorDetail {
                message: Some(message),
                ..VendorErrorDetail::default()
            })
            .collect(),
    })
}

fn bms(object: &Map<String, Value>) -> Option<VendorError> {
    let Some(Value::Object(error)) = get(object, "error") else {
        return None;
    };
    let code = text(error, "code");
    let message = text(error, "message");
    let mut details = Vec::new();
    for key in ["subErrors", "details"] {
        match get(error, key) {
            Some(Value::Array(items)) => details.extend(items.iter().filter_map(detail)),
            Some(Value::String(s)) if !s.trim().is_empty() => details.push(VendorErrorDetail {
                message: Some(s.trim().to_owned()),
                ..VendorErrorDetail::default()
            }),
            _ => {}
        }
    }
    if code.is_none() && message.is_none() && details.is_empty() {
        return None;
    }
    Some(VendorError {
        vendor: Some("Kaseya BMS"),
        code,
        message,
        details,
    })
}

fn framework(object: &Map<String, Value>) -> Option<VendorError> {
    Some(VendorError {
        vendor: None,
        code: None,
        message: Some(text(object, "message")?),
        details: Vec::new(),
    })
}

fn detail(value: &Value) -> Option<VendorErrorDetail> {
    match value {
        Value::String(s) if !s.trim().is_empty() => Some(VendorErrorDetail {
            message: Some(s.trim().to_owned()),
            ..VendorErrorDetail::default()
        }),
        Value::Object(item) => {
            let entry = VendorErrorDetail {
                code: text(item, "code"),
                message: text(item, "message"),
                resource: text(item, "resource"),
                field: text(item, "field").or_else(|| text(item, "propertyName")),
            };
            (entry != VendorErrorDetail::default()).then_some(entry)
        }
        _ => None,
    }
}

impl fmt::Display for VendorError {
    /// `ConnectWise InvalidObject: callbackEntry object is invalid (objectId: A matching callback entry
    /// already exists)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut head = Vec::new();
        if let Some(vendor) = self.vendor {
            head.push(vendor);
        }
        if let Some(code) = &self.code {
            head.push(code);
        }
        match (head.is_empty(), &self.message) {
            (false, Some(message)) => write!(f, "{}: {message}", head.join(" "))?,
            (false, None) => f.write_str(&head.join(" "))?,
            (true, Some(message)) => f.write_str(message)?,
            (true, None) => f.write_str("(no message)")?,
        }
        if !self.details.is_empty() {
            f.write_str(" (")?;
            for (i, detail) in self.details.iter().enumerate() {
                if i > 0 {
                    f.write_str("; ")?;
                }
                write!(f, "{detail}")?;
            }
            f.write_str(")")?;
        }
        Ok(())
    }
}

impl fmt::Display for VendorErrorDetail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let subject = self.field.as_deref().or(self.code.as_deref());
        match (subject, &self.message) {
            (Some(subject), Some(message)) => write!(f, "{subject}: {message}"),
            (Some(subject), None) => f.write_str(subject),
            (None, Some(message)) => f.write_str(message),
            (None, None) => f.write_str("(no message)"),
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn parse(value: Value) -> VendorError {
        VendorError::from_json(&value).unwrap_or_else(|| panic!("no vendor error in {value}"))
    }

    #[test]
    fn connectwise_errors_read_like_the_vendor_wrote_them() {
        let error = parse(json!({
            "code": "InvalidObject",
            "message": "callbackEntry object is invalid",
            "errors": [{"code": "InvalidField", "message": "Invalid URL", "resource": "callbackEntry", "field": "url"}]
        }));
        assert_eq!(
            error.to_string(),
            "ConnectWise InvalidObject: callbackEntry object is invalid (url: Invalid URL)"
        );
        assert_eq!(error.details[0].resource.as_deref(), Some("callbackEntry"));
    }

    #[test]
    fn autotask_messages_are_kept_in_order() {
        let error = parse(json!({"errors": ["IntegrationCode is invalid.", "second"]}));
        assert_eq!(
            error.to_string(),
            "Autotask: IntegrationCode is invalid. (second)"
        );
        assert_eq!(error.vendor, Some("Autotask"));
    }

    #[test]
    fn bms_errors_read_in_both_casings() {
        let pascal = parse(json!({
            "Success": false,
            "Error": {"Code": "NotFound", "Message": "Ticket not found", "SubErrors": [{"Code": "x", "Message": "y"}]},
            "Result": null
        }));
        assert_eq!(
            pascal.to_string(),
            "Kaseya BMS NotFound: Ticket not found (x: y)"
        );
        let camel = parse(
            json!({"success": false, "error": {"code": 401, "message": "Invalid token", "details": "expired"}}),
        );
        assert_eq!(camel.to_string(), "Kaseya BMS 401: Invalid token (expired)");
    }

    #[test]
    fn the_frameworks_message_and_unknown_shapes() {
        let error =
            parse(json!({"Message": "The requested resource does not support http method 'GET'."}));
        assert_eq!(error.vendor, None);
        assert_eq!(
            error.to_string(),
            "The requested resource does not support http method 'GET'."
        );
        assert_eq!(VendorError::from_json(&json!({"items": []})), None);
        assert_eq!(VendorError::from_json(&json!([1, 2])), None);
        assert_eq!(VendorError::from_json(&json!({"errors": [1, 2]})), None);
    }
}
