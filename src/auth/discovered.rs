//! A base URL that is looked up once and looked up again on demand.
//!
//! ConnectWise (codebase) and Autotask (zone) both serve their API under a
//! base URL that has to be discovered first and that can change while a
//! client is running. [`DiscoveredBase`] holds that URL for them; the
//! vendors only supply the discovery call and decide when to recover.

use std::future::Future;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, SystemTime};

use reqwest::Url;

use crate::Error;

/// A base URL that is either fixed by configuration or discovered on first
/// use and cached.
///
/// Two locks with different jobs:
///
/// - the *current* base and its generation sit behind a plain mutex that is
///   only ever held for a copy, never across I/O, so reading the base for a
///   call ([`DiscoveredBase::base`] once cached, [`DiscoveredBase::generation`])
///   never waits for a discovery in flight;
/// - discoveries run one at a time under an async *flight* lock, so
///   concurrent calls that find the base missing or stale cause exactly one
///   discovery (single flight); only the calls that need its result wait.
///
/// Every installed base bumps a *generation*; a call remembers the
/// generation it was sent with, which lets [`DiscoveredBase::recover`] tell
/// "the base went stale" from "another call already replaced it while I
/// waited". Re-discoveries asked for by [`DiscoveredBase::recover`] happen at
/// most once per `min_interval` (by the transport's clock), so a stream of
/// failures that are not about the base costs one look-up, not one each.
#[derive(Debug)]
pub(crate) struct DiscoveredBase {
    /// Set by configuration: never discovered, never recovered.
    fixed: Option<Url>,
    /// Vendor name for logs, e.g. `connectwise`.
    vendor: &'static str,
    /// What the base stands for in logs, e.g. `codebase` or `zone`.
    what: &'static str,
    /// Least time between two re-discoveries by [`DiscoveredBase::recover`].
    min_interval: Duration,
    current: Mutex<State>,
    /// Held across a discovery; never needed to read the current base.
    flight: tokio::sync::Mutex<()>,
}

#[derive(Debug, Default)]
struct State {
    /// Bumped each time a different base URL is installed.
    generation: u64,
    base: Option<Url>,
    /// When [`DiscoveredBase::recover`] last started a re-discovery.
    last_recovery: Option<SystemTime>,
}

impl DiscoveredBase {
    /// A base that is discovered unless `fixed` is given, re-discovered at
    /// most once per `min_interval`. `vendor` and `what` only name it in
    /// logs.
    pub(crate) fn new(
        fixed: Option<Url>,
        vendor: &'static str,
        what: &'static str,
        min_interval: Duration,
    ) -> Self {
        Self {
            fixed,
            vendor,
            what,
            min_interval,
            current: Mutex::new(State::default()),
            flight: tokio::sync::Mutex::new(()),
        }
    }

    /// The current state. The lock is held only while the caller copies
    /// out of it; the state stays valid if a holder panicked (it is plain
    /// data), so a poisoned lock is used as is.
    fn state(&self) -> MutexGuard<'_, State> {
        self.current.lock().unwrap_or_else(PoisonError::into_inner)
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
        if let Some(base) = self.state().base.clone() {
            return Ok(base);
        }
        let _flight = self.flight.lock().await;
        // Another call may have discovered it while this one waited.
        if let Some(base) = self.state().base.clone() {
            return Ok(base);
        }
        let base = discover().await?;
        let mut state = self.state();
        state.base = Some(base.clone());
        state.generation += 1;
        Ok(base)
    }

    /// The generation of the current base, to hand to
    /// [`DiscoveredBase::recover`] when a call sent with it fails. Never
    /// waits for a discovery.
    pub(crate) fn generation(&self) -> u64 {
        self.state().generation
    }

    /// Decides whether a call sent with the base of `generation` should be
    /// sent once more, re-discovering the base when that can help. `now` is
    /// the transport clock's time.
    ///
    /// - `generation` is stale: another call has already installed a new
    ///   base, so this returns true without discovering again (single
    ///   flight).
    /// - The base is fixed: there is nothing to re-discover; false.
    /// - A re-discovery started less than `min_interval` ago: false, without
    ///   discovering (a burst of failures that are not about the base costs
    ///   one look-up).
    /// - Otherwise `discover` runs. Only a base that differs from the cached
    ///   one is installed (bumping the generation) and answers true: with
    ///   the same base the failure was not about the base, and re-sending
    ///   would only fail the same way again.
    ///
    /// # Errors
    /// Whatever `discover` fails with; the cached base is kept then.
    pub(crate) async fn recover<F, Fut>(
        &self,
        generation: u64,
        now: SystemTime,
        discover: F,
    ) -> Result<bool, Error>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<Url, Error>>,
    {
        if self.fixed.is_some() {
            return Ok(false);
        }
        if let Some(answer) = self.settled(generation, now) {
            return Ok(answer);
        }
        let _flight = self.flight.lock().await;
        // Decided by a discovery that ran while this call waited?
        if let Some(answer) = self.settled(generation, now) {
            return Ok(answer);
        }
        self.state().last_recovery = Some(now);
        let base = discover().await?;
        let mut state = self.state();
        if state.base.as_ref() == Some(&base) {
            tracing::debug!(
                vendor = self.vendor,
                "{} unchanged; not re-sending",
                self.what
            );
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

    /// The answer of [`DiscoveredBase::recover`] when no discovery is
    /// needed: true for a stale generation, false within the interval.
    fn settled(&self, generation: u64, now: SystemTime) -> Option<bool> {
        let state = self.state();
        if state.generation != generation {
            return Some(true);
        }
        let recent = state.last_recovery.is_some_and(|last| {
            // A clock that went back counts as "long ago".
            now.duration_since(last)
                .is_ok_and(|since| since < self.min_interval)
        });
        recent.then_some(false)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    const MINUTE: Duration = Duration::from_secs(60);

    fn at(secs: u64) -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000 + secs)
    }

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
        let base = DiscoveredBase::new(None, "test", "base", MINUTE);
        let calls = AtomicUsize::new(0);
        let first = base.base(|| counted(&calls, "https://a.example/")).await;
        let second = base.base(|| counted(&calls, "https://b.example/")).await;
        assert_eq!(first.unwrap(), url("https://a.example/"));
        assert_eq!(second.unwrap(), url("https://a.example/"));
        assert_eq!(calls.load(Ordering::SeqCst), 1);
        assert_eq!(base.generation(), 1);
    }

    #[tokio::test]
    async fn stale_generation_recovers_without_discovering() {
        let base = DiscoveredBase::new(None, "test", "base", MINUTE);
        let calls = AtomicUsize::new(0);
        base.base(|| counted(&calls, "https://a.example/"))
            .await
            .unwrap();
        let stale = base.generation() - 1;
        let again = base
            .recover(stale, at(0), || counted(&calls, "https://b.example/"))
            .await;
        assert!(again.unwrap());
        assert_eq!(calls.load(Ordering::SeqCst), 1);
        assert_eq!(base.generation(), 1);
    }

    #[tokio::test]
    async fn same_base_does_not_resend() {
        let base = DiscoveredBase::new(None, "test", "base", MINUTE);
        let calls = AtomicUsize::new(0);
        base.base(|| counted(&calls, "https://a.example/"))
            .await
            .unwrap();
        let again = base
            .recover(1, at(0), || counted(&calls, "https://a.example/"))
            .await;
        assert!(!again.unwrap());
        assert_eq!(calls.load(Ordering::SeqCst), 2);
        assert_eq!(base.generation(), 1);
    }

    #[tokio::test]
    async fn changed_base_resends_and_bumps_the_generation() {
        let base = DiscoveredBase::new(None, "test", "base", MINUTE);
        let calls = AtomicUsize::new(0);
        base.base(|| counted(&calls, "https://a.example/"))
            .await
            .unwrap();
        let again = base
            .recover(1, at(0), || counted(&calls, "https://b.example/"))
            .await;
        assert!(again.unwrap());
        assert_eq!(base.generation(), 2);
        let current = base.base(|| counted(&calls, "https://c.example/")).await;
        assert_eq!(current.unwrap(), url("https://b.example/"));
        assert_eq!(calls.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn fixed_base_is_never_discovered() {
        let base = DiscoveredBase::new(Some(url("https://fixed.example/")), "test", "base", MINUTE);
        let calls = AtomicUsize::new(0);
        let current = base.base(|| counted(&calls, "https://a.example/")).await;
        assert_eq!(current.unwrap(), url("https://fixed.example/"));
        let again = base
            .recover(0, at(0), || counted(&calls, "https://a.example/"))
            .await;
        assert!(!again.unwrap());
        assert_eq!(calls.load(Ordering::SeqCst), 0);
        assert_eq!(base.generation(), 0);
    }

    #[tokio::test]
    async fn re_discovery_happens_at_most_once_per_interval() {
        let base = DiscoveredBase::new(None, "test", "base", MINUTE);
        let calls = AtomicUsize::new(0);
        base.base(|| counted(&calls, "https://a.example/"))
            .await
            .unwrap();
        for secs in [0, 30, 59] {
            let again = base
                .recover(1, at(secs), || counted(&calls, "https://a.example/"))
                .await;
            assert!(!again.unwrap());
        }
        assert_eq!(calls.load(Ordering::SeqCst), 2, "one re-discovery");
        let again = base
            .recover(1, at(60), || counted(&calls, "https://b.example/"))
            .await;
        assert!(again.unwrap());
        assert_eq!(calls.load(Ordering::SeqCst), 3);
    }

    #[tokio::test]
    async fn readers_do_not_wait_for_a_discovery_in_flight() {
        let base = DiscoveredBase::new(None, "test", "base", MINUTE);
        let calls = AtomicUsize::new(0);
        base.base(|| counted(&calls, "https://a.example/"))
            .await
            .unwrap();
        let (release, wait) = tokio::sync::oneshot::channel::<()>();
        let slow = base.recover(1, at(0), || async {
            let _ = wait.await;
            Ok(url("https://b.example/"))
        });
        let readers = async {
            // While the discovery is parked, the current base and its
            // generation are readable at once.
            let current = base.base(|| counted(&calls, "https://c.example/")).await;
            assert_eq!(current.unwrap(), url("https://a.example/"));
            assert_eq!(base.generation(), 1);
            release.send(()).unwrap();
        };
        let (recovered, ()) = tokio::join!(slow, readers);
        assert!(recovered.unwrap());
        assert_eq!(base.generation(), 2);
    }
}
