//! The ConnectWise areas are one list, `areas` in `specs/corrections/connectwise.toml`: the build generates the
//! area modules and psa-clients' accessors from it and fails on a document area it lacks. Cargo cannot generate
//! features, so these tests fail when a `Cargo.toml` disagrees with the list.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use psa_codegen::split;
use psa_codegen::vendor::Vendor;
use psa_codegen::workspace::Workspace;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn area_list() -> Vec<String> {
    let corrections = Workspace::from_env(root())
        .corrections(Vendor::ConnectWise)
        .unwrap_or_else(|e| panic!("{e}"));
    corrections.areas
}

fn cargo_toml(relative: &str) -> toml::Table {
    let path: &Path = &root().join(relative);
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{relative}: {e}"));
    text.parse()
        .unwrap_or_else(|e| panic!("{relative} is not TOML: {e}"))
}

fn strings(value: &toml::Value, what: &str) -> Vec<String> {
    value
        .as_array()
        .unwrap_or_else(|| panic!("{what} is not a list"))
        .iter()
        .map(|v| {
            v.as_str()
                .unwrap_or_else(|| panic!("{what} holds a non-string"))
                .to_owned()
        })
        .collect()
}

/// Names in `actual` and not in `expected`, and the reverse, for a message that says what to fix.
fn difference(expected: &BTreeSet<String>, actual: &BTreeSet<String>) -> String {
    format!(
        "missing: {:?}, not in the area list: {:?}",
        expected.difference(actual).collect::<Vec<_>>(),
        actual.difference(expected).collect::<Vec<_>>()
    )
}

/// The real document's areas are exactly the list (12), so none is left out and none is stale.
#[test]
fn the_area_list_is_the_pinned_documents_first_path_segments() {
    let areas = area_list();
    assert_eq!(areas.len(), 12, "{areas:?}");
    let prepared = Workspace::from_env(root())
        .prepare_file("connectwise-psa.json")
        .unwrap_or_else(|e| panic!("{e}"));
    let in_document: Vec<String> = split::modules(&prepared.spec).into_keys().collect();
    assert_eq!(in_document, areas);
    assert!(split::unlisted_areas(&prepared.spec, &areas).is_empty());
}

#[test]
fn clients_connectwise_features_are_the_area_list() {
    let areas: BTreeSet<String> = area_list().into_iter().collect();
    let manifest = cargo_toml("clients/connectwise/Cargo.toml");
    let features: BTreeSet<String> = manifest["features"]
        .as_table()
        .expect("[features]")
        .keys()
        .filter(|name| !["default", "emulator-walk"].contains(&name.as_str()))
        .cloned()
        .collect();
    assert_eq!(
        features,
        areas,
        "clients/connectwise/Cargo.toml [features]: {}",
        difference(&areas, &features)
    );
    let docs_rs: BTreeSet<String> = strings(
        &manifest["package"]["metadata"]["docs"]["rs"]["features"],
        "docs.rs features",
    )
    .into_iter()
    .collect();
    assert_eq!(
        docs_rs,
        areas,
        "clients/connectwise/Cargo.toml [package.metadata.docs.rs] features: {}",
        difference(&areas, &docs_rs)
    );
}

#[test]
fn psa_clients_features_are_the_area_list() {
    let areas = area_list();
    let expected: BTreeSet<String> = areas.iter().map(|a| format!("connectwise-{a}")).collect();
    let manifest = cargo_toml("Cargo.toml");
    let features = manifest["features"].as_table().expect("[features]");
    let declared: BTreeSet<String> = features
        .keys()
        .filter(|name| name.starts_with("connectwise-"))
        .cloned()
        .collect();
    assert_eq!(
        declared,
        expected,
        "Cargo.toml [features] connectwise-<area>: {}",
        difference(&expected, &declared)
    );
    for area in &areas {
        let name = format!("connectwise-{area}");
        assert_eq!(
            strings(&features[&name], &name),
            [
                "_connectwise".to_owned(),
                format!("psa-clients-connectwise/{area}")
            ],
            "Cargo.toml feature {name}"
        );
    }
    let all: BTreeSet<String> = strings(&features["connectwise"], "connectwise")
        .into_iter()
        .collect();
    assert_eq!(
        all,
        expected,
        "Cargo.toml feature `connectwise` (every area): {}",
        difference(&expected, &all)
    );
}
