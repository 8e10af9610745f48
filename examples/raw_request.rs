//! Raw requests: any method and path under the API base, for an endpoint or field the vendor document lacks, with
//! the vendor's auth, retries, limits and typed errors still applied.
//!
//! ```text
//! cargo run --example raw_request              # all three, against the in-process psa-emulator
//! cargo run --example raw_request autotask     # one vendor (bms, connectwise, autotask)
//! ```

#[path = "support/mod.rs"]
mod support;

use reqwest::Method;
use serde::Deserialize;
use support::Result;

#[tokio::main]
async fn main() -> Result<()> {
    if support::wants("bms") {
        bms().await?;
    }
    if support::wants("connectwise") {
        connectwise().await?;
    }
    if support::wants("autotask") {
        autotask().await?;
    }
    Ok(())
}

/// Kaseya BMS: a GET with query parameters, read as JSON (`send_value`). The envelope is the vendor's own.
async fn bms() -> Result<()> {
    let bms = support::bms().await?;
    let page = bms
        .client
        .raw(Method::GET, "/v2/servicedesk/tickets")
        .query("PageNumber", "1")
        .query("PageSize", "5")
        .send_value()
        .await?;
    let titles: Vec<&str> = page["result"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|t| t["title"].as_str())
        .collect();
    println!("Kaseya BMS ({}): first tickets {titles:?}", bms.label());
    Ok(())
}

/// ConnectWise PSA: a GET decoded into your own type (`send::<T>`), with a header of your own.
async fn connectwise() -> Result<()> {
    /// Only the fields this integration reads.
    #[derive(Debug, Deserialize)]
    struct Board {
        id: i64,
        name: String,
    }
    let cw = support::connectwise().await?;
    let boards: Vec<Board> = cw
        .client
        .raw(Method::GET, "/service/boards")
        .query("pageSize", "10")
        .query("fields", "id,name")
        .header("pagination-type", "forward-only")
        .send()
        .await?;
    let names: Vec<String> = boards
        .iter()
        .map(|b| format!("{} {}", b.id, b.name))
        .collect();
    println!("ConnectWise PSA ({}): boards {names:?}", cw.label());
    Ok(())
}

/// Autotask PSA: a query POST with your own JSON body. `read_only()` tells the transport it may retry it like a
/// GET (a POST is otherwise never re-sent when its outcome is unknown).
async fn autotask() -> Result<()> {
    let at = support::autotask().await?;
    let customers = at
        .client
        .raw(Method::POST, "/V1.0/Companies/query")
        .json(&serde_json::json!({
            "MaxRecords": 5,
            "IncludeFields": ["id", "companyName"],
            "filter": [{"op": "eq", "field": "companyType", "value": 1}]
        }))
        .read_only()
        .send_value()
        .await?;
    let names: Vec<&str> = customers["items"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|c| c["companyName"].as_str())
        .collect();
    println!("Autotask PSA ({}): customers {names:?}", at.label());
    Ok(())
}
