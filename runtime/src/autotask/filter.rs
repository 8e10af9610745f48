//! Autotask REST query bodies: `{"filter":[…], "IncludeFields":[…], "MaxRecords":n}`.
//!
//! ```
//! use psa_clients_runtime::autotask::filter::{field, udf, Filter, Query};
//!
//! let query = Query::builder()
//!     .filter(field("companyID").eq(0))
//!     .filter(Filter::any([
//!         field("status").is_in([1, 5]),
//!         udf("Customer Tier").eq("Gold"),
//!     ]))
//!     .include_fields(["id", "title"])
//!     .max_records(50)
//!     .build()?;
//! assert_eq!(
//!     serde_json::to_string(&query)?,
//!     concat!(
//!         r#"{"filter":[{"op":"eq","field":"companyID","value":0},"#,
//!         r#"{"op":"or","items":[{"op":"in","field":"status","value":[1,5]},"#,
//!         r#"{"op":"eq","field":"Customer Tier","udf":true,"value":"Gold"}]}],"#,
//!         r#""IncludeFields":["id","title"],"MaxRecords":50}"#
//!     )
//! );
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Values are JSON, so quoting is no concern: `0`, `false` and `""` are
//! written exactly as given. One thing is: Autotask evaluates `contains`,
//! `beginsWith` and `endsWith` with SQL Server's `LIKE`, where `%` matches
//! any run, `_` any one character and `[…]` a character class. So that
//! `contains("50%")` looks for "50%" and not for "50" followed by anything,
//! the string values of those three operators are sent with `%`, `_` and `[`
//! written as `[%]`, `[_]` and `[[]`, SQL Server's own escapes, and read back
//! the same way (a bare one in a body being read is
//! [`FilterError::UnescapedLikeWildcard`]). The filter values themselves stay
//! the caller's literal text. This follows SQL Server's documented `LIKE`
//! rules and has not been verified against a live Autotask zone (one that
//! escaped the value itself would then look for the brackets literally).
//!
//! Checks that the JSON shape alone cannot express (at least one filter,
//! non-empty groups and lists, `MaxRecords` in 1..=500, finite numbers,
//! named fields) run in [`QueryBuilder::build`] and when deserializing, so a
//! [`Query`] value is always valid. Autotask requires a filter: a query for
//! every record says so with [`Query::all`].

use std::fmt;

use chrono::{DateTime, SecondsFormat, TimeZone, Utc};
use serde::ser::SerializeMap;
use serde::{Deserialize, Serialize, Serializer};

/// Largest `MaxRecords` (page size) Autotask accepts. The one copy: `psa_clients::pagination::autotask` checks
/// hand-written query bodies against it with [`checked_max_records`] too.
pub const MAX_RECORDS: u32 = 500;

/// `n` as a `MaxRecords` value, if Autotask accepts it (`1..=`[`MAX_RECORDS`]).
///
/// # Errors
/// [`FilterError::MaxRecordsOutOfRange`] otherwise.
///
/// ```
/// use psa_clients_runtime::autotask::filter::checked_max_records;
///
/// assert_eq!(checked_max_records(500), Ok(500));
/// assert!(checked_max_records(0).is_err());
/// assert!(checked_max_records(501).is_err());
/// ```
pub fn checked_max_records(n: u64) -> Result<u32, FilterError> {
    u32::try_from(n)
        .ok()
        .filter(|n| (1..=MAX_RECORDS).contains(n))
        .ok_or(FilterError::MaxRecordsOutOfRange { value: n })
}

/// Why a query could not be built or read.
///
/// ```
/// use psa_clients_runtime::autotask::filter::{field, FilterError, Query};
///
/// let err = Query::builder().filter(field("id").gt(0)).max_records(0).build().unwrap_err();
/// assert_eq!(err, FilterError::MaxRecordsOutOfRange { value: 0 });
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FilterError {
    /// `MaxRecords` outside 1..=500.
    #[error("MaxRecords must be between 1 and 500, got {value}")]
    MaxRecordsOutOfRange {
        /// The rejected value.
        value: u64,
    },
    /// An `and`/`or` group without items.
    #[error("empty `{op}` group")]
    EmptyGroup {
        /// `and` or `or`.
        op: &'static str,
    },
    /// `in`/`notIn` with an empty list.
    #[error("empty list for `{op}` on field {field:?}")]
    EmptyList {
        /// `in` or `notIn`.
        op: &'static str,
        /// The field.
        field: String,
    },
    /// A filter or `IncludeFields` entry with an empty field name.
    #[error("empty field name")]
    EmptyFieldName,
    /// A NaN or infinite number, which JSON cannot carry.
    #[error("non-finite number for field {field:?}")]
    NonFiniteNumber {
        /// The field.
        field: String,
    },
    /// An `op` that is not one of Autotask's operators.
    #[error("unknown operator {op:?}")]
    UnknownOperator {
        /// The operator as read.
        op: String,
    },
    /// A member required by the operator is missing, or one that it
    /// forbids is present (for example a `value` on `exist`).
    #[error("`{op}` {problem}")]
    Shape {
        /// The operator.
        op: &'static str,
        /// What is wrong.
        problem: &'static str,
    },
    /// A `value` of a JSON type the operator cannot take.
    #[error("`{op}` cannot take a value of this type: {found}")]
    InvalidValue {
        /// The operator.
        op: &'static str,
        /// The JSON type found.
        found: &'static str,
    },
    /// A query without any filter. Autotask requires one; asking for every
    /// record has to be explicit.
    #[error(
        "an Autotask query needs at least one filter; to ask for every record, use Query::all() \
         (or QueryBuilder::all_records())"
    )]
    NoFilter,
    /// A `contains`, `beginsWith` or `endsWith` value read from JSON holds a
    /// bare `%`, `_` or `[`, which SQL Server's `LIKE` reads as a wildcard or
    /// a character class. The filter holds literal text there (serialized
    /// with these characters escaped as `[%]`, `[_]`, `[[]`), so such a body
    /// has no filter value.
    #[error(
        "`{op}` on field {field:?}: unescaped {ch:?}, which SQL Server LIKE reads as a wildcard; \
         write [{ch}] to match the character itself"
    )]
    UnescapedLikeWildcard {
        /// The operator.
        op: &'static str,
        /// The field.
        field: String,
        /// The character: `%`, `_` or `[`.
        ch: char,
    },
}

/// A single comparison value: string, integer, decimal or boolean.
///
/// Date-times become UTC ISO-8601 strings (`2024-01-01T00:00:00Z`, with a
/// fraction only when there is one).
///
/// ```
/// use chrono::{FixedOffset, TimeZone};
/// use psa_clients_runtime::autotask::filter::FilterValue;
///
/// let t = FixedOffset::east_opt(3600).unwrap().with_ymd_and_hms(2024, 1, 1, 1, 0, 0).unwrap();
/// assert_eq!(FilterValue::from(t), FilterValue::String("2024-01-01T00:00:00Z".into()));
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum FilterValue {
    /// `true` / `false`
    Bool(bool),
    /// A JSON integer.
    Integer(i64),
    /// A JSON number with a fraction or exponent.
    Float(f64),
    /// A JSON string.
    String(String),
}

impl From<bool> for FilterValue {
    fn from(v: bool) -> Self {
        FilterValue::Bool(v)
    }
}
impl From<i32> for FilterValue {
    fn from(v: i32) -> Self {
        FilterValue::Integer(i64::from(v))
    }
}
impl From<i64> for FilterValue {
    fn from(v: i64) -> Self {
        FilterValue::Integer(v)
    }
}
impl From<u32> for FilterValue {
    fn from(v: u32) -> Self {
        FilterValue::Integer(i64::from(v))
    }
}
impl From<f64> for FilterValue {
    fn from(v: f64) -> Self {
        FilterValue::Float(v)
    }
}
impl From<&str> for FilterValue {
    fn from(v: &str) -> Self {
        FilterValue::String(v.to_owned())
    }
}
impl From<String> for FilterValue {
    fn from(v: String) -> Self {
        FilterValue::String(v)
    }
}
impl<Tz: TimeZone> From<DateTime<Tz>> for FilterValue {
    fn from(v: DateTime<Tz>) -> Self {
        FilterValue::String(
            v.with_timezone(&Utc)
                .to_rfc3339_opts(SecondsFormat::AutoSi, true),
        )
    }
}

impl FilterValue {
    fn is_finite(&self) -> bool {
        match self {
            FilterValue::Float(f) => f.is_finite(),
            _ => true,
        }
    }

    fn from_json(op: &'static str, v: serde_json::Value) -> Result<Self, FilterError> {
        let invalid = |found| FilterError::InvalidValue { op, found };
        match v {
            serde_json::Value::Bool(b) => Ok(FilterValue::Bool(b)),
            serde_json::Value::String(s) => Ok(FilterValue::String(s)),
            serde_json::Value::Number(n) => {
                if let Some(i) = n.as_i64() {
                    Ok(FilterValue::Integer(i))
                } else if n.is_u64() {
                    Err(invalid("an integer above i64::MAX"))
                } else {
                    n.as_f64()
                        .map(FilterValue::Float)
                        .ok_or(invalid("a number"))
                }
            }
            serde_json::Value::Null => Err(invalid("null")),
            serde_json::Value::Array(_) => Err(invalid("an array")),
            serde_json::Value::Object(_) => Err(invalid("an object")),
        }
    }
}

impl Serialize for FilterValue {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            FilterValue::Bool(b) => s.serialize_bool(*b),
            FilterValue::Integer(i) => s.serialize_i64(*i),
            FilterValue::Float(f) => s.serialize_f64(*f),
            FilterValue::String(v) => s.serialize_str(v),
        }
    }
}

/// Operators that compare a field with one value.
///
/// ```
/// use psa_clients_runtime::autotask::filter::CompareOp;
/// assert_eq!(CompareOp::BeginsWith.as_str(), "beginsWith");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CompareOp {
    /// `eq`
    Eq,
    /// `noteq`
    NotEq,
    /// `gt`
    Gt,
    /// `gte`
    Gte,
    /// `lt`
    Lt,
    /// `lte`
    Lte,
    /// `beginsWith`
    BeginsWith,
    /// `endsWith`
    EndsWith,
    /// `contains`
    Contains,
}

impl CompareOp {
    const ALL: [CompareOp; 9] = [
        CompareOp::Eq,
        CompareOp::NotEq,
        CompareOp::Gt,
        CompareOp::Gte,
        CompareOp::Lt,
        CompareOp::Lte,
        CompareOp::BeginsWith,
        CompareOp::EndsWith,
        CompareOp::Contains,
    ];

    /// Whether Autotask evaluates the operator with SQL Server's `LIKE`
    /// (`beginsWith`, `endsWith`, `contains`), so that its string value is
    /// sent with `%`, `_` and `[` escaped.
    ///
    /// ```
    /// use psa_clients_runtime::autotask::filter::CompareOp;
    /// assert!(CompareOp::Contains.is_like());
    /// assert!(!CompareOp::Eq.is_like());
    /// ```
    pub fn is_like(self) -> bool {
        matches!(
            self,
            CompareOp::BeginsWith | CompareOp::EndsWith | CompareOp::Contains
        )
    }

    /// The operator's JSON name.
    pub fn as_str(self) -> &'static str {
        match self {
            CompareOp::Eq => "eq",
            CompareOp::NotEq => "noteq",
            CompareOp::Gt => "gt",
            CompareOp::Gte => "gte",
            CompareOp::Lt => "lt",
            CompareOp::Lte => "lte",
            CompareOp::BeginsWith => "beginsWith",
            CompareOp::EndsWith => "endsWith",
            CompareOp::Contains => "contains",
        }
    }
}

/// What a [`FieldFilter`] tests.
///
/// ```
/// use psa_clients_runtime::autotask::filter::{field, Filter, Test};
///
/// let Filter::Field(f) = field("phone").exists() else { unreachable!() };
/// assert_eq!(f.test, Test::Exist);
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Test {
    /// A one-value comparison.
    Compare(CompareOp, FilterValue),
    /// `exist` (no value).
    Exist,
    /// `notExist` (no value).
    NotExist,
    /// `in` with a list.
    In(Vec<FilterValue>),
    /// `notIn` with a list.
    NotIn(Vec<FilterValue>),
}

impl Test {
    fn op_name(&self) -> &'static str {
        match self {
            Test::Compare(op, _) => op.as_str(),
            Test::Exist => "exist",
            Test::NotExist => "notExist",
            Test::In(_) => "in",
            Test::NotIn(_) => "notIn",
        }
    }
}

/// A test on one field; `udf` marks a user-defined field.
///
/// ```
/// use psa_clients_runtime::autotask::filter::{udf, Filter};
///
/// let Filter::Field(f) = udf("Region").eq("North") else { unreachable!() };
/// assert!(f.udf);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct FieldFilter {
    /// The field (or UDF) name.
    pub field: String,
    /// True for a user-defined field (`"udf": true`).
    pub udf: bool,
    /// The test.
    pub test: Test,
}

/// `and` / `or`.
///
/// ```
/// use psa_clients_runtime::autotask::filter::GroupOp;
/// assert_eq!(GroupOp::Or.as_str(), "or");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum GroupOp {
    /// All items hold.
    And,
    /// Any item holds.
    Or,
}

impl GroupOp {
    /// The operator's JSON name.
    pub fn as_str(self) -> &'static str {
        match self {
            GroupOp::And => "and",
            GroupOp::Or => "or",
        }
    }
}

/// One entry of the `filter` array: a field test or an `and`/`or` group.
///
/// ```
/// use psa_clients_runtime::autotask::filter::{field, Filter};
///
/// let f = field("isActive").eq(true).and(field("companyType").eq(1));
/// assert_eq!(
///     serde_json::to_string(&f).unwrap(),
///     r#"{"op":"and","items":[{"op":"eq","field":"isActive","value":true},{"op":"eq","field":"companyType","value":1}]}"#
/// );
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Filter {
    /// A test on one field.
    Field(FieldFilter),
    /// A group of filters.
    Group {
        /// `and` or `or`.
        op: GroupOp,
        /// The members.
        items: Vec<Filter>,
    },
}

impl Filter {
    /// An `and` group.
    pub fn all(items: impl IntoIterator<Item = Filter>) -> Filter {
        Filter::Group {
            op: GroupOp::And,
            items: items.into_iter().collect(),
        }
    }

    /// An `or` group.
    pub fn any(items: impl IntoIterator<Item = Filter>) -> Filter {
        Filter::Group {
            op: GroupOp::Or,
            items: items.into_iter().collect(),
        }
    }

    /// `self and other`, extending `self` if it already is an `and` group.
    pub fn and(self, other: Filter) -> Filter {
        match self {
            Filter::Group {
                op: GroupOp::And,
                mut items,
            } => {
                items.push(other);
                Filter::Group {
                    op: GroupOp::And,
                    items,
                }
            }
            first => Filter::all([first, other]),
        }
    }

    /// `self or other`, extending `self` if it already is an `or` group.
    pub fn or(self, other: Filter) -> Filter {
        match self {
            Filter::Group {
                op: GroupOp::Or,
                mut items,
            } => {
                items.push(other);
                Filter::Group {
                    op: GroupOp::Or,
                    items,
                }
            }
            first => Filter::any([first, other]),
        }
    }

    fn validate(&self) -> Result<(), FilterError> {
        match self {
            Filter::Group { op, items } => {
                if items.is_empty() {
                    return Err(FilterError::EmptyGroup { op: op.as_str() });
                }
                items.iter().try_for_each(Filter::validate)
            }
            Filter::Field(f) => {
                if f.field.is_empty() {
                    return Err(FilterError::EmptyFieldName);
                }
                let non_finite = || FilterError::NonFiniteNumber {
                    field: f.field.clone(),
                };
                match &f.test {
                    Test::Compare(_, v) if !v.is_finite() => Err(non_finite()),
                    Test::In(list) | Test::NotIn(list) => {
                        if list.is_empty() {
                            Err(FilterError::EmptyList {
                                op: f.test.op_name(),
                                field: f.field.clone(),
                            })
                        } else if list.iter().all(FilterValue::is_finite) {
                            Ok(())
                        } else {
                            Err(non_finite())
                        }
                    }
                    _ => Ok(()),
                }
            }
        }
    }
}

impl Serialize for Filter {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Filter::Group { op, items } => {
                let mut m = s.serialize_map(Some(2))?;
                m.serialize_entry("op", op.as_str())?;
                m.serialize_entry("items", items)?;
                m.end()
            }
            Filter::Field(f) => {
                let mut m = s.serialize_map(None)?;
                m.serialize_entry("op", f.test.op_name())?;
                m.serialize_entry("field", &f.field)?;
                if f.udf {
                    m.serialize_entry("udf", &true)?;
                }
                match &f.test {
                    Test::Compare(op, FilterValue::String(text)) if op.is_like() => {
                        m.serialize_entry("value", &like_escape(text))?
                    }
                    Test::Compare(_, v) => m.serialize_entry("value", v)?,
                    Test::In(list) | Test::NotIn(list) => m.serialize_entry("value", list)?,
                    Test::Exist | Test::NotExist => {}
                }
                m.end()
            }
        }
    }
}

/// `text` as SQL Server's `LIKE` matches it literally: `%`, `_` and `[`
/// become the one-character classes `[%]`, `[_]` and `[[]` (`]` alone is
/// literal there).
fn like_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '%' | '_' | '[') {
            out.push('[');
            out.push(c);
            out.push(']');
        } else {
            out.push(c);
        }
    }
    out
}

/// Reads text written by [`like_escape`] back.
///
/// # Errors
/// The first `%`, `_` or `[` that is not part of a `[%]`, `[_]` or `[[]`
/// escape.
fn like_unescape(text: &str) -> Result<String, char> {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match c {
            '[' => {
                let mut escape = chars.clone();
                match (escape.next(), escape.next()) {
                    (Some(inner @ ('%' | '_' | '[')), Some(']')) => {
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

/// Starts a test on a standard field.
///
/// ```
/// use psa_clients_runtime::autotask::filter::field;
///
/// let f = field("title").begins_with("");
/// assert_eq!(serde_json::to_string(&f).unwrap(), r#"{"op":"beginsWith","field":"title","value":""}"#);
/// ```
pub fn field(name: impl Into<String>) -> FieldRef {
    FieldRef {
        name: name.into(),
        udf: false,
    }
}

/// Starts a test on a user-defined field (adds `"udf": true`).
///
/// ```
/// use psa_clients_runtime::autotask::filter::udf;
///
/// let f = udf("CustomerRanking").eq("Golden");
/// assert_eq!(
///     serde_json::to_string(&f).unwrap(),
///     r#"{"op":"eq","field":"CustomerRanking","udf":true,"value":"Golden"}"#
/// );
/// ```
pub fn udf(name: impl Into<String>) -> FieldRef {
    FieldRef {
        name: name.into(),
        udf: true,
    }
}

/// A field waiting for its test; see [`field`] and [`udf`].
///
/// ```
/// use psa_clients_runtime::autotask::filter::field;
///
/// let f = field("id").not_in([1, 2]);
/// assert_eq!(serde_json::to_string(&f).unwrap(), r#"{"op":"notIn","field":"id","value":[1,2]}"#);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldRef {
    name: String,
    udf: bool,
}

impl FieldRef {
    fn test(self, test: Test) -> Filter {
        Filter::Field(FieldFilter {
            field: self.name,
            udf: self.udf,
            test,
        })
    }

    fn compare(self, op: CompareOp, v: impl Into<FilterValue>) -> Filter {
        self.test(Test::Compare(op, v.into()))
    }

    /// `eq`
    pub fn eq(self, v: impl Into<FilterValue>) -> Filter {
        self.compare(CompareOp::Eq, v)
    }
    /// `noteq`
    pub fn not_eq(self, v: impl Into<FilterValue>) -> Filter {
        self.compare(CompareOp::NotEq, v)
    }
    /// `gt`
    pub fn gt(self, v: impl Into<FilterValue>) -> Filter {
        self.compare(CompareOp::Gt, v)
    }
    /// `gte`
    pub fn gte(self, v: impl Into<FilterValue>) -> Filter {
        self.compare(CompareOp::Gte, v)
    }
    /// `lt`
    pub fn lt(self, v: impl Into<FilterValue>) -> Filter {
        self.compare(CompareOp::Lt, v)
    }
    /// `lte`
    pub fn lte(self, v: impl Into<FilterValue>) -> Filter {
        self.compare(CompareOp::Lte, v)
    }
    /// `beginsWith`; a string value is matched literally (its `%`, `_` and
    /// `[` are escaped for SQL Server `LIKE`, see the [module](self) notes).
    pub fn begins_with(self, v: impl Into<FilterValue>) -> Filter {
        self.compare(CompareOp::BeginsWith, v)
    }
    /// `endsWith`; a string value is matched literally, as for
    /// [`begins_with`](Self::begins_with).
    pub fn ends_with(self, v: impl Into<FilterValue>) -> Filter {
        self.compare(CompareOp::EndsWith, v)
    }
    /// `contains`; a string value is matched literally, as for
    /// [`begins_with`](Self::begins_with).
    ///
    /// ```
    /// use psa_clients_runtime::autotask::filter::field;
    ///
    /// assert_eq!(
    ///     serde_json::to_string(&field("companyName").contains("50%")).unwrap(),
    ///     r#"{"op":"contains","field":"companyName","value":"50[%]"}"#
    /// );
    /// ```
    pub fn contains(self, v: impl Into<FilterValue>) -> Filter {
        self.compare(CompareOp::Contains, v)
    }
    /// `exist`
    pub fn exists(self) -> Filter {
        self.test(Test::Exist)
    }
    /// `notExist`
    pub fn not_exists(self) -> Filter {
        self.test(Test::NotExist)
    }
    /// `in`
    pub fn is_in<V: Into<FilterValue>>(self, values: impl IntoIterator<Item = V>) -> Filter {
        self.test(Test::In(values.into_iter().map(Into::into).collect()))
    }
    /// `notIn`
    pub fn not_in<V: Into<FilterValue>>(self, values: impl IntoIterator<Item = V>) -> Filter {
        self.test(Test::NotIn(values.into_iter().map(Into::into).collect()))
    }
}

/// A validated query body; build it with [`Query::builder`], or take
/// [`Query::all`] for every record.
///
/// Autotask requires at least one filter, so a query without one is
/// [`FilterError::NoFilter`] rather than a silent "everything": every record
/// is asked for explicitly, and sent as the all-records filter
/// `{"op":"gte","field":"id","value":0}`.
///
/// ```
/// use psa_clients_runtime::autotask::filter::{FilterError, Query};
///
/// assert_eq!(Query::builder().build(), Err(FilterError::NoFilter));
/// let q = Query::all();
/// assert_eq!(serde_json::to_string(&q)?, r#"{"filter":[{"op":"gte","field":"id","value":0}]}"#);
/// assert_eq!(serde_json::to_string(&q.count())?, r#"{"filter":[{"op":"gte","field":"id","value":0}]}"#);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(try_from = "RawQuery")]
pub struct Query {
    filter: Vec<Filter>,
    include_fields: Vec<String>,
    max_records: Option<u32>,
}

impl Query {
    /// Starts an empty query. At least one filter must be added (or
    /// [`QueryBuilder::all_records`] asked for) before [`QueryBuilder::build`].
    pub fn builder() -> QueryBuilder {
        QueryBuilder::default()
    }

    /// Every record: the filter `{"op":"gte","field":"id","value":0}`, the
    /// "all records" filter of Autotask's query documentation (ids start at
    /// 0), without `IncludeFields` or `MaxRecords`. With those, use
    /// [`QueryBuilder::all_records`].
    ///
    /// ```
    /// use psa_clients_runtime::autotask::filter::Query;
    ///
    /// assert_eq!(
    ///     serde_json::to_string(&Query::all())?,
    ///     r#"{"filter":[{"op":"gte","field":"id","value":0}]}"#
    /// );
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    pub fn all() -> Query {
        Query {
            filter: vec![all_records_filter()],
            include_fields: Vec::new(),
            max_records: None,
        }
    }

    /// The filters (all must hold); never empty.
    pub fn filters(&self) -> &[Filter] {
        &self.filter
    }

    /// `IncludeFields`, empty when not set.
    pub fn include_fields(&self) -> &[String] {
        &self.include_fields
    }

    /// `MaxRecords`, when set (always within 1..=500).
    pub fn max_records(&self) -> Option<u32> {
        self.max_records
    }

    /// The body for `POST /V1.0/{Entity}/query/count`: the filter only.
    pub fn count(&self) -> CountQuery<'_> {
        CountQuery {
            filter: &self.filter,
        }
    }
}

impl Serialize for Query {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("filter", &self.filter)?;
        if !self.include_fields.is_empty() {
            m.serialize_entry("IncludeFields", &self.include_fields)?;
        }
        if let Some(n) = self.max_records {
            m.serialize_entry("MaxRecords", &n)?;
        }
        m.end()
    }
}

/// A generated body setter takes `impl TryInto<Query>`; this lets it take a query the caller keeps (to page or
/// to ask again) without an explicit clone.
impl From<&Query> for Query {
    fn from(query: &Query) -> Query {
        query.clone()
    }
}

/// The `search` URL parameter of Autotask's `GET /V1.0/{Entity}/query` and `…/query/count`: a [`Query`]
/// written as JSON text.
///
/// The document declares `search` as a free string; the generated setters take this type instead, so the text
/// is always a valid query body built by [`QueryBuilder`] (no hand-assembled JSON, no vendor `ValueItem`
/// objects). It is made from a [`Query`] (by value or by reference) and sent as the query's JSON.
///
/// ```
/// use psa_clients_runtime::autotask::filter::{field, Query, Search};
///
/// let search = Search::from(Query::builder().filter(field("companyType").eq(1)).build()?);
/// assert_eq!(search.to_json(), r#"{"filter":[{"op":"eq","field":"companyType","value":1}]}"#);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Search(Query);

impl Search {
    /// The query this parameter carries.
    pub fn query(&self) -> &Query {
        &self.0
    }

    /// The JSON text sent as the parameter's value.
    pub fn to_json(&self) -> String {
        // A `Query` holds only strings, finite numbers, booleans, timestamps and lists of them (checked when it
        // was built), so serializing it into a string cannot fail; the fallback keeps this total anyway.
        serde_json::to_string(&self.0).unwrap_or_default()
    }
}

impl From<Query> for Search {
    fn from(query: Query) -> Search {
        Search(query)
    }
}

impl From<&Query> for Search {
    fn from(query: &Query) -> Search {
        Search(query.clone())
    }
}

impl Serialize for Search {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let text = serde_json::to_string(&self.0).map_err(serde::ser::Error::custom)?;
        s.serialize_str(&text)
    }
}

/// Reads the parameter back from its text (the coverage walk's samples, a logged URL), with the same checks
/// as a [`Query`] body.
impl<'de> Deserialize<'de> for Search {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Search, D::Error> {
        let text = String::deserialize(d)?;
        serde_json::from_str(&text)
            .map(Search)
            .map_err(serde::de::Error::custom)
    }
}

impl fmt::Display for Search {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_json())
    }
}

/// The `/query/count` body borrowed from a [`Query`]; see [`Query::count`].
///
/// ```
/// use psa_clients_runtime::autotask::filter::{field, Query};
///
/// let q = Query::builder().filter(field("isActive").eq(false)).max_records(10).build()?;
/// assert_eq!(
///     serde_json::to_string(&q.count())?,
///     r#"{"filter":[{"op":"eq","field":"isActive","value":false}]}"#
/// );
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy)]
pub struct CountQuery<'a> {
    filter: &'a [Filter],
}

impl Serialize for CountQuery<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(1))?;
        m.serialize_entry("filter", self.filter)?;
        m.end()
    }
}

/// Collects the parts of a [`Query`]; [`QueryBuilder::build`] validates them.
///
/// ```
/// use psa_clients_runtime::autotask::filter::{field, Query};
///
/// let q = Query::builder()
///     .filter(field("companyID").eq(0))
///     .include_fields(["id"])
///     .max_records(500)
///     .build()
///     .unwrap();
/// assert_eq!(q.max_records(), Some(500));
/// ```
#[derive(Debug, Clone, Default)]
pub struct QueryBuilder {
    filter: Vec<Filter>,
    include_fields: Vec<String>,
    max_records: Option<u64>,
}

/// Autotask's "every record" filter: `id gte 0`.
fn all_records_filter() -> Filter {
    field("id").gte(0)
}

impl QueryBuilder {
    /// Adds a top-level filter (top-level filters are combined with AND).
    pub fn filter(mut self, f: Filter) -> Self {
        self.filter.push(f);
        self
    }

    /// Asks for every record: adds the filter of [`Query::all`]
    /// (`{"op":"gte","field":"id","value":0}`), so that `IncludeFields` and
    /// `MaxRecords` can be set too.
    ///
    /// ```
    /// use psa_clients_runtime::autotask::filter::Query;
    ///
    /// let q = Query::builder().all_records().include_fields(["id"]).build()?;
    /// assert_eq!(q.filters(), Query::all().filters());
    /// # Ok::<(), psa_clients_runtime::autotask::filter::FilterError>(())
    /// ```
    pub fn all_records(self) -> Self {
        self.filter(all_records_filter())
    }

    /// Adds `IncludeFields` entries.
    pub fn include_fields<S: Into<String>>(mut self, fields: impl IntoIterator<Item = S>) -> Self {
        self.include_fields
            .extend(fields.into_iter().map(Into::into));
        self
    }

    /// Sets `MaxRecords`; must be within 1..=500 (checked by [`build`](Self::build)).
    pub fn max_records(mut self, n: u32) -> Self {
        self.max_records = Some(u64::from(n));
        self
    }

    /// Validates and returns the query.
    ///
    /// # Errors
    /// The first problem found: [`FilterError::MaxRecordsOutOfRange`], an
    /// invalid filter ([`FilterError::EmptyGroup`], …),
    /// [`FilterError::EmptyFieldName`], or [`FilterError::NoFilter`] when no
    /// filter was added (use [`Query::all`] or [`QueryBuilder::all_records`]
    /// for every record).
    pub fn build(self) -> Result<Query, FilterError> {
        let max_records = self.max_records.map(checked_max_records).transpose()?;
        self.filter.iter().try_for_each(Filter::validate)?;
        if self.include_fields.iter().any(String::is_empty) {
            return Err(FilterError::EmptyFieldName);
        }
        if self.filter.is_empty() {
            return Err(FilterError::NoFilter);
        }
        Ok(Query {
            filter: self.filter,
            include_fields: self.include_fields,
            max_records,
        })
    }
}

// ---- Deserialization: read loosely shaped JSON, then validate. ----

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawQuery {
    #[serde(default, alias = "Filter")]
    filter: Vec<RawFilter>,
    #[serde(
        default,
        rename = "IncludeFields",
        alias = "includeFields",
        alias = "includefields"
    )]
    include_fields: Vec<String>,
    #[serde(rename = "MaxRecords", alias = "maxRecords", alias = "maxrecords")]
    max_records: Option<u64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFilter {
    #[serde(alias = "Op")]
    op: String,
    #[serde(default, alias = "Field")]
    field: Option<String>,
    #[serde(default, alias = "Value")]
    value: Option<serde_json::Value>,
    #[serde(default, alias = "Udf", alias = "UDF")]
    udf: Option<bool>,
    #[serde(default, alias = "Items")]
    items: Option<Vec<RawFilter>>,
}

impl TryFrom<RawQuery> for Query {
    type Error = FilterError;

    fn try_from(raw: RawQuery) -> Result<Self, Self::Error> {
        let mut b = QueryBuilder {
            filter: Vec::with_capacity(raw.filter.len()),
            include_fields: raw.include_fields,
            max_records: raw.max_records,
        };
        for f in raw.filter {
            b.filter.push(Filter::try_from(f)?);
        }
        b.build()
    }
}

impl TryFrom<RawFilter> for Filter {
    type Error = FilterError;

    fn try_from(raw: RawFilter) -> Result<Self, Self::Error> {
        let op_lower = raw.op.to_ascii_lowercase();
        let shape = |op: &'static str, problem: &'static str| FilterError::Shape { op, problem };

        if let Some(group) = [GroupOp::And, GroupOp::Or]
            .into_iter()
            .find(|g| g.as_str() == op_lower)
        {
            let op = group.as_str();
            if raw.field.is_some() || raw.value.is_some() || raw.udf.is_some() {
                return Err(shape(op, "groups take only `items`"));
            }
            let items = raw.items.ok_or(shape(op, "needs `items`"))?;
            let items = items
                .into_iter()
                .map(Filter::try_from)
                .collect::<Result<Vec<_>, _>>()?;
            return Ok(Filter::Group { op: group, items });
        }

        let test_op: &'static str = match op_lower.as_str() {
            "exist" => "exist",
            "notexist" => "notExist",
            "in" => "in",
            "notin" => "notIn",
            other => CompareOp::ALL
                .iter()
                .map(|c| c.as_str())
                .find(|name| name.eq_ignore_ascii_case(other))
                .ok_or_else(|| FilterError::UnknownOperator { op: raw.op.clone() })?,
        };
        if raw.items.is_some() {
            return Err(shape(test_op, "does not take `items`"));
        }
        let field = raw.field.ok_or(shape(test_op, "needs `field`"))?;
        let test = match test_op {
            "exist" | "notExist" => {
                if raw.value.is_some() {
                    return Err(shape(test_op, "does not take a `value`"));
                }
                if test_op == "exist" {
                    Test::Exist
                } else {
                    Test::NotExist
                }
            }
            "in" | "notIn" => {
                let serde_json::Value::Array(items) =
                    raw.value.ok_or(shape(test_op, "needs a `value` array"))?
                else {
                    return Err(shape(test_op, "needs a `value` array"));
                };
                let list = items
                    .into_iter()
                    .map(|v| FilterValue::from_json(test_op, v))
                    .collect::<Result<Vec<_>, _>>()?;
                if test_op == "in" {
                    Test::In(list)
                } else {
                    Test::NotIn(list)
                }
            }
            name => {
                let op = CompareOp::ALL
                    .into_iter()
                    .find(|c| c.as_str() == name)
                    .ok_or_else(|| FilterError::UnknownOperator { op: raw.op.clone() })?;
                let value = raw.value.ok_or(shape(test_op, "needs a `value`"))?;
                let value = match FilterValue::from_json(test_op, value)? {
                    FilterValue::String(text) if op.is_like() => {
                        FilterValue::String(like_unescape(&text).map_err(|ch| {
                            FilterError::UnescapedLikeWildcard {
                                op: test_op,
                                field: field.clone(),
                                ch,
                            }
                        })?)
                    }
                    other => other,
                };
                Test::Compare(op, value)
            }
        };
        Ok(Filter::Field(FieldFilter {
            field,
            udf: raw.udf.unwrap_or(false),
            test,
        }))
    }
}

impl fmt::Display for GroupOp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Display for CompareOp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use serde_json::json;

    fn body(q: &Query) -> serde_json::Value {
        serde_json::to_value(q).unwrap()
    }

    /// Parses `text` as a query and checks that it serialises back to the
    /// same JSON (key order aside).
    fn round_trips(text: &str) -> Query {
        let q: Query = serde_json::from_str(text).unwrap_or_else(|e| panic!("{text}: {e}"));
        let want: serde_json::Value = serde_json::from_str(text).unwrap();
        assert_eq!(body(&q), want, "{text}");
        q
    }

    // The request bodies below follow the shapes in Autotask's "Making basic
    // query calls to the REST API" and "Advanced query features" articles.

    #[test]
    fn documented_eq_with_zero() {
        let q = Query::builder()
            .filter(field("companyID").eq(0))
            .build()
            .unwrap();
        assert_eq!(
            serde_json::to_string(&q).unwrap(),
            r#"{"filter":[{"op":"eq","field":"companyID","value":0}]}"#
        );
        round_trips(r#"{"filter":[{"op":"eq","field":"companyID","value":0}]}"#);
    }

    #[test]
    fn documented_exist_has_no_value() {
        let q = Query::builder()
            .filter(field("id").exists())
            .build()
            .unwrap();
        assert_eq!(body(&q), json!({"filter":[{"op":"exist","field":"id"}]}));
        round_trips(r#"{"filter":[{"op":"notExist","field":"completedDate"}]}"#);
    }

    #[test]
    fn documented_udf() {
        let text =
            r#"{"filter":[{"op":"eq","field":"CustomerRanking","udf":true,"value":"Golden"}]}"#;
        let q = Query::builder()
            .filter(udf("CustomerRanking").eq("Golden"))
            .build()
            .unwrap();
        assert_eq!(serde_json::to_string(&q).unwrap(), text);
        round_trips(text);
    }

    #[test]
    fn documented_in_and_grouping() {
        let text = r#"{"filter":[{"op":"in","field":"contractCategory","value":[11,12,13]},{"op":"or","items":[{"op":"eq","field":"IsActive","value":true},{"op":"exist","field":"NAV ID","udf":true}]}]}"#;
        let q = Query::builder()
            .filter(field("contractCategory").is_in([11, 12, 13]))
            .filter(field("IsActive").eq(true).or(udf("NAV ID").exists()))
            .build()
            .unwrap();
        assert_eq!(
            body(&q),
            serde_json::from_str::<serde_json::Value>(text).unwrap()
        );
        round_trips(text);
    }

    #[test]
    fn documented_include_fields_and_max_records() {
        let text = r#"{"filter":[{"op":"exist","field":"id"}],"IncludeFields":["companyName","id"],"MaxRecords":100}"#;
        let q = Query::builder()
            .filter(field("id").exists())
            .include_fields(["companyName", "id"])
            .max_records(100)
            .build()
            .unwrap();
        assert_eq!(serde_json::to_string(&q).unwrap(), text);
        assert_eq!(round_trips(text), q);
    }

    #[test]
    fn documented_match_all_filter_is_asked_for_explicitly() {
        let q = Query::all();
        assert_eq!(
            body(&q),
            json!({"filter":[{"op":"gte","field":"id","value":0}]})
        );
        assert_eq!(
            serde_json::to_value(q.count()).unwrap(),
            json!({"filter":[{"op":"gte","field":"id","value":0}]})
        );
        // The capitalised spelling seen in the wild reads the same.
        let read: Query =
            serde_json::from_str(r#"{"Filter":[{"Field":"id","Op":"gte","Value":0}]}"#).unwrap();
        assert_eq!(read, q);
        // With other settings, through the builder.
        let paged = Query::builder()
            .all_records()
            .include_fields(["id"])
            .max_records(10)
            .build()
            .unwrap();
        assert_eq!(
            body(&paged),
            json!({"filter":[{"op":"gte","field":"id","value":0}],"IncludeFields":["id"],"MaxRecords":10})
        );
    }

    #[test]
    fn a_query_without_a_filter_is_an_error_that_points_to_query_all() {
        let err = Query::builder().build().unwrap_err();
        assert_eq!(err, FilterError::NoFilter);
        assert!(err.to_string().contains("Query::all()"), "{err}");
        assert_eq!(
            Query::builder()
                .include_fields(["id"])
                .max_records(5)
                .build(),
            Err(FilterError::NoFilter)
        );
        for text in [r#"{"filter":[]}"#, "{}", r#"{"IncludeFields":["id"]}"#] {
            let err = serde_json::from_str::<Query>(text).unwrap_err().to_string();
            assert!(err.contains("Query::all()"), "{text}: {err}");
        }
    }

    #[test]
    fn like_operators_escape_sql_server_like_specials() {
        let cases = [
            (field("companyName").contains("50%"), "50[%]"),
            (field("companyName").begins_with("SRV_01"), "SRV[_]01"),
            (field("companyName").ends_with("[x]"), "[[]x]"),
            (udf("Code").contains("%_["), "[%][_][[]"),
        ];
        for (filter, wire) in cases {
            let json = serde_json::to_value(&filter).unwrap();
            assert_eq!(json["value"], wire);
            let q = Query::builder().filter(filter.clone()).build().unwrap();
            let read: Query = serde_json::from_value(body(&q)).unwrap();
            assert_eq!(read.filters(), [filter]);
        }
        // Operators that are not LIKE, and values that are not strings, are sent as they are.
        assert_eq!(
            serde_json::to_value(field("a").eq("50%_[")).unwrap()["value"],
            "50%_["
        );
        assert_eq!(
            serde_json::to_value(field("a").is_in(["5%"])).unwrap()["value"],
            json!(["5%"])
        );
        assert_eq!(
            serde_json::to_value(field("a").contains(5)).unwrap()["value"],
            5
        );
    }

    #[test]
    fn a_bare_like_wildcard_in_a_body_is_refused_naming_the_character() {
        for (text, op, ch) in [
            (
                r#"{"filter":[{"op":"contains","field":"name","value":"50%"}]}"#,
                "contains",
                '%',
            ),
            (
                r#"{"filter":[{"op":"beginsWith","field":"name","value":"a_"}]}"#,
                "beginsWith",
                '_',
            ),
            (
                r#"{"filter":[{"op":"endsWith","field":"name","value":"[a-c]"}]}"#,
                "endsWith",
                '[',
            ),
        ] {
            let read = serde_json::from_str::<Query>(text);
            let err = read.unwrap_err().to_string();
            let want = FilterError::UnescapedLikeWildcard {
                op,
                field: "name".into(),
                ch,
            };
            assert!(err.contains(&want.to_string()), "{text}: {err}");
            assert!(err.contains(&format!("[{ch}]")), "{err}");
        }
        let ok: Query =
            serde_json::from_str(r#"{"filter":[{"op":"eq","field":"name","value":"50%"}]}"#)
                .unwrap();
        assert_eq!(ok.filters(), [field("name").eq("50%")]);
    }

    #[test]
    fn falsy_values_are_kept() {
        let q = Query::builder()
            .filter(field("a").eq(0))
            .filter(field("b").eq(false))
            .filter(field("c").eq(""))
            .filter(field("d").eq(0.0))
            .build()
            .unwrap();
        assert_eq!(
            serde_json::to_string(&q).unwrap(),
            concat!(
                r#"{"filter":[{"op":"eq","field":"a","value":0},"#,
                r#"{"op":"eq","field":"b","value":false},"#,
                r#"{"op":"eq","field":"c","value":""},"#,
                r#"{"op":"eq","field":"d","value":0.0}]}"#
            )
        );
    }

    #[test]
    fn datetimes_are_utc_iso8601() {
        let t = chrono::FixedOffset::west_opt(5 * 3600)
            .unwrap()
            .with_ymd_and_hms(2023, 12, 31, 19, 0, 0)
            .unwrap();
        let f = field("lastActivityDate").gte(t);
        assert_eq!(
            serde_json::to_value(&f).unwrap(),
            json!({"op":"gte","field":"lastActivityDate","value":"2024-01-01T00:00:00Z"})
        );
        let precise = Utc.timestamp_opt(0, 5_000_000).unwrap();
        assert_eq!(
            FilterValue::from(precise),
            FilterValue::String("1970-01-01T00:00:00.005Z".into())
        );
    }

    #[test]
    fn every_operator_name() {
        let all = [
            (field("f").eq(1), "eq"),
            (field("f").not_eq(1), "noteq"),
            (field("f").gt(1), "gt"),
            (field("f").gte(1), "gte"),
            (field("f").lt(1), "lt"),
            (field("f").lte(1), "lte"),
            (field("f").begins_with("x"), "beginsWith"),
            (field("f").ends_with("x"), "endsWith"),
            (field("f").contains("x"), "contains"),
            (field("f").exists(), "exist"),
            (field("f").not_exists(), "notExist"),
            (field("f").is_in([1]), "in"),
            (field("f").not_in([1]), "notIn"),
        ];
        for (f, name) in all {
            assert_eq!(serde_json::to_value(&f).unwrap()["op"], name);
        }
    }

    #[test]
    fn validation_errors() {
        let build = |f: Filter| Query::builder().filter(f).build();
        assert_eq!(
            build(Filter::any([])),
            Err(FilterError::EmptyGroup { op: "or" })
        );
        assert_eq!(
            build(field("id").is_in(Vec::<i64>::new())),
            Err(FilterError::EmptyList {
                op: "in",
                field: "id".into()
            })
        );
        assert_eq!(build(field("").eq(1)), Err(FilterError::EmptyFieldName));
        assert_eq!(
            build(field("x").gt(f64::NAN)),
            Err(FilterError::NonFiniteNumber { field: "x".into() })
        );
        for n in [0, 501, u32::MAX] {
            assert_eq!(
                Query::builder().max_records(n).build(),
                Err(FilterError::MaxRecordsOutOfRange {
                    value: u64::from(n)
                })
            );
        }
        assert!(Query::builder()
            .all_records()
            .max_records(1)
            .build()
            .is_ok());
        assert_eq!(
            Query::builder().include_fields([""]).build(),
            Err(FilterError::EmptyFieldName)
        );
    }

    #[test]
    fn malformed_json_is_refused() {
        let bad = [
            r#"{"filter":[{"op":"exist","field":"id","value":1}]}"#,
            r#"{"filter":[{"op":"eq","field":"id"}]}"#,
            r#"{"filter":[{"op":"eq","value":1}]}"#,
            r#"{"filter":[{"op":"in","field":"id","value":1}]}"#,
            r#"{"filter":[{"op":"in","field":"id","value":[]}]}"#,
            r#"{"filter":[{"op":"eq","field":"id","value":null}]}"#,
            r#"{"filter":[{"op":"eq","field":"id","value":[1]}]}"#,
            r#"{"filter":[{"op":"like","field":"id","value":1}]}"#,
            r#"{"filter":[{"op":"and","items":[]}]}"#,
            r#"{"filter":[{"op":"and","field":"x","items":[{"op":"exist","field":"id"}]}]}"#,
            r#"{"filter":[{"op":"eq","field":"id","value":1,"items":[]}]}"#,
            r#"{"filter":[{"op":"eq","field":"id","value":18446744073709551615}]}"#,
            r#"{"filter":[],"MaxRecords":501}"#,
            r#"{"filter":[],"MaxRecords":0}"#,
            r#"{"filter":[],"Extra":1}"#,
        ];
        for text in bad {
            assert!(serde_json::from_str::<Query>(text).is_err(), "{text}");
        }
    }

    #[test]
    fn operator_case_is_forgiven_on_read() {
        let q: Query =
            serde_json::from_str(r#"{"filter":[{"op":"Exist","Field":"assignedResourceID"},{"op":"NOTEQ","field":"x","value":1}]}"#)
                .unwrap();
        assert_eq!(
            q.filters(),
            &[field("assignedResourceID").exists(), field("x").not_eq(1)]
        );
    }
}
