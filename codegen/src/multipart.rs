//! Methods for multipart uploads, which progenitor cannot generate.
//!
//! BMS uploads attachments as `multipart/form-data` with one binary part (`formFile`, `File`); ConnectWise
//! uploads documents with a binary `file` part and text fields (`recordType`, `recordId`, `title`, …).
//! progenitor rejects multipart bodies, so the `content-types` correction marks these operations and this
//! module emits their methods: the same shape as progenitor's (path parameters, the shared send tail, typed
//! `ResponseValue`). The file is a `psa_clients_runtime::upload::FilePart`, which cannot be made without a
//! file name and a content type, so the server always gets a real file part; the text fields, when the form
//! has any, are the generated model the correction named (`x-psa-form-fields`), sent one text part per field
//! that is set.

use heck::{ToPascalCase, ToSnakeCase};
use openapiv3::{OpenAPI, Operation, ReferenceOr};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::correct::content_types::{FORM_FIELDS, MULTIPART_MARKER};
use crate::validate::Problem;

/// An operation taken out of the document for this emitter.
#[derive(Debug, Clone)]
pub struct MultipartOperation {
    /// The route template.
    pub path: String,
    /// Upper-case HTTP method.
    pub method: String,
    /// The operation.
    pub operation: Operation,
}

/// Removes the multipart operations from `spec` and returns them.
pub fn extract(spec: &mut OpenAPI) -> Vec<MultipartOperation> {
    let mut out = Vec::new();
    for (path, item) in spec.paths.paths.iter_mut() {
        let ReferenceOr::Item(item) = item else {
            continue;
        };
        for (method, slot) in [
            ("POST", &mut item.post),
            ("PUT", &mut item.put),
            ("PATCH", &mut item.patch),
        ] {
            let marked = slot.as_ref().is_some_and(|op| {
                op.extensions.get(MULTIPART_MARKER) == Some(&serde_json::Value::Bool(true))
            });
            if marked {
                if let Some(operation) = slot.take() {
                    out.push(MultipartOperation {
                        path: path.clone(),
                        method: method.into(),
                        operation,
                    });
                }
            }
        }
    }
    out
}

/// Emits an `impl Client` block with one method per operation.
pub fn emit(ops: &[MultipartOperation]) -> Result<TokenStream, Vec<Problem>> {
    let mut methods = Vec::new();
    let mut problems = Vec::new();
    for op in ops {
        match emit_one(op) {
            Ok(m) => methods.push(m),
            Err(p) => problems.push(p),
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    if methods.is_empty() {
        return Ok(TokenStream::new());
    }
    Ok(quote! {
        impl Client {
            #(#methods)*
        }
    })
}

fn emit_one(op: &MultipartOperation) -> Result<TokenStream, Problem> {
    let id = op.operation.operation_id.clone().unwrap_or_default();
    let problem = |construct: &str| Problem {
        location: format!("{} {} ({id})", op.method, op.path),
        construct: construct.into(),
    };
    let mut path_params = Vec::new();
    for p in &op.operation.parameters {
        match p {
            ReferenceOr::Item(openapiv3::Parameter::Path { parameter_data, .. }) => {
                path_params.push(parameter_data.name.clone())
            }
            _ => return Err(problem("multipart upload with a non-path parameter")),
        }
    }
    // The URL is formatted with the placeholders in template order, so the arguments take that order too (BMS
    // declares `objectId` before `moduleId` for `/attachments/{moduleId}/{objectId}`: in declaration order,
    // the object id landed in the module's place).
    path_params.sort_by_key(|p| op.path.find(&format!("{{{p}}}")).unwrap_or(usize::MAX));
    let body = match &op.operation.request_body {
        Some(ReferenceOr::Item(body)) => body,
        _ => return Err(problem("multipart upload without an inline request body")),
    };
    let schema = body
        .content
        .get("multipart/form-data")
        .and_then(|m| m.schema.as_ref());
    let object = match schema {
        Some(ReferenceOr::Item(s)) => match &s.schema_kind {
            openapiv3::SchemaKind::Type(openapiv3::Type::Object(obj)) => Some((s, obj)),
            _ => None,
        },
        _ => None,
    };
    let (schema, field) = object
        .and_then(|(s, obj)| match obj.properties.len() {
            1 => obj.properties.keys().next().map(|k| (s, k.clone())),
            _ => None,
        })
        .ok_or_else(|| {
            problem("multipart body is not an object with exactly one binary property")
        })?;
    // The model of the form's text fields, when the correction split them off (`$ref` to a component).
    let fields_type = match schema.schema_data.extensions.get(FORM_FIELDS) {
        None => None,
        Some(value) => Some(
            value
                .get("$ref")
                .and_then(serde_json::Value::as_str)
                .and_then(|r| r.strip_prefix("#/components/schemas/"))
                .ok_or_else(|| problem("multipart form fields are not a component `$ref`"))?
                .to_owned(),
        ),
    };
    let response = op
        .operation
        .responses
        .responses
        .iter()
        .find(|(s, _)| matches!(s, openapiv3::StatusCode::Code(200..=299)))
        .and_then(|(_, r)| r.as_item())
        .and_then(|r| r.content.get("application/json"))
        .and_then(|m| m.schema.as_ref())
        .and_then(|s| match s {
            ReferenceOr::Reference { reference } => Some(reference.as_str()),
            ReferenceOr::Item(_) => None,
        })
        .and_then(|r| r.strip_prefix("#/components/schemas/"))
        .ok_or_else(|| problem("multipart upload without a JSON success response"))?;

    // The operation id hooks see is the method name, as in progenitor's own methods.
    let snake_id = id.to_snake_case();
    let method_name = format_ident!("{}", snake_id);
    let response_type = format_ident!("{}", response.to_pascal_case());
    let file_ident = format_ident!("{}", field.to_snake_case());
    let param_idents: Vec<_> = path_params
        .iter()
        .map(|p| format_ident!("{}", p.to_snake_case()))
        .collect();
    let mut fmt = op.path.clone();
    for p in &path_params {
        fmt = fmt.replace(&format!("{{{p}}}"), "{}");
    }
    let http = format_ident!("{}", op.method.to_lowercase());
    let fields_doc = match &fields_type {
        Some(ty) => format!(
            " Each field of `fields` ([`types::{}`]) that is set is sent as a text part under its wire name.",
            ty.to_pascal_case()
        ),
        None => String::new(),
    };
    let doc = format!(
        "`{} {}`{}\n\nMultipart upload: `{}` is sent as the file part `{field}`, with its file name and content type.{fields_doc}",
        op.method,
        op.path,
        op.operation
            .summary
            .as_deref()
            .map(|s| format!(": {s}"))
            .unwrap_or_default(),
        field.to_snake_case()
    );
    let (fields_param, fields_parts) = match &fields_type {
        Some(ty) => {
            let ty = format_ident!("{}", ty.to_pascal_case());
            (
                quote!(fields: types::#ty,),
                quote! {
                    for (name, value) in ::psa_clients_runtime::upload::text_fields(&fields)? {
                        form = form.text(name, value);
                    }
                },
            )
        }
        None => (TokenStream::new(), TokenStream::new()),
    };
    Ok(quote! {
        #[doc = #doc]
        pub async fn #method_name<'a>(
            &'a self,
            #(#param_idents: impl ::std::fmt::Display,)*
            #file_ident: ::psa_clients_runtime::upload::FilePart,
            #fields_param
        ) -> Result<ResponseValue<types::#response_type>, ::psa_clients_runtime::Error> {
            let url = format!(concat!("{}", #fmt), self.baseurl, #(encode_path(&#param_idents.to_string()),)*);
            #[allow(unused_mut)]
            let mut form = reqwest::multipart::Form::new();
            #fields_parts
            let form = form.part(#field, #file_ident.into_part()?);
            #[allow(unused_mut)]
            let mut request = self
                .client
                .#http(url)
                .header(reqwest::header::ACCEPT, reqwest::header::HeaderValue::from_static("application/json"))
                .multipart(form)
                .build()?;
            let info = OperationInfo { operation_id: #snake_id };
            self.inner
                .send_json(request, ::psa_clients_runtime::send_tail::OperationRef { id: info.operation_id, table: OPERATIONS })
                .await
        }
    })
}
