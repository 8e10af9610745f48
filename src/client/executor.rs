//! The `Executor` the generated clients send through.

use std::sync::{Arc, Mutex, PoisonError};

use psa_clients_runtime::hooks::{ExecFuture, Executor, Operation};
use reqwest::{Method, StatusCode};

use crate::pipeline::{Pipeline, Success};
use crate::transport::{OperationMeta, Vendor};
use crate::Error;

/// Runs every generated request through a vendor [`Pipeline`].
#[derive(Debug, Clone)]
pub(crate) struct PipelineExecutor {
    pipeline: Arc<Pipeline>,
}

impl PipelineExecutor {
    pub(crate) fn new(pipeline: Arc<Pipeline>) -> Self {
        Self { pipeline }
    }
}

impl Executor for PipelineExecutor {
    fn execute(
        &self,
        request: reqwest::Request,
        id: &'static str,
        operation: Option<&'static Operation>,
    ) -> ExecFuture<'_> {
        let meta = operation_meta(self.pipeline.vendor(), id, operation, request.method());
        Box::pin(async move {
            Ok(match self.pipeline.send(request, meta).await {
                Ok(success) => success_response(success),
                Err(error) => error_response(error),
            })
        })
    }
}

/// Describes a generated operation for limits, spans and errors.
pub(crate) fn operation_meta(
    vendor: Vendor,
    id: &'static str,
    operation: Option<&'static Operation>,
    method: &Method,
) -> OperationMeta {
    let Some(op) = operation else {
        return OperationMeta::new(vendor, id, method.clone(), id);
    };
    let method = Method::from_bytes(op.method.as_bytes()).unwrap_or_else(|_| method.clone());
    let meta = OperationMeta::new(vendor, op.spec_id, method, op.path);
    match (vendor, autotask_entity(op.path)) {
        // Autotask counts its 3-concurrent-requests limit per entity, whatever the sub-path.
        (Vendor::Autotask, Some(entity)) => meta.with_limit_key(entity),
        _ => meta,
    }
}

/// `Companies` from `/V1.0/Companies/query`.
fn autotask_entity(path: &'static str) -> Option<&'static str> {
    path.split('/').nth(2).filter(|segment| !segment.is_empty())
}

/// Rebuilds a response from the pipeline's buffered success for progenitor to decode.
fn success_response(success: Success) -> reqwest::Response {
    let mut response = http::Response::new(success.body);
    *response.status_mut() = success.status;
    *response.headers_mut() = success.headers;
    reqwest::Response::from(response)
}

/// The typed error, parked in a response extension for [`take_error`]. A `Mutex<Option<_>>` because
/// extensions must be `Clone` and [`Error`] is not.
#[derive(Clone)]
pub(crate) struct ParkedError(Arc<Mutex<Option<Error>>>);

/// A non-success response that carries `error`; progenitor returns it as `UnexpectedResponse`.
fn error_response(error: Error) -> reqwest::Response {
    let status = error
        .status()
        .filter(|status| !status.is_success())
        .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = http::Response::new(bytes::Bytes::new());
    *response.status_mut() = status;
    response
        .extensions_mut()
        .insert(ParkedError(Arc::new(Mutex::new(Some(error)))));
    reqwest::Response::from(response)
}

/// Takes the error [`error_response`] parked, if this response carries one.
pub(crate) fn take_error(response: &reqwest::Response) -> Option<Error> {
    response
        .extensions()
        .get::<ParkedError>()
        .and_then(|parked| {
            parked
                .0
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .take()
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    static OP: Operation = Operation {
        id: "companies_query",
        spec_id: "Companies_Query",
        method: "POST",
        path: "/V1.0/Companies/query",
    };

    #[test]
    fn autotask_operations_share_a_limit_per_entity() {
        let meta = operation_meta(Vendor::Autotask, OP.id, Some(&OP), &Method::POST);
        assert_eq!(meta.operation_id, "Companies_Query");
        assert_eq!(meta.path_template, "/V1.0/Companies/query");
        assert_eq!(meta.limit_key(), "Companies");
        let cw = operation_meta(Vendor::ConnectWise, OP.id, Some(&OP), &Method::POST);
        assert_eq!(cw.limit_key(), "/V1.0/Companies/query");
    }

    #[test]
    fn unknown_operations_keep_their_method_name() {
        let meta = operation_meta(Vendor::KaseyaBms, "x_y", None, &Method::DELETE);
        assert_eq!((meta.operation_id, meta.method), ("x_y", Method::DELETE));
    }

    #[test]
    fn parked_errors_survive_the_round_trip_once() {
        let response = error_response(Error::Config {
            message: "nope".into(),
        });
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert!(
            matches!(take_error(&response), Some(Error::Config { message }) if message == "nope")
        );
        assert!(take_error(&response).is_none());
    }
}
