//! Fault injection: rules that match requests and change how the next N of them are answered.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::http::Req;
use crate::Vendor;

/// Which requests a rule applies to. Empty fields match everything.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct FaultMatch {
    /// Only this vendor's requests.
    #[serde(default)]
    pub vendor: Option<Vendor>,
    /// Only this method (`POST`), ignoring case.
    #[serde(default)]
    pub method: Option<String>,
    /// Only paths containing this text, ignoring case (`/service/tickets`, `/Tickets`).
    #[serde(default)]
    pub path_contains: Option<String>,
}

impl FaultMatch {
    /// Matches every request of `vendor`.
    pub fn vendor(vendor: Vendor) -> Self {
        FaultMatch {
            vendor: Some(vendor),
            ..FaultMatch::default()
        }
    }

    /// Narrows to a method.
    #[must_use]
    pub fn method(mut self, method: &str) -> Self {
        self.method = Some(method.to_owned());
        self
    }

    /// Narrows to paths containing `text`.
    #[must_use]
    pub fn path(mut self, text: &str) -> Self {
        self.path_contains = Some(text.to_owned());
        self
    }

    /// True when `req` (for `vendor`) is matched.
    pub fn matches(&self, vendor: Option<Vendor>, req: &Req) -> bool {
        if self.vendor.is_some() && self.vendor != vendor {
            return false;
        }
        if let Some(method) = &self.method {
            if !method.eq_ignore_ascii_case(req.method.as_str()) {
                return false;
            }
        }
        if let Some(text) = &self.path_contains {
            if !req
                .path
                .to_ascii_lowercase()
                .contains(&text.to_ascii_lowercase())
            {
                return false;
            }
        }
        true
    }
}

/// How `Retry-After` is written.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "snake_case")]
pub enum RetryAfter {
    /// `Retry-After: <seconds>`.
    Seconds(u64),
    /// `Retry-After: <HTTP-date>` this many seconds from now.
    HttpDateIn(u64),
}

/// What happens to a matched request.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FaultKind {
    /// 429 Too Many Requests in the vendor's shape, optionally with `Retry-After`.
    TooManyRequests {
        /// The header, if any.
        #[serde(default)]
        retry_after: Option<RetryAfter>,
    },
    /// 503 Service Unavailable (an HTML page, as a load balancer sends it).
    Unavailable {
        /// The header, if any.
        #[serde(default)]
        retry_after: Option<RetryAfter>,
    },
    /// 500 with the vendor's own server-error body (ConnectWise: "A timeout has occured…").
    ServerError,
    /// Any status with the vendor's error body for it (403, 404, 409 …).
    Status {
        /// The status.
        status: u16,
        /// The message in the body.
        #[serde(default)]
        message: Option<String>,
    },
    /// An HTML page with this status where JSON was expected (a proxy, a wrong site).
    Html {
        /// The status (200 for a captive portal, 404 for a wrong site …).
        status: u16,
    },
    /// Answer normally after a delay.
    Latency {
        /// The delay in milliseconds.
        millis: u64,
    },
    /// Apply the request, then close the connection without answering: the caller cannot know whether it
    /// happened.
    DropAfterApply,
    /// Close the connection without applying the request.
    DropBeforeApply,
}

/// A rule: matched requests get `kind`, `times` times (then the rule is spent).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct FaultRule {
    /// Which requests.
    #[serde(default, rename = "match")]
    pub matcher: FaultMatch,
    /// What happens.
    #[serde(flatten)]
    pub kind: FaultKind,
    /// How many matching requests it applies to.
    #[serde(default = "one")]
    pub times: u32,
}

fn one() -> u32 {
    1
}

impl FaultRule {
    /// A rule for the next `times` requests matching `matcher`.
    pub fn new(matcher: FaultMatch, kind: FaultKind, times: u32) -> Self {
        FaultRule {
            matcher,
            kind,
            times,
        }
    }

    /// The delay of a latency rule.
    pub fn latency(&self) -> Option<Duration> {
        match self.kind {
            FaultKind::Latency { millis } => Some(Duration::from_millis(millis)),
            _ => None,
        }
    }
}

/// Takes one use of the first live rule matching `req`, dropping spent rules.
pub fn take(rules: &mut Vec<FaultRule>, vendor: Option<Vendor>, req: &Req) -> Option<FaultKind> {
    let index = rules
        .iter()
        .position(|rule| rule.times > 0 && rule.matcher.matches(vendor, req))?;
    let rule = &mut rules[index];
    rule.times -= 1;
    let kind = rule.kind.clone();
    if rule.times == 0 {
        rules.remove(index);
    }
    Some(kind)
}

/// The header value of a `Retry-After` setting.
pub fn retry_after_value(retry_after: RetryAfter, now: std::time::SystemTime) -> String {
    match retry_after {
        RetryAfter::Seconds(seconds) => seconds.to_string(),
        RetryAfter::HttpDateIn(seconds) => {
            httpdate::fmt_http_date(now + Duration::from_secs(seconds))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_deserialize_from_the_control_api_shape() {
        let rule: FaultRule = serde_json::from_str(
            r#"{"match": {"vendor": "autotask", "method": "POST", "path_contains": "/Tickets"},
                "kind": "too_many_requests", "retry_after": {"seconds": 2}, "times": 3}"#,
        )
        .unwrap();
        assert_eq!(rule.times, 3);
        assert_eq!(
            rule.kind,
            FaultKind::TooManyRequests {
                retry_after: Some(RetryAfter::Seconds(2))
            }
        );
        let drop: FaultRule = serde_json::from_str(r#"{"kind": "drop_after_apply"}"#).unwrap();
        assert_eq!(drop.times, 1);
    }
}
