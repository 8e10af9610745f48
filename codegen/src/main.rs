//! `psa-codegen`: the command line over the codegen library (coverage, surface, diff, generate).

use std::path::PathBuf;
use std::process::ExitCode;

use psa_codegen::manifest::{self, Manifest};
use psa_codegen::vendor::Corrections;
use psa_codegen::Pinning;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let result = match args.first().map(String::as_str) {
        Some("generate") if args.len() == 3 => generate(&root, &args[1], &PathBuf::from(&args[2])),
        _ => {
            eprintln!("usage: psa-codegen generate <spec-file> <out.rs>");
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

fn generate(
    root: &std::path::Path,
    file: &str,
    out: &std::path::Path,
) -> Result<(), Box<dyn std::error::Error>> {
    let manifest = Manifest::load(&root.join("specs/manifest.toml"))?;
    let entry = manifest
        .entry(file)
        .ok_or_else(|| format!("{file} is not in specs/manifest.toml"))?;
    let dir = manifest::specs_dir(root, std::env::var(manifest::SPECS_DIR_ENV).ok().as_deref());
    let corrections = Corrections::load(&root.join("specs/corrections"), entry.vendor)?;
    let prepared = psa_codegen::prepare(entry, &dir, &corrections, Pinning::Enforce)?;
    for pass in &prepared.report.passes {
        eprintln!("{}: {} changes", pass.name, pass.changes.len());
    }
    let mut spec = prepared.spec.clone();
    let uploads = psa_codegen::multipart::extract(&mut spec);
    let mut tokens =
        psa_codegen::generate::progenitor_tokens(&spec, psa_codegen::generate::Style::Builder)?;
    tokens.extend(psa_codegen::multipart::emit(&uploads).map_err(|p| format!("{p:?}"))?);
    let code = psa_codegen::generate::format(tokens)?;
    std::fs::write(out, code)?;
    Ok(())
}
