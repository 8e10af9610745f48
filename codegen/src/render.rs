//! From a prepared document to formatted Rust source: progenitor, module split, post-processing, formatting.

use std::collections::BTreeSet;

use crate::generate::{self, GenerateError, Style};
use crate::postprocess::{self, PostprocessReport};
use crate::vendor::{Corrections, ModuleSplit};
use crate::{multipart, split, Prepared};

/// One generated source file.
#[derive(Debug, Clone)]
pub struct RenderedFile {
    /// Module name inside the vendor module (`types`, `service`, …), or empty for a single-module vendor.
    pub module: String,
    /// The parsed code, for surface listings.
    pub file: syn::File,
    /// Formatted source, with the generated-code header.
    pub source: String,
    /// The coverage-walk calls for this file's operations (see [`postprocess::walk`]), if it has any.
    pub walk: Option<String>,
}

/// Everything generated for one vendor document.
#[derive(Debug, Clone)]
pub struct Rendered {
    /// The files, shared types first.
    pub files: Vec<RenderedFile>,
    /// What the post-processing passes changed.
    pub postprocess: PostprocessReport,
}

/// Which modules of a split vendor to generate.
pub type ModuleFilter<'a> = &'a dyn Fn(&str) -> bool;

/// Generates the vendor's code. For split vendors, only modules accepted by `want` are generated (the shared
/// types always are).
pub fn render(
    prepared: &Prepared,
    corrections: &Corrections,
    want: ModuleFilter<'_>,
) -> Result<Rendered, GenerateError> {
    let header = header(prepared);
    let mut report = PostprocessReport::default();
    let mut files = Vec::new();
    let envelope_guard = corrections.envelopes == Some(crate::vendor::EnvelopeStyle::Bms);
    match corrections.modules {
        ModuleSplit::Single => {
            let (mut file, walk) = generate_module(
                &prepared.spec,
                prepared.entry.vendor,
                &prepared.report.wire_aliases,
                &prepared.report.response_fields,
                envelope_guard,
                &mut report,
            )?;
            // Field paths serve the query builders: Autotask filters (BMS filters are plain parameters).
            if prepared.entry.vendor == crate::vendor::Vendor::Autotask {
                report.field_paths += postprocess::field_paths::apply(&mut file);
            }
            files.push(finish(String::new(), file, &header, walk));
        }
        ModuleSplit::FirstPathSegment => {
            let types_spec = split::types_spec(&prepared.spec);
            let mut types_file =
                syn::parse2(generate::progenitor_tokens(&types_spec, Style::Positional)?)
                    .map_err(|e| GenerateError::Unparsable(e.to_string()))?;
            keep_only_types(&mut types_file);
            let r = postprocess::apply(
                &mut types_file,
                &prepared.report.wire_aliases,
                &prepared.report.response_fields,
                envelope_guard,
            );
            report.add(&r);
            // ConnectWise conditions name fields; the shared models get typed paths for them.
            report.field_paths += postprocess::field_paths::apply(&mut types_file);
            let shared = split::type_names(&types_file);
            files.push(finish("types".into(), types_file, &header, None));
            for module in split::modules(&prepared.spec)
                .into_keys()
                .filter(|m| want(m))
            {
                let spec = split::module_spec(&prepared.spec, &module);
                let (mut file, walk) = generate_module(
                    &spec,
                    prepared.entry.vendor,
                    &prepared.report.wire_aliases,
                    &prepared.report.response_fields,
                    envelope_guard,
                    &mut report,
                )?;
                split::dedupe_types(&mut file, &shared);
                files.push(finish(module, file, &header, walk));
            }
        }
    }
    Ok(Rendered {
        files,
        postprocess: report,
    })
}

fn generate_module(
    spec: &openapiv3::OpenAPI,
    vendor: crate::vendor::Vendor,
    aliases: &crate::correct::WireAliases,
    expected: &crate::correct::ResponseFields,
    envelope_guard: bool,
    report: &mut PostprocessReport,
) -> Result<(syn::File, Option<String>), GenerateError> {
    let mut without_uploads = spec.clone();
    let uploads = multipart::extract(&mut without_uploads);
    let mut tokens = generate::progenitor_tokens(&without_uploads, Style::Builder)?;
    let problems_to_error = |p: Vec<crate::validate::Problem>| {
        GenerateError::Progenitor(
            p.iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("; "),
        )
    };
    tokens.extend(multipart::emit(&uploads).map_err(problems_to_error)?);
    let mut file: syn::File =
        syn::parse2(tokens).map_err(|e| GenerateError::Unparsable(e.to_string()))?;
    let mut r = postprocess::apply(&mut file, aliases, expected, envelope_guard);
    // The operation table is built from the document before the multipart uploads were taken out of it.
    r.hooks = postprocess::apply_client(&mut file, spec, vendor)
        .map_err(|e| GenerateError::Progenitor(e.to_string()))?;
    r.error_type = postprocess::error_type::apply(&mut file);
    let (walk, walked) = postprocess::walk::emit(&file, spec);
    r.walk = walked;
    report.add(&r);
    Ok((file, walk))
}

/// From a types-only generation, keeps the `types` module and nothing else (its client is empty).
fn keep_only_types(file: &mut syn::File) {
    file.items
        .retain(|item| matches!(item, syn::Item::Mod(m) if m.ident == "types"));
}

fn finish(module: String, file: syn::File, header: &str, walk: Option<String>) -> RenderedFile {
    let source = format!("{header}{}", prettyplease::unparse(&file));
    RenderedFile {
        module,
        file,
        source,
        walk: walk.map(|w| format!("{header}{w}")),
    }
}

fn header(prepared: &Prepared) -> String {
    format!(
        "// @generated by psa-codegen from {} ({}, sha256 {}). Do not edit: change the corrections in\n\
         // specs/corrections/ or the passes in codegen/, then rebuild.\n",
        prepared.entry.file, prepared.entry.version, prepared.sha256
    )
}

/// Names of all model types generated for a vendor (shared and per-module).
pub fn all_type_names(rendered: &Rendered) -> BTreeSet<String> {
    rendered
        .files
        .iter()
        .flat_map(|f| split::type_names(&f.file))
        .collect()
}
