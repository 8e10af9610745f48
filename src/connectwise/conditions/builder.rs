//! The fluent entry point: `field("board/name").eq("Help Desk")`.

use super::ast::{Comparison, Condition, Operator};
use super::value::{LikePattern, Value};

/// Starts a comparison on the field at `path` (for example `board/name`).
///
/// The path is validated when the condition is rendered.
///
/// ```
/// use psa_clients::connectwise::conditions::field;
///
/// let c = field("summary").contains("printer").and(field("closedFlag").eq(false));
/// assert_eq!(c.render().unwrap(), r#"summary contains "printer" AND closedFlag = false"#);
/// ```
pub fn field(path: impl Into<String>) -> Field {
    Field { path: path.into() }
}

/// A field waiting for its operator; see [`field`].
///
/// ```
/// use psa_clients::connectwise::conditions::field;
///
/// assert_eq!(field("id").ge(10).render().unwrap(), "id >= 10");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    path: String,
}

impl Field {
    fn compare(self, op: Operator, value: impl Into<Value>) -> Condition {
        Condition::Compare(Comparison::new(self.path, op, value))
    }

    /// `field = value`
    pub fn eq(self, value: impl Into<Value>) -> Condition {
        self.compare(Operator::Eq, value)
    }

    /// `field != value`
    pub fn ne(self, value: impl Into<Value>) -> Condition {
        self.compare(Operator::Ne, value)
    }

    /// `field < value`
    pub fn lt(self, value: impl Into<Value>) -> Condition {
        self.compare(Operator::Lt, value)
    }

    /// `field <= value`
    pub fn le(self, value: impl Into<Value>) -> Condition {
        self.compare(Operator::Le, value)
    }

    /// `field > value`
    pub fn gt(self, value: impl Into<Value>) -> Condition {
        self.compare(Operator::Gt, value)
    }

    /// `field >= value`
    pub fn ge(self, value: impl Into<Value>) -> Condition {
        self.compare(Operator::Ge, value)
    }

    /// `field = null`
    pub fn is_null(self) -> Condition {
        self.compare(Operator::Eq, Value::Null)
    }

    /// `field != null`
    pub fn is_not_null(self) -> Condition {
        self.compare(Operator::Ne, Value::Null)
    }

    /// `field contains "text"`; `text` is matched literally: SQL Server
    /// `LIKE`'s `%`, `_` and `[` are escaped when rendering (see the
    /// [`render`](super::render) module notes).
    ///
    /// ```
    /// use psa_clients::connectwise::conditions::field;
    ///
    /// assert_eq!(field("summary").contains("50%").render().unwrap(), r#"summary contains "50[%]""#);
    /// ```
    pub fn contains(self, text: impl Into<String>) -> Condition {
        self.compare(Operator::Contains, Value::String(text.into()))
    }

    /// `field not contains "text"`, with `text` matched literally as for
    /// [`Field::contains`].
    pub fn not_contains(self, text: impl Into<String>) -> Condition {
        self.compare(Operator::NotContains, Value::String(text.into()))
    }

    /// `field like "pattern"`; only the pattern's wildcard parts match
    /// freely. See [`LikePattern`].
    pub fn like(self, pattern: LikePattern) -> Condition {
        self.compare(Operator::Like, Value::Pattern(pattern))
    }

    /// `field not like "pattern"`
    pub fn not_like(self, pattern: LikePattern) -> Condition {
        self.compare(Operator::NotLike, Value::Pattern(pattern))
    }

    /// `field like "text*"`, with `text` taken literally.
    pub fn starts_with(self, text: impl AsRef<str>) -> Condition {
        self.like(LikePattern::starts_with(text))
    }

    /// `field like "*text"`, with `text` taken literally.
    pub fn ends_with(self, text: impl AsRef<str>) -> Condition {
        self.like(LikePattern::ends_with(text))
    }

    /// `field in (v1, v2, …)`
    pub fn is_in<V: Into<Value>>(self, values: impl IntoIterator<Item = V>) -> Condition {
        let list = values.into_iter().map(Into::into).collect();
        self.compare(Operator::In, Value::List(list))
    }

    /// `field not in (v1, v2, …)`
    pub fn not_in<V: Into<Value>>(self, values: impl IntoIterator<Item = V>) -> Condition {
        let list = values.into_iter().map(Into::into).collect();
        self.compare(Operator::NotIn, Value::List(list))
    }
}
