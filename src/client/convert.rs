//! `progenitor_client::Error` → [`Error`], so `?` works on generated calls.

use reqwest::StatusCode;

use super::executor::take_error;
use crate::error::{snippet, VendorBody};
use crate::Error;

/// Used where progenitor does not say which operation failed (body decoding, request building).
const GENERATED_CALL: &str = "generated call";

impl<E> From<progenitor_client::Error<E>> for Error {
    fn from(error: progenitor_client::Error<E>) -> Self {
        use progenitor_client::Error as P;
        match error {
            P::UnexpectedResponse(response) => {
                take_error(&response).unwrap_or_else(|| Error::Vendor {
                    operation_id: GENERATED_CALL,
                    status: response.status(),
                    body: VendorBody::Empty,
                })
            }
            P::ErrorResponse(value) => Error::Vendor {
                operation_id: GENERATED_CALL,
                status: value.status(),
                body: VendorBody::Empty,
            },
            P::InvalidResponsePayload(body, source) => Error::MalformedBody {
                operation_id: GENERATED_CALL,
                status: StatusCode::OK,
                path: format!("line {} column {}", source.line(), source.column()),
                snippet: snippet(&body),
                source,
            },
            P::CommunicationError(source)
            | P::InvalidUpgrade(source)
            | P::ResponseBodyError(source) => Error::from_reqwest(GENERATED_CALL, source),
            P::InvalidRequest(message) | P::Custom(message) => Error::InvalidRequest { message },
        }
    }
}
