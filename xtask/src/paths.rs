//! Where things are in the workspace.

use std::path::{Path, PathBuf};

/// The workspace root (the parent of `xtask/`).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives inside the workspace")
        .to_owned()
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
