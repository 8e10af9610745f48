//! The drift report and strict mode through real vendor clients, on real response bodies from
//! ../shared/fixtures served by wiremock on 127.0.0.1: what is reported (operation, path, kind), that it is
//! logged once per operation and path, that secret-looking keys never show, and that strict mode fails the call.
//!
//! Every test installs a thread-local subscriber: `tracing` caches whether a call site is of interest, and a test
//! thread without one could otherwise make another thread's subscriber miss the drift events.
#![cfg(any(feature = "autotask", feature = "connectwise-service"))]

mod common;

use common::{exact_policy, fixture, transport};
use psa_clients::drift::{DriftKind, DriftMode, DriftReport};
use psa_clients::secret::Secret;
use psa_clients::Error;
use serde_json::{json, Value};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn fixture_json(rel: &str) -> Value {
    serde_json::from_str(&fixture(rel)).expect("fixture is JSON")
}

/// The entries of a report as `(operation, kind, path, count)`.
fn summary(report: &DriftReport) -> Vec<(String, DriftKind, String, u64)> {
    report
        .entries
        .iter()
        .map(|e| (e.operation_id.clone(), e.kind, e.path.clone(), e.count))
        .collect()
}

#[cfg(feature = "autotask")]
mod autotask {
    use super::*;
    use futures_util::TryStreamExt;
    use psa_clients::auth::AutotaskConfig;
    use psa_clients::autotask::filter::Query;
    use psa_clients::autotask::types::CompanyModel;
    use reqwest::Url;

    const ZONE: &str = "/zone/atservicesrest/V1.0";

    async fn client(server: &MockServer, mode: DriftMode) -> psa_clients::autotask::Client {
        Mock::given(method("GET"))
            .and(path("/discovery/v1.0/zoneInformation"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                "url": format!("{}/zone/atservicesrest/", server.uri())
            })))
            .mount(server)
            .await;
        let discovery = Url::parse(&format!("{}/discovery", server.uri())).expect("url");
        let config = AutotaskConfig::new(
            "api@acme.example",
            Secret::new("s3cret"),
            Secret::new("CODE"),
        )
        .with_discovery_url(discovery);
        let (transport, _) = transport(exact_policy(1));
        psa_clients::autotask::Client::builder(config)
            .transport(transport)
            .drift(mode)
            .build()
            .expect("client")
    }

    async fn serve(server: &MockServer, verb: &str, at: &str, body: Value) {
        Mock::given(method(verb))
            .and(path(format!("{ZONE}{at}")))
            .respond_with(ResponseTemplate::new(200).set_body_json(body))
            .mount(server)
            .await;
    }

    #[tokio::test]
    async fn real_bodies_report_each_operation_and_path_once_and_log_it_once() {
        let (_guard, log) = common::capture_trace();
        let server = MockServer::start().await;
        let at = client(&server, DriftMode::Report).await;
        serve(
            &server,
            "GET",
            "/Tickets/7",
            fixture_json("autotask/ticket_by_id.json"),
        )
        .await;
        serve(
            &server,
            "POST",
            "/Companies/query",
            fixture_json("autotask/companies_query.json"),
        )
        .await;

        for _ in 0..3 {
            let ticket = at
                .tickets_query_item()
                .id(7)
                .send()
                .await
                .expect("drift never fails a call in report mode")
                .into_inner();
            assert!(ticket.item.is_some());
        }
        let companies: Vec<CompanyModel> =
            at.query(&Query::all()).try_collect().await.expect("pages");
        assert_eq!(companies.len(), 1);

        let report = at.drift().take();
        assert_eq!(report.vendor.as_deref(), Some("autotask"));
        assert_eq!(
            report.spec.as_ref().map(|s| s.file.as_str()),
            Some("autotask.json")
        );
        // SOURCES.md's artefacts: `{}` for the ticket's UDF list, integers for the company's postal codes.
        assert_eq!(
            summary(&report),
            [
                (
                    "Tickets_QueryItem".to_owned(),
                    DriftKind::WrongType,
                    "item.userDefinedFields".to_owned(),
                    3
                ),
                (
                    "Companies_Query".to_owned(),
                    DriftKind::WrongType,
                    "items[].postalCode".to_owned(),
                    1
                ),
                // Keys the document does not declare for `CompanyModel` (it spells them otherwise).
                (
                    "Companies_Query".to_owned(),
                    DriftKind::UnknownField,
                    "items[].sicCode".to_owned(),
                    1
                ),
                (
                    "Companies_Query".to_owned(),
                    DriftKind::UnknownField,
                    "items[].billToAddress1".to_owned(),
                    1
                ),
                (
                    "Companies_Query".to_owned(),
                    DriftKind::UnknownField,
                    "items[].billToAddress2".to_owned(),
                    1
                ),
                (
                    "Companies_Query".to_owned(),
                    DriftKind::WrongType,
                    "items[].billToZipCode".to_owned(),
                    1
                ),
            ]
        );
        let postal = &report.entries[1];
        assert_eq!(postal.example, Some(json!(12061)));
        assert_eq!(postal.json_types, [psa_clients::drift::JsonType::Integer]);

        let log = log.text();
        let events: Vec<&str> = log
            .lines()
            .filter(|l| l.contains("response drift"))
            .collect();
        assert_eq!(events.len(), 6, "one event per operation and path:\n{log}");
        assert!(
            events[0].contains("operation_id=\"Tickets_QueryItem\"")
                && events[0].contains("path=item.userDefinedFields")
                && events[0].contains("kind=\"wrong_type\""),
            "{log}"
        );
        assert!(!log.contains("12061"), "values are not logged:\n{log}");
    }

    #[tokio::test]
    async fn raw_requests_report_under_their_operation_id() {
        let _trace = common::capture_trace();
        let server = MockServer::start().await;
        let at = client(&server, DriftMode::Report).await;
        serve(
            &server,
            "GET",
            "/Tickets/7",
            fixture_json("autotask/ticket_by_id.json"),
        )
        .await;
        let ticket: psa_clients::autotask::types::TicketItemResult = at
            .raw(reqwest::Method::GET, "/V1.0/Tickets/7")
            .operation_id("rawTicket")
            .send()
            .await
            .expect("decodes");
        assert!(ticket.item.is_some());
        assert_eq!(
            summary(&at.drift().take()),
            [(
                "rawTicket".to_owned(),
                DriftKind::WrongType,
                "item.userDefinedFields".to_owned(),
                1
            )]
        );
    }

    #[tokio::test]
    async fn strict_mode_fails_the_call_with_the_operation_and_the_path() {
        let _trace = common::capture_trace();
        let server = MockServer::start().await;
        let at = client(&server, DriftMode::Strict).await;
        serve(
            &server,
            "GET",
            "/Tickets/7",
            fixture_json("autotask/ticket_by_id.json"),
        )
        .await;
        let error = at.tickets_query_item().id(7).send().await.unwrap_err();
        match &error {
            Error::Drift {
                operation_id,
                path,
                kind,
                ..
            } => assert_eq!(
                (*operation_id, path.as_str(), *kind),
                (
                    "Tickets_QueryItem",
                    "item.userDefinedFields",
                    DriftKind::WrongType
                )
            ),
            other => panic!("expected a drift error, got {other:?}"),
        }
        // The same client, lenient again.
        at.drift().set_mode(DriftMode::Off);
        let ticket = at.tickets_query_item().id(7).send().await.expect("lenient");
        assert!(ticket.into_inner().item.is_some());
    }

    #[tokio::test]
    async fn an_unknown_secret_looking_key_is_kept_and_written_back_but_never_shown() {
        let (_guard, log) = common::capture_trace();
        let server = MockServer::start().await;
        let at = client(&server, DriftMode::Report).await;
        let mut page = fixture_json("autotask/companies_query.json");
        page["items"][0]["webhookSecret"] = json!("whs-LIVE-1");
        page["items"][0]["integration"] = json!({"accessToken": "at-LIVE-2", "enabled": true});
        serve(&server, "POST", "/Companies/query", page.clone()).await;

        let companies: Vec<CompanyModel> =
            at.query(&Query::all()).try_collect().await.expect("pages");
        let company = &companies[0];
        assert_eq!(
            company.extra.get("webhookSecret"),
            Some(&json!("whs-LIVE-1"))
        );
        let written = serde_json::to_value(company).expect("serializes");
        assert_eq!(
            written["integration"], page["items"][0]["integration"],
            "written back unchanged"
        );
        let shown = format!("{company:?}");
        let report = at.drift().take();
        let sent = report.to_json_pretty();
        for secret in ["whs-LIVE-1", "at-LIVE-2"] {
            assert!(!shown.contains(secret), "Debug shows {secret}: {shown}");
            assert!(!sent.contains(secret), "the report shows {secret}: {sent}");
        }
        assert!(report
            .find(
                "Companies_Query",
                "items[].webhookSecret",
                DriftKind::UnknownField
            )
            .is_some());
        assert!(
            sent.contains("\"enabled\": true"),
            "the rest is shown: {sent}"
        );
        let log = log.text();
        assert!(log.contains("items[].webhookSecret"), "{log}");
        for secret in ["whs-LIVE-1", "at-LIVE-2"] {
            assert!(!log.contains(secret), "the log shows {secret}");
        }
    }

    /// A record without its `id` (always present: correction data `always_present`) is reported as
    /// `missing_field` at its path and still decodes, its accessor reading 0; in strict mode it fails the call.
    #[tokio::test]
    async fn a_record_missing_its_always_present_id_is_reported_and_strict_mode_fails() {
        let _trace = common::capture_trace();
        let mut body = fixture_json("autotask/ticket_notes_query.json");
        let removed = body["items"][0]
            .as_object_mut()
            .and_then(|note| note.remove("id"));
        assert!(removed.is_some(), "the real record has an id");

        let server = MockServer::start().await;
        serve(&server, "POST", "/TicketNotes/query", body).await;
        let at = client(&server, DriftMode::Report).await;
        let notes: Vec<psa_clients::autotask::types::TicketNoteModel> = at
            .query(&Query::all())
            .try_collect()
            .await
            .expect("report mode decodes");
        assert_eq!((notes[0].id, notes[0].id()), (None, 0));
        let report = at.drift().take();
        let missing: Vec<_> = summary(&report)
            .into_iter()
            .filter(|e| e.1 == DriftKind::MissingField)
            .collect();
        assert_eq!(
            missing,
            [(
                "TicketNotes_Query".to_owned(),
                DriftKind::MissingField,
                "items[].id".to_owned(),
                1
            )],
            "{report:#?}"
        );

        at.drift().set_mode(DriftMode::Strict);
        let error = at
            .query::<psa_clients::autotask::types::TicketNoteModel>(&Query::all())
            .try_collect::<Vec<_>>()
            .await
            .unwrap_err();
        assert!(
            matches!(&error, Error::Drift { path, kind: DriftKind::MissingField, .. } if path == "items[0].id"),
            "{error:?}"
        );
    }
}

#[cfg(feature = "connectwise-service")]
mod connectwise {
    use super::*;
    use psa_clients::auth::ConnectWiseConfig;
    use psa_clients::connectwise::types::PriorityColor;

    const API: &str = "/v2025_1/apis/3.0";

    async fn client(server: &MockServer, mode: DriftMode) -> psa_clients::connectwise::Client {
        Mock::given(method("GET"))
            .and(path("/login/companyinfo/acme"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({"Codebase": "v2025_1/"})))
            .mount(server)
            .await;
        let config = ConnectWiseConfig::new(
            &server.uri(),
            "acme",
            "pub",
            Secret::new("priv"),
            "client-1",
        )
        .expect("valid site");
        let (transport, _) = transport(exact_policy(1));
        psa_clients::connectwise::Client::builder(config)
            .transport(transport)
            .drift(mode)
            .build()
            .expect("client")
    }

    async fn serve(server: &MockServer, at: &str, rel: &str) {
        Mock::given(method("GET"))
            .and(path(format!("{API}{at}")))
            .respond_with(ResponseTemplate::new(200).set_body_json(fixture_json(rel)))
            .mount(server)
            .await;
    }

    #[tokio::test]
    async fn unknown_enum_values_and_fields_the_2022_1_document_lacks_are_reported() {
        let _trace = common::capture_trace();
        let server = MockServer::start().await;
        let cw = client(&server, DriftMode::Report).await;
        serve(
            &server,
            "/service/priorities",
            "connectwise/service_priority_list.json",
        )
        .await;
        serve(
            &server,
            "/service/boards/1",
            "connectwise/service_board.json",
        )
        .await;

        let priorities = cw
            .service()
            .get_service_priorities()
            .send()
            .await
            .expect("decodes")
            .into_inner();
        assert!(priorities
            .iter()
            .any(|p| p.color == Some(PriorityColor::Unknown("blue".into()))));
        cw.service()
            .get_service_boards_by_id()
            .id(1)
            .send()
            .await
            .expect("decodes");

        let report = cw.drift().take();
        let color = report
            .find(
                "getServicePriorities",
                "[].color",
                DriftKind::UnknownEnumValue,
            )
            .expect("the unlisted colour is reported");
        assert_eq!(
            (color.enum_type.as_deref(), color.values.as_slice()),
            (Some("PriorityColor"), &["blue".to_owned()][..])
        );
        let unknown: Vec<&str> = report
            .entries
            .iter()
            .filter(|e| {
                e.operation_id == "getServiceBoardsById" && e.kind == DriftKind::UnknownField
            })
            .map(|e| e.path.as_str())
            .collect();
        assert_eq!(unknown, ["locationId", "businessUnitId"]);
    }

    #[tokio::test]
    async fn strict_mode_refuses_an_unlisted_enum_value() {
        let _trace = common::capture_trace();
        let server = MockServer::start().await;
        let cw = client(&server, DriftMode::Strict).await;
        // The real body's first priority lacks the `color` the document calls required: strict mode refuses
        // that first (missing-field drift); the second, with its unlisted `blue`, is served alone below.
        serve(
            &server,
            "/service/priorities",
            "connectwise/service_priority_list.json",
        )
        .await;
        let error = cw
            .service()
            .get_service_priorities()
            .send()
            .await
            .unwrap_err();
        assert!(
            matches!(&error, Error::Drift { path, kind: DriftKind::MissingField, .. } if path == "[0].color"),
            "{error:?}"
        );
        let server = MockServer::start().await;
        let cw = client(&server, DriftMode::Strict).await;
        let second = fixture_json("connectwise/service_priority_list.json")[1].clone();
        Mock::given(method("GET"))
            .and(path(format!("{API}/service/priorities")))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!([second])))
            .mount(&server)
            .await;
        let error = cw
            .service()
            .get_service_priorities()
            .send()
            .await
            .unwrap_err();
        assert!(
            matches!(&error, Error::Drift { operation_id: "getServicePriorities", path, kind: DriftKind::UnknownEnumValue, .. }
                if path == "[0].color"),
            "{error:?}"
        );
        assert!(error.to_string().contains("blue"), "{error}");
    }

    /// A ticket without the `summary` the document calls required (the `required` list the lenient policy
    /// drops) and a board reference without its always-present `id`: both reported as `missing_field` at their
    /// JSON paths, and the ticket still decodes.
    #[tokio::test]
    async fn fields_the_document_requires_and_always_present_ids_are_reported_when_missing() {
        let _trace = common::capture_trace();
        let mut ticket = fixture_json("connectwise/service_ticket.json");
        let id = ticket["id"].as_i64().expect("the real ticket has an id");
        assert!(ticket
            .as_object_mut()
            .and_then(|t| t.remove("summary"))
            .is_some());
        assert!(ticket["board"]
            .as_object_mut()
            .and_then(|b| b.remove("id"))
            .is_some());
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path(format!("{API}/service/tickets/{id}")))
            .respond_with(ResponseTemplate::new(200).set_body_json(ticket))
            .mount(&server)
            .await;
        let cw = client(&server, DriftMode::Report).await;
        let decoded = cw
            .service()
            .get_service_tickets_by_id()
            .id(id)
            .send()
            .await
            .expect("report mode decodes")
            .into_inner();
        assert_eq!(i64::from(decoded.id()), id);
        assert_eq!(decoded.summary, None);
        assert_eq!(
            decoded.board.as_ref().map(|b| (b.id, b.id())),
            Some((None, 0))
        );
        let report = cw.drift().take();
        let missing: Vec<_> = summary(&report)
            .into_iter()
            .filter(|e| e.1 == DriftKind::MissingField)
            .map(|e| (e.0, e.2))
            .collect();
        assert_eq!(
            missing,
            [
                ("getServiceTicketsById".to_owned(), "board.id".to_owned()),
                ("getServiceTicketsById".to_owned(), "summary".to_owned()),
            ],
            "{report:#?}"
        );
    }

    /// Strict mode: a work role without the `name` the document requires fails with `Error::Drift` naming the
    /// field; drift off, the same body decodes.
    #[tokio::test]
    async fn strict_mode_refuses_a_record_missing_a_required_field() {
        let _trace = common::capture_trace();
        let mut role = fixture_json("connectwise/work_role.json");
        assert!(role
            .as_object_mut()
            .and_then(|r| r.remove("name"))
            .is_some());
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path(format!("{API}/time/workRoles/11")))
            .respond_with(ResponseTemplate::new(200).set_body_json(role))
            .mount(&server)
            .await;
        let cw = client(&server, DriftMode::Strict).await;
        let request = || {
            cw.raw(reqwest::Method::GET, "/time/workRoles/11")
                .operation_id("getTimeWorkRolesById")
        };
        let error = request()
            .send::<psa_clients::connectwise::types::WorkRole>()
            .await
            .unwrap_err();
        assert!(
            matches!(&error, Error::Drift { operation_id: "getTimeWorkRolesById", path, kind: DriftKind::MissingField, .. }
                if path == "name"),
            "{error:?}"
        );
        cw.drift().set_mode(DriftMode::Off);
        let role: psa_clients::connectwise::types::WorkRole =
            request().send().await.expect("lenient");
        assert_eq!((role.id(), role.name), (11, None));
    }
}
