//! `psa-codegen fetch` against a local HTTP server on 127.0.0.1: a document matching its pin is written, a
//! changed one is refused (or accepted on request), a 404 and a body cut short write nothing; the CLI fetches
//! the real pinned BMS document from a mirror and prints ConnectWise's steps.
#![cfg(feature = "fetch")]

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use psa_codegen::fetch::{fetch, FetchError, FetchOptions, Outcome, MIRROR_ENV};
use psa_codegen::load::sha256_hex;
use psa_codegen::locate::{accepted_by, AcceptedBy, ACCEPT_FILE};
use psa_codegen::manifest::{SpecEntry, SpecFormat};
use psa_codegen::vendor::Vendor;

/// What the server answers on a path.
#[derive(Clone)]
enum Answer {
    /// 200 with the body.
    Body(Vec<u8>),
    /// The status, empty body.
    Status(u16),
    /// 200 announcing `declared` bytes, sending the first `sent` bytes of `body`, then closing.
    CutShort { body: Vec<u8>, sent: usize },
}

/// A minimal HTTP/1.1 server: one request per connection, at most 64 connections, then it stops.
struct Server {
    base: String,
    requests: Arc<AtomicUsize>,
}

fn serve(routes: HashMap<String, Answer>) -> Server {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
    let base = format!("http://{}", listener.local_addr().expect("address"));
    let requests = Arc::new(AtomicUsize::new(0));
    let counter = requests.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().take(64) {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().expect("clone stream"));
            let mut request_line = String::new();
            if reader.read_line(&mut request_line).is_err() {
                continue;
            }
            // Skip the headers.
            loop {
                let mut line = String::new();
                match reader.read_line(&mut line) {
                    Ok(0) | Err(_) => break,
                    Ok(_) if line == "\r\n" => break,
                    Ok(_) => {}
                }
            }
            counter.fetch_add(1, Ordering::SeqCst);
            let path = request_line.split(' ').nth(1).unwrap_or("/").to_owned();
            let answer = routes.get(&path).cloned().unwrap_or(Answer::Status(404));
            let _ = match answer {
                Answer::Body(body) => stream
                    .write_all(
                        format!(
                            "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                            body.len()
                        )
                        .as_bytes(),
                    )
                    .and_then(|()| stream.write_all(&body)),
                Answer::Status(code) => stream.write_all(
                    format!(
                        "HTTP/1.1 {code} Nope\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                    )
                    .as_bytes(),
                ),
                Answer::CutShort { body, sent } => stream
                    .write_all(
                        format!(
                            "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                            body.len()
                        )
                        .as_bytes(),
                    )
                    .and_then(|()| stream.write_all(&body[..sent])),
            };
            let _ = stream.flush();
            // Dropping the stream closes the connection (early, for CutShort).
        }
    });
    Server { base, requests }
}

fn entry(file: &str, body: &[u8], vendor: Vendor) -> SpecEntry {
    SpecEntry {
        file: file.to_owned(),
        vendor,
        format: SpecFormat::OpenApi30,
        title: "Test document".into(),
        version: "1.0".into(),
        sha256: sha256_hex(body),
        upstream: "https://vendor.invalid/doc.json".into(),
        primary: true,
    }
}

fn options(dir: &Path, server: &Server) -> FetchOptions {
    let mut options = FetchOptions::new(dir);
    options.mirror = Some(server.base.clone());
    options
}

/// Files in `dir`, sorted (no temporary file may be left behind).
fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

const BODY: &[u8] = br#"{"openapi":"3.0.1","info":{"title":"t","version":"1.0"},"paths":{}}"#;

#[test]
fn a_document_matching_its_pin_is_written_and_not_fetched_again() {
    let server = serve(HashMap::from([(
        "/doc.json".to_owned(),
        Answer::Body(BODY.to_vec()),
    )]));
    let dir = tempfile::tempdir().expect("temp dir");
    let into = dir.path().join("specs");
    let entry = entry("doc.json", BODY, Vendor::Bms);
    let outcome = fetch(&entry, &options(&into, &server)).expect("fetched");
    assert_eq!(
        outcome,
        Outcome::Fetched {
            path: into.join("doc.json"),
            url: format!("{}/doc.json", server.base),
        }
    );
    assert_eq!(std::fs::read(into.join("doc.json")).expect("written"), BODY);
    assert_eq!(listing(&into), ["doc.json"]);
    // Already there with the pinned bytes: nothing is downloaded.
    let again = fetch(&entry, &options(&into, &server)).expect("present");
    assert_eq!(
        again,
        Outcome::Present {
            path: into.join("doc.json"),
            reviewed: true
        }
    );
    assert_eq!(server.requests.load(Ordering::SeqCst), 1);
}

#[test]
fn a_changed_document_is_refused_and_nothing_is_written() {
    let changed = br#"{"openapi":"3.0.1","info":{"title":"t","version":"2.0"},"paths":{}}"#;
    let server = serve(HashMap::from([(
        "/doc.json".to_owned(),
        Answer::Body(changed.to_vec()),
    )]));
    let dir = tempfile::tempdir().expect("temp dir");
    // An older file in place stays untouched.
    std::fs::write(dir.path().join("doc.json"), b"old").expect("seed");
    let entry = entry("doc.json", BODY, Vendor::Bms);
    let err = fetch(&entry, &options(dir.path(), &server)).expect_err("mismatch");
    match &err {
        FetchError::ChecksumMismatch { actual, pinned, .. } => {
            assert_eq!(actual, &sha256_hex(changed));
            assert_eq!(pinned, &entry.sha256);
        }
        other => panic!("expected a checksum mismatch, got {other:?}"),
    }
    let message = err.to_string();
    assert!(message.contains("--accept-changed"), "{message}");
    assert_eq!(
        std::fs::read(dir.path().join("doc.json")).expect("kept"),
        b"old"
    );
    assert_eq!(listing(dir.path()), ["doc.json"]);
}

#[test]
fn accept_changed_writes_the_document_and_accepts_it_beside_it() {
    let changed = br#"{"openapi":"3.0.1","info":{"title":"t","version":"2.0"},"paths":{}}"#;
    let server = serve(HashMap::from([(
        "/doc.json".to_owned(),
        Answer::Body(changed.to_vec()),
    )]));
    let dir = tempfile::tempdir().expect("temp dir");
    let entry = entry("doc.json", BODY, Vendor::Autotask);
    let mut options = options(dir.path(), &server);
    options.accept_changed = true;
    let outcome = fetch(&entry, &options).expect("accepted");
    let sha = sha256_hex(changed);
    assert_eq!(
        outcome,
        Outcome::AcceptedChanged {
            path: dir.path().join("doc.json"),
            sha256: sha.clone()
        }
    );
    assert_eq!(listing(dir.path()), ["doc.json", ACCEPT_FILE]);
    // The build's own check now accepts it.
    assert_eq!(
        accepted_by(&dir.path().join("doc.json"), "doc.json", &sha, None).expect("readable"),
        Some(AcceptedBy::File(dir.path().join(ACCEPT_FILE)))
    );
    // And a second fetch keeps the accepted version instead of downloading.
    let again = fetch(&entry, &options).expect("present");
    assert_eq!(
        again,
        Outcome::Present {
            path: dir.path().join("doc.json"),
            reviewed: false
        }
    );
    assert_eq!(server.requests.load(Ordering::SeqCst), 1);
}

#[test]
fn a_404_names_the_url_and_writes_nothing() {
    let server = serve(HashMap::new());
    let dir = tempfile::tempdir().expect("temp dir");
    let err = fetch(
        &entry("doc.json", BODY, Vendor::Bms),
        &options(dir.path(), &server),
    )
    .expect_err("404");
    match &err {
        FetchError::Status { url, status } => {
            assert_eq!(*status, 404);
            assert_eq!(url, &format!("{}/doc.json", server.base));
        }
        other => panic!("expected a status error, got {other:?}"),
    }
    assert!(listing(dir.path()).is_empty(), "{:?}", listing(dir.path()));
}

#[test]
fn a_body_cut_short_writes_nothing() {
    let server = serve(HashMap::from([(
        "/doc.json".to_owned(),
        Answer::CutShort {
            body: BODY.to_vec(),
            sent: 10,
        },
    )]));
    let dir = tempfile::tempdir().expect("temp dir");
    let err = fetch(
        &entry("doc.json", BODY, Vendor::Bms),
        &options(dir.path(), &server),
    )
    .expect_err("incomplete");
    match &err {
        FetchError::Incomplete {
            received, expected, ..
        } => {
            assert_eq!(*received, 10);
            assert_eq!(*expected, BODY.len() as u64);
        }
        other => panic!("expected an incomplete body, got {other:?}"),
    }
    assert!(listing(dir.path()).is_empty(), "{:?}", listing(dir.path()));
}

#[test]
fn connectwise_is_manual_and_names_the_file_and_the_pin() {
    let dir = tempfile::tempdir().expect("temp dir");
    let entry = entry("connectwise-psa.json", BODY, Vendor::ConnectWise);
    let server = serve(HashMap::new());
    match fetch(&entry, &options(dir.path(), &server)).expect("steps") {
        Outcome::Manual { path, steps } => {
            assert_eq!(path, dir.path().join("connectwise-psa.json"));
            assert!(steps.contains(&entry.sha256), "{steps}");
            assert!(steps.contains("connectwise-psa.json"), "{steps}");
            assert!(steps.contains(ACCEPT_FILE), "{steps}");
        }
        other => panic!("expected steps, got {other:?}"),
    }
    assert_eq!(server.requests.load(Ordering::SeqCst), 0);
}

fn specs_dir() -> PathBuf {
    match std::env::var_os("PSA_SPECS_DIR") {
        Some(dir) => PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("..")
            .join(dir),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/specs"),
    }
}

/// The command as a user runs it: the real manifest's pins, the real BMS document served by a mirror.
#[test]
fn the_cli_fetches_the_pinned_bms_document_and_explains_connectwise() {
    let bms = std::fs::read(specs_dir().join("kaseya-bms.json"))
        .expect("the BMS document in the specs dir");
    let server = serve(HashMap::from([(
        "/kaseya-bms.json".to_owned(),
        Answer::Body(bms.clone()),
    )]));
    let dir = tempfile::tempdir().expect("temp dir");
    let into = dir.path().join("specs");
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_psa-codegen"))
            .arg("fetch")
            .args(args)
            .arg("--into")
            .arg(&into)
            .env(MIRROR_ENV, &server.base)
            .env_remove("PSA_SPECS_DIR")
            .output()
            .expect("run psa-codegen")
    };
    let out = run(&["bms"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("sha256 matches the pin"), "{stdout}");
    assert_eq!(
        std::fs::read(into.join("kaseya-bms.json")).expect("written"),
        bms
    );

    let out = run(&["connectwise"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("cannot be downloaded without logging in"),
        "{stderr}"
    );
    assert!(stderr.contains("connectwise-psa.json"), "{stderr}");

    let out = run(&["nonsense"]);
    assert_eq!(out.status.code(), Some(2));
}
