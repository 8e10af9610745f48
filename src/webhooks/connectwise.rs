//! ConnectWise PSA callbacks: the payload, the signing-key URL policy and fetcher, and the verifier.
//!
//! A callback is a `POST` of JSON to the registered URL:
//!
//! ```json
//! {"MessageId": "…", "FromUrl": "…", "CompanyId": "acme", "MemberId": "jdoe", "Action": "updated",
//!  "Type": "ticket", "ID": 1234, "ProductInstanceId": "…", "PartnerId": "…",
//!  "Entity": "{\"id\":1234,\"summary\":\"…\"}", "Metadata": {"key_url": "https://…"}, "CallbackObjectRecId": 7}
//! ```
//!
//! `Entity` is the record as a JSON *string* (partial, `null` on delete): [`CallbackPayload::entity`] decodes it
//! into any model, [`CallbackPayload::typed_entity`] into the generated model of its `Type`.
//!
//! The `x-content-signature` header is `base64(HMAC-SHA256(SHA-256(signing_key), body))`, where the signing
//! key is served at `Metadata.key_url` — a URL named by the (not yet verified) payload. [`KeyUrlPolicy`] decides
//! which URLs may be fetched at all (https, no userinfo, the configured site or `*.myconnectwise.net`),
//! [`HttpKeyFetcher`] fetches without redirects, with a short timeout and a size cap, and [`Verifier`] caches the
//! keys and checks the signature before anything else reads the payload.

use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use reqwest::Url;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::lenient;
use super::verify::{self, VerifyError, CONNECTWISE_SIGNATURE_HEADER};
use super::PayloadError;
use crate::secret::Secret;

/// What happened to the record.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Action {
    /// `added`
    Added,
    /// `updated`
    Updated,
    /// `deleted` (`Entity` is `null`)
    Deleted,
    /// Anything else, as sent.
    Unknown(String),
}

impl Default for Action {
    /// `Unknown("")`: the payload named no action.
    fn default() -> Self {
        Action::Unknown(String::new())
    }
}

impl Action {
    fn parse(text: &str) -> Action {
        match text.to_ascii_lowercase().as_str() {
            "added" => Action::Added,
            "updated" => Action::Updated,
            "deleted" => Action::Deleted,
            _ => Action::Unknown(text.to_owned()),
        }
    }

    /// The wire spelling (`added`, `updated`, `deleted`).
    pub fn as_str(&self) -> &str {
        match self {
            Action::Added => "added",
            Action::Updated => "updated",
            Action::Deleted => "deleted",
            Action::Unknown(text) => text,
        }
    }
}

impl<'de> Deserialize<'de> for Action {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = lenient::opt_string(deserializer)?.unwrap_or_default();
        Ok(Action::parse(&text))
    }
}

impl Serialize for Action {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

macro_rules! open_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $wire:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $name {
            $($(#[$vmeta])* $variant,)+
            /// Any other value, as sent.
            Unknown(String),
        }

        impl Default for $name {
            /// `Unknown("")`: the payload named none.
            fn default() -> Self {
                $name::Unknown(String::new())
            }
        }

        impl $name {
            /// Parses the wire value, ignoring case.
            pub fn parse(text: &str) -> $name {
                $(if text.eq_ignore_ascii_case($wire) { return $name::$variant; })+
                $name::Unknown(text.to_owned())
            }

            /// The wire spelling.
            pub fn as_str(&self) -> &str {
                match self {
                    $($name::$variant => $wire,)+
                    $name::Unknown(text) => text,
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = lenient::opt_string(deserializer)?.unwrap_or_default();
                Ok($name::parse(&text))
            }
        }

        impl Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }
    };
}

open_enum! {
    /// The callback `type` (registration) and payload `Type`: which kind of record changed.
    CallbackType {
        /// Service tickets (`ticket`).
        Ticket = "ticket",
        /// Companies.
        Company = "company",
        /// Contacts.
        Contact = "contact",
        /// Agreements.
        Agreement = "agreement",
        /// Configurations.
        Configuration = "configuration",
        /// Invoices.
        Invoice = "invoice",
        /// Expense entries.
        Expense = "expense",
        /// Members.
        Member = "member",
        /// Opportunities.
        Opportunity = "opportunity",
        /// Product catalog items.
        ProductCatalog = "productcatalog",
        /// Projects.
        Project = "project",
        /// Purchase orders.
        PurchaseOrder = "purchaseorder",
        /// Schedule entries.
        Schedule = "schedule",
        /// Time entries.
        Time = "time",
        /// Activities.
        Activity = "activity",
    }
}

open_enum! {
    /// The callback `level`: which records of the type are reported (`objectId` names the board, status, … —
    /// and is required even for `owner`).
    CallbackLevel {
        /// Every record of the type.
        Owner = "owner",
        /// Tickets of one board.
        Board = "board",
        /// Tickets in one status.
        Status = "status",
        /// Tickets of one project.
        Project = "project",
        /// Tickets of one project phase.
        Phase = "phase",
        /// One ticket.
        Ticket = "ticket",
        /// One company (company callbacks).
        Company = "company",
        /// One contact.
        Contact = "contact",
    }
}

/// `Metadata` of a callback.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Metadata {
    /// Where the signing key is served. Untrusted until [`KeyUrlPolicy`] allows it.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub key_url: Option<String>,
    /// Any other metadata, as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A ConnectWise callback payload (`payloadVersion` 3.0.0). Every field is optional and read leniently (ids as
/// numbers or numeric strings); keys the type does not know are kept in [`CallbackPayload::extra`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CallbackPayload {
    /// Unique per message; a redelivery carries the same id (the receiver's duplicate key).
    #[serde(
        rename = "MessageId",
        default,
        deserialize_with = "lenient::opt_string"
    )]
    pub message_id: Option<String>,
    /// The site the callback comes from.
    #[serde(rename = "FromUrl", default, deserialize_with = "lenient::opt_string")]
    pub from_url: Option<String>,
    /// The ConnectWise company id (the login company).
    #[serde(
        rename = "CompanyId",
        default,
        deserialize_with = "lenient::opt_string"
    )]
    pub company_id: Option<String>,
    /// The member whose change caused the callback.
    #[serde(rename = "MemberId", default, deserialize_with = "lenient::opt_string")]
    pub member_id: Option<String>,
    /// `added`, `updated`, `deleted`.
    #[serde(rename = "Action", default = "unknown_action")]
    pub action: Action,
    /// The record type (`ticket`, `company`, …).
    #[serde(rename = "Type", default = "unknown_type")]
    pub callback_type: CallbackType,
    /// The record's id.
    #[serde(rename = "ID", default, deserialize_with = "lenient::opt_i64")]
    pub id: Option<i64>,
    /// The product instance.
    #[serde(
        rename = "ProductInstanceId",
        default,
        deserialize_with = "lenient::opt_string"
    )]
    pub product_instance_id: Option<String>,
    /// The partner.
    #[serde(
        rename = "PartnerId",
        default,
        deserialize_with = "lenient::opt_string"
    )]
    pub partner_id: Option<String>,
    /// The record as JSON text (partial; `None` on delete). See [`CallbackPayload::entity`].
    #[serde(rename = "Entity", default, deserialize_with = "entity_text")]
    pub entity: Option<String>,
    /// `key_url` and anything else.
    #[serde(rename = "Metadata", default)]
    pub metadata: Metadata,
    /// The id of the callback registration (`/system/callbacks/{id}`) that fired.
    #[serde(
        rename = "CallbackObjectRecId",
        default,
        deserialize_with = "lenient::opt_i64"
    )]
    pub callback_object_rec_id: Option<i64>,
    /// Keys this type does not know, as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

fn unknown_action() -> Action {
    Action::Unknown(String::new())
}

fn unknown_type() -> CallbackType {
    CallbackType::Unknown(String::new())
}

/// `Entity` is a JSON string; an object (should a server send one) is kept as its JSON text.
fn entity_text<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<String>, D::Error> {
    Ok(match Value::deserialize(deserializer)? {
        Value::Null => None,
        Value::String(text) if text.trim().is_empty() || text.trim() == "null" => None,
        Value::String(text) => Some(text),
        other => Some(other.to_string()),
    })
}

impl CallbackPayload {
    /// Parses a payload from the raw body. Call only after the signature was verified.
    ///
    /// # Errors
    /// [`PayloadError::Json`] when the body is not a JSON object.
    pub fn from_slice(body: &[u8]) -> Result<CallbackPayload, PayloadError> {
        serde_json::from_slice(body).map_err(|e| PayloadError::Json(e.to_string()))
    }

    /// The key that identifies this delivery: `MessageId`, or (without one) type, id, action and the
    /// registration id.
    pub fn dedup_key(&self) -> String {
        match &self.message_id {
            Some(id) if !id.is_empty() => format!("cw:{id}"),
            _ => format!(
                "cw:{}:{}:{}:{}:{}",
                self.callback_type,
                self.id.unwrap_or_default(),
                self.action.as_str(),
                self.callback_object_rec_id.unwrap_or_default(),
                self.entity.as_deref().map(str::len).unwrap_or_default()
            ),
        }
    }

    /// Decodes `Entity` into `T` (a generated model such as `psa_clients::connectwise::types::Ticket`, whose
    /// decoding is lenient: missing fields are `None`, unknown keys are kept in `extra`). `Ok(None)` when there
    /// is no entity (deletes).
    ///
    /// # Errors
    /// [`PayloadError::Entity`] when the text is not JSON of `T`'s shape.
    pub fn entity<T: DeserializeOwned>(&self) -> Result<Option<T>, PayloadError> {
        self.entity
            .as_deref()
            .map(|text| serde_json::from_str(text).map_err(|e| PayloadError::Entity(e.to_string())))
            .transpose()
    }

    /// `Entity` as a JSON value.
    ///
    /// # Errors
    /// [`PayloadError::Entity`] when the text is not JSON.
    pub fn entity_value(&self) -> Result<Option<Value>, PayloadError> {
        self.entity()
    }

    /// `Entity` decoded into the generated model of `Type` (ticket → `Ticket`, company → `Company`, …);
    /// [`CallbackEntity::Other`] for the types without a model here.
    ///
    /// # Errors
    /// [`PayloadError::Entity`] when the text is not JSON of the model's shape.
    #[cfg(feature = "_connectwise")]
    pub fn typed_entity(&self) -> Result<Option<CallbackEntity>, PayloadError> {
        use crate::connectwise::types;
        let Some(text) = self.entity.as_deref() else {
            return Ok(None);
        };
        fn de<T: DeserializeOwned>(text: &str) -> Result<Box<T>, PayloadError> {
            serde_json::from_str(text).map_err(|e| PayloadError::Entity(e.to_string()))
        }
        Ok(Some(match &self.callback_type {
            CallbackType::Ticket => CallbackEntity::Ticket(de::<types::Ticket>(text)?),
            CallbackType::Company => CallbackEntity::Company(de::<types::Company>(text)?),
            CallbackType::Contact => CallbackEntity::Contact(de::<types::Contact>(text)?),
            CallbackType::Agreement => CallbackEntity::Agreement(de::<types::Agreement>(text)?),
            CallbackType::Configuration => {
                CallbackEntity::Configuration(de::<types::CompanyConfiguration>(text)?)
            }
            CallbackType::Invoice => CallbackEntity::Invoice(de::<types::Invoice>(text)?),
            CallbackType::Expense => CallbackEntity::Expense(de::<types::ExpenseEntry>(text)?),
            CallbackType::Member => CallbackEntity::Member(de::<types::Member>(text)?),
            CallbackType::Opportunity => {
                CallbackEntity::Opportunity(de::<types::Opportunity>(text)?)
            }
            CallbackType::ProductCatalog => {
                CallbackEntity::ProductCatalog(de::<types::CatalogItem>(text)?)
            }
            CallbackType::Project => CallbackEntity::Project(de::<types::Project>(text)?),
            CallbackType::PurchaseOrder => {
                CallbackEntity::PurchaseOrder(de::<types::PurchaseOrder>(text)?)
            }
            CallbackType::Schedule => CallbackEntity::Schedule(de::<types::ScheduleEntry>(text)?),
            CallbackType::Time => CallbackEntity::Time(de::<types::TimeEntry>(text)?),
            CallbackType::Activity => CallbackEntity::Activity(de::<types::Activity>(text)?),
            CallbackType::Unknown(_) => CallbackEntity::Other(*de::<Value>(text)?),
        }))
    }
}

/// A callback's `Entity` as the generated model of its `Type` (boxed: the models are large).
#[cfg(feature = "_connectwise")]
#[derive(Debug, Clone)]
#[non_exhaustive]
#[allow(missing_docs)] // one variant per `CallbackType`, named alike
pub enum CallbackEntity {
    Ticket(Box<crate::connectwise::types::Ticket>),
    Company(Box<crate::connectwise::types::Company>),
    Contact(Box<crate::connectwise::types::Contact>),
    Agreement(Box<crate::connectwise::types::Agreement>),
    Configuration(Box<crate::connectwise::types::CompanyConfiguration>),
    Invoice(Box<crate::connectwise::types::Invoice>),
    Expense(Box<crate::connectwise::types::ExpenseEntry>),
    Member(Box<crate::connectwise::types::Member>),
    Opportunity(Box<crate::connectwise::types::Opportunity>),
    ProductCatalog(Box<crate::connectwise::types::CatalogItem>),
    Project(Box<crate::connectwise::types::Project>),
    PurchaseOrder(Box<crate::connectwise::types::PurchaseOrder>),
    Schedule(Box<crate::connectwise::types::ScheduleEntry>),
    Time(Box<crate::connectwise::types::TimeEntry>),
    Activity(Box<crate::connectwise::types::Activity>),
    /// A type without a model here, as JSON.
    Other(Value),
}

/// Which `Metadata.key_url`s may be fetched.
///
/// Allowed: `https` URLs without userinfo whose host is the configured site's host (on its port) or a host
/// under `myconnectwise.net` (the cloud, on the default port). Everything else is refused before any
/// connection is made. [`KeyUrlPolicy::allow_insecure_loopback`] additionally allows `http://127.0.0.1:<port>`
/// — for tests against a local emulator only.
#[derive(Debug, Clone)]
pub struct KeyUrlPolicy {
    hosts: Vec<(String, Option<u16>)>,
    cloud: bool,
    loopback: bool,
}

/// Why a key URL was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum KeyUrlError {
    /// The payload has no `Metadata.key_url`.
    #[error("the callback names no Metadata.key_url")]
    Missing,
    /// Not a URL.
    #[error("Metadata.key_url is not a URL")]
    Invalid,
    /// Not `https` (or `http` on loopback when allowed).
    #[error("Metadata.key_url must be https")]
    NotHttps,
    /// A `user:password@` part.
    #[error("Metadata.key_url must not carry userinfo")]
    Userinfo,
    /// A host (and port) that is neither the configured site nor a ConnectWise cloud host.
    #[error("Metadata.key_url host {0:?} is not an allowed ConnectWise host")]
    HostNotAllowed(String),
}

impl KeyUrlPolicy {
    /// The cloud hosts (`*.myconnectwise.net`) and nothing else.
    pub fn cloud() -> KeyUrlPolicy {
        KeyUrlPolicy {
            hosts: Vec::new(),
            cloud: true,
            loopback: false,
        }
    }

    /// The configured site (`api-na.myconnectwise.net`, `https://psa.example.com:8443`) and the cloud hosts.
    pub fn for_site(site: &str) -> KeyUrlPolicy {
        KeyUrlPolicy::cloud().with_host(site)
    }

    /// Allows one more host (a bare host, or a URL whose host and port are taken): an on-premises server's.
    pub fn with_host(mut self, site: &str) -> KeyUrlPolicy {
        let site = site.trim();
        let url = if site.contains("://") {
            Url::parse(site)
        } else {
            Url::parse(&format!("https://{site}"))
        };
        if let Some(host) = url.as_ref().ok().and_then(|u| u.host_str()) {
            let port = url.as_ref().ok().and_then(Url::port);
            self.hosts.push((host.to_ascii_lowercase(), port));
        }
        self
    }

    /// Only the hosts named with [`KeyUrlPolicy::with_host`], not the cloud.
    pub fn without_cloud(mut self) -> KeyUrlPolicy {
        self.cloud = false;
        self
    }

    /// Also allows `http://127.0.0.1:<any port>/…` (and `[::1]`): for tests against a local emulator. Never in
    /// production.
    pub fn allow_insecure_loopback(mut self) -> KeyUrlPolicy {
        self.loopback = true;
        self
    }

    /// Checks `key_url`.
    ///
    /// # Errors
    /// The [`KeyUrlError`] that refuses it.
    pub fn check(&self, key_url: &str) -> Result<Url, KeyUrlError> {
        let url = Url::parse(key_url.trim()).map_err(|_| KeyUrlError::Invalid)?;
        if !url.username().is_empty() || url.password().is_some() {
            return Err(KeyUrlError::Userinfo);
        }
        let host = url
            .host_str()
            .ok_or(KeyUrlError::Invalid)?
            .to_ascii_lowercase();
        let loopback = matches!(host.as_str(), "127.0.0.1" | "[::1]");
        if self.loopback && loopback && matches!(url.scheme(), "http" | "https") {
            return Ok(url);
        }
        if url.scheme() != "https" {
            return Err(KeyUrlError::NotHttps);
        }
        let port = url.port();
        let cloud = self.cloud
            && port.is_none()
            && host
                .strip_suffix(".myconnectwise.net")
                .is_some_and(|label| !label.is_empty() && !label.ends_with('.'));
        if cloud || self.hosts.iter().any(|(h, p)| *h == host && *p == port) {
            Ok(url)
        } else {
            Err(KeyUrlError::HostNotAllowed(match port {
                Some(port) => format!("{host}:{port}"),
                None => host,
            }))
        }
    }
}

/// A boxed future of a fetched key.
pub type KeyFuture<'a> = Pin<Box<dyn Future<Output = Result<Secret, KeyFetchError>> + Send + 'a>>;

/// Fetches the signing key served at an (already allowed) key URL. Pluggable, so tests can serve keys from
/// anywhere and deployments can add a proxy.
pub trait SigningKeyFetcher: Send + Sync + 'static {
    /// The key at `url`.
    fn fetch<'a>(&'a self, url: &'a Url) -> KeyFuture<'a>;
}

/// Why a signing key could not be fetched. Never contains the key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum KeyFetchError {
    /// The connection failed or timed out.
    #[error("fetching the signing key failed: {0}")]
    Transport(String),
    /// The server answered a status other than 200 (redirects are not followed).
    #[error("the key URL answered HTTP {0}")]
    Status(u16),
    /// The answer is larger than the cap.
    #[error("the key URL's answer exceeds {0} bytes")]
    TooLarge(usize),
    /// The answer is not `{"signing_key": "…"}` with a non-empty key.
    #[error("the key URL's answer holds no signing_key")]
    NoKey,
}

/// The default [`SigningKeyFetcher`]: a plain `GET` without credentials, no redirects, a short timeout and a
/// size cap, reading `{"signing_key": "…"}`.
#[derive(Debug, Clone)]
pub struct HttpKeyFetcher {
    client: reqwest::Client,
    max_bytes: usize,
}

impl HttpKeyFetcher {
    /// 5 s timeout (connect and total), 16 KiB cap, no redirects.
    ///
    /// # Errors
    /// [`KeyFetchError::Transport`] when the HTTP client cannot be built.
    pub fn new() -> Result<HttpKeyFetcher, KeyFetchError> {
        Self::with_limits(Duration::from_secs(5), 16 * 1024)
    }

    /// With another timeout and size cap.
    ///
    /// # Errors
    /// [`KeyFetchError::Transport`] when the HTTP client cannot be built.
    pub fn with_limits(
        timeout: Duration,
        max_bytes: usize,
    ) -> Result<HttpKeyFetcher, KeyFetchError> {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(timeout)
            .connect_timeout(timeout)
            .build()
            .map_err(|e| KeyFetchError::Transport(e.to_string()))?;
        Ok(HttpKeyFetcher { client, max_bytes })
    }

    async fn get(&self, url: &Url) -> Result<Secret, KeyFetchError> {
        let mut response = self
            .client
            .get(url.clone())
            .header(reqwest::header::ACCEPT, "application/json")
            .send()
            .await
            .map_err(|e| KeyFetchError::Transport(e.without_url().to_string()))?;
        if response.status() != reqwest::StatusCode::OK {
            return Err(KeyFetchError::Status(response.status().as_u16()));
        }
        if response
            .content_length()
            .is_some_and(|len| len > self.max_bytes as u64)
        {
            return Err(KeyFetchError::TooLarge(self.max_bytes));
        }
        let mut body = Vec::new();
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| KeyFetchError::Transport(e.without_url().to_string()))?
        {
            if body.len() + chunk.len() > self.max_bytes {
                return Err(KeyFetchError::TooLarge(self.max_bytes));
            }
            body.extend_from_slice(&chunk);
        }
        #[derive(Deserialize)]
        struct KeyAnswer {
            signing_key: Option<Secret>,
        }
        let answer: KeyAnswer = serde_json::from_slice(&body).map_err(|_| KeyFetchError::NoKey)?;
        answer
            .signing_key
            .filter(|key| !key.expose().is_empty())
            .ok_or(KeyFetchError::NoKey)
    }
}

impl SigningKeyFetcher for HttpKeyFetcher {
    fn fetch<'a>(&'a self, url: &'a Url) -> KeyFuture<'a> {
        Box::pin(self.get(url))
    }
}

/// A fixed key for every URL: for tests, or a deployment that configures the key instead of fetching it.
#[derive(Debug, Clone)]
pub struct StaticKey(pub Secret);

impl SigningKeyFetcher for StaticKey {
    fn fetch<'a>(&'a self, _url: &'a Url) -> KeyFuture<'a> {
        let key = self.0.clone();
        Box::pin(async move { Ok(key) })
    }
}

#[derive(Clone)]
struct CachedKey {
    key: Secret,
    fetched: Instant,
}

/// Verifies ConnectWise callbacks: allow-lists the key URL, fetches (and caches) the signing key, checks the
/// signature over the raw body, and only then parses the payload.
#[derive(Clone)]
pub struct Verifier {
    policy: KeyUrlPolicy,
    fetcher: Arc<dyn SigningKeyFetcher>,
    cache: Arc<Mutex<HashMap<String, CachedKey>>>,
    ttl: Duration,
    refetch_after: Duration,
    /// Fetches in the current minute: a flood of callbacks naming ever new (allowed) key URLs must not turn
    /// the receiver into a request generator.
    fetches: Arc<Mutex<(Instant, u32)>>,
    max_fetches_per_minute: u32,
}

impl fmt::Debug for Verifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Verifier")
            .field("policy", &self.policy)
            .field("ttl", &self.ttl)
            .finish_non_exhaustive()
    }
}

impl Verifier {
    /// With the default [`HttpKeyFetcher`].
    ///
    /// # Errors
    /// [`KeyFetchError::Transport`] when the HTTP client cannot be built.
    pub fn new(policy: KeyUrlPolicy) -> Result<Verifier, KeyFetchError> {
        Ok(Self::with_fetcher(policy, HttpKeyFetcher::new()?))
    }

    /// With your own fetcher (the policy still applies before it is called).
    pub fn with_fetcher(policy: KeyUrlPolicy, fetcher: impl SigningKeyFetcher) -> Verifier {
        Verifier {
            policy,
            fetcher: Arc::new(fetcher),
            cache: Arc::new(Mutex::new(HashMap::new())),
            ttl: Duration::from_secs(3600),
            refetch_after: Duration::from_secs(60),
            fetches: Arc::new(Mutex::new((Instant::now(), 0))),
            max_fetches_per_minute: 30,
        }
    }

    /// How old a cached key must be before a signature that does not match it causes one refetch (default one
    /// minute; ConnectWise may rotate keys).
    pub fn refetch_after(mut self, age: Duration) -> Verifier {
        self.refetch_after = age;
        self
    }

    /// At most this many key fetches a minute (default 30); beyond it deliveries whose key is not cached are
    /// answered 503 (ConnectWise retries) without a fetch.
    pub fn max_fetches_per_minute(mut self, max: u32) -> Verifier {
        self.max_fetches_per_minute = max;
        self
    }

    fn take_fetch_slot(&self) -> bool {
        let mut fetches = self
            .fetches
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if fetches.0.elapsed() >= Duration::from_secs(60) {
            *fetches = (Instant::now(), 0);
        }
        if fetches.1 >= self.max_fetches_per_minute {
            return false;
        }
        fetches.1 += 1;
        true
    }

    /// How long a fetched key is used before it is fetched again (default 1 h). A signature that does not
    /// match a key older than a minute causes one refetch (the key may have been rotated).
    pub fn cache_ttl(mut self, ttl: Duration) -> Verifier {
        self.ttl = ttl;
        self
    }

    fn cached(&self, url: &str) -> Option<CachedKey> {
        let cache = self
            .cache
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        cache
            .get(url)
            .filter(|c| c.fetched.elapsed() < self.ttl)
            .cloned()
    }

    async fn fetch(&self, url: &Url) -> Result<Secret, VerifyError> {
        if !self.take_fetch_slot() {
            tracing::warn!("connectwise signing-key fetch limit reached");
            return Err(VerifyError::SigningKey(
                "too many signing-key fetches this minute".to_owned(),
            ));
        }
        let key = self
            .fetcher
            .fetch(url)
            .await
            .map_err(|e| VerifyError::SigningKey(e.to_string()))?;
        let mut cache = self
            .cache
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if cache.len() > 64 {
            cache.clear();
        }
        cache.insert(
            url.as_str().to_owned(),
            CachedKey {
                key: key.clone(),
                fetched: Instant::now(),
            },
        );
        Ok(key)
    }

    /// Verifies one delivery (the raw body and its `x-content-signature` value) and parses it.
    ///
    /// # Errors
    /// [`super::WebhookError::Verify`] when the key URL is refused, the key cannot be fetched or the signature
    /// does not match; [`super::WebhookError::Payload`] when the verified body is not a callback.
    pub async fn verify(
        &self,
        body: &[u8],
        signature: Option<&str>,
    ) -> Result<CallbackPayload, super::WebhookError> {
        if signature.is_none() {
            return Err(VerifyError::MissingSignature {
                header: CONNECTWISE_SIGNATURE_HEADER,
            }
            .into());
        }
        // Only the key URL is read before verification; nothing acts on the rest yet.
        #[derive(Deserialize)]
        struct KeyOnly {
            #[serde(rename = "Metadata", default)]
            metadata: Metadata,
        }
        let key_url = serde_json::from_slice::<KeyOnly>(body)
            .ok()
            .and_then(|k| k.metadata.key_url)
            .ok_or(VerifyError::KeyUrl(KeyUrlError::Missing.to_string()))?;
        let url = self
            .policy
            .check(&key_url)
            .map_err(|e| VerifyError::KeyUrl(e.to_string()))?;
        let result = match self.cached(url.as_str()) {
            Some(cached) => match verify::verify_connectwise(&cached.key, body, signature) {
                Err(VerifyError::Mismatch) if cached.fetched.elapsed() >= self.refetch_after => {
                    tracing::debug!(
                        "connectwise signature mismatch with a cached key; refetching once"
                    );
                    let key = self.fetch(&url).await?;
                    verify::verify_connectwise(&key, body, signature)
                }
                other => other,
            },
            None => {
                let key = self.fetch(&url).await?;
                verify::verify_connectwise(&key, body, signature)
            }
        };
        result?;
        Ok(CallbackPayload::from_slice(body)?)
    }
}
