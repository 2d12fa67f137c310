//! `cargo xtask drift`: from what the generated client reported (or what saved responses show)
//! to the overlay actions that would make the spec describe it, each with its evidence.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};

use crate::paths::SpecDir;

#[derive(clap::Args)]
#[command(after_help = "\
Evidence (any number of each):
  --log FILE        a client's tracing output, in any of tracing-subscriber's fmt formats
                    (full, compact, pretty or json; with colours or without): its WARN events
                    \"response departs from the spec\" (operation, status, kind, pointer, counts).
                    A line that names the event but cannot be read is an error (exit 1), after
                    the proposal of what could be read
  --report FILE     Client::drift_report().to_json(), saved to a file
  --responses FILE  saved responses: {\"operation\": …, \"status\": …, \"body\": …}, a list of
                    them, or one per line; their values say what type a property has

Logs and reports never hold values (they can be personal data): from them alone, a new property
is proposed with any type, and enum values or types are left as notes. The output is an overlay
document; its targets are where the spec is once the current overlay is applied, so the actions
you accept go at the end of it.")]
pub struct Args {
    #[arg(long = "log", value_name = "FILE")]
    logs: Vec<PathBuf>,
    #[arg(long = "report", value_name = "FILE")]
    reports: Vec<PathBuf>,
    #[arg(long = "responses", value_name = "FILE")]
    responses: Vec<PathBuf>,
    /// The spec [default: the spec dir's, with its overlay].
    #[arg(long)]
    spec: Option<PathBuf>,
    /// The overlay the spec is read with [default: the spec dir's, for the default spec].
    #[arg(long)]
    overlay: Option<PathBuf>,
    /// Write the proposed overlay here instead of printing it.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
}

pub fn run(dir: &SpecDir, args: &Args) -> Result<ExitCode> {
    if args.logs.is_empty() && args.reports.is_empty() && args.responses.is_empty() {
        bail!("no evidence: give at least one --log, --report or --responses (see --help)");
    }
    let locked = args.spec.is_none();
    let spec_path = args.spec.clone().unwrap_or_else(|| dir.spec());
    let overlay = crate::generate::overlay(
        dir,
        crate::generate::OverlayChoice::given_or_committed(args.overlay.as_deref(), locked),
    )?;
    let spec = codegen::load::load_file_with_overlay(&spec_path, overlay.as_ref())?;
    let api = codegen::build_ir(&spec, &codegen::Options::default())?;

    let mut evidence = codegen::drift::Evidence::default();
    let mut sources = Vec::new();
    let read = |path: &PathBuf| {
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))
    };
    let mut unreadable = 0;
    for path in &args.logs {
        let read = evidence.read_log(&path.display().to_string(), &read(path)?);
        eprintln!("{}: {} drift events", path.display(), read.events);
        if !read.unreadable.is_empty() {
            let shown: Vec<String> = read
                .unreadable
                .iter()
                .take(10)
                .map(usize::to_string)
                .collect();
            eprintln!(
                "error: {}: {} the drift event but could not be read (line {}{}): \
                 a log format this reader does not know? It reads tracing-subscriber's fmt \
                 output (full, compact, pretty, json; colours or not)",
                path.display(),
                match read.unreadable.len() {
                    1 => "1 line names".to_owned(),
                    n => format!("{n} lines name"),
                },
                shown.join(", "),
                if read.unreadable.len() > shown.len() {
                    ", …"
                } else {
                    ""
                }
            );
        }
        unreadable += read.unreadable.len();
        sources.push(path.display().to_string());
    }
    for path in &args.reports {
        let report: serde_json::Value = serde_json::from_str(&read(path)?)
            .with_context(|| format!("{} is not JSON", path.display()))?;
        let places = evidence
            .read_report(&path.display().to_string(), &report)
            .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
        eprintln!("{}: {places} places", path.display());
        sources.push(path.display().to_string());
    }
    for path in &args.responses {
        let responses = evidence
            .read_responses(&api, &path.display().to_string(), &read(path)?)
            .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
        eprintln!("{}: {responses} responses", path.display());
        sources.push(path.display().to_string());
    }
    let proposal = codegen::drift::propose(&api, &spec.document, &evidence);
    eprintln!(
        "{} places of drift: {} overlay actions proposed, {} left as notes",
        evidence.places.len(),
        proposal.actions.len(),
        proposal.notes.len()
    );
    let yaml = proposal
        .to_checked_yaml(&sources)
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    match &args.out {
        Some(out) => {
            std::fs::write(out, &yaml).with_context(|| format!("cannot write {}", out.display()))?
        }
        None => print!("{yaml}"),
    }
    if unreadable > 0 {
        // The proposal covers what was read; the exit status says that was not everything.
        eprintln!(
            "error: {unreadable} drift lines were not read: the proposal may be missing places"
        );
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}
