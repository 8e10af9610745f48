//! One authenticated call: base URL, credentials, send, one recovery,
//! classification.
//!
//! Clients build requests against [`PLACEHOLDER_BASE`] because the real base
//! URL is only known after discovery (ConnectWise codebase, Autotask zone).
//! The pipeline swaps it in, adds the vendor's credentials and, when the
//! vendor answers with the status that means "stale token or moved site",
//! lets the vendor's auth recover once and re-sends the call.

use std::sync::Arc;

use reqwest::{StatusCode, Url};

use crate::auth::{
    append_path, AutotaskAuth, AutotaskConfig, BmsAuth, BmsConfig, ConnectWiseAuth,
    ConnectWiseConfig, VendorAuth,
};
use crate::error::VendorBody;
use crate::transport::{decode_json, OperationMeta, Transport, Vendor};
use crate::Error;
use psa_clients_runtime::Drift;

/// The base URL requests are built against before the real one is known.
/// `.invalid` is reserved (RFC 2606), so a request that escaped the
/// pipeline can never reach a real host.
pub const PLACEHOLDER_BASE: &str = "https://psa-clients.invalid";

const PLACEHOLDER_HOST: &str = "psa-clients.invalid";

/// A successful answer, body fully read: the run-time crate's type, which the generated clients decode.
pub use psa_clients_runtime::Answer;

/// Sends authenticated calls to one vendor tenant. Cheap to clone; clones
/// share the transport's limits and the cached credentials.
#[derive(Debug, Clone)]
pub struct Pipeline {
    transport: Transport,
    auth: Arc<dyn VendorAuth>,
    vendor: Vendor,
    drift: Drift,
}

impl Pipeline {
    /// A pipeline for a Kaseya BMS tenant.
    ///
    /// # Errors
    /// [`Error::Config`] for an unusable setting (e.g. a TOTP seed that is
    /// not base32). Nothing is sent until the first call.
    pub fn bms(transport: Transport, config: BmsConfig) -> Result<Self, Error> {
        Ok(Self::new(
            transport,
            Arc::new(BmsAuth::new(config)?),
            Vendor::Bms,
        ))
    }

    /// A pipeline for a ConnectWise PSA company.
    ///
    /// # Errors
    /// [`Error::Config`] for a setting that cannot go into a header.
    pub fn connectwise(transport: Transport, config: ConnectWiseConfig) -> Result<Self, Error> {
        Ok(Self::new(
            transport,
            Arc::new(ConnectWiseAuth::new(config)?),
            Vendor::ConnectWise,
        ))
    }

    /// A pipeline for a Datto Autotask PSA API user.
    ///
    /// # Errors
    /// [`Error::Config`] for a setting that cannot go into a header.
    pub fn autotask(transport: Transport, config: AutotaskConfig) -> Result<Self, Error> {
        Ok(Self::new(
            transport,
            Arc::new(AutotaskAuth::new(config)?),
            Vendor::Autotask,
        ))
    }

    fn new(transport: Transport, auth: Arc<dyn VendorAuth>, vendor: Vendor) -> Self {
        Self {
            transport,
            auth,
            vendor,
            drift: Drift::default(),
        }
    }

    /// Records the drift of the responses decoded for this pipeline's calls (generated operations, raw
    /// requests, Autotask queries) in `drift`.
    #[must_use]
    pub fn with_drift(mut self, drift: Drift) -> Self {
        self.drift = drift;
        self
    }

    /// The drift report of this pipeline's calls.
    pub fn drift(&self) -> &Drift {
        &self.drift
    }

    /// The transport calls go through.
    pub fn transport(&self) -> &Transport {
        &self.transport
    }

    /// The vendor this pipeline talks to.
    pub fn vendor(&self) -> Vendor {
        self.vendor
    }

    /// The real API base URL (discovering it first if needed), e.g.
    /// `https://na.myconnectwise.net/v2025_1/apis/3.0`.
    ///
    /// # Errors
    /// Whatever discovery reports.
    pub async fn base_url(&self) -> Result<Url, Error> {
        self.auth.base_url(&self.transport).await
    }

    /// Sends one call and returns its successful answer.
    ///
    /// `request` is built against [`PLACEHOLDER_BASE`] (path and query are
    /// kept), or carries an absolute URL on the vendor's real host, such as
    /// a next-page link; any other host is refused before credentials are
    /// added. When the vendor answers 401 (BMS, Autotask, impersonated
    /// ConnectWise) or a 404 that is not the API's own JSON (ConnectWise),
    /// its auth may refresh the token, renew the member's key pair or
    /// re-discover the base URL, and the call is re-sent once. A request
    /// with a streaming body cannot be copied and gets no re-send.
    ///
    /// # Errors
    /// [`Error::Config`] for a URL on another host, the typed [`Error`] of a
    /// failed answer, and for Kaseya BMS an [`Error::Vendor`] for a 2xx
    /// envelope with `Success: false`.
    pub async fn send(
        &self,
        request: reqwest::Request,
        op: OperationMeta,
    ) -> Result<Answer, Error> {
        let spare = request.try_clone();
        let (response, generation) = self.attempt(request, &op).await?;
        let response = match spare {
            Some(spare) if self.auth.may_recover(&response) => {
                let status = response.status();
                if self
                    .auth
                    .recover(&self.transport, generation, status)
                    .await?
                {
                    tracing::debug!(
                        vendor = %self.vendor,
                        status = response.status().as_u16(),
                        "credentials or base URL renewed; re-sending once"
                    );
                    drop(response);
                    self.attempt(spare, &op).await?.0
                } else {
                    response
                }
            }
            _ => response,
        };
        let status = response.status();
        let headers = response.headers().clone();
        let body = self
            .transport
            .classify(response, &op)
            .await
            .map_err(|err| self.auth.refine_error(err))?;
        if self.vendor == Vendor::Bms {
            check_bms_envelope(status, &body, &op)?;
        }
        Ok(Answer::new(status, headers, body))
    }

    /// Resolves the URL, adds credentials and sends once (with the
    /// transport's own retries).
    async fn attempt(
        &self,
        mut request: reqwest::Request,
        op: &OperationMeta,
    ) -> Result<(reqwest::Response, u64), Error> {
        let base = self.auth.base_url(&self.transport).await?;
        let url = resolve(request.url(), &base)?;
        *request.url_mut() = url;
        let generation = self.auth.authorize(&self.transport, &mut request).await?;
        let response = self.transport.execute(request, op.clone()).await?;
        Ok((response, generation))
    }
}

/// The real URL of a request: the placeholder swapped for `base`, or an
/// absolute URL checked to be on `base`'s origin.
fn resolve(url: &Url, base: &Url) -> Result<Url, Error> {
    if url.scheme() == "https" && url.host_str() == Some(PLACEHOLDER_HOST) && url.port().is_none() {
        let mut real = append_path(base, url.path());
        real.set_query(url.query());
        return Ok(real);
    }
    if url.origin() == base.origin() {
        return Ok(url.clone());
    }
    // Only the host part is named: the path or query may hold ids or
    // tokens from a vendor's paging link.
    Err(Error::Config {
        message: format!(
            "refusing to send credentials to {}: requests must use the vendor's host {}",
            url.host_str().unwrap_or("(no host)"),
            base.host_str().unwrap_or("(no host)")
        ),
    })
}

/// Kaseya BMS answers some failures with HTTP 200 and an envelope
/// `{"Success": false, "Error": {"Code", "Message", …}}`.
fn check_bms_envelope(status: StatusCode, body: &[u8], op: &OperationMeta) -> Result<(), Error> {
    // Only a JSON object can be an envelope; other bodies (files, empty)
    // are left to the caller's decoder.
    let Ok(value) = decode_json::<serde_json::Value>(body, status, op) else {
        return Ok(());
    };
    if crate::auth::envelope_failed(&value) {
        return Err(Error::Vendor {
            operation_id: op.operation_id,
            status,
            body: VendorBody::Json(value),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(text: &str) -> Url {
        Url::parse(text).unwrap()
    }

    #[test]
    fn placeholder_is_replaced_keeping_path_and_query() {
        let base = url("https://na.example.net/v2025_1/apis/3.0");
        let real = resolve(
            &url("https://psa-clients.invalid/service/tickets?conditions=id%3D1&page=2"),
            &base,
        )
        .unwrap();
        assert_eq!(
            real.as_str(),
            "https://na.example.net/v2025_1/apis/3.0/service/tickets?conditions=id%3D1&page=2"
        );
    }

    #[test]
    fn absolute_urls_must_share_the_origin() {
        let base = url("https://ws14.example.net/atservicesrest");
        let same = url("https://ws14.example.net/atservicesrest/v1.0/Tickets/query/next?x=1");
        assert_eq!(resolve(&same, &base).unwrap(), same);
        let other = resolve(&url("https://evil.example/steal?token=abc"), &base).unwrap_err();
        let text = other.to_string();
        assert!(
            text.contains("evil.example") && !text.contains("abc"),
            "{text}"
        );
        // Same host, other scheme or port: a different origin too.
        assert!(resolve(&url("http://ws14.example.net/x"), &base).is_err());
        assert!(resolve(&url("https://ws14.example.net:8443/x"), &base).is_err());
    }
}
