//! The suggestions as TOML a maintainer reviews: a header saying what they are and from what, one
//! `[[suggested.…]]` table per schema and property, hints, and what could not be resolved.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::{Key, Report, Suggestion};

/// The OpenAPI type to declare for the JSON types seen (`null` only makes it nullable).
fn openapi_type(json_types: &[String]) -> (String, bool) {
    let nullable = json_types.iter().any(|t| t == "null");
    let types: Vec<&str> = json_types
        .iter()
        .map(String::as_str)
        .filter(|t| *t != "null")
        .collect();
    let declared = match types.as_slice() {
        [] => "unknown (only null seen)",
        ["boolean"] => "boolean",
        ["integer"] => "integer",
        ["number"] | ["integer", "number"] | ["number", "integer"] => "number",
        ["string"] => "string",
        ["array"] => "array",
        ["object"] => "object",
        _ => "mixed (see json_types)",
    };
    (declared.to_owned(), nullable)
}

fn quote(text: &str) -> String {
    toml::Value::String(text.to_owned()).to_string()
}

fn list(items: &[String]) -> String {
    let quoted: Vec<String> = items.iter().map(|i| quote(i)).collect();
    format!("[{}]", quoted.join(", "))
}

pub(super) fn render(
    report: &Report,
    found: &BTreeMap<Key, Suggestion>,
    unresolved: &[String],
) -> String {
    let mut out = String::new();
    let vendor = report.vendor.as_deref().unwrap_or("(vendor not named)");
    let _ = writeln!(
        out,
        "# Suggested corrections from a drift report (psa-codegen drift-to-correction), for review.\n\
         # Vendor: {vendor}; target file: specs/corrections/{vendor}.toml"
    );
    if let Some(spec) = &report.spec {
        let _ = writeln!(
            out,
            "# Report made against {} version {} (sha256 {}).",
            spec.file, spec.version, spec.sha256
        );
    }
    let _ = writeln!(
        out,
        "#\n# No correction pass reads the [[suggested.*]] tables yet: each one says what the live API sent that the\n\
         # document does not say. Check it against the vendor's documentation, then encode it in the correction data\n\
         # (or a pass) and a test. `seen` counts occurrences in the report, not tenants.\n"
    );
    let mut secrets = Vec::new();
    for ((section, schema, property), s) in found {
        let _ = writeln!(out, "[[suggested.{section}]]");
        let _ = writeln!(out, "schema = {}", quote(schema));
        let _ = writeln!(out, "property = {}", quote(property));
        match *section {
            "add_property" => {
                let (declared, nullable) = openapi_type(&s.json_types);
                let _ = writeln!(out, "type = {}", quote(&declared));
                let _ = writeln!(out, "nullable = {nullable}");
                if let Some(similar) = &s.similar {
                    let _ = writeln!(
                        out,
                        "# The document declares {similar:?}, which differs only in case or `_`: probably a casing or\n\
                         # alias correction, not a new property.\nsimilar_declared = {}",
                        quote(similar)
                    );
                }
            }
            "retype_property" => {
                if let Some(declared) = &s.declared {
                    let _ = writeln!(out, "declared = {}", quote(declared));
                }
                let _ = writeln!(out, "sent_json_types = {}", list(&s.json_types));
                if let Some(message) = &s.message {
                    let _ = writeln!(out, "decoder_message = {}", quote(message));
                }
            }
            "add_enum_values" => {
                if let Some(enum_schema) = &s.enum_schema {
                    let _ = writeln!(out, "enum_schema = {}", quote(enum_schema));
                }
                let _ = writeln!(out, "values = {}", list(&s.values));
            }
            _ => {
                let _ = writeln!(
                    out,
                    "# Declared required, absent from responses: the lenient policy already reads it as absent."
                );
            }
        }
        if !s.json_types.is_empty() && *section != "retype_property" {
            let _ = writeln!(out, "json_types = {}", list(&s.json_types));
        }
        let _ = writeln!(out, "seen = {}", s.seen);
        let _ = writeln!(out, "operations = {}", list(&s.operations));
        let _ = writeln!(out, "paths = {}\n", list(&s.paths));
        if psa_secret_key(property) {
            secrets.push(format!("{schema}.{property}"));
        }
    }
    if !secrets.is_empty() {
        secrets.dedup();
        let _ = writeln!(
            out,
            "# Secret-looking properties: once declared, list them in `secret_properties` (document spelling) so\n\
             # models hold them as `Secret`:\n# secret_properties = {}\n",
            list(&secrets)
        );
    }
    for line in unresolved {
        let _ = writeln!(out, "# unresolved: {line}");
    }
    if found.is_empty() && unresolved.is_empty() {
        let _ = writeln!(out, "# The report is empty: nothing to suggest.");
    }
    out
}

/// The run-time crate's rule for secret-looking keys (`psa_clients_runtime::redact::is_secret_key`), which
/// psa-codegen does not depend on.
fn psa_secret_key(key: &str) -> bool {
    const PARTS: [&str; 13] = [
        "password",
        "passwd",
        "secret",
        "token",
        "apikey",
        "integrationcode",
        "authorization",
        "credential",
        "mfacode",
        "totp",
        "signature",
        "cookie",
        "session",
    ];
    let key: String = key
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect();
    key.ends_with("key") || PARTS.iter().any(|part| key.contains(part))
}
