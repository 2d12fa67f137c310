//! `spec/zephr-admin-api.lock.json`: which spec the committed crate was generated from.
//!
//! The spec itself is not committed; the lock names where it comes from and pins its exact bytes
//! (sha256), so `generate` can tell a spec that changed from the one the crate was made from, and
//! `fetch-spec` can report what changed. It also carries the generated crate's version, which
//! `fetch-spec` bumps as the change report requires.

use std::path::Path;

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

/// Where the spec is published.
pub const DEFAULT_SOURCE: &str = "https://developer.zuora.com/yaml/admin_api_spec.yaml";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lock {
    /// URL (or path) the spec was fetched from.
    pub source: String,
    /// `info.title`.
    pub title: String,
    /// `info.version`.
    pub version: String,
    /// Lowercase hex SHA-256 of the spec file's bytes.
    pub sha256: String,
    /// Lowercase hex SHA-256 of the overlay applied to the spec (`None`: no overlay).
    #[serde(default)]
    pub overlay_sha256: Option<String>,
    /// Size of the spec file in bytes.
    pub bytes: u64,
    /// What the spec contains, to see at a glance what a new one changed.
    pub counts: Counts,
    /// Version of the generated crate.
    pub crate_version: String,
    /// The download's validators (`ETag`, `Last-Modified`), for a conditional download next time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub etag: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_modified: Option<String>,
    /// The files a multi-file spec was bundled from (`fetch-spec` writes the bundle into
    /// `spec/`; `sha256` is the bundle's): path relative to the root file's directory, sha256.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub files: Vec<LockedFile>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LockedFile {
    pub path: String,
    pub sha256: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    pub paths: usize,
    pub operations: usize,
    pub component_schemas: usize,
    pub component_request_bodies: usize,
    pub types: usize,
    pub examples: usize,
}

impl Counts {
    pub fn of(spec: &codegen::load::LoadedSpec, api: &codegen::ir::Api) -> Counts {
        let components = spec.openapi.components.as_ref();
        Counts {
            paths: spec.openapi.paths.paths.len(),
            operations: api.operations.len(),
            component_schemas: components.map_or(0, |c| c.schemas.len()),
            component_request_bodies: components.map_or(0, |c| c.request_bodies.len()),
            types: api.types.len(),
            examples: api.examples.len(),
        }
    }

    /// `(name, value)` pairs, for reports.
    pub fn entries(&self) -> [(&'static str, usize); 6] {
        [
            ("paths", self.paths),
            ("operations", self.operations),
            ("component schemas", self.component_schemas),
            ("component request bodies", self.component_request_bodies),
            ("generated types", self.types),
            ("examples", self.examples),
        ]
    }
}

impl Lock {
    /// The lock at `path`, or `None` when there is none.
    pub fn read(path: &Path) -> Result<Option<Lock>> {
        let Some(text) = crate::paths::read_optional(path)? else {
            return Ok(None);
        };
        let lock = serde_json::from_str(&text)
            .with_context(|| format!("{} is not a valid lock file", path.display()))?;
        Ok(Some(lock))
    }

    pub fn write(&self, path: &Path) -> Result<()> {
        let mut text = serde_json::to_string_pretty(self)?;
        text.push('\n');
        crate::paths::replace_file(path, text.as_bytes())
    }
}
