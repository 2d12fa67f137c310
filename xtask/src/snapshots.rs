//! `cargo xtask snapshots`: the snapshot test, run to rewrite the snapshots.

use std::process::{Command, ExitCode};

use anyhow::{Context, Result};

use crate::paths;

pub fn run() -> Result<ExitCode> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let status = Command::new(&cargo)
        .args(["test", "-p", "codegen", "--test", "snapshots"])
        .env("EXPECTORATE", "overwrite")
        .current_dir(paths::root())
        .status()
        .with_context(|| format!("cannot run `{cargo}`"))?;
    if !status.success() {
        return Ok(ExitCode::FAILURE);
    }
    let diff = Command::new("git")
        .args(["status", "--short", "--", "codegen/tests/snapshots"])
        .current_dir(paths::root())
        .output();
    match diff {
        Ok(output) if output.stdout.is_empty() => println!("snapshots unchanged"),
        Ok(output) => print!(
            "snapshots rewritten; review with `git diff codegen/tests/snapshots`:\n{}",
            String::from_utf8_lossy(&output.stdout)
        ),
        Err(_) => println!("snapshots rewritten (codegen/tests/snapshots)"),
    }
    Ok(ExitCode::SUCCESS)
}
