//! zephr-codegen: turns an OpenAPI 3.0 or 3.1 description into a typed, request-signing Rust client
//! crate.
//!
//! The pipeline, one module per stage:
//! [`load`] (bytes → normalised document → `openapiv3`) → [`ir`] (plain data: resolved types and
//! operations with their final Rust names) → [`emit`] (the crate's files, in memory) →
//! [`format`](mod@format) (rustfmt) → [`write`](mod@write) (all or nothing, or a staleness check). [`diff`] compares two IRs as a change
//! report for users of the generated crate.
//!
//! Nothing here is specific to one API except defaults: the signer is chosen from the spec's
//! security scheme.

pub mod diff;
pub mod drift;
pub mod emit;
pub mod error;
pub mod format;
pub mod ir;
pub mod limits;
pub mod load;
pub mod names;
pub mod pointer;
pub mod write;

use std::path::Path;

pub use emit::{ExampleException, GeneratedFile, Options, Package, Runtime};
pub use error::{Error, Problem, SpecError, Warning};

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

/// How forgiving the generator is.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Settings {
    /// Small defects of real specs (a path variable no parameter declares, a `$ref` to a request
    /// body where a response belongs, …) are errors instead of warnings with a safe default.
    pub strict: bool,
}

/// Builds the IR of a loaded spec, with errors naming the spec file.
pub fn build_ir(spec: &load::LoadedSpec) -> Result<ir::Api, Error> {
    build_ir_with(spec, &Settings::default())
}

/// [`build_ir`] with explicit settings.
pub fn build_ir_with(spec: &load::LoadedSpec, settings: &Settings) -> Result<ir::Api, Error> {
    ir::build(spec, settings).map_err(|error| Error::Spec {
        file: spec.source_name.clone(),
        error,
    })
}

/// Loads, builds and emits: every file of the crate, or the first error.
pub fn generate(spec: &load::LoadedSpec, options: &Options) -> Result<Generated, Error> {
    generate_with(spec, options, &Settings::default())
}

/// [`generate`] with explicit settings.
pub fn generate_with(
    spec: &load::LoadedSpec,
    options: &Options,
    settings: &Settings,
) -> Result<Generated, Error> {
    let api = build_ir_with(spec, settings)?;
    emit_crate(api, options)
}

/// [`generate_with`] that takes the loaded spec and frees it once the IR is built: the document
/// (twice: as JSON and as `openapiv3`) is several times the spec's size, and emitting is when
/// memory peaks.
pub fn generate_owned(
    spec: load::LoadedSpec,
    options: &Options,
    settings: &Settings,
) -> Result<Generated, Error> {
    let api = build_ir_with(&spec, settings)?;
    drop(spec);
    emit_crate(api, options)
}

/// Emits, formats and lists the files of the crate for an IR built already.
pub fn generate_from_ir(api: ir::Api, options: &Options) -> Result<Generated, Error> {
    emit_crate(api, options)
}

fn emit_crate(api: ir::Api, options: &Options) -> Result<Generated, Error> {
    let mut files = emit::emit(&api, options)?;
    format::format(&mut files, &options.formatting)?;
    files.push(write::manifest_file(&files));
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(Generated { api, files })
}

/// [`generate`] from a spec file.
pub fn generate_file(spec: &Path, options: &Options) -> Result<Generated, Error> {
    generate(&load::load_file(spec)?, options)
}

/// The project README's Rust examples, compiled (and the complete ones run) as doctests, so the
/// README stays true to the generated crate.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;
