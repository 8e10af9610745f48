//! Kaseya BMS webhooks, received generically.
//!
//! BMS registers webhooks with `POST /v2/admin/webhooks` (`WebhookConfigurationInputDto`: name, `payloadURL`,
//! events, `contentType`, `secret`, `sendAllEvents`), but neither the payload nor what BMS does with `Secret`
//! is publicly documented. This module therefore does not guess a shape: a delivery is the raw JSON and the
//! request headers ([`BmsDelivery`]), with best-effort accessors for the names such payloads commonly carry,
//! and the signature check is pluggable ([`Verifier`]): [`HmacHeader`] covers the common HMAC-in-a-header
//! schemes, your own [`SignatureCheck`] anything else, and accepting unsigned deliveries has to be asked for
//! by name ([`Verifier::accept_unsigned`]).

use std::fmt;
use std::sync::Arc;

use base64::Engine as _;
use hmac::{Hmac, KeyInit, Mac};
use serde_json::Value;
use sha2::{Digest, Sha256};

use super::verify::{SignatureCheck, SignedRequest, VerifyError};
use super::PayloadError;
use crate::secret::Secret;

/// One BMS delivery: the parsed JSON body and the request headers.
#[derive(Debug, Clone)]
pub struct BmsDelivery {
    /// The body.
    pub body: Value,
    /// The request headers (signature headers included; they are not secret).
    pub headers: http::HeaderMap,
    body_sha256: String,
}

impl BmsDelivery {
    /// Parses a delivery. Call only after the signature was verified.
    ///
    /// # Errors
    /// [`PayloadError::Json`] when the body is not JSON.
    pub fn from_parts(body: &[u8], headers: http::HeaderMap) -> Result<BmsDelivery, PayloadError> {
        let value = serde_json::from_slice(body).map_err(|e| PayloadError::Json(e.to_string()))?;
        let digest = Sha256::digest(body);
        Ok(BmsDelivery {
            body: value,
            headers,
            body_sha256: digest.iter().map(|b| format!("{b:02x}")).collect(),
        })
    }

    /// A top-level value by key, ignoring case (BMS writes camelCase in some places and PascalCase in others).
    pub fn get(&self, key: &str) -> Option<&Value> {
        let object = self.body.as_object()?;
        object.get(key).or_else(|| {
            object
                .iter()
                .find(|(name, _)| name.eq_ignore_ascii_case(key))
                .map(|(_, value)| value)
        })
    }

    /// The event name, if the body names one (`EventName`, `Event`, `EventType`). A guess: undocumented.
    pub fn event_name(&self) -> Option<&str> {
        ["EventName", "Event", "EventType"]
            .iter()
            .find_map(|key| self.get(key).and_then(Value::as_str))
    }

    /// The record id, if the body names one (`Id`, `EntityId`, `TicketId`). A guess: undocumented.
    pub fn entity_id(&self) -> Option<i64> {
        ["Id", "EntityId", "TicketId"].iter().find_map(|key| {
            self.get(key).and_then(|v| {
                v.as_i64()
                    .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
            })
        })
    }

    /// The duplicate key: the value of `header` when the receiver was told which header carries a delivery id,
    /// otherwise the SHA-256 of the body (an identical redelivery is a duplicate).
    pub fn dedup_key(&self, header: Option<&str>) -> String {
        header
            .and_then(|name| self.headers.get(name))
            .and_then(|v| v.to_str().ok())
            .map(|id| format!("bms:h:{id}"))
            .unwrap_or_else(|| format!("bms:b:{}", self.body_sha256))
    }
}

/// How the signature of a BMS delivery is checked: a [`SignatureCheck`], or explicitly none.
#[derive(Clone)]
pub struct Verifier {
    check: Option<Arc<dyn SignatureCheck>>,
}

impl fmt::Debug for Verifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Verifier")
            .field("signed", &self.check.is_some())
            .finish()
    }
}

impl Verifier {
    /// Checks each delivery with `check`.
    pub fn new(check: impl SignatureCheck) -> Verifier {
        Verifier {
            check: Some(Arc::new(check)),
        }
    }

    /// Accepts deliveries without checking any signature. Only behind something else that authenticates the
    /// sender (a secret path, mTLS, an allow-listed network): BMS's signing is undocumented.
    pub fn accept_unsigned() -> Verifier {
        Verifier { check: None }
    }

    /// Checks one delivery.
    ///
    /// # Errors
    /// The check's refusal.
    pub fn check(&self, request: SignedRequest<'_>) -> Result<(), VerifyError> {
        match &self.check {
            Some(check) => check.check(request),
            None => Ok(()),
        }
    }
}

/// The digest algorithm of an [`HmacHeader`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum HmacAlgorithm {
    /// HMAC-SHA256.
    Sha256,
    /// HMAC-SHA1.
    Sha1,
}

/// How the MAC is written in the header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum MacEncoding {
    /// Lowercase or uppercase hex.
    Hex,
    /// Standard base64.
    Base64,
}

/// A configurable HMAC-over-the-raw-body check: `header: [prefix]encode(HMAC(secret, body))`. Fails closed on
/// an empty secret.
#[derive(Clone)]
pub struct HmacHeader {
    header: String,
    secret: Secret,
    algorithm: HmacAlgorithm,
    encoding: MacEncoding,
    prefix: String,
}

impl fmt::Debug for HmacHeader {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HmacHeader")
            .field("header", &self.header)
            .field("algorithm", &self.algorithm)
            .field("encoding", &self.encoding)
            .field("prefix", &self.prefix)
            .finish_non_exhaustive()
    }
}

impl HmacHeader {
    /// HMAC-SHA256, hex, no prefix, in `header`.
    pub fn sha256_hex(header: &str, secret: Secret) -> HmacHeader {
        HmacHeader {
            header: header.to_ascii_lowercase(),
            secret,
            algorithm: HmacAlgorithm::Sha256,
            encoding: MacEncoding::Hex,
            prefix: String::new(),
        }
    }

    /// Another algorithm.
    pub fn algorithm(mut self, algorithm: HmacAlgorithm) -> HmacHeader {
        self.algorithm = algorithm;
        self
    }

    /// Another encoding.
    pub fn encoding(mut self, encoding: MacEncoding) -> HmacHeader {
        self.encoding = encoding;
        self
    }

    /// A prefix before the MAC (`sha256=`), compared ignoring case.
    pub fn prefix(mut self, prefix: &str) -> HmacHeader {
        self.prefix = prefix.to_owned();
        self
    }
}

fn decode_hex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}

impl SignatureCheck for HmacHeader {
    fn check(&self, request: SignedRequest<'_>) -> Result<(), VerifyError> {
        if self.secret.expose().is_empty() {
            return Err(VerifyError::NoSecret);
        }
        // The header name is the caller's; `MissingSignature` names a static header, so say it generically.
        let malformed = VerifyError::MalformedSignature {
            header: "signature",
        };
        let value = request
            .header(&self.header)
            .ok_or(VerifyError::MissingSignature {
                header: "signature",
            })?
            .trim();
        let encoded = value
            .get(..self.prefix.len())
            .filter(|p| p.eq_ignore_ascii_case(&self.prefix))
            .map(|_| &value[self.prefix.len()..])
            .ok_or(malformed.clone())?;
        let expected = match self.encoding {
            MacEncoding::Hex => decode_hex(encoded).ok_or(malformed)?,
            MacEncoding::Base64 => base64::engine::general_purpose::STANDARD
                .decode(encoded)
                .map_err(|_| malformed)?,
        };
        let key = self.secret.expose().as_bytes();
        let ok = match self.algorithm {
            HmacAlgorithm::Sha256 => <Hmac<Sha256> as KeyInit>::new_from_slice(key)
                .map(|mut mac| {
                    mac.update(request.body);
                    mac.verify_slice(&expected).is_ok()
                })
                .unwrap_or(false),
            HmacAlgorithm::Sha1 => <Hmac<sha1::Sha1> as KeyInit>::new_from_slice(key)
                .map(|mut mac| {
                    mac.update(request.body);
                    mac.verify_slice(&expected).is_ok()
                })
                .unwrap_or(false),
        };
        if ok {
            Ok(())
        } else {
            Err(VerifyError::Mismatch)
        }
    }
}
