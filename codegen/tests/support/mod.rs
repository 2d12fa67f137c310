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

/// The fixture specs (`tests/fixtures/*.yaml`, and the random-names spec), sorted; fixtures
/// defined as an overlay of another (`*.overlay.yaml`) are not among them (see [`fixtures`]).
pub fn fixture_specs() -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = fixtures()
        .into_iter()
        .filter(|f| f.overlay.is_none())
        .map(|f| f.spec)
        .collect();
    paths.sort();
    paths
}

/// The folder of the fixture specs.
pub fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// The folder of the fixture crates (the generator's output for each fixture, committed).
pub fn snapshots_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots")
}

/// One fixture: a spec, read with an overlay when the fixture is defined as one.
#[derive(Debug, Clone)]
pub struct Fixture {
    /// The file stem (`events`), also the snapshot crate's folder.
    pub name: String,
    pub spec: PathBuf,
    /// `<name>.overlay.yaml`: an OpenAPI Overlay whose `extends` names the spec it corrects
    /// (`drift_corrected` is `drift.yaml` with the corrections proposed from its drift).
    pub overlay: Option<PathBuf>,
}

impl Fixture {
    /// The package name of its crate: `fixture-events`.
    pub fn crate_name(&self) -> String {
        format!("fixture-{}", self.name.replace('_', "-"))
    }

    /// The spec as the generator reads it (with the overlay, if any).
    pub fn load(&self) -> codegen::load::LoadedSpec {
        let overlay = self
            .overlay
            .as_ref()
            .map(|path| codegen::load::Overlay::load_file(path).unwrap_or_else(|e| panic!("{e}")));
        codegen::load::load_file_with_overlay(&self.spec, overlay.as_ref())
            .unwrap_or_else(|e| panic!("{}: {e}", self.name))
    }

    /// The options its crate is generated with: named for the fixture, and using the
    /// workspace's runtime crate (`codegen/runtime`), which all fixture crates share.
    pub fn options(&self) -> codegen::Options {
        codegen::Options {
            crate_name: self.crate_name(),
            runtime: codegen::Runtime::Path("../../../runtime".to_owned()),
            ..codegen::Options::default()
        }
    }
}

/// Every fixture, sorted by name: each `tests/fixtures/*.yaml` (a spec, or with the suffix
/// `.overlay.yaml` an overlay of one), and `random_names.json`.
pub fn fixtures() -> Vec<Fixture> {
    let dir = fixtures_dir();
    let mut out: Vec<Fixture> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|p| p.is_file())
        .filter_map(|path| {
            let file = path.file_name()?.to_str()?.to_owned();
            if let Some(name) = file.strip_suffix(".overlay.yaml") {
                let text = std::fs::read_to_string(&path).unwrap();
                let document: serde_json::Value = serde_yaml::from_str(&text).unwrap();
                let extends = document["extends"].as_str().unwrap_or_else(|| {
                    panic!(
                        "{}: an overlay fixture names its spec in `extends`",
                        path.display()
                    )
                });
                return Some(Fixture {
                    name: name.to_owned(),
                    spec: dir.join(extends),
                    overlay: Some(path),
                });
            }
            let name = file
                .strip_suffix(".yaml")
                .or_else(|| file.strip_suffix(".json"))?;
            Some(Fixture {
                name: name.to_owned(),
                spec: path,
                overlay: None,
            })
        })
        .collect();
    out.sort_by(|a, b| a.name.cmp(&b.name));
    assert!(out.len() >= 10, "fixtures missing: {out:?}");
    out
}

pub mod random_names;
pub mod rng;
