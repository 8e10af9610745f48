//! The call loop: limits, send, retry decision, tracing.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Instant;

use bytes::Bytes;
use tracing::{field, Instrument};

use super::builder::TransportBuilder;
use super::classify::{classify_logging, BodyLogging};
use super::clock::Clock;
use super::limits::{BudgetTracker, ConcurrencyLimiter};
use super::meta::OperationMeta;
use super::retry::{AttemptOutcome, Decision, RetryPolicy};
use crate::Error;

/// Sends requests with retries, limits and tracing. Cheap to clone; clones
/// share limits, budget and connection pool.
#[derive(Debug, Clone)]
pub struct Transport {
    pub(super) client: reqwest::Client,
    pub(super) retry: RetryPolicy,
    pub(super) limiter: Arc<ConcurrencyLimiter>,
    pub(super) budget: Option<Arc<BudgetTracker>>,
    pub(super) clock: Arc<dyn Clock>,
    pub(super) rng: Arc<Mutex<fastrand::Rng>>,
    pub(super) body_logging: BodyLogging,
}

impl Transport {
    /// A builder with sane defaults.
    pub fn builder() -> TransportBuilder {
        TransportBuilder::default()
    }

    /// The configured HTTP client (user agent, timeouts, redirect policy),
    /// e.g. to hand to a generated client's `new_with_client`.
    pub fn client(&self) -> &reqwest::Client {
        &self.client
    }

    /// The clock this transport waits with.
    pub fn clock(&self) -> &Arc<dyn Clock> {
        &self.clock
    }

    /// Sends `request`, retrying what the [`RetryPolicy`] allows.
    ///
    /// Returns the last response whatever its status, so the caller can
    /// decode a vendor's typed error; use [`Transport::classify`] to turn it
    /// into bytes or an [`Error`]. A request whose body is a stream cannot
    /// be copied and is sent once.
    ///
    /// The endpoint's concurrency slot is held until the response headers
    /// arrive (the vendors count a request while they process it), not
    /// while the caller reads the body.
    ///
    /// # Errors
    /// [`Error::Transport`] / [`Error::Timeout`] when no response arrived
    /// and no retry was allowed, [`Error::RateLimited`] when the request
    /// budget is used up and set to fail.
    pub async fn execute(
        &self,
        request: reqwest::Request,
        op: OperationMeta,
    ) -> Result<reqwest::Response, Error> {
        let span = tracing::info_span!(
            "psa.request",
            vendor = %op.vendor,
            operation_id = op.operation_id,
            method = %op.method,
            path_template = op.path_template,
            attempt = field::Empty,
            status = field::Empty,
            latency_ms = field::Empty,
        );
        self.run(request, &op).instrument(span).await
    }

    /// Reads the body and classifies the response with this transport's
    /// clock; see [`classify_parts`](super::classify_parts). Logs the body
    /// only as [`TransportBuilder::log_response_bodies`] says.
    ///
    /// # Errors
    /// The typed [`Error`] for a failed response.
    pub async fn classify(
        &self,
        response: reqwest::Response,
        op: &OperationMeta,
    ) -> Result<Bytes, Error> {
        classify_logging(response, op, self.clock.now(), &self.body_logging).await
    }

    async fn run(
        &self,
        mut request: reqwest::Request,
        op: &OperationMeta,
    ) -> Result<reqwest::Response, Error> {
        let span = tracing::Span::current();
        let started = Instant::now();
        let mut attempt = 0;
        loop {
            attempt += 1;
            // Copy before sending: the send consumes the request. `None`
            // for a streaming body, which then gets no retry.
            let spare = if attempt < self.retry.max_attempts() {
                request.try_clone()
            } else {
                None
            };
            let result = self.send_once(request, op).await?;
            span.record("attempt", attempt);
            span.record("latency_ms", started.elapsed().as_millis());
            if let Ok(response) = &result {
                span.record("status", response.status().as_u16());
            }

            let outcome = AttemptOutcome::of(&result);
            let decision = self.retry.decide(
                op.retry_safe,
                &outcome,
                attempt,
                self.clock.now(),
                self.sample(),
            );
            match (decision, spare) {
                (Decision::Retry(delay), Some(spare)) => {
                    tracing::info!(
                        attempt,
                        delay_ms = delay.as_millis(),
                        outcome = ?outcome,
                        "retrying"
                    );
                    drop(result);
                    self.clock.sleep(delay).await;
                    request = spare;
                }
                (Decision::Retry(_), None) => {
                    tracing::debug!(attempt, "not retrying: the request body cannot be re-sent");
                    return finish(result, op);
                }
                (Decision::GiveUp(reason), _) => {
                    tracing::debug!(attempt, reason, "done");
                    return finish(result, op);
                }
            }
        }
    }

    /// One attempt inside the limits. The outer error is a limit failure;
    /// the inner result is the HTTP client's.
    async fn send_once(
        &self,
        request: reqwest::Request,
        op: &OperationMeta,
    ) -> Result<Result<reqwest::Response, reqwest::Error>, Error> {
        // Permit before budget, so the budget timestamp is close to the
        // real send time.
        let _permit = self.limiter.acquire(op.limit_key()).await;
        if let Some(budget) = &self.budget {
            budget.take(self.clock.as_ref(), op).await?;
        }
        let started = Instant::now();
        let result = self.client.execute(request).await;
        tracing::debug!(
            status = result.as_ref().ok().map(|r| r.status().as_u16()),
            attempt_ms = started.elapsed().as_millis(),
            "attempt finished"
        );
        Ok(result)
    }

    /// A jitter sample in `[0, 1)`.
    fn sample(&self) -> f64 {
        self.rng
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .f64()
    }
}

fn finish(
    result: Result<reqwest::Response, reqwest::Error>,
    op: &OperationMeta,
) -> Result<reqwest::Response, Error> {
    result.map_err(|err| Error::from_reqwest(op.operation_id, err))
}
