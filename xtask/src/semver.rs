//! `cargo xtask semver`: the change report's verdicts, checked against cargo-semver-checks.
//!
//! For each mutation of the real spec (with the overlay), the crate is generated before and
//! after; `codegen::diff` says whether the change is breaking, and cargo-semver-checks (a tool
//! made for exactly this, reading the crates' rustdoc JSON) says whether the new crate breaks
//! code written against the old one. The table goes to `SEMVER.md`; the command fails if the
//! two disagree. It takes a few minutes (rustdoc of two crates per mutation), so it is not part
//! of `cargo xtask ci`. Install the tool with `cargo install cargo-semver-checks --locked`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use serde_json::{Value, json};

use crate::paths::{self, SpecDir};

/// One change to the spec.
struct Mutation {
    name: &'static str,
    description: &'static str,
    apply: fn(&mut Value),
    /// Code that compiles against the old crate, for changes cargo-semver-checks cannot see
    /// (it compares no types yet: obi1kenobi/cargo-semver-checks#148 and #149): rustc then
    /// judges whether it still compiles against the new one.
    probe: Option<&'static str>,
}

const MUTATIONS: &[Mutation] = &[
    Mutation {
        name: "operation-removed",
        description: "GET /v3/admin/roles removed",
        apply: |s| {
            s["paths"]["/v3/admin/roles"]
                .as_object_mut()
                .unwrap()
                .remove("get");
        },
        probe: None,
    },
    Mutation {
        name: "operation-added",
        description: "GET /v3/widgets added (tag Bundle)",
        apply: |s| {
            s["paths"]["/v3/widgets"] = json!({"get": {"operationId": "listWidgets", "tags": ["Bundle"], "responses": {"200": {"description": "ok"}}}});
        },
        probe: None,
    },
    Mutation {
        name: "optional-field-added",
        description: "optional property `nickname` added to `attributes`",
        apply: |s| {
            s["components"]["schemas"]["attributes"]["properties"]["nickname"] =
                json!({"type": "string"});
        },
        probe: None,
    },
    Mutation {
        name: "required-field-added",
        description: "required property `secret` added to `webhook-request`",
        apply: |s| {
            let schema = &mut s["components"]["schemas"]["webhook-request"];
            schema["properties"]["secret"] = json!({"type": "string"});
            schema["required"] = json!(["secret"]);
        },
        probe: None,
    },
    Mutation {
        name: "field-type-changed",
        description: "`grant.entitlement_id` string → integer",
        apply: |s| {
            s["components"]["schemas"]["grant"]["properties"]["entitlement_id"]["type"] =
                json!("integer");
        },
        probe: Some(
            "pub fn probe(grant: generated_client::types::Grant) -> String { grant.entitlement_id }",
        ),
    },
    Mutation {
        name: "enum-value-added",
        description: "value `between` added to attribute_search_filter.operator",
        apply: |s| {
            s["components"]["schemas"]["attribute_search_filter"]["properties"]["operator"]["enum"]
                .as_array_mut()
                .unwrap()
                .push(json!("between"));
        },
        probe: None,
    },
    Mutation {
        name: "enum-value-removed",
        description: "value `is_unknown` removed from attribute_search_filter.operator",
        apply: |s| {
            s["components"]["schemas"]["attribute_search_filter"]["properties"]["operator"]["enum"]
                .as_array_mut()
                .unwrap()
                .retain(|v| v != "is_unknown");
        },
        probe: None,
    },
    Mutation {
        name: "parameter-made-required",
        description: "`foreign[system]` of DELETE /zephr/integration/users/v1/users made required",
        apply: |s| {
            for p in s["paths"]["/zephr/integration/users/v1/users"]["delete"]["parameters"]
                .as_array_mut()
                .unwrap()
            {
                if p["name"] == "foreign[system]" {
                    p["required"] = json!(true);
                }
            }
        },
        probe: None,
    },
    Mutation {
        name: "optional-parameter-added",
        description: "optional query `include_closed` added to GET /v3/accounts",
        apply: |s| {
            s["paths"]["/v3/accounts"]["get"]["parameters"]
                .as_array_mut()
                .unwrap()
                .push(
                    json!({"name": "include_closed", "in": "query", "schema": {"type": "boolean"}}),
                );
        },
        probe: None,
    },
    Mutation {
        name: "success-status-added",
        description: "status 202 added to PUT /v3/products/{id} (which has 200 and 201)",
        apply: |s| {
            s["paths"]["/v3/products/{id}"]["put"]["responses"]["202"] =
                json!({"description": "Accepted"});
        },
        probe: None,
    },
];

pub fn run(dir: &SpecDir) -> Result<ExitCode> {
    let root = paths::root();
    let work = root.join("target/semver");
    let overlay = crate::generate::overlay(dir, crate::generate::OverlayChoice::Committed)?;
    let base = codegen::load::load_file_with_overlay(&dir.spec(), overlay.as_ref())?;
    let old_api = codegen::build_ir(&base, &codegen::Options::default())?;
    let mut rows = Vec::new();
    let mut disagreements = 0;
    for mutation in MUTATIONS {
        println!("==> {}: {}", mutation.name, mutation.description);
        let mut document = base.document.clone();
        (mutation.apply)(&mut document);
        let changed = codegen::load::load_bytes(
            &serde_json::to_vec(&document)?,
            &format!("{}.json", mutation.name),
        )?;
        let new_api = codegen::build_ir(&changed, &codegen::Options::default())?;
        let report = codegen::diff::diff(&old_api, &new_api);
        let dir = work.join(mutation.name);
        let old = write_crate(&root, &dir.join("old"), &base)?;
        let new = write_crate(&root, &dir.join("new"), &changed)?;
        let (tool_breaking, detail) = semver_checks(&root, &old, &new)?;
        // rustc judges what the tool cannot see; otherwise the tool is the judge.
        let probe = match mutation.probe {
            Some(code) => Some(probe_breaks(&root, &dir, code)?),
            None => None,
        };
        let truth = probe.unwrap_or(tool_breaking);
        let agree = truth == report.is_breaking();
        if !agree {
            disagreements += 1;
        }
        let ours: Vec<String> = report
            .changes
            .iter()
            .map(|c| {
                format!(
                    "{}{}: {}",
                    if c.breaking { "BREAKING " } else { "" },
                    c.subject,
                    c.detail
                )
            })
            .collect();
        println!(
            "    diff: {}; cargo-semver-checks: {}; rustc probe: {}",
            verdict(report.is_breaking()),
            verdict(tool_breaking),
            probe.map_or("—", verdict)
        );
        rows.push(format!(
            "| {} | {} | {} | {} | {} | {} |",
            mutation.description,
            verdict(report.is_breaking()),
            verdict(tool_breaking),
            probe.map_or("—".to_owned(), |p| format!(
                "{} (`{}`)",
                verdict(p),
                mutation.probe.unwrap_or("")
            )),
            if agree { "yes" } else { "**no**" },
            cell(&format!("{} / {}", ours.join("; "), detail))
        ));
    }
    let text = format!(
        "# Semver: `cargo xtask diff` against cargo-semver-checks\n\n\
         `cargo xtask semver` mutates the real spec (with the overlay) one way at a time, generates the crate before \
         and after, and compares the change report's verdict (`codegen::diff`) with cargo-semver-checks' \
         (`cargo semver-checks check-release --release-type minor`: does the new crate break code written against \
         the old one?). Models, and the enums of statuses, variants and values, are `#[non_exhaustive]`, so \
         additions are not breaking.\n\n\
         cargo-semver-checks compares no types yet (obi1kenobi/cargo-semver-checks#148, #149): where a \
         mutation changes a type, a probe (code that compiles against the old crate) is compiled against the new one \
         and rustc is the judge.\n\n\
         | mutation | `diff` says | cargo-semver-checks says | rustc probe says | agree | what each reported (ours / the tool's) |\n\
         | --- | --- | --- | --- | --- | --- |\n{}\n",
        rows.join("\n")
    );
    std::fs::write(root.join("SEMVER.md"), text)?;
    if disagreements > 0 {
        eprintln!("error: {disagreements} verdicts disagree (see SEMVER.md)");
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}

fn verdict(breaking: bool) -> &'static str {
    if breaking { "breaking" } else { "compatible" }
}

/// Generates the crate of `spec` into `dir/client`, inside a workspace of its own; returns `dir`.
fn write_crate(root: &Path, dir: &Path, spec: &codegen::load::LoadedSpec) -> Result<PathBuf> {
    let options = codegen::Options {
        crate_version: "0.2.0".to_owned(),
        ..codegen::Options::default()
    };
    let generated = codegen::generate(spec.clone(), &options)?;
    let _ = std::fs::remove_dir_all(dir.join("client"));
    codegen::write::write(&dir.join("client"), &generated.files)?;
    std::fs::write(
        dir.join("Cargo.toml"),
        "[workspace]\nresolver = \"3\"\nmembers = [\"client\"]\n",
    )?;
    std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock"))?;
    Ok(dir.to_owned())
}

/// Whether cargo-semver-checks finds a breaking change from `old` to `new`, and its summary.
fn semver_checks(root: &Path, old: &Path, new: &Path) -> Result<(bool, String)> {
    let output = crate::paths::cargo()
        .args(["semver-checks", "check-release", "--release-type", "minor", "-p", "generated-client", "--manifest-path"])
        .arg(new.join("Cargo.toml"))
        .arg("--baseline-root")
        .arg(old)
        .env("CARGO_TARGET_DIR", root.join("target/semver/target"))
        .output()
        .context("cannot run cargo semver-checks: install it with `cargo install cargo-semver-checks --locked`")?;
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    if text.contains("no such command") || text.contains("no such subcommand") {
        bail!("cargo-semver-checks is not installed: `cargo install cargo-semver-checks --locked`");
    }
    // The lints that failed, as the tool names them.
    let failed: Vec<&str> = text
        .lines()
        .filter_map(|l| {
            l.trim()
                .strip_prefix("--- failure ")
                .map(|rest| rest.split(':').next().unwrap_or(rest))
        })
        .collect();
    let summary = text
        .lines()
        .rev()
        .find(|l| l.contains("Summary"))
        .unwrap_or("")
        .trim()
        .to_owned();
    match output.status.code() {
        Some(0) => Ok((
            false,
            if summary.is_empty() {
                "no semver update required".to_owned()
            } else {
                summary
            },
        )),
        // cargo-semver-checks exits with 1 (older releases) or 100 when a check fails.
        Some(1 | 100) if !failed.is_empty() => {
            Ok((true, format!("failed lints: {}", failed.join(", "))))
        }
        _ => bail!("cargo semver-checks failed to run:\n{text}"),
    }
}

/// Whether `code` (which must compile against the old crate) fails against the new one.
fn probe_breaks(root: &Path, dir: &Path, code: &str) -> Result<bool> {
    let compiles = |side: &str| -> Result<bool> {
        let probe = dir.join(format!("probe-{side}"));
        std::fs::create_dir_all(probe.join("src"))?;
        std::fs::write(
            probe.join("Cargo.toml"),
            format!(
                "[package]\nname = \"probe\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n[workspace]\n\n\
                 [dependencies]\ngenerated-client = {{ path = {:?} }}\n",
                dir.join(side).join("client").display().to_string()
            ),
        )?;
        std::fs::write(probe.join("src/lib.rs"), format!("{code}\n"))?;
        std::fs::copy(root.join("Cargo.lock"), probe.join("Cargo.lock"))?;
        let status = crate::paths::cargo()
            .args(["check", "--quiet"])
            .current_dir(&probe)
            .env("CARGO_TARGET_DIR", root.join("target/semver/target-probe"))
            .stderr(std::process::Stdio::null())
            .status()?;
        Ok(status.success())
    };
    if !compiles("old")? {
        bail!("the probe does not compile against the old crate: {code}");
    }
    Ok(!compiles("new")?)
}

/// Text for a Markdown table cell.
fn cell(text: &str) -> String {
    text.replace(['\n', '\r'], " ").replace('|', "\\|")
}
