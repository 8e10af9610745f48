//! The drift hooks generated code calls besides `lenient::set`, `lenient::keep` and `lenient::expected`
//! (re-exported from [`lenient`](crate::lenient)): an open enum's unknown value, a missing required field.

use serde::de::{self, Deserialize, Deserializer};

use super::collect::{self, Finding};
use super::{DriftKind, DriftMode};

/// Reads the unknown value of an open enum (its `Unknown` variant, generated with
/// `#[serde(untagged, deserialize_with = "…::unknown_variant::<Enum>")]`): serde tries the listed values first,
/// so this runs only for a value the document does not list. Reported as drift; in strict mode an error.
///
/// # Errors
/// A value that is not a string, or any unknown value in strict mode.
pub fn unknown_variant<'de, E, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    let value = String::deserialize(deserializer)?;
    match collect::mode() {
        DriftMode::Off => {}
        DriftMode::Report => collect::record(Finding {
            enum_type: Some(std::any::type_name::<E>()),
            enum_value: Some(&value),
            ..Finding::new(DriftKind::UnknownEnumValue)
        }),
        DriftMode::Strict => {
            let message = format!(
                "`{value}` is not a value of enum {} the vendor document lists",
                std::any::type_name::<E>().rsplit("::").next().unwrap_or("")
            );
            collect::fail(DriftKind::UnknownEnumValue, None, message.clone());
            return Err(de::Error::custom(message));
        }
    }
    Ok(value)
}

/// Reports that the response lacked `name`, which the vendor document calls required or the correction data
/// lists as always present (lenient models read it as absent). Generated models call it through
/// [`lenient::expected`](crate::lenient::expected) after their last key.
///
/// # Errors
/// In strict mode only.
pub fn missing<E: de::Error>(name: &'static str) -> Result<(), E> {
    match collect::mode() {
        DriftMode::Off => Ok(()),
        DriftMode::Report => {
            collect::record(Finding {
                leaf: Some(name),
                ..Finding::new(DriftKind::MissingField)
            });
            Ok(())
        }
        DriftMode::Strict => {
            let message =
                format!("missing field `{name}`, which the vendor document calls required");
            collect::fail(DriftKind::MissingField, Some(name), message.clone());
            Err(de::Error::custom(message))
        }
    }
}
