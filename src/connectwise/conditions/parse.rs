//! A recursive-descent parser for the condition syntax.
//!
//! Grammar (keywords case-insensitive, whitespace between tokens optional
//! where unambiguous):
//!
//! ```text
//! or_expr    = and_expr ("OR" and_expr)*
//! and_expr   = unary ("AND" unary)*
//! unary      = "NOT" "(" or_expr ")" | "(" or_expr ")" | comparison
//! comparison = path op value
//! op         = "=" | "!=" | "<" | "<=" | ">" | ">=" | "contains" | "like" | "in"
//!            | "not" ("contains" | "like" | "in")
//! value      = string | integer | decimal | "true" | "false" | "null"
//!            | "[" date-time "]" | "(" value ("," value)* ")"
//! ```
//!
//! Strings accept the escapes `\"` and `\\` so that text rendered with
//! [`StringEscaping::Backslash`](super::StringEscaping::Backslash) reads back.

use chrono::{DateTime, Datelike, NaiveDate, Utc};

use super::ast::{Comparison, Condition, Operator};
use super::error::{ParseError, ParseErrorKind};
use super::field::validate_field_path;
use super::value::{is_decimal_text, read_like_literal, read_like_pattern, Decimal, Value};

/// Deepest nesting of parentheses / `NOT` accepted, so hostile input cannot
/// exhaust the stack.
const MAX_DEPTH: usize = 64;

/// Parses condition text into a [`Condition`].
///
/// The result is in [`normalized`](Condition::normalize) form, so for any
/// condition `c` that renders, `parse(&c.render()?) == c.normalize()`.
///
/// Text that mixes `AND` and `OR` without parentheses (`a = 1 OR b = 2 AND
/// c = 3`) is read with `AND` binding tighter, as in SQL. ConnectWise does
/// not document its precedence, which is why the renderer never writes such
/// text: it parenthesises every group inside a group of the other kind.
///
/// ```
/// use psa_clients::connectwise::conditions::{field, parse};
///
/// let c = parse(r#"board/name = "Help Desk" and (closedFlag = False OR id in (1,2))"#).unwrap();
/// assert_eq!(
///     c,
///     field("board/name").eq("Help Desk")
///         .and(field("closedFlag").eq(false).or(field("id").is_in([1, 2])))
/// );
/// ```
pub fn parse(input: &str) -> Result<Condition, ParseError> {
    let mut p = Parser {
        src: input,
        pos: 0,
        depth: 0,
    };
    let c = p.or_expr()?;
    p.skip_ws();
    if let Some(ch) = p.peek() {
        return Err(p.err(ParseErrorKind::Unexpected {
            found: ch,
            expected: "AND, OR or end of input",
        }));
    }
    Ok(c)
}

struct Parser<'a> {
    src: &'a str,
    pos: usize,
    depth: usize,
}

fn is_ident_start(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '_'
}

fn is_ident_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

impl<'a> Parser<'a> {
    fn rest(&self) -> &'a str {
        &self.src[self.pos..]
    }

    fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }

    fn err(&self, kind: ParseErrorKind) -> ParseError {
        ParseError::new(self.pos, kind)
    }

    fn unexpected(&self, expected: &'static str) -> ParseError {
        match self.peek() {
            Some(found) => self.err(ParseErrorKind::Unexpected { found, expected }),
            None => self.err(ParseErrorKind::UnexpectedEnd { expected }),
        }
    }

    fn skip_ws(&mut self) {
        let trimmed = self.rest().trim_start();
        self.pos = self.src.len() - trimmed.len();
    }

    /// The identifier-like word at the cursor (letters, digits, `_`).
    fn peek_word(&self) -> &'a str {
        let rest = self.rest();
        if !rest.starts_with(is_ident_start) {
            return "";
        }
        let end = rest.find(|c| !is_ident_char(c)).unwrap_or(rest.len());
        &rest[..end]
    }

    /// Consumes `word` (case-insensitive) if it is the whole next word.
    fn eat_keyword(&mut self, word: &str) -> bool {
        self.skip_ws();
        if self.peek_word().eq_ignore_ascii_case(word) {
            self.pos += word.len();
            true
        } else {
            false
        }
    }

    fn expect_char(&mut self, ch: char, expected: &'static str) -> Result<(), ParseError> {
        self.skip_ws();
        if self.peek() == Some(ch) {
            self.pos += ch.len_utf8();
            Ok(())
        } else {
            Err(self.unexpected(expected))
        }
    }

    fn enter(&mut self) -> Result<(), ParseError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.err(ParseErrorKind::TooDeep));
        }
        Ok(())
    }

    fn or_expr(&mut self) -> Result<Condition, ParseError> {
        let first = self.and_expr()?;
        let mut members = vec![first];
        while self.eat_keyword("or") {
            members.push(self.and_expr()?);
        }
        Ok(group(members, false))
    }

    fn and_expr(&mut self) -> Result<Condition, ParseError> {
        let first = self.unary()?;
        let mut members = vec![first];
        while self.eat_keyword("and") {
            members.push(self.unary()?);
        }
        Ok(group(members, true))
    }

    fn unary(&mut self) -> Result<Condition, ParseError> {
        self.skip_ws();
        if self.peek() == Some('(') {
            self.enter()?;
            self.pos += 1;
            let inner = self.or_expr()?;
            self.expect_char(')', "')'")?;
            self.depth -= 1;
            return Ok(inner);
        }
        // `not` followed by `(` negates a group; a field may not be named
        // `not`, so there is no other reading.
        let save = self.pos;
        if self.eat_keyword("not") {
            self.skip_ws();
            if self.peek() == Some('(') {
                self.enter()?;
                self.pos += 1;
                let inner = self.or_expr()?;
                self.expect_char(')', "')'")?;
                self.depth -= 1;
                return Ok(Condition::Not(Box::new(inner)));
            }
            self.pos = save;
        }
        self.comparison().map(Condition::Compare)
    }

    fn comparison(&mut self) -> Result<Comparison, ParseError> {
        self.skip_ws();
        let start = self.pos;
        let rest = self.rest();
        let end = rest
            .find(|c: char| !(is_ident_char(c) || c == '/'))
            .unwrap_or(rest.len());
        if end == 0 {
            return Err(self.unexpected("a field name"));
        }
        let path = &rest[..end];
        if validate_field_path(path).is_err() {
            return Err(ParseError::new(start, ParseErrorKind::InvalidField));
        }
        self.pos += end;
        let op = self.operator()?;
        let value = match op {
            Operator::In | Operator::NotIn => self.list()?,
            Operator::Like | Operator::NotLike => self.pattern()?,
            Operator::Contains | Operator::NotContains => self.contained()?,
            _ => self.scalar()?,
        };
        Ok(Comparison {
            field: path.to_owned(),
            op,
            value,
        })
    }

    fn operator(&mut self) -> Result<Operator, ParseError> {
        self.skip_ws();
        let rest = self.rest();
        for (text, op) in [
            ("!=", Operator::Ne),
            ("<=", Operator::Le),
            (">=", Operator::Ge),
            ("=", Operator::Eq),
            ("<", Operator::Lt),
            (">", Operator::Gt),
        ] {
            if rest.starts_with(text) {
                self.pos += text.len();
                return Ok(op);
            }
        }
        let word_ops = [
            ("contains", Operator::Contains, Operator::NotContains),
            ("like", Operator::Like, Operator::NotLike),
            ("in", Operator::In, Operator::NotIn),
        ];
        let negated = self.eat_keyword("not");
        for (word, plain, not) in word_ops {
            if self.eat_keyword(word) {
                return Ok(if negated { not } else { plain });
            }
        }
        Err(self.unexpected(if negated {
            "contains, like or in"
        } else {
            "an operator"
        }))
    }

    fn list(&mut self) -> Result<Value, ParseError> {
        self.expect_char('(', "'(' to start a list")?;
        let mut items = vec![self.scalar()?];
        loop {
            self.skip_ws();
            match self.peek() {
                Some(',') => {
                    self.pos += 1;
                    items.push(self.scalar()?);
                }
                Some(')') => {
                    self.pos += 1;
                    return Ok(Value::List(items));
                }
                _ => return Err(self.unexpected("',' or ')'")),
            }
        }
    }

    fn pattern(&mut self) -> Result<Value, ParseError> {
        self.skip_ws();
        let start = self.pos;
        if self.peek() != Some('"') {
            return Err(self.unexpected("a quoted like pattern"));
        }
        let text = self.string()?;
        // `*` is the wildcard; SQL Server's `%`, `_` and `[` must come
        // escaped (`[%]`, …), as the renderer writes them: bare, they would
        // be wildcards a pattern cannot hold.
        read_like_pattern(&text)
            .map(Value::Pattern)
            .map_err(|ch| ParseError::new(start, ParseErrorKind::UnescapedLikeWildcard { ch }))
    }

    /// The value of `contains` / `not contains`: a scalar whose string form
    /// is literal text under SQL Server `LIKE`, read back from the escapes
    /// the renderer writes.
    fn contained(&mut self) -> Result<Value, ParseError> {
        self.skip_ws();
        let start = self.pos;
        match self.scalar()? {
            Value::String(text) => read_like_literal(&text)
                .map(Value::String)
                .map_err(|ch| ParseError::new(start, ParseErrorKind::UnescapedLikeWildcard { ch })),
            other => Ok(other),
        }
    }

    fn scalar(&mut self) -> Result<Value, ParseError> {
        self.skip_ws();
        match self.peek() {
            Some('"') => self.string().map(Value::String),
            Some('[') => self.datetime(),
            Some(c) if c == '-' || c.is_ascii_digit() => self.number(),
            Some(c) if is_ident_start(c) => {
                let word = self.peek_word();
                let value = if word.eq_ignore_ascii_case("true") {
                    Value::Bool(true)
                } else if word.eq_ignore_ascii_case("false") {
                    Value::Bool(false)
                } else if word.eq_ignore_ascii_case("null") {
                    Value::Null
                } else {
                    return Err(self.unexpected("a value"));
                };
                self.pos += word.len();
                Ok(value)
            }
            _ => Err(self.unexpected("a value")),
        }
    }

    /// Reads a `"…"` string at the cursor, undoing `\"` and `\\`.
    fn string(&mut self) -> Result<String, ParseError> {
        let open = self.pos;
        self.pos += 1;
        let mut out = String::new();
        let mut chars = self.rest().char_indices();
        while let Some((i, c)) = chars.next() {
            match c {
                '"' => {
                    self.pos += i + 1;
                    return Ok(out);
                }
                '\0' => {
                    return Err(ParseError::new(self.pos + i, ParseErrorKind::NulInString));
                }
                '\\' => match chars.next() {
                    Some((_, e @ ('"' | '\\'))) => out.push(e),
                    _ => {
                        return Err(ParseError::new(self.pos + i, ParseErrorKind::InvalidEscape));
                    }
                },
                _ => out.push(c),
            }
        }
        Err(ParseError::new(open, ParseErrorKind::UnterminatedString))
    }

    fn number(&mut self) -> Result<Value, ParseError> {
        let start = self.pos;
        let rest = self.rest();
        let body = rest.strip_prefix('-').unwrap_or(rest);
        let sign_len = rest.len() - body.len();
        let end = sign_len
            + body
                .find(|c: char| !(c.is_ascii_digit() || c == '.'))
                .unwrap_or(body.len());
        let text = &rest[..end];
        // A number glued to a letter (`12abc`) is not a number.
        if rest[end..].starts_with(is_ident_char) {
            return Err(ParseError::new(start, ParseErrorKind::InvalidNumber));
        }
        let value = if text.contains('.') {
            if !is_decimal_text(text) {
                return Err(ParseError::new(start, ParseErrorKind::InvalidNumber));
            }
            Decimal::new(text)
                .map(Value::Decimal)
                .map_err(|_| ParseError::new(start, ParseErrorKind::InvalidNumber))?
        } else {
            // `parse` rejects an empty or lone `-` and anything out of range.
            text.parse::<i64>()
                .map(Value::Integer)
                .map_err(|_| ParseError::new(start, ParseErrorKind::InvalidNumber))?
        };
        self.pos += end;
        Ok(value)
    }

    fn datetime(&mut self) -> Result<Value, ParseError> {
        let start = self.pos;
        let rest = &self.rest()[1..];
        let Some(close) = rest.find(']') else {
            return Err(ParseError::new(start, ParseErrorKind::InvalidDateTime));
        };
        let text = rest[..close].trim();
        let parsed = DateTime::parse_from_rfc3339(text)
            .map(|dt| dt.with_timezone(&Utc))
            .or_else(|_| {
                NaiveDate::parse_from_str(text, "%Y-%m-%d")
                    .map(|d| d.and_time(chrono::NaiveTime::MIN).and_utc())
            })
            .map_err(|_| ParseError::new(start + 1, ParseErrorKind::InvalidDateTime))?;
        // An offset can carry a date past year 9999 (or before 0000) in
        // UTC, which could not be rendered back.
        if !(0..=9999).contains(&parsed.year()) {
            return Err(ParseError::new(start + 1, ParseErrorKind::InvalidDateTime));
        }
        self.pos += 1 + close + 1;
        Ok(Value::DateTime(parsed))
    }
}

/// Builds an `And`/`Or` from parsed members, splicing same-kind children so
/// that the result is normalised (`(a AND b) AND c` reads as `a AND b AND c`).
fn group(mut members: Vec<Condition>, is_and: bool) -> Condition {
    if members.len() == 1 {
        if let Some(only) = members.pop() {
            return only;
        }
    }
    let mut out = Vec::with_capacity(members.len());
    for m in members {
        match (m, is_and) {
            (Condition::And(inner), true) | (Condition::Or(inner), false) => out.extend(inner),
            (other, _) => out.push(other),
        }
    }
    if is_and {
        Condition::And(out)
    } else {
        Condition::Or(out)
    }
}

#[cfg(test)]
mod tests {
    use super::super::{field, LikePattern};
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn documented_examples_parse() {
        let examples = [
            r#"board/name="Integration""#,
            r#"summary="xyz""#,
            "board/id in (3, 2, 4)",
            "lastUpdated > [2016-08-20T18:04:26Z]",
            r#"communicationItems/value like "john@Outlook.com" AND communicationItems/communicationType="Email""#,
            r#"caption="TomNumber" AND value !=null"#,
            r#"resources contains "jane" AND closedFlag = False"#,
            "_info/dateEntered > [2016-08-20T18:04:26Z]",
            "priority/id=7",
            "dateEntered>=[2024-02-01] and dateEntered<[2024-02-15]",
        ];
        for e in examples {
            parse(e).unwrap_or_else(|err| panic!("{e}: {err}"));
        }
    }

    #[test]
    fn precedence_and_grouping() {
        let (a, b, c) = (field("a").eq(1), field("b").eq(2), field("c").eq(3));
        assert_eq!(
            parse("a=1 OR b=2 AND c=3").unwrap(),
            a.clone().or(b.clone().and(c.clone()))
        );
        assert_eq!(
            parse("(a=1 OR b=2) AND c=3").unwrap(),
            a.clone().or(b.clone()).and(c.clone())
        );
        assert_eq!(
            parse("((a=1)) and (b=2 and c=3)").unwrap(),
            Condition::And(vec![a.clone(), b.clone(), c.clone()])
        );
        assert_eq!(parse("NOT (a = 1)").unwrap(), !a.clone());
        assert_eq!(parse("not(a = 1 or b = 2)").unwrap(), !(a.or(b)));
    }

    #[test]
    fn values() {
        let dt = Utc.with_ymd_and_hms(2016, 8, 20, 18, 4, 26).unwrap();
        let cases: Vec<(&str, Condition)> = vec![
            ("a = -12", field("a").eq(-12)),
            ("a = 1.50", field("a").eq(Decimal::new("1.50").unwrap())),
            ("a = TRUE", field("a").eq(true)),
            ("a = Null", field("a").is_null()),
            ("a = [2016-08-20T20:04:26+02:00]", field("a").eq(dt)),
            (r#"a = "x \"y\" \\ z""#, field("a").eq(r#"x "y" \ z"#)),
            (
                r#"a like "x*y""#,
                field("a").like(LikePattern::wildcard("x*y")),
            ),
            (
                r#"a not like "*""#,
                field("a").not_like(LikePattern::new().any()),
            ),
            ("a not contains \"q\"", field("a").not_contains("q")),
            (
                "a not in (1,\"b\", null)",
                field("a").not_in([Value::Integer(1), "b".into(), Value::Null]),
            ),
            ("a=\"\"", field("a").eq("")),
        ];
        for (text, want) in cases {
            assert_eq!(parse(text).unwrap(), want, "{text}");
        }
    }

    #[test]
    fn errors_carry_offsets() {
        let cases: Vec<(&str, usize, ParseErrorKind)> = vec![
            (
                "",
                0,
                ParseErrorKind::UnexpectedEnd {
                    expected: "a field name",
                },
            ),
            (
                "a = ",
                4,
                ParseErrorKind::UnexpectedEnd {
                    expected: "a value",
                },
            ),
            ("a = \"x", 4, ParseErrorKind::UnterminatedString),
            ("a = \"x\\n\"", 6, ParseErrorKind::InvalidEscape),
            (
                "a = 1 b = 2",
                6,
                ParseErrorKind::Unexpected {
                    found: 'b',
                    expected: "AND, OR or end of input",
                },
            ),
            ("a = 99999999999999999999", 4, ParseErrorKind::InvalidNumber),
            ("a = 1.", 4, ParseErrorKind::InvalidNumber),
            ("a = 12ab", 4, ParseErrorKind::InvalidNumber),
            ("a = [yesterday]", 5, ParseErrorKind::InvalidDateTime),
            ("a = [2016-01-01", 4, ParseErrorKind::InvalidDateTime),
            (
                "a = [9999-12-31T23:00:00-05:00]",
                5,
                ParseErrorKind::InvalidDateTime,
            ),
            ("a/ = 1", 0, ParseErrorKind::InvalidField),
            ("and = 1", 0, ParseErrorKind::InvalidField),
            (
                "a ~ 1",
                2,
                ParseErrorKind::Unexpected {
                    found: '~',
                    expected: "an operator",
                },
            ),
            (
                "a not = 1",
                6,
                ParseErrorKind::Unexpected {
                    found: '=',
                    expected: "contains, like or in",
                },
            ),
            (
                "a in ()",
                6,
                ParseErrorKind::Unexpected {
                    found: ')',
                    expected: "a value",
                },
            ),
            (
                "a in (1 2)",
                8,
                ParseErrorKind::Unexpected {
                    found: '2',
                    expected: "',' or ')'",
                },
            ),
            (
                "a like 1",
                7,
                ParseErrorKind::Unexpected {
                    found: '1',
                    expected: "a quoted like pattern",
                },
            ),
            (
                "a like \"5%\"",
                7,
                ParseErrorKind::UnescapedLikeWildcard { ch: '%' },
            ),
            (
                "(a = 1",
                6,
                ParseErrorKind::UnexpectedEnd { expected: "')'" },
            ),
            (
                "a = 1 ANDb = 2",
                6,
                ParseErrorKind::Unexpected {
                    found: 'A',
                    expected: "AND, OR or end of input",
                },
            ),
            ("a = \"\0\"", 5, ParseErrorKind::NulInString),
        ];
        for (text, offset, kind) in cases {
            assert_eq!(parse(text), Err(ParseError::new(offset, kind)), "{text:?}");
        }
    }

    #[test]
    fn like_escapes_are_read_and_bare_like_wildcards_refused() {
        assert_eq!(
            parse(r#"a contains "50[%] [_][[]]""#).unwrap(),
            field("a").contains("50% _[]")
        );
        assert_eq!(
            parse(r#"a like "[%]*[_]""#).unwrap(),
            field("a").like(LikePattern::new().literal("%").any().literal("_"))
        );
        for (text, ch) in [
            (r#"a contains "50%""#, '%'),
            (r#"a not contains "a_b""#, '_'),
            (r#"a contains "[x]""#, '['),
            (r#"a contains "[%""#, '['),
            (r#"a like "5%""#, '%'),
            (r#"a like "*a_*""#, '_'),
            (r#"a like "[a-c]*""#, '['),
        ] {
            let err = parse(text).unwrap_err();
            assert_eq!(
                err.kind,
                ParseErrorKind::UnescapedLikeWildcard { ch },
                "{text}"
            );
            assert!(err.to_string().contains(&format!("[{ch}]")), "{err}");
        }
        // Outside LIKE the characters mean themselves.
        assert_eq!(parse(r#"a = "50%_[""#).unwrap(), field("a").eq("50%_["));
    }

    #[test]
    fn deep_nesting_is_refused_not_overflowed() {
        let text = format!("{}a = 1{}", "(".repeat(10_000), ")".repeat(10_000));
        assert_eq!(parse(&text).unwrap_err().kind, ParseErrorKind::TooDeep);
        let ok = format!("{}a = 1{}", "(".repeat(MAX_DEPTH), ")".repeat(MAX_DEPTH));
        assert!(parse(&ok).is_ok());
    }
}
