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
        "coverage autotask.json operations=2070 generated=2070 typed_responses=2070/2070 skipped=0"
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
    // (document, operations, multipart uploads emitted by our own emitter, imports of `Error`, read-only POSTs)
    for (file, operations, uploads, imports, retry_safe) in [
        ("kaseya-bms.json", 433, 2, 1, 19),
        ("autotask.json", 2070, 0, 1, 312),
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
        ("autotask.json", 3, 3),
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

/// Every Autotask query operation takes the hand-written query builder's types: the 312 `POST …/query` and
/// `…/query/count` bodies are `filter::Query` (bare filter values), the 312 `GET …/query` and `…/query/count`
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
            "QueryModel (request body of 312 operations) is `psa_clients_runtime::autotask::filter::Query`",
            "removed CollectionItem, Filter, ValueItem: only the replaced schemas used them",
        ]
    );
    assert_eq!(
        changes("query-param-types"),
        vec![
            "query parameter `search` of 312 operations takes `psa_clients_runtime::autotask::filter::Search`"
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

/// Autotask: 156 entities × (`…/query`, `…/query/count`), once as POST bodies and once as GET `search` texts.
const AUTOTASK_QUERY_BODIES: usize = 312;

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
