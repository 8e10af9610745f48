//! Plain-HTTP helpers for the emulator tests: each vendor's credentials put on a reqwest request the way the
//! vendor documents them (no psa-clients code involved).

#![allow(dead_code)]

use psa_emulator::Emulator;
use reqwest::{Client, RequestBuilder};
use serde_json::Value;

pub async fn start() -> (Emulator, Client) {
    let emulator = Emulator::start().await.expect("emulator starts");
    (emulator, Client::new())
}

/// `{base}/v2022_1/apis/3.0{path}` with Basic company+public:private and clientId.
pub fn cw(
    emulator: &Emulator,
    client: &Client,
    method: reqwest::Method,
    path: &str,
) -> RequestBuilder {
    let creds = emulator.credentials().connectwise;
    client
        .request(
            method,
            format!("{}/v2022_1/apis/3.0{path}", emulator.base_url()),
        )
        .header(
            "authorization",
            psa_emulator::connectwise::basic(&creds.company, &creds.public_key, &creds.private_key),
        )
        .header("clientid", creds.client_id)
}

/// `{zone}/V1.0{path}` with the three Autotask headers.
pub fn at(
    emulator: &Emulator,
    client: &Client,
    method: reqwest::Method,
    path: &str,
) -> RequestBuilder {
    let creds = emulator.credentials().autotask;
    at_url(
        emulator,
        client,
        method,
        &format!("{}/V1.0{path}", creds.zone_url),
    )
}

pub fn at_url(
    emulator: &Emulator,
    client: &Client,
    method: reqwest::Method,
    url: &str,
) -> RequestBuilder {
    let creds = emulator.credentials().autotask;
    client
        .request(method, url)
        .header("UserName", creds.username)
        .header("Secret", creds.secret)
        .header("ApiIntegrationCode", creds.integration_code)
}

/// The current TOTP code of the demo BMS user.
pub fn totp_now(seed: &str) -> String {
    let secret = totp_rs::Secret::try_from_base32(seed).expect("base32 seed");
    let totp = totp_rs::Builder::new()
        .with_secret(secret)
        .build_noncompliant();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    totp.generate(now).to_string()
}

/// Logs in as the MFA user and returns the login answer.
pub async fn bms_login(emulator: &Emulator, client: &Client) -> Value {
    let creds = emulator.credentials().bms;
    let code = totp_now(&creds.totp_secret);
    let form = form_urlencoded::Serializer::new(String::new())
        .append_pair("GrantType", "password")
        .append_pair("UserName", &creds.username)
        .append_pair("Password", &creds.password)
        .append_pair("Tenant", &creds.tenant)
        .append_pair("MFACode", &code)
        .finish();
    let response = client
        .post(format!("{}/v2/security/authenticate", emulator.base_url()))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

/// A BMS request with a fresh bearer token.
pub async fn bms(
    emulator: &Emulator,
    client: &Client,
    method: reqwest::Method,
    path: &str,
) -> RequestBuilder {
    let login = bms_login(emulator, client).await;
    let token = login["result"]["accessToken"].as_str().unwrap().to_owned();
    client
        .request(method, format!("{}{path}", emulator.base_url()))
        .bearer_auth(token)
}

pub async fn json(request: RequestBuilder) -> (u16, Value) {
    let response = request.send().await.expect("request sent");
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    let value = serde_json::from_str(&text).unwrap_or(Value::String(text));
    (status, value)
}
