//! Datto Autotask PSA: zone discovery at `…/atservicesrest/v1.0/zoneInformation?user=`, the API at
//! `[/zone{n}]/atservicesrest/V1.0/…` with the `UserName`/`Secret`/`ApiIntegrationCode` headers.

pub mod filter;
mod routes;
pub(crate) mod seed;

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::json;

use crate::http::{self, Req};
use crate::server::Outcome;
use crate::state::{lock, Shared};
use crate::store::Store;
use crate::{vendor_error, AutotaskCredentials};

/// The API user's e-mail.
pub const USERNAME: &str = "api-user@emulated-msp.example";
/// Its secret.
pub const SECRET: &str = "emuSecret#01";
/// The integration's tracking identifier.
pub const INTEGRATION_CODE: &str = "EMULATORINTEGRATIONCODE0001";
/// A resource that may be impersonated.
pub const IMPERSONATION_RESOURCE_ID: i64 = 29682885;

/// The Autotask tenant.
#[derive(Debug, Clone, Default)]
pub struct Tenant {
    /// Records by entity (lowercase: `tickets`, `ticketnotes`).
    pub store: Store,
    /// Record changes of the current request, turned into webhook callouts after it.
    pub(crate) changes: Vec<crate::hooks::Change>,
    /// The last `SequenceNumber` sent per webhook (collection, id).
    pub(crate) webhook_sequences: std::collections::HashMap<(String, i64), i64>,
}

/// The demo credentials.
pub fn demo_credentials(discovery_url: &str, zone_url: &str) -> AutotaskCredentials {
    AutotaskCredentials {
        username: USERNAME.to_owned(),
        secret: SECRET.to_owned(),
        integration_code: INTEGRATION_CODE.to_owned(),
        discovery_url: discovery_url.to_owned(),
        zone_url: zone_url.to_owned(),
        impersonation_resource_id: IMPERSONATION_RESOURCE_ID,
    }
}

/// Store keys are lowercase entity names.
pub fn canonical_entity(text: &str) -> String {
    text.trim_matches('/').to_ascii_lowercase()
}

/// Splits `[/zone{n}]/atservicesrest/rest` into the zone number and `/rest`.
fn split_zone(path: &str) -> Option<(u32, &str)> {
    let lower = path.to_ascii_lowercase();
    let index = lower.find("/atservicesrest")?;
    let prefix = &lower[..index];
    let zone = if prefix.is_empty() {
        0
    } else {
        prefix.strip_prefix("/zone")?.parse().ok()?
    };
    Some((zone, &path[index + "/atservicesrest".len()..]))
}

/// The entity a request is counted against for the thread limit (lowercase), e.g. `tickets`.
pub(crate) fn entity_of(path: &str) -> Option<String> {
    let (_, rest) = split_zone(path)?;
    let mut parts = rest.split('/').filter(|p| !p.is_empty());
    let version = parts.next()?;
    if !version.eq_ignore_ascii_case("v1.0") {
        return None;
    }
    let entity = parts.next()?.to_ascii_lowercase();
    (entity != "zoneinformation").then_some(entity)
}

/// The answer to a request over the per-entity thread limit.
pub(crate) fn thread_limit_response(entity: &str) -> Response {
    vendor_error::autotask(
        StatusCode::TOO_MANY_REQUESTS,
        &[&format!(
            "Thread threshold exceeded: more than 3 concurrent requests to the {entity} endpoint."
        )],
    )
}

/// Serves an Autotask request.
pub(crate) fn handle(shared: &Shared, req: &Req) -> Outcome {
    let Some((zone, rest)) = split_zone(&req.path) else {
        return Outcome::new(
            http::html(StatusCode::NOT_FOUND, "404 - File or directory not found."),
            None,
        );
    };
    let lower = rest.to_ascii_lowercase();
    let current_zone = lock(&shared.settings).autotask_zone;
    if lower.trim_end_matches('/') == "/v1.0/zoneinformation" {
        return Outcome::new(
            zone_information(req, &shared.autotask_zone_url(current_zone)),
            Some("ZoneInformation_QueryZoneInformation"),
        );
    }
    if let Err(response) = check_auth(req) {
        return Outcome::new(response, None);
    }
    if zone != current_zone {
        // The tenant lives elsewhere now: the old zone does not know the user.
        return Outcome::new(
            vendor_error::autotask(
                StatusCode::UNAUTHORIZED,
                &["User is not authorized in this zone."],
            ),
            None,
        );
    }
    {
        let mut settings = lock(&shared.settings);
        if let Some(remaining) = settings.autotask_budget.as_mut() {
            if *remaining == 0 {
                return Outcome::new(
                    vendor_error::autotask(
                        StatusCode::TOO_MANY_REQUESTS,
                        &["The request limit of 10000 requests per hour has been reached."],
                    ),
                    None,
                );
            }
            *remaining -= 1;
        }
    }
    let zone_url = shared.autotask_zone_url(current_zone);
    let now = shared.clock.now();
    let mut tenants = lock(&shared.tenants);
    let impersonated = req
        .header("impersonationresourceid")
        .and_then(|value| value.trim().parse::<i64>().ok());
    let resource_id = impersonated.unwrap_or(4);
    let outcome = routes::serve(routes::Ctx {
        tenant: &mut tenants.autotask,
        req,
        rest,
        zone_url: &zone_url,
        now,
        resource_id,
    });
    let tenant = &mut tenants.autotask;
    let changes = std::mem::take(&mut tenant.changes);
    if changes.iter().any(|c| c.collection.contains("webhook")) {
        crate::hooks::autotask_refresh_ready(&mut tenant.store);
    }
    if !changes.is_empty() {
        crate::hooks::autotask(
            &shared.hooks,
            &tenant.store,
            &mut tenant.webhook_sequences,
            now,
            resource_id,
            changes,
        );
    }
    outcome
}

fn check_auth(req: &Req) -> Result<(), Response> {
    let unauthorized = || {
        http::json(
            StatusCode::UNAUTHORIZED,
            &json!({ "Message": "Authorization has been denied for this request." }),
        )
    };
    let (Some(user), Some(secret)) = (req.header("username"), req.header("secret")) else {
        return Err(unauthorized());
    };
    if !user.eq_ignore_ascii_case(USERNAME) || secret != SECRET {
        return Err(unauthorized());
    }
    match req.header("apiintegrationcode") {
        Some(code) if code == INTEGRATION_CODE => Ok(()),
        // Real Autotask text and status (shared/fixtures/autotask/error_500_integrationcode_invalid.json).
        _ => Err(vendor_error::autotask(
            StatusCode::INTERNAL_SERVER_ERROR,
            &["IntegrationCode is invalid."],
        )),
    }
}

fn zone_information(req: &Req, zone_url: &str) -> Response {
    let user = req.query_param("user").unwrap_or_default();
    if !user.eq_ignore_ascii_case(USERNAME) {
        return vendor_error::autotask(
            StatusCode::INTERNAL_SERVER_ERROR,
            &["Zone information could not be determined"],
        );
    }
    http::json(
        StatusCode::OK,
        &json!({
            "zoneName": "Emulated Zone",
            "url": format!("{zone_url}/"),
            "webUrl": "http://127.0.0.1/",
            "ci": 0,
        }),
    )
}
