//! Where things are in the workspace.

use std::path::{Path, PathBuf};

/// The workspace root (the parent of `xtask/`).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives inside the workspace")
        .to_owned()
}

/// `cargo` (the one that runs xtask), with the environment the user gave it rather than the one
/// `cargo run` gave xtask: `cargo xtask` sets xtask's package variables (`CARGO_MANIFEST_DIR`,
/// `CARGO_PKG_NAME`, …) for it, and build scripts that watch them (ring's does) saw them change
/// between a cargo run from the shell and one from xtask, and ran again, rebuilding ring, rustls,
/// reqwest and everything above them (xtask's own binary too, while it ran).
pub fn cargo() -> std::process::Command {
    let mut command =
        std::process::Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    for (key, _) in std::env::vars_os() {
        if let Some(key) = key.to_str()
            && (key.starts_with("CARGO_PKG_")
                || key.starts_with("CARGO_MANIFEST_")
                || matches!(
                    key,
                    "CARGO_CRATE_NAME" | "CARGO_BIN_NAME" | "CARGO_PRIMARY_PACKAGE"
                ))
        {
            command.env_remove(key);
        }
    }
    command
}

/// `spec/`: the spec (not committed), its lock, and the reviewed example exceptions.
pub fn default_spec_dir() -> PathBuf {
    root().join("spec")
}

pub fn generated_client() -> PathBuf {
    root().join("generated-client")
}

/// The files of a spec directory.
#[derive(Debug, Clone)]
pub struct SpecDir(pub PathBuf);

impl SpecDir {
    /// The spec the committed crate is generated from.
    pub fn spec(&self) -> PathBuf {
        self.0.join("zephr-admin-api.yaml")
    }

    pub fn lock(&self) -> PathBuf {
        self.0.join("zephr-admin-api.lock.json")
    }

    pub fn exceptions(&self) -> PathBuf {
        self.0.join("example-exceptions.yaml")
    }

    /// The reviewed example exceptions, none when the file does not exist.
    pub fn example_exceptions(&self) -> anyhow::Result<Vec<codegen::ExampleException>> {
        let path = self.exceptions();
        Ok(if path.exists() {
            codegen::ExampleException::load_file(&path)?
        } else {
            Vec::new()
        })
    }

    /// Settings of the generated crate (its package metadata).
    pub fn config(&self) -> PathBuf {
        self.0.join("codegen.toml")
    }

    /// The reviewed corrections to the spec (an OpenAPI Overlay), committed.
    pub fn overlay(&self) -> PathBuf {
        self.0.join("zephr-admin-api.overlay.yaml")
    }
}

/// Writes `path` through a file beside it and a rename: an interrupted or failed run never
/// leaves it half written.
pub fn replace_file(path: &Path, contents: &[u8]) -> anyhow::Result<()> {
    use anyhow::Context as _;
    let mut temporary = path.as_os_str().to_owned();
    temporary.push(".partial");
    let temporary = PathBuf::from(temporary);
    std::fs::write(&temporary, contents)
        .with_context(|| format!("cannot write {}", temporary.display()))?;
    std::fs::rename(&temporary, path).with_context(|| format!("cannot write {}", path.display()))
}

/// The text of `path`, or `None` when there is no such file (any other failure is an error).
pub fn read_optional(path: &Path) -> anyhow::Result<Option<String>> {
    use anyhow::Context as _;
    match std::fs::read_to_string(path) {
        Ok(text) => Ok(Some(text)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e).with_context(|| format!("cannot read {}", path.display())),
    }
}
