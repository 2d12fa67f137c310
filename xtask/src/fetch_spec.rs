//! `cargo xtask fetch-spec`: brings a spec into `spec/`, checks that it generates, locks it, and
//! says what changed. The lock's crate version moves as the change report requires (see
//! `codegen::diff::Bump`); `generate` then writes it into the crate.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, anyhow, bail};

use crate::download::{self, Fetched, Validators};

use crate::lock::{Counts, DEFAULT_SOURCE, Lock, LockedFile};
use crate::paths::SpecDir;

#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    source: download::SourceArgs,
    /// The crate whose CHANGELOG.md gets an entry when the version moves [default:
    /// generated-client/ for the default spec dir, none for another].
    #[arg(long)]
    out: Option<PathBuf>,
    /// The changelog entry's date [default: today, UTC].
    #[arg(long, value_name = "YYYY-MM-DD")]
    date: Option<String>,
}

pub fn run(dir: &SpecDir, args: &Args) -> Result<ExitCode> {
    let lock_path = dir.lock();
    let spec_path = dir.spec();
    let previous = Lock::read(&lock_path)?;
    let published = previous
        .as_ref()
        .map_or(DEFAULT_SOURCE, |l| l.source.as_str())
        .to_owned();
    let from = args
        .source
        .from
        .clone()
        .unwrap_or_else(|| published.clone());
    let is_url = from.starts_with("http://") || from.starts_with("https://");

    let (bytes, files, validators) = if is_url {
        let limits = args.source.limits();
        match download::fetch(&from, &Validators::default(), limits)? {
            Fetched::Document {
                bytes,
                validators,
                redirects,
            } => {
                for redirect in redirects {
                    eprintln!("warning: redirected to another origin: {redirect}");
                }
                (bytes, Vec::new(), validators)
            }
            Fetched::NotModified => {
                bail!("{from} answered 304 Not Modified to an unconditional request")
            }
        }
    } else {
        let (bytes, files) = read_local(Path::new(&from))?;
        // The locked document again (an overlay edit, a fresh clone's copy): what the server
        // said of it still holds, so the next `update` can still ask "changed since?".
        let validators = match &previous {
            Some(lock) if lock.sha256 == codegen::load::sha256_hex(&bytes) => Validators {
                etag: lock.etag.clone(),
                last_modified: lock.last_modified.clone(),
            },
            _ => Validators::default(),
        };
        (bytes, files, validators)
    };
    // Nothing is written unless the new spec, with the reviewed overlay, generates a crate (an
    // overlay action that no longer matches is an error: the spec may have been fixed).
    let overlay = crate::generate::overlay(dir, crate::generate::OverlayChoice::Committed)?;
    let spec = codegen::load::load_bytes_with_overlay(&bytes, &from, overlay.as_ref()).map_err(|e| {
        let multi_file = is_url && e.to_string().contains("was not read from a file");
        let error = anyhow::Error::from(e);
        if multi_file {
            error.context("this spec is split over several files, which are never fetched one by one: download them all and run `cargo xtask fetch-spec --from DIR/ROOT.yaml`, which bundles them into one")
        } else {
            error
        }
    })?;
    let api = codegen::build_ir(&spec, &codegen::Options::default())?;
    codegen::emit::emit(&api, &codegen::Options::default())?; // whether it generates: formatting proves nothing more
    let overlay_sha = overlay.as_ref().map(|o| o.sha256.clone());

    // The change report needs the spec the crate was generated from: the one in spec/, if the
    // lock still vouches for it, with the same overlay.
    let ir =
        |spec: &codegen::load::LoadedSpec| codegen::build_ir(spec, &codegen::Options::default());
    let (changes, old_api) = match &previous {
        Some(lock) if lock.sha256 == spec.sha256 && lock.overlay_sha256 == overlay_sha => {
            (Changes::None, None)
        }
        // The overlay changed: the old one is the committed one, when its sha256 is the locked
        // one; compared with the old spec, if that is at hand, else with the new spec.
        Some(lock) if lock.overlay_sha256 != overlay_sha => match locked_overlay(dir, lock) {
            Some(old_overlay) => {
                let old = previous_spec(&spec_path, lock, old_overlay.as_ref())
                    .map(Ok)
                    .unwrap_or_else(|| {
                        codegen::load::load_bytes_with_overlay(&bytes, &from, old_overlay.as_ref())
                    })?;
                let old_api = ir(&old)?;
                (
                    Changes::Report(codegen::diff::diff(&old_api, &api)),
                    Some(old_api),
                )
            }
            None => (Changes::OverlayChanged, None),
        },
        Some(lock) => match previous_spec(&spec_path, lock, overlay.as_ref()) {
            Some(old) => {
                let old_api = ir(&old)?;
                (
                    Changes::Report(codegen::diff::diff(&old_api, &api)),
                    Some(old_api),
                )
            }
            None => (Changes::Unknown, None),
        },
        None => (Changes::None, None),
    };
    let exceptions = dir.example_exceptions()?;
    let examples = crate::examples_check::check(old_api.as_ref(), &api, &exceptions);
    let crate_version = match (&previous, &changes) {
        (None, _) => "0.1.0".to_owned(),
        (Some(lock), Changes::None) => lock.crate_version.clone(),
        (Some(lock), Changes::Report(report)) => bumped(&lock.crate_version, report.bump())?,
        (Some(lock), Changes::Unknown | Changes::OverlayChanged) => {
            bumped(&lock.crate_version, codegen::diff::Bump::Major)?
        }
    };
    let lock = Lock {
        // A local copy of the published spec keeps the published URL as its source.
        source: if is_url { from.clone() } else { published },
        title: spec.openapi.info.title.clone(),
        version: spec.openapi.info.version.clone(),
        sha256: spec.sha256.clone(),
        overlay_sha256: overlay_sha,
        bytes: bytes.len() as u64,
        counts: Counts::of(&spec, &api),
        crate_version,
        etag: validators.etag,
        last_modified: validators.last_modified,
        files,
    };
    let changelog = changelog_entry(dir, args, previous.as_ref(), &lock, &changes)?;

    std::fs::create_dir_all(&dir.0)
        .with_context(|| format!("cannot create {}", dir.0.display()))?;
    // The changelog before the lock: once the lock is written a rerun sees no change, so an
    // entry that failed after it would be lost for good.
    if let Some((path, text)) = &changelog {
        crate::paths::replace_file(path, text.as_bytes())?;
    }
    if !same_file(Path::new(&from), &spec_path) {
        crate::paths::replace_file(&spec_path, &bytes)?;
    }
    lock.write(&lock_path)?;

    println!("{} ← {from}", spec_path.display());
    report(previous.as_ref(), &lock);
    match &changes {
        Changes::Report(report) => print!("\n{report}"),
        Changes::Unknown => println!(
            "\nno change report: {} is not the previously locked spec, so the changes are unknown and the crate version moves as for a breaking change",
            spec_path.display()
        ),
        Changes::OverlayChanged => println!(
            "\nthe overlay changed since it was locked, and the locked one is not in git's HEAD: what that changes in the API is not known (review `git diff` of the overlay and of generated-client/), and the crate version moves as for a breaking change"
        ),
        Changes::None => {}
    }
    if let Some(previous) = &previous
        && previous.crate_version != lock.crate_version
    {
        println!(
            "crate version: {} → {} (run `cargo xtask generate`)",
            previous.crate_version, lock.crate_version
        );
    }
    if let Some((path, _)) = &changelog {
        println!("{} has the changelog entry", path.display());
    }
    examples.warn();
    Ok(ExitCode::SUCCESS)
}

/// The crate's CHANGELOG.md with an entry for a version the change report moved, as `update`
/// writes it: its path and new text (none when nothing moved, no report says why, or no crate
/// is known for this spec dir).
fn changelog_entry(
    dir: &SpecDir,
    args: &Args,
    previous: Option<&Lock>,
    lock: &Lock,
    changes: &Changes,
) -> Result<Option<(PathBuf, String)>> {
    let (Some(previous), Changes::Report(report)) = (previous, changes) else {
        return Ok(None);
    };
    if previous.crate_version == lock.crate_version {
        return Ok(None);
    }
    let out = match &args.out {
        Some(out) => out.clone(),
        None if dir.0 == crate::paths::default_spec_dir() => crate::paths::generated_client(),
        None => return Ok(None),
    };
    let date = args.date.clone().unwrap_or_else(crate::update::today);
    let entry = crate::changelog::Entry {
        crate_version: &lock.crate_version,
        date: &date,
        spec_version: &lock.version,
        spec_sha256: &lock.sha256,
        previous_spec_version: &previous.version,
        // The published URL, not a local copy's path (the changelog is committed).
        source: &lock.source,
        report,
    }
    .markdown();
    let path = out.join("CHANGELOG.md");
    let old = crate::paths::read_optional(&path)?;
    let text = crate::changelog::with_entry(old.as_deref(), &entry);
    Ok(Some((path, text)))
}

/// What is known about the API changes a new spec brings.
enum Changes {
    /// Same spec, or the first one.
    None,
    Report(codegen::diff::Report),
    /// The previous spec is not at hand.
    Unknown,
    /// The overlay is not the locked one, and the locked one is not at hand (git has no
    /// committed copy with the locked sha256), so its effect is unknown.
    OverlayChanged,
}

/// The overlay the lock pins, from git (the copy committed at `HEAD` of the repository that holds
/// the spec directory, when its sha256 is the locked one): `Some(None)` when the lock pins no
/// overlay, `None` when the locked one is not at hand.
fn locked_overlay(dir: &SpecDir, lock: &Lock) -> Option<Option<codegen::load::Overlay>> {
    let Some(locked) = &lock.overlay_sha256 else {
        return Some(None);
    };
    let name = dir.overlay().file_name()?.to_str()?.to_owned();
    // `HEAD:./name` is relative to the directory git runs in.
    let output = std::process::Command::new("git")
        .arg("-C")
        .arg(&dir.0)
        .args(["show", &format!("HEAD:./{name}")])
        .output()
        .ok()?;
    let bytes = output.status.success().then_some(output.stdout)?;
    (codegen::load::sha256_hex(&bytes) == *locked)
        .then(|| codegen::load::Overlay::from_bytes(&bytes, &format!("HEAD:{name}")).ok())?
        .map(Some)
}

/// A local spec's bytes; a multi-file one bundled into one document first (see
/// `codegen::load::bundle_file`), with the files it came from for the lock.
fn read_local(path: &Path) -> Result<(Vec<u8>, Vec<LockedFile>)> {
    let bundle = codegen::load::bundle_file(path)?;
    if bundle.files.len() == 1 {
        return Ok((
            std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?,
            Vec::new(),
        ));
    }
    let mut text = format!(
        "# Bundled by `cargo xtask fetch-spec` from {} and the {} files its $refs name (listed, with their sha256, in the lock).\n",
        path.display(),
        bundle.files.len() - 1
    );
    text.push_str(
        &serde_yaml::to_string(&bundle.document)
            .context("cannot write the bundled spec as YAML")?,
    );
    let files = bundle
        .files
        .into_iter()
        .map(|f| LockedFile {
            path: f.path,
            sha256: f.sha256,
        })
        .collect();
    Ok((text.into_bytes(), files))
}

fn bumped(version: &str, bump: codegen::diff::Bump) -> Result<String> {
    bump.apply(version)
        .ok_or_else(|| anyhow!("the lock's crate version `{version}` is not MAJOR.MINOR.PATCH"))
}

/// The spec currently in `spec/`, if it is the one `lock` pins (the old side of a change report),
/// with the overlay applied.
fn previous_spec(
    path: &Path,
    lock: &Lock,
    overlay: Option<&codegen::load::Overlay>,
) -> Option<codegen::load::LoadedSpec> {
    let bytes = std::fs::read(path).ok()?;
    (codegen::load::sha256_hex(&bytes) == lock.sha256)
        .then(|| {
            codegen::load::load_bytes_with_overlay(&bytes, &path.display().to_string(), overlay)
                .ok()
        })
        .flatten()
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

fn report(previous: Option<&Lock>, lock: &Lock) {
    let Some(previous) = previous else {
        println!(
            "locked {} version {} (sha256 {}), no previous lock",
            lock.title, lock.version, lock.sha256
        );
        for (name, count) in lock.counts.entries() {
            println!("  {name}: {count}");
        }
        return;
    };
    if previous.overlay_sha256 != lock.overlay_sha256 {
        println!(
            "overlay sha256: {} → {}",
            previous.overlay_sha256.as_deref().unwrap_or("none"),
            lock.overlay_sha256.as_deref().unwrap_or("none")
        );
    }
    if previous.sha256 == lock.sha256 {
        println!(
            "spec unchanged: version {} (sha256 {})",
            lock.version, lock.sha256
        );
        return;
    }
    println!("version: {} → {}", previous.version, lock.version);
    println!("sha256: {} → {}", previous.sha256, lock.sha256);
    println!("bytes: {} → {}", previous.bytes, lock.bytes);
    for ((name, old), (_, new)) in previous
        .counts
        .entries()
        .into_iter()
        .zip(lock.counts.entries())
    {
        if old != new {
            println!("{name}: {old} → {new}");
        }
    }
}
