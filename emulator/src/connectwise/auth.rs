//! ConnectWise authentication: `Authorization: Basic base64(company+publicKey:privateKey)` with the
//! integration's `clientId` header on every API call; member impersonation key pairs from
//! `POST /system/members/{memberIdentifier}/tokens`.

use axum::http::StatusCode;
use axum::response::Response;
use base64::Engine as _;
use chrono::{DateTime, Utc};

use crate::http::Req;
use crate::vendor_error;

/// The demo company id.
pub const COMPANY: &str = "emulated";
/// The API member's public key.
pub const PUBLIC_KEY: &str = "emuPublicKey01";
/// The API member's private key.
pub const PRIVATE_KEY: &str = "emuPrivateKey01";
/// The integration's client id.
pub const CLIENT_ID: &str = "00000000-0000-4000-8000-0000000c11e7";

/// An impersonation key pair issued to a member.
#[derive(Debug, Clone)]
pub struct MemberKey {
    /// The member acted as.
    pub member: String,
    /// Public key.
    pub public_key: String,
    /// Private key.
    pub private_key: String,
    /// When it stops working.
    pub expires: DateTime<Utc>,
}

/// Who a request acts as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Caller {
    /// The API member.
    ApiMember,
    /// An impersonated member (identifier).
    Member(String),
}

impl Caller {
    /// The member identifier written into `_info.updatedBy` / `enteredBy`.
    pub fn identifier(&self) -> &str {
        match self {
            Caller::ApiMember => "APIMember",
            Caller::Member(member) => member,
        }
    }
}

/// Checks the credentials of an API call.
///
/// # Errors
/// The vendor's 401 answer when the header is missing, malformed or wrong, or `clientId` is missing.
pub fn check(req: &Req, member_keys: &[MemberKey], now: DateTime<Utc>) -> Result<Caller, Response> {
    let unauthorized = |message: &str| {
        vendor_error::connectwise(StatusCode::UNAUTHORIZED, "Unauthorized", message, None)
    };
    let Some(header) = req.header("authorization") else {
        return Err(unauthorized("Authorization header is required."));
    };
    let decoded = header
        .strip_prefix("Basic ")
        .or_else(|| header.strip_prefix("basic "))
        .and_then(|encoded| {
            base64::engine::general_purpose::STANDARD
                .decode(encoded.trim())
                .ok()
        })
        .and_then(|bytes| String::from_utf8(bytes).ok());
    let Some(decoded) = decoded else {
        return Err(unauthorized(
            "Authorization header is not valid Basic credentials.",
        ));
    };
    let Some((user, private)) = decoded.split_once(':') else {
        return Err(unauthorized(
            "Authorization header is not valid Basic credentials.",
        ));
    };
    let Some((company, public)) = user.split_once('+') else {
        return Err(unauthorized("The user name must be companyId+publicKey."));
    };
    if !company.eq_ignore_ascii_case(COMPANY) {
        return Err(unauthorized("Authentication failed: unknown company."));
    }
    let caller = if public == PUBLIC_KEY && private == PRIVATE_KEY {
        Caller::ApiMember
    } else if let Some(key) = member_keys
        .iter()
        .find(|key| key.public_key == public && key.private_key == private)
    {
        if key.expires <= now {
            return Err(unauthorized("The member's API key has expired."));
        }
        Caller::Member(key.member.clone())
    } else {
        return Err(unauthorized(
            "Authentication failed: invalid public or private key.",
        ));
    };
    match req.header("clientid") {
        Some(client_id) if !client_id.trim().is_empty() => Ok(caller),
        _ => Err(unauthorized("clientId header is required.")),
    }
}

/// The `Basic` header value of a key pair (for tests and examples).
pub fn basic(company: &str, public: &str, private: &str) -> String {
    let raw = format!("{company}+{public}:{private}");
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(raw)
    )
}
