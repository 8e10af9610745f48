//! Error types for building, rendering and parsing conditions.

use std::fmt;

/// Why a condition (or an `orderBy` / `fields` value) could not be rendered.
///
/// ```
/// use psa_clients::connectwise::conditions::{field, ConditionError};
///
/// let err = field("board name").eq(1).render().unwrap_err();
/// assert!(matches!(err, ConditionError::InvalidFieldPath { .. }));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConditionError {
    /// A field path contains something other than ASCII letters, digits,
    /// `_` and single `/` separators, or a segment starts with a digit.
    #[error("invalid field path {path:?}: unexpected {found} at byte {offset}")]
    InvalidFieldPath {
        /// The rejected path.
        path: String,
        /// Byte offset of the first offending character.
        offset: usize,
        /// What was found there.
        found: Found,
    },
    /// A single-segment field path that is also a keyword of the language
    /// (`and`, `or`, `not`, `in`, `like`, `contains`, `true`, `false`, `null`).
    #[error("field path {path:?} is a reserved word")]
    ReservedFieldPath {
        /// The rejected path.
        path: String,
    },
    /// A string value contains a character that has no unambiguous
    /// representation under the selected [`StringEscaping`](super::StringEscaping).
    #[error("string value contains {ch:?} at byte {offset}, which cannot be represented safely")]
    UnrepresentableChar {
        /// The offending character.
        ch: char,
        /// Byte offset inside the string value.
        offset: usize,
    },
    /// A literal part of a `like` pattern contains a character that the
    /// server treats as a wildcard and that cannot be escaped: `*`,
    /// ConnectWise's own wildcard, for which it documents no escape.
    #[error("literal part of a like pattern contains wildcard {ch:?} at byte {offset}")]
    LiteralWildcard {
        /// The wildcard character (`*`).
        ch: char,
        /// Byte offset inside the literal part.
        offset: usize,
    },
    /// Text passed to [`Decimal::new`](super::Decimal::new) is not
    /// `-?digits.digits`, or a float was not finite.
    #[error("invalid decimal {text:?}")]
    InvalidDecimal {
        /// The rejected text.
        text: String,
    },
    /// A date-time outside years 0000–9999, which the bracket syntax cannot express.
    #[error("date-time {value} is outside years 0000-9999")]
    DateTimeOutOfRange {
        /// The rejected value, as RFC 3339.
        value: String,
    },
    /// An `And`/`Or` group with no members where one cannot be dropped
    /// (at the top level, or an empty `Or` inside an `And`, …).
    #[error("empty {kind} group cannot be rendered")]
    EmptyGroup {
        /// `"AND"` or `"OR"`.
        kind: &'static str,
    },
    /// `in (…)` / `not in (…)` with no values.
    #[error("empty list for `{op}`")]
    EmptyList {
        /// The operator.
        op: super::Operator,
    },
    /// The value does not suit the operator (a list for `=`, a plain string
    /// for `like`, a nested list, …).
    #[error("operator `{op}` cannot take {found}")]
    OperatorValueMismatch {
        /// The operator.
        op: super::Operator,
        /// A short description of the value kind found.
        found: &'static str,
    },
    /// A child condition refers to a field that is not inside a collection
    /// (`communicationItems/value` is fine, `value` is not).
    #[error(
        "child condition field {path:?} must name a collection and a member, like `items/value`"
    )]
    ChildFieldNotNested {
        /// The rejected path.
        path: String,
    },
    /// `fields` or `orderBy` with no entries.
    #[error("{param} needs at least one field")]
    EmptyFieldList {
        /// `"fields"` or `"orderBy"`.
        param: &'static str,
    },
    /// [`split_in_list`](super::split_in_list) was given a condition of a
    /// shape whose parts are not a plain union.
    #[error("cannot split condition: {reason}")]
    CannotSplit {
        /// Why not.
        reason: &'static str,
    },
    /// [`split_in_list`](super::split_in_list) cannot fit even one list
    /// value into the budget.
    #[error("a single-value chunk needs {needed} URL-encoded bytes, over the budget of {budget}")]
    BudgetTooSmall {
        /// Encoded length of the smallest possible chunk.
        needed: usize,
        /// The budget.
        budget: usize,
    },
}

/// What an invalid field path contained at the reported offset.
///
/// ```
/// use psa_clients::connectwise::conditions::Found;
/// assert_eq!(Found::Char('"').to_string(), "'\"'");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Found {
    /// A character that may not appear in a field path (or not there).
    Char(char),
    /// The path (or a segment) ended where a name was needed.
    End,
}

impl fmt::Display for Found {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Found::Char(c) => write!(f, "{c:?}"),
            Found::End => f.write_str("end of segment"),
        }
    }
}

/// A syntax error from [`parse`](super::parse), with the byte offset in the input.
///
/// ```
/// use psa_clients::connectwise::conditions::parse;
///
/// let err = parse("id = ").unwrap_err();
/// assert_eq!(err.offset, 5);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{kind} at byte {offset}")]
#[non_exhaustive]
pub struct ParseError {
    /// Byte offset into the parsed text where the problem was found.
    pub offset: usize,
    /// What went wrong.
    pub kind: ParseErrorKind,
}

impl ParseError {
    pub(crate) fn new(offset: usize, kind: ParseErrorKind) -> Self {
        Self { offset, kind }
    }
}

/// The kind of a [`ParseError`].
///
/// ```
/// use psa_clients::connectwise::conditions::{parse, ParseErrorKind};
///
/// let err = parse("name = \"open").unwrap_err();
/// assert_eq!(err.kind, ParseErrorKind::UnterminatedString);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ParseErrorKind {
    /// The input ended where more was needed.
    #[error("unexpected end of input, expected {expected}")]
    UnexpectedEnd {
        /// What was expected.
        expected: &'static str,
    },
    /// Something other than what the grammar allows here.
    #[error("unexpected {found:?}, expected {expected}")]
    Unexpected {
        /// The character found.
        found: char,
        /// What was expected.
        expected: &'static str,
    },
    /// A `"` string without its closing quote.
    #[error("unterminated string")]
    UnterminatedString,
    /// A backslash followed by something other than `"` or `\`.
    #[error("invalid escape sequence")]
    InvalidEscape,
    /// A NUL character inside a string.
    #[error("NUL character in string")]
    NulInString,
    /// A number that does not fit or is malformed.
    #[error("invalid number")]
    InvalidNumber,
    /// A `[…]` value that is not an RFC 3339 date-time or a `YYYY-MM-DD` date.
    #[error("invalid date-time")]
    InvalidDateTime,
    /// A field path that fails validation.
    #[error("invalid field path")]
    InvalidField,
    /// A `like` pattern string that is not a valid pattern.
    #[error("invalid like pattern")]
    InvalidPattern,
    /// A `contains` / `not contains` value or a `like` pattern holds a bare `%`, `_` or `[`, which SQL
    /// Server's `LIKE` reads as a wildcard or a character class. A condition tree holds literal text there,
    /// so such text has no tree; the renderer writes these characters as `[%]`, `[_]` and `[[]`.
    #[error("unescaped {ch:?} in a contains or like value, which SQL Server LIKE reads as a wildcard; write [{ch}] to match the character itself")]
    UnescapedLikeWildcard {
        /// The character: `%`, `_` or `[`.
        ch: char,
    },
    /// Parentheses nested deeper than the parser allows.
    #[error("nesting too deep")]
    TooDeep,
}
