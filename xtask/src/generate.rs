//! `cargo xtask generate`.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Result};

use crate::paths;

#[derive(clap::Args)]
pub struct Args {
    /// The OpenAPI 3.0 spec (YAML or JSON).
    #[arg(long, default_value_os_t = paths::spec())]
    spec: PathBuf,
    /// Where the crate goes.
    #[arg(long, default_value_os_t = paths::generated_client())]
    out: PathBuf,
    /// The generated crate's package name.
    #[arg(long, default_value = "generated-client")]
    crate_name: String,
    /// Examples known to contradict their schema (YAML list of `pointer` and `reason`).
    #[arg(long)]
    exceptions: Option<PathBuf>,
    /// Write nothing; list the files that differ and fail if any does.
    #[arg(long)]
    check: bool,
}

pub fn run(args: &Args) -> Result<ExitCode> {
    if !args.spec.exists() {
        bail!(
            "{} is missing: fetch it with `cargo xtask fetch-spec` (offline: `cargo xtask fetch-spec --from PATH`)",
            args.spec.display()
        );
    }
    let exceptions_path = args.exceptions.clone().or_else(|| {
        let default = paths::exceptions();
        (args.spec == paths::spec() && default.exists()).then_some(default)
    });
    let example_exceptions = match &exceptions_path {
        Some(path) => codegen::ExampleException::load_file(path)?,
        None => Vec::new(),
    };
    let options = codegen::Options {
        crate_name: args.crate_name.clone(),
        crate_version: "0.1.0".to_owned(),
        example_exceptions,
    };
    let generated = codegen::generate_file(&args.spec, &options)?;
    for warning in generated.warnings() {
        eprintln!("warning: {}: {warning}", args.spec.display());
    }
    if args.check {
        let plan = codegen::write::check(&args.out, &generated.files)?;
        if plan.is_current() {
            println!("{} is up to date ({} files)", args.out.display(), plan.unchanged);
            return Ok(ExitCode::SUCCESS);
        }
        for line in plan.describe() {
            println!("{line}");
        }
        eprintln!("{} is not what the generator produces: run `cargo xtask generate`", args.out.display());
        return Ok(ExitCode::FAILURE);
    }
    let plan = codegen::write::write(&args.out, &generated.files)?;
    println!(
        "{}: {} written, {} removed, {} unchanged",
        args.out.display(),
        plan.added.len() + plan.changed.len(),
        plan.removed.len(),
        plan.unchanged
    );
    Ok(ExitCode::SUCCESS)
}
