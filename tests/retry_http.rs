//! Retry behaviour against real HTTP servers on 127.0.0.1, on a manual
//! clock: the tests assert the exact waits requested and never sleep.

mod common;

use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use common::{exact_policy, op, start_time, transport, Action, RawServer};
use psa_clients::transport::RetryPolicy;
use psa_clients::Error;
use reqwest::{Method, StatusCode};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn mount_once(server: &MockServer, template: ResponseTemplate) {
    Mock::given(path("/Tickets"))
        .respond_with(template)
        .up_to_n_times(1)
        .mount(server)
        .await;
}

async fn mount_always(server: &MockServer, template: ResponseTemplate) {
    Mock::given(path("/Tickets"))
        .respond_with(template)
        .mount(server)
        .await;
}

async fn received(server: &MockServer) -> usize {
    server.received_requests().await.map_or(0, |r| r.len())
}

fn secs(list: &[u64]) -> Vec<Duration> {
    list.iter().copied().map(Duration::from_secs).collect()
}

#[tokio::test]
async fn get_429_waits_for_retry_after_seconds() {
    let server = MockServer::start().await;
    mount_once(
        &server,
        ResponseTemplate::new(429).insert_header("Retry-After", "7"),
    )
    .await;
    mount_always(&server, ResponseTemplate::new(200)).await;
    let (transport, clock) = transport(exact_policy(4));

    let request = transport.client().get(format!("{}/Tickets", server.uri()));
    let response = transport
        .execute(
            request.build().expect("request"),
            op(Method::GET, "/Tickets"),
        )
        .await
        .expect("response");

    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(clock.sleeps(), secs(&[7]));
    assert_eq!(received(&server).await, 2);
}

#[tokio::test]
async fn post_429_waits_for_retry_after_http_date() {
    // A 429 means the rate limiter rejected the call before the
    // application saw it, so even a POST is safe to send again.
    let server = MockServer::start().await;
    let date = httpdate::fmt_http_date(start_time() + Duration::from_secs(30));
    mount_once(
        &server,
        ResponseTemplate::new(429).insert_header("Retry-After", date),
    )
    .await;
    mount_always(&server, ResponseTemplate::new(201)).await;
    let (transport, clock) = transport(exact_policy(4));

    let request = transport
        .client()
        .post(format!("{}/Tickets", server.uri()))
        .json(&serde_json::json!({"title": "printer on fire"}));
    let response = transport
        .execute(
            request.build().expect("request"),
            op(Method::POST, "/Tickets"),
        )
        .await
        .expect("response");

    assert_eq!(response.status(), StatusCode::CREATED);
    assert_eq!(clock.sleeps(), secs(&[30]));
    let requests = server.received_requests().await.unwrap_or_default();
    assert_eq!(requests.len(), 2);
    assert_eq!(
        requests[0].body, requests[1].body,
        "the retry re-sends the same body"
    );
}

#[tokio::test]
async fn retry_after_above_the_cap_is_returned_as_rate_limited() {
    let server = MockServer::start().await;
    mount_always(
        &server,
        ResponseTemplate::new(429).insert_header("Retry-After", "3600"),
    )
    .await;
    let (transport, clock) = transport(exact_policy(4));
    let meta = op(Method::GET, "/Tickets");

    let request = transport.client().get(format!("{}/Tickets", server.uri()));
    let response = transport
        .execute(request.build().expect("request"), meta.clone())
        .await
        .expect("response");
    let err = transport.classify(response, &meta).await.unwrap_err();

    assert!(matches!(err, Error::RateLimited { .. }), "{err:?}");
    assert_eq!(err.retry_after(), Some(Duration::from_secs(3600)));
    assert!(clock.sleeps().is_empty());
    assert_eq!(received(&server).await, 1);
}

#[tokio::test]
async fn get_503_is_retried_with_backoff() {
    let server = MockServer::start().await;
    mount_once(&server, ResponseTemplate::new(503)).await;
    mount_once(&server, ResponseTemplate::new(503)).await;
    mount_always(&server, ResponseTemplate::new(200)).await;
    let (transport, clock) = transport(exact_policy(4));

    let request = transport.client().get(format!("{}/Tickets", server.uri()));
    let response = transport
        .execute(
            request.build().expect("request"),
            op(Method::GET, "/Tickets"),
        )
        .await
        .expect("response");

    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(clock.sleeps(), secs(&[1, 2]));
    assert_eq!(received(&server).await, 3);
}

#[tokio::test]
async fn post_500_is_not_retried() {
    let server = MockServer::start().await;
    mount_always(
        &server,
        ResponseTemplate::new(500).set_body_json(serde_json::json!({"errors": ["boom"]})),
    )
    .await;
    let (transport, clock) = transport(exact_policy(4));
    let meta = op(Method::POST, "/Tickets");

    let request = transport
        .client()
        .post(format!("{}/Tickets", server.uri()))
        .json(&serde_json::json!({"title": "x"}));
    let response = transport
        .execute(request.build().expect("request"), meta.clone())
        .await
        .expect("response");
    let err = transport.classify(response, &meta).await.unwrap_err();

    assert_eq!(received(&server).await, 1);
    assert!(clock.sleeps().is_empty());
    assert!(
        matches!(&err, Error::Vendor { status, body, .. }
            if *status == StatusCode::INTERNAL_SERVER_ERROR
            && body.to_string().contains("boom")),
        "{err:?}"
    );
}

#[tokio::test]
async fn post_503_is_not_retried() {
    let server = MockServer::start().await;
    mount_always(
        &server,
        ResponseTemplate::new(503).insert_header("Retry-After", "1"),
    )
    .await;
    let (transport, _clock) = transport(exact_policy(4));

    let request = transport.client().post(format!("{}/Tickets", server.uri()));
    let response = transport
        .execute(
            request.build().expect("request"),
            op(Method::POST, "/Tickets"),
        )
        .await
        .expect("response");

    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(received(&server).await, 1);
}

#[tokio::test]
async fn post_with_dropped_connection_is_not_retried() {
    let server = RawServer::start(vec![Action::Drop, Action::Ok]).await;
    let (transport, clock) = transport(exact_policy(4));

    let request = transport
        .client()
        .post(server.url("/TimeEntries"))
        .json(&serde_json::json!({"hours": 1.5}));
    let err = transport
        .execute(
            request.build().expect("request"),
            op(Method::POST, "/TimeEntries"),
        )
        .await
        .unwrap_err();

    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    assert_eq!(err.operation_id(), Some("testOperation"));
    assert_eq!(
        server.requests(),
        1,
        "a POST with unknown outcome is never re-sent"
    );
    assert!(clock.sleeps().is_empty());
}

/// Autotask `POST …/query` and BMS `POST …/search` only read: marked read-only, a dropped connection or a 502
/// is retried like a GET.
#[tokio::test]
async fn read_only_post_with_dropped_connection_is_retried() {
    let server = RawServer::start(vec![Action::Drop, Action::Ok]).await;
    let (transport, clock) = transport(exact_policy(4));

    let request = transport
        .client()
        .post(server.url("/V1.0/Tickets/query"))
        .json(&serde_json::json!({"filter": [{"op": "eq", "field": "id", "value": 1}]}));
    let response = transport
        .execute(
            request.build().expect("request"),
            op(Method::POST, "/V1.0/Tickets/query").read_only(),
        )
        .await
        .expect("second attempt succeeds");

    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(server.requests(), 2);
    assert_eq!(clock.sleeps(), secs(&[1]));
}

#[tokio::test]
async fn read_only_post_502_is_retried() {
    let server = MockServer::start().await;
    mount_once(&server, ResponseTemplate::new(502)).await;
    mount_always(&server, ResponseTemplate::new(200).set_body_string("{}")).await;
    let (transport, _) = transport(exact_policy(3));
    let request = transport.client().post(format!("{}/Tickets", server.uri()));
    let response = transport
        .execute(
            request.build().expect("request"),
            op(Method::POST, "/Tickets").read_only(),
        )
        .await
        .expect("retried");
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(received(&server).await, 2);
}

#[tokio::test]
async fn get_with_dropped_connection_is_retried() {
    let server = RawServer::start(vec![Action::Drop, Action::Ok]).await;
    let (transport, clock) = transport(exact_policy(4));

    let request = transport.client().get(server.url("/TimeEntries"));
    let response = transport
        .execute(
            request.build().expect("request"),
            op(Method::GET, "/TimeEntries"),
        )
        .await
        .expect("second attempt succeeds");

    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(server.requests(), 2);
    assert_eq!(clock.sleeps(), secs(&[1]));
}

#[tokio::test]
async fn max_attempts_is_honoured() {
    let server = MockServer::start().await;
    mount_always(&server, ResponseTemplate::new(503)).await;
    let (transport, clock) = transport(exact_policy(3));

    let request = transport
        .client()
        .delete(format!("{}/Tickets", server.uri()));
    let response = transport
        .execute(
            request.build().expect("request"),
            op(Method::DELETE, "/Tickets"),
        )
        .await
        .expect("last response is returned");

    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(received(&server).await, 3);
    assert_eq!(clock.sleeps(), secs(&[1, 2]));
}

#[tokio::test]
async fn backoff_delays_are_capped() {
    let server = MockServer::start().await;
    mount_always(&server, ResponseTemplate::new(500)).await;
    let (transport, clock) = transport(exact_policy(6));

    let request = transport.client().get(format!("{}/Tickets", server.uri()));
    transport
        .execute(
            request.build().expect("request"),
            op(Method::GET, "/Tickets"),
        )
        .await
        .expect("response");

    assert_eq!(clock.sleeps(), secs(&[1, 2, 4, 4, 4]));
    assert_eq!(received(&server).await, 6);
}

#[tokio::test]
async fn seeded_jitter_is_reproducible_and_bounded() {
    let server = MockServer::start().await;
    mount_always(&server, ResponseTemplate::new(502)).await;
    let policy = RetryPolicy::builder()
        .max_attempts(5)
        .initial_backoff(Duration::from_secs(2))
        .max_backoff(Duration::from_secs(8))
        .jitter_seed(42)
        .build();

    let mut runs = Vec::new();
    for _ in 0..2 {
        let (transport, clock) = transport(policy.clone());
        let request = transport.client().get(format!("{}/Tickets", server.uri()));
        transport
            .execute(
                request.build().expect("request"),
                op(Method::GET, "/Tickets"),
            )
            .await
            .expect("response");
        runs.push(clock.sleeps());
    }

    assert_eq!(runs[0], runs[1]);
    let caps = secs(&[2, 4, 8, 8]);
    for (wait, cap) in runs[0].iter().zip(&caps) {
        assert!(
            *wait >= *cap / 2 && wait <= cap,
            "{wait:?} outside [{cap:?}/2, {cap:?}]"
        );
    }
}

/// A one-chunk body that cannot be cloned, like an upload from a file.
struct OneChunk(Option<Bytes>);

impl futures_core::Stream for OneChunk {
    type Item = Result<Bytes, std::io::Error>;
    fn poll_next(mut self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        Poll::Ready(self.0.take().map(Ok))
    }
}

#[tokio::test]
async fn streaming_bodies_are_sent_once() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    let (transport, clock) = transport(exact_policy(4));

    let body = reqwest::Body::wrap_stream(OneChunk(Some(Bytes::from_static(b"attachment"))));
    let request = transport
        .client()
        .put(format!("{}/Attachments", server.uri()))
        .body(body);
    let response = transport
        .execute(
            request.build().expect("request"),
            op(Method::PUT, "/Attachments"),
        )
        .await
        .expect("response");

    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(received(&server).await, 1);
    assert!(clock.sleeps().is_empty());
}

/// A transport whose per-attempt timeout is short; reqwest's timer runs
/// in real time, so this costs about 100 ms.
fn quick_timeout_transport() -> psa_clients::transport::Transport {
    psa_clients::transport::Transport::builder()
        .retry_policy(exact_policy(3))
        .clock(std::sync::Arc::new(
            psa_clients::transport::ManualClock::new(start_time()),
        ))
        .timeout(Duration::from_millis(100))
        .build()
        .expect("config")
}

#[tokio::test]
async fn post_timeout_is_not_retried() {
    let server = RawServer::start(vec![Action::Hold(Duration::from_millis(500))]).await;
    let transport = quick_timeout_transport();

    let request = transport.client().post(server.url("/Tickets")).body("{}");
    let err = transport
        .execute(
            request.build().expect("request"),
            op(Method::POST, "/Tickets"),
        )
        .await
        .unwrap_err();

    assert!(matches!(err, Error::Timeout { .. }), "{err:?}");
    assert_eq!(server.requests(), 1);
}

#[tokio::test]
async fn get_timeout_is_retried() {
    let server = RawServer::start(vec![Action::Hold(Duration::from_millis(500)), Action::Ok]).await;
    let transport = quick_timeout_transport();

    let request = transport.client().get(server.url("/Tickets"));
    let response = transport
        .execute(
            request.build().expect("request"),
            op(Method::GET, "/Tickets"),
        )
        .await
        .expect("second attempt answers at once");

    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(server.requests(), 2);
}
