//! The files of a multi-file spec: found from relative `$ref`s, read once each, and confined to
//! the root spec's directory.
//!
//! A spec from the internet decides which paths its `$ref`s name, so every path is checked
//! before it is opened: relative only (no URL is ever fetched, no absolute path read), resolved
//! through symlinks to a regular file inside the root's directory, and counted against
//! [`limits::MAX_SPEC_FILES`] and a total of [`limits::MAX_SPEC_BYTES`].

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::error::{Error, Problem, SpecError};
use crate::limits;

/// One file a spec was read from, for the lock and the crate's preamble.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    /// Relative to the root file's directory, with `/` separators (the root is its file name).
    pub path: String,
    /// Lowercase hex SHA-256 of its bytes.
    pub sha256: String,
}

/// Index of the root document in [`Files`].
pub(crate) const ROOT: usize = 0;

/// Every file read so far, the root first.
pub(crate) struct Files {
    /// The root's directory, resolved; `None` when the spec came from memory.
    dir: Option<PathBuf>,
    /// How each file is named in messages.
    names: Vec<String>,
    /// Each file's directory, resolved (relative `$ref`s are relative to it).
    dirs: Vec<PathBuf>,
    /// The documents as read (before any `$ref` in them was rewritten).
    pub(crate) documents: Vec<Value>,
    pub(crate) sources: Vec<SourceFile>,
    by_path: HashMap<PathBuf, usize>,
    bytes: usize,
}

impl Files {
    /// `root` is the root document as read; `path` its file when it has one.
    pub(crate) fn new(
        root: Value,
        source_name: &str,
        path: Option<&Path>,
        sha256: String,
        bytes: usize,
    ) -> Files {
        let resolved = path.and_then(|p| p.canonicalize().ok());
        let dir = resolved
            .as_deref()
            .and_then(Path::parent)
            .map(Path::to_path_buf);
        let file_name = resolved.as_deref().and_then(Path::file_name).map_or_else(
            || source_name.to_owned(),
            |n| n.to_string_lossy().into_owned(),
        );
        let mut by_path = HashMap::new();
        if let Some(resolved) = &resolved {
            by_path.insert(resolved.clone(), ROOT);
        }
        Files {
            dirs: vec![dir.clone().unwrap_or_default()],
            dir,
            names: vec![source_name.to_owned()],
            documents: vec![root],
            sources: vec![SourceFile {
                path: file_name,
                sha256,
            }],
            by_path,
            bytes,
        }
    }

    /// A place for a note: the pointer, prefixed with the file unless it is the root.
    pub(crate) fn place(&self, file: usize, pointer: &str) -> String {
        if file == ROOT {
            pointer.to_owned()
        } else {
            format!("{}#{pointer}", self.sources[file].path)
        }
    }

    /// An error at `pointer` of `file`.
    pub(crate) fn error(&self, file: usize, pointer: &str, problem: Problem) -> Error {
        Error::Spec {
            file: self.names[file].clone(),
            error: SpecError::new(pointer, problem),
        }
    }

    /// The file a `$ref`'s path part names, relative to the file it is in: read and parsed the
    /// first time. `at` is where the `$ref` is, for messages.
    pub(crate) fn open(
        &mut self,
        reference: &str,
        path: &str,
        from: usize,
        at: &str,
    ) -> Result<usize, Error> {
        let refuse = |why: &str| {
            self.error(
                from,
                at,
                Problem::BadRef(reference.to_owned(), why.to_owned()),
            )
        };
        if path.contains("://") || has_scheme(path) {
            return Err(refuse(
                "it is a URL, and the generator never fetches anything: keep the referenced files next to the spec",
            ));
        }
        let decoded = percent_encoding::percent_decode_str(path)
            .decode_utf8()
            .map_err(|_| refuse("its path is not UTF-8 once percent-decoded"))?;
        let relative = Path::new(decoded.as_ref());
        if relative.is_absolute() || decoded.starts_with('\\') {
            return Err(refuse(
                "it is an absolute path; only paths relative to the spec's directory are read",
            ));
        }
        let Some(root_dir) = &self.dir else {
            return Err(refuse(
                "the spec was not read from a file, so there is no directory to resolve it in",
            ));
        };
        let resolved = self.dirs[from]
            .join(relative)
            .canonicalize()
            .map_err(|e| refuse(&format!("cannot open `{decoded}`: {e}")))?;
        if !resolved.starts_with(root_dir) {
            return Err(refuse(
                "it leads outside the spec's directory (through `..` or a symlink), which is never read",
            ));
        }
        if let Some(&index) = self.by_path.get(&resolved) {
            return Ok(index);
        }
        let metadata = std::fs::metadata(&resolved)
            .map_err(|e| refuse(&format!("cannot open `{decoded}`: {e}")))?;
        if !metadata.is_file() {
            return Err(refuse("it is not a regular file"));
        }
        if self.documents.len() >= limits::MAX_SPEC_FILES {
            return Err(self.error(
                from,
                at,
                Problem::Limit(format!(
                    "the spec references more than {} files",
                    limits::MAX_SPEC_FILES
                )),
            ));
        }
        let relative_name = resolved
            .strip_prefix(root_dir)
            .unwrap_or(&resolved)
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        // Messages name the file as the user would: beside the root, as the root was named.
        let root_name = Path::new(&self.names[ROOT]);
        let name = root_name.parent().map_or_else(
            || relative_name.clone(),
            |p| p.join(&relative_name).display().to_string(),
        );
        let bytes = super::read_bounded(&resolved)?;
        self.bytes += bytes.len();
        if self.bytes > limits::MAX_SPEC_BYTES {
            return Err(self.error(
                from,
                at,
                Problem::Limit(format!(
                    "the spec's files hold more than {} bytes together",
                    limits::MAX_SPEC_BYTES
                )),
            ));
        }
        let document = super::parse_document(&bytes, &name)?;
        let index = self.documents.len();
        self.by_path.insert(resolved.clone(), index);
        self.dirs
            .push(resolved.parent().map(Path::to_path_buf).unwrap_or_default());
        self.names.push(name);
        self.documents.push(document);
        self.sources.push(SourceFile {
            path: relative_name,
            sha256: super::sha256_hex(&bytes),
        });
        Ok(index)
    }

    /// A short name for a whole file, for a schema hoisted from it (`schemas/Pet.yaml` → `Pet`).
    pub(crate) fn stem(&self, file: usize) -> String {
        let path = &self.sources[file].path;
        let base = path.rsplit('/').next().unwrap_or(path);
        base.split('.')
            .next()
            .filter(|s| !s.is_empty())
            .unwrap_or("Schema")
            .to_owned()
    }
}

/// `urn:`, `file:`, `c:` … (a Windows drive letter is refused too: it is not relative).
fn has_scheme(path: &str) -> bool {
    match path.split_once(':') {
        Some((scheme, _)) => {
            !scheme.is_empty()
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
        }
        None => false,
    }
}

/// The combined identity of a multi-file spec: the SHA-256 of each file's path and SHA-256, in
/// the order they were read. For a single file it is that file's SHA-256, as before.
pub(crate) fn combined_sha256(sources: &[SourceFile]) -> String {
    match sources {
        [only] => only.sha256.clone(),
        _ => {
            let listing: String = sources
                .iter()
                .map(|s| format!("{}  {}\n", s.sha256, s.path))
                .collect();
            super::sha256_hex(listing.as_bytes())
        }
    }
}
