//! `cargo xtask effective-spec`: the spec as the generator reads it, the overlay applied, written
//! to a file, so Prism (or any other tool) can be pointed at the corrected spec.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};

use crate::paths::SpecDir;

#[derive(clap::Args)]
pub struct Args {
    /// Where to write it (`.json` for JSON, anything else for YAML).
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
    /// The spec [default: the spec dir's, with its overlay].
    #[arg(long)]
    spec: Option<PathBuf>,
    /// The overlay [default: the spec dir's, for the default spec].
    #[arg(long)]
    overlay: Option<PathBuf>,
}

pub fn run(dir: &SpecDir, args: &Args) -> Result<ExitCode> {
    let locked = args.spec.is_none();
    let spec_path = args.spec.clone().unwrap_or_else(|| dir.spec());
    let overlay = crate::generate::overlay(
        dir,
        crate::generate::OverlayChoice::given_or_committed(args.overlay.as_deref(), locked),
    )?;
    let spec = codegen::load::load_file_with_overlay(&spec_path, overlay.as_ref())?;
    let text = if args.out.extension().is_some_and(|e| e == "json") {
        serde_json::to_string_pretty(&spec.document)? + "\n"
    } else {
        serde_yaml::to_string(&spec.document)?
    };
    std::fs::write(&args.out, text)
        .with_context(|| format!("cannot write {}", args.out.display()))?;
    let applied = overlay.map_or_else(
        || "no overlay".to_owned(),
        |o| format!("overlay sha256 {}", o.sha256),
    );
    println!(
        "{}: {} with {applied}",
        args.out.display(),
        spec_path.display()
    );
    Ok(ExitCode::SUCCESS)
}
