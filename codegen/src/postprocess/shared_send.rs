//! `shared-send`: end every builder's `send` with one call into the run-time crate.
//!
//! progenitor closes each `send` with the same dozen lines: `pre` hook, `exec`, `post` hook, `?`, and a
//! `match` on the status that decodes the body. Thousands of copies of that async tail cost a fifth of a
//! generated crate's build time (BMS debug build of the crate: 41 s with them, 33 s without), spent checking
//! identical code and laying out one future state machine per copy. This pass recognises the tail and replaces
//! it with `client.inner.send_json(request, OperationRef { … }).await` (or `send_empty` / `send_stream`; see
//! `psa_clients_runtime::send_tail`), which is checked once.
//!
//! The run-time call returns `psa_clients_runtime::Error` (see [`super::error_type`]): the executor has turned
//! every non-success answer into a typed error already, so the status arms progenitor wrote for errors are
//! not needed; only the success arm's kind (JSON, empty, stream) is read. The `pre`/`post` hooks are dropped
//! with the tail, and the [`super::exec`] pass removes progenitor's `ClientHooks` impl, so a tail in any other shape
//! would not compile: the pass must share every tail, and the tests on the real documents assert it does.

use quote::{quote, ToTokens};
use syn::visit_mut::{self, VisitMut};
use syn::{parse_quote, Arm, Block, Expr, ExprMatch, ImplItemFn, Lit, Pat, Stmt};

/// What the pass did to one file.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SharedSendReport {
    /// `send` tails replaced by a run-time call.
    pub shared: usize,
    /// `send` bodies left as generated because their tail has another shape.
    pub kept: usize,
}

/// Applies the pass to the `builder` module of a generated client file, whose parent holds `OPERATIONS`.
pub fn apply(file: &mut syn::File) -> SharedSendReport {
    let mut pass = Pass::default();
    for item in &mut file.items {
        if let syn::Item::Mod(m) = item {
            if m.ident == "builder" {
                pass.visit_item_mod_mut(m);
            }
        }
    }
    pass.report
}

#[derive(Default)]
struct Pass {
    report: SharedSendReport,
}

impl VisitMut for Pass {
    fn visit_impl_item_fn_mut(&mut self, f: &mut ImplItemFn) {
        if f.sig.ident == "send" && f.sig.asyncness.is_some() {
            if share_tail(&mut f.block) {
                self.report.shared += 1;
            } else {
                self.report.kept += 1;
            }
        }
        visit_mut::visit_impl_item_fn_mut(self, f);
    }
}

/// The statements progenitor writes between building the request and matching on its status.
fn tail_prefix() -> [Stmt; 4] {
    [
        parse_quote!(client.pre(&mut request, &info).await?;),
        parse_quote!(let result = client.exec(request, &info).await;),
        parse_quote!(client.post(&result, &info).await?;),
        parse_quote!(let response = result?;),
    ]
}

fn share_tail(block: &mut Block) -> bool {
    let prefix = tail_prefix().map(|s| s.to_token_stream().to_string());
    let Some(start) = block
        .stmts
        .iter()
        .position(|s| s.to_token_stream().to_string() == prefix[0])
    else {
        return false;
    };
    let rest = &block.stmts[start..];
    if rest.len() != prefix.len() + 1
        || rest
            .iter()
            .zip(&prefix)
            .any(|(s, p)| s.to_token_stream().to_string() != *p)
    {
        return false;
    }
    let Some(Stmt::Expr(Expr::Match(status_match), None)) = rest.last() else {
        return false;
    };
    let Some(call) = shared_call(status_match) else {
        return false;
    };
    block.stmts.truncate(start);
    block.stmts.push(Stmt::Expr(call, None));
    true
}

/// What a success arm does with the response.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Body {
    Json,
    Empty,
    Stream,
}

/// The run-time call equivalent to `match response.status().as_u16() { … }`, if the arms have a known shape:
/// success arms of one kind (JSON, empty or stream), error arms (`Err(Error::ErrorResponse(…))`, bodiless or
/// typed: the executor has classified those statuses already), and a default arm that is an error.
fn shared_call(status_match: &ExprMatch) -> Option<Expr> {
    if status_match.expr.to_token_stream().to_string()
        != quote!(response.status().as_u16()).to_string()
    {
        return None;
    }
    let unexpected = quote!(Err(Error::UnexpectedResponse(response))).to_string();
    let error_prefix = quote!(Err(Error::ErrorResponse)).to_string();
    // `Err (Error :: ErrorResponse (` without the closing parentheses.
    let error_prefix = error_prefix.trim_end_matches(')').trim_end();
    let is_error = |body: &str| body == unexpected || body.starts_with(error_prefix);
    let mut kind = None;
    let mut has_default = false;
    for arm in &status_match.arms {
        let body = arm_body(&arm.body).to_token_stream().to_string();
        if matches!(arm.pat, Pat::Wild(_)) {
            if !is_error(&body) {
                return None;
            }
            has_default = true;
        } else if is_error(&body) {
            status_range(arm)?;
        } else {
            status_range(arm)?;
            let this = success_body(&body)?;
            if kind.is_some_and(|k| k != this) {
                return None;
            }
            kind = Some(this);
        }
    }
    let kind = kind?;
    if !has_default || arm_guarded(&status_match.arms) {
        return None;
    }
    let method = match kind {
        Body::Json => quote!(send_json),
        Body::Empty => quote!(send_empty),
        Body::Stream => quote!(send_stream),
    };
    Some(parse_quote! {
        client
            .inner
            .#method(
                request,
                ::psa_clients_runtime::send_tail::OperationRef {
                    id: info.operation_id,
                    table: super::OPERATIONS,
                },
            )
            .await
    })
}

/// The arm's expression, without the braces progenitor puts around some (`200u16 => { … }`).
fn arm_body(body: &Expr) -> &Expr {
    match body {
        Expr::Block(block) if block.attrs.is_empty() && block.label.is_none() => {
            match block.block.stmts.as_slice() {
                [Stmt::Expr(inner, None)] => arm_body(inner),
                _ => body,
            }
        }
        _ => body,
    }
}

fn success_body(body: &str) -> Option<Body> {
    [
        (
            quote!(ResponseValue::from_response(response).await),
            Body::Json,
        ),
        (quote!(Ok(ResponseValue::empty(response))), Body::Empty),
        (quote!(Ok(ResponseValue::stream(response))), Body::Stream),
    ]
    .into_iter()
    .find(|(tokens, _)| tokens.to_string() == body)
    .map(|(_, kind)| kind)
}

/// Whether an arm has more than `pattern => body` (a guard, attributes).
fn arm_guarded(arms: &[Arm]) -> bool {
    arms.iter().any(|arm| {
        let (pat, body) = (&arm.pat, &arm.body);
        let plain = quote!(#pat => #body).to_string();
        let mut full = arm.clone();
        full.comma = None;
        full.to_token_stream().to_string() != plain
    })
}

fn status_literal(expr: &Expr) -> Option<u16> {
    match expr {
        Expr::Lit(lit) => match &lit.lit {
            Lit::Int(int) => int.base10_parse().ok(),
            _ => None,
        },
        _ => None,
    }
}

fn status_range(arm: &Arm) -> Option<(u16, u16)> {
    match &arm.pat {
        Pat::Lit(lit) => {
            let status = status_literal(&Expr::Lit(lit.clone()))?;
            Some((status, status))
        }
        Pat::Range(range) if matches!(range.limits, syn::RangeLimits::Closed(_)) => Some((
            status_literal(range.start.as_deref()?)?,
            status_literal(range.end.as_deref()?)?,
        )),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn send(tail: proc_macro2::TokenStream) -> syn::File {
        parse_quote! {
            pub mod builder {
            impl<'a> GetThing<'a> {
                pub async fn send(self) -> Result<ResponseValue<types::Thing>, Error<()>> {
                    let Self { client, id } = self;
                    let url = format!("{}/things/{}", client.baseurl, encode_path(&id.to_string()));
                    #[allow(unused_mut)]
                    let mut request = client.client.get(url).build()?;
                    let info = OperationInfo { operation_id: "get_thing" };
                    client.pre(&mut request, &info).await?;
                    let result = client.exec(request, &info).await;
                    client.post(&result, &info).await?;
                    let response = result?;
                    #tail
                }
            }
            }
        }
    }

    fn rendered(file: &syn::File) -> String {
        file.to_token_stream().to_string()
    }

    #[test]
    fn json_tail_with_bodiless_errors_becomes_one_call() {
        let mut file = send(quote! {
            match response.status().as_u16() {
                200u16 => { ResponseValue::from_response(response).await }
                401u16 => Err(Error::ErrorResponse(ResponseValue::empty(response))),
                404u16 => Err(Error::ErrorResponse(ResponseValue::empty(response))),
                _ => Err(Error::UnexpectedResponse(response)),
            }
        });
        assert_eq!(apply(&mut file), SharedSendReport { shared: 1, kept: 0 });
        let out = rendered(&file);
        let expected = quote! {
            client.inner.send_json(
                request,
                ::psa_clients_runtime::send_tail::OperationRef {
                    id: info.operation_id,
                    table: super::OPERATIONS,
                },
            ).await
        }
        .to_string();
        assert!(out.contains(&expected), "{out}");
        for gone in [
            "client . pre",
            "client . exec",
            "client . post",
            "match response",
        ] {
            assert!(!out.contains(gone), "{gone} left in {out}");
        }
        // What builds the request stays.
        assert!(out.contains("let info = OperationInfo"));
    }

    #[test]
    fn empty_and_stream_tails_and_error_defaults() {
        let mut empty = send(quote! {
            match response.status().as_u16() {
                204u16 => { Ok(ResponseValue::empty(response)) }
                _ => Err(Error::UnexpectedResponse(response)),
            }
        });
        let mut stream = send(quote! {
            match response.status().as_u16() {
                200u16..=299u16 => Ok(ResponseValue::stream(response)),
                _ => Err(Error::UnexpectedResponse(response)),
            }
        });
        assert_eq!(apply(&mut empty).shared, 1);
        assert_eq!(apply(&mut stream).shared, 1);
        assert!(rendered(&empty).contains("send_empty"));
        assert!(rendered(&stream).contains("send_stream"));
        for tail in [
            // Every other status is an error response.
            quote! {
                match response.status().as_u16() {
                    200u16..=299u16 => Ok(ResponseValue::empty(response)),
                    _ => Err(Error::ErrorResponse(ResponseValue::empty(response))),
                }
            },
            // A typed error body: the executor has classified the status already.
            quote! {
                match response.status().as_u16() {
                    200u16 => ResponseValue::from_response(response).await,
                    400u16 => Err(Error::ErrorResponse(ResponseValue::from_response(response).await?)),
                    _ => Err(Error::UnexpectedResponse(response)),
                }
            },
            // Two success statuses of one kind.
            quote! {
                match response.status().as_u16() {
                    200u16 => ResponseValue::from_response(response).await,
                    201u16 => ResponseValue::from_response(response).await,
                    _ => Err(Error::UnexpectedResponse(response)),
                }
            },
        ] {
            let mut file = send(tail);
            assert_eq!(apply(&mut file), SharedSendReport { shared: 1, kept: 0 });
        }
    }

    #[test]
    fn other_shapes_are_kept_as_generated() {
        let shapes = [
            // Success arms of two kinds.
            quote! {
                match response.status().as_u16() {
                    200u16 => ResponseValue::from_response(response).await,
                    204u16 => Ok(ResponseValue::empty(response)),
                    _ => Err(Error::UnexpectedResponse(response)),
                }
            },
            // No default arm.
            quote! {
                match response.status().as_u16() {
                    200u16 => ResponseValue::from_response(response).await,
                }
            },
            // A guard.
            quote! {
                match response.status().as_u16() {
                    x if x < 300 => ResponseValue::from_response(response).await,
                    _ => Err(Error::UnexpectedResponse(response)),
                }
            },
        ];
        for tail in shapes {
            let mut file = send(tail);
            let before = rendered(&file);
            assert_eq!(apply(&mut file), SharedSendReport { shared: 0, kept: 1 });
            assert_eq!(rendered(&file), before);
        }
    }
}
