//! The collector that records drift while one response body is decoded.
//!
//! Why a thread-local collector fed during decoding, and not a walk over the decoded value afterwards: the
//! decoder is the only place that knows what is drift. Once decoded, an unknown enum value looks like any other
//! value, a model's `extra` serializes into its parent's map (`#[serde(flatten)]`), so a walk through
//! `Serialize` cannot tell a kept key from a declared one, and nothing after decoding knows the JSON path. The
//! lean `Deserialize` impls already call into `psa_clients_runtime` for every field (`de::set`,
//! `lenient::set`, `lenient::keep`), so those calls push the field onto a path and record what they keep.
//!
//! Cost: with drift off (the default) each field that holds a list, an object or an enum (single values need no
//! path: their only drift is their own misfit, recorded with their name) reads one `const` thread-local `Cell`
//! and finds [`DriftMode::Off`]: no allocation, no lock, no hashing; measured at 2–3 % of a page's decode time
//! (`benches/drift.rs`, README). When on, those fields push their name onto a `String` (and truncate it after),
//! and each finding is one hash look-up on its path in a per-response map, so a page of 1000 records with the
//! same unknown key yields one entry counted 1000 times. The shared report is locked once per response, when the
//! collector's findings are merged into it.
//!
//! Limits: models that keep serde's derive (the few the lean pass cannot rewrite) put nothing on the path, so a
//! finding below one is reported under its parent's path; an untagged enum (typify's `oneOf`) decodes each
//! alternative it tries, so findings of an alternative it then rejects are reported too.
//!
//! Decoding is synchronous (the body is fully read before it starts), so the thread that starts a scope is
//! the thread that decodes: no finding can leak into another task's scope across an `.await`.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;

use serde_json::Value;

use super::report::{example, DriftKind, JsonType};
use super::DriftMode;

thread_local! {
    // `const` and `Copy`: reading it is a plain thread-local load, with no lazy initialisation check.
    static ACTIVE: Cell<DriftMode> = const { Cell::new(DriftMode::Off) };
    static STATE: RefCell<Collector> = RefCell::new(Collector::default());
}

/// Distinct enum values kept per entry.
const MAX_VALUES: usize = 16;

/// What one decode found.
#[derive(Debug, Default)]
pub(crate) struct Collected {
    /// One per kind and path, in the order first seen.
    pub(crate) found: Vec<Found>,
    /// In strict mode, the first drift, which failed the decode.
    pub(crate) failure: Option<Failure>,
}

/// One kind of drift at one path, within one response.
#[derive(Debug)]
pub(crate) struct Found {
    pub(crate) kind: DriftKind,
    pub(crate) path: String,
    pub(crate) count: u64,
    /// [`JsonType::bit`]s of the values seen.
    pub(crate) types: u8,
    pub(crate) example: Option<Value>,
    pub(crate) message: Option<String>,
    pub(crate) enum_type: Option<&'static str>,
    pub(crate) values: Vec<String>,
}

/// The drift that failed a decode in strict mode.
#[derive(Debug, Clone)]
pub(crate) struct Failure {
    pub(crate) kind: DriftKind,
    /// The path as the collector knew it (`items[].foo`); the decoder's error has the exact one.
    pub(crate) path: String,
    pub(crate) message: String,
}

#[derive(Debug, Default)]
struct Collector {
    examples: bool,
    /// The path of the value being decoded, e.g. `items[].company`.
    path: String,
    /// Reused for look-ups, so a repeated finding allocates nothing.
    key: String,
    index: HashMap<String, usize>,
    collected: Collected,
}

/// One step into a value.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Segment<'a> {
    /// A field of an object.
    Field(&'a str),
    /// Any element of a list.
    Elements,
    /// Any value of a map.
    MapValues,
}

/// Where the path was before a [`Segment`] was entered.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Mark(usize);

/// The mode of the scope on this thread ([`DriftMode::Off`] outside any).
#[inline(always)]
pub(crate) fn mode() -> DriftMode {
    ACTIVE.with(Cell::get)
}

/// True inside a strict scope.
#[inline]
pub(crate) fn strict() -> bool {
    mode() == DriftMode::Strict
}

/// Steps into `segment`; `None` (and nothing done) outside a scope.
///
/// This and [`leave`] run for every field of every model: the check is inlined into the generated decoders and
/// the work is not, so with drift off a field costs one thread-local load and a branch, and the decoders' code
/// does not grow.
#[inline(always)]
pub(crate) fn enter(segment: Segment<'_>) -> Option<Mark> {
    if mode() == DriftMode::Off {
        return None;
    }
    Some(enter_scoped(segment))
}

#[cold]
#[inline(never)]
fn enter_scoped(segment: Segment<'_>) -> Mark {
    STATE.with_borrow_mut(|c| {
        let mark = Mark(c.path.len());
        push(&mut c.path, segment);
        mark
    })
}

/// Steps back out. Marks are absolute, so a scope left early by an error (an untagged enum trying its next
/// variant) is repaired by the next `leave` of an outer segment.
#[inline(always)]
pub(crate) fn leave(mark: Option<Mark>) {
    if let Some(mark) = mark {
        leave_scoped(mark);
    }
}

#[cold]
#[inline(never)]
fn leave_scoped(Mark(len): Mark) {
    STATE.with_borrow_mut(|c| c.path.truncate(len));
}

fn push(path: &mut String, segment: Segment<'_>) {
    match segment {
        Segment::Field(name) => {
            if !path.is_empty() {
                path.push('.');
            }
            path.push_str(name);
        }
        Segment::Elements => path.push_str("[]"),
        Segment::MapValues => {
            if !path.is_empty() {
                path.push('.');
            }
            path.push('*');
        }
    }
}

/// What is recorded about one finding.
pub(crate) struct Finding<'a> {
    pub(crate) kind: DriftKind,
    /// The field, when the current path is its parent (a kept key); `None` when the path is the value's own.
    pub(crate) leaf: Option<&'a str>,
    pub(crate) value: Option<&'a Value>,
    pub(crate) message: Option<&'a str>,
    pub(crate) enum_type: Option<&'static str>,
    pub(crate) enum_value: Option<&'a str>,
}

impl<'a> Finding<'a> {
    pub(crate) fn new(kind: DriftKind) -> Self {
        Self {
            kind,
            leaf: None,
            value: None,
            message: None,
            enum_type: None,
            enum_value: None,
        }
    }
}

/// Records `finding` in the current scope (nothing outside one).
#[inline]
pub(crate) fn record(finding: Finding<'_>) {
    if mode() != DriftMode::Off {
        record_scoped(finding);
    }
}

#[cold]
#[inline(never)]
fn record_scoped(finding: Finding<'_>) {
    STATE.with_borrow_mut(|c| {
        let Collector {
            examples,
            path,
            key,
            index,
            collected,
        } = c;
        key.clear();
        key.push(tag(finding.kind));
        key.push_str(path);
        if let Some(leaf) = finding.leaf {
            if !path.is_empty() {
                key.push('.');
            }
            key.push_str(leaf);
        }
        let at = match index.get(key.as_str()) {
            Some(&at) => at,
            None => {
                let at = collected.found.len();
                index.insert(key.clone(), at);
                let path = key[tag(finding.kind).len_utf8()..].to_owned();
                let message = finding.message.map(|m| shown_message(&path, m));
                collected.found.push(Found {
                    kind: finding.kind,
                    path,
                    count: 0,
                    types: 0,
                    example: None,
                    message,
                    enum_type: finding.enum_type,
                    values: Vec::new(),
                });
                at
            }
        };
        let found = &mut collected.found[at];
        found.count += 1;
        if let Some(value) = finding.value {
            found.types |= JsonType::of(value).bit();
            if *examples && found.example.is_none() {
                found.example = Some(example(last_segment(&found.path), value));
            }
        }
        if let Some(value) = finding.enum_value {
            let secret = crate::redact::is_secret_key(last_segment(&found.path));
            if *examples
                && !secret
                && found.values.len() < MAX_VALUES
                && !found.values.iter().any(|v| v == value)
            {
                found.values.push(value.to_owned());
            }
        }
    });
}

/// Records the drift that fails the decode in strict mode (the first one wins), in the report too.
pub(crate) fn fail(kind: DriftKind, leaf: Option<&str>, message: String) {
    record(Finding {
        leaf,
        message: Some(&message),
        ..Finding::new(kind)
    });
    STATE.with_borrow_mut(|c| {
        if c.collected.failure.is_some() {
            return;
        }
        let mut path = c.path.clone();
        if let Some(leaf) = leaf {
            push(&mut path, Segment::Field(leaf));
        }
        let message = shown_message(&path, &message);
        c.collected.failure = Some(Failure {
            kind,
            path,
            message,
        });
    });
}

/// A decoder's message as a report or an error may show it: decoders quote the value (`invalid type: string
/// "hunter2"`), so for a secret-looking field only that it did not fit is said.
fn shown_message(path: &str, message: &str) -> String {
    if crate::redact::is_secret_key(last_segment(path)) {
        "the value did not fit the declared type (not shown: the field's name looks like a secret)"
            .to_owned()
    } else {
        message.to_owned()
    }
}

fn last_segment(path: &str) -> &str {
    let path = path.trim_end_matches("[]");
    path.rsplit(['.', ']']).next().unwrap_or(path)
}

fn tag(kind: DriftKind) -> char {
    match kind {
        DriftKind::UnknownField => 'u',
        DriftKind::WrongType => 'w',
        DriftKind::UnknownEnumValue => 'e',
        DriftKind::MissingField => 'm',
    }
}

/// Collection on this thread while one body is decoded; ends (and restores what was before) when dropped.
#[derive(Debug)]
pub(crate) struct Scope {
    previous_mode: DriftMode,
    previous: Option<Collector>,
}

impl Scope {
    /// Starts collecting in `mode` (not [`DriftMode::Off`]). `top_level_list`: the body is a JSON list, whose
    /// elements' paths start with `[]`.
    pub(crate) fn begin(mode: DriftMode, examples: bool, top_level_list: bool) -> Self {
        let mut fresh = Collector {
            examples,
            ..Collector::default()
        };
        if top_level_list {
            push(&mut fresh.path, Segment::Elements);
        }
        let previous = STATE.with_borrow_mut(|c| std::mem::replace(c, fresh));
        let previous_mode = ACTIVE.with(|a| a.replace(mode));
        Self {
            previous_mode,
            previous: Some(previous),
        }
    }

    /// Ends the scope and hands over what it found.
    pub(crate) fn finish(mut self) -> Collected {
        let previous = self.previous.take().unwrap_or_default();
        let collector = STATE.with_borrow_mut(|c| std::mem::replace(c, previous));
        ACTIVE.with(|a| a.set(self.previous_mode));
        collector.collected
    }
}

impl Drop for Scope {
    fn drop(&mut self) {
        // Not finished (a panic while decoding): still leave the thread as it was.
        if let Some(previous) = self.previous.take() {
            STATE.with_borrow_mut(|c| *c = previous);
            ACTIVE.with(|a| a.set(self.previous_mode));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn unknown(leaf: &str, value: &Value) {
        record(Finding {
            leaf: Some(leaf),
            value: Some(value),
            ..Finding::new(DriftKind::UnknownField)
        });
    }

    #[test]
    fn repeated_findings_are_one_entry_with_a_count_and_paths_nest() {
        let scope = Scope::begin(DriftMode::Report, true, true);
        for i in 0..1000 {
            let mark = enter(Segment::Field("company"));
            unknown("businessUnitId", &json!(i));
            leave(mark);
            unknown("apiToken", &json!("s3cr3t"));
        }
        let outside = STATE.with_borrow(|c| c.path.clone());
        let collected = scope.finish();
        assert_eq!(outside, "[]", "paths are restored after each field");
        let found: Vec<_> = collected
            .found
            .iter()
            .map(|f| (f.path.as_str(), f.count, f.example.clone()))
            .collect();
        assert_eq!(
            found,
            [
                ("[].company.businessUnitId", 1000, Some(json!(0))),
                ("[].apiToken", 1000, Some(json!("[redacted]")))
            ]
        );
        assert_eq!(
            JsonType::from_bits(collected.found[0].types),
            [JsonType::Integer]
        );
        // Outside a scope nothing is recorded and nothing is entered.
        assert_eq!(mode(), DriftMode::Off);
        assert!(enter(Segment::Field("x")).is_none());
        unknown("y", &json!(1));
        assert!(STATE.with_borrow(|c| c.collected.found.is_empty()));
    }

    #[test]
    fn without_examples_only_counts_and_types_are_kept() {
        let scope = Scope::begin(DriftMode::Report, false, false);
        unknown("name", &json!("a customer's name"));
        record(Finding {
            enum_value: Some("blue"),
            ..Finding::new(DriftKind::UnknownEnumValue)
        });
        let collected = scope.finish();
        assert_eq!(collected.found[0].example, None);
        assert_eq!(collected.found[0].types, JsonType::String.bit());
        assert!(collected.found[1].values.is_empty());
    }

    #[test]
    fn a_dropped_scope_restores_the_thread() {
        let scope = Scope::begin(DriftMode::Strict, true, false);
        assert!(strict());
        drop(scope);
        assert_eq!(mode(), DriftMode::Off);
    }
}
