//! Autotask PSA webhooks: the payload, its `Fields`, and the verifier.
//!
//! A webhook callout is a `POST` of JSON to the webhook's `WebhookUrl` (or, for `Deactivated`, its
//! `DeactivationUrl`):
//!
//! ```json
//! {"Action": "Update", "Guid": "…", "EntityType": "Ticket", "Id": 1234,
//!  "Fields": {"id": 1234, "status": 5, "title": "…"}, "EventTime": "2024-03-01T10:00:00.123Z",
//!  "SequenceNumber": 17, "PersonID": 29682885}
//! ```
//!
//! signed with `X-Hook-Signature: sha1=base64(HMAC-SHA1(SecretKey, body))`. [`Verifier`] checks every message
//! — `Deactivated` ones included — and refuses everything when no secret is configured.

use std::fmt;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::lenient;
use super::verify::{self, VerifyError};
use super::PayloadError;
use crate::secret::Secret;
use crate::Timestamp;

/// What happened.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Action {
    /// `Create`
    Create,
    /// `Update`
    Update,
    /// `Delete`
    Delete,
    /// `Deactivated`: the webhook itself was deactivated or deleted (sent to the `DeactivationUrl`).
    Deactivated,
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
            "create" => Action::Create,
            "update" => Action::Update,
            "delete" => Action::Delete,
            "deactivated" => Action::Deactivated,
            _ => Action::Unknown(text.to_owned()),
        }
    }

    /// The wire spelling (`Create`, `Update`, `Delete`, `Deactivated`).
    pub fn as_str(&self) -> &str {
        match self {
            Action::Create => "Create",
            Action::Update => "Update",
            Action::Delete => "Delete",
            Action::Deactivated => "Deactivated",
            Action::Unknown(text) => text,
        }
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Action {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(Action::parse(
            &lenient::opt_string(deserializer)?.unwrap_or_default(),
        ))
    }
}

impl Serialize for Action {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// The entities Autotask sends webhooks for (and the `…Webhooks` collection that registers them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum WebhookEntity {
    /// `Companies` (`CompanyWebhooks`).
    Company,
    /// `Contacts` (`ContactWebhooks`).
    Contact,
    /// `ConfigurationItems` (`ConfigurationItemWebhooks`).
    ConfigurationItem,
    /// `Tickets` (`TicketWebhooks`).
    Ticket,
    /// `TicketNotes` (`TicketNoteWebhooks`).
    TicketNote,
}

impl WebhookEntity {
    /// The `EntityType` of a payload (`Ticket`, `Company`, …; `Account` is read as `Company`), ignoring case.
    pub fn parse(entity_type: &str) -> Option<WebhookEntity> {
        let lower = entity_type.to_ascii_lowercase();
        Some(match lower.trim_end_matches('s') {
            "company" | "companie" | "account" => WebhookEntity::Company,
            "contact" => WebhookEntity::Contact,
            "configurationitem" | "installedproduct" => WebhookEntity::ConfigurationItem,
            "ticket" => WebhookEntity::Ticket,
            "ticketnote" => WebhookEntity::TicketNote,
            _ => return None,
        })
    }

    /// The REST collection of the registrations: `CompanyWebhooks`, `TicketWebhooks`, …
    pub fn webhooks_collection(self) -> &'static str {
        match self {
            WebhookEntity::Company => "CompanyWebhooks",
            WebhookEntity::Contact => "ContactWebhooks",
            WebhookEntity::ConfigurationItem => "ConfigurationItemWebhooks",
            WebhookEntity::Ticket => "TicketWebhooks",
            WebhookEntity::TicketNote => "TicketNoteWebhooks",
        }
    }
}

/// The `Fields` of a payload: the subscribed and "display always" fields, keyed by field name. Read by name
/// ignoring case, typed where the caller knows the type, or decoded into a generated model.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Fields(pub Map<String, Value>);

impl Fields {
    /// The raw value of `name` (exact spelling first, then ignoring case).
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.0.get(name).or_else(|| {
            self.0
                .iter()
                .find(|(key, _)| key.eq_ignore_ascii_case(name))
                .map(|(_, value)| value)
        })
    }

    /// An integer field (a number or a numeric string).
    pub fn i64(&self, name: &str) -> Option<i64> {
        match self.get(name)? {
            Value::Number(n) => n.as_i64(),
            Value::String(s) => s.trim().parse().ok(),
            _ => None,
        }
    }

    /// A decimal field.
    pub fn f64(&self, name: &str) -> Option<f64> {
        match self.get(name)? {
            Value::Number(n) => n.as_f64(),
            Value::String(s) => s.trim().parse().ok(),
            _ => None,
        }
    }

    /// A text field (numbers are written as text).
    pub fn str(&self, name: &str) -> Option<String> {
        match self.get(name)? {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        }
    }

    /// A boolean field (`true`/`false`, `1`/`0`, `"true"`/`"false"`).
    pub fn bool(&self, name: &str) -> Option<bool> {
        match self.get(name)? {
            Value::Bool(b) => Some(*b),
            Value::Number(n) => n.as_i64().map(|n| n != 0),
            Value::String(s) => s.trim().parse().ok(),
            _ => None,
        }
    }

    /// A date-time field.
    pub fn timestamp(&self, name: &str) -> Option<Timestamp> {
        self.get(name)?.as_str()?.parse().ok()
    }

    /// All fields decoded into `T` (a generated model such as `psa_clients::autotask::types::TicketModel`,
    /// lenient: the fields that were not sent are `None`).
    ///
    /// # Errors
    /// [`PayloadError::Entity`] when the fields do not fit `T`'s shape at all.
    pub fn decode<T: DeserializeOwned>(&self) -> Result<T, PayloadError> {
        T::deserialize(Value::Object(self.0.clone()))
            .map_err(|e| PayloadError::Entity(e.to_string()))
    }
}

/// An Autotask webhook payload. Every field is optional and read leniently; unknown keys are kept in
/// [`WebhookPayload::extra`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct WebhookPayload {
    /// `Create`, `Update`, `Delete`, `Deactivated`.
    #[serde(rename = "Action", default = "unknown_action")]
    pub action: Action,
    /// The webhook's GUID (`webhookGUID` of the registration): which webhook fired.
    #[serde(rename = "Guid", default, deserialize_with = "lenient::opt_string")]
    pub guid: Option<String>,
    /// `Ticket`, `Company`, `Contact`, `ConfigurationItem`, `TicketNote`.
    #[serde(
        rename = "EntityType",
        default,
        deserialize_with = "lenient::opt_string"
    )]
    pub entity_type: Option<String>,
    /// The entity's id.
    #[serde(
        rename = "Id",
        alias = "ID",
        default,
        deserialize_with = "lenient::opt_i64"
    )]
    pub id: Option<i64>,
    /// The subscribed and display-always fields.
    #[serde(rename = "Fields", default)]
    pub fields: Fields,
    /// When the change happened.
    #[serde(rename = "EventTime", default, deserialize_with = "opt_timestamp")]
    pub event_time: Option<Timestamp>,
    /// Per-webhook sequence number (with `Guid`, the receiver's duplicate key).
    #[serde(
        rename = "SequenceNumber",
        default,
        deserialize_with = "lenient::opt_i64"
    )]
    pub sequence_number: Option<i64>,
    /// The resource who made the change (`PersonID`; `PersonId` is read too).
    #[serde(
        rename = "PersonID",
        alias = "PersonId",
        default,
        deserialize_with = "lenient::opt_i64"
    )]
    pub person_id: Option<i64>,
    /// Keys this type does not know, as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

fn unknown_action() -> Action {
    Action::Unknown(String::new())
}

fn opt_timestamp<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<Timestamp>, D::Error> {
    Ok(lenient::opt_string(deserializer)?.and_then(|text| text.parse().ok()))
}

impl WebhookPayload {
    /// Parses a payload from the raw body. Call only after the signature was verified.
    ///
    /// # Errors
    /// [`PayloadError::Json`] when the body is not a JSON object.
    pub fn from_slice(body: &[u8]) -> Result<WebhookPayload, PayloadError> {
        serde_json::from_slice(body).map_err(|e| PayloadError::Json(e.to_string()))
    }

    /// The entity, when its `EntityType` is one Autotask sends webhooks for.
    pub fn entity(&self) -> Option<WebhookEntity> {
        self.entity_type.as_deref().and_then(WebhookEntity::parse)
    }

    /// The key that identifies this delivery: `Guid` + `SequenceNumber` (with entity, id and action when the
    /// sequence number is missing).
    pub fn dedup_key(&self) -> String {
        let guid = self
            .guid
            .as_deref()
            .unwrap_or_default()
            .to_ascii_lowercase();
        match self.sequence_number {
            Some(seq) => format!("at:{guid}:{seq}"),
            None => format!(
                "at:{guid}:{}:{}:{}:{}",
                self.entity_type.as_deref().unwrap_or_default(),
                self.id.unwrap_or_default(),
                self.action,
                self.event_time.map(|t| t.to_string()).unwrap_or_default()
            ),
        }
    }

    /// `Fields` decoded into the generated model of the entity.
    ///
    /// # Errors
    /// [`PayloadError::Entity`] when the fields do not fit the model.
    #[cfg(feature = "autotask")]
    pub fn typed_fields(&self) -> Result<Option<TypedFields>, PayloadError> {
        use crate::autotask::types;
        Ok(Some(match self.entity() {
            Some(WebhookEntity::Ticket) => {
                TypedFields::Ticket(Box::new(self.fields.decode::<types::TicketModel>()?))
            }
            Some(WebhookEntity::Company) => {
                TypedFields::Company(Box::new(self.fields.decode::<types::CompanyModel>()?))
            }
            Some(WebhookEntity::Contact) => {
                TypedFields::Contact(Box::new(self.fields.decode::<types::ContactModel>()?))
            }
            Some(WebhookEntity::ConfigurationItem) => TypedFields::ConfigurationItem(Box::new(
                self.fields.decode::<types::ConfigurationItemModel>()?,
            )),
            Some(WebhookEntity::TicketNote) => {
                TypedFields::TicketNote(Box::new(self.fields.decode::<types::TicketNoteModel>()?))
            }
            None => return Ok(None),
        }))
    }
}

/// A payload's `Fields` as the generated model of its entity (boxed: the models are large).
#[cfg(feature = "autotask")]
#[derive(Debug, Clone)]
#[non_exhaustive]
#[allow(missing_docs)] // one variant per `WebhookEntity`
pub enum TypedFields {
    Ticket(Box<crate::autotask::types::TicketModel>),
    Company(Box<crate::autotask::types::CompanyModel>),
    Contact(Box<crate::autotask::types::ContactModel>),
    ConfigurationItem(Box<crate::autotask::types::ConfigurationItemModel>),
    TicketNote(Box<crate::autotask::types::TicketNoteModel>),
}

/// Verifies Autotask webhooks with the webhook's `SecretKey` (several during a rotation).
#[derive(Clone)]
pub struct Verifier {
    secrets: Vec<Secret>,
}

impl fmt::Debug for Verifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Verifier")
            .field("secrets", &self.secrets.len())
            .finish()
    }
}

impl Verifier {
    /// With the `SecretKey` the webhook was registered with (at most 64 characters at Autotask).
    pub fn new(secret: Secret) -> Verifier {
        Verifier {
            secrets: vec![secret],
        }
    }

    /// Also accepts `secret` (while webhooks are moved to a new key).
    pub fn also(mut self, secret: Secret) -> Verifier {
        self.secrets.push(secret);
        self
    }

    /// Verifies one delivery (raw body and `X-Hook-Signature` value) and parses it. `Deactivated` is verified
    /// like every other action.
    ///
    /// # Errors
    /// [`super::WebhookError::Verify`] first, [`super::WebhookError::Payload`] for a verified body that is not a
    /// payload.
    pub fn verify(
        &self,
        body: &[u8],
        signature: Option<&str>,
    ) -> Result<WebhookPayload, super::WebhookError> {
        verify::verify_autotask(&self.secrets, body, signature)?;
        Ok(WebhookPayload::from_slice(body)?)
    }

    /// Only the signature check.
    ///
    /// # Errors
    /// As [`verify::verify_autotask`].
    pub fn check(&self, body: &[u8], signature: Option<&str>) -> Result<(), VerifyError> {
        verify::verify_autotask(&self.secrets, body, signature)
    }
}
