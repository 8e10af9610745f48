//! Client-side limits that keep us inside the vendors' published limits
//! instead of finding them with 429s.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, SystemTime};

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use super::clock::Clock;
use super::meta::OperationMeta;
use crate::error::VendorBody;
use crate::Error;

/// What to do when the [`RequestBudget`] is used up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum WhenExhausted {
    /// Wait until the oldest request leaves the window (default).
    #[default]
    Wait,
    /// Fail at once with [`Error::RateLimited`] carrying the wait.
    Fail,
}

/// At most `limit` requests in any sliding `window`, e.g. Autotask's
/// 10,000 per hour.
///
/// Counted per [`Transport`](super::Transport), so it only approximates a
/// vendor limit that is shared with other integrations on the same tenant;
/// set it below the vendor's number to leave room for them. Every attempt,
/// including retries, counts, because the vendor counts them too.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RequestBudget {
    limit: usize,
    window: Duration,
    when_exhausted: WhenExhausted,
}

impl RequestBudget {
    /// `limit` requests per sliding `window`, waiting when exhausted.
    pub fn new(limit: usize, window: Duration) -> Self {
        Self {
            limit,
            window,
            when_exhausted: WhenExhausted::Wait,
        }
    }

    /// `limit` requests per sliding hour.
    pub fn per_hour(limit: usize) -> Self {
        Self::new(limit, Duration::from_secs(3600))
    }

    /// Chooses between waiting and failing when the budget is used up.
    #[must_use]
    pub fn when_exhausted(mut self, behaviour: WhenExhausted) -> Self {
        self.when_exhausted = behaviour;
        self
    }

    /// The number of requests allowed per window.
    pub fn limit(&self) -> usize {
        self.limit
    }

    /// The window length.
    pub fn window(&self) -> Duration {
        self.window
    }
}

/// Caps in-flight requests per endpoint key. Callers over the cap queue in
/// arrival order (tokio's semaphore is fair) instead of being rejected.
#[derive(Debug)]
pub(crate) struct ConcurrencyLimiter {
    default_limit: usize,
    overrides: HashMap<String, usize>,
    semaphores: Mutex<HashMap<String, Arc<Semaphore>>>,
}

impl ConcurrencyLimiter {
    /// `default_limit` per key, with per-key overrides. Callers validate
    /// that no limit is zero (a zero limit would block forever).
    pub(crate) fn new(default_limit: usize, overrides: HashMap<String, usize>) -> Self {
        Self {
            default_limit,
            overrides,
            semaphores: Mutex::new(HashMap::new()),
        }
    }

    /// Waits for a slot for `key`; the slot is freed when the permit drops.
    pub(crate) async fn acquire(&self, key: &str) -> OwnedSemaphorePermit {
        let semaphore = {
            let mut map = lock(&self.semaphores);
            let limit = self
                .overrides
                .get(key)
                .copied()
                .unwrap_or(self.default_limit);
            Arc::clone(
                map.entry(key.to_owned())
                    .or_insert_with(|| Arc::new(Semaphore::new(limit))),
            )
        };
        semaphore
            .acquire_owned()
            .await
            .expect("limiter semaphores are never closed")
    }
}

/// Tracks the send times inside the sliding window.
#[derive(Debug)]
pub(crate) struct BudgetTracker {
    budget: RequestBudget,
    sent: Mutex<VecDeque<SystemTime>>,
}

impl BudgetTracker {
    pub(crate) fn new(budget: RequestBudget) -> Self {
        Self {
            budget,
            sent: Mutex::new(VecDeque::with_capacity(budget.limit.min(16_384))),
        }
    }

    /// Takes a slot now, or says how long until one frees up.
    fn try_take(&self, now: SystemTime) -> Result<(), Duration> {
        let window = self.budget.window;
        let mut sent = lock(&self.sent);
        while let Some(&oldest) = sent.front() {
            // A clock that went backwards gives an error: keep the entry.
            match now.duration_since(oldest) {
                Ok(age) if age >= window => {
                    sent.pop_front();
                }
                _ => break,
            }
        }
        if sent.len() < self.budget.limit {
            sent.push_back(now);
            return Ok(());
        }
        let oldest = sent.front().copied().unwrap_or(now);
        let age = now.duration_since(oldest).unwrap_or(Duration::ZERO);
        Err(window.saturating_sub(age).max(Duration::from_millis(1)))
    }

    /// Takes a slot, waiting or failing as configured.
    pub(crate) async fn take(&self, clock: &dyn Clock, op: &OperationMeta) -> Result<(), Error> {
        loop {
            let wait = match self.try_take(clock.now()) {
                Ok(()) => return Ok(()),
                Err(wait) => wait,
            };
            match self.budget.when_exhausted {
                WhenExhausted::Fail => {
                    return Err(Error::RateLimited {
                        operation_id: op.operation_id,
                        status: None,
                        retry_after: Some(wait),
                        body: VendorBody::Empty,
                    })
                }
                WhenExhausted::Wait => {
                    tracing::info!(
                        wait_ms = wait.as_millis(),
                        "request budget used up; waiting"
                    );
                    clock.sleep(wait).await;
                }
            }
        }
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // The guarded maps stay consistent even if a holder panicked.
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transport::{ManualClock, Vendor};
    use reqwest::Method;

    fn op() -> OperationMeta {
        OperationMeta::new(Vendor::Autotask, "getTickets", Method::GET, "/Tickets")
    }

    fn start() -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000)
    }

    #[tokio::test]
    async fn budget_waits_for_the_oldest_request_to_leave_the_window() {
        let clock = ManualClock::new(start());
        let tracker = BudgetTracker::new(RequestBudget::new(2, Duration::from_secs(10)));
        tracker.take(&clock, &op()).await.expect("slot 1");
        clock.advance(Duration::from_secs(3));
        tracker.take(&clock, &op()).await.expect("slot 2");
        tracker
            .take(&clock, &op())
            .await
            .expect("slot 3 after waiting");
        // The first request was 3 s ago, so it leaves the window in 7 s.
        assert_eq!(clock.sleeps(), [Duration::from_secs(7)]);
    }

    #[tokio::test]
    async fn budget_can_fail_fast_with_the_wait() {
        let clock = ManualClock::new(start());
        let budget = RequestBudget::per_hour(1).when_exhausted(WhenExhausted::Fail);
        let tracker = BudgetTracker::new(budget);
        tracker.take(&clock, &op()).await.expect("slot 1");
        clock.advance(Duration::from_secs(600));
        let err = tracker.take(&clock, &op()).await.unwrap_err();
        assert_eq!(err.retry_after(), Some(Duration::from_secs(3000)));
        assert!(clock.sleeps().is_empty());
    }

    #[tokio::test(start_paused = true)]
    async fn callers_over_the_limit_queue_instead_of_failing() {
        let limiter = Arc::new(ConcurrencyLimiter::new(
            3,
            HashMap::from([("/Contacts".to_owned(), 1)]),
        ));
        let held: Vec<_> = hold_permits(&limiter, "/Tickets", 3).await;
        assert_eq!(held.len(), 3);

        // A fourth caller waits until one permit is released.
        let waiter = tokio::spawn({
            let limiter = Arc::clone(&limiter);
            async move { limiter.acquire("/Tickets").await }
        });
        tokio::task::yield_now().await;
        assert!(!waiter.is_finished());
        drop(held);
        assert!(waiter.await.is_ok());

        // Other keys are independent, and overrides apply.
        let _contacts = limiter.acquire("/Contacts").await;
        let second = tokio::time::timeout(Duration::from_secs(1), limiter.acquire("/Contacts"));
        assert!(second.await.is_err(), "override of 1 must block the second");
    }

    async fn hold_permits(
        limiter: &ConcurrencyLimiter,
        key: &str,
        n: usize,
    ) -> Vec<OwnedSemaphorePermit> {
        let mut permits = Vec::new();
        for _ in 0..n {
            permits.push(limiter.acquire(key).await);
        }
        permits
    }
}
