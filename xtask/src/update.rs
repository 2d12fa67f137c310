//! `cargo xtask update`: the one command a scheduler runs when Zephr may have published a new
//! spec. It downloads conditionally, checks, locks, regenerates, verifies, and writes the change
//! report as a new entry of the crate's CHANGELOG.md; all of it, or nothing.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::{Context, Result, anyhow, bail};

use crate::download::{self, Fetched, Validators};
use crate::lock::{Counts, Lock};
use crate::paths::{self, SpecDir};

/// Exit status: the spec is the locked one (or the server said `304 Not Modified`).
pub const UNCHANGED: u8 = 0;
/// Exit status: a new spec, locked and generated; nothing breaking for users of the crate.
pub const CHANGED_COMPATIBLE: u8 = 10;
/// Exit status: a new spec, locked and generated; something breaking (see the changelog).
pub const CHANGED_BREAKING: u8 = 11;

#[derive(clap::Args)]
#[command(after_help = "\
Exit status (for a script or a scheduled workflow to branch on):
   0  unchanged: the server said 304 Not Modified, or sent the locked spec again
  10  changed, compatible: the new spec is locked, the crate regenerated, CHANGELOG.md has an entry
  11  changed, breaking: the same, and the entry lists what users must change
   1  failed: nothing was written (the spec, the lock, the crate and the changelog are as they were)

The download is conditional (the lock keeps the ETag and Last-Modified of the last one), bounded
(--max-bytes, checked against Content-Length before reading and while reading; --timeout for
the whole of it) and must be an OpenAPI document. The new spec must generate with the reviewed
overlay (an action that no longer matches anything is an error: the fix may be upstream).")]
pub struct Args {
    #[command(flatten)]
    source: download::SourceArgs,
    /// Also write the changelog entry (Markdown) here: the body of a pull request.
    #[arg(long, value_name = "FILE")]
    report: Option<PathBuf>,
    /// The changelog entry's date [default: today, UTC].
    #[arg(long, value_name = "YYYY-MM-DD")]
    date: Option<String>,
    /// Where the crate is.
    #[arg(long, default_value_os_t = paths::generated_client())]
    out: PathBuf,
}

pub fn run(dir: &SpecDir, args: &Args) -> Result<ExitCode> {
    let lock = Lock::read(&dir.lock())?.ok_or_else(|| {
        anyhow!(
            "{} is missing: lock a spec first with `cargo xtask fetch-spec`",
            dir.lock().display()
        )
    })?;
    let source = args
        .source
        .from
        .clone()
        .unwrap_or_else(|| lock.source.clone());
    let previous = Validators {
        etag: lock.etag.clone(),
        last_modified: lock.last_modified.clone(),
    };
    let (bytes, validators) = if source.starts_with("http://") || source.starts_with("https://") {
        let limits = args.source.limits();
        match download::fetch(&source, &previous, limits)? {
            Fetched::NotModified => {
                println!("unchanged: {source} answered 304 Not Modified");
                return Ok(ExitCode::from(UNCHANGED));
            }
            Fetched::Document {
                bytes,
                validators,
                redirects,
            } => {
                for redirect in redirects {
                    eprintln!("warning: redirected to another origin: {redirect}");
                }
                (bytes, validators)
            }
        }
    } else {
        let bytes = std::fs::read(&source).with_context(|| format!("cannot read {source}"))?;
        download::check_openapi(&bytes, None).map_err(|e| anyhow!("{source}: {e}"))?;
        (bytes, Validators::default())
    };
    let sha = codegen::load::sha256_hex(&bytes);
    if sha == lock.sha256 {
        // The spec is never committed: a fresh clone (a scheduled run with a cold cache) gets the
        // locked spec this way, for the next change report. It is not part of any change.
        if !dir.spec().exists() {
            paths::replace_file(&dir.spec(), &bytes)?;
            println!("{} ← {source} (the locked spec)", dir.spec().display());
        }
        println!("unchanged: {source} is the locked spec (sha256 {sha})");
        return Ok(ExitCode::from(UNCHANGED));
    }

    // Everything is made in memory first; only then written.
    let overlay = crate::generate::overlay(dir, crate::generate::OverlayChoice::Committed)?;
    let new_spec = codegen::load::load_bytes_with_overlay(&bytes, &source, overlay.as_ref())
        .context("the new spec does not load with the reviewed overlay")?;
    let new_api = codegen::build_ir(&new_spec, &codegen::Options::default())
        .context("the new spec does not generate")?;
    let old_bytes = std::fs::read(dir.spec()).with_context(|| {
        format!(
            "cannot read {} (the locked spec, sha256 {}), which the change report needs: copy it in with `cargo xtask fetch-spec --from PATH`, or lock the new spec without a report with `cargo xtask fetch-spec`",
            dir.spec().display(),
            lock.sha256
        )
    })?;
    if codegen::load::sha256_hex(&old_bytes) != lock.sha256 {
        bail!(
            "{} is not the locked spec, so what changed cannot be told: restore it with `cargo xtask fetch-spec`",
            dir.spec().display()
        );
    }
    let old_spec = codegen::load::load_bytes_with_overlay(
        &old_bytes,
        &dir.spec().display().to_string(),
        overlay.as_ref(),
    )?;
    let old_api = codegen::build_ir(&old_spec, &codegen::Options::default())?;
    let report = codegen::diff::diff(&old_api, &new_api);
    let crate_version = report.bump().apply(&lock.crate_version).ok_or_else(|| {
        anyhow!(
            "the lock's crate version `{}` is not MAJOR.MINOR.PATCH",
            lock.crate_version
        )
    })?;
    let new_lock = Lock {
        source: lock.source.clone(),
        title: new_spec.openapi.info.title.clone(),
        version: new_spec.openapi.info.version.clone(),
        sha256: sha.clone(),
        overlay_sha256: overlay.as_ref().map(|o| o.sha256.clone()),
        bytes: bytes.len() as u64,
        counts: Counts::of(&new_spec, &new_api),
        crate_version: crate_version.clone(),
        etag: validators.etag,
        last_modified: validators.last_modified,
        files: Vec::new(),
    };
    let options = crate::generate::locked_options(dir, crate_version.clone(), &args.out)?;
    let examples =
        crate::examples_check::check(Some(&old_api), &new_api, &options.example_exceptions);
    let generated = codegen::emit(new_api, &options).context("the new spec does not generate")?;
    let cargo_lock = crate::cargo_lock::follow(&args.out, &options.crate_name, &crate_version)?;
    let previous_files = codegen::generate(
        old_spec,
        &crate::generate::locked_options(dir, lock.crate_version.clone(), &args.out)?,
    )?
    .files;
    let date = args.date.clone().unwrap_or_else(today);
    let entry = crate::changelog::Entry {
        crate_version: &crate_version,
        date: &date,
        spec_version: &new_lock.version,
        spec_sha256: &sha,
        previous_spec_version: &lock.version,
        source: &source,
        report: &report,
    }
    .markdown();
    let changelog_path = args.out.join("CHANGELOG.md");
    let old_changelog = paths::read_optional(&changelog_path)?;
    let changelog = crate::changelog::with_entry(old_changelog.as_deref(), &entry);

    // All or nothing: the crate (itself all or nothing), then each file through a rename; on a
    // failure, what was written is put back as it was.
    let written = write_all(
        dir,
        args,
        &generated.files,
        &previous_files,
        &changelog_path,
        old_changelog.as_deref(),
        &changelog,
        cargo_lock.as_ref(),
        &new_lock,
        &lock,
        &bytes,
        &old_bytes,
    );
    if let Err(error) = written {
        return Err(error.context("nothing was written"));
    }
    if let Some(path) = &args.report {
        // The pull request's body: the changelog entry, then what the examples said.
        std::fs::write(path, format!("{entry}{}", examples.markdown()))
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    print!("{report}");
    examples.warn();
    println!(
        "crate version: {} → {crate_version}; {} has the changelog entry",
        lock.crate_version,
        changelog_path.display()
    );
    if let Some(edit) = &cargo_lock {
        println!(
            "{}: {} at {crate_version}",
            edit.path.display(),
            options.crate_name
        );
    }
    Ok(ExitCode::from(if report.is_breaking() {
        CHANGED_BREAKING
    } else {
        CHANGED_COMPATIBLE
    }))
}

#[allow(clippy::too_many_arguments)] // the old and the new of each thing it writes
fn write_all(
    dir: &SpecDir,
    args: &Args,
    files: &[codegen::GeneratedFile],
    previous_files: &[codegen::GeneratedFile],
    changelog_path: &Path,
    old_changelog: Option<&str>,
    changelog: &str,
    cargo_lock: Option<&crate::cargo_lock::Edit>,
    lock: &Lock,
    old_lock: &Lock,
    spec: &[u8],
    old_spec: &[u8],
) -> Result<()> {
    codegen::write::write(&args.out, files)?;
    let rest = || -> Result<()> {
        paths::replace_file(changelog_path, changelog.as_bytes())?;
        if let Some(edit) = cargo_lock {
            paths::replace_file(&edit.path, edit.after.as_bytes())?;
        }
        lock.write(&dir.lock())?;
        paths::replace_file(&dir.spec(), spec)?;
        // What `generate --check` would say: the crate is what the new spec generates.
        let plan = codegen::write::check(&args.out, files)?;
        if !plan.is_current() {
            bail!(
                "the crate is not what the generator produces after writing it: {:?}",
                plan.describe()
            );
        }
        Ok(())
    };
    if let Err(error) = rest() {
        let _ = codegen::write::write(&args.out, previous_files);
        let _ = match old_changelog {
            Some(text) => paths::replace_file(changelog_path, text.as_bytes()),
            None => std::fs::remove_file(changelog_path).or(Ok(())),
        };
        if let Some(edit) = cargo_lock {
            let _ = paths::replace_file(&edit.path, edit.before.as_bytes());
        }
        let _ = old_lock.write(&dir.lock());
        let _ = paths::replace_file(&dir.spec(), old_spec);
        return Err(error);
    }
    Ok(())
}

/// Today's date, UTC, `YYYY-MM-DD`.
pub(crate) fn today() -> String {
    let millis = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64);
    codegen::drift::utc(millis)[..10].to_owned()
}
