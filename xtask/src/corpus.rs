//! `cargo xtask corpus`: every public spec of `../shared/corpus` (25 specs nobody here wrote,
//! 3.1 ones included) through the generator, with the time of each stage, and optionally a
//! build of each generated crate. Results go to `CORPUS.md`.
//!
//! The corpus is read where it is (`--corpus DIR`, default `../shared/corpus`) and never copied
//! into the project. Without `--build` it takes seconds, so `cargo xtask ci` runs it whenever the
//! corpus is there; `--build` compiles every crate with clippy `-D warnings` and takes long.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};

use crate::paths;

#[derive(clap::Args, Default)]
pub struct Args {
    /// The corpus directory [default: ../shared/corpus next to the project].
    #[arg(long)]
    pub corpus: Option<PathBuf>,
    /// Also build every generated crate (clippy with warnings denied; slow).
    #[arg(long)]
    pub build: bool,
    /// Do not rewrite CORPUS.md.
    #[arg(long)]
    pub no_write: bool,
    /// Generate with `--strict`: small spec defects are errors, not warnings.
    #[arg(long)]
    pub strict: bool,
    /// Generate each spec once, in memory, without timing the stages or the whole process and
    /// without rustfmt (what `cargo xtask ci` runs). Implies `--no-write`.
    #[arg(long)]
    pub quick: bool,
}

/// One spec's outcome.
struct Row {
    name: String,
    bytes: u64,
    result: Result<Generated, String>,
}

struct Generated {
    operations: usize,
    /// Operations whose bodies are all typed, and how many were when only JSON was.
    typed: (usize, usize),
    types: usize,
    warnings: usize,
    files: usize,
    output_bytes: usize,
    /// Required fields typed `Option<T>` because their schema admits `null`.
    nullable_required: usize,
    /// `oneOf` enums with at least one `From` (built from what they hold), of all of them.
    unions: (usize, usize),
    /// Load, IR, tokens, format; tokens and format are not timed with `--quick`.
    stages: [Option<Duration>; 4],
    process: Option<(Duration, u64)>,
    build: Option<Result<(), String>>,
}

/// The corpus next to the project, if there is one.
pub fn default_corpus() -> PathBuf {
    paths::root().join("../shared/corpus")
}

pub fn run(args: &Args) -> Result<ExitCode> {
    let corpus = args.corpus.clone().unwrap_or_else(default_corpus);
    let mut specs = spec_files(&corpus)?;
    specs.extend(spec_files(&corpus.join("v3.1")).unwrap_or_default());
    let work = paths::root().join("target/corpus");
    let mut rows = Vec::new();
    for spec in &specs {
        let name = spec
            .strip_prefix(&corpus)
            .unwrap_or(spec)
            .display()
            .to_string();
        let bytes = std::fs::metadata(spec).map(|m| m.len()).unwrap_or(0);
        let out = work.join(name.replace(['/', '.'], "-"));
        let result = generate(spec, &out, args).map_err(|e| format!("{e:#}"));
        if let Ok(generated) = &result {
            let build = match &generated.build {
                None => String::new(),
                Some(Ok(())) => ", builds clean".to_owned(),
                Some(Err(e)) => format!(", BUILD FAILED: {e}"),
            };
            println!(
                "{name}: {} operations, {} types, {} warnings, {} files in {:.0?}{build}",
                generated.operations,
                generated.types,
                generated.warnings,
                generated.files,
                generated.stages.iter().flatten().sum::<Duration>()
            );
        } else if let Err(e) = &result {
            println!("{name}: FAILED: {e}");
        }
        rows.push(Row {
            name,
            bytes,
            result,
        });
    }
    let failed = rows.iter().filter(|r| match &r.result {
        Err(_) => true,
        Ok(g) => matches!(g.build, Some(Err(_))),
    });
    let failures = failed.count();
    let report = report(&rows, args);
    if !args.no_write && !args.quick {
        std::fs::write(paths::root().join("CORPUS.md"), &report)?;
    }
    println!(
        "{} specs, {} generated, {failures} failed",
        rows.len(),
        rows.iter().filter(|r| r.result.is_ok()).count()
    );
    Ok(if failures == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

fn spec_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("cannot read the corpus at {}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.extension()
                .is_some_and(|e| e == "yaml" || e == "yml" || e == "json")
        })
        .collect();
    files.sort();
    Ok(files)
}

fn generate(spec: &Path, out: &Path, args: &Args) -> Result<Generated> {
    let options = codegen::Options {
        crate_name: "corpus-client".to_owned(),
        strict: args.strict,
        // Quick (what ci runs): every file emitted and verified, without rustfmt over the
        // output, which was most of the step (about 100 s for 24 specs) and depends on no spec.
        formatting: if args.quick && !args.build {
            codegen::format::Formatting::Prettyplease
        } else {
            codegen::format::Formatting::default()
        },
        ..codegen::Options::default()
    };
    let started = Instant::now();
    let loaded = codegen::load::load_file(spec)?;
    let load = started.elapsed();
    let started = Instant::now();
    let api = codegen::build_ir(&loaded, &options)?;
    let ir = started.elapsed();
    let (mut quote, mut format) = (None, None);
    if !args.quick {
        let started = Instant::now();
        let tokens = codegen::emit::stages::tokens(&api, &options)?;
        quote = Some(started.elapsed());
        let started = Instant::now();
        drop(codegen::emit::stages::format(tokens)?);
        format = Some(started.elapsed());
    }
    // What users run: every file emitted and verified, in parallel.
    let generated = codegen::generate(loaded, &options)?;
    let mut row = Generated {
        operations: api.operations.len(),
        typed: typed_operations(&api),
        types: api.types.len(),
        warnings: generated.warnings().len(),
        nullable_required: nullable_required(&api),
        unions: unions(&api, &generated.files),
        files: generated.files.len(),
        output_bytes: generated.files.iter().map(|f| f.contents.len()).sum(),
        stages: [Some(load), Some(ir), None, None],
        process: None,
        build: None,
    };
    if args.quick && !args.build {
        return Ok(row);
    }
    row.stages = [Some(load), Some(ir), quote, format];
    codegen::write::write(out, &generated.files)?;
    row.process = (!args.quick)
        .then(|| whole_process(spec, out, args.strict))
        .flatten();
    row.build = args.build.then(|| build(spec, out, &options));
    Ok(row)
}

/// Required fields of the spec's models that are `Option<T>`: their schema admits `null` (a
/// nullable component, 3.1's `type: [T, "null"]`, a `oneOf` with `null`).
fn nullable_required(api: &codegen::ir::Api) -> usize {
    api.types
        .iter()
        .filter_map(|def| match &def.kind {
            codegen::ir::TypeKind::Struct(s) => Some(s.fields.iter()),
            _ => None,
        })
        .flatten()
        .filter(|f| f.required && matches!(f.ty, codegen::ir::TypeRef::Nullable(_)))
        .count()
}

/// How many `oneOf` enums get a `From` (counted in the generated `types.rs`: `impl From<…> for
/// Name`), of how many there are.
fn unions(api: &codegen::ir::Api, files: &[codegen::GeneratedFile]) -> (usize, usize) {
    let all: std::collections::HashSet<&str> = api
        .types
        .iter()
        .filter(|def| matches!(def.kind, codegen::ir::TypeKind::OneOf(_)))
        .map(|def| def.name.as_str())
        .collect();
    let types = files
        .iter()
        .find(|f| f.path == Path::new("src/types.rs"))
        .map_or("", |f| f.contents.as_str());
    let with_from: std::collections::HashSet<&str> = types
        .lines()
        .filter(|line| line.starts_with("impl From<"))
        .filter_map(|line| line.rsplit(" for ").next())
        .map(|rest| rest.trim_end_matches(" {").trim())
        .filter(|name| all.contains(name))
        .collect();
    (with_from.len(), all.len())
}

/// How many operations have every body typed: request bodies as JSON, form or multipart models
/// (files as `FilePart`s), response
/// bodies as JSON models, or as bytes where the media type is bytes or text (`text/csv`,
/// `application/pdf`: bytes are their type). A body left as bytes because its media type is
/// not handled (`*/*`, or a multipart or form schema that is not an object) makes the operation
/// not fully typed. The second count is the same with JSON alone, as the generator had it before.
fn typed_operations(api: &codegen::ir::Api) -> (usize, usize) {
    use codegen::ir::{BodyKind, ResponseBody};
    let count = |json_only: bool| {
        api.operations
            .iter()
            .filter(|op| {
                let request = match op.body.as_ref().map(|b| &b.kind) {
                    None | Some(BodyKind::Json(_)) => true,
                    Some(BodyKind::Form(_) | BodyKind::Multipart(_)) => !json_only,
                    Some(BodyKind::Raw) => false,
                };
                let responses = op
                    .success
                    .iter()
                    .chain(&op.errors)
                    .all(|case| match &case.body {
                        ResponseBody::Empty | ResponseBody::Json(_) => true,
                        ResponseBody::Raw { media_type, .. } => !json_only && is_bytes(media_type),
                    });
                request && responses
            })
            .count()
    };
    (count(false), count(true))
}

/// Media types whose body is its bytes (or text): not JSON, not a form, not a wildcard.
fn is_bytes(media_type: &str) -> bool {
    let essence = media_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    !essence.contains('*')
        && !essence.starts_with("multipart/")
        && essence != "application/x-www-form-urlencoded"
        && (essence.starts_with("text/")
            || essence.starts_with("image/")
            || essence.starts_with("audio/")
            || essence.starts_with("video/")
            || matches!(
                essence.as_str(),
                "application/octet-stream"
                    | "application/pdf"
                    | "application/zip"
                    | "application/xml"
            ))
}

/// Wall time and peak RSS of `xtask generate --check` on the spec, from `/usr/bin/time`: the
/// fastest of three runs (the first after writing often waits on the disk cache).
fn whole_process(spec: &Path, out: &Path, strict: bool) -> Option<(Duration, u64)> {
    (0..3)
        .filter_map(|_| whole_process_once(spec, out, strict))
        .min_by_key(|(wall, _)| *wall)
}

fn whole_process_once(spec: &Path, out: &Path, strict: bool) -> Option<(Duration, u64)> {
    let xtask = std::env::current_exe().ok()?;
    let mut command = Command::new("/usr/bin/time");
    command
        .args(["-f", "%e %M"])
        .arg(xtask)
        .arg("generate")
        .arg("--check")
        .arg("--crate-name")
        .arg("corpus-client");
    if strict {
        command.arg("--strict");
    }
    let output = command
        .arg("--spec")
        .arg(spec)
        .arg("--out")
        .arg(out)
        .output()
        .ok()?;
    let stderr = String::from_utf8_lossy(&output.stderr);
    let last = stderr.lines().last()?;
    let (seconds, kib) = last.split_once(' ')?;
    Some((
        Duration::from_secs_f64(seconds.parse().ok()?),
        kib.trim().parse().ok()?,
    ))
}

/// Builds a generated crate in a workspace of its own: clippy and rustdoc with warnings denied,
/// then its own examples test. The crates use the repository's runtime crate (rather than a
/// vendored copy each), so one build of it serves all of them.
fn build(spec: &Path, out: &Path, options: &codegen::Options) -> Result<(), String> {
    let workspace = out.with_extension("build");
    let _ = std::fs::create_dir_all(&workspace);
    let member = workspace.join("client");
    let _ = std::fs::remove_dir_all(&member);
    // From `target/corpus/<spec>.build/client` to `codegen/runtime`.
    let options = codegen::Options {
        runtime: codegen::Runtime::Path("../../../../codegen/runtime".to_owned()),
        ..options.clone()
    };
    let loaded = codegen::load::load_file(spec).map_err(|e| e.to_string())?;
    let generated = codegen::generate(loaded, &options).map_err(|e| e.to_string())?;
    codegen::write::write(&member, &generated.files).map_err(|e| e.to_string())?;
    std::fs::write(
        workspace.join("Cargo.toml"),
        "[workspace]\nresolver = \"3\"\nmembers = [\"client\"]\n",
    )
    .map_err(|e| e.to_string())?;
    let _ = std::fs::copy(
        paths::root().join("Cargo.lock"),
        workspace.join("Cargo.lock"),
    );
    let cargo = |args: &[&str], rustdocflags: Option<&str>| {
        let mut command = paths::cargo();
        command.args(args).current_dir(&workspace).env(
            "CARGO_TARGET_DIR",
            paths::root().join("target/corpus/target"),
        );
        if let Some(flags) = rustdocflags {
            command.env("RUSTDOCFLAGS", flags);
        }
        command.output().map_err(|e| e.to_string())
    };
    // With the test server and the front ends (`mcp` brings `cli` and `testing`): they are
    // generated for every spec, and must lint and document clean too.
    let mut output = cargo(
        &[
            "clippy",
            "--all-targets",
            "--features",
            "mcp",
            "--",
            "-D",
            "warnings",
        ],
        None,
    )?;
    if output.status.success() {
        output = cargo(
            &["doc", "--no-deps", "--features", "mcp"],
            Some("-D warnings"),
        )?;
    }
    // A fresh crate's own tests pass: its examples fit their types, or are listed as found; and
    // every operation goes through its command line to its test server as the arguments said.
    if output.status.success() {
        output = cargo(
            &[
                "test",
                "--features",
                "cli",
                "--test",
                "examples",
                "--test",
                "cli",
            ],
            None,
        )?;
    }
    if output.status.success() {
        Ok(())
    } else {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let first: Vec<&str> = stderr
            .lines()
            .filter(|l| l.starts_with("error") || l.starts_with("warning"))
            .take(3)
            .collect();
        Err(first.join(" / "))
    }
}

fn report(rows: &[Row], args: &Args) -> String {
    let generated = rows.iter().filter(|r| r.result.is_ok()).count();
    let built = rows
        .iter()
        .filter(|r| matches!(&r.result, Ok(g) if matches!(g.build, Some(Ok(())))));
    let mut text = format!(
        "# The public corpus\n\n\
         `cargo xtask corpus{}` runs every spec of `../shared/corpus` (public specs nobody here wrote; \
         `SOURCES.tsv` there says where each comes from) through the generator. Stage times are in-process \
         (release build, one thread for tokens and for formatting, which includes the verify stage's re-parse of \
         every file); the whole process is `xtask generate --check` \
         under `/usr/bin/time`, the fastest of three runs (emit on both cores). Machine: the 2-core CI kind.\n\n\
         **{generated} of {} specs generate**{}.\n\n\
         The column *typed* counts operations whose request and response bodies are all typed: JSON, form and \
         multipart bodies as models (files as `FilePart`), byte and text media types (`application/octet-stream`, \
         `text/csv`, event streams) as bytes that can also be streamed; in brackets, the count with JSON alone, as \
         before forms, multipart and streams. A body left as bytes (`*/*`, a form or multipart schema that is not \
         an object) is not counted. *Null ok* counts required fields typed `Option<T>` because their schema \
         admits `null` (a nullable component, 3.1's `type: [T, \"null\"]`, a `oneOf` with `null`): an unassigned \
         `\"assignee\": null` decodes. *From* counts the `oneOf` enums built from what they hold (`From` for each \
         variant whose type is its own), of all of them.\n\n\
         | spec | bytes | operations | typed | types | null ok | From | warnings | output | load | IR | tokens | format | whole process | peak RSS |{}\n\
         | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |{}\n",
        if args.build { " --build" } else { "" },
        rows.len(),
        if args.build {
            format!(
                "; **{} of them build** with clippy `-D warnings`, document with rustdoc `-D warnings`, the test server, command line and MCP server included (`--features mcp`), and pass their own tests (`cargo test --features cli --test examples --test cli`: the examples fit their types, and every operation goes through the crate's command line to its test server as its arguments said; the runtime crate is shared, one target)",
                built.count()
            )
        } else {
            String::new()
        },
        if args.build { " build |" } else { "" },
        if args.build { " --- |" } else { "" },
    );
    let ms = |d: Duration| format!("{:.0} ms", d.as_secs_f64() * 1000.0);
    let stage = |d: Option<Duration>| d.map_or_else(|| "—".to_owned(), ms);
    for row in rows {
        match &row.result {
            Ok(g) => {
                let (wall, rss) = g
                    .process
                    .map_or(("—".to_owned(), "—".to_owned()), |(w, k)| {
                        (ms(w), format!("{:.0} MiB", k as f64 / 1024.0))
                    });
                let build = match &g.build {
                    None => String::new(),
                    Some(Ok(())) => " ok |".to_owned(),
                    Some(Err(e)) => format!(" **failed**: {} |", e.replace('|', "\\|")),
                };
                text.push_str(&format!(
                    "| {} | {} | {} | {} ({}) | {} | {} | {} of {} | {} | {:.1} MB | {} | {} | {} | {} | {wall} | {rss} |{build}\n",
                    row.name,
                    row.bytes,
                    g.operations,
                    g.typed.0,
                    g.typed.1,
                    g.types,
                    g.nullable_required,
                    g.unions.0,
                    g.unions.1,
                    g.warnings,
                    g.output_bytes as f64 / 1e6,
                    stage(g.stages[0]),
                    stage(g.stages[1]),
                    stage(g.stages[2]),
                    stage(g.stages[3]),
                ));
            }
            Err(e) => {
                let e: String = e.replace('|', "\\|").chars().take(300).collect();
                text.push_str(&format!(
                    "| {} | {} | **failed**: {e} | | | | | | | | | | | | |{}\n",
                    row.name,
                    row.bytes,
                    if args.build { " |" } else { "" }
                ));
            }
        }
    }
    text
}
