//! The Rust files of the crate, built from the IR and formatted in parallel: each [`RustFile`]
//! is a job (a file, or a part of the large `types.rs`) that renders its tokens, pretty-prints
//! and re-parses them on a worker of a [`rayon`] pool. rayon replaced hand-written scoped
//! threads (the workers' stack size and panics carried over, in a well-kept crate); each
//! worker takes the next job from a counter, largest first.

use std::path::PathBuf;

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use proc_macro2::TokenStream;

use super::support::rust;
use super::{
    GeneratedFile, Options, client, front, operations, spec_examples, testing, types, verify,
};
use crate::error::Error;
use crate::ir::Api;

/// Every Rust file of the crate, formatted, the parts of a file joined, in job order.
///
/// The Rust files are independent of each other, so they are built and formatted on all cores
/// (parsing and pretty-printing is most of the time). Each worker does both for its files:
/// token streams cannot cross threads. The result does not depend on how work was shared.
pub(super) fn rust_files_formatted(
    api: &Api,
    options: &Options,
    preamble: &str,
) -> Result<Vec<GeneratedFile>, Error> {
    let jobs = rust_files(api);
    // syn and prettyplease recurse over the code's nesting, which a spec controls (up to the
    // load stage's depth limit): workers get a main thread's stack.
    let pool = rayon::ThreadPoolBuilder::new()
        .stack_size(WORKER_STACK)
        .build()
        .map_err(|e| Error::Render {
            what: "worker threads".to_owned(),
            message: e.to_string(),
        })?;
    // Each worker takes the next job in order, largest first (`rust_files`), so the big parts
    // of `types.rs` start at once and the small files fill in around them. (A parallel
    // iterator splits the list into halves, one per worker: the big jobs then queue on one core
    // while the other finishes early; on the Zephr spec that was about 20% more wall time.)
    let next = AtomicUsize::new(0);
    let slots: Vec<Mutex<Option<Result<GeneratedFile, Error>>>> =
        jobs.iter().map(|_| Mutex::new(None)).collect();
    pool.broadcast(|_| {
        loop {
            let at = next.fetch_add(1, Ordering::Relaxed);
            let Some(job) = jobs.get(at) else { break };
            let done = job.render(api, options).and_then(|(tokens, table)| {
                formatted(job.path(), job.preamble(preamble), tokens, &table)
            });
            *slots[at].lock().unwrap_or_else(|e| e.into_inner()) = Some(done);
        }
    });
    let formatted = slots
        .into_iter()
        .map(|slot| {
            slot.into_inner()
                .unwrap_or_else(|e| e.into_inner())
                .expect("every job ran")
        })
        .collect::<Result<Vec<_>, Error>>()?;
    Ok(assemble(formatted))
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
    /// `src/operations.rs`: the operations as data and their dispatch (features `cli`, `mcp`).
    Operations,
    /// `src/main.rs`: the command line (feature `cli`).
    Main,
    /// `tests/cli.rs`: every operation from the command line (feature `cli`).
    CliTest,
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
    let mut jobs = vec![RustFile::Operations, RustFile::Examples];
    jobs.extend(sized.into_iter().map(|(_, job)| job));
    jobs.extend([
        RustFile::TestingMod,
        RustFile::Client,
        RustFile::Lib,
        RustFile::ApisMod,
        RustFile::Main,
        RustFile::CliTest,
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
            Some(&at) => {
                // Parts end and start with whole items: a blank line between, as in one file.
                files[at].contents.push('\n');
                files[at].contents.push_str(&file.contents);
            }
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
            RustFile::Operations => "src/operations.rs".to_owned(),
            RustFile::Main => "src/main.rs".to_owned(),
            RustFile::CliTest => "tests/cli.rs".to_owned(),
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
                return spec_examples::file(
                    api,
                    &krate,
                    &options.example_exceptions,
                    options.strict,
                );
            }
            RustFile::Group(group) => operations::group_file(api, group),
            RustFile::Client => client::client_file(api),
            RustFile::Lib => client::lib_file(api, options),
            RustFile::ApisMod => operations::mod_file(api),
            RustFile::TestingMod => testing::mod_file(api, options),
            RustFile::TestingGroup(group) => testing::group_file(api, group),
            RustFile::Operations => front::operations_file(api, options),
            RustFile::Main => front::main_file(options),
            RustFile::CliTest => front::cli_test_file(options),
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

/// The stages of [`emit`](super::emit) one at a time on one thread, for measuring where time goes: the Rust
/// files as token streams (`quote`), then each parsed and pretty-printed (`syn`, `prettyplease`).
pub mod stages {
    use super::*;
    use crate::emit::support::preamble::{Comment, preamble};

    /// The Rust files as token streams, with the preamble they get.
    pub struct Tokens {
        files: Vec<Rendered>,
        preamble: String,
    }

    /// One file (or part of one) rendered, not yet formatted.
    struct Rendered {
        path: PathBuf,
        /// Whether the preamble goes in front (not on the parts after a file's first).
        with_preamble: bool,
        tokens: TokenStream,
        /// Text appended once formatted.
        table: String,
    }

    pub fn tokens(api: &Api, options: &Options) -> Result<Tokens, Error> {
        let files = rust_files(api)
            .iter()
            .map(|job| {
                let (tokens, table) = job.render(api, options)?;
                Ok(Rendered {
                    path: job.path(),
                    with_preamble: job.preamble("").is_some(),
                    tokens,
                    table,
                })
            })
            .collect::<Result<_, Error>>()?;
        Ok(Tokens {
            files,
            preamble: preamble(api, Comment::Slashes),
        })
    }

    pub fn format(tokens: Tokens) -> Result<Vec<GeneratedFile>, Error> {
        let Tokens { files, preamble } = tokens;
        let formatted = files
            .into_iter()
            .map(|file| {
                let preamble = file.with_preamble.then_some(preamble.as_str());
                formatted(file.path, preamble, file.tokens, &file.table)
            })
            .collect::<Result<_, Error>>()?;
        Ok(assemble(formatted))
    }
}
