//! Which failed attempts are retried, and how long to wait first.
//!
//! The rule that matters most: a request that may have changed data on the
//! server is never sent twice unless the server said it was not processed.
//! POST and PATCH create tickets and time entries; if the connection drops
//! after the request went out, or the server answers 5xx or times out, the
//! entry may already exist, and re-sending would duplicate it. A 429 is
//! different: the vendors' rate limiters reject the request before it
//! reaches the application, so nothing was written and a retry is safe.

use std::time::{Duration, SystemTime};

use reqwest::header::HeaderValue;
use reqwest::StatusCode;

/// Retry configuration. Build one with [`RetryPolicy::builder`].
#[derive(Debug, Clone, PartialEq)]
pub struct RetryPolicy {
    max_attempts: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
    max_retry_after: Duration,
    jitter: bool,
    jitter_seed: Option<u64>,
}

impl Default for RetryPolicy {
    /// 4 attempts, backoff 500 ms doubling up to 30 s with jitter, and
    /// `Retry-After` honoured up to 2 minutes.
    fn default() -> Self {
        Self {
            max_attempts: 4,
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(30),
            max_retry_after: Duration::from_secs(120),
            jitter: true,
            jitter_seed: None,
        }
    }
}

impl RetryPolicy {
    /// A builder starting from the defaults.
    pub fn builder() -> RetryPolicyBuilder {
        RetryPolicyBuilder {
            policy: Self::default(),
        }
    }

    /// Sends every request exactly once.
    pub fn no_retries() -> Self {
        Self {
            max_attempts: 1,
            ..Self::default()
        }
    }

    /// Total attempts per call, including the first.
    pub fn max_attempts(&self) -> u32 {
        self.max_attempts
    }

    /// The seed for the jitter random source, when one was set.
    pub fn jitter_seed(&self) -> Option<u64> {
        self.jitter_seed
    }

    /// The backoff before retry number `retry` (1 for the first retry).
    ///
    /// `initial * 2^(retry-1)`, capped at the maximum. With jitter on, the
    /// wait is scaled into `[cap/2, cap]` by `sample` (in `[0, 1)`): still
    /// spreads callers that failed together, but never retries much sooner
    /// than planned.
    pub fn backoff(&self, retry: u32, sample: f64) -> Duration {
        let factor = 2u32
            .checked_pow(retry.saturating_sub(1))
            .unwrap_or(u32::MAX);
        let capped = self
            .initial_backoff
            .saturating_mul(factor)
            .min(self.max_backoff);
        if self.jitter {
            let half = capped / 2;
            half + half.mul_f64(sample.clamp(0.0, 1.0))
        } else {
            capped
        }
    }

    /// Decides what to do after attempt number `attempt` (1-based) ended
    /// with `outcome`. `retry_safe` says whether the call may be repeated when its outcome is unknown
    /// ([`OperationMeta::retry_safe`](super::OperationMeta::retry_safe)).
    pub(crate) fn decide(
        &self,
        retry_safe: bool,
        outcome: &AttemptOutcome<'_>,
        attempt: u32,
        now: SystemTime,
        sample: f64,
    ) -> Decision {
        if attempt >= self.max_attempts {
            return Decision::GiveUp("no attempts left");
        }
        let backoff = || Decision::Retry(self.backoff(attempt, sample));
        match outcome {
            AttemptOutcome::Response { status, .. } if status.is_success() => {
                Decision::GiveUp("success")
            }
            // Rejected before processing, so safe for every method.
            AttemptOutcome::Response {
                status: StatusCode::TOO_MANY_REQUESTS,
                retry_after,
            } => self.after_retry_after(*retry_after, now, backoff),
            _ if !retry_safe => {
                Decision::GiveUp("outcome unknown for a call that is not safe to repeat")
            }
            AttemptOutcome::Response {
                status: StatusCode::SERVICE_UNAVAILABLE,
                retry_after,
            } => self.after_retry_after(*retry_after, now, backoff),
            AttemptOutcome::Response { status, .. } if is_transient_5xx(*status) => backoff(),
            AttemptOutcome::Response { .. } => Decision::GiveUp("status is final"),
            AttemptOutcome::ConnectFailed
            | AttemptOutcome::ConnectionLost
            | AttemptOutcome::TimedOut => backoff(),
            AttemptOutcome::Fatal => Decision::GiveUp("error is not transient"),
        }
    }

    fn after_retry_after(
        &self,
        header: Option<&HeaderValue>,
        now: SystemTime,
        backoff: impl Fn() -> Decision,
    ) -> Decision {
        match header.and_then(|value| parse_retry_after(value, now)) {
            Some(wait) if wait <= self.max_retry_after => Decision::Retry(wait),
            // Waiting less than asked would just burn another request on a
            // certain rejection; hand the wait to the caller instead.
            Some(_) => Decision::GiveUp("Retry-After exceeds the configured maximum"),
            None => backoff(),
        }
    }
}

/// Builder for [`RetryPolicy`].
#[derive(Debug, Clone)]
pub struct RetryPolicyBuilder {
    policy: RetryPolicy,
}

impl RetryPolicyBuilder {
    /// Total attempts per call including the first (at least 1).
    #[must_use]
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.policy.max_attempts = attempts.max(1);
        self
    }

    /// Backoff before the first retry; doubles for each further retry.
    #[must_use]
    pub fn initial_backoff(mut self, wait: Duration) -> Self {
        self.policy.initial_backoff = wait;
        self
    }

    /// Upper bound for the exponential backoff.
    #[must_use]
    pub fn max_backoff(mut self, wait: Duration) -> Self {
        self.policy.max_backoff = wait;
        self
    }

    /// The longest `Retry-After` waited on. A longer one ends the call
    /// with [`Error::RateLimited`](crate::Error::RateLimited) (or the 503)
    /// carrying the wait, so the caller decides.
    #[must_use]
    pub fn max_retry_after(mut self, wait: Duration) -> Self {
        self.policy.max_retry_after = wait;
        self
    }

    /// Turns backoff jitter on (default) or off.
    #[must_use]
    pub fn jitter(mut self, on: bool) -> Self {
        self.policy.jitter = on;
        self
    }

    /// Seeds the jitter random source so delays are reproducible.
    #[must_use]
    pub fn jitter_seed(mut self, seed: u64) -> Self {
        self.policy.jitter_seed = Some(seed);
        self
    }

    /// The finished policy.
    pub fn build(self) -> RetryPolicy {
        self.policy
    }
}

/// How one attempt ended, reduced to what the retry decision needs.
#[derive(Debug)]
pub(crate) enum AttemptOutcome<'a> {
    /// A response arrived.
    Response {
        status: StatusCode,
        retry_after: Option<&'a HeaderValue>,
    },
    /// No connection was made. The request did not go out, but it is still
    /// treated like the other failures: a proxy or a reused pooled
    /// connection can blur that line.
    ConnectFailed,
    /// The connection broke after the request may have been sent.
    ConnectionLost,
    /// The timeout elapsed; the server may still be processing.
    TimedOut,
    /// Retrying cannot help (bad URL, redirect loop, body error, …).
    Fatal,
}

impl<'a> AttemptOutcome<'a> {
    /// Reduces the HTTP client's result.
    pub(crate) fn of(result: &'a Result<reqwest::Response, reqwest::Error>) -> Self {
        match result {
            Ok(response) => Self::Response {
                status: response.status(),
                retry_after: response.headers().get(reqwest::header::RETRY_AFTER),
            },
            Err(err) if err.is_timeout() => Self::TimedOut,
            Err(err) if err.is_connect() => Self::ConnectFailed,
            Err(err) if err.is_request() => Self::ConnectionLost,
            Err(_) => Self::Fatal,
        }
    }
}

/// What to do after an attempt.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Decision {
    /// Wait this long, then send again.
    Retry(Duration),
    /// Return this attempt's result; the reason is for the log.
    GiveUp(&'static str),
}

/// 5xx that may go away: not 501 (Not Implemented) or 505 (HTTP Version
/// Not Supported), which will say the same next time.
fn is_transient_5xx(status: StatusCode) -> bool {
    status.is_server_error()
        && status != StatusCode::NOT_IMPLEMENTED
        && status != StatusCode::HTTP_VERSION_NOT_SUPPORTED
}

/// Parses a `Retry-After` value: delta-seconds or an HTTP date, the latter
/// relative to `now` (a date in the past means "now", i.e. zero).
///
/// Returns `None` for anything else, so the caller falls back to backoff.
pub fn parse_retry_after(value: &HeaderValue, now: SystemTime) -> Option<Duration> {
    let text = value.to_str().ok()?.trim();
    if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
        // Too many digits for u64 still means "a very long time".
        return Some(text.parse().map_or(Duration::MAX, Duration::from_secs));
    }
    let date = httpdate::parse_http_date(text).ok()?;
    Some(date.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transport::meta::is_idempotent;
    use reqwest::Method;

    fn now() -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000)
    }

    fn policy() -> RetryPolicy {
        RetryPolicy::builder()
            .max_attempts(5)
            .initial_backoff(Duration::from_secs(1))
            .max_backoff(Duration::from_secs(4))
            .max_retry_after(Duration::from_secs(60))
            .jitter(false)
            .build()
    }

    fn status(code: u16, retry_after: Option<&HeaderValue>) -> AttemptOutcome<'_> {
        AttemptOutcome::Response {
            status: StatusCode::from_u16(code).expect("valid test status"),
            retry_after,
        }
    }

    #[test]
    fn retry_after_seconds_and_dates() {
        let secs = HeaderValue::from_static(" 17 ");
        assert_eq!(
            parse_retry_after(&secs, now()),
            Some(Duration::from_secs(17))
        );

        let date = httpdate::fmt_http_date(now() + Duration::from_secs(42));
        let date = HeaderValue::from_str(&date).expect("ascii date");
        assert_eq!(
            parse_retry_after(&date, now()),
            Some(Duration::from_secs(42))
        );

        let past = HeaderValue::from_static("Thu, 01 Jan 1970 00:00:00 GMT");
        assert_eq!(parse_retry_after(&past, now()), Some(Duration::ZERO));

        let huge = HeaderValue::from_static("99999999999999999999999");
        assert_eq!(parse_retry_after(&huge, now()), Some(Duration::MAX));

        for bad in ["", "soon", "-5", "1.5"] {
            let value = HeaderValue::from_static(bad);
            assert_eq!(parse_retry_after(&value, now()), None, "{bad:?}");
        }
    }

    #[test]
    fn backoff_doubles_and_is_capped() {
        let p = policy();
        let waits: Vec<u64> = (1..=6).map(|r| p.backoff(r, 0.5).as_secs()).collect();
        assert_eq!(waits, [1, 2, 4, 4, 4, 4]);
        // Huge retry numbers must not overflow.
        assert_eq!(p.backoff(u32::MAX, 0.0), Duration::from_secs(4));
    }

    #[test]
    fn jitter_stays_between_half_and_full() {
        let p = RetryPolicy::builder()
            .initial_backoff(Duration::from_secs(8))
            .max_backoff(Duration::from_secs(8))
            .build();
        assert_eq!(p.backoff(1, 0.0), Duration::from_secs(4));
        assert_eq!(p.backoff(1, 0.5), Duration::from_secs(6));
        assert!(p.backoff(1, 0.999_999) <= Duration::from_secs(8));
    }

    #[test]
    fn post_is_retried_only_on_429() {
        let p = policy();
        let post = Method::POST;
        let retry = Decision::Retry(Duration::from_secs(1));
        assert_eq!(
            p.decide(is_idempotent(&post), &status(429, None), 1, now(), 0.0),
            retry
        );
        for outcome in [
            status(500, None),
            status(502, None),
            status(503, None),
            status(504, None),
            AttemptOutcome::ConnectFailed,
            AttemptOutcome::ConnectionLost,
            AttemptOutcome::TimedOut,
        ] {
            for method in [Method::POST, Method::PATCH] {
                let decision = p.decide(is_idempotent(&method), &outcome, 1, now(), 0.0);
                assert!(
                    matches!(decision, Decision::GiveUp(_)),
                    "{method} {outcome:?}"
                );
            }
        }
    }

    #[test]
    fn idempotent_methods_retry_transient_failures_only() {
        let p = policy();
        for method in [
            Method::GET,
            Method::PUT,
            Method::DELETE,
            Method::HEAD,
            Method::OPTIONS,
        ] {
            for outcome in [
                status(500, None),
                status(503, None),
                AttemptOutcome::ConnectionLost,
                AttemptOutcome::TimedOut,
            ] {
                let decision = p.decide(is_idempotent(&method), &outcome, 2, now(), 0.0);
                assert_eq!(
                    decision,
                    Decision::Retry(Duration::from_secs(2)),
                    "{method}"
                );
            }
            for outcome in [
                status(200, None),
                status(400, None),
                status(404, None),
                status(501, None),
                AttemptOutcome::Fatal,
            ] {
                let decision = p.decide(is_idempotent(&method), &outcome, 1, now(), 0.0);
                assert!(matches!(decision, Decision::GiveUp(_)), "{outcome:?}");
            }
        }
    }

    #[test]
    fn retry_after_beyond_the_cap_is_handed_back() {
        let p = policy();
        let long = HeaderValue::from_static("61");
        let ok = HeaderValue::from_static("60");
        let get = Method::GET;
        assert!(matches!(
            p.decide(
                is_idempotent(&get),
                &status(429, Some(&long)),
                1,
                now(),
                0.0
            ),
            Decision::GiveUp(_)
        ));
        assert_eq!(
            p.decide(is_idempotent(&get), &status(503, Some(&ok)), 1, now(), 0.0),
            Decision::Retry(Duration::from_secs(60))
        );
    }

    #[test]
    fn attempts_run_out() {
        let p = policy();
        let decision = p.decide(
            is_idempotent(&Method::GET),
            &status(503, None),
            5,
            now(),
            0.0,
        );
        assert_eq!(decision, Decision::GiveUp("no attempts left"));
        assert_eq!(RetryPolicy::no_retries().max_attempts(), 1);
        assert_eq!(
            RetryPolicy::builder()
                .max_attempts(0)
                .build()
                .max_attempts(),
            1
        );
    }
}
