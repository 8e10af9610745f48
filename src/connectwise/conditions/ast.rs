//! The condition tree shared by the builder, the renderer and the parser.

use std::fmt;

use chrono::Timelike;

use super::value::Value;

/// A comparison operator.
///
/// ```
/// use psa_clients::connectwise::conditions::Operator;
///
/// assert_eq!(Operator::NotIn.to_string(), "not in");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Operator {
    /// `=`
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `contains`
    Contains,
    /// `not contains`
    NotContains,
    /// `like` (takes a [`LikePattern`](super::LikePattern))
    Like,
    /// `not like` (takes a [`LikePattern`](super::LikePattern))
    NotLike,
    /// `in (…)` (takes a list)
    In,
    /// `not in (…)` (takes a list)
    NotIn,
}

impl Operator {
    /// Every operator, for tests and generators.
    pub const ALL: [Operator; 12] = [
        Operator::Eq,
        Operator::Ne,
        Operator::Lt,
        Operator::Le,
        Operator::Gt,
        Operator::Ge,
        Operator::Contains,
        Operator::NotContains,
        Operator::Like,
        Operator::NotLike,
        Operator::In,
        Operator::NotIn,
    ];

    /// The operator as written in a condition.
    pub fn as_str(self) -> &'static str {
        match self {
            Operator::Eq => "=",
            Operator::Ne => "!=",
            Operator::Lt => "<",
            Operator::Le => "<=",
            Operator::Gt => ">",
            Operator::Ge => ">=",
            Operator::Contains => "contains",
            Operator::NotContains => "not contains",
            Operator::Like => "like",
            Operator::NotLike => "not like",
            Operator::In => "in",
            Operator::NotIn => "not in",
        }
    }
}

impl fmt::Display for Operator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `field op value`, the leaf of a [`Condition`].
///
/// The field path is checked when the condition is rendered (see
/// [`validate_field_path`](super::validate_field_path)), so that building
/// stays infallible and chains read naturally.
///
/// ```
/// use psa_clients::connectwise::conditions::{Comparison, Operator, Value};
///
/// let c = Comparison::new("board/name", Operator::Eq, "Help Desk");
/// assert_eq!(c.value, Value::String("Help Desk".into()));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Comparison {
    /// The field path, such as `board/name`.
    pub field: String,
    /// The operator.
    pub op: Operator,
    /// The value.
    pub value: Value,
}

impl Comparison {
    /// Builds a comparison.
    pub fn new(field: impl Into<String>, op: Operator, value: impl Into<Value>) -> Self {
        Self {
            field: field.into(),
            op,
            value: value.into(),
        }
    }
}

/// A ConnectWise condition: comparisons combined with `AND`, `OR` and `NOT`.
///
/// Build one with [`field`](super::field), [`Condition::all`] and
/// [`Condition::any`]; turn it into text with [`Condition::render`]; read
/// text back with [`parse`](super::parse).
///
/// ```
/// use psa_clients::connectwise::conditions::{field, parse, Condition};
///
/// let c = field("board/name").eq("Help Desk")
///     .and(field("closedFlag").eq(false))
///     .or(field("priority/id").is_in([1, 2]));
/// let text = c.render().unwrap();
/// assert_eq!(
///     text,
///     r#"(board/name = "Help Desk" AND closedFlag = false) OR priority/id in (1, 2)"#
/// );
/// assert_eq!(parse(&text).unwrap(), c.normalize());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Condition {
    /// A single comparison.
    Compare(Comparison),
    /// All members hold. An empty `And` is "always true" and may only
    /// appear inside another `And`.
    And(Vec<Condition>),
    /// Any member holds. An empty `Or` is "always false" and may only
    /// appear inside another `Or`.
    Or(Vec<Condition>),
    /// The member does not hold; rendered as `NOT (…)`.
    Not(Box<Condition>),
}

impl From<Comparison> for Condition {
    fn from(c: Comparison) -> Self {
        Condition::Compare(c)
    }
}

impl Condition {
    /// All of `conditions` (an `AND` group).
    pub fn all(conditions: impl IntoIterator<Item = Condition>) -> Self {
        Condition::And(conditions.into_iter().collect())
    }

    /// Any of `conditions` (an `OR` group).
    pub fn any(conditions: impl IntoIterator<Item = Condition>) -> Self {
        Condition::Or(conditions.into_iter().collect())
    }

    /// `self AND other`; extends `self` if it already is an `AND` group.
    pub fn and(self, other: impl Into<Condition>) -> Self {
        match self {
            Condition::And(mut members) => {
                members.push(other.into());
                Condition::And(members)
            }
            first => Condition::And(vec![first, other.into()]),
        }
    }

    /// `self OR other`; extends `self` if it already is an `OR` group.
    pub fn or(self, other: impl Into<Condition>) -> Self {
        match self {
            Condition::Or(mut members) => {
                members.push(other.into());
                Condition::Or(members)
            }
            first => Condition::Or(vec![first, other.into()]),
        }
    }

    /// The canonical form that [`parse`](super::parse) returns for the
    /// rendered text of `self`:
    ///
    /// * an `AND` inside an `AND` (or `OR` inside `OR`) is spliced into its
    ///   parent, since the grouping does not change the meaning;
    /// * a group with exactly one member is replaced by that member;
    /// * date-times are truncated to whole seconds, as rendered.
    ///
    /// Empty groups that cannot be spliced away are kept; rendering reports
    /// them as [`ConditionError::EmptyGroup`](super::ConditionError::EmptyGroup).
    ///
    /// ```
    /// use psa_clients::connectwise::conditions::{field, Condition};
    ///
    /// let a = field("a").eq(1);
    /// let b = field("b").eq(2);
    /// let nested = Condition::all([Condition::all([a.clone()]), b.clone()]);
    /// assert_eq!(nested.normalize(), Condition::And(vec![a, b]));
    /// ```
    pub fn normalize(&self) -> Condition {
        match self {
            Condition::Compare(c) => Condition::Compare(Comparison {
                field: c.field.clone(),
                op: c.op,
                value: normalize_value(&c.value),
            }),
            Condition::Not(inner) => Condition::Not(Box::new(inner.normalize())),
            Condition::And(members) => normalize_group(members, true),
            Condition::Or(members) => normalize_group(members, false),
        }
    }
}

fn normalize_group(members: &[Condition], is_and: bool) -> Condition {
    let mut out = Vec::with_capacity(members.len());
    for m in members {
        match (m.normalize(), is_and) {
            (Condition::And(inner), true) | (Condition::Or(inner), false) => out.extend(inner),
            (other, _) => out.push(other),
        }
    }
    if out.len() == 1 {
        if let Some(only) = out.pop() {
            return only;
        }
    }
    if is_and {
        Condition::And(out)
    } else {
        Condition::Or(out)
    }
}

fn normalize_value(v: &Value) -> Value {
    match v {
        // Clearing the nanoseconds (rather than `duration_trunc`, which
        // works in i64 nanoseconds and fails after 2262) matches what the
        // renderer writes for every year it accepts.
        Value::DateTime(dt) => Value::DateTime(dt.with_nanosecond(0).unwrap_or(*dt)),
        Value::List(items) => Value::List(items.iter().map(normalize_value).collect()),
        other => other.clone(),
    }
}

impl std::ops::Not for Condition {
    type Output = Condition;

    /// `NOT (self)`.
    fn not(self) -> Condition {
        Condition::Not(Box::new(self))
    }
}
