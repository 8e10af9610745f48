//! `psa-codegen fetch`: download the vendor documents that are publicly downloadable, check them against the
//! pins in `specs/manifest.toml`, and write them atomically (a temporary file in the target directory, renamed
//! over the target only once complete and verified).
//!
//! Kaseya BMS and Autotask serve their documents without logging in; ConnectWise's `All.json` needs a
//! developer-network login, so for it [`fetch`] returns the steps instead. `mirror` downloads
//! `<mirror>/<file>` instead of the vendor's URL (an internal mirror, or a local server in tests).

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::load::sha256_hex;
use crate::locate::{self, AcceptFile};
use crate::manifest::SpecEntry;

/// Environment variable with a base URL to download `<URL>/<file>` from instead of the vendor's URL.
pub const MIRROR_ENV: &str = "PSA_SPECS_MIRROR";

/// How to fetch.
#[derive(Debug, Clone)]
pub struct FetchOptions {
    /// The directory to write the documents to (created if missing).
    pub into: PathBuf,
    /// Download `<mirror>/<file>` instead of the vendor's URL.
    pub mirror: Option<String>,
    /// Keep a document whose checksum differs from the pin, and accept it in `<into>/psa-specs.toml`.
    pub accept_changed: bool,
    /// Bound on one whole download.
    pub timeout: Duration,
}

impl FetchOptions {
    /// Options writing into `into`, from the vendors' URLs, refusing changed documents, 5 minutes per download.
    pub fn new(into: impl Into<PathBuf>) -> FetchOptions {
        FetchOptions {
            into: into.into(),
            mirror: None,
            accept_changed: false,
            timeout: Duration::from_secs(300),
        }
    }
}

/// What fetching one document did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Downloaded, checked against the pin and written.
    Fetched {
        /// Where it was written.
        path: PathBuf,
        /// Where it came from.
        url: String,
    },
    /// Downloaded, different from the pin, written and accepted in `psa-specs.toml` (`accept_changed`).
    AcceptedChanged {
        /// Where it was written.
        path: PathBuf,
        /// Its checksum.
        sha256: String,
    },
    /// Already there with the pinned checksum (or one the directory's `psa-specs.toml` accepts); nothing done.
    Present {
        /// The file.
        path: PathBuf,
        /// False when it is an accepted, unreviewed version.
        reviewed: bool,
    },
    /// Cannot be downloaded without logging in; the steps to get it by hand.
    Manual {
        /// Where it must be saved.
        path: PathBuf,
        /// The steps.
        steps: String,
    },
}

/// Why a document could not be fetched. Nothing is written at the target path in any of these cases.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FetchError {
    /// The request failed before a complete answer (connection, TLS, timeout).
    #[error("downloading {url} failed: {source}")]
    Transport {
        /// The URL.
        url: String,
        /// The error, with its causes.
        #[source]
        source: reqwest::Error,
    },
    /// The server answered with an error status.
    #[error("downloading {url} failed: HTTP {status}")]
    Status {
        /// The URL.
        url: String,
        /// The status.
        status: u16,
    },
    /// The body ended before the length the server announced.
    #[error(
        "downloading {url} failed: the connection closed after {received} of {expected} bytes"
    )]
    Incomplete {
        /// The URL.
        url: String,
        /// Bytes received.
        received: u64,
        /// Bytes announced (`Content-Length`).
        expected: u64,
    },
    /// The document is not the reviewed one.
    #[error(
        "{url} is not the document psa-clients reviewed: sha256 {actual}, pinned {pinned} (version {version}). \
         The vendor has probably published a new version. Nothing was written. To use it anyway, run again with \
         `--accept-changed`: it is saved as {path} and accepted in psa-specs.toml beside it (builds then warn, and \
         SPEC.reviewed is false); compare it first with `psa-codegen diff`."
    )]
    ChecksumMismatch {
        /// The URL.
        url: String,
        /// Where it would have gone.
        path: PathBuf,
        /// Its checksum.
        actual: String,
        /// The pin.
        pinned: String,
        /// The pinned version.
        version: String,
    },
    /// Writing failed.
    #[error("cannot write {path}: {source}")]
    Write {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The async runtime the download runs on could not start.
    #[error("cannot start the download's runtime: {0}")]
    Runtime(#[source] std::io::Error),
    /// The directory's `psa-specs.toml` is unusable.
    #[error(transparent)]
    Accept(#[from] locate::AcceptError),
}

/// Fetches the document of `entry` into `options.into` (see the module docs).
pub fn fetch(entry: &SpecEntry, options: &FetchOptions) -> Result<Outcome, FetchError> {
    let path = options.into.join(&entry.file);
    if let Some(outcome) = present(entry, &path)? {
        return Ok(outcome);
    }
    if !locate::fetchable(entry.vendor) {
        return Ok(Outcome::Manual {
            steps: manual_steps(entry, &path),
            path,
        });
    }
    let url = match &options.mirror {
        Some(base) => format!("{}/{}", base.trim_end_matches('/'), entry.file),
        None => entry.upstream.clone(),
    };
    let bytes = download(&url, options.timeout)?;
    let actual = sha256_hex(&bytes);
    std::fs::create_dir_all(&options.into).map_err(|source| FetchError::Write {
        path: options.into.clone(),
        source,
    })?;
    if actual == entry.sha256 {
        write_atomically(&path, &bytes)?;
        return Ok(Outcome::Fetched { path, url });
    }
    if !options.accept_changed {
        return Err(FetchError::ChecksumMismatch {
            url,
            path,
            actual,
            pinned: entry.sha256.clone(),
            version: entry.version.clone(),
        });
    }
    write_atomically(&path, &bytes)?;
    let accept_path = options.into.join(locate::ACCEPT_FILE);
    let mut text = match std::fs::read_to_string(&accept_path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::from(
            "# Vendor documents this project builds psa-clients from although psa-clients has not reviewed them.\n",
        ),
        Err(source) => {
            return Err(FetchError::Write {
                path: accept_path,
                source,
            })
        }
    };
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    text.push('\n');
    text.push_str(&AcceptFile::entry_text(
        &entry.file,
        &actual,
        Some(&format!(
            "fetched from {url} by psa-codegen fetch --accept-changed"
        )),
    ));
    write_atomically(&accept_path, text.as_bytes())?;
    Ok(Outcome::AcceptedChanged {
        path,
        sha256: actual,
    })
}

/// The document if it is already there and usable: the pinned bytes, or a version `psa-specs.toml` accepts.
fn present(entry: &SpecEntry, path: &Path) -> Result<Option<Outcome>, FetchError> {
    let Ok(bytes) = std::fs::read(path) else {
        return Ok(None);
    };
    let sha = sha256_hex(&bytes);
    if sha == entry.sha256 {
        return Ok(Some(Outcome::Present {
            path: path.to_owned(),
            reviewed: true,
        }));
    }
    if locate::accepted_by(path, &entry.file, &sha, None)?.is_some() {
        return Ok(Some(Outcome::Present {
            path: path.to_owned(),
            reviewed: false,
        }));
    }
    Ok(None)
}

/// How to get a document that needs a login.
pub fn manual_steps(entry: &SpecEntry, path: &Path) -> String {
    format!(
        "{title} cannot be downloaded without logging in.\n  1. Log in at {upstream}.\n  2. Download the \
         API document (All.json) of version {version} — the one psa-clients reviewed, sha256 {sha} — or of the \
         version your site runs.\n  3. Save it as {path}.\n  4. A version other than {version}: add its sha256 to \
         {accept} (`[[accept]]`, file = \"{file}\", sha256 = \"…\") or to ${env}; the build then warns and \
         SPEC.reviewed is false.",
        title = entry.title,
        upstream = entry.upstream,
        version = entry.version,
        sha = entry.sha256,
        path = path.display(),
        accept = path
            .parent()
            .unwrap_or(Path::new("."))
            .join(locate::ACCEPT_FILE)
            .display(),
        file = entry.file,
        env = locate::ACCEPT_ENV,
    )
}

fn download(url: &str, timeout: Duration) -> Result<Vec<u8>, FetchError> {
    let transport = |source| FetchError::Transport {
        url: url.to_owned(),
        source,
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(FetchError::Runtime)?;
    runtime.block_on(async {
        let client = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(30))
            .timeout(timeout)
            .user_agent(concat!("psa-codegen/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(transport)?;
        let mut response = client.get(url).send().await.map_err(transport)?;
        let status = response.status();
        if !status.is_success() {
            return Err(FetchError::Status {
                url: url.to_owned(),
                status: status.as_u16(),
            });
        }
        let expected = response.content_length();
        let mut body = Vec::new();
        loop {
            match response.chunk().await {
                Ok(Some(chunk)) => body.extend_from_slice(&chunk),
                Ok(None) => break,
                // A body cut short surfaces as a decode/body error; say how much arrived when the length is known.
                Err(e) => {
                    return Err(match expected {
                        Some(expected) if (body.len() as u64) < expected => {
                            FetchError::Incomplete {
                                url: url.to_owned(),
                                received: body.len() as u64,
                                expected,
                            }
                        }
                        _ => transport(e),
                    })
                }
            }
        }
        match expected {
            Some(expected) if body.len() as u64 != expected => Err(FetchError::Incomplete {
                url: url.to_owned(),
                received: body.len() as u64,
                expected,
            }),
            _ => Ok(body),
        }
    })
}

/// Writes `bytes` to a temporary file beside `path`, flushes it to disk, and renames it over `path`: readers see
/// the old file or the complete new one, never a part.
fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), FetchError> {
    let err = |source| FetchError::Write {
        path: path.to_owned(),
        source,
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temp = path.with_file_name(format!(".{name}.{}.partial", std::process::id()));
    let result = (|| {
        let mut file = std::fs::File::create(&temp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&temp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    result.map_err(err)
}
