//! Nothing lost, nothing fails: what a response model keeps of the keys it does not know and of the values that
//! do not fit their declared type.
//!
//! Live vendor APIs send fields their documents do not declare (newer and older server versions) and values of
//! the wrong shape (`""` or `"0000-00-00"` for a date-time, `{}` for a list, `"12"` for an integer, `1` for a
//! bool). The generated models' `Deserialize` keeps every unknown key with its JSON value in [`Extra`], and reads
//! a field whose value does not fit as absent, keeping the original value in [`Extra`] with a [`Problem`] that
//! says why — instead of failing the record, and with it the whole page. `Serialize` writes the kept values back,
//! so decode → encode gives back every value the server sent.
//!
//! The decision is made without buffering the input: the field's value is read with `deserialize_any` and only
//! an input of a shape the field cannot take at all (an object for a number, a list for a model) is captured as
//! a `serde_json::Value`. A nested model or list is decoded in place (its own fields are lenient the same way).
//! This needs a self-describing format (JSON, `serde_json::Value`).

use std::fmt;
use std::marker::PhantomData;

use serde::de::value::{
    BoolDeserializer, BorrowedStrDeserializer, F64Deserializer, I64Deserializer,
    MapAccessDeserializer, SeqAccessDeserializer, StrDeserializer, StringDeserializer,
    U64Deserializer, UnitDeserializer,
};
use serde::de::{self, Deserialize, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::{Map, Value};

use crate::drift::collect::{self, Finding, Segment};
use crate::drift::{DriftKind, DriftMode};
use crate::redact;

/// What a model received that its type does not hold: unknown keys and values of the wrong shape, with the
/// original JSON values. Serialized back into the model's object (`#[serde(flatten)]`), unchanged.
///
/// `Debug` hides the value of every secret-looking key (`password`, `apiKey`, `accessToken`, …; see
/// [`redact::is_secret_key`]), at any depth: a server may send a credential under a key the document does not
/// declare, and models are printed with `{:?}` in logs and test failures.
#[derive(Clone, Default, PartialEq)]
pub struct Extra {
    values: Map<String, Value>,
    problems: Vec<Problem>,
}

/// A field whose value did not fit its declared type; the value is kept in [`Extra`] under the same key.
///
/// `Debug` hides the message of a secret-looking field (decoder messages quote the value).
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Problem {
    /// The wire name of the field.
    pub field: String,
    /// Why the value did not fit (the decoder's message).
    pub message: String,
}

impl Extra {
    /// Nothing kept: every key was known and every value fit.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty() && self.problems.is_empty()
    }

    /// The value kept for `key` (an unknown key, or a field whose value did not fit).
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.values.get(key)
    }

    /// Every kept key and value, in the order received.
    pub fn values(&self) -> &Map<String, Value> {
        &self.values
    }

    /// The fields whose values did not fit their type.
    pub fn problems(&self) -> &[Problem] {
        &self.problems
    }

    /// Keys the model does not declare (kept values that are not problems).
    pub fn unknown_keys(&self) -> impl Iterator<Item = &str> {
        self.values
            .keys()
            .map(String::as_str)
            .filter(|key| !self.problems.iter().any(|p| p.field == *key))
    }

    /// Keeps `value` for `key`, which the model does not know (also for hand-written models).
    pub fn insert(&mut self, key: impl Into<String>, value: Value) {
        self.values.insert(key.into(), value);
    }

    fn record(&mut self, field: &str, value: Value, message: String) {
        self.values.insert(field.to_owned(), value);
        self.problems.push(Problem {
            field: field.to_owned(),
            message,
        });
    }
}

impl fmt::Debug for Extra {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Extra")
            .field("values", &Shown(&self.values))
            .field("problems", &self.problems)
            .finish()
    }
}

/// The kept values as `Debug` shows them: secret-looking keys redacted.
struct Shown<'a>(&'a Map<String, Value>);

impl fmt::Debug for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map()
            .entries(
                self.0
                    .iter()
                    .map(|(key, value)| (key, redact::redacted(key, value))),
            )
            .finish()
    }
}

impl fmt::Debug for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let message = if redact::is_secret_key(&self.field) {
            redact::REDACTED
        } else {
            self.message.as_str()
        };
        f.debug_struct("Problem")
            .field("field", &self.field)
            .field("message", &message)
            .finish()
    }
}

impl Serialize for Extra {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.values.len()))?;
        for (key, value) in &self.values {
            map.serialize_entry(key, value)?;
        }
        map.end()
    }
}

/// Which container inputs a field's type takes; everything else it cannot take is kept as a problem.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// Numbers, strings, booleans, date-times, string enums: never an object or a list.
    Scalar,
    /// A list (`Vec<T>`).
    List,
    /// An object: a nested model or a map.
    Object,
}

impl Shape {
    fn describe(self) -> &'static str {
        match self {
            Self::Scalar => "a single value",
            Self::List => "a list",
            Self::Object => "an object",
        }
    }
}

/// Reads the value of field `name` into `slot`, leniently: a value of the wrong shape leaves the slot empty and
/// is kept in `extra` with the reason. A second value for the same field is an error, as with serde's derive.
///
/// With drift recorded (see [`crate::drift`]) the misfit is reported; in strict mode it is an error instead.
pub fn set<'de, T, A>(
    slot: &mut Option<T>,
    map: &mut A,
    name: &'static str,
    shape: Shape,
    extra: &mut Extra,
) -> Result<(), A::Error>
where
    T: Deserialize<'de>,
    A: MapAccess<'de>,
{
    if slot.is_some() || extra.problems.iter().any(|p| p.field == name) {
        return Err(de::Error::duplicate_field(name));
    }
    // A single value holds no drift of its own but its misfit, which is recorded with the field's name below:
    // only containers put the field on the drift path (most fields are single values, and this runs for each).
    let mark = match shape {
        Shape::Scalar => None,
        Shape::List | Shape::Object => collect::enter(Segment::Field(name)),
    };
    let outcome = map.next_value_seed(Lenient::<T> {
        shape,
        leaf: (shape == Shape::Scalar).then_some(name),
        marker: PhantomData,
    });
    collect::leave(mark);
    settle(slot, outcome?, name, extra);
    Ok(())
}

/// Puts a decoded value in its slot, or keeps the misfit in `extra` and reports it.
fn settle<T>(slot: &mut Option<T>, outcome: Outcome<T>, name: &'static str, extra: &mut Extra) {
    match outcome {
        Ok(value) => *slot = Some(value),
        Err((value, message)) => {
            collect::record(Finding {
                leaf: Some(name),
                value: Some(&value),
                message: Some(&message),
                ..Finding::new(DriftKind::WrongType)
            });
            extra.record(name, value, message);
        }
    }
}

/// A list field's type: `Vec<E>` (a defaulted field) or `Option<Vec<E>>`.
pub trait ListField: Sized {
    /// The type of one element.
    type Element;

    /// The field's value made of the decoded elements.
    fn from_elements(elements: Vec<Self::Element>) -> Self;
}

impl<E> ListField for Vec<E> {
    type Element = E;

    fn from_elements(elements: Vec<E>) -> Self {
        elements
    }
}

impl<E> ListField for Option<Vec<E>> {
    type Element = E;

    fn from_elements(elements: Vec<E>) -> Self {
        Some(elements)
    }
}

/// Reads the list field `name` into `slot` like [`set`] with [`Shape::List`], and also when one element does not
/// fit: each element is read leniently as `element` says (`None`: as its type asks, for JSON values and enums),
/// and the first one of the wrong shape (`"x"` in a list of integers, `null` in a list of models) leaves the
/// field absent and keeps the whole list as received in `extra`, with the element's index in the reason. The
/// elements read before it are written back from their decoded values, which give back what was received (the
/// models' round trip), so nothing of the list is lost and the record does not fail.
pub fn set_list<'de, L, A>(
    slot: &mut Option<L>,
    map: &mut A,
    name: &'static str,
    element: Option<Shape>,
    extra: &mut Extra,
) -> Result<(), A::Error>
where
    L: ListField + Deserialize<'de>,
    L::Element: Deserialize<'de> + Serialize,
    A: MapAccess<'de>,
{
    if slot.is_some() || extra.problems.iter().any(|p| p.field == name) {
        return Err(de::Error::duplicate_field(name));
    }
    let mark = collect::enter(Segment::Field(name));
    let outcome = map.next_value_seed(LenientList::<L> {
        element,
        marker: PhantomData,
    });
    collect::leave(mark);
    settle(slot, outcome?, name, extra);
    Ok(())
}

/// Keeps the value of a key the model does not know.
///
/// With drift recorded the key is reported; in strict mode it is an error instead.
pub fn keep<'de, A: MapAccess<'de>>(
    map: &mut A,
    key: &str,
    extra: &mut Extra,
) -> Result<(), A::Error> {
    match collect::mode() {
        DriftMode::Off => {}
        DriftMode::Report => {
            let value: Value = map.next_value()?;
            collect::record(Finding {
                leaf: Some(key),
                value: Some(&value),
                ..Finding::new(DriftKind::UnknownField)
            });
            extra.insert(key, value);
            return Ok(());
        }
        DriftMode::Strict => {
            let message = format!("unknown field `{key}`: the vendor document does not declare it");
            collect::fail(DriftKind::UnknownField, Some(key), message.clone());
            // Failed while reading the value, so the decoder's error path ends in the key.
            return map.next_value_seed(Refuse(message));
        }
    }
    let value: Value = map.next_value()?;
    extra.insert(key, value);
    Ok(())
}

/// The keys of the BMS response envelope (`{success, error, result}`, and `totalRecords` on lists), lower case.
const ENVELOPE_KEYS: [&str; 4] = ["success", "error", "result", "totalrecords"];

/// Refuses a body that is obviously the BMS envelope where a bare model is declared: every one of its `keys`
/// keys ended up in `extra` as unknown (none is the model's own field), each is an envelope key in either
/// casing, and `success` or `result` is among them. Decoded leniently, such a body would be a record with every
/// field `None` — wrong without a word. Generated BMS models call this after reading their keys; `model` names
/// the declared type in the message.
///
/// In strict drift mode the first unknown key has failed the decode already (as drift); this is for the others.
///
/// # Errors
/// A decode error naming the model and the keys, when the body is such an envelope.
pub fn refuse_envelope<E: de::Error>(
    keys: usize,
    extra: &Extra,
    model: &'static str,
) -> Result<(), E> {
    if keys == 0 || keys != extra.values.len() || !extra.problems.is_empty() {
        return Ok(());
    }
    let is_envelope_key = |key: &str| ENVELOPE_KEYS.iter().any(|k| key.eq_ignore_ascii_case(k));
    if !extra.values.keys().all(|k| is_envelope_key(k)) {
        return Ok(());
    }
    let has = |name: &str| extra.values.keys().any(|k| k.eq_ignore_ascii_case(name));
    if !(has("success") || has("result")) {
        return Ok(());
    }
    let found: Vec<&str> = extra.values.keys().map(String::as_str).collect();
    Err(de::Error::custom(format!(
        "the body is the BMS envelope ({}) where the vendor document declares the bare `{model}`: \
         the operation needs an `enveloped_operations` correction",
        found.join(", ")
    )))
}

// The open enums' and required-field hooks live with the drift collector; generated code names them here,
// beside the other decoding helpers.
pub use crate::drift::hooks::{missing, unknown_variant};

/// Called after the last key of a lenient model for each field the response must have (the vendor document
/// calls it required, or the correction data lists it as always present): if `slot` is empty because the key
/// was not sent, reports it as missing (see [`missing`]); a field that was there with a misfit value is already
/// reported as `wrong_type` and is not reported twice. `null` counts as sent.
///
/// # Errors
/// In strict mode, for an absent field.
#[inline]
pub fn expected<T, E: de::Error>(
    slot: &Option<T>,
    name: &'static str,
    extra: &Extra,
) -> Result<(), E> {
    if slot.is_some() || extra.problems.iter().any(|p| p.field == name) {
        return Ok(());
    }
    missing(name)
}

/// Fails at the value it is asked to read, without reading it.
struct Refuse(String);

impl<'de> DeserializeSeed<'de> for Refuse {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, _: D) -> Result<(), D::Error> {
        Err(de::Error::custom(self.0))
    }
}

/// The decoded value, or the original value and why it did not fit.
type Outcome<T> = Result<T, (Value, String)>;

struct Lenient<T> {
    shape: Shape,
    /// The field a strict-mode error names at the end of its path: a single value's own name (a container's is
    /// on the collector's path already, see `set`), none for a list's element.
    leaf: Option<&'static str>,
    marker: PhantomData<T>,
}

impl<'de, T: Deserialize<'de>> DeserializeSeed<'de> for Lenient<T> {
    type Value = Outcome<T>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Outcome<T>, D::Error> {
        let outcome = deserializer.deserialize_any(LenientVisitor::<T> {
            shape: self.shape,
            marker: PhantomData,
        })?;
        if let Err((_, message)) = &outcome {
            if collect::strict() {
                // Inside the field's value, so the decoder's error path ends in the field.
                collect::fail(DriftKind::WrongType, self.leaf, message.clone());
                return Err(de::Error::custom(message));
            }
        }
        Ok(outcome)
    }
}

struct LenientVisitor<T> {
    shape: Shape,
    marker: PhantomData<T>,
}

/// Tries `T` on a primitive input (which can be retried: nothing of the stream is consumed by a failure).
fn attempt<'de, T, D>(deserializer: D, original: impl FnOnce() -> Value) -> Outcome<T>
where
    T: Deserialize<'de>,
    D: Deserializer<'de, Error = de::value::Error>,
{
    T::deserialize(Present(deserializer)).map_err(|error| (original(), error.to_string()))
}

/// A value that is there: `Option<T>` reads it as `Some` (serde's value deserializers would hand an option's
/// visitor the bare value, which it refuses); everything else goes to the inner deserializer.
struct Present<D>(D);

impl<'de, D: Deserializer<'de>> Deserializer<'de> for Present<D> {
    type Error = D::Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        self.0.deserialize_any(visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        // Still `Present` inside: the option's value may be a map, whose values' drift paths go through `*`.
        visitor.visit_some(self)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        // A map (not a model, which asks for a struct): its values' paths go through `*`.
        let mark = collect::enter(Segment::MapValues);
        let value = self.0.deserialize_any(visitor);
        collect::leave(mark);
        value
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct newtype_struct seq tuple
        tuple_struct struct enum identifier ignored_any
    }
}

impl<'de, T: Deserialize<'de>> Visitor<'de> for LenientVisitor<T> {
    type Value = Outcome<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Outcome<T>, E> {
        Ok(attempt(BoolDeserializer::new(v), || Value::Bool(v)))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Outcome<T>, E> {
        Ok(attempt(I64Deserializer::new(v), || Value::from(v)))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Outcome<T>, E> {
        Ok(attempt(U64Deserializer::new(v), || Value::from(v)))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Outcome<T>, E> {
        let outcome = attempt(F64Deserializer::new(v), || Value::from(v));
        // `12.0` for an integer field (serde_json refuses it): the same number, so it is the value.
        match (outcome, integral(v)) {
            (Err(misfit), Some(i)) => {
                Ok(attempt(I64Deserializer::new(i), || misfit.0.clone()).map_err(|_| misfit))
            }
            (outcome, _) => Ok(outcome),
        }
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Outcome<T>, E> {
        Ok(attempt(BorrowedStrDeserializer::new(v), || Value::from(v)))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Outcome<T>, E> {
        Ok(attempt(StrDeserializer::new(v), || Value::from(v)))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Outcome<T>, E> {
        let copy = v.clone();
        Ok(attempt(StringDeserializer::new(v), || Value::String(copy)))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Outcome<T>, E> {
        // `null`: an absent `Option` (not `Present`).
        let unit = UnitDeserializer::<de::value::Error>::new();
        Ok(T::deserialize(unit).map_err(|error| (Value::Null, error.to_string())))
    }

    fn visit_none<E: de::Error>(self) -> Result<Outcome<T>, E> {
        self.visit_unit()
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Outcome<T>, D::Error> {
        T::deserialize(deserializer).map(Ok)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Outcome<T>, A::Error> {
        if self.shape == Shape::List {
            let mark = collect::enter(Segment::Elements);
            let seq = IntegralFloats(seq);
            let value = T::deserialize(Present(SeqAccessDeserializer::new(seq))).map(Ok);
            collect::leave(mark);
            return value;
        }
        let value = Value::deserialize(SeqAccessDeserializer::new(seq))?;
        Ok(Err((
            value,
            format!("expected {}, found a list", self.shape.describe()),
        )))
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Outcome<T>, A::Error> {
        if self.shape == Shape::Object {
            return T::deserialize(Present(MapAccessDeserializer::new(map))).map(Ok);
        }
        let value = Value::deserialize(MapAccessDeserializer::new(map))?;
        Ok(Err((
            value,
            format!("expected {}, found an object", self.shape.describe()),
        )))
    }
}

/// A list field's value, element by element (see [`set_list`]).
struct LenientList<L> {
    element: Option<Shape>,
    marker: PhantomData<L>,
}

impl<'de, L> DeserializeSeed<'de> for LenientList<L>
where
    L: ListField + Deserialize<'de>,
    L::Element: Deserialize<'de> + Serialize,
{
    type Value = Outcome<L>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Outcome<L>, D::Error> {
        let outcome = deserializer.deserialize_any(ListVisitor::<L> {
            element: self.element,
            marker: PhantomData,
        })?;
        if let Err((_, message)) = &outcome {
            // A misfit element has failed already in strict mode (its own seed); this is for a value that is
            // no list at all (`{}`, `""`). The field is on the collector's path (see `set_list`).
            if collect::strict() {
                collect::fail(DriftKind::WrongType, None, message.clone());
                return Err(de::Error::custom(message));
            }
        }
        Ok(outcome)
    }
}

struct ListVisitor<L> {
    element: Option<Shape>,
    marker: PhantomData<L>,
}

impl<L> ListVisitor<L> {
    /// What a list field does with an input that is not a list: the same as [`set`] (it is a misfit).
    fn whole(&self) -> LenientVisitor<L> {
        LenientVisitor {
            shape: Shape::List,
            marker: PhantomData,
        }
    }
}

macro_rules! not_a_list {
    ($($method:ident($($arg:ident: $ty:ty),*))*) => {$(
        fn $method<E: de::Error>(self, $($arg: $ty),*) -> Result<Outcome<L>, E> {
            self.whole().$method($($arg),*)
        }
    )*};
}

impl<'de, L> Visitor<'de> for ListVisitor<L>
where
    L: ListField + Deserialize<'de>,
    L::Element: Deserialize<'de> + Serialize,
{
    type Value = Outcome<L>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    not_a_list! {
        visit_bool(v: bool) visit_i64(v: i64) visit_u64(v: u64) visit_f64(v: f64)
        visit_borrowed_str(v: &'de str) visit_str(v: &str) visit_string(v: String) visit_unit() visit_none()
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Outcome<L>, D::Error> {
        self.whole().visit_some(deserializer)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Outcome<L>, A::Error> {
        self.whole().visit_map(map)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Outcome<L>, A::Error> {
        let mark = collect::enter(Segment::Elements);
        let outcome = elements(&mut seq, self.element);
        collect::leave(mark);
        outcome
    }
}

/// Reads a list's elements; at the first misfit, the list as received and why.
fn elements<'de, L, A>(seq: &mut A, element: Option<Shape>) -> Result<Outcome<L>, A::Error>
where
    L: ListField,
    L::Element: Deserialize<'de> + Serialize,
    A: SeqAccess<'de>,
{
    // Bounded: the hint comes from the input.
    let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1024));
    while let Some(outcome) = seq.next_element_seed(Element::<L::Element> {
        shape: element,
        marker: PhantomData,
    })? {
        let (misfit, message) = match outcome {
            Ok(item) => {
                items.push(item);
                continue;
            }
            Err(misfit) => misfit,
        };
        let index = items.len();
        let mut received = Vec::with_capacity(index + 1);
        for item in &items {
            // A decoded element serializes to what was received (the round trip the models keep); a type that
            // could not would lose data here, so that fails the record instead.
            received.push(serde_json::to_value(item).map_err(de::Error::custom)?);
        }
        received.push(misfit);
        while let Some(rest) = seq.next_element::<Value>()? {
            received.push(rest);
        }
        return Ok(Err((
            Value::Array(received),
            format!("element {index}: {message}"),
        )));
    }
    Ok(Ok(L::from_elements(items)))
}

/// One element of a list field: leniently in `shape`, or as its type asks (`None`).
struct Element<E> {
    shape: Option<Shape>,
    marker: PhantomData<E>,
}

impl<'de, E: Deserialize<'de>> DeserializeSeed<'de> for Element<E> {
    type Value = Outcome<E>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Outcome<E>, D::Error> {
        match self.shape {
            Some(shape) => Lenient::<E> {
                shape,
                leaf: None,
                marker: PhantomData,
            }
            .deserialize(deserializer),
            None => E::deserialize(IntegralElement(deserializer)).map(Ok),
        }
    }
}

/// `v` as an `i64` if it is a whole number in range (`12.0`), which an integer field takes as it is.
fn integral(v: f64) -> Option<i64> {
    // 2^63 is exactly representable; every whole f64 below it in magnitude converts exactly.
    const LIMIT: f64 = 9_223_372_036_854_775_808.0;
    (v.fract() == 0.0 && (-LIMIT..LIMIT).contains(&v)).then_some(v as i64)
}

/// The elements of a list field, where an element that is an integral float (`12.0`) is read as an integer by
/// an integer element type (`Vec<i64>` of ids); everything else reaches the element type unchanged.
struct IntegralFloats<A>(A);

impl<'de, A: SeqAccess<'de>> SeqAccess<'de> for IntegralFloats<A> {
    type Error = A::Error;

    fn next_element_seed<S: DeserializeSeed<'de>>(
        &mut self,
        seed: S,
    ) -> Result<Option<S::Value>, A::Error> {
        self.0.next_element_seed(IntegralSeed(seed))
    }

    fn size_hint(&self) -> Option<usize> {
        self.0.size_hint()
    }
}

struct IntegralSeed<S>(S);

impl<'de, S: DeserializeSeed<'de>> DeserializeSeed<'de> for IntegralSeed<S> {
    type Value = S::Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<S::Value, D::Error> {
        self.0.deserialize(IntegralElement(deserializer))
    }
}

/// One element: integer requests accept an integral float; every other request goes to the element as asked.
struct IntegralElement<D>(D);

macro_rules! integer_requests {
    ($($method:ident)*) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
            self.0.$method(IntegralVisitor(visitor))
        }
    )*};
}

macro_rules! forwarded_requests {
    ($($method:ident)*) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
            self.0.$method(visitor)
        }
    )*};
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for IntegralElement<D> {
    type Error = D::Error;

    integer_requests! {
        deserialize_i8 deserialize_i16 deserialize_i32 deserialize_i64 deserialize_i128
        deserialize_u8 deserialize_u16 deserialize_u32 deserialize_u64 deserialize_u128
    }

    forwarded_requests! {
        deserialize_any deserialize_bool deserialize_f32 deserialize_f64 deserialize_char deserialize_str
        deserialize_string deserialize_bytes deserialize_byte_buf deserialize_option deserialize_unit
        deserialize_seq deserialize_map deserialize_identifier deserialize_ignored_any
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_unit_struct(name, visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_newtype_struct(name, visitor)
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_tuple(len, visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_tuple_struct(name, len, visitor)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_struct(name, fields, visitor)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_enum(name, variants, visitor)
    }

    fn is_human_readable(&self) -> bool {
        self.0.is_human_readable()
    }
}

/// An integer visitor that also takes an integral float; the other inputs it refuses as the integer would.
struct IntegralVisitor<V>(V);

impl<'de, V: Visitor<'de>> Visitor<'de> for IntegralVisitor<V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.expecting(f)
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<V::Value, E> {
        self.0.visit_i64(v)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<V::Value, E> {
        self.0.visit_u64(v)
    }

    fn visit_i128<E: de::Error>(self, v: i128) -> Result<V::Value, E> {
        self.0.visit_i128(v)
    }

    fn visit_u128<E: de::Error>(self, v: u128) -> Result<V::Value, E> {
        self.0.visit_u128(v)
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<V::Value, E> {
        match integral(v) {
            Some(i) => self.0.visit_i64(i),
            None => self.0.visit_f64(v),
        }
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<V::Value, E> {
        self.0.visit_bool(v)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<V::Value, E> {
        self.0.visit_str(v)
    }

    fn visit_unit<E: de::Error>(self) -> Result<V::Value, E> {
        self.0.visit_unit()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::de::{take, Key};
    use serde_json::json;

    #[derive(Debug, Default, PartialEq, serde::Serialize)]
    struct Note {
        #[serde(skip_serializing_if = "Option::is_none")]
        id: Option<i64>,
        #[serde(rename = "dateEntered", skip_serializing_if = "Option::is_none")]
        date_entered: Option<crate::Timestamp>,
        #[serde(skip_serializing_if = "Option::is_none")]
        tags: Option<Vec<String>>,
        #[serde(skip_serializing_if = "Option::is_none")]
        member: Option<Reference>,
        #[serde(rename = "internalFlag", skip_serializing_if = "Option::is_none")]
        internal_flag: Option<bool>,
        #[serde(flatten)]
        extra: Extra,
    }

    #[derive(Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
    struct Reference {
        id: Option<i64>,
        name: Option<String>,
    }

    impl<'de> Deserialize<'de> for Note {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            struct V;
            impl<'de> Visitor<'de> for V {
                type Value = Note;
                fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                    f.write_str("struct Note")
                }
                fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Note, A::Error> {
                    let (mut id, mut date, mut tags, mut member, mut flag) =
                        (None, None, None, None, None);
                    let mut extra = Extra::default();
                    while let Some(key) = map.next_key::<Key<'de>>()? {
                        match key.as_str() {
                            "id" => set(&mut id, &mut map, "id", Shape::Scalar, &mut extra)?,
                            "dateEntered" => set(
                                &mut date,
                                &mut map,
                                "dateEntered",
                                Shape::Scalar,
                                &mut extra,
                            )?,
                            "tags" => set_list(
                                &mut tags,
                                &mut map,
                                "tags",
                                Some(Shape::Scalar),
                                &mut extra,
                            )?,
                            "member" => {
                                set(&mut member, &mut map, "member", Shape::Object, &mut extra)?
                            }
                            "internalFlag" => set(
                                &mut flag,
                                &mut map,
                                "internalFlag",
                                Shape::Scalar,
                                &mut extra,
                            )?,
                            other => keep(&mut map, other, &mut extra)?,
                        }
                    }
                    Ok(Note {
                        id: take(id, "id")?,
                        date_entered: take(date, "dateEntered")?,
                        tags: take(tags, "tags")?,
                        member: take(member, "member")?,
                        internal_flag: take(flag, "internalFlag")?,
                        extra,
                    })
                }
            }
            deserializer.deserialize_map(V)
        }
    }

    #[test]
    fn good_values_decode_and_unknown_keys_are_kept_and_written_back() {
        let body = json!({
            "id": 7, "dateEntered": "2024-05-01T10:00:00Z", "tags": ["a"],
            "member": {"id": 3, "name": "jdoe", "_info": {"member_href": "x"}},
            "internalFlag": true, "businessUnitId": 12, "customFields": [{"id": 1}]
        });
        let note: Note = serde_json::from_value(body.clone()).expect("decodes");
        assert_eq!(note.id, Some(7));
        assert_eq!(note.member.as_ref().and_then(|m| m.id), Some(3));
        assert_eq!(note.extra.get("businessUnitId"), Some(&json!(12)));
        assert_eq!(
            note.extra.unknown_keys().collect::<Vec<_>>(),
            vec!["businessUnitId", "customFields"]
        );
        assert!(note.extra.problems().is_empty());
        // From text too (borrowed strings), not only from a `Value`.
        let again: Note = serde_json::from_str(&body.to_string()).expect("decodes");
        assert_eq!(again.extra.values().len(), 2);
    }

    #[test]
    fn values_of_the_wrong_shape_are_absent_kept_and_reported_without_failing_the_record() {
        let body = json!({
            "id": "12", "dateEntered": "", "tags": {}, "member": "jdoe", "internalFlag": 1
        });
        let note: Note =
            serde_json::from_str(&body.to_string()).expect("one bad field never fails");
        assert_eq!(
            (
                note.id,
                &note.date_entered,
                &note.tags,
                &note.member,
                note.internal_flag
            ),
            (None, &None, &None, &None, None)
        );
        let fields: Vec<&str> = note
            .extra
            .problems()
            .iter()
            .map(|p| p.field.as_str())
            .collect();
        assert_eq!(
            fields,
            ["id", "dateEntered", "tags", "member", "internalFlag"]
        );
        assert!(note.extra.problems()[2].message.contains("found an object"));
        // Written back as received.
        assert_eq!(serde_json::to_value(&note).expect("serializes"), body);
    }

    #[test]
    fn null_is_none_and_duplicates_are_still_errors() {
        let note: Note = serde_json::from_str(r#"{"id": null, "member": null}"#).expect("decodes");
        assert_eq!((note.id, note.member), (None, None));
        assert!(note.extra.is_empty());
        let duplicate = serde_json::from_str::<Note>(r#"{"id": "x", "id": 2}"#).unwrap_err();
        assert!(
            duplicate.to_string().starts_with("duplicate field `id`"),
            "{duplicate}"
        );
    }

    #[test]
    fn a_list_of_models_decodes_in_place() {
        let body = json!([{"id": 1, "tags": ""}, {"id": 2, "extraKey": true}]);
        let notes: Vec<Note> = serde_json::from_str(&body.to_string()).expect("decodes");
        assert_eq!(notes[0].extra.problems()[0].field, "tags");
        assert_eq!(notes[1].extra.get("extraKey"), Some(&json!(true)));
        assert_eq!(serde_json::to_value(&notes).expect("serializes"), body);
    }

    #[test]
    fn one_element_of_the_wrong_shape_keeps_the_whole_list_and_never_fails_the_record() {
        for (tags, index) in [
            (json!(["a", 1, "b"]), 1),
            (json!([{"x": 1}, "a"]), 0),
            (json!(["a", "b", null]), 2),
            (json!([["nested"]]), 0),
        ] {
            let body = json!({"id": 7, "tags": tags, "internalFlag": true});
            let note: Note =
                serde_json::from_str(&body.to_string()).expect("one bad element never fails");
            assert_eq!((note.id, &note.tags), (Some(7), &None), "{body}");
            assert_eq!(note.extra.get("tags"), Some(&tags));
            let problem = &note.extra.problems()[0];
            assert_eq!(problem.field, "tags");
            assert!(
                problem.message.starts_with(&format!("element {index}: ")),
                "{problem:?}"
            );
            // Written back as received, elements before and after the misfit included.
            assert_eq!(serde_json::to_value(&note).expect("serializes"), body);
        }
        let good: Note = serde_json::from_str(r#"{"tags": ["a", "b"]}"#).expect("decodes");
        assert_eq!(good.tags, Some(vec!["a".to_owned(), "b".to_owned()]));
        assert!(good.extra.is_empty());
        let empty: Note = serde_json::from_str(r#"{"tags": [], "id": null}"#).expect("decodes");
        assert_eq!(empty.tags, Some(Vec::new()));
    }

    #[test]
    fn debug_never_shows_secret_looking_keys_and_serialize_writes_them_back() {
        let body = json!({
            "id": 1, "password": "hunter2", "apiKey": "ak-1", "privateKey": "pk-1", "accessToken": "at-1",
            "refreshToken": "rt-1", "signingKey": "sk-1", "totpSeed": "JBSWY3DP", "SECRET": "s-1",
            "token": 7, "settings": {"nested": [{"Client_Secret": "cs-1", "label": "visible"}]},
            "internalFlag": "not-a-bool"
        });
        let note: Note = serde_json::from_value(body.clone()).expect("decodes");
        let shown = format!("{note:?} {:?}", note.extra);
        for secret in [
            "hunter2", "ak-1", "pk-1", "at-1", "rt-1", "sk-1", "JBSWY3DP", "s-1", "cs-1", ": 7",
        ] {
            assert!(!shown.contains(secret), "{secret} shown: {shown}");
        }
        assert!(
            shown.contains("visible") && shown.contains("not-a-bool"),
            "{shown}"
        );
        assert!(
            shown.contains("\"password\": String(\"[redacted]\")"),
            "{shown}"
        );
        assert_eq!(serde_json::to_value(&note).expect("serializes"), body);
    }

    /// A bare model the way the generator writes it with the envelope guard on (BMS).
    #[derive(Debug, Default, PartialEq)]
    struct Contact {
        location_id: Option<i64>,
        extra: Extra,
    }

    impl<'de> Deserialize<'de> for Contact {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            struct V;
            impl<'de> Visitor<'de> for V {
                type Value = Contact;
                fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                    f.write_str("struct Contact")
                }
                fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Contact, A::Error> {
                    let mut location = None;
                    let mut extra = Extra::default();
                    let mut keys = 0usize;
                    while let Some(key) = map.next_key::<Key<'de>>()? {
                        keys += 1;
                        match key.as_str() {
                            "locationId" | "LocationId" => set(
                                &mut location,
                                &mut map,
                                "locationId",
                                Shape::Scalar,
                                &mut extra,
                            )?,
                            other => keep(&mut map, other, &mut extra)?,
                        }
                    }
                    refuse_envelope(keys, &extra, "ContactsSummaryOutputDto")?;
                    Ok(Contact {
                        location_id: take(location, "locationId")?,
                        extra,
                    })
                }
            }
            deserializer.deserialize_map(V)
        }
    }

    #[test]
    fn a_bare_model_refuses_an_obvious_envelope_in_either_casing() {
        for body in [
            r#"{"success": true, "error": null, "result": {"locationId": 3}}"#,
            r#"{"Success": true, "Error": null, "Result": {"LocationId": 3}}"#,
            r#"{"result": {"locationId": 3}}"#,
            r#"{"success": false, "error": {"code": 404, "message": "Contact not found."}}"#,
        ] {
            let error = serde_json::from_str::<Contact>(body)
                .unwrap_err()
                .to_string();
            assert!(
                error.contains("BMS envelope") && error.contains("ContactsSummaryOutputDto"),
                "{body}: {error}"
            );
        }
    }

    #[test]
    fn a_record_with_one_own_field_or_other_keys_is_not_an_envelope() {
        for body in [
            r#"{"success": true, "result": {}, "locationId": 3}"#,
            r#"{"success": true, "tenant": "x"}"#,
            r#"{"error": "no"}"#,
            r#"{"locationId": "x", "result": 1}"#,
            "{}",
        ] {
            let decoded = serde_json::from_str::<Contact>(body);
            assert!(decoded.is_ok(), "{body}: {decoded:?}");
        }
    }

    #[test]
    fn an_integral_float_reads_into_an_integer_field_and_a_fraction_stays_a_problem() {
        let note: Note = serde_json::from_str(r#"{"id": 12.0}"#).expect("decodes");
        assert_eq!(note.id, Some(12));
        assert!(note.extra.is_empty(), "{:?}", note.extra);
        // `Reference` derives serde's `Deserialize` (not lenient): serde_json alone refuses 3.0 there.
        assert!(serde_json::from_str::<Reference>(r#"{"id": 3.0}"#).is_err());
        let note: Note =
            serde_json::from_str(r#"{"id": 12.5}"#).expect("one bad field never fails");
        assert_eq!(note.id, None);
        assert_eq!(note.extra.get("id"), Some(&json!(12.5)));
        assert_eq!(note.extra.problems()[0].field, "id");
        let note: Note = serde_json::from_str(r#"{"id": 1e300}"#).expect("decodes");
        assert_eq!((note.id, note.extra.get("id")), (None, Some(&json!(1e300))));
    }

    /// A model with a list of ids, as the `integer-ids` correction generates them (`Vec<i64>`).
    #[derive(Debug, Default, PartialEq)]
    struct Merge {
        ids: Option<Vec<i64>>,
        extra: Extra,
    }

    impl<'de> Deserialize<'de> for Merge {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            struct V;
            impl<'de> Visitor<'de> for V {
                type Value = Merge;
                fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                    f.write_str("struct Merge")
                }
                fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Merge, A::Error> {
                    let mut ids = None;
                    let mut extra = Extra::default();
                    while let Some(key) = map.next_key::<Key<'de>>()? {
                        match key.as_str() {
                            "mergeTicketIds" => set(
                                &mut ids,
                                &mut map,
                                "mergeTicketIds",
                                Shape::List,
                                &mut extra,
                            )?,
                            other => keep(&mut map, other, &mut extra)?,
                        }
                    }
                    Ok(Merge {
                        ids: take(ids, "mergeTicketIds")?,
                        extra,
                    })
                }
            }
            deserializer.deserialize_map(V)
        }
    }

    #[test]
    fn integral_floats_in_a_list_of_ids_read_as_integers() {
        let merge: Merge =
            serde_json::from_str(r#"{"mergeTicketIds": [12.0, 13, 14.0]}"#).expect("decodes");
        assert_eq!(merge.ids, Some(vec![12, 13, 14]));
        assert!(merge.extra.is_empty());
        let fraction = serde_json::from_str::<Merge>(r#"{"mergeTicketIds": [12.5]}"#).unwrap_err();
        assert!(fraction.to_string().contains("12.5"), "{fraction}");
    }

    #[test]
    fn a_problem_on_a_secret_looking_field_does_not_quote_the_value() {
        let mut extra = Extra::default();
        extra.record(
            "password",
            json!(12345),
            "invalid type: integer `12345`".into(),
        );
        extra.record("id", json!("x"), "invalid type: string \"x\"".into());
        let shown = format!("{extra:?}");
        assert!(!shown.contains("12345"), "{shown}");
        assert!(shown.contains("invalid type: string"), "{shown}");
    }
}
