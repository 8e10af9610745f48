//! Datto Autotask PSA: API-user key headers and zone discovery.
//!
//! Every Autotask tenant lives in one zone (`webservicesN.autotask.net`);
//! calls to another zone fail. The zone is looked up by the API user's
//! e-mail on first use, cached, and looked up again once when a call
//! answers 401 (tenants are occasionally moved between zones).

use std::time::Duration;

use futures_core::future::BoxFuture;
use reqwest::header::{HeaderName, HeaderValue};
use reqwest::{Method, StatusCode, Url};

use super::discovered::DiscoveredBase;
use super::env::{self, Lookup};
use super::{any_case, append_path, parse_site, send_auth_request, trim_base, VendorAuth};
use crate::error::{snippet, VendorBody};
use crate::secret::Secret;
use crate::transport::{decode_json, OperationMeta, Transport, Vendor};
use crate::Error;

/// Where zones are looked up unless [`AutotaskConfig::with_discovery_url`]
/// says otherwise.
pub const AUTOTASK_DISCOVERY_URL: &str = "https://webservices.autotask.net/atservicesrest";

const ZONE_PATH: &str = "/v1.0/zoneInformation";
/// Least time between two zone look-ups after a 401.
const REDISCOVERY_INTERVAL: Duration = Duration::from_secs(60);

/// Datto Autotask PSA API-user credentials.
///
/// `Debug` never shows the secret, the integration code or a password in a
/// URL.
#[derive(Clone)]
pub struct AutotaskConfig {
    username: String,
    secret: Secret,
    integration_code: Secret,
    impersonation_resource_id: Option<i64>,
    zone_url: Option<Url>,
    discovery_url: Option<Url>,
}

impl std::fmt::Debug for AutotaskConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AutotaskConfig")
            .field("username", &self.username)
            .field("secret", &self.secret)
            .field("integration_code", &self.integration_code)
            .field("impersonation_resource_id", &self.impersonation_resource_id)
            .field("zone_url", &self.zone_url.as_ref().map(super::shown_url))
            .field(
                "discovery_url",
                &self.discovery_url.as_ref().map(super::shown_url),
            )
            .finish()
    }
}

impl AutotaskConfig {
    /// Credentials of an API-only user: its e-mail `username`, its
    /// `secret`, and the tracking identifier (API integration code) of the
    /// integration.
    pub fn new(username: impl Into<String>, secret: Secret, integration_code: Secret) -> Self {
        Self {
            username: username.into(),
            secret,
            integration_code,
            impersonation_resource_id: None,
            zone_url: None,
            discovery_url: None,
        }
    }

    /// Acts on behalf of this resource (sent as `ImpersonationResourceId`),
    /// so created tickets and notes show that person as the author.
    #[must_use]
    pub fn with_impersonation_resource_id(mut self, resource_id: i64) -> Self {
        self.impersonation_resource_id = Some(resource_id);
        self
    }

    /// Uses this zone URL (e.g.
    /// `https://webservices14.autotask.net/atservicesrest`) and never looks
    /// the zone up.
    #[must_use]
    pub fn with_zone_url(mut self, zone_url: Url) -> Self {
        self.zone_url = Some(zone_url);
        self
    }

    /// Looks zones up under this URL instead of [`AUTOTASK_DISCOVERY_URL`]
    /// (a sandbox, or a test server). A zone it names must be an `https`
    /// URL on `autotask.net` (or a subdomain), as with the default, or any
    /// URL on this discovery URL's own host.
    #[must_use]
    pub fn with_discovery_url(mut self, discovery_url: Url) -> Self {
        self.discovery_url = Some(discovery_url);
        self
    }

    /// Reads the settings from the environment:
    ///
    /// | variable | meaning |
    /// | --- | --- |
    /// | `PSA_AUTOTASK_USERNAME` | API user's e-mail, required |
    /// | `PSA_AUTOTASK_SECRET` | API user's secret, required, taken as given (not trimmed) |
    /// | `PSA_AUTOTASK_INTEGRATION_CODE` | API integration code, required, taken as given |
    /// | `PSA_AUTOTASK_IMPERSONATION_RESOURCE_ID` | resource id to act as |
    /// | `PSA_AUTOTASK_ZONE_URL` | fixed zone URL, skips the lookup |
    ///
    /// # Errors
    /// [`Error::Config`] naming the first missing or invalid variable; the
    /// message never contains a value.
    pub fn from_env() -> Result<Self, Error> {
        Self::from_lookup(&env::process)
    }

    pub(crate) fn from_lookup(lookup: Lookup<'_>) -> Result<Self, Error> {
        let mut config = Self::new(
            env::required(lookup, "PSA_AUTOTASK_USERNAME")?,
            Secret::new(env::secret(lookup, "PSA_AUTOTASK_SECRET")?),
            Secret::new(env::secret(lookup, "PSA_AUTOTASK_INTEGRATION_CODE")?),
        );
        let name = "PSA_AUTOTASK_IMPERSONATION_RESOURCE_ID";
        if let Some(id) = env::optional(lookup, name) {
            let id = id
                .parse()
                .map_err(|_| env::invalid(name, "expected a resource id (a whole number)"))?;
            config = config.with_impersonation_resource_id(id);
        }
        let name = "PSA_AUTOTASK_ZONE_URL";
        if let Some(url) = env::optional(lookup, name) {
            let url = parse_site(&url, name).map_err(|_| env::invalid(name, "not a URL"))?;
            config = config.with_zone_url(url);
        }
        Ok(config)
    }
}

/// The Autotask side of the pipeline.
#[derive(Debug)]
pub(crate) struct AutotaskAuth {
    username: String,
    discovery_url: Url,
    /// True when the user chose the discovery URL (zones on its host are
    /// then trusted too).
    discovery_configured: bool,
    headers: Vec<(HeaderName, HeaderValue)>,
    /// The zone URL, fixed or discovered.
    zone: DiscoveredBase,
}

impl AutotaskAuth {
    /// Builds the headers once; fails on values a header cannot carry.
    pub(crate) fn new(config: AutotaskConfig) -> Result<Self, Error> {
        let username = HeaderValue::from_str(&config.username).map_err(|_| Error::Config {
            message: "the Autotask username is not a valid header value".to_owned(),
        })?;
        let mut headers = vec![
            (HeaderName::from_static("username"), username),
            (
                HeaderName::from_static("secret"),
                config.secret.header_value()?,
            ),
            (
                HeaderName::from_static("apiintegrationcode"),
                config.integration_code.header_value()?,
            ),
        ];
        if let Some(id) = config.impersonation_resource_id {
            let mut value = HeaderValue::from(id);
            value.set_sensitive(true);
            headers.push((HeaderName::from_static("impersonationresourceid"), value));
        }
        for (url, setting) in [
            (&config.zone_url, "the Autotask zone URL"),
            (&config.discovery_url, "the Autotask discovery URL"),
        ] {
            if let Some(url) = url {
                super::no_user_info(url, setting)?;
            }
        }
        let discovery_configured = config.discovery_url.is_some();
        let discovery_url = match config.discovery_url {
            Some(url) => trim_base(url),
            None => trim_base(
                Url::parse(AUTOTASK_DISCOVERY_URL).expect("built-in discovery URL is valid"),
            ),
        };
        Ok(Self {
            username: config.username,
            discovery_url,
            discovery_configured,
            headers,
            zone: DiscoveredBase::new(
                config.zone_url.map(trim_base),
                "autotask",
                "zone",
                REDISCOVERY_INTERVAL,
            ),
        })
    }

    /// Asks Autotask which zone the API user lives in.
    async fn discover(&self, transport: &Transport) -> Result<Url, Error> {
        let op = OperationMeta::new(
            Vendor::Autotask,
            "ZoneInformationApiIntegration_QueryZoneInformation",
            Method::GET,
            ZONE_PATH,
        );
        let mut url = append_path(&self.discovery_url, ZONE_PATH);
        url.query_pairs_mut().append_pair("user", &self.username);
        tracing::debug!(vendor = "autotask", "looking up the API user's zone");
        // No credentials: the lookup only needs the user name, and the key
        // headers then only ever go to the zone Autotask named.
        let request = transport
            .client()
            .get(url)
            .build()
            .map_err(|err| Error::from_reqwest(op.operation_id, err))?;
        let body = send_auth_request(transport, request, &op)
            .await
            .map_err(refine)?;
        let value: serde_json::Value = decode_json(&body, StatusCode::OK, &op)?;
        let zone = any_case::string(&value, "url")
            .and_then(|url| Url::parse(url).ok())
            .filter(|url| matches!(url.scheme(), "http" | "https") && url.has_host())
            .ok_or_else(|| Error::MalformedBody {
                operation_id: op.operation_id,
                status: StatusCode::OK,
                path: "url".to_owned(),
                snippet: snippet(&body),
                source: serde::de::Error::custom("missing or not an http(s) URL"),
            })?;
        check_zone(&zone, &self.discovery_url, self.discovery_configured)?;
        tracing::debug!(
            vendor = "autotask",
            zone = zone.host_str().unwrap_or(""),
            "zone found"
        );
        Ok(trim_base(zone))
    }
}

/// Refuses a zone that the credentials must not go to: anything but an
/// `https` URL on `autotask.net` or a subdomain, unless the user configured
/// the discovery URL and the zone is on that URL's host. The error names
/// the host only (the rest of the URL is the vendor's to choose).
fn check_zone(zone: &Url, discovery: &Url, discovery_configured: bool) -> Result<(), Error> {
    let host = zone.host_str().unwrap_or("");
    let on_autotask = zone.scheme() == "https" && is_autotask_host(host);
    let on_discovery_host = discovery_configured
        && discovery
            .host_str()
            .is_some_and(|discovery| discovery.eq_ignore_ascii_case(host));
    if on_autotask || on_discovery_host {
        return Ok(());
    }
    Err(Error::Config {
        message: format!(
            "Autotask zone discovery named a zone on {host} ({}), which is not an https \
             autotask.net host; refusing to send the credentials there",
            zone.scheme()
        ),
    })
}

/// `autotask.net` or one of its subdomains.
fn is_autotask_host(host: &str) -> bool {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    host == "autotask.net" || host.ends_with(".autotask.net")
}

/// Names the two account problems Autotask reports as a bare HTTP 500.
fn refine(error: Error) -> Error {
    let Error::Vendor {
        operation_id,
        status: StatusCode::INTERNAL_SERVER_ERROR,
        body,
    } = error
    else {
        return error;
    };
    let reason = if errors_mention(&body, "zone information could not be determined") {
        "Autotask does not know this API user (zone information could not be determined); \
         check the username, which must be the API user's e-mail address"
    } else if errors_mention(&body, "integrationcode is invalid") {
        "Autotask rejected the API integration code (IntegrationCode is invalid); check the \
         tracking identifier of the integration"
    } else {
        return Error::Vendor {
            operation_id,
            status: StatusCode::INTERNAL_SERVER_ERROR,
            body,
        };
    };
    Error::CredentialsRejected {
        operation_id,
        status: StatusCode::INTERNAL_SERVER_ERROR,
        reason,
        body,
    }
}

/// True when the Autotask error body `{"errors": ["…"]}` has a message
/// containing `needle` (lowercase), ignoring case.
fn errors_mention(body: &VendorBody, needle: &str) -> bool {
    let VendorBody::Json(value) = body else {
        return false;
    };
    any_case::field(value, "errors")
        .and_then(serde_json::Value::as_array)
        .is_some_and(|errors| {
            errors
                .iter()
                .filter_map(serde_json::Value::as_str)
                .any(|text| text.to_ascii_lowercase().contains(needle))
        })
}

impl VendorAuth for AutotaskAuth {
    fn base_url<'a>(&'a self, transport: &'a Transport) -> BoxFuture<'a, Result<Url, Error>> {
        Box::pin(self.zone.base(|| self.discover(transport)))
    }

    fn authorize<'a>(
        &'a self,
        _transport: &'a Transport,
        request: &'a mut reqwest::Request,
    ) -> BoxFuture<'a, Result<u64, Error>> {
        Box::pin(async move {
            let headers = request.headers_mut();
            for (name, value) in &self.headers {
                headers.insert(name.clone(), value.clone());
            }
            Ok(self.zone.generation())
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
        // Only a changed zone is worth a re-send: with the same one the 401
        // is about the credentials and would only come back again. Looked up
        // again at most once a minute, so a burst of 401s for bad
        // credentials costs one look-up.
        let now = transport.clock().now();
        Box::pin(
            self.zone
                .recover(generation, now, || self.discover(transport)),
        )
    }

    fn refine_error(&self, error: Error) -> Error {
        refine(error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zones_must_be_https_on_autotask_net_unless_on_a_configured_discovery_host() {
        let url = |text: &str| Url::parse(text).unwrap();
        let default = url(AUTOTASK_DISCOVERY_URL);
        let ok = |zone: &str| check_zone(&url(zone), &default, false).is_ok();
        assert!(ok("https://webservices14.autotask.net/atservicesrest/"));
        assert!(ok("https://WebServices2.AutoTask.NET./atservicesrest"));
        assert!(ok("https://autotask.net/atservicesrest"));
        assert!(!ok("http://webservices14.autotask.net/atservicesrest/"));
        assert!(!ok("https://evilautotask.net/"));
        assert!(!ok("https://autotask.net.evil.example/"));
        assert!(!ok("https://127.0.0.1:8080/"));

        let local = url("http://127.0.0.1:9000/discovery");
        let configured = |zone: &str| check_zone(&url(zone), &local, true).is_ok();
        assert!(configured("http://127.0.0.1:9001/zoneA/atservicesrest/"));
        assert!(configured(
            "https://webservices14.autotask.net/atservicesrest/"
        ));
        assert!(!configured("http://localhost:9001/"));
        assert!(!configured("https://evil.example/"));

        let err = check_zone(&url("https://evil.example/a?b=c"), &default, false).unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains("evil.example") && !text.contains("b=c"),
            "{text}"
        );
    }

    #[test]
    fn from_env_validates_the_resource_id_without_echoing_it() {
        let lookup = |name: &str| match name {
            "PSA_AUTOTASK_USERNAME" => Some("api@acme.example".to_owned()),
            "PSA_AUTOTASK_SECRET" => Some("secret-value-3".to_owned()),
            "PSA_AUTOTASK_INTEGRATION_CODE" => Some("code-value-4".to_owned()),
            "PSA_AUTOTASK_IMPERSONATION_RESOURCE_ID" => Some("abc-7".to_owned()),
            _ => None,
        };
        let err = AutotaskConfig::from_lookup(&lookup).unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains("PSA_AUTOTASK_IMPERSONATION_RESOURCE_ID"),
            "{text}"
        );
        assert!(!text.contains("abc-7"), "{text}");

        let valid = |name: &str| match name {
            "PSA_AUTOTASK_IMPERSONATION_RESOURCE_ID" => Some("29682885".to_owned()),
            other => lookup(other),
        };
        let config = AutotaskConfig::from_lookup(&valid).unwrap();
        assert_eq!(config.impersonation_resource_id, Some(29_682_885));
        let debug = format!("{config:?}");
        assert!(!debug.contains("secret-value-3") && !debug.contains("code-value-4"));

        let spaced = |name: &str| match name {
            "PSA_AUTOTASK_USERNAME" => Some(" api@acme.example ".to_owned()),
            "PSA_AUTOTASK_SECRET" => Some(" s3cret ".to_owned()),
            "PSA_AUTOTASK_INTEGRATION_CODE" => Some("\tcode ".to_owned()),
            _ => None,
        };
        let config = AutotaskConfig::from_lookup(&spaced).unwrap();
        assert_eq!(config.username, "api@acme.example");
        assert_eq!(config.secret.expose(), " s3cret ");
        assert_eq!(config.integration_code.expose(), "\tcode ");

        let missing = AutotaskConfig::from_lookup(&|_: &str| None).unwrap_err();
        assert!(missing.to_string().contains("PSA_AUTOTASK_USERNAME"));
    }
}
