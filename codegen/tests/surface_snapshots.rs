//! The API surface of every vendor document in specs/manifest.toml, compared with the committed listing under
//! `generated/`. A vendor document change shows up here as a readable diff: review it with `cargo insta review`.
//! In CI (`CI=true`) insta never writes snapshots, so a stale listing fails the build.

use std::path::PathBuf;

use psa_codegen::workspace::Workspace;

fn workspace() -> Workspace {
    Workspace::from_env(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(".."))
}

fn check(file: &str) {
    let (_, rendered) = workspace()
        .render_file(file)
        .unwrap_or_else(|e| panic!("{file}: {e}"));
    let surface = psa_codegen::surface::surface(&rendered);
    insta::with_settings!({
        snapshot_path => "../../generated",
        prepend_module_to_snapshot => false,
        omit_expression => true,
        description => format!("API surface of {file}: one line per operation and per type"),
    }, {
        insta::assert_snapshot!(file.trim_end_matches(".json"), surface);
    });
}

#[test]
fn kaseya_bms() {
    check("kaseya-bms.json");
}

#[test]
fn connectwise_2022_1() {
    check("connectwise-psa.json");
}

#[test]
fn connectwise_2026_4_get_subset() {
    check("connectwise-psa-2026.4-get-subset.json");
}

#[test]
fn autotask() {
    check("autotask.json");
}
