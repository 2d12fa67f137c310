//! `cargo xtask generate`: the spec → `generated-client/`, or a check that it is current.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};

use crate::lock::Lock;
use crate::paths::{self, SpecDir};

#[derive(clap::Args)]
pub struct Args {
    /// The OpenAPI 3.0 or 3.1 spec (YAML or JSON; `$ref`s to files beside it are followed)
    /// [default: the spec dir's zephr-admin-api.yaml, which must match its lock file].
    #[arg(long)]
    spec: Option<PathBuf>,
    /// Where the crate goes.
    #[arg(long, default_value_os_t = paths::generated_client())]
    out: PathBuf,
    /// The generated crate's package name [default: the spec dir's codegen.toml for the default
    /// spec, else generated-client].
    #[arg(long)]
    crate_name: Option<String>,
    /// The generated crate's version [default: the lock's for the default spec, else 0.1.0].
    #[arg(long)]
    crate_version: Option<String>,
    /// Examples known to contradict their schema (YAML list of `pointer` and `reason`)
    /// [default: the spec dir's example-exceptions.yaml for the default spec].
    #[arg(long)]
    exceptions: Option<PathBuf>,
    /// Reviewed corrections to apply to the spec (an OpenAPI Overlay 1.0 document)
    /// [default: the spec dir's zephr-admin-api.overlay.yaml for the default spec].
    #[arg(long, conflicts_with = "no_overlay")]
    overlay: Option<PathBuf>,
    /// Apply no overlay, not even the default one.
    #[arg(long)]
    no_overlay: bool,
    /// Refuse small spec defects that otherwise get a warning and a safe default (a path
    /// variable no parameter declares, a `$ref` to a request body where a response belongs).
    #[arg(long)]
    strict: bool,
    /// Write nothing; list the files that differ and fail if any does.
    #[arg(long)]
    check: bool,
}

impl Args {
    /// `generate --check` with every default: what CI runs.
    pub fn check_default() -> Args {
        Args {
            spec: None,
            out: paths::generated_client(),
            crate_name: None,
            crate_version: None,
            exceptions: None,
            overlay: None,
            no_overlay: false,
            strict: false,
            check: true,
        }
    }
}

pub fn run(dir: &SpecDir, args: &Args) -> Result<ExitCode> {
    let locked = args.spec.is_none();
    let spec_path = args.spec.clone().unwrap_or_else(|| dir.spec());
    if !spec_path.exists() {
        if !locked {
            bail!("{} does not exist", spec_path.display());
        }
        fetch_locked(dir, &spec_path)?;
    }
    let choice = if args.no_overlay {
        OverlayChoice::Without
    } else {
        OverlayChoice::given_or_committed(args.overlay.as_deref(), locked)
    };
    let overlay = overlay(dir, choice)?;
    let spec = codegen::load::load_file_with_overlay(&spec_path, overlay.as_ref())?;
    let lock = if locked {
        check_lock(dir, &spec_path, &spec)?
    } else {
        None
    };

    let exceptions_path = args.exceptions.clone().or_else(|| {
        let default = dir.exceptions();
        (locked && default.exists()).then_some(default)
    });
    let example_exceptions = match &exceptions_path {
        Some(path) => codegen::ExampleException::load_file(path)?,
        None => Vec::new(),
    };
    let crate_version = match (&args.crate_version, &lock) {
        (Some(version), _) => version.clone(),
        (None, Some(lock)) => lock.crate_version.clone(),
        (None, None) => "0.1.0".to_owned(),
    };
    let config = if locked {
        Config::read(&dir.config())?
    } else {
        Config::default()
    };
    let options = codegen::Options {
        crate_name: args
            .crate_name
            .clone()
            .or(config.package.name)
            .unwrap_or_else(|| "generated-client".to_owned()),
        crate_version,
        package: config.package.metadata,
        example_exceptions,
        // What `cargo fmt` would write; files whose code did not change are taken from the
        // output as they are.
        formatting: codegen::format::Formatting::Rustfmt {
            reuse: Some(args.out.clone()),
        },
        runtime: codegen::Runtime::Vendored,
        strict: args.strict,
        cli: config.cli,
        mcp: config.mcp,
    };
    let generated = codegen::generate(spec, &options)?;
    // A hostile spec can have a million warnings; the first hundred say enough.
    const SHOWN: usize = 100;
    for warning in generated.warnings().iter().take(SHOWN) {
        eprintln!("warning: {}: {warning}", spec_path.display());
    }
    if generated.warnings().len() > SHOWN {
        eprintln!(
            "warning: {}: … and {} more",
            spec_path.display(),
            generated.warnings().len() - SHOWN
        );
    }
    if args.check {
        let plan = codegen::write::check(&args.out, &generated.files)?;
        if plan.is_current() {
            println!(
                "{} is up to date ({} files)",
                args.out.display(),
                plan.unchanged
            );
            return Ok(ExitCode::SUCCESS);
        }
        for line in plan.describe() {
            println!("{line}");
        }
        eprintln!(
            "{} is not what the generator produces: run `cargo xtask generate`",
            args.out.display()
        );
        return Ok(ExitCode::FAILURE);
    }
    let plan = codegen::write::write(&args.out, &generated.files)?;
    println!(
        "{}: {} written, {} removed, {} unchanged",
        args.out.display(),
        plan.added.len() + plan.changed.len(),
        plan.removed.len(),
        plan.unchanged
    );
    // A new crate version reaches the lockfile in the same change.
    if let Some(edit) =
        crate::cargo_lock::follow(&args.out, &options.crate_name, &options.crate_version)?
    {
        paths::replace_file(&edit.path, edit.after.as_bytes())?;
        println!(
            "{}: {} at {}",
            edit.path.display(),
            options.crate_name,
            options.crate_version
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// The options of the committed crate, as `generate` uses them for the default spec: the spec
/// dir's exceptions and package settings, the given version, rustfmt reusing what is in `out`.
pub fn locked_options(
    dir: &SpecDir,
    crate_version: String,
    out: &Path,
) -> Result<codegen::Options> {
    let example_exceptions = dir.example_exceptions()?;
    let config = Config::read(&dir.config())?;
    Ok(codegen::Options {
        crate_name: config
            .package
            .name
            .unwrap_or_else(|| "generated-client".to_owned()),
        crate_version,
        package: config.package.metadata,
        example_exceptions,
        formatting: codegen::format::Formatting::Rustfmt {
            reuse: Some(out.to_owned()),
        },
        runtime: codegen::Runtime::Vendored,
        strict: false,
        cli: config.cli,
        mcp: config.mcp,
    })
}

/// `spec/codegen.toml`: settings of the generated crate, read with the `toml` crate.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    #[serde(default)]
    pub package: PackageConfig,
    /// `[cli]`: the command line's name and environment prefix.
    #[serde(default)]
    pub cli: codegen::Cli,
    /// `[mcp]`: what the MCP server mounts by default.
    #[serde(default)]
    pub mcp: codegen::Mcp,
}

/// `[package]`: the package name, and the metadata `codegen::Package` documents.
#[derive(Debug, Default, serde::Deserialize)]
pub struct PackageConfig {
    pub name: Option<String>,
    #[serde(flatten)]
    pub metadata: codegen::Package,
}

impl Config {
    /// The config at `path`, or the defaults when there is none.
    pub fn read(path: &Path) -> Result<Config> {
        match crate::paths::read_optional(path)? {
            Some(text) => {
                toml::from_str(&text).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))
            }
            None => Ok(Config::default()),
        }
    }
}

/// Which overlay applies to a spec.
#[derive(Debug, Clone, Copy)]
pub enum OverlayChoice<'a> {
    /// The spec dir's committed overlay, if it has one: for the locked spec.
    Committed,
    /// This file.
    File(&'a Path),
    /// None (`--no-overlay`, or a spec given by path without `--overlay`).
    Without,
}

impl<'a> OverlayChoice<'a> {
    /// The file given on the command line, else the committed one for the locked spec (a spec
    /// given by path gets none unless one is given with it).
    pub fn given_or_committed(given: Option<&'a Path>, locked: bool) -> Self {
        match given {
            Some(path) => OverlayChoice::File(path),
            None if locked => OverlayChoice::Committed,
            None => OverlayChoice::Without,
        }
    }
}

/// The overlay that `choice` names, loaded (`None`: no overlay applies).
pub fn overlay(dir: &SpecDir, choice: OverlayChoice<'_>) -> Result<Option<codegen::load::Overlay>> {
    let path = match choice {
        OverlayChoice::Without => return Ok(None),
        OverlayChoice::File(path) => path.to_owned(),
        OverlayChoice::Committed if dir.overlay().exists() => dir.overlay(),
        OverlayChoice::Committed => return Ok(None),
    };
    Ok(Some(codegen::load::Overlay::load_file(&path)?))
}

/// Downloads the locked spec into `path` when it is missing (a fresh clone: the spec is never
/// committed), so a newcomer's first `cargo xtask generate` needs nothing else. Only the file the
/// lock pins is accepted: the same bounded download as `fetch-spec`, then its sha256 against the
/// lock's; a different document is refused (adopting a new spec is `fetch-spec`'s job, with its
/// change report), and nothing is written.
fn fetch_locked(dir: &SpecDir, path: &Path) -> Result<()> {
    let offline = "offline: `cargo xtask fetch-spec --from PATH` with a copy of it";
    let lock_path = dir.lock();
    let Some(lock) = Lock::read(&lock_path)? else {
        bail!(
            "{} is missing and there is no lock ({}) saying which spec to fetch: `cargo xtask fetch-spec --from URL|PATH`",
            path.display(),
            lock_path.display()
        );
    };
    if !(lock.source.starts_with("https://") || lock.source.starts_with("http://"))
        || !lock.files.is_empty()
    {
        bail!(
            "{} is missing, and the lock's source {} is not one URL to download: bring the spec back with `cargo xtask fetch-spec --from {}`",
            path.display(),
            lock.source,
            lock.source
        );
    }
    eprintln!(
        "{} is missing: downloading the locked spec (version {}, sha256 {}) from {}",
        path.display(),
        lock.version,
        lock.sha256,
        lock.source
    );
    let fetched = crate::download::fetch(
        &lock.source,
        &crate::download::Validators::default(),
        crate::download::Limits::default(),
    )
    .with_context(|| format!("cannot fetch the locked spec ({offline})"))?;
    let crate::download::Fetched::Document {
        bytes, redirects, ..
    } = fetched
    else {
        bail!(
            "{} answered 304 Not Modified to an unconditional request",
            lock.source
        );
    };
    for redirect in &redirects {
        eprintln!("note: redirected to another origin: {redirect}");
    }
    let sha256 = codegen::load::sha256_hex(&bytes);
    if sha256 != lock.sha256 {
        bail!(
            "{} now serves another document (sha256 {sha256}, {} bytes) than the lock ({}) pins ({}, version {}); nothing was written. \
             To review and adopt it: `cargo xtask fetch-spec`; to build the locked crate: {offline}",
            lock.source,
            bytes.len(),
            lock_path.display(),
            lock.sha256,
            lock.version
        );
    }
    paths::replace_file(path, &bytes)?;
    eprintln!(
        "wrote {} ({} bytes, sha256 as locked)",
        path.display(),
        bytes.len()
    );
    Ok(())
}

/// The lock of the default spec, failing when the spec is not the locked one.
fn check_lock(
    dir: &SpecDir,
    path: &Path,
    spec: &codegen::load::LoadedSpec,
) -> Result<Option<Lock>> {
    let lock_path = dir.lock();
    let Some(lock) = Lock::read(&lock_path)? else {
        eprintln!(
            "warning: {} is missing, so the spec cannot be verified: run `cargo xtask fetch-spec --from {}` to lock it",
            lock_path.display(),
            path.display()
        );
        return Ok(None);
    };
    let overlay = spec.overlay.as_ref().map(|(_, sha)| sha.clone());
    if lock.sha256 == spec.sha256 && lock.overlay_sha256 != overlay {
        bail!(
            "the overlay is not the locked one: its sha256 is {}, the lock ({}) pins {}. \
             Review what it changes and lock it with `cargo xtask fetch-spec --from {}` \
             (which reports the API changes and moves the crate version)",
            overlay.as_deref().unwrap_or("none (no overlay)"),
            lock_path.display(),
            lock.overlay_sha256
                .as_deref()
                .unwrap_or("none (no overlay)"),
            path.display()
        );
    }
    if lock.sha256 != spec.sha256 {
        bail!(
            "{} is not the locked spec: its sha256 is {} (version {}), the lock ({}) pins {} (version {}). \
             To adopt the new spec and see what changed: `cargo xtask fetch-spec --from {}`; \
             to get the locked one back: `cargo xtask fetch-spec`",
            path.display(),
            spec.sha256,
            spec.openapi.info.version,
            lock_path.display(),
            lock.sha256,
            lock.version,
            path.display()
        );
    }
    Ok(Some(lock))
}
