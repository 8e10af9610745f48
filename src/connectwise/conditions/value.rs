//! Values that appear on the right of a comparison.

use chrono::{DateTime, TimeZone, Utc};

use super::error::ConditionError;

/// A value in a comparison.
///
/// Date-times of any time zone convert to UTC on the way in; the renderer
/// writes them with whole seconds (`[2016-08-20T18:04:26Z]`), so any
/// fraction is dropped (see [`Condition::normalize`](super::Condition::normalize)).
///
/// ```
/// use psa_clients::connectwise::conditions::Value;
///
/// assert_eq!(Value::from(0), Value::Integer(0));
/// assert_eq!(Value::from("Help Desk"), Value::String("Help Desk".into()));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Value {
    /// `null`
    Null,
    /// `true` / `false`
    Bool(bool),
    /// An integer such as `42` or `-7`.
    Integer(i64),
    /// A decimal such as `12.50`, kept exactly as written.
    Decimal(Decimal),
    /// A string, rendered in double quotes.
    String(String),
    /// A UTC date-time, rendered in square brackets.
    DateTime(DateTime<Utc>),
    /// A `like` pattern whose `*` parts are wildcards.
    Pattern(LikePattern),
    /// The list of an `in (…)` / `not in (…)` comparison.
    List(Vec<Value>),
}

impl Value {
    /// A short name of the value's kind, for error messages.
    pub(crate) fn kind(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Integer(_) => "an integer",
            Value::Decimal(_) => "a decimal",
            Value::String(_) => "a string",
            Value::DateTime(_) => "a date-time",
            Value::Pattern(_) => "a like pattern",
            Value::List(_) => "a list",
        }
    }

    /// True for values allowed on their own and inside lists.
    pub(crate) fn is_scalar(&self) -> bool {
        !matches!(self, Value::Pattern(_) | Value::List(_))
    }
}

impl From<&str> for Value {
    fn from(v: &str) -> Self {
        Value::String(v.to_owned())
    }
}
impl From<String> for Value {
    fn from(v: String) -> Self {
        Value::String(v)
    }
}
impl From<&String> for Value {
    fn from(v: &String) -> Self {
        Value::String(v.clone())
    }
}
impl From<bool> for Value {
    fn from(v: bool) -> Self {
        Value::Bool(v)
    }
}
impl From<i64> for Value {
    fn from(v: i64) -> Self {
        Value::Integer(v)
    }
}
impl From<i32> for Value {
    fn from(v: i32) -> Self {
        Value::Integer(i64::from(v))
    }
}
impl From<u32> for Value {
    fn from(v: u32) -> Self {
        Value::Integer(i64::from(v))
    }
}
impl From<Decimal> for Value {
    fn from(v: Decimal) -> Self {
        Value::Decimal(v)
    }
}
impl From<LikePattern> for Value {
    fn from(v: LikePattern) -> Self {
        Value::Pattern(v)
    }
}
impl<Tz: TimeZone> From<DateTime<Tz>> for Value {
    fn from(v: DateTime<Tz>) -> Self {
        Value::DateTime(v.with_timezone(&Utc))
    }
}
impl<T: Into<Value>> From<Option<T>> for Value {
    /// `None` becomes `null`.
    fn from(v: Option<T>) -> Self {
        v.map_or(Value::Null, Into::into)
    }
}

/// An exact decimal literal such as `12.50`.
///
/// Stored as text so that no precision is lost between the caller and the
/// server; the only accepted shape is `-?[0-9]+\.[0-9]+`.
///
/// ```
/// use psa_clients::connectwise::conditions::Decimal;
///
/// assert_eq!(Decimal::new("12.50").unwrap().as_str(), "12.50");
/// assert_eq!(Decimal::try_from(2.0).unwrap().as_str(), "2.0");
/// assert!(Decimal::new("1e5").is_err());
/// assert!(Decimal::try_from(f64::NAN).is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Decimal(String);

impl Decimal {
    /// Validates `text` as `-?digits.digits`.
    pub fn new(text: &str) -> Result<Self, ConditionError> {
        if is_decimal_text(text) {
            Ok(Decimal(text.to_owned()))
        } else {
            Err(ConditionError::InvalidDecimal {
                text: text.to_owned(),
            })
        }
    }

    /// The literal as it will be rendered.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<f64> for Decimal {
    type Error = ConditionError;

    /// Uses the shortest text that reads back as the same `f64`; Rust's
    /// float formatting never uses an exponent, so the result always fits
    /// the decimal grammar once a `.0` is added to whole numbers.
    fn try_from(v: f64) -> Result<Self, Self::Error> {
        if !v.is_finite() {
            return Err(ConditionError::InvalidDecimal {
                text: v.to_string(),
            });
        }
        let mut text = v.to_string();
        if !text.contains('.') {
            text.push_str(".0");
        }
        Decimal::new(&text)
    }
}

pub(crate) fn is_decimal_text(text: &str) -> bool {
    let digits = text.strip_prefix('-').unwrap_or(text);
    match digits.split_once('.') {
        Some((int, frac)) => {
            !int.is_empty()
                && !frac.is_empty()
                && int.bytes().all(|b| b.is_ascii_digit())
                && frac.bytes().all(|b| b.is_ascii_digit())
        }
        None => false,
    }
}

/// One part of a [`LikePattern`].
///
/// ```
/// use psa_clients::connectwise::conditions::{LikePattern, PatternPart};
///
/// let p = LikePattern::starts_with("Help");
/// assert_eq!(p.parts(), &[PatternPart::Literal("Help".into()), PatternPart::AnyRun]);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PatternPart {
    /// Text matched literally.
    Literal(String),
    /// `*`: any run of characters.
    AnyRun,
}

/// A pattern for `like` / `not like`, in which only the parts the caller
/// marked as wildcards are wildcards.
///
/// ConnectWise's `like` uses `*` as its wildcard, and it documents no way
/// to escape it: a literal part that contains `*` is refused when rendering
/// ([`ConditionError::LiteralWildcard`]) instead of silently widening the
/// match. The server evaluates the pattern with SQL Server's `LIKE` (its own
/// examples also use `%` as a wildcard), where `%`, `_` and `[` are special
/// too: in literal parts those are written as `[%]`, `[_]` and `[[]`, which
/// SQL Server reads as the characters themselves. (That escaping follows SQL
/// Server's documented rules; it has not been checked against a live
/// ConnectWise tenant.) The pattern is kept normalised: adjacent literals
/// are merged, empty literals dropped, and runs of wildcards collapsed.
///
/// ```
/// use psa_clients::connectwise::conditions::{field, LikePattern};
///
/// // The caller's `*` is a wildcard only when asked for:
/// let pattern = LikePattern::wildcard("john*@example.com");
/// assert_eq!(
///     field("email").like(pattern).render().unwrap(),
///     r#"email like "john*@example.com""#
/// );
/// // …and an error when it was meant literally:
/// assert!(field("email").like(LikePattern::contains("a*b")).render().is_err());
/// // SQL Server's own specials in literal parts are escaped:
/// assert_eq!(
///     field("name").like(LikePattern::starts_with("SRV_01")).render().unwrap(),
///     r#"name like "SRV[_]01*""#
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct LikePattern {
    parts: Vec<PatternPart>,
}

impl LikePattern {
    /// An empty pattern (matches only the empty string).
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends text to be matched literally.
    pub fn literal(mut self, text: impl AsRef<str>) -> Self {
        let text = text.as_ref();
        if text.is_empty() {
            return self;
        }
        if let Some(PatternPart::Literal(last)) = self.parts.last_mut() {
            last.push_str(text);
        } else {
            self.parts.push(PatternPart::Literal(text.to_owned()));
        }
        self
    }

    /// Appends a wildcard matching any run of characters.
    pub fn any(mut self) -> Self {
        if self.parts.last() != Some(&PatternPart::AnyRun) {
            self.parts.push(PatternPart::AnyRun);
        }
        self
    }

    /// Reads `*` in `pattern` as a wildcard and everything else literally.
    pub fn wildcard(pattern: &str) -> Self {
        let mut out = LikePattern::new();
        for (i, piece) in pattern.split('*').enumerate() {
            if i > 0 {
                out = out.any();
            }
            out = out.literal(piece);
        }
        out
    }

    /// `text*`
    pub fn starts_with(text: impl AsRef<str>) -> Self {
        LikePattern::new().literal(text).any()
    }

    /// `*text`
    pub fn ends_with(text: impl AsRef<str>) -> Self {
        LikePattern::new().any().literal(text)
    }

    /// `*text*`
    pub fn contains(text: impl AsRef<str>) -> Self {
        LikePattern::new().any().literal(text).any()
    }

    /// The normalised parts.
    pub fn parts(&self) -> &[PatternPart] {
        &self.parts
    }

    /// The pattern text with `*` for wildcards and the literal parts
    /// escaped for SQL Server `LIKE` (see [`push_like_literal`]), after
    /// checking that no literal part contains `*`.
    pub(crate) fn to_pattern_text(&self) -> Result<String, ConditionError> {
        let mut out = String::new();
        for part in &self.parts {
            match part {
                PatternPart::AnyRun => out.push('*'),
                PatternPart::Literal(text) => {
                    if let Some(offset) = text.find('*') {
                        return Err(ConditionError::LiteralWildcard { ch: '*', offset });
                    }
                    push_like_literal(&mut out, text);
                }
            }
        }
        Ok(out)
    }
}

/// Whether SQL Server's `LIKE` gives `c` a meaning of its own: `%` (any
/// run), `_` (any one character) and `[` (a character class).
pub(crate) fn is_like_special(c: char) -> bool {
    matches!(c, '%' | '_' | '[')
}

/// Appends `text` so that SQL Server's `LIKE` matches it literally: `%`,
/// `_` and `[` become the one-character classes `[%]`, `[_]` and `[[]`.
/// (`]` alone is literal there and is left as it is.)
pub(crate) fn push_like_literal(out: &mut String, text: &str) {
    for c in text.chars() {
        if is_like_special(c) {
            out.push('[');
            out.push(c);
            out.push(']');
        } else {
            out.push(c);
        }
    }
}

/// Reads a `like` pattern written by [`LikePattern::to_pattern_text`]
/// back: `*` is the wildcard, `[%]`, `[_]` and `[[]` are the characters.
///
/// # Errors
/// The first `%`, `_` or `[` that is not part of one of those escapes: it
/// would be a wildcard (or a character class) that a pattern cannot hold.
pub(crate) fn read_like_pattern(text: &str) -> Result<LikePattern, char> {
    let mut pattern = LikePattern::new();
    for (i, piece) in text.split('*').enumerate() {
        if i > 0 {
            pattern = pattern.any();
        }
        pattern = pattern.literal(read_like_literal(piece)?);
    }
    Ok(pattern)
}

/// Reads literal text written by [`push_like_literal`] back.
///
/// # Errors
/// As [`read_like_pattern`].
pub(crate) fn read_like_literal(text: &str) -> Result<String, char> {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match c {
            '[' => {
                let mut escape = chars.clone();
                match (escape.next(), escape.next()) {
                    (Some(inner), Some(']')) if is_like_special(inner) => {
                        out.push(inner);
                        chars = escape;
                    }
                    _ => return Err('['),
                }
            }
            '%' | '_' => return Err(c),
            _ => out.push(c),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pattern_normalises() {
        let p = LikePattern::new()
            .literal("")
            .any()
            .any()
            .literal("a")
            .literal("b")
            .any();
        assert_eq!(
            p.parts(),
            &[
                PatternPart::AnyRun,
                PatternPart::Literal("ab".into()),
                PatternPart::AnyRun
            ]
        );
        assert_eq!(LikePattern::wildcard("**ab*"), p);
        assert_eq!(LikePattern::wildcard(""), LikePattern::new());
    }

    #[test]
    fn literal_wildcards_are_refused_or_escaped() {
        assert_eq!(
            LikePattern::starts_with("a*").to_pattern_text(),
            Err(ConditionError::LiteralWildcard { ch: '*', offset: 1 })
        );
        assert_eq!(
            LikePattern::starts_with("50%_[")
                .to_pattern_text()
                .as_deref(),
            Ok("50[%][_][[]*")
        );
        assert_eq!(
            LikePattern::wildcard("a*b").to_pattern_text().as_deref(),
            Ok("a*b")
        );
    }

    #[test]
    fn decimals() {
        assert!(Decimal::new("-0.5").is_ok());
        for bad in ["", "1", ".5", "5.", "1.2.3", "+1.0", "1,0", "--1.0"] {
            assert!(Decimal::new(bad).is_err(), "{bad}");
        }
        assert_eq!(Decimal::try_from(-0.0).unwrap().as_str(), "-0.0");
        assert_eq!(
            Decimal::try_from(1e21).unwrap().as_str(),
            "1000000000000000000000.0"
        );
        assert!(Decimal::try_from(f64::INFINITY).is_err());
    }

    #[test]
    fn datetimes_convert_to_utc() {
        let local = chrono::FixedOffset::east_opt(2 * 3600)
            .unwrap()
            .with_ymd_and_hms(2016, 8, 20, 20, 4, 26)
            .unwrap();
        let expected = Utc.with_ymd_and_hms(2016, 8, 20, 18, 4, 26).unwrap();
        assert_eq!(Value::from(local), Value::DateTime(expected));
    }
}
