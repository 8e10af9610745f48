//! Generates the vendor clients into OUT_DIR. Thin on purpose: the work is `psa_codegen::buildscript`, which the
//! tests and the `psa-codegen` CLI share, so what they check is what compiles here.

use std::path::PathBuf;

use psa_codegen::buildscript::{build_vendor, specs_dir, BuildInputs};
use psa_codegen::vendor::Vendor;

fn main() {
    let root = PathBuf::from(
        std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"),
    );
    let out_dir = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    println!(
        "cargo::rerun-if-env-changed={}",
        psa_codegen::manifest::SPECS_DIR_ENV
    );
    let inputs = BuildInputs {
        specs_dir: specs_dir(&root),
        root,
        out_dir,
    };
    for vendor in Vendor::ALL {
        // A vendor split into module features is on when any of its modules is (`_connectwise`).
        if !feature_enabled(vendor.name()) && !feature_enabled(&format!("_{vendor}")) {
            continue;
        }
        let want_module = |module: &str| feature_enabled(&format!("{vendor}-{module}"));
        match build_vendor(&inputs, vendor, &want_module) {
            Ok(output) => {
                for input in output.inputs {
                    println!("cargo::rerun-if-changed={}", input.display());
                }
            }
            Err(e) => {
                // A readable message and a failed build; never a panic backtrace.
                eprintln!("{e}");
                for line in e.to_string().lines().take(20) {
                    println!("cargo::warning={line}");
                }
                std::process::exit(1);
            }
        }
    }
}

/// Whether cargo feature `name` is enabled for this build.
fn feature_enabled(name: &str) -> bool {
    let var = format!("CARGO_FEATURE_{}", name.to_uppercase().replace('-', "_"));
    std::env::var_os(var).is_some()
}
