//! `psa-codegen`: the command line over the codegen library.
//!
//! ```text
//! psa-codegen coverage                 one line per vendor document in specs/manifest.toml, then skipped operations
//! psa-codegen surface <spec-file>      the API surface listing (what the snapshot tests compare)
//! psa-codegen diff <old> <new>         operations and types that changed between two documents, breaking first
//! psa-codegen generate <spec-file> <out-dir>   write the generated sources (for reading, not for building)
//! ```
//! Spec files are looked up in `$PSA_SPECS_DIR` (default `../shared/specs`) unless they contain a `/`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use psa_codegen::workspace::Workspace;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let ws = Workspace::from_env(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(".."));
    let result = match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["coverage"] => coverage(&ws),
        ["surface", file] => ws
            .render_file(file)
            .map(|(_, rendered)| print!("{}", psa_codegen::surface::surface(&rendered))),
        ["diff", old, new] => diff(&ws, old, new),
        ["generate", file, out] => generate(&ws, file, Path::new(out)),
        _ => {
            eprintln!("usage: psa-codegen coverage | surface <spec> | diff <old-spec> <new-spec> | generate <spec> <out-dir>");
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
    print!("{}", psa_codegen::diff::diff(&old.spec, &new.spec));
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
