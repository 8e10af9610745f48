//! A string that never shows up in logs, `Debug` output or error messages (re-exported as
//! `psa_clients::secret::Secret`).
//!
//! The generated models use it for every secret-bearing property the vendor documents declare (ConnectWise
//! `Member.password`, the member token's `privateKey`, BMS `WebhookConfigurationInputDto.Secret`, Autotask
//! `*WebhookModel.SecretKey`, …): the list is correction data, applied by the `secret-properties` correction.

use std::fmt;

use reqwest::header::HeaderValue;
use secrecy::{ExposeSecret, SecretString};

use crate::Error;

/// A credential (password, API secret, integration code, token).
///
/// `Debug` and `Display` print `[redacted]`, so a `#[derive(Debug)]` config
/// or model holding one is safe to log. The memory is zeroed on drop (via `secrecy`).
/// Reading the value needs an explicit [`Secret::expose`] call, which makes
/// every place that handles the plain text easy to find. Serializing writes the
/// plain text: that is how a model carries it to the vendor (a request body).
#[derive(Clone)]
pub struct Secret(SecretString);

impl Secret {
    /// Wraps a credential.
    pub fn new(value: impl Into<String>) -> Self {
        Self(SecretString::from(value.into()))
    }

    /// The plain text. Only call this where the value is put on the wire.
    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }

    /// The value as an HTTP header value marked sensitive, so `http`'s own
    /// `Debug` output hides it and HTTP/2 HPACK never indexes it.
    ///
    /// # Errors
    /// [`Error::Config`] when the value holds characters a header cannot
    /// carry (e.g. a newline pasted with the key). The message never
    /// includes the value.
    pub fn header_value(&self) -> Result<HeaderValue, Error> {
        let mut value = HeaderValue::from_str(self.expose()).map_err(|_| Error::Config {
            message: "a credential contains characters not allowed in an HTTP header \
                      (a stray newline or space from copy-paste?)"
                .to_owned(),
        })?;
        value.set_sensitive(true);
        Ok(value)
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Self::new(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Self::new(value)
    }
}

impl Default for Secret {
    /// An empty secret.
    fn default() -> Self {
        Self::new(String::new())
    }
}

impl PartialEq for Secret {
    fn eq(&self, other: &Self) -> bool {
        self.expose() == other.expose()
    }
}

impl Eq for Secret {}

impl serde::Serialize for Secret {
    /// The plain text, for request bodies.
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.expose())
    }
}

impl<'de> serde::Deserialize<'de> for Secret {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Self::new)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_display_are_redacted() {
        let secret = Secret::new("hunter2");
        assert_eq!(format!("{secret:?}"), "[redacted]");
        assert_eq!(secret.to_string(), "[redacted]");
        assert_eq!(secret.expose(), "hunter2");
    }

    #[test]
    fn derived_debug_of_a_config_hides_the_value() {
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)] // fields are only read through Debug here
        struct Config {
            username: String,
            secret: Secret,
        }
        let config: Config =
            serde_json::from_str(r#"{"username":"api@x","secret":"s3cr3t-value"}"#)
                .expect("valid test JSON");
        let debug = format!("{config:?}");
        assert!(!debug.contains("s3cr3t-value"), "{debug}");
        assert!(debug.contains("[redacted]"));
    }

    #[test]
    fn a_model_serializes_the_value_and_debugs_it_redacted() {
        #[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
        struct Member {
            password: Option<Secret>,
        }
        let member: Member = serde_json::from_str(r#"{"password":"pw-123"}"#).expect("json");
        assert_eq!(
            format!("{member:?}"),
            "Member { password: Some([redacted]) }"
        );
        assert_eq!(
            serde_json::to_string(&member).expect("json"),
            r#"{"password":"pw-123"}"#
        );
        assert!(Member::default().password.is_none());
    }

    #[test]
    fn header_value_is_sensitive_and_errors_hide_the_value() {
        let value = Secret::new("token-123")
            .header_value()
            .expect("valid header");
        assert!(value.is_sensitive());
        assert!(!format!("{value:?}").contains("token-123"));

        let err = Secret::new("bad\nsecret-456").header_value().unwrap_err();
        assert!(!format!("{err:?} {err}").contains("secret-456"));
    }
}
