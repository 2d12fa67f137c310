//! `cargo xtask` is `cargo run -p xtask`, which resolves the features of xtask's dependencies
//! for xtask alone, while `cargo test --workspace` resolves them for every member together. Where
//! the two differ, CI compiles the dependency (and everything built on it: tokio, serde, syn,
//! codegen, …) twice. xtask's manifest turns on what the workspace turns on (its "workspace
//! hack"); this test says what to add there when they part again.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Command;

/// Each package (`name vX.Y.Z`) of a `cargo tree` resolution with its feature sets (one per
/// way it is built: a package compiled for build scripts and proc macros may have another).
fn resolution(args: &[&str]) -> BTreeMap<String, BTreeSet<String>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let output = Command::new(cargo)
        .args([
            "tree", "--locked", "--prefix", "none", "--format", "{p} {f}",
        ])
        .args(args)
        .current_dir(root)
        .output()
        .expect("cargo tree runs");
    assert!(
        output.status.success(),
        "cargo tree {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let mut packages = BTreeMap::<String, BTreeSet<String>>::new();
    for line in String::from_utf8(output.stdout).unwrap().lines() {
        // A package already printed in full, or a workspace member (`name v0.1.0 (/path)`).
        if line.ends_with("(*)") {
            continue;
        }
        let words: Vec<&str> = line.split_whitespace().collect();
        let [name, version, rest @ ..] = words.as_slice() else {
            continue;
        };
        if rest.first().is_some_and(|w| w.starts_with('(')) {
            continue;
        }
        packages
            .entry(format!("{name} {version}"))
            .or_default()
            .insert(rest.first().copied().unwrap_or_default().to_owned());
    }
    packages
}

#[test]
fn cargo_xtask_resolves_its_dependencies_as_the_workspace_tests_do() {
    let alone = resolution(&["-p", "xtask", "-e", "normal,build"]);
    let workspace = resolution(&["--workspace", "-e", "normal,build,dev"]);
    assert!(
        alone.len() > 100,
        "xtask's dependencies were read: {}",
        alone.len()
    );
    let parted: Vec<String> = alone
        .iter()
        .filter_map(|(package, features)| {
            let together = workspace.get(package)?;
            (together != features).then(|| {
                format!("{package}: for xtask alone {features:?}, in the workspace {together:?}")
            })
        })
        .collect();
    assert!(
        parted.is_empty(),
        "`cargo xtask` would compile these with other features than `cargo test --workspace` \
         does, so CI would build them (and all that depends on them) twice; add the \
         workspace's features to the workspace hack in xtask/Cargo.toml:\n{}",
        parted.join("\n")
    );
}
