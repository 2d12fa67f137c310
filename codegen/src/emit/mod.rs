//! Stage 3: IR → the files of the generated crate, all in memory.
//!
//! Rust files are built with `quote`, checked by parsing them with `syn` and pretty-printed with
//! `prettyplease`, in parallel (`jobs.rs`); `Cargo.toml` and `README.md` come from minijinja
//! templates (`templates.rs`); the runtime (transport, signing, errors) is copied from the
//! `codegen-runtime` crate (`runtime.rs`). Every file starts with the "generated, do not edit"
//! preamble; the spec's version and hash are constants of `lib.rs` only
//! (`support/preamble.rs`). The `format` stage (rustfmt) runs after this one.
//!
//! The modules here, by what they write:
//! - the crate's Rust files, one emitter each: `client` (`src/client.rs`, `src/lib.rs`),
//!   `types` (`src/types.rs`, with `models` for structs), `operations` (`src/apis/*.rs`, with
//!   `pagination`), `testing` (`src/testing/`, the typed test server), `front`
//!   (`src/operations.rs` and `src/main.rs`: the table and dispatch of the command line and the
//!   MCP server), `spec_examples` (`tests/examples.rs`);
//! - its other files: `templates` (`Cargo.toml`, `README.md`, `rustfmt.toml`, the runtime's
//!   modules as `runtime` chooses them);
//! - not part of the crate: `conformance` (the driver `cargo xtask conformance` builds);
//! - how they are made: `jobs` (building and formatting in parallel), `verify` (the last check
//!   of every file), and `support`, what the emitters share (names and paths, doc comments,
//!   feature gates, the preamble, sample values).

use std::path::PathBuf;

use crate::error::Error;
use crate::ir::Api;

mod client;
mod conformance;
mod front;
mod jobs;
mod models;
mod operations;
mod pagination;
mod runtime;
mod spec_examples;
mod support;
mod templates;
mod testing;
mod types;
mod verify;

pub use crate::files::GeneratedFile;
pub use crate::options::ExampleException;
pub use crate::options::{Options, Package, RUST_VERSION, Runtime};
pub use conformance::driver as conformance_driver;
pub use jobs::stages;
pub use runtime::runtime_paths;
pub(crate) use runtime::{has_string_enums, paginates, uses_zephr_hmac};
pub use spec_examples::contradiction as example_contradiction;
pub use support::preamble::DO_NOT_EDIT;
use support::preamble::{Comment, preamble};

/// Every file of the crate, sorted by path: the Rust files (built and formatted in parallel, see
/// `jobs.rs`), then the others (`templates.rs`), all checked by the verify stage together.
pub fn emit(api: &Api, options: &Options) -> Result<Vec<GeneratedFile>, Error> {
    options.validate()?;
    let preamble = preamble(api, Comment::Slashes);
    let rust = jobs::rust_files_formatted(api, options, &preamble)?;
    let rust_checked: std::collections::HashSet<PathBuf> =
        rust.iter().map(|file| file.path.clone()).collect();
    let mut files = templates::text_files(api, options, &preamble)?;
    files.extend(rust);
    files.sort_by(|a, b| a.path.cmp(&b.path));
    verify::files(&files, &rust_checked.iter().map(PathBuf::as_path).collect())?;
    Ok(files)
}

/// Checks the final text of a Rust file (it parses; nothing invisible or out of place), as for
/// every file before it is written.
pub(crate) fn verify_rust(what: &str, contents: &str) -> Result<(), Error> {
    verify::text(what, contents)?;
    verify::rust(what, contents)
}
