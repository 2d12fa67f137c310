//! Stage 4: the generated files on disk, all or nothing; or a check that they are current.
//!
//! The generator owns exactly the files it recorded in the output's manifest
//! (`.codegen-manifest.json`: every file's path and SHA-256), and nothing else:
//! - it never deletes by looking at a file's contents: it removes only files its manifest lists,
//!   and only when they still hold what it wrote (a file edited since is reported, not deleted);
//! - it refuses an output directory that is not empty and has no manifest (not a crate it wrote),
//!   and a file in the way that it did not write;
//! - it refuses to go through a symbolic link inside the output (which could lead anywhere);
//! - manifest entries are plain relative paths, checked before use.
//!
//! Writing compares first: unchanged files are not touched (their modification times stay, so
//! cargo does not rebuild what did not change). Then, all or nothing:
//! 1. every new or changed file is written into a staging directory inside the output;
//! 2. each is moved into place, the file it replaces first moved aside into the staging
//!    directory, and files no longer generated moved aside too;
//! 3. if any step fails, every move is undone in reverse order, so the previous tree is exactly
//!    as it was; on success the staging directory (with the old files) is deleted.
//!
//! A staging directory left by a process that was killed is recognised by its marker file and
//! cleared on the next run.

use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::files::GeneratedFile;

/// The manifest's path, relative to the output.
pub const MANIFEST: &str = ".codegen-manifest.json";

/// Where changed files are staged, relative to the output.
const STAGING: &str = ".codegen-staging";

/// The file that marks a staging directory as ours.
const STAGING_MARKER: &str = "STAGING-DIRECTORY-OF-ZEPHR-CODEGEN";

/// How the generated files compare with what is on disk.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Plan {
    pub added: Vec<PathBuf>,
    pub changed: Vec<PathBuf>,
    /// Generated earlier, not generated any more.
    pub removed: Vec<PathBuf>,
    pub unchanged: usize,
}

impl Plan {
    pub fn is_current(&self) -> bool {
        self.added.is_empty() && self.changed.is_empty() && self.removed.is_empty()
    }

    /// One line per file that differs: `stale    src/types.rs`.
    pub fn describe(&self) -> Vec<String> {
        let mut out = Vec::new();
        for (what, paths) in [
            ("missing", &self.added),
            ("stale", &self.changed),
            ("obsolete", &self.removed),
        ] {
            out.extend(paths.iter().map(|p| format!("{what:8} {}", p.display())));
        }
        out
    }
}

/// The manifest: what the generator wrote, by path, with each file's SHA-256.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Manifest {
    generator: String,
    files: BTreeMap<String, String>,
    /// For the Rust files rustfmt formatted: the SHA-256 of the text it was given (see
    /// `format::Reuse`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    formatted_from: BTreeMap<String, String>,
}

const GENERATOR: &str = "zephr-codegen";

/// The manifest for `files`, as a generated file of its own (so `--check` compares it too).
/// Call it last, on the complete list.
pub fn manifest_file(files: &[GeneratedFile]) -> GeneratedFile {
    let manifest = Manifest {
        generator: GENERATOR.to_owned(),
        files: files
            .iter()
            .filter(|f| f.path != Path::new(MANIFEST))
            .map(|f| {
                (
                    portable(&f.path),
                    crate::load::sha256_hex(f.contents.as_bytes()),
                )
            })
            .collect(),
        formatted_from: files
            .iter()
            .filter_map(|f| Some((portable(&f.path), f.source_sha256.clone()?)))
            .collect(),
    };
    let mut contents = serde_json::to_string_pretty(&manifest).unwrap_or_default();
    contents.push('\n');
    GeneratedFile::new(MANIFEST, contents)
}

/// What the crate in `out_dir` can give back to the format stage: each file rustfmt formatted
/// (by the manifest) whose text on disk is still the one written, with the SHA-256 of the text
/// it was formatted from. Empty when there is no usable manifest.
pub(crate) fn reusable_formatting(out_dir: &Path) -> crate::format::Reuse {
    let mut reuse = crate::format::Reuse::default();
    let Ok(existing) = read_existing(out_dir) else {
        return reuse;
    };
    let manifest = existing.manifest;
    for (path, source_sha) in manifest.formatted_from {
        let relative = Path::new(&path);
        if !is_plain_relative(relative) || check_no_links(out_dir, relative).is_err() {
            continue;
        }
        let Some(sha) = manifest.files.get(&path) else {
            continue;
        };
        // Anything unreadable, or changed since it was written, is simply not reused.
        let Ok(text) = std::fs::read_to_string(out_dir.join(relative)) else {
            continue;
        };
        if crate::load::sha256_hex(text.as_bytes()) == *sha {
            reuse.insert(PathBuf::from(path), source_sha, text);
        }
    }
    reuse
}

/// A relative path with `/` separators, as the manifest records it.
fn portable(path: &Path) -> String {
    path.components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

fn io_error(path: &Path) -> impl FnOnce(io::Error) -> Error + '_ {
    move |source| Error::Io {
        path: path.to_owned(),
        source,
    }
}

fn refuse(path: &Path, message: impl Into<String>) -> Error {
    Error::Input {
        what: path.display().to_string(),
        message: message.into(),
    }
}

/// The output as found: its manifest (empty when the directory is new or empty).
struct Existing {
    manifest: Manifest,
}

fn read_existing(out_dir: &Path) -> Result<Existing, Error> {
    match fs::symlink_metadata(out_dir) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            return Ok(Existing {
                manifest: Manifest::default(),
            });
        }
        Err(e) => return Err(io_error(out_dir)(e)),
        Ok(meta) if meta.is_file() => return Err(refuse(out_dir, "is a file, not a directory")),
        Ok(_) => {}
    }
    let manifest_path = out_dir.join(MANIFEST);
    let text = match fs::symlink_metadata(&manifest_path) {
        Ok(meta) if !meta.is_file() => return Err(refuse(&manifest_path, "is not a regular file")),
        Ok(_) => fs::read_to_string(&manifest_path).map_err(io_error(&manifest_path))?,
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            let mut entries = fs::read_dir(out_dir).map_err(io_error(out_dir))?;
            if entries.next().is_some() {
                return Err(refuse(
                    out_dir,
                    format!(
                        "is not empty and holds no {MANIFEST}, so it is not a crate this generator wrote; \
                         choose an empty or new directory (nothing was written)"
                    ),
                ));
            }
            return Ok(Existing {
                manifest: Manifest::default(),
            });
        }
        Err(e) => return Err(io_error(&manifest_path)(e)),
    };
    let manifest: Manifest = serde_json::from_str(&text).map_err(|e| {
        refuse(
            &manifest_path,
            format!("is not a manifest this generator wrote: {e}"),
        )
    })?;
    if manifest.generator != GENERATOR {
        return Err(refuse(&manifest_path, "was written by another generator"));
    }
    for path in manifest.files.keys() {
        if !is_plain_relative(Path::new(path)) {
            return Err(refuse(
                &manifest_path,
                format!("lists `{path}`, which is not a plain relative path"),
            ));
        }
    }
    Ok(Existing { manifest })
}

fn is_plain_relative(path: &Path) -> bool {
    path.components().count() > 0 && path.components().all(|c| matches!(c, Component::Normal(_)))
}

/// Refuses when a directory on the way from `out_dir` to `relative`, or `relative` itself, is a
/// symbolic link: writing through it could land anywhere.
fn check_no_links(out_dir: &Path, relative: &Path) -> Result<(), Error> {
    let mut here = out_dir.to_path_buf();
    for component in relative.components() {
        here.push(component);
        match fs::symlink_metadata(&here) {
            Ok(meta) if meta.file_type().is_symlink() => {
                return Err(refuse(
                    &here,
                    "is a symbolic link inside the output; refusing to write through it",
                ));
            }
            Ok(_) => {}
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(io_error(&here)(e)),
        }
    }
    Ok(())
}

/// Compares `files` with the crate in `out_dir`, writing nothing.
pub fn check(out_dir: &Path, files: &[GeneratedFile]) -> Result<Plan, Error> {
    Ok(plan(out_dir, files)?.0)
}

fn plan(out_dir: &Path, files: &[GeneratedFile]) -> Result<(Plan, Existing), Error> {
    let existing = read_existing(out_dir)?;
    let mut plan = Plan::default();
    for file in files {
        if !is_plain_relative(&file.path) {
            return Err(refuse(
                &file.path,
                "a generated path must be plain and relative",
            ));
        }
        check_no_links(out_dir, &file.path)?;
        let target = out_dir.join(&file.path);
        match fs::read(&target) {
            Ok(current) if current == file.contents.as_bytes() => plan.unchanged += 1,
            // The manifest owns itself: it was read and checked above.
            Ok(_)
                if existing.manifest.files.contains_key(&portable(&file.path))
                    || file.path == Path::new(MANIFEST) =>
            {
                plan.changed.push(file.path.clone())
            }
            Ok(_) => {
                return Err(refuse(
                    &target,
                    "exists but was not written by the generator; refusing to overwrite it",
                ));
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => plan.added.push(file.path.clone()),
            Err(e) => return Err(io_error(&target)(e)),
        }
    }
    let generated: std::collections::HashSet<String> =
        files.iter().map(|f| portable(&f.path)).collect();
    for (path, sha) in &existing.manifest.files {
        if generated.contains(path) {
            continue;
        }
        let relative = PathBuf::from(path);
        check_no_links(out_dir, &relative)?;
        let target = out_dir.join(&relative);
        match fs::read(&target) {
            Ok(current) if crate::load::sha256_hex(&current) == *sha => plan.removed.push(relative),
            Ok(_) => {
                return Err(refuse(
                    &target,
                    "is no longer generated, but was changed since it was: remove it yourself if that is what you want",
                ));
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(io_error(&target)(e)),
        }
    }
    Ok((plan, existing))
}

/// One step of the commit, as it can be undone.
enum Step {
    /// A directory that did not exist was created.
    CreatedDir(PathBuf),
    /// A file was moved from `from` to `to`.
    Moved { from: PathBuf, to: PathBuf },
}

/// Brings `out_dir` in line with `files` (see the module docs).
pub fn write(out_dir: &Path, files: &[GeneratedFile]) -> Result<Plan, Error> {
    write_with_faults(out_dir, files, None)
}

/// [`write()`], failing (for tests) when a move is attempted after `moves_allowed` moves.
fn write_with_faults(
    out_dir: &Path,
    files: &[GeneratedFile],
    moves_allowed: Option<usize>,
) -> Result<Plan, Error> {
    let (plan, _existing) = plan(out_dir, files)?;
    if plan.is_current() {
        return Ok(plan);
    }
    let mut steps = Steps {
        done: Vec::new(),
        moves_allowed,
    };
    if !out_dir.exists() {
        create_dirs(out_dir, &mut steps)?;
    }
    let staging = out_dir.join(STAGING);
    clear_stale_staging(&staging)?;
    fs::create_dir(&staging).map_err(io_error(&staging))?;
    let result = stage_and_commit(out_dir, &staging, files, &plan, &mut steps);
    if let Err(error) = result {
        undo(steps.done, &staging);
        return Err(error);
    }
    // Committed: the old files in staging are no longer needed.
    fs::remove_dir_all(&staging).map_err(io_error(&staging))?;
    for removed in &plan.removed {
        remove_empty_parents(out_dir, &out_dir.join(removed));
    }
    Ok(plan)
}

/// The steps done so far, to undo on failure.
struct Steps {
    done: Vec<Step>,
    /// For tests: fail when a move is attempted after this many.
    moves_allowed: Option<usize>,
}

fn stage_and_commit(
    out_dir: &Path,
    staging: &Path,
    files: &[GeneratedFile],
    plan: &Plan,
    steps: &mut Steps,
) -> Result<(), Error> {
    let marker = staging.join(STAGING_MARKER);
    fs::write(
        &marker,
        "zephr-codegen writes changed files here first; safe to delete\n",
    )
    .map_err(io_error(&marker))?;
    let new_dir = staging.join("new");
    let old_dir = staging.join("old");
    // 1. Stage every new and changed file.
    let pending: Vec<&GeneratedFile> = files
        .iter()
        .filter(|f| plan.added.contains(&f.path) || plan.changed.contains(&f.path))
        .collect();
    for file in &pending {
        let staged = new_dir.join(&file.path);
        if let Some(parent) = staged.parent() {
            fs::create_dir_all(parent).map_err(io_error(parent))?;
        }
        fs::write(&staged, &file.contents).map_err(io_error(&staged))?;
    }
    // 2. Move old files aside and new ones into place; every move is recorded to be undone.
    for file in &pending {
        let target = out_dir.join(&file.path);
        if let Some(parent) = target.parent() {
            create_dirs(parent, steps)?;
        }
        if plan.changed.contains(&file.path) {
            move_file(&target, &old_dir.join(&file.path), steps)?;
        }
        move_file(&new_dir.join(&file.path), &target, steps)?;
    }
    for removed in &plan.removed {
        move_file(&out_dir.join(removed), &old_dir.join(removed), steps)?;
    }
    Ok(())
}

fn move_file(from: &Path, to: &Path, steps: &mut Steps) -> Result<(), Error> {
    if let Some(parent) = to.parent() {
        fs::create_dir_all(parent).map_err(io_error(parent))?;
    }
    if let Some(allowed) = &mut steps.moves_allowed {
        if *allowed == 0 {
            return Err(io_error(to)(io::Error::other("injected failure (test)")));
        }
        *allowed -= 1;
    }
    fs::rename(from, to).map_err(io_error(to))?;
    steps.done.push(Step::Moved {
        from: from.to_owned(),
        to: to.to_owned(),
    });
    Ok(())
}

/// Creates `dir` and its missing parents, recording each one created.
fn create_dirs(dir: &Path, steps: &mut Steps) -> Result<(), Error> {
    let mut missing = Vec::new();
    let mut here = Some(dir);
    while let Some(d) = here.filter(|d| !d.as_os_str().is_empty() && !d.exists()) {
        missing.push(d.to_owned());
        here = d.parent();
    }
    for d in missing.into_iter().rev() {
        fs::create_dir(&d).map_err(io_error(&d))?;
        steps.done.push(Step::CreatedDir(d));
    }
    Ok(())
}

/// Undoes the commit's steps: the moves, last first (old files come back from staging), then the
/// staging directory goes, then the directories that were created. Best effort: a step that
/// cannot be undone leaves the others to be tried.
fn undo(steps: Vec<Step>, staging: &Path) {
    let mut created = Vec::new();
    for step in steps.into_iter().rev() {
        match step {
            Step::Moved { from, to } => {
                let _ = fs::rename(&to, &from);
            }
            Step::CreatedDir(dir) => created.push(dir),
        }
    }
    let _ = fs::remove_dir_all(staging);
    for dir in created {
        let _ = fs::remove_dir(&dir);
    }
}

/// A staging directory left by an interrupted run is removed, but only when it carries our
/// marker; anything else by that name is reported.
fn clear_stale_staging(staging: &Path) -> Result<(), Error> {
    match fs::symlink_metadata(staging) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(io_error(staging)(e)),
        Ok(meta) if meta.is_dir() && staging.join(STAGING_MARKER).is_file() => {
            fs::remove_dir_all(staging).map_err(io_error(staging))
        }
        Ok(_) => Err(refuse(
            staging,
            "is in the way of the generator's staging directory and was not made by it",
        )),
    }
}

/// Drops directories the removal left empty (never `out_dir` itself).
fn remove_empty_parents(out_dir: &Path, removed: &Path) {
    let mut dir = removed.parent();
    while let Some(d) = dir.filter(|d| *d != out_dir && d.starts_with(out_dir)) {
        if fs::remove_dir(d).is_err() {
            break;
        }
        dir = d.parent();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, contents: &str) -> GeneratedFile {
        GeneratedFile::new(path, contents.to_owned())
    }

    fn with_manifest(mut files: Vec<GeneratedFile>) -> Vec<GeneratedFile> {
        let manifest = manifest_file(&files);
        files.push(manifest);
        files
    }

    /// Every path under `dir` with its contents (directories as `<dir>`).
    fn tree(dir: &Path) -> Vec<(PathBuf, String)> {
        let mut out = Vec::new();
        let mut pending = vec![dir.to_owned()];
        while let Some(d) = pending.pop() {
            for entry in fs::read_dir(&d).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    out.push((path.clone(), "<dir>".to_owned()));
                    pending.push(path);
                } else {
                    out.push((path.clone(), fs::read_to_string(&path).unwrap()));
                }
            }
        }
        out.sort();
        out
    }

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("codegen-write-{}-{name}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        dir
    }

    #[test]
    fn a_failure_at_any_move_leaves_the_previous_tree_exactly() {
        let out = scratch("rollback");
        let old = with_manifest(vec![
            file("Cargo.toml", "v1\n"),
            file("src/lib.rs", "v1\n"),
            file("src/apis/a.rs", "a\n"),
        ]);
        // Changes two files, adds two (one in a new directory), removes one.
        let new = with_manifest(vec![
            file("Cargo.toml", "v2\n"),
            file("src/lib.rs", "v2\n"),
            file("src/apis/b.rs", "b\n"),
            file("src/deep/new/c.rs", "c\n"),
        ]);
        write(&out, &old).unwrap();
        let before = tree(&out);
        let mut failures = 0;
        for allowed in 0..20 {
            match write_with_faults(&out, &new, Some(allowed)) {
                Err(_) => {
                    failures += 1;
                    assert_eq!(tree(&out), before, "after failing at move {allowed}");
                }
                Ok(_) => {
                    // Enough moves for the whole commit: the new tree, complete.
                    assert!(failures > 5, "the commit has many moves, each one tried");
                    assert_eq!(
                        fs::read_to_string(out.join("src/deep/new/c.rs")).unwrap(),
                        "c\n"
                    );
                    assert!(!out.join("src/apis/a.rs").exists() && !out.join(STAGING).exists());
                    break;
                }
            }
        }
        let _ = fs::remove_dir_all(&out);
    }

    #[test]
    fn a_new_output_that_fails_is_not_left_behind() {
        let out = scratch("fresh");
        let files = with_manifest(vec![file("Cargo.toml", "x\n"), file("src/lib.rs", "x\n")]);
        assert!(write_with_faults(&out, &files, Some(1)).is_err());
        assert!(!out.exists(), "the directory it created is gone again");
    }
}
