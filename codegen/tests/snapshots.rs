//! What the generator writes for every fixture spec, committed under `tests/snapshots/<fixture>/`
//! and compared here, so a change to the emitted code shows in review as a diff of real files.
//!
//! Update them with `cargo xtask snapshots` (which runs this test with `EXPECTORATE=overwrite`),
//! then read the diff like any other code change. The runtime's modules are left out: they are
//! copies of `codegen/runtime/src`, reviewed there. Snapshots show generated code; what it does
//! is for the behaviour tests (`tests/behaviour/`, run by `fixture_crates`).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

mod support;

/// Files of a generated crate that are not snapshotted: the runtime (copied verbatim), the
/// manifest (hashes of everything), and the constant rustfmt settings.
fn snapshotted(path: &Path) -> bool {
    let runtime = codegen::emit::runtime_paths();
    let path = path.to_string_lossy();
    !runtime.contains(&path.as_ref()) && path != codegen::write::MANIFEST && path != "rustfmt.toml"
}

fn overwrite() -> bool {
    std::env::var_os("EXPECTORATE").is_some_and(|v| v == "overwrite")
}

/// Every file under `dir`, relative to it.
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
                stack.push(path);
            } else {
                out.insert(path.strip_prefix(dir).unwrap().to_path_buf());
            }
        }
    }
    out
}

#[test]
fn generated_code_of_every_fixture_matches_its_snapshot() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots");
    let mut stale = Vec::new();
    for spec in support::fixture_specs() {
        let fixture = spec.file_stem().unwrap().to_string_lossy().into_owned();
        let options = codegen::Options {
            crate_name: format!("fixture-{}", fixture.replace('_', "-")),
            ..codegen::Options::default()
        };
        let generated =
            codegen::generate_file(&spec, &options).unwrap_or_else(|e| panic!("{fixture}: {e}"));
        let dir = root.join(&fixture);
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
        for extra in files_under(&dir).difference(&expected) {
            if overwrite() {
                std::fs::remove_file(dir.join(extra)).unwrap();
            } else {
                stale.push(format!("{fixture}/{}", extra.display()));
            }
        }
    }
    assert!(
        stale.is_empty(),
        "snapshots of files no longer generated (run `cargo xtask snapshots`): {stale:?}"
    );
}
