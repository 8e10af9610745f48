//! `exec`: no request leaves a generated client except through the run-time executor.
//!
//! progenitor calls `ClientHooks::exec` for every request, and emits an empty `impl ClientHooks<…> for &Client`
//! whose default `exec` sends with the bare `reqwest::Client`. Every send tail becomes a call into the client's
//! `psa_clients_runtime::ExecutorHandle` instead ([`super::shared_send`]; auth, retries, limits and typed errors
//! live in `psa_clients`), so the impl is removed: a tail left as generated would call `exec` on a client that
//! no longer has it, and fail to compile rather than bypass the pipeline.

use syn::{Item, ItemImpl};

/// Removes progenitor's `ClientHooks` impl; returns how many were removed (one per client file).
pub fn apply(file: &mut syn::File) -> usize {
    let before = file.items.len();
    file.items
        .retain(|item| !matches!(item, Item::Impl(imp) if is_client_hooks_impl(imp)));
    before - file.items.len()
}

fn is_client_hooks_impl(imp: &ItemImpl) -> bool {
    imp.items.is_empty()
        && imp
            .trait_
            .as_ref()
            .and_then(|(path, _)| path.segments.last())
            .is_some_and(|s| s.ident == "ClientHooks")
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;
    use syn::parse_quote;

    #[test]
    fn progenitors_hooks_impl_goes_and_nothing_else() {
        let mut file: syn::File = parse_quote! {
            impl ClientHooks<::psa_clients_runtime::ExecutorHandle> for &Client {}
            impl ClientInfo<::psa_clients_runtime::ExecutorHandle> for Client {}
            fn send() {}
        };
        assert_eq!(apply(&mut file), 1);
        let text = quote!(#file).to_string();
        assert!(!text.contains("ClientHooks"), "{text}");
        assert!(text.contains("ClientInfo"), "{text}");
        assert_eq!(apply(&mut file), 0);
    }
}
