//! Generation: progenitor over a corrected, validated document, guarded so that no panic escapes.

use std::panic::{catch_unwind, AssertUnwindSafe};

use openapiv3::OpenAPI;
use proc_macro2::TokenStream;
use progenitor_impl::{
    CrateVers, GenerationSettings, Generator, InterfaceStyle, TagStyle, TypeImpl,
};
use schemars::schema::{InstanceType, SchemaObject};

/// Why progenitor could not generate a client.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum GenerateError {
    /// progenitor returned an error.
    #[error("progenitor rejected the document: {0}")]
    Progenitor(String),
    /// progenitor panicked (a construct the validator does not know yet).
    #[error("progenitor panicked: {0} (the validator should have caught this construct; please report it)")]
    Panicked(String),
    /// The output is not valid Rust.
    #[error("generated code does not parse: {0}")]
    Unparsable(String),
}

/// How the generated methods take their parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// `client.get_tickets().page(2).send()`: every parameter named, optional ones skippable.
    Builder,
    /// `client.get_tickets(None, None, Some(2), …)`.
    Positional,
}

/// Runs progenitor over `spec`. Panics inside progenitor are caught and returned as [`GenerateError::Panicked`].
pub fn progenitor_tokens(spec: &OpenAPI, style: Style) -> Result<TokenStream, GenerateError> {
    let mut settings = GenerationSettings::default();
    settings
        .with_interface(match style {
            Style::Builder => InterfaceStyle::Builder,
            Style::Positional => InterfaceStyle::Positional,
        })
        .with_tag(TagStyle::Merged)
        // Every client carries a handle to the run-time executor; every send goes through it (the `shared_send`
        // post-pass).
        .with_inner_type(quote::quote!(::psa_clients_runtime::ExecutorHandle))
        // Schemas may name run-time types with `x-rust-type` (the `query-param-types` correction).
        .with_crate(crate::correct::RUNTIME_CRATE, CrateVers::Any, None)
        // Maps (`additionalProperties`: ConnectWise's `_info` on every record and reference, custom field maps)
        // as `BTreeMap`: no SipHash and no random state per map (about 8 % of decoding a ConnectWise ticket page
        // went to hashing `_info` keys, benches/decode.rs), and a deterministic order when written back.
        .with_map_type("::std::collections::BTreeMap")
        // Date-times as the run-time `Timestamp` instead of chrono's `DateTime<Utc>`, which accepts only RFC 3339
        // with an offset: the .NET back ends of BMS and Autotask also send offset-less timestamps
        // (`2024-03-01T10:00:00`, `…T10:00:00.123`), which would fail the whole response. `Timestamp` accepts
        // both, keeps whether an offset was sent, and writes RFC 3339. typify matches the schema without its
        // description, and a nullable one through its non-null half, so every `format: date-time` string is
        // converted; it implements `Display` and `FromStr` as chrono's type does, so typify derives the same impls
        // for the types containing it (the coverage tests assert no chrono type is left).
        .with_conversion(
            date_time_schema(),
            "::psa_clients_runtime::Timestamp",
            [TypeImpl::Display, TypeImpl::FromStr].into_iter(),
        );
    let result = quiet_catch_unwind(|| Generator::new(&settings).generate_tokens(spec));
    match result {
        Ok(Ok(tokens)) => Ok(tokens),
        Ok(Err(e)) => Err(GenerateError::Progenitor(e.to_string())),
        Err(message) => Err(GenerateError::Panicked(message)),
    }
}

/// The schema typify reads `format: date-time` strings as (metadata such as `description` is not compared).
fn date_time_schema() -> SchemaObject {
    SchemaObject {
        instance_type: Some(InstanceType::String.into()),
        format: Some("date-time".to_owned()),
        ..SchemaObject::default()
    }
}

thread_local! {
    /// `Some` while this thread runs [`quiet_catch_unwind`]: where the panic happened, once it has.
    static QUIET_PANIC: std::cell::RefCell<Option<Option<String>>> = const { std::cell::RefCell::new(None) };
}

/// Installs, once per process, a panic hook that stays silent on threads inside [`quiet_catch_unwind`] (noting the
/// location) and hands every other panic to the hook that was there before. Swapping the process-global hook
/// per call instead would race: a parallel test's panic could be swallowed, or the previous hook lost.
fn install_quiet_hook() {
    static INSTALL: std::sync::Once = std::sync::Once::new();
    INSTALL.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let quiet = QUIET_PANIC.with(|slot| match slot.borrow_mut().as_mut() {
                Some(location) => {
                    *location = info
                        .location()
                        .map(|l| format!("{}:{}", l.file(), l.line()));
                    true
                }
                None => false,
            });
            if !quiet {
                previous(info);
            }
        }));
    });
}

/// Runs `f`, turning a panic into its message (with its location) without printing a backtrace.
fn quiet_catch_unwind<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    install_quiet_hook();
    let outer = QUIET_PANIC.with(|slot| slot.borrow_mut().replace(None));
    let result = catch_unwind(AssertUnwindSafe(f));
    let location = QUIET_PANIC
        .with(|slot| std::mem::replace(&mut *slot.borrow_mut(), outer))
        .flatten();
    result.map_err(|payload| {
        let message = payload
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_owned()))
            .unwrap_or_else(|| "unknown panic".into());
        match location {
            Some(at) => format!("{message} at {at}"),
            None => message,
        }
    })
}

/// Formats a token stream as Rust source with prettyplease.
pub fn format(tokens: TokenStream) -> Result<String, GenerateError> {
    let file: syn::File =
        syn::parse2(tokens).map_err(|e| GenerateError::Unparsable(e.to_string()))?;
    Ok(prettyplease::unparse(&file))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_its_message_and_location_and_the_thread_is_loud_again() {
        let err = quiet_catch_unwind(|| -> () { panic!("boom {}", 7) }).unwrap_err();
        assert!(err.starts_with("boom 7 at "), "{err}");
        assert!(err.contains("generate.rs:"), "{err}");
        assert_eq!(quiet_catch_unwind(|| 5), Ok(5));
        assert!(QUIET_PANIC.with(|slot| slot.borrow().is_none()));
    }

    #[test]
    fn parallel_callers_each_get_their_own_panic() {
        let handles: Vec<_> = (0..8)
            .map(|n| {
                std::thread::spawn(move || {
                    quiet_catch_unwind(|| -> () { panic!("thread {n}") }).unwrap_err()
                })
            })
            .collect();
        for (n, handle) in handles.into_iter().enumerate() {
            let err = handle.join().expect("the thread itself does not panic");
            assert!(err.starts_with(&format!("thread {n} at ")), "{err}");
        }
    }

    /// typify's conversion reaches every `format: date-time` string: a required one, a nullable one (which stays
    /// an `Option`), one in an array, and a query parameter.
    #[test]
    fn every_date_time_is_a_timestamp() {
        let spec: OpenAPI = serde_json::from_value(serde_json::json!({
            "openapi": "3.0.0", "info": {"title": "t", "version": "1"},
            "paths": {"/things": {"get": {
                "operationId": "getThings",
                "parameters": [{"name": "since", "in": "query", "schema": {"type": "string", "format": "date-time"}}],
                "responses": {"200": {"description": "", "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/Thing"}}}}}
            }}},
            "components": {"schemas": {"Thing": {
                "type": "object",
                "required": ["at", "maybe"],
                "properties": {
                    "at": {"type": "string", "format": "date-time", "description": "When."},
                    "maybe": {"type": "string", "format": "date-time", "nullable": true},
                    "all": {"type": "array", "items": {"type": "string", "format": "date-time"}}
                }
            }}}
        }))
        .unwrap_or_else(|e| panic!("{e}"));
        let tokens = progenitor_tokens(&spec, Style::Builder).unwrap_or_else(|e| panic!("{e}"));
        let source = format(tokens).unwrap_or_else(|e| panic!("{e}"));
        assert!(!source.contains("chrono"), "{source}");
        for field in [
            "pub at: ::psa_clients_runtime::Timestamp,",
            "pub maybe: ::std::option::Option<::psa_clients_runtime::Timestamp>,",
            "pub all: ::std::vec::Vec<::psa_clients_runtime::Timestamp>,",
            "since: Result<Option<::psa_clients_runtime::Timestamp>, String>,",
        ] {
            assert!(source.contains(field), "{field} in {source}");
        }
    }
}
