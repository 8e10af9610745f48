//! The receiver: axum handlers (tower services) that verify → parse → de-duplicate → hand a typed event to
//! your async handler → answer, quickly.
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use psa_clients::secret::Secret;
//! use psa_clients::webhooks::receiver::{Delivery, Receiver};
//! use psa_clients::webhooks::{autotask, connectwise};
//!
//! let cw = connectwise::Verifier::new(connectwise::KeyUrlPolicy::for_site("api-na.myconnectwise.net"))?;
//! let at = autotask::Verifier::new(Secret::new(std::env::var("AT_WEBHOOK_SECRET")?));
//! let app: axum::Router = axum::Router::new()
//!     .route("/hooks/connectwise", Receiver::connectwise(cw, |d: Delivery<connectwise::CallbackPayload>| async move {
//!         println!("{} {} #{:?}", d.payload.callback_type, d.payload.action.as_str(), d.payload.id);
//!         Ok(())
//!     }).into_method_router())
//!     .route("/hooks/autotask", Receiver::autotask(at, |d: Delivery<autotask::WebhookPayload>| async move {
//!         println!("{} {:?} #{:?}", d.payload.action, d.payload.entity_type, d.payload.id);
//!         Ok(())
//!     }).into_method_router());
//! # let _ = app; Ok(()) }
//! ```
//!
//! What each delivery gets:
//!
//! | outcome | status | body `status` |
//! | --- | --- | --- |
//! | verified, parsed, new | 200 (handler spawned; with [`Dispatch::Inline`] after it returned `Ok`) | `accepted` |
//! | verified, parsed, seen before | 200, handler not called (unless [`Duplicates::Deliver`]) | `duplicate` |
//! | verified but not a payload | 200 (answering an error would only make the vendor retry, then disable the hook) | `ignored` |
//! | signature missing, malformed or wrong; key URL refused | 401 | `rejected` |
//! | no secret configured | 500 | `rejected` |
//! | signing key could not be fetched | 503 (the vendor retries) | `rejected` |
//! | body over the size cap (default 1 MiB) | 413 | — |
//! | handler failed ([`Dispatch::Inline`] only) | 500 (the vendor retries; the key is forgotten) | `failed` |
//!
//! The reasons in the body and in the `tracing` events never contain a secret, a key or a signature.

use std::error::Error as StdError;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::MethodRouter;
use tracing::Instrument as _;

use super::dedup::{DedupStore, MemoryDedup};
use super::verify::{
    SignedRequest, VerifyError, AUTOTASK_SIGNATURE_HEADER, CONNECTWISE_SIGNATURE_HEADER,
};
use super::{autotask, bms, connectwise, WebhookError};

/// What your handler returns on failure.
pub type HandlerError = Box<dyn StdError + Send + Sync>;

type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// One verified delivery, as your handler gets it.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Delivery<P> {
    /// The typed payload.
    pub payload: P,
    /// The duplicate key (see [`super::dedup`]).
    pub dedup_key: String,
    /// Seen before (only ever `true` with [`Duplicates::Deliver`]).
    pub duplicate: bool,
    /// The request headers.
    pub headers: HeaderMap,
}

/// Whether your handler runs before or after the answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Dispatch {
    /// Answer 200 at once and run the handler on a spawned task (the default: vendors time out after ~10 s
    /// and disable hooks that keep failing). A handler error is logged; the vendor does not retry.
    Spawn,
    /// Run the handler first, at most this long: `Ok` → 200, `Err` or timeout → 500 and the vendor retries.
    Inline(Duration),
}

/// What happens to a delivery seen before.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Duplicates {
    /// Answer 200 `duplicate` without calling the handler (the default).
    Skip,
    /// Call the handler with [`Delivery::duplicate`] set.
    Deliver,
}

/// Counters of what a receiver did (shared by its clones).
#[derive(Debug, Default)]
pub struct Stats {
    accepted: AtomicU64,
    duplicates: AtomicU64,
    rejected: AtomicU64,
    ignored: AtomicU64,
    failed: AtomicU64,
}

impl Stats {
    /// New deliveries handed to the handler.
    pub fn accepted(&self) -> u64 {
        self.accepted.load(Ordering::Relaxed)
    }
    /// Redeliveries recognised.
    pub fn duplicates(&self) -> u64 {
        self.duplicates.load(Ordering::Relaxed)
    }
    /// Deliveries refused by the signature check.
    pub fn rejected(&self) -> u64 {
        self.rejected.load(Ordering::Relaxed)
    }
    /// Verified bodies that were not payloads.
    pub fn ignored(&self) -> u64 {
        self.ignored.load(Ordering::Relaxed)
    }
    /// Handler errors (and inline timeouts).
    pub fn failed(&self) -> u64 {
        self.failed.load(Ordering::Relaxed)
    }
}

type Verify<P> = Arc<
    dyn Fn(HeaderMap, Bytes) -> BoxFuture<'static, Result<(P, String), WebhookError>> + Send + Sync,
>;
type Handle<P> =
    Arc<dyn Fn(Delivery<P>) -> BoxFuture<'static, Result<(), HandlerError>> + Send + Sync>;

/// A webhook receiver for one vendor, turned into an axum route with [`Receiver::into_method_router`].
pub struct Receiver<P> {
    vendor: &'static str,
    verify: Verify<P>,
    handle: Handle<P>,
    dedup: Arc<dyn DedupStore>,
    dispatch: Dispatch,
    duplicates: Duplicates,
    max_body: usize,
    stats: Arc<Stats>,
}

impl<P> Clone for Receiver<P> {
    fn clone(&self) -> Self {
        Receiver {
            vendor: self.vendor,
            verify: Arc::clone(&self.verify),
            handle: Arc::clone(&self.handle),
            dedup: Arc::clone(&self.dedup),
            dispatch: self.dispatch,
            duplicates: self.duplicates,
            max_body: self.max_body,
            stats: Arc::clone(&self.stats),
        }
    }
}

impl<P> fmt::Debug for Receiver<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Receiver")
            .field("vendor", &self.vendor)
            .field("dispatch", &self.dispatch)
            .field("duplicates", &self.duplicates)
            .field("max_body", &self.max_body)
            .finish_non_exhaustive()
    }
}

fn handler_fn<P, H, Fut>(handler: H) -> Handle<P>
where
    H: Fn(Delivery<P>) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<(), HandlerError>> + Send + 'static,
{
    Arc::new(move |delivery| Box::pin(handler(delivery)))
}

fn header(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

impl Receiver<connectwise::CallbackPayload> {
    /// ConnectWise callbacks, checked by `verifier` (key URL policy, key fetch and cache).
    pub fn connectwise<H, Fut>(verifier: connectwise::Verifier, handler: H) -> Self
    where
        H: Fn(Delivery<connectwise::CallbackPayload>) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<(), HandlerError>> + Send + 'static,
    {
        let verify: Verify<connectwise::CallbackPayload> = Arc::new(move |headers, body| {
            let verifier = verifier.clone();
            Box::pin(async move {
                let signature = header(&headers, CONNECTWISE_SIGNATURE_HEADER);
                let payload = verifier.verify(&body, signature.as_deref()).await?;
                let key = payload.dedup_key();
                Ok((payload, key))
            })
        });
        Receiver::new("connectwise", verify, handler_fn(handler))
    }
}

impl Receiver<autotask::WebhookPayload> {
    /// Autotask webhooks (and deactivation notices: serve the `DeactivationUrl` with a receiver too — they are
    /// verified the same way), checked by `verifier`.
    pub fn autotask<H, Fut>(verifier: autotask::Verifier, handler: H) -> Self
    where
        H: Fn(Delivery<autotask::WebhookPayload>) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<(), HandlerError>> + Send + 'static,
    {
        let verify: Verify<autotask::WebhookPayload> = Arc::new(move |headers, body| {
            let verifier = verifier.clone();
            Box::pin(async move {
                let signature = header(&headers, AUTOTASK_SIGNATURE_HEADER);
                let payload = verifier.verify(&body, signature.as_deref())?;
                let key = payload.dedup_key();
                Ok((payload, key))
            })
        });
        Receiver::new("autotask", verify, handler_fn(handler))
    }
}

impl Receiver<bms::BmsDelivery> {
    /// Kaseya BMS webhooks, checked by `verifier`; `delivery_id_header` names a header that identifies a
    /// delivery, if you know one (otherwise duplicates are recognised by identical bodies).
    pub fn bms<H, Fut>(
        verifier: bms::Verifier,
        delivery_id_header: Option<&str>,
        handler: H,
    ) -> Self
    where
        H: Fn(Delivery<bms::BmsDelivery>) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<(), HandlerError>> + Send + 'static,
    {
        let id_header = delivery_id_header.map(str::to_ascii_lowercase);
        let verify: Verify<bms::BmsDelivery> = Arc::new(move |headers, body| {
            let verifier = verifier.clone();
            let id_header = id_header.clone();
            Box::pin(async move {
                verifier.check(SignedRequest {
                    body: &body,
                    headers: &headers,
                })?;
                let delivery = bms::BmsDelivery::from_parts(&body, headers)?;
                let key = delivery.dedup_key(id_header.as_deref());
                Ok((delivery, key))
            })
        });
        Receiver::new("bms", verify, handler_fn(handler))
    }
}

impl<P: Send + Sync + Clone + 'static> Receiver<P> {
    fn new(vendor: &'static str, verify: Verify<P>, handle: Handle<P>) -> Self {
        Receiver {
            vendor,
            verify,
            handle,
            dedup: Arc::new(MemoryDedup::default()),
            dispatch: Dispatch::Spawn,
            duplicates: Duplicates::Skip,
            max_body: 1024 * 1024,
            stats: Arc::new(Stats::default()),
        }
    }

    /// Another duplicate store (shared by several processes, or with other limits).
    pub fn dedup_store(mut self, store: impl DedupStore) -> Self {
        self.dedup = Arc::new(store);
        self
    }

    /// When the handler runs (default [`Dispatch::Spawn`]).
    pub fn dispatch(mut self, dispatch: Dispatch) -> Self {
        self.dispatch = dispatch;
        self
    }

    /// What happens to duplicates (default [`Duplicates::Skip`]).
    pub fn duplicates(mut self, duplicates: Duplicates) -> Self {
        self.duplicates = duplicates;
        self
    }

    /// The largest body accepted (default 1 MiB); larger ones are answered 413 unread.
    pub fn max_body(mut self, bytes: usize) -> Self {
        self.max_body = bytes;
        self
    }

    /// The counters (shared with the routes made from this receiver).
    pub fn stats(&self) -> Arc<Stats> {
        Arc::clone(&self.stats)
    }

    /// The route: `POST` only, with the body limit.
    pub fn into_method_router<S: Clone + Send + Sync + 'static>(self) -> MethodRouter<S> {
        let limit = self.max_body;
        axum::routing::post(move |headers: HeaderMap, body: Bytes| {
            let receiver = self.clone();
            async move { receiver.receive(headers, body).await }
        })
        .layer(DefaultBodyLimit::max(limit))
    }

    /// Processes one delivery (what the route calls; usable from any server).
    pub async fn receive(&self, headers: HeaderMap, body: Bytes) -> Response {
        let span = tracing::info_span!(
            "psa.webhook",
            vendor = self.vendor,
            outcome = tracing::field::Empty
        );
        self.receive_inner(headers, body).instrument(span).await
    }

    async fn receive_inner(&self, headers: HeaderMap, body: Bytes) -> Response {
        let span = tracing::Span::current();
        let (payload, key) = match (self.verify)(headers.clone(), body).await {
            Ok(parsed) => parsed,
            Err(WebhookError::Verify(error)) => {
                self.stats.rejected.fetch_add(1, Ordering::Relaxed);
                span.record("outcome", "rejected");
                tracing::warn!(reason = %error, "webhook delivery rejected");
                let status = match error {
                    VerifyError::NoSecret => StatusCode::INTERNAL_SERVER_ERROR,
                    VerifyError::SigningKey(_) => StatusCode::SERVICE_UNAVAILABLE,
                    _ => StatusCode::UNAUTHORIZED,
                };
                return answer(status, "rejected", Some(&error.to_string()));
            }
            Err(WebhookError::Payload(error)) => {
                self.stats.ignored.fetch_add(1, Ordering::Relaxed);
                span.record("outcome", "ignored");
                tracing::warn!(reason = %error, "verified webhook delivery is not a payload; ignored");
                return answer(StatusCode::OK, "ignored", None);
            }
        };
        let duplicate = self.dedup.check_and_record(&key);
        if duplicate {
            self.stats.duplicates.fetch_add(1, Ordering::Relaxed);
            span.record("outcome", "duplicate");
            tracing::info!("duplicate webhook delivery");
            if self.duplicates == Duplicates::Skip {
                return answer(StatusCode::OK, "duplicate", None);
            }
        } else {
            self.stats.accepted.fetch_add(1, Ordering::Relaxed);
            span.record("outcome", "accepted");
        }
        let delivery = Delivery {
            payload,
            dedup_key: key.clone(),
            duplicate,
            headers,
        };
        let status = if duplicate { "duplicate" } else { "accepted" };
        match self.dispatch {
            Dispatch::Spawn => {
                let handle = Arc::clone(&self.handle);
                let stats = Arc::clone(&self.stats);
                tokio::spawn(
                    async move {
                        if let Err(error) = handle(delivery).await {
                            stats.failed.fetch_add(1, Ordering::Relaxed);
                            tracing::warn!(error = %error, "webhook handler failed");
                        }
                    }
                    .in_current_span(),
                );
                answer(StatusCode::OK, status, None)
            }
            Dispatch::Inline(limit) => {
                let result = tokio::time::timeout(limit, (self.handle)(delivery)).await;
                match result {
                    Ok(Ok(())) => answer(StatusCode::OK, status, None),
                    Ok(Err(error)) => {
                        self.fail(&key);
                        tracing::warn!(error = %error, "webhook handler failed");
                        answer(StatusCode::INTERNAL_SERVER_ERROR, "failed", None)
                    }
                    Err(_) => {
                        self.fail(&key);
                        tracing::warn!(
                            limit_ms = limit.as_millis() as u64,
                            "webhook handler timed out"
                        );
                        answer(StatusCode::INTERNAL_SERVER_ERROR, "failed", None)
                    }
                }
            }
        }
    }

    fn fail(&self, key: &str) {
        self.stats.failed.fetch_add(1, Ordering::Relaxed);
        self.dedup.forget(key);
    }
}

fn answer(status: StatusCode, outcome: &str, reason: Option<&str>) -> Response {
    let mut body = serde_json::json!({ "status": outcome });
    if let Some(reason) = reason {
        body["reason"] = serde_json::Value::from(reason);
    }
    (
        status,
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        body.to_string(),
    )
        .into_response()
}
