//! "Ensure" registration: make a wanted set of callbacks/webhooks true, idempotently — list what is
//! registered, match by identity, create what is missing, fix what differs, and (only when asked, and only
//! among registrations whose URL starts with a prefix you own) remove what is stale. Running it twice changes
//! nothing the second time.
//!
//! - [`connectwise::ensure_callbacks`] (feature `connectwise-system`): `/system/callbacks`, matched by
//!   type, level, `objectId` and URL.
//! - [`autotask::ensure_webhooks`] (feature `autotask`): `{Entity}Webhooks` with their `…/Fields`, matched by
//!   entity and webhook URL.
//! - [`bms::ensure_bms_webhooks`] (feature `bms`): `/v2/admin/webhooks`, matched by payload URL.

#[cfg(feature = "autotask")]
pub mod autotask;
#[cfg(feature = "bms")]
pub mod bms;
#[cfg(feature = "connectwise-system")]
pub mod connectwise;

/// What an ensure run did, by registration id.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct EnsureReport {
    /// Registrations created.
    pub created: Vec<i64>,
    /// Registrations changed to match (fields, flags, descriptions).
    pub updated: Vec<i64>,
    /// Stale registrations removed.
    pub removed: Vec<i64>,
    /// Registrations already as wanted.
    pub unchanged: Vec<i64>,
}

impl EnsureReport {
    /// Nothing was created, changed or removed.
    pub fn is_noop(&self) -> bool {
        self.created.is_empty() && self.updated.is_empty() && self.removed.is_empty()
    }
}

/// Which stale registrations may be removed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Stale {
    /// Leave every registration that is not wanted alone (the default).
    #[default]
    Keep,
    /// Remove registrations that are not wanted and whose URL starts with this prefix (yours); others'
    /// registrations on the same tenant are never touched.
    RemoveUnder(String),
}

impl Stale {
    pub(crate) fn removes(&self, url: Option<&str>) -> bool {
        match (self, url) {
            (Stale::RemoveUnder(prefix), Some(url)) => {
                !prefix.is_empty() && url.starts_with(prefix.as_str())
            }
            _ => false,
        }
    }
}
