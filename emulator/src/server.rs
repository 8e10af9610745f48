//! The HTTP server: hyper connections serving an axum router whose fallback dispatches every request to
//! the vendor it belongs to, through the journal, the fault rules and Autotask's per-entity thread limit.
//!
//! Connections are served by hyper directly (not `axum::serve`) so a response can ask for its connection to
//! be closed without an answer: the dropped-connection faults.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::SystemTime;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Router;
use http_body_util::BodyExt;
use hyper_util::rt::TokioIo;
use tower::ServiceExt;

use crate::faults::{self, FaultKind};
use crate::http::{self, DropConnection, Req};
use crate::journal::JournalEntry;
use crate::state::{lock, InflightGuard, Shared};
use crate::{autotask, bms, connectwise, control, vendor_error, Vendor};

/// Largest request body accepted.
const MAX_BODY: usize = 16 * 1024 * 1024;

/// Accepts connections until the task is aborted.
pub(crate) async fn run(listener: tokio::net::TcpListener, shared: Arc<Shared>) {
    let router = Router::new().fallback(dispatch).with_state(shared);
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        let router = router.clone();
        tokio::spawn(async move {
            let service = hyper::service::service_fn(
                move |request: hyper::Request<hyper::body::Incoming>| {
                    let router = router.clone();
                    async move {
                        let response = match router.oneshot(request.map(Body::new)).await {
                            Ok(response) => response,
                            Err(never) => match never {},
                        };
                        if response.extensions().get::<DropConnection>().is_some() {
                            // hyper closes the connection without writing a response.
                            return Err(DroppedOnPurpose);
                        }
                        Ok::<_, DroppedOnPurpose>(response)
                    }
                },
            );
            let _ = hyper::server::conn::http1::Builder::new()
                .keep_alive(true)
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

/// The error that makes hyper drop a connection.
#[derive(Debug)]
struct DroppedOnPurpose;

impl std::fmt::Display for DroppedOnPurpose {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection dropped by a fault rule")
    }
}

impl std::error::Error for DroppedOnPurpose {}

async fn dispatch(
    State(shared): State<Arc<Shared>>,
    request: Request,
) -> Result<Response, Infallible> {
    let (parts, body) = request.into_parts();
    let body = match body.collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(_) => Bytes::new(),
    };
    if body.len() > MAX_BODY {
        return Ok(http::empty(StatusCode::PAYLOAD_TOO_LARGE));
    }
    let raw_query = parts.uri.query().map(str::to_owned);
    let query = raw_query
        .as_deref()
        .map(|text| {
            form_urlencoded::parse(text.as_bytes())
                .into_owned()
                .collect()
        })
        .unwrap_or_default();
    let req = Req {
        method: parts.method,
        path: parts.uri.path().to_owned(),
        raw_query,
        query,
        headers: parts.headers,
        body,
    };
    if req.path.starts_with(control::PREFIX) {
        return Ok(control::http(&shared, &req));
    }
    Ok(serve(&shared, req).await)
}

/// Which vendor a path belongs to.
pub(crate) fn classify(path: &str) -> Option<Vendor> {
    let lower = path.to_ascii_lowercase();
    if lower.starts_with("/v2/") {
        Some(Vendor::Bms)
    } else if lower.contains("/atservicesrest/") || lower.ends_with("/atservicesrest") {
        Some(Vendor::Autotask)
    } else if lower.starts_with("/login/companyinfo/") || lower.contains("/apis/3.0/") {
        Some(Vendor::ConnectWise)
    } else {
        None
    }
}

async fn serve(shared: &Arc<Shared>, req: Req) -> Response {
    let vendor = classify(&req.path);
    let mut entry = JournalEntry::from_request(shared.next_seq(), vendor, &req);
    let fault = faults::take(&mut lock(&shared.faults), vendor, &req);
    entry.fault = fault.as_ref().map(|kind| format!("{kind:?}"));

    // Autotask counts requests in flight per entity across the whole handling, latency included.
    let mut _guard = None;
    if vendor == Some(Vendor::Autotask) {
        if let Some(entity) = autotask::entity_of(&req.path) {
            let limit = lock(&shared.settings).autotask_thread_limit;
            match InflightGuard::enter(shared, &entity, limit) {
                Ok(guard) => _guard = Some(guard),
                Err(_) => {
                    let response = autotask::thread_limit_response(&entity);
                    return finish(shared, entry, response);
                }
            }
        }
    }

    let response = match fault {
        Some(FaultKind::Latency { millis }) => {
            tokio::time::sleep(std::time::Duration::from_millis(millis)).await;
            handle(shared, vendor, &req, &mut entry)
        }
        Some(FaultKind::DropBeforeApply) => dropped(),
        Some(FaultKind::DropAfterApply) => {
            let _ = handle(shared, vendor, &req, &mut entry);
            dropped()
        }
        Some(kind) => fault_response(vendor, &kind),
        None => handle(shared, vendor, &req, &mut entry),
    };
    finish(shared, entry, response)
}

fn finish(shared: &Shared, mut entry: JournalEntry, response: Response) -> Response {
    entry.status = if response.extensions().get::<DropConnection>().is_some() {
        None
    } else {
        Some(response.status().as_u16())
    };
    lock(&shared.journal).push(entry);
    response
}

fn dropped() -> Response {
    let mut response = http::empty(StatusCode::INTERNAL_SERVER_ERROR);
    response.extensions_mut().insert(DropConnection);
    response
}

/// The normal answer of a vendor.
fn handle(
    shared: &Shared,
    vendor: Option<Vendor>,
    req: &Req,
    entry: &mut JournalEntry,
) -> Response {
    let outcome = match vendor {
        Some(Vendor::ConnectWise) => connectwise::handle(shared, req),
        Some(Vendor::Autotask) => autotask::handle(shared, req),
        Some(Vendor::Bms) => bms::handle(shared, req),
        None => return http::html(StatusCode::NOT_FOUND, "404 - File or directory not found."),
    };
    entry.operation_id = outcome.operation_id;
    outcome.response
}

fn fault_response(vendor: Option<Vendor>, kind: &FaultKind) -> Response {
    let now = SystemTime::now();
    let retry = |response: Response, retry_after: &Option<faults::RetryAfter>| match retry_after {
        Some(value) => http::with_header(
            response,
            "retry-after",
            &faults::retry_after_value(*value, now),
        ),
        None => response,
    };
    match kind {
        FaultKind::TooManyRequests { retry_after } => retry(
            vendor_error::body(vendor, StatusCode::TOO_MANY_REQUESTS, None),
            retry_after,
        ),
        FaultKind::Unavailable { retry_after } => retry(
            http::html(StatusCode::SERVICE_UNAVAILABLE, "503 Service Unavailable"),
            retry_after,
        ),
        FaultKind::ServerError => vendor_error::server_error(vendor),
        FaultKind::Status { status, message } => {
            let status = StatusCode::from_u16(*status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            vendor_error::body(vendor, status, message.as_deref())
        }
        FaultKind::Html { status } => http::html(
            StatusCode::from_u16(*status).unwrap_or(StatusCode::OK),
            "Sign in",
        ),
        // Handled by the caller.
        FaultKind::Latency { .. } | FaultKind::DropAfterApply | FaultKind::DropBeforeApply => {
            http::empty(StatusCode::INTERNAL_SERVER_ERROR)
        }
    }
}

/// A vendor handler's answer and the operation it matched.
pub(crate) struct Outcome {
    pub response: Response,
    pub operation_id: Option<String>,
}

impl Outcome {
    pub fn new(response: Response, operation_id: Option<&str>) -> Outcome {
        Outcome {
            response,
            operation_id: operation_id.map(str::to_owned),
        }
    }
}
