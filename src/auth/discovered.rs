//! A base URL that is looked up once and looked up again on demand.
//!
//! ConnectWise (codebase) and Autotask (zone) both serve their API under a
//! base URL that has to be discovered first and that can change while a
//! client is running. [`DiscoveredBase`] holds that URL for them; the
//! vendors only supply the discovery call and decide when to recover.

use std::future::Future;

use reqwest::Url;
use tokio::sync::Mutex;

use crate::Error;

/// A base URL that is either fixed by configuration or discovered on first
/// use and cached.
///
/// Discovery runs under one async mutex, so concurrent calls that find the
/// base missing or stale cause exactly one discovery (single flight). Every
/// installed base bumps a *generation*; a call remembers the generation it
/// was sent with, which lets [`DiscoveredBase::recover`] tell "the base went
/// stale" from "another call already replaced it while I waited".
#[derive(Debug)]
pub(crate) struct DiscoveredBase {
    /// Set by configuration: never discovered, never recovered.
    fixed: Option<Url>,
    /// Vendor name for logs, e.g. `connectwise`.
    vendor: &'static str,
    /// What the base stands for in logs, e.g. `codebase` or `zone`.
    what: &'static str,
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    /// Bumped each time a different base URL is installed.
    generation: u64,
    base: Option<Url>,
}

impl DiscoveredBase {
    /// A base that is discovered unless `fixed` is given. `vendor` and
    /// `what` only name it in logs.
    pub(crate) fn new(fixed: Option<Url>, vendor: &'static str, what: &'static str) -> Self {
        Self {
            fixed,
            vendor,
            what,
            state: Mutex::new(State::default()),
        }
    }

    /// The fixed base, else the cached one, else the result of `discover`,
    /// which is then cached.
    ///
    /// # Errors
    /// Whatever `discover` fails with; nothing is cached then, so the next
    /// call tries again.
    pub(crate) async fn base<F, Fut>(&self, discover: F) -> Result<Url, Error>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<Url, Error>>,
    {
        if let Some(base) = &self.fixed {
            return Ok(base.clone());
        }
        let mut state = self.state.lock().await;
        if let Some(base) = &state.base {
            return Ok(base.clone());
        }
        let base = discover().await?;
        state.base = Some(base.clone());
        state.generation += 1;
        Ok(base)
    }

    /// The generation of the current base, to hand to
    /// [`DiscoveredBase::recover`] when a call sent with it fails.
    pub(crate) async fn generation(&self) -> u64 {
        self.state.lock().await.generation
    }

    /// Decides whether a call sent with the base of `generation` should be
    /// sent once more, re-discovering the base when that can help.
    ///
    /// - `generation` is stale: another call has already installed a new
    ///   base while this one waited, so this returns true without
    ///   discovering again (single flight).
    /// - The base is fixed: there is nothing to re-discover; false.
    /// - Otherwise `discover` runs. Only a base that differs from the cached
    ///   one is installed (bumping the generation) and answers true: with
    ///   the same base the failure was not about the base, and re-sending
    ///   would only fail the same way again.
    ///
    /// # Errors
    /// Whatever `discover` fails with; the cached base is kept then.
    pub(crate) async fn recover<F, Fut>(&self, generation: u64, discover: F) -> Result<bool, Error>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<Url, Error>>,
    {
        if self.fixed.is_some() {
            return Ok(false);
        }
        let mut state = self.state.lock().await;
        if state.generation != generation {
            return Ok(true);
        }
        let base = discover().await?;
        if state.base.as_ref() == Some(&base) {
            return Ok(false);
        }
        tracing::debug!(
            vendor = self.vendor,
            "{} changed; re-sending the call",
            self.what
        );
        state.base = Some(base);
        state.generation += 1;
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    fn url(text: &str) -> Url {
        Url::parse(text).unwrap()
    }

    /// A discovery that answers `text` and counts how often it ran.
    async fn counted(calls: &AtomicUsize, text: &str) -> Result<Url, Error> {
        calls.fetch_add(1, Ordering::SeqCst);
        Ok(url(text))
    }

    #[tokio::test]
    async fn discovers_once_and_caches() {
        let base = DiscoveredBase::new(None, "test", "base");
        let calls = AtomicUsize::new(0);
        let first = base.base(|| counted(&calls, "https://a.example/")).await;
        let second = base.base(|| counted(&calls, "https://b.example/")).await;
        assert_eq!(first.unwrap(), url("https://a.example/"));
        assert_eq!(second.unwrap(), url("https://a.example/"));
        assert_eq!(calls.load(Ordering::SeqCst), 1);
        assert_eq!(base.generation().await, 1);
    }

    #[tokio::test]
    async fn stale_generation_recovers_without_discovering() {
        let base = DiscoveredBase::new(None, "test", "base");
        let calls = AtomicUsize::new(0);
        base.base(|| counted(&calls, "https://a.example/"))
            .await
            .unwrap();
        let stale = base.generation().await - 1;
        let again = base
            .recover(stale, || counted(&calls, "https://b.example/"))
            .await;
        assert!(again.unwrap());
        assert_eq!(calls.load(Ordering::SeqCst), 1);
        assert_eq!(base.generation().await, 1);
    }

    #[tokio::test]
    async fn same_base_does_not_resend() {
        let base = DiscoveredBase::new(None, "test", "base");
        let calls = AtomicUsize::new(0);
        base.base(|| counted(&calls, "https://a.example/"))
            .await
            .unwrap();
        let again = base
            .recover(1, || counted(&calls, "https://a.example/"))
            .await;
        assert!(!again.unwrap());
        assert_eq!(calls.load(Ordering::SeqCst), 2);
        assert_eq!(base.generation().await, 1);
    }

    #[tokio::test]
    async fn changed_base_resends_and_bumps_the_generation() {
        let base = DiscoveredBase::new(None, "test", "base");
        let calls = AtomicUsize::new(0);
        base.base(|| counted(&calls, "https://a.example/"))
            .await
            .unwrap();
        let again = base
            .recover(1, || counted(&calls, "https://b.example/"))
            .await;
        assert!(again.unwrap());
        assert_eq!(base.generation().await, 2);
        let current = base.base(|| counted(&calls, "https://c.example/")).await;
        assert_eq!(current.unwrap(), url("https://b.example/"));
        assert_eq!(calls.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn fixed_base_is_never_discovered() {
        let base = DiscoveredBase::new(Some(url("https://fixed.example/")), "test", "base");
        let calls = AtomicUsize::new(0);
        let current = base.base(|| counted(&calls, "https://a.example/")).await;
        assert_eq!(current.unwrap(), url("https://fixed.example/"));
        let again = base
            .recover(0, || counted(&calls, "https://a.example/"))
            .await;
        assert!(!again.unwrap());
        assert_eq!(calls.load(Ordering::SeqCst), 0);
        assert_eq!(base.generation().await, 0);
    }
}
