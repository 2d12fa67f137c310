//! Overlays through the CLI: applied before generation, checked, locked; a malformed overlay or
//! an action that matches nothing is one clear error naming the place, and nothing is written.

use std::path::Path;

mod support;
use support::{real_spec, scratch, snapshot, stderr, xtask};

const SPEC: &str = "openapi: 3.0.3
info: {title: Pets, version: '1'}
paths:
  /pets:
    get:
      operationId: listPets
      parameters:
        - {name: limit, in: query, required: true, schema: {type: number}}
      responses: {'200': {description: ok}}
";

fn generate(spec: &Path, overlay: &Path, out: &Path) -> std::process::Output {
    xtask(&[
        "generate",
        "--spec",
        spec.to_str().unwrap(),
        "--overlay",
        overlay.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ])
}

#[test]
fn an_overlay_changes_the_spec_before_generation() {
    let dir = scratch("overlay-applied");
    let spec = dir.join("spec.yaml");
    std::fs::write(&spec, SPEC).unwrap();
    let overlay = dir.join("fix.yaml");
    std::fs::write(
        &overlay,
        "overlay: 1.0.0\ninfo: {title: fixes, version: '1'}\nactions:\n\
         - target: \"$.paths['/pets'].get.parameters[?@.name == 'limit']\"\n  update: {required: false, schema: {type: integer}}\n",
    )
    .unwrap();
    let out = dir.join("out");
    let output = generate(&spec, &overlay, &out);
    assert!(output.status.success(), "{}", stderr(&output));
    let api = std::fs::read_to_string(out.join("src/apis/pets.rs")).unwrap();
    assert!(
        api.contains("pub fn list_pets(&self) -> ListPets"),
        "no longer an argument:\n{api}"
    );
    assert!(
        api.contains("pub fn limit(mut self, limit: impl Into<i64>) -> Self"),
        "an integer setter:\n{api}"
    );
    let lib = std::fs::read_to_string(out.join("src/lib.rs")).unwrap();
    let sha = codegen::load::sha256_hex(&std::fs::read(&overlay).unwrap());
    assert!(
        lib.contains("pub const OVERLAY_SHA256") && lib.matches(sha.as_str()).count() == 1,
        "a constant of the crate root names the overlay (and only it: file headers do not)"
    );
}

#[test]
fn a_malformed_overlay_or_a_stale_action_is_refused_and_nothing_is_written() {
    let dir = scratch("overlay-errors");
    let spec = dir.join("spec.yaml");
    std::fs::write(&spec, SPEC).unwrap();
    let cases = [
        (
            "malformed.yaml",
            "overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions:\n- target: '$.paths[['\n  remove: true\n",
            "malformed.yaml: at /actions/0: target `$.paths[[` is not an RFC 9535 JSONPath",
        ),
        ("syntax.yaml", "overlay: 1.0.0\ninfo: [\n", "syntax.yaml:"),
        (
            "stale.yaml",
            "overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions:\n- target: \"$.paths['/cats']\"\n  description: cats are fixed\n  remove: true\n",
            "stale.yaml: at /actions/0: action 0 (cats are fixed): target `$.paths['/cats']` matches nothing in the spec; if the spec now has it right, remove the action",
        ),
    ];
    for (name, text, expected) in cases {
        let overlay = dir.join(name);
        std::fs::write(&overlay, text).unwrap();
        let out = dir.join("out");
        let output = generate(&spec, &overlay, &out);
        let message = stderr(&output);
        assert_eq!(output.status.code(), Some(1), "{message}");
        assert!(message.contains(expected), "{name}: {message}");
        assert_eq!(message.lines().count(), 1, "{message}");
        assert!(!out.exists());
    }
}

#[test]
fn the_lock_pins_the_overlay_too() {
    let dir = scratch("overlay-lock");
    let spec_dir = dir.join("spec");
    std::fs::create_dir_all(&spec_dir).unwrap();
    let real = real_spec();
    let overlay =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec/zephr-admin-api.overlay.yaml");
    std::fs::copy(&overlay, spec_dir.join("zephr-admin-api.overlay.yaml")).unwrap();
    let run = |args: &[&str]| xtask(&[&["--spec-dir", spec_dir.to_str().unwrap()], args].concat());
    assert!(
        run(&["fetch-spec", "--from", real.to_str().unwrap()])
            .status
            .success()
    );
    let lock: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(spec_dir.join("zephr-admin-api.lock.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(
        lock["overlay_sha256"],
        codegen::load::sha256_hex(&std::fs::read(&overlay).unwrap())
    );
    let out = dir.join("out");
    assert!(
        run(&["generate", "--out", out.to_str().unwrap()])
            .status
            .success()
    );

    // An edited overlay is refused until it is locked again.
    let mut edited =
        std::fs::read_to_string(spec_dir.join("zephr-admin-api.overlay.yaml")).unwrap();
    edited.push_str("  - target: $.info\n    update: {x-reviewed: true}\n");
    std::fs::write(spec_dir.join("zephr-admin-api.overlay.yaml"), &edited).unwrap();
    let before = snapshot(&out);
    let output = run(&["generate", "--out", out.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("the overlay is not the locked one"),
        "{}",
        stderr(&output)
    );
    assert_eq!(snapshot(&out), before);
    let output = run(&[
        "fetch-spec",
        "--from",
        spec_dir.join("zephr-admin-api.yaml").to_str().unwrap(),
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let printed = String::from_utf8(output.stdout).unwrap();
    assert!(
        printed.contains("overlay sha256:")
            && printed.contains("the overlay changed since it was locked"),
        "{printed}"
    );
    assert!(
        run(&["generate", "--out", out.to_str().unwrap()])
            .status
            .success()
    );
}

#[test]
fn fetch_spec_reports_what_an_overlay_edit_changes_in_the_api() {
    let dir = scratch("overlay-edit-report");
    let spec_dir = dir.join("spec");
    std::fs::create_dir_all(&spec_dir).unwrap();
    let overlay = spec_dir.join("zephr-admin-api.overlay.yaml");
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec/zephr-admin-api.overlay.yaml"),
        &overlay,
    )
    .unwrap();
    // The reviewed overlay is the one committed: a repository of its own here.
    let git = |args: &[&str]| {
        let output = std::process::Command::new("git")
            .arg("-C")
            .arg(&spec_dir)
            .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
            .args(args)
            .output()
            .unwrap();
        assert!(output.status.success(), "git {args:?}: {}", stderr(&output));
    };
    git(&["init", "-q"]);
    git(&["add", "zephr-admin-api.overlay.yaml"]);
    git(&["commit", "-q", "-m", "overlay"]);
    let run = |args: &[&str]| xtask(&[&["--spec-dir", spec_dir.to_str().unwrap()], args].concat());
    let real = real_spec();
    assert!(
        run(&["fetch-spec", "--from", real.to_str().unwrap()])
            .status
            .success()
    );

    // As if the lock had come from a download: what the server said of the document.
    let lock_path = spec_dir.join("zephr-admin-api.lock.json");
    let mut lock: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&lock_path).unwrap()).unwrap();
    lock["etag"] = "\"v1\"".into();
    lock["last_modified"] = "Mon, 01 Jun 2026 00:00:00 GMT".into();
    std::fs::write(&lock_path, serde_json::to_string_pretty(&lock).unwrap()).unwrap();

    let mut edited = std::fs::read_to_string(&overlay).unwrap();
    edited.push_str("  - target: \"$.paths['/v3/admin/roles'].get\"\n    description: a clearer name\n    update: {operationId: listAdminRoles}\n");
    std::fs::write(&overlay, &edited).unwrap();
    let spec = spec_dir.join("zephr-admin-api.yaml");
    let client = dir.join("client");
    std::fs::create_dir_all(&client).unwrap();
    let output = run(&[
        "fetch-spec",
        "--from",
        spec.to_str().unwrap(),
        "--out",
        client.to_str().unwrap(),
        "--date",
        "2026-12-07",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let printed = String::from_utf8(output.stdout).unwrap();
    assert!(
        printed.contains("list_admin_roles") && printed.contains("list_roles"),
        "the rename is reported in Rust terms:\n{printed}"
    );
    assert!(!printed.contains("is not known"), "{printed}");

    // As `update` does: the version moves and the changelog says why; the server's validators
    // of the (same) document are kept.
    let lock: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&lock_path).unwrap()).unwrap();
    assert_eq!(lock["crate_version"], "0.2.0", "{lock:#}");
    assert_eq!(lock["etag"], "\"v1\"", "{lock:#}");
    assert_eq!(
        lock["last_modified"], "Mon, 01 Jun 2026 00:00:00 GMT",
        "{lock:#}"
    );
    let changelog = std::fs::read_to_string(client.join("CHANGELOG.md")).unwrap();
    assert!(
        changelog.contains("## [0.2.0] - 2026-12-07\n")
            && changelog.contains("`client.admin_user().list_roles()`: renamed to"),
        "{changelog}"
    );
}

#[test]
fn a_target_that_searches_inside_searches_is_refused_before_it_runs() {
    let dir = scratch("overlay-nested-filter");
    let overlay = dir.join("nested.yaml");
    // 159 bytes that kept `generate` busy for minutes: three searches of the whole document,
    // each run once per node of the one around it.
    std::fs::write(
        &overlay,
        "overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions:\n\
         - target: $.info\n  update: {x-fine: true}\n\
         - target: '$..[?$..[?$..[?@.zzz_never]]]'\n  description: looks harmless\n  remove: true\n",
    )
    .unwrap();
    let out = dir.join("out");
    let started = std::time::Instant::now();
    let output = generate(&real_spec(), &overlay, &out);
    let message = stderr(&output);
    eprintln!("nested-filter overlay refused in {:?}", started.elapsed());
    assert_eq!(output.status.code(), Some(1), "{message}");
    assert!(
        message.contains("nested.yaml: at /actions/1: action 1 (looks harmless): target `$..[?$..[?$..[?@.zzz_never]]]` could visit about")
            && message.contains("3 nested filters")
            && message.contains("write a narrower target"),
        "{message}"
    );
    assert!(!out.exists());
}

/// 457 bytes of updates copied into every node: each action multiplies the document about 11
/// times (four reached 6 GiB). Refused before the action that would pass the node limit runs,
/// with the limit named, in bounded memory.
#[test]
fn updates_that_multiply_the_document_are_refused_before_they_run() {
    let dir = scratch("overlay-growth");
    let overlay = dir.join("growth.yaml");
    let mut text = String::from("overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions:\n");
    for _ in 0..4 {
        text.push_str("- target: '$..*'\n  update: {zz: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]}\n");
    }
    std::fs::write(&overlay, &text).unwrap();
    let out = dir.join("out");
    let (output, peak) = support::xtask_with_peak_memory(&[
        "generate",
        "--spec",
        real_spec().to_str().unwrap(),
        "--overlay",
        overlay.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    let message = stderr(&output);
    eprintln!("growing overlay refused, peak {} MiB", peak >> 20);
    assert_eq!(output.status.code(), Some(1), "{message}");
    assert!(
        message.contains("growth.yaml: at /actions/")
            && message.contains("would grow the document to about")
            && message.contains("more than the limit of 4000000"),
        "{message}"
    );
    assert!(peak < 1 << 30, "peak {} MiB", peak >> 20);
    assert!(!out.exists());
}

/// A regular expression is compiled again for every node a filter tests: a long or heavily
/// repeated pattern is refused, and so is one tested on the whole document (`\w{300}` over the
/// spec ran 226 s).
#[test]
fn regular_expressions_in_filters_are_bounded() {
    let dir = scratch("overlay-regex");
    let overlay = dir.join("regex.yaml");
    let cases = [
        // A JSONPath string writes a regex's backslash twice.
        (
            r"$..[?match(@, '\\w{300}')]",
            "compiles to more than 64 KiB",
        ),
        (
            r"$..[?search(@.summary, '\\w+') || search(@.description, 'a') || match(@.name, 'b')]",
            "each regular expression test counted as",
        ),
    ];
    for (target, expected) in cases {
        std::fs::write(
            &overlay,
            // In a YAML double-quoted string, a backslash is written twice.
            format!(
                "overlay: 1.0.0\ninfo: {{title: t, version: '1'}}\nactions:\n- target: \"{}\"\n  remove: true\n",
                target.replace('\\', "\\\\")
            ),
        )
        .unwrap();
        let started = std::time::Instant::now();
        let output = generate(&real_spec(), &overlay, &dir.join("out"));
        let message = stderr(&output);
        assert_eq!(output.status.code(), Some(1), "{message}");
        assert!(message.contains(expected), "{target}: {message}");
        assert!(
            started.elapsed() < std::time::Duration::from_secs(30),
            "{target}: refused, not run"
        );
    }
    // A pattern over a few nodes runs.
    std::fs::write(
        &overlay,
        "overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions:\n- target: \"$.tags[?search(@.name, '^Use')]\"\n  update: {x-seen: true}\n",
    )
    .unwrap();
    let output = generate(&real_spec(), &overlay, &dir.join("out"));
    assert!(output.status.success(), "{}", stderr(&output));
}

#[test]
fn a_large_overlay_of_plain_targets_applies() {
    let dir = scratch("overlay-ten-thousand");
    let overlay = dir.join("large.yaml");
    let mut text = String::from("overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions:\n");
    for i in 0..10_000 {
        text.push_str(&format!(
            "- target: \"$.paths['/v3/users'].get\"\n  description: note {i}\n  update: {{x-note-{i}: {i}}}\n"
        ));
    }
    std::fs::write(&overlay, text).unwrap();
    let out = dir.join("out");
    let started = std::time::Instant::now();
    let output = generate(&real_spec(), &overlay, &out);
    eprintln!("10,000 plain actions: generated in {:?}", started.elapsed());
    assert!(output.status.success(), "{}", stderr(&output));
}
