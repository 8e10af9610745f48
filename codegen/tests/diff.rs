//! The API diff on small hand-written documents: one test per area, asserting the exact changes.

use openapiv3::OpenAPI;
use psa_codegen::diff::{diff, ChangeKind, Severity, SpecDiff};
use serde_json::{json, Value};

/// An OpenAPI 3 document with the given paths and component schemas (plus optional other components).
fn doc(version: &str, paths: Value, components: Value) -> OpenAPI {
    let document = json!({
        "openapi": "3.0.1",
        "info": { "title": "test", "version": version },
        "paths": paths,
        "components": components,
    });
    serde_json::from_value(document).expect("test document is valid OpenAPI 3")
}

/// A GET/POST/… operation with an id and a plain 200 response.
fn op(id: &str) -> Value {
    json!({ "operationId": id, "responses": { "200": { "description": "ok" } } })
}

fn json_body(schema: Value) -> Value {
    json!({ "content": { "application/json": { "schema": schema } } })
}

fn schema_ref(name: &str) -> Value {
    json!({ "$ref": format!("#/components/schemas/{name}") })
}

/// The changes as `Severity kind subject: detail`, in report order.
fn lines(diff: &SpecDiff) -> Vec<String> {
    diff.changes
        .iter()
        .map(|c| {
            let detail = if c.detail.is_empty() {
                String::new()
            } else {
                format!(": {}", c.detail)
            };
            format!("{:?} {} {}{}", c.severity, c.kind, c.subject, detail)
        })
        .collect()
}

fn assert_lines(diff: &SpecDiff, expected: &[&str]) {
    assert_eq!(lines(diff), expected, "full report:\n{diff}");
}

#[test]
fn identical_documents_have_no_changes() {
    let paths = json!({ "/a": { "get": op("getA") } });
    let schemas = json!({ "schemas": { "T": { "type": "object", "properties": { "x": { "type": "string" } } } } });
    let old = doc("1", paths.clone(), schemas.clone());
    let new = doc("1", paths, schemas);
    let result = diff(&old, &new);
    assert!(result.is_empty());
    assert_eq!(result.breaking_count(), 0);
    assert_eq!(result.to_string(), "API diff 1 → 1: no changes\n");
}

#[test]
fn operations_removed_added_moved_and_renamed() {
    let old = doc(
        "1",
        json!({
            "/a": { "get": op("getA"), "post": op("postA") },
            "/b": { "get": op("getB"), "delete": op("deleteB") },
            "/c": { "get": op("getC") },
        }),
        json!({}),
    );
    let new = doc(
        "2",
        json!({
            "/a": { "get": op("getA") },
            "/b2": { "get": op("getB") },
            "/c": { "get": op("fetchC") },
            "/d": { "post": op("postD") },
            "/e": { "get": { "responses": { "200": { "description": "no id" } } } },
        }),
        json!({}),
    );
    let result = diff(&old, &new);
    // Removed operations sort by path, then method: POST /a before DELETE /b.
    assert_lines(
        &result,
        &[
            "Breaking operation-removed POST /a (postA)",
            "Breaking operation-removed DELETE /b (deleteB)",
            "Breaking operation-moved GET /b2 (getB): was GET /b",
            "Breaking operation-id-changed GET /c (fetchC): was getC",
            "NonBreaking operation-added POST /d (postD)",
            "NonBreaking operation-added GET /e",
        ],
    );
    assert_eq!(result.breaking_count(), 4);
    assert_eq!(result.non_breaking_count(), 2);
}

#[test]
fn parameters() {
    let string = json!({ "type": "string" });
    let query = |name: &str, required: bool, schema: &Value| json!({ "name": name, "in": "query", "required": required, "schema": schema });
    let old_params = json!([
        query("a", false, &string),
        query("b", false, &string),
        query("c", true, &string),
        query("d", false, &json!({ "type": "integer", "format": "int32" })),
        query("e", false, &string),
        query("f", false, &string),
        { "name": "X-Trace", "in": "header", "required": true, "schema": string },
        query("status", false, &json!({ "type": "string", "enum": ["open", "closed"] })),
        { "$ref": "#/components/parameters/PageSize" },
    ]);
    let new_params = json!([
        query("b", true, &string),
        query("c", false, &string),
        query("d", false, &json!({ "type": "integer", "format": "int64" })),
        query("e", false, &json!({ "type": "integer" })),
        { "name": "f", "in": "header", "required": false, "schema": string },
        // Header names are case-insensitive: not a change.
        { "name": "x-trace", "in": "header", "required": true, "schema": string },
        query("status", false, &json!({ "type": "string", "enum": ["open", "pending"] })),
        // The same parameter as the old `$ref`, now inline: not a change.
        query("pageSize", false, &json!({ "type": "integer", "format": "int32" })),
        // Declared on the operation in the new document, on the path item in the old one: not a change.
        query("tenant", true, &string),
        query("g", true, &string),
        query("h", false, &json!({ "type": "boolean" })),
    ]);
    let components = json!({
        "parameters": {
            "PageSize": { "name": "pageSize", "in": "query", "schema": { "type": "integer", "format": "int32" } }
        }
    });
    let old = doc(
        "1",
        json!({ "/p": {
            "parameters": [query("tenant", true, &string)],
            "get": { "operationId": "getP", "parameters": old_params, "responses": {} }
        } }),
        components.clone(),
    );
    let new = doc(
        "2",
        json!({ "/p": { "get": { "operationId": "getP", "parameters": new_params, "responses": {} } } }),
        components,
    );
    assert_lines(
        &diff(&old, &new),
        &[
            "Breaking parameter-removed GET /p (getP): query `a` string",
            "Breaking parameter-added GET /p (getP): required query `g` string",
            "Breaking parameter-now-required GET /p (getP): query `b`",
            "Breaking parameter-type-changed GET /p (getP): query `d`: integer(int32) → integer(int64)",
            "Breaking parameter-type-changed GET /p (getP): query `e`: string → integer",
            "Breaking parameter-location-changed GET /p (getP): `f`: query → header",
            "Breaking enum-value-removed GET /p (getP) query `status`: \"closed\"",
            "NonBreaking parameter-added GET /p (getP): query `h` boolean",
            "NonBreaking parameter-now-optional GET /p (getP): query `c`",
            "NonBreaking enum-value-added GET /p (getP) query `status`: \"pending\" (forward-compat: older clients may receive it)",
        ],
    );
}

#[test]
fn request_bodies() {
    let ticket = json_body(schema_ref("Ticket"));
    let with = |body: Value, required: bool| {
        let mut body = body;
        body["required"] = json!(required);
        json!({ "post": { "operationId": "post", "requestBody": body, "responses": {} } })
    };
    let without = json!({ "post": { "operationId": "post", "responses": {} } });
    let both_types = json!({ "content": {
        "application/json": { "schema": schema_ref("Ticket") },
        "text/json": { "schema": schema_ref("Ticket") },
    } });
    let json_and_xml = json!({ "content": {
        "application/json": { "schema": schema_ref("Ticket") },
        "application/xml": { "schema": schema_ref("Ticket") },
    } });
    let inline = |properties: Value, required: Value| {
        json_body(json!({ "type": "object", "properties": properties, "required": required }))
    };
    let schemas = json!({
        "schemas": { "Ticket": { "type": "object" }, "TicketV2": { "type": "object" } },
        "requestBodies": { "TicketBody": { "required": true, "content": { "application/json": { "schema": schema_ref("Ticket") } } } },
    });
    let old = doc(
        "1",
        json!({
            "/r1": without, "/r2": without,
            "/r3": with(ticket.clone(), true),
            "/r4": with(ticket.clone(), false),
            "/r5": with(ticket.clone(), true),
            "/r6": with(ticket.clone(), true),
            "/r7": with(both_types, true),
            "/r8": { "post": { "operationId": "post", "requestBody": { "$ref": "#/components/requestBodies/TicketBody" }, "responses": {} } },
            "/r9": with(inline(json!({ "name": { "type": "string" } }), json!([])), true),
        }),
        schemas.clone(),
    );
    let new = doc(
        "2",
        json!({
            "/r1": with(ticket.clone(), true),
            "/r2": with(ticket.clone(), false),
            "/r3": without,
            "/r4": with(ticket.clone(), true),
            "/r5": with(ticket.clone(), false),
            "/r6": with(json_body(schema_ref("TicketV2")), true),
            "/r7": with(json_and_xml, true),
            "/r8": with(ticket, true),
            "/r9": with(inline(json!({ "name": { "type": "string" }, "note": { "type": "string" } }), json!(["note"])), true),
        }),
        schemas,
    );
    assert_lines(
        &diff(&old, &new),
        &[
            "Breaking request-body-added POST /r1 (post): required Ticket",
            "Breaking request-body-removed POST /r3 (post): Ticket",
            "Breaking request-body-now-required POST /r4 (post)",
            "Breaking request-body-schema-changed POST /r6 (post): Ticket → TicketV2",
            "Breaking request-content-type-removed POST /r7 (post): text/json",
            "Breaking property-added POST /r9 (post) request body.note: required string",
            "NonBreaking request-body-added POST /r2 (post): Ticket",
            "NonBreaking request-body-now-optional POST /r5 (post)",
            "NonBreaking request-content-type-added POST /r7 (post): application/xml",
        ],
    );
}

#[test]
fn responses() {
    let get = |id: &str, responses: Value| json!({ "get": { "operationId": id, "responses": responses } });
    let ok = |content: Value| json!({ "200": { "description": "ok", "content": content } });
    let ticket = json!({ "application/json": { "schema": schema_ref("Ticket") } });
    let versioned = |version: u32, schema: Value| json!({ format!("application/vnd.x+json; version={version}"): { "schema": schema } });
    let components = json!({
        "schemas": { "Ticket": { "type": "object" } },
        "responses": { "Ok": { "description": "ok", "content": { "application/json": { "schema": schema_ref("Ticket") } } } },
    });
    let old = doc(
        "1",
        json!({
            "/s1": get("getS1", json!({
                "200": { "description": "ok", "content": ticket },
                "404": { "description": "missing" },
            })),
            "/s2": get("getS2", ok(ticket.clone())),
            "/s3": get("getS3", ok(json!({ "application/json": { "schema": {
                "type": "object", "properties": { "id": { "type": "integer", "format": "int32" } }
            } } }))),
            "/s4": get("getS4", ok(json!({
                "application/json": { "schema": schema_ref("Ticket") },
                "application/pdf": { "schema": { "type": "string", "format": "binary" } },
            }))),
            "/s5": get("getS5", ok(versioned(1, schema_ref("Ticket")))),
            "/s6": get("getS6", ok(versioned(1, json!({ "type": "array", "items": schema_ref("Ticket") })))),
            "/s7": get("getS7", json!({ "200": { "$ref": "#/components/responses/Ok" } })),
        }),
        components.clone(),
    );
    let new = doc(
        "2",
        json!({
            "/s1": get("getS1", json!({ "201": { "description": "created", "content": ticket } })),
            "/s2": get("getS2", ok(json!({ "application/json": { "schema": { "type": "array", "items": schema_ref("Ticket") } } }))),
            "/s3": get("getS3", ok(json!({ "application/json": { "schema": {
                "type": "object", "properties": {
                    "id": { "type": "integer", "format": "int64" },
                    "extra": { "type": "string", "format": "date-time" },
                }
            } } }))),
            "/s4": get("getS4", ok(json!({
                "application/json": { "schema": schema_ref("Ticket") },
                "text/csv": { "schema": { "type": "string" } },
            }))),
            "/s5": get("getS5", ok(versioned(2, schema_ref("Ticket")))),
            "/s6": get("getS6", ok(versioned(2, json!({ "type": "array", "items": schema_ref("Ticket") })))),
            "/s7": get("getS7", ok(ticket)),
        }),
        components,
    );
    assert_lines(
        &diff(&old, &new),
        &[
            "Breaking response-removed GET /s1 (getS1): 200 Ticket",
            "Breaking response-schema-changed GET /s2 (getS2): 200: Ticket → array<Ticket>",
            "Breaking response-content-type-removed GET /s4 (getS4): 200: application/pdf",
            "Breaking property-type-changed GET /s3 (getS3) response 200 body.id: integer(int32) → integer(int64)",
            "NonBreaking media-type-changed application/vnd.x+json; version=1 → application/vnd.x+json; version=2: 2 bodies",
            "NonBreaking response-removed GET /s1 (getS1): 404 no content",
            "NonBreaking response-added GET /s1 (getS1): 201 Ticket",
            "NonBreaking response-content-type-added GET /s4 (getS4): 200: text/csv",
            "NonBreaking property-added GET /s3 (getS3) response 200 body.extra: string(date-time)",
        ],
    );
}

#[test]
fn component_schemas() {
    let object = |properties: Value, required: Value| json!({ "type": "object", "properties": properties, "required": required });
    let shared = json!({
        "BoardRef": object(json!({ "id": { "type": "integer" } }), json!([])),
        "CompanyRef": object(json!({ "id": { "type": "integer" } }), json!([])),
        "Other": { "type": "object" },
        "ListOf": { "type": "array", "items": schema_ref("Ticket") },
    });
    let mut old_schemas = shared.clone();
    old_schemas["Ticket"] = object(
        json!({
            "id": { "type": "integer", "format": "int32" },
            "summary": { "type": "string" },
            "status": { "type": "string", "enum": ["New", "Closed"] },
            "board": schema_ref("BoardRef"),
            "notes": { "type": "array", "items": object(json!({ "text": { "type": "string" } }), json!([])) },
            "owner": object(json!({ "name": { "type": "string" } }), json!([])),
            "dateEntered": { "type": "string", "format": "date-time" },
        }),
        json!(["summary"]),
    );
    old_schemas["Gone"] = object(json!({ "x": { "type": "string" } }), json!([]));
    old_schemas["Alias"] = schema_ref("Ticket");
    old_schemas["Kind"] = json!({ "type": "string", "enum": ["A", "B"] });
    let mut new_schemas = shared;
    new_schemas["Ticket"] = object(
        json!({
            "id": { "type": "integer", "format": "int64" },
            "summary": { "type": "string" },
            "status": { "type": "string", "enum": ["New", "InProgress"] },
            "board": schema_ref("BoardRef"),
            "notes": { "type": "array", "items": object(json!({ "text": { "type": "string" }, "by": { "type": "string" } }), json!([])) },
            "owner": object(json!({}), json!([])),
            "budget": { "type": "number", "format": "double", "nullable": true },
            "company": schema_ref("CompanyRef"),
        }),
        json!(["board", "company"]),
    );
    new_schemas["New2"] = json!({ "type": "string" });
    new_schemas["Alias"] = schema_ref("Other");
    new_schemas["Kind"] = json!({ "type": "array", "items": { "type": "string" } });

    let old = doc("1", json!({}), json!({ "schemas": old_schemas }));
    let new = doc("2", json!({}), json!({ "schemas": new_schemas }));
    assert_lines(
        &diff(&old, &new),
        &[
            "Breaking schema-removed Gone: object",
            "Breaking schema-type-changed Alias: Ticket → Other",
            "Breaking schema-type-changed Kind: string enum → array<string>",
            "Breaking property-removed Ticket.dateEntered: string(date-time)",
            "Breaking property-removed Ticket.owner.name: string",
            "Breaking property-added Ticket.company: required CompanyRef",
            "Breaking property-type-changed Ticket.id: integer(int32) → integer(int64)",
            // `owner` lost its only property: an object without properties is a free-form map.
            "Breaking property-type-changed Ticket.owner: object → map<string, any>",
            "Breaking property-now-required Ticket.board: optional → required",
            "Breaking property-now-optional Ticket.summary: required → optional",
            "Breaking enum-value-removed Ticket.status: \"Closed\"",
            "NonBreaking schema-added New2: string",
            "NonBreaking property-added Ticket.budget: number(double)?",
            "NonBreaking property-added Ticket.notes[].by: string",
            "NonBreaking enum-value-added Ticket.status: \"InProgress\" (forward-compat: older clients may receive it)",
        ],
    );
}

#[test]
fn unresolved_references_are_reported_not_fatal() {
    let get = |schema: Value, parameters: Value| {
        json!({ "/u": { "get": {
            "operationId": "getU",
            "parameters": parameters,
            "responses": { "200": { "description": "ok", "content": { "application/json": { "schema": schema } } } },
        } } })
    };
    // No components section at all in either document.
    let old = doc("1", get(json!({ "type": "string" }), json!([])), json!({}));
    let new = doc(
        "2",
        get(
            schema_ref("Missing"),
            json!([{ "$ref": "#/components/parameters/Nope" }]),
        ),
        json!({ "schemas": { "T": { "type": "object", "properties": {
            "list": { "type": "array", "items": { "$ref": "other.json#/Thing" } },
        } } } }),
    );
    let result = diff(&old, &new);
    assert_lines(
        &result,
        &[
            "Breaking unresolved-ref #/components/parameters/Nope: at #/paths/~1u/get/parameters/0",
            "Breaking unresolved-ref #/components/schemas/Missing: at #/paths/~1u/get/responses/200/content/application~1json/schema",
            // References to other files are not followed.
            "Breaking unresolved-ref other.json#/Thing: at #/components/schemas/T/properties/list/items",
            "Breaking response-schema-changed GET /u (getU): 200: string → Missing",
            "NonBreaking parameter-added GET /u (getU): unresolved #/components/parameters/Nope",
            "NonBreaking schema-added T: object",
        ],
    );

    // A reference broken the same way on both sides is still shown, but as a known problem.
    let again = diff(&new, &new);
    assert_lines(
        &again,
        &[
            "NonBreaking unresolved-ref #/components/parameters/Nope: at #/paths/~1u/get/parameters/0 (also unresolved in the old document)",
            "NonBreaking unresolved-ref #/components/schemas/Missing: at #/paths/~1u/get/responses/200/content/application~1json/schema (also unresolved in the old document)",
            "NonBreaking unresolved-ref other.json#/Thing: at #/components/schemas/T/properties/list/items (also unresolved in the old document)",
        ],
    );
}

#[test]
fn report_lists_breaking_changes_first() {
    // The added operation sorts first by path, the removed one last; the report still leads with the removal.
    let old = doc(
        "1.0",
        json!({ "/z-old": { "get": op("getOld") } }),
        json!({}),
    );
    let new = doc(
        "2.0",
        json!({ "/a-new": { "get": op("getNew") } }),
        json!({}),
    );
    let result = diff(&old, &new);
    assert_eq!(
        result.to_string(),
        "API diff 1.0 → 2.0: 2 changes (1 breaking, 1 non-breaking)\n\
         \x20 1 operation-removed, 1 operation-added\n\
         \n\
         BREAKING (1)\n\
         \x20 operation-removed             GET /z-old (getOld)\n\
         \n\
         NON-BREAKING (1)\n\
         \x20 operation-added               GET /a-new (getNew)\n"
    );
    assert_eq!(result.of_kind(ChangeKind::OperationRemoved).count(), 1);
    assert!(result.breaking().all(|c| c.severity == Severity::Breaking));
}

#[test]
fn report_does_not_depend_on_document_order() {
    let forward = doc(
        "1",
        json!({ "/a": { "get": op("getA") }, "/b": { "get": op("getB") } }),
        json!({ "schemas": { "A": { "type": "string" }, "B": { "type": "integer" } } }),
    );
    let backward = doc(
        "1",
        json!({ "/b": { "get": op("getB") }, "/a": { "get": op("getA") } }),
        json!({ "schemas": { "B": { "type": "integer" }, "A": { "type": "string" } } }),
    );
    let empty = doc("0", json!({}), json!({}));
    assert_eq!(
        diff(&empty, &forward).to_string(),
        diff(&empty, &backward).to_string()
    );
    assert_eq!(
        diff(&forward, &empty).to_string(),
        diff(&backward, &empty).to_string()
    );
    assert!(diff(&forward, &backward).is_empty());
}

#[test]
fn reference_chains_are_followed_and_cycles_stop() {
    let with_params = |parameters: Value| json!({ "/q": { "get": { "operationId": "getQ", "parameters": parameters, "responses": {} } } });
    let components = json!({ "parameters": {
        "Page": { "$ref": "#/components/parameters/PageImpl" },
        "PageImpl": { "name": "page", "in": "query", "schema": { "type": "integer" } },
        "LoopA": { "$ref": "#/components/parameters/LoopB" },
        "LoopB": { "$ref": "#/components/parameters/LoopA" },
    } });
    let old = doc(
        "1",
        with_params(json!([{ "$ref": "#/components/parameters/Page" }])),
        components.clone(),
    );
    let new = doc(
        "2",
        with_params(json!([
            { "name": "page", "in": "query", "schema": { "type": "integer" } },
            { "$ref": "#/components/parameters/LoopA" },
        ])),
        components,
    );
    // `Page` → `PageImpl` equals the inline parameter; the cycle is shown as unresolved instead of hanging.
    assert_lines(
        &diff(&old, &new),
        &["NonBreaking parameter-added GET /q (getQ): unresolved #/components/parameters/LoopA"],
    );
}
