//! `cargo xtask snapshots`: the snapshot test, run to rewrite the fixture crates
//! (`codegen/tests/snapshots`), and the drift loop's test, run to rewrite the correction it
//! proposes (`codegen/tests/fixtures/drift_corrected.overlay.yaml`, itself a fixture).

use std::process::{Command, ExitCode};

use anyhow::{Context, Result};

use crate::paths;

/// The drift loop's proposal, a fixture of its own.
const CORRECTION: &str = "codegen/tests/fixtures/drift_corrected.overlay.yaml";

pub fn run() -> Result<ExitCode> {
    if !overwrite(&["-p", "codegen", "--test", "snapshots"])? {
        return Ok(ExitCode::FAILURE);
    }
    // The drift test compiles every fixture crate: only now are they what the generator writes.
    let before = std::fs::read(paths::root().join(CORRECTION)).ok();
    if !overwrite(&["-p", "behaviour", "--", "drift::"])? {
        return Ok(ExitCode::FAILURE);
    }
    if std::fs::read(paths::root().join(CORRECTION)).ok() != before {
        println!("the drift loop proposes another correction: its crate is generated again");
        if !overwrite(&["-p", "codegen", "--test", "snapshots", "drift_corrected"])? {
            return Ok(ExitCode::FAILURE);
        }
    }
    let diff = Command::new("git")
        .args([
            "status",
            "--short",
            "--",
            "codegen/tests/snapshots",
            CORRECTION,
        ])
        .current_dir(paths::root())
        .output();
    match diff {
        Ok(output) if output.stdout.is_empty() => println!("snapshots unchanged"),
        Ok(output) => print!(
            "snapshots rewritten; review with `git diff codegen/tests`:\n{}",
            String::from_utf8_lossy(&output.stdout)
        ),
        Err(_) => println!("snapshots rewritten (codegen/tests/snapshots)"),
    }
    Ok(ExitCode::SUCCESS)
}

/// `cargo test <args>` with `EXPECTORATE=overwrite`; whether it passed.
fn overwrite(args: &[&str]) -> Result<bool> {
    Ok(paths::cargo()
        .arg("test")
        .args(args)
        .env("EXPECTORATE", "overwrite")
        .current_dir(paths::root())
        .status()
        .context("cannot run cargo")?
        .success())
}
