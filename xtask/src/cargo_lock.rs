//! The generated crate's version in `Cargo.lock`, moved with the crate: after `update` (or a
//! `generate` that writes a new version) the change is complete, and `cargo build --locked` in
//! review passes without another cargo run adding a lockfile diff of its own.
//!
//! Only the version lines of the crate's own packages (`NAME` and its vendored `NAME-runtime`)
//! change; cargo writes every `[[package]]` as `name`, then `version`, and nothing else here is
//! touched, so the edit is what cargo itself would write.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

/// A lockfile's text before and after the edit.
pub struct Edit {
    pub path: PathBuf,
    pub before: String,
    pub after: String,
}

/// The edit that sets the version of the crate at `out` (package `name`) and of its runtime to
/// `version` in the lockfile that records them, if any does and says another version.
pub fn follow(out: &Path, name: &str, version: &str) -> Result<Option<Edit>> {
    let Some(path) = lockfile(out) else {
        return Ok(None);
    };
    let before = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read {}", path.display()))?;
    let mut after = before.clone();
    for package in [name.to_owned(), format!("{name}-runtime")] {
        after = with_version(&after, &package, version);
    }
    Ok((after != before).then_some(Edit {
        path,
        before,
        after,
    }))
}

/// The lockfile of the crate at `out`: its own, or this workspace's when it is a member.
fn lockfile(out: &Path) -> Option<PathBuf> {
    let own = out.join("Cargo.lock");
    if own.is_file() {
        return Some(own);
    }
    let root = crate::paths::root();
    let relative = out
        .canonicalize()
        .ok()?
        .strip_prefix(root.canonicalize().ok()?)
        .ok()?
        .to_str()?
        .to_owned();
    let manifest: toml::Table = std::fs::read_to_string(root.join("Cargo.toml"))
        .ok()?
        .parse()
        .ok()?;
    let members = manifest.get("workspace")?.get("members")?.as_array()?;
    members
        .iter()
        .any(|m| m.as_str() == Some(relative.as_str()))
        .then(|| root.join("Cargo.lock"))
        .filter(|path| path.is_file())
}

/// `lock` with the version of the local package `name` set to `version` (unchanged when it is
/// absent). A package of the same name from a registry or git (a `source` line in its block)
/// is another crate, and is left alone.
fn with_version(lock: &str, name: &str, version: &str) -> String {
    let entry = format!("[[package]]\nname = \"{name}\"\nversion = \"");
    let mut from = 0;
    while let Some(found) = lock[from..].find(&entry) {
        let at = from + found;
        let start = at + entry.len();
        let block_end = lock[start..]
            .find("\n\n")
            .map_or(lock.len(), |end| start + end);
        let Some(length) = lock[start..block_end].find('"') else {
            return lock.to_owned();
        };
        if !lock[start..block_end].contains("\nsource = ") {
            return format!("{}{version}{}", &lock[..start], &lock[start + length..]);
        }
        from = block_end;
    }
    lock.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_named_package_moves() {
        let lock = "[[package]]\nname = \"zephr\"\nversion = \"0.4.0\"\ndependencies = [\n \"zephr-runtime\",\n]\n\n[[package]]\nname = \"zephr-runtime\"\nversion = \"0.4.0\"\n\n[[package]]\nname = \"zephr-other\"\nversion = \"0.4.0\"\n";
        let moved = with_version(
            &with_version(lock, "zephr", "0.5.0"),
            "zephr-runtime",
            "0.5.0",
        );
        assert_eq!(
            moved,
            lock.replacen("0.4.0", "0.5.0", 2),
            "zephr-other keeps its version"
        );
        assert_eq!(with_version(lock, "absent", "9.9.9"), lock);
        // A registry crate of the same name comes first: the local one moves, it does not.
        let both = "[[package]]\nname = \"zephr\"\nversion = \"1.0.0\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\nchecksum = \"00\"\n\n[[package]]\nname = \"zephr\"\nversion = \"0.4.0\"\n";
        assert_eq!(
            with_version(both, "zephr", "0.5.0"),
            both.replace("0.4.0", "0.5.0")
        );
    }
}
