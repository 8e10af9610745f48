//! `specs/manifest.toml`: which vendor documents the project knows, pinned by checksum.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::vendor::Vendor;

/// Environment variable naming the directory that holds the vendor documents.
pub const SPECS_DIR_ENV: &str = "PSA_SPECS_DIR";
/// Where the vendor documents are when [`SPECS_DIR_ENV`] is unset, relative to the workspace root.
pub const DEFAULT_SPECS_DIR: &str = "../shared/specs";

/// The format a vendor ships its document in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub enum SpecFormat {
    /// OpenAPI 3.0.x.
    #[serde(rename = "openapi-3.0")]
    OpenApi30,
    /// Swagger 2.0 (converted to OpenAPI 3.0 first).
    #[serde(rename = "swagger-2.0")]
    Swagger20,
}

/// One vendor document the project generates from or checks.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SpecEntry {
    /// File name inside the specs directory.
    pub file: String,
    /// Whose API it describes.
    pub vendor: Vendor,
    /// Its format.
    pub format: SpecFormat,
    /// Human title.
    pub title: String,
    /// The vendor's version of the document.
    pub version: String,
    /// Pinned SHA-256 of the reviewed file.
    pub sha256: String,
    /// Where the vendor publishes it.
    pub upstream: String,
    /// Whether the crate's module for this vendor is generated from it.
    pub primary: bool,
}

/// The parsed manifest.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// All entries, in file order.
    pub spec: Vec<SpecEntry>,
}

/// Why the manifest could not be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ManifestError {
    /// Unreadable.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The manifest path.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// Not valid.
    #[error("invalid {path}: {message}")]
    Invalid {
        /// The manifest path.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// No primary entry for a vendor.
    #[error("{path} has no `primary = true` entry for vendor `{vendor}`")]
    NoPrimary {
        /// The manifest path.
        path: PathBuf,
        /// The vendor.
        vendor: Vendor,
    },
}

impl Manifest {
    /// Reads and validates `path`.
    pub fn load(path: &Path) -> Result<Manifest, ManifestError> {
        let text = std::fs::read_to_string(path).map_err(|source| ManifestError::Read {
            path: path.to_owned(),
            source,
        })?;
        let manifest: Manifest = toml::from_str(&text).map_err(|e| ManifestError::Invalid {
            path: path.to_owned(),
            message: e.to_string(),
        })?;
        for vendor in Vendor::ALL {
            if manifest
                .spec
                .iter()
                .filter(|s| s.vendor == vendor && s.primary)
                .count()
                != 1
            {
                return Err(ManifestError::NoPrimary {
                    path: path.to_owned(),
                    vendor,
                });
            }
        }
        Ok(manifest)
    }

    /// The document the vendor's module is generated from.
    pub fn primary(&self, vendor: Vendor) -> Option<&SpecEntry> {
        self.spec.iter().find(|s| s.vendor == vendor && s.primary)
    }

    /// The entry for a file name.
    pub fn entry(&self, file: &str) -> Option<&SpecEntry> {
        self.spec.iter().find(|s| s.file == file)
    }
}

/// The specs directory: `$PSA_SPECS_DIR` if set (relative paths are taken from `workspace_root`), else
/// `<workspace_root>/../shared/specs`.
pub fn specs_dir(workspace_root: &Path, env_value: Option<&str>) -> PathBuf {
    match env_value.filter(|v| !v.is_empty()) {
        Some(dir) => workspace_root.join(dir),
        None => workspace_root.join(DEFAULT_SPECS_DIR),
    }
}
