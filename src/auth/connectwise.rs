//! ConnectWise PSA: Basic API-member keys and codebase discovery.
//!
//! A ConnectWise site serves its API under a path that names the release
//! (`/v2025_1/apis/3.0`). The release changes when the site is upgraded,
//! and the old path then answers with the web server's own HTML 404 page.
//! The codebase is therefore looked up at `/login/companyinfo/{company}` on
//! first use, cached, and looked up again when a call answers a 404 that is
//! not the API's own JSON `NotFound` (at most once a minute).
//!
//! The same answer names the release the site serves (`VersionCode`, e.g.
//! `v2025.1`); see [`ConnectWiseConfig::served_version`]. The crate's types
//! come from the 2022.1 document ([`CONNECTWISE_TYPES_VERSION`]); pinning
//! that version ([`ConnectWiseConfig::pin_types_version`]) makes the site
//! answer in that shape whatever release it runs.

use std::fmt;
use std::time::Duration;

use base64::Engine as _;
use futures_core::future::BoxFuture;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue, ACCEPT, AUTHORIZATION, CONTENT_TYPE};
use reqwest::{Method, StatusCode, Url};

use super::discovered::DiscoveredBase;
use super::env::{self, Lookup};
use super::impersonation::{Integrator, MemberTokens};
use super::{any_case, append_path, parse_site, send_auth_request, VendorAuth};
use crate::error::snippet;
use crate::secret::Secret;
use crate::transport::{decode_json, OperationMeta, Transport, Vendor};
use crate::Error;

const COMPANY_INFO_PATH: &str = "/login/companyinfo/{company}";
/// Least time between two codebase look-ups after a 404.
const REDISCOVERY_INTERVAL: Duration = Duration::from_secs(60);

/// The ConnectWise API version the crate's types were generated from (the
/// `connectwise-psa.json` document, see `psa_clients::connectwise::SPEC`).
/// Pin it with [`ConnectWiseConfig::pin_types_version`] (or
/// `PSA_CW_API_VERSION=2022.1`) so answers keep the shape the types expect
/// when the site is upgraded.
pub const CONNECTWISE_TYPES_VERSION: &str = "2022.1";

/// ConnectWise PSA API-member credentials and site settings.
///
/// `Debug` never shows the private key or the client id.
#[derive(Clone)]
pub struct ConnectWiseConfig {
    site: Url,
    company_id: String,
    public_key: String,
    private_key: Secret,
    client_id: String,
    api_version: Option<String>,
    codebase: Option<String>,
    impersonate: Option<String>,
}

impl fmt::Debug for ConnectWiseConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConnectWiseConfig")
            .field("site", &super::shown_url(&self.site))
            .field("company_id", &self.company_id)
            .field("public_key", &self.public_key)
            .field("private_key", &self.private_key)
            .field("client_id", &"[redacted]")
            .field("api_version", &self.api_version)
            .field("codebase", &self.codebase)
            .field("impersonate", &self.impersonate)
            .finish()
    }
}

/// What a ConnectWise site says about itself at `/login/companyinfo/{company}`
/// (public, no credentials needed); see [`ConnectWiseConfig::company_info`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ConnectWiseCompanyInfo {
    /// The API path segment of the release the site runs, e.g. `v2025_1/`.
    pub codebase: String,
    /// The release the site serves, e.g. `v2025.1` (`VersionCode`).
    pub version_code: Option<String>,
    /// The build, e.g. `v4.6.47174` (`VersionNumber`).
    pub version_number: Option<String>,
    /// The company's display name (`CompanyName`).
    pub company_name: Option<String>,
    /// The company id as the site spells it (`CompanyID`).
    pub company_id: Option<String>,
    /// True for a ConnectWise-hosted (cloud) site (`IsCloud`).
    pub is_cloud: Option<bool>,
}

impl ConnectWiseConfig {
    /// Credentials for `company_id` on `site`: the API host of a cloud site,
    /// `api-na.myconnectwise.net`, `api-eu.myconnectwise.net` or
    /// `api-au.myconnectwise.net` (HTTPS is assumed for a bare host), or the
    /// URL of an on-premises server such as `https://psa.example.com`.
    /// `client_id` is the integration's id from the ConnectWise developer
    /// portal, sent as the `clientId` header.
    ///
    /// # Errors
    /// [`Error::Config`] when `site` is not a host name or http(s) URL.
    pub fn new(
        site: &str,
        company_id: impl Into<String>,
        public_key: impl Into<String>,
        private_key: Secret,
        client_id: impl Into<String>,
    ) -> Result<Self, Error> {
        Ok(Self {
            site: parse_site(site, "the ConnectWise site")?,
            company_id: company_id.into(),
            public_key: public_key.into(),
            private_key,
            client_id: client_id.into(),
            api_version: None,
            codebase: None,
            impersonate: None,
        })
    }

    /// Pins the API version, e.g. `2022.1` (a leading `v` as in the site's
    /// `VersionCode` is accepted), sent as
    /// `Accept: application/vnd.connectwise.com+json; version=2022.1`, so a
    /// site upgrade does not change the shape of the answers. Without a pin
    /// the site answers in the shape of the release it runs, which may have
    /// renamed or dropped fields the types expect (they then read as
    /// `None`). See [`ConnectWiseConfig::pin_types_version`].
    #[must_use]
    pub fn with_api_version(mut self, version: impl Into<String>) -> Self {
        self.api_version = Some(version.into());
        self
    }

    /// Pins the version the crate's types come from,
    /// [`CONNECTWISE_TYPES_VERSION`] (`2022.1`): the recommended setting.
    #[must_use]
    pub fn pin_types_version(self) -> Self {
        self.with_api_version(CONNECTWISE_TYPES_VERSION)
    }

    /// The pinned API version, if any.
    pub fn api_version(&self) -> Option<&str> {
        self.api_version.as_deref()
    }

    /// Uses this codebase (e.g. `v2025_1/`) instead of discovering it, and
    /// never re-discovers. For on-premises sites without the discovery
    /// endpoint.
    #[must_use]
    pub fn with_codebase(mut self, codebase: impl Into<String>) -> Self {
        self.codebase = Some(codebase.into());
        self
    }

    /// Makes every call as the member `member_identifier` (e.g. `jdoe`): the API member's keys are used
    /// only to fetch the member's own key pair from `POST /system/members/{memberIdentifier}/tokens`, which
    /// is cached and renewed a minute before it expires, or at once when a call answers 401 (the call is
    /// then re-sent once with the new pair). Records created this way are the member's. The API member
    /// needs the security-role permission to impersonate.
    #[must_use]
    pub fn with_member_impersonation(mut self, member_identifier: impl Into<String>) -> Self {
        self.impersonate = Some(member_identifier.into());
        self
    }

    /// Asks the site about itself: one unauthenticated `GET
    /// /login/companyinfo/{company}` through `transport` (its retries,
    /// limits and clock), answered with the codebase and the release it
    /// serves.
    ///
    /// # Errors
    /// The typed [`Error`] of a failed answer; [`Error::MalformedBody`] when
    /// the answer has no usable `Codebase`.
    pub async fn company_info(
        &self,
        transport: &Transport,
    ) -> Result<ConnectWiseCompanyInfo, Error> {
        fetch_company_info(transport, &self.site, &self.company_id).await
    }

    /// The release the site serves right now, e.g. `v2025.1` (the
    /// `VersionCode` of [`ConnectWiseConfig::company_info`]). Compare it with
    /// [`CONNECTWISE_TYPES_VERSION`] to see whether unpinned answers may
    /// differ from the types.
    ///
    /// # Errors
    /// As [`ConnectWiseConfig::company_info`]; [`Error::MalformedBody`] when
    /// the answer has no `VersionCode`.
    pub async fn served_version(&self, transport: &Transport) -> Result<String, Error> {
        let info = self.company_info(transport).await?;
        info.version_code.ok_or_else(|| Error::MalformedBody {
            operation_id: COMPANY_INFO_OPERATION,
            status: StatusCode::OK,
            path: "VersionCode".to_owned(),
            snippet: String::new(),
            source: serde::de::Error::custom("missing VersionCode in the company info answer"),
        })
    }

    /// Reads the settings from the environment:
    ///
    /// | variable | meaning |
    /// | --- | --- |
    /// | `PSA_CW_SITE` | site: `api-na.myconnectwise.net` (or `api-eu`, `api-au`) for cloud, the server's URL on premises; required |
    /// | `PSA_CW_COMPANY` | company id used at login, required |
    /// | `PSA_CW_PUBLIC_KEY` | API member public key, required |
    /// | `PSA_CW_PRIVATE_KEY` | API member private key, required, taken as given (not trimmed) |
    /// | `PSA_CW_CLIENT_ID` | integration client id, required |
    /// | `PSA_CW_API_VERSION` | API version pin, e.g. `2022.1` (recommended: the version the types come from, [`CONNECTWISE_TYPES_VERSION`]) |
    /// | `PSA_CW_CODEBASE` | fixed codebase, e.g. `v2025_1/` |
    /// | `PSA_CW_IMPERSONATE_MEMBER` | member identifier to act as (see [`Self::with_member_impersonation`]) |
    ///
    /// # Errors
    /// [`Error::Config`] naming the first missing or invalid variable; the
    /// message never contains a value.
    pub fn from_env() -> Result<Self, Error> {
        Self::from_lookup(&env::process)
    }

    pub(crate) fn from_lookup(lookup: Lookup<'_>) -> Result<Self, Error> {
        let site = env::required(lookup, "PSA_CW_SITE")?;
        let mut config = Self::new(
            &site,
            env::required(lookup, "PSA_CW_COMPANY")?,
            env::required(lookup, "PSA_CW_PUBLIC_KEY")?,
            Secret::new(env::secret(lookup, "PSA_CW_PRIVATE_KEY")?),
            env::required(lookup, "PSA_CW_CLIENT_ID")?,
        )
        .map_err(|_| env::invalid("PSA_CW_SITE", "not a host name or URL"))?;
        if let Some(version) = env::optional(lookup, "PSA_CW_API_VERSION") {
            normalize_version(&version)
                .ok_or_else(|| env::invalid("PSA_CW_API_VERSION", "expected e.g. 2022.1"))?;
            config = config.with_api_version(version);
        }
        if let Some(member) = env::optional(lookup, "PSA_CW_IMPERSONATE_MEMBER") {
            config = config.with_member_impersonation(member);
        }
        if let Some(codebase) = env::optional(lookup, "PSA_CW_CODEBASE") {
            normalize_codebase(&codebase)
                .ok_or_else(|| env::invalid("PSA_CW_CODEBASE", "expected e.g. v2025_1/"))?;
            config = config.with_codebase(codebase);
        }
        Ok(config)
    }
}

/// `v2025_1` or `/v2025_1/` → `v2025_1/`; `None` for anything that is not
/// one plain path segment (it becomes part of every URL).
fn normalize_codebase(codebase: &str) -> Option<String> {
    let trimmed = codebase.trim().trim_matches('/');
    let plain = !trimmed.is_empty()
        && trimmed != "."
        && trimmed != ".."
        && trimmed
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
    plain.then(|| format!("{trimmed}/"))
}

/// `2022.1`, ` v2025.1 ` → `2022.1`, `2025.1`; `None` for anything but
/// dot-separated numbers.
fn normalize_version(version: &str) -> Option<String> {
    let trimmed = version.trim();
    let bare = trimmed.strip_prefix(['v', 'V']).unwrap_or(trimmed);
    let numbers = !bare.is_empty()
        && bare
            .split('.')
            .all(|part| !part.is_empty() && part.chars().all(|c| c.is_ascii_digit()));
    numbers.then(|| bare.to_owned())
}

const COMPANY_INFO_OPERATION: &str = "getCompanyInfo";

/// `GET {site}/login/companyinfo/{company}`: public, sent without credentials.
async fn fetch_company_info(
    transport: &Transport,
    site: &Url,
    company_id: &str,
) -> Result<ConnectWiseCompanyInfo, Error> {
    let op = OperationMeta::new(
        Vendor::ConnectWise,
        COMPANY_INFO_OPERATION,
        Method::GET,
        COMPANY_INFO_PATH,
    );
    let mut url = append_path(site, "");
    url.path_segments_mut()
        .map_err(|()| super::invalid_url("the ConnectWise site"))?
        .pop_if_empty()
        .extend(["login", "companyinfo", company_id]);
    // No credentials: the endpoint is public and answers before login.
    let request = transport
        .client()
        .get(url)
        .build()
        .map_err(|err| Error::from_reqwest(op.operation_id, err))?;
    let body = send_auth_request(transport, request, &op).await?;
    let value: serde_json::Value = decode_json(&body, StatusCode::OK, &op)?;
    let codebase = any_case::string(&value, "Codebase")
        .and_then(normalize_codebase)
        .ok_or_else(|| Error::MalformedBody {
            operation_id: op.operation_id,
            status: StatusCode::OK,
            path: "Codebase".to_owned(),
            snippet: snippet(&body),
            source: serde::de::Error::custom("missing or not a plain codebase like v2025_1/"),
        })?;
    let text = |name: &str| any_case::string(&value, name).map(str::to_owned);
    Ok(ConnectWiseCompanyInfo {
        codebase,
        version_code: text("VersionCode"),
        version_number: text("VersionNumber"),
        company_name: text("CompanyName"),
        company_id: text("CompanyID"),
        is_cloud: any_case::field(&value, "IsCloud").and_then(serde_json::Value::as_bool),
    })
}

/// True when a failed answer is the API's own JSON (e.g. `{"code":
/// "NotFound", …}` for a record that does not exist), not a web server page
/// in front of a path the site no longer serves.
fn is_api_json(headers: &HeaderMap) -> bool {
    headers
        .get(CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.to_ascii_lowercase().contains("json"))
}

/// One generation for the two things a ConnectWise call depends on: the
/// codebase (high 32 bits) and the member's key pair (low 32 bits). Each
/// counts changes from 0 and never gets near 2^32; if one did, the only
/// effect would be one needless re-send.
fn pack_generation(base: u64, member: u64) -> u64 {
    (base << 32) | (member & 0xFFFF_FFFF)
}

fn base_generation(generation: u64) -> u64 {
    generation >> 32
}

fn member_generation(generation: u64) -> u64 {
    generation & 0xFFFF_FFFF
}

/// The ConnectWise side of the pipeline.
#[derive(Debug)]
pub(crate) struct ConnectWiseAuth {
    site: Url,
    company_id: String,
    authorization: HeaderValue,
    /// Marked sensitive, so `Debug` hides it.
    client_id: HeaderValue,
    accept: Option<HeaderValue>,
    /// `https://{site}/{codebase}apis/3.0`, fixed or discovered.
    base: DiscoveredBase,
    member: Option<MemberTokens>,
}

/// `Authorization: Basic base64(company+public:private)`, ConnectWise's API-member signature, marked sensitive;
/// the integrator's own keys and an impersonated member's key pair are sent the same way.
///
/// # Errors
/// None in practice (base64 is always a valid header value); [`Error::Config`] is `Secret::header_value`'s.
pub(super) fn basic_authorization(
    company_id: &str,
    public_key: &str,
    private_key: &str,
) -> Result<HeaderValue, Error> {
    // The joined keys live in a `Secret`, zeroed when dropped, like the header value built from them.
    let credentials = Secret::new(format!("{company_id}+{public_key}:{private_key}"));
    let basic = base64::engine::general_purpose::STANDARD.encode(credentials.expose());
    Secret::new(format!("Basic {basic}")).header_value()
}

impl ConnectWiseAuth {
    /// Builds the headers once; fails on values a header cannot carry.
    pub(crate) fn new(config: ConnectWiseConfig) -> Result<Self, Error> {
        let authorization = basic_authorization(
            &config.company_id,
            &config.public_key,
            config.private_key.expose(),
        )?;
        let mut client_id =
            HeaderValue::from_str(&config.client_id).map_err(|_| Error::Config {
                message: "the ConnectWise client id is not a valid header value".to_owned(),
            })?;
        client_id.set_sensitive(true);
        let accept = config
            .api_version
            .as_deref()
            .map(|version| {
                let version = normalize_version(version).ok_or_else(|| Error::Config {
                    message: "the ConnectWise API version must look like 2022.1".to_owned(),
                })?;
                HeaderValue::from_str(&format!(
                    "application/vnd.connectwise.com+json; version={version}"
                ))
                .map_err(|_| Error::Config {
                    message: "the ConnectWise API version is not a valid header value".to_owned(),
                })
            })
            .transpose()?;
        let fixed_base = match &config.codebase {
            Some(codebase) => {
                let codebase = normalize_codebase(codebase).ok_or_else(|| Error::Config {
                    message: "the ConnectWise codebase must look like v2025_1/".to_owned(),
                })?;
                Some(api_base(&config.site, &codebase))
            }
            None => None,
        };
        let member = config
            .impersonate
            .map(|member| MemberTokens::new(member, config.company_id.clone()));
        Ok(Self {
            member,
            site: config.site,
            company_id: config.company_id,
            authorization,
            client_id,
            accept,
            base: DiscoveredBase::new(fixed_base, "connectwise", "codebase", REDISCOVERY_INTERVAL),
        })
    }

    /// Asks the site for its current codebase and returns the API base.
    async fn discover(&self, transport: &Transport) -> Result<Url, Error> {
        tracing::debug!(vendor = "connectwise", "discovering the site's codebase");
        let info = fetch_company_info(transport, &self.site, &self.company_id).await?;
        let served = info.version_code.as_deref().unwrap_or("");
        tracing::debug!(
            vendor = "connectwise",
            codebase = info.codebase,
            version = served,
            "codebase discovered"
        );
        let served_types_version =
            normalize_version(served).as_deref() == Some(CONNECTWISE_TYPES_VERSION);
        if self.accept.is_none() && !served_types_version {
            tracing::info!(
                vendor = "connectwise",
                served,
                types = CONNECTWISE_TYPES_VERSION,
                "answers are not version-pinned and the site serves another release than the \
                 types come from; renamed fields would read as None. Pin the version with \
                 ConnectWiseConfig::pin_types_version() or PSA_CW_API_VERSION"
            );
        }
        Ok(api_base(&self.site, &info.codebase))
    }
}

/// `https://{site}/{codebase}apis/3.0`.
fn api_base(site: &Url, codebase: &str) -> Url {
    append_path(site, &format!("/{codebase}apis/3.0"))
}

impl VendorAuth for ConnectWiseAuth {
    fn base_url<'a>(&'a self, transport: &'a Transport) -> BoxFuture<'a, Result<Url, Error>> {
        Box::pin(self.base.base(|| self.discover(transport)))
    }

    fn authorize<'a>(
        &'a self,
        transport: &'a Transport,
        request: &'a mut reqwest::Request,
    ) -> BoxFuture<'a, Result<u64, Error>> {
        Box::pin(async move {
            let (authorization, member_generation) = match &self.member {
                None => (self.authorization.clone(), 0),
                Some(member) => {
                    let base = self.base_url(transport).await?;
                    let integrator = Integrator {
                        base: &base,
                        authorization: &self.authorization,
                        client_id: &self.client_id,
                        accept: self.accept.as_ref(),
                    };
                    member.authorization(transport, integrator).await?
                }
            };
            let headers = request.headers_mut();
            headers.insert(AUTHORIZATION, authorization);
            headers.insert(HeaderName::from_static("clientid"), self.client_id.clone());
            if let Some(accept) = &self.accept {
                headers.insert(ACCEPT, accept.clone());
            }
            Ok(pack_generation(self.base.generation(), member_generation))
        })
    }

    fn may_recover(&self, response: &reqwest::Response) -> bool {
        match response.status() {
            // The API's own JSON 404 is a real "no such record": looking
            // the codebase up again would not change it.
            StatusCode::NOT_FOUND => !is_api_json(response.headers()),
            StatusCode::UNAUTHORIZED => self.member.is_some(),
            _ => false,
        }
    }

    fn recover<'a>(
        &'a self,
        transport: &'a Transport,
        generation: u64,
        status: StatusCode,
    ) -> BoxFuture<'a, Result<bool, Error>> {
        Box::pin(async move {
            match (status, &self.member) {
                (StatusCode::UNAUTHORIZED, Some(member)) => {
                    // The member's pair was revoked or expired early: the
                    // re-send fetches a new one.
                    member.invalidate(member_generation(generation));
                    Ok(true)
                }
                // Only a changed codebase is worth a re-send: with the same
                // one the 404 would only come back again.
                (StatusCode::NOT_FOUND, _) => {
                    let now = transport.clock().now();
                    self.base
                        .recover(base_generation(generation), now, || {
                            self.discover(transport)
                        })
                        .await
                }
                _ => Ok(false),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_authorization_joins_company_and_keys_and_is_sensitive() {
        let value =
            basic_authorization("acme", "pubkey", "privkey-SECRET-2").expect("valid header");
        // base64("acme+pubkey:privkey-SECRET-2")
        assert_eq!(value, "Basic YWNtZStwdWJrZXk6cHJpdmtleS1TRUNSRVQtMg==");
        assert!(value.is_sensitive());
    }

    #[test]
    fn codebases_are_one_plain_segment() {
        assert_eq!(normalize_codebase("v2017_3/").as_deref(), Some("v2017_3/"));
        assert_eq!(normalize_codebase("/v2025_1").as_deref(), Some("v2025_1/"));
        assert_eq!(normalize_codebase("../x/"), None);
        assert_eq!(normalize_codebase("a/b"), None);
        assert_eq!(normalize_codebase(""), None);
    }

    #[test]
    fn versions_are_dotted_numbers() {
        assert_eq!(normalize_version("2022.1").as_deref(), Some("2022.1"));
        assert_eq!(normalize_version(" v2025.1 ").as_deref(), Some("2025.1"));
        assert_eq!(normalize_version("2022.1; x=y"), None);
        assert_eq!(normalize_version("2022..1"), None);
        assert_eq!(normalize_version("v"), None);
    }

    #[test]
    fn generations_pack_and_unpack() {
        let packed = pack_generation(3, 7);
        assert_eq!((base_generation(packed), member_generation(packed)), (3, 7));
    }

    fn base_vars(name: &str) -> Option<String> {
        match name {
            "PSA_CW_SITE" => Some(" api-na.myconnectwise.net ".to_owned()),
            "PSA_CW_COMPANY" => Some("acme".to_owned()),
            "PSA_CW_PUBLIC_KEY" => Some("pub".to_owned()),
            "PSA_CW_PRIVATE_KEY" => Some(" priv-value-9 ".to_owned()),
            "PSA_CW_CLIENT_ID" => Some("client-id-value-3".to_owned()),
            _ => None,
        }
    }

    #[test]
    fn from_env_names_the_missing_variable_and_hides_the_key() {
        let lookup = |name: &str| match name {
            "PSA_CW_CLIENT_ID" => None,
            other => base_vars(other),
        };
        let err = ConnectWiseConfig::from_lookup(&lookup).unwrap_err();
        assert_eq!(
            err.to_string(),
            "configuration error: environment variable PSA_CW_CLIENT_ID is not set"
        );
        let config = ConnectWiseConfig::from_lookup(&base_vars).unwrap();
        assert_eq!(config.site.as_str(), "https://api-na.myconnectwise.net/");
        let debug = format!("{config:?}");
        assert!(!debug.contains("priv-value-9"), "{debug}");
        assert!(!debug.contains("client-id-value-3"), "{debug}");
    }

    #[test]
    fn from_env_keeps_the_private_key_as_given() {
        let config = ConnectWiseConfig::from_lookup(&base_vars).unwrap();
        assert_eq!(config.private_key.expose(), " priv-value-9 ");
        assert_eq!(config.company_id, "acme");
    }

    #[test]
    fn from_env_reads_and_checks_the_version_pin() {
        let pinned = |name: &str| match name {
            "PSA_CW_API_VERSION" => Some(" 2022.1 ".to_owned()),
            other => base_vars(other),
        };
        let config = ConnectWiseConfig::from_lookup(&pinned).unwrap();
        assert_eq!(config.api_version(), Some("2022.1"));
        let auth = ConnectWiseAuth::new(config).unwrap();
        assert_eq!(
            auth.accept.unwrap(),
            "application/vnd.connectwise.com+json; version=2022.1"
        );

        let bad = |name: &str| match name {
            "PSA_CW_API_VERSION" => Some("2022.1, text/html".to_owned()),
            other => base_vars(other),
        };
        let err = ConnectWiseConfig::from_lookup(&bad)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("PSA_CW_API_VERSION") && !err.contains("text/html"),
            "{err}"
        );
    }
}
