//! ConnectWise's `conditions` language, parsed and evaluated against stored records, written from the
//! developer guide's description (not from the client's parser): comparisons `= != < <= > >=`, `contains`,
//! `like` (with `*` as the wildcard), `in (…)` and their `not` forms; strings in double quotes, numbers,
//! `true`/`false`/`null`, date-times in brackets (`[2024-01-01T00:00:00Z]`); references into nested objects
//! (`board/name`, `company/identifier`); `AND`, `OR`, `NOT` and parentheses, keywords in any case. `contains`
//! and `like` are evaluated as SQL Server `LIKE`, so `[%]`, `[_]` and `[[]` in the value match the characters
//! themselves.

use std::cmp::Ordering;

use serde_json::Value;

use crate::clock::parse_time;
use crate::like::{contains_pattern, like};
use crate::store::lookup_all;

/// A parsed condition.
#[derive(Debug, Clone, PartialEq)]
pub enum Cond {
    /// Both.
    And(Box<Cond>, Box<Cond>),
    /// Either.
    Or(Box<Cond>, Box<Cond>),
    /// Not.
    Not(Box<Cond>),
    /// `field op value`.
    Cmp {
        /// `board/name`.
        field: String,
        /// The operator.
        op: Op,
        /// The value.
        value: Literal,
    },
}

/// Comparison operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
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
    /// `like`
    Like,
    /// `not like`
    NotLike,
    /// `in`
    In,
    /// `not in`
    NotIn,
}

/// A value in a condition.
#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    /// `null`
    Null,
    /// `true` / `false`
    Bool(bool),
    /// A number.
    Number(f64),
    /// A quoted string.
    Text(String),
    /// A bracketed date-time.
    DateTime(String),
    /// `(a, b, c)`
    List(Vec<Literal>),
}

/// Why a condition was refused, with the byte offset.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{message} at position {offset}")]
pub struct ConditionError {
    /// What was wrong.
    pub message: String,
    /// Where.
    pub offset: usize,
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Ident(String),
    Text(String),
    Number(f64),
    DateTime(String),
    Sym(&'static str),
    Open,
    Close,
    Comma,
}

fn tokenize(text: &str) -> Result<Vec<(usize, Token)>, ConditionError> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    let err = |message: &str, offset: usize| ConditionError {
        message: message.to_owned(),
        offset,
    };
    while i < chars.len() {
        let (offset, c) = chars[i];
        match c {
            c if c.is_whitespace() => i += 1,
            '(' => {
                tokens.push((offset, Token::Open));
                i += 1;
            }
            ')' => {
                tokens.push((offset, Token::Close));
                i += 1;
            }
            ',' => {
                tokens.push((offset, Token::Comma));
                i += 1;
            }
            '"' | '\'' => {
                let quote = c;
                let mut value = String::new();
                i += 1;
                loop {
                    let Some(&(_, c)) = chars.get(i) else {
                        return Err(err("unterminated string", offset));
                    };
                    i += 1;
                    match c {
                        '\\' => {
                            let Some(&(_, escaped)) = chars.get(i) else {
                                return Err(err("unterminated string", offset));
                            };
                            value.push(escaped);
                            i += 1;
                        }
                        c if c == quote => break,
                        c => value.push(c),
                    }
                }
                tokens.push((offset, Token::Text(value)));
            }
            '[' => {
                let end = chars[i..]
                    .iter()
                    .position(|(_, c)| *c == ']')
                    .ok_or_else(|| err("unterminated date-time", offset))?;
                let inner: String = chars[i + 1..i + end].iter().map(|(_, c)| *c).collect();
                if parse_time(&inner).is_none() {
                    return Err(err(&format!("[{inner}] is not a date-time"), offset));
                }
                tokens.push((offset, Token::DateTime(inner)));
                i += end + 1;
            }
            '=' => {
                tokens.push((offset, Token::Sym("=")));
                i += 1;
            }
            '!' | '<' | '>' => {
                let next = chars.get(i + 1).map(|(_, c)| *c);
                let (sym, len) = match (c, next) {
                    ('!', Some('=')) => ("!=", 2),
                    ('<', Some('=')) => ("<=", 2),
                    ('>', Some('=')) => (">=", 2),
                    ('<', Some('>')) => ("!=", 2),
                    ('<', _) => ("<", 1),
                    ('>', _) => (">", 1),
                    _ => return Err(err("unexpected '!'", offset)),
                };
                tokens.push((offset, Token::Sym(sym)));
                i += len;
            }
            c if c.is_ascii_digit() || c == '-' => {
                let start = i;
                i += 1;
                while chars
                    .get(i)
                    .is_some_and(|(_, c)| c.is_ascii_digit() || *c == '.')
                {
                    i += 1;
                }
                let text: String = chars[start..i].iter().map(|(_, c)| *c).collect();
                let number = text
                    .parse()
                    .map_err(|_| err(&format!("{text} is not a number"), offset))?;
                tokens.push((offset, Token::Number(number)));
            }
            c if c.is_alphabetic() || c == '_' => {
                let start = i;
                while chars
                    .get(i)
                    .is_some_and(|(_, c)| c.is_alphanumeric() || matches!(c, '_' | '/' | '.'))
                {
                    i += 1;
                }
                let text: String = chars[start..i].iter().map(|(_, c)| *c).collect();
                tokens.push((offset, Token::Ident(text)));
            }
            other => return Err(err(&format!("unexpected character {other:?}"), offset)),
        }
    }
    Ok(tokens)
}

struct Parser {
    tokens: Vec<(usize, Token)>,
    pos: usize,
    end: usize,
}

/// Parses a `conditions` string.
///
/// # Errors
/// [`ConditionError`] naming what was expected and where.
pub fn parse(text: &str) -> Result<Cond, ConditionError> {
    let tokens = tokenize(text)?;
    let mut parser = Parser {
        tokens,
        pos: 0,
        end: text.len(),
    };
    if parser.tokens.is_empty() {
        return Err(parser.error("expected a condition"));
    }
    let cond = parser.or()?;
    if parser.pos < parser.tokens.len() {
        return Err(parser.error("expected AND, OR or the end of the conditions"));
    }
    Ok(cond)
}

impl Parser {
    fn offset(&self) -> usize {
        self.tokens
            .get(self.pos)
            .map_or(self.end, |(offset, _)| *offset)
    }

    fn error(&self, message: &str) -> ConditionError {
        ConditionError {
            message: message.to_owned(),
            offset: self.offset(),
        }
    }

    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.pos).map(|(_, token)| token)
    }

    fn keyword(&self, word: &str) -> bool {
        matches!(self.peek(), Some(Token::Ident(ident)) if ident.eq_ignore_ascii_case(word))
    }

    fn or(&mut self) -> Result<Cond, ConditionError> {
        let mut left = self.and()?;
        while self.keyword("or") {
            self.pos += 1;
            let right = self.and()?;
            left = Cond::Or(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Cond, ConditionError> {
        let mut left = self.unary()?;
        while self.keyword("and") {
            self.pos += 1;
            let right = self.unary()?;
            left = Cond::And(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn unary(&mut self) -> Result<Cond, ConditionError> {
        if self.keyword("not") {
            self.pos += 1;
            return Ok(Cond::Not(Box::new(self.unary()?)));
        }
        if self.peek() == Some(&Token::Open) {
            self.pos += 1;
            let inner = self.or()?;
            if self.peek() != Some(&Token::Close) {
                return Err(self.error("expected ')'"));
            }
            self.pos += 1;
            return Ok(inner);
        }
        self.comparison()
    }

    fn comparison(&mut self) -> Result<Cond, ConditionError> {
        let field = match self.peek() {
            Some(Token::Ident(name))
                if !["and", "or", "not"]
                    .iter()
                    .any(|k| name.eq_ignore_ascii_case(k)) =>
            {
                name.clone()
            }
            _ => return Err(self.error("expected a field name")),
        };
        self.pos += 1;
        let op = self.operator()?;
        let value = if matches!(op, Op::In | Op::NotIn) {
            self.list()?
        } else {
            self.literal()?
        };
        match (op, &value) {
            (Op::Contains | Op::NotContains | Op::Like | Op::NotLike, Literal::Text(_)) => {}
            (Op::Contains | Op::NotContains | Op::Like | Op::NotLike, _) => {
                return Err(self.error("contains and like take a quoted string"))
            }
            _ => {}
        }
        Ok(Cond::Cmp { field, op, value })
    }

    fn operator(&mut self) -> Result<Op, ConditionError> {
        let op = match self.peek() {
            Some(Token::Sym(sym)) => match *sym {
                "=" => Op::Eq,
                "!=" => Op::Ne,
                "<" => Op::Lt,
                "<=" => Op::Le,
                ">" => Op::Gt,
                _ => Op::Ge,
            },
            Some(Token::Ident(word)) => {
                let word = word.to_ascii_lowercase();
                let negated = word == "not";
                if negated {
                    self.pos += 1;
                }
                let next = match self.peek() {
                    Some(Token::Ident(next)) => next.to_ascii_lowercase(),
                    _ => return Err(self.error("expected an operator")),
                };
                match (negated, next.as_str()) {
                    (false, "contains") => Op::Contains,
                    (true, "contains") => Op::NotContains,
                    (false, "like") => Op::Like,
                    (true, "like") => Op::NotLike,
                    (false, "in") => Op::In,
                    (true, "in") => Op::NotIn,
                    _ => return Err(self.error("expected an operator")),
                }
            }
            _ => return Err(self.error("expected an operator")),
        };
        self.pos += 1;
        Ok(op)
    }

    fn literal(&mut self) -> Result<Literal, ConditionError> {
        let literal = match self.peek() {
            Some(Token::Text(text)) => Literal::Text(text.clone()),
            Some(Token::Number(number)) => Literal::Number(*number),
            Some(Token::DateTime(text)) => Literal::DateTime(text.clone()),
            Some(Token::Ident(word)) if word.eq_ignore_ascii_case("true") => Literal::Bool(true),
            Some(Token::Ident(word)) if word.eq_ignore_ascii_case("false") => Literal::Bool(false),
            Some(Token::Ident(word)) if word.eq_ignore_ascii_case("null") => Literal::Null,
            _ => return Err(self.error("expected a value")),
        };
        self.pos += 1;
        Ok(literal)
    }

    fn list(&mut self) -> Result<Literal, ConditionError> {
        if self.peek() != Some(&Token::Open) {
            return Err(self.error("expected '(' after in"));
        }
        self.pos += 1;
        let mut items = vec![self.literal()?];
        while self.peek() == Some(&Token::Comma) {
            self.pos += 1;
            items.push(self.literal()?);
        }
        if self.peek() != Some(&Token::Close) {
            return Err(self.error("expected ',' or ')'"));
        }
        self.pos += 1;
        Ok(Literal::List(items))
    }
}

impl Cond {
    /// Every field path the condition refers to.
    pub fn fields(&self) -> Vec<&str> {
        match self {
            Cond::And(a, b) | Cond::Or(a, b) => {
                let mut out = a.fields();
                out.extend(b.fields());
                out
            }
            Cond::Not(inner) => inner.fields(),
            Cond::Cmp { field, .. } => vec![field.as_str()],
        }
    }

    /// True when `record` satisfies the condition. A path through an array (child conditions such as
    /// `communicationItems/value`) holds when any element does.
    pub fn matches(&self, record: &Value) -> bool {
        match self {
            Cond::And(a, b) => a.matches(record) && b.matches(record),
            Cond::Or(a, b) => a.matches(record) || b.matches(record),
            Cond::Not(inner) => !inner.matches(record),
            Cond::Cmp { field, op, value } => {
                let values = lookup_all(record, field);
                let values: Vec<&Value> = if values.is_empty() {
                    vec![&Value::Null]
                } else {
                    values
                };
                match op {
                    Op::Ne => !values.iter().any(|v| compare(v, Op::Eq, value)),
                    Op::NotContains => !values.iter().any(|v| compare(v, Op::Contains, value)),
                    Op::NotLike => !values.iter().any(|v| compare(v, Op::Like, value)),
                    Op::NotIn => !values.iter().any(|v| compare(v, Op::In, value)),
                    _ => values.iter().any(|v| compare(v, *op, value)),
                }
            }
        }
    }
}

fn compare(actual: &Value, op: Op, expected: &Literal) -> bool {
    match op {
        Op::In => match expected {
            Literal::List(items) => items.iter().any(|item| compare(actual, Op::Eq, item)),
            other => compare(actual, Op::Eq, other),
        },
        Op::Contains => match (actual.as_str(), expected) {
            (Some(text), Literal::Text(value)) => like(text, &contains_pattern(value)),
            _ => false,
        },
        Op::Like => match (actual.as_str(), expected) {
            (Some(text), Literal::Text(pattern)) => like(text, &pattern.replace('*', "%")),
            _ => false,
        },
        _ => {
            let Some(ordering) = order(actual, expected) else {
                return false;
            };
            match op {
                Op::Eq => ordering == Ordering::Equal,
                Op::Lt => ordering == Ordering::Less,
                Op::Le => ordering != Ordering::Greater,
                Op::Gt => ordering == Ordering::Greater,
                Op::Ge => ordering != Ordering::Less,
                _ => false,
            }
        }
    }
}

/// How a stored value compares with a literal; `None` when they cannot be compared (null against a value,
/// text against a number that does not parse).
fn order(actual: &Value, expected: &Literal) -> Option<Ordering> {
    match expected {
        Literal::Null => Some(if actual.is_null() {
            Ordering::Equal
        } else {
            Ordering::Greater
        }),
        _ if actual.is_null() => None,
        Literal::Bool(expected) => actual.as_bool().map(|b| b.cmp(expected)),
        Literal::Number(expected) => {
            let number = actual
                .as_f64()
                .or_else(|| actual.as_str().and_then(|t| t.parse().ok()))?;
            number.partial_cmp(expected)
        }
        Literal::Text(expected) => {
            let text = match actual {
                Value::String(text) => text.clone(),
                Value::Number(number) => number.to_string(),
                Value::Bool(b) => b.to_string(),
                _ => return None,
            };
            Some(text.to_lowercase().cmp(&expected.to_lowercase()))
        }
        Literal::DateTime(expected) => {
            let actual = parse_time(actual.as_str()?)?;
            Some(actual.cmp(&parse_time(expected)?))
        }
        Literal::List(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn ticket() -> Value {
        json!({
            "id": 7, "summary": "Printer jam, 50% of pages", "closedFlag": false,
            "board": {"id": 1, "name": "Help Desk"},
            "_info": {"lastUpdated": "2024-03-01T10:00:00Z"},
            "communicationItems": [{"value": "ann@example.com", "communicationType": "Email"}]
        })
    }

    fn check(text: &str) -> bool {
        parse(text)
            .unwrap_or_else(|e| panic!("{text}: {e}"))
            .matches(&ticket())
    }

    #[test]
    fn documented_examples_evaluate() {
        assert!(check(r#"board/name = "Help Desk" AND closedFlag = false"#));
        assert!(check(r#"board/name="help desk""#));
        assert!(!check(r#"board/name != "Help Desk""#));
        assert!(check(r#"summary contains "printer""#));
        assert!(check(r#"summary contains "50[%]""#));
        assert!(!check(r#"summary contains "5[_]""#));
        assert!(check(r#"summary like "Printer*""#));
        assert!(check(r#"summary not like "*scanner*""#));
        assert!(check("id in (1, 7, 9)"));
        assert!(check("id not in (1, 9)"));
        assert!(check("_info/lastUpdated > [2024-01-01T00:00:00Z]"));
        assert!(!check("_info/lastUpdated < [2024-01-01T00:00:00Z]"));
        assert!(check(r#"(id = 1 OR id = 7) and NOT (closedFlag = true)"#));
        assert!(check(
            r#"communicationItems/value like "ann@*" AND communicationItems/communicationType = "Email""#
        ));
        assert!(check("parentTicketId = null"));
        assert!(check("id >= 7 and id <= 7 and id < 8 and id > 6"));
    }

    #[test]
    fn invalid_conditions_say_where() {
        for text in [
            "",
            "id =",
            "id == 1",
            "(id = 1",
            "id in 1",
            "summary contains 5",
            "id = [notadate]",
            "id = 1 id = 2",
        ] {
            assert!(parse(text).is_err(), "{text} should be refused");
        }
        assert_eq!(parse("id = 1 xor").unwrap_err().offset, 7);
    }
}
