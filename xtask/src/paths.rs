//! Where things are in the workspace.

use std::path::{Path, PathBuf};

/// The workspace root (the parent of `xtask/`).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives inside the workspace")
        .to_owned()
}

/// The spec the committed crate is generated from (not committed itself).
pub fn spec() -> PathBuf {
    root().join("spec/zephr-admin-api.yaml")
}

pub fn lock() -> PathBuf {
    root().join("spec/zephr-admin-api.lock.json")
}

pub fn exceptions() -> PathBuf {
    root().join("spec/example-exceptions.yaml")
}

pub fn generated_client() -> PathBuf {
    root().join("generated-client")
}
