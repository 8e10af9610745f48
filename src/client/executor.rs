//! The `Executor` the generated clients send through.

use std::sync::Arc;

use psa_clients_runtime::hooks::{ExecFuture, Executor, Operation};
use reqwest::Method;

use crate::pipeline::Pipeline;
use crate::transport::{OperationMeta, Vendor};

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
        Box::pin(self.pipeline.send(request, meta))
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
    let mut meta = OperationMeta::new(vendor, op.spec_id, method, op.path);
    if op.retry_safe {
        meta = meta.read_only();
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    static OP: Operation = Operation {
        id: "companies_query",
        spec_id: "Companies_Query",
        method: "POST",
        path: "/V1.0/Companies/query",
        retry_safe: true,
    };

    #[test]
    fn autotask_operations_share_a_limit_per_entity() {
        let meta = operation_meta(Vendor::Autotask, OP.id, Some(&OP), &Method::POST);
        assert_eq!(meta.operation_id, "Companies_Query");
        assert_eq!(meta.path_template, "/V1.0/Companies/query");
        assert_eq!(meta.limit_key(), "Companies");
        // Marked by the `retry-safe` correction: a POST that only reads.
        assert!(meta.retry_safe);
        let cw = operation_meta(Vendor::ConnectWise, OP.id, Some(&OP), &Method::POST);
        assert_eq!(cw.limit_key(), "/V1.0/Companies/query");
    }

    #[test]
    fn unknown_operations_keep_their_method_name() {
        let meta = operation_meta(Vendor::Bms, "x_y", None, &Method::DELETE);
        assert_eq!((meta.operation_id, meta.method), ("x_y", Method::DELETE));
    }
}
