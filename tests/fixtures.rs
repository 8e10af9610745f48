//! Real response bodies (../shared/fixtures, see its SOURCES.md) decoded into the generated type of the
//! operation they came from.
//!
//! "Decodes" means the values survive: each body is decoded, serialized again and compared with the original,
//! so a field that lands nowhere (wrong casing, missing from the model) or loses its value is reported by path.
//! Hand-edit artefacts listed in SOURCES.md are asserted precisely instead of being skipped.
// Without a vendor feature every test below is compiled out and the helpers go unused.
// The helpers serve only the vendor-gated tests below; a build without those vendors (as the hand-written modules
// are checked: `--no-default-features`) would otherwise fail clippy's dead-code lint.
#![cfg_attr(
    not(any(feature = "connectwise", feature = "autotask")),
    allow(dead_code)
)]

use std::path::PathBuf;

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

fn fixtures_dir() -> PathBuf {
    match std::env::var_os("PSA_FIXTURES_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures"),
    }
}

fn read(rel: &str) -> Value {
    let path = fixtures_dir().join(rel);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "cannot read fixture {} ({e}); set PSA_FIXTURES_DIR",
            path.display()
        )
    });
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{rel} is not JSON: {e}"))
}

/// Decodes `rel` as `T`; returns the typed value and every place where re-serializing it loses or changes data.
///
/// With `PSA_FIXTURE_FIGURES` set, prints one line per body (`cargo test --test fixtures -- --nocapture`): how
/// many leaf values it has and how many were lost, or that it did not decode — the figures the README quotes.
fn decode<T: DeserializeOwned + Serialize>(rel: &str) -> (T, Vec<String>) {
    let original = read(rel);
    let figures = std::env::var_os("PSA_FIXTURE_FIGURES").is_some();
    let typed: T = serde_path_to_error::deserialize(original.clone()).unwrap_or_else(|e| {
        if figures {
            eprintln!(
                "figures {rel}: {} leaves, does not decode",
                leaves(&original)
            );
        }
        panic!("{rel}: does not decode at `{}`: {}", e.path(), e.inner())
    });
    let again =
        serde_json::to_value(&typed).unwrap_or_else(|e| panic!("{rel}: does not serialize: {e}"));
    let mut lost = Vec::new();
    compare("", &original, &again, &mut lost);
    if figures {
        eprintln!(
            "figures {rel}: {} leaves, {} lost",
            leaves(&original),
            lost.len()
        );
    }
    (typed, lost)
}

/// The values of a body that are not objects or lists (`null`s included: nothing may lose one either).
fn leaves(value: &Value) -> usize {
    match value {
        Value::Object(o) => o.values().map(leaves).sum(),
        Value::Array(a) => a.iter().map(leaves).sum(),
        _ => 1,
    }
}

/// Decodes `rel` as `T` and fails unless every value survives.
fn decode_fully<T: DeserializeOwned + Serialize>(rel: &str) -> T {
    let (typed, lost) = decode::<T>(rel);
    assert!(
        lost.is_empty(),
        "{rel}: values lost in decoding:\n{}",
        lost.join("\n")
    );
    typed
}

fn compare(path: &str, original: &Value, again: &Value, lost: &mut Vec<String>) {
    match (original, again) {
        (Value::Null, _) => {}
        (Value::Object(o), Value::Object(a)) => {
            for (k, v) in o {
                let p = format!("{path}.{k}");
                match a.get(k) {
                    Some(av) => compare(&p, v, av, lost),
                    None if v.is_null() => {}
                    None => lost.push(format!("{p}: dropped (was {v})")),
                }
            }
        }
        (Value::Array(o), Value::Array(a)) if o.len() == a.len() => {
            for (i, (ov, av)) in o.iter().zip(a).enumerate() {
                compare(&format!("{path}[{i}]"), ov, av, lost);
            }
        }
        (Value::Number(o), Value::Number(a)) if o.as_f64() == a.as_f64() => {}
        (Value::String(o), Value::String(a)) if o == a || same_instant(o, a) => {}
        (o, a) if o == a => {}
        (o, a) => lost.push(format!("{path}: {o} became {a}")),
    }
}

/// `2019-08-23T16:56:02.45Z` and `2019-08-23T16:56:02.450Z` are the same value.
fn same_instant(a: &str, b: &str) -> bool {
    match (
        a.parse::<psa_clients::Timestamp>(),
        b.parse::<psa_clients::Timestamp>(),
    ) {
        (Ok(a), Ok(b)) => a.to_utc() == b.to_utc(),
        _ => false,
    }
}

/// The fields of a model whose values did not fit their declared type (kept in `extra`, reported).
fn problems(extra: &psa_clients::Extra) -> Vec<&str> {
    extra.problems().iter().map(|p| p.field.as_str()).collect()
}

#[cfg(feature = "connectwise")]
mod connectwise {
    use super::*;
    use psa_clients::connectwise::types;

    #[test]
    fn lists_decode_fully() {
        decode_fully::<Vec<types::BoardStatus>>("connectwise/service_board_statuses_list.json");
        let priorities =
            decode_fully::<Vec<types::Priority>>("connectwise/service_priority_list.json");
        // `blue` is not one of the document's colours (`Blue`, …): an open enum keeps it instead of failing.
        assert!(priorities
            .iter()
            .any(|p| matches!(&p.color, Some(types::PriorityColor::Unknown(c)) if c == "blue")));
        // SOURCES.md: references hold whole objects here; their extra keys are kept, not dropped.
        let notes =
            decode_fully::<Vec<types::ServiceNote>>("connectwise/service_ticket_notes_list.json");
        assert!(!notes.is_empty());
        // Nested `communicationItems[].contactId`/`mobileGuid` are not in the 2022.1 document: kept.
        let contacts =
            decode_fully::<Vec<types::Contact>>("connectwise/company_contacts_list.json");
        assert!(contacts.iter().all(|c| c.id.is_some()));
        let item = contacts
            .iter()
            .flat_map(|c| c.communication_items.iter().flatten())
            .find(|i| i.extra.get("contactId").is_some());
        assert!(item.is_some(), "communicationItems[].contactId is kept");
    }

    /// A server that writes an id as a float (`69.0`) loses nothing: the integer field takes the same number.
    #[test]
    fn ids_written_as_integral_floats_decode_into_the_integer_fields() {
        let mut body = read("connectwise/time_entry.json");
        body["chargeToId"] = serde_json::json!(69.0);
        let time: types::TimeEntry = serde_json::from_value(body.clone()).expect("decodes");
        assert_eq!(time.charge_to_id, Some(69));
        assert!(time.extra.get("chargeToId").is_none(), "{:?}", time.extra);
        let mut lost = Vec::new();
        let again = serde_json::to_value(&time).expect("serializes");
        compare("", &body, &again, &mut lost);
        assert!(lost.is_empty(), "{lost:?}");
        // A fraction is no id: absent, kept with the reason, the record decodes.
        body["chargeToId"] = serde_json::json!(69.5);
        let time: types::TimeEntry =
            serde_json::from_value(body).expect("one bad field never fails");
        assert_eq!(time.charge_to_id, None);
        assert_eq!(problems(&time.extra), ["chargeToId"]);
        // The merge request (a request-only model, strict) takes the ticket ids as integers.
        let merge: types::TicketMerge =
            serde_json::from_value(serde_json::json!({"mergeTicketIds": [12, 13]}))
                .expect("decodes");
        let ids: Vec<i64> = merge.merge_ticket_ids;
        assert_eq!(ids, [12, 13]);
    }

    #[test]
    fn small_objects_decode_fully() {
        decode_fully::<types::WorkRole>("connectwise/work_role.json");
        let info = decode_fully::<types::Info>("connectwise/system_info_version.json");
        assert!(info.version.is_some());
    }

    /// Fields the 2022.1 document does not declare (newer servers send them) are kept, readable and written back.
    #[test]
    fn fields_the_2022_1_document_lacks_are_kept() {
        let board = decode_fully::<types::Board>("connectwise/service_board.json");
        assert!(board.id.is_some());
        assert_eq!(board.extra.get("locationId"), Some(&serde_json::json!(1)));
        assert_eq!(
            board.extra.get("businessUnitId"),
            Some(&serde_json::json!(10))
        );
        assert!(board.extra.problems().is_empty());

        let ticket = decode_fully::<types::Ticket>("connectwise/service_ticket.json");
        assert!(ticket.summary.is_some());
        let unknown: Vec<&str> = ticket.extra.unknown_keys().collect();
        assert_eq!(unknown, ["locationId", "enteredBy", "businessUnitId"]);

        let time = decode_fully::<types::TimeEntry>("connectwise/time_entry.json");
        assert_eq!(
            time.extra.get("extendedInvoiceAmount"),
            Some(&serde_json::json!(150))
        );
        // Declared `number`, an id: `i64` (the `integer-ids` correction).
        let charge_to: Option<i64> = time.charge_to_id;
        assert_eq!(charge_to, Some(69));
        let project = decode_fully::<types::Project>("connectwise/project.json");
        assert_eq!(
            project.extra.unknown_keys().collect::<Vec<_>>(),
            ["businessUnitId", "poAmount", "locationId"]
        );
    }

    #[test]
    fn hand_edit_artefacts_decode_with_the_problem_reported() {
        decode_fully::<types::ProjectTicket>("connectwise/project_ticket.json");
        decode_fully::<types::Opportunity>("connectwise/sales_opportunity.json");
        // SOURCES.md: the key `"_info "` (trailing space) and empty-string dates are the peer's artefacts.
        let callback =
            decode_fully::<types::CallbackEntry>("connectwise/system_callback_entry.json");
        assert!(callback.extra.get("_info ").is_some());
        // Declared `number`, an id: `i64` (the `integer-ids` correction).
        let object_id: Option<i64> = callback.object_id;
        assert_eq!(object_id, Some(1));
        // SOURCES.md: "2002-08-20T18: 04: 26Z" (spaces inside the time) is the peer's typo, not API output: the
        // record decodes, the field reads as absent and the value is kept with the reason.
        let company = decode_fully::<types::Company>("connectwise/company.json");
        assert_eq!(company.date_acquired, None);
        assert_eq!(problems(&company.extra), ["dateAcquired"]);
        assert!(
            company.extra.problems()[0]
                .message
                .starts_with("invalid timestamp \"2002-08-20T18: 04: 26Z\""),
            "{:?}",
            company.extra.problems()
        );
        assert_eq!(
            company.extra.get("dateAcquired"),
            Some(&serde_json::json!("2002-08-20T18: 04: 26Z"))
        );
    }
}

#[cfg(feature = "autotask")]
mod autotask {
    use super::*;
    use psa_clients::autotask::types;

    #[test]
    fn hand_edited_artefacts_decode_with_the_problem_reported() {
        // SOURCES.md: postal and zip codes are strings in the real API; the peer edited them into integers. The page
        // decodes; the field reads as absent, keeps its value and is reported.
        let page = decode_fully::<types::CompanyQueryResult>("autotask/companies_query.json");
        let first = &page.items.as_ref().expect("items")[0];
        assert_eq!(first.postal_code, None);
        assert_eq!(problems(&first.extra), ["postalCode", "billToZipCode"]);
        assert_eq!(
            first.extra.get("postalCode"),
            Some(&serde_json::json!(12061))
        );
        // SOURCES.md: "a string may stand where an array is expected": here an empty object for the UDF list.
        let ticket = decode_fully::<types::TicketItemResult>("autotask/ticket_by_id.json");
        let ticket = ticket.item.expect("item");
        assert_eq!(problems(&ticket.extra), ["userDefinedFields"]);
        assert!(ticket.extra.problems()[0]
            .message
            .contains("found an object"));
        for page in [
            decode_fully::<types::ProjectQueryResult>("autotask/projects_query.json")
                .items
                .map(|items| items.into_iter().map(|i| i.extra).collect::<Vec<_>>()),
            decode_fully::<types::TaskQueryResult>("autotask/tasks_query.json")
                .items
                .map(|items| items.into_iter().map(|i| i.extra).collect::<Vec<_>>()),
        ] {
            let extras = page.expect("items");
            assert!(extras.iter().any(|e| problems(e) == ["userDefinedFields"]));
        }
        // Not listed in SOURCES.md, but the same kind of edit: the document (and every other fixture) has the
        // external number as a string.
        let codes =
            decode_fully::<types::BillingCodeQueryResult>("autotask/billing_codes_query.json");
        assert_eq!(
            problems(&codes.items.expect("items")[0].extra),
            ["externalNumber"]
        );
    }

    #[test]
    fn query_envelopes() {
        let page: types::ContactQueryResult = decode_fully("autotask/contacts_query.json");
        assert!(page.page_details.is_some());
        decode_fully::<types::CompanyLocationQueryResult>("autotask/company_locations_query.json");
        decode_fully::<types::TicketNoteQueryResult>("autotask/ticket_notes_query.json");
        decode_fully::<types::TaskNoteQueryResult>("autotask/task_notes_query.json");
        decode_fully::<types::CompanyAlertQueryResult>("autotask/company_alerts_query.json");
        decode_fully::<types::RoleQueryResult>("autotask/roles_query.json");
        decode_fully::<types::DepartmentQueryResult>("autotask/departments_query.json");
        decode_fully::<types::ServiceCallQueryResult>("autotask/service_calls_query.json");
        decode_fully::<types::CompanyQueryResult>("autotask/companies_query_includefields.json");
        decode_fully::<types::CompanyQueryResult>("autotask/empty_query.json");
    }

    #[test]
    fn item_and_create() {
        let created: types::ItemIdResult = decode_fully("autotask/create_response.json");
        assert_eq!(created.item_id, Some(29683664));
    }

    #[test]
    fn entity_information() {
        decode_fully::<types::FieldInformationResultModel>(
            "autotask/tickets_entityinformation_fields_priority.json",
        );
        decode_fully::<types::FieldInformationResultModel>(
            "autotask/tickets_entityinformation_fields_queueID.json",
        );
        decode_fully::<types::UserDefinedFieldInformationResultModel>(
            "autotask/entityinformation_userdefinedfields.json",
        );
    }
}

/// Error bodies (Grade A, real server output) become `Error::Vendor` with the vendor's JSON kept whole.
mod error_bodies {
    use super::*;
    use psa_clients::error::VendorBody;
    use psa_clients::transport::{classify_parts, OperationMeta, Vendor};
    use reqwest::header::{HeaderMap, HeaderValue, CONTENT_TYPE};
    use reqwest::{Method, StatusCode};

    fn vendor_error(rel: &str, vendor: Vendor, status: u16) -> Value {
        let body = std::fs::read(fixtures_dir().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"));
        let mut headers = HeaderMap::new();
        headers.insert(
            CONTENT_TYPE,
            HeaderValue::from_static("application/json; charset=utf-8"),
        );
        let op = OperationMeta::new(vendor, "fixture", Method::POST, "/fixture");
        let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        match classify_parts(
            status,
            &headers,
            body.into(),
            &op,
            std::time::SystemTime::now(),
        ) {
            Err(psa_clients::Error::Vendor {
                status: s,
                body: VendorBody::Json(json),
                ..
            }) => {
                assert_eq!(s, status);
                json
            }
            other => panic!("{rel}: expected a vendor error with a JSON body, got {other:?}"),
        }
    }

    #[test]
    fn connectwise_errors_keep_code_message_and_details() {
        let body = vendor_error(
            "connectwise/error_400_invalidobject_objectexists.json",
            Vendor::ConnectWise,
            400,
        );
        assert_eq!(body["code"], "InvalidObject");
        assert_eq!(body["errors"][0]["code"], "ObjectExists");
        let body = vendor_error(
            "connectwise/error_500_timeout.json",
            Vendor::ConnectWise,
            500,
        );
        assert!(
            body["message"]
                .as_str()
                .is_some_and(|m| m.contains("timeout")),
            "{body}"
        );
    }

    #[test]
    fn autotask_errors_keep_the_errors_list() {
        for rel in [
            "autotask/error_500_integrationcode_invalid.json",
            "autotask/error_500_validation_reference.json",
        ] {
            let body = vendor_error(rel, Vendor::Autotask, 500);
            assert!(
                body["errors"].as_array().is_some_and(|e| !e.is_empty()),
                "{rel}: {body}"
            );
        }
        // A GET on a query's next page (or the entity root) answers 405 with ASP.NET's own `Message` body.
        let body = vendor_error(
            "autotask/error_405_method_not_supported.json",
            Vendor::Autotask,
            405,
        );
        assert!(
            body["Message"]
                .as_str()
                .is_some_and(|m| m.contains("does not support http method 'GET'")),
            "{body}"
        );
    }
}
