//! The per-call span carries the call's identity and outcome, and the log
//! never contains credentials, even at TRACE.

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex};

use common::{exact_policy, op, transport};
use psa_clients::secret::Secret;
use reqwest::Method;
use tracing_subscriber::fmt::format::FmtSpan;
use wiremock::matchers::path;
use wiremock::{Mock, MockServer, ResponseTemplate};

/// Collects everything the subscriber writes.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn span_has_call_fields_and_no_secrets() {
    let server = MockServer::start().await;
    Mock::given(path("/Tickets/7"))
        .respond_with(ResponseTemplate::new(200).set_body_raw("{\"id\":7}", "application/json"))
        .mount(&server)
        .await;
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_span_events(FmtSpan::CLOSE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let secret = Secret::new("TOP-SECRET-TOKEN");
    let (transport, _clock) = transport(exact_policy(1));
    let meta = op(Method::GET, "/Tickets/{id}");
    let request = transport
        .client()
        .get(format!(
            "{}/Tickets/7?key={}",
            server.uri(),
            secret.expose()
        ))
        .header("Secret", secret.header_value().expect("header"))
        .build()
        .expect("request");
    let response = transport.execute(request, meta.clone()).await.expect("ok");
    transport.classify(response, &meta).await.expect("ok");

    let log = String::from_utf8_lossy(&captured.0.lock().expect("lock")).into_owned();
    for field in [
        "psa.request",
        "vendor=autotask",
        "operation_id=\"testOperation\"",
        "method=GET",
        "path_template=\"/Tickets/{id}\"",
        "attempt=1",
        "status=200",
        "latency_ms=",
        "{\"id\":7}", // the body, at TRACE
    ] {
        assert!(log.contains(field), "missing {field} in:\n{log}");
    }
    assert!(!log.contains("TOP-SECRET-TOKEN"), "{log}");
}
