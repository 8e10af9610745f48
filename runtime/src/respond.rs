//! The end of every generated `send`: exchange the request, sort the status, decode the body.
//!
//! progenitor writes this tail out in full in each of its thousands of `send` bodies: four awaits, a
//! status `match` and the decoding. Checking those copies was a fifth of a generated crate's build time, so
//! the code generator replaces each tail with one call to a method here, which the compiler checks once. The behaviour is progenitor's: statuses in `ok` decode into the success
//! type, statuses the document lists as bodiless errors become [`Error::ErrorResponse`], anything else is
//! [`Error::UnexpectedResponse`].

use std::ops::RangeInclusive;

use progenitor_client::{ByteStream, Error, ResponseValue};
use serde::de::DeserializeOwned;

use crate::hooks::{Hooks, Operation};

/// Where one generated operation's request goes and which statuses mean what.
#[derive(Debug, Clone)]
pub struct Exchange<'a> {
    /// progenitor's method name (`OperationInfo::operation_id`).
    pub id: &'static str,
    /// The generated client's operation table.
    pub table: &'static [Operation],
    /// The success statuses.
    pub ok: RangeInclusive<u16>,
    /// Statuses the document declares as errors without a body.
    pub errors: &'a [u16],
}

impl Hooks {
    /// Sends `request` and decodes a JSON success body into `T`.
    #[doc(hidden)]
    pub async fn send_json<T: DeserializeOwned>(
        &self,
        request: reqwest::Request,
        exchange: Exchange<'_>,
    ) -> Result<ResponseValue<T>, Error<()>> {
        let response = self.answer(request, exchange).await?;
        ResponseValue::from_response(response).await
    }

    /// Sends `request` whose success answer has no body.
    #[doc(hidden)]
    pub async fn send_empty(
        &self,
        request: reqwest::Request,
        exchange: Exchange<'_>,
    ) -> Result<ResponseValue<()>, Error<()>> {
        let response = self.answer(request, exchange).await?;
        Ok(ResponseValue::empty(response))
    }

    /// Sends `request` and hands the success body over as a byte stream.
    #[doc(hidden)]
    pub async fn send_stream(
        &self,
        request: reqwest::Request,
        exchange: Exchange<'_>,
    ) -> Result<ResponseValue<ByteStream>, Error<()>> {
        let response = self.answer(request, exchange).await?;
        Ok(ResponseValue::stream(response))
    }

    /// The response when its status is a success one, else the error progenitor would give.
    async fn answer(
        &self,
        request: reqwest::Request,
        exchange: Exchange<'_>,
    ) -> Result<reqwest::Response, Error<()>> {
        let response = self.exec(request, exchange.id, exchange.table).await?;
        sort_status(response, &exchange.ok, exchange.errors)
    }
}

// progenitor's `Error` is what generated methods return; boxing it here would only add an allocation.
#[allow(clippy::result_large_err)]
fn sort_status(
    response: reqwest::Response,
    ok: &RangeInclusive<u16>,
    errors: &[u16],
) -> Result<reqwest::Response, Error<()>> {
    let status = response.status().as_u16();
    if ok.contains(&status) {
        Ok(response)
    } else if errors.contains(&status) {
        Err(Error::ErrorResponse(ResponseValue::empty(response)))
    } else {
        Err(Error::UnexpectedResponse(response))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn response(status: u16) -> reqwest::Response {
        let mut http = http::Response::new("{}");
        *http.status_mut() = reqwest::StatusCode::from_u16(status).expect("test status is valid");
        reqwest::Response::from(http)
    }

    #[test]
    fn statuses_sort_like_progenitors_match() {
        assert!(sort_status(response(200), &(200..=200), &[400]).is_ok());
        assert!(sort_status(response(204), &(200..=299), &[]).is_ok());
        assert!(matches!(
            sort_status(response(400), &(200..=200), &[400, 404]),
            Err(Error::ErrorResponse(v)) if v.status() == 400
        ));
        assert!(matches!(
            sort_status(response(201), &(200..=200), &[400]),
            Err(Error::UnexpectedResponse(r)) if r.status() == 201
        ));
    }
}
