//! Property tests: rendering then parsing a ConnectWise condition gives back
//! the normalised tree, and no string value can widen a query.
#![cfg(feature = "connectwise")]

use chrono::{DateTime, Utc};
use proptest::prelude::*;
use psa_clients::connectwise::conditions::{
    field, parse, validate_field_path, Comparison, Condition, ConditionError, Decimal, LikePattern,
    Operator, PatternPart, StringEscaping, Value,
};

/// Pieces chosen to stress quoting: delimiters of every kind, keywords,
/// wildcards, line breaks, and non-ASCII including a bidi override.
fn tricky_atom(allow_nul: bool) -> BoxedStrategy<String> {
    let specials = prop::sample::select(vec![
        "\"",
        "\\",
        "\\\"",
        "\"\\",
        "[",
        "]",
        "(",
        ")",
        ",",
        "=",
        "!=",
        " AND ",
        " OR ",
        "NOT (",
        "and",
        "or",
        "*",
        "%",
        "_",
        "[%]",
        "[_",
        "\n",
        "\r\n",
        "\t",
        " ",
        "é",
        "日本",
        "🦀",
        "\u{202e}",
        "null",
        "true",
        "[2016-08-20T18:04:26Z]",
        "\" OR id > 0 OR name = \"",
    ])
    .prop_map(String::from);
    let chars = any::<char>()
        .prop_filter("NUL excluded", move |c| allow_nul || *c != '\0')
        .prop_map(String::from);
    // Plain words, built without a regex strategy (those are slow to run).
    let words = prop::collection::vec(
        prop::sample::select(b"abcXYZ019 _".to_vec()).prop_map(char::from),
        0..5,
    )
    .prop_map(String::from_iter);
    prop_oneof![3 => specials, 2 => chars, 2 => words].boxed()
}

fn tricky_string(allow_nul: bool) -> BoxedStrategy<String> {
    prop::collection::vec(tricky_atom(allow_nul), 0..6)
        .prop_map(|parts| parts.concat())
        .boxed()
}

fn field_path() -> impl Strategy<Value = String> {
    "[a-zA-Z_][a-zA-Z0-9_]{0,5}(/[a-zA-Z_][a-zA-Z0-9_]{0,5}){0,2}"
        .prop_filter("valid, non-reserved path", |p| {
            validate_field_path(p).is_ok()
        })
}

fn datetime() -> impl Strategy<Value = DateTime<Utc>> {
    // Years 0000..=9999, with sub-second noise that rendering truncates.
    (-62_167_219_200i64..=253_402_300_799, 0u32..1_000_000_000).prop_map(|(secs, nanos)| {
        DateTime::from_timestamp(secs, nanos).unwrap_or(DateTime::UNIX_EPOCH)
    })
}

fn scalar() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::Integer),
        "-?[0-9]{1,6}\\.[0-9]{1,6}".prop_map(|t| Value::Decimal(Decimal::new(&t).unwrap())),
        tricky_string(false).prop_map(Value::String),
        datetime().prop_map(Value::DateTime),
    ]
}

fn pattern() -> impl Strategy<Value = LikePattern> {
    // `*` cannot be written literally; SQL Server's `%`, `_` and `[` can (escaped).
    let literal = tricky_string(false).prop_map(|s| s.replace('*', ""));
    let part = prop_oneof![
        literal.prop_map(Some),
        Just(None), // a wildcard
    ];
    prop::collection::vec(part, 0..5).prop_map(|parts| {
        parts
            .into_iter()
            .fold(LikePattern::new(), |p, part| match part {
                Some(text) => p.literal(text),
                None => p.any(),
            })
    })
}

fn comparison() -> impl Strategy<Value = Comparison> {
    use Operator::*;
    let make = |(field, op, value): (String, Operator, Value)| Comparison { field, op, value };
    // Each operator family is paired with the values it takes; the value
    // strategies are built once here rather than per case.
    prop_oneof![
        (
            field_path(),
            prop::sample::select(vec![Eq, Ne, Lt, Le, Gt, Ge, Contains, NotContains]),
            scalar(),
        )
            .prop_map(make),
        (
            field_path(),
            prop::sample::select(vec![Like, NotLike]),
            pattern().prop_map(Value::Pattern),
        )
            .prop_map(make),
        (
            field_path(),
            prop::sample::select(vec![In, NotIn]),
            prop::collection::vec(scalar(), 1..5).prop_map(Value::List),
        )
            .prop_map(make),
    ]
}

fn condition() -> impl Strategy<Value = Condition> {
    comparison()
        .prop_map(Condition::Compare)
        .prop_recursive(4, 24, 4, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 1..4).prop_map(Condition::And),
                prop::collection::vec(inner.clone(), 1..4).prop_map(Condition::Or),
                inner.prop_map(|c| !c),
            ]
        })
}

/// True if any string in the tree contains `"` or `\`.
fn has_strict_unrepresentable(c: &Condition) -> bool {
    fn value(v: &Value) -> bool {
        match v {
            Value::String(s) => s.contains(['"', '\\']),
            Value::Pattern(p) => p.parts().iter().any(|part| match part {
                PatternPart::Literal(s) => s.contains(['"', '\\']),
                _ => false,
            }),
            Value::List(items) => items.iter().any(value),
            _ => false,
        }
    }
    match c {
        Condition::Compare(cmp) => value(&cmp.value),
        Condition::And(m) | Condition::Or(m) => m.iter().any(has_strict_unrepresentable),
        Condition::Not(inner) => has_strict_unrepresentable(inner),
        _ => false,
    }
}

/// True if the quoted value at the end of `text` (backslash escaping) holds a
/// `%`, `_` or `[` that is not one of the escapes `[%]`, `[_]`, `[[]`: a
/// character SQL Server's LIKE would read as a wildcard.
fn has_bare_like_special(text: &str) -> bool {
    let Some(open) = text.find('"') else {
        return false;
    };
    let mut value = Vec::new();
    let mut chars = text[open + 1..].chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => value.extend(chars.next()),
            '"' => break,
            _ => value.push(c),
        }
    }
    let mut i = 0;
    while i < value.len() {
        match value[i] {
            '[' if matches!(value.get(i + 1), Some('%' | '_' | '['))
                && value.get(i + 2) == Some(&']') =>
            {
                i += 3;
            }
            '%' | '_' | '[' => return true,
            _ => i += 1,
        }
    }
    false
}

/// True if `text` has `AND` and `OR` side by side at one nesting level outside
/// quoted strings, so that its meaning would rest on operator precedence.
fn mixes_and_or_at_one_level(text: &str) -> bool {
    // One entry per open parenthesis (plus the top level): (saw AND, saw OR).
    let mut levels = vec![(false, false)];
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => {
                // Skip the string, honouring backslash escapes.
                while let Some((_, s)) = chars.next() {
                    match s {
                        '\\' => {
                            chars.next();
                        }
                        '"' => break,
                        _ => {}
                    }
                }
            }
            '(' => levels.push((false, false)),
            ')' => {
                levels.pop();
            }
            ' ' => {
                let rest = &text[i..];
                if let Some(level) = levels.last_mut() {
                    if rest.starts_with(" AND ") {
                        level.0 = true;
                    } else if rest.starts_with(" OR ") {
                        level.1 = true;
                    }
                    if level.0 && level.1 {
                        return true;
                    }
                }
            }
            _ => {}
        }
    }
    false
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(10_000))]

    /// Any tree renders under backslash escaping, and parses back to its
    /// normal form.
    #[test]
    fn backslash_render_parse_round_trip(c in condition()) {
        let text = c.render_with(StringEscaping::Backslash)
            .map_err(|e| TestCaseError::fail(format!("render failed: {e}")))?;
        let parsed = parse(&text)
            .map_err(|e| TestCaseError::fail(format!("parse failed: {e} in {text:?}")))?;
        prop_assert_eq!(parsed, c.normalize(), "text: {:?}", text);
    }

    /// Rendered text never leaves the grouping to operator precedence: no
    /// nesting level holds both `AND` and `OR`.
    #[test]
    fn rendering_never_relies_on_and_or_precedence(c in condition()) {
        let text = c.render_with(StringEscaping::Backslash)
            .map_err(|e| TestCaseError::fail(format!("render failed: {e}")))?;
        prop_assert!(!mixes_and_or_at_one_level(&text), "text: {:?}", text);
    }

    /// A `contains` value or the literal text of a `like` pattern never
    /// reaches the server with a bare SQL Server LIKE wildcard, and reads
    /// back as the same literal text.
    #[test]
    fn like_specials_in_literal_text_are_always_escaped(s in tricky_string(false)) {
        let literal = s.replace('*', "");
        for c in [
            field("summary").contains(s.as_str()),
            field("summary").not_contains(s.as_str()),
            field("summary").like(LikePattern::contains(&literal)),
            field("summary").starts_with(&literal),
        ] {
            let text = c.render_with(StringEscaping::Backslash)
                .map_err(|e| TestCaseError::fail(format!("render failed: {e}")))?;
            prop_assert!(!has_bare_like_special(&text), "text: {:?}", text);
            prop_assert_eq!(parse(&text).ok(), Some(c.normalize()), "text: {:?}", text);
        }
    }

    /// Under strict escaping a tree either round-trips, or is refused
    /// precisely because it holds a `"` or `\`.
    #[test]
    fn strict_render_parse_round_trip(c in condition()) {
        match c.render() {
            Ok(text) => {
                let parsed = parse(&text)
                    .map_err(|e| TestCaseError::fail(format!("parse failed: {e} in {text:?}")))?;
                prop_assert_eq!(parsed, c.normalize(), "text: {:?}", text);
            }
            Err(ConditionError::UnrepresentableChar { ch, .. }) => {
                prop_assert!(ch == '"' || ch == '\\');
                prop_assert!(has_strict_unrepresentable(&c));
            }
            Err(other) => prop_assert!(false, "unexpected error {other}"),
        }
    }

    /// A user-supplied string rendered as `field = value`, alone or between
    /// other comparisons, always reads back as exactly that comparison.
    #[test]
    fn string_values_never_widen(
        s in prop_oneof![tricky_string(true), any::<String>()],
        backslash in any::<bool>(),
    ) {
        let escaping = if backslash { StringEscaping::Backslash } else { StringEscaping::Strict };
        let single = field("summary").eq(s.as_str());
        match single.render_with(escaping) {
            Ok(text) => {
                prop_assert_eq!(parse(&text).ok(), Some(single.clone()), "text: {:?}", text);
                let around = field("a").eq(1).and(single.clone()).or(field("b").eq(2));
                let text = around.render_with(escaping).map_err(|e| TestCaseError::fail(e.to_string()))?;
                prop_assert_eq!(parse(&text).ok(), Some(around), "text: {:?}", text);
                let starts = field("summary").starts_with(&s);
                if let Ok(text) = starts.render_with(escaping) {
                    prop_assert_eq!(parse(&text).ok(), Some(starts), "text: {:?}", text);
                }
            }
            Err(ConditionError::UnrepresentableChar { ch, offset }) => {
                prop_assert_eq!(s[offset..].chars().next(), Some(ch));
                prop_assert!(ch == '\0' || (!backslash && (ch == '"' || ch == '\\')));
            }
            Err(other) => prop_assert!(false, "unexpected error {other}"),
        }
    }

    /// The parser never panics, whatever it is given, and whatever it
    /// accepts re-renders to something that parses to the same tree.
    #[test]
    fn parser_is_total(
        text in prop_oneof![any::<String>(), prop::collection::vec(tricky_atom(true), 0..12).prop_map(|v| v.concat())],
    ) {
        if let Ok(c) = parse(&text) {
            let again = c.render_with(StringEscaping::Backslash)
                .map_err(|e| TestCaseError::fail(format!("re-render failed: {e}")))?;
            prop_assert_eq!(parse(&again).ok(), Some(c.normalize()));
        }
    }

    /// Rendered text with something spliced in at an arbitrary point still
    /// parses without panicking, and anything accepted re-renders stably.
    #[test]
    fn parser_survives_mutated_conditions(
        c in condition(),
        at in any::<prop::sample::Index>(),
        insert in tricky_atom(true),
    ) {
        let text = c.render_with(StringEscaping::Backslash)
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        let mut cut = at.index(text.len() + 1);
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        let mutated = format!("{}{}{}", &text[..cut], insert, &text[cut..]);
        if let Ok(parsed) = parse(&mutated) {
            let again = parsed.render_with(StringEscaping::Backslash)
                .map_err(|e| TestCaseError::fail(format!("re-render failed: {e}")))?;
            prop_assert_eq!(parse(&again).ok(), Some(parsed.normalize()));
        }
    }
}
