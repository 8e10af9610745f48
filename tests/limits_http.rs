//! Concurrency limits, request budget, redirects and the user agent,
//! against real HTTP servers on 127.0.0.1.

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::{exact_policy, op, start_time, transport, Action, RawServer};
use psa_clients::transport::{ManualClock, RequestBudget, Transport, WhenExhausted, USER_AGENT};
use psa_clients::Error;
use reqwest::{Method, StatusCode};
use wiremock::matchers::{header, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn per_endpoint_concurrency_is_capped_and_callers_queue() {
    // The server holds each request briefly (real time, server side only)
    // so that uncapped callers would overlap.
    let server = RawServer::start(vec![Action::Hold(Duration::from_millis(40))]).await;
    let (transport, _clock) = transport(exact_policy(1));

    let calls = (0..10).map(|i| {
        let transport = transport.clone();
        // Different ids, one endpoint key: the template.
        let url = server.url(&format!("/Tickets/{i}"));
        tokio::spawn(async move {
            let request = transport.client().get(url).build().expect("request");
            transport
                .execute(request, op(Method::GET, "/Tickets/{id}"))
                .await
                .map(|response| response.status())
        })
    });
    for call in calls.collect::<Vec<_>>() {
        let status = call.await.expect("task").expect("queued, not rejected");
        assert_eq!(status, StatusCode::OK);
    }

    assert_eq!(server.requests(), 10);
    let max = server
        .max_in_flight
        .load(std::sync::atomic::Ordering::SeqCst);
    assert!(max <= 3, "server saw {max} requests in flight");
    assert!(max >= 2, "calls should overlap up to the cap, saw {max}");
}

#[tokio::test]
async fn request_budget_waits_for_the_window() {
    let server = MockServer::start().await;
    Mock::given(path("/Tickets"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    let clock = ManualClock::new(start_time());
    let transport = Transport::builder()
        .clock(Arc::new(clock.clone()))
        .request_budget(RequestBudget::new(2, Duration::from_secs(60)))
        .build()
        .expect("config");

    for _ in 0..3 {
        let request = transport.client().get(format!("{}/Tickets", server.uri()));
        transport
            .execute(
                request.build().expect("request"),
                op(Method::GET, "/Tickets"),
            )
            .await
            .expect("response");
    }
    assert_eq!(clock.sleeps(), [Duration::from_secs(60)]);
}

#[tokio::test]
async fn request_budget_can_fail_instead_of_waiting() {
    let server = MockServer::start().await;
    let clock = ManualClock::new(start_time());
    let transport = Transport::builder()
        .clock(Arc::new(clock.clone()))
        .request_budget(RequestBudget::per_hour(1).when_exhausted(WhenExhausted::Fail))
        .build()
        .expect("config");

    let send = || async {
        let request = transport.client().get(format!("{}/Tickets", server.uri()));
        transport
            .execute(
                request.build().expect("request"),
                op(Method::GET, "/Tickets"),
            )
            .await
    };
    send().await.expect("first call fits");
    let err = send().await.unwrap_err();
    assert!(
        matches!(err, Error::RateLimited { status: None, .. }),
        "{err:?}"
    );
    assert_eq!(err.retry_after(), Some(Duration::from_secs(3600)));
}

#[tokio::test]
async fn redirect_to_another_host_carries_no_credentials() {
    let elsewhere = MockServer::start().await;
    Mock::given(path("/landing"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&elsewhere)
        .await;
    let api = MockServer::start().await;
    // Another host name (and port) than the configured 127.0.0.1.
    let location = format!(
        "http://localhost:{}/landing?ticket=one-time",
        elsewhere.address().port()
    );
    Mock::given(path("/Tickets"))
        .respond_with(ResponseTemplate::new(302).insert_header("Location", location.as_str()))
        .mount(&api)
        .await;
    let (transport, _clock) = transport(exact_policy(1));
    let meta = op(Method::GET, "/Tickets");

    let request = transport
        .client()
        .get(format!("{}/Tickets", api.uri()))
        .basic_auth("api-user", Some("p4ssw0rd"))
        .header("ApiIntegrationCode", "INTEGRATION-CODE")
        .header("Secret", "vendor-secret")
        .header("clientId", "client-id");
    let response = transport
        .execute(request.build().expect("request"), meta.clone())
        .await
        .expect("the 3xx comes back");
    let err = transport.classify(response, &meta).await.unwrap_err();

    // Not followed at all, so no header of any kind reached the other host.
    let reached = elsewhere.received_requests().await.unwrap_or_default();
    assert!(reached.is_empty(), "{reached:?}");
    let expected = format!("http://localhost:{}/landing", elsewhere.address().port());
    assert!(
        matches!(&err, Error::Redirected { location, .. } if *location == expected),
        "{err:?}"
    );
}

#[tokio::test]
async fn same_host_redirects_are_followed() {
    let api = MockServer::start().await;
    Mock::given(path("/old"))
        .respond_with(ResponseTemplate::new(301).insert_header("Location", "/new"))
        .mount(&api)
        .await;
    Mock::given(path("/new"))
        .and(header("ApiIntegrationCode", "INTEGRATION-CODE"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&api)
        .await;
    let (transport, _clock) = transport(exact_policy(1));

    let request = transport
        .client()
        .get(format!("{}/old", api.uri()))
        .header("ApiIntegrationCode", "INTEGRATION-CODE");
    let response = transport
        .execute(request.build().expect("request"), op(Method::GET, "/old"))
        .await
        .expect("response");
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn user_agent_names_the_library_and_version() {
    let api = MockServer::start().await;
    Mock::given(header("User-Agent", USER_AGENT))
        .respond_with(ResponseTemplate::new(204))
        .mount(&api)
        .await;
    let (transport, _clock) = transport(exact_policy(1));

    let request = transport.client().get(api.uri());
    let response = transport
        .execute(request.build().expect("request"), op(Method::GET, "/"))
        .await
        .expect("response");
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        USER_AGENT,
        concat!("psa-clients/", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn zero_limits_are_config_errors() {
    let zero = Transport::builder().endpoint_concurrency(0).build();
    assert!(matches!(zero, Err(Error::Config { .. })));
    let zero_key = Transport::builder()
        .endpoint_concurrency_for("Tickets", 0)
        .build();
    assert!(matches!(zero_key, Err(Error::Config { .. })));
    let zero_budget = Transport::builder()
        .request_budget(RequestBudget::per_hour(0))
        .build();
    assert!(matches!(zero_budget, Err(Error::Config { .. })));
}
