//! Helpers shared by the HTTP tests. Every server listens on 127.0.0.1.
#![allow(dead_code)] // each test binary uses a different subset

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use psa_clients::transport::{ManualClock, OperationMeta, RetryPolicy, Transport, Vendor};
use reqwest::Method;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// A fixed start time with whole seconds, as HTTP dates have.
pub fn start_time() -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000)
}

/// Retry policy with round numbers and no jitter, so delays are exact.
pub fn exact_policy(max_attempts: u32) -> RetryPolicy {
    RetryPolicy::builder()
        .max_attempts(max_attempts)
        .initial_backoff(Duration::from_secs(1))
        .max_backoff(Duration::from_secs(4))
        .max_retry_after(Duration::from_secs(60))
        .jitter(false)
        .build()
}

/// A transport on a manual clock: no test really sleeps.
pub fn transport(policy: RetryPolicy) -> (Transport, ManualClock) {
    let clock = ManualClock::new(start_time());
    let transport = Transport::builder()
        .retry_policy(policy)
        .clock(Arc::new(clock.clone()))
        .build()
        .expect("valid transport config");
    (transport, clock)
}

pub fn op(method: Method, path: &'static str) -> OperationMeta {
    OperationMeta::new(Vendor::Autotask, "testOperation", method, path)
}

/// What the raw server does with one request.
#[derive(Debug, Clone, Copy)]
pub enum Action {
    /// Read the whole request, then close without answering.
    Drop,
    /// Answer 200 `{}`.
    Ok,
    /// Count as in flight, hold for the given time, then answer 200.
    Hold(Duration),
}

/// A minimal HTTP/1.1 server for what wiremock cannot do: drop a
/// connection after reading the request, and count requests in flight.
pub struct RawServer {
    pub addr: SocketAddr,
    pub requests: Arc<AtomicUsize>,
    pub max_in_flight: Arc<AtomicUsize>,
}

impl RawServer {
    /// Serves request `n` with `script[n]` (the last entry repeats).
    pub async fn start(script: Vec<Action>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("local addr");
        let requests = Arc::new(AtomicUsize::new(0));
        let max_in_flight = Arc::new(AtomicUsize::new(0));
        let in_flight = Arc::new(AtomicUsize::new(0));
        let (req, max) = (Arc::clone(&requests), Arc::clone(&max_in_flight));
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let (req, max, in_flight) =
                    (Arc::clone(&req), Arc::clone(&max), Arc::clone(&in_flight));
                let script = script.clone();
                tokio::spawn(async move {
                    serve(stream, &script, &req, &max, &in_flight).await;
                });
            }
        });
        Self {
            addr,
            requests,
            max_in_flight,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    pub fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }
}

async fn serve(
    mut stream: TcpStream,
    script: &[Action],
    requests: &AtomicUsize,
    max_in_flight: &AtomicUsize,
    in_flight: &AtomicUsize,
) {
    if !read_request(&mut stream).await {
        return;
    }
    let n = requests.fetch_add(1, Ordering::SeqCst);
    let action = script
        .get(n)
        .or(script.last())
        .copied()
        .unwrap_or(Action::Ok);
    match action {
        Action::Drop => return,
        Action::Ok => {}
        Action::Hold(time) => {
            let now = in_flight.fetch_add(1, Ordering::SeqCst) + 1;
            max_in_flight.fetch_max(now, Ordering::SeqCst);
            tokio::time::sleep(time).await;
            in_flight.fetch_sub(1, Ordering::SeqCst);
        }
    }
    let response = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n\
                    content-length: 2\r\nconnection: close\r\n\r\n{}";
    let _ = stream.write_all(response.as_bytes()).await;
    let _ = stream.shutdown().await;
}

/// Reads headers and a `content-length` body; false on a closed socket.
async fn read_request(stream: &mut TcpStream) -> bool {
    let mut data = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        let Ok(n) = stream.read(&mut buf).await else {
            return false;
        };
        if n == 0 {
            return false;
        }
        data.extend_from_slice(&buf[..n]);
        let Some(end) = data.windows(4).position(|w| w == b"\r\n\r\n") else {
            continue;
        };
        let head = String::from_utf8_lossy(&data[..end]).to_ascii_lowercase();
        let length: usize = head
            .lines()
            .find_map(|line| line.strip_prefix("content-length:"))
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(0);
        if data.len() >= end + 4 + length {
            return true;
        }
    }
}

/// Answers request `n` with `templates[n]` (the last one repeats), for
/// vendors whose answer changes between calls (a moved zone, an upgrade).
pub struct Sequence {
    templates: Vec<wiremock::ResponseTemplate>,
    calls: AtomicUsize,
}

impl Sequence {
    pub fn new(templates: Vec<wiremock::ResponseTemplate>) -> Self {
        Self {
            templates,
            calls: AtomicUsize::new(0),
        }
    }
}

impl wiremock::Respond for Sequence {
    fn respond(&self, _: &wiremock::Request) -> wiremock::ResponseTemplate {
        let n = self.calls.fetch_add(1, Ordering::SeqCst);
        self.templates
            .get(n)
            .or(self.templates.last())
            .cloned()
            .unwrap_or_else(|| wiremock::ResponseTemplate::new(500))
    }
}

/// Requests `server` received for `path`, in order.
pub async fn requests_to(server: &wiremock::MockServer, path: &str) -> Vec<wiremock::Request> {
    server
        .received_requests()
        .await
        .unwrap_or_default()
        .into_iter()
        .filter(|request| request.url.path() == path)
        .collect()
}

/// A header of a received request as text ("" when absent).
pub fn header_of(request: &wiremock::Request, name: &str) -> String {
    request
        .headers
        .get(name)
        .and_then(|value| value.to_str().ok())
        .unwrap_or("")
        .to_owned()
}

/// A vendor fixture from ../shared/fixtures (or $PSA_FIXTURES_DIR).
pub fn fixture(rel: &str) -> String {
    let dir = match std::env::var_os("PSA_FIXTURES_DIR") {
        Some(dir) => std::path::PathBuf::from(dir),
        None => std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures"),
    };
    std::fs::read_to_string(dir.join(rel)).expect("fixture readable")
}

/// Collects everything a `tracing` subscriber writes, for tests that check
/// what ends up in logs.
#[derive(Clone, Default)]
pub struct Captured(pub Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
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

impl Captured {
    /// Everything written so far, as text.
    pub fn text(&self) -> String {
        let bytes = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        String::from_utf8_lossy(&bytes).into_owned()
    }
}

/// Installs a subscriber that records every event and span at TRACE on
/// this thread (use a current-thread runtime) until the guard is dropped.
pub fn capture_trace() -> (tracing::subscriber::DefaultGuard, Captured) {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::FULL)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    (tracing::subscriber::set_default(subscriber), captured)
}
pub mod emulated;
