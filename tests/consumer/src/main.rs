//! One call per vendor through the packaged psa-clients, against a local server this program starts on
//! 127.0.0.1: a ConnectWise ticket list (after codebase discovery) and an Autotask company query (after zone
//! discovery). Exits non-zero if anything is not as a user's program would expect.

use std::error::Error;

use futures_util::TryStreamExt;
use psa_clients::auth::{AutotaskConfig, ConnectWiseConfig};
use psa_clients::autotask::filter::{field, Query};
use psa_clients::autotask::types::CompanyModel;
use psa_clients::connectwise::conditions;
use psa_clients::connectwise::types::Ticket;
use psa_clients::secret::Secret;
use psa_clients::{autotask, connectwise};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn Error>> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    let server_base = base.clone();
    tokio::spawn(async move {
        // Bounded: a handful of requests are expected.
        for _ in 0..32 {
            let Ok((stream, _)) = listener.accept().await else { break };
            let base = server_base.clone();
            tokio::spawn(async move {
                let _ = answer(stream, &base).await;
            });
        }
    });

    let cw = connectwise::Client::builder(ConnectWiseConfig::new(
        &base,
        "acme",
        "public",
        Secret::new("private"),
        "client-id",
    )?)
    .build()?;
    let open = conditions::field(Ticket::fields().board().name()).eq("Help Desk");
    let tickets: Vec<Ticket> = cw
        .service()
        .get_service_tickets()
        .conditions(open)
        .send()
        .await?
        .into_inner();
    let summaries: Vec<_> = tickets.iter().filter_map(|t| t.summary.as_deref()).collect();
    if summaries != ["Printer on fire"] {
        return Err(format!("unexpected tickets {summaries:?}").into());
    }
    println!("connectwise: {summaries:?} (from {}, reviewed: {})", connectwise::SPEC.file, connectwise::SPEC.reviewed);

    let at = autotask::Client::builder(
        AutotaskConfig::new("api@acme.example", Secret::new("secret"), Secret::new("CODE"))
            .with_discovery_url(format!("{base}/discovery").parse()?),
    )
    .build()?;
    let active = Query::builder()
        .filter(field(CompanyModel::fields().is_active()).eq(true))
        .build()?;
    let companies: Vec<CompanyModel> = at.query(&active).try_collect().await?;
    let names: Vec<_> = companies.iter().filter_map(|c| c.company_name.as_deref()).collect();
    if names != ["Acme"] {
        return Err(format!("unexpected companies {names:?}").into());
    }
    println!("autotask: {names:?} (from {}, reviewed: {})", autotask::SPEC.file, autotask::SPEC.reviewed);
    Ok(())
}

/// Reads one request and answers it as the vendor would, then closes the connection.
async fn answer(mut stream: TcpStream, base: &str) -> std::io::Result<()> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            return Ok(());
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let content_length: usize = head
        .lines()
        .find_map(|l| {
            let (name, value) = l.split_once(':')?;
            name.eq_ignore_ascii_case("content-length").then(|| value.trim().parse().ok())?
        })
        .unwrap_or(0);
    while buf.len() < head_end + content_length {
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            break;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    let mut words = head.split_whitespace();
    let (method, target) = (words.next().unwrap_or(""), words.next().unwrap_or(""));
    let path = target.split('?').next().unwrap_or("");
    let (status, body) = match (method, path) {
        ("GET", "/login/companyinfo/acme") => ("200 OK", r#"{"Codebase":"v2025_1/","VersionNumber":"v2025.1"}"#.to_owned()),
        ("GET", "/v2025_1/apis/3.0/service/tickets") => {
            ("200 OK", r#"[{"id":1,"summary":"Printer on fire","board":{"id":1,"name":"Help Desk"}}]"#.to_owned())
        }
        ("GET", "/discovery/v1.0/zoneInformation") => {
            ("200 OK", format!(r#"{{"zoneName":"Test","url":"{base}/zone/atservicesrest/"}}"#))
        }
        ("POST", "/zone/atservicesrest/V1.0/Companies/query") => (
            "200 OK",
            r#"{"items":[{"id":1,"companyName":"Acme","isActive":true}],"pageDetails":{"count":1,"requestCount":500,"prevPageUrl":null,"nextPageUrl":null}}"#.to_owned(),
        ),
        _ => ("404 Not Found", r#"{"code":"NotFound","message":"no such route"}"#.to_owned()),
    };
    let response = format!(
        "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(response.as_bytes()).await?;
    stream.shutdown().await
}
