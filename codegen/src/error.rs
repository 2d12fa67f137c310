//! Errors and warnings of the generator.
//!
//! Every error is one line that names the place: `file:line:col` for YAML syntax, or the JSON
//! pointer of the offending node for anything found after parsing. The generator never panics on
//! input; whatever goes wrong ends up here.

use std::fmt;
use std::path::PathBuf;

/// Everything that can stop generation.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Reading or writing a file failed.
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The file cannot be read as a document (YAML or JSON syntax, encoding, nesting, size).
    #[error("{file}:{line}:{column}: {message}")]
    Parse {
        file: String,
        line: usize,
        column: usize,
        message: String,
    },
    /// The document parsed, but something in it cannot become a client.
    #[error("{file}: {error}")]
    Spec { file: String, error: SpecError },
    /// An input other than the spec (such as the example exceptions) is wrong.
    #[error("{what}: {message}")]
    Input { what: String, message: String },
    /// The generated code could not be rendered (a generator bug, reported rather than panicking).
    #[error("internal error while rendering {what}: {message}")]
    Render { what: String, message: String },
}

impl Error {
    /// The spec-level problem, when this error is one.
    pub fn spec_problem(&self) -> Option<&Problem> {
        match self {
            Error::Spec { error, .. } => Some(&error.problem),
            _ => None,
        }
    }
}

/// A problem at a JSON pointer inside the spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecError {
    /// JSON pointer (RFC 6901) of the node the problem is about; empty for the whole document.
    pub pointer: String,
    pub problem: Problem,
}

impl SpecError {
    pub fn new(pointer: impl Into<String>, problem: Problem) -> Self {
        SpecError {
            pointer: pointer.into(),
            problem,
        }
    }
}

impl fmt::Display for SpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.pointer.is_empty() {
            write!(f, "at the document root: {}", self.problem)
        } else {
            write!(f, "at {}: {}", self.pointer, self.problem)
        }
    }
}

impl std::error::Error for SpecError {}

/// What is wrong at a [`SpecError`]'s pointer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Problem {
    #[error("the document is empty")]
    EmptyDocument,
    #[error("{0}")]
    Structure(String),
    #[error("unsupported OpenAPI version `{0}`: this generator reads OpenAPI 3.0.x and 3.1.x")]
    UnsupportedVersion(String),
    #[error("{0} cannot be a mapping key (JSON object keys are strings)")]
    BadKey(String),
    #[error("duplicate key `{0}` (after turning non-string keys into strings)")]
    DuplicateKey(String),
    #[error("{0} is not representable in JSON")]
    BadNumber(String),
    #[error("dangling $ref `{0}`: nothing in the document is at that pointer")]
    DanglingRef(String),
    #[error("$ref `{0}` is not supported: only local references into #/components are")]
    UnsupportedRef(String),
    #[error("$ref `{0}` cannot be followed: {1}")]
    BadRef(String, String),
    #[error("$ref `{0}` points at a {1}, which cannot be used here")]
    WrongRefKind(String, &'static str),
    #[error("$ref cycle that cannot be represented in Rust: {0}")]
    RefCycle(String),
    #[error("unsupported construct: {0}")]
    Unsupported(String),
    /// A defect with a safe default, refused under `--strict`.
    #[error("{0} (an error because of --strict)")]
    Defect(String),
    /// A bound on the work one spec may ask for (see `codegen::limits`).
    #[error("over a limit: {0}")]
    Limit(String),
    #[error("duplicate operation name `{name}`: {first} and {second} both become it")]
    DuplicateOperationName {
        name: String,
        first: String,
        second: String,
    },
}

/// Something the generator handled in a documented, safe way that a reviewer should know about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    pub pointer: String,
    pub message: String,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "at {}: {}", self.pointer, self.message)
    }
}
