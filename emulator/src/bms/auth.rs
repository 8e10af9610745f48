//! Kaseya BMS login: `POST /v2/security/authenticate` with a form (`GrantType=password`, `UserName`,
//! `Password`, `Tenant`, `MFACode`), the code checked as an RFC 6238 TOTP (SHA-1, 30 s, 6 digits, one step of
//! drift either way) against the demo user's seed; `POST /v2/security/refreshtoken` (`AccessToken`,
//! `RefreshToken`); bearer tokens with a configurable lifetime.

use std::time::{SystemTime, UNIX_EPOCH};

use chrono::{DateTime, Duration, Utc};
use serde_json::{json, Value};

use crate::clock::stamp;
use crate::http::Req;

/// The tenant name.
pub const TENANT: &str = "EmulatedMSP";
/// An employee with MFA.
pub const USERNAME: &str = "rewst.api@emulated-msp.example";
/// Its password.
pub const PASSWORD: &str = "Emu-Passw0rd!";
/// Its base32 TOTP seed.
pub const TOTP_SECRET: &str = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
/// An API employee without MFA.
pub const API_USERNAME: &str = "hudu.sync@emulated-msp.example";
/// Its password.
pub const API_PASSWORD: &str = "Emu-ApiPassw0rd!";

/// How long refresh tokens live.
const REFRESH_LIFETIME_HOURS: i64 = 24;

/// One issued token pair.
#[derive(Debug, Clone)]
pub struct Session {
    /// The user.
    pub user: String,
    /// Bearer token.
    pub access: String,
    /// Refresh token.
    pub refresh: String,
    /// When the access token stops working.
    pub access_expires: DateTime<Utc>,
    /// When the refresh token stops working.
    pub refresh_expires: DateTime<Utc>,
}

/// Why a login or refresh was refused: HTTP status and message.
pub type Refusal = (u16, &'static str);

fn field<'a>(form: &'a [(String, String)], name: &str) -> Option<&'a str> {
    form.iter()
        .find(|(key, _)| key.eq_ignore_ascii_case(name))
        .map(|(_, value)| value.as_str())
}

/// The form of a login or refresh (urlencoded, or JSON for clients that send it that way).
fn fields(req: &Req) -> Vec<(String, String)> {
    if let Ok(Value::Object(object)) = req.json() {
        return object
            .into_iter()
            .map(|(key, value)| {
                let text = value
                    .as_str()
                    .map(str::to_owned)
                    .unwrap_or_else(|| value.to_string());
                (key, text)
            })
            .collect();
    }
    req.form()
}

fn totp_ok(code: &str) -> bool {
    let Ok(secret) = totp_rs::Secret::try_from_base32(TOTP_SECRET) else {
        return false;
    };
    let totp = totp_rs::Builder::new()
        .with_secret(secret)
        .build_noncompliant();
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default();
    [now.saturating_sub(30), now, now + 30]
        .iter()
        .any(|t| totp.generate(*t).to_string() == code.trim())
}

/// Checks a login form and returns the user.
///
/// # Errors
/// The refusal for a wrong grant type, tenant, user, password or MFA code.
pub fn login(req: &Req) -> Result<String, Refusal> {
    let form = fields(req);
    if !field(&form, "GrantType").is_some_and(|g| g.eq_ignore_ascii_case("password")) {
        return Err((400, "GrantType must be password."));
    }
    if !field(&form, "Tenant").is_some_and(|t| t.eq_ignore_ascii_case(TENANT)) {
        return Err((401, "Invalid tenant, username or password."));
    }
    let user = field(&form, "UserName").unwrap_or_default();
    let password = field(&form, "Password").unwrap_or_default();
    if user.eq_ignore_ascii_case(API_USERNAME) && password == API_PASSWORD {
        return Ok(API_USERNAME.to_owned());
    }
    if !(user.eq_ignore_ascii_case(USERNAME) && password == PASSWORD) {
        return Err((401, "Invalid tenant, username or password."));
    }
    match field(&form, "MFACode").filter(|c| !c.trim().is_empty()) {
        None => Err((401, "MFA code is required for this user.")),
        Some(code) if totp_ok(code) => Ok(USERNAME.to_owned()),
        Some(_) => Err((401, "Invalid MFA code.")),
    }
}

/// The `(access, refresh)` tokens of a refresh form.
pub fn refresh_form(req: &Req) -> (String, String) {
    let form = fields(req);
    (
        field(&form, "AccessToken").unwrap_or_default().to_owned(),
        field(&form, "RefreshToken").unwrap_or_default().to_owned(),
    )
}

/// A new session for `user`.
pub fn issue(user: &str, n: usize, now: DateTime<Utc>, lifetime: std::time::Duration) -> Session {
    let lifetime =
        Duration::milliseconds(i64::try_from(lifetime.as_millis()).unwrap_or(i64::MAX / 4));
    Session {
        user: user.to_owned(),
        access: format!("emu-access-{n:06}-{}", now.timestamp_millis()),
        refresh: format!("emu-refresh-{n:06}-{}", now.timestamp_millis()),
        access_expires: now + lifetime,
        refresh_expires: now + Duration::hours(REFRESH_LIFETIME_HOURS),
    }
}

/// The token envelope BMS answers a login or refresh with.
pub fn token_body(session: &Session) -> Value {
    json!({
        "success": true,
        "error": null,
        "result": {
            "accessToken": session.access,
            "refreshToken": session.refresh,
            "accessTokenExpireOn": stamp(session.access_expires),
            "refreshTokenExpireOn": stamp(session.refresh_expires),
        }
    })
}
