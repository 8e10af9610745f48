//! The end of every generated `send`: operation the request through the executor, decode the body.
//!
//! progenitor writes a tail of four awaits, a status `match` and the decoding into each of its thousands of
//! `send` bodies; the code generator replaces each with one call to a method here, which the compiler checks
//! once. The executor (the hand-written pipeline) has already turned every non-success answer into a typed
//! [`Error`] carrying the vendor's operationId, status and body, so what is left is decoding a 2xx body
//! into the operation's type, with the JSON path of a field that does not fit.
//!
//! A 2xx other than the one the document declares is decoded all the same: documents are loose about
//! `200` versus `201`, and the body, not the status, says what came back.

use progenitor_client::{ByteStream, ResponseValue};
use serde::de::DeserializeOwned;

use crate::hooks::{lookup, Answer, ExecutorHandle, Operation};
use crate::{decode, Error};

/// Where one generated operation's request goes.
#[derive(Debug, Clone, Copy)]
pub struct OperationRef {
    /// progenitor's method name (`OperationInfo::operation_id`).
    pub id: &'static str,
    /// The generated client's operation table.
    pub table: &'static [Operation],
}

impl OperationRef {
    /// The vendor's operationId, for errors; progenitor's name when the table lacks the operation.
    fn operation_id(&self) -> &'static str {
        lookup(self.table, self.id).map_or(self.id, |op| op.spec_id)
    }
}

impl ExecutorHandle {
    /// Sends `request` and decodes a JSON success body into `T`.
    ///
    /// # Errors
    /// The executor's typed error, or [`Error::MalformedBody`] naming the operation and the JSON path
    /// ([`Error::Drift`] in strict drift mode).
    #[doc(hidden)]
    pub async fn send_json<T: DeserializeOwned>(
        &self,
        request: reqwest::Request,
        operation: OperationRef,
    ) -> Result<ResponseValue<T>, Error> {
        let answer = self.answer(request, operation).await?;
        let value = decode::json_with(
            &answer.body,
            answer.status,
            operation.operation_id(),
            self.drift(),
        )?;
        Ok(ResponseValue::new(value, answer.status, answer.headers))
    }

    /// Sends `request` whose success answer has no body (any body is ignored).
    ///
    /// # Errors
    /// The executor's typed error.
    #[doc(hidden)]
    pub async fn send_empty(
        &self,
        request: reqwest::Request,
        operation: OperationRef,
    ) -> Result<ResponseValue<()>, Error> {
        let answer = self.answer(request, operation).await?;
        Ok(ResponseValue::new((), answer.status, answer.headers))
    }

    /// Sends `request` and hands the success body over as a byte stream (of the already-read body).
    ///
    /// # Errors
    /// The executor's typed error.
    #[doc(hidden)]
    pub async fn send_stream(
        &self,
        request: reqwest::Request,
        operation: OperationRef,
    ) -> Result<ResponseValue<ByteStream>, Error> {
        let answer = self.answer(request, operation).await?;
        let body: reqwest::Result<bytes::Bytes> = Ok(answer.body);
        let stream = ByteStream::new(Box::pin(futures_util::stream::once(std::future::ready(
            body,
        ))));
        Ok(ResponseValue::new(stream, answer.status, answer.headers))
    }

    async fn answer(
        &self,
        request: reqwest::Request,
        operation: OperationRef,
    ) -> Result<Answer, Error> {
        self.exec(request, operation.id, operation.table).await
    }
}
