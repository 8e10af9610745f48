//! Methods renamed by the `operation-names` correction (readable names for the vendor's operationIds) send the
//! vendor's request: against the psa-emulator, whose routes are classified by the vendor's own operationId, each
//! call lands on the documented method and path under that id. The scenario tests use the renamed BMS methods
//! (`create_contact`, `create_ticket`, `list_contacts`, …) end to end.
#![cfg(all(feature = "bms", feature = "autotask", feature = "connectwise-system"))]

mod common;

use common::emulated;
use psa_emulator::{Emulator, Vendor};
use serde_json::json;

/// `(method, path, vendor operationId)` of the last journal entry of `vendor`.
fn last(emulator: &Emulator, vendor: Vendor) -> (String, String, Option<String>) {
    let entry = emulator
        .control()
        .journal()
        .into_iter()
        .rev()
        .find(|e| e.vendor == Some(vendor))
        .expect("a request was journalled");
    (entry.method, entry.path, entry.operation_id)
}

#[tokio::test]
async fn renamed_methods_send_the_vendors_request() {
    let emulator = emulated::emulator().await;

    let bms = emulated::bms(&emulator);
    let contacts = bms
        .list_contacts()
        .send()
        .await
        .expect("contacts are listed")
        .into_inner();
    assert!(contacts.result.is_some_and(|r| !r.is_empty()));
    let (method, path, id) = last(&emulator, Vendor::Bms);
    assert_eq!(method, "GET");
    assert!(path.ends_with("/v2/crm/contacts/summary"), "{path}");
    assert_eq!(id.as_deref(), Some("GetContactsListSummary"));

    let created = bms
        .create_contact()
        .body(
            serde_json::from_value::<psa_clients::bms::types::ContactInputDto>(json!({
                "accountId": 1, "locationId": 11, "firstName": "Renamed", "lastName": "Method"
            }))
            .expect("a body"),
        )
        .send()
        .await
        .expect("the contact is created")
        .into_inner();
    assert!(created.result.and_then(|r| r.id).is_some());
    let (method, path, id) = last(&emulator, Vendor::Bms);
    assert_eq!(method, "POST");
    assert!(path.ends_with("/v2/crm/contacts/summary"), "{path}");
    assert_eq!(id.as_deref(), Some("PostContactSummaryInfo"));

    let at = emulated::autotask(&emulator);
    at.get_version_information()
        .send()
        .await
        .expect("the version is read");
    let (method, path, id) = last(&emulator, Vendor::Autotask);
    assert_eq!(method, "GET");
    assert!(path.ends_with("/VersionInformation"), "{path}");
    assert_eq!(id.as_deref(), Some("ApiVersion_ApiVersionInformation"));

    let cw = emulated::connectwise(&emulator);
    // Whatever the emulator answers for an unknown member, the request is the vendor's.
    let _ = cw
        .system()
        .get_system_members_by_member_identifier()
        .member_identifier("jdoe")
        .send()
        .await;
    // The emulator cannot tell `/system/members/{memberIdentifier}` from `/system/members/{id}` (the live API
    // tells them apart by the route constraint the document leaks), so only the request itself is compared.
    let (method, path, _) = last(&emulator, Vendor::ConnectWise);
    assert_eq!(method, "GET");
    assert!(path.ends_with("/system/members/jdoe"), "{path}");
}
