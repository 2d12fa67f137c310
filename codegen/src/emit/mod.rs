//! Stage 3: IR → the files of the generated crate, all in memory.
//!
//! Rust files are built with `quote`, checked by parsing them with `syn` and formatted with
//! `prettyplease`; `Cargo.toml` and `README.md` come from minijinja templates; the runtime
//! (transport, signing, errors) is copied from the `codegen-runtime` crate (see `emit/runtime.rs`). Every
//! file starts with the "generated, do not edit" preamble naming the spec version and hash.

use std::path::PathBuf;

use minijinja::{Environment, context};
use proc_macro2::TokenStream;

use crate::error::Error;
use crate::ir::{Api, Auth};

mod client;
mod conformance;
mod docs;
mod examples_test;
mod features;
mod models;
mod operations;
mod pagination;
mod preamble;
mod runtime;
mod rust;
mod sample;
mod test_server;
mod testing;
mod text;
mod types;
mod verify;

pub use conformance::driver as conformance_driver;
pub use examples_test::ExampleException;
pub use preamble::DO_NOT_EDIT;
use preamble::{Comment, preamble};
pub(crate) use text::is_hazard;

/// What the generated crate is called and versioned as.
#[derive(Debug, Clone)]
pub struct Options {
    /// Cargo package name (`generated-client`).
    pub crate_name: String,
    /// Cargo package version.
    pub crate_version: String,
    /// The rest of the package's metadata.
    pub package: Package,
    /// Examples known to contradict their schema (see [`ExampleException`]).
    pub example_exceptions: Vec<ExampleException>,
    /// How the generated Rust is formatted (rustfmt for what is written; tests that only look
    /// at the code may skip it).
    pub formatting: crate::format::Formatting,
}

/// Package metadata of the generated crate (`[package]` of `spec/codegen.toml`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case", default)]
pub struct Package {
    /// SPDX license expression.
    pub license: String,
    pub repository: Option<String>,
    /// Whether `cargo publish` may publish it (off by default: a generated client is usually
    /// vendored, not published).
    pub publish: bool,
    /// Replaces the description made from the spec's title.
    pub description: Option<String>,
}

impl Default for Package {
    fn default() -> Self {
        Package {
            license: "MIT OR Apache-2.0".to_owned(),
            repository: None,
            publish: false,
            description: None,
        }
    }
}

/// The oldest Rust the generated code compiles with: edition 2024 with `let` chains (1.88).
/// Clippy's `incompatible_msrv` lint holds the standard library APIs the runtime uses to it.
pub const RUST_VERSION: &str = "1.88";

impl Options {
    /// Checks the options that end up in generated files (the package name is also a Rust
    /// identifier in the generated tests; the version must be one cargo accepts).
    pub fn validate(&self) -> Result<(), Error> {
        let invalid = |what: &str, message: String| {
            Err(Error::Input {
                what: what.to_owned(),
                message,
            })
        };
        let name = &self.crate_name;
        let valid_name = name.len() <= 64
            && name.starts_with(|c: char| c.is_ascii_alphabetic())
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        let ident = name.replace('-', "_");
        if !valid_name
            || crate::names::snake(&ident) != ident
            || ["std", "core", "alloc", "test", "proc_macro"].contains(&ident.as_str())
        {
            return invalid(
                "the crate name",
                format!(
                    "`{}` is not a usable package name: ASCII letters, digits, `-` and `_`, starting with a letter, at most 64 characters, not a Rust keyword or a standard crate's name",
                    text::one_line(name)
                ),
            );
        }
        if !is_semver(&self.crate_version) {
            return invalid(
                "the crate version",
                format!(
                    "`{}` is not a semantic version (MAJOR.MINOR.PATCH)",
                    text::one_line(&self.crate_version)
                ),
            );
        }
        let license_ok = !self.package.license.is_empty()
            && self.package.license.len() <= 200
            && self
                .package
                .license
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || " .-+()".contains(c));
        if !license_ok {
            return invalid(
                "the crate license",
                format!(
                    "`{}` is not an SPDX license expression",
                    text::one_line(&self.package.license)
                ),
            );
        }
        if let Some(repository) = &self.package.repository
            && !(repository.starts_with("https://") || repository.starts_with("http://"))
        {
            return invalid(
                "the crate repository",
                format!("`{}` is not an http(s) URL", text::one_line(repository)),
            );
        }
        Ok(())
    }
}

/// `MAJOR.MINOR.PATCH`, optionally with `-pre` and `+build` parts made of `[0-9A-Za-z.-]`.
fn is_semver(version: &str) -> bool {
    let (core, rest) = match version.find(['-', '+']) {
        Some(i) => (&version[..i], &version[i..]),
        None => (version, ""),
    };
    let numbers: Vec<&str> = core.split('.').collect();
    numbers.len() == 3
        && numbers.iter().all(|n| {
            !n.is_empty()
                && n.len() <= 20
                && n.bytes().all(|b| b.is_ascii_digit())
                && (n.len() == 1 || !n.starts_with('0'))
        })
        && rest.len() <= 64
        && rest[rest.len().min(1)..]
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-' || b == b'+')
}

impl Default for Options {
    fn default() -> Self {
        Options {
            crate_name: "generated-client".to_owned(),
            crate_version: "0.1.0".to_owned(),
            package: Package::default(),
            example_exceptions: Vec::new(),
            formatting: crate::format::Formatting::default(),
        }
    }
}

/// One file of the generated crate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedFile {
    /// Relative to the crate's root.
    pub path: PathBuf,
    pub contents: String,
    /// For a Rust file formatted by rustfmt: the SHA-256 of its text before, which the output's
    /// manifest records so that the file is not formatted again while that text stays the same
    /// (see [`format`](crate::format)).
    pub source_sha256: Option<String>,
}

impl GeneratedFile {
    pub(crate) fn new(path: impl Into<PathBuf>, contents: String) -> Self {
        GeneratedFile {
            path: path.into(),
            contents,
            source_sha256: None,
        }
    }
}

/// Checks the final text of a Rust file (it parses; nothing invisible or out of place), as for
/// every file before it is written.
pub(crate) fn verify_rust(what: &str, contents: &str) -> Result<(), Error> {
    verify::text(what, contents)?;
    verify::rust(what, contents)
}

/// `message` (a tool's output, say) with control and invisible characters made visible.
pub(crate) fn printable_message(message: &str) -> String {
    text::visible(message).into_owned()
}

/// Where the runtime's modules go in a generated crate (`src/transport.rs`, …): copies of
/// `codegen/runtime/src`, the same for every spec.
pub fn runtime_paths() -> Vec<&'static str> {
    runtime::FILES.iter().map(|file| file.path).collect()
}

/// Whether an operation pages, so the crate needs the runtime's `paginate` module.
pub(crate) fn paginates(api: &Api) -> bool {
    api.operations.iter().any(|op| op.pagination.is_some())
}

/// Whether the crate has structs, so needs the runtime's `model` module.
pub(crate) fn has_structs(api: &Api) -> bool {
    api.types
        .iter()
        .any(|def| matches!(def.kind, crate::ir::TypeKind::Struct(_)))
}

/// Whether the crate has `oneOf`/`anyOf` enums, so needs the runtime's `one_of` module.
pub(crate) fn has_one_ofs(api: &Api) -> bool {
    api.types
        .iter()
        .any(|def| matches!(def.kind, crate::ir::TypeKind::OneOf(_)))
}

/// Whether the crate has string enums, so needs the runtime's `string_enum` module.
pub(crate) fn has_string_enums(api: &Api) -> bool {
    api.types
        .iter()
        .any(|def| matches!(def.kind, crate::ir::TypeKind::Enum(_)))
}

/// Whether the spec's security scheme is Zephr's, so the crate needs its signer.
pub(crate) fn uses_zephr_hmac(api: &Api) -> bool {
    matches!(api.auth, Auth::ZephrHmac { .. })
}

/// Every file of the crate, sorted by path.
///
/// The Rust files are independent of each other, so they are built and formatted on all cores
/// (parsing and pretty-printing is most of the time). Each worker does both for its files:
/// token streams cannot cross threads. The result does not depend on how work was shared.
pub fn emit(api: &Api, options: &Options) -> Result<Vec<GeneratedFile>, Error> {
    options.validate()?;
    let preamble = preamble(api, Comment::Slashes);
    let jobs = rust_files(api);
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(jobs.len())
        .max(1);
    let next = std::sync::atomic::AtomicUsize::new(0);
    let results: Vec<Vec<(usize, Result<GeneratedFile, Error>)>> = std::thread::scope(|scope| {
        let handles = (0..workers)
            .map(|_| {
                // syn and prettyplease recurse over the code's nesting, which a spec controls
                // (up to the load stage's depth limit): give them a main thread's stack.
                std::thread::Builder::new()
                    .stack_size(WORKER_STACK)
                    .spawn_scoped(scope, || {
                        let mut done = Vec::new();
                        // Largest files first (see `rust_files`), each to whichever worker is free.
                        loop {
                            let index = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                            let Some(job) = jobs.get(index) else { break };
                            let file = job.render(api, options).and_then(|(tokens, table)| {
                                formatted(job.path(), job.preamble(&preamble), tokens, &table)
                            });
                            done.push((index, file));
                        }
                        done
                    })
            })
            .collect::<Result<Vec<_>, _>>();
        let handles = match handles {
            Ok(handles) => handles,
            Err(e) => {
                return vec![vec![(
                    0,
                    Err(Error::Render {
                        what: "worker threads".to_owned(),
                        message: e.to_string(),
                    }),
                )]];
            }
        };
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    });
    let mut rust: Vec<(usize, Result<GeneratedFile, Error>)> =
        results.into_iter().flatten().collect();
    rust.sort_by_key(|(index, _)| *index);
    let mut files = text_files(api, options, &preamble)?;
    let mut rust_checked = std::collections::HashSet::new();
    for file in assemble(
        rust.into_iter()
            .map(|(_, file)| file)
            .collect::<Result<Vec<_>, _>>()?,
    ) {
        rust_checked.insert(file.path.clone());
        files.push(file);
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    verify::files(&files, &rust_checked.iter().map(PathBuf::as_path).collect())?;
    Ok(files)
}

/// Stack of each emit worker.
const WORKER_STACK: usize = 16 * 1024 * 1024;

/// One Rust file of the crate, or one part of it, built from the IR.
enum RustFile<'a> {
    /// A part of `src/types.rs` (see [`types::part`]).
    Types(usize),
    Examples,
    Group(&'a crate::ir::Group),
    Client,
    Lib,
    ApisMod,
    /// `src/testing/mod.rs`: the test server (feature `testing`).
    TestingMod,
    /// `src/testing/<group>.rs`: a group's stubs.
    TestingGroup(&'a crate::ir::Group),
    /// `examples/test-server.rs`: the test server as a process.
    TestServerExample,
}

/// Every Rust file (the parts of `types.rs` in their order, not always next to each other), roughly largest
/// first so parallel workers finish together.
fn rust_files(api: &Api) -> Vec<RustFile<'_>> {
    // Rough output per item, measured on Stripe: 1.7 kB per type, 6 kB per operation. It only
    // decides which worker formats what, never the output.
    let types = (0..types::parts(api)).map(|part| {
        let count = api
            .types
            .len()
            .saturating_sub(part * types::TYPES_PER_PART)
            .min(types::TYPES_PER_PART);
        (count * 17 / 10, RustFile::Types(part))
    });
    let groups = api
        .groups
        .iter()
        .map(|g| (g.operations.len() * 6, RustFile::Group(g)));
    let stubs = api
        .groups
        .iter()
        .map(|g| (g.operations.len() * 3, RustFile::TestingGroup(g)));
    let mut sized: Vec<(usize, RustFile<'_>)> = types.chain(groups).chain(stubs).collect();
    sized.sort_by_key(|(size, _)| std::cmp::Reverse(*size)); // stable: the parts stay in order
    let mut jobs = vec![RustFile::Examples];
    jobs.extend(sized.into_iter().map(|(_, job)| job));
    jobs.extend([
        RustFile::TestingMod,
        RustFile::Client,
        RustFile::Lib,
        RustFile::ApisMod,
        RustFile::TestServerExample,
    ]);
    jobs
}

/// The formatted files with the parts of one file joined into it, in job order (the parts of a
/// file keep their order there, though other jobs may come between them: see [`rust_files`]). Each part was parsed on its own, the first with the preamble:
/// a file is inner attributes then items, a part ends where an item ends (it parsed), and only
/// the first part has inner attributes, so the joined text parses as a file too.
fn assemble(formatted: Vec<GeneratedFile>) -> Vec<GeneratedFile> {
    let mut files: Vec<GeneratedFile> = Vec::with_capacity(formatted.len());
    let mut by_path: std::collections::HashMap<PathBuf, usize> = std::collections::HashMap::new();
    for file in formatted {
        match by_path.get(&file.path) {
            Some(&at) => files[at].contents.push_str(&file.contents),
            None => {
                by_path.insert(file.path.clone(), files.len());
                files.push(file);
            }
        }
    }
    files
}

impl RustFile<'_> {
    fn path(&self) -> PathBuf {
        PathBuf::from(match self {
            RustFile::Types(_) => "src/types.rs".to_owned(),
            RustFile::Examples => "tests/examples.rs".to_owned(),
            RustFile::Group(group) => format!("src/apis/{}.rs", crate::names::unraw(&group.module)),
            RustFile::Client => "src/client.rs".to_owned(),
            RustFile::Lib => "src/lib.rs".to_owned(),
            RustFile::ApisMod => "src/apis/mod.rs".to_owned(),
            RustFile::TestingMod => "src/testing/mod.rs".to_owned(),
            RustFile::TestingGroup(group) => {
                format!("src/testing/{}.rs", crate::names::unraw(&group.module))
            }
            RustFile::TestServerExample => "examples/test-server.rs".to_owned(),
        })
    }

    /// What goes before the formatted code: the preamble, except on the parts after a file's
    /// first.
    fn preamble<'p>(&self, preamble: &'p str) -> Option<&'p str> {
        match self {
            RustFile::Types(part) if *part > 0 => None,
            _ => Some(preamble),
        }
    }

    /// The file's code as tokens, and text to append after it once formatted (a data table).
    fn render(&self, api: &Api, options: &Options) -> Result<(TokenStream, String), Error> {
        let code = match self {
            RustFile::Types(part) => types::part(api, *part)?,
            RustFile::Examples => {
                let krate = options.crate_name.replace('-', "_");
                return examples_test::file(api, &krate, &options.example_exceptions);
            }
            RustFile::Group(group) => operations::group_file(api, group),
            RustFile::Client => client::client_file(api),
            RustFile::Lib => client::lib_file(api, options),
            RustFile::ApisMod => operations::mod_file(api),
            RustFile::TestingMod => testing::mod_file(api, options),
            RustFile::TestingGroup(group) => testing::group_file(api, group),
            RustFile::TestServerExample => test_server::example_file(options),
        };
        Ok((code, String::new()))
    }
}

/// A Rust file from its tokens: pretty-printed, preamble in front, `table` after, and the
/// whole text parsed again (the verify stage's check, done here so it runs on the workers).
fn formatted(
    path: PathBuf,
    preamble: Option<&str>,
    tokens: TokenStream,
    table: &str,
) -> Result<GeneratedFile, Error> {
    let what = path.display().to_string();
    let mut contents = rust::format_file(&what, preamble, tokens)?;
    contents.push_str(table);
    verify::rust(&what, &contents)?;
    Ok(GeneratedFile::new(path, contents))
}

/// The files that are not built from tokens: the runtime, `Cargo.toml`, `README.md`.
fn text_files(api: &Api, options: &Options, preamble: &str) -> Result<Vec<GeneratedFile>, Error> {
    let mut files: Vec<GeneratedFile> = runtime::FILES
        .iter()
        .filter(|file| file.is_needed(api))
        .map(|file| GeneratedFile::new(file.path, format!("{preamble}\n{}", file.source())))
        .collect();
    files.push(GeneratedFile::new(
        "rustfmt.toml",
        crate::format::RUSTFMT_TOML.to_owned(),
    ));
    files.push(GeneratedFile::new("Cargo.toml", cargo_toml(api, options)?));
    files.push(GeneratedFile::new("README.md", readme(api, options)?));
    Ok(files)
}

/// The stages of [`emit`] one at a time on one thread, for measuring where time goes: the Rust
/// files as token streams (`quote`), then each parsed and pretty-printed (`syn`, `prettyplease`).
pub mod stages {
    use super::*;

    /// The Rust files as token streams (and appended text).
    pub struct Tokens(Vec<(PathBuf, bool, TokenStream, String)>, String);

    pub fn tokens(api: &Api, options: &Options) -> Result<Tokens, Error> {
        let files = rust_files(api)
            .iter()
            .map(|job| {
                let (tokens, table) = job.render(api, options)?;
                Ok((job.path(), job.preamble("").is_some(), tokens, table))
            })
            .collect::<Result<_, Error>>()?;
        Ok(Tokens(files, preamble(api, Comment::Slashes)))
    }

    pub fn format(tokens: Tokens) -> Result<Vec<GeneratedFile>, Error> {
        let Tokens(files, preamble) = tokens;
        let formatted = files
            .into_iter()
            .map(|(path, first, tokens, table)| {
                formatted(path, first.then_some(preamble.as_str()), tokens, &table)
            })
            .collect::<Result<_, Error>>()?;
        Ok(assemble(formatted))
    }
}

fn render_template(what: &str, template: &str, ctx: minijinja::Value) -> Result<String, Error> {
    let mut env = Environment::new();
    env.set_keep_trailing_newline(true);
    // Every value from the spec goes through the filter of the context it lands in.
    env.add_filter("toml", |value: String| text::toml_str(&value));
    env.add_filter("md_text", |value: String| text::markdown_text(&value));
    env.add_filter("md_code", |value: String| text::markdown_code(&value));
    env.add_filter("md_cell", |value: String| text::markdown_code_cell(&value));
    env.render_str(template, ctx).map_err(|e| Error::Render {
        what: what.to_owned(),
        message: e.to_string(),
    })
}

fn cargo_toml(api: &Api, options: &Options) -> Result<String, Error> {
    render_template(
        "Cargo.toml",
        include_str!("templates/Cargo.toml.j2"),
        context! {
            preamble => preamble(api, Comment::Hash),
            crate_name => options.crate_name,
            crate_version => options.crate_version,
            rust_version => RUST_VERSION,
            license => options.package.license,
            repository => options.package.repository,
            publish => options.package.publish,
            description => options.package.description.clone().unwrap_or_else(|| format!("Typed client for the {} API ({}), generated from its OpenAPI description", api.title, api.version)),
            zephr_hmac => uses_zephr_hmac(api),
            base64 => uses_base64(api),
            paginate => paginates(api),
            tag_features => features::table(api).0,
            all_feature => crate::ir::ALL_FEATURE,
        },
    )
}

/// Whether a parameter is encoded with Base64 (which needs the `base64` crate).
/// Whether a response has an envelope, so the crate needs the runtime's `envelope` module.
pub(crate) fn has_envelopes(api: &Api) -> bool {
    api.operations
        .iter()
        .flat_map(|op| &op.success)
        .any(|case| case.envelope.is_some())
}

pub(crate) fn uses_base64(api: &Api) -> bool {
    api.operations.iter().flat_map(|op| &op.params).any(|p| {
        matches!(&p.ty, crate::ir::ParamType::Encoded { typed: Some(t), .. } if t.encoding == crate::ir::Encoding::Base64Json)
    })
}

fn readme(api: &Api, options: &Options) -> Result<String, Error> {
    let krate = options.crate_name.replace('-', "_");
    let usage = client::usage_example(api, &krate).join("\n");
    // A fence longer than any run of backticks in the code, which holds spec text in strings.
    let longest = usage.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest.max(2) + 1);
    let operations: Vec<minijinja::Value> = api
        .operations
        .iter()
        .map(|op| {
            let group = &api.groups[op.group];
            context! {
                group => crate::names::unraw(&group.accessor),
                method => crate::names::unraw(&op.method_name),
                http => format!("{} {}", op.method, op.path),
            }
        })
        .collect();
    render_template(
        "README.md",
        include_str!("templates/README.md.j2"),
        context! {
            preamble => preamble(api, Comment::Html),
            crate_name => options.crate_name,
            title => api.title,
            operation_count => api.operations.len(),
            type_count => api.types.len(),
            groups => api.groups.iter().map(|g| g.tag.clone()).collect::<Vec<_>>(),
            zephr_hmac => matches!(api.auth, Auth::ZephrHmac { .. }),
            usage => usage,
            fence => fence,
            operations => operations,
        },
    )
}
