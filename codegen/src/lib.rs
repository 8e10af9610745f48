//! psa-codegen: turns the vendors' OpenAPI/Swagger documents into corrected, typed Rust clients.
//!
//! Pipeline: [`load`] → [`swagger2`] (Autotask) → [`correct`] → [`validate`] → [`generate`] → post-process →
//! format. `build.rs` of psa-clients and the `psa-codegen` CLI call the same functions, so what the tests and
//! the snapshots see is exactly what compiles.

pub mod buildscript;
pub mod correct;
pub mod coverage;
pub mod diff;
pub mod drift;
#[cfg(feature = "fetch")]
pub mod fetch;
pub mod generate;
pub mod load;
pub mod locate;
pub mod manifest;
pub mod multipart;
pub mod postprocess;
pub mod render;
pub mod split;
pub mod stale;
pub mod surface;
pub mod swagger2;
pub mod validate;
pub mod vendor;
pub mod workspace;

use std::path::{Path, PathBuf};

use correct::CorrectionReport;
use manifest::{SpecEntry, SpecFormat};
use vendor::Corrections;

/// A vendor document after loading, conversion, correction and validation: ready for the generator.
#[derive(Debug, Clone)]
pub struct Prepared {
    /// The manifest entry it was prepared for; for an unreviewed document ([`Pinning::Accepted`]) `version` is
    /// the document's own.
    pub entry: SpecEntry,
    /// Where it was read from.
    pub path: PathBuf,
    /// SHA-256 of the file as read.
    pub sha256: String,
    /// The corrected document.
    pub spec: openapiv3::OpenAPI,
    /// What the corrections changed.
    pub report: CorrectionReport,
    /// Whether the file is the one the manifest pins (its SHA-256 is the reviewed one).
    pub reviewed: bool,
    /// Correction data that matched nothing in an unreviewed document ([`Pinning::Accepted`]), one line each.
    pub inapplicable: Vec<String>,
}

/// Why a document could not be prepared.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PipelineError {
    /// The file could not be read or parsed.
    #[error("{source}\n  The vendor documents are looked up in ${env} (default: <workspace>/{default}); see specs/manifest.toml for where to obtain {file}.", env = manifest::SPECS_DIR_ENV, default = manifest::DEFAULT_SPECS_DIR)]
    Load {
        /// The file name.
        file: String,
        /// The error.
        #[source]
        source: load::LoadError,
    },
    /// The file is not the reviewed one.
    #[error("{path} has sha256 {actual}, but specs/manifest.toml pins {pinned}. If the vendor shipped a new document, review it (`cargo run -p psa-codegen -- diff`), then update the pin and accept the snapshot changes (`cargo insta review`).")]
    ChecksumMismatch {
        /// The file.
        path: PathBuf,
        /// Its checksum.
        actual: String,
        /// The pinned checksum.
        pinned: String,
    },
    /// Swagger 2.0 conversion failed.
    #[error("{file}: {source}")]
    Convert {
        /// The file name.
        file: String,
        /// The error.
        #[source]
        source: swagger2::ConvertError,
    },
    /// The document declares a different format than the manifest says.
    #[error("{file}: manifest says {expected:?} but the document is not")]
    Format {
        /// The file name.
        file: String,
        /// The declared format.
        expected: SpecFormat,
    },
    /// A correction could not be applied.
    #[error("{file}: {source}")]
    Correct {
        /// The file name.
        file: String,
        /// The error.
        #[source]
        source: correct::CorrectError,
    },
    /// The corrected document is not valid OpenAPI 3.0.
    #[error("{file}: corrected document is not valid OpenAPI 3.0: {message}")]
    Invalid {
        /// The file name.
        file: String,
        /// serde's message with the path of the failing element.
        message: String,
    },
    /// A document that is not the reviewed one ([`Pinning::Accepted`]) failed a step its corrections were
    /// written for.
    #[error("{file} version {version} (sha256 {sha256}) is not the document psa-clients reviewed (version {pinned_version}), and the corrections written for that one do not fit it:\n  {source}\nUse the reviewed version, or report the difference so the corrections can follow the vendor (`psa-codegen diff` shows it).")]
    Unreviewed {
        /// The file name.
        file: String,
        /// The document's own version (`info.version`).
        version: String,
        /// Its checksum.
        sha256: String,
        /// The version the corrections were reviewed against.
        pinned_version: String,
        /// The step that failed.
        #[source]
        source: Box<PipelineError>,
    },
    /// The corrected document contains constructs the generator cannot take.
    #[error("{file}: {} construct(s) the generator cannot handle:\n{}", problems.len(), problems.iter().map(|p| format!("  - {p}")).collect::<Vec<_>>().join("\n"))]
    Unsupported {
        /// The file name.
        file: String,
        /// Each problem.
        problems: Vec<validate::Problem>,
    },
}

/// Whether a checksum different from the pinned one is an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pinning {
    /// A different file fails (the default for builds).
    Enforce,
    /// Any file is accepted and corrected as the reviewed one would be (our own test documents, documents
    /// compared in the workspace).
    Ignore,
    /// Any file is accepted, and one that is not the pinned file is treated as the user's unreviewed version:
    /// correction data that no longer applies is skipped and listed in [`Prepared::inapplicable`], and a step
    /// that fails says the document is unreviewed ([`PipelineError::Unreviewed`]).
    Accepted,
}

/// Loads `dir/entry.file` and runs conversion, corrections and validation.
pub fn prepare(
    entry: &SpecEntry,
    dir: &Path,
    corrections: &Corrections,
    pinning: Pinning,
) -> Result<Prepared, PipelineError> {
    let path = dir.join(&entry.file);
    prepare_file(entry, &path, corrections, pinning)
}

/// Like [`prepare`], for an explicit file path.
pub fn prepare_file(
    entry: &SpecEntry,
    path: &Path,
    corrections: &Corrections,
    pinning: Pinning,
) -> Result<Prepared, PipelineError> {
    let loaded = load::load_document(path).map_err(|source| PipelineError::Load {
        file: entry.file.clone(),
        source,
    })?;
    prepare_loaded(entry, loaded, corrections, pinning)
}

/// Like [`prepare_file`], for a document already read (the build script reads it first to decide on its
/// checksum).
pub fn prepare_loaded(
    entry: &SpecEntry,
    loaded: load::LoadedDocument,
    corrections: &Corrections,
    pinning: Pinning,
) -> Result<Prepared, PipelineError> {
    let reviewed = loaded.sha256 == entry.sha256;
    if pinning == Pinning::Enforce && !reviewed {
        return Err(PipelineError::ChecksumMismatch {
            path: loaded.path,
            actual: loaded.sha256,
            pinned: entry.sha256.clone(),
        });
    }
    if pinning == Pinning::Accepted && !reviewed {
        let version = loaded
            .value
            .pointer("/info/version")
            .and_then(serde_json::Value::as_str)
            .unwrap_or("(none)")
            .to_owned();
        let sha256 = loaded.sha256.clone();
        let mut prepared =
            correct_and_validate(entry, loaded, corrections, false, true).map_err(|source| {
                PipelineError::Unreviewed {
                    file: entry.file.clone(),
                    version: version.clone(),
                    sha256,
                    pinned_version: entry.version.clone(),
                    source: Box::new(source),
                }
            })?;
        prepared.entry.version = version;
        return Ok(prepared);
    }
    correct_and_validate(entry, loaded, corrections, reviewed, false)
}

fn correct_and_validate(
    entry: &SpecEntry,
    loaded: load::LoadedDocument,
    corrections: &Corrections,
    reviewed: bool,
    skip_inapplicable: bool,
) -> Result<Prepared, PipelineError> {
    let file = entry.file.clone();
    let mut value = loaded.value;
    match (entry.format, swagger2::is_swagger2(&value)) {
        (SpecFormat::Swagger20, true) => {
            value = swagger2::convert(&value).map_err(|source| PipelineError::Convert {
                file: file.clone(),
                source,
            })?;
        }
        (SpecFormat::OpenApi30, false) => {}
        (expected, _) => return Err(PipelineError::Format { file, expected }),
    }
    let (corrections, inapplicable) = if skip_inapplicable {
        let applicable = stale::applicable(&value, corrections);
        (applicable.corrections, applicable.notes)
    } else {
        (corrections.clone(), Vec::new())
    };
    let report =
        correct::correct(&mut value, &corrections).map_err(|source| PipelineError::Correct {
            file: file.clone(),
            source,
        })?;
    let spec: openapiv3::OpenAPI =
        serde_path_to_error::deserialize(value).map_err(|e| PipelineError::Invalid {
            file: file.clone(),
            message: format!("at {}: {}", e.path(), e.inner()),
        })?;
    let problems = validate::validate(&spec);
    if !problems.is_empty() {
        return Err(PipelineError::Unsupported { file, problems });
    }
    Ok(Prepared {
        entry: entry.clone(),
        path: loaded.path,
        sha256: loaded.sha256,
        spec,
        report,
        reviewed,
        inapplicable,
    })
}
