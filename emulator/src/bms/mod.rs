//! Kaseya BMS: `/v2/…` with bearer tokens from `/v2/security/authenticate`, answers in the
//! `{success, error, result, totalRecords}` envelope (camelCase, as the live API writes it).

pub mod auth;
mod routes;
pub(crate) mod seed;

use axum::http::StatusCode;
use chrono::{DateTime, Utc};

use crate::http::{self, Req};
use crate::server::Outcome;
use crate::state::{lock, Shared};
use crate::store::Store;
use crate::{vendor_error, BmsCredentials};

pub use auth::Session;

/// The BMS tenant: records and sessions.
#[derive(Debug, Clone, Default)]
pub struct Tenant {
    /// Records by collection (`accounts`, `contacts`, `tickets`, `tickets/7/notes`, lookups).
    pub store: Store,
    /// Issued token pairs.
    pub sessions: Vec<Session>,
    /// The bytes of uploaded attachments (`POST /v2/system/attachments/{moduleId}/{objectId}`), by `attachments/{moduleId}/{objectId}/{id}`.
    pub(crate) files: std::collections::BTreeMap<String, crate::files::StoredFile>,
}

impl Tenant {
    /// Every access and refresh token stops working.
    pub fn expire_sessions(&mut self) {
        for session in &mut self.sessions {
            session.access_expires = DateTime::<Utc>::MIN_UTC;
            session.refresh_expires = DateTime::<Utc>::MIN_UTC;
        }
    }

    /// Access tokens stop working; refresh tokens still do.
    pub fn expire_access_tokens(&mut self) {
        for session in &mut self.sessions {
            session.access_expires = DateTime::<Utc>::MIN_UTC;
        }
    }
}

/// The demo credentials.
pub fn demo_credentials(base_url: &str) -> BmsCredentials {
    BmsCredentials {
        host: base_url.to_owned(),
        tenant: auth::TENANT.to_owned(),
        username: auth::USERNAME.to_owned(),
        password: auth::PASSWORD.to_owned(),
        totp_secret: auth::TOTP_SECRET.to_owned(),
        api_username: auth::API_USERNAME.to_owned(),
        api_password: auth::API_PASSWORD.to_owned(),
    }
}

/// Serves a BMS request.
pub(crate) fn handle(shared: &Shared, req: &Req) -> Outcome {
    let lower = req.path.to_ascii_lowercase();
    let lower = lower.trim_end_matches('/');
    let now = shared.clock.now();
    let lifetime = lock(&shared.settings).bms_token_lifetime;
    let page_cap = lock(&shared.settings).bms_page_cap;
    let mut tenants = lock(&shared.tenants);
    let tenant = &mut tenants.bms;
    if req.method == axum::http::Method::POST && lower == "/v2/security/authenticate" {
        let response = match auth::login(req) {
            Ok(user) => {
                let session = auth::issue(&user, tenant.sessions.len() + 1, now, lifetime);
                let body = auth::token_body(&session);
                tenant.sessions.push(session);
                http::json(StatusCode::OK, &body)
            }
            Err((status, message)) => vendor_error::bms(
                StatusCode::from_u16(status).unwrap_or(StatusCode::UNAUTHORIZED),
                message,
            ),
        };
        return Outcome::new(response, Some("Authenticate"));
    }
    if req.method == axum::http::Method::POST && lower == "/v2/security/refreshtoken" {
        let (access, refresh) = auth::refresh_form(req);
        let found = tenant
            .sessions
            .iter()
            .position(|s| s.refresh == refresh && s.access == access && s.refresh_expires > now);
        let response = match found {
            Some(index) => {
                let user = tenant.sessions[index].user.clone();
                tenant.sessions.remove(index);
                let session = auth::issue(&user, tenant.sessions.len() + 1000, now, lifetime);
                let body = auth::token_body(&session);
                tenant.sessions.push(session);
                http::json(StatusCode::OK, &body)
            }
            None => vendor_error::bms(
                StatusCode::UNAUTHORIZED,
                "Invalid or expired refresh token.",
            ),
        };
        return Outcome::new(response, Some("RefreshToken"));
    }
    let token = req
        .header("authorization")
        .and_then(|h| {
            h.strip_prefix("Bearer ")
                .or_else(|| h.strip_prefix("bearer "))
        })
        .map(str::trim);
    let session = token.and_then(|token| tenant.sessions.iter().find(|s| s.access == token));
    let user = match session {
        Some(session) if session.access_expires > now => session.user.clone(),
        Some(_) => {
            return Outcome::new(
                vendor_error::bms(StatusCode::UNAUTHORIZED, "The access token has expired."),
                None,
            )
        }
        None => {
            return Outcome::new(
                vendor_error::bms(
                    StatusCode::UNAUTHORIZED,
                    "Authorization has been denied for this request.",
                ),
                None,
            )
        }
    };
    routes::serve(routes::Ctx {
        tenant,
        req,
        now,
        user: &user,
        page_cap,
    })
}
