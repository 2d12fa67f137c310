//! `cargo xtask ci`: every check CI runs, in order, stopping at the first failure.

use std::process::{Command, ExitCode};
use std::time::Instant;

use anyhow::{Context, Result};

use crate::generate;
use crate::paths::{self, SpecDir};

/// A cargo invocation and the environment it needs.
struct Step {
    what: &'static str,
    args: &'static [&'static str],
    env: &'static [(&'static str, &'static str)],
}

const STEPS: &[Step] = &[
    Step {
        what: "tests (generator, fixtures, wire, spec examples)",
        args: &["test", "--workspace"],
        env: &[],
    },
    Step {
        what: "clippy, warnings denied",
        args: &[
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ],
        env: &[],
    },
    Step {
        what: "rustdoc of the generated crate and the generator, warnings denied",
        args: &[
            "doc",
            "--no-deps",
            "-p",
            "generated-client",
            "-p",
            "codegen",
        ],
        env: &[("RUSTDOCFLAGS", "-D warnings")],
    },
];

pub fn run(dir: &SpecDir) -> Result<ExitCode> {
    let started = Instant::now();
    println!("==> generate --check");
    let code = generate::run(dir, &generate::Args::check_default())?;
    if code != ExitCode::SUCCESS {
        return Ok(code);
    }
    println!("==> the workflows of .github/workflows, linted by actionlint");
    let code = crate::workflows::run()?;
    if code != ExitCode::SUCCESS {
        eprintln!("error: actionlint found problems in .github/workflows (see above)");
        return Ok(code);
    }
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    for step in STEPS {
        println!("==> {}: cargo {}", step.what, step.args.join(" "));
        let status = Command::new(&cargo)
            .args(step.args)
            .envs(step.env.iter().copied())
            .current_dir(paths::root())
            .status()
            .with_context(|| format!("cannot run `{cargo}`"))?;
        if !status.success() {
            eprintln!("error: `cargo {}` failed ({status})", step.args.join(" "));
            return Ok(ExitCode::FAILURE);
        }
    }
    // The public corpus is not part of the project (never committed), but when it is next to
    // it, as on CI, every spec of it must still generate.
    let corpus = crate::corpus::default_corpus();
    if corpus.is_dir() {
        println!(
            "==> every spec of the public corpus generates ({})",
            corpus.display()
        );
        let code = crate::corpus::run(&crate::corpus::Args {
            corpus: Some(corpus),
            quick: true,
            ..Default::default()
        })?;
        if code != ExitCode::SUCCESS {
            eprintln!("error: a spec of the public corpus no longer generates (see above)");
            return Ok(code);
        }
    } else {
        println!(
            "==> public corpus: not found at {}, skipped",
            corpus.display()
        );
    }
    // Last, as it needs Node.js and the npm registry (Prism is installed on first use).
    println!("==> conformance: every operation against Stoplight Prism, static and dynamic");
    let code = crate::conformance::run(
        dir,
        &crate::conformance::Args {
            no_write: true,
            ..Default::default()
        },
    )?;
    if code != ExitCode::SUCCESS {
        eprintln!("error: conformance against Prism failed (see the report above)");
        return Ok(code);
    }
    println!("==> all checks passed in {:.0?}", started.elapsed());
    Ok(ExitCode::SUCCESS)
}
