//! The update path against a real HTTP server on loopback: `fetch-spec` and `update` refuse what
//! is not a spec (too large, endless, a login page, empty, other JSON) with memory bounded by the
//! limit and nothing written, and `update` runs the scheduled loop end to end: the old spec,
//! `304 Not Modified`, a changed spec, a broken one.

use std::path::{Path, PathBuf};

mod support;
use support::http::{Answer, Server};
use support::{real_spec, scratch, snapshot, stderr, xtask, xtask_with_peak_memory};

const GIB: u64 = 1024 * 1024 * 1024;
/// What the process may hold beyond the download limit: the generator's code and the runtime.
const BASELINE: u64 = 96 * 1024 * 1024;

/// A spec directory holding the committed overlay (so a bad download could be blamed on it).
fn spec_dir(name: &str) -> PathBuf {
    let dir = scratch(name).join("spec");
    std::fs::create_dir_all(&dir).unwrap();
    let committed =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec/zephr-admin-api.overlay.yaml");
    std::fs::copy(committed, dir.join("zephr-admin-api.overlay.yaml")).unwrap();
    dir
}

fn fetch(dir: &Path, url: &str, extra: &[&str]) -> (std::process::Output, u64) {
    let mut args = vec![
        "--spec-dir",
        dir.to_str().unwrap(),
        "fetch-spec",
        "--from",
        url,
    ];
    args.extend_from_slice(extra);
    xtask_with_peak_memory(&args)
}

#[test]
fn a_download_over_the_limit_is_refused_with_memory_bounded_by_the_limit() {
    let dir = spec_dir("download-too-large");
    let before = snapshot(&dir);

    // 2 GiB announced: refused before reading the body.
    let server = Server::start(
        "/spec.yaml",
        vec![Answer::Endless {
            announced: Some(2 * GIB),
            sent: 2 * GIB,
        }],
    );
    let (output, peak) = fetch(&dir, &server.url, &[]);
    let message = stderr(&output);
    assert!(!output.status.success());
    assert!(
        message.contains(
            "it announces 2147483648 bytes, more than the limit of 67108864 (see --max-bytes)"
        ),
        "{message}"
    );
    eprintln!(
        "2 GiB announced in Content-Length: refused, peak RSS {} MiB",
        peak >> 20
    );
    assert!(
        peak < BASELINE,
        "peak RSS {peak} bytes for a refused download"
    );

    // 2 GiB without a Content-Length: read up to the limit, then refused.
    let server = Server::start(
        "/spec.yaml",
        vec![Answer::Endless {
            announced: None,
            sent: 2 * GIB,
        }],
    );
    let (output, peak) = fetch(&dir, &server.url, &["--max-bytes", "16000000"]);
    let message = stderr(&output);
    assert!(!output.status.success());
    assert!(
        message
            .contains("larger than the limit of 16000000 bytes (see --max-bytes); stopped reading"),
        "{message}"
    );
    eprintln!(
        "2 GiB streamed, limit 16 MB: refused, peak RSS {} MiB",
        peak >> 20
    );
    assert!(
        peak < BASELINE + 2 * 16_000_000,
        "peak RSS {peak} bytes: memory must be bounded by the limit, not the download"
    );

    // A server that stalls is bounded by --timeout.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/spec.yaml", listener.local_addr().unwrap());
    let (output, _) = fetch(&dir, &url, &["--timeout", "1"]);
    drop(listener);
    let message = stderr(&output);
    assert!(
        message.contains("took longer than 1s (see --timeout)"),
        "{message}"
    );

    assert_eq!(snapshot(&dir), before, "nothing is written");
}

#[test]
fn what_is_not_an_openapi_document_is_named_and_not_blamed_on_the_overlay() {
    let dir = spec_dir("download-not-openapi");
    let before = snapshot(&dir);
    let page = |content_type: &str, body: &[u8]| Answer::Body {
        status: "200 OK",
        headers: vec![("Content-Type", content_type.to_owned())],
        body: body.to_vec(),
    };
    let cases = [
        (
            page(
                "text/html; charset=utf-8",
                b"<!DOCTYPE html>\n<html><title>Sign in</title>",
            ),
            "an HTML or XML page, not an OpenAPI document (a login page or a captive portal?) (content type text/html; charset=utf-8, first bytes: \"<!DOCTYPE html>\\n<html><title>Sign in</title>\")",
        ),
        (
            page("application/yaml", b""),
            "the download is empty (content type application/yaml",
        ),
        (
            page("application/json", br#"{"error": "quota exceeded"}"#),
            "not an OpenAPI document: it has no top-level `openapi` version (content type application/json, first bytes: \"{\"error\": \"quota exceeded\"}\")",
        ),
    ];
    for (answer, expected) in cases {
        let server = Server::start("/spec.yaml", vec![answer]);
        let (output, _) = fetch(&dir, &server.url, &[]);
        let message = stderr(&output);
        assert!(!output.status.success(), "{message}");
        assert!(
            message.contains(expected),
            "expected `{expected}` in: {message}"
        );
        assert!(
            !message.contains("remove the action"),
            "a bad download must not be blamed on the overlay: {message}"
        );
    }
    assert_eq!(snapshot(&dir), before, "nothing is written");
}

/// A redirect to another port of the same host is another server: followed, and reported
/// (it was followed in silence; another host was reported).
#[test]
fn a_redirect_to_another_origin_is_reported_even_on_the_same_host() {
    let dir = spec_dir("download-redirect-port");
    let target = Server::start(
        "/spec.yaml",
        vec![Answer::Body {
            status: "200 OK",
            headers: vec![("Content-Type", "application/yaml".to_owned())],
            body: std::fs::read(real_spec()).unwrap(),
        }],
    );
    let first = Server::start(
        "/spec.yaml",
        vec![Answer::Body {
            status: "302 Found",
            headers: vec![("Location", target.url.clone())],
            body: Vec::new(),
        }],
    );
    let (output, _) = fetch(&dir, &first.url, &[]);
    let message = stderr(&output);
    assert!(output.status.success(), "{message}");
    let from = first.url.trim_end_matches("/spec.yaml");
    assert!(
        message.contains(&format!(
            "warning: redirected to another origin: {from} → {}",
            target.url
        )),
        "{message}"
    );
}

/// The real spec with one operation added and two fields retyped: a breaking change.
fn changed_spec() -> Vec<u8> {
    let mut spec: serde_yaml::Value =
        serde_yaml::from_slice(&std::fs::read(real_spec()).unwrap()).unwrap();
    let added: serde_yaml::Value = serde_yaml::from_str(
        "get:\n  operationId: listWidgets\n  summary: List widgets\n  tags: [Bundle]\n  responses: {'200': {description: ok}}\n",
    )
    .unwrap();
    spec["paths"]
        .as_mapping_mut()
        .unwrap()
        .insert("/v3/widgets".into(), added);
    spec["components"]["schemas"]["grant"]["properties"]["entitlement_id"] =
        serde_yaml::from_str("{type: integer}").unwrap();
    // The spec's examples of an account grant give it as a UUID string: no longer fitting.
    spec["components"]["schemas"]["grant-response"]["properties"]["entitlement_id"] =
        serde_yaml::from_str("{type: integer}").unwrap();
    spec["info"]["version"] = "2026-12-01".into();
    serde_yaml::to_string(&spec).unwrap().into_bytes()
}

/// The real spec with a reference to a schema that does not exist.
fn broken_spec() -> Vec<u8> {
    let mut spec: serde_yaml::Value =
        serde_yaml::from_slice(&std::fs::read(real_spec()).unwrap()).unwrap();
    spec["components"]["schemas"]["grant"]["properties"]["gone"] =
        serde_yaml::from_str("{$ref: '#/components/schemas/Gone'}").unwrap();
    serde_yaml::to_string(&spec).unwrap().into_bytes()
}

fn update(dir: &Path, out: &Path, report: &Path) -> std::process::Output {
    xtask(&[
        "--spec-dir",
        dir.to_str().unwrap(),
        "update",
        "--out",
        out.to_str().unwrap(),
        "--report",
        report.to_str().unwrap(),
        "--date",
        "2026-12-06",
    ])
}

#[test]
fn update_runs_the_scheduled_loop_end_to_end() {
    let dir = spec_dir("update-loop");
    let out = dir.parent().unwrap().join("client");
    let report = dir.parent().unwrap().join("report.md");
    let old = std::fs::read(real_spec()).unwrap();
    let changed = changed_spec();
    let server = Server::start(
        "/admin_api_spec.yaml",
        vec![
            Answer::Conditional {
                etag: "\"v1\"".into(),
                body: old.clone(),
            },
            Answer::Body {
                status: "200 OK",
                headers: vec![("ETag", "\"v1\"".into())],
                body: old.clone(),
            },
            Answer::Conditional {
                etag: "\"v1\"".into(),
                body: old.clone(),
            },
            Answer::Conditional {
                etag: "\"v2\"".into(),
                body: changed.clone(),
            },
            Answer::Body {
                status: "200 OK",
                headers: vec![("ETag", "\"v3\"".into())],
                body: broken_spec(),
            },
        ],
    );
    // The starting point: the old spec locked from the server (its ETag kept) and generated.
    let (output, _) = fetch(&dir, &server.url, &[]);
    assert!(output.status.success(), "{}", stderr(&output));
    let lock = std::fs::read_to_string(dir.join("zephr-admin-api.lock.json")).unwrap();
    assert!(
        lock.contains(&server.url) && lock.contains(r#""etag": "\"v1\"""#),
        "{lock}"
    );
    let output = xtask(&[
        "--spec-dir",
        dir.to_str().unwrap(),
        "generate",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    // The crate's own lockfile (a crate outside any workspace), as cargo wrote it.
    let cargo_lock = |version: &str| {
        format!(
            "version = 4\n\n[[package]]\nname = \"bytes\"\nversion = \"1.11.0\"\n\n[[package]]\nname = \"generated-client\"\nversion = \"{version}\"\ndependencies = [\n \"bytes\",\n \"generated-client-runtime\",\n]\n\n[[package]]\nname = \"generated-client-runtime\"\nversion = \"{version}\"\n"
        )
    };
    std::fs::write(out.join("Cargo.lock"), cargo_lock("0.1.0")).unwrap();
    let generated = snapshot(dir.parent().unwrap());

    // The same spec again (a server that ignores validators): unchanged, nothing written.
    let output = update(&dir, &out, &report);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(String::from_utf8_lossy(&output.stdout).contains("is the locked spec"));
    // 304 Not Modified to the conditional request: unchanged without a body.
    let output = update(&dir, &out, &report);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(String::from_utf8_lossy(&output.stdout).contains("answered 304 Not Modified"));
    assert!(
        server
            .requests()
            .last()
            .unwrap()
            .to_ascii_lowercase()
            .contains("if-none-match: \"v1\"")
    );
    assert_eq!(
        snapshot(dir.parent().unwrap()),
        generated,
        "an unchanged spec writes nothing"
    );

    // A changed spec: locked, regenerated, and the changelog says what users must change.
    let output = update(&dir, &out, &report);
    assert_eq!(
        output.status.code(),
        Some(11),
        "breaking: {}",
        stderr(&output)
    );
    let changelog = std::fs::read_to_string(out.join("CHANGELOG.md")).unwrap();
    assert!(changelog.starts_with("# Changelog\n"), "{changelog}");
    assert!(
        changelog.contains("## [0.2.0] - 2026-12-06\n\nSpec `2026-12-01`"),
        "{changelog}"
    );
    assert!(
        changelog.contains("### Breaking\n\n- `types::GrantResponse::entitlement_id`: is Option<i64> instead of Option<String>\n- `types::Grant::entitlement_id`"),
        "{changelog}"
    );
    assert!(
        changelog.contains("### Added\n\n- `client.bundle().list_widgets()`"),
        "{changelog}"
    );
    // The pull request's body: the changelog entry, then the spec's examples that the retyped
    // field no longer fits (an account's grants, with `entitlement_id` a UUID string).
    let body = std::fs::read_to_string(&report).unwrap();
    let entry = &changelog[changelog.find("## [0.2.0]").unwrap()..];
    assert!(body.starts_with(entry), "{body}");
    let examples = &body[entry.len()..];
    assert!(
        examples.starts_with("\n### Examples of the spec\n\n- `/paths/")
            && examples.contains("no longer fits its type: ")
            && examples.contains("entitlement_id"),
        "{examples}"
    );
    assert!(
        stderr(&output).contains("no longer fits its type"),
        "{}",
        stderr(&output)
    );
    assert_eq!(
        std::fs::read(dir.join("zephr-admin-api.yaml")).unwrap(),
        changed
    );
    let lock = std::fs::read_to_string(dir.join("zephr-admin-api.lock.json")).unwrap();
    assert!(
        lock.contains(r#""etag": "\"v2\"""#) && lock.contains(r#""crate_version": "0.2.0""#),
        "{lock}"
    );
    assert!(
        std::fs::read_to_string(out.join("src/apis/bundle.rs"))
            .unwrap()
            .contains("pub fn list_widgets(")
    );
    assert_eq!(
        std::fs::read_to_string(out.join("Cargo.lock")).unwrap(),
        cargo_lock("0.2.0"),
        "the version bump reaches Cargo.lock in the same change"
    );
    let check = xtask(&[
        "--spec-dir",
        dir.to_str().unwrap(),
        "generate",
        "--check",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(
        check.status.success(),
        "the updated crate is what generate makes: {}",
        stderr(&check)
    );

    // A broken spec: exit 1, and the spec, the lock, the crate and the changelog are as they were.
    let updated = snapshot(dir.parent().unwrap());
    let output = update(&dir, &out, &report);
    assert_eq!(output.status.code(), Some(1));
    let message = stderr(&output);
    assert!(
        message.contains("dangling $ref `#/components/schemas/Gone`"),
        "{message}"
    );
    assert_eq!(
        snapshot(dir.parent().unwrap()),
        updated,
        "a failed update writes nothing"
    );
}

/// The real spec with one operation added: nothing breaks for users of the crate.
fn extended_spec() -> Vec<u8> {
    let mut spec: serde_yaml::Value =
        serde_yaml::from_slice(&std::fs::read(real_spec()).unwrap()).unwrap();
    let added: serde_yaml::Value = serde_yaml::from_str(
        "get:\n  operationId: listWidgets\n  summary: List widgets\n  tags: [Bundle]\n  responses: {'200': {description: ok}}\n",
    )
    .unwrap();
    spec["paths"]
        .as_mapping_mut()
        .unwrap()
        .insert("/v3/widgets".into(), added);
    spec["info"]["version"] = "2026-12-01".into();
    serde_yaml::to_string(&spec).unwrap().into_bytes()
}

#[test]
fn a_new_spec_that_breaks_nothing_exits_10_with_its_additions() {
    let dir = spec_dir("update-additive");
    let out = dir.parent().unwrap().join("client");
    let report = dir.parent().unwrap().join("report.md");
    let old = std::fs::read(real_spec()).unwrap();
    let server = Server::start(
        "/admin_api_spec.yaml",
        vec![
            Answer::Body {
                status: "200 OK",
                headers: vec![("ETag", "\"v1\"".into())],
                body: old,
            },
            Answer::Body {
                status: "200 OK",
                headers: vec![("ETag", "\"v2\"".into())],
                body: extended_spec(),
            },
        ],
    );
    let (output, _) = fetch(&dir, &server.url, &[]);
    assert!(output.status.success(), "{}", stderr(&output));
    let output = xtask(&[
        "--spec-dir",
        dir.to_str().unwrap(),
        "generate",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let output = update(&dir, &out, &report);
    assert_eq!(
        output.status.code(),
        Some(10),
        "additive: {}",
        stderr(&output)
    );
    let entry = std::fs::read_to_string(&report).unwrap();
    assert!(
        entry.contains("### Added\n\n- `client.bundle().list_widgets()`"),
        "{entry}"
    );
    assert!(!entry.contains("### Breaking"), "{entry}");
}

/// A fresh clone has the lock but not the spec (it is never committed): `generate` downloads the
/// locked spec itself, checks its sha256 against the lock and generates, so a newcomer types one
/// command. A server that now serves another document is refused, with nothing written.
#[test]
fn generate_on_a_fresh_clone_fetches_the_locked_spec_and_only_that() {
    let dir = spec_dir("generate-fetches-locked");
    let out = dir.parent().unwrap().join("generated-client");
    let old = std::fs::read(real_spec()).unwrap();
    let server = Server::start(
        "/admin_api_spec.yaml",
        vec![
            Answer::Body {
                status: "200 OK",
                headers: vec![],
                body: old.clone(),
            },
            Answer::Body {
                status: "200 OK",
                headers: vec![],
                body: old.clone(),
            },
            Answer::Body {
                status: "200 OK",
                headers: vec![],
                body: changed_spec(),
            },
        ],
    );
    let (output, _) = fetch(&dir, &server.url, &[]);
    assert!(output.status.success(), "{}", stderr(&output));
    let spec = dir.join("zephr-admin-api.yaml");
    std::fs::remove_file(&spec).unwrap();

    let generate = || {
        xtask(&[
            "--spec-dir",
            dir.to_str().unwrap(),
            "generate",
            "--out",
            out.to_str().unwrap(),
        ])
    };
    let output = generate();
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("downloading the locked spec"),
        "{}",
        stderr(&output)
    );
    assert_eq!(std::fs::read(&spec).unwrap(), old);
    assert!(out.join("src/lib.rs").exists());

    // The source now serves another document: refused, the spec folder as it was.
    std::fs::remove_file(&spec).unwrap();
    let before = snapshot(dir.parent().unwrap());
    let output = generate();
    let message = stderr(&output);
    assert!(!output.status.success());
    assert!(
        message.contains("now serves another document") && message.contains("nothing was written"),
        "{message}"
    );
    assert_eq!(snapshot(dir.parent().unwrap()), before);
}
