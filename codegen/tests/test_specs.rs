//! The complete generated output of the small hand-written documents under `specs/test-specs/`, each run through
//! the whole pipeline with one vendor's real corrections file, compared with the committed listing under
//! `generated/test-specs/`.
//!
//! The vendor documents are too large for full-output snapshots (their API surface is in `surface_snapshots`);
//! these documents are small enough to read, so a change to a correction or a post-pass shows up here as a diff
//! of the code users get. Each test also asserts what its corrections must have produced, so a regression fails
//! with a message about the correction, not only as snapshot drift. Review changes with `cargo insta review`.

use std::path::{Path, PathBuf};

use psa_codegen::manifest::{SpecEntry, SpecFormat};
use psa_codegen::render::{self, Rendered};
use psa_codegen::vendor::{Corrections, Vendor};
use psa_codegen::{Pinning, Prepared};

fn workspace_root() -> PathBuf {
    // This crate (`codegen/`) sits directly under the workspace root.
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// One test document after the pipeline: the corrected document and every generated file, concatenated.
struct Generated {
    prepared: Prepared,
    rendered: Rendered,
    /// All files, each after a `// ===== <module> =====` line, in render order.
    source: String,
}

impl Generated {
    /// The source of one generated module (`""` for a single-module vendor).
    fn module(&self, name: &str) -> &str {
        self.rendered
            .files
            .iter()
            .find(|f| f.module == name)
            .map(|f| f.source.as_str())
            .unwrap_or_else(|| panic!("no generated module `{name}`"))
    }

    /// The changes one correction pass reported.
    fn changes(&self, pass: &str) -> &[String] {
        self.prepared
            .report
            .passes
            .iter()
            .find(|p| p.name == pass)
            .map(|p| p.changes.as_slice())
            .unwrap_or_else(|| panic!("no correction pass `{pass}`"))
    }

    /// The method and path of the operation with this operationId in the corrected document.
    fn operation(&self, id: &str) -> Option<(String, String)> {
        self.prepared
            .spec
            .operations()
            .find(|(_, _, op)| op.operation_id.as_deref() == Some(id))
            .map(|(path, method, _)| (method.to_owned(), path.to_owned()))
    }

    /// Asserts that the generated code contains `needle`, saying which correction `why` is about.
    fn assert_contains(&self, needle: &str, why: &str) {
        assert!(
            self.source.contains(needle),
            "{why}: the generated code lacks `{needle}`"
        );
    }

    /// Asserts that the generated code does not contain `needle`.
    fn assert_lacks(&self, needle: &str, why: &str) {
        assert!(
            !self.source.contains(needle),
            "{why}: the generated code still contains `{needle}`"
        );
    }
}

/// The doc comment and attributes of the struct `name` in a generated source.
fn attributes_of<'s>(source: &'s str, name: &str) -> &'s str {
    let item = format!("pub struct {name} ");
    let end = source
        .find(&item)
        .unwrap_or_else(|| panic!("no `{item}` in the generated code"));
    let start = source[..end].rfind("///").unwrap_or(0);
    &source[start..end]
}

/// Runs `specs/test-specs/<file>` through the pipeline with `vendor`'s corrections (no checksum pin: these are
/// our own documents) and snapshots the complete output.
fn generate(file: &str, vendor: Vendor, format: SpecFormat) -> Generated {
    let root = workspace_root();
    let mut corrections = Corrections::load(&root.join("specs/corrections"), vendor)
        .unwrap_or_else(|e| panic!("{vendor} corrections: {e}"));
    // The `additions` copy entities of the real document (CompanyWebhooks, TicketAttachments) that these small
    // documents do not have, and a missing template is an error; the pass is tested on snippets (its unit
    // tests) and on the real document (tests/coverage.rs).
    corrections.additions.clear();
    let entry = SpecEntry {
        file: file.to_owned(),
        vendor,
        format,
        title: format!("test document {file}"),
        version: "test".to_owned(),
        // Ignored with `Pinning::Ignore`; the header of the output still names the file's real checksum.
        sha256: String::new(),
        upstream: String::new(),
        primary: false,
    };
    let path = root.join("specs/test-specs").join(file);
    let prepared = psa_codegen::prepare_file(&entry, &path, &corrections, Pinning::Ignore)
        .unwrap_or_else(|e| panic!("{file}: {e}"));
    let rendered = render::render(&prepared, &corrections, &|_| true)
        .unwrap_or_else(|e| panic!("{file}: {e}"));
    let source = rendered
        .files
        .iter()
        .map(|f| {
            let module = if f.module.is_empty() {
                vendor.name()
            } else {
                &f.module
            };
            format!("// ===== {module} =====\n{}", f.source)
        })
        .collect::<Vec<_>>()
        .join("\n");
    insta::with_settings!({
        snapshot_path => "../../generated/test-specs",
        prepend_module_to_snapshot => false,
        omit_expression => true,
        description => format!("Complete generated code for specs/test-specs/{file} with the {vendor} corrections"),
    }, {
        insta::assert_snapshot!(file.trim_end_matches(".json"), source);
    });
    Generated {
        prepared,
        rendered,
        source,
    }
}

#[test]
fn bms_like() {
    let g = generate("bms-like.json", Vendor::Bms, SpecFormat::OpenApi30);
    let tickets = g.module("");

    // operation-ids: a missing id is derived from method and path, a repeated one made unique, and `Post`
    // (which would shadow the client's own `post` hook) prefixed.
    for id in [
        "GetV2ServicedeskTicketsByTicketId",
        "GetStatusesLookup",
        "GetV2ServicedeskLookupsK1statuses",
        "AttachmentsPost",
    ] {
        assert!(
            g.operation(id).is_some(),
            "operation-ids: no `{id}` in {:?}",
            g.changes("operation-ids")
        );
    }
    assert!(g.operation("Post").is_none(), "`Post` renamed");
    g.assert_lacks("pub fn post(", "operation-ids (`Post`)");

    // path-templates: the undeclared `{accountType}` becomes a parameter, the template-less `companyId` goes.
    g.assert_contains(
        "pub fn account_type<",
        "path-templates (undeclared placeholder)",
    );
    g.assert_lacks(
        "company_id",
        "path-templates (parameter not in the template)",
    );

    // content-types: one JSON body and response media type; the binary upload is emitted as multipart.
    let content_types = g.changes("content-types");
    for expected in [
        "PUT /v2/servicedesk/tickets/{ticketId}: request body: kept application/json",
        "GET /v2/servicedesk/tickets: response 200: kept application/json",
        "POST /v2/servicedesk/tickets/{ticketId}/attachments: multipart upload",
    ] {
        assert!(
            content_types.iter().any(|c| c.starts_with(expected)),
            "content-types: no `{expected}` in {content_types:?}"
        );
    }
    g.assert_contains(
        "form_file: ::psa_clients_runtime::upload::FilePart",
        "content-types (multipart upload with a real file part)",
    );

    // file-responses: a download declared as the empty `File` object answers bytes.
    assert_eq!(
        g.changes("file-responses"),
        vec![
            "GET /v2/servicedesk/tickets/{ticketId}/attachments/{attachmentId}/download: response 200 declared as `File` is the file's bytes"
        ]
    );
    g.assert_contains("ResponseValue<ByteStream>", "file-responses (bytes)");

    // casing: .NET camelCase on the wire, the document's PascalCase accepted as an alias.
    g.assert_contains("rename = \"mfaCode\"", "casing (MFACode → mfaCode)");
    g.assert_contains(
        "alias = \"TicketID\"",
        "casing (alias for the declared spelling)",
    );
    g.assert_contains("pub total_records:", "casing (TotalRecords)");

    // lenient-responses: response models accept unknown fields; the request-only model stays strict.
    for response_model in ["TicketSummary", "TicketListResponse", "TicketResponse"] {
        assert!(
            !attributes_of(tickets, response_model).contains("deny_unknown_fields"),
            "lenient-responses: {response_model} must accept new properties"
        );
    }
    assert!(
        attributes_of(tickets, "TicketUpdate").contains("deny_unknown_fields"),
        "lenient-responses: the request-only TicketUpdate keeps `additionalProperties: false`"
    );

    // envelopes: the two get-by-ids declared bare answer `{success, error, result}` (the document's own
    // envelope schema where it has one), and bare models refuse an obvious envelope.
    assert_eq!(
        g.changes("envelopes"),
        [
            "GET /v2/crm/accounts/summary/{id} (get_account): 200 response is `AccountSummaryResponse`, \
             not the bare `AccountSummary`",
            "GET /v2/crm/contacts/summary/{id} (get_contact): 200 response is `ContactsSummaryResponse`, \
             not the bare `ContactsSummary`",
        ]
    );
    g.assert_contains(
        "pub struct ContactsSummaryResponse ",
        "envelopes (declared for the contact)",
    );
    // Three bare response models (the two summaries and the ticket) are guarded; the envelopes are not.
    let flat: String = g.source.split_whitespace().collect();
    assert!(
        flat.contains("refuse_envelope(__keys,&__extra,\"ContactsSummary\",)?"),
        "envelopes: the bare contact model refuses an envelope"
    );
    assert_eq!(
        flat.matches("refuse_envelope(").count(),
        3,
        "envelopes: guarded models"
    );
    assert!(
        !flat.contains("\"ContactsSummaryResponse\",)?"),
        "envelopes: an envelope does not refuse itself"
    );

    // format-types: a .NET TimeSpan (`format: date-span`) is a `TimeOfDay`.
    g.assert_contains(
        "::std::option::Option<::psa_clients_runtime::TimeOfDay>",
        "format-types (date-span)",
    );

    // timestamps and open enums (post-passes).
    g.assert_contains(
        "::psa_clients_runtime::Timestamp",
        "timestamps (offset-less date-time)",
    );
    g.assert_contains("Unknown(::std::string::String)", "open-enums (Priority)");

    // paging-impls: the paged list builder streams through the BMS envelope.
    g.assert_contains(
        "NumberedPages<'a> for GetTickets<'a>",
        "paging-impls (PageNumber/PageSize list)",
    );
    g.assert_contains("PageStyle::Bms", "paging-impls (BMS page style)");

    // api-version-header: progenitor's own header is not sent.
    g.assert_lacks("\"api-version\"", "api-version-header");
}

#[test]
fn connectwise_like() {
    let g = generate(
        "connectwise-like.json",
        Vendor::ConnectWise,
        SpecFormat::OpenApi30,
    );

    // content-types: the document upload's form is behind a `$ref`: the file is the file part, the other fields
    // the form model (without `file`).
    assert!(
        g.changes("content-types").iter().any(|c| c
            == "POST /system/documents: multipart upload behind `$ref` DocumentFormData (file part and 3 text fields); method emitted by psa-codegen"),
        "{:?}",
        g.changes("content-types")
    );
    g.assert_contains(
        "file: ::psa_clients_runtime::upload::FilePart,\n        fields: types::DocumentFormData,",
        "content-types (multipart form behind a $ref)",
    );
    g.assert_lacks(
        "pub file: ::std::option::Option<::std::string::String>",
        "content-types (no string file)",
    );

    // modules: split by first path segment, shared types in their own module.
    let modules: Vec<&str> = g.rendered.files.iter().map(|f| f.module.as_str()).collect();
    assert_eq!(modules, ["types", "service", "system"]);

    // content-types: the vendor media type is JSON, so responses are typed.
    assert!(
        g.changes("content-types")
            .iter()
            .any(|c| c.contains("vnd.connectwise")),
        "{:?}",
        g.changes("content-types")
    );
    g.assert_contains(
        "ResponseValue<::std::vec::Vec<types::Ticket>>",
        "content-types (vendor JSON media type)",
    );

    // credential-headers: `clientId` is the auth layer's.
    g.assert_lacks("client_id", "credential-headers (clientId)");

    // path-templates: the leaked route constraint is gone.
    assert_eq!(
        g.operation("getSystemMembersByIdentifier"),
        Some((
            "get".to_owned(),
            "/system/members/{memberIdentifier}".to_owned()
        ))
    );

    // property-collisions: `server` and the `Server` marker are one field.
    let types = g.module("types");
    assert_eq!(
        types.matches("pub server:").count(),
        1,
        "property-collisions (server / Server)"
    );

    // free-form-values: a custom field's value is any JSON value.
    g.assert_contains(
        "pub value: ::std::option::Option<::serde_json::Value>",
        "free-form-values (custom field value)",
    );

    // open-enums: the closed status enum keeps unlisted values.
    g.assert_contains(
        "Unknown(::std::string::String)",
        "open-enums (TicketStatus)",
    );

    // lenient-responses: `lastName` is declared required but optional in responses.
    g.assert_contains(
        "pub last_name: ::std::option::Option<::std::string::String>",
        "lenient-responses (required dropped)",
    );

    // paging-impls: the list builder pages with page/pageSize.
    g.assert_contains(
        "NumberedPages<'a> for GetServiceTickets<'a>",
        "paging-impls (page/pageSize list)",
    );
    g.assert_contains(
        "PageStyle::ConnectWise",
        "paging-impls (ConnectWise page style)",
    );
    g.assert_contains("pub fn conditions<", "conditions query parameter");

    g.assert_lacks("\"api-version\"", "api-version-header");
}

#[test]
fn autotask_like() {
    let g = generate(
        "autotask-like.json",
        Vendor::Autotask,
        SpecFormat::Swagger20,
    );

    // swagger2: body and formData parameters become request bodies.
    let form = g
        .prepared
        .spec
        .operations()
        .find(|(_, _, op)| op.operation_id.as_deref() == Some("TicketNotes_CreateFromForm"))
        .and_then(|(_, _, op)| op.request_body.clone());
    let form = match form {
        Some(openapiv3::ReferenceOr::Item(body)) => body,
        other => panic!("formData parameters must become a request body: {other:?}"),
    };
    assert!(form
        .content
        .contains_key("application/x-www-form-urlencoded"));

    // credential-headers: none of the four header parameters survives.
    for header in [
        "api_integration_code",
        "user_name",
        "secret",
        "impersonation",
    ] {
        g.assert_lacks(&format!("pub fn {header}<"), "credential-headers");
    }

    // envelopes: query → {items, pageDetails}, get → {item}, create → {itemId}; the count is declared right.
    g.assert_contains("pub struct TicketQueryResult", "envelopes (query)");
    g.assert_contains("pub struct TicketItemResult", "envelopes (query item)");
    g.assert_contains("pub struct ItemIdResult", "envelopes (create)");
    g.assert_contains("pub struct PageDetails", "envelopes (page details)");
    g.assert_contains(
        "ResponseValue<types::QueryCountModel>",
        "envelopes (count as declared)",
    );

    // schema-types: the query bodies are the hand-written builder's `Query` (bare filter values), the `search`
    // text its `Search`; the document's `ValueItem` filter model is gone.
    g.assert_contains(
        "TryInto<::psa_clients_runtime::autotask::filter::Query>",
        "schema-types (query body)",
    );
    g.assert_contains(
        "TryInto<::psa_clients_runtime::autotask::filter::Search>",
        "query-param-types (search)",
    );
    g.assert_lacks("pub struct ValueItem", "schema-types (ValueItem dropped)");
    g.assert_lacks(
        "pub struct QueryModel",
        "schema-types (QueryModel replaced)",
    );

    // schema-names: the .NET expression type gets an identifier.
    g.assert_contains(
        "pub struct ExpressionFuncTicketModelInt64",
        "schema-names (Expression[Func[…]])",
    );

    // casing: only the first letter is lowered.
    g.assert_contains("rename = \"companyID\"", "casing (CompanyID)");
    g.assert_contains("pub query_count:", "casing (QueryCount)");

    // free-form-values: `Object` holds any JSON value.
    g.assert_contains(
        "pub is_supported_webhook_field: ::std::option::Option<::serde_json::Value>",
        "free-form-values (Object)",
    );

    // autotask-entities: the query's model knows its entity.
    g.assert_contains(
        "AutotaskEntity for types::TicketModel",
        "autotask-entities (AutotaskEntity)",
    );

    g.assert_lacks("\"api-version\"", "api-version-header");
}
