//! Reading settings from environment variables.
//!
//! The configs read through a lookup function rather than `std::env`
//! directly, so unit tests can feed variables without touching the process
//! environment (which tests running in parallel share).

use crate::Error;

/// Looks a variable up by name; `None` when unset.
pub(crate) type Lookup<'a> = &'a dyn Fn(&str) -> Option<String>;

/// The process environment. A value that is not valid Unicode counts as
/// set but empty, so the caller reports it as invalid rather than missing.
pub(crate) fn process(name: &str) -> Option<String> {
    match std::env::var(name) {
        Ok(value) => Some(value),
        Err(std::env::VarError::NotPresent) => None,
        Err(std::env::VarError::NotUnicode(_)) => Some(String::new()),
    }
}

/// An optional variable that is not a credential, trimmed; unset and blank
/// are the same. Credentials go through [`secret`] instead.
pub(crate) fn optional(lookup: Lookup<'_>, name: &str) -> Option<String> {
    lookup(name)
        .map(|value| value.trim().to_owned())
        .filter(|value| !value.is_empty())
}

/// A required variable that is not a credential, trimmed.
///
/// # Errors
/// [`Error::Config`] naming the variable (never its value) when it is
/// unset or blank.
pub(crate) fn required(lookup: Lookup<'_>, name: &str) -> Result<String, Error> {
    optional(lookup, name).ok_or_else(|| Error::Config {
        message: format!("environment variable {name} is not set"),
    })
}

/// A required credential (password, private key, secret, integration
/// code), taken exactly as given: surrounding spaces can be part of it.
/// Only an empty value counts as unset.
///
/// # Errors
/// [`Error::Config`] naming the variable (never its value) when it is
/// unset or empty.
pub(crate) fn secret(lookup: Lookup<'_>, name: &str) -> Result<String, Error> {
    optional_secret(lookup, name).ok_or_else(|| Error::Config {
        message: format!("environment variable {name} is not set"),
    })
}

/// An optional credential, taken exactly as given; empty is unset.
pub(crate) fn optional_secret(lookup: Lookup<'_>, name: &str) -> Option<String> {
    lookup(name).filter(|value| !value.is_empty())
}

/// A config error about a variable that is set but unusable.
pub(crate) fn invalid(name: &str, why: &str) -> Error {
    Error::Config {
        message: format!("environment variable {name} is invalid: {why}"),
    }
}
