//! What the generated crates' `build.rs` calls: generate the vendor's client into `OUT_DIR`.
//!
//! Each generated crate (`clients/<vendor>`) has a two-line `build.rs` that calls [`main`], and carries what its
//! build needs in its own `specs/` directory: `specs/manifest.toml` and `specs/corrections/<vendor>.toml` (in the
//! repository, symlinks to the workspace's `specs/`; in a packaged crate, the files). The vendor document itself
//! is found as [`crate::locate`] describes. Everything but reading the environment and printing cargo directives
//! is here so that it is testable and shared with the CLI.

use std::path::{Path, PathBuf};

use crate::locate::{self, BuildContext, SearchPath};
use crate::manifest::{self, Manifest};
use crate::render::{self, Rendered};
use crate::vendor::{Corrections, ModuleSplit, Vendor};
use crate::{Pinning, Prepared};

/// Everything that can stop the build, rendered as one readable message.
#[derive(Debug, thiserror::Error)]
#[error("psa-clients could not generate the {vendor} client:\n{message}")]
pub struct BuildError {
    /// The vendor.
    pub vendor: Vendor,
    /// What went wrong and how to fix it.
    pub message: String,
}

/// Inputs of one build.
#[derive(Debug, Clone)]
pub struct BuildInputs {
    /// The directory holding `manifest.toml` and `corrections/<vendor>.toml` (the crate's `specs/`).
    pub data_dir: PathBuf,
    /// Where the vendor documents are looked for.
    pub search: SearchPath,
    /// The value of `$PSA_SPECS_ACCEPT`, if set.
    pub accept_env: Option<String>,
    /// cargo's `OUT_DIR`.
    pub out_dir: PathBuf,
}

/// Files a vendor's generation wrote, what the build should watch, and what it should warn about.
#[derive(Debug, Clone)]
pub struct BuildOutput {
    /// Files written.
    pub written: Vec<PathBuf>,
    /// Files whose change must re-run the build script.
    pub inputs: Vec<PathBuf>,
    /// Warnings for the user (an accepted unreviewed document, corrections that no longer apply).
    pub warnings: Vec<String>,
    /// Whether the document is the reviewed one.
    pub reviewed: bool,
}

/// The build script of a generated vendor crate: reads cargo's environment, generates, prints cargo directives,
/// and on failure prints one readable message and exits non-zero (never a panic backtrace).
pub fn main() {
    let (Some(manifest_dir), Some(out_dir), Ok(package)) = (
        std::env::var_os("CARGO_MANIFEST_DIR"),
        std::env::var_os("OUT_DIR"),
        std::env::var("CARGO_PKG_NAME"),
    ) else {
        fail("this build script must be run by cargo");
    };
    let Some(vendor) = package
        .strip_prefix("psa-clients-")
        .and_then(Vendor::from_name)
    else {
        fail(&format!(
            "package `{package}` is not a generated vendor crate (psa-clients-<vendor>)"
        ));
    };
    println!("cargo::rerun-if-env-changed={}", manifest::SPECS_DIR_ENV);
    println!("cargo::rerun-if-env-changed={}", locate::ACCEPT_ENV);
    println!(
        "cargo::rerun-if-env-changed={}",
        crate::postprocess::lean_deserialize::UNKNOWN_FIELDS_ENV
    );
    let crate_dir = PathBuf::from(manifest_dir);
    let context = BuildContext::detect(&crate_dir);
    let inputs = BuildInputs {
        data_dir: crate_dir.join("specs"),
        search: SearchPath::new(
            &context,
            std::env::var(manifest::SPECS_DIR_ENV).ok().as_deref(),
        ),
        accept_env: std::env::var(locate::ACCEPT_ENV).ok(),
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
            for warning in output.warnings {
                for line in warning.lines() {
                    println!("cargo::warning={package}: {line}");
                }
            }
        }
        Err(e) => fail(&e.to_string()),
    }
}

/// A readable message and a failed build; never a panic backtrace.
fn fail(message: &str) -> ! {
    eprintln!("{message}");
    for line in message.lines().take(40) {
        println!("cargo::warning={line}");
    }
    std::process::exit(1);
}

/// Where psa-codegen's own sources are: what `cargo install --path` takes to get the `psa-codegen` command.
pub fn codegen_source_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Generates `vendor` into `OUT_DIR`: `<vendor>.rs` (single module) or `<vendor>/<module>.rs` plus
/// `<vendor>/types.rs` (split), and `<vendor>_spec.rs` with the document's identity.
pub fn build_vendor(
    inputs: &BuildInputs,
    vendor: Vendor,
    want_module: &dyn Fn(&str) -> bool,
) -> Result<BuildOutput, BuildError> {
    let fail = |message: String| BuildError { vendor, message };
    let manifest_path = inputs.data_dir.join("manifest.toml");
    let manifest = Manifest::load(&manifest_path).map_err(|e| fail(e.to_string()))?;
    let entry = manifest
        .primary(vendor)
        .ok_or_else(|| fail(format!("no primary document for {vendor} in the manifest")))?;
    let corrections_dir = inputs.data_dir.join("corrections");
    let corrections =
        Corrections::load(&corrections_dir, vendor).map_err(|e| fail(e.to_string()))?;
    let path = inputs
        .search
        .find(&entry.file)
        .ok_or_else(|| fail(inputs.search.not_found_message(entry, codegen_source_dir())))?;
    let loaded = crate::load::load_document(&path).map_err(|e| fail(e.to_string()))?;
    let mut warnings = Vec::new();
    let mut watched = vec![
        manifest_path,
        corrections_dir.join(format!("{vendor}.toml")),
        path.clone(),
    ];
    let pinning = if loaded.sha256 == entry.sha256 {
        Pinning::Enforce
    } else {
        let version = document_version(&loaded.value);
        let by = locate::accepted_by(
            &path,
            &entry.file,
            &loaded.sha256,
            inputs.accept_env.as_deref(),
        )
        .map_err(|e| fail(e.to_string()))?
        .ok_or_else(|| {
            fail(locate::mismatch_message(
                entry,
                &path,
                &loaded.sha256,
                &version,
            ))
        })?;
        if let locate::AcceptedBy::File(file) = &by {
            watched.push(file.clone());
        }
        warnings.push(format!(
            "building from {} version {version} (sha256 {}), which psa-clients has not reviewed (it pins version \
             {}); accepted by {by}. SPEC.reviewed is false.",
            path.display(),
            loaded.sha256,
            entry.version,
        ));
        Pinning::Accepted
    };
    let prepared = crate::prepare_loaded(entry, loaded, &corrections, pinning)
        .map_err(|e| fail(e.to_string()))?;
    if !prepared.inapplicable.is_empty() {
        warnings.push(format!(
            "{} correction(s) in {vendor}.toml do not apply to this version and were skipped:\n{}",
            prepared.inapplicable.len(),
            prepared
                .inapplicable
                .iter()
                .map(|n| format!("  - {n}"))
                .collect::<Vec<_>>()
                .join("\n")
        ));
    }
    // A split vendor's areas are one list (`areas` in its corrections), which the cargo features must follow: an
    // area of the document that no feature names would silently not be generated.
    if corrections.modules == ModuleSplit::FirstPathSegment {
        let unlisted = crate::split::unlisted_areas(&prepared.spec, &corrections.areas);
        if !unlisted.is_empty() {
            return Err(fail(crate::split::unlisted_areas_message(
                vendor, &unlisted,
            )));
        }
    }
    let rendered = render::render(&prepared, &corrections, want_module).map_err(|e| {
        let message = e.to_string();
        fail(if prepared.reviewed {
            message
        } else {
            format!(
                "{} is not the document psa-clients reviewed, and generating from it failed:\n  {message}",
                prepared.path.display()
            )
        })
    })?;
    let written = write(inputs, vendor, &corrections, &prepared, &rendered)
        .map_err(|e| fail(e.to_string()))?;
    Ok(BuildOutput {
        written,
        inputs: watched,
        warnings,
        reviewed: prepared.reviewed,
    })
}

/// `info.version` of a loaded document, or `(none)`.
fn document_version(value: &serde_json::Value) -> String {
    value
        .pointer("/info/version")
        .and_then(serde_json::Value::as_str)
        .unwrap_or("(none)")
        .to_owned()
}

fn write(
    inputs: &BuildInputs,
    vendor: Vendor,
    corrections: &Corrections,
    prepared: &Prepared,
    rendered: &Rendered,
) -> std::io::Result<Vec<PathBuf>> {
    let mut written = Vec::new();
    let mut put = |path: PathBuf, text: &str| -> std::io::Result<()> {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        // Writing identical bytes would still bump the mtime; skipping keeps incremental builds incremental.
        if std::fs::read(&path).ok().as_deref() != Some(text.as_bytes()) {
            std::fs::write(&path, text)?;
        }
        written.push(path);
        Ok(())
    };
    match corrections.modules {
        ModuleSplit::Single => {
            for f in &rendered.files {
                put(inputs.out_dir.join(format!("{vendor}.rs")), &f.source)?;
                put(
                    inputs.out_dir.join(format!("{vendor}_walk.rs")),
                    f.walk.as_deref().unwrap_or_default(),
                )?;
            }
        }
        ModuleSplit::FirstPathSegment => {
            // The generated areas (not `types`), for the crate's module declarations and psa-clients' accessors.
            let areas: Vec<String> = rendered
                .files
                .iter()
                .map(|f| f.module.clone())
                .filter(|module| module != "types")
                .collect();
            put(
                inputs.out_dir.join(vendor.name()).join("areas.rs"),
                &crate::split::areas_source(vendor, &areas),
            )?;
            for f in &rendered.files {
                put(
                    inputs
                        .out_dir
                        .join(vendor.name())
                        .join(format!("{}.rs", f.module)),
                    &f.source,
                )?;
                if let Some(walk) = &f.walk {
                    put(
                        inputs
                            .out_dir
                            .join(vendor.name())
                            .join(format!("{}_walk.rs", f.module)),
                        walk,
                    )?;
                }
            }
        }
    }
    put(
        inputs.out_dir.join(format!("{vendor}_spec.rs")),
        &spec_info(prepared),
    )?;
    Ok(written)
}

fn spec_info(prepared: &Prepared) -> String {
    // An unreviewed document is named by its own title and version, not the pinned one's.
    let (title, version) = if prepared.reviewed {
        (
            prepared.entry.title.as_str(),
            prepared.entry.version.as_str(),
        )
    } else {
        (
            prepared.spec.info.title.as_str(),
            prepared.spec.info.version.as_str(),
        )
    };
    format!(
        "// @generated by psa-codegen.\n/// The vendor document this module was generated from.\npub const SPEC: ::psa_clients_runtime::SpecInfo = ::psa_clients_runtime::SpecInfo {{ file: {:?}, title: {title:?}, version: {version:?}, sha256: {:?}, operations: {}, reviewed: {} }};\n",
        prepared.entry.file,
        prepared.sha256,
        crate::coverage::operation_count(&prepared.spec),
        prepared.reviewed,
    )
}
