//! What a user's build meets: `psa_codegen::buildscript::build_vendor` as a generated crate's build script calls
//! it, on our own small BMS-like document. The pinned document builds and is reviewed; a document found nowhere
//! fails with every place looked and the fetch command; a changed document fails with both ways to accept it;
//! an accepted one builds with a warning naming it and its version, `SPEC.reviewed: false`, and correction data
//! that no longer applies reported instead of failing.

use std::path::{Path, PathBuf};

use psa_codegen::buildscript::{build_vendor, BuildInputs};
use psa_codegen::load::sha256_hex;
use psa_codegen::locate::{AcceptFile, BuildContext, SearchPath, ACCEPT_FILE};
use psa_codegen::vendor::Vendor;

const DOC: &str = "bms-like.json";

fn test_doc() -> Vec<u8> {
    std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../specs/test-specs")
            .join(DOC),
    )
    .expect("specs/test-specs/bms-like.json")
}

/// A crate's `specs/` (manifest pinning the test document, the real BMS corrections plus `extra`), and a
/// user's specs directory holding `doc`.
struct Setup {
    _dir: tempfile::TempDir,
    data: PathBuf,
    specs: PathBuf,
    out: PathBuf,
}

fn setup(doc: Option<&[u8]>, extra_corrections: &str) -> Setup {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("crate/specs");
    let specs = dir.path().join("user/specs");
    let out = dir.path().join("out");
    std::fs::create_dir_all(data.join("corrections")).expect("mkdir");
    std::fs::create_dir_all(&specs).expect("mkdir");
    let pin = sha256_hex(&test_doc());
    let mut manifest = format!(
        "[[spec]]\nfile = \"{DOC}\"\nvendor = \"bms\"\nformat = \"openapi-3.0\"\ntitle = \"BMS-like\"\n\
         version = \"1.0-reviewed\"\nsha256 = \"{pin}\"\nupstream = \"https://vendor.invalid/{DOC}\"\nprimary = true\n"
    );
    for (vendor, format) in [("connectwise", "openapi-3.0"), ("autotask", "swagger-2.0")] {
        manifest.push_str(&format!(
            "[[spec]]\nfile = \"{vendor}.json\"\nvendor = \"{vendor}\"\nformat = \"{format}\"\ntitle = \"x\"\n\
             version = \"1\"\nsha256 = \"{}\"\nupstream = \"x\"\nprimary = true\n",
            "0".repeat(64)
        ));
    }
    std::fs::write(data.join("manifest.toml"), manifest).expect("manifest");
    let corrections = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs/corrections/bms.toml"),
    )
    .expect("bms corrections");
    std::fs::write(
        data.join("corrections/bms.toml"),
        format!("{corrections}\n{extra_corrections}"),
    )
    .expect("corrections");
    if let Some(doc) = doc {
        std::fs::write(specs.join(DOC), doc).expect("document");
    }
    Setup {
        _dir: dir,
        data,
        specs,
        out,
    }
}

fn inputs(setup: &Setup, accept_env: Option<&str>) -> BuildInputs {
    // Built as a dependency: only $PSA_SPECS_DIR applies.
    let context = BuildContext::Dependency {
        crate_dir: setup.data.parent().expect("crate dir").to_owned(),
        reason: "built from a package".into(),
    };
    BuildInputs {
        data_dir: setup.data.clone(),
        search: SearchPath::new(&context, setup.specs.to_str()),
        accept_env: accept_env.map(str::to_owned),
        out_dir: setup.out.clone(),
    }
}

fn spec_rs(setup: &Setup) -> String {
    std::fs::read_to_string(setup.out.join("bms_spec.rs")).expect("bms_spec.rs")
}

/// The test document with another version: different bytes, same API.
fn other_version() -> Vec<u8> {
    let mut value: serde_json::Value = serde_json::from_slice(&test_doc()).expect("json");
    value["info"]["version"] = "9.9-user".into();
    serde_json::to_vec_pretty(&value).expect("json")
}

#[test]
fn the_pinned_document_builds_and_is_reviewed() {
    let setup = setup(Some(&test_doc()), "");
    let output = build_vendor(&inputs(&setup, None), Vendor::Bms, &|_| true).expect("builds");
    assert!(output.reviewed);
    assert!(output.warnings.is_empty(), "{:?}", output.warnings);
    assert!(setup.out.join("bms.rs").is_file());
    let spec = spec_rs(&setup);
    assert!(spec.contains("reviewed: true"), "{spec}");
    assert!(spec.contains("version: \"1.0-reviewed\""), "{spec}");
    assert!(
        output.inputs.contains(&setup.specs.join(DOC)),
        "{:?}",
        output.inputs
    );
}

#[test]
fn a_document_found_nowhere_names_the_file_the_places_and_the_command() {
    let setup = setup(None, "");
    let err = build_vendor(&inputs(&setup, None), Vendor::Bms, &|_| true).expect_err("missing");
    let message = err.to_string();
    for expected in [
        format!("`{DOC}`"),
        format!("{} does not exist", setup.specs.join(DOC).display()),
        "the psa-clients workspace default: not applicable".to_owned(),
        format!("https://vendor.invalid/{DOC}"),
        format!("psa-codegen fetch bms --into {}", setup.specs.display()),
        "relative = true".to_owned(),
    ] {
        assert!(
            message.contains(&expected),
            "`{expected}` missing from:\n{message}"
        );
    }
}

#[test]
fn a_changed_document_fails_until_accepted() {
    let other = other_version();
    let sha = sha256_hex(&other);
    let setup = setup(Some(&other), "");
    let err =
        build_vendor(&inputs(&setup, None), Vendor::Bms, &|_| true).expect_err("not accepted");
    let message = err.to_string();
    assert!(message.contains(&sha), "{message}");
    assert!(message.contains("version 9.9-user"), "{message}");
    assert!(message.contains(ACCEPT_FILE), "{message}");
    assert!(
        message.contains(&format!("PSA_SPECS_ACCEPT={sha}")),
        "{message}"
    );
    assert!(!setup.out.join("bms.rs").exists());

    // Accepted by the environment variable.
    let output =
        build_vendor(&inputs(&setup, Some(&sha)), Vendor::Bms, &|_| true).expect("accepted");
    assert!(!output.reviewed);
    let warnings = output.warnings.join("\n");
    assert!(
        warnings.contains(&setup.specs.join(DOC).display().to_string()),
        "{warnings}"
    );
    assert!(warnings.contains("version 9.9-user"), "{warnings}");
    assert!(warnings.contains("$PSA_SPECS_ACCEPT"), "{warnings}");
    let spec = spec_rs(&setup);
    assert!(spec.contains("reviewed: false"), "{spec}");
    assert!(spec.contains("version: \"9.9-user\""), "{spec}");
    assert!(spec.contains(&sha), "{spec}");

    // Or by psa-specs.toml beside the document, which the build then watches.
    std::fs::write(
        setup.specs.join(ACCEPT_FILE),
        AcceptFile::entry_text(DOC, &sha, Some("test")),
    )
    .expect("accept file");
    let output = build_vendor(&inputs(&setup, None), Vendor::Bms, &|_| true).expect("accepted");
    assert!(!output.reviewed);
    assert!(output.inputs.contains(&setup.specs.join(ACCEPT_FILE)));
    assert!(
        output.warnings.join("\n").contains(ACCEPT_FILE),
        "{:?}",
        output.warnings
    );
}

#[test]
fn corrections_that_no_longer_apply_are_reported_not_fatal() {
    let other = other_version();
    let sha = sha256_hex(&other);
    // A rename for a schema this version no longer has: on the reviewed document it is an error (stale data),
    // on a user's version it is skipped and named.
    let stale = "[schema_renames]\n\"Gone.Schema\" = \"GoneSchema\"\n";
    let setup = setup(Some(&other), stale);
    let output = build_vendor(&inputs(&setup, Some(&sha)), Vendor::Bms, &|_| true).expect("builds");
    let warnings = output.warnings.join("\n");
    assert!(
        warnings.contains("do not apply to this version"),
        "{warnings}"
    );
    assert!(warnings.contains("no schema `Gone.Schema`"), "{warnings}");

    let reviewed = setup_reviewed_with(stale);
    let err =
        build_vendor(&inputs(&reviewed, None), Vendor::Bms, &|_| true).expect_err("stale data");
    assert!(err.to_string().contains("Gone.Schema"), "{err}");
}

fn setup_reviewed_with(extra: &str) -> Setup {
    setup(Some(&test_doc()), extra)
}

#[test]
fn a_user_version_the_corrections_cannot_handle_says_it_is_unreviewed() {
    // Not OpenAPI 3.0 at all any more: the first step fails, and the message says this is the user's version.
    let broken = br#"{"openapi":"3.1.0","info":{"title":"BMS","version":"10"},"paths":{}}"#;
    let sha = sha256_hex(broken);
    let setup = setup(Some(broken), "");
    let err = build_vendor(&inputs(&setup, Some(&sha)), Vendor::Bms, &|_| true).expect_err("fails");
    let message = err.to_string();
    assert!(
        message.contains("is not the document psa-clients reviewed (version 1.0-reviewed)"),
        "{message}"
    );
    assert!(message.contains("version 10"), "{message}");
    assert!(message.contains("openapi: 3.0.x"), "{message}");
}
