//! What the generator writes for every fixture spec, committed under `tests/snapshots/<fixture>/`
//! and compared here, so a change to the emitted code shows in review as a diff of real files.
//!
//! Each snapshot is a crate of the workspace (`fixture-<name>`), sharing the workspace's runtime
//! crate: `cargo build`, clippy and rustdoc see it like any other, and the behaviour tests
//! (`tests/behaviour`, a crate that depends on every fixture crate) exercise it. One test per
//! fixture, named for it: `cargo test -p codegen --test snapshots events`.
//!
//! Update them with `cargo xtask snapshots` (which runs this test with `EXPECTORATE=overwrite`),
//! then read the diff like any other code change. Snapshots show generated code; what it does
//! is for the behaviour tests.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use libtest_mimic::{Arguments, Failed, Trial};

mod support;

use support::Fixture;

/// The seed of the random-names fixture (`tests/fixtures/random_names.json`): a spec whose
/// every name is hostile, made by `support::random_names`.
const RANDOM_NAMES_SEED: u64 = 0x5eed_2026_1124;

/// Files of a generated crate that are not snapshotted: the manifest (hashes of everything)
/// and the constant rustfmt settings (the workspace's own are the same).
fn snapshotted(path: &Path) -> bool {
    path != Path::new(codegen::write::MANIFEST) && path != Path::new("rustfmt.toml")
}

fn overwrite() -> bool {
    std::env::var_os("EXPECTORATE").is_some_and(|v| v == "overwrite")
}

/// Every file under `dir`, relative to it (a build's `target/` aside).
fn files_under(dir: &Path) -> BTreeSet<PathBuf> {
    let mut out = BTreeSet::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(here) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&here) else {
            continue;
        };
        for entry in entries {
            let path = entry.unwrap().path();
            if path.is_dir() {
                if path.file_name().is_some_and(|n| n != "target") {
                    stack.push(path);
                }
            } else {
                out.insert(path.strip_prefix(dir).unwrap().to_path_buf());
            }
        }
    }
    out
}

/// The fixture's crate, generated now, is the committed one.
fn matches_its_snapshot(fixture: &Fixture) -> Result<(), Failed> {
    let generated = codegen::generate(fixture.load(), &fixture.options())
        .map_err(|e| format!("{}: {e}", fixture.name))?;
    let dir = support::snapshots_dir().join(&fixture.name);
    let mut expected = BTreeSet::new();
    for file in generated.files.iter().filter(|f| snapshotted(&f.path)) {
        let path = dir.join(&file.path);
        if overwrite() {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        }
        expectorate::assert_contents(&path, &file.contents);
        expected.insert(file.path.clone());
    }
    // A file the generator no longer writes must not linger as a snapshot.
    let stale: Vec<String> = files_under(&dir)
        .difference(&expected)
        .map(|extra| {
            if overwrite() {
                std::fs::remove_file(dir.join(extra)).unwrap();
            }
            extra.display().to_string()
        })
        .collect();
    if stale.is_empty() || overwrite() {
        Ok(())
    } else {
        Err(format!(
            "snapshots of files no longer generated (run `cargo xtask snapshots`): {stale:?}"
        )
        .into())
    }
}

/// The random-names fixture is what its seed gives (so a failure of its crate reproduces).
fn random_names_spec_is_its_seeds() -> Result<(), Failed> {
    let spec = support::random_names::spec(RANDOM_NAMES_SEED, 120, 60);
    expectorate::assert_contents(support::fixtures_dir().join("random_names.json"), &spec);
    Ok(())
}

/// A snapshot folder whose fixture is gone must go too (the workspace would still build it).
fn every_snapshot_has_its_fixture(fixtures: &[Fixture]) -> Result<(), Failed> {
    let names: BTreeSet<&str> = fixtures.iter().map(|f| f.name.as_str()).collect();
    let orphans: Vec<String> = std::fs::read_dir(support::snapshots_dir())
        .unwrap()
        .map(|entry| entry.unwrap().file_name().into_string().unwrap())
        .filter(|name| !names.contains(name.as_str()))
        .collect();
    if orphans.is_empty() {
        Ok(())
    } else {
        Err(format!("snapshot crates without a fixture spec (remove them): {orphans:?}").into())
    }
}

fn main() {
    let arguments = Arguments::from_args();
    let fixtures = support::fixtures();
    let mut trials = vec![
        Trial::test(
            "random_names spec is its seed's",
            random_names_spec_is_its_seeds,
        ),
        Trial::test("every snapshot has its fixture", {
            let fixtures = fixtures.clone();
            move || every_snapshot_has_its_fixture(&fixtures)
        }),
    ];
    trials.extend(
        fixtures.into_iter().map(|fixture| {
            Trial::test(fixture.name.clone(), move || matches_its_snapshot(&fixture))
        }),
    );
    libtest_mimic::run(&arguments, trials).exit();
}
