//! The drift report and strict mode, through `decode::json_with` and models shaped like the generated ones.

use reqwest::StatusCode;
use serde_json::json;

use super::test_models::{Page, Status, Ticket};
use super::{Drift, DriftKind, DriftMode, DriftReport, JsonType};
use crate::decode::json_with;
use crate::Error;

/// A page of `n` tickets, each with the same drift: an unknown key on the ticket and on its company, a
/// date-time-less `tags` (`{}` for a list), an unlisted status, an unknown key under a map value.
fn page(n: usize) -> Vec<u8> {
    let items: Vec<_> = (0..n)
        .map(|i| {
            json!({
                "id": i, "summary": "printer", "status": if i % 2 == 0 { "Waiting" } else { "New" },
                "company": {"id": 1, "name": "Acme", "businessUnitId": 12},
                "tags": {}, "rates": {"std": {"id": 2, "currency": "EUR"}},
                "extendedInvoiceAmount": 12.5, "apiToken": "tok-123",
            })
        })
        .collect();
    serde_json::to_vec(&json!({"items": items, "pageDetails": {"count": n}})).expect("json")
}

fn decode(body: &[u8], drift: &Drift) -> Result<Page, Error> {
    json_with(body, StatusCode::OK, "Tickets_Query", drift)
}

#[test]
fn drift_off_records_nothing_and_decodes_leniently() {
    let drift = Drift::default();
    assert_eq!(drift.mode(), DriftMode::Off);
    let page = decode(&page(3), &drift).expect("decodes");
    let items = page.items.expect("items");
    assert_eq!(items[0].status, Some(Status::Unknown("Waiting".into())));
    assert_eq!(items[0].extra.problems()[0].field, "tags");
    assert!(drift.take().is_empty());
}

#[test]
fn a_page_of_1000_records_gives_one_entry_per_path_counted_1000_times() {
    let drift = Drift::new(DriftMode::Report);
    let decoded = decode(&page(1000), &drift).expect("report mode stays lenient");
    assert_eq!(decoded.items.map(|i| i.len()), Some(1000));
    let report = drift.take();
    let found: Vec<(DriftKind, &str, u64)> = report
        .entries
        .iter()
        .map(|e| (e.kind, e.path.as_str(), e.count))
        .collect();
    assert_eq!(
        found,
        [
            (DriftKind::UnknownEnumValue, "items[].status", 500),
            (
                DriftKind::UnknownField,
                "items[].company.businessUnitId",
                1000
            ),
            (DriftKind::WrongType, "items[].tags", 1000),
            (DriftKind::UnknownField, "items[].rates.*.currency", 1000),
            (
                DriftKind::UnknownField,
                "items[].extendedInvoiceAmount",
                1000
            ),
            (DriftKind::UnknownField, "items[].apiToken", 1000),
            (DriftKind::UnknownField, "pageDetails", 1),
        ]
    );
    let status = &report.entries[0];
    assert_eq!(
        (status.enum_type.as_deref(), status.values.as_slice()),
        (Some("Status"), &["Waiting".to_owned()][..])
    );
    let amount = report
        .find(
            "Tickets_Query",
            "items[].extendedInvoiceAmount",
            DriftKind::UnknownField,
        )
        .expect("found");
    assert_eq!(amount.json_types, [JsonType::Number]);
    assert_eq!(amount.example, Some(json!(12.5)));
    let tags = &report.entries[2];
    assert!(
        tags.message
            .as_deref()
            .is_some_and(|m| m.contains("found an object")),
        "{tags:?}"
    );
    // `take` starts afresh; a second page adds to the counts of the same entries.
    assert!(drift.take().is_empty());
    decode(&page(2), &drift).expect("decodes");
    decode(&page(3), &drift).expect("decodes");
    let again = drift.snapshot();
    assert_eq!(again.entries[1].count, 5);
    assert_eq!(drift.snapshot(), again, "snapshot keeps the report");
}

#[test]
fn a_record_that_is_not_an_object_in_a_list_is_reported_and_strict_mode_refuses_it() {
    let body = json!({"items": [{"id": 1, "tags": ["a", 2]}, null, {"id": 3}]});
    let text = body.to_string();
    let drift = Drift::new(DriftMode::Report);
    let page = decode(text.as_bytes(), &drift).expect("report mode stays lenient");
    // The list with the misfit is absent and kept whole, as received.
    assert_eq!(page.items, None);
    assert_eq!(page.extra.get("items"), Some(&body["items"]));
    assert_eq!(serde_json::to_value(&page).expect("serializes"), body);
    let report = drift.take();
    let found: Vec<(DriftKind, &str)> = report
        .entries
        .iter()
        .map(|e| (e.kind, e.path.as_str()))
        .collect();
    // The first record's own misfit (`2` in its tags), then the page's (the `null` record).
    assert_eq!(
        found,
        [
            (DriftKind::WrongType, "items[].tags"),
            (DriftKind::WrongType, "items"),
        ]
    );
    assert!(
        report.entries[1]
            .message
            .as_deref()
            .is_some_and(|m| m.starts_with("element 1: ")),
        "{report:?}"
    );
    let strict = Drift::new(DriftMode::Strict);
    let error = decode(text.as_bytes(), &strict).expect_err("strict mode refuses a misfit");
    assert!(error.to_string().contains("items[0].tags[1]"), "{error}");
    // A value that is no list at all is refused too, at the list's path.
    let body = json!({"items": [{"id": 1, "tags": {}}]}).to_string();
    let error = decode(body.as_bytes(), &strict).expect_err("strict mode refuses `{}` for a list");
    assert!(error.to_string().contains("items[0].tags"), "{error}");
}

#[test]
fn secret_looking_keys_never_show_their_values_in_the_report() {
    let drift = Drift::new(DriftMode::Report);
    let body = json!([{"id": 1, "apiToken": "tok-123", "password": 99,
        "company": {"settings": {"privateKey": "k-456", "colour": "red"}}}]);
    let text = body.to_string();
    let tickets: Vec<Ticket> =
        json_with(text.as_bytes(), StatusCode::OK, "getTickets", &drift).expect("decodes");
    // Kept and written back unchanged…
    assert_eq!(serde_json::to_value(&tickets).expect("serializes"), body);
    // …but never shown.
    let report = drift.take().to_json_pretty();
    for secret in ["tok-123", "k-456", "99"] {
        assert!(!report.contains(secret), "{secret} in {report}");
    }
    assert!(report.contains("\"colour\": \"red\""), "{report}");
    assert!(report.contains("\"path\": \"[].password\""), "{report}");
    let shown = format!("{tickets:?}");
    for secret in ["tok-123", "k-456", "99"] {
        assert!(!shown.contains(secret), "{secret} in {shown}");
    }
    assert!(shown.contains("red"), "{shown}");
}

#[test]
fn examples_can_be_left_out() {
    let drift = Drift::new(DriftMode::Report);
    drift.set_examples(false);
    decode(&page(2), &drift).expect("decodes");
    let report = drift.take();
    assert!(report
        .entries
        .iter()
        .all(|e| e.example.is_none() && e.values.is_empty()));
    assert!(!report.to_json_pretty().contains("Acme"));
}

#[test]
fn strict_mode_fails_on_the_first_drift_with_the_exact_path() {
    let drift = Drift::new(DriftMode::Strict);
    let body = json!({"items": [{"id": 1}, {"id": 2, "company": {"id": 3, "vatNumber": "x"}}]});
    let error = decode(body.to_string().as_bytes(), &drift).unwrap_err();
    match &error {
        Error::Drift {
            operation_id,
            path,
            kind,
            ..
        } => assert_eq!(
            (*operation_id, path.as_str(), *kind),
            (
                "Tickets_Query",
                "items[1].company.vatNumber",
                DriftKind::UnknownField
            )
        ),
        other => panic!("{other:?}"),
    }
    assert_eq!(error.operation_id(), Some("Tickets_Query"));
    assert_eq!(error.status(), Some(StatusCode::OK));
    assert!(error.to_string().contains("strict drift mode"), "{error}");
    // Recorded too, so a test can print the report.
    assert_eq!(drift.take().entries.len(), 1);
}

#[test]
fn strict_mode_refuses_wrong_types_and_unlisted_enum_values() {
    let drift = Drift::new(DriftMode::Strict);
    let wrong = decode(br#"{"items": [{"id": "12"}]}"#, &drift).unwrap_err();
    assert!(
        matches!(&wrong, Error::Drift { path, kind: DriftKind::WrongType, .. } if path == "items[0].id"),
        "{wrong:?}"
    );
    let unlisted = decode(br#"{"items": [{"status": "Waiting"}]}"#, &drift).unwrap_err();
    assert!(
        matches!(&unlisted, Error::Drift { path, kind: DriftKind::UnknownEnumValue, message, .. }
            if path == "items[0].status" && message.contains("Waiting")),
        "{unlisted:?}"
    );
    // A secret-looking field's value is not quoted in the error.
    let secret = decode(br#"{"items": [{"password": 12345}]}"#, &drift).unwrap_err();
    assert!(!secret.to_string().contains("12345"), "{secret}");
    // Without drift, the same bodies decode.
    drift.set_mode(DriftMode::Off);
    decode(br#"{"items": [{"id": "12", "status": "Waiting"}]}"#, &drift).expect("lenient");
    // A body that really is malformed stays `MalformedBody`.
    drift.set_mode(DriftMode::Strict);
    assert!(matches!(
        decode(br#"{"items": [{"id": 1}"#, &drift),
        Err(Error::MalformedBody { .. })
    ));
    assert!(decode(br#"{"items": [{"id": 1, "tags": ["a"]}]}"#, &drift).is_ok());
}

#[test]
fn missing_required_fields_are_reported_by_the_hook() {
    use serde::de::value::Error as ValueError;
    let drift = Drift::new(DriftMode::Report);
    // What generated code that knows the document's `required` list calls for an absent field.
    let scope = super::collect::Scope::begin(DriftMode::Report, true, true);
    crate::lenient::missing::<ValueError>("id").expect("report mode");
    let collected = scope.finish();
    drift.absorb("getTickets", collected.found);
    let report = drift.take();
    assert_eq!(report.entries[0].kind, DriftKind::MissingField);
    assert_eq!(report.entries[0].path, "[].id");
    let scope = super::collect::Scope::begin(DriftMode::Strict, true, false);
    assert!(crate::lenient::missing::<ValueError>("id").is_err());
    assert_eq!(
        scope.finish().failure.map(|f| f.path),
        Some("id".to_owned())
    );
}

#[test]
fn a_model_missing_an_expected_field_reports_it_at_its_path_and_strict_mode_fails() {
    // The second ticket's company lacks `id` (which `Company` expects); the third has it as `null` (sent) and
    // the fourth as a misfit (reported as `wrong_type`, not twice).
    let body = json!({"items": [
        {"id": 1, "company": {"id": 3, "name": "Acme"}},
        {"id": 2, "company": {"name": "Globex"}},
        {"id": 3, "company": {"id": null}},
        {"id": 4, "company": {"id": "x"}},
    ]});
    let body = body.to_string();
    let off = decode(body.as_bytes(), &Drift::default()).expect("drift off decodes");
    let companies: Vec<_> = off
        .items
        .expect("items")
        .into_iter()
        .map(|t| t.company.expect("company"))
        .collect();
    assert_eq!(
        companies.iter().map(|c| c.id).collect::<Vec<_>>(),
        [Some(3), None, None, None]
    );

    let drift = Drift::new(DriftMode::Report);
    decode(body.as_bytes(), &drift).expect("report mode decodes");
    let found: Vec<(DriftKind, String, u64)> = drift
        .take()
        .entries
        .into_iter()
        .map(|e| (e.kind, e.path, e.count))
        .collect();
    assert_eq!(
        found,
        [
            (DriftKind::MissingField, "items[].company.id".to_owned(), 1),
            (DriftKind::WrongType, "items[].company.id".to_owned(), 1),
        ]
    );

    let strict = Drift::new(DriftMode::Strict);
    match decode(body.as_bytes(), &strict).unwrap_err() {
        Error::Drift {
            path,
            kind,
            message,
            ..
        } => {
            assert_eq!(
                (path.as_str(), kind),
                ("items[1].company.id", DriftKind::MissingField)
            );
            assert!(message.contains("required"), "{message}");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn reports_are_json_both_ways_and_name_the_document() {
    let spec = crate::SpecInfo {
        file: "autotask.json",
        title: "Autotask",
        version: "v1",
        sha256: "abc",
        operations: 1,
        reviewed: true,
    };
    let drift = Drift::for_vendor(DriftMode::Report, "autotask", spec);
    decode(&page(1), &drift).expect("decodes");
    let report = drift.take();
    let text = report.to_json_pretty();
    let back: DriftReport = serde_json::from_str(&text).expect("reads back");
    assert_eq!(back, report);
    assert_eq!(back.vendor.as_deref(), Some("autotask"));
    assert_eq!(back.spec.map(|s| s.file), Some("autotask.json".to_owned()));
    assert!(text.contains("\"kind\": \"unknown_enum_value\""), "{text}");
}

#[test]
fn the_report_is_bounded() {
    let drift = Drift::new(DriftMode::Report);
    let keys: serde_json::Map<String, serde_json::Value> = (0..Drift::MAX_ENTRIES + 10)
        .map(|i| (format!("k{i}"), json!(i)))
        .collect();
    let body = serde_json::to_vec(&json!([keys])).expect("json");
    let _: Vec<Ticket> = json_with(&body, StatusCode::OK, "op", &drift).expect("decodes");
    let report = drift.take();
    assert_eq!(
        (report.entries.len(), report.dropped),
        (Drift::MAX_ENTRIES, 10)
    );
}
