//! ConnectWise PSA: `/login/companyinfo/{company}` and `/{codebase}apis/3.0/…`.

pub mod auth;
pub mod conditions;
mod query;
mod refs;
mod routes;
pub(crate) mod seed;

use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use serde_json::json;

use crate::http::{self, Req};
use crate::server::Outcome;
use crate::state::{lock, Shared};
use crate::store::Store;
use crate::{vendor_error, ConnectWiseCredentials};

pub use auth::{basic, MemberKey};

/// The codebase a fresh emulator serves.
pub const DEFAULT_CODEBASE: &str = "v2022_1/";
/// The member the demo API member may impersonate.
pub const IMPERSONABLE_MEMBER: &str = "jdoe";

/// The ConnectWise tenant: records and issued member key pairs.
#[derive(Debug, Clone, Default)]
pub struct Tenant {
    /// Records by collection (`service/tickets`, `service/tickets/7/notes`, lowercase).
    pub store: Store,
    /// Member impersonation key pairs handed out.
    pub member_keys: Vec<MemberKey>,
    /// Record changes of the current request, turned into callbacks after it.
    pub(crate) changes: Vec<crate::hooks::Change>,
    /// The bytes of uploaded documents (`POST /system/documents`), by `system/documents/{id}`.
    pub(crate) files: std::collections::BTreeMap<String, crate::files::StoredFile>,
}

impl Tenant {
    /// Every member key pair stops working.
    pub fn expire_member_tokens(&mut self) {
        for key in &mut self.member_keys {
            key.expires = DateTime::<Utc>::MIN_UTC;
        }
    }
}

/// The demo credentials.
pub fn demo_credentials(base_url: &str) -> ConnectWiseCredentials {
    ConnectWiseCredentials {
        site: base_url.to_owned(),
        company: auth::COMPANY.to_owned(),
        public_key: auth::PUBLIC_KEY.to_owned(),
        private_key: auth::PRIVATE_KEY.to_owned(),
        client_id: auth::CLIENT_ID.to_owned(),
        impersonable_member: IMPERSONABLE_MEMBER.to_owned(),
    }
}

/// Store keys are lowercase paths without slashes at the ends.
pub fn canonical_collection(text: &str) -> String {
    text.trim_matches('/').to_ascii_lowercase()
}

/// `v2022_1/` → `v2022.1`.
fn version_code(codebase: &str) -> String {
    codebase.trim_end_matches('/').replace('_', ".")
}

/// Serves a ConnectWise request.
pub(crate) fn handle(shared: &Shared, req: &Req) -> Outcome {
    let lower = req.path.to_ascii_lowercase();
    let codebase = lock(&shared.settings).cw_codebase.clone();
    if let Some(company) = lower.strip_prefix("/login/companyinfo/") {
        return Outcome::new(company_info(company, &codebase), Some("getCompanyInfo"));
    }
    let Some(index) = lower.find("/apis/3.0") else {
        return Outcome::new(not_found_page(), None);
    };
    let served = req.path[..index].trim_matches('/');
    if !served.eq_ignore_ascii_case(codebase.trim_end_matches('/')) {
        // An outdated codebase reaches the web server, not the API: its HTML 404 page.
        return Outcome::new(not_found_page(), None);
    }
    let rest = &req.path[index + "/apis/3.0".len()..];
    let api_base = format!("{}/{}apis/3.0", shared.base_url, codebase);
    let now = shared.clock.now();
    let mut tenants = lock(&shared.tenants);
    let tenant = &mut tenants.connectwise;
    let caller = match auth::check(req, &tenant.member_keys, now) {
        Ok(caller) => caller,
        Err(response) => return Outcome::new(response, None),
    };
    let pinned = req
        .header("accept")
        .is_some_and(|accept| accept.contains("vnd.connectwise.com"));
    let ctx = routes::Ctx {
        tenant,
        req,
        rest,
        api_base: &api_base,
        caller: &caller,
        now,
    };
    let mut outcome = routes::serve(ctx);
    let changes = std::mem::take(&mut tenant.changes);
    if !changes.is_empty() {
        let callbacks: Vec<serde_json::Value> =
            tenant.store.list("system/callbacks").cloned().collect();
        crate::hooks::connectwise(
            &shared.hooks,
            &shared.base_url,
            auth::COMPANY,
            caller.identifier(),
            &callbacks,
            changes,
        );
    }
    if pinned && outcome.response.status().is_success() {
        outcome.response.headers_mut().insert(
            axum::http::header::CONTENT_TYPE,
            axum::http::HeaderValue::from_static(
                "application/vnd.connectwise.com+json; version=2022.1",
            ),
        );
    }
    outcome
}

fn company_info(company: &str, codebase: &str) -> axum::response::Response {
    let company = crate::spec_routes::percent_decode(company.trim_end_matches('/'));
    if !company.eq_ignore_ascii_case(auth::COMPANY) {
        return vendor_error::connectwise(
            StatusCode::NOT_FOUND,
            "NotFound",
            "Company not found.",
            None,
        );
    }
    http::json(
        StatusCode::OK,
        &json!({
            "CompanyName": "Emulated MSP",
            "Codebase": codebase,
            "VersionCode": version_code(codebase),
            "VersionNumber": "v4.6.90000",
            "CompanyID": auth::COMPANY,
            "IsCloud": true,
        }),
    )
}

fn not_found_page() -> axum::response::Response {
    http::html(StatusCode::NOT_FOUND, "404 - File or directory not found.")
}
