//! Every operation of every vendor document is generated, and every declared JSON response is typed.

use std::path::PathBuf;

use psa_codegen::workspace::Workspace;

fn coverage_line(file: &str) -> String {
    let ws = Workspace::from_env(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(".."));
    let (prepared, rendered) = ws
        .render_file(file)
        .unwrap_or_else(|e| panic!("{file}: {e}"));
    let c = psa_codegen::coverage::coverage(&prepared, &rendered);
    assert!(c.skipped.is_empty(), "{file}: {:#?}", c.skipped);
    c.line(file)
}

#[test]
fn bms_is_fully_generated() {
    assert_eq!(
        coverage_line("kaseya-bms.json"),
        "coverage kaseya-bms.json operations=433 generated=433 typed_responses=373/373 skipped=0"
    );
}

#[test]
fn autotask_is_fully_generated() {
    assert_eq!(
        coverage_line("autotask.json"),
        "coverage autotask.json operations=2276 generated=2276 typed_responses=2276/2276 skipped=0"
    );
}

#[test]
fn connectwise_is_fully_generated() {
    assert_eq!(
        coverage_line("connectwise-psa.json"),
        "coverage connectwise-psa.json operations=2814 generated=2814 typed_responses=2522/2522 skipped=0"
    );
    assert_eq!(
        coverage_line("connectwise-psa-2026.4-get-subset.json"),
        "coverage connectwise-psa-2026.4-get-subset.json operations=324 generated=324 typed_responses=321/321 skipped=0"
    );
}

/// The `additions` pass adds what the pinned Autotask document lacks (206 operations: 61 per webhook entity,
/// 12 for `Documents`, 11 for `DocumentAttachments`), and the generated client has the methods users need to
/// register a ticket webhook.
#[test]
fn autotask_additions_add_the_missing_webhook_and_document_entities() {
    let ws = Workspace::from_env(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(".."));
    let (prepared, rendered) = ws
        .render_file("autotask.json")
        .unwrap_or_else(|e| panic!("{e}"));
    let pass = prepared
        .report
        .passes
        .iter()
        .find(|p| p.name == "additions")
        .expect("pass ran");
    let copied: Vec<(String, usize)> = pass
        .changes
        .iter()
        .map(|c| {
            let (entity, rest) = c.split_once(": ").expect("`entity: n operations …`");
            let n = rest
                .split(' ')
                .next()
                .and_then(|n| n.parse().ok())
                .expect("a count");
            (entity.to_owned(), n)
        })
        .collect();
    let mut expected = Vec::new();
    for stem in [
        "TicketWebhook",
        "TicketNoteWebhook",
        "ConfigurationItemWebhook",
    ] {
        expected.push((format!("{stem}s"), 12));
        expected.push((format!("{stem}Fields"), 17));
        expected.push((format!("{stem}UdfFields"), 17));
        expected.push((format!("{stem}ExcludedResources"), 15));
    }
    expected.push(("Documents".to_owned(), 12));
    expected.push(("DocumentAttachments".to_owned(), 11));
    assert_eq!(copied, expected, "{:#?}", pass.changes);
    assert_eq!(copied.iter().map(|(_, n)| n).sum::<usize>(), 206);
    let source: String = rendered
        .files
        .iter()
        .flat_map(|f| f.source.chars())
        .filter(|c| !c.is_whitespace())
        .collect();
    for method in [
        "ticket_webhooks_create_entity",
        "ticket_webhooks_query",
        "ticket_webhooks_patch_entity",
        "ticket_webhooks_delete_entity",
        "ticket_webhook_fields_child_create_entity",
        "ticket_webhook_udf_fields_child_create_entity",
        "ticket_webhook_excluded_resources_child_create_entity",
        "ticket_note_webhooks_create_entity",
        "configuration_item_webhooks_create_entity",
        "documents_create_entity",
        "document_attachments_child_create_entity",
    ] {
        assert!(source.contains(&format!("pubfn{method}(")), "{method}");
    }
    assert!(source.contains("pubstructTicketWebhookModel{"));
    assert!(source.contains("pubstructDocumentAttachmentModel{"));
}

/// The readable names of the `operation-names` correction apply on the pinned documents: every listed
/// operationId exists (stale data fails here), the renamed methods are generated, the vendor's id stays in the
/// rustdoc and the operation table, and every Autotask and ConnectWise PUT says it replaces the whole record.
#[test]
fn operation_renames_apply_to_the_real_documents_and_puts_warn() {
    let ws = Workspace::from_env(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(".."));
    // (document, renames applied, renames whose operationId the document lacks, PUT line, a rename to check)
    for (file, renamed, missing, puts, (vendor_id, method)) in [
        ("kaseya-bms.json", 23, 0, None, ("PostContactSummaryInfo", "create_contact")),
        (
            "autotask.json",
            1,
            0,
            Some("120 PUT operations say they replace the whole record (120 name their PATCH sibling)"),
            ("ApiVersion_ApiVersionInformation", "get_version_information"),
        ),
        (
            "connectwise-psa.json",
            65,
            0,
            Some("306 PUT operations say they replace the whole record (302 name their PATCH sibling)"),
            ("getSystemMembersmemberIdentifierregextypes", "get_system_members_by_member_identifier"),
        ),
        // The GET subset has 9 of the 65 ConnectWise ids (and no PUT); the rest are reported, not failed.
        (
            "connectwise-psa-2026.4-get-subset.json",
            9,
            56,
            Some("0 PUT operations say they replace the whole record (0 name their PATCH sibling)"),
            ("getProjectProjectTypes", "get_project_types"),
        ),
    ] {
        let (prepared, rendered) = ws
            .render_file(file)
            .unwrap_or_else(|e| panic!("{file}: {e}"));
        let pass = prepared
            .report
            .passes
            .iter()
            .find(|p| p.name == "operation-names")
            .expect("pass ran");
        let count = |needle: &str| pass.changes.iter().filter(|c| c.contains(needle)).count();
        assert_eq!(count("` → `"), renamed, "{file}: {:#?}", pass.changes);
        assert_eq!(count("is not in this document"), missing, "{file}");
        assert_eq!(
            pass.changes.iter().find(|c| c.contains(" PUT operations ")).map(String::as_str),
            puts,
            "{file}"
        );
        let source: String = rendered
            .files
            .iter()
            .flat_map(|f| f.source.chars())
            .filter(|c| !c.is_whitespace())
            .collect();
        assert!(source.contains(&format!("pubfn{method}(")), "{file}: {method}");
        assert!(
            source.contains(&format!("VendoroperationId:`{vendor_id}`.")),
            "{file}: the vendor id in the rustdoc"
        );
        assert!(
            source.contains(&format!("id:\"{method}\",spec_id:\"{vendor_id}\"")),
            "{file}: the vendor id in the operation table"
        );
    }
}

#[test]
fn generation_is_deterministic() {
    let ws = Workspace::from_env(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(".."));
    let (_, a) = ws.render_file("kaseya-bms.json").unwrap();
    let (_, b) = ws.render_file("kaseya-bms.json").unwrap();
    let bytes = |r: &psa_codegen::render::Rendered| {
        r.files.iter().map(|f| f.source.clone()).collect::<Vec<_>>()
    };
    assert_eq!(bytes(&a), bytes(&b));
}

/// The passes that must recognise progenitor's output did so for every operation of the real documents, so a
/// progenitor upgrade that changes its output fails here instead of silently leaving code as generated.
#[test]
fn post_passes_match_every_operation_of_the_real_documents() {
    let ws = Workspace::from_env(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(".."));
    let mut shapes = Vec::new();
    // (document, operations, multipart uploads emitted by our own emitter, imports of `Error`, read-only POSTs)
    for (file, operations, uploads, imports, retry_safe) in [
        ("kaseya-bms.json", 433, 2, 1, 19),
        ("autotask.json", 2276, 0, 1, 340),
        ("connectwise-psa.json", 2814, 1, 12, 0),
    ] {
        let (_, rendered) = ws
            .render_file(file)
            .unwrap_or_else(|e| panic!("{file}: {e}"));
        let report = &rendered.postprocess;
        assert_eq!(
            report.hooks.operations, operations,
            "{file}: operation table"
        );
        assert_eq!(
            report.hooks.sends.kept, 0,
            "{file}: send tails left as generated"
        );
        assert_eq!(
            report.hooks.sends.shared,
            operations - uploads,
            "{file}: shared send tails"
        );
        assert_eq!(
            report.error_type.types,
            operations - uploads,
            "{file}: `Error<()>` return types"
        );
        assert_eq!(
            report.error_type.imports, imports,
            "{file}: `Error` re-exports"
        );
        assert_eq!(
            report.hooks.retry_safe, retry_safe,
            "{file}: POSTs that only read"
        );
        assert_eq!(
            report.walk.walked,
            operations - uploads,
            "{file}: operations given a coverage-walk step"
        );
        let source: String = rendered.files.iter().map(|f| f.source.as_str()).collect();
        let open = report.open_enums;
        shapes.push(PassCounts {
            file,
            client_files: report.hooks.client_hooks_removed,
            paged_lists: report.hooks.paged,
            autotask_entities: report.hooks.entities,
            open_enums: open.opened,
            display_impls: open.display_impls,
            from_str_impls: open.from_str_impls,
            timestamps: source.matches("::psa_clients_runtime::Timestamp").count(),
            chrono_date_times: source.matches("chrono::DateTime").count(),
        });
    }
    // progenitor emits one `ClientHooks` impl per client file (BMS and Autotask one, ConnectWise one per area);
    // every string enum's `Display` and `FromStr` impl is found; every `format: date-time` is a `Timestamp`
    // (typify's conversion, see `generate.rs`) and none is left as chrono's, which rejects offset-less times.
    let expected = [
        PassCounts::new("kaseya-bms.json", 1, (91, 0), 0, 679),
        PassCounts::new("autotask.json", 1, (0, 170), 0, 226),
        PassCounts::new("connectwise-psa.json", 12, (614, 0), 729, 111),
    ];
    assert_eq!(shapes, expected);
}

/// What the passes that match progenitor's output found in one real document.
#[derive(Debug, PartialEq, Eq)]
struct PassCounts {
    file: &'static str,
    /// progenitor `ClientHooks` impls removed.
    client_files: usize,
    /// List builders given `NumberedPages`.
    paged_lists: usize,
    /// Autotask query models given `AutotaskEntity`.
    autotask_entities: usize,
    /// String enums given `Unknown(String)`, and their `Display` and `FromStr` impls rewritten.
    open_enums: usize,
    display_impls: usize,
    from_str_impls: usize,
    /// Mentions of the run-time `Timestamp`, and of chrono's `DateTime` (none).
    timestamps: usize,
    chrono_date_times: usize,
}

impl PassCounts {
    /// `lists`: (paged list builders, Autotask entities); every open enum has both impls; no chrono type left.
    fn new(
        file: &'static str,
        client_files: usize,
        (paged_lists, autotask_entities): (usize, usize),
        open_enums: usize,
        timestamps: usize,
    ) -> Self {
        Self {
            file,
            client_files,
            paged_lists,
            autotask_entities,
            open_enums,
            display_impls: open_enums,
            from_str_impls: open_enums,
            timestamps,
            chrono_date_times: 0,
        }
    }
}

/// Every ConnectWise list and count operation's query-language parameters take the typed run-time values,
/// and the generated setters name them (so a raw string does not compile).
#[test]
fn connectwise_query_language_parameters_are_typed_everywhere() {
    let ws = Workspace::from_env(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(".."));
    let (prepared, rendered) = ws
        .render_file("connectwise-psa.json")
        .unwrap_or_else(|e| panic!("{e}"));
    let pass = prepared
        .report
        .passes
        .iter()
        .find(|p| p.name == "query-param-types")
        .expect("pass ran");
    assert_eq!(pass.changes.len(), 5, "{:#?}", pass.changes);
    for change in &pass.changes {
        assert!(change.contains(" of 1568 operations takes "), "{change}");
    }
    let source: String = rendered
        .files
        .iter()
        .flat_map(|f| f.source.chars())
        .filter(|c| !c.is_whitespace())
        .collect();
    for ty in [
        "ConditionsParam",
        "ChildConditionsParam",
        "CustomFieldConditionsParam",
        "OrderByParam",
        "FieldsParam",
    ] {
        // prettyplease may break the bound over lines with a trailing comma.
        let setter = format!("V:std::convert::TryInto<::psa_clients_runtime::query::{ty}");
        assert_eq!(source.matches(&setter).count(), 1568, "{ty} setters");
    }
    assert!(!source.contains("conditions:Result<Option<::std::string::String>"));
    // `ListStreams::total()` of a list asks its `…/count` sibling.
    assert_eq!(
        source.matches("fncount_total(").count(),
        CONNECTWISE_COUNTED_LISTS,
        "lists with a count sibling"
    );
}

/// ConnectWise list operations (of 614 paged) with a `…/count` sibling taking the same filters.
const CONNECTWISE_COUNTED_LISTS: usize = 451;

/// Every secret-bearing property listed in the correction data exists in the pinned documents and is generated
/// as `Secret`, and BMS's login and refresh are not generated (the auth layer performs them).
#[test]
fn secrets_in_models_are_secret_types_and_auth_operations_are_not_generated() {
    let ws = Workspace::from_env(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(".."));
    // (document, listed secret properties, generated secret fields)
    for (file, secrets, fields) in [
        ("kaseya-bms.json", 9, 9),
        ("autotask.json", 6, 6),
        ("connectwise-psa.json", 29, 29),
    ] {
        let (prepared, rendered) = ws
            .render_file(file)
            .unwrap_or_else(|e| panic!("{file}: {e}"));
        let pass = prepared
            .report
            .passes
            .iter()
            .find(|p| p.name == "secret-properties")
            .expect("pass ran");
        assert_eq!(
            pass.changes,
            vec![format!("{secrets} secret properties redacted in Debug")],
            "{file}"
        );
        let source: String = rendered
            .files
            .iter()
            .flat_map(|f| f.source.chars())
            .filter(|c| !c.is_whitespace())
            .collect();
        // `pub password: Option<Secret>`, or `pub password: Secret` where a request-only schema requires it.
        assert_eq!(
            source
                .matches("::psa_clients_runtime::secret::Secret")
                .count(),
            fields,
            "{file}: generated secret fields"
        );
        if file == "kaseya-bms.json" {
            for path in ["/v2/security/authenticate", "/v2/security/refreshtoken"] {
                assert!(!prepared.spec.paths.paths.contains_key(path), "{path}");
            }
            assert!(!source.contains("pubfnauthenticate("), "no generated login");
        }
    }
}

/// The `required` lists the `lenient-responses` correction dropped are kept, and the response models check them
/// (and the `always_present` correction data) for presence: how many on the real documents, so a change of the
/// schema-to-type naming (which maps the document's schemas onto the generated models) cannot silently turn the
/// missing-field drift report off. Per document: the pass's summary, the always-present properties it resolved,
/// the fields the generated models check for presence, and the accessors generated.
#[test]
fn response_models_check_required_and_always_present_fields() {
    let ws = Workspace::from_env(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(".."));
    let mut found = Vec::new();
    for file in ["kaseya-bms.json", "autotask.json", "connectwise-psa.json"] {
        let (prepared, rendered) = ws
            .render_file(file)
            .unwrap_or_else(|e| panic!("{file}: {e}"));
        let pass = prepared
            .report
            .passes
            .iter()
            .find(|p| p.name == "lenient-responses")
            .expect("pass ran");
        // Every always-present entry of the correction data matched something.
        assert!(
            !pass.changes.iter().any(|c| c.contains("no response schema")
                || c.contains("has no property")
                || c.contains(": 0 response schemas")
                || c.contains("is not `Schema.property`")),
            "{file}: {:#?}",
            pass.changes
        );
        let source: String = rendered.files.iter().map(|f| f.source.as_str()).collect();
        found.push((
            file,
            pass.changes[1..].to_vec(),
            prepared
                .report
                .response_fields
                .values()
                .map(|f| f.always_present.len())
                .sum::<usize>(),
            source
                .matches("::psa_clients_runtime::lenient::expected(")
                .count(),
            source
                .matches("which the API sends in every response")
                .count(),
        ));
    }
    let summary = |required: usize, schemas: usize, always: usize| {
        format!(
            "{required} required properties of {schemas} response schemas kept for the missing-field drift \
             report, {always} always-present properties"
        )
    };
    let expected: Vec<(&str, Vec<String>, usize, usize, usize)> = vec![
        // BMS: one response schema keeps a `required` list; no always-present data (no real BMS bodies to
        // found it on).
        ("kaseya-bms.json", vec![summary(1, 1, 0)], 0, 1, 0),
        // Autotask: 15 `required` properties, all from the `additions` models (the document lists none); every
        // entity's `id` (171), the query envelopes' `items` and `pageDetails` (170 each), the get envelopes'
        // `item` (171) and the create answer's `itemId`; accessors for the 171 ids, 170 lists and `itemId`
        // (`pageDetails` and `item` are models: checked, no accessor).
        (
            "autotask.json",
            vec![
                "always-present *Model.id: 171 response schemas".to_owned(),
                "always-present *QueryResult.items: 170 response schemas".to_owned(),
                "always-present *QueryResult.pageDetails: 170 response schemas".to_owned(),
                "always-present *ItemResult.item: 171 response schemas".to_owned(),
                summary(15, 3, 683),
            ],
            683,
            698,
            342,
        ),
        // ConnectWise: 395 required properties of 230 response schemas, the `id` of 190 references and 13
        // records; every one of the 598 is checked by its model (none lost to the schema-to-type naming).
        (
            "connectwise-psa.json",
            vec![
                "always-present *Reference.id: 190 response schemas".to_owned(),
                summary(395, 230, 203),
            ],
            203,
            598,
            203,
        ),
    ];
    assert_eq!(found, expected);
}

/// The changes one correction pass made to a document.
fn pass_changes(prepared: &psa_codegen::Prepared, name: &str) -> Vec<String> {
    prepared
        .report
        .passes
        .iter()
        .find(|p| p.name == name)
        .unwrap_or_else(|| panic!("{name} ran"))
        .changes
        .clone()
}

/// BMS: the two get-by-ids the document declares bare are enveloped, the rule that found them matches nothing
/// else, and every other bare lenient model refuses an obvious envelope.
#[test]
fn bms_bare_get_by_ids_are_enveloped_and_bare_models_refuse_envelopes() {
    let ws = Workspace::from_env(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(".."));
    let (prepared, rendered) = ws
        .render_file("kaseya-bms.json")
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        pass_changes(&prepared, "envelopes"),
        [
            "GET /v2/crm/accounts/summary/{id} (get_account): 200 response is \
             `AccountSummaryOutputDtoResponse`, not the bare `AccountSummaryOutputDto`",
            "GET /v2/crm/contacts/summary/{id} (get_contact): 200 response is \
             `ContactsSummaryOutputDtoResponse`, not the bare `ContactsSummaryOutputDto`",
        ]
    );
    let source: String = rendered.files.iter().map(|f| f.source.as_str()).collect();
    let guarded = source.matches("refuse_envelope(").count();
    assert_eq!(
        guarded, BMS_GUARDED_MODELS,
        "bare lenient BMS models with the envelope guard"
    );
    // Not on the envelopes themselves, and on no other vendor.
    assert!(!source.contains("\"ContactsSummaryOutputDtoResponse\")?"));
    let (_, autotask) = ws
        .render_file("autotask.json")
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(autotask
        .files
        .iter()
        .all(|f| !f.source.contains("refuse_envelope")));
}

/// BMS models read leniently (reachable from a response) that are not envelopes themselves: each refuses one.
const BMS_GUARDED_MODELS: usize = 307;

/// BMS `format: date-span` properties (`StartTime`/`EndTime`) are `TimeOfDay`.
#[test]
fn bms_date_spans_are_times_of_day() {
    let ws = Workspace::from_env(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(".."));
    let (prepared, rendered) = ws
        .render_file("kaseya-bms.json")
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        pass_changes(&prepared, "format-types"),
        ["10 `format: date-span` string schemas take `psa_clients_runtime::TimeOfDay`"]
    );
    let source: String = rendered
        .files
        .iter()
        .flat_map(|f| f.source.chars())
        .filter(|c| !c.is_whitespace())
        .collect();
    // `pub start_time: Option<TimeOfDay>` in responses, `pub start_time: TimeOfDay` in the input DTO.
    assert_eq!(
        source.matches("::psa_clients_runtime::TimeOfDay").count(),
        10
    );
    assert!(source.contains("pubstart_time:::psa_clients_runtime::TimeOfDay,"));
}

/// Id-like `number`s are integers: counted per document.
#[test]
fn float_ids_are_integers_on_the_real_documents() {
    let ws = Workspace::from_env(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(".."));
    for (file, expected) in [
        (
            "connectwise-psa.json",
            vec!["108 id properties (39 numbers, 69 lists of numbers) and 2 id parameters typed as int64"],
        ),
        // The 2026.4 document declares them as integers already; BMS's one float id is a declared `double`.
        ("connectwise-psa-2026.4-get-subset.json", vec![]),
        ("kaseya-bms.json", vec![]),
        ("autotask.json", vec![]),
    ] {
        let prepared = ws.prepare_file(file).unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_eq!(pass_changes(&prepared, "integer-ids"), expected, "{file}");
    }
}

/// Every Autotask query operation takes the hand-written query builder's types: the 340 `POST …/query` and
/// `…/query/count` bodies are `filter::Query` (bare filter values), the 340 `GET …/query` and `…/query/count`
/// `search` texts are `filter::Search`; the document's `ValueItem` filter model is not generated.
#[test]
fn autotask_query_operations_take_the_query_builder_types() {
    let ws = Workspace::from_env(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(".."));
    let (prepared, rendered) = ws
        .render_file("autotask.json")
        .unwrap_or_else(|e| panic!("{e}"));
    let changes = |name: &str| {
        prepared
            .report
            .passes
            .iter()
            .find(|p| p.name == name)
            .map(|p| p.changes.clone())
            .unwrap_or_else(|| panic!("pass {name} ran"))
    };
    assert_eq!(
        changes("schema-types"),
        vec![
            "QueryModel (request body of 340 operations) is `psa_clients_runtime::autotask::filter::Query`",
            "removed CollectionItem, Filter, ValueItem: only the replaced schemas used them",
        ]
    );
    assert_eq!(
        changes("query-param-types"),
        vec![
            "query parameter `search` of 340 operations takes `psa_clients_runtime::autotask::filter::Search`"
        ]
    );
    let source: String = rendered
        .files
        .iter()
        .flat_map(|f| f.source.chars())
        .filter(|c| !c.is_whitespace())
        .collect();
    assert_eq!(
        source
            .matches("V:std::convert::TryInto<::psa_clients_runtime::autotask::filter::Query>")
            .count(),
        AUTOTASK_QUERY_BODIES,
        "query and count bodies"
    );
    assert_eq!(
        source
            .matches("V:std::convert::TryInto<::psa_clients_runtime::autotask::filter::Search>")
            .count(),
        AUTOTASK_QUERY_BODIES,
        "search parameters"
    );
    for gone in [
        "pubstructQueryModel",
        "pubstructValueItem",
        "pubstructCollectionItem",
        "search:Result<::std::string::String",
    ] {
        assert!(!source.contains(gone), "{gone}");
    }
}

/// Autotask: 170 entities (14 of them from `additions`) × (`…/query`, `…/query/count`), once as POST bodies and
/// once as GET `search` texts.
const AUTOTASK_QUERY_BODIES: usize = 340;

/// File uploads are multipart with a real file part (and their other form fields typed), downloads are bytes:
/// every such operation of the four documents, counted.
#[test]
fn file_uploads_are_multipart_and_downloads_are_bytes_in_every_document() {
    let ws = Workspace::from_env(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(".."));
    // (document, uploads emitted with a `FilePart`, uploads that also take a form-fields model, operations
    // answering a `ByteStream`, downloads the `file-responses` correction turned into bytes). BMS's 20 byte
    // streams are its 2 downloads and 18 operations declared without a response schema; ConnectWise's are
    // exactly its binary downloads (documents, images, the invoice PDF, the management log).
    for (file, uploads, with_fields, downloads, corrected) in [
        ("kaseya-bms.json", 2, 0, 20, 2),
        ("connectwise-psa.json", 1, 1, 9, 0),
        ("connectwise-psa-2026.4-get-subset.json", 0, 0, 3, 2),
        ("autotask.json", 0, 0, 0, 0),
    ] {
        let (prepared, rendered) = ws
            .render_file(file)
            .unwrap_or_else(|e| panic!("{file}: {e}"));
        let changes = |name: &str| {
            prepared
                .report
                .passes
                .iter()
                .find(|p| p.name == name)
                .map(|p| p.changes.clone())
                .unwrap_or_else(|| panic!("{file}: pass {name} ran"))
        };
        assert_eq!(
            changes("file-responses").len(),
            corrected,
            "{file}: {:#?}",
            changes("file-responses")
        );
        let behind_ref = changes("content-types")
            .iter()
            .filter(|c| c.contains("multipart upload behind `$ref`"))
            .count();
        assert_eq!(
            behind_ref, with_fields,
            "{file}: multipart forms behind a `$ref`"
        );
        let source: String = rendered
            .files
            .iter()
            .flat_map(|f| f.source.chars())
            .filter(|c| !c.is_whitespace())
            .collect();
        assert_eq!(
            source
                .matches(":::psa_clients_runtime::upload::FilePart,")
                .count(),
            uploads,
            "{file}: upload methods taking a file part"
        );
        assert_eq!(
            source.matches("fields:types::").count(),
            with_fields,
            "{file}: upload methods taking the form's other fields"
        );
        assert!(
            !source.contains("reqwest::multipart::Part,"),
            "{file}: no bare `Part` parameter"
        );
        assert_eq!(
            source.matches("ResponseValue<ByteStream>,").count(),
            downloads,
            "{file}: operations answering bytes"
        );
        if file == "connectwise-psa.json" {
            // The form is no longer a urlencoded body with the file as a string.
            assert!(!source.contains("pubfile:::std::option::Option<::std::string::String>"));
            assert!(source.contains("fnpost_system_documents<'a>(&'aself,file:::psa_clients_runtime::upload::FilePart,fields:types::DocumentFormData,)"));
        }
    }
}
