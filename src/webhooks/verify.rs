//! Signature checks over the raw body bytes, with constant-time comparison (RustCrypto `hmac`'s
//! `verify_slice`).
//!
//! - ConnectWise: `x-content-signature: base64(HMAC-SHA256(key = SHA-256(signing_key), body))`, where the
//!   signing key is fetched from the callback's `Metadata.key_url` (see
//!   [`connectwise::KeyUrlPolicy`](super::connectwise::KeyUrlPolicy)).
//! - Autotask: `X-Hook-Signature: sha1=base64(HMAC-SHA1(SecretKey, body))`.
//! - Kaseya BMS: undocumented; [`SignatureCheck`] is the pluggable check (see [`bms`](super::bms)).
//!
//! Every check fails closed: no secret, no header, a header that is not the expected encoding, or a different
//! MAC are all errors, and no error message contains a secret, a key or a signature.

use base64::Engine as _;
use hmac::{Hmac, KeyInit, Mac};
use sha1::Sha1;
use sha2::{Digest, Sha256};

use crate::secret::Secret;

/// ConnectWise's signature header (HTTP header names are case-insensitive).
pub const CONNECTWISE_SIGNATURE_HEADER: &str = "x-content-signature";
/// Autotask's signature header.
pub const AUTOTASK_SIGNATURE_HEADER: &str = "x-hook-signature";

/// Why a delivery's signature was not accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum VerifyError {
    /// No secret or signing key is configured: nothing can be verified, so nothing is accepted.
    #[error("no webhook secret is configured; refusing to accept unverifiable deliveries")]
    NoSecret,
    /// The request carries no signature header.
    #[error("the delivery carries no {header} header")]
    MissingSignature {
        /// The header that was expected.
        header: &'static str,
    },
    /// The signature header is not in the vendor's format (base64, `sha1=` prefix).
    #[error("the {header} header is not in the expected format")]
    MalformedSignature {
        /// The header.
        header: &'static str,
    },
    /// The signature does not match the body: tampered, truncated, re-encoded, or signed with another secret.
    #[error("the signature does not match the body")]
    Mismatch,
    /// The ConnectWise callback names no key URL, or one the [`KeyUrlPolicy`](super::connectwise::KeyUrlPolicy)
    /// refuses; nothing was fetched.
    #[error("the signing-key URL was refused: {0}")]
    KeyUrl(String),
    /// The ConnectWise signing key could not be fetched from an allowed key URL (a transient failure: the
    /// vendor should retry).
    #[error("the ConnectWise signing key could not be fetched: {0}")]
    SigningKey(String),
    /// A custom check refused the delivery.
    #[error("the delivery was refused by the signature check: {0}")]
    Refused(String),
}

fn decode_base64(text: &str, header: &'static str) -> Result<Vec<u8>, VerifyError> {
    base64::engine::general_purpose::STANDARD
        .decode(text.trim())
        .map_err(|_| VerifyError::MalformedSignature { header })
}

/// `base64(HMAC-SHA256(SHA-256(signing_key), body))`: the value ConnectWise puts in `x-content-signature`.
///
/// Public for tests and for senders (the receiver uses [`verify_connectwise`]).
pub fn connectwise_signature(signing_key: &Secret, body: &[u8]) -> String {
    let mac = connectwise_mac(signing_key, body);
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

fn connectwise_mac(signing_key: &Secret, body: &[u8]) -> Hmac<Sha256> {
    let key = Sha256::digest(signing_key.expose().as_bytes());
    // HMAC takes keys of any length; a 32-byte key cannot be refused.
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(&key)
        .unwrap_or_else(|_| unreachable!("HMAC accepts keys of every length"));
    mac.update(body);
    mac
}

/// Checks a ConnectWise `x-content-signature` header value against the raw body and the signing key.
///
/// # Errors
/// [`VerifyError::NoSecret`] for an empty key, [`VerifyError::MissingSignature`] without a header,
/// [`VerifyError::MalformedSignature`] when it is not base64, [`VerifyError::Mismatch`] otherwise.
pub fn verify_connectwise(
    signing_key: &Secret,
    body: &[u8],
    header: Option<&str>,
) -> Result<(), VerifyError> {
    if signing_key.expose().is_empty() {
        return Err(VerifyError::NoSecret);
    }
    let header_value = header.ok_or(VerifyError::MissingSignature {
        header: CONNECTWISE_SIGNATURE_HEADER,
    })?;
    let expected = decode_base64(header_value, CONNECTWISE_SIGNATURE_HEADER)?;
    connectwise_mac(signing_key, body)
        .verify_slice(&expected)
        .map_err(|_| VerifyError::Mismatch)
}

fn autotask_mac(secret: &Secret, body: &[u8]) -> Hmac<Sha1> {
    let mut mac = <Hmac<Sha1> as KeyInit>::new_from_slice(secret.expose().as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC accepts keys of every length"));
    mac.update(body);
    mac
}

/// `sha1=base64(HMAC-SHA1(secret, body))`: the value Autotask puts in `X-Hook-Signature`.
pub fn autotask_signature(secret: &Secret, body: &[u8]) -> String {
    let tag = autotask_mac(secret, body).finalize().into_bytes();
    format!(
        "sha1={}",
        base64::engine::general_purpose::STANDARD.encode(tag)
    )
}

/// Checks an Autotask `X-Hook-Signature` header value (`sha1=<base64>`) against the raw body, with each of
/// `secrets` in turn (several during a key rotation). Every message is checked, `Deactivated` ones included.
///
/// # Errors
/// [`VerifyError::NoSecret`] when `secrets` is empty or holds only empty strings, otherwise as
/// [`verify_connectwise`].
pub fn verify_autotask(
    secrets: &[Secret],
    body: &[u8],
    header: Option<&str>,
) -> Result<(), VerifyError> {
    let usable: Vec<&Secret> = secrets.iter().filter(|s| !s.expose().is_empty()).collect();
    if usable.is_empty() {
        return Err(VerifyError::NoSecret);
    }
    let header_value = header.ok_or(VerifyError::MissingSignature {
        header: AUTOTASK_SIGNATURE_HEADER,
    })?;
    let trimmed = header_value.trim();
    let encoded = trimmed
        .get(..5)
        .filter(|prefix| prefix.eq_ignore_ascii_case("sha1="))
        .map(|_| &trimmed[5..])
        .ok_or(VerifyError::MalformedSignature {
            header: AUTOTASK_SIGNATURE_HEADER,
        })?;
    let expected = decode_base64(encoded, AUTOTASK_SIGNATURE_HEADER)?;
    // Every secret is tried, so the time taken does not tell which one matched.
    let mut matched = false;
    for secret in usable {
        matched |= autotask_mac(secret, body).verify_slice(&expected).is_ok();
    }
    if matched {
        Ok(())
    } else {
        Err(VerifyError::Mismatch)
    }
}

/// A delivery as a signature check sees it: the raw body and the request headers.
#[derive(Debug, Clone, Copy)]
pub struct SignedRequest<'a> {
    /// The raw body bytes, exactly as received.
    pub body: &'a [u8],
    /// The request headers.
    pub headers: &'a http::HeaderMap,
}

impl SignedRequest<'_> {
    /// A header as text (`None` when absent or not visible ASCII).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

/// A pluggable signature check, for vendors whose signing scheme is not documented (Kaseya BMS) or for a
/// scheme of your own in front of a receiver.
pub trait SignatureCheck: Send + Sync + 'static {
    /// Accepts or refuses one delivery. Compare MACs in constant time (`hmac::Mac::verify_slice`), never with
    /// `==` on strings.
    ///
    /// # Errors
    /// The reason the delivery is refused.
    fn check(&self, request: SignedRequest<'_>) -> Result<(), VerifyError>;
}

impl<F> SignatureCheck for F
where
    F: Fn(SignedRequest<'_>) -> Result<(), VerifyError> + Send + Sync + 'static,
{
    fn check(&self, request: SignedRequest<'_>) -> Result<(), VerifyError> {
        self(request)
    }
}
