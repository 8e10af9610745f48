//! Configuration of a [`Transport`].

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::classify::BodyLogging;
use super::clock::{Clock, SystemClock};
use super::execute::Transport;
use super::limits::{BudgetTracker, ConcurrencyLimiter, RequestBudget};
use super::redirect::same_origin_redirects;
use super::retry::RetryPolicy;
use super::USER_AGENT;
use crate::Error;

/// Builder for [`Transport`]; start with [`Transport::builder`].
#[derive(Debug, Clone)]
pub struct TransportBuilder {
    connect_timeout: Duration,
    timeout: Duration,
    retry: RetryPolicy,
    endpoint_concurrency: usize,
    endpoint_overrides: HashMap<String, usize>,
    budget: Option<RequestBudget>,
    max_redirects: usize,
    clock: Arc<dyn Clock>,
    body_logging: BodyLogging,
}

impl Default for TransportBuilder {
    fn default() -> Self {
        Self {
            connect_timeout: Duration::from_secs(10),
            // Large Autotask/ConnectWise queries can take tens of seconds.
            timeout: Duration::from_secs(60),
            retry: RetryPolicy::default(),
            // Autotask allows 3 concurrent requests per entity and API user.
            endpoint_concurrency: 3,
            endpoint_overrides: HashMap::new(),
            budget: None,
            max_redirects: 5,
            clock: Arc::new(SystemClock),
            body_logging: BodyLogging::off(),
        }
    }
}

impl TransportBuilder {
    /// Time allowed to establish a connection (default 10 s).
    #[must_use]
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Time allowed for one attempt, from sending to the end of the body
    /// (default 60 s).
    #[must_use]
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The retry policy (default [`RetryPolicy::default`]).
    #[must_use]
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Concurrent requests allowed per endpoint key (default 3).
    #[must_use]
    pub fn endpoint_concurrency(mut self, limit: usize) -> Self {
        self.endpoint_concurrency = limit;
        self
    }

    /// A different concurrency limit for one endpoint key (see
    /// [`OperationMeta::limit_key`](super::OperationMeta::limit_key)).
    #[must_use]
    pub fn endpoint_concurrency_for(mut self, key: impl Into<String>, limit: usize) -> Self {
        self.endpoint_overrides.insert(key.into(), limit);
        self
    }

    /// A global request budget (default: none).
    #[must_use]
    pub fn request_budget(mut self, budget: RequestBudget) -> Self {
        self.budget = Some(budget);
        self
    }

    /// Same-origin redirects followed per request (default 5).
    #[must_use]
    pub fn max_redirects(mut self, max: usize) -> Self {
        self.max_redirects = max;
        self
    }

    /// The clock for waits and `Retry-After` dates (default: the real one).
    #[must_use]
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// Logs every API response body at TRACE, redacted and cut to a bounded
    /// length (default: off); see [`BodyLogging::redacted`]. The auth
    /// layer's own calls are never logged.
    #[must_use]
    pub fn log_response_bodies(mut self, enabled: bool) -> Self {
        self.body_logging = if enabled {
            BodyLogging::redacted()
        } else {
            BodyLogging::off()
        };
        self
    }

    /// How response bodies are logged, e.g.
    /// `BodyLogging::redacted().with_max_len(8192)` (default: not at all).
    #[must_use]
    pub fn response_body_logging(mut self, logging: BodyLogging) -> Self {
        self.body_logging = logging;
        self
    }

    /// Builds the transport and its HTTP client.
    ///
    /// # Errors
    /// [`Error::Config`] for a zero concurrency limit or budget, or when the
    /// HTTP client cannot be created (e.g. no TLS backend).
    pub fn build(self) -> Result<Transport, Error> {
        let zero_limit = self.endpoint_concurrency == 0
            || self.endpoint_overrides.values().any(|&limit| limit == 0);
        if zero_limit {
            return Err(config("a concurrency limit of 0 would block every request"));
        }
        if let Some(budget) = self.budget {
            if budget.limit() == 0 || budget.window().is_zero() {
                return Err(config(
                    "a request budget needs a limit and a window above 0",
                ));
            }
        }
        let client = reqwest::Client::builder()
            .user_agent(USER_AGENT)
            .connect_timeout(self.connect_timeout)
            .timeout(self.timeout)
            .redirect(same_origin_redirects(self.max_redirects))
            .build()
            .map_err(|err| config(&format!("cannot create the HTTP client: {err}")))?;
        let rng = match self.retry.jitter_seed() {
            Some(seed) => fastrand::Rng::with_seed(seed),
            None => fastrand::Rng::new(),
        };
        Ok(Transport {
            client,
            retry: self.retry,
            limiter: Arc::new(ConcurrencyLimiter::new(
                self.endpoint_concurrency,
                self.endpoint_overrides,
            )),
            budget: self
                .budget
                .map(|budget| Arc::new(BudgetTracker::new(budget))),
            clock: self.clock,
            rng: Arc::new(Mutex::new(rng)),
            body_logging: self.body_logging,
        })
    }
}

fn config(message: &str) -> Error {
    Error::Config {
        message: message.to_owned(),
    }
}
