//! Recognising redeliveries: vendors retry a delivery they think failed (a timeout, a non-2xx answer), so the
//! same event can arrive more than once. Each payload names a key ([`super::connectwise::CallbackPayload::dedup_key`],
//! [`super::autotask::WebhookPayload::dedup_key`], [`super::bms::BmsDelivery::dedup_key`]); a [`DedupStore`]
//! remembers the keys seen.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Remembers delivery keys. Implement it over a shared store (Redis, a database) when several receiver
/// processes serve one URL; [`MemoryDedup`] serves one process.
pub trait DedupStore: Send + Sync + 'static {
    /// Records `key`; `true` when it had been recorded before (a duplicate).
    fn check_and_record(&self, key: &str) -> bool;
    /// Forgets `key` (its handling failed and the vendor's retry should be processed).
    fn forget(&self, key: &str);
}

/// An in-memory [`DedupStore`] with a capacity and a time-to-live (defaults: 100,000 keys, 24 hours).
#[derive(Debug)]
pub struct MemoryDedup {
    inner: Mutex<Inner>,
    capacity: usize,
    ttl: Duration,
}

#[derive(Debug, Default)]
struct Inner {
    seen: HashMap<String, Instant>,
    order: VecDeque<(Instant, String)>,
}

impl Inner {
    fn pop_oldest(&mut self) {
        if let Some((at, key)) = self.order.pop_front() {
            if self.seen.get(&key) == Some(&at) {
                self.seen.remove(&key);
            }
        }
    }
}

impl Default for MemoryDedup {
    fn default() -> Self {
        MemoryDedup::new(100_000, Duration::from_secs(24 * 3600))
    }
}

impl MemoryDedup {
    /// At most `capacity` keys, each kept for `ttl`.
    pub fn new(capacity: usize, ttl: Duration) -> MemoryDedup {
        MemoryDedup {
            inner: Mutex::new(Inner::default()),
            capacity: capacity.max(1),
            ttl,
        }
    }

    /// Keys remembered now.
    pub fn len(&self) -> usize {
        self.lock().seen.len()
    }

    /// No key remembered.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl DedupStore for MemoryDedup {
    fn check_and_record(&self, key: &str) -> bool {
        let now = Instant::now();
        let mut inner = self.lock();
        // Expire from the front (oldest first); entries forgotten or re-recorded since are skipped.
        while inner
            .order
            .front()
            .is_some_and(|(at, _)| now.duration_since(*at) >= self.ttl)
        {
            inner.pop_oldest();
        }
        if inner
            .seen
            .get(key)
            .is_some_and(|at| now.duration_since(*at) < self.ttl)
        {
            return true;
        }
        while inner.seen.len() >= self.capacity && !inner.order.is_empty() {
            inner.pop_oldest();
        }
        inner.seen.insert(key.to_owned(), now);
        inner.order.push_back((now, key.to_owned()));
        false
    }

    fn forget(&self, key: &str) {
        self.lock().seen.remove(key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn second_sight_is_a_duplicate_until_forgotten() {
        let store = MemoryDedup::default();
        assert!(!store.check_and_record("a"));
        assert!(store.check_and_record("a"));
        store.forget("a");
        assert!(!store.check_and_record("a"));
    }

    #[test]
    fn capacity_evicts_the_oldest() {
        let store = MemoryDedup::new(2, Duration::from_secs(60));
        assert!(!store.check_and_record("a"));
        assert!(!store.check_and_record("b"));
        assert!(!store.check_and_record("c"));
        assert_eq!(store.len(), 2);
        assert!(!store.check_and_record("a"), "a was evicted");
        assert!(store.check_and_record("c"));
    }

    #[test]
    fn keys_expire() {
        let store = MemoryDedup::new(10, Duration::ZERO);
        assert!(!store.check_and_record("a"));
        assert!(!store.check_and_record("a"));
    }
}
