//! The coverage walk through the generated clients: every builder-style operation of the three corrected
//! documents is called once through psa-clients (auth, transport, typed errors — the path a user's call takes)
//! against the psa-emulator, with sample values for its required parameters and an example body built from the
//! request schema. Every answer must either decode into the operation's generated type or be a typed vendor
//! error (a 404 for an id the tenant does not hold, a validation error in the vendor's shape); never a body that
//! does not decode, an HTML page, a transport failure or a request the builder could not make.
#![cfg(all(
    feature = "_emulator-walk",
    feature = "bms",
    feature = "autotask",
    feature = "connectwise"
))]

mod common;

use std::collections::{BTreeMap, HashMap};

use psa_clients::Error;
use psa_clients_runtime::walk::{Outcome, Step};
use psa_emulator::spec_routes::RouteTable;
use psa_emulator::Vendor;

use common::emulated;

/// An Autotask filter matching every record (a query needs at least one condition).
const EVERY_RECORD: &str = r#"{"filter":[{"op":"gte","field":"id","value":0}]}"#;

/// Every request body the walk sends: the emulator's example for the operation's request schema (an
/// Autotask query gets a filter matching every record).
fn bodies(vendor: Vendor) -> HashMap<String, Vec<u8>> {
    let table = RouteTable::get(vendor);
    table
        .routes()
        .iter()
        .filter_map(|route| {
            let id = route.operation_id.clone()?;
            let body = route.body.as_ref()?;
            let json = if vendor == Vendor::Autotask
                && (id.ends_with("_Query") || id.ends_with("_QueryCount"))
            {
                serde_json::from_str(EVERY_RECORD).expect("JSON")
            } else {
                table.example(body)
            };
            Some((id, serde_json::to_vec(&json).expect("JSON")))
        })
        .collect()
}

/// The walk's results, grouped: answered, typed vendor errors (by kind), and everything that must not happen.
#[derive(Default, Debug)]
struct Tally {
    answered: usize,
    vendor_errors: BTreeMap<String, usize>,
    skipped: Vec<String>,
    wrong: Vec<String>,
}

/// The walk's sampler: bodies from `bodies`; Autotask's `search` parameter (the query of `GET …/query`) is the
/// filter JSON as text, and its zone lookup's `user` the demo API user.
fn sampler(
    bodies: &HashMap<String, Vec<u8>>,
    autotask_user: &str,
    operation: &str,
    parameter: &str,
) -> Option<Vec<u8>> {
    match parameter {
        "body" => bodies.get(operation).cloned(),
        "search" => serde_json::to_vec(EVERY_RECORD).ok(),
        "user" if operation.starts_with("ZoneInformation") => {
            serde_json::to_vec(autotask_user).ok()
        }
        _ => None,
    }
}

/// Whether `status` is how `vendor` answers a request it rejects in its own error shape.
fn rejection_status(vendor: Vendor, status: reqwest::StatusCode) -> bool {
    match vendor {
        Vendor::ConnectWise => status.is_client_error(),
        Vendor::Autotask => status.is_client_error() || status.is_server_error(),
        Vendor::Bms => status.is_client_error() || status == reqwest::StatusCode::OK,
    }
}

fn tally(vendor: Vendor, steps: Vec<Step>, tally: &mut Tally) {
    for Step { operation, outcome } in steps {
        match outcome {
            Outcome::Answered => tally.answered += 1,
            Outcome::Skipped(why) => tally.skipped.push(why),
            Outcome::Failed(err) => match &err {
                Error::NotFound { .. } => {
                    *tally.vendor_errors.entry("404".into()).or_default() += 1
                }
                // In the vendor's own shape: a ConnectWise 400, an Autotask 500 (its validation errors are
                // 500s), a BMS `Success: false` at HTTP 200.
                Error::Vendor { status, body, .. }
                    if rejection_status(vendor, *status) && body.vendor_error().is_some() =>
                {
                    *tally
                        .vendor_errors
                        .entry(status.as_str().to_owned())
                        .or_default() += 1
                }
                _ => tally.wrong.push(format!("{operation}: {err}")),
            },
        }
    }
}

fn check(vendor: &str, tally: &Tally, operations: usize, max_skipped: usize) {
    let errors: usize = tally.vendor_errors.values().sum();
    eprintln!(
        "{vendor}: {operations} operations, {} answered and decoded, {errors} typed vendor errors {:?}, {} skipped",
        tally.answered,
        tally.vendor_errors,
        tally.skipped.len()
    );
    assert!(
        tally.wrong.is_empty(),
        "{vendor}: {} operations failed in a way the walk must never see:\n{}",
        tally.wrong.len(),
        tally.wrong.join("\n")
    );
    assert_eq!(
        tally.answered + errors + tally.skipped.len(),
        operations,
        "{vendor}: every operation is walked"
    );
    assert!(
        tally.skipped.len() <= max_skipped,
        "{vendor}: skipped {}:\n{}",
        tally.skipped.len(),
        tally.skipped.join("\n")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_bms_operation_answers_through_the_generated_client() {
    let emulator = emulated::emulator().await;
    let client = emulated::bms(&emulator);
    let bodies = bodies(Vendor::Bms);
    let user = emulator.credentials().autotask.username;
    let sampler = |op: &'static str, param: &str| sampler(&bodies, &user, op, param);
    let mut result = Tally::default();
    tally(
        Vendor::Bms,
        psa_clients::bms::walk::walk(client.api(), &sampler).await,
        &mut result,
    );
    // The two multipart uploads are methods of their own, not builders (433 operations).
    assert_eq!(psa_clients::bms::walk::STEPS.len(), 431);
    check("BMS", &result, psa_clients::bms::walk::STEPS.len(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_autotask_operation_answers_through_the_generated_client() {
    let emulator = emulated::emulator().await;
    let client = emulated::autotask(&emulator);
    let bodies = bodies(Vendor::Autotask);
    let user = emulator.credentials().autotask.username;
    let sampler = |op: &'static str, param: &str| sampler(&bodies, &user, op, param);
    let mut result = Tally::default();
    tally(
        Vendor::Autotask,
        psa_clients::autotask::walk::walk(client.api(), &sampler).await,
        &mut result,
    );
    assert_eq!(psa_clients::autotask::walk::STEPS.len(), 2276);
    check(
        "Autotask",
        &result,
        psa_clients::autotask::walk::STEPS.len(),
        0,
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_connectwise_operation_answers_through_the_generated_client() {
    use psa_clients::connectwise as cw;
    let emulator = emulated::emulator().await;
    let client = emulated::connectwise(&emulator);
    let bodies = bodies(Vendor::ConnectWise);
    let user = emulator.credentials().autotask.username;
    let sampler = |op: &'static str, param: &str| sampler(&bodies, &user, op, param);
    let mut result = Tally::default();
    let mut operations = 0;
    macro_rules! area {
        ($($area:ident),*) => {$(
            operations += cw::$area::walk::STEPS.len();
            tally(Vendor::ConnectWise, cw::$area::walk::walk(client.$area(), &sampler).await, &mut result);
        )*};
    }
    area!(
        company,
        configurations,
        expense,
        finance,
        marketing,
        procurement,
        project,
        sales,
        schedule,
        service,
        system,
        time
    );
    check("ConnectWise", &result, operations, 0);
    // The document upload (`POST /system/documents`, multipart) is a method of its own, not a builder (2814
    // operations); tests/files_emulated.rs sends it.
    assert_eq!(
        operations, 2813,
        "every ConnectWise operation but the upload has a walk step"
    );
}
