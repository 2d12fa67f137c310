//! What every stage is asked to do ([`Options`]): the generated crate's name, version and
//! metadata, where its runtime comes from, how it is formatted, how forgiving generation is.
//! Checked before anything lands in a file: the name is also a Rust identifier, the version one
//! cargo accepts. A module of its own, below every stage, so that each stage reads it without
//! importing another.

use std::path::PathBuf;

use crate::error::Error;
use crate::text;

/// What the generated crate is called and versioned as.
#[derive(Debug, Clone)]
pub struct Options {
    /// Cargo package name (`generated-client`).
    pub crate_name: String,
    /// Cargo package version.
    pub crate_version: String,
    /// The rest of the package's metadata.
    pub package: Package,
    /// Examples known to contradict their schema (see [`ExampleException`]).
    pub example_exceptions: Vec<ExampleException>,
    /// How the generated Rust is formatted (rustfmt for what is written; tests that only look
    /// at the code may skip it).
    pub formatting: Formatting,
    /// Where the crate's runtime comes from.
    pub runtime: Runtime,
    /// How forgiving generation is: small defects of real specs (a path variable no parameter
    /// declares, a `$ref` to a request body where a response belongs, …) are errors instead of
    /// warnings with a safe default, and examples that contradict their schema fail the crate's
    /// example test instead of being listed there as known.
    pub strict: bool,
    /// The command line's names (`[cli]` of `spec/codegen.toml`).
    pub cli: Cli,
    /// What the MCP server mounts by default (`[mcp]` of `spec/codegen.toml`).
    pub mcp: Mcp,
}

/// The command line of the generated crate (feature `cli`).
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case", default)]
pub struct Cli {
    /// The binary's name (`zephr`); the crate's name by default.
    pub name: Option<String>,
    /// The prefix of the environment variables it reads (`ZEPHR` for `ZEPHR_ACCESS_KEY`); the
    /// binary's name in capitals by default.
    pub env_prefix: Option<String>,
}

/// The defaults of the MCP server (feature `mcp`); its flags widen or narrow them.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case", default)]
pub struct Mcp {
    /// Tags (as the spec names them) whose operations are mounted; empty: all.
    pub tags: Vec<String>,
    /// Whether operations that change something (`POST`, `PUT`, `PATCH`) are mounted.
    pub allow_writes: bool,
    /// Whether `DELETE` operations are mounted.
    pub allow_deletes: bool,
}

/// Where a generated crate's runtime (the `codegen-runtime` crate) comes from.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Runtime {
    /// Copied into the crate's `runtime/` folder as the package `<crate>-runtime`: the crate is
    /// self-contained, and the copy is versioned with it.
    #[default]
    Vendored,
    /// The `codegen-runtime` crate of this repository, at this path relative to the generated
    /// crate (`../../../runtime` for the fixtures' snapshot crates, which share one build of it).
    Path(String),
}

/// Package metadata of the generated crate (`[package]` of `spec/codegen.toml`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case", default)]
pub struct Package {
    /// SPDX license expression.
    pub license: String,
    pub repository: Option<String>,
    /// Whether `cargo publish` may publish it (off by default: a generated client is usually
    /// vendored, not published).
    pub publish: bool,
    /// Replaces the description made from the spec's title.
    pub description: Option<String>,
}

impl Default for Package {
    fn default() -> Self {
        Package {
            license: "MIT OR Apache-2.0".to_owned(),
            repository: None,
            publish: false,
            description: None,
        }
    }
}

/// The oldest Rust the generated code compiles with: edition 2024 with `let` chains (1.88).
/// Clippy's `incompatible_msrv` lint holds the standard library APIs the runtime uses to it.
pub const RUST_VERSION: &str = "1.88";

impl Options {
    /// Checks the options that end up in generated files (the package name is also a Rust
    /// identifier in the generated tests; the version must be one cargo accepts).
    pub fn validate(&self) -> Result<(), Error> {
        let invalid = |what: &str, message: String| {
            Err(Error::Input {
                what: what.to_owned(),
                message,
            })
        };
        let name = &self.crate_name;
        let valid_name = name.len() <= 64
            && name.starts_with(|c: char| c.is_ascii_alphabetic())
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        let ident = name.replace('-', "_");
        if !valid_name
            || crate::names::snake(&ident) != ident
            || ["std", "core", "alloc", "test", "proc_macro"].contains(&ident.as_str())
        {
            return invalid(
                "the crate name",
                format!(
                    "`{}` is not a usable package name: ASCII letters, digits, `-` and `_`, starting with a letter, at most 64 characters, not a Rust keyword or a standard crate's name",
                    text::one_line(name)
                ),
            );
        }
        if !is_semver(&self.crate_version) {
            return invalid(
                "the crate version",
                format!(
                    "`{}` is not a semantic version (MAJOR.MINOR.PATCH)",
                    text::one_line(&self.crate_version)
                ),
            );
        }
        let license_ok = !self.package.license.is_empty()
            && self.package.license.len() <= 200
            && self
                .package
                .license
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || " .-+()".contains(c));
        if !license_ok {
            return invalid(
                "the crate license",
                format!(
                    "`{}` is not an SPDX license expression",
                    text::one_line(&self.package.license)
                ),
            );
        }
        if let Runtime::Path(path) = &self.runtime
            && (path.is_empty()
                || !path
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "/._-".contains(c)))
        {
            return invalid(
                "the runtime's path",
                format!("`{}` is not a plain relative path", text::one_line(path)),
            );
        }
        if let Some(repository) = &self.package.repository
            && !(repository.starts_with("https://") || repository.starts_with("http://"))
        {
            return invalid(
                "the crate repository",
                format!("`{}` is not an http(s) URL", text::one_line(repository)),
            );
        }
        let cli_name = self.cli_name();
        if cli_name.is_empty()
            || cli_name.len() > 64
            || !cli_name.starts_with(|c: char| c.is_ascii_alphabetic())
            || !cli_name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            return invalid(
                "the command line's name",
                format!(
                    "`{}` is not a usable binary name: ASCII letters, digits, `-` and `_`, starting with a letter, at most 64 characters",
                    text::one_line(&cli_name)
                ),
            );
        }
        let prefix = self.env_prefix();
        if prefix.is_empty()
            || prefix.len() > 64
            || !prefix.starts_with(|c: char| c.is_ascii_uppercase())
            || !prefix
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
        {
            return invalid(
                "the command line's environment prefix",
                format!(
                    "`{}` is not a usable prefix: capital ASCII letters, digits and `_`, starting with a letter",
                    text::one_line(&prefix)
                ),
            );
        }
        Ok(())
    }

    /// The command line's binary name: `[cli] name`, else the crate's name.
    pub fn cli_name(&self) -> String {
        self.cli
            .name
            .clone()
            .unwrap_or_else(|| self.crate_name.clone())
    }

    /// The prefix of the command line's environment variables, without the `_` that follows:
    /// `[cli] env-prefix`, else the binary's name in capitals (`ZEPHR`).
    pub fn env_prefix(&self) -> String {
        self.cli.env_prefix.clone().unwrap_or_else(|| {
            self.cli_name()
                .chars()
                .map(|c| match c {
                    '-' => '_',
                    c => c.to_ascii_uppercase(),
                })
                .collect()
        })
    }
}

/// `MAJOR.MINOR.PATCH`, optionally with `-pre` and `+build` parts made of `[0-9A-Za-z.-]`.
fn is_semver(version: &str) -> bool {
    let (core, rest) = match version.find(['-', '+']) {
        Some(i) => (&version[..i], &version[i..]),
        None => (version, ""),
    };
    let numbers: Vec<&str> = core.split('.').collect();
    numbers.len() == 3
        && numbers.iter().all(|n| {
            !n.is_empty()
                && n.len() <= 20
                && n.bytes().all(|b| b.is_ascii_digit())
                && (n.len() == 1 || !n.starts_with('0'))
        })
        && rest.len() <= 64
        && rest[rest.len().min(1)..]
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-' || b == b'+')
}

impl Default for Options {
    fn default() -> Self {
        Options {
            crate_name: "generated-client".to_owned(),
            crate_version: "0.1.0".to_owned(),
            package: Package::default(),
            example_exceptions: Vec::new(),
            formatting: Formatting::default(),
            runtime: Runtime::default(),
            strict: false,
            cli: Cli::default(),
            mcp: Mcp::default(),
        }
    }
}

/// How the generated Rust is formatted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Formatting {
    /// By `rustfmt` (the `RUSTFMT` environment variable, else `rustfmt` on the `PATH`): what
    /// `cargo fmt` would write. Files unchanged since the run that wrote `reuse` (a generated
    /// crate's directory) are taken from there rather than formatted again.
    Rustfmt { reuse: Option<PathBuf> },
    /// By `prettyplease` alone: no external program, but not what `cargo fmt` would write. For
    /// tests that only look at the code.
    Prettyplease,
}

impl Default for Formatting {
    /// rustfmt, reusing nothing.
    fn default() -> Self {
        Formatting::Rustfmt { reuse: None }
    }
}

/// An example that is known not to fit its type, and why.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
pub struct ExampleException {
    /// JSON pointer of the example, as the test reports it.
    pub pointer: String,
    pub reason: String,
}

impl ExampleException {
    /// Reads a YAML list of exceptions (`- pointer: … reason: …`).
    pub fn load_file(path: &std::path::Path) -> Result<Vec<ExampleException>, Error> {
        let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
            path: path.to_owned(),
            source,
        })?;
        serde_yaml::from_str(&text).map_err(|e| Error::Input {
            what: path.display().to_string(),
            message: e.to_string(),
        })
    }
}
