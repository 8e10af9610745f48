//! Kaseya BMS: username/password (+ TOTP) login for a bearer token.
//!
//! BMS issues an access token with an expiry time and a refresh token.
//! Tokens are refreshed shortly before they expire, and a full login is
//! done again when the refresh token is gone or rejected. All of this
//! happens under one async mutex, so any number of concurrent calls that
//! find the token expired cause exactly one login or refresh.
//!
//! Login and refresh are `application/x-www-form-urlencoded` forms, as
//! BMS's own clients send them, built as bytes so the transport can re-send
//! them after a 429. A TOTP code is used for one login only: a second login
//! within the same 30 s step waits for the next code.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use futures_core::future::BoxFuture;
use reqwest::header::{HeaderValue, AUTHORIZATION, CONTENT_TYPE};
use reqwest::{Method, StatusCode, Url};
use serde_json::Value;
use tokio::sync::Mutex;

use super::env::{self, Lookup};
use super::expiry::expiry_instant;
use super::{any_case, append_path, parse_site, send_auth_request, VendorAuth};
use crate::error::VendorBody;
use crate::secret::Secret;
use crate::transport::{decode_json, OperationMeta, Transport, Vendor};
use crate::Error;

const LOGIN_PATH: &str = "/v2/security/authenticate";
const REFRESH_PATH: &str = "/v2/security/refreshtoken";
/// The RFC 6238 time step.
const TOTP_STEP_SECS: u64 = 30;

/// Where a Kaseya BMS tenant lives. `Debug` hides a password in a custom
/// URL (which the client refuses anyway).
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum BmsRegion {
    /// United States: `https://api.bms.kaseya.com`.
    Us,
    /// Europe, Middle East, Africa: `https://api.bmsemea.kaseya.com`.
    Emea,
    /// Asia-Pacific: `https://api.bmsapac.kaseya.com`.
    Apac,
    /// Any other API host (e.g. a test server).
    Custom(Url),
}

impl std::fmt::Debug for BmsRegion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Us => f.write_str("Us"),
            Self::Emea => f.write_str("Emea"),
            Self::Apac => f.write_str("Apac"),
            Self::Custom(url) => f
                .debug_tuple("Custom")
                .field(&super::shown_url(url))
                .finish(),
        }
    }
}

impl BmsRegion {
    /// The API base URL of the region.
    pub fn base_url(&self) -> Url {
        let host = match self {
            Self::Us => "https://api.bms.kaseya.com",
            Self::Emea => "https://api.bmsemea.kaseya.com",
            Self::Apac => "https://api.bmsapac.kaseya.com",
            Self::Custom(url) => return super::trim_base(url.clone()),
        };
        // A constant literal, not user input: parsing cannot fail.
        Url::parse(host).expect("built-in BMS host is a valid URL")
    }
}

/// Kaseya BMS credentials and settings.
///
/// `Debug` never shows the password or the TOTP seed.
#[derive(Debug, Clone)]
pub struct BmsConfig {
    region: BmsRegion,
    tenant: String,
    username: String,
    password: Secret,
    totp_secret: Option<Secret>,
    refresh_skew: Duration,
}

impl BmsConfig {
    /// Credentials for `tenant` (the company name used at login) in
    /// `region`. Refreshes the token 60 s before it expires and sends no
    /// MFA code; see [`BmsConfig::with_totp_secret`].
    pub fn new(
        region: BmsRegion,
        tenant: impl Into<String>,
        username: impl Into<String>,
        password: Secret,
    ) -> Self {
        Self {
            region,
            tenant: tenant.into(),
            username: username.into(),
            password,
            totp_secret: None,
            refresh_skew: Duration::from_secs(60),
        }
    }

    /// The base32 seed of the user's authenticator app (the text behind its
    /// QR code). Each login then sends the current 6-digit code as
    /// `MFACode`. Spaces, `=` padding and lowercase are accepted.
    #[must_use]
    pub fn with_totp_secret(mut self, seed: Secret) -> Self {
        self.totp_secret = Some(seed);
        self
    }

    /// How long before the access token's expiry it is refreshed
    /// (default 60 s), so a call never leaves with a token that expires on
    /// the way.
    #[must_use]
    pub fn with_refresh_skew(mut self, skew: Duration) -> Self {
        self.refresh_skew = skew;
        self
    }

    /// The region or host.
    pub fn region(&self) -> &BmsRegion {
        &self.region
    }

    /// Reads the settings from the environment:
    ///
    /// | variable | meaning |
    /// | --- | --- |
    /// | `PSA_BMS_HOST` | API host or URL; overrides `PSA_BMS_REGION` |
    /// | `PSA_BMS_REGION` | `us` (default), `emea` or `apac` |
    /// | `PSA_BMS_TENANT` | tenant (company) name, required |
    /// | `PSA_BMS_USERNAME` | user name, required |
    /// | `PSA_BMS_PASSWORD` | password, required, taken as given (not trimmed) |
    /// | `PSA_BMS_TOTP_SECRET` | base32 TOTP seed, for users with MFA |
    ///
    /// # Errors
    /// [`Error::Config`] naming the first missing or invalid variable; the
    /// message never contains a value.
    pub fn from_env() -> Result<Self, Error> {
        Self::from_lookup(&env::process)
    }

    pub(crate) fn from_lookup(lookup: Lookup<'_>) -> Result<Self, Error> {
        let region = if let Some(host) = env::optional(lookup, "PSA_BMS_HOST") {
            BmsRegion::Custom(
                parse_site(&host, "PSA_BMS_HOST")
                    .map_err(|_| env::invalid("PSA_BMS_HOST", "not a host name or URL"))?,
            )
        } else {
            match env::optional(lookup, "PSA_BMS_REGION")
                .map(|region| region.to_ascii_lowercase())
                .as_deref()
            {
                None | Some("us") => BmsRegion::Us,
                Some("emea") => BmsRegion::Emea,
                Some("apac") => BmsRegion::Apac,
                Some(_) => return Err(env::invalid("PSA_BMS_REGION", "expected us, emea or apac")),
            }
        };
        let mut config = Self::new(
            region,
            env::required(lookup, "PSA_BMS_TENANT")?,
            env::required(lookup, "PSA_BMS_USERNAME")?,
            Secret::new(env::secret(lookup, "PSA_BMS_PASSWORD")?),
        );
        if let Some(seed) = env::optional_secret(lookup, "PSA_BMS_TOTP_SECRET") {
            let seed = Secret::new(seed);
            decode_seed(&seed)
                .map_err(|_| env::invalid("PSA_BMS_TOTP_SECRET", "not a base32 TOTP seed"))?;
            config = config.with_totp_secret(seed);
        }
        Ok(config)
    }
}

/// Current RFC 6238 code (SHA-1, 30 s steps, 6 digits) for `seed` at `now`.
///
/// # Errors
/// [`Error::Config`] for a seed that is not base32 or a clock before 1970.
pub(crate) fn totp_code(seed: &Secret, now: SystemTime) -> Result<String, Error> {
    let secret = decode_seed(seed)?;
    // `build_noncompliant`: many authenticator seeds are 80 bits, below the
    // 128 bits RFC 4226 recommends, and BMS decides what it accepts, not us.
    // Algorithm, digits and step are the RFC defaults of the builder.
    let totp = totp_rs::Builder::new()
        .with_secret(secret)
        .build_noncompliant();
    Ok(totp.generate(unix_seconds(now)?).to_string())
}

/// Seconds since 1970 of `now`.
fn unix_seconds(now: SystemTime) -> Result<u64, Error> {
    Ok(now
        .duration_since(UNIX_EPOCH)
        .map_err(|_| Error::Config {
            message: "the clock is before 1970; cannot compute the MFA code".to_owned(),
        })?
        .as_secs())
}

fn decode_seed(seed: &Secret) -> Result<totp_rs::Secret, Error> {
    let normalized: String = seed
        .expose()
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '=')
        .map(|c| c.to_ascii_uppercase())
        .collect();
    let invalid = || Error::Config {
        message: "the BMS TOTP secret is not a base32 seed".to_owned(),
    };
    if normalized.is_empty() {
        return Err(invalid());
    }
    totp_rs::Secret::try_from_base32(normalized).map_err(|_| invalid())
}

/// The Kaseya BMS side of the pipeline.
#[derive(Debug)]
pub(crate) struct BmsAuth {
    config: BmsConfig,
    base: Url,
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    /// Bumped on every login or refresh.
    generation: u64,
    tokens: Option<Tokens>,
    /// The TOTP step (Unix seconds / 30) whose code the last login sent.
    last_mfa_step: Option<u64>,
}

#[derive(Debug)]
struct Tokens {
    access: Secret,
    /// `Bearer …`, built once and marked sensitive.
    header: HeaderValue,
    refresh: Option<Secret>,
    /// `None` when BMS did not say; then only a 401 triggers a refresh.
    access_expires: Option<SystemTime>,
    refresh_expires: Option<SystemTime>,
}

impl BmsAuth {
    /// Checks the config (the TOTP seed decodes) before anything is sent.
    pub(crate) fn new(config: BmsConfig) -> Result<Self, Error> {
        if let Some(seed) = &config.totp_secret {
            decode_seed(seed)?;
        }
        if let BmsRegion::Custom(url) = &config.region {
            super::no_user_info(url, "the BMS host URL")?;
        }
        Ok(Self {
            base: config.region.base_url(),
            config,
            state: Mutex::new(State::default()),
        })
    }

    /// Makes sure `state` holds a usable token: refreshes when it is about
    /// to expire (or `force`), logs in when there is none or the refresh
    /// fails. The caller holds the state lock, which is what makes this
    /// single-flight.
    async fn renew(
        &self,
        transport: &Transport,
        state: &mut State,
        force: bool,
    ) -> Result<(), Error> {
        let now = transport.clock().now();
        if let Some(tokens) = &state.tokens {
            let expiring = tokens
                .access_expires
                .is_some_and(|expires| now + self.config.refresh_skew >= expires);
            if !force && !expiring {
                return Ok(());
            }
            let refresh_usable = tokens.refresh_expires.is_none_or(|expires| now < expires);
            if let (Some(refresh), true) = (&tokens.refresh, refresh_usable) {
                let (access, refresh) = (tokens.access.clone(), refresh.clone());
                match self.refresh(transport, &access, &refresh).await {
                    Ok(tokens) => {
                        self.install(transport, state, tokens);
                        return Ok(());
                    }
                    // A rejected refresh is expected (revoked, expired
                    // early); a fresh login is the fix.
                    Err(error) => tracing::debug!(
                        vendor = "kaseya_bms",
                        %error,
                        "token refresh failed; logging in again"
                    ),
                }
            }
        }
        let tokens = self.login(transport, &mut state.last_mfa_step).await?;
        self.install(transport, state, tokens);
        Ok(())
    }

    /// Stores fresh tokens under a new generation.
    fn install(&self, transport: &Transport, state: &mut State, mut tokens: Tokens) {
        let now = transport.clock().now();
        if tokens
            .access_expires
            .is_some_and(|expires| now + self.config.refresh_skew >= expires)
        {
            // A token that is stale on arrival means our clock and BMS's
            // disagree; trusting the expiry would log in on every call.
            // Rely on the 401 recovery instead.
            tracing::warn!(
                vendor = "kaseya_bms",
                "new access token already looks expired; is the local clock off? \
                 refreshing only when BMS answers 401"
            );
            tokens.access_expires = None;
        }
        state.generation += 1;
        state.tokens = Some(tokens);
    }

    /// Logs in; `last_mfa_step` is the TOTP step whose code the previous
    /// login sent, updated here.
    async fn login(
        &self,
        transport: &Transport,
        last_mfa_step: &mut Option<u64>,
    ) -> Result<Tokens, Error> {
        let op = OperationMeta::new(Vendor::Bms, "Authenticate", Method::POST, LOGIN_PATH);
        let mfa_code = match &self.config.totp_secret {
            Some(seed) => Some(unused_code(transport, seed, last_mfa_step).await?),
            None => None,
        };
        tracing::debug!(
            vendor = "kaseya_bms",
            mfa = mfa_code.is_some(),
            "logging in"
        );
        // In its own scope: the serializer is not `Send` and must not live
        // across the await below.
        let form = {
            let mut form = form_urlencoded::Serializer::new(String::new());
            form.append_pair("GrantType", "password")
                .append_pair("UserName", &self.config.username)
                .append_pair("Password", self.config.password.expose())
                .append_pair("Tenant", &self.config.tenant);
            if let Some(code) = &mfa_code {
                form.append_pair("MFACode", code);
            }
            Secret::new(form.finish())
        };
        self.token_call(transport, form, &op).await
    }

    async fn refresh(
        &self,
        transport: &Transport,
        access: &Secret,
        refresh: &Secret,
    ) -> Result<Tokens, Error> {
        let op = OperationMeta::new(Vendor::Bms, "RefreshToken", Method::POST, REFRESH_PATH);
        tracing::debug!(vendor = "kaseya_bms", "refreshing the access token");
        let form = form_urlencoded::Serializer::new(String::new())
            .append_pair("AccessToken", access.expose())
            .append_pair("RefreshToken", refresh.expose())
            .finish();
        self.token_call(transport, Secret::new(form), &op).await
    }

    /// Posts a login or refresh form and reads the tokens from the answer.
    async fn token_call(
        &self,
        transport: &Transport,
        form: Secret,
        op: &OperationMeta,
    ) -> Result<Tokens, Error> {
        // A urlencoded form, as BMS's own clients send it (the document
        // declares multipart/form-data). A byte body can be copied, so the
        // transport can re-send it after a 429.
        let request = transport
            .client()
            .post(append_path(&self.base, op.path_template))
            .header(
                CONTENT_TYPE,
                HeaderValue::from_static("application/x-www-form-urlencoded"),
            )
            .body(form.expose().as_bytes().to_vec())
            .build()
            .map_err(|err| Error::from_reqwest(op.operation_id, err))?;
        let body = send_auth_request(transport, request, op)
            .await
            .map_err(|err| login_rejected(err, op.operation_id))?;
        parse_tokens(&body, op)
    }
}

/// The MFA code to send now: never the code of a step a previous login
/// already used (BMS may refuse a replayed code, and it would fail again
/// anyway). Waits on the transport's clock for the next step when needed.
async fn unused_code(
    transport: &Transport,
    seed: &Secret,
    last_step: &mut Option<u64>,
) -> Result<String, Error> {
    let clock = transport.clock();
    let mut now = clock.now();
    if let Some(last) = *last_step {
        if unix_seconds(now)? / TOTP_STEP_SECS <= last {
            let next = UNIX_EPOCH + Duration::from_secs((last + 1) * TOTP_STEP_SECS);
            let wait = next.duration_since(now).unwrap_or_default();
            tracing::debug!(
                vendor = "kaseya_bms",
                wait_ms = wait.as_millis(),
                "this step's MFA code was already used; waiting for the next one"
            );
            clock.sleep(wait).await;
            // Never before the next step, even with a clock that did not move.
            now = clock.now().max(next);
        }
    }
    let code = totp_code(seed, now)?;
    *last_step = Some(unix_seconds(now)? / TOTP_STEP_SECS);
    Ok(code)
}

/// A 4xx answer to a login or refresh means the credentials were refused,
/// whatever status BMS picked.
fn login_rejected(error: Error, operation_id: &'static str) -> Error {
    match error {
        Error::Vendor { status, body, .. } if status.is_client_error() => Error::Authentication {
            operation_id,
            status,
            body,
        },
        other => other,
    }
}

/// Reads a token answer, with or without the `{Success, Error, Result}`
/// envelope and in either key case.
fn parse_tokens(body: &[u8], op: &OperationMeta) -> Result<Tokens, Error> {
    let value: Value = decode_json(body, StatusCode::OK, op).map_err(super::without_snippet)?;
    let rejected = |body: VendorBody| Error::Authentication {
        operation_id: op.operation_id,
        status: StatusCode::OK,
        body,
    };
    if any_case::envelope_success(&value) == Some(false) {
        // BMS reports a failed login as HTTP 200 with `Success: false`;
        // the body holds only the error, no credentials.
        return Err(rejected(VendorBody::Json(value)));
    }
    let token = any_case::field(&value, "Result")
        .filter(|result| result.is_object())
        .unwrap_or(&value);
    let Some(access) = any_case::string(token, "AccessToken") else {
        // Do not echo the body: it may hold a refresh token.
        return Err(rejected(VendorBody::Text(
            "the answer carried no access token".to_owned(),
        )));
    };
    let access = Secret::new(access);
    let header = Secret::new(format!("Bearer {}", access.expose())).header_value()?;
    Ok(Tokens {
        header,
        access,
        refresh: any_case::string(token, "RefreshToken").map(Secret::new),
        access_expires: any_case::string(token, "AccessTokenExpireOn").and_then(expiry_instant),
        refresh_expires: any_case::string(token, "RefreshTokenExpireOn").and_then(expiry_instant),
    })
}

impl VendorAuth for BmsAuth {
    fn base_url<'a>(&'a self, _transport: &'a Transport) -> BoxFuture<'a, Result<Url, Error>> {
        Box::pin(std::future::ready(Ok(self.base.clone())))
    }

    fn authorize<'a>(
        &'a self,
        transport: &'a Transport,
        request: &'a mut reqwest::Request,
    ) -> BoxFuture<'a, Result<u64, Error>> {
        Box::pin(async move {
            let mut state = self.state.lock().await;
            self.renew(transport, &mut state, false).await?;
            if let Some(tokens) = &state.tokens {
                request
                    .headers_mut()
                    .insert(AUTHORIZATION, tokens.header.clone());
            }
            Ok(state.generation)
        })
    }

    fn may_recover(&self, response: &reqwest::Response) -> bool {
        response.status() == StatusCode::UNAUTHORIZED
    }

    fn recover<'a>(
        &'a self,
        transport: &'a Transport,
        generation: u64,
        _status: StatusCode,
    ) -> BoxFuture<'a, Result<bool, Error>> {
        Box::pin(async move {
            let mut state = self.state.lock().await;
            if state.generation == generation {
                self.renew(transport, &mut state, true).await?;
            }
            Ok(true)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let pairs: Vec<(String, String)> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        move |name| {
            pairs
                .iter()
                .find(|(key, _)| key == name)
                .map(|(_, value)| value.clone())
        }
    }

    #[test]
    fn rfc_6238_sha1_vectors() {
        // RFC 6238 appendix B, seed "12345678901234567890", last 6 digits.
        let seed = Secret::new("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
        let at = |secs| UNIX_EPOCH + Duration::from_secs(secs);
        assert_eq!(totp_code(&seed, at(59)).unwrap(), "287082");
        assert_eq!(totp_code(&seed, at(1_111_111_109)).unwrap(), "081804");
        assert_eq!(totp_code(&seed, at(2_000_000_000)).unwrap(), "279037");
        let spaced = Secret::new("gezd gnbv gy3t qojq gezd gnbv gy3t qojq");
        assert_eq!(totp_code(&spaced, at(59)).unwrap(), "287082");
    }

    #[test]
    fn from_env_reads_region_and_names_missing_variables() {
        let lookup = vars(&[
            ("PSA_BMS_REGION", "EMEA"),
            ("PSA_BMS_TENANT", "acme"),
            ("PSA_BMS_USERNAME", "api@acme"),
            ("PSA_BMS_PASSWORD", "pw-value-1"),
        ]);
        let config = BmsConfig::from_lookup(&lookup).unwrap();
        assert_eq!(config.region(), &BmsRegion::Emea);
        assert!(!format!("{config:?}").contains("pw-value-1"));

        let err = BmsConfig::from_lookup(&vars(&[("PSA_BMS_TENANT", "acme")])).unwrap_err();
        assert_eq!(
            err.to_string(),
            "configuration error: environment variable PSA_BMS_USERNAME is not set"
        );
    }

    #[test]
    fn from_env_takes_the_password_as_given_and_trims_the_rest() {
        let lookup = vars(&[
            ("PSA_BMS_TENANT", " acme "),
            ("PSA_BMS_USERNAME", "api@acme\n"),
            ("PSA_BMS_PASSWORD", " a "),
            (
                "PSA_BMS_TOTP_SECRET",
                " GEZD GNBV GY3T QOJQ GEZD GNBV GY3T QOJQ ",
            ),
        ]);
        let config = BmsConfig::from_lookup(&lookup).unwrap();
        assert_eq!(config.password.expose(), " a ");
        assert_eq!(
            config.totp_secret.as_ref().map(Secret::expose),
            Some(" GEZD GNBV GY3T QOJQ GEZD GNBV GY3T QOJQ ")
        );
        assert_eq!(
            (config.tenant.as_str(), config.username.as_str()),
            ("acme", "api@acme")
        );
        // Only an empty password is a missing one.
        let empty = vars(&[
            ("PSA_BMS_TENANT", "acme"),
            ("PSA_BMS_USERNAME", "u"),
            ("PSA_BMS_PASSWORD", ""),
        ]);
        let err = BmsConfig::from_lookup(&empty).unwrap_err().to_string();
        assert!(err.contains("PSA_BMS_PASSWORD is not set"), "{err}");
    }

    #[test]
    fn from_env_rejects_bad_values_without_echoing_them() {
        let base = [
            ("PSA_BMS_TENANT", "acme"),
            ("PSA_BMS_USERNAME", "api@acme"),
            ("PSA_BMS_PASSWORD", "pw"),
        ];
        let mut bad_seed = base.to_vec();
        bad_seed.push(("PSA_BMS_TOTP_SECRET", "not-base32-!!"));
        let err = BmsConfig::from_lookup(&vars(&bad_seed)).unwrap_err();
        let text = format!("{err} {err:?}");
        assert!(text.contains("PSA_BMS_TOTP_SECRET"), "{text}");
        assert!(!text.contains("not-base32-!!"), "{text}");

        let mut bad_region = base.to_vec();
        bad_region.push(("PSA_BMS_REGION", "mars"));
        let err = BmsConfig::from_lookup(&vars(&bad_region)).unwrap_err();
        assert!(err.to_string().contains("PSA_BMS_REGION"));
    }
}
