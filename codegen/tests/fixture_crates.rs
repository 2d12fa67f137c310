//! Every fixture spec (`tests/fixtures/*.yaml`) generated into a crate, and the crates compiled,
//! linted and exercised for real.
//!
//! The crates go into one throwaway workspace under cargo's test tmpdir, next to a hand-written
//! `behaviour` crate whose tests (`tests/behaviour/<fixture>.rs`) use them: serde round trips,
//! enum fallbacks, and requests against a loopback server (the same one the wire tests use).
//! Then, in that workspace: clippy with warnings denied (the generated crates, their generated
//! example tests and the behaviour tests), the tests, and rustdoc with warnings denied. The
//! workspace's `Cargo.lock` is ours, so no dependency is resolved anew.

use std::path::{Path, PathBuf};
use std::process::Command;

mod support;

fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The fixtures' names (file stems).
fn fixtures() -> Vec<String> {
    support::fixture_specs()
        .iter()
        .map(|path| path.file_stem().unwrap().to_string_lossy().into_owned())
        .collect()
}

/// Writes `contents` unless the file already has them (so cargo does not rebuild it).
fn write_if_changed(path: &Path, contents: &str) {
    if std::fs::read_to_string(path).ok().as_deref() == Some(contents) {
        return;
    }
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, contents).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
}

/// The directory of the random-names crate, and its seed.
const RANDOM_NAMES: &str = "random_names";
const RANDOM_NAMES_SEED: u64 = 0x5eed_2026_1124;

/// Where an injected doctest of the hostile-text fixture would leave its mark.
const INJECTION_MARK: &str = "/tmp/zephr-codegen-injected-doctest";

fn crate_name(fixture: &str) -> String {
    format!("fixture-{}", fixture.replace('_', "-"))
}

/// Generates every fixture and the behaviour crate; returns the workspace directory.
fn build_workspace(fixtures: &[String]) -> PathBuf {
    let workspace = Path::new(env!("CARGO_TARGET_TMPDIR")).join("fixture-crates");
    for fixture in fixtures {
        let spec = manifest_dir()
            .join("tests/fixtures")
            .join(format!("{fixture}.yaml"));
        let options = codegen::Options {
            crate_name: crate_name(fixture),
            ..codegen::Options::default()
        };
        let generated =
            codegen::generate_file(&spec, &options).unwrap_or_else(|e| panic!("{fixture}: {e}"));
        codegen::write::write(&workspace.join(fixture), &generated.files)
            .unwrap_or_else(|e| panic!("{fixture}: {e}"));
    }
    // Hostile names, many in one crate (cheap to compile once): it must compile, lint clean and
    // document clean like the others. The seed is fixed so a failure reproduces.
    let random = support::random_names::spec(RANDOM_NAMES_SEED, 120, 60);
    let spec = codegen::load::load_bytes(random.as_bytes(), "random-names.json")
        .expect("the random spec loads");
    let options = codegen::Options {
        crate_name: "fixture-random-names".to_owned(),
        ..codegen::Options::default()
    };
    let generated = codegen::generate(&spec, &options)
        .unwrap_or_else(|e| panic!("random names (seed {RANDOM_NAMES_SEED}): {e}"));
    codegen::write::write(&workspace.join(RANDOM_NAMES), &generated.files)
        .unwrap_or_else(|e| panic!("random names: {e}"));
    write_if_changed(&workspace.join("random-names.json"), &random);

    let mut dependencies = String::new();
    for fixture in fixtures {
        // With `testing`: every crate's test server is compiled, linted and documented too.
        dependencies.push_str(&format!(
            "{} = {{ path = \"../{fixture}\", features = [\"testing\"] }}\n",
            crate_name(fixture)
        ));
    }
    let behaviour = workspace.join("behaviour");
    write_if_changed(
        &behaviour.join("Cargo.toml"),
        &format!(
            "[package]\nname = \"behaviour\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
             [dependencies]\n{dependencies}\n\
             [dev-dependencies]\nbytes = \"1\"\nhttp-body-util = \"0.1\"\n\
             hyper = {{ version = \"1\", features = [\"http1\", \"server\"] }}\n\
             hyper-util = {{ version = \"0.1\", features = [\"tokio\"] }}\n\
             form_urlencoded = \"1\"\nfutures-util = {{ version = \"0.3\", default-features = false }}\nmulter = \"3\"\n\
             serde = {{ version = \"1\", features = [\"derive\"] }}\nserde_json = \"1\"\nserde_qs = \"0.15\"\n\
             tokio = {{ version = \"1\", features = [\"rt\", \"rt-multi-thread\", \"macros\", \"net\", \"time\", \"io-util\"] }}\n"
        ),
    );
    write_if_changed(
        &behaviour.join("src/lib.rs"),
        "//! Behaviour tests of the fixture crates live in `tests/`.\n",
    );
    let server = manifest_dir().join("tests/wire/server.rs");
    write_if_changed(
        &behaviour.join("tests/server/mod.rs"),
        &format!(
            "//! The loopback server of the wire tests.\n#![allow(dead_code)]\n\n#[path = {:?}]\nmod wire;\npub use wire::*;\n",
            server.display().to_string()
        ),
    );
    for fixture in fixtures {
        let test = manifest_dir()
            .join("tests/behaviour")
            .join(format!("{fixture}.rs"));
        let source = std::fs::read_to_string(&test).unwrap_or_else(|e| {
            panic!(
                "{}: {e} (every fixture has behaviour tests)",
                test.display()
            )
        });
        write_if_changed(
            &behaviour.join("tests").join(format!("{fixture}.rs")),
            &source,
        );
    }

    let members: Vec<String> = fixtures
        .iter()
        .map(|f| format!("\"{f}\""))
        .chain([format!("\"{RANDOM_NAMES}\""), "\"behaviour\"".to_owned()])
        .collect();
    write_if_changed(
        &workspace.join("Cargo.toml"),
        &format!(
            "[workspace]\nresolver = \"3\"\nmembers = [{}]\n",
            members.join(", ")
        ),
    );
    let lock = std::fs::read_to_string(manifest_dir().join("../Cargo.lock"))
        .expect("the workspace's Cargo.lock");
    write_if_changed(&workspace.join("Cargo.lock"), &lock);
    workspace
}

fn cargo(workspace: &Path, args: &[&str], env: &[(&str, &str)]) {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let output = Command::new(&cargo)
        .args(args)
        .envs(env.iter().copied())
        .env("CARGO_TARGET_DIR", workspace.join("target"))
        .env_remove("RUSTFLAGS")
        .current_dir(workspace)
        .output()
        .expect("cargo runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "`cargo {}` failed in {}:\n{stderr}\n{stdout}",
        args.join(" "),
        workspace.display()
    );
}

#[test]
fn fixture_crates_compile_lint_clean_document_clean_and_behave() {
    let fixtures = fixtures();
    let workspace = build_workspace(&fixtures);
    let _ = std::fs::remove_file(INJECTION_MARK);
    // What the generator writes is what `cargo fmt` writes: a user's `cargo fmt --all --check`
    // passes on it, and their `cargo fmt --all` changes nothing (so `generate --check` stays green).
    let mut fmt = vec!["fmt", "--check"];
    let packages: Vec<String> = fixtures
        .iter()
        .map(|f| crate_name(f))
        .chain(["fixture-random-names".to_owned()])
        .collect();
    for package in &packages {
        fmt.extend(["-p", package.as_str()]);
    }
    cargo(&workspace, &fmt, &[]);
    cargo(
        &workspace,
        &[
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ],
        &[],
    );
    cargo(&workspace, &["test", "--workspace"], &[]);
    // The hostile-text fixture's descriptions hold code fences that would write this file if
    // rustdoc ran them as doctests; the doctests of every crate ran above.
    assert!(
        !std::path::Path::new(INJECTION_MARK).exists(),
        "a code block from a spec ran as a doctest"
    );
    cargo(
        &workspace,
        &["doc", "--workspace", "--no-deps", "--exclude", "behaviour"],
        &[("RUSTDOCFLAGS", "-D warnings")],
    );

    // A crate built with one tag's feature (or none) compiles and lints clean: a type gated too
    // narrowly for an operation that uses it would not compile. The random-names crate has the
    // most tags, with hostile names.
    let manifest: toml::Table =
        std::fs::read_to_string(workspace.join(RANDOM_NAMES).join("Cargo.toml"))
            .unwrap()
            .parse()
            .unwrap();
    let tags: Vec<&str> = manifest["features"]["all-apis"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|t| t.as_str())
        .collect();
    assert!(
        tags.len() >= 4,
        "the random spec has several tags: {tags:?}"
    );
    for features in [String::from("rustls")]
        .into_iter()
        .chain(tags.iter().take(4).map(|tag| format!("rustls,{tag}")))
    {
        cargo(
            &workspace,
            &[
                "clippy",
                "-p",
                "fixture-random-names",
                "--no-default-features",
                "--features",
                &features,
                "--",
                "-D",
                "warnings",
            ],
            &[],
        );
    }

    drift_to_correction_end_to_end(&workspace);
    test_server_as_a_process(&workspace);
}

/// `examples/test-server.rs` of a generated crate, run as a process with stubs from a file, as
/// a test in another language would: it prints its URL and credentials, and answers as stubbed.
fn test_server_as_a_process(workspace: &Path) {
    cargo(
        workspace,
        &[
            "build",
            "-p",
            "fixture-operations",
            "--features",
            "testing",
            "--example",
            "test-server",
        ],
        &[],
    );
    let stubs = workspace.join("stubs.json");
    let json = r#"[{"operation": "listWidgets", "query": {"limit": 10}, "status": 200, "response": [{"name": "from-a-file"}]}]"#;
    std::fs::write(&stubs, json).unwrap();
    let mut child = Command::new(workspace.join("target/debug/examples/test-server"))
        .args(["--stubs", stubs.to_str().unwrap()])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("the test server starts");
    let mut line = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(child.stdout.take().unwrap()),
        &mut line,
    )
    .unwrap();
    let started: serde_json::Value =
        serde_json::from_str(&line).unwrap_or_else(|e| panic!("{e}: {line:?}"));
    let base_url = started["base_url"].as_str().unwrap().to_owned();
    let token = started["secret"].as_str().unwrap().to_owned();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let (answered, refused) = runtime.block_on(async {
        let http = reqwest::Client::new();
        let answered = http
            .get(format!("{base_url}/widgets?limit=10"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let refused = http
            .get(format!("{base_url}/widgets?limit=10"))
            .bearer_auth("wrong")
            .send()
            .await
            .unwrap()
            .status();
        (answered, refused)
    });
    child.kill().unwrap();
    let _ = child.wait();
    assert_eq!(answered, r#"[{"name":"from-a-file"}]"#);
    assert_eq!(refused.as_u16(), 401);
}

/// The loop a team runs when the API and the spec part ways, end to end: traffic that departs
/// from the spec (tests/behaviour/drift.rs against a loopback server) → the client's drift
/// report and the saved responses → the overlay the generator proposes from them → the crate
/// generated again with it → the same traffic, with no drift at all.
fn drift_to_correction_end_to_end(workspace: &Path) {
    let evidence_dir = workspace.join("drift-evidence");
    std::fs::create_dir_all(&evidence_dir).unwrap();
    let evidence_env = evidence_dir.to_str().unwrap();
    cargo(
        workspace,
        &["test", "-p", "behaviour", "--test", "drift"],
        &[("DRIFT_EVIDENCE_DIR", evidence_env)],
    );

    let spec_path = manifest_dir().join("tests/fixtures/drift.yaml");
    let spec = codegen::load::load_file(&spec_path).unwrap();
    let api = codegen::build_ir(&spec).unwrap();
    let mut evidence = codegen::drift::Evidence::default();
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(evidence_dir.join("report.json")).unwrap())
            .unwrap();
    assert_eq!(evidence.read_report("report.json", &report), Ok(5));
    let responses = std::fs::read_to_string(evidence_dir.join("responses.json")).unwrap();
    assert_eq!(
        evidence.read_responses(&api, "responses.json", &responses),
        Ok(3)
    );
    let proposal = codegen::drift::propose(&api, &spec.document, &evidence);
    let overlay_text = proposal.to_yaml(&["report.json".to_owned(), "responses.json".to_owned()]);
    assert!(
        proposal
            .notes
            .iter()
            .all(|n| n.contains("no-declared-property")),
        "only the wrapper's note is left: {:?}\n{overlay_text}",
        proposal.notes
    );
    std::fs::write(evidence_dir.join("proposed-overlay.yaml"), &overlay_text).unwrap();

    let overlay =
        codegen::load::Overlay::from_bytes(overlay_text.as_bytes(), "proposed-overlay.yaml")
            .unwrap_or_else(|e| panic!("{e}\n{overlay_text}"));
    let corrected = codegen::load::load_file_with_overlay(&spec_path, Some(&overlay))
        .unwrap_or_else(|e| panic!("{e}\n{overlay_text}"));
    let options = codegen::Options {
        crate_name: crate_name("drift"),
        ..codegen::Options::default()
    };
    let generated = codegen::generate(&corrected, &options).unwrap();
    codegen::write::write(&workspace.join("drift"), &generated.files).unwrap();
    cargo(
        workspace,
        &["test", "-p", "behaviour", "--test", "drift"],
        &[("DRIFT_EXPECT_NONE", "1")],
    );
}
