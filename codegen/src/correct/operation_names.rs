//! `operation-names`: readable method names for the operations users call most, and a warning on every PUT
//! that replaces the whole record.
//!
//! Realities encoded:
//! - The vendors' operationIds become method names, and some read badly: ConnectWise leaks a route constraint
//!   into one (`getSystemMembersmemberIdentifierregextypes` → `get_system_membersmember_identifierregextypes`)
//!   and repeats the module in others (`project::get_project_project_types`); BMS names "create a contact"
//!   `PostContactSummaryInfo`; Autotask's version call is `ApiVersion_ApiVersionInformation`. Correction data
//!   `operation_renames = { "<operationId>" = "<method name>" }` gives such an operation a readable name. The
//!   key is the operationId as the document has it (after `operation-ids` filled in missing ones); the vendor's
//!   id stays in the method's rustdoc ("Vendor operationId: …") and in the operation table (`spec_id`, through
//!   the `x-psa-vendor-operation-id` extension), so logs, errors and drift reports still name the vendor's id.
//!   A rename whose operationId is not in the document is reported (one `… not in this document` line; the
//!   coverage test requires none on the pinned documents), a rename onto a name another operation already has
//!   is an error.
//! - Autotask's `…_UpdateEntity` and every ConnectWise `PUT` replace the whole record (fields left out are
//!   reset), while users mostly mean the `PATCH` beside it. With `put_replaces_whole_record = true`, every PUT's
//!   description says so and names the PATCH method on the same path, if there is one, so the rustdoc warns
//!   where the method is chosen.

use std::collections::{BTreeMap, BTreeSet};

use heck::ToSnakeCase;
use serde_json::{json, Map, Value};

use super::walk::for_each_operation;
use super::CorrectError;
use crate::postprocess::operation_table::method_name;

/// Extension holding the vendor's operationId of a renamed operation (read by the operation table).
pub const VENDOR_OPERATION_ID_EXTENSION: &str = "x-psa-vendor-operation-id";

const PASS: &str = "operation-names";

pub(super) fn apply(
    doc: &mut Value,
    renames: &BTreeMap<String, String>,
    put_replaces_whole_record: bool,
) -> Result<Vec<String>, CorrectError> {
    let mut changes = Vec::new();
    let mut taken: BTreeSet<String> = BTreeSet::new();
    let mut found: BTreeSet<String> = BTreeSet::new();
    for_each_operation(doc, |_, _, op| {
        if let Some(id) = op.get("operationId").and_then(Value::as_str) {
            if renames.contains_key(id) {
                found.insert(id.to_owned());
            } else {
                taken.insert(method_name(id));
            }
        }
    });
    for (from, to) in renames {
        if !found.contains(from) {
            changes.push(format!("`{from}` (to be `{to}`) is not in this document"));
            continue;
        }
        if to.to_snake_case() != *to || method_name(to) != *to {
            return Err(CorrectError::Unfixable {
                pass: PASS,
                location: format!("operation `{from}`"),
                problem: format!("`{to}` is not a snake_case method name"),
            });
        }
        if !taken.insert(to.clone()) {
            return Err(CorrectError::Unfixable {
                pass: PASS,
                location: format!("operation `{from}`"),
                problem: format!("`{to}` is already the name of another operation"),
            });
        }
    }
    for_each_operation(doc, |path, method, op| {
        let Some(id) = op
            .get("operationId")
            .and_then(Value::as_str)
            .map(str::to_owned)
        else {
            return;
        };
        let Some(to) = renames.get(&id) else {
            return;
        };
        op.insert("operationId".into(), json!(to));
        op.insert(VENDOR_OPERATION_ID_EXTENSION.into(), json!(id));
        append_description(op, &format!("Vendor operationId: `{id}`."));
        changes.push(format!("{} {path}: `{id}` → `{to}`", method.to_uppercase()));
    });
    if put_replaces_whole_record {
        let patches = patch_methods(doc);
        let mut warned = 0;
        let mut with_patch = 0;
        for_each_operation(doc, |path, method, op| {
            if method != "put" {
                return;
            }
            let note = match patches.get(path) {
                Some(patch) => {
                    with_patch += 1;
                    format!(
                        "Replaces the whole record: fields left out are reset. To change only some fields, use \
                         `{patch}` (`PATCH` on the same path)."
                    )
                }
                None => "Replaces the whole record: fields left out are reset.".to_owned(),
            };
            append_description(op, &note);
            warned += 1;
        });
        changes.push(format!(
            "{warned} PUT operations say they replace the whole record ({with_patch} name their PATCH sibling)"
        ));
    }
    Ok(changes)
}

/// Path → method name of its PATCH operation.
fn patch_methods(doc: &mut Value) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for_each_operation(doc, |path, method, op| {
        if method == "patch" {
            if let Some(id) = op.get("operationId").and_then(Value::as_str) {
                out.insert(path.to_owned(), method_name(id));
            }
        }
    });
    out
}

/// Adds a paragraph to the operation's description (progenitor puts it in the method's rustdoc).
fn append_description(op: &mut Map<String, Value>, paragraph: &str) {
    let text = match op.get("description").and_then(Value::as_str) {
        Some(existing) if !existing.trim().is_empty() => format!("{existing}\n\n{paragraph}"),
        _ => paragraph.to_owned(),
    };
    op.insert("description".into(), json!(text));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc() -> Value {
        json!({"paths": {
            "/v2/crm/contacts/summary": {"post": {"operationId": "PostContactSummaryInfo", "responses": {}}},
            "/V1.0/Tickets": {
                "put": {"operationId": "Tickets_UpdateEntity", "description": "Updates.", "responses": {}},
                "patch": {"operationId": "Tickets_PatchEntity", "responses": {}}},
            "/V1.0/Other": {"put": {"operationId": "Other_UpdateEntity", "responses": {}}}
        }})
    }

    fn renames(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    #[test]
    fn renamed_operations_keep_the_vendor_id_in_the_docs_and_the_extension() {
        let mut doc = doc();
        let changes = apply(
            &mut doc,
            &renames(&[("PostContactSummaryInfo", "create_contact")]),
            false,
        )
        .unwrap();
        assert_eq!(
            changes,
            ["POST /v2/crm/contacts/summary: `PostContactSummaryInfo` → `create_contact`"]
        );
        let op = &doc["paths"]["/v2/crm/contacts/summary"]["post"];
        assert_eq!(op["operationId"], "create_contact");
        assert_eq!(op[VENDOR_OPERATION_ID_EXTENSION], "PostContactSummaryInfo");
        assert_eq!(
            op["description"],
            "Vendor operationId: `PostContactSummaryInfo`."
        );
        // Nothing is said about PUTs unless the vendor's PUTs replace.
        assert_eq!(
            doc["paths"]["/V1.0/Tickets"]["put"]["description"],
            "Updates."
        );
    }

    #[test]
    fn puts_say_they_replace_and_name_their_patch_sibling() {
        let mut doc = doc();
        let changes = apply(
            &mut doc,
            &renames(&[("Tickets_PatchEntity", "tickets_update")]),
            true,
        )
        .unwrap();
        assert_eq!(
            changes.last().unwrap(),
            "2 PUT operations say they replace the whole record (1 name their PATCH sibling)"
        );
        assert_eq!(
            doc["paths"]["/V1.0/Tickets"]["put"]["description"],
            "Updates.\n\nReplaces the whole record: fields left out are reset. To change only some fields, use \
             `tickets_update` (`PATCH` on the same path)."
        );
        assert_eq!(
            doc["paths"]["/V1.0/Other"]["put"]["description"],
            "Replaces the whole record: fields left out are reset."
        );
    }

    #[test]
    fn stale_and_colliding_renames_are_loud() {
        let mut doc = doc();
        let changes = apply(&mut doc, &renames(&[("Gone", "gone_op")]), false).unwrap();
        assert_eq!(
            changes,
            ["`Gone` (to be `gone_op`) is not in this document"]
        );
        for bad in ["tickets_patch_entity", "CreateContact"] {
            assert!(
                matches!(
                    apply(
                        &mut doc.clone(),
                        &renames(&[("PostContactSummaryInfo", bad)]),
                        false
                    ),
                    Err(CorrectError::Unfixable { .. })
                ),
                "{bad}"
            );
        }
    }
}
