//! Building the Autotask client.

use std::future::ready;
use std::sync::Arc;

use bytes::Bytes;
use futures_util::future::Either;
use futures_util::stream::{self, StreamExt};
use psa_clients_runtime::paging::AutotaskEntity;
use reqwest::header::{HeaderValue, ACCEPT, CONTENT_TYPE};
use reqwest::Method;

use crate::auth::AutotaskConfig;
use crate::autotask::filter::Query;
use crate::client::{hooks_for, ClientBuilder, TenantClient};
use crate::pagination::autotask::AutotaskQuery;
use crate::pagination::{ItemStream, PageStream};
use crate::pipeline::{Pipeline, PLACEHOLDER_BASE};
use crate::transport::{OperationMeta, Vendor};
use crate::Error;

/// An Autotask client. Every generated operation is available through `Deref`
/// (`at.companies_query_item().id(0).send().await?`); calls find the zone, carry the API user
/// headers, retry what is safe and respect the transport's limits.
pub type Client = TenantClient<psa_clients_autotask::Client>;

impl TenantClient<psa_clients_autotask::Client> {
    /// Starts a client from explicit configuration.
    pub fn builder(config: AutotaskConfig) -> ClientBuilder<AutotaskConfig> {
        ClientBuilder::new(config)
    }

    /// A client configured from the `PSA_AUTOTASK_*` environment variables (see [`AutotaskConfig::from_env`]).
    ///
    /// # Errors
    /// [`Error::Config`] naming a missing or invalid variable.
    pub fn from_env() -> Result<Self, Error> {
        Self::builder(AutotaskConfig::from_env()?).build()
    }
}

impl ClientBuilder<AutotaskConfig> {
    /// Builds the client. Nothing is sent until the first call, which discovers the zone.
    ///
    /// # Errors
    /// [`Error::Config`] when the transport cannot be built.
    pub fn build(mut self) -> Result<Client, Error> {
        let transport = self.take_transport()?;
        let drift = self.drift_for("autotask", psa_clients_autotask::SPEC);
        let pipeline = Arc::new(Pipeline::autotask(transport, self.config)?.with_drift(drift));
        let api = psa_clients_autotask::Client::new_with_client(
            PLACEHOLDER_BASE,
            pipeline.transport().client().clone(),
            hooks_for(&pipeline),
        );
        Ok(TenantClient { api, pipeline })
    }
}

impl TenantClient<psa_clients_autotask::Client> {
    /// Every `T` matching `query`, as a lazy stream: `POST /V1.0/{Entity}/query`, then each
    /// `pageDetails.nextPageUrl` with the same method and body (a GET there answers 405, and the records
    /// after the first 500 would be lost). Each page counts against the entity's concurrency limit.
    ///
    /// ```no_run
    /// # async fn run(at: &psa_clients::autotask::Client) -> Result<(), Box<dyn std::error::Error>> {
    /// use futures_util::TryStreamExt;
    /// use psa_clients::autotask::{filter::{field, Query}, types::CompanyModel};
    ///
    /// let active = Query::builder().filter(field("isActive").eq(true)).build()?;
    /// let companies: Vec<CompanyModel> = at.query(&active).try_collect().await?;
    /// # Ok(()) }
    /// ```
    pub fn query<T: AutotaskEntity>(&self, query: &Query) -> ItemStream<'static, T> {
        Box::pin(crate::pagination::items(self.query_pages(query)))
    }

    /// Pages of [`query`](Self::query), with Autotask's page details.
    pub fn query_pages<T: AutotaskEntity>(&self, query: &Query) -> PageStream<'static, T> {
        let body = match serde_json::to_vec(query) {
            Ok(body) => Bytes::from(body),
            Err(e) => {
                return error_stream(Error::InvalidRequest {
                    message: format!("the query does not serialize: {e}"),
                })
            }
        };
        let pipeline = Arc::clone(&self.pipeline);
        let operation = query_operation_for(T::ENTITY);
        let pages = async move {
            // Start from the real zone URL: the pager refuses a next page on another host than the first.
            let base = pipeline.base_url().await?;
            let url = format!(
                "{}/V1.0/{}/query",
                base.as_str().trim_end_matches('/'),
                T::ENTITY
            );
            let first = AutotaskQuery::post(&url, body)?
                .operation_id(operation.spec_id)
                .drift(pipeline.drift().clone());
            Ok::<_, Error>(first.pages(move |method, url, body| {
                let pipeline = Arc::clone(&pipeline);
                async move {
                    let mut request = reqwest::Request::new(method.clone(), url);
                    let headers = request.headers_mut();
                    headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
                    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
                    *request.body_mut() = body.map(Into::into);
                    // Every page of a query, the first POST and each `nextPageUrl`, only reads.
                    let meta = OperationMeta::new(
                        Vendor::Autotask,
                        operation.spec_id,
                        method,
                        operation.path,
                    )
                    .with_limit_key(T::ENTITY)
                    .read_only();
                    Ok(pipeline.send(request, meta).await?.body)
                }
            }))
        };
        Box::pin(stream::once(pages).flat_map(|pages| match pages {
            Ok(pages) => Either::Left(pages),
            Err(error) => Either::Right(stream::once(ready(Err(error)))),
        }))
    }

    /// How many `T` match `query` (`POST /V1.0/{Entity}/query/count`).
    ///
    /// # Errors
    /// Every [`Error`] the pipeline reports; [`Error::MalformedBody`] for an answer without `queryCount`.
    pub async fn count<T: AutotaskEntity>(&self, query: &Query) -> Result<u64, Error> {
        #[derive(serde::Deserialize)]
        struct Count {
            #[serde(rename = "queryCount", alias = "QueryCount")]
            query_count: u64,
        }
        let count: Count = self
            .raw(Method::POST, format!("/V1.0/{}/query/count", T::ENTITY))
            .read_only()
            .json(&query.count())
            .operation_id(count_operation_for(T::ENTITY).spec_id)
            .limit_key(T::ENTITY)
            .send()
            .await?;
        Ok(count.query_count)
    }
}

/// The generated query operation this hand-written call stands for, from the generated crate's operation table,
/// so that errors, spans and drift reports name the same `operationId` and path template as the generated
/// `companies_query` / `companies_query_count` do (a report must say which entity's model lacked a field).
///
/// The call itself cannot go through the generated method: `query::<T>` is generic over the entity, and the
/// generated crate has one method per entity and no entity-to-method table. Sharing the table entry is the
/// one way both take.
#[derive(Clone, Copy)]
struct TableOperation {
    /// The document's `operationId` (`Companies_Query`).
    spec_id: &'static str,
    /// The path template (`/V1.0/Companies/query`).
    path: &'static str,
}

/// The table entry of `POST /V1.0/{entity}{suffix}` (`suffix` is `/query` or `/query/count`), or a generic
/// stand-in if the table lacks it (an entity the document does not have).
fn query_operation(entity: &str, suffix: &str, fallback: TableOperation) -> TableOperation {
    psa_clients_autotask::OPERATIONS
        .iter()
        .find(|op| {
            op.method == "POST"
                && op
                    .path
                    .strip_prefix("/V1.0/")
                    .and_then(|rest| rest.strip_suffix(suffix))
                    == Some(entity)
        })
        .map_or(fallback, |op| TableOperation {
            spec_id: op.spec_id,
            path: op.path,
        })
}

/// `POST /V1.0/{entity}/query`.
fn query_operation_for(entity: &str) -> TableOperation {
    query_operation(
        entity,
        "/query",
        TableOperation {
            spec_id: "query",
            path: "/V1.0/{Entity}/query",
        },
    )
}

/// `POST /V1.0/{entity}/query/count`.
fn count_operation_for(entity: &str) -> TableOperation {
    query_operation(
        entity,
        "/query/count",
        TableOperation {
            spec_id: "queryCount",
            path: "/V1.0/{Entity}/query/count",
        },
    )
}

fn error_stream<T: Send + 'static>(error: Error) -> PageStream<'static, T> {
    Box::pin(stream::once(ready(Err(error))))
}
