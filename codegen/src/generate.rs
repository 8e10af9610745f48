//! Generation: progenitor over a corrected, validated document, guarded so that no panic escapes.

use std::panic::{catch_unwind, AssertUnwindSafe};

use openapiv3::OpenAPI;
use proc_macro2::TokenStream;
use progenitor_impl::{CrateVers, GenerationSettings, Generator, InterfaceStyle, TagStyle};

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
        // Every client carries the run-time hooks; every send goes through them (the `shared_send` post-pass).
        .with_inner_type(quote::quote!(::psa_clients_runtime::Hooks))
        // Schemas may name run-time types with `x-rust-type` (the `query-param-types` correction).
        .with_crate(crate::correct::RUNTIME_CRATE, CrateVers::Any, None);
    let result = quiet_catch_unwind(|| Generator::new(&settings).generate_tokens(spec));
    match result {
        Ok(Ok(tokens)) => Ok(tokens),
        Ok(Err(e)) => Err(GenerateError::Progenitor(e.to_string())),
        Err(message) => Err(GenerateError::Panicked(message)),
    }
}

/// Runs `f`, turning a panic into its message without printing a backtrace.
fn quiet_catch_unwind<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    let location = std::sync::Arc::new(std::sync::Mutex::new(None::<String>));
    let previous = std::panic::take_hook();
    let seen = location.clone();
    std::panic::set_hook(Box::new(move |info| {
        if let (Ok(mut slot), Some(l)) = (seen.lock(), info.location()) {
            *slot = Some(format!("{}:{}", l.file(), l.line()));
        }
    }));
    let result = catch_unwind(AssertUnwindSafe(f));
    std::panic::set_hook(previous);
    result.map_err(|payload| {
        let message = payload
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_owned()))
            .unwrap_or_else(|| "unknown panic".into());
        match location.lock().ok().and_then(|l| l.clone()) {
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
