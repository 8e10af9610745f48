//! The control API: the same operations as a Rust handle ([`Control`]) and over HTTP under [`PREFIX`]:
//!
//! | request | effect |
//! | --- | --- |
//! | `POST /_emulator/reset` | back to the seed state (records, sessions, settings, clock, faults, journal) |
//! | `POST /_emulator/faults` (a [`FaultRule`] as JSON) / `DELETE /_emulator/faults` | add / clear fault rules |
//! | `GET /_emulator/journal` / `DELETE /_emulator/journal` | the request journal / empty it |
//! | `POST /_emulator/tokens/expire` | every BMS token and ConnectWise member key pair expires |
//! | `POST /_emulator/clock/advance` `{"seconds": n}` | moves the emulated clock forward |
//! | `POST /_emulator/autotask/zone/move` | the Autotask tenant moves to another zone; answers `{"zone_url"}` |
//! | `PUT /_emulator/autotask/budget` `{"remaining": n}` | Autotask request budget (`null`: unlimited) |
//! | `PUT /_emulator/connectwise/codebase` `{"codebase": "v2025_1/"}` | the site is upgraded |
//! | `GET /_emulator/concurrency` | the most Autotask requests seen in flight, per entity |
//! | `GET /_emulator/credentials` | the demo credentials |
//! | `GET /_emulator/records/{vendor}/{collection}` | the records of a collection (`service/tickets`, `Tickets`, `tickets`) |
//! | `GET /_emulator/webhooks` | the webhooks sent (ConnectWise callbacks, Autotask callouts) |
//! | `GET /_emulator/connectwise/callback-key` | `{"signing_key": …}`: the `Metadata.key_url` of the emulator's callbacks |

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use axum::http::{Method, StatusCode};
use axum::response::Response;
use serde_json::{json, Value};

use crate::faults::FaultRule;
use crate::http::{self, Req};
use crate::journal::JournalEntry;
use crate::state::{lock, Shared};
use crate::Vendor;

/// The reserved path prefix of the HTTP control API.
pub const PREFIX: &str = "/_emulator/";

/// A handle on a running emulator's state.
#[derive(Debug, Clone)]
pub struct Control {
    shared: Arc<Shared>,
}

impl Control {
    pub(crate) fn new(shared: Arc<Shared>) -> Control {
        Control { shared }
    }

    /// Every webhook the emulator sent (or is sending), in order: ConnectWise callbacks and Autotask
    /// callouts, with the exact body and headers and the receiver's status (`None`: not reached, or not sent
    /// yet).
    pub fn webhook_deliveries(&self) -> Vec<crate::WebhookDelivery> {
        self.shared.hooks.deliveries()
    }

    /// Sends delivery `index` (of [`Control::webhook_deliveries`]) again, byte for byte, as a vendor's retry
    /// would; false when there is no such delivery.
    pub fn redeliver(&self, index: usize) -> bool {
        self.shared.hooks.redeliver(index)
    }

    /// Back to the seed state.
    pub fn reset(&self) {
        self.shared.reset();
    }

    /// Adds a fault rule (rules are tried in the order added).
    pub fn inject(&self, rule: FaultRule) {
        lock(&self.shared.faults).push(rule);
    }

    /// Removes every fault rule.
    pub fn clear_faults(&self) {
        lock(&self.shared.faults).clear();
    }

    /// Every request so far, in arrival order (control requests excluded).
    pub fn journal(&self) -> Vec<JournalEntry> {
        lock(&self.shared.journal).clone()
    }

    /// Empties the journal.
    pub fn clear_journal(&self) {
        lock(&self.shared.journal).clear();
    }

    /// Expires every BMS access and refresh token and every ConnectWise member key pair.
    pub fn expire_tokens(&self) {
        let mut tenants = lock(&self.shared.tenants);
        tenants.bms.expire_sessions();
        tenants.connectwise.expire_member_tokens();
    }

    /// Expires BMS access tokens only (refresh tokens stay valid).
    pub fn expire_access_tokens(&self) {
        lock(&self.shared.tenants).bms.expire_access_tokens();
    }

    /// Moves the emulated clock forward (timestamps, token expiry, `ModifiedOnFrom` windows).
    pub fn advance_clock(&self, by: Duration) {
        self.shared.clock.advance(by);
    }

    /// Moves the Autotask tenant to the next zone and returns the new zone URL; the old zone answers 401.
    pub fn move_autotask_zone(&self) -> String {
        let zone = {
            let mut settings = lock(&self.shared.settings);
            settings.autotask_zone += 1;
            settings.autotask_zone
        };
        self.shared.autotask_zone_url(zone)
    }

    /// Sets Autotask's remaining request budget (`None`: unlimited).
    pub fn set_autotask_budget(&self, remaining: Option<u64>) {
        lock(&self.shared.settings).autotask_budget = remaining;
    }

    /// Sets Autotask's per-entity thread limit (`None`: unlimited).
    pub fn set_autotask_thread_limit(&self, limit: Option<usize>) {
        lock(&self.shared.settings).autotask_thread_limit = limit;
    }

    /// Upgrades the ConnectWise site to `codebase` (e.g. `v2025_1/`); the old one answers HTML 404s.
    pub fn set_connectwise_codebase(&self, codebase: &str) {
        let trimmed = codebase.trim_matches('/');
        lock(&self.shared.settings).cw_codebase = format!("{trimmed}/");
    }

    /// Sets BMS's access-token lifetime for tokens issued from now on.
    pub fn set_bms_token_lifetime(&self, lifetime: Duration) {
        lock(&self.shared.settings).bms_token_lifetime = lifetime;
    }

    /// The most Autotask requests seen in flight at once, per entity (lowercase entity name).
    pub fn max_concurrency(&self) -> BTreeMap<String, usize> {
        lock(&self.shared.inflight)
            .iter()
            .map(|(entity, inflight)| (entity.clone(), inflight.max))
            .collect()
    }

    /// The records of a collection: ConnectWise `service/tickets` (or `service/tickets/7/notes`), Autotask
    /// `Tickets`, BMS `tickets`, `accounts`, `contacts`, `notes`, `timelogs`.
    pub fn records(&self, vendor: Vendor, collection: &str) -> Vec<Value> {
        let tenants = lock(&self.shared.tenants);
        let store = match vendor {
            Vendor::ConnectWise => &tenants.connectwise.store,
            Vendor::Autotask => &tenants.autotask.store,
            Vendor::Bms => &tenants.bms.store,
        };
        store
            .list(&collection_key(vendor, collection))
            .cloned()
            .collect()
    }
}

/// Collections are keyed in the vendor's canonical spelling; accept any case.
fn collection_key(vendor: Vendor, collection: &str) -> String {
    let trimmed = collection.trim_matches('/');
    match vendor {
        Vendor::Autotask => crate::autotask::canonical_entity(trimmed),
        Vendor::ConnectWise => crate::connectwise::canonical_collection(trimmed),
        Vendor::Bms => trimmed.to_ascii_lowercase(),
    }
}

/// Serves a control request.
pub(crate) fn http(shared: &Arc<Shared>, req: &Req) -> Response {
    let control = Control::new(Arc::clone(shared));
    let rest = req.path.trim_start_matches(PREFIX).trim_end_matches('/');
    let ok = || http::json(StatusCode::OK, &json!({ "ok": true }));
    let bad = |message: String| http::json(StatusCode::BAD_REQUEST, &json!({ "error": message }));
    match (&req.method, rest) {
        (&Method::POST, "reset") => {
            control.reset();
            ok()
        }
        (&Method::POST, "faults") => match serde_json::from_slice::<FaultRule>(&req.body) {
            Ok(rule) => {
                control.inject(rule);
                ok()
            }
            Err(err) => bad(format!("not a fault rule: {err}")),
        },
        (&Method::DELETE, "faults") => {
            control.clear_faults();
            ok()
        }
        (&Method::GET, "journal") => http::json(StatusCode::OK, &json!(control.journal())),
        (&Method::GET, "webhooks") => {
            http::json(StatusCode::OK, &json!(control.webhook_deliveries()))
        }
        (&Method::GET, "connectwise/callback-key") => {
            http::json(StatusCode::OK, &crate::hooks::connectwise_key())
        }
        (&Method::DELETE, "journal") => {
            control.clear_journal();
            ok()
        }
        (&Method::POST, "tokens/expire") => {
            control.expire_tokens();
            ok()
        }
        (&Method::POST, "clock/advance") => {
            match req
                .json()
                .ok()
                .and_then(|body| body.get("seconds").and_then(Value::as_u64))
            {
                Some(seconds) => {
                    control.advance_clock(Duration::from_secs(seconds));
                    ok()
                }
                None => bad("expected {\"seconds\": n}".to_owned()),
            }
        }
        (&Method::POST, "autotask/zone/move") => {
            let zone_url = control.move_autotask_zone();
            http::json(StatusCode::OK, &json!({ "zone_url": zone_url }))
        }
        (&Method::PUT, "autotask/budget") => match req.json() {
            Ok(body) => {
                control.set_autotask_budget(body.get("remaining").and_then(Value::as_u64));
                ok()
            }
            Err(err) => bad(err),
        },
        (&Method::PUT, "connectwise/codebase") => {
            match req.json().ok().and_then(|body| {
                body.get("codebase")
                    .and_then(Value::as_str)
                    .map(str::to_owned)
            }) {
                Some(codebase) => {
                    control.set_connectwise_codebase(&codebase);
                    ok()
                }
                None => bad("expected {\"codebase\": \"v2025_1/\"}".to_owned()),
            }
        }
        (&Method::GET, "concurrency") => {
            http::json(StatusCode::OK, &json!(control.max_concurrency()))
        }
        (&Method::GET, "credentials") => http::json(StatusCode::OK, &json!(shared.credentials())),
        (&Method::GET, path) if path.starts_with("records/") => {
            let rest = &path["records/".len()..];
            let (vendor, collection) = rest.split_once('/').unwrap_or((rest, ""));
            let vendor = match vendor {
                "bms" => Vendor::Bms,
                "connectwise" => Vendor::ConnectWise,
                "autotask" => Vendor::Autotask,
                other => return bad(format!("unknown vendor {other}")),
            };
            http::json(StatusCode::OK, &json!(control.records(vendor, collection)))
        }
        _ => http::json(
            StatusCode::NOT_FOUND,
            &json!({ "error": format!("no control operation {} {}", req.method, req.path) }),
        ),
    }
}
