//! The diff on the real ConnectWise documents: 2022.1 (full, 2814 operations) → 2026.4 (GET subset, 324
//! operations). The facts asserted here were checked against the documents themselves.
//!
//! The documents are read where they are (`PSA_SPECS_DIR`, default `<workspace>/../shared/specs`), never copied.

use std::path::PathBuf;

use openapiv3::OpenAPI;
use psa_codegen::diff::{diff, ChangeKind, Severity, SpecDiff};

fn specs_dir() -> PathBuf {
    match std::env::var_os("PSA_SPECS_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/specs"),
    }
}

fn load(name: &str) -> OpenAPI {
    let path = specs_dir().join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "cannot read the vendor spec {} ({e}); set PSA_SPECS_DIR to the directory that holds it",
            path.display()
        )
    });
    serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("{} is not an OpenAPI 3 document: {e}", path.display()))
}

fn subjects(result: &SpecDiff, kind: ChangeKind) -> Vec<String> {
    result.of_kind(kind).map(|c| c.subject.clone()).collect()
}

fn count(result: &SpecDiff, kind: ChangeKind) -> usize {
    result.of_kind(kind).count()
}

#[test]
fn connectwise_2022_1_to_2026_4() {
    let old = load("connectwise-psa.json");
    let new = load("connectwise-psa-2026.4-get-subset.json");
    let result = diff(&old, &new);
    let report = result.to_string();

    assert_eq!(
        (result.old_version.as_str(), result.new_version.as_str()),
        ("2022.1", "2026.4")
    );

    // Operations: 306 of the 2814 survive under the same METHOD /path; nothing moved or was renamed.
    assert_eq!(count(&result, ChangeKind::OperationRemoved), 2814 - 306);
    assert_eq!(count(&result, ChangeKind::OperationAdded), 324 - 306);
    assert_eq!(count(&result, ChangeKind::OperationMoved), 0);
    assert_eq!(count(&result, ChangeKind::OperationIdChanged), 0);
    let added = subjects(&result, ChangeKind::OperationAdded);
    assert!(
        added.contains(&"GET /service/tickets/changelogs (getServiceTicketsChangelogs)".to_owned())
    );
    assert!(subjects(&result, ChangeKind::OperationRemoved)
        .contains(&"POST /service/tickets (postServiceTickets)".to_owned()));

    // Types: 771 → 217 schemas, 194 kept.
    assert_eq!(count(&result, ChangeKind::SchemaRemoved), 771 - 194);
    assert_eq!(count(&result, ChangeKind::SchemaAdded), 217 - 194);
    assert!(subjects(&result, ChangeKind::SchemaAdded).contains(&"TicketChangeLog".to_owned()));

    // Ticket gained 18 properties, lost none, and `company` became required.
    let ticket_added: Vec<&str> = result
        .of_kind(ChangeKind::PropertyAdded)
        .filter_map(|c| c.subject.strip_prefix("Ticket."))
        .collect();
    assert_eq!(ticket_added.len(), 18, "{ticket_added:?}");
    for name in [
        "agreementType",
        "escalationLevel",
        "resolvedBy",
        "respondedHours",
        "requestForChangeFlag",
    ] {
        assert!(
            ticket_added.contains(&name),
            "Ticket.{name} not reported as added"
        );
    }
    assert!(report
        .contains("property-added                Ticket.resolutionGoalUTC: string(date-time)\n"));
    assert!(!result
        .changes
        .iter()
        .any(|c| c.kind == ChangeKind::PropertyRemoved && c.subject.starts_with("Ticket.")));
    assert!(result
        .changes
        .iter()
        .any(|c| c.kind == ChangeKind::PropertyRequired
            && c.subject == "Ticket.company"
            && c.severity == Severity::Breaking));

    // Across all kept types: 195 properties added, one removed.
    assert_eq!(count(&result, ChangeKind::PropertyAdded), 195);
    assert_eq!(
        subjects(&result, ChangeKind::PropertyRemoved),
        ["CatalogItem.dateEntered"]
    );

    // The vendor version in the media type is reported once, not per operation.
    let media: Vec<String> = result
        .of_kind(ChangeKind::MediaTypeChanged)
        .map(|c| c.subject.clone())
        .collect();
    assert_eq!(
        media,
        ["application/vnd.connectwise.com+json; version=2022.1 → application/vnd.connectwise.com+json; version=2026.4"]
    );

    // Ticket tasks now return ServiceTask instead of Task.
    assert!(report.contains(
        "GET /service/tickets/{parentId}/tasks/{id} (getServiceTicketsByParentIdTasksById): 200: Task → ServiceTask\n"
    ));

    // Both documents resolve all their references.
    assert_eq!(count(&result, ChangeKind::UnresolvedRef), 0);

    // Breaking first: the sections are contiguous and BREAKING comes before NON-BREAKING.
    let first_non_breaking = result
        .changes
        .iter()
        .position(|c| c.severity == Severity::NonBreaking)
        .unwrap_or(result.changes.len());
    assert_eq!(first_non_breaking, result.breaking_count());
    let (breaking_at, non_breaking_at) =
        (report.find("\nBREAKING ("), report.find("\nNON-BREAKING ("));
    assert!(matches!((breaking_at, non_breaking_at), (Some(b), Some(n)) if b < n));

    // Deterministic: the same report from a second run.
    assert_eq!(diff(&old, &new).to_string(), report);
}
