//! `cargo xtask conformance`: every operation of the generated client, called once against
//! Stoplight Prism, which validates each request against the spec (with the overlay applied)
//! and answers from the spec: with its examples (static mode) or with data it makes up from the
//! schemas (dynamic mode, `-d`).
//!
//! Prism is installed with npm into `target/prism` on first use. The driver that makes the calls
//! is generated from the IR (`codegen::emit::conformance_driver`) into `target/conformance` and
//! built there against `zephr-admin`. Results go to `CONFORMANCE.md`; the command fails if a
//! request is refused or a response fails to decode without an example exception explaining it.

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail};

use crate::paths::{self, SpecDir};

/// The Prism release the results were measured with.
const PRISM: &str = "@stoplight/prism-cli@5.14.2";

#[derive(clap::Args, Default)]
pub struct Args {
    /// Only run static mode (Prism answers with the spec's examples).
    #[arg(long)]
    pub static_only: bool,
    /// Do not rewrite CONFORMANCE.md.
    #[arg(long)]
    pub no_write: bool,
}

/// One call's outcome, as the driver prints it.
#[derive(Debug, Clone, serde::Deserialize)]
struct Outcome {
    operation: String,
    status: Option<u16>,
    violations: Vec<String>,
    response_violations: Vec<String>,
    decoded: Option<bool>,
    problem: Option<String>,
    /// Decoded, with properties Prism made up (dynamic mode) as the only drift.
    #[serde(default)]
    invented: bool,
}

pub fn run(dir: &SpecDir, args: &Args) -> Result<ExitCode> {
    let root = paths::root();
    let work = root.join("target/conformance");
    std::fs::create_dir_all(&work)?;

    // The spec as generated: the locked spec with the reviewed overlay.
    let overlay = crate::generate::overlay(dir, crate::generate::OverlayChoice::Committed)?;
    let spec = codegen::load::load_file_with_overlay(&dir.spec(), overlay.as_ref())?;
    let api = codegen::build_ir(&spec, &codegen::Options::default())?;
    let spec_json = work.join("spec.json");
    std::fs::write(&spec_json, serde_json::to_vec_pretty(&spec.document)?)?;
    let exceptions = dir.example_exceptions()?;

    let driver = build_driver(&root, &work, &api)?;
    let prism = install_prism(&root)?;

    let modes: &[(&str, bool)] = if args.static_only {
        &[("static", false)]
    } else {
        &[("static", false), ("dynamic", true)]
    };
    let mut report = String::new();
    let mut failed = false;
    // The modes at once, each with its own Prism on its own port: each is a client waiting on a
    // single-threaded server, so together they take the time of one.
    let runs: Vec<Result<Vec<Outcome>>> = std::thread::scope(|scope| {
        let running: Vec<_> = modes
            .iter()
            .map(|&(mode, dynamic)| {
                let (prism, spec_json, driver) = (&prism, &spec_json, &driver);
                let log = work.join(format!("prism-{mode}.log"));
                scope.spawn(move || run_mode(prism, spec_json, driver, dynamic, &log))
            })
            .collect();
        running
            .into_iter()
            .map(|run| {
                run.join()
                    .unwrap_or_else(|_| Err(anyhow!("a mode's run panicked")))
            })
            .collect()
    });
    for (&(mode, _), outcomes) in modes.iter().zip(runs) {
        let outcomes = outcomes?;
        let (text, ok) = summarise(mode, &api, &outcomes, &exceptions);
        println!("{text}");
        report.push_str(&text);
        failed |= !ok;
    }
    if !args.no_write {
        let header = format!(
            "# Conformance against Stoplight Prism\n\n\
             `cargo xtask conformance` calls every operation of the generated client once, with every \
             parameter set (from the spec's examples, else a value made from the schema), against Prism ({PRISM}) serving the spec with the overlay \
             (`spec/zephr-admin-api.overlay.yaml`) applied. Prism validates each request against the spec and \
             reports violations in its `sl-violations` header; a request is *accepted* when it reports none of \
             severity Error and the answer is not a 5xx (Prism also warns, on every request, that it does not know the `ZEPHR-HMAC-*` \
             scheme). In static mode Prism answers with the spec's examples, in dynamic mode (`-d`) with data \
             made up from the schemas. The client runs in strict mode: a body that departs from the spec \
             (drift) fails like one that does not decode. A decode failure is *explained* when an example of that operation's \
             responses is in `spec/example-exceptions.yaml` (an example that contradicts its own schema).\n\n\
             Example responses with drift (issue 16): before drift detection, the spec's examples that decode \
             only by dropping meaning (into `additional_properties`, or without a required property) counted as \
             decoded; **6** did on this spec (the `createUser` wrapper, both webhook bodies, the feature-rule version \
             response, `listUserGrants`, the user-creation example). Now the examples test \
             (`generated-client/tests/examples.rs`) and this run fail on drift: the overlay fixes **4** with their \
             evidence, **2** are reviewed exceptions, and **0** pass unnoticed.\n\n\
             Spec {} (sha256 `{}`), overlay sha256 `{}`.\n\n",
            api.version,
            api.spec_sha256,
            api.overlay_sha256.as_deref().unwrap_or("none")
        );
        std::fs::write(root.join("CONFORMANCE.md"), format!("{header}{report}"))?;
    }
    Ok(if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// Generates and builds the driver; returns its binary.
fn build_driver(root: &Path, work: &Path, api: &codegen::ir::Api) -> Result<PathBuf> {
    let crate_dir = work.join("driver");
    std::fs::create_dir_all(crate_dir.join("src"))?;
    let manifest = format!(
        "[package]\nname = \"conformance-driver\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
         # Its own workspace: it lives under the project's target directory.\n[workspace]\n\n\
         [dependencies]\nzephr-admin = {{ path = {:?} }}\nserde = \"1\"\nserde_json = \"1\"\n\
         tokio = {{ version = \"1\", features = [\"rt\", \"macros\"] }}\n",
        root.join("generated-client").display().to_string()
    );
    write_if_changed(&crate_dir.join("Cargo.toml"), &manifest)?;
    write_if_changed(
        &crate_dir.join("src/main.rs"),
        &codegen::emit::conformance_driver(api, "zephr_admin")?,
    )?;
    // The project's lock file: no dependency is resolved anew.
    write_if_changed(
        &crate_dir.join("Cargo.lock"),
        &std::fs::read_to_string(root.join("Cargo.lock"))?,
    )?;
    let status = crate::paths::cargo()
        .args(["build", "--quiet"])
        .current_dir(&crate_dir)
        .env("CARGO_TARGET_DIR", root.join("target"))
        .status()
        .context("cannot run cargo")?;
    if !status.success() {
        bail!("the conformance driver does not build ({status})");
    }
    Ok(root.join("target/debug/conformance-driver"))
}

fn write_if_changed(path: &Path, contents: &str) -> Result<()> {
    if std::fs::read_to_string(path).ok().as_deref() != Some(contents) {
        std::fs::write(path, contents)
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    Ok(())
}

/// Prism's command, installed into `target/prism` with npm when it is not there yet.
fn install_prism(root: &Path) -> Result<PathBuf> {
    crate::npm::install(root, "prism", PRISM, "prism")
}

/// Installs Prism ahead of time, npm's output into `log` (`cargo xtask ci`, while cargo builds).
pub fn prefetch(root: &Path, log: &Path) -> Result<()> {
    crate::npm::install_logged(root, "prism", PRISM, "prism", log).map(drop)
}

/// Starts Prism, runs the driver against it, stops Prism.
fn run_mode(
    prism: &Path,
    spec: &Path,
    driver: &Path,
    dynamic: bool,
    log: &Path,
) -> Result<Vec<Outcome>> {
    let port = TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
    let mut command = Command::new(prism);
    command.args(["mock", "--host", "127.0.0.1", "--port", &port.to_string()]);
    if dynamic {
        command.arg("--dynamic");
    }
    command
        .arg(spec)
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    let mut child = Guard(command.spawn().context("cannot start Prism")?);
    wait_until_listening(&mut child.0, log)?;
    let output = Command::new(driver)
        .arg(format!("http://127.0.0.1:{port}"))
        .arg(if dynamic { "dynamic" } else { "static" })
        .output()
        .context("cannot run the driver")?;
    if !output.status.success() {
        bail!(
            "the conformance driver failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    String::from_utf8(output.stdout)?
        .lines()
        .map(|line| serde_json::from_str(line).with_context(|| format!("driver output `{line}`")))
        .collect()
}

/// Kills the child when dropped.
struct Guard(Child);

impl Drop for Guard {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Reads Prism's output (copying it to `log`) until it says it listens.
fn wait_until_listening(child: &mut Child, log: &Path) -> Result<()> {
    let stdout = child
        .stdout
        .take()
        .ok_or_else(|| anyhow!("no output from Prism"))?;
    let (sender, receiver) = std::sync::mpsc::channel();
    let log = log.to_owned();
    std::thread::spawn(move || {
        let mut file = std::fs::File::create(&log).ok();
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if let Some(file) = &mut file {
                let _ = std::io::Write::write_all(file, format!("{line}\n").as_bytes());
            }
            if line.contains("Prism is listening") {
                let _ = sender.send(());
            }
        }
    });
    let started = Instant::now();
    receiver
        .recv_timeout(Duration::from_secs(120))
        .map_err(|_| anyhow!("Prism did not start within {:?}", started.elapsed()))
}

/// The report of one mode, and whether it passes.
fn summarise(
    mode: &str,
    api: &codegen::ir::Api,
    outcomes: &[Outcome],
    exceptions: &[codegen::ExampleException],
) -> (String, bool) {
    let total = outcomes.len();
    // A 5xx from the mock is not an acceptance: Prism answers 500 when it cannot make sense
    // of the request or of the spec (a failure to explain, like a violation).
    let server_error = |o: &Outcome| o.status.is_some_and(|s| s >= 500);
    let accepted = outcomes
        .iter()
        .filter(|o| o.status.is_some() && o.violations.is_empty() && !server_error(o))
        .count();
    let success = outcomes.iter().filter(|o| o.decoded.is_some()).count();
    let decoded = outcomes.iter().filter(|o| o.decoded == Some(true)).count();
    let mut rows = Vec::new();
    let mut unexplained = 0;
    for o in outcomes {
        if o.status.is_none() || !o.violations.is_empty() || server_error(o) {
            let why = if o.violations.is_empty() {
                o.problem.clone().unwrap_or_default()
            } else {
                o.violations.join("; ")
            };
            rows.push(format!(
                "| `{}` | {} | {} | {} |",
                o.operation,
                if server_error(o) && o.violations.is_empty() {
                    "server error"
                } else {
                    "refused"
                },
                o.status.map_or("—".to_owned(), |s| s.to_string()),
                cell(&why)
            ));
        } else if o.decoded == Some(false) {
            let explanation = explanation(api, &o.operation, exceptions);
            if explanation.is_none() {
                unexplained += 1;
            }
            rows.push(format!(
                "| `{}` | decode failed | {} | {} — {} |",
                o.operation,
                o.status.unwrap_or_default(),
                cell(o.problem.as_deref().unwrap_or("")),
                explanation.map_or("**not explained**".to_owned(), |e| format!(
                    "explained: `{e}`"
                ))
            ));
        }
    }
    let spec_conflicts: Vec<String> = outcomes
        .iter()
        .filter(|o| !o.response_violations.is_empty())
        .map(|o| {
            format!(
                "| `{}` | {} |",
                o.operation,
                cell(&o.response_violations.join("; "))
            )
        })
        .collect();
    let invented = outcomes.iter().filter(|o| o.invented).count();
    let mut text = format!(
        "## {mode} mode\n\n- operations called: {total} of {}\n- requests accepted without violation: **{accepted} of {total}**\n\
         - success responses: {success}, decoded: **{decoded}**, decode failures explained by the exceptions list: {}, unexplained: **{unexplained}**\n",
        api.operations.len(),
        success - decoded - unexplained,
    );
    if invented > 0 {
        text.push_str(&format!(
            "- of the decoded, {invented} carried properties Prism made up where the schema does not forbid them: the client reported them as drift, and they are Prism's, not failures\n"
        ));
    }
    if !rows.is_empty() {
        text.push_str("\n| operation | outcome | status | detail |\n| --- | --- | --- | --- |\n");
        text.push_str(&rows.join("\n"));
        text.push('\n');
    }
    if !spec_conflicts.is_empty() {
        let made_from = if mode == "static" {
            "the spec's examples"
        } else {
            "data made up from the schemas"
        };
        text.push_str(&format!(
            "\nResponses Prism made ({made_from}) that the spec's own schemas refuse ({}):\n\n| operation | Prism's finding |\n| --- | --- |\n",
            spec_conflicts.len()
        ));
        text.push_str(&spec_conflicts.join("\n"));
        text.push('\n');
    }
    text.push('\n');
    (
        text,
        accepted == total && total == api.operations.len() && unexplained == 0,
    )
}

/// The example exception that explains a decode failure of `operation`: one about its responses.
fn explanation(
    api: &codegen::ir::Api,
    operation: &str,
    exceptions: &[codegen::ExampleException],
) -> Option<String> {
    let op = api.operations.iter().find(|op| {
        op.operation_id
            .as_deref()
            .unwrap_or(codegen::names::unraw(&op.method_name))
            == operation
    })?;
    let prefix = format!("{}/responses/", op.pointer);
    exceptions
        .iter()
        .find(|e| e.pointer.starts_with(&prefix))
        .map(|e| e.pointer.clone())
        .or_else(|| {
            // An example of a response schema (a component's) counts when the response uses it.
            exceptions
                .iter()
                .find(|e| {
                    e.pointer.starts_with("/components/")
                        && op
                            .success
                            .iter()
                            .any(|c| mentions(api, &c.body, &e.pointer))
                })
                .map(|e| e.pointer.clone())
        })
}

fn mentions(api: &codegen::ir::Api, body: &codegen::ir::ResponseBody, pointer: &str) -> bool {
    let codegen::ir::ResponseBody::Json(ty) = body else {
        return false;
    };
    let mut named = Vec::new();
    ty.named(&mut named);
    named
        .iter()
        .any(|&id| pointer.starts_with(&format!("{}/", api.ty(id).pointer)))
}

/// Text for a Markdown table cell: one line, no pipes, bounded.
fn cell(text: &str) -> String {
    let mut out: String = text
        .replace(['\n', '\r'], " ")
        .replace('|', "\\|")
        .chars()
        .take(300)
        .collect();
    if text.chars().count() > 300 {
        out.push('…');
    }
    out
}
