//! Where a build finds a vendor document, and which unreviewed documents the user's project accepts.
//!
//! A generated crate can be built three ways: as a member of the psa-clients workspace (developers, CI), from a
//! git checkout cargo made, or from a packaged `.crate` (a registry, `cargo package`). Only the first has a
//! "workspace": cargo gives a dependency's build script its own directory and nothing about the project that
//! depends on it. So the places looked are, in order:
//!
//! 1. `$PSA_SPECS_DIR` — what a user's project sets, best with cargo's
//!    `[env] PSA_SPECS_DIR = { value = "specs", relative = true }` in its `.cargo/config.toml` (cargo makes it
//!    absolute). A relative value is taken from the psa-clients workspace root inside the workspace, and refused
//!    anywhere else: there is nothing it could be relative to.
//! 2. The psa-clients workspace default, `<workspace>/../shared/specs`, only when the crate really is built inside
//!    a psa-clients checkout of its own (not one cargo made under its git cache, not an unpacked package).
//!
//! A document whose SHA-256 differs from the pin in `specs/manifest.toml` is built only if the user's project
//! accepts it: listed in `psa-specs.toml` beside the document, or named in `$PSA_SPECS_ACCEPT`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::manifest::{SpecEntry, DEFAULT_SPECS_DIR, SPECS_DIR_ENV};
use crate::vendor::Vendor;

/// Environment variable listing SHA-256 checksums of documents the user accepts although they are not the
/// reviewed ones (separated by commas or whitespace).
pub const ACCEPT_ENV: &str = "PSA_SPECS_ACCEPT";
/// File beside the documents that lists accepted documents (see [`AcceptFile`]).
pub const ACCEPT_FILE: &str = "psa-specs.toml";

/// One place the build looks for documents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    /// What the place is, for messages (`$PSA_SPECS_DIR`, `the psa-clients workspace default`).
    pub label: String,
    /// The directory, or `None` when the place does not apply.
    pub dir: Option<PathBuf>,
    /// Why it does not apply, when `dir` is `None`.
    pub note: Option<String>,
}

/// The places a build looks for documents, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchPath {
    /// The places, first match wins.
    pub places: Vec<Place>,
}

/// How the generated crate is being built, as far as the build script can tell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BuildContext {
    /// A member of a psa-clients workspace checkout rooted here.
    Workspace(PathBuf),
    /// Anything else: from a registry, an unpacked package, or a checkout cargo made for a git dependency.
    Dependency {
        /// The crate's directory (`CARGO_MANIFEST_DIR`).
        crate_dir: PathBuf,
        /// Why it is not taken for a workspace checkout.
        reason: String,
    },
}

impl BuildContext {
    /// Tells how the generated crate in `crate_dir` (`<root>/clients/<vendor>` in the workspace) is built.
    pub fn detect(crate_dir: &Path) -> BuildContext {
        let dependency = |reason: String| BuildContext::Dependency {
            crate_dir: crate_dir.to_owned(),
            reason,
        };
        let Some(root) = crate_dir.parent().and_then(Path::parent) else {
            return dependency("it has no parent workspace directory".into());
        };
        // cargo marks the directories it unpacks or checks out for dependencies with `.cargo-ok`.
        if root.join(".cargo-ok").exists() || crate_dir.join(".cargo-ok").exists() {
            return dependency(format!(
                "{} is a copy cargo made for a dependency",
                crate_dir.display()
            ));
        }
        if is_psa_workspace(root) {
            BuildContext::Workspace(root.to_owned())
        } else {
            dependency(format!(
                "{} is not inside a psa-clients workspace checkout",
                crate_dir.display()
            ))
        }
    }
}

/// True when `root` holds the psa-clients workspace: its `Cargo.toml` is the `psa-clients` package with a
/// `[workspace]`, and `specs/manifest.toml` is there.
fn is_psa_workspace(root: &Path) -> bool {
    #[derive(Deserialize)]
    struct RootManifest {
        package: Option<RootPackage>,
        workspace: Option<toml::Value>,
    }
    #[derive(Deserialize)]
    struct RootPackage {
        name: String,
    }
    let Ok(text) = std::fs::read_to_string(root.join("Cargo.toml")) else {
        return false;
    };
    let Ok(manifest) = toml::from_str::<RootManifest>(&text) else {
        return false;
    };
    manifest.workspace.is_some()
        && manifest.package.is_some_and(|p| p.name == "psa-clients")
        && root.join("specs/manifest.toml").is_file()
}

impl SearchPath {
    /// The places for a build in `context`, with `$PSA_SPECS_DIR` = `env_value`.
    pub fn new(context: &BuildContext, env_value: Option<&str>) -> SearchPath {
        let env_label = format!("${SPECS_DIR_ENV}");
        let env_place = match env_value.filter(|v| !v.is_empty()) {
            None => Place {
                label: env_label,
                dir: None,
                note: Some("not set".into()),
            },
            Some(value) if Path::new(value).is_absolute() => Place {
                label: format!("{env_label} = {value}"),
                dir: Some(PathBuf::from(value)),
                note: None,
            },
            Some(value) => match context {
                BuildContext::Workspace(root) => Place {
                    label: format!("{env_label} = {value} (relative to the psa-clients workspace)"),
                    dir: Some(root.join(value)),
                    note: None,
                },
                BuildContext::Dependency { crate_dir, .. } => Place {
                    label: format!("{env_label} = {value}"),
                    dir: None,
                    note: Some(format!(
                        "a relative path, and a dependency's build script runs in the dependency's own \
                         directory ({}), so there is nothing it could be relative to; give an absolute path, or \
                         use `{SPECS_DIR_ENV} = {{ value = \"{value}\", relative = true }}` under `[env]` in your \
                         project's .cargo/config.toml",
                        crate_dir.display()
                    )),
                },
            },
        };
        let default_label = "the psa-clients workspace default".to_owned();
        let default_place = match context {
            BuildContext::Workspace(root) => Place {
                label: format!("{default_label} ({DEFAULT_SPECS_DIR} from the workspace root)"),
                dir: Some(root.join(DEFAULT_SPECS_DIR)),
                note: None,
            },
            BuildContext::Dependency { reason, .. } => Place {
                label: default_label,
                dir: None,
                note: Some(format!("not applicable: {reason}")),
            },
        };
        SearchPath {
            places: vec![env_place, default_place],
        }
    }

    /// The first place that holds `file`, as a path.
    pub fn find(&self, file: &str) -> Option<PathBuf> {
        self.places
            .iter()
            .filter_map(|p| p.dir.as_ref())
            .map(|d| d.join(file))
            .find(|p| p.is_file())
    }

    /// The directory a fetched document should go to: the first place that applies.
    pub fn first_dir(&self) -> Option<&Path> {
        self.places.iter().find_map(|p| p.dir.as_deref())
    }

    /// The message for a document found nowhere: the file, every place looked, where the vendor publishes it, and
    /// the command that gets it. `codegen_dir` is where psa-codegen's sources are (for the install command).
    pub fn not_found_message(&self, entry: &SpecEntry, codegen_dir: &Path) -> String {
        let mut m = format!(
            "the vendor document `{}` ({}, version {}) was not found. Looked in:\n",
            entry.file, entry.title, entry.version
        );
        for place in &self.places {
            match (&place.dir, &place.note) {
                (Some(dir), _) => {
                    let _ = writeln!(
                        m,
                        "  - {}: {} does not exist",
                        place.label,
                        dir.join(&entry.file).display()
                    );
                }
                (None, Some(note)) => {
                    let _ = writeln!(m, "  - {}: {note}", place.label);
                }
                (None, None) => {
                    let _ = writeln!(m, "  - {}", place.label);
                }
            }
        }
        let into = self
            .first_dir()
            .map(|d| d.display().to_string())
            .unwrap_or_else(|| "specs".into());
        let install = format!("cargo install --path {}", codegen_dir.display());
        if fetchable(entry.vendor) {
            let _ = writeln!(
                m,
                "The vendor publishes it at {}. Fetch it (the pinned SHA-256 is checked) with:\n    {install} && \
                 psa-codegen fetch {} --into {into}",
                entry.upstream, entry.vendor
            );
        } else {
            let _ = writeln!(
                m,
                "It can only be downloaded after logging in: {}. Save it as {into}/{}; `psa-codegen fetch {}` (after \
                 `{install}`) prints the steps.",
                entry.upstream, entry.file, entry.vendor
            );
        }
        let _ = write!(
            m,
            "Then point the build at the directory, e.g. with `{into}` being `specs` in your project, in \
             .cargo/config.toml:\n    [env]\n    {SPECS_DIR_ENV} = {{ value = \"specs\", relative = true }}"
        );
        m
    }
}

/// Whether the vendor's document can be downloaded without logging in.
pub fn fetchable(vendor: Vendor) -> bool {
    !matches!(vendor, Vendor::ConnectWise)
}

/// `psa-specs.toml`: documents a project accepts although psa-clients has not reviewed them.
///
/// ```toml
/// [[accept]]
/// file = "connectwise-psa.json"
/// sha256 = "a63970bdfcc1a11f765225e52e6b768ac02ee89098afba88ac39cc82dc7dbe32"
/// note = "our site runs 2026.4"   # optional
/// ```
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct AcceptFile {
    /// The accepted documents.
    #[serde(default)]
    pub accept: Vec<Accepted>,
}

/// One accepted document.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Accepted {
    /// File name of the document.
    pub file: String,
    /// SHA-256 of the accepted bytes (hex).
    pub sha256: String,
    /// Why it is accepted, for the reader.
    #[serde(default)]
    pub note: Option<String>,
}

/// Why the accepted checksums could not be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AcceptError {
    /// `psa-specs.toml` is unreadable.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// `psa-specs.toml` is not valid.
    #[error("invalid {path}: {message}")]
    Invalid {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// A checksum is not 64 hex digits.
    #[error("{origin}: `{value}` is not a SHA-256 (64 hex digits)")]
    BadChecksum {
        /// `$PSA_SPECS_ACCEPT` or the file.
        origin: String,
        /// The value.
        value: String,
    },
}

/// Who accepted a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AcceptedBy {
    /// `$PSA_SPECS_ACCEPT`.
    Env,
    /// A `psa-specs.toml` file.
    File(PathBuf),
}

impl std::fmt::Display for AcceptedBy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AcceptedBy::Env => write!(f, "${ACCEPT_ENV}"),
            AcceptedBy::File(path) => write!(f, "{}", path.display()),
        }
    }
}

impl AcceptFile {
    /// Reads `dir/psa-specs.toml`; a missing file accepts nothing.
    pub fn load(dir: &Path) -> Result<AcceptFile, AcceptError> {
        let path = dir.join(ACCEPT_FILE);
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(AcceptFile::default()),
            Err(source) => return Err(AcceptError::Read { path, source }),
        };
        let file: AcceptFile = toml::from_str(&text).map_err(|e| AcceptError::Invalid {
            path: path.clone(),
            message: e.to_string(),
        })?;
        for a in &file.accept {
            normalize_sha(&a.sha256).ok_or_else(|| AcceptError::BadChecksum {
                origin: path.display().to_string(),
                value: a.sha256.clone(),
            })?;
        }
        Ok(file)
    }

    /// Whether `file` with checksum `sha256` is listed.
    pub fn accepts(&self, file: &str, sha256: &str) -> bool {
        self.accept
            .iter()
            .any(|a| a.file == file && normalize_sha(&a.sha256).as_deref() == Some(sha256))
    }

    /// The text of an entry accepting `file` at `sha256`, for messages and `fetch --accept-changed`.
    pub fn entry_text(file: &str, sha256: &str, note: Option<&str>) -> String {
        let mut text = format!("[[accept]]\nfile = {file:?}\nsha256 = \"{sha256}\"\n");
        if let Some(note) = note {
            let _ = writeln!(text, "note = {note:?}");
        }
        text
    }
}

/// Parses `$PSA_SPECS_ACCEPT`: checksums separated by commas or whitespace.
pub fn parse_accept_env(value: &str) -> Result<Vec<String>, AcceptError> {
    value
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|v| !v.is_empty())
        .map(|v| {
            normalize_sha(v).ok_or_else(|| AcceptError::BadChecksum {
                origin: format!("${ACCEPT_ENV}"),
                value: v.to_owned(),
            })
        })
        .collect()
}

/// Lower-case hex, if `value` is a SHA-256.
fn normalize_sha(value: &str) -> Option<String> {
    let value = value.trim();
    (value.len() == 64 && value.bytes().all(|b| b.is_ascii_hexdigit()))
        .then(|| value.to_ascii_lowercase())
}

/// Decides whether a document that differs from its pin is accepted: by `$PSA_SPECS_ACCEPT` (`env_value`) or by
/// `psa-specs.toml` in the directory it was found in.
pub fn accepted_by(
    document: &Path,
    file: &str,
    sha256: &str,
    env_value: Option<&str>,
) -> Result<Option<AcceptedBy>, AcceptError> {
    if let Some(value) = env_value {
        if parse_accept_env(value)?.iter().any(|s| s == sha256) {
            return Ok(Some(AcceptedBy::Env));
        }
    }
    let dir = document.parent().unwrap_or(Path::new("."));
    if AcceptFile::load(dir)?.accepts(file, sha256) {
        return Ok(Some(AcceptedBy::File(dir.join(ACCEPT_FILE))));
    }
    Ok(None)
}

/// The message for a document whose checksum is neither the pin nor accepted.
pub fn mismatch_message(entry: &SpecEntry, document: &Path, sha256: &str, version: &str) -> String {
    let dir = document.parent().unwrap_or(Path::new("."));
    format!(
        "{path} is not the document psa-clients reviewed:\n  found     sha256 {sha256} (version {version})\n  \
         reviewed  sha256 {pinned} (version {pinned_version})\n\
         To build from it anyway, accept it in your project, either in {accept_file}:\n{entry_text}\
         or with {ACCEPT_ENV}={sha256} (e.g. under [env] in .cargo/config.toml). The build then warns, and the \
         vendor module's SPEC says `reviewed: false`. Review what changed first: `psa-codegen diff <the reviewed \
         {file}> {path}`.\n\
         (Working on psa-clients itself? Review with `cargo run -p psa-codegen -- diff`, update the pin in \
         specs/manifest.toml and accept the snapshot changes with `cargo insta review`.)",
        path = document.display(),
        pinned = entry.sha256,
        pinned_version = entry.version,
        accept_file = dir.join(ACCEPT_FILE).display(),
        entry_text = indent(&AcceptFile::entry_text(&entry.file, sha256, None)),
        file = entry.file,
    )
}

fn indent(text: &str) -> String {
    text.lines().map(|l| format!("    {l}\n")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manifest::SpecFormat;

    fn entry(vendor: Vendor) -> SpecEntry {
        SpecEntry {
            file: "doc.json".into(),
            vendor,
            format: SpecFormat::OpenApi30,
            title: "Doc".into(),
            version: "1".into(),
            sha256: "0".repeat(64),
            upstream: "https://vendor.example/doc.json".into(),
            primary: true,
        }
    }

    fn temp_dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "psa-locate-{name}-{}-{:?}",
            std::process::id(),
            std::thread::current().id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn a_dependency_has_no_workspace_default_and_refuses_relative_dirs() {
        let dir = temp_dir("dep");
        let crate_dir = dir.join("vendor/psa-clients-bms-0.1.0");
        std::fs::create_dir_all(&crate_dir).unwrap();
        // The consumer's own Cargo.toml two levels up must not be taken for the psa-clients workspace.
        std::fs::write(
            dir.join("Cargo.toml"),
            "[package]\nname = \"app\"\n[workspace]\n",
        )
        .unwrap();
        let context = BuildContext::detect(&crate_dir);
        assert!(
            matches!(context, BuildContext::Dependency { .. }),
            "{context:?}"
        );
        let search = SearchPath::new(&context, Some("specs"));
        assert!(search.places.iter().all(|p| p.dir.is_none()), "{search:?}");
        let message = search.not_found_message(&entry(Vendor::Bms), Path::new("/src/psa-codegen"));
        assert!(message.contains("`doc.json`"), "{message}");
        assert!(message.contains("relative = true"), "{message}");
        assert!(message.contains("not applicable"), "{message}");
        assert!(
            message.contains("https://vendor.example/doc.json"),
            "{message}"
        );
        assert!(
            message.contains(
                "cargo install --path /src/psa-codegen && psa-codegen fetch bms --into specs"
            ),
            "{message}"
        );
    }

    #[test]
    fn the_workspace_default_applies_inside_a_checkout_only() {
        let dir = temp_dir("ws");
        std::fs::create_dir_all(dir.join("root/clients/bms")).unwrap();
        std::fs::create_dir_all(dir.join("root/specs")).unwrap();
        std::fs::create_dir_all(dir.join("shared/specs")).unwrap();
        std::fs::write(
            dir.join("root/Cargo.toml"),
            "[workspace]\nmembers = []\n[package]\nname = \"psa-clients\"\n",
        )
        .unwrap();
        std::fs::write(dir.join("root/specs/manifest.toml"), "").unwrap();
        std::fs::write(dir.join("shared/specs/doc.json"), "{}").unwrap();
        let crate_dir = dir.join("root/clients/bms");
        let context = BuildContext::detect(&crate_dir);
        assert_eq!(context, BuildContext::Workspace(dir.join("root")));
        let search = SearchPath::new(&context, None);
        assert_eq!(
            search.find("doc.json"),
            Some(dir.join("root/../shared/specs/doc.json"))
        );
        // $PSA_SPECS_DIR comes first; a document missing there is looked for in the default.
        std::fs::create_dir_all(dir.join("mine")).unwrap();
        std::fs::write(dir.join("mine/doc.json"), "{}").unwrap();
        let mine = dir.join("mine");
        let search = SearchPath::new(&context, mine.to_str());
        assert_eq!(search.find("doc.json"), Some(mine.join("doc.json")));
        assert_eq!(
            search.find("other.json"),
            None,
            "neither place has it: {search:?}"
        );
        // A copy cargo made (git checkout, unpacked package) is a dependency even though it is the workspace.
        std::fs::write(dir.join("root/.cargo-ok"), "ok").unwrap();
        assert!(matches!(
            BuildContext::detect(&crate_dir),
            BuildContext::Dependency { .. }
        ));
    }

    #[test]
    fn connectwise_is_not_fetchable_and_says_how_to_get_it() {
        let context = BuildContext::Dependency {
            crate_dir: "/x".into(),
            reason: "test".into(),
        };
        let search = SearchPath::new(&context, Some("/abs/specs"));
        let message =
            search.not_found_message(&entry(Vendor::ConnectWise), Path::new("/src/psa-codegen"));
        assert!(
            message.contains("/abs/specs/doc.json does not exist"),
            "{message}"
        );
        assert!(message.contains("after logging in"), "{message}");
        assert!(
            message.contains("Save it as /abs/specs/doc.json"),
            "{message}"
        );
    }

    #[test]
    fn accepted_by_env_or_file_beside_the_document() {
        let dir = temp_dir("accept");
        let doc = dir.join("doc.json");
        std::fs::write(&doc, "{}").unwrap();
        let sha = "ab".repeat(32);
        assert_eq!(accepted_by(&doc, "doc.json", &sha, None).unwrap(), None);
        assert_eq!(
            accepted_by(
                &doc,
                "doc.json",
                &sha,
                Some(&format!("{}, {}", "cd".repeat(32), sha.to_uppercase()))
            )
            .unwrap(),
            Some(AcceptedBy::Env)
        );
        assert!(matches!(
            accepted_by(&doc, "doc.json", &sha, Some("nope")),
            Err(AcceptError::BadChecksum { .. })
        ));
        std::fs::write(
            dir.join(ACCEPT_FILE),
            AcceptFile::entry_text("doc.json", &sha, Some("our site")),
        )
        .unwrap();
        assert_eq!(
            accepted_by(&doc, "doc.json", &sha, None).unwrap(),
            Some(AcceptedBy::File(dir.join(ACCEPT_FILE)))
        );
        // Listed for another file: not accepted.
        assert_eq!(accepted_by(&doc, "other.json", &sha, None).unwrap(), None);
        std::fs::write(dir.join(ACCEPT_FILE), "[[accept]]\nfile = 1\n").unwrap();
        let err = accepted_by(&doc, "doc.json", &sha, None).unwrap_err();
        assert!(err.to_string().contains(ACCEPT_FILE), "{err}");
    }

    #[test]
    fn mismatch_message_shows_both_ways_to_accept() {
        let sha = "ab".repeat(32);
        let message = mismatch_message(
            &entry(Vendor::Bms),
            Path::new("/p/specs/doc.json"),
            &sha,
            "2",
        );
        assert!(message.contains("/p/specs/psa-specs.toml"), "{message}");
        assert!(
            message.contains(&format!("sha256 = \"{sha}\"")),
            "{message}"
        );
        assert!(
            message.contains(&format!("{ACCEPT_ENV}={sha}")),
            "{message}"
        );
        assert!(message.contains("version 2"), "{message}");
    }
}
