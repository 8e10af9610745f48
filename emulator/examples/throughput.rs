//! Requests per second the emulator serves: `cargo run -p psa-emulator --release --example throughput`.
//! Client and server run in the same process (the client's work counts against the same cores), 32
//! keep-alive callers, 3 s per request kind.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use psa_emulator::{Emulator, Options};
use reqwest::{Client, RequestBuilder};

const CALLERS: usize = 32;
const SECONDS: u64 = 3;

async fn measure(name: &str, make: Arc<dyn Fn() -> RequestBuilder + Send + Sync>) -> f64 {
    let done = Arc::new(AtomicU64::new(0));
    let failed = Arc::new(AtomicU64::new(0));
    let until = Instant::now() + Duration::from_secs(SECONDS);
    let mut tasks = Vec::new();
    for _ in 0..CALLERS {
        let (make, done, failed) = (Arc::clone(&make), Arc::clone(&done), Arc::clone(&failed));
        tasks.push(tokio::spawn(async move {
            while Instant::now() < until {
                match make().send().await {
                    Ok(response) if response.status().is_success() => {
                        let _ = response.bytes().await;
                        done.fetch_add(1, Ordering::Relaxed);
                    }
                    _ => {
                        failed.fetch_add(1, Ordering::Relaxed);
                    }
                }
            }
        }));
    }
    for task in tasks {
        let _ = task.await;
    }
    let rate = done.load(Ordering::Relaxed) as f64 / SECONDS as f64;
    println!(
        "{name:<48} {rate:>8.0} requests/s ({} failed)",
        failed.load(Ordering::Relaxed)
    );
    rate
}

#[tokio::main]
async fn main() {
    let emulator = Emulator::start_with(Options {
        autotask_thread_limit: None,
        ..Options::default()
    })
    .await
    .expect("emulator starts");
    let client = Client::new();
    let base = emulator.base_url().to_owned();
    let cw = emulator.credentials().connectwise;
    let auth = psa_emulator::connectwise::basic(&cw.company, &cw.public_key, &cw.private_key);
    let (c, b, a, id) = (
        client.clone(),
        base.clone(),
        auth.clone(),
        cw.client_id.clone(),
    );
    let _ = measure(
        "ConnectWise GET /service/tickets/{id}",
        Arc::new(move || {
            c.get(format!("{b}/v2022_1/apis/3.0/service/tickets/7"))
                .header("authorization", &a)
                .header("clientid", &id)
        }),
    )
    .await;
    let (c, b, a, id) = (
        client.clone(),
        base.clone(),
        auth.clone(),
        cw.client_id.clone(),
    );
    let _ = measure(
        "ConnectWise GET /service/tickets (25, conditions)",
        Arc::new(move || {
            c.get(format!("{b}/v2022_1/apis/3.0/service/tickets"))
                .query(&[("conditions", "closedFlag = false")])
                .header("authorization", &a)
                .header("clientid", &id)
        }),
    )
    .await;
    let at = emulator.credentials().autotask;
    let c = client.clone();
    let _ = measure(
        "Autotask POST /Tickets/query (MaxRecords 25)",
        Arc::new(move || {
            c.post(format!("{}/V1.0/Tickets/query", at.zone_url))
                .header("UserName", &at.username)
                .header("Secret", &at.secret)
                .header("ApiIntegrationCode", &at.integration_code)
                .header("content-type", "application/json")
                .body(r#"{"MaxRecords":25,"filter":[{"op":"gte","field":"id","value":0}]}"#)
        }),
    )
    .await;
    let big = Emulator::start_with(Options {
        tickets: 5000,
        ..Options::default()
    })
    .await
    .expect("emulator starts");
    let (c, b, a, id) = (
        client.clone(),
        big.base_url().to_owned(),
        auth.clone(),
        cw.client_id.clone(),
    );
    let rate = measure(
        "ConnectWise GET /service/tickets?pageSize=1000",
        Arc::new(move || {
            c.get(format!("{b}/v2022_1/apis/3.0/service/tickets"))
                .query(&[("pageSize", "1000"), ("page", "2")])
                .header("authorization", &a)
                .header("clientid", &id)
        }),
    )
    .await;
    println!(
        "{:<48} {:>8.0} records/s",
        "  = ConnectWise tickets served",
        rate * 1000.0
    );
    let (c, b) = (client.clone(), base.clone());
    let _ = measure(
        "spec-driven example (GET /system/info)",
        Arc::new(move || {
            c.get(format!("{b}/v2022_1/apis/3.0/system/info"))
                .header("authorization", &auth)
                .header("clientid", &cw.client_id)
        }),
    )
    .await;
}
