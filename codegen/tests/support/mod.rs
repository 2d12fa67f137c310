//! Where the test and benchmark inputs are, for every test target of codegen that needs them.
#![allow(dead_code)] // each target uses some of these

use std::path::{Path, PathBuf};

/// The real spec: the copy in `spec/` (CI puts it there), else the shared one.
pub fn real_spec() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    [root.join("spec/zephr-admin-api.yaml"), root.join("../shared/specs/zephr-admin-api.yaml")]
        .into_iter()
        .find(|p| p.exists())
        .expect("the real spec, in spec/ or ../shared/specs/")
}

/// The fixture specs (`tests/fixtures/*.yaml`), sorted.
pub fn fixture_specs() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    paths.sort();
    assert!(paths.len() >= 10, "fixtures missing: {paths:?}");
    paths
}
