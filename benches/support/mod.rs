//! What the benchmarks share: real response bodies from ../shared/fixtures, and interleaved medians.
#![allow(dead_code)] // each benchmark uses its own part

use std::path::PathBuf;
use std::time::{Duration, Instant};

use serde_json::Value;

/// A real response body from ../shared/fixtures (or `$PSA_FIXTURES_DIR`), never copied into the repository.
pub fn fixture(rel: &str) -> Value {
    let dir = match std::env::var_os("PSA_FIXTURES_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures"),
    };
    let path = dir.join(rel);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {} ({e}); set PSA_FIXTURES_DIR", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{rel} is not JSON: {e}"))
}

/// One way to decode a body.
pub type Decode = Box<dyn Fn(&[u8])>;

/// Median of each variant over `rounds` interleaved rounds (the variants in turn, round after round, so machine
/// noise hits them alike).
pub fn interleaved(
    body: &[u8],
    variants: &[(&'static str, Decode)],
    rounds: usize,
) -> Vec<Duration> {
    let mut samples: Vec<Vec<Duration>> = vec![Vec::with_capacity(rounds); variants.len()];
    for _ in 0..rounds {
        for (i, (_, decode)) in variants.iter().enumerate() {
            let start = Instant::now();
            decode(body);
            samples[i].push(start.elapsed());
        }
    }
    samples
        .into_iter()
        .map(|mut s| {
            s.sort();
            s[s.len() / 2]
        })
        .collect()
}
