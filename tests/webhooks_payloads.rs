//! Payload decoding (lenient, typed where known), duplicate keys, the ConnectWise key-URL policy and the
//! BMS HMAC check.
#![cfg(feature = "webhooks")]

use psa_clients::secret::Secret;
use psa_clients::webhooks::autotask::{self, WebhookEntity, WebhookPayload};
use psa_clients::webhooks::bms::{BmsDelivery, HmacHeader};
use psa_clients::webhooks::connectwise::{
    Action, CallbackLevel, CallbackPayload, CallbackType, KeyUrlError, KeyUrlPolicy,
};
use psa_clients::webhooks::{PayloadError, SignatureCheck, SignedRequest, VerifyError};
use serde_json::{json, Value};

const CW_BODY: &str = r#"{"MessageId":"0b9d6a1e-3c55-4f7e-9a51-2f6f1c0d8e11","FromUrl":"api-na.myconnectwise.net","CompanyId":"acme","MemberId":"jdoe","Action":"updated","Type":"ticket","ID":4711,"ProductInstanceId":"a1b2","PartnerId":"p-9","Entity":"{\"id\":4711,\"summary\":\"Drucker im 3. Stock – Fehler «Papierstau» ✓\",\"board\":{\"id\":1,\"name\":\"Help Desk\"},\"closedFlag\":false}","Metadata":{"key_url":"https://api-na.myconnectwise.net/v4_6_release/apis/3.0/system/callbackkey/abc"},"CallbackObjectRecId":12}"#;
const AT_BODY: &str = r#"{"Action":"Update","Guid":"7c3f4b1e-0a9d-4c39-b1d2-5e8f6a7b9c01","EntityType":"Ticket","Id":29684,"Fields":{"id":29684,"title":"Zürich: Drucker – ✓ 東京","status":5,"priority":2},"EventTime":"2024-03-01T10:00:00.123Z","SequenceNumber":17,"PersonID":29682885}"#;

#[test]
fn a_connectwise_callback_decodes_with_its_entity() {
    let payload = CallbackPayload::from_slice(CW_BODY.as_bytes()).expect("payload");
    assert_eq!(
        payload.message_id.as_deref(),
        Some("0b9d6a1e-3c55-4f7e-9a51-2f6f1c0d8e11")
    );
    assert_eq!(payload.action, Action::Updated);
    assert_eq!(payload.callback_type, CallbackType::Ticket);
    assert_eq!(payload.id, Some(4711));
    assert_eq!(payload.callback_object_rec_id, Some(12));
    assert_eq!(payload.company_id.as_deref(), Some("acme"));
    assert_eq!(
        payload.metadata.key_url.as_deref(),
        Some("https://api-na.myconnectwise.net/v4_6_release/apis/3.0/system/callbackkey/abc")
    );
    let entity: Value = payload.entity().expect("json").expect("present");
    assert_eq!(
        entity["summary"],
        "Drucker im 3. Stock – Fehler «Papierstau» ✓"
    );
    assert_eq!(
        payload.dedup_key(),
        "cw:0b9d6a1e-3c55-4f7e-9a51-2f6f1c0d8e11"
    );
}

#[test]
fn connectwise_fields_are_read_leniently_and_unknown_keys_kept() {
    let body = json!({
        "MessageId": 17, "Action": "Deleted", "Type": "Widget", "ID": "42", "Entity": null,
        "CallbackObjectRecId": 7.0, "Metadata": {"key_url": "https://x", "other": 1}, "NewField": [1]
    });
    let payload = CallbackPayload::from_slice(body.to_string().as_bytes()).expect("payload");
    assert_eq!(payload.message_id.as_deref(), Some("17"));
    assert_eq!(payload.action, Action::Deleted);
    assert_eq!(
        payload.callback_type,
        CallbackType::Unknown("Widget".into())
    );
    assert_eq!(payload.id, Some(42));
    assert_eq!(payload.callback_object_rec_id, Some(7));
    assert_eq!(payload.entity, None);
    assert_eq!(payload.entity::<Value>().expect("no entity"), None);
    assert_eq!(payload.extra["NewField"], json!([1]));
    assert_eq!(payload.metadata.extra["other"], 1);
    // Nothing at all still decodes (every field optional); a non-object does not.
    let empty = CallbackPayload::from_slice(b"{}").expect("empty object");
    assert_eq!(empty.action, Action::default());
    assert!(matches!(
        CallbackPayload::from_slice(b"[1]"),
        Err(PayloadError::Json(_))
    ));
    assert!(matches!(
        CallbackPayload::from_slice(b"\xff"),
        Err(PayloadError::Json(_))
    ));
    // An Entity that is not JSON is an error when asked for, not when parsing.
    let broken =
        CallbackPayload::from_slice(br#"{"Type":"ticket","Entity":"{not json"}"#).expect("payload");
    assert!(matches!(
        broken.entity::<Value>(),
        Err(PayloadError::Entity(_))
    ));
}

#[test]
fn callback_types_and_levels_round_trip_their_wire_names() {
    for name in [
        "ticket",
        "company",
        "contact",
        "agreement",
        "configuration",
        "invoice",
        "expense",
        "member",
        "opportunity",
        "productcatalog",
        "project",
        "purchaseorder",
        "schedule",
        "time",
        "activity",
    ] {
        let parsed = CallbackType::parse(name);
        assert!(!matches!(parsed, CallbackType::Unknown(_)), "{name}");
        assert_eq!(parsed.as_str(), name);
        assert_eq!(CallbackType::parse(&name.to_uppercase()), parsed);
    }
    for name in ["owner", "board", "status", "project", "phase", "ticket"] {
        assert_eq!(CallbackLevel::parse(name).as_str(), name);
    }
}

#[cfg(feature = "_connectwise")]
#[test]
fn the_entity_decodes_into_the_generated_model_of_its_type() {
    use psa_clients::connectwise::types::Ticket;
    use psa_clients::webhooks::connectwise::CallbackEntity;
    let payload = CallbackPayload::from_slice(CW_BODY.as_bytes()).expect("payload");
    let ticket: Ticket = payload.entity().expect("ticket").expect("present");
    assert_eq!(ticket.id, Some(4711));
    assert_eq!(
        ticket.summary.as_deref(),
        Some("Drucker im 3. Stock – Fehler «Papierstau» ✓")
    );
    match payload.typed_entity().expect("typed").expect("present") {
        CallbackEntity::Ticket(ticket) => {
            assert_eq!(
                ticket.board.as_ref().and_then(|b| b.name.as_deref()),
                Some("Help Desk")
            );
            assert_eq!(ticket.closed_flag, Some(false));
        }
        other => panic!("expected a ticket, got {other:?}"),
    }
    // Partial and misfit: the generated model keeps what does not fit instead of failing.
    let odd = json!({"Type": "ticket", "Entity": json!({"id": 5, "closedFlag": "maybe", "brandNew": 1}).to_string()});
    let payload = CallbackPayload::from_slice(odd.to_string().as_bytes()).expect("payload");
    let ticket: Ticket = payload.entity().expect("lenient").expect("present");
    assert_eq!(ticket.id, Some(5));
    assert_eq!(ticket.closed_flag, None);
    assert_eq!(ticket.extra.get("brandNew"), Some(&json!(1)));
    assert_eq!(ticket.extra.get("closedFlag"), Some(&json!("maybe")));
    // A type without a model is JSON.
    let other = json!({"Type": "widget", "Entity": "{\"a\":1}"});
    let payload = CallbackPayload::from_slice(other.to_string().as_bytes()).expect("payload");
    assert!(matches!(payload.typed_entity(), Ok(Some(CallbackEntity::Other(v))) if v["a"] == 1));
}

#[test]
fn an_autotask_payload_decodes_with_typed_fields() {
    let payload = WebhookPayload::from_slice(AT_BODY.as_bytes()).expect("payload");
    assert_eq!(payload.action, autotask::Action::Update);
    assert_eq!(
        payload.guid.as_deref(),
        Some("7c3f4b1e-0a9d-4c39-b1d2-5e8f6a7b9c01")
    );
    assert_eq!(payload.entity(), Some(WebhookEntity::Ticket));
    assert_eq!(payload.id, Some(29684));
    assert_eq!(payload.sequence_number, Some(17));
    assert_eq!(payload.person_id, Some(29682885));
    assert_eq!(
        payload.event_time.map(|t| t.to_utc().to_rfc3339()),
        Some("2024-03-01T10:00:00.123+00:00".into())
    );
    assert_eq!(
        payload.fields.str("Title").as_deref(),
        Some("Zürich: Drucker – ✓ 東京")
    );
    assert_eq!(payload.fields.i64("STATUS"), Some(5));
    assert_eq!(payload.fields.f64("priority"), Some(2.0));
    assert_eq!(payload.fields.i64("missing"), None);
    assert_eq!(
        payload.dedup_key(),
        "at:7c3f4b1e-0a9d-4c39-b1d2-5e8f6a7b9c01:17"
    );
}

#[test]
fn autotask_accepts_person_id_spellings_and_deactivated() {
    for key in ["PersonID", "PersonId"] {
        let body = json!({"Action": "Deactivated", "Guid": "G", key: "12", "SequenceNumber": "3", "Fields": {"flag": 1}});
        let payload = WebhookPayload::from_slice(body.to_string().as_bytes()).expect("payload");
        assert_eq!(payload.action, autotask::Action::Deactivated);
        assert_eq!(payload.person_id, Some(12), "{key}");
        assert_eq!(payload.sequence_number, Some(3));
        assert_eq!(payload.fields.bool("flag"), Some(true));
    }
    let odd =
        WebhookPayload::from_slice(br#"{"Action":"Merge","EventTime":"not a time","Extra":1}"#)
            .expect("payload");
    assert_eq!(odd.action, autotask::Action::Unknown("Merge".into()));
    assert_eq!(odd.event_time, None);
    assert_eq!(odd.extra["Extra"], 1);
    assert_eq!(
        WebhookEntity::parse("Account"),
        Some(WebhookEntity::Company)
    );
    assert_eq!(
        WebhookEntity::parse("ConfigurationItems"),
        Some(WebhookEntity::ConfigurationItem)
    );
    assert_eq!(
        WebhookEntity::Ticket.webhooks_collection(),
        "TicketWebhooks"
    );
}

#[cfg(feature = "autotask")]
#[test]
fn autotask_fields_decode_into_the_generated_model() {
    use psa_clients::webhooks::autotask::TypedFields;
    let payload = WebhookPayload::from_slice(AT_BODY.as_bytes()).expect("payload");
    match payload.typed_fields().expect("typed").expect("ticket") {
        TypedFields::Ticket(ticket) => {
            assert_eq!(ticket.id, Some(29684));
            assert_eq!(ticket.title.as_deref(), Some("Zürich: Drucker – ✓ 東京"));
            assert_eq!(ticket.status, Some(5));
        }
        other => panic!("expected a ticket, got {other:?}"),
    }
}

#[test]
fn the_key_url_policy_allows_only_connectwise_hosts_over_https() {
    let policy = KeyUrlPolicy::for_site("https://psa.example.com:8443");
    for ok in [
        "https://api-na.myconnectwise.net/v4_6_release/apis/3.0/system/callbackkey/1",
        "https://api-eu.myconnectwise.net/x",
        "https://psa.example.com:8443/v4_6_release/apis/3.0/key",
    ] {
        assert!(policy.check(ok).is_ok(), "{ok}");
    }
    let refused = [
        ("http://api-na.myconnectwise.net/k", KeyUrlError::NotHttps),
        (
            "https://user:pw@api-na.myconnectwise.net/k",
            KeyUrlError::Userinfo,
        ),
        (
            "https://user@api-na.myconnectwise.net/k",
            KeyUrlError::Userinfo,
        ),
        (
            "https://evil.example/k",
            KeyUrlError::HostNotAllowed("evil.example".into()),
        ),
        (
            "https://api-na.myconnectwise.net.evil.example/k",
            KeyUrlError::HostNotAllowed("api-na.myconnectwise.net.evil.example".into()),
        ),
        (
            "https://evilmyconnectwise.net/k",
            KeyUrlError::HostNotAllowed("evilmyconnectwise.net".into()),
        ),
        (
            "https://myconnectwise.net/k",
            KeyUrlError::HostNotAllowed("myconnectwise.net".into()),
        ),
        (
            "https://api-na.myconnectwise.net:8443/k",
            KeyUrlError::HostNotAllowed("api-na.myconnectwise.net:8443".into()),
        ),
        (
            "https://psa.example.com/k",
            KeyUrlError::HostNotAllowed("psa.example.com".into()),
        ),
        ("http://127.0.0.1:8080/k", KeyUrlError::NotHttps),
        ("file:///etc/passwd", KeyUrlError::Invalid),
        ("not a url", KeyUrlError::Invalid),
    ];
    for (url, error) in refused {
        assert_eq!(policy.check(url).unwrap_err(), error, "{url}");
    }
    let cloud_off = KeyUrlPolicy::for_site("psa.example.com").without_cloud();
    assert!(cloud_off
        .check("https://api-na.myconnectwise.net/k")
        .is_err());
    assert!(cloud_off.check("https://psa.example.com/k").is_ok());
    // Loopback only when asked for, and only the literal addresses.
    let local = KeyUrlPolicy::cloud().allow_insecure_loopback();
    assert!(local
        .check("http://127.0.0.1:39211/_emulator/connectwise/callback-key")
        .is_ok());
    assert!(local.check("http://[::1]:39211/k").is_ok());
    assert!(local.check("http://localhost:39211/k").is_err());
    assert!(local.check("http://u:p@127.0.0.1:1/k").is_err());
}

#[test]
fn bms_deliveries_are_generic_and_the_hmac_check_is_configurable() {
    // HMAC-SHA256("bms-secret", AT_BODY) as hex, computed with Python's hmac.
    const HEX: &str = "5d40d9f731be467e66793bef9378bd677d2e405f090bd0ae524c6db74536ef9c";
    let mut headers = http::HeaderMap::new();
    headers.insert(
        "x-bms-signature",
        format!("sha256={HEX}").parse().expect("header"),
    );
    let request = SignedRequest {
        body: AT_BODY.as_bytes(),
        headers: &headers,
    };
    let check =
        HmacHeader::sha256_hex("X-BMS-Signature", Secret::new("bms-secret")).prefix("sha256=");
    check.check(request).expect("valid");
    assert_eq!(
        HmacHeader::sha256_hex("x-bms-signature", Secret::new("other"))
            .prefix("sha256=")
            .check(request),
        Err(VerifyError::Mismatch)
    );
    assert_eq!(
        HmacHeader::sha256_hex("x-bms-signature", Secret::new("")).check(request),
        Err(VerifyError::NoSecret)
    );
    assert!(matches!(
        HmacHeader::sha256_hex("x-bms-signature", Secret::new("bms-secret")).check(request),
        Err(VerifyError::MalformedSignature { .. })
    ));
    assert!(matches!(
        HmacHeader::sha256_hex("x-missing", Secret::new("bms-secret")).check(request),
        Err(VerifyError::MissingSignature { .. })
    ));
    assert!(!format!("{check:?}").contains("bms-secret"));

    let delivery = BmsDelivery::from_parts(
        br#"{"eventName":"TicketCreated","ticketId":"77"}"#,
        headers.clone(),
    )
    .expect("json");
    assert_eq!(delivery.event_name(), Some("TicketCreated"));
    assert_eq!(delivery.entity_id(), Some(77));
    assert!(delivery.dedup_key(None).starts_with("bms:b:"));
    assert_eq!(
        delivery.dedup_key(Some("x-bms-signature")),
        format!("bms:h:sha256={HEX}")
    );
    let verifier = psa_clients::webhooks::bms::Verifier::new(check);
    assert!(verifier.check(request).is_ok());
    assert!(psa_clients::webhooks::bms::Verifier::accept_unsigned()
        .check(request)
        .is_ok());
}
