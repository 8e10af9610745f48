//! ConnectWise PSA: Basic API-member keys and codebase discovery.
//!
//! A ConnectWise site serves its API under a path that names the release
//! (`/v2025_1/apis/3.0`). The release changes when the site is upgraded,
//! and the old path then answers 404. The codebase is therefore looked up
//! at `/login/companyinfo/{company}` on first use, cached, and looked up
//! again once when a call answers 404.

use base64::Engine as _;
use futures_core::future::BoxFuture;
use reqwest::header::{HeaderName, HeaderValue, ACCEPT, AUTHORIZATION};
use reqwest::{Method, StatusCode, Url};

use super::discovered::DiscoveredBase;
use super::env::{self, Lookup};
use super::impersonation::{Integrator, MemberTokens};
use super::{append_path, fetch, json, parse_site, VendorAuth};
use crate::error::snippet;
use crate::secret::Secret;
use crate::transport::{decode_json, OperationMeta, Transport, Vendor};
use crate::Error;

const COMPANY_INFO_PATH: &str = "/login/companyinfo/{company}";

/// ConnectWise PSA API-member credentials and site settings.
///
/// `Debug` never shows the private key.
#[derive(Debug, Clone)]
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

impl ConnectWiseConfig {
    /// Credentials for `company_id` on `site`: a host such as
    /// `na.myconnectwise.net` (HTTPS is assumed) or an on-premises URL.
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

    /// Pins the API version, e.g. `2022.1`, sent as
    /// `Accept: application/vnd.connectwise.com+json; version=2022.1`, so a
    /// site upgrade does not change the shape of the answers.
    #[must_use]
    pub fn with_api_version(mut self, version: impl Into<String>) -> Self {
        self.api_version = Some(version.into());
        self
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
    /// is cached and renewed a minute before it expires. Records created this way are the member's. The API
    /// member needs the security-role permission to impersonate.
    #[must_use]
    pub fn with_member_impersonation(mut self, member_identifier: impl Into<String>) -> Self {
        self.impersonate = Some(member_identifier.into());
        self
    }

    /// Reads the settings from the environment:
    ///
    /// | variable | meaning |
    /// | --- | --- |
    /// | `PSA_CW_SITE` | site host or URL, required |
    /// | `PSA_CW_COMPANY` | company id used at login, required |
    /// | `PSA_CW_PUBLIC_KEY` | API member public key, required |
    /// | `PSA_CW_PRIVATE_KEY` | API member private key, required |
    /// | `PSA_CW_CLIENT_ID` | integration client id, required |
    /// | `PSA_CW_API_VERSION` | API version pin, e.g. `2022.1` |
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
            Secret::new(env::required(lookup, "PSA_CW_PRIVATE_KEY")?),
            env::required(lookup, "PSA_CW_CLIENT_ID")?,
        )
        .map_err(|_| env::invalid("PSA_CW_SITE", "not a host name or URL"))?;
        if let Some(version) = env::optional(lookup, "PSA_CW_API_VERSION") {
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

/// The ConnectWise side of the pipeline.
#[derive(Debug)]
pub(crate) struct ConnectWiseAuth {
    site: Url,
    company_id: String,
    authorization: HeaderValue,
    client_id: HeaderValue,
    accept: Option<HeaderValue>,
    /// `https://{site}/{codebase}apis/3.0`, fixed or discovered.
    base: DiscoveredBase,
    member: Option<MemberTokens>,
}

impl ConnectWiseAuth {
    /// Builds the headers once; fails on values a header cannot carry.
    pub(crate) fn new(config: ConnectWiseConfig) -> Result<Self, Error> {
        let credentials = format!(
            "{}+{}:{}",
            config.company_id,
            config.public_key,
            config.private_key.expose()
        );
        let basic = base64::engine::general_purpose::STANDARD.encode(credentials);
        let authorization = Secret::new(format!("Basic {basic}")).header_value()?;
        let client_id = HeaderValue::from_str(&config.client_id).map_err(|_| Error::Config {
            message: "the ConnectWise client id is not a valid header value".to_owned(),
        })?;
        let accept = config
            .api_version
            .as_deref()
            .map(|version| {
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
            base: DiscoveredBase::new(fixed_base, "connectwise", "codebase"),
        })
    }

    /// Asks the site for its current codebase and returns the API base.
    async fn discover(&self, transport: &Transport) -> Result<Url, Error> {
        let op = OperationMeta::new(
            Vendor::ConnectWise,
            "getCompanyInfo",
            Method::GET,
            COMPANY_INFO_PATH,
        );
        let mut url = append_path(&self.site, "");
        url.path_segments_mut()
            .map_err(|()| super::invalid_url("the ConnectWise site"))?
            .pop_if_empty()
            .extend(["login", "companyinfo", &self.company_id]);
        tracing::debug!(vendor = "connectwise", "discovering the site's codebase");
        // No credentials: the endpoint is public and answers before login.
        let request = transport
            .client()
            .get(url)
            .build()
            .map_err(|err| Error::from_reqwest(op.operation_id, err))?;
        let body = fetch(transport, request, &op).await?;
        let value: serde_json::Value = decode_json(&body, StatusCode::OK, &op)?;
        let codebase = json::string(&value, "Codebase")
            .and_then(normalize_codebase)
            .ok_or_else(|| Error::MalformedBody {
                operation_id: op.operation_id,
                status: StatusCode::OK,
                path: "Codebase".to_owned(),
                snippet: snippet(&body),
                source: serde::de::Error::custom("missing or not a plain codebase like v2025_1/"),
            })?;
        tracing::debug!(vendor = "connectwise", codebase, "codebase discovered");
        Ok(api_base(&self.site, &codebase))
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
            let authorization = match &self.member {
                None => self.authorization.clone(),
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
            Ok(self.base.generation().await)
        })
    }

    fn recovery_status(&self) -> StatusCode {
        StatusCode::NOT_FOUND
    }

    fn recover<'a>(
        &'a self,
        transport: &'a Transport,
        generation: u64,
    ) -> BoxFuture<'a, Result<bool, Error>> {
        // Only a changed codebase is worth a re-send: with the same one the
        // 404 is a real "no such record" and would only come back again.
        Box::pin(self.base.recover(generation, || self.discover(transport)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codebases_are_one_plain_segment() {
        assert_eq!(normalize_codebase("v2017_3/").as_deref(), Some("v2017_3/"));
        assert_eq!(normalize_codebase("/v2025_1").as_deref(), Some("v2025_1/"));
        assert_eq!(normalize_codebase("../x/"), None);
        assert_eq!(normalize_codebase("a/b"), None);
        assert_eq!(normalize_codebase(""), None);
    }

    #[test]
    fn from_env_names_the_missing_variable_and_hides_the_key() {
        let lookup = |name: &str| match name {
            "PSA_CW_SITE" => Some("na.myconnectwise.net".to_owned()),
            "PSA_CW_COMPANY" => Some("acme".to_owned()),
            "PSA_CW_PUBLIC_KEY" => Some("pub".to_owned()),
            "PSA_CW_PRIVATE_KEY" => Some("priv-value-9".to_owned()),
            _ => None,
        };
        let err = ConnectWiseConfig::from_lookup(&lookup).unwrap_err();
        assert_eq!(
            err.to_string(),
            "configuration error: environment variable PSA_CW_CLIENT_ID is not set"
        );
        let with_client = |name: &str| match name {
            "PSA_CW_CLIENT_ID" => Some("client".to_owned()),
            other => lookup(other),
        };
        let config = ConnectWiseConfig::from_lookup(&with_client).unwrap();
        assert_eq!(config.site.as_str(), "https://na.myconnectwise.net/");
        assert!(!format!("{config:?}").contains("priv-value-9"));
    }
}
