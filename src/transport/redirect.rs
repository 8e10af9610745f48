//! Redirects never carry credentials to another host.

use reqwest::redirect::{Attempt, Policy};

/// A redirect policy that follows redirects only within the origin (scheme,
/// host and port) of the original request, up to `max` hops.
///
/// reqwest itself strips `Authorization` and cookies on a cross-host
/// redirect, but not vendor headers such as Autotask's `Secret` and
/// `ApiIntegrationCode` or ConnectWise's `clientId`. Rather than keep a
/// list of header names, a cross-origin redirect is not followed at all:
/// the 3xx response comes back and [`classify`](super::classify) reports it
/// as [`Error::Redirected`](crate::Error::Redirected), which points at a
/// wrong site URL or zone.
pub fn same_origin_redirects(max: usize) -> Policy {
    Policy::custom(move |attempt| decide(attempt, max))
}

fn decide(attempt: Attempt<'_>, max: usize) -> reqwest::redirect::Action {
    // `previous` starts with the original URL, then each hop.
    let Some(original) = attempt.previous().first() else {
        return attempt.stop();
    };
    if original.origin() != attempt.url().origin() {
        tracing::warn!(
            to_host = attempt.url().host_str().unwrap_or(""),
            "not following a redirect to another host"
        );
        return attempt.stop();
    }
    if attempt.previous().len() > max {
        return attempt.error("too many redirects");
    }
    attempt.follow()
}
