//! `casing`: property names as the live API spells them, with the document's spelling kept as an alias.
//!
//! Realities encoded:
//! - Autotask's document names every property in PascalCase (`Id`, `CompanyID`, `QueryCount`) while the API
//!   sends camelCase with only the first letter lowered (`id`, `companyID`, `queryCount`; see the fixtures).
//! - BMS's document declares PascalCase while the API (ASP.NET) sends .NET camelCase (`success`,
//!   `result.accessToken`, `mfaCode` for `MFACode`).
//!
//! A model with the wrong casing would decode every field as `None` without any error, so the wire spelling is
//! what the generated field is renamed to, and the document's spelling is recorded in [`WireAliases`] so the
//! post-processor can let models accept both. Form bodies (BMS login) keep their declared field names: forms
//! are bound by the server case-insensitively and the vendor documents them in PascalCase.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

use super::walk::{visit_document_schemas, OperationSchemas};
use crate::vendor::Casing;

/// Wire property name → the other spellings the document used for it.
pub type WireAliases = BTreeMap<String, BTreeSet<String>>;

pub(super) fn apply(doc: &mut Value, casing: Casing) -> (Vec<String>, WireAliases) {
    let mut aliases = WireAliases::new();
    if casing == Casing::AsDeclared {
        return (Vec::new(), aliases);
    }
    let mut renamed = 0usize;
    let mut fix = |obj: &mut Map<String, Value>| {
        let Some(Value::Object(props)) = obj.remove("properties") else {
            return;
        };
        let mut map = BTreeMap::new();
        let mut new_props = Map::new();
        for (name, schema) in props {
            let wire = wire_name(&name, casing);
            if wire != name {
                renamed += 1;
                aliases
                    .entry(wire.clone())
                    .or_default()
                    .insert(name.clone());
                map.insert(name, wire.clone());
            }
            new_props.insert(wire, schema);
        }
        obj.insert("properties".into(), Value::Object(new_props));
        if let Some(Value::Array(req)) = obj.get_mut("required") {
            for r in req.iter_mut() {
                if let Some(wire) = r.as_str().and_then(|s| map.get(s)) {
                    *r = Value::String(wire.clone());
                }
            }
        }
    };
    // Only JSON bodies and responses: forms keep their declared field names.
    visit_document_schemas(
        doc,
        |_| true,
        OperationSchemas::JsonBodiesAndResponses,
        &mut fix,
    );
    let summary = if renamed == 0 {
        Vec::new()
    } else {
        vec![format!("{renamed} properties renamed to their {casing:?} wire spelling ({} distinct names); declared spellings accepted as aliases", aliases.len())]
    };
    (summary, aliases)
}

/// The wire spelling of a declared property name.
pub fn wire_name(declared: &str, casing: Casing) -> String {
    match casing {
        Casing::AsDeclared => declared.to_owned(),
        Casing::LowerFirst => {
            let mut chars = declared.chars();
            match chars.next() {
                Some(first) => first.to_lowercase().chain(chars).collect(),
                None => String::new(),
            }
        }
        Casing::DotnetCamel => dotnet_camel(declared),
    }
}

/// .NET's camelCase policy: lower the leading run of capitals, except that the last capital of a run followed by
/// a lower-case letter starts the next word (`MFACode` → `mfaCode`, `ID` → `id`, `Id` → `id`).
fn dotnet_camel(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    let mut out = chars.clone();
    for i in 0..chars.len() {
        if i == 1 && !chars[i].is_uppercase() {
            break;
        }
        let next_is_lower = chars.get(i + 1).is_some_and(|c| !c.is_uppercase());
        if i > 0 && next_is_lower {
            break;
        }
        out[i] = chars[i].to_lowercase().next().unwrap_or(chars[i]);
    }
    out.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn autotask_lowers_only_the_first_letter() {
        assert_eq!(wire_name("CompanyID", Casing::LowerFirst), "companyID");
        assert_eq!(wire_name("Id", Casing::LowerFirst), "id");
        assert_eq!(wire_name("UDFs", Casing::LowerFirst), "uDFs");
        assert_eq!(wire_name("queryCount", Casing::LowerFirst), "queryCount");
    }

    #[test]
    fn bms_uses_dotnet_camel_case() {
        for (declared, wire) in [
            ("AccessToken", "accessToken"),
            ("MFACode", "mfaCode"),
            ("ID", "id"),
            ("Id", "id"),
            ("URLValue", "urlValue"),
            ("TotalRecords", "totalRecords"),
            ("success", "success"),
            ("A", "a"),
            ("", ""),
        ] {
            assert_eq!(wire_name(declared, Casing::DotnetCamel), wire, "{declared}");
        }
    }

    #[test]
    fn json_schemas_are_renamed_and_forms_are_not() {
        let mut doc = json!({"paths": {"/login": {"post": {
            "requestBody": {"content": {"application/x-www-form-urlencoded": {"schema": {"type": "object", "properties": {"UserName": {"type": "string"}}}}}},
            "responses": {"200": {"description": "", "content": {"application/json": {"schema": {"type": "object", "properties": {"Success": {"type": "boolean"}}}}}}}
        }}}, "components": {"schemas": {"Ticket": {"type": "object", "required": ["TicketID"], "properties": {
            "TicketID": {"type": "integer"}, "Items": {"type": "array", "items": {"type": "object", "properties": {"Name": {"type": "string"}}}}}}}}});
        let (changes, aliases) = apply(&mut doc, Casing::LowerFirst);
        assert_eq!(changes.len(), 1);
        let ticket = &doc["components"]["schemas"]["Ticket"];
        assert_eq!(ticket["required"], json!(["ticketID"]));
        assert!(ticket["properties"]["items"]["items"]["properties"]["name"].is_object());
        let op = &doc["paths"]["/login"]["post"];
        assert!(
            op["requestBody"]["content"]["application/x-www-form-urlencoded"]["schema"]
                ["properties"]["UserName"]
                .is_object()
        );
        assert!(
            op["responses"]["200"]["content"]["application/json"]["schema"]["properties"]
                ["success"]
                .is_object()
        );
        assert_eq!(aliases["ticketID"], BTreeSet::from(["TicketID".to_owned()]));
    }
}
