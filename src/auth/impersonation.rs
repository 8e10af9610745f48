//! ConnectWise member impersonation: calls made as a member instead of the API member.
//!
//! An integration with the right security role can ask `POST /system/members/{memberIdentifier}/tokens` for
//! a key pair of another member; calls signed with it run with that member's permissions and are recorded as
//! theirs (tickets, notes and time entries entered "by" the member). The pair expires, so it is cached and
//! fetched again shortly before `expiration`. Only one fetch is in flight however many calls wait.

use std::time::{Duration, SystemTime};

use reqwest::header::{HeaderName, HeaderValue, ACCEPT, AUTHORIZATION, CONTENT_LENGTH};
use reqwest::{Method, StatusCode, Url};
use tokio::sync::Mutex;

use super::connectwise::basic_authorization;
use super::expiry::expiry_instant;
use super::{any_case, append_path, send_auth_request};
use crate::transport::{decode_json, OperationMeta, Transport, Vendor};
use crate::Error;

const TOKENS_PATH: &str = "/system/members/{memberIdentifier}/tokens";
/// Fetch a new pair this long before the old one expires.
const SKEW: Duration = Duration::from_secs(60);
/// How long to use a pair whose `expiration` cannot be read.
const UNKNOWN_EXPIRY_LIFETIME: Duration = Duration::from_secs(15 * 60);

/// The cached key pair of the impersonated member.
///
/// Like [`DiscoveredBase`](super::discovered::DiscoveredBase): the current
/// pair sits behind a plain mutex held only for a copy, so a call with a
/// fresh pair never waits for a fetch in flight; fetches run one at a time
/// under an async flight lock.
#[derive(Debug)]
pub(crate) struct MemberTokens {
    member: String,
    company_id: String,
    current: std::sync::Mutex<Slot>,
    flight: Mutex<()>,
}

#[derive(Debug, Default)]
struct Slot {
    /// Bumped each time a pair is installed; handed out with it so a call
    /// that got a 401 can drop exactly the pair it used.
    generation: u64,
    pair: Option<Cached>,
}

#[derive(Debug)]
struct Cached {
    /// `Basic base64(company+memberPublic:memberPrivate)`, marked sensitive.
    authorization: HeaderValue,
    renew_at: SystemTime,
}

/// What the API member's own requests carry, needed to ask for the member's keys.
pub(crate) struct Integrator<'a> {
    pub(crate) base: &'a Url,
    pub(crate) authorization: &'a HeaderValue,
    pub(crate) client_id: &'a HeaderValue,
    pub(crate) accept: Option<&'a HeaderValue>,
}

impl MemberTokens {
    pub(crate) fn new(member: String, company_id: String) -> Self {
        Self {
            member,
            company_id,
            current: std::sync::Mutex::new(Slot::default()),
            flight: Mutex::new(()),
        }
    }

    fn slot(&self) -> std::sync::MutexGuard<'_, Slot> {
        // Plain data: still valid if a holder panicked.
        self.current
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The fresh pair's `Authorization` value and generation, if there is one.
    fn fresh(&self, now: SystemTime) -> Option<(HeaderValue, u64)> {
        let slot = self.slot();
        slot.pair
            .as_ref()
            .filter(|pair| now < pair.renew_at)
            .map(|pair| (pair.authorization.clone(), slot.generation))
    }

    /// The `Authorization` value to send as the member and the generation of the pair, fetching a pair
    /// when none is fresh (one fetch at a time; calls with a fresh pair never wait for it).
    pub(crate) async fn authorization(
        &self,
        transport: &Transport,
        integrator: Integrator<'_>,
    ) -> Result<(HeaderValue, u64), Error> {
        if let Some(hit) = self.fresh(transport.clock().now()) {
            return Ok(hit);
        }
        let _flight = self.flight.lock().await;
        let now = transport.clock().now();
        if let Some(hit) = self.fresh(now) {
            return Ok(hit);
        }
        let pair = self.fetch_pair(transport, integrator, now).await?;
        let authorization = pair.authorization.clone();
        let mut slot = self.slot();
        slot.generation += 1;
        slot.pair = Some(pair);
        Ok((authorization, slot.generation))
    }

    /// Drops the pair of `generation` after the API refused it (401), so the next call fetches a new one.
    /// A newer pair (another call already renewed) is kept.
    pub(crate) fn invalidate(&self, generation: u64) {
        let mut slot = self.slot();
        if slot.generation == generation && slot.pair.take().is_some() {
            tracing::debug!(
                vendor = "connectwise",
                "the member's key pair was refused; fetching a new one"
            );
        }
    }

    async fn fetch_pair(
        &self,
        transport: &Transport,
        integrator: Integrator<'_>,
        now: SystemTime,
    ) -> Result<Cached, Error> {
        let op = OperationMeta::new(
            Vendor::ConnectWise,
            "postSystemMembersByMemberIdentifierTokens",
            Method::POST,
            TOKENS_PATH,
        );
        let mut url = append_path(integrator.base, "");
        url.path_segments_mut()
            .map_err(|()| super::invalid_url("the ConnectWise site"))?
            .pop_if_empty()
            .extend(["system", "members", &self.member, "tokens"]);
        let mut request = reqwest::Request::new(Method::POST, url);
        let headers = request.headers_mut();
        headers.insert(AUTHORIZATION, integrator.authorization.clone());
        headers.insert(
            HeaderName::from_static("clientid"),
            integrator.client_id.clone(),
        );
        headers.insert(CONTENT_LENGTH, HeaderValue::from_static("0"));
        headers.insert(
            ACCEPT,
            integrator
                .accept
                .cloned()
                .unwrap_or_else(|| HeaderValue::from_static("application/json")),
        );
        tracing::debug!(
            vendor = "connectwise",
            "fetching the impersonated member's keys"
        );
        let body = send_auth_request(transport, request, &op).await?;
        let value: serde_json::Value =
            decode_json(&body, StatusCode::OK, &op).map_err(super::without_snippet)?;
        let malformed = |field: &str| Error::MalformedBody {
            operation_id: op.operation_id,
            status: StatusCode::OK,
            path: field.to_owned(),
            snippet: String::new(),
            source: serde::de::Error::custom("missing key in the member token answer"),
        };
        let public = any_case::string(&value, "publicKey").ok_or_else(|| malformed("publicKey"))?;
        let private =
            any_case::string(&value, "privateKey").ok_or_else(|| malformed("privateKey"))?;
        let authorization = basic_authorization(&self.company_id, public, private)?;
        let renew_at = match any_case::string(&value, "expiration").and_then(expiry_instant) {
            Some(expires) => expires.checked_sub(SKEW).unwrap_or(now),
            None => {
                tracing::warn!(
                    vendor = "connectwise",
                    "member token expiration unreadable; renewing in 15 minutes"
                );
                now + UNKNOWN_EXPIRY_LIFETIME
            }
        };
        Ok(Cached {
            authorization,
            renew_at,
        })
    }
}
