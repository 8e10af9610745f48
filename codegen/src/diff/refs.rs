//! `$ref`s that point at nothing.
//!
//! The rest of the diff compares schema references by name, so it runs fine on a document with dangling
//! references; this pass makes sure such references are reported instead of silently compared. It walks the
//! typed document (every place the diff reads: component schemas, parameters, request bodies, responses and
//! their headers) rather than a generic JSON copy, which would cost more than the whole diff on a large
//! vendor document.

use std::collections::BTreeMap;

use openapiv3::{
    AdditionalProperties, Header, MediaType, OpenAPI, Operation, Parameter,
    ParameterSchemaOrContent, ReferenceOr, RequestBody, Response, Schema, SchemaKind, Type,
};

use super::describe::{unescape_pointer, MAX_DEPTH};
use super::{ChangeKind, Collector};

/// Reports the unresolvable references of the new document: breaking when the old document resolved them
/// (generation from the new one will fail), non-breaking when the old one was already broken the same way.
pub(super) fn diff_unresolved(out: &mut Collector, old: &OpenAPI, new: &OpenAPI) {
    let old_unresolved = unresolved(old);
    for (reference, location) in unresolved(new) {
        if old_unresolved.contains_key(&reference) {
            out.non_breaking(
                ChangeKind::UnresolvedRef,
                reference,
                format!("at {location} (also unresolved in the old document)"),
            );
        } else {
            out.breaking(
                ChangeKind::UnresolvedRef,
                reference,
                format!("at {location}"),
            );
        }
    }
}

/// Every reference that does not resolve, with the JSON pointer of its first use.
fn unresolved(api: &OpenAPI) -> BTreeMap<String, String> {
    let mut scan = Scan {
        api,
        found: BTreeMap::new(),
    };
    scan.document();
    scan.found
}

/// Whether a reference names an existing component. Only `#/components/{section}/{name}` is followed, as
/// vendor documents use nothing else; anything else (another file, a deeper pointer) counts as unresolved.
fn resolves(api: &OpenAPI, reference: &str) -> bool {
    let Some((section, name)) = reference
        .strip_prefix("#/components/")
        .and_then(|rest| rest.split_once('/'))
    else {
        return false;
    };
    let Some(components) = &api.components else {
        return false;
    };
    let name = unescape_pointer(name);
    match section {
        "schemas" => components.schemas.contains_key(&name),
        "parameters" => components.parameters.contains_key(&name),
        "requestBodies" => components.request_bodies.contains_key(&name),
        "responses" => components.responses.contains_key(&name),
        "headers" => components.headers.contains_key(&name),
        "examples" => components.examples.contains_key(&name),
        "links" => components.links.contains_key(&name),
        "callbacks" => components.callbacks.contains_key(&name),
        "securitySchemes" => components.security_schemes.contains_key(&name),
        _ => false,
    }
}

/// `at` + `/segment`, escaped as a JSON pointer segment.
fn child(at: &str, segment: &str) -> String {
    format!("{at}/{}", segment.replace('~', "~0").replace('/', "~1"))
}

struct Scan<'a> {
    api: &'a OpenAPI,
    found: BTreeMap<String, String>,
}

impl Scan<'_> {
    /// Checks a reference; returns the inline item, if it is one, for further walking.
    fn check<'t, T>(&mut self, item: &'t ReferenceOr<T>, at: &str) -> Option<&'t T> {
        match item {
            ReferenceOr::Item(item) => Some(item),
            ReferenceOr::Reference { reference } => {
                if !resolves(self.api, reference) && !self.found.contains_key(reference) {
                    self.found.insert(reference.clone(), at.to_owned());
                }
                None
            }
        }
    }

    fn document(&mut self) {
        let api = self.api;
        if let Some(components) = &api.components {
            let at = "#/components";
            for (name, schema) in &components.schemas {
                self.schema(schema, &child(&child(at, "schemas"), name), 0);
            }
            for (name, parameter) in &components.parameters {
                self.parameter(parameter, &child(&child(at, "parameters"), name));
            }
            for (name, body) in &components.request_bodies {
                self.request_body(body, &child(&child(at, "requestBodies"), name));
            }
            for (name, response) in &components.responses {
                self.response(response, &child(&child(at, "responses"), name));
            }
            for (name, header) in &components.headers {
                self.header(header, &child(&child(at, "headers"), name));
            }
        }
        for (path, item) in &api.paths.paths {
            let at = child("#/paths", path);
            let Some(item) = self.check(item, &at) else {
                continue;
            };
            for (index, parameter) in item.parameters.iter().enumerate() {
                self.parameter(parameter, &format!("{at}/parameters/{index}"));
            }
            for (method, operation) in item.iter() {
                self.operation(operation, &child(&at, method));
            }
        }
    }

    fn operation(&mut self, operation: &Operation, at: &str) {
        for (index, parameter) in operation.parameters.iter().enumerate() {
            self.parameter(parameter, &format!("{at}/parameters/{index}"));
        }
        if let Some(body) = &operation.request_body {
            self.request_body(body, &format!("{at}/requestBody"));
        }
        let responses = &operation.responses;
        if let Some(response) = &responses.default {
            self.response(response, &format!("{at}/responses/default"));
        }
        for (code, response) in &responses.responses {
            self.response(response, &format!("{at}/responses/{code}"));
        }
    }

    fn parameter(&mut self, parameter: &ReferenceOr<Parameter>, at: &str) {
        if let Some(parameter) = self.check(parameter, at) {
            self.schema_or_content(&parameter.parameter_data_ref().format, at);
        }
    }

    fn header(&mut self, header: &ReferenceOr<Header>, at: &str) {
        if let Some(header) = self.check(header, at) {
            self.schema_or_content(&header.format, at);
        }
    }

    fn schema_or_content(&mut self, format: &ParameterSchemaOrContent, at: &str) {
        match format {
            ParameterSchemaOrContent::Schema(schema) => {
                self.schema(schema, &format!("{at}/schema"), 0)
            }
            ParameterSchemaOrContent::Content(content) => self.content(content, at),
        }
    }

    fn request_body(&mut self, body: &ReferenceOr<RequestBody>, at: &str) {
        if let Some(body) = self.check(body, at) {
            self.content(&body.content, at);
        }
    }

    fn response(&mut self, response: &ReferenceOr<Response>, at: &str) {
        if let Some(response) = self.check(response, at) {
            for (name, header) in &response.headers {
                self.header(header, &child(&format!("{at}/headers"), name));
            }
            self.content(&response.content, at);
        }
    }

    fn content<'c>(
        &mut self,
        content: impl IntoIterator<Item = (&'c String, &'c MediaType)>,
        at: &str,
    ) {
        for (media_type, media) in content {
            if let Some(schema) = &media.schema {
                let at = child(&format!("{at}/content"), media_type);
                self.schema(schema, &format!("{at}/schema"), 0);
            }
        }
    }

    fn schema(&mut self, schema: &ReferenceOr<Schema>, at: &str, depth: usize) {
        if let Some(schema) = self.check(schema, at) {
            self.inline(schema, at, depth);
        }
    }

    fn boxed(&mut self, schema: &ReferenceOr<Box<Schema>>, at: &str, depth: usize) {
        if let Some(schema) = self.check(schema, at) {
            self.inline(schema, at, depth);
        }
    }

    fn inline(&mut self, schema: &Schema, at: &str, depth: usize) {
        if depth > MAX_DEPTH {
            return;
        }
        let depth = depth + 1;
        let members = |name: &str| format!("{at}/{name}");
        match &schema.schema_kind {
            SchemaKind::Type(Type::Object(object)) => {
                self.properties(&object.properties, at, depth);
                self.additional(object.additional_properties.as_ref(), at, depth);
            }
            SchemaKind::Type(Type::Array(array)) => {
                if let Some(items) = &array.items {
                    self.boxed(items, &members("items"), depth);
                }
            }
            SchemaKind::Type(_) => {}
            SchemaKind::OneOf { one_of } => self.list(one_of, &members("oneOf"), depth),
            SchemaKind::AllOf { all_of } => self.list(all_of, &members("allOf"), depth),
            SchemaKind::AnyOf { any_of } => self.list(any_of, &members("anyOf"), depth),
            SchemaKind::Not { not } => self.schema(not, &members("not"), depth),
            SchemaKind::Any(any) => {
                self.properties(&any.properties, at, depth);
                self.additional(any.additional_properties.as_ref(), at, depth);
                if let Some(items) = &any.items {
                    self.boxed(items, &members("items"), depth);
                }
                self.list(&any.one_of, &members("oneOf"), depth);
                self.list(&any.all_of, &members("allOf"), depth);
                self.list(&any.any_of, &members("anyOf"), depth);
                if let Some(not) = &any.not {
                    self.schema(not, &members("not"), depth);
                }
            }
        }
    }

    fn properties<'p>(
        &mut self,
        properties: impl IntoIterator<Item = (&'p String, &'p ReferenceOr<Box<Schema>>)>,
        at: &str,
        depth: usize,
    ) {
        for (name, property) in properties {
            self.boxed(property, &child(&format!("{at}/properties"), name), depth);
        }
    }

    fn additional(&mut self, additional: Option<&AdditionalProperties>, at: &str, depth: usize) {
        if let Some(AdditionalProperties::Schema(schema)) = additional {
            self.schema(schema, &format!("{at}/additionalProperties"), depth);
        }
    }

    fn list(&mut self, list: &[ReferenceOr<Schema>], at: &str, depth: usize) {
        for (index, schema) in list.iter().enumerate() {
            self.schema(schema, &format!("{at}/{index}"), depth);
        }
    }
}
