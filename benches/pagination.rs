//! Streams 100,000 records through the Autotask (500 per page) and
//! ConnectWise (1000 per page) pagers from a server on 127.0.0.1 that
//! serves pre-rendered pages from memory, and reports records per second
//! and the peak heap of one 100k stream.
//!
//! The heap is measured by a counting global allocator in this binary; the
//! pre-rendered pages are allocated before the baseline is taken, so the
//! peak shown is what the client side (transport, decoding, one buffered
//! page) adds on top.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use criterion::{Criterion, Throughput};
use psa_clients::pagination::autotask::AutotaskQuery;
use psa_clients::pagination::connectwise::{CwPage, CwPaging};
use psa_clients::pagination::{count, try_collect};
use psa_clients::transport::{decode_json, OperationMeta, RetryPolicy, Transport, Vendor};
use psa_clients::Error;
use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode, Url};
use serde::Deserialize;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const RECORDS: usize = 100_000;
const AUTOTASK_PAGE: usize = 500;
const CONNECTWISE_PAGE: usize = 1000;

// ------------------------------------------------------- counting allocator

struct Counting;

static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn grew(by: usize) {
    let now = CURRENT.fetch_add(by, Ordering::Relaxed) + by;
    PEAK.fetch_max(now, Ordering::Relaxed);
}

// SAFETY: every call is forwarded to the system allocator unchanged; the
// counters only observe sizes.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let ptr = unsafe { System.alloc(layout) };
        if !ptr.is_null() {
            grew(layout.size());
        }
        ptr
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let ptr = unsafe { System.alloc_zeroed(layout) };
        if !ptr.is_null() {
            grew(layout.size());
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        CURRENT.fetch_sub(layout.size(), Ordering::Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let new = unsafe { System.realloc(ptr, layout, new_size) };
        if !new.is_null() {
            if new_size >= layout.size() {
                grew(new_size - layout.size());
            } else {
                CURRENT.fetch_sub(layout.size() - new_size, Ordering::Relaxed);
            }
        }
        new
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Runs `work` and returns the peak heap above what was live before it.
fn peak_during<R>(work: impl FnOnce() -> R) -> (R, usize) {
    let baseline = CURRENT.load(Ordering::Relaxed);
    PEAK.store(baseline, Ordering::Relaxed);
    let result = work();
    (
        result,
        PEAK.load(Ordering::Relaxed).saturating_sub(baseline),
    )
}

// ------------------------------------------------------------------ server

/// A record shaped like a small Autotask company.
#[derive(Debug, Deserialize)]
#[allow(dead_code)] // decoded to measure decoding, not read
struct Company {
    id: u64,
    #[serde(rename = "companyName")]
    company_name: String,
    city: String,
    phone: String,
    #[serde(rename = "isActive")]
    is_active: bool,
}

fn record(id: usize) -> String {
    format!(
        r#"{{"id":{id},"companyName":"Company {id}","city":"East Greenbush","phone":"555-555-5566","isActive":true}}"#
    )
}

fn records(range: std::ops::Range<usize>) -> String {
    let parts: Vec<String> = range.map(record).collect();
    format!("[{}]", parts.join(","))
}

fn response(extra_headers: &str, body: &str) -> Bytes {
    Bytes::from(format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n{extra_headers}\r\n{body}",
        body.len()
    ))
}

/// Whole HTTP responses, rendered once: `autotask[n]` answers
/// `POST /at/query` (n = 0) or `POST /at/next?page=n`, `connectwise[n]`
/// answers `GET /cw/tickets?page=n+1&pageSize=1000`.
struct Pages {
    autotask: Vec<Bytes>,
    connectwise: Vec<Bytes>,
}

fn render(base: &str) -> Pages {
    let at_pages = RECORDS / AUTOTASK_PAGE;
    let autotask = (0..at_pages)
        .map(|n| {
            let next = if n + 1 < at_pages {
                format!(r#""{base}/at/next?page={}""#, n + 1)
            } else {
                "null".to_owned()
            };
            let items = records(n * AUTOTASK_PAGE..(n + 1) * AUTOTASK_PAGE);
            let body = format!(
                r#"{{"items":{items},"pageDetails":{{"count":{AUTOTASK_PAGE},"requestCount":{AUTOTASK_PAGE},"prevPageUrl":null,"nextPageUrl":{next}}}}}"#
            );
            response("", &body)
        })
        .collect();
    let cw_pages = RECORDS / CONNECTWISE_PAGE;
    let connectwise = (0..cw_pages)
        .map(|n| {
            let page = n + 1;
            let mut link = format!(
                "link: <{base}/cw/tickets?page=1&pageSize={CONNECTWISE_PAGE}>; rel=\"first\""
            );
            if page < cw_pages {
                link.push_str(&format!(
                    ", <{base}/cw/tickets?page={}&pageSize={CONNECTWISE_PAGE}>; rel=\"next\"",
                    page + 1
                ));
            }
            link.push_str("\r\n");
            response(
                &link,
                &records(n * CONNECTWISE_PAGE..page * CONNECTWISE_PAGE),
            )
        })
        .collect();
    Pages {
        autotask,
        connectwise,
    }
}

async fn serve(listener: TcpListener, pages: Arc<Pages>) {
    while let Ok((stream, _)) = listener.accept().await {
        tokio::spawn(connection(stream, Arc::clone(&pages)));
    }
}

/// Serves keep-alive requests on one connection until the client closes it.
async fn connection(mut stream: TcpStream, pages: Arc<Pages>) {
    let mut buffer = Vec::with_capacity(4096);
    let mut chunk = [0u8; 4096];
    loop {
        // Read one request: headers, then a content-length body.
        let (head_end, body_len) = loop {
            if let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
                let head = String::from_utf8_lossy(&buffer[..end]).to_ascii_lowercase();
                let body_len = head
                    .lines()
                    .find_map(|line| line.strip_prefix("content-length:"))
                    .and_then(|value| value.trim().parse::<usize>().ok())
                    .unwrap_or(0);
                break (end + 4, body_len);
            }
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buffer.extend_from_slice(&chunk[..n]),
            }
        };
        while buffer.len() < head_end + body_len {
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buffer.extend_from_slice(&chunk[..n]),
            }
        }
        let request_line = String::from_utf8_lossy(&buffer[..head_end])
            .lines()
            .next()
            .unwrap_or("")
            .to_owned();
        buffer.drain(..head_end + body_len);
        let answer = route(&request_line, &pages);
        if stream.write_all(&answer).await.is_err() {
            return;
        }
    }
}

fn route(request_line: &str, pages: &Pages) -> Bytes {
    let not_found = || Bytes::from_static(b"HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n");
    let mut parts = request_line.split(' ');
    let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    let number = |prefix: &str| {
        target
            .strip_prefix(prefix)
            .and_then(|rest| rest.split('&').next())
            .and_then(|n| n.parse::<usize>().ok())
    };
    let page = match (method, target) {
        ("POST", "/at/query") => pages.autotask.first(),
        ("POST", _) => number("/at/next?page=").and_then(|n| pages.autotask.get(n)),
        ("GET", _) => number("/cw/tickets?page=")
            .and_then(|n| n.checked_sub(1))
            .and_then(|n| pages.connectwise.get(n)),
        _ => None,
    };
    page.cloned().unwrap_or_else(not_found)
}

// ------------------------------------------------------------------ client

const AT_BODY: &[u8] = br#"{"MaxRecords":500,"filter":[{"op":"gte","field":"id","value":0}]}"#;

fn autotask_items(
    transport: &Transport,
    base: &str,
) -> impl futures_core::Stream<Item = Result<Company, Error>> {
    let query = AutotaskQuery::post(&format!("{base}/at/query"), Bytes::from_static(AT_BODY))
        .expect("valid query");
    let transport = transport.clone();
    query.items(move |method: Method, url: Url, body: Option<Bytes>| {
        let transport = transport.clone();
        async move {
            let op = OperationMeta::new(Vendor::Autotask, "Companies_Query", method.clone(), "/at");
            let mut request = transport.client().request(method, url);
            if let Some(body) = body {
                request = request
                    .header("content-type", "application/json")
                    .body(body);
            }
            let request = request.build().expect("request");
            let response = transport.execute(request, op.clone()).await?;
            transport.classify(response, &op).await
        }
    })
}

fn connectwise_items(
    transport: &Transport,
    base: &str,
) -> impl futures_core::Stream<Item = Result<Company, Error>> {
    let transport = transport.clone();
    let url = format!("{base}/cw/tickets");
    CwPaging::new(1000)
        .expect("valid size")
        .items(move |page: CwPage| {
            let transport = transport.clone();
            let request = page
                .apply(transport.client().get(&url))
                .build()
                .expect("request");
            async move {
                let op = OperationMeta::new(Vendor::ConnectWise, "getTickets", Method::GET, "/cw");
                let response = transport.execute(request, op.clone()).await?;
                let headers: HeaderMap = response.headers().clone();
                let body = transport.classify(response, &op).await?;
                let records: Vec<Company> = decode_json(&body, StatusCode::OK, &op)?;
                Ok((records, headers))
            }
        })
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let (base, transport) = runtime.block_on(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("addr"));
        tokio::spawn(serve(listener, Arc::new(render(&base))));
        let transport = Transport::builder()
            .retry_policy(RetryPolicy::builder().max_attempts(1).build())
            .build()
            .expect("transport");
        (base, transport)
    });

    // Warm the connection pool so the memory figure is the steady state.
    let warm = runtime.block_on(count(connectwise_items(&transport, &base)));
    assert_eq!(warm.expect("warm-up"), RECORDS as u64);

    for (name, streamed) in [
        ("autotask 500/page", true),
        ("connectwise 1000/page", false),
    ] {
        let (counted, peak) = peak_during(|| {
            runtime.block_on(async {
                if streamed {
                    count(autotask_items(&transport, &base)).await
                } else {
                    count(connectwise_items(&transport, &base)).await
                }
            })
        });
        assert_eq!(counted.expect("stream"), RECORDS as u64);
        println!(
            "peak heap, streaming 100k records, {name}: {:.2} MiB ({peak} bytes)",
            peak as f64 / (1024.0 * 1024.0)
        );
    }
    let (all, peak) =
        peak_during(|| runtime.block_on(try_collect(autotask_items(&transport, &base))));
    assert_eq!(all.expect("collect").len(), RECORDS);
    println!(
        "peak heap, collecting 100k records into a Vec (for comparison), autotask: {:.2} MiB ({peak} bytes)",
        peak as f64 / (1024.0 * 1024.0)
    );

    let mut criterion = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(4))
        .configure_from_args();
    let mut group = criterion.benchmark_group("stream_100k");
    group.throughput(Throughput::Elements(RECORDS as u64));
    group.bench_function("autotask_500_per_page", |b| {
        b.iter(|| {
            let counted = runtime.block_on(count(autotask_items(&transport, &base)));
            assert_eq!(counted.expect("stream"), RECORDS as u64);
        });
    });
    group.bench_function("connectwise_1000_per_page", |b| {
        b.iter(|| {
            let counted = runtime.block_on(count(connectwise_items(&transport, &base)));
            assert_eq!(counted.expect("stream"), RECORDS as u64);
        });
    });
    group.finish();
    criterion.final_summary();
}
