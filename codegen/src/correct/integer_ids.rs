//! `integer-ids`: ids the document declares as floating-point numbers are integers.
//!
//! Reality encoded (ConnectWise PSA 2022.1): its document declares many record ids as a bare `type: number`
//! (`CallbackEntry.objectId`, `TimeEntry.chargeToId`, `TicketMerge.mergeTicketIds`, `CompanyGroup.id`, the
//! `recordId` query parameter of `/system/documents`, …) while the same kinds of ids elsewhere in the document,
//! and every value the API sends, are integers (the fixtures' `chargeToId: 69`, `objectId: 1`), and the vendor's
//! own 2026.4 document declares the same properties `type: integer, format: int32` (`TimeEntry.chargeToId`,
//! `CompanyGroup.id`, `Invoice.locationId`); generated as `f64`, a user handles float ticket ids. The rule:
//! a property or parameter named `id`, or ending in `Id`, `Ids`, `ID` or `IDs`, declared `type: number` with
//! no `format` (or a list of those), becomes `type: integer, format: int64` (`i64`, `Vec<i64>`). A `format:
//! float` or `double` is a declared fractional type and is left alone (BMS `ProductChargePostInputDto.
//! PricingLevelId`, a C# `double`). Exceptions, `Schema.property` in the document's spelling, are correction
//! data (`integer_ids_except`).
//!
//! A server that writes an id as `12.0` still decodes: the lenient response decoder reads an integral float into
//! an integer field (`psa_clients_runtime::lenient`), where serde_json alone refuses it.

use serde_json::{json, Map, Value};

use super::walk::{
    for_each_operation, visit_document_schemas, visit_schemas_mut, OperationSchemas,
};

/// Whether a property or parameter name names an id.
fn is_id_name(name: &str) -> bool {
    name == "id" || ["Id", "Ids", "ID", "IDs"].iter().any(|s| name.ends_with(s))
}

/// A `type: number` schema without a format: no declared fractional meaning.
fn is_plain_number(schema: &Map<String, Value>) -> bool {
    schema.get("type").and_then(Value::as_str) == Some("number") && !schema.contains_key("format")
}

/// What a schema was retyped as, if it was.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Retyped {
    Number,
    List,
}

/// Retypes `schema` (a property or parameter schema) if it is a plain number or a list of them.
fn retype(schema: &mut Value) -> Option<Retyped> {
    let obj = schema.as_object_mut()?;
    if is_plain_number(obj) {
        obj.insert("type".into(), json!("integer"));
        obj.insert("format".into(), json!("int64"));
        return Some(Retyped::Number);
    }
    if obj.get("type").and_then(Value::as_str) != Some("array") {
        return None;
    }
    let items = obj.get_mut("items")?.as_object_mut()?;
    if !is_plain_number(items) {
        return None;
    }
    items.insert("type".into(), json!("integer"));
    items.insert("format".into(), json!("int64"));
    Some(Retyped::List)
}

#[derive(Default)]
struct Counts {
    numbers: usize,
    lists: usize,
    parameters: usize,
}

impl Counts {
    fn add(&mut self, r: Option<Retyped>) {
        match r {
            Some(Retyped::Number) => self.numbers += 1,
            Some(Retyped::List) => self.lists += 1,
            None => {}
        }
    }
}

/// Retypes the id-like properties of one schema object (not the schemas nested in it).
fn retype_properties(
    schema: &mut Map<String, Value>,
    component: Option<&str>,
    except: &[String],
    counts: &mut Counts,
) {
    let Some(props) = schema.get_mut("properties").and_then(Value::as_object_mut) else {
        return;
    };
    for (name, prop) in props.iter_mut() {
        if !is_id_name(name) {
            continue;
        }
        let excepted =
            component.is_some_and(|c| except.iter().any(|e| *e == format!("{c}.{name}")));
        if !excepted {
            counts.add(retype(prop));
        }
    }
}

pub(super) fn apply(doc: &mut Value, except: &[String]) -> Vec<String> {
    let mut counts = Counts::default();
    if let Some(schemas) = doc
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    {
        for (name, schema) in schemas.iter_mut() {
            // The component's own properties can be excepted by name; those of inline schemas nested in it
            // cannot (they have no name of their own).
            let mut first = true;
            visit_schemas_mut(schema, &mut |s| {
                let component = first.then_some(name.as_str());
                first = false;
                retype_properties(s, component, except, &mut counts);
            });
        }
    }
    visit_document_schemas(
        doc,
        |_| false,
        OperationSchemas::JsonBodiesAndResponses,
        &mut |s| retype_properties(s, None, except, &mut counts),
    );
    for_each_operation(doc, |_, _, op| {
        let Some(params) = op.get_mut("parameters").and_then(Value::as_array_mut) else {
            return;
        };
        for p in params {
            let id_like = p
                .get("name")
                .and_then(Value::as_str)
                .is_some_and(is_id_name);
            if !id_like {
                continue;
            }
            if let Some(schema) = p.get_mut("schema") {
                if retype(schema).is_some() {
                    counts.parameters += 1;
                }
            }
        }
    });
    let Counts {
        numbers,
        lists,
        parameters,
    } = counts;
    if numbers + lists + parameters == 0 {
        return Vec::new();
    }
    vec![format!(
        "{} id properties ({numbers} numbers, {lists} lists of numbers) and {parameters} id parameters typed \
         as int64",
        numbers + lists
    )]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_like_plain_numbers_become_integers_and_the_rest_is_left_alone() {
        let mut doc = json!({"paths": {"/system/documents": {"get": {"parameters": [
            {"name": "recordId", "in": "query", "schema": {"type": "number"}},
            {"name": "amount", "in": "query", "schema": {"type": "number"}}
        ], "responses": {}}}}, "components": {"schemas": {
            "CallbackEntry": {"type": "object", "properties": {
                "id": {"type": "integer"},
                "objectId": {"type": "number"},
                "amount": {"type": "number"},
                "paid": {"type": "number", "format": "double"},
                "rateId": {"type": "number", "format": "double"},
                "companyID": {"type": "number", "nullable": true},
                "mergeTicketIds": {"type": "array", "items": {"type": "number"}},
                "idea": {"type": "number"},
                "nested": {"type": "object", "properties": {"chargeToId": {"type": "number"}}}
            }},
            "TicketMerge": {"type": "object", "properties": {"parentId": {"type": "number"}}}
        }}});
        let changes = apply(&mut doc, &["TicketMerge.parentId".to_owned()]);
        assert_eq!(
            changes,
            ["4 id properties (3 numbers, 1 lists of numbers) and 1 id parameters typed as int64"]
        );
        let props = &doc["components"]["schemas"]["CallbackEntry"]["properties"];
        assert_eq!(
            props["objectId"],
            json!({"type": "integer", "format": "int64"})
        );
        assert_eq!(
            props["companyID"],
            json!({"type": "integer", "format": "int64", "nullable": true})
        );
        assert_eq!(props["mergeTicketIds"]["items"]["type"], "integer");
        assert_eq!(
            props["nested"]["properties"]["chargeToId"]["type"],
            "integer"
        );
        for (name, kept) in [
            ("amount", json!({"type": "number"})),
            ("paid", json!({"type": "number", "format": "double"})),
            ("rateId", json!({"type": "number", "format": "double"})),
            ("idea", json!({"type": "number"})),
            ("id", json!({"type": "integer"})),
        ] {
            assert_eq!(props[name], kept, "{name}");
        }
        // The exception stays a number.
        assert_eq!(
            doc["components"]["schemas"]["TicketMerge"]["properties"]["parentId"]["type"],
            "number"
        );
        let params = &doc["paths"]["/system/documents"]["get"]["parameters"];
        assert_eq!(params[0]["schema"]["type"], "integer");
        assert_eq!(params[1]["schema"]["type"], "number");
    }

    #[test]
    fn a_document_without_float_ids_is_untouched() {
        let mut doc = json!({"paths": {}, "components": {"schemas": {"A": {"properties": {"id": {"type": "integer"}}}}}});
        let before = doc.clone();
        assert!(apply(&mut doc, &[]).is_empty());
        assert_eq!(doc, before);
    }
}
