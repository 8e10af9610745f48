//! Per-call overhead of the full client stack: one ConnectWise `GET /service/tickets/{id}` through psa-clients
//! (generated builder, auth headers, operation lookup, limits, retries policy, classification, typed decode)
//! against the same request made with bare `reqwest` (Basic auth + `clientId`, decoded into the same generated
//! `Ticket`), both against one in-process psa-emulator, measured side by side in one run.
//!
//! `cargo bench --bench overhead` (features `connectwise-service`).

use criterion::Criterion;
use psa_clients::auth::ConnectWiseConfig;
use psa_clients::connectwise::types::Ticket;
use psa_clients::secret::Secret;
use psa_emulator::Emulator;

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime");
    let emulator = runtime
        .block_on(Emulator::start())
        .expect("the emulator starts");
    let c = emulator.credentials().connectwise;
    let config = ConnectWiseConfig::new(
        &c.site,
        c.company.clone(),
        c.public_key.clone(),
        Secret::new(c.private_key.clone()),
        c.client_id.clone(),
    )
    .expect("a site");
    let client = psa_clients::connectwise::Client::builder(config)
        .build()
        .expect("a client");
    // The first call discovers the codebase; the bare request uses what it found.
    let info = runtime
        .block_on(client.company_info())
        .expect("company info");
    let url = format!(
        "{}/{}apis/3.0/service/tickets/1",
        c.site.trim_end_matches('/'),
        info.codebase
    );
    let bare = reqwest::Client::new();
    let user = format!("{}+{}", c.company, c.public_key);

    let mut criterion = Criterion::default().configure_from_args();
    let mut group = criterion.benchmark_group("connectwise get ticket by id");
    group.bench_function("psa-clients", |b| {
        b.iter(|| {
            runtime.block_on(async {
                let ticket = client
                    .service()
                    .get_service_tickets_by_id()
                    .id(1)
                    .send()
                    .await
                    .expect("a ticket")
                    .into_inner();
                assert_eq!(ticket.id, Some(1));
            })
        });
    });
    group.bench_function("bare reqwest", |b| {
        b.iter(|| {
            runtime.block_on(async {
                let body = bare
                    .get(&url)
                    .basic_auth(&user, Some(&c.private_key))
                    .header("clientId", &c.client_id)
                    .send()
                    .await
                    .expect("an answer")
                    .bytes()
                    .await
                    .expect("a body");
                let ticket: Ticket = serde_json::from_slice(&body).expect("a ticket");
                assert_eq!(ticket.id, Some(1));
            })
        });
    });
    group.finish();
    criterion.final_summary();
}
