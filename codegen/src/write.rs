//! Stage 4: the generated files on disk, all or nothing; or a check that they are current.
//!
//! Writing compares first: unchanged files are not touched (their modification times stay, so
//! cargo does not rebuild what did not change). Changed and new files are first written next to
//! their target as temporary files; only when all of them are written are they renamed into
//! place, so a failure leaves the old tree as it was. Files this generator wrote before and no
//! longer produces are removed; files it did not write (no preamble) are never touched.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::emit::GeneratedFile;
use crate::error::Error;

/// The line every generated file carries; it marks files the generator owns.
pub const MARKER: &str = "Do not edit: change the spec or the generator, then regenerate.";

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

    /// One line per file that differs: `changed src/types.rs`.
    pub fn describe(&self) -> Vec<String> {
        let mut out = Vec::new();
        for (what, paths) in [("missing", &self.added), ("stale", &self.changed), ("obsolete", &self.removed)] {
            out.extend(paths.iter().map(|p| format!("{what:8} {}", p.display())));
        }
        out
    }
}

fn io_error(path: &Path) -> impl FnOnce(io::Error) -> Error + '_ {
    move |source| Error::Io {
        path: path.to_owned(),
        source,
    }
}

/// Compares `files` with the crate in `out_dir`, writing nothing.
pub fn check(out_dir: &Path, files: &[GeneratedFile]) -> Result<Plan, Error> {
    let mut plan = Plan::default();
    for file in files {
        let target = out_dir.join(&file.path);
        match fs::read(&target) {
            Ok(existing) if existing == file.contents.as_bytes() => plan.unchanged += 1,
            Ok(existing) => {
                if !is_generated(&existing) {
                    return Err(Error::Input {
                        what: target.display().to_string(),
                        message: "exists but was not written by the generator; refusing to overwrite it".to_owned(),
                    });
                }
                plan.changed.push(file.path.clone());
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => plan.added.push(file.path.clone()),
            Err(e) => return Err(io_error(&target)(e)),
        }
    }
    for existing in generated_files(out_dir)? {
        if !files.iter().any(|f| f.path == existing) {
            plan.removed.push(existing);
        }
    }
    Ok(plan)
}

/// Brings `out_dir` in line with `files` (see the module docs).
pub fn write(out_dir: &Path, files: &[GeneratedFile]) -> Result<Plan, Error> {
    let plan = check(out_dir, files)?;
    let pending: Vec<&GeneratedFile> = files
        .iter()
        .filter(|f| plan.added.contains(&f.path) || plan.changed.contains(&f.path))
        .collect();
    let mut staged: Vec<(PathBuf, PathBuf)> = Vec::with_capacity(pending.len());
    let staging = pending.iter().try_for_each(|file| {
        let target = out_dir.join(&file.path);
        let parent = target.parent().unwrap_or(out_dir);
        fs::create_dir_all(parent).map_err(io_error(parent))?;
        let temporary = temporary_path(&target);
        fs::write(&temporary, &file.contents).map_err(io_error(&temporary))?;
        staged.push((temporary, target));
        Ok::<(), Error>(())
    });
    if let Err(error) = staging {
        for (temporary, _) in &staged {
            let _ = fs::remove_file(temporary);
        }
        return Err(error);
    }
    for (temporary, target) in &staged {
        fs::rename(temporary, target).map_err(io_error(target))?;
    }
    for removed in &plan.removed {
        let path = out_dir.join(removed);
        fs::remove_file(&path).map_err(io_error(&path))?;
        // Drop directories the removal left empty (never `out_dir` itself).
        let mut dir = path.parent();
        while let Some(d) = dir.filter(|d| *d != out_dir && d.starts_with(out_dir)) {
            if fs::remove_dir(d).is_err() {
                break;
            }
            dir = d.parent();
        }
    }
    Ok(plan)
}

fn temporary_path(target: &Path) -> PathBuf {
    let name = target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    target.with_file_name(format!(".{name}.generating"))
}

fn is_generated(contents: &[u8]) -> bool {
    let head = &contents[..contents.len().min(1024)];
    String::from_utf8_lossy(head).contains(MARKER)
}

/// Files under `out_dir` (not in `target/`) that carry the generator's marker, relative paths.
fn generated_files(out_dir: &Path) -> Result<Vec<PathBuf>, Error> {
    let mut out = Vec::new();
    let mut pending = vec![PathBuf::new()];
    while let Some(relative) = pending.pop() {
        let dir = out_dir.join(&relative);
        let entries = match fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
            Err(e) => return Err(io_error(&dir)(e)),
        };
        for entry in entries {
            let entry = entry.map_err(io_error(&dir))?;
            let name = entry.file_name();
            let path = relative.join(&name);
            let file_type = entry.file_type().map_err(io_error(&dir))?;
            if file_type.is_dir() {
                if name != "target" {
                    pending.push(path);
                }
            } else if file_type.is_file() {
                let full = out_dir.join(&path);
                let mut head = vec![0u8; 1024];
                let read = fs::File::open(&full)
                    .and_then(|mut f| io::Read::read(&mut f, &mut head))
                    .map_err(io_error(&full))?;
                if is_generated(&head[..read]) {
                    out.push(path);
                }
            }
        }
    }
    out.sort();
    Ok(out)
}
