//! `cargo xtask ci`: every check CI runs, in order, stopping at the first failure.

use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};

use crate::generate;
use crate::paths::{self, SpecDir};

/// A cargo invocation and the environment it needs.
struct Step {
    what: &'static str,
    args: &'static [&'static str],
    env: &'static [(&'static str, &'static str)],
    /// Whether every generated crate is built with its front ends (`<crate>/mcp`, which brings
    /// `cli`): their generated table, dispatch and binary are checked like the rest.
    front_ends: bool,
    /// Arguments after the features (`-- -D warnings` for clippy's lints).
    trailing: &'static [&'static str],
}

const STEPS: &[Step] = &[
    Step {
        what: "formatting of the whole workspace, the generated crate included",
        args: &["fmt", "--all", "--check"],
        env: &[],
        front_ends: false,
        trailing: &[],
    },
    Step {
        what: "tests (generator, runtime, fixture crates and their behaviour, wire, spec examples)",
        args: &["test", "--workspace"],
        env: &[],
        front_ends: false,
        trailing: &[],
    },
    Step {
        what: "clippy, warnings denied, every fixture crate with its command line and MCP server",
        args: &["clippy", "--workspace", "--all-targets"],
        env: &[],
        front_ends: true,
        trailing: &["--", "-D", "warnings"],
    },
    // One rustdoc run for every crate, private items included: a second run for the runtime
    // alone resolved features for it alone, and so checked 60 of its dependencies again (42 s
    // of 97 s). Public documentation that links to a private item still fails (the lint warns
    // whether or not private items are documented); the runtime alone allows it, in its
    // manifest, since its private items are documented for the next engineer.
    Step {
        what: "rustdoc of every crate but the tests' and xtask (the generated crates, front ends included, the runtime and the generator), private items included, warnings denied",
        args: &[
            "doc",
            "--no-deps",
            "--workspace",
            "--exclude",
            "behaviour",
            "--exclude",
            "xtask",
            "--document-private-items",
        ],
        env: &[("RUSTDOCFLAGS", "-D warnings")],
        front_ends: true,
        trailing: &[],
    },
];

/// Where a doctest made from the hostile-text fixture's descriptions would leave its mark
/// (`codegen/tests/fixtures/hostile_text.yaml`): the crates' doctests run in the test step, and
/// none may be spec text.
const INJECTION_MARK: &str = "/tmp/zephr-codegen-injected-doctest";

pub fn run(dir: &SpecDir) -> Result<ExitCode> {
    let mut times = Times::default();
    let passed = checks(dir, &mut times);
    times.print();
    match passed {
        Ok(true) => Ok(ExitCode::SUCCESS),
        Ok(false) => Ok(ExitCode::FAILURE),
        Err(error) => Err(error),
    }
}

/// Every check in order, stopping at the first that fails; each one timed into `times`.
fn checks(dir: &SpecDir, times: &mut Times) -> Result<bool> {
    let ok = |code: ExitCode| code == ExitCode::SUCCESS;
    let npm_tools = prefetch_npm_tools();
    if !times.step("generate --check", || {
        Ok(ok(generate::run(dir, &generate::Args::check_default())?))
    })? {
        return Ok(false);
    }
    if !times.step(
        "the workflows of .github/workflows, linted by actionlint",
        || Ok(ok(crate::workflows::run()?)),
    )? {
        eprintln!("error: actionlint found problems in .github/workflows (see above)");
        return Ok(false);
    }
    let _ = std::fs::remove_file(INJECTION_MARK);
    // The public corpus is not part of the project (never committed), but when it is next to
    // it, as on CI, every spec of it must still generate. It runs beside the tests, as a process
    // of its own: running them is mostly one test binary at a time waiting on its processes and
    // sockets, then doctests compiled one crate after another, so a core is free for it.
    let corpus = crate::corpus::default_corpus();
    let mut beside = if corpus.is_dir() {
        Some(Beside::start(&corpus)?)
    } else {
        println!(
            "==> public corpus: not found at {}, skipped",
            corpus.display()
        );
        None
    };
    for step in STEPS {
        let passed = times.step(
            &format!("{}: cargo {}", step.what, step.args.join(" ")),
            || {
                let mut command = paths::cargo();
                command.args(step.args);
                if step.front_ends {
                    command.args(["--features", &front_end_features()?]);
                }
                command.args(step.trailing);
                Ok(command
                    .envs(step.env.iter().copied())
                    .current_dir(paths::root())
                    .status()
                    .context("cannot run cargo")?
                    .success())
            },
        )?;
        if !passed {
            eprintln!("error: `cargo {}` failed", step.args.join(" "));
            return Ok(false);
        }
        if step.args[0] != "test" {
            continue;
        }
        if std::path::Path::new(INJECTION_MARK).exists() {
            eprintln!(
                "error: a code block from a spec ran as a doctest: {INJECTION_MARK} exists (the hostile-text fixture's descriptions write it if rustdoc runs them)"
            );
            return Ok(false);
        }
        if let Some(beside) = beside.take() {
            let what = format!(
                "every spec of the public corpus generates ({}), run beside the tests",
                corpus.display()
            );
            if !times.step(&what, || beside.finish())? {
                eprintln!("error: a spec of the public corpus no longer generates (see above)");
                return Ok(false);
            }
        }
    }
    // The generated crate as teams configure it, not only as the workspace unifies it: code
    // that only one feature reads (tracing's span fields) warns when that feature is off.
    let passed = times.step(
        "the generated crate's feature combinations, clippy with warnings denied",
        feature_combinations,
    )?;
    if !passed {
        return Ok(false);
    }
    // Last, as they need Node.js and the npm registry.
    let _ = npm_tools.join();
    let passed = times.step(
        "conformance: every operation against Stoplight Prism, static and dynamic",
        || {
            Ok(ok(crate::conformance::run(
                dir,
                &crate::conformance::Args {
                    no_write: true,
                    ..Default::default()
                },
            )?))
        },
    )?;
    if !passed {
        eprintln!("error: conformance against Prism failed (see the report above)");
        return Ok(false);
    }
    let passed = times.step(
        "the MCP server, listed and called by the MCP Inspector (an independent client)",
        || {
            // The Zephr crate's binary, built by the test step (behaviour's zephr-under-test).
            let zephr = paths::root().join("target/debug/zephr-under-test");
            Ok(ok(if zephr.exists() {
                crate::mcp_inspector::run_with(&zephr)?
            } else {
                crate::mcp_inspector::run()?
            }))
        },
    )?;
    if !passed {
        eprintln!("error: the MCP Inspector could not use the MCP server (see above)");
        return Ok(false);
    }
    Ok(true)
}

/// `xtask corpus --quick` running as a child process beside another step, its output kept in a
/// file until it is asked for (killed if never asked: a step before it failed).
struct Beside {
    child: std::process::Child,
    log: std::path::PathBuf,
    started: Instant,
}

impl Beside {
    fn start(corpus: &std::path::Path) -> Result<Beside> {
        let log = paths::root().join("target/ci-corpus.log");
        let file = std::fs::File::create(&log)
            .with_context(|| format!("cannot write {}", log.display()))?;
        let child = Command::new(std::env::current_exe()?)
            .args(["corpus", "--quick", "--corpus"])
            .arg(corpus)
            .stdout(file.try_clone()?)
            .stderr(file)
            .spawn()
            .context("cannot start `xtask corpus`")?;
        Ok(Beside {
            child,
            log,
            started: Instant::now(),
        })
    }

    /// Waits for it, prints what it said and how long it took; whether it passed.
    fn finish(mut self) -> Result<bool> {
        let status = self.child.wait()?;
        print!("{}", std::fs::read_to_string(&self.log).unwrap_or_default());
        println!(
            "(started with the step before, {:.1} s ago)",
            self.started.elapsed().as_secs_f64()
        );
        Ok(status.success())
    }
}

impl Drop for Beside {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// Installs Prism, Node.js 22 and the MCP Inspector with npm on a thread of their own, while
/// cargo builds: downloading is waiting, not computing, and it was 25 s of the last two steps.
/// Their output goes to `target/npm-prefetch.log`; whatever fails here is installed again,
/// loudly, by the step that needs it (so the handle is joined before those steps, and never
/// holds up one that fails first).
fn prefetch_npm_tools() -> std::thread::JoinHandle<()> {
    std::thread::spawn(|| {
        let root = paths::root();
        let log = root.join("target/npm-prefetch.log");
        let _ = std::fs::create_dir_all(root.join("target"));
        let _ = crate::conformance::prefetch(&root, &log);
        let _ = crate::mcp_inspector::prefetch(&root, &log);
    })
}

/// Feature sets of the generated crate that the workspace build never sees (it unifies them all
/// on): nothing at all, every tag without the defaults, one tag alone, one tag with the test
/// server, the platform's TLS instead of rustls, and each front end without the defaults.
pub const FEATURE_SETS: &[&str] = &[
    "",
    "all-apis",
    "users",
    "users,testing",
    "users,native-tls",
    "cli",
    "mcp",
];

fn feature_combinations() -> Result<bool> {
    for features in FEATURE_SETS {
        println!("--> --no-default-features --features '{features}'");
        let passed = paths::cargo()
            .args(["clippy", "-p", "zephr-admin", "--no-default-features"])
            .args(["--features", features, "--", "-D", "warnings"])
            .current_dir(paths::root())
            .status()
            .context("cannot run cargo")?
            .success();
        if !passed {
            eprintln!(
                "error: the generated crate does not build cleanly with `default-features = false, features = [{}]`{}",
                features
                    .split(',')
                    .map(|f| format!("\"{f}\""))
                    .collect::<Vec<_>>()
                    .join(", "),
                if features.contains("native-tls") {
                    " (native-tls needs OpenSSL's headers: Debian's libssl-dev and pkg-config)"
                } else {
                    ""
                }
            );
            return Ok(false);
        }
    }
    Ok(true)
}

/// `<crate>/mcp` for Zephr's crate and every fixture crate (`codegen/tests/snapshots/*`),
/// comma-separated.
fn front_end_features() -> Result<String> {
    let mut features = vec!["zephr-admin/mcp".to_owned()];
    for entry in std::fs::read_dir(paths::root().join("codegen/tests/snapshots"))? {
        let manifest = entry?.path().join("Cargo.toml");
        let Ok(text) = std::fs::read_to_string(&manifest) else {
            continue;
        };
        let table: toml::Table = text
            .parse()
            .with_context(|| format!("{}", manifest.display()))?;
        if let Some(name) = table
            .get("package")
            .and_then(|p| p.get("name"))
            .and_then(|n| n.as_str())
        {
            features.push(format!("{name}/mcp"));
        }
    }
    features.sort();
    Ok(features.join(","))
}

/// How long each step took, printed at the end whatever happened.
#[derive(Default)]
struct Times {
    steps: Vec<(String, Duration, &'static str)>,
    started: Option<Instant>,
}

impl Times {
    /// Runs `check` as the step `what`: announced, timed, recorded.
    fn step(&mut self, what: &str, check: impl FnOnce() -> Result<bool>) -> Result<bool> {
        println!("==> {what}");
        self.started.get_or_insert_with(Instant::now);
        let started = Instant::now();
        let outcome = check();
        let verdict = match &outcome {
            Ok(true) => "ok",
            Ok(false) => "FAILED",
            Err(_) => "ERROR",
        };
        self.steps
            .push((what.to_owned(), started.elapsed(), verdict));
        outcome
    }

    fn print(&self) {
        println!("\n==> time per step");
        for (what, took, verdict) in &self.steps {
            println!("{:>8.1} s  {verdict:<6}  {what}", took.as_secs_f64());
        }
        if let Some(started) = self.started {
            println!("{:>8.1} s  total", started.elapsed().as_secs_f64());
        }
    }
}
