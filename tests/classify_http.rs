//! Response classification and secret hygiene of errors, against real
//! HTTP servers on 127.0.0.1.

mod common;

use common::{exact_policy, op, transport};
use psa_clients::error::VendorBody;
use psa_clients::secret::Secret;
use psa_clients::transport::{decode_json, OperationMeta, Transport};
use psa_clients::Error;
use reqwest::{Method, StatusCode};
use wiremock::matchers::path;
use wiremock::{Mock, MockServer, ResponseTemplate};

/// Serves `template` for `GET /x` and returns the classified result.
async fn fetch(template: ResponseTemplate) -> Result<bytes::Bytes, Error> {
    let server = MockServer::start().await;
    Mock::given(path("/x"))
        .respond_with(template)
        .mount(&server)
        .await;
    let (transport, _clock) = transport(exact_policy(1));
    let meta = op(Method::GET, "/x");
    let request = transport.client().get(format!("{}/x", server.uri()));
    let response = transport
        .execute(request.build().expect("request"), meta.clone())
        .await?;
    transport.classify(response, &meta).await
}

#[tokio::test]
async fn html_login_page_is_reported_as_html_instead_of_json() {
    let page = "<!DOCTYPE html><html><body>Sign in to continue</body></html>";
    let err = fetch(ResponseTemplate::new(200).set_body_raw(page, "text/html; charset=utf-8"))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::HtmlInsteadOfJson { snippet, .. } if snippet.contains("Sign in"))
    );
    let message = err.to_string();
    assert!(
        message.contains("wrong site URL") && message.contains("login"),
        "{message}"
    );
}

#[tokio::test]
async fn html_404_page_points_at_the_url_not_the_entity() {
    let page = "\n  <html><body>404 - File or directory not found.</body></html>";
    let err = fetch(ResponseTemplate::new(404).set_body_raw(page, "text/plain"))
        .await
        .unwrap_err();
    assert!(matches!(
        err,
        Error::HtmlInsteadOfJson {
            status: StatusCode::NOT_FOUND,
            ..
        }
    ));
}

#[tokio::test]
async fn malformed_json_reports_the_failing_path() {
    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)] // only deserialized
    struct Item {
        id: u64,
    }
    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)] // only deserialized
    struct Page {
        items: Vec<Item>,
    }

    let body = r#"{"items":[{"id":1},{"id":"two"}]}"#;
    let bytes = fetch(ResponseTemplate::new(200).set_body_raw(body, "application/json"))
        .await
        .expect("2xx JSON passes classification");
    let meta = op(Method::GET, "/x");
    let err = decode_json::<Page>(&bytes, StatusCode::OK, &meta).unwrap_err();

    match err {
        Error::MalformedBody { path, snippet, .. } => {
            assert_eq!(path, "items[1].id");
            assert!(snippet.contains("two"));
        }
        other => panic!("expected MalformedBody, got {other:?}"),
    }
    let trailing = decode_json::<serde_json::Value>(b"{} {}", StatusCode::OK, &meta);
    assert!(matches!(trailing, Err(Error::MalformedBody { .. })));
}

#[tokio::test]
async fn statuses_map_to_actionable_variants() {
    let json = |status: u16| {
        ResponseTemplate::new(status).set_body_json(serde_json::json!({"message": "nope"}))
    };
    let nope = VendorBody::Json(serde_json::json!({"message": "nope"}));

    let err = fetch(json(401)).await.unwrap_err();
    assert!(
        matches!(&err, Error::Authentication { body, .. } if *body == nope),
        "{err:?}"
    );
    let err = fetch(json(403)).await.unwrap_err();
    assert!(matches!(err, Error::Forbidden { .. }), "{err:?}");
    let err = fetch(json(404)).await.unwrap_err();
    assert!(matches!(err, Error::NotFound { .. }), "{err:?}");
    let err = fetch(json(409)).await.unwrap_err();
    assert_eq!(err.status(), Some(StatusCode::CONFLICT));
    assert_eq!(err.vendor_body(), Some(&nope));
    assert_eq!(err.operation_id(), Some("testOperation"));

    let text = fetch(ResponseTemplate::new(502).set_body_string("Bad Gateway")).await;
    assert!(
        matches!(text, Err(Error::Vendor { body: VendorBody::Text(t), .. }) if t == "Bad Gateway")
    );

    let ok = fetch(ResponseTemplate::new(200).set_body_raw("{\"id\":1}", "application/json"));
    assert_eq!(ok.await.expect("ok").as_ref(), b"{\"id\":1}");
}

#[tokio::test]
async fn no_secret_appears_in_errors_or_configs() {
    let secret = Secret::new("SUPER-SECRET-VALUE");
    // A port nothing listens on: bind, note the port, close.
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.local_addr().expect("addr").port()
    };
    let (transport, _clock) = transport(exact_policy(1));
    let request = transport
        .client()
        .get(format!(
            "http://127.0.0.1:{port}/x?token={}",
            secret.expose()
        ))
        .header("Authorization", secret.header_value().expect("header"))
        .build()
        .expect("request");
    let meta = OperationMeta::new(
        psa_clients::transport::Vendor::ConnectWise,
        "getCompanies",
        Method::GET,
        "/company/companies",
    );
    let err = transport.execute(request, meta).await.unwrap_err();

    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    let shown = format!("{err} | {err:?} | {secret} | {secret:?} | {transport:?}");
    assert!(!shown.contains("SUPER-SECRET-VALUE"), "{shown}");
    assert!(!format!("{:?}", Transport::builder()).contains("SUPER-SECRET-VALUE"));
}
