//! Stage 1: bytes → normalised JSON document → `openapiv3::OpenAPI`.
//!
//! Real specs are not what `openapiv3` expects out of the box, so the text is first read into a
//! `serde_json::Value` and normalised on the way (in the `parse` module): non-string keys, merge keys,
//! tags, integers beyond 64 bits, duplicate keys. The normalised document is kept next to the
//! typed model: examples and other parts `openapiv3` does not keep are read from it by pointer.
//!
//! Every input is bounded (see [`crate::limits`]): its size, its nesting depth (checked before
//! the YAML parser runs), and every error names the place as `file:line:col` or a JSON pointer.

use std::path::Path;

use openapiv3::OpenAPI;
use serde::Deserialize;
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::error::{Error, Problem, SpecError};
use crate::limits;
use crate::pointer;

mod files;
mod locate;
mod overlay;
mod parse;
mod path_cost;
mod prescan;
mod resolve;
mod shape;
mod v31;

pub use files::SourceFile;
pub use overlay::{Applied, Overlay};

/// A parsed spec and what is known about its source.
#[derive(Debug, Clone)]
pub struct LoadedSpec {
    /// How the source is named in messages (usually its path).
    pub source_name: String,
    /// Lowercase hex SHA-256 of the exact bytes read; for a multi-file spec, of the list of
    /// its files' paths and SHA-256s (see [`LoadedSpec::files`]).
    pub sha256: String,
    /// Every file read, the root first: one, unless `$ref`s name other files.
    pub files: Vec<SourceFile>,
    /// What loading changed that a reviewer should know about (3.1 forms read as 3.0, defects
    /// repaired); the IR reports them as warnings, or defects as errors under `--strict`.
    pub notes: Vec<Note>,
    /// The normalised document.
    pub document: Value,
    /// The same document as typed OpenAPI.
    pub openapi: OpenAPI,
    /// The overlay applied to it, if any: (its name, its sha256).
    pub overlay: Option<(String, String)>,
}

/// Something loading changed, at a pointer of the (bundled) document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    pub pointer: String,
    pub message: String,
    /// A defect of the spec repaired with a safe default (an error under `--strict`), rather
    /// than a faithful translation.
    pub defect: bool,
}

/// Reads and loads a spec file, and the files its `$ref`s name.
pub fn load_file(path: &Path) -> Result<LoadedSpec, Error> {
    load_file_with_overlay(path, None)
}

/// Reads a file, refusing one larger than [`limits::MAX_SPEC_BYTES`] before reading it whole.
pub(crate) fn read_bounded(path: &Path) -> Result<Vec<u8>, Error> {
    let io = |source| Error::Io {
        path: path.to_owned(),
        source,
    };
    let file = std::fs::File::open(path).map_err(io)?;
    let length = file.metadata().map_err(io)?.len();
    if length > limits::MAX_SPEC_BYTES as u64 {
        return Err(too_large(&path.display().to_string(), length));
    }
    let mut bytes = Vec::with_capacity(length as usize);
    // `take` also bounds a file that grows while it is read (or a device that never ends).
    std::io::Read::read_to_end(
        &mut std::io::Read::take(file, limits::MAX_SPEC_BYTES as u64 + 1),
        &mut bytes,
    )
    .map_err(io)?;
    if bytes.len() > limits::MAX_SPEC_BYTES {
        return Err(too_large(&path.display().to_string(), bytes.len() as u64));
    }
    Ok(bytes)
}

fn too_large(file: &str, length: u64) -> Error {
    Error::Parse {
        file: file.to_owned(),
        line: 1,
        column: 1,
        message: format!(
            "the file is {length} bytes, more than the limit of {} bytes",
            limits::MAX_SPEC_BYTES
        ),
    }
}

/// Loads a spec from memory; `source_name` is used in messages. A `$ref` to another file is an
/// error: there is no directory to find it in.
pub fn load_bytes(bytes: &[u8], source_name: &str) -> Result<LoadedSpec, Error> {
    load_bytes_with_overlay(bytes, source_name, None)
}

/// Reads a spec file and applies `overlay` (if any) before it becomes OpenAPI.
pub fn load_file_with_overlay(path: &Path, overlay: Option<&Overlay>) -> Result<LoadedSpec, Error> {
    let bytes = read_bounded(path)?;
    load(&bytes, &path.display().to_string(), Some(path), overlay)
}

/// A spec as one document: the `$ref`s to other files (and into the insides of components)
/// resolved, nothing else changed. `fetch-spec` writes it into `spec/`, so a multi-file spec is
/// locked, reviewed and regenerated as one file.
#[derive(Debug, Clone)]
pub struct Bundle {
    pub document: Value,
    /// Every file read, the root first.
    pub files: Vec<SourceFile>,
}

/// Reads a spec file and the files its `$ref`s name, into one document.
pub fn bundle_file(path: &Path) -> Result<Bundle, Error> {
    let bytes = read_bounded(path)?;
    let source_name = path.display().to_string();
    let mut document = parse_document(&bytes, &source_name)?;
    let sha256 = sha256_hex(&bytes);
    if !resolve::needed(&document) {
        let name = path
            .file_name()
            .map_or_else(|| source_name.clone(), |n| n.to_string_lossy().into_owned());
        return Ok(Bundle {
            document,
            files: vec![SourceFile { path: name, sha256 }],
        });
    }
    let mut sources = files::Files::new(
        document.clone(),
        &source_name,
        Some(path),
        sha256,
        bytes.len(),
    );
    resolve::resolve(&mut document, &mut sources)?;
    Ok(Bundle {
        document,
        files: sources.sources,
    })
}

/// Loads a spec from memory and applies `overlay` (if any) before it becomes OpenAPI.
pub fn load_bytes_with_overlay(
    bytes: &[u8],
    source_name: &str,
    overlay: Option<&Overlay>,
) -> Result<LoadedSpec, Error> {
    load(bytes, source_name, None, overlay)
}

/// The stages of loading, in order: parse, overlay (on the root document, as written), resolve
/// the `$ref`s OpenAPI 3.0 tools do not follow (other files, insides of components), read 3.1
/// as 3.0, and type the result.
fn load(
    bytes: &[u8],
    source_name: &str,
    path: Option<&Path>,
    overlay: Option<&Overlay>,
) -> Result<LoadedSpec, Error> {
    let mut document = parse_document(bytes, source_name)?;
    if let Some(overlay) = overlay {
        overlay.apply(&mut document)?;
    }
    let spec_error = |error: SpecError| Error::Spec {
        file: source_name.to_owned(),
        error,
    };
    let version = check_version(&document).map_err(spec_error)?;
    let sha256 = sha256_hex(bytes);
    let mut notes = Vec::new();
    let mut files = vec![SourceFile {
        path: path.and_then(Path::file_name).map_or_else(
            || source_name.to_owned(),
            |n| n.to_string_lossy().into_owned(),
        ),
        sha256: sha256.clone(),
    }];
    if resolve::needed(&document) {
        // The targets are read from the documents as written while the root is rewritten.
        let mut sources =
            files::Files::new(document.clone(), source_name, path, sha256, bytes.len());
        notes = resolve::resolve(&mut document, &mut sources)?;
        files = sources.sources;
    }
    if version == Version::V3_1 {
        notes.extend(v31::normalise(&mut document));
    }
    let mut spec = from_document(document, files::combined_sha256(&files), source_name)?;
    spec.files = files;
    spec.notes = notes;
    spec.overlay = overlay.map(|o| (o.source_name.clone(), o.sha256.clone()));
    Ok(spec)
}

/// Bytes → normalised document, with no OpenAPI checks (overlays are read this way too).
pub(crate) fn parse_document(bytes: &[u8], source_name: &str) -> Result<Value, Error> {
    if bytes.len() > limits::MAX_SPEC_BYTES {
        return Err(too_large(source_name, bytes.len() as u64));
    }
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let (line, column) = line_col(bytes, e.valid_up_to());
        Error::Parse {
            file: source_name.to_owned(),
            line,
            column,
            message: "the file is not valid UTF-8".to_owned(),
        }
    })?;
    // A byte order mark says nothing in UTF-8; editors on some systems add one.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    parse::parse(text, parse::Format::guess(source_name, text), source_name)
}

/// A normalised document → a checked, typed spec.
pub(crate) fn from_document(
    document: Value,
    sha256: String,
    source_name: &str,
) -> Result<LoadedSpec, Error> {
    let spec_error = |error: SpecError| Error::Spec {
        file: source_name.to_owned(),
        error,
    };
    // The fast path; only a document that fails pays for finding where.
    let openapi = OpenAPI::deserialize(&document).map_err(|_| {
        // `openapiv3` flattens maps, which hides the path below them; look deeper ourselves.
        let (pointer, message) = locate::structure_error(&document).unwrap_or_else(|| {
            match serde_path_to_error::deserialize::<_, OpenAPI>(&document) {
                Err(e) => (path_to_pointer(e.path()), e.into_inner().to_string()),
                Ok(_) => (
                    String::new(),
                    "the document does not match OpenAPI 3.0".to_owned(),
                ),
            }
        });
        spec_error(SpecError::new(pointer, Problem::Structure(message)))
    })?;
    Ok(LoadedSpec {
        source_name: source_name.to_owned(),
        sha256,
        document,
        openapi,
        files: Vec::new(),
        notes: Vec::new(),
        overlay: None,
    })
}

/// Lowercase hex SHA-256.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn line_col(bytes: &[u8], offset: usize) -> (usize, usize) {
    let before = &bytes[..offset.min(bytes.len())];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let column = before.iter().rev().take_while(|&&b| b != b'\n').count() + 1;
    (line, column)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Version {
    V3_0,
    V3_1,
}

fn check_version(document: &Value) -> Result<Version, SpecError> {
    let Some(object) = document.as_object() else {
        return Err(match document {
            Value::Null => SpecError::new("", Problem::EmptyDocument),
            _ => SpecError::new(
                "",
                Problem::Structure("the document is not a mapping".to_owned()),
            ),
        });
    };
    match object.get("openapi") {
        Some(Value::String(v)) if v.starts_with("3.0.") => Ok(Version::V3_0),
        Some(Value::String(v)) if v.starts_with("3.1.") => Ok(Version::V3_1),
        Some(Value::String(v)) => Err(SpecError::new(
            "/openapi",
            Problem::UnsupportedVersion(v.clone()),
        )),
        Some(other) => Err(SpecError::new(
            "/openapi",
            Problem::Structure(format!(
                "`openapi` must be a version string such as \"3.0.3\", found {other}"
            )),
        )),
        None => match object.get("swagger") {
            Some(v) => Err(SpecError::new(
                "/swagger",
                Problem::UnsupportedVersion(format!("swagger {}", v.as_str().unwrap_or("?"))),
            )),
            None => Err(SpecError::new(
                "",
                Problem::Structure("missing the `openapi` version field".to_owned()),
            )),
        },
    }
}

pub(crate) fn path_to_pointer(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut out = String::new();
    for segment in path.iter() {
        match segment {
            Segment::Seq { index } => out = pointer::push(&out, &index.to_string()),
            Segment::Map { key } => out = pointer::push(&out, key),
            Segment::Enum { .. } | Segment::Unknown => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str) -> Result<LoadedSpec, Error> {
        load_bytes(text.as_bytes(), "t.yaml")
    }

    const MINIMAL: &str = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\n";

    #[test]
    fn non_string_keys_become_strings() {
        let spec = load(&format!(
            "{MINIMAL}components:\n  schemas:\n    r:\n      properties:\n        true: {{type: boolean}}\n        200: {{type: string}}\n"
        ))
        .unwrap();
        let props = &spec.document["components"]["schemas"]["r"]["properties"];
        assert!(props.get("true").is_some());
        assert!(props.get("200").is_some());
    }

    #[test]
    fn colliding_keys_are_reported_with_their_pointer() {
        let err = load(&format!(
            "{MINIMAL}components:\n  schemas:\n    r:\n      properties:\n        true: {{type: boolean}}\n        'true': {{type: string}}\n"
        ))
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "t.yaml: at /components/schemas/r/properties/true: duplicate key `true` (after turning non-string keys into strings)"
        );
    }

    #[test]
    fn syntax_errors_name_line_and_column() {
        let err = load("openapi: 3.0.3\ninfo: [unclosed\n").unwrap_err();
        match err {
            Error::Parse { line, .. } => assert!(line >= 2, "{err}"),
            other => panic!("expected a syntax error, got {other}"),
        }
    }

    #[test]
    fn other_versions_and_swagger_are_refused_by_name() {
        let err = load("openapi: 3.2.0\ninfo: {title: t, version: '1'}\n").unwrap_err();
        assert!(
            err.to_string()
                .contains("unsupported OpenAPI version `3.2.0`"),
            "{err}"
        );
        let err = load("swagger: '2.0'\n").unwrap_err();
        assert!(err.to_string().contains("swagger 2.0"), "{err}");
    }

    #[test]
    fn structural_errors_carry_a_pointer() {
        let err = load("openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      responses: 5\n")
            .unwrap_err();
        assert!(
            err.to_string()
                .starts_with("t.yaml: at /paths/~1a/get/responses: "),
            "{err}"
        );
    }

    #[test]
    fn utf8_errors_name_the_place() {
        let err = load_bytes(b"openapi: 3.0.3\ninfo: \xff\n", "t.yaml").unwrap_err();
        assert_eq!(err.to_string(), "t.yaml:2:7: the file is not valid UTF-8");
    }
}
