//! ConnectWise's condition language: a builder, a renderer and a parser
//! sharing one tree ([`Condition`]).
//!
//! ```
//! use psa_clients::connectwise::conditions::{field, parse, Condition, LikePattern};
//!
//! let open_help_desk = field("board/name").eq("Help Desk")
//!     .and(field("closedFlag").eq(false))
//!     .and(field("summary").like(LikePattern::wildcard("*printer*")));
//! let text = open_help_desk.render()?;
//! assert_eq!(
//!     text,
//!     r#"board/name = "Help Desk" AND closedFlag = false AND summary like "*printer*""#
//! );
//! assert_eq!(parse(&text)?, open_help_desk);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! The generated list builders take these values directly
//! (`.conditions(open_help_desk)`, `.order_by(OrderBy::desc("id"))`): each
//! converts into its parameter type ([`ConditionsParam`], …), and text
//! written by hand needs the explicit [`ConditionsParam::raw_unchecked`].
//!
//! Safety of rendered text rests on three rules: field paths are
//! validated (letters, digits, `_`, `/` only); string values are quoted
//! under a [`StringEscaping`] that never lets a value end its string early
//! (see the [`render`] module notes for what ConnectWise documents and what
//! it does not); and `like` wildcards come only from [`LikePattern`] parts
//! the caller marked as wildcards.

mod ast;
mod builder;
mod error;
mod field;
mod params;
mod parse;
pub mod render;
mod split;
mod value;
mod wire;

pub use ast::{Comparison, Condition, Operator};
pub use builder::{field, Field};
pub use error::{ConditionError, Found, ParseError, ParseErrorKind};
pub use field::validate_field_path;
pub use params::{
    custom_field, custom_field_id, ChildConditions, CustomField, CustomFieldCondition, Direction,
    Fields, OrderBy,
};
pub use parse::parse;
pub use render::{quote_string, url_encoded_len, StringEscaping};
pub use split::{split_in_list, DEFAULT_CONDITION_BUDGET};
pub use value::{Decimal, LikePattern, PatternPart, Value};

/// The parameter types the generated list builders take for `conditions`, `childConditions`,
/// `customFieldConditions`, `orderBy` and `fields`: made from the builders above (`From`, by value or by
/// reference), or from hand-written text with their explicit `raw_unchecked`.
pub use psa_clients_runtime::query::{
    ChildConditionsParam, ConditionsParam, CustomFieldConditionsParam, FieldsParam, OrderByParam,
};
