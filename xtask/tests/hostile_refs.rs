//! `$ref`s as a spec from the internet may write them: to files outside the spec's directory, to
//! URLs, to devices, in cycles, or many times over one big object. Each ends in one clear error
//! line naming the referring file and the place of the `$ref` (or the referenced file's line and
//! column), never a read outside the directory, a network request, a hang or unbounded memory.

use std::path::{Path, PathBuf};
use std::process::Output;

mod support;
use support::{scratch, stderr, xtask};

const HEAD: &str = "openapi: 3.0.3\ninfo: {title: Refs, version: '1'}\n";

/// A spec whose one operation answers with the schema `reference`.
fn answering(reference: &str) -> String {
    format!(
        "{HEAD}paths:\n  /a:\n    get:\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {{$ref: '{reference}'}}\n"
    )
}

const AT: &str = "at /paths/~1a/get/responses/200/content/application~1json/schema:";

fn generate(dir: &Path, spec_text: &str) -> (Output, PathBuf) {
    let spec = dir.join("spec").join("api.yaml");
    std::fs::create_dir_all(spec.parent().unwrap()).unwrap();
    std::fs::write(&spec, spec_text).unwrap();
    let out = dir.join("out");
    (
        xtask(&[
            "generate",
            "--spec",
            spec.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ]),
        out,
    )
}

/// One `error:` line with every part of `expected`, nothing written.
fn refused(name: &str, spec_text: &str, prepare: impl FnOnce(&Path), expected: &[&str]) {
    let dir = scratch(name);
    prepare(&dir);
    let (output, out) = generate(&dir, spec_text);
    let message = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{name}: {message}");
    assert!(!message.contains("panicked"), "{name}: {message}");
    assert_eq!(
        message.lines().filter(|l| l.starts_with("error: ")).count(),
        1,
        "{name}: {message}"
    );
    for part in expected {
        assert!(
            message.contains(part),
            "{name}: `{part}` missing from: {message}"
        );
    }
    assert!(!out.exists(), "{name}: nothing may be written");
}

#[test]
fn files_outside_the_spec_directory_are_never_read() {
    let secret = |dir: &Path| std::fs::write(dir.join("secret.yaml"), "type: object\n").unwrap();
    refused(
        "dotdot",
        &answering("../secret.yaml"),
        secret,
        &["api.yaml: ", AT, "leads outside the spec's directory"],
    );
    refused(
        "absolute",
        &answering("/etc/passwd"),
        |_| {},
        &[AT, "it is an absolute path"],
    );
    refused(
        "url",
        &answering("https://evil.test/schema.yaml"),
        |_| {},
        &[AT, "it is a URL, and the generator never fetches anything"],
    );
    refused(
        "file-url",
        &answering("file:///etc/passwd"),
        |_| {},
        &[AT, "it is a URL"],
    );
    // A symbolic link inside the directory that leads out of it is outside too.
    refused(
        "symlink-out",
        &answering("inside.yaml"),
        |dir| {
            secret(dir);
            std::fs::create_dir_all(dir.join("spec")).unwrap();
            std::os::unix::fs::symlink(dir.join("secret.yaml"), dir.join("spec/inside.yaml"))
                .unwrap();
        },
        &[AT, "leads outside the spec's directory"],
    );
}

#[test]
fn a_device_or_fifo_is_not_opened() {
    refused(
        "fifo",
        &answering("pipe.yaml"),
        |dir| {
            std::fs::create_dir_all(dir.join("spec")).unwrap();
            let status = std::process::Command::new("mkfifo")
                .arg(dir.join("spec/pipe.yaml"))
                .status()
                .expect("mkfifo runs");
            assert!(status.success());
        },
        &[AT, "it is not a regular file"],
    );
    refused(
        "directory",
        &answering("."),
        |_| {},
        &[AT, "it is not a regular file"],
    );
}

#[test]
fn missing_and_broken_files_are_named_with_their_place() {
    refused(
        "missing",
        &answering("schemas/Pet.yaml"),
        |_| {},
        &[
            "api.yaml: ",
            AT,
            "$ref `schemas/Pet.yaml` cannot be followed: cannot open `schemas/Pet.yaml`",
        ],
    );
    refused(
        "broken",
        &answering("schemas/Pet.yaml"),
        |dir| {
            std::fs::create_dir_all(dir.join("spec/schemas")).unwrap();
            std::fs::write(
                dir.join("spec/schemas/Pet.yaml"),
                "type: object\nproperties:\n  name: [unclosed\n",
            )
            .unwrap();
        },
        &["schemas/Pet.yaml:4:"],
    );
    refused(
        "dangling-in-other-file",
        &answering("schemas/Pet.yaml"),
        |dir| {
            std::fs::create_dir_all(dir.join("spec/schemas")).unwrap();
            std::fs::write(
                dir.join("spec/schemas/Pet.yaml"),
                "type: object\nproperties:\n  owner: {$ref: 'Owner.yaml#/nowhere'}\n",
            )
            .unwrap();
            std::fs::write(dir.join("spec/schemas/Owner.yaml"), "type: object\n").unwrap();
        },
        &["schemas/Pet.yaml: at /properties/owner: dangling $ref `Owner.yaml#/nowhere`"],
    );
    refused(
        "anchor",
        &answering("#Pet"),
        |_| {},
        &[AT, "only JSON-pointer fragments"],
    );
}

#[test]
fn cycles_of_copies_and_copy_bombs_are_refused() {
    let cycle =
        format!("{HEAD}paths:\n  /a: {{$ref: '#/paths/~1b'}}\n  /b: {{$ref: '#/paths/~1a'}}\n");
    refused(
        "path-item-cycle",
        &cycle,
        |_| {},
        &["at /paths/~1a: $ref `#/paths/~1b` cannot be followed: it leads back to itself"],
    );

    // 600 operations each copying one response of 10,000 values: 6 million values from 100 kB.
    let mut bomb = format!(
        "{HEAD}paths:\n  /big:\n    get:\n      responses:\n        '200':\n          description: big\n          content:\n            application/json:\n              example: ["
    );
    bomb.push_str(&vec!["1"; 10_000].join(","));
    bomb.push_str("]\n");
    for i in 0..600 {
        bomb.push_str(&format!("  /c{i}:\n    get:\n      responses:\n        '200': {{$ref: '#/paths/~1big/get/responses/200'}}\n"));
    }
    refused(
        "copy-bomb",
        &bomb,
        |_| {},
        &["over a limit: resolving `$ref`s would copy more than 4000000 values"],
    );
}

#[test]
fn the_number_of_files_is_bounded() {
    refused(
        "many-files",
        &answering("f0.yaml"),
        |dir| {
            std::fs::create_dir_all(dir.join("spec")).unwrap();
            for i in 0..2_001 {
                let text = format!(
                    "type: object\nproperties:\n  next: {{$ref: 'f{}.yaml'}}\n",
                    i + 1
                );
                std::fs::write(dir.join(format!("spec/f{i}.yaml")), text).unwrap();
            }
        },
        &["over a limit: the spec references more than 2000 files"],
    );
}

#[test]
fn a_spec_read_from_memory_has_no_directory_for_other_files() {
    let error =
        codegen::load::load_bytes(answering("Pet.yaml").as_bytes(), "memory.yaml").unwrap_err();
    assert!(
        error
            .to_string()
            .contains("the spec was not read from a file"),
        "{error}"
    );
}
