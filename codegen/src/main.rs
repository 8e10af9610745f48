//! `psa-codegen`: the command line over the codegen library.
//!
//! ```text
//! psa-codegen coverage                 one line per vendor document in specs/manifest.toml, then skipped operations
//! psa-codegen surface <spec-file>      the API surface listing (what the snapshot tests compare)
//! psa-codegen diff <old> <new>         operations and types that changed between two documents, breaking first
//! psa-codegen generate <spec-file> <out-dir>   write the generated sources (for reading, not for building)
//! psa-codegen drift-to-correction <report.json> [<spec-file>]
//!                                      suggested correction entries (TOML, for review) from a drift report
//!                                      (`client.drift().take()`); the document is the report's unless given
//! psa-codegen fetch [vendor…] --into DIR [--mirror URL] [--accept-changed]
//!                                      download the documents that need no login (BMS, Autotask), check them
//!                                      against the pinned SHA-256 and write them atomically; ConnectWise: the steps
//! ```
//! Spec files are looked up in `$PSA_SPECS_DIR` (default `../shared/specs`) unless they contain a `/`. A path to
//! a document that is not the pinned one is prepared as a user's unreviewed version (correction data that no
//! longer applies is skipped and listed on stderr). The manifest and corrections are the psa-clients checkout's
//! when the command was built inside one, else the copies packaged with psa-codegen (`specs/`).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use psa_codegen::workspace::Workspace;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let ws = Workspace::from_env(data_root());
    if args.first().map(String::as_str) == Some("fetch") {
        return fetch::run(&ws, &args[1..]);
    }
    let result = match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["coverage"] => coverage(&ws),
        ["surface", file] => ws.render_file(file).map(|(prepared, rendered)| {
            report_unreviewed(&prepared);
            print!("{}", psa_codegen::surface::surface(&rendered));
        }),
        ["diff", old, new] => diff(&ws, old, new),
        ["generate", file, out] => generate(&ws, file, Path::new(out)),
        ["drift-to-correction", report] => drift_to_correction(&ws, report, None),
        ["drift-to-correction", report, file] => drift_to_correction(&ws, report, Some(file)),
        _ => {
            eprintln!("usage: psa-codegen coverage | surface <spec> | diff <old-spec> <new-spec> | generate <spec> <out-dir>\n       psa-codegen drift-to-correction <report.json> [<spec>]\n       psa-codegen fetch [bms|autotask|connectwise …] --into DIR [--mirror URL] [--accept-changed]");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The directory holding `specs/manifest.toml` and `specs/corrections/`: the checkout psa-codegen was built in
/// (its parent directory is the workspace root), or psa-codegen's own package directory, whose `specs/` are the
/// packaged copies of the same files.
fn data_root() -> PathBuf {
    let package = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let checkout = package.join("..");
    if checkout.join("specs/manifest.toml").is_file() && checkout.join("codegen").is_dir() {
        checkout
    } else {
        package
    }
}

/// Says on stderr that a document is not the reviewed one, and which correction data did not apply to it.
fn report_unreviewed(prepared: &psa_codegen::Prepared) {
    if prepared.reviewed {
        return;
    }
    eprintln!(
        "note: {} (version {}, sha256 {}) is not the document psa-clients reviewed",
        prepared.path.display(),
        prepared.entry.version,
        prepared.sha256
    );
    for line in &prepared.inapplicable {
        eprintln!("note: correction skipped, it does not apply: {line}");
    }
}

fn coverage(ws: &Workspace) -> Result<(), psa_codegen::workspace::BoxError> {
    let mut skipped_lines = Vec::new();
    for entry in ws.manifest()?.spec {
        let (prepared, rendered) = ws.render_file(&entry.file)?;
        let c = psa_codegen::coverage::coverage(&prepared, &rendered);
        println!("{}", c.line(&entry.file));
        skipped_lines.extend(
            c.skipped
                .iter()
                .map(|s| format!("skipped {} {s}", entry.file)),
        );
    }
    for line in skipped_lines {
        println!("{line}");
    }
    Ok(())
}

fn diff(ws: &Workspace, old: &str, new: &str) -> Result<(), psa_codegen::workspace::BoxError> {
    let old = ws.prepare_file(old)?;
    let new = ws.prepare_file(new)?;
    report_unreviewed(&old);
    report_unreviewed(&new);
    print!("{}", psa_codegen::diff::diff(&old.spec, &new.spec));
    Ok(())
}

/// Prints the suggestions for a drift report, against the corrected document it names (or `file`).
fn drift_to_correction(
    ws: &Workspace,
    report: &str,
    file: Option<&str>,
) -> Result<(), psa_codegen::workspace::BoxError> {
    let text = std::fs::read_to_string(report).map_err(|e| format!("cannot read {report}: {e}"))?;
    let report = psa_codegen::drift::read_report(&text)?;
    let file = match (file, &report.spec) {
        (Some(file), _) => file.to_owned(),
        (None, Some(spec)) => spec.file.clone(),
        (None, None) => {
            return Err(
                "the report names no document; give the spec file as the second argument".into(),
            )
        }
    };
    let prepared = ws.prepare_file(&file)?;
    report_unreviewed(&prepared);
    if let Some(spec) = report.spec.as_ref().filter(|s| s.sha256 != prepared.sha256) {
        eprintln!(
            "note: the report was made against {} sha256 {}, not this document ({})",
            spec.file, spec.sha256, prepared.sha256
        );
    }
    let doc = serde_json::to_value(&prepared.spec)?;
    print!("{}", psa_codegen::drift::suggest(&report, &doc));
    Ok(())
}

fn generate(
    ws: &Workspace,
    file: &str,
    out: &Path,
) -> Result<(), psa_codegen::workspace::BoxError> {
    let (_, rendered) = ws.render_file(file)?;
    std::fs::create_dir_all(out)?;
    for f in &rendered.files {
        let name = if f.module.is_empty() {
            "lib".to_owned()
        } else {
            f.module.clone()
        };
        std::fs::write(out.join(format!("{name}.rs")), &f.source)?;
    }
    Ok(())
}

mod fetch {
    //! `psa-codegen fetch`: argument parsing and output over [`psa_codegen::fetch`].

    use std::path::PathBuf;
    use std::process::ExitCode;

    use psa_codegen::fetch::{fetch, FetchOptions, Outcome, MIRROR_ENV};
    use psa_codegen::manifest::SPECS_DIR_ENV;
    use psa_codegen::vendor::Vendor;
    use psa_codegen::workspace::Workspace;

    const USAGE: &str = "usage: psa-codegen fetch [bms|autotask|connectwise …] --into DIR [--mirror URL] \
                         [--accept-changed]\n  (no vendor: all three; --into defaults to $PSA_SPECS_DIR; --mirror \
                         or $PSA_SPECS_MIRROR: download <URL>/<file> instead of the vendor's URL)";

    /// Runs `fetch` with the arguments after it. Exit status 0 when every document asked for is now in the
    /// directory, 1 otherwise (a failed download, or ConnectWise's document still to be saved by hand), 2 for
    /// unusable arguments.
    pub fn run(ws: &Workspace, args: &[String]) -> ExitCode {
        let mut vendors = Vec::new();
        let mut into: Option<PathBuf> = std::env::var_os(SPECS_DIR_ENV)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from);
        let mut mirror = std::env::var(MIRROR_ENV).ok().filter(|v| !v.is_empty());
        let mut accept_changed = false;
        let mut args = args.iter();
        while let Some(arg) = args.next() {
            match arg.as_str() {
                "--into" => into = args.next().map(PathBuf::from),
                "--mirror" => mirror = args.next().cloned(),
                "--accept-changed" => accept_changed = true,
                name => match Vendor::from_name(name) {
                    Some(v) => vendors.push(v),
                    None => {
                        eprintln!("unknown vendor or option `{name}`\n{USAGE}");
                        return ExitCode::from(2);
                    }
                },
            }
        }
        let Some(into) = into else {
            eprintln!("where to? give --into DIR (or set ${SPECS_DIR_ENV})\n{USAGE}");
            return ExitCode::from(2);
        };
        if vendors.is_empty() {
            vendors = Vendor::ALL.to_vec();
        }
        let manifest = match ws.manifest() {
            Ok(m) => m,
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::FAILURE;
            }
        };
        let mut options = FetchOptions::new(into);
        options.mirror = mirror;
        options.accept_changed = accept_changed;
        let mut complete = true;
        for vendor in vendors {
            let Some(entry) = manifest.primary(vendor) else {
                eprintln!("error: the manifest has no {vendor} document");
                complete = false;
                continue;
            };
            match fetch(entry, &options) {
                Ok(Outcome::Fetched { path, url }) => {
                    println!("fetched {} from {url} (sha256 matches the pin)", path.display());
                }
                Ok(Outcome::AcceptedChanged { path, sha256 }) => println!(
                    "fetched {} (sha256 {sha256}, NOT the reviewed version; accepted in psa-specs.toml beside it)",
                    path.display()
                ),
                Ok(Outcome::Present { path, reviewed }) => println!(
                    "present {} ({})",
                    path.display(),
                    if reviewed { "the reviewed version" } else { "an accepted, unreviewed version" }
                ),
                Ok(Outcome::Manual { steps, .. }) => {
                    complete = false;
                    eprintln!("{steps}");
                }
                Err(e) => {
                    complete = false;
                    eprintln!("error: {e}");
                }
            }
        }
        if complete {
            ExitCode::SUCCESS
        } else {
            ExitCode::FAILURE
        }
    }
}
