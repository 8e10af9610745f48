//! The receiver served on 127.0.0.1 with axum: verify → parse → de-duplicate → handler → answer, and the
//! ConnectWise signing-key fetch (allow-list, no redirects, size cap, cache) against a local key server.
//! Signatures here are made with `verify::*_signature`, which `webhooks_verify.rs` checks against vectors
//! computed with Python and openssl.
#![cfg(feature = "webhooks-axum")]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::http::StatusCode as AxumStatus;
use axum::response::IntoResponse;
use psa_clients::secret::Secret;
use psa_clients::webhooks::autotask::{self, WebhookPayload};
use psa_clients::webhooks::bms::{self, BmsDelivery, HmacHeader};
use psa_clients::webhooks::connectwise::{self, CallbackPayload, HttpKeyFetcher, KeyUrlPolicy};
use psa_clients::webhooks::receiver::{Delivery, Dispatch, Duplicates, HandlerError, Receiver};
use psa_clients::webhooks::verify::{autotask_signature, connectwise_signature};
use serde_json::{json, Value};
use tokio::sync::mpsc;

async fn serve(router: axum::Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    url
}

/// A key server: `/key` answers the key (counting hits), `/redirect` redirects to `/key`, `/big` is 1 MiB.
async fn key_server(key: &'static str) -> (String, Arc<AtomicUsize>) {
    let hits = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&hits);
    let router = axum::Router::new()
        .route(
            "/key",
            axum::routing::get(move || {
                counter.fetch_add(1, Ordering::SeqCst);
                async move { json!({ "signing_key": key }).to_string() }
            }),
        )
        .route(
            "/redirect",
            axum::routing::get(|| async {
                (AxumStatus::FOUND, [("location", "/key")]).into_response()
            }),
        )
        .route(
            "/big",
            axum::routing::get(|| async {
                format!("{{\"signing_key\":\"{}\"}}", "k".repeat(1 << 20))
            }),
        )
        .route(
            "/slow",
            axum::routing::get(|| async {
                tokio::time::sleep(Duration::from_secs(5)).await;
                json!({"signing_key": "late"}).to_string()
            }),
        );
    (serve(router).await, hits)
}

fn collect<P: Send + 'static>() -> (
    mpsc::UnboundedSender<Delivery<P>>,
    mpsc::UnboundedReceiver<Delivery<P>>,
) {
    mpsc::unbounded_channel()
}

async fn next<P>(rx: &mut mpsc::UnboundedReceiver<Delivery<P>>) -> Delivery<P> {
    tokio::time::timeout(Duration::from_secs(5), rx.recv())
        .await
        .expect("handler called in time")
        .expect("a delivery")
}

async fn post(url: &str, header: Option<(&str, &str)>, body: &[u8]) -> (u16, Value) {
    let mut request = reqwest::Client::new()
        .post(url)
        .header("content-type", "application/json")
        .body(body.to_vec());
    if let Some((name, value)) = header {
        request = request.header(name, value);
    }
    let response = request.send().await.expect("sent");
    let status = response.status().as_u16();
    let body = response.json().await.unwrap_or(Value::Null);
    (status, body)
}

fn cw_body(key_url: &str, message_id: &str) -> Vec<u8> {
    json!({
        "MessageId": message_id, "Action": "added", "Type": "ticket", "ID": 9,
        "Entity": json!({"id": 9, "summary": "Ünïcödé ✓"}).to_string(),
        "Metadata": {"key_url": key_url}, "CallbackObjectRecId": 3
    })
    .to_string()
    .into_bytes()
}

fn cw_receiver(
    policy: KeyUrlPolicy,
) -> (
    Receiver<CallbackPayload>,
    mpsc::UnboundedReceiver<Delivery<CallbackPayload>>,
) {
    cw_receiver_limited(policy, 30)
}

fn cw_receiver_limited(
    policy: KeyUrlPolicy,
    max_fetches: u32,
) -> (
    Receiver<CallbackPayload>,
    mpsc::UnboundedReceiver<Delivery<CallbackPayload>>,
) {
    let (tx, rx) = collect();
    let fetcher = HttpKeyFetcher::with_limits(Duration::from_millis(500), 4096).expect("client");
    let verifier =
        connectwise::Verifier::with_fetcher(policy, fetcher).max_fetches_per_minute(max_fetches);
    let receiver = Receiver::connectwise(verifier, move |d: Delivery<CallbackPayload>| {
        let tx = tx.clone();
        async move {
            let _ = tx.send(d);
            Ok(())
        }
    });
    (receiver, rx)
}

#[tokio::test]
async fn connectwise_callbacks_are_verified_with_a_fetched_cached_key_and_deduplicated() {
    let (keys, hits) = key_server("local-signing-key").await;
    let (receiver, mut rx) = cw_receiver(KeyUrlPolicy::cloud().allow_insecure_loopback());
    let stats = receiver.stats();
    let url = serve(axum::Router::new().route("/cw", receiver.into_method_router())).await;
    let hook = format!("{url}/cw");
    let key = Secret::new("local-signing-key");

    for id in ["m-1", "m-2", "m-3"] {
        let body = cw_body(&format!("{keys}/key"), id);
        let signature = connectwise_signature(&key, &body);
        let (status, answer) = post(&hook, Some(("x-content-signature", &signature)), &body).await;
        assert_eq!((status, answer["status"].as_str()), (200, Some("accepted")));
        let delivery = next(&mut rx).await;
        assert_eq!(delivery.payload.message_id.as_deref(), Some(id));
        assert!(!delivery.duplicate);
        let entity: Value = delivery.payload.entity().expect("json").expect("entity");
        assert_eq!(entity["summary"], "Ünïcödé ✓");
    }
    assert_eq!(
        hits.load(Ordering::SeqCst),
        1,
        "the key is fetched once and cached"
    );

    // The same message again: recognised, answered 200, handler not called.
    let body = cw_body(&format!("{keys}/key"), "m-2");
    let signature = connectwise_signature(&key, &body);
    let (status, answer) = post(&hook, Some(("x-content-signature", &signature)), &body).await;
    assert_eq!(
        (status, answer["status"].as_str()),
        (200, Some("duplicate"))
    );
    assert!(tokio::time::timeout(Duration::from_millis(200), rx.recv())
        .await
        .is_err());
    assert_eq!(
        (stats.accepted(), stats.duplicates(), stats.rejected()),
        (3, 1, 0)
    );

    // Wrong signature, missing signature: 401, nothing handled.
    let body = cw_body(&format!("{keys}/key"), "m-4");
    let wrong = connectwise_signature(&Secret::new("other"), &body);
    assert_eq!(
        post(&hook, Some(("x-content-signature", &wrong)), &body)
            .await
            .0,
        401
    );
    assert_eq!(post(&hook, None, &body).await.0, 401);
    assert_eq!(stats.rejected(), 2);
    assert!(rx.try_recv().is_err());
}

#[tokio::test]
async fn key_urls_outside_the_allow_list_are_never_fetched() {
    let (keys, hits) = key_server("local-signing-key").await;
    // Without the loopback opt-in the local key server is not an allowed host.
    let (receiver, _rx) = cw_receiver(KeyUrlPolicy::for_site("api-na.myconnectwise.net"));
    let url = serve(axum::Router::new().route("/cw", receiver.into_method_router())).await;
    let body = cw_body(&format!("{keys}/key"), "m-1");
    let signature = connectwise_signature(&Secret::new("local-signing-key"), &body);
    let (status, answer) = post(
        &format!("{url}/cw"),
        Some(("x-content-signature", &signature)),
        &body,
    )
    .await;
    assert_eq!(status, 401);
    assert!(
        answer["reason"]
            .as_str()
            .is_some_and(|r| r.contains("https")),
        "{answer}"
    );
    let body = cw_body("https://attacker.example/key", "m-2");
    let (status, _) = post(
        &format!("{url}/cw"),
        Some(("x-content-signature", &signature)),
        &body,
    )
    .await;
    assert_eq!(status, 401);
    assert_eq!(hits.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn key_fetches_follow_no_redirect_and_stop_at_the_size_cap_and_timeout() {
    let (keys, hits) = key_server("local-signing-key").await;
    let (receiver, _rx) = cw_receiver(KeyUrlPolicy::cloud().allow_insecure_loopback());
    let url = serve(axum::Router::new().route("/cw", receiver.into_method_router())).await;
    let key = Secret::new("local-signing-key");
    for (path, id) in [("/redirect", "r"), ("/big", "b"), ("/slow", "s")] {
        let body = cw_body(&format!("{keys}{path}"), id);
        let signature = connectwise_signature(&key, &body);
        let (status, answer) = post(
            &format!("{url}/cw"),
            Some(("x-content-signature", &signature)),
            &body,
        )
        .await;
        assert_eq!(status, 503, "{path}: {answer}");
        assert!(!answer.to_string().contains("local-signing-key"));
    }
    assert_eq!(
        hits.load(Ordering::SeqCst),
        0,
        "the redirect was not followed"
    );
}

fn at_receiver(
    secret: &str,
    dispatch: Dispatch,
    fail_first: bool,
) -> (
    Receiver<WebhookPayload>,
    mpsc::UnboundedReceiver<Delivery<WebhookPayload>>,
) {
    let (tx, rx) = collect();
    let failures = Arc::new(AtomicUsize::new(usize::from(fail_first)));
    let receiver = Receiver::autotask(
        autotask::Verifier::new(Secret::new(secret)),
        move |d: Delivery<WebhookPayload>| {
            let tx = tx.clone();
            let failures = Arc::clone(&failures);
            async move {
                if failures
                    .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
                    .is_ok()
                {
                    return Err(HandlerError::from("database unavailable"));
                }
                let _ = tx.send(d);
                Ok(())
            }
        },
    )
    .dispatch(dispatch);
    (receiver, rx)
}

fn at_body(action: &str, sequence: i64) -> Vec<u8> {
    json!({"Action": action, "Guid": "G-1", "EntityType": "Ticket", "Id": 5,
           "Fields": {"id": 5, "title": "Grüße"}, "EventTime": "2024-03-01T10:00:00Z",
           "SequenceNumber": sequence, "PersonID": 7})
    .to_string()
    .into_bytes()
}

#[tokio::test]
async fn autotask_webhooks_and_deactivations_are_verified_every_time() {
    let secret = "at-secret-0123456789";
    let (receiver, mut rx) = at_receiver(secret, Dispatch::Spawn, false);
    let stats = receiver.stats();
    let url = serve(
        axum::Router::new()
            .route("/at", receiver.clone().into_method_router())
            .route("/at/deactivated", receiver.into_method_router()),
    )
    .await;
    let body = at_body("Update", 1);
    let signature = autotask_signature(&Secret::new(secret), &body);
    let (status, answer) = post(
        &format!("{url}/at"),
        Some(("X-Hook-Signature", &signature)),
        &body,
    )
    .await;
    assert_eq!((status, answer["status"].as_str()), (200, Some("accepted")));
    let delivery = next(&mut rx).await;
    assert_eq!(
        delivery.payload.fields.str("title").as_deref(),
        Some("Grüße")
    );
    assert_eq!(delivery.dedup_key, "at:g-1:1");

    // The same Guid + SequenceNumber again: a duplicate.
    let (_, answer) = post(
        &format!("{url}/at"),
        Some(("X-Hook-Signature", &signature)),
        &body,
    )
    .await;
    assert_eq!(answer["status"], "duplicate");

    // An unsigned deactivation is refused like anything else; a signed one is delivered.
    let deactivated = at_body("Deactivated", 2);
    assert_eq!(
        post(&format!("{url}/at/deactivated"), None, &deactivated)
            .await
            .0,
        401
    );
    let forged = autotask_signature(&Secret::new("guessed"), &deactivated);
    assert_eq!(
        post(
            &format!("{url}/at/deactivated"),
            Some(("X-Hook-Signature", &forged)),
            &deactivated
        )
        .await
        .0,
        401
    );
    assert!(tokio::time::timeout(Duration::from_millis(200), rx.recv())
        .await
        .is_err());
    let signed = autotask_signature(&Secret::new(secret), &deactivated);
    let (status, _) = post(
        &format!("{url}/at/deactivated"),
        Some(("X-Hook-Signature", &signed)),
        &deactivated,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        next(&mut rx).await.payload.action,
        autotask::Action::Deactivated
    );
    assert_eq!(
        (stats.accepted(), stats.duplicates(), stats.rejected()),
        (2, 1, 2)
    );

    // A verified body that is not a payload is acknowledged (Autotask would disable a failing hook) and ignored.
    let junk = b"[\"not\", \"a\", \"payload\"]";
    let signature = autotask_signature(&Secret::new(secret), junk);
    let (status, answer) = post(
        &format!("{url}/at"),
        Some(("X-Hook-Signature", &signature)),
        junk,
    )
    .await;
    assert_eq!((status, answer["status"].as_str()), (200, Some("ignored")));
    assert_eq!(stats.ignored(), 1);
}

#[tokio::test]
async fn without_a_secret_nothing_is_accepted() {
    let (receiver, mut rx) = at_receiver("", Dispatch::Spawn, false);
    let url = serve(axum::Router::new().route("/at", receiver.into_method_router())).await;
    let body = at_body("Deactivated", 1);
    let signature = autotask_signature(&Secret::new(""), &body);
    assert_eq!(
        post(
            &format!("{url}/at"),
            Some(("X-Hook-Signature", &signature)),
            &body
        )
        .await
        .0,
        500
    );
    assert_eq!(post(&format!("{url}/at"), None, &body).await.0, 500);
    assert!(rx.try_recv().is_err());
}

#[tokio::test]
async fn inline_dispatch_answers_500_on_failure_and_processes_the_retry() {
    let secret = "at-secret-0123456789";
    let (receiver, mut rx) = at_receiver(secret, Dispatch::Inline(Duration::from_secs(2)), true);
    let stats = receiver.stats();
    let url = serve(axum::Router::new().route("/at", receiver.into_method_router())).await;
    let body = at_body("Create", 9);
    let signature = autotask_signature(&Secret::new(secret), &body);
    let (status, answer) = post(
        &format!("{url}/at"),
        Some(("X-Hook-Signature", &signature)),
        &body,
    )
    .await;
    assert_eq!((status, answer["status"].as_str()), (500, Some("failed")));
    // The vendor's retry is not a duplicate: the failed attempt was forgotten.
    let (status, answer) = post(
        &format!("{url}/at"),
        Some(("X-Hook-Signature", &signature)),
        &body,
    )
    .await;
    assert_eq!((status, answer["status"].as_str()), (200, Some("accepted")));
    assert_eq!(next(&mut rx).await.payload.sequence_number, Some(9));
    assert_eq!(stats.failed(), 1);
}

#[tokio::test]
async fn duplicates_can_be_delivered_flagged_and_bodies_are_capped() {
    let secret = "at-secret-0123456789";
    let (receiver, mut rx) = at_receiver(secret, Dispatch::Spawn, false);
    let receiver = receiver.duplicates(Duplicates::Deliver).max_body(2048);
    let url = serve(axum::Router::new().route("/at", receiver.into_method_router())).await;
    let body = at_body("Update", 4);
    let signature = autotask_signature(&Secret::new(secret), &body);
    for duplicate in [false, true] {
        post(
            &format!("{url}/at"),
            Some(("X-Hook-Signature", &signature)),
            &body,
        )
        .await;
        assert_eq!(next(&mut rx).await.duplicate, duplicate);
    }
    let big = vec![b' '; 4096];
    assert_eq!(post(&format!("{url}/at"), None, &big).await.0, 413);
}

#[tokio::test]
async fn bms_webhooks_use_the_pluggable_check() {
    let (tx, mut rx) = collect::<BmsDelivery>();
    let check = HmacHeader::sha256_hex("x-signature", Secret::new("bms-secret"));
    let receiver = Receiver::bms(
        bms::Verifier::new(check),
        None,
        move |d: Delivery<BmsDelivery>| {
            let tx = tx.clone();
            async move {
                let _ = tx.send(d);
                Ok::<(), HandlerError>(())
            }
        },
    );
    let url = serve(axum::Router::new().route("/bms", receiver.into_method_router())).await;
    let body = br#"{"EventName":"TicketCreated","Id":77}"#;
    // HMAC-SHA256("bms-secret", body), hex, computed with Python's hmac.
    let good = "f250b9e018dcb1de5a4b5eedfc8167c935ce19690cce83c548d9678d30b10dab";
    assert_eq!(
        post(&format!("{url}/bms"), Some(("x-signature", good)), body)
            .await
            .0,
        200
    );
    let delivery = next(&mut rx).await;
    assert_eq!(delivery.payload.event_name(), Some("TicketCreated"));
    assert_eq!(delivery.payload.entity_id(), Some(77));
    assert_eq!(post(&format!("{url}/bms"), None, body).await.0, 401);
}

#[tokio::test]
async fn key_fetches_are_rate_limited() {
    let (keys, hits) = key_server("local-signing-key").await;
    let (receiver, _rx) = cw_receiver_limited(KeyUrlPolicy::cloud().allow_insecure_loopback(), 2);
    let url = serve(axum::Router::new().route("/cw", receiver.into_method_router())).await;
    let key = Secret::new("local-signing-key");
    let mut statuses = Vec::new();
    // Every delivery names another key URL (query differs): each would be a fetch.
    for n in 0..4 {
        let body = cw_body(&format!("{keys}/key?n={n}"), &format!("m-{n}"));
        let signature = connectwise_signature(&key, &body);
        statuses.push(
            post(
                &format!("{url}/cw"),
                Some(("x-content-signature", &signature)),
                &body,
            )
            .await
            .0,
        );
    }
    assert_eq!(statuses, [200, 200, 503, 503]);
    assert_eq!(hits.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn a_rotated_key_is_fetched_again_once_the_cached_one_no_longer_matches() {
    let key = Arc::new(std::sync::Mutex::new("first-key".to_owned()));
    let hits = Arc::new(AtomicUsize::new(0));
    let (serving, counter) = (Arc::clone(&key), Arc::clone(&hits));
    let keys = serve(axum::Router::new().route(
        "/key",
        axum::routing::get(move || {
            counter.fetch_add(1, Ordering::SeqCst);
            let current = serving.lock().expect("key").clone();
            async move { json!({ "signing_key": current }).to_string() }
        }),
    ))
    .await;
    let (tx, mut rx) = collect();
    let verifier = connectwise::Verifier::with_fetcher(
        KeyUrlPolicy::cloud().allow_insecure_loopback(),
        HttpKeyFetcher::new().expect("client"),
    )
    .refetch_after(Duration::ZERO);
    let receiver = Receiver::connectwise(verifier, move |d: Delivery<CallbackPayload>| {
        let tx = tx.clone();
        async move {
            let _ = tx.send(d);
            Ok(())
        }
    });
    let url = serve(axum::Router::new().route("/cw", receiver.into_method_router())).await;
    let send = |id: &'static str, signing: &'static str| {
        let (url, keys) = (url.clone(), keys.clone());
        async move {
            let body = cw_body(&format!("{keys}/key"), id);
            let signature = connectwise_signature(&Secret::new(signing), &body);
            post(
                &format!("{url}/cw"),
                Some(("x-content-signature", &signature)),
                &body,
            )
            .await
            .0
        }
    };
    assert_eq!(send("m-1", "first-key").await, 200);
    *key.lock().expect("key") = "second-key".to_owned();
    assert_eq!(
        send("m-2", "second-key").await,
        200,
        "refetched after the mismatch"
    );
    assert_eq!(hits.load(Ordering::SeqCst), 2);
    // A forged signature costs at most one refetch, and is still refused.
    assert_eq!(send("m-3", "forged").await, 401);
    assert_eq!(
        next(&mut rx).await.payload.message_id.as_deref(),
        Some("m-1")
    );
    assert_eq!(
        next(&mut rx).await.payload.message_id.as_deref(),
        Some("m-2")
    );
}
