//! `no-content`: a 204 answer has no body.
//!
//! Reality encoded: HTTP 204 No Content carries no body (RFC 9110 §15.3.5), and servers send none. ConnectWise
//! nevertheless declares a schema on two 204 answers (`POST /company/companyPickerItems/clear`,
//! `POST /procurement/products/{id}/detach`), so the generated call would try to decode the empty body as a model
//! and fail on every successful call. Found by the psa-emulator coverage walk (tests/emulator_walk.rs), which
//! answers these with an empty 204 as the vendor does. The pass drops the declared content of every 204.

use serde_json::Value;

use super::walk::for_each_operation;

pub(super) fn apply(doc: &mut Value) -> Vec<String> {
    let mut changes = Vec::new();
    for_each_operation(doc, |path, method, op| {
        let Some(answer) = op
            .get_mut("responses")
            .and_then(|r| r.get_mut("204"))
            .and_then(Value::as_object_mut)
        else {
            return;
        };
        if answer.remove("content").is_some() {
            changes.push(format!(
                "{} {path}: the body declared for 204 No Content removed",
                method.to_uppercase()
            ));
        }
    });
    changes
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_204_loses_its_declared_body_and_other_answers_keep_theirs() {
        let mut doc = json!({"paths": {
            "/company/companyPickerItems/clear": {"post": {"responses": {"204": {
                "description": "ClearPickerRequest",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ClearPickerRequest"}}}
            }}}},
            "/company/companies": {"post": {"responses": {"201": {
                "description": "Company",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Company"}}}
            }}}}
        }});
        let changes = apply(&mut doc);
        assert_eq!(
            changes,
            ["POST /company/companyPickerItems/clear: the body declared for 204 No Content removed"]
        );
        let clear = &doc["paths"]["/company/companyPickerItems/clear"]["post"]["responses"]["204"];
        assert_eq!(clear, &json!({"description": "ClearPickerRequest"}));
        assert!(
            doc["paths"]["/company/companies"]["post"]["responses"]["201"]
                .get("content")
                .is_some()
        );
    }
}
