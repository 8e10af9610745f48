//! SQL Server `LIKE`, which both ConnectWise and Autotask evaluate "contains"-style tests with: `%` any run,
//! `_` one character, `[abc]` / `[a-c]` / `[^abc]` one character of (not of) a set, so `[%]`, `[_]` and `[[]`
//! match the characters themselves. Case-insensitive, as SQL Server's default collation is.

/// One pattern element.
#[derive(Debug, Clone, PartialEq)]
enum Token {
    AnyRun,
    AnyOne,
    Char(char),
    Set {
        negated: bool,
        items: Vec<(char, char)>,
    },
}

/// True when `text` matches the `LIKE` `pattern`.
pub fn like(text: &str, pattern: &str) -> bool {
    let tokens = tokenize(pattern);
    let chars: Vec<char> = text.chars().flat_map(char::to_lowercase).collect();
    matches(&chars, &tokens)
}

/// `LIKE` operand that finds `value` anywhere (`%value%`); `value` may hold bracket escapes.
pub fn contains_pattern(value: &str) -> String {
    format!("%{value}%")
}

fn tokenize(pattern: &str) -> Vec<Token> {
    let chars: Vec<char> = pattern.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '%' => tokens.push(Token::AnyRun),
            '_' => tokens.push(Token::AnyOne),
            '[' => {
                // A set runs to the next `]` after at least one character; `[` alone is a literal.
                let start = i + 1;
                let close = chars
                    .iter()
                    .enumerate()
                    .skip(start + 1)
                    .find(|(_, c)| **c == ']')
                    .map(|(index, _)| index);
                match close {
                    Some(close) => {
                        let mut body = &chars[start..close];
                        let negated = body.first() == Some(&'^') && body.len() > 1;
                        if negated {
                            body = &body[1..];
                        }
                        let mut items = Vec::new();
                        let mut j = 0;
                        while j < body.len() {
                            let low = lower(body[j]);
                            if j + 2 < body.len() && body[j + 1] == '-' {
                                items.push((low, lower(body[j + 2])));
                                j += 3;
                            } else {
                                items.push((low, low));
                                j += 1;
                            }
                        }
                        tokens.push(Token::Set { negated, items });
                        i = close;
                    }
                    None => tokens.push(Token::Char('[')),
                }
            }
            c => tokens.push(Token::Char(lower(c))),
        }
        i += 1;
    }
    tokens
}

fn lower(c: char) -> char {
    c.to_lowercase().next().unwrap_or(c)
}

fn matches(text: &[char], tokens: &[Token]) -> bool {
    // Classic wildcard matching with backtracking on the last `%`.
    let (mut t, mut p) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        match tokens.get(p) {
            Some(Token::AnyRun) => {
                star = Some((p, t));
                p += 1;
                continue;
            }
            Some(token) if one(token, text[t]) => {
                t += 1;
                p += 1;
                continue;
            }
            _ => {}
        }
        match star {
            Some((star_p, star_t)) => {
                p = star_p + 1;
                t = star_t + 1;
                star = Some((star_p, star_t + 1));
            }
            None => return false,
        }
    }
    tokens[p..].iter().all(|token| *token == Token::AnyRun)
}

fn one(token: &Token, c: char) -> bool {
    match token {
        Token::AnyRun => false,
        Token::AnyOne => true,
        Token::Char(expected) => *expected == c,
        Token::Set { negated, items } => {
            let inside = items.iter().any(|(low, high)| (*low..=*high).contains(&c));
            inside != *negated
        }
    }
}

#[cfg(test)]
mod tests {
    use super::like;

    #[test]
    fn wildcards_and_bracket_escapes_behave_as_in_sql_server() {
        assert!(like("Printer on floor 2", "%printer%"));
        assert!(like("abc", "a_c"));
        assert!(!like("abbc", "a_c"));
        assert!(like("50% off", "%50[%]%"));
        assert!(!like("500 off", "%50[%]%"));
        assert!(like("a_b", "a[_]b"));
        assert!(!like("axb", "a[_]b"));
        assert!(like("[x]", "[[]x]"));
        assert!(like("b", "[a-c]"));
        assert!(!like("b", "[^a-c]"));
        assert!(like("", "%"));
        assert!(!like("", "_"));
        assert!(like("ABC", "abc"));
    }
}
