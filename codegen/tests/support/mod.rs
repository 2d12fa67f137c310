//! Where the test and benchmark inputs are, for every test target of codegen that needs them.
#![allow(dead_code)] // each target uses some of these

use std::path::{Path, PathBuf};

/// The real spec, fetched into `spec/` (`cargo xtask fetch-spec`; CI copies it there).
pub fn real_spec() -> PathBuf {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .join("spec/zephr-admin-api.yaml");
    assert!(
        path.exists(),
        "{} is missing: run `cargo xtask fetch-spec` first",
        path.display()
    );
    path
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

pub mod random_names;
pub mod rng;
