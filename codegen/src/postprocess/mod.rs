//! Post-processing: `syn` passes over progenitor's output for what no document correction can express.
//!
//! Each pass is small, named, and tested on a hand-written token snippet. The model passes run in the order of
//! [`apply`] (on every file), the client passes in the order of [`apply_client`] (on files with a client).

pub mod always_present;
pub mod api_version_header;
pub mod autotask_entities;
pub mod error_type;
pub mod exec;
pub mod field_paths;
pub mod lean_deserialize;
pub mod open_enums;
pub mod operation_table;
pub mod paging_impls;
pub mod shared_send;
mod syntax;
pub mod type_builders;
pub mod walk;
pub mod wire_aliases;

use openapiv3::OpenAPI;

use crate::correct::{ResponseFields, WireAliases};
use crate::vendor::Vendor;

/// What the passes changed, for the coverage report.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PostprocessReport {
    /// Aliases added for the document's property spellings.
    pub aliases: usize,
    /// String enums given an `Unknown(String)` variant, and their impls rewritten.
    pub open_enums: open_enums::OpenEnumsReport,
    /// Models given typed field paths.
    pub field_paths: usize,
    /// `api-version` request headers removed.
    pub api_version_headers: usize,
    /// Models whose derived `Deserialize` was replaced by the lean impl.
    pub lean_deserialize: usize,
    /// Response-model fields whose absence is reported as `missing_field` drift.
    pub expected_fields: usize,
    /// Accessors generated for `always_present` fields.
    pub always_present: usize,
    /// Operations routed through the run-time executor, and paging trait impls.
    pub hooks: HooksReport,
    /// progenitor's error type swapped for the run-time crate's.
    pub error_type: error_type::ErrorTypeReport,
    /// Operations given a coverage-walk step.
    pub walk: walk::WalkReport,
}

impl PostprocessReport {
    /// Adds another file's counts.
    pub fn add(&mut self, other: &PostprocessReport) {
        self.aliases += other.aliases;
        self.open_enums.opened += other.open_enums.opened;
        self.open_enums.display_impls += other.open_enums.display_impls;
        self.open_enums.from_str_impls += other.open_enums.from_str_impls;
        self.field_paths += other.field_paths;
        self.api_version_headers += other.api_version_headers;
        self.lean_deserialize += other.lean_deserialize;
        self.expected_fields += other.expected_fields;
        self.always_present += other.always_present;
        self.hooks.client_hooks_removed += other.hooks.client_hooks_removed;
        self.hooks.operations += other.hooks.operations;
        self.hooks.retry_safe += other.hooks.retry_safe;
        self.hooks.paged += other.hooks.paged;
        self.hooks.entities += other.hooks.entities;
        self.hooks.sends.shared += other.hooks.sends.shared;
        self.hooks.sends.kept += other.hooks.sends.kept;
        self.error_type.imports += other.error_type.imports;
        self.error_type.types += other.error_type.types;
        self.error_type.constructors += other.error_type.constructors;
        self.walk.walked += other.walk.walked;
    }
}

/// What the client passes ([`apply_client`]) did to one file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HooksReport {
    /// progenitor's `ClientHooks` impls removed (one per client file; see [`exec`]).
    pub client_hooks_removed: usize,
    /// Operations in the lookup table.
    pub operations: usize,
    /// Of those, POSTs marked safe to retry by the `retry-safe` correction.
    pub retry_safe: usize,
    /// List builders given `NumberedPages`.
    pub paged: usize,
    /// Autotask models given `AutotaskEntity`.
    pub entities: usize,
    /// `send` tails handed to the run-time crate (see [`shared_send`]).
    pub sends: shared_send::SharedSendReport,
}

/// Runs the client passes over a generated client file (not a types-only file): every request goes through the
/// run-time executor, which looks operations up in the table built from `spec`; list builders and Autotask
/// query models get the paging traits.
///
/// # Errors
/// [`operation_table::UnmappedOperations`] when the file calls an operation `spec` does not have.
pub fn apply_client(
    file: &mut syn::File,
    spec: &OpenAPI,
    vendor: Vendor,
) -> Result<HooksReport, operation_table::UnmappedOperations> {
    let table = operation_table::apply(file, spec)?;
    let client_hooks_removed = exec::apply(file);
    let sends = shared_send::apply(file);
    let paged = paging_impls::apply(file, vendor);
    let entities = match vendor {
        Vendor::Autotask => autotask_entities::apply(file),
        Vendor::Bms | Vendor::ConnectWise => 0,
    };
    Ok(HooksReport {
        client_hooks_removed,
        operations: table.operations,
        retry_safe: table.retry_safe,
        paged,
        entities,
        sends,
    })
}

/// Runs every model pass over a generated file; `expected` says which response-model fields must be there (by the
/// schema names of the corrected document). `envelope_guard`: the vendor wraps every answer in the BMS envelope,
/// so bare models refuse one (see [`lean_deserialize`]).
pub fn apply(
    file: &mut syn::File,
    aliases: &WireAliases,
    expected: &ResponseFields,
    envelope_guard: bool,
) -> PostprocessReport {
    let expected = always_present::by_type_name(expected);
    type_builders::apply(file);
    let aliases = wire_aliases::apply(file, aliases);
    let open_enums = open_enums::apply(file);
    let api_version_headers = api_version_header::apply(file);
    // Before `lean-deserialize`, which drops the serde attributes of models that only deserialize.
    let always_present = always_present::apply(file, &expected);
    // Last among the model passes: it reads the serde attributes the others write.
    let (lean_deserialize, expected_fields) =
        lean_deserialize::apply(file, &expected, envelope_guard);
    PostprocessReport {
        aliases,
        open_enums,
        field_paths: 0,
        api_version_headers,
        lean_deserialize,
        expected_fields,
        always_present,
        hooks: HooksReport::default(),
        error_type: error_type::ErrorTypeReport::default(),
        walk: walk::WalkReport::default(),
    }
}
