//! The diff on the real ConnectWise documents (2022.1 → 2026.4 GET subset).

use std::path::PathBuf;
use std::time::Instant;

use openapiv3::OpenAPI;

fn specs_dir() -> PathBuf {
    match std::env::var_os("PSA_SPECS_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/specs"),
    }
}

fn load(name: &str) -> OpenAPI {
    let path = specs_dir().join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "cannot read {} ({e}); set PSA_SPECS_DIR to the directory holding the vendor specs",
            path.display()
        )
    });
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{} is no OpenAPI 3 document: {e}", path.display()))
}

#[test]
fn print_report() {
    let t = Instant::now();
    let old = load("connectwise-psa.json");
    let new = load("connectwise-psa-2026.4-get-subset.json");
    eprintln!("parse {:?}", t.elapsed());
    let t = Instant::now();
    let d = psa_codegen::diff::diff(&old, &new);
    eprintln!("diff {:?}", t.elapsed());
    std::fs::write("/tmp/cwdiff.txt", d.to_string()).unwrap();
}
