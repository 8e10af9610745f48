//! The deterministic demo tenants: the same seed always gives the same records, written by us (names from
//! small fixed lists), big enough that each vendor's default page size needs three or more pages.

use crate::state::Tenants;
use crate::{autotask, bms, connectwise};

/// First names of demo contacts and members.
pub(crate) const FIRST: [&str; 12] = [
    "Ann", "Bob", "Carla", "Dev", "Eli", "Fay", "Gus", "Hana", "Ivan", "Jo", "Kai", "Lena",
];
/// Last names.
pub(crate) const LAST: [&str; 10] = [
    "Archer", "Baker", "Chen", "Diaz", "Evans", "Fischer", "Garcia", "Hughes", "Ito", "Jensen",
];
/// Company names (the first is what the workflow seeds filter on).
pub(crate) const COMPANIES: [&str; 8] = [
    "Test Rewst",
    "Acme Dental",
    "Blue Harbor Logistics",
    "Cedar Law Group",
    "Delta Robotics",
    "Evergreen Clinic",
    "Fjord Architects",
    "Granite Credit Union",
];
/// Ticket summaries.
pub(crate) const SUMMARIES: [&str; 10] = [
    "Printer offline on floor 2",
    "Cannot connect to VPN",
    "New hire onboarding: laptop",
    "Outlook keeps asking for password",
    "Backup job failed overnight",
    "Replace UPS battery",
    "Shared drive permissions",
    "Wi-Fi drops in conference room",
    "Install accounting update",
    "Phishing e-mail reported",
];

/// `acme-dental` style domain part.
pub(crate) fn domain(company: &str) -> String {
    company
        .to_ascii_lowercase()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join("")
        + ".example"
}

/// All three tenants.
pub(crate) fn tenants(seed: u64, tickets: usize, base_url: &str) -> Tenants {
    Tenants {
        connectwise: connectwise::seed::tenant(seed, tickets, base_url),
        autotask: autotask::seed::tenant(seed, tickets),
        bms: bms::seed::tenant(seed, tickets),
    }
}
