//! zephr-codegen: turns an OpenAPI 3.0 or 3.1 description into a typed, request-signing Rust client
//! crate.
//!
//! The pipeline, one module per stage:
//! [`load`] (bytes → normalised document → `openapiv3`) → [`ir`] (plain data: resolved types and
//! operations with their final Rust names) → [`emit`](mod@emit) (the crate's files, in memory) →
//! [`format`](mod@format) (rustfmt) → [`write`](mod@write) (all or nothing, or a staleness check). [`diff`] compares two IRs as a change
//! report for users of the generated crate.
//!
//! Nothing here is specific to one API except defaults: the signer is chosen from the spec's
//! security scheme.

pub mod diff;
pub mod drift;
pub mod emit;
pub mod error;
pub mod files;
pub mod format;
pub mod ir;
pub mod limits;
pub mod load;
pub mod names;
pub mod options;
pub mod pointer;
pub mod text;
pub mod write;

pub use emit::ExampleException;
pub use error::{Error, Problem, SpecError, Warning};
pub use files::GeneratedFile;
pub use options::{Cli, Mcp, Options, Package, Runtime};

/// A generated crate, in memory.
#[derive(Debug, Clone)]
pub struct Generated {
    pub api: ir::Api,
    pub files: Vec<GeneratedFile>,
}

impl Generated {
    /// Things handled safely that a reviewer should know about.
    pub fn warnings(&self) -> &[Warning] {
        &self.api.warnings
    }
}

/// Builds the IR of a loaded spec (what [`generate`] does first): every type and operation with
/// its Rust name. Errors name the spec file. Only `options.strict` matters here.
pub fn build_ir(spec: &load::LoadedSpec, options: &Options) -> Result<ir::Api, Error> {
    ir::build(spec, options).map_err(|error| Error::Spec {
        file: spec.source_name.clone(),
        error,
    })
}

/// The whole crate from a loaded spec: IR, emit, format. Takes the spec to free it once the IR
/// is built: the document (twice: as JSON and as `openapiv3`) is several times the spec's size,
/// and emitting is when memory peaks.
pub fn generate(spec: load::LoadedSpec, options: &Options) -> Result<Generated, Error> {
    let api = build_ir(&spec, options)?;
    drop(spec);
    emit(api, options)
}

/// The crate's files for an IR built already (`xtask update` builds it to compare first).
pub fn emit(mut api: ir::Api, options: &Options) -> Result<Generated, Error> {
    // Examples the spec contradicts itself with: said once each, as the crate's examples test
    // lists them (unless `strict`, where they are the test's failures).
    let reviewed: std::collections::HashSet<&str> = options
        .example_exceptions
        .iter()
        .map(|e| e.pointer.as_str())
        .collect();
    let contradicted: Vec<Warning> = api
        .examples
        .iter()
        .filter(|example| !reviewed.contains(example.pointer.as_str()))
        .filter_map(|example| {
            let reason = emit::example_contradiction(&api, example)?;
            Some(Warning {
                pointer: example.pointer.clone(),
                message: format!(
                    "the example does not fit its schema ({reason}); {}",
                    if options.strict {
                        "the crate's examples test fails on it"
                    } else {
                        "the crate's examples test lists it as found at generation"
                    }
                ),
            })
        })
        .collect();
    api.warnings.extend(contradicted);
    let mut files = emit::emit(&api, options)?;
    let reuse = match &options.formatting {
        format::Formatting::Rustfmt {
            reuse: Some(out_dir),
        } => write::reusable_formatting(out_dir),
        _ => format::Reuse::default(),
    };
    format::format(&mut files, &options.formatting, &reuse)?;
    files.push(write::manifest_file(&files));
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(Generated { api, files })
}

/// The project README's Rust examples, compiled (and the complete ones run) as doctests, so the
/// README stays true to the generated crate.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;
