//! Drift: what the responses held that the vendor document did not predict — keys it does not declare, values of
//! another type, enum values it does not list, required fields that were missing.
//!
//! Decoding never fails because of drift (see [`lenient`](crate::lenient)), so without a report drift is
//! silent. A [`Drift`] handle, one per vendor client (`client.drift()`), is off by default; switched on it
//! records every finding per operation and JSON path ([`Drift::take`] gives the [`DriftReport`], which is JSON
//! both ways) and logs the first occurrence of each as a `tracing` event at INFO (target `psa_clients::drift`),
//! without values. In [`DriftMode::Strict`] any drift fails the call instead, as
//! [`Error::Drift`](crate::Error::Drift) naming the operation and the JSON path: for a user's own tests.
//!
//! How findings are collected (a thread-local collector fed by the decoder) and what that costs is explained in
//! `collect.rs`.

pub(crate) mod collect;
pub mod hooks;
mod report;

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

pub use report::{DriftEntry, DriftKind, DriftReport, JsonType, SpecRef};

use crate::SpecInfo;

/// Whether drift is recorded, and what it does to a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[repr(u8)]
pub enum DriftMode {
    /// Nothing recorded; decoding is lenient and costs nothing extra (the default).
    #[default]
    Off = 0,
    /// Decoding stays lenient; every finding is recorded in the report and logged once.
    Report = 1,
    /// Any drift fails the call with [`Error::Drift`](crate::Error::Drift) (it is recorded in the report too).
    Strict = 2,
}

impl DriftMode {
    fn from_u8(value: u8) -> Self {
        match value {
            1 => Self::Report,
            2 => Self::Strict,
            _ => Self::Off,
        }
    }
}

/// A shared drift report and its setting. Cheap to clone; clones share the report.
#[derive(Debug, Clone, Default)]
pub struct Drift {
    inner: Arc<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    mode: AtomicU8,
    /// Keep an example value per finding (default `true`; secret-looking keys are always redacted).
    no_examples: AtomicBool,
    vendor: Option<&'static str>,
    spec: Option<SpecInfo>,
    state: Mutex<State>,
}

/// One finding's identity in the shared report.
type Key = (&'static str, DriftKind, String);

#[derive(Debug, Default)]
struct State {
    index: HashMap<Key, usize>,
    report: Vec<report::DriftEntry>,
    dropped: u64,
    /// Findings already logged. Not cleared by `take`, so a program that takes a report every minute does not
    /// log the same drift every minute; bounded by [`Drift::MAX_LOGGED`].
    logged: HashSet<Key>,
}

impl Drift {
    /// Entries a report holds before further findings are only counted in [`DriftReport::dropped`].
    pub const MAX_ENTRIES: usize = 4096;
    /// Distinct findings logged over the handle's life; after that, one event says logging stopped.
    pub const MAX_LOGGED: usize = 4096;

    /// A handle in `mode`.
    pub fn new(mode: DriftMode) -> Self {
        let drift = Self::default();
        drift.set_mode(mode);
        drift
    }

    /// A handle for a vendor client: reports name the vendor and the document the client was generated from.
    pub fn for_vendor(mode: DriftMode, vendor: &'static str, spec: SpecInfo) -> Self {
        let inner = Inner {
            mode: AtomicU8::new(mode as u8),
            vendor: Some(vendor),
            spec: Some(spec),
            ..Inner::default()
        };
        Self {
            inner: Arc::new(inner),
        }
    }

    /// The current mode.
    pub fn mode(&self) -> DriftMode {
        DriftMode::from_u8(self.inner.mode.load(Ordering::Relaxed))
    }

    /// Changes the mode; takes effect for responses decoded from now on.
    pub fn set_mode(&self, mode: DriftMode) {
        self.inner.mode.store(mode as u8, Ordering::Relaxed);
    }

    /// Whether findings keep an example value (default `true`). Off, a report holds paths, counts and JSON
    /// types only: no value a server sent (secret-looking keys are redacted either way).
    pub fn set_examples(&self, keep: bool) {
        self.inner.no_examples.store(!keep, Ordering::Relaxed);
    }

    pub(crate) fn examples(&self) -> bool {
        !self.inner.no_examples.load(Ordering::Relaxed)
    }

    /// Everything recorded so far, and a fresh start.
    pub fn take(&self) -> DriftReport {
        let mut state = self.lock();
        let entries = std::mem::take(&mut state.report);
        let dropped = std::mem::take(&mut state.dropped);
        state.index.clear();
        drop(state);
        self.report(entries, dropped)
    }

    /// Everything recorded so far, kept.
    pub fn snapshot(&self) -> DriftReport {
        let state = self.lock();
        let (entries, dropped) = (state.report.clone(), state.dropped);
        drop(state);
        self.report(entries, dropped)
    }

    fn report(&self, entries: Vec<DriftEntry>, dropped: u64) -> DriftReport {
        DriftReport {
            vendor: self.inner.vendor.map(str::to_owned),
            spec: self.inner.spec.map(SpecRef::from),
            entries,
            dropped,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // A panic while holding the lock leaves a report that is at worst missing one merge.
        self.inner
            .state
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Merges what one response's decode found.
    pub(crate) fn absorb(&self, operation_id: &'static str, found: Vec<collect::Found>) {
        if found.is_empty() {
            return;
        }
        let mut to_log = Vec::new();
        let mut limit_reached = false;
        let mut state = self.lock();
        for found in found {
            let key: Key = (operation_id, found.kind, found.path);
            if !state.logged.contains(&key) {
                if state.logged.len() < Self::MAX_LOGGED {
                    state.logged.insert(key.clone());
                    to_log.push((key.1, key.2.clone(), found.types, found.count));
                } else if state.logged.len() == Self::MAX_LOGGED {
                    // One marker entry past the limit, so this is said once.
                    state
                        .logged
                        .insert(("", DriftKind::UnknownField, String::new()));
                    limit_reached = true;
                }
            }
            let State {
                index,
                report,
                dropped,
                ..
            } = &mut *state;
            match index.get(&key) {
                Some(&at) => {
                    let entry = &mut report[at];
                    entry.count += found.count;
                    let types = found.types | bits(&entry.json_types);
                    entry.json_types = JsonType::from_bits(types);
                    if entry.example.is_none() {
                        entry.example = found.example;
                    }
                    for value in found.values {
                        if entry.values.len() < 16 && !entry.values.contains(&value) {
                            entry.values.push(value);
                        }
                    }
                }
                None if report.len() < Self::MAX_ENTRIES => {
                    index.insert(key.clone(), report.len());
                    report.push(DriftEntry {
                        operation_id: operation_id.to_owned(),
                        kind: key.1,
                        path: key.2,
                        count: found.count,
                        json_types: JsonType::from_bits(found.types),
                        example: found.example,
                        message: found.message,
                        enum_type: found.enum_type.map(short_type_name),
                        values: found.values,
                    });
                }
                None => *dropped += found.count,
            }
        }
        drop(state);
        // Logged after the lock is released: a subscriber may take its time.
        for (kind, path, types, count) in to_log {
            tracing::info!(
                target: "psa_clients::drift",
                vendor = self.inner.vendor.unwrap_or(""),
                operation_id,
                kind = kind.as_str(),
                path = %path,
                json_types = ?JsonType::from_bits(types),
                count,
                "response drift: the vendor document does not predict this"
            );
        }
        if limit_reached {
            tracing::info!(
                target: "psa_clients::drift",
                limit = Self::MAX_LOGGED,
                "response drift: further findings are recorded in the report but not logged"
            );
        }
    }
}

/// Decodes the list of field `name` of a hand-written model (one with serde's derive), so drift inside its
/// elements is reported under `name[]` (`#[serde(deserialize_with = …)]` through a small wrapper).
///
/// # Errors
/// Whatever decoding the list reports.
pub fn list_field<'de, D, T>(name: &'static str, deserializer: D) -> Result<Vec<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    let field = collect::enter(collect::Segment::Field(name));
    let elements = collect::enter(collect::Segment::Elements);
    let list = <Vec<T> as serde::Deserialize>::deserialize(deserializer);
    collect::leave(elements);
    collect::leave(field);
    list
}

fn bits(types: &[JsonType]) -> u8 {
    types.iter().fold(0, |bits, t| bits | t.bit())
}

/// `Color` of `psa_clients_connectwise::types::Color`.
fn short_type_name(name: &'static str) -> String {
    name.rsplit("::").next().unwrap_or(name).to_owned()
}

#[cfg(test)]
mod test_models;
#[cfg(test)]
mod tests;
