//! Resolution and rewriting of `$ref` strings.
//!
//! Swagger 2.0 keeps reusable objects under `#/definitions`, `#/parameters` and `#/responses`;
//! OpenAPI 3.0 keeps them under `#/components/...`. References are resolved against the source
//! document (so a dangling reference is reported where it occurs, not later by the code generator)
//! and re-emitted with the name JSON-pointer escaped but not percent-encoded, which is the form the
//! vendor documents (and progenitor's lookup by name) use.

use serde_json::{Map, Value};

use super::json::{escape, unescape};
use super::ConvertError;

/// A reference resolved into one of the document's top-level sections.
#[derive(Debug)]
pub(super) struct Target<'a> {
    /// The (unescaped) key in the section, e.g. `Expression[Func[AccountAlert,Int64]]`.
    pub name: &'a str,
    /// The object the key names.
    pub value: &'a Value,
    /// Reference tokens after the name, still escaped, for references into a definition.
    rest: Vec<String>,
}

impl Target<'_> {
    /// The reference to the converted object under `#/components/{component}`.
    pub fn component_ref(&self, component: &str) -> String {
        let mut out = format!("#/components/{component}/{}", escape(self.name));
        for token in &self.rest {
            out.push('/');
            out.push_str(token);
        }
        out
    }
}

/// Resolves `reference` (found at `pointer`) into the section `section` (`definitions`,
/// `parameters` or `responses`) whose content is `entries`.
pub(super) fn resolve<'a>(
    reference: &str,
    section: &'static str,
    entries: Option<&'a Map<String, Value>>,
    pointer: &str,
) -> Result<Target<'a>, ConvertError> {
    let bad = |reason: String| ConvertError::BadRef {
        pointer: pointer.to_owned(),
        reference: reference.to_owned(),
        reason,
    };
    let Some(fragment) = reference.strip_prefix('#') else {
        return Err(bad(
            "only references within the document (`#/...`) are supported".into(),
        ));
    };
    // The fragment is tried as written first, so that a name which really contains `%` still
    // resolves; only if that fails is it read as a percent-encoded URI fragment (RFC 6901 §6).
    let decoded = if fragment.contains('%') {
        percent_decode(fragment)
    } else {
        None
    };
    let mut saw_section = false;
    for candidate in std::iter::once(fragment).chain(decoded.as_deref()) {
        let Some(path) = candidate.strip_prefix('/') else {
            continue;
        };
        let mut tokens = path.split('/');
        if tokens.next().map(unescape).as_deref() != Some(section) {
            continue;
        }
        saw_section = true;
        let Some(name) = tokens.next() else {
            continue;
        };
        if let Some((name, value)) = entries.and_then(|map| map.get_key_value(&unescape(name))) {
            return Ok(Target {
                name,
                value,
                rest: tokens.map(str::to_owned).collect(),
            });
        }
    }
    if saw_section {
        Err(bad(format!("no such entry in `#/{section}`")))
    } else {
        Err(bad(format!("expected a reference into `#/{section}`")))
    }
}

/// Decodes `%XX` escapes; `None` when an escape is malformed or the result is not UTF-8.
fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while let Some(&byte) = bytes.get(index) {
        if byte == b'%' {
            let hex = bytes.get(index + 1..index + 3)?;
            // `from_str_radix` would also accept a sign, so check the digits first.
            if !hex.iter().all(u8::is_ascii_hexdigit) {
                return None;
            }
            let hex = std::str::from_utf8(hex).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            index += 3;
        } else {
            out.push(byte);
            index += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::percent_decode;

    #[test]
    fn percent_decoding() {
        assert_eq!(percent_decode("a%5Bb%5D").as_deref(), Some("a[b]"));
        assert_eq!(percent_decode("%E2%82%AC").as_deref(), Some("€"));
        assert_eq!(percent_decode("bad%2"), None);
        assert_eq!(percent_decode("bad%zz"), None);
        assert_eq!(percent_decode("%FF"), None);
        assert_eq!(percent_decode("%+5"), None);
    }
}
