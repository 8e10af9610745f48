//! Rendering a [`Condition`] to ConnectWise's text syntax, and string escaping.
//!
//! # Escaping rule
//!
//! What ConnectWise documents: string values go in double quotes, date-times
//! in square brackets, `in` lists in parentheses separated by commas, and
//! `like` uses `*` as a wildcard. What it does not document is any way to
//! put a `"` inside a quoted string, nor whether `\` is an escape character.
//!
//! So the default, [`StringEscaping::Strict`], only emits strings whose
//! meaning does not depend on that unknown: it refuses `"`, `\` and NUL with
//! [`ConditionError::UnrepresentableChar`]. Everything else — brackets,
//! parentheses, `AND`/`OR`, `*` in non-`like` values, newlines, any Unicode —
//! is inert between double quotes and is emitted as is (the transport
//! percent-encodes it).
//!
//! [`StringEscaping::Backslash`] is for callers who have confirmed that their
//! server reads `\"` and `\\` as escapes; it writes those and still refuses
//! NUL. Under either setting a value can never end its string early, so a
//! rendered `field = value` is always exactly one comparison.
//!
//! # `contains` and `like`
//!
//! ConnectWise evaluates `contains`, `not contains`, `like` and `not like`
//! with SQL Server's `LIKE`, where `%` matches any run, `_` any one
//! character and `[…]` a character class. So that `contains("50%")` looks
//! for "50%" and not for "50" followed by anything, `%`, `_` and `[` in a
//! `contains` value and in the literal parts of a
//! [`LikePattern`](super::LikePattern) are written as `[%]`, `[_]` and
//! `[[]`, SQL Server's own escapes (a one-character class matches that
//! character). Other operators (`=`, `in`, …) are not `LIKE` and write
//! values as they are. The escaping follows SQL Server's documented rules;
//! it has not been verified against a live ConnectWise tenant (a server that
//! escaped the value itself would then look for the brackets literally).

use std::fmt::Write as _;

use chrono::{DateTime, Datelike, Utc};

use super::ast::{Comparison, Condition, Operator};
use super::error::ConditionError;
use super::field::validate_field_path;
use super::value::{is_like_special, push_like_literal, Value};

/// How string values are written between double quotes.
///
/// ```
/// use psa_clients::connectwise::conditions::{field, StringEscaping};
///
/// let c = field("summary").eq(r#"say "hi""#);
/// assert!(c.render().is_err());
/// assert_eq!(
///     c.render_with(StringEscaping::Backslash).unwrap(),
///     r#"summary = "say \"hi\"""#
/// );
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum StringEscaping {
    /// Refuse `"`, `\` and NUL, whose handling ConnectWise does not document.
    #[default]
    Strict,
    /// Write `"` as `\"` and `\` as `\\`; refuse NUL.
    Backslash,
}

impl Condition {
    /// Renders with [`StringEscaping::Strict`].
    ///
    /// Grouping never rests on operator precedence, which ConnectWise does
    /// not document: a group inside a group of the other kind is always
    /// parenthesised (`(a AND b) OR c`, `(a OR b) AND c`), and `NOT` always
    /// takes a parenthesised group. Groups of the same kind are merged
    /// (`a AND b AND c`), which changes nothing. [`parse`](super::parse)
    /// reads the text back into the same (normalised) tree.
    ///
    /// ```
    /// use psa_clients::connectwise::conditions::{field, Condition};
    ///
    /// let c = Condition::all([
    ///     field("a").eq(1).or(field("b").eq(2)),
    ///     !field("c").eq(3),
    /// ]);
    /// assert_eq!(c.render().unwrap(), "(a = 1 OR b = 2) AND NOT (c = 3)");
    /// let d = Condition::any([
    ///     field("a").eq(1).and(field("b").eq(2)),
    ///     field("c").eq(3).and(field("d").eq(4)),
    /// ]);
    /// assert_eq!(d.render().unwrap(), "(a = 1 AND b = 2) OR (c = 3 AND d = 4)");
    /// ```
    pub fn render(&self) -> Result<String, ConditionError> {
        self.render_with(StringEscaping::Strict)
    }

    /// Renders with the given string escaping; see [`Condition::render`].
    pub fn render_with(&self, escaping: StringEscaping) -> Result<String, ConditionError> {
        let mut out = String::new();
        write_condition(&mut out, &self.normalize(), escaping, Context::Top)?;
        Ok(out)
    }
}

/// Where a node sits, which decides whether it needs parentheses.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Context {
    Top,
    InAnd,
    InOr,
    InNot,
}

fn write_condition(
    out: &mut String,
    c: &Condition,
    escaping: StringEscaping,
    ctx: Context,
) -> Result<(), ConditionError> {
    match c {
        Condition::Compare(cmp) => write_comparison(out, cmp, escaping),
        Condition::Not(inner) => {
            out.push_str("NOT (");
            write_condition(out, inner, escaping, Context::InNot)?;
            out.push(')');
            Ok(())
        }
        Condition::And(members) => {
            // After normalisation an empty AND can only be at the top, in an
            // OR or under NOT, where "always true" has no syntax.
            if members.is_empty() {
                return Err(ConditionError::EmptyGroup { kind: "AND" });
            }
            write_group(
                out,
                members,
                " AND ",
                escaping,
                ctx == Context::InOr,
                Context::InAnd,
            )
        }
        Condition::Or(members) => {
            if members.is_empty() {
                return Err(ConditionError::EmptyGroup { kind: "OR" });
            }
            write_group(
                out,
                members,
                " OR ",
                escaping,
                ctx == Context::InAnd,
                Context::InOr,
            )
        }
    }
}

/// Writes a group's members, in parentheses when `parens` (the group sits in a group of the other kind).
fn write_group(
    out: &mut String,
    members: &[Condition],
    sep: &str,
    escaping: StringEscaping,
    parens: bool,
    ctx: Context,
) -> Result<(), ConditionError> {
    if parens {
        out.push('(');
    }
    write_members(out, members, sep, escaping, ctx)?;
    if parens {
        out.push(')');
    }
    Ok(())
}

fn write_members(
    out: &mut String,
    members: &[Condition],
    sep: &str,
    escaping: StringEscaping,
    ctx: Context,
) -> Result<(), ConditionError> {
    for (i, m) in members.iter().enumerate() {
        if i > 0 {
            out.push_str(sep);
        }
        write_condition(out, m, escaping, ctx)?;
    }
    Ok(())
}

pub(crate) fn write_comparison(
    out: &mut String,
    cmp: &Comparison,
    escaping: StringEscaping,
) -> Result<(), ConditionError> {
    validate_field_path(&cmp.field)?;
    check_value_fits(cmp.op, &cmp.value)?;
    out.push_str(&cmp.field);
    out.push(' ');
    out.push_str(cmp.op.as_str());
    out.push(' ');
    match (cmp.op, &cmp.value) {
        // ConnectWise evaluates `contains` with SQL Server's LIKE: the value is literal text.
        (Operator::Contains | Operator::NotContains, Value::String(s)) => {
            write_quoted(out, s, escaping, Like::Literal)
        }
        _ => write_value(out, &cmp.value, escaping),
    }
}

fn check_value_fits(op: Operator, value: &Value) -> Result<(), ConditionError> {
    let mismatch = || ConditionError::OperatorValueMismatch {
        op,
        found: value.kind(),
    };
    match op {
        Operator::In | Operator::NotIn => match value {
            Value::List(items) if items.is_empty() => Err(ConditionError::EmptyList { op }),
            Value::List(items) => match items.iter().find(|v| !v.is_scalar()) {
                Some(bad) => Err(ConditionError::OperatorValueMismatch {
                    op,
                    found: bad.kind(),
                }),
                None => Ok(()),
            },
            _ => Err(mismatch()),
        },
        Operator::Like | Operator::NotLike => match value {
            Value::Pattern(_) => Ok(()),
            _ => Err(mismatch()),
        },
        _ if value.is_scalar() => Ok(()),
        _ => Err(mismatch()),
    }
}

pub(crate) fn write_value(
    out: &mut String,
    value: &Value,
    escaping: StringEscaping,
) -> Result<(), ConditionError> {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(true) => out.push_str("true"),
        Value::Bool(false) => out.push_str("false"),
        Value::Integer(i) => {
            let _ = write!(out, "{i}");
        }
        Value::Decimal(d) => out.push_str(d.as_str()),
        Value::String(s) => write_quoted(out, s, escaping, Like::No)?,
        // The pattern text already has its literal parts escaped for LIKE.
        Value::Pattern(p) => write_quoted(out, &p.to_pattern_text()?, escaping, Like::No)?,
        Value::DateTime(dt) => write_datetime(out, dt)?,
        Value::List(items) => {
            out.push('(');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_value(out, item, escaping)?;
            }
            out.push(')');
        }
    }
    Ok(())
}

fn write_datetime(out: &mut String, dt: &DateTime<Utc>) -> Result<(), ConditionError> {
    // chrono prints years outside 0..=9999 with a sign or extra digits,
    // which is not the ISO form the server expects.
    if !(0..=9999).contains(&dt.year()) {
        return Err(ConditionError::DateTimeOutOfRange {
            value: dt.to_rfc3339(),
        });
    }
    let _ = write!(out, "[{}]", dt.format("%Y-%m-%dT%H:%M:%SZ"));
    Ok(())
}

/// Writes `s` in double quotes under `escaping`.
///
/// ```
/// use psa_clients::connectwise::conditions::{quote_string, StringEscaping};
///
/// assert_eq!(quote_string("a ) OR (b", StringEscaping::Strict).unwrap(), "\"a ) OR (b\"");
/// assert!(quote_string("a\"b", StringEscaping::Strict).is_err());
/// assert_eq!(quote_string("a\\b", StringEscaping::Backslash).unwrap(), r#""a\\b""#);
/// ```
pub fn quote_string(s: &str, escaping: StringEscaping) -> Result<String, ConditionError> {
    let mut out = String::with_capacity(s.len() + 2);
    write_quoted(&mut out, s, escaping, Like::No)?;
    Ok(out)
}

/// Whether a quoted value is matched with SQL Server's `LIKE` as literal text.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Like {
    No,
    Literal,
}

fn write_quoted(
    out: &mut String,
    s: &str,
    escaping: StringEscaping,
    like: Like,
) -> Result<(), ConditionError> {
    out.push('"');
    for (offset, ch) in s.char_indices() {
        match (ch, escaping) {
            // NUL ends strings in too many back ends to be trusted.
            ('\0', _) | ('"' | '\\', StringEscaping::Strict) => {
                return Err(ConditionError::UnrepresentableChar { ch, offset });
            }
            ('"' | '\\', StringEscaping::Backslash) => {
                out.push('\\');
                out.push(ch);
            }
            _ if like == Like::Literal && is_like_special(ch) => {
                let mut buf = [0u8; 4];
                push_like_literal(out, ch.encode_utf8(&mut buf));
            }
            _ => out.push(ch),
        }
    }
    out.push('"');
    Ok(())
}

/// The length of `s` once percent-encoded for a URL query string, counting
/// every byte other than ASCII letters, digits and `-._~` as three (`%XX`).
///
/// This is an upper bound for the encoders in common use (some leave more
/// characters alone, or write a space as `+`), so a condition that fits by
/// this measure fits on the wire.
///
/// ```
/// use psa_clients::connectwise::conditions::url_encoded_len;
///
/// assert_eq!(url_encoded_len("id = 1"), 12);
/// assert_eq!(url_encoded_len("é"), 6);
/// ```
pub fn url_encoded_len(s: &str) -> usize {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
                1
            } else {
                3
            }
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::super::{field, Decimal, LikePattern};
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn renders_every_value_kind() {
        let dt = Utc.with_ymd_and_hms(2016, 8, 20, 18, 4, 26).unwrap();
        let cases: Vec<(Condition, &str)> = vec![
            (field("a").is_null(), "a = null"),
            (field("a").is_not_null(), "a != null"),
            (field("a").eq(true), "a = true"),
            (field("a").lt(-5), "a < -5"),
            (field("a").le(Decimal::new("1.50").unwrap()), "a <= 1.50"),
            (field("a").gt(dt), "a > [2016-08-20T18:04:26Z]"),
            (field("a").contains("x"), "a contains \"x\""),
            (field("a").not_contains("x"), "a not contains \"x\""),
            (field("a").starts_with("x"), "a like \"x*\""),
            (
                field("a").not_like(LikePattern::ends_with("x")),
                "a not like \"*x\"",
            ),
            (field("a").is_in(["x", "y"]), "a in (\"x\", \"y\")"),
            (field("a").not_in([1]), "a not in (1)"),
        ];
        for (c, want) in cases {
            assert_eq!(c.render().unwrap(), want);
        }
    }

    #[test]
    fn a_group_inside_a_group_of_the_other_kind_is_always_parenthesised() {
        use super::super::parse;
        let (a, b, c, d) = (
            field("a").eq(1),
            field("b").eq(2),
            field("c").eq(3),
            field("d").eq(4),
        );
        let cases = [
            (
                Condition::all([a.clone().or(b.clone()), c.clone().or(d.clone())]),
                "(a = 1 OR b = 2) AND (c = 3 OR d = 4)",
            ),
            (
                Condition::any([a.clone().and(b.clone()), c.clone().and(d.clone())]),
                "(a = 1 AND b = 2) OR (c = 3 AND d = 4)",
            ),
            (
                a.clone().and(b.clone()).or(c.clone()),
                "(a = 1 AND b = 2) OR c = 3",
            ),
            (
                a.clone().or(b.clone().and(c.clone().or(d.clone()))),
                "a = 1 OR (b = 2 AND (c = 3 OR d = 4))",
            ),
            (!(a.clone().or(b.clone())), "NOT (a = 1 OR b = 2)"),
            (!(a.clone().and(b.clone())), "NOT (a = 1 AND b = 2)"),
            (
                Condition::any([!(a.clone().and(b.clone())), c.clone()]),
                "NOT (a = 1 AND b = 2) OR c = 3",
            ),
            (
                Condition::any([Condition::any([a.clone(), b.clone()]), c.clone()]),
                "a = 1 OR b = 2 OR c = 3",
            ),
            (
                Condition::all([Condition::all([a.clone(), b.clone()]), c.clone()]),
                "a = 1 AND b = 2 AND c = 3",
            ),
        ];
        for (condition, want) in cases {
            let text = condition.render().unwrap();
            assert_eq!(text, want);
            // The parser reads what the renderer writes back into the same tree.
            assert_eq!(parse(&text).unwrap(), condition.normalize(), "{text}");
        }
    }

    #[test]
    fn contains_and_like_values_escape_sql_server_like_specials() {
        use super::super::{custom_field, parse};
        let cases: Vec<(Condition, &str)> = vec![
            (field("a").contains("50%"), r#"a contains "50[%]""#),
            (
                field("a").contains("snake_case"),
                r#"a contains "snake[_]case""#,
            ),
            (field("a").contains("[x] y]"), r#"a contains "[[]x] y]""#),
            (
                field("a").not_contains("%_["),
                r#"a not contains "[%][_][[]""#,
            ),
            (field("a").starts_with("100%"), r#"a like "100[%]*""#),
            (
                field("a").like(LikePattern::wildcard("*a_b*")),
                r#"a like "*a[_]b*""#,
            ),
            (
                custom_field("Rate").contains("5%").condition().clone(),
                r#"caption = "Rate" AND value contains "5[%]""#,
            ),
            // `=` and `in` are not LIKE: their values are written as they are.
            (field("a").eq("50%_["), r#"a = "50%_[""#),
            (field("a").is_in(["5%"]), r#"a in ("5%")"#),
        ];
        for (condition, want) in cases {
            let text = condition.render().unwrap();
            assert_eq!(text, want);
            assert_eq!(parse(&text).unwrap(), condition.normalize(), "{text}");
        }
        // `*` cannot be escaped, so a literal one is still refused rather than widening the match.
        assert_eq!(
            field("a").starts_with("a*").render(),
            Err(ConditionError::LiteralWildcard { ch: '*', offset: 1 })
        );
        // Offsets of refused characters refer to the caller's value, not to the escaped text.
        assert_eq!(
            field("a").contains("%%\"").render(),
            Err(ConditionError::UnrepresentableChar { ch: '"', offset: 2 })
        );
    }

    #[test]
    fn empty_groups() {
        assert_eq!(
            Condition::all([]).render(),
            Err(ConditionError::EmptyGroup { kind: "AND" })
        );
        // An empty AND inside an AND is "true" and disappears.
        let c = Condition::all([field("a").eq(1), Condition::all([])]);
        assert_eq!(c.render().unwrap(), "a = 1");
        // An empty OR inside an AND would mean "false": refused.
        let c = Condition::all([field("a").eq(1), Condition::any([])]);
        assert_eq!(c.render(), Err(ConditionError::EmptyGroup { kind: "OR" }));
    }

    #[test]
    fn operator_value_checks() {
        use super::super::{Comparison, Value};
        let bad = [
            Comparison::new("a", Operator::Eq, Value::List(vec![Value::Integer(1)])),
            Comparison::new("a", Operator::Like, "plain string"),
            Comparison::new("a", Operator::In, 1),
            Comparison::new("a", Operator::In, Value::List(vec![Value::List(vec![])])),
            Comparison::new("a", Operator::Eq, LikePattern::starts_with("x")),
        ];
        for cmp in bad {
            let err = Condition::Compare(cmp.clone()).render().unwrap_err();
            assert!(
                matches!(err, ConditionError::OperatorValueMismatch { .. }),
                "{cmp:?}: {err:?}"
            );
        }
        assert_eq!(
            field("a").is_in(Vec::<i64>::new()).render(),
            Err(ConditionError::EmptyList { op: Operator::In })
        );
    }

    #[test]
    fn strict_escaping_refuses_ambiguous_characters() {
        for (s, ch, offset) in [("a\"b", '"', 1), ("ab\\", '\\', 2), ("\0", '\0', 0)] {
            assert_eq!(
                field("x").eq(s).render(),
                Err(ConditionError::UnrepresentableChar { ch, offset })
            );
        }
        assert_eq!(
            field("x").eq("\0").render_with(StringEscaping::Backslash),
            Err(ConditionError::UnrepresentableChar {
                ch: '\0',
                offset: 0
            })
        );
        let inert = "x\" ) OR [1] AND (\n\té日🦀*%";
        let inert = inert.replace('"', "");
        assert_eq!(
            field("x").eq(inert.as_str()).render().unwrap(),
            format!("x = \"{inert}\"")
        );
    }

    #[test]
    fn datetime_out_of_range() {
        let dt = Utc.with_ymd_and_hms(10000, 1, 1, 0, 0, 0).unwrap();
        assert!(matches!(
            field("a").eq(dt).render(),
            Err(ConditionError::DateTimeOutOfRange { .. })
        ));
    }

    #[test]
    fn invalid_field_is_reported_at_render() {
        assert!(matches!(
            field("a = 1 OR b").eq(1).render(),
            Err(ConditionError::InvalidFieldPath { offset: 1, .. })
        ));
    }
}
