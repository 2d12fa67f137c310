//! `cargo xtask` as users run it: bad specs give one clear line naming the place and write
//! nothing; the lock catches a spec that changed; fetch-spec copies, checks and locks.

use std::path::{Path, PathBuf};

mod support;
use support::{fails_cleanly, real_spec, scratch, snapshot, stderr, xtask};

const HEAD: &str = "openapi: 3.0.3\ninfo: {title: Bad, version: '1'}\n";

#[test]
fn yaml_syntax_errors_name_line_and_column() {
    fails_cleanly(
        "syntax",
        "openapi: 3.0.3\ninfo:\n  title: [unclosed\n  version: '1'\n",
        &["bad.yaml:", "YAML syntax error"],
    );
    let dir = scratch("syntax-position");
    let spec = dir.join("bad.yaml");
    std::fs::write(&spec, "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get: {responses: {'200': {description: ok}}\n").unwrap();
    let message = stderr(&xtask(&[
        "generate",
        "--spec",
        spec.to_str().unwrap(),
        "--out",
        dir.join("out").to_str().unwrap(),
    ]));
    let location = message.split(": YAML syntax error").next().unwrap();
    let (line, column) = location
        .rsplit_once(':')
        .map(|(rest, col)| (rest.rsplit(':').next().unwrap(), col))
        .unwrap();
    assert!(
        line.parse::<usize>().unwrap() >= 5 && column.parse::<usize>().is_ok(),
        "{message}"
    );
}

#[test]
fn a_dangling_ref_names_the_pointer_of_the_reference() {
    fails_cleanly(
        "dangling",
        &format!(
            "{HEAD}paths: {{}}\ncomponents:\n  schemas:\n    A:\n      type: object\n      properties:\n        b: {{$ref: '#/components/schemas/Missing'}}\n"
        ),
        &[
            "at /components/schemas/A/properties/b",
            "dangling $ref `#/components/schemas/Missing`",
        ],
    );
}

#[test]
fn a_ref_cycle_that_no_value_can_fill_is_refused() {
    fails_cleanly(
        "cycle",
        &format!(
            "{HEAD}paths: {{}}\ncomponents:\n  schemas:\n    A: {{$ref: '#/components/schemas/B'}}\n    B: {{$ref: '#/components/schemas/A'}}\n"
        ),
        &[
            "$ref cycle",
            "/components/schemas/A",
            "/components/schemas/B",
        ],
    );
    fails_cleanly(
        "all-of-cycle",
        &format!(
            "{HEAD}paths: {{}}\ncomponents:\n  schemas:\n    A: {{allOf: [{{$ref: '#/components/schemas/B'}}, {{properties: {{x: {{type: string}}}}}}]}}\n    B: {{allOf: [{{$ref: '#/components/schemas/A'}}, {{properties: {{y: {{type: string}}}}}}]}}\n"
        ),
        &["$ref cycle", "allOf includes itself"],
    );
}

#[test]
fn operation_names_that_collide_after_renaming_are_refused() {
    fails_cleanly(
        "duplicate-names",
        &format!(
            "{HEAD}paths:\n  /a:\n    get: {{operationId: getUser, responses: {{'200': {{description: ok}}}}}}\n  /b:\n    get: {{operationId: get_user, responses: {{'200': {{description: ok}}}}}}\n"
        ),
        &[
            "at /paths/~1b/get/operationId",
            "duplicate operation name `get_user`",
            "GET /a (operationId `getUser`)",
        ],
    );
}

#[test]
fn missing_files_unknown_versions_and_bad_structure_name_their_place() {
    fails_cleanly(
        "external-ref",
        &format!(
            "{HEAD}paths: {{}}\ncomponents:\n  schemas:\n    A: {{$ref: 'other.yaml#/components/schemas/A'}}\n"
        ),
        &[
            "at /components/schemas/A",
            "$ref `other.yaml#/components/schemas/A` cannot be followed: cannot open `other.yaml`",
        ],
    );
    fails_cleanly(
        "openapi-32",
        "openapi: 3.2.0\ninfo: {title: t, version: '1'}\npaths: {}\n",
        &["at /openapi", "3.2.0", "reads OpenAPI 3.0.x and 3.1.x"],
    );
    fails_cleanly(
        "structure",
        &format!("{HEAD}paths:\n  /a:\n    get:\n      responses: 5\n"),
        &["at /paths/~1a/get/responses"],
    );
    fails_cleanly("empty", "", &["the document is empty"]);
}

#[test]
fn a_missing_spec_says_how_to_get_it() {
    let dir = scratch("missing");
    let output = xtask(&[
        "--spec-dir",
        dir.to_str().unwrap(),
        "generate",
        "--out",
        dir.join("out").to_str().unwrap(),
    ]);
    assert!(!output.status.success());
    let message = stderr(&output);
    assert!(
        message.contains("zephr-admin-api.yaml is missing")
            && message.contains("cargo xtask fetch-spec"),
        "{message}"
    );
    assert_eq!(message.lines().count(), 1, "{message}");
    let output = xtask(&[
        "generate",
        "--spec",
        dir.join("nope.yaml").to_str().unwrap(),
        "--out",
        dir.join("out").to_str().unwrap(),
    ]);
    assert!(
        stderr(&output).contains("nope.yaml does not exist"),
        "{}",
        stderr(&output)
    );
    assert!(!dir.join("out").exists());
}

#[test]
fn fetch_spec_from_a_local_path_locks_it_and_generate_checks_the_lock() {
    let dir = scratch("fetch");
    // Not created beforehand: fetch-spec makes it.
    let spec_dir = dir.join("spec");
    let real = real_spec();
    let output = xtask(&[
        "--spec-dir",
        spec_dir.to_str().unwrap(),
        "fetch-spec",
        "--from",
        real.to_str().unwrap(),
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let copied = std::fs::read(spec_dir.join("zephr-admin-api.yaml")).unwrap();
    assert_eq!(copied, std::fs::read(&real).unwrap());
    let lock: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(spec_dir.join("zephr-admin-api.lock.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(lock["version"], "2026-06-12");
    assert_eq!(
        lock["sha256"],
        "a7c1dfd485cccf063490746bb7cb998517c7ff50f05440487a36ed43d9844357"
    );
    assert_eq!(
        lock["source"],
        "https://developer.zuora.com/yaml/admin_api_spec.yaml"
    );
    assert_eq!(lock["counts"]["operations"], 165);
    assert_eq!(lock["counts"]["component_schemas"], 119);

    let out = dir.join("out");
    let output = xtask(&[
        "--spec-dir",
        spec_dir.to_str().unwrap(),
        "generate",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(out.join("src/lib.rs").exists());

    // A spec edited after locking is refused, and nothing is written.
    let mut edited = copied.clone();
    edited.extend_from_slice(b"\n# edited by hand\n");
    std::fs::write(spec_dir.join("zephr-admin-api.yaml"), &edited).unwrap();
    let before = snapshot(&out);
    let output = xtask(&[
        "--spec-dir",
        spec_dir.to_str().unwrap(),
        "generate",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(!output.status.success());
    let message = stderr(&output);
    assert!(message.contains("is not the locked spec"), "{message}");
    assert!(
        message.contains("a7c1dfd485cccf063490746bb7cb998517c7ff50f05440487a36ed43d9844357"),
        "{message}"
    );
    assert!(
        message.contains("cargo xtask fetch-spec --from"),
        "{message}"
    );
    assert_eq!(snapshot(&out), before);
}

#[test]
fn fetch_spec_refuses_a_bad_spec_and_an_unreachable_url_without_writing() {
    let dir = scratch("fetch-bad");
    let bad = dir.join("bad.yaml");
    std::fs::write(&bad, format!("{HEAD}paths: {{}}\ncomponents: {{schemas: {{A: {{$ref: '#/components/schemas/Nope'}}}}}}\n")).unwrap();
    let output = xtask(&[
        "--spec-dir",
        dir.to_str().unwrap(),
        "fetch-spec",
        "--from",
        bad.to_str().unwrap(),
    ]);
    assert!(!output.status.success());
    assert!(
        stderr(&output).contains("dangling $ref"),
        "{}",
        stderr(&output)
    );
    assert!(
        !dir.join("zephr-admin-api.yaml").exists()
            && !dir.join("zephr-admin-api.lock.json").exists()
    );

    // Nothing listens on the discard port of loopback.
    let output = xtask(&[
        "--spec-dir",
        dir.to_str().unwrap(),
        "fetch-spec",
        "--from",
        "http://127.0.0.1:9/spec.yaml",
    ]);
    assert!(!output.status.success());
    let message = stderr(&output);
    assert!(
        message.contains("cannot download http://127.0.0.1:9/spec.yaml")
            && message.contains("--from PATH"),
        "{message}"
    );
    assert!(!dir.join("zephr-admin-api.lock.json").exists());
}

/// The real spec with the given edits, written to `dir/name`.
fn edited_spec(dir: &Path, name: &str, edits: &[&dyn Fn(&mut serde_yaml::Value)]) -> PathBuf {
    let mut spec: serde_yaml::Value =
        serde_yaml::from_str(&std::fs::read_to_string(real_spec()).unwrap()).unwrap();
    for edit in edits {
        edit(&mut spec);
    }
    let path = dir.join(name);
    std::fs::write(&path, serde_yaml::to_string(&spec).unwrap()).unwrap();
    path
}

fn remove_operation(spec: &mut serde_yaml::Value) {
    spec["paths"]["/v3/admin/roles"]
        .as_mapping_mut()
        .unwrap()
        .remove("get")
        .expect("GET /v3/admin/roles");
}

fn require_parameter(spec: &mut serde_yaml::Value) {
    let parameters =
        &mut spec["paths"]["/zephr/integration/users/v1/users"]["delete"]["parameters"];
    let system = parameters
        .as_sequence_mut()
        .unwrap()
        .iter_mut()
        .find(|p| p["name"] == "foreign[system]")
        .unwrap();
    system["required"] = serde_yaml::Value::Bool(true);
}

fn retype_field(spec: &mut serde_yaml::Value) {
    spec["components"]["schemas"]["grant"]["properties"]["entitlement_id"]["type"] =
        "integer".into();
}

fn add_operation(spec: &mut serde_yaml::Value) {
    let operation: serde_yaml::Value = serde_yaml::from_str(
        "get: {operationId: listWidgets, tags: [Bundle], summary: List widgets, responses: {'200': {description: The widgets.}}}",
    )
    .unwrap();
    spec["paths"]
        .as_mapping_mut()
        .unwrap()
        .insert("/v3/widgets".into(), operation);
}

#[test]
fn diff_reports_each_change_in_rust_terms_and_flags_breaking_ones() {
    let dir = scratch("diff");
    let new = edited_spec(
        &dir,
        "new.yaml",
        &[
            &remove_operation,
            &require_parameter,
            &retype_field,
            &add_operation,
        ],
    );
    let old = real_spec();

    let output = xtask(&["diff", old.to_str().unwrap(), new.to_str().unwrap()]);
    assert_eq!(
        output.status.code(),
        Some(2),
        "breaking changes exit with 2: {}",
        stderr(&output)
    );
    let text = String::from_utf8(output.stdout).unwrap();
    let expected_lines = [
        "BREAKING  client.admin_user().list_roles(): removed (GET /v3/admin/roles)",
        "BREAKING  client.users().delete_user_by_primary_or_foreign_key(): query `foreign[system]` is now required (an argument instead of setter `.foreign_system()`)",
        "BREAKING  types::Grant::entitlement_id: is i64 instead of String",
        "          client.bundle().list_widgets(): added (GET /v3/widgets)",
    ];
    for line in expected_lines {
        assert!(
            text.lines().any(|l| l == line),
            "missing `{line}` in:\n{text}"
        );
    }
    assert!(
        text.starts_with("API changes from 2026-06-12 to 2026-06-12: 3 breaking, 1 compatible\n"),
        "{text}"
    );

    let output = xtask(&[
        "diff",
        old.to_str().unwrap(),
        new.to_str().unwrap(),
        "--json",
    ]);
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["breaking"], true);
    assert_eq!(report["bump"], "major");
    let mut changes: Vec<(String, bool)> = report["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["kind"].as_str().unwrap().to_owned(),
                c["breaking"].as_bool().unwrap(),
            )
        })
        .collect();
    assert!(
        changes.is_sorted_by_key(|(_, breaking)| !breaking),
        "breaking changes come first: {changes:?}"
    );
    changes.sort();
    let expected: Vec<(String, bool)> = [
        ("field-changed", true),
        ("operation-added", false),
        ("operation-removed", true),
        ("parameter-changed", true),
    ]
    .into_iter()
    .map(|(k, b)| (k.to_owned(), b))
    .collect();
    assert_eq!(changes, expected);

    // Additions only: not breaking, exit 0.
    let additive = edited_spec(&dir, "additive.yaml", &[&add_operation]);
    let output = xtask(&["diff", old.to_str().unwrap(), additive.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0));
    let same = xtask(&[
        "diff",
        old.to_str().unwrap(),
        old.to_str().unwrap(),
        "--json",
    ]);
    let report: serde_json::Value = serde_json::from_slice(&same.stdout).unwrap();
    assert_eq!(report["changes"], serde_json::json!([]));
    assert_eq!(report["bump"], "patch");
}

/// `grant` renamed to `user-grant`, every reference with it.
fn rename_schema(spec: &mut serde_yaml::Value) {
    fn retarget(value: &mut serde_yaml::Value) {
        match value {
            serde_yaml::Value::String(text) if text == "#/components/schemas/grant" => {
                *text = "#/components/schemas/user-grant".to_owned();
            }
            serde_yaml::Value::Mapping(map) => map.values_mut().for_each(retarget),
            serde_yaml::Value::Sequence(items) => items.iter_mut().for_each(retarget),
            _ => {}
        }
    }
    let schemas = spec["components"]["schemas"].as_mapping_mut().unwrap();
    let grant = schemas.remove("grant").expect("the grant schema");
    schemas.insert("user-grant".into(), grant);
    retarget(spec);
}

#[test]
fn a_type_removed_and_one_added_at_the_same_place_is_reported_as_probably_renamed() {
    let dir = scratch("diff-rename");
    let new = edited_spec(&dir, "renamed.yaml", &[&rename_schema]);
    let output = xtask(&["diff", real_spec().to_str().unwrap(), new.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(
        text.lines().any(|l| l.starts_with(
            "BREAKING  types::UserGrant: probably renamed from `types::Grant`: that struct was removed and this one added as what `client."
        )),
        "{text}"
    );
    assert!(
        !text.contains(" removed\n") && !text.contains(" added\n"),
        "one rename, not a removal and an unrelated addition:\n{text}"
    );
    assert_eq!(
        text.lines().filter(|l| l.starts_with("BREAKING")).count(),
        3,
        "the rename is said once, not again by each result and field that names it:\n{text}"
    );
    let output = xtask(&[
        "diff",
        real_spec().to_str().unwrap(),
        new.to_str().unwrap(),
        "--json",
    ]);
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let renamed: Vec<&serde_json::Value> = report["changes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["kind"] == "type-renamed")
        .collect();
    // The struct, and the two enums inline in it (named after it, so renamed with it).
    assert_eq!(renamed.len(), 3, "{report:#}");
    assert_eq!(
        renamed[0]["migration"],
        "`types::Grant` → `types::UserGrant`"
    );
    assert!(
        renamed
            .iter()
            .any(|c| c["migration"] == "`types::GrantExpiryState` → `types::UserGrantExpiryState`"),
        "{report:#}"
    );

    // A different type at the same place (no property in common) is a removal and an
    // addition, not a rename.
    let replace = |spec: &mut serde_yaml::Value| {
        rename_schema(spec);
        spec["components"]["schemas"]["user-grant"] =
            serde_yaml::from_str("{type: object, properties: {colour: {type: string}}}").unwrap();
    };
    let replaced = edited_spec(&dir, "replaced.yaml", &[&replace]);
    let output = xtask(&[
        "diff",
        real_spec().to_str().unwrap(),
        replaced.to_str().unwrap(),
    ]);
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(
        text.contains("BREAKING  types::Grant: struct removed\n")
            && text.contains("types::UserGrant: struct added\n")
            && !text.contains("probably renamed from `types::Grant`"),
        "{text}"
    );
}

#[test]
fn fetch_spec_bumps_the_crate_version_as_the_change_report_requires() {
    let dir = scratch("bump");
    let spec_dir = dir.join("spec");
    std::fs::create_dir_all(&spec_dir).unwrap();
    let fetch = |from: &Path| {
        let output = xtask(&[
            "--spec-dir",
            spec_dir.to_str().unwrap(),
            "fetch-spec",
            "--from",
            from.to_str().unwrap(),
        ]);
        assert!(output.status.success(), "{}", stderr(&output));
        let lock: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(spec_dir.join("zephr-admin-api.lock.json")).unwrap(),
        )
        .unwrap();
        (
            lock["crate_version"].as_str().unwrap().to_owned(),
            String::from_utf8(output.stdout).unwrap(),
        )
    };
    assert_eq!(fetch(&real_spec()).0, "0.1.0");
    let additive = edited_spec(&dir, "additive.yaml", &[&add_operation]);
    let (version, printed) = fetch(&additive);
    assert_eq!(
        version, "0.1.1",
        "additions bump the patch number of a 0.x crate"
    );
    assert!(
        printed.contains("client.bundle().list_widgets(): added"),
        "{printed}"
    );
    assert!(
        printed.contains("crate version: 0.1.0 → 0.1.1"),
        "{printed}"
    );
    let breaking = edited_spec(&dir, "breaking.yaml", &[&add_operation, &retype_field]);
    let (version, printed) = fetch(&breaking);
    assert_eq!(
        version, "0.2.0",
        "a breaking change bumps the minor number of a 0.x crate"
    );
    assert!(
        printed.contains("BREAKING  types::Grant::entitlement_id"),
        "{printed}"
    );
    assert_eq!(
        fetch(&breaking).0,
        "0.2.0",
        "the same spec again changes nothing"
    );

    // The generated crate carries the new version.
    let out = dir.join("out");
    assert!(
        xtask(&[
            "--spec-dir",
            spec_dir.to_str().unwrap(),
            "generate",
            "--out",
            out.to_str().unwrap()
        ])
        .status
        .success()
    );
    let manifest = std::fs::read_to_string(out.join("Cargo.toml")).unwrap();
    assert!(manifest.contains("version = \"0.2.0\""), "{manifest}");
}

#[test]
fn fetch_spec_bundles_a_multi_file_spec_and_locks_every_file() {
    let dir = scratch("fetch-multi-file");
    let spec_dir = dir.join("spec");
    let root =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../codegen/tests/fixtures/multi_file.yaml");
    let output = xtask(&[
        "--spec-dir",
        spec_dir.to_str().unwrap(),
        "fetch-spec",
        "--from",
        root.to_str().unwrap(),
    ]);
    assert!(output.status.success(), "{}", stderr(&output));

    let lock: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(spec_dir.join("zephr-admin-api.lock.json")).unwrap(),
    )
    .unwrap();
    let files: Vec<(&str, &str)> = lock["files"]
        .as_array()
        .expect("the files are listed")
        .iter()
        .map(|f| (f["path"].as_str().unwrap(), f["sha256"].as_str().unwrap()))
        .collect();
    let paths: Vec<&str> = files.iter().map(|(p, _)| *p).collect();
    assert_eq!(
        paths,
        [
            "multi_file.yaml",
            "multi_file/schemas/Pet.yaml",
            "multi_file/paths/pets.yaml",
            "multi_file/common.yaml",
            "multi_file/schemas/Owner Info.yaml",
            "multi_file/schemas/Checkup.yaml",
        ]
    );
    let pet = std::fs::read(root.parent().unwrap().join("multi_file/schemas/Pet.yaml")).unwrap();
    assert_eq!(files[1].1, codegen::load::sha256_hex(&pet));

    // One self-contained file, which generates the same crate as the files did.
    let bundled = std::fs::read(spec_dir.join("zephr-admin-api.yaml")).unwrap();
    assert_eq!(lock["sha256"], codegen::load::sha256_hex(&bundled));
    let text = String::from_utf8(bundled).unwrap();
    assert!(
        !text.contains(".yaml'") && !text.contains(".yaml\n"),
        "no $ref to another file is left:\n{text}"
    );
    let from_bundle = codegen::load::load_bytes(text.as_bytes(), "bundle.yaml").unwrap();
    let from_files = codegen::load::load_file(&root).unwrap();
    let options = codegen::Options::default();
    // (The first lines differ: they name the spec's sha256.)
    let types = |spec: &codegen::load::LoadedSpec| {
        let file = codegen::generate(spec.clone(), &options)
            .unwrap()
            .files
            .into_iter()
            .find(|f| f.path.ends_with("types.rs"))
            .unwrap();
        file.contents.lines().skip(3).collect::<Vec<_>>().join("\n")
    };
    assert_eq!(types(&from_bundle), types(&from_files));
}

/// A log whose drift lines cannot all be read is not "0 drift": `xtask drift` proposes what it
/// read, says how many lines it could not, and fails.
#[test]
fn drift_fails_when_lines_naming_the_event_cannot_be_read() {
    let dir = scratch("drift-unreadable");
    let good = "2026-12-07T10:00:00Z  WARN x: response departs from the spec operation=\"getUser\" status=200 kind=\"undeclared-property\" pointer=\"/tier\" count=1 unlogged=0\n";
    let log = dir.join("service.log");
    std::fs::write(
        &log,
        format!("{good}2026-12-07T10:00:01Z  WARN x: response departs from the spec [truncated]\n"),
    )
    .unwrap();
    let out = dir.join("proposed.yaml");
    let output = xtask(&[
        "drift",
        "--log",
        log.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    let message = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{message}");
    assert!(
        message.contains("1 line names the drift event but could not be read (line 2)"),
        "{message}"
    );
    assert!(
        std::fs::read_to_string(&out).unwrap().contains("/tier"),
        "what was read is still proposed"
    );
    // The same log without the broken line: success.
    std::fs::write(&log, good).unwrap();
    let output = xtask(&[
        "drift",
        "--log",
        log.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
}
