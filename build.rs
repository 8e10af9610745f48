//! The build script of every generated vendor crate (`clients/*/Cargo.toml` point `build` here): it turns the
//! vendor's document into Rust in OUT_DIR. Thin on purpose: the work is `psa_codegen::buildscript`, shared with
//! the tests and the `psa-codegen` CLI, so what they check is what compiles here.

use std::path::PathBuf;

use psa_codegen::buildscript::{build_vendor, specs_dir, BuildInputs};
use psa_codegen::vendor::Vendor;

fn main() {
    let (Some(manifest_dir), Some(out_dir), Ok(package)) = (
        std::env::var_os("CARGO_MANIFEST_DIR"),
        std::env::var_os("OUT_DIR"),
        std::env::var("CARGO_PKG_NAME"),
    ) else {
        fail("this build script must be run by cargo");
    };
    // clients/<vendor> → the workspace root two levels up.
    let root = PathBuf::from(manifest_dir).join("../..");
    let Some(vendor) = package
        .strip_prefix("psa-clients-")
        .and_then(Vendor::from_name)
    else {
        fail(&format!(
            "package `{package}` is not a generated vendor crate (psa-clients-<vendor>)"
        ));
    };
    println!(
        "cargo::rerun-if-env-changed={}",
        psa_codegen::manifest::SPECS_DIR_ENV
    );
    let inputs = BuildInputs {
        specs_dir: specs_dir(&root),
        root,
        out_dir: PathBuf::from(out_dir),
    };
    // Split vendors generate only the modules whose feature is enabled.
    let want_module = |module: &str| {
        std::env::var_os(format!("CARGO_FEATURE_{}", module.to_uppercase())).is_some()
    };
    match build_vendor(&inputs, vendor, &want_module) {
        Ok(output) => {
            for input in output.inputs {
                println!("cargo::rerun-if-changed={}", input.display());
            }
        }
        Err(e) => fail(&e.to_string()),
    }
}

/// A readable message and a failed build; never a panic backtrace.
fn fail(message: &str) -> ! {
    eprintln!("{message}");
    for line in message.lines().take(20) {
        println!("cargo::warning={line}");
    }
    std::process::exit(1);
}
