//! The psa-clients workspace as the CLI and the tests see it: manifest, corrections and specs directory.

use std::path::{Path, PathBuf};

use crate::manifest::{self, Manifest, SpecEntry, SpecFormat};
use crate::render::{self, Rendered};
use crate::vendor::{Corrections, Vendor};
use crate::{Pinning, Prepared};

/// Errors of the CLI-level helpers.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Paths of a psa-clients checkout.
#[derive(Debug, Clone)]
pub struct Workspace {
    /// Workspace root (holds `specs/`).
    pub root: PathBuf,
    /// Where the vendor documents are.
    pub specs_dir: PathBuf,
}

impl Workspace {
    /// The workspace at `root`, with the specs directory from `$PSA_SPECS_DIR` or its default.
    pub fn from_env(root: PathBuf) -> Workspace {
        let specs_dir = manifest::specs_dir(
            &root,
            std::env::var(manifest::SPECS_DIR_ENV).ok().as_deref(),
        );
        Workspace { root, specs_dir }
    }

    /// `specs/manifest.toml`.
    pub fn manifest(&self) -> Result<Manifest, BoxError> {
        Ok(Manifest::load(&self.root.join("specs/manifest.toml"))?)
    }

    /// The vendor's corrections.
    pub fn corrections(&self, vendor: Vendor) -> Result<Corrections, BoxError> {
        Ok(Corrections::load(
            &self.root.join("specs/corrections"),
            vendor,
        )?)
    }

    /// Prepares a document: a manifest file name (pinned checksum enforced) or a path to any vendor document
    /// (vendor recognised from its title). A path is compared with that vendor's pinned document: another
    /// version is prepared as a user's unreviewed one ([`Pinning::Accepted`]: correction data that no longer
    /// applies is skipped and listed in [`Prepared::inapplicable`]).
    pub fn prepare_file(&self, file: &str) -> Result<Prepared, BoxError> {
        let manifest = self.manifest()?;
        if let Some(entry) = manifest.entry(file) {
            let corrections = self.corrections(entry.vendor)?;
            return Ok(crate::prepare(
                entry,
                &self.specs_dir,
                &corrections,
                Pinning::Enforce,
            )?);
        }
        let path = Path::new(file);
        let loaded = crate::load::load_document(path)?;
        let title = loaded
            .value
            .pointer("/info/title")
            .and_then(|t| t.as_str())
            .unwrap_or_default()
            .to_lowercase();
        let vendor = if title.contains("autotask") {
            Vendor::Autotask
        } else if title.contains("bms") || title.contains("kaseya") {
            Vendor::Bms
        } else if title.contains("connectwise") || title.contains("manage") {
            Vendor::ConnectWise
        } else {
            return Err(format!("{file}: cannot tell the vendor from its title {title:?}").into());
        };
        let pinned = manifest
            .primary(vendor)
            .ok_or_else(|| format!("the manifest has no primary {vendor} document"))?;
        let entry = SpecEntry {
            file: path
                .file_name()
                .map(|f| f.to_string_lossy().into_owned())
                .unwrap_or_default(),
            vendor,
            format: if crate::swagger2::is_swagger2(&loaded.value) {
                SpecFormat::Swagger20
            } else {
                SpecFormat::OpenApi30
            },
            ..pinned.clone()
        };
        let corrections = self.corrections(vendor)?;
        Ok(crate::prepare_loaded(
            &entry,
            loaded,
            &corrections,
            Pinning::Accepted,
        )?)
    }

    /// Prepares and renders a document with every module.
    pub fn render_file(&self, file: &str) -> Result<(Prepared, Rendered), BoxError> {
        let prepared = self.prepare_file(file)?;
        let corrections = self.corrections(prepared.entry.vendor)?;
        let rendered = render::render(&prepared, &corrections, &|_| true)?;
        Ok((prepared, rendered))
    }
}
