//! The emulator's shared state: tenants (one per vendor), settings, clock, faults, journal, in-flight counts.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use crate::clock::Clock;
use crate::faults::FaultRule;
use crate::journal::JournalEntry;
use crate::{autotask, bms, connectwise, seed, Credentials};

/// How an emulator starts.
#[derive(Debug, Clone)]
pub struct Options {
    /// Where to listen (loopback only); port 0 picks a free one.
    pub listen: SocketAddr,
    /// The demo tenants' seed (the same seed gives the same records).
    pub seed: u64,
    /// Tickets per vendor in the demo tenant (default 120: three pages at ConnectWise's and BMS's default
    /// sizes; Autotask pages are 500, so its tenant gets 3 × 500 + 20 tickets).
    pub tickets: usize,
    /// Lifetime of a BMS access token.
    pub bms_token_lifetime: Duration,
    /// BMS's server-side page-size cap.
    pub bms_page_cap: usize,
    /// Autotask's concurrent requests per entity (`None`: unlimited).
    pub autotask_thread_limit: Option<usize>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            seed: 11,
            tickets: 120,
            bms_token_lifetime: Duration::from_secs(3600),
            bms_page_cap: 100,
            autotask_thread_limit: Some(3),
        }
    }
}

/// Settings the control API may change at run time.
#[derive(Debug, Clone)]
pub(crate) struct Settings {
    pub bms_token_lifetime: Duration,
    pub bms_page_cap: usize,
    pub autotask_thread_limit: Option<usize>,
    /// Requests left in Autotask's hourly budget (`None`: unlimited).
    pub autotask_budget: Option<u64>,
    /// The zone the Autotask tenant lives in (0: `/atservicesrest`, n: `/zone{n}/atservicesrest`).
    pub autotask_zone: u32,
    /// The ConnectWise codebase, e.g. `v2022_1/`.
    pub cw_codebase: String,
}

/// The three vendors' data and sessions.
#[derive(Debug, Clone)]
pub(crate) struct Tenants {
    pub connectwise: connectwise::Tenant,
    pub autotask: autotask::Tenant,
    pub bms: bms::Tenant,
}

/// In-flight requests of one Autotask entity.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Inflight {
    pub current: usize,
    pub max: usize,
}

/// Everything the server and the control handle share.
#[derive(Debug)]
pub(crate) struct Shared {
    pub base_url: String,
    pub clock: Clock,
    pub settings: Mutex<Settings>,
    pub tenants: Mutex<Tenants>,
    seed_tenants: Tenants,
    defaults: Settings,
    pub journal: Mutex<Vec<JournalEntry>>,
    pub seq: AtomicU64,
    pub faults: Mutex<Vec<FaultRule>>,
    pub inflight: Mutex<HashMap<String, Inflight>>,
    /// Outgoing ConnectWise callbacks and Autotask webhooks.
    pub hooks: crate::hooks::Hooks,
}

/// Locks a mutex, recovering the data of a panicked holder (state stays usable for later requests).
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Shared {
    pub fn new(base_url: String, options: Options) -> Shared {
        let tenants = seed::tenants(options.seed, options.tickets, &base_url);
        let defaults = Settings {
            bms_token_lifetime: options.bms_token_lifetime,
            bms_page_cap: options.bms_page_cap,
            autotask_thread_limit: options.autotask_thread_limit,
            autotask_budget: None,
            autotask_zone: 0,
            cw_codebase: connectwise::DEFAULT_CODEBASE.to_owned(),
        };
        Shared {
            base_url,
            clock: Clock::default(),
            settings: Mutex::new(defaults.clone()),
            tenants: Mutex::new(tenants.clone()),
            seed_tenants: tenants,
            defaults,
            journal: Mutex::new(Vec::new()),
            seq: AtomicU64::new(0),
            faults: Mutex::new(Vec::new()),
            inflight: Mutex::new(HashMap::new()),
            hooks: crate::hooks::Hooks::new(),
        }
    }

    /// Back to the seed state: records, sessions, settings, clock, faults, journal, concurrency counters.
    pub fn reset(&self) {
        *lock(&self.tenants) = self.seed_tenants.clone();
        *lock(&self.settings) = self.defaults.clone();
        lock(&self.faults).clear();
        lock(&self.journal).clear();
        lock(&self.inflight).clear();
        self.hooks.clear();
        self.clock.reset();
    }

    pub fn next_seq(&self) -> u64 {
        self.seq.fetch_add(1, Ordering::Relaxed) + 1
    }

    /// The Autotask zone URL of zone `zone`.
    pub fn autotask_zone_url(&self, zone: u32) -> String {
        if zone == 0 {
            format!("{}/atservicesrest", self.base_url)
        } else {
            format!("{}/zone{zone}/atservicesrest", self.base_url)
        }
    }

    pub fn credentials(&self) -> Credentials {
        let zone = lock(&self.settings).autotask_zone;
        Credentials {
            connectwise: connectwise::demo_credentials(&self.base_url),
            autotask: autotask::demo_credentials(
                &format!("{}/atservicesrest", self.base_url),
                &self.autotask_zone_url(zone),
            ),
            bms: bms::demo_credentials(&self.base_url),
        }
    }
}

/// Counts an Autotask request in flight for `entity`; the guard counts it out.
pub(crate) struct InflightGuard {
    shared: Arc<Shared>,
    entity: String,
}

impl InflightGuard {
    /// Enters `entity`; `Err(current)` when the limit is already reached (the request is not counted).
    pub fn enter(shared: &Arc<Shared>, entity: &str, limit: Option<usize>) -> Result<Self, usize> {
        let mut inflight = lock(&shared.inflight);
        let slot = inflight.entry(entity.to_owned()).or_default();
        if limit.is_some_and(|limit| slot.current >= limit) {
            return Err(slot.current);
        }
        slot.current += 1;
        slot.max = slot.max.max(slot.current);
        Ok(InflightGuard {
            shared: Arc::clone(shared),
            entity: entity.to_owned(),
        })
    }
}

impl Drop for InflightGuard {
    fn drop(&mut self) {
        if let Some(slot) = lock(&self.shared.inflight).get_mut(&self.entity) {
            slot.current = slot.current.saturating_sub(1);
        }
    }
}
