//! `cargo xtask diff OLD NEW`: the change report between two specs, in terms of the generated
//! Rust API.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;

#[derive(clap::Args)]
#[command(
    after_help = "Exit status: 0 when nothing breaking changed, 2 when something did, 1 on errors."
)]
pub struct Args {
    /// The spec the current crate was generated from.
    old: PathBuf,
    /// The new spec.
    new: PathBuf,
    /// Print the report as JSON.
    #[arg(long)]
    json: bool,
    /// An overlay to apply to both specs before comparing them.
    #[arg(long, conflicts_with_all = ["old_overlay", "new_overlay"])]
    overlay: Option<PathBuf>,
    /// An overlay for the old spec only (with --new-overlay, one spec can be compared under two
    /// overlays: `diff spec.yaml spec.yaml --old-overlay a.yaml --new-overlay b.yaml`).
    #[arg(long, value_name = "OVERLAY")]
    old_overlay: Option<PathBuf>,
    /// An overlay for the new spec only.
    #[arg(long, value_name = "OVERLAY")]
    new_overlay: Option<PathBuf>,
}

/// Exit status when the report has a breaking change.
const BREAKING: u8 = 2;

pub fn run(args: &Args) -> Result<ExitCode> {
    let load = |path: &Option<PathBuf>| {
        path.as_deref()
            .map(codegen::load::Overlay::load_file)
            .transpose()
    };
    let old_overlay = load(&args.overlay.clone().or(args.old_overlay.clone()))?;
    let new_overlay = load(&args.overlay.clone().or(args.new_overlay.clone()))?;
    let options = codegen::Options::default();
    let old = codegen::build_ir(
        &codegen::load::load_file_with_overlay(&args.old, old_overlay.as_ref())?,
        &options,
    )?;
    let new = codegen::build_ir(
        &codegen::load::load_file_with_overlay(&args.new, new_overlay.as_ref())?,
        &options,
    )?;
    let report = codegen::diff::diff(&old, &new);
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report.to_json())?);
    } else {
        print!("{report}");
    }
    Ok(if report.is_breaking() {
        ExitCode::from(BREAKING)
    } else {
        ExitCode::SUCCESS
    })
}
