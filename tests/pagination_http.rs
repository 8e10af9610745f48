//! The pagers against real HTTP servers on 127.0.0.1: every page is sent
//! through [`Transport`] by the closures a client would write.

mod common;

use std::future::Future;

use bytes::Bytes;
use common::{exact_policy, transport};
use futures_util::{StreamExt, TryStreamExt};
use psa_clients::pagination::autotask::AutotaskQuery;
use psa_clients::pagination::bms::{BmsPaging, PagedResponse};
use psa_clients::pagination::connectwise::{CwPage, CwPaging};
use psa_clients::pagination::{
    collect_at_most, count, count_pages, try_collect, Capped, PageCount,
};
use psa_clients::transport::{decode_json, OperationMeta, Transport, Vendor};
use psa_clients::Error;
use reqwest::header::{HeaderMap, CONTENT_TYPE};
use reqwest::{Method, StatusCode, Url};
use serde::Deserialize;
use serde_json::{json, Value};
use wiremock::matchers::{body_string, header, method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[derive(Debug, Deserialize, PartialEq)]
struct Record {
    id: u64,
}

/// What a fetch closure returns: a boxed future, so the helpers can name it.
type Fetching<T> = std::pin::Pin<Box<dyn Future<Output = Result<T, Error>> + Send>>;

fn records(ids: impl IntoIterator<Item = u64>) -> Vec<Value> {
    ids.into_iter().map(|id| json!({ "id": id })).collect()
}

fn ids(items: &[Record]) -> Vec<u64> {
    items.iter().map(|record| record.id).collect()
}

/// Requests the server received for `at`, as (method, query, body).
async fn requests_to(server: &MockServer, at: &str) -> Vec<(Method, String, String)> {
    server
        .received_requests()
        .await
        .expect("request recording is on")
        .into_iter()
        .filter(|request| request.url.path() == at)
        .map(|request| {
            (
                Method::from_bytes(request.method.as_str().as_bytes()).expect("method"),
                request.url.query().unwrap_or("").to_owned(),
                String::from_utf8_lossy(&request.body).into_owned(),
            )
        })
        .collect()
}

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/../shared/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|err| panic!("{path}: {err}"))
}

// ---------------------------------------------------------------- Autotask

const AT_QUERY: &str = "/ATServicesRest/V1.0/Companies/query";
const AT_NEXT: &str = "/ATServicesRest/V1.0/Companies/query/next";
const AT_BODY: &str = r#"{"MaxRecords":2,"filter":[{"op":"eq","field":"isActive","value":true}]}"#;

/// Sends one Autotask request the way a client would.
fn autotask_fetch(
    transport: &Transport,
) -> impl FnMut(Method, Url, Option<Bytes>) -> Fetching<Bytes> {
    let transport = transport.clone();
    move |method, url, body| {
        let transport = transport.clone();
        Box::pin(async move {
            let op = OperationMeta::new(
                Vendor::Autotask,
                "Companies_Query",
                method.clone(),
                AT_QUERY,
            );
            let mut request = transport.client().request(method, url);
            if let Some(body) = body {
                request = request.header(CONTENT_TYPE, "application/json").body(body);
            }
            let response = transport
                .execute(request.build().expect("request"), op.clone())
                .await?;
            transport.classify(response, &op).await
        })
    }
}

fn at_page(uri: &str, ids: std::ops::RangeInclusive<u64>, next: Option<u32>) -> ResponseTemplate {
    let items = records(ids);
    let next = next.map(|n| format!("{uri}{AT_NEXT}?paging=p{n}"));
    ResponseTemplate::new(200).set_body_json(json!({
        "items": items,
        "pageDetails": {"count": items.len(), "requestCount": 2, "prevPageUrl": null, "nextPageUrl": next}
    }))
}

/// Serves a POST query whose page n (from 1) is `pages(uri)[n - 1]`, pages
/// after the first under `?paging=p{n}`, each only for the exact body; any
/// GET answers 405 with the live API's body.
async fn autotask_server(pages: impl FnOnce(&str) -> Vec<ResponseTemplate>) -> MockServer {
    let server = MockServer::start().await;
    for (index, page) in pages(&server.uri()).into_iter().enumerate() {
        let mock = if index == 0 {
            Mock::given(path(AT_QUERY))
        } else {
            Mock::given(path(AT_NEXT)).and(query_param("paging", format!("p{}", index + 1)))
        };
        mock.and(method("POST"))
            .and(header("content-type", "application/json"))
            .and(body_string(AT_BODY))
            .respond_with(page)
            .mount(&server)
            .await;
    }
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(405).set_body_raw(
            fixture("autotask/error_405_method_not_supported.json"),
            "application/json",
        ))
        .mount(&server)
        .await;
    server
}

fn at_query(server: &MockServer) -> AutotaskQuery {
    AutotaskQuery::post(
        &format!("{}{AT_QUERY}", server.uri()),
        Bytes::from_static(AT_BODY.as_bytes()),
    )
    .expect("valid query")
}

#[tokio::test]
async fn autotask_next_pages_are_posted_with_the_identical_body() {
    let (transport, _clock) = transport(exact_policy(1));
    let server = autotask_server(|uri| {
        vec![
            at_page(uri, 1..=2, Some(2)),
            at_page(uri, 3..=4, Some(3)),
            at_page(uri, 5..=5, None),
        ]
    })
    .await;

    let items: Vec<Record> = try_collect(at_query(&server).items(autotask_fetch(&transport)))
        .await
        .expect("all pages");
    assert_eq!(ids(&items), [1, 2, 3, 4, 5]);

    assert_eq!(
        requests_to(&server, AT_QUERY).await,
        [(Method::POST, String::new(), AT_BODY.to_owned())]
    );
    assert_eq!(
        requests_to(&server, AT_NEXT).await,
        [
            (Method::POST, "paging=p2".to_owned(), AT_BODY.to_owned()),
            (Method::POST, "paging=p3".to_owned(), AT_BODY.to_owned()),
        ]
    );
}

#[tokio::test]
async fn autotask_get_to_a_post_next_page_url_is_refused_by_the_mock() {
    // Guards the test above: the mock really rejects what a naive pager does.
    let server =
        autotask_server(|uri| vec![at_page(uri, 1..=2, Some(2)), at_page(uri, 3..=3, None)]).await;
    let response = reqwest::get(format!("{}{AT_NEXT}?paging=p2", server.uri()))
        .await
        .expect("response");
    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
}

#[tokio::test]
async fn autotask_empty_result_is_one_request() {
    let (transport, _clock) = transport(exact_policy(1));
    let server = autotask_server(|_| {
        vec![ResponseTemplate::new(200)
            .set_body_raw(fixture("autotask/empty_query.json"), "application/json")]
    })
    .await;
    let pages = count_pages(at_query(&server).pages::<Record, _, _>(autotask_fetch(&transport)))
        .await
        .expect("empty result");
    assert_eq!(pages, PageCount { pages: 1, items: 0 });
    assert_eq!(server.received_requests().await.expect("recorded").len(), 1);
}

#[tokio::test]
async fn autotask_last_page_exactly_full_ends_on_null_next_url() {
    let (transport, _clock) = transport(exact_policy(1));
    let server =
        autotask_server(|uri| vec![at_page(uri, 1..=2, Some(2)), at_page(uri, 3..=4, None)]).await;
    let pages: Vec<_> = at_query(&server)
        .pages::<Record, _, _>(autotask_fetch(&transport))
        .collect()
        .await;
    let pages: Vec<_> = pages.into_iter().map(|page| page.expect("page")).collect();
    assert_eq!(pages.len(), 2);
    assert_eq!(ids(&pages[1].items), [3, 4]);
    assert!(!pages[0].is_last && pages[1].is_last);
    assert_eq!(server.received_requests().await.expect("recorded").len(), 2);
}

#[tokio::test]
async fn autotask_real_fixture_as_last_page() {
    let (transport, _clock) = transport(exact_policy(1));
    let server = autotask_server(|uri| {
        vec![
            at_page(uri, 1..=2, Some(2)),
            ResponseTemplate::new(200)
                .set_body_raw(fixture("autotask/companies_query.json"), "application/json"),
        ]
    })
    .await;
    let items: Vec<Record> = try_collect(at_query(&server).items(autotask_fetch(&transport)))
        .await
        .expect("all pages");
    assert_eq!(ids(&items), [1, 2, 174]);
}

#[tokio::test]
async fn autotask_server_error_on_page_two_is_yielded_then_the_stream_ends() {
    let (transport, _clock) = transport(exact_policy(1));
    let server = autotask_server(|uri| {
        vec![
            at_page(uri, 1..=2, Some(2)),
            ResponseTemplate::new(500).set_body_raw(
                fixture("autotask/error_500_validation_reference.json"),
                "application/json",
            ),
            at_page(uri, 5..=6, None),
        ]
    })
    .await;
    let results: Vec<Result<Record, Error>> = at_query(&server)
        .items(autotask_fetch(&transport))
        .collect()
        .await;
    assert_eq!(results.len(), 3, "{results:?}");
    assert_eq!(results[0].as_ref().expect("record 1").id, 1);
    assert_eq!(results[1].as_ref().expect("record 2").id, 2);
    let err = results[2].as_ref().expect_err("page 2 fails");
    assert_eq!(err.status(), Some(StatusCode::INTERNAL_SERVER_ERROR));
    assert!(matches!(err, Error::Vendor { .. }), "{err:?}");
    assert_eq!(server.received_requests().await.expect("recorded").len(), 2);
}

/// `collect_at_most` over the Autotask pager: the number of requests it took and what it returned.
async fn autotask_capped(server: &MockServer, max: usize) -> (Capped<Record>, usize) {
    let (transport, _clock) = transport(exact_policy(1));
    let before = server.received_requests().await.expect("recorded").len();
    let capped = collect_at_most(at_query(server).pages(autotask_fetch(&transport)), max)
        .await
        .expect("capped");
    let after = server.received_requests().await.expect("recorded").len();
    (capped, after - before)
}

#[tokio::test]
async fn autotask_cap_stops_fetching_and_says_what_was_left_behind() {
    let server = autotask_server(|uri| {
        vec![
            at_page(uri, 1..=2, Some(2)),
            at_page(uri, 3..=4, Some(3)),
            at_page(uri, 5..=6, None),
        ]
    })
    .await;
    // The cap falls inside page 2: truncated, known without page 3.
    let (capped, requests) = autotask_capped(&server, 3).await;
    assert_eq!(
        (ids(&capped.items), capped.truncated, requests),
        (vec![1, 2, 3], true, 2)
    );
    // At the end of a page that has a next page: only the next page can tell, and it is fetched.
    let (capped, requests) = autotask_capped(&server, 2).await;
    assert_eq!(
        (ids(&capped.items), capped.truncated, requests),
        (vec![1, 2], true, 2)
    );
    // Exactly everything, and more room than records: not truncated, no extra request.
    let (capped, requests) = autotask_capped(&server, 6).await;
    assert_eq!(
        (ids(&capped.items), capped.truncated, requests),
        (vec![1, 2, 3, 4, 5, 6], false, 3)
    );
    let (capped, requests) = autotask_capped(&server, 100).await;
    assert_eq!(
        (capped.items.len(), capped.truncated, requests),
        (6, false, 3)
    );
}

#[tokio::test]
async fn autotask_streams_are_lazy() {
    let (transport, _clock) = transport(exact_policy(1));
    let server = autotask_server(|uri| vec![at_page(uri, 1..=2, None)]).await;
    let stream = at_query(&server).items::<Record, _, _>(autotask_fetch(&transport));
    tokio::task::yield_now().await;
    assert_eq!(server.received_requests().await.expect("recorded").len(), 0);
    assert_eq!(count(stream).await.expect("counted"), 2);
    assert_eq!(server.received_requests().await.expect("recorded").len(), 1);
}

// -------------------------------------------------------------- ConnectWise

const CW_PATH: &str = "/v4_6_release/apis/3.0/service/tickets";
const CW_CONDITIONS: &str = "board/id=1 and closedFlag=false";

fn connectwise_fetch(
    transport: &Transport,
    base: &str,
) -> impl FnMut(CwPage) -> Fetching<(Vec<Record>, HeaderMap)> {
    let transport = transport.clone();
    let url = format!("{base}{CW_PATH}");
    move |page| {
        let transport = transport.clone();
        // The same conditions on every page: that is what the pager is for.
        let request = transport
            .client()
            .get(&url)
            .query(&[("conditions", CW_CONDITIONS), ("orderBy", "id asc")]);
        let request = page.apply(request).build().expect("request");
        Box::pin(async move {
            let op = OperationMeta::new(
                Vendor::ConnectWise,
                "getServiceTickets",
                Method::GET,
                CW_PATH,
            );
            let response = transport.execute(request, op.clone()).await?;
            let headers = response.headers().clone();
            let body = transport.classify(response, &op).await?;
            Ok((decode_json(&body, StatusCode::OK, &op)?, headers))
        })
    }
}

fn cw_link(uri: &str, rels: &[(&str, &str)]) -> String {
    rels.iter()
        .map(|(rel, query)| {
            format!("<{uri}{CW_PATH}?conditions=board%2Fid%3D1&{query}>; rel=\"{rel}\"")
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn cw_page(ids: std::ops::RangeInclusive<u64>) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(records(ids))
}

/// Mounts `template` for navigable page `page` with the conditions.
async fn mount_cw(server: &MockServer, page: u32, template: ResponseTemplate) {
    Mock::given(method("GET"))
        .and(path(CW_PATH))
        .and(query_param("conditions", CW_CONDITIONS))
        .and(query_param("orderBy", "id asc"))
        .and(query_param("page", page.to_string()))
        .and(query_param("pageSize", "2"))
        .and(query_param_is_missing("pageId"))
        .respond_with(template)
        .mount(server)
        .await;
}

fn cw_queries(requests: &[(Method, String, String)]) -> Vec<Vec<(String, String)>> {
    requests
        .iter()
        .map(|(method, query, _)| {
            assert_eq!(*method, Method::GET);
            let url = Url::parse(&format!("http://query.invalid/?{query}")).expect("query");
            url.query_pairs().into_owned().collect()
        })
        .collect()
}

#[tokio::test]
async fn connectwise_follows_link_next_and_sends_conditions_on_every_page() {
    let (transport, _clock) = transport(exact_policy(1));
    let server = MockServer::start().await;
    let uri = server.uri();
    // Page 1 names page 3 as next (not page 2), so following the link and
    // counting pages give different requests.
    let link = cw_link(
        &uri,
        &[("next", "page=3&pageSize=2"), ("last", "page=4&pageSize=2")],
    );
    mount_cw(&server, 1, cw_page(1..=2).insert_header("Link", link)).await;
    mount_cw(&server, 2, cw_page(90..=91)).await;
    let link = cw_link(
        &uri,
        &[("prev", "page=1&pageSize=2"), ("next", "page=4&pageSize=2")],
    );
    mount_cw(&server, 3, cw_page(3..=4).insert_header("Link", link)).await;
    // The last page is full; only the Link header without `next` ends it.
    let link = cw_link(
        &uri,
        &[
            ("first", "page=1&pageSize=2"),
            ("prev", "page=3&pageSize=2"),
        ],
    );
    mount_cw(&server, 4, cw_page(5..=6).insert_header("Link", link)).await;
    mount_cw(&server, 5, cw_page(92..=93)).await;

    let items = try_collect(
        CwPaging::new(2)
            .expect("size")
            .items(connectwise_fetch(&transport, &uri)),
    )
    .await
    .expect("all pages");
    assert_eq!(ids(&items), [1, 2, 3, 4, 5, 6]);

    let queries = cw_queries(&requests_to(&server, CW_PATH).await);
    let expected = |page: &str| {
        vec![
            ("conditions".to_owned(), CW_CONDITIONS.to_owned()),
            ("orderBy".to_owned(), "id asc".to_owned()),
            ("page".to_owned(), page.to_owned()),
            ("pageSize".to_owned(), "2".to_owned()),
        ]
    };
    assert_eq!(queries, [expected("1"), expected("3"), expected("4")]);
}

#[tokio::test]
async fn connectwise_without_link_a_full_page_means_more() {
    let (transport, _clock) = transport(exact_policy(1));
    let server = MockServer::start().await;
    mount_cw(&server, 1, cw_page(1..=2)).await;
    mount_cw(&server, 2, cw_page(3..=4)).await;
    mount_cw(&server, 3, cw_page(5..=5)).await;
    mount_cw(&server, 4, cw_page(90..=90)).await;
    let items = try_collect(
        CwPaging::new(2)
            .expect("size")
            .items(connectwise_fetch(&transport, &server.uri())),
    )
    .await
    .expect("all pages");
    assert_eq!(ids(&items), [1, 2, 3, 4, 5]);
    assert_eq!(requests_to(&server, CW_PATH).await.len(), 3);
}

#[tokio::test]
async fn connectwise_last_page_exactly_full_without_link_costs_one_empty_request() {
    let (transport, _clock) = transport(exact_policy(1));
    let server = MockServer::start().await;
    mount_cw(&server, 1, cw_page(1..=2)).await;
    mount_cw(&server, 2, cw_page(3..=4)).await;
    mount_cw(
        &server,
        3,
        ResponseTemplate::new(200).set_body_json(json!([])),
    )
    .await;
    mount_cw(&server, 4, cw_page(90..=90)).await;
    let pages: Vec<_> = CwPaging::new(2)
        .expect("size")
        .pages(connectwise_fetch(&transport, &server.uri()))
        .collect()
        .await;
    let lengths: Vec<usize> = pages
        .iter()
        .map(|page| page.as_ref().expect("page").items.len())
        .collect();
    assert_eq!(lengths, [2, 2, 0]);
    assert_eq!(requests_to(&server, CW_PATH).await.len(), 3);
}

#[tokio::test]
async fn connectwise_empty_result_is_one_request() {
    let (transport, _clock) = transport(exact_policy(1));
    let server = MockServer::start().await;
    mount_cw(
        &server,
        1,
        ResponseTemplate::new(200).set_body_json(json!([])),
    )
    .await;
    mount_cw(&server, 2, cw_page(90..=91)).await;
    let counted = count(
        CwPaging::new(2)
            .expect("size")
            .items(connectwise_fetch(&transport, &server.uri())),
    )
    .await
    .expect("empty");
    assert_eq!(counted, 0);
    assert_eq!(requests_to(&server, CW_PATH).await.len(), 1);
}

#[tokio::test]
async fn connectwise_server_error_on_page_two_is_yielded_then_the_stream_ends() {
    let (transport, _clock) = transport(exact_policy(1));
    let server = MockServer::start().await;
    mount_cw(&server, 1, cw_page(1..=2)).await;
    mount_cw(
        &server,
        2,
        ResponseTemplate::new(500).set_body_raw(
            fixture("connectwise/error_500_timeout.json"),
            "application/json",
        ),
    )
    .await;
    mount_cw(&server, 3, cw_page(5..=5)).await;
    let results: Vec<Result<Record, Error>> = CwPaging::new(2)
        .expect("size")
        .items(connectwise_fetch(&transport, &server.uri()))
        .collect()
        .await;
    assert_eq!(results.len(), 3, "{results:?}");
    assert_eq!(results[0].as_ref().expect("record 1").id, 1);
    assert_eq!(results[1].as_ref().expect("record 2").id, 2);
    let err = results[2].as_ref().expect_err("page 2 fails");
    assert_eq!(err.status(), Some(StatusCode::INTERNAL_SERVER_ERROR));
    assert_eq!(requests_to(&server, CW_PATH).await.len(), 2);
}

#[tokio::test]
async fn connectwise_cap_stops_fetching_and_says_what_was_left_behind() {
    let (transport, _clock) = transport(exact_policy(1));
    let server = MockServer::start().await;
    mount_cw(&server, 1, cw_page(1..=2)).await;
    mount_cw(&server, 2, cw_page(3..=4)).await;
    mount_cw(&server, 3, cw_page(5..=5)).await;
    let capped = |max| {
        collect_at_most(
            CwPaging::new(2)
                .expect("size")
                .pages(connectwise_fetch(&transport, &server.uri())),
            max,
        )
    };
    let cut = capped(3).await.expect("capped");
    assert_eq!((ids(&cut.items), cut.truncated), (vec![1, 2, 3], true));
    assert_eq!(requests_to(&server, CW_PATH).await.len(), 2);
    // A full page without a Link header may have a next page: page 3 is fetched to find out.
    let cut = capped(4).await.expect("capped");
    assert_eq!((ids(&cut.items), cut.truncated), (vec![1, 2, 3, 4], true));
    assert_eq!(requests_to(&server, CW_PATH).await.len(), 5);
    // Page 3 is short, so the pager knows it is the last one: everything, not truncated.
    let all = capped(5).await.expect("capped");
    assert_eq!(
        (ids(&all.items), all.truncated),
        (vec![1, 2, 3, 4, 5], false)
    );
    assert_eq!(requests_to(&server, CW_PATH).await.len(), 8);
}

#[tokio::test]
async fn connectwise_forward_only_sends_the_header_and_the_page_id_from_link() {
    let (transport, _clock) = transport(exact_policy(1));
    let server = MockServer::start().await;
    let uri = server.uri();
    let forward = |page_id: Option<&str>| {
        let mock = Mock::given(method("GET"))
            .and(path(CW_PATH))
            .and(header("pagination-type", "forward-only"))
            .and(query_param("conditions", CW_CONDITIONS))
            .and(query_param("pageSize", "2"))
            .and(query_param_is_missing("page"));
        match page_id {
            Some(id) => mock.and(query_param("pageId", id)),
            None => mock.and(query_param_is_missing("pageId")),
        }
    };
    forward(None)
        .respond_with(
            cw_page(1..=2).insert_header("Link", cw_link(&uri, &[("next", "pageSize=2&pageId=2")])),
        )
        .mount(&server)
        .await;
    forward(Some("2"))
        .respond_with(
            cw_page(3..=4).insert_header("Link", cw_link(&uri, &[("next", "pageSize=2&pageId=4")])),
        )
        .mount(&server)
        .await;
    // Forward-only answers the last page with a Link header that has no next.
    forward(Some("4"))
        .respond_with(
            cw_page(5..=6).insert_header("Link", cw_link(&uri, &[("first", "pageSize=2")])),
        )
        .mount(&server)
        .await;

    let paging = CwPaging::new(2).expect("size").forward_only();
    let items = try_collect(paging.items(connectwise_fetch(&transport, &uri)))
        .await
        .expect("all pages");
    assert_eq!(ids(&items), [1, 2, 3, 4, 5, 6]);
    let page_ids: Vec<Option<String>> = cw_queries(&requests_to(&server, CW_PATH).await)
        .into_iter()
        .map(|query| {
            query
                .into_iter()
                .find(|(name, _)| name == "pageId")
                .map(|(_, id)| id)
        })
        .collect();
    assert_eq!(page_ids, [None, Some("2".to_owned()), Some("4".to_owned())]);
}

// ---------------------------------------------------------------- Kaseya BMS

const BMS_PATH: &str = "/v2/crm/accounts/lookup";

fn bms_fetch(
    transport: &Transport,
    base: &str,
) -> impl FnMut(u32, u32) -> Fetching<(Vec<Record>, Option<u64>)> {
    let transport = transport.clone();
    let url = format!("{base}{BMS_PATH}");
    move |page_number, page_size| {
        let transport = transport.clone();
        let request = transport
            .client()
            .get(&url)
            .query(&[("PageNumber", page_number), ("PageSize", page_size)])
            .build()
            .expect("request");
        Box::pin(async move {
            let op = OperationMeta::new(Vendor::Bms, "accountsLookup", Method::GET, BMS_PATH);
            let response = transport.execute(request, op.clone()).await?;
            let body = transport.classify(response, &op).await?;
            let envelope: PagedResponse<Record> = decode_json(&body, StatusCode::OK, &op)?;
            Ok(envelope.into_parts())
        })
    }
}

fn bms_page(ids: impl IntoIterator<Item = u64>, total: Option<u64>) -> ResponseTemplate {
    let mut body = json!({"Success": true, "Error": null, "Result": records(ids)});
    if let Some(total) = total {
        body["TotalRecords"] = json!(total);
    }
    ResponseTemplate::new(200).set_body_json(body)
}

async fn mount_bms(server: &MockServer, page: u32, template: ResponseTemplate) {
    Mock::given(method("GET"))
        .and(path(BMS_PATH))
        .and(query_param("PageNumber", page.to_string()))
        .and(query_param("PageSize", "2"))
        .respond_with(template)
        .mount(server)
        .await;
}

async fn bms_run(server: &MockServer) -> (Result<Vec<Record>, Error>, usize) {
    let (transport, _clock) = transport(exact_policy(1));
    let result = try_collect(
        BmsPaging::new(2)
            .expect("size")
            .items(bms_fetch(&transport, &server.uri())),
    )
    .await;
    (result, requests_to(server, BMS_PATH).await.len())
}

#[tokio::test]
async fn bms_three_pages_stop_at_total_records() {
    let server = MockServer::start().await;
    mount_bms(&server, 1, bms_page(1..=2, Some(5))).await;
    mount_bms(&server, 2, bms_page(3..=4, Some(5))).await;
    mount_bms(&server, 3, bms_page(5..=5, Some(5))).await;
    mount_bms(&server, 4, bms_page(90..=91, Some(5))).await;
    let (result, requests) = bms_run(&server).await;
    assert_eq!(ids(&result.expect("all pages")), [1, 2, 3, 4, 5]);
    assert_eq!(requests, 3);
}

#[tokio::test]
async fn bms_last_page_exactly_full_stops_at_total_without_another_request() {
    let server = MockServer::start().await;
    mount_bms(&server, 1, bms_page(1..=2, Some(4))).await;
    mount_bms(&server, 2, bms_page(3..=4, Some(4))).await;
    mount_bms(&server, 3, bms_page(90..=91, Some(4))).await;
    let (result, requests) = bms_run(&server).await;
    assert_eq!(ids(&result.expect("all pages")), [1, 2, 3, 4]);
    assert_eq!(requests, 2);
}

#[tokio::test]
async fn bms_without_total_stops_at_an_empty_page() {
    let server = MockServer::start().await;
    mount_bms(&server, 1, bms_page(1..=2, None)).await;
    mount_bms(&server, 2, bms_page(3..=4, None)).await;
    mount_bms(
        &server,
        3,
        ResponseTemplate::new(200).set_body_json(json!({"Success": true, "Result": null})),
    )
    .await;
    mount_bms(&server, 4, bms_page(90..=91, None)).await;
    let (result, requests) = bms_run(&server).await;
    assert_eq!(ids(&result.expect("all pages")), [1, 2, 3, 4]);
    assert_eq!(requests, 3);
}

#[tokio::test]
async fn bms_empty_result_is_one_request() {
    let server = MockServer::start().await;
    mount_bms(&server, 1, bms_page([], Some(0))).await;
    mount_bms(&server, 2, bms_page(90..=91, Some(0))).await;
    let (result, requests) = bms_run(&server).await;
    assert!(result.expect("empty").is_empty());
    assert_eq!(requests, 1);
}

#[tokio::test]
async fn bms_server_error_on_page_two_is_yielded_then_the_stream_ends() {
    let (transport, _clock) = transport(exact_policy(1));
    let server = MockServer::start().await;
    mount_bms(&server, 1, bms_page(1..=2, Some(6))).await;
    mount_bms(
        &server,
        2,
        ResponseTemplate::new(503).set_body_string("Service Unavailable"),
    )
    .await;
    mount_bms(&server, 3, bms_page(5..=6, Some(6))).await;
    let results: Vec<Result<Record, Error>> = BmsPaging::new(2)
        .expect("size")
        .items(bms_fetch(&transport, &server.uri()))
        .collect()
        .await;
    assert_eq!(results.len(), 3, "{results:?}");
    assert_eq!(results[0].as_ref().expect("record 1").id, 1);
    assert_eq!(results[1].as_ref().expect("record 2").id, 2);
    let err = results[2].as_ref().expect_err("page 2 fails");
    assert_eq!(err.status(), Some(StatusCode::SERVICE_UNAVAILABLE));
    assert_eq!(requests_to(&server, BMS_PATH).await.len(), 2);
}

#[tokio::test]
async fn bms_cap_stops_fetching_and_total_records_says_what_was_left_behind() {
    let server = MockServer::start().await;
    for page in 1..=5u32 {
        let first = u64::from(page) * 2 - 1;
        mount_bms(&server, page, bms_page(first..=first + 1, Some(10))).await;
    }
    let (transport, _clock) = transport(exact_policy(1));
    let mut sent = 0;
    for (max, want, truncated, requests) in [
        (5, 5, true, 3),
        // The cap ends page 2, and TotalRecords says more remain: no third request.
        (4, 4, true, 2),
        (10, 10, false, 5),
        (20, 10, false, 5),
    ] {
        let capped = collect_at_most(
            BmsPaging::new(2)
                .expect("size")
                .pages(bms_fetch(&transport, &server.uri())),
            max,
        )
        .await
        .expect("capped");
        let total = requests_to(&server, BMS_PATH).await.len();
        assert_eq!(
            (capped.items.len(), capped.truncated, total - sent),
            (want, truncated, requests),
            "max {max}"
        );
        assert_eq!(ids(&capped.items), (1..=want as u64).collect::<Vec<_>>());
        sent = total;
    }
}

#[tokio::test]
async fn bms_pages_report_the_total() {
    let (transport, _clock) = transport(exact_policy(1));
    let server = MockServer::start().await;
    mount_bms(&server, 1, bms_page(1..=2, Some(3))).await;
    mount_bms(&server, 2, bms_page(3..=3, Some(3))).await;
    let pages: Vec<_> = BmsPaging::new(2)
        .expect("size")
        .pages(bms_fetch(&transport, &server.uri()))
        .collect()
        .await;
    let summary: Vec<(u32, usize, Option<u64>, bool)> = pages
        .into_iter()
        .map(|page| {
            let page = page.expect("page");
            (page.number, page.items.len(), page.total, page.is_last)
        })
        .collect();
    assert_eq!(summary, [(1, 2, Some(3), false), (2, 1, Some(3), true)]);
}

/// A BMS list of `total` records (ids from 1) that serves at most `cap` per page whatever `PageSize` asks.
///
/// `offset_by_requested_size` picks how the server turns `PageNumber` into an offset when it caps: with the
/// size it served (`(n - 1) * min(PageSize, cap)`) or with the size asked for (`(n - 1) * PageSize`). Real
/// servers differ; the pager must be right for both.
struct CappingBms {
    cap: u64,
    total: u64,
    offset_by_requested_size: bool,
}

impl wiremock::Respond for CappingBms {
    fn respond(&self, request: &wiremock::Request) -> ResponseTemplate {
        let param = |name: &str| {
            request
                .url
                .query_pairs()
                .find(|(key, _)| key == name)
                .and_then(|(_, value)| value.parse::<u64>().ok())
                .unwrap_or(0)
        };
        let (number, asked) = (param("PageNumber").max(1), param("PageSize"));
        let served = asked.min(self.cap);
        let step = if self.offset_by_requested_size {
            asked
        } else {
            served
        };
        let first = (number - 1) * step + 1;
        let last = (first + served - 1).min(self.total);
        bms_page(first..=last, Some(self.total))
    }
}

async fn capping_bms(cap: u64, total: u64, offset_by_requested_size: bool) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(BMS_PATH))
        .respond_with(CappingBms {
            cap,
            total,
            offset_by_requested_size,
        })
        .mount(&server)
        .await;
    server
}

/// (PageNumber, PageSize) of every BMS request, in order.
async fn bms_requests(server: &MockServer) -> Vec<(u32, u32)> {
    requests_to(server, BMS_PATH)
        .await
        .into_iter()
        .map(|(_, query, _)| {
            let url = Url::parse(&format!("http://query.invalid/?{query}")).expect("query");
            let param = |name: &str| {
                url.query_pairs()
                    .find(|(key, _)| key == name)
                    .and_then(|(_, value)| value.parse().ok())
                    .expect("paging parameter")
            };
            (param("PageNumber"), param("PageSize"))
        })
        .collect()
}

#[tokio::test]
async fn bms_server_capping_page_size_is_followed_to_total_records() {
    for offset_by_requested_size in [false, true] {
        let (transport, _clock) = transport(exact_policy(1));
        let server = capping_bms(100, 350, offset_by_requested_size).await;
        let items: Vec<Record> = BmsPaging::new(500)
            .expect("size")
            .items(bms_fetch(&transport, &server.uri()))
            .try_collect()
            .await
            .expect("all pages");
        assert_eq!(
            ids(&items),
            (1..=350).collect::<Vec<_>>(),
            "offset_by_requested_size: {offset_by_requested_size}"
        );
        // The first page shows the cap; the rest are asked for in the size the server serves.
        assert_eq!(
            bms_requests(&server).await,
            [(1, 500), (2, 100), (3, 100), (4, 100)]
        );
    }
}

#[tokio::test]
async fn bms_server_capping_at_an_uneven_size_is_followed() {
    let (transport, _clock) = transport(exact_policy(1));
    let server = capping_bms(3, 10, true).await;
    let items: Vec<Record> = BmsPaging::new(4)
        .expect("size")
        .items(bms_fetch(&transport, &server.uri()))
        .try_collect()
        .await
        .expect("all pages");
    assert_eq!(ids(&items), (1..=10).collect::<Vec<_>>());
    assert_eq!(
        bms_requests(&server).await,
        [(1, 4), (2, 3), (3, 3), (4, 3)]
    );
}

#[tokio::test]
async fn bms_empty_page_before_total_records_is_a_paging_error() {
    let server = MockServer::start().await;
    mount_bms(&server, 1, bms_page(1..=2, Some(6))).await;
    mount_bms(&server, 2, bms_page([], Some(6))).await;
    mount_bms(&server, 3, bms_page(5..=6, Some(6))).await;
    let (transport, _clock) = transport(exact_policy(1));
    let results: Vec<Result<Record, Error>> = BmsPaging::new(2)
        .expect("size")
        .items(bms_fetch(&transport, &server.uri()))
        .collect()
        .await;
    assert_eq!(results.len(), 3, "{results:?}");
    let err = results[2].as_ref().expect_err("page 2 is empty");
    assert!(matches!(err, Error::Paging { .. }), "{err:?}");
    let message = err.to_string();
    assert!(
        message.contains("page 2") && message.contains("2 of 6"),
        "{message}"
    );
    assert_eq!(requests_to(&server, BMS_PATH).await.len(), 2);
}

#[tokio::test]
async fn bms_empty_first_page_with_records_promised_is_a_paging_error() {
    let server = MockServer::start().await;
    mount_bms(&server, 1, bms_page([], Some(4))).await;
    let (result, requests) = bms_run(&server).await;
    assert!(matches!(result, Err(Error::Paging { .. })), "{result:?}");
    assert_eq!(requests, 1);
}

#[tokio::test]
async fn bms_short_page_after_a_full_one_before_total_records_is_a_paging_error() {
    // The server served the full size on page 1, so a short page 2 is not a cap: the list changed under the
    // pager, or TotalRecords is wrong. Following on would skip or repeat records.
    let server = MockServer::start().await;
    mount_bms(&server, 1, bms_page(1..=2, Some(6))).await;
    mount_bms(&server, 2, bms_page(3..=3, Some(6))).await;
    mount_bms(&server, 3, bms_page(5..=6, Some(6))).await;
    let (result, requests) = bms_run(&server).await;
    let err = result.expect_err("inconsistent paging");
    assert!(matches!(err, Error::Paging { .. }), "{err:?}");
    assert!(err.to_string().contains("page 2"), "{err}");
    assert_eq!(requests, 2);
}

#[tokio::test]
async fn bms_without_total_stops_at_a_short_page() {
    let server = MockServer::start().await;
    mount_bms(&server, 1, bms_page(1..=2, None)).await;
    mount_bms(&server, 2, bms_page(3..=3, None)).await;
    mount_bms(&server, 3, bms_page(90..=91, None)).await;
    let (result, requests) = bms_run(&server).await;
    assert_eq!(ids(&result.expect("all pages")), [1, 2, 3]);
    assert_eq!(requests, 2);
}
