//! The last check before anything is written: every generated file parses as what it is, and
//! nothing a spec said got out of the place it was put in.
//!
//! Escaping (see [`text`](mod@crate::text)) is the first defence; this is the second, independent
//! one. It would catch a template or emitter that forgot to escape:
//! - every path is unique, relative and plain (no `..`, no hidden or odd names, no names Windows
//!   reserves), so the write stage never writes one file twice or outside the output;
//! - no file holds a control character, a bidirectional override or another invisible character;
//! - every `.rs` file (preamble included) parses with `syn` (the files built from tokens are
//!   parsed on the emit workers, in parallel, right after they are formatted: see [`rust`]);
//! - `Cargo.toml` parses as TOML and has exactly the shape the template gives it: no build script,
//!   no dependency other than the runtime's, no `path`/`git` sources, no `[target]` tables;
//! - Markdown's HTML-comment preamble closes where it should;
//! - the crate stays under [`limits::MAX_OUTPUT_BYTES`].

use std::collections::HashSet;
use std::path::{Component, Path};

use super::GeneratedFile;
use crate::error::Error;
use crate::limits;
use crate::text;

/// Dependencies the generated crate may have (runtime and dev).
const DEPENDENCIES: &[&str] = &[
    "base64",
    "bytes",
    "clap",
    "clap_complete",
    "comfy-table",
    "etcetera",
    "form_urlencoded",
    "futures-core",
    "getrandom",
    "heck",
    "http-body-util",
    "httpdate",
    "hyper",
    "hyper-util",
    "jaq-core",
    "jaq-json",
    "jaq-std",
    "percent-encoding",
    "reqwest",
    "rmcp",
    "rustls",
    "rustls-platform-verifier",
    "serde",
    "serde_json",
    "serde_path_to_error",
    "sha2",
    "strsim",
    "tokio",
    "toml",
    "tracing",
    "yaml_serde",
];

/// Keys the template writes under `[package]`.
const PACKAGE_KEYS: &[&str] = &[
    "name",
    "version",
    "edition",
    "rust-version",
    "description",
    "readme",
    "license",
    "repository",
    "publish",
    "keywords",
    "categories",
];

/// Top-level tables the template writes.
const TABLES: &[&str] = &[
    "package",
    "lib",
    "bin",
    "features",
    "dependencies",
    "dev-dependencies",
    "lints",
    "package.metadata",
];

/// `rust_checked`: the `.rs` files that [`rust`] has already parsed, as they are now.
pub(super) fn files(files: &[GeneratedFile], rust_checked: &HashSet<&Path>) -> Result<(), Error> {
    let mut seen = HashSet::new();
    let mut total = 0usize;
    for file in files {
        let what = file.path.display().to_string();
        check_path(&file.path)?;
        if !seen.insert(file.path.to_string_lossy().to_ascii_lowercase()) {
            // Lower-cased: on macOS and Windows `A.rs` and `a.rs` are one file.
            return Err(render(&what, "two generated files have this path"));
        }
        total += file.contents.len();
        if total > limits::MAX_OUTPUT_BYTES {
            return Err(Error::Input {
                what: "the generated crate".to_owned(),
                message: format!(
                    "it would be more than {} bytes (a limit, see SECURITY.md)",
                    limits::MAX_OUTPUT_BYTES
                ),
            });
        }
        text(&what, &file.contents)?;
        match file.path.extension().and_then(|e| e.to_str()) {
            Some("rs") if !rust_checked.contains(file.path.as_path()) => {
                rust(&what, &file.contents)?
            }
            Some("toml")
                if file.path == Path::new("rustfmt.toml")
                    && file.contents != crate::files::RUSTFMT_TOML =>
            {
                return Err(render(&what, "is not the generator's rustfmt settings"));
            }
            Some("toml") if file.path == Path::new("rustfmt.toml") => {}
            Some("toml") => check_manifest(&what, &file.contents)?,
            Some("md") => check_markdown(&what, &file.contents)?,
            Some("json") => {
                serde_json::from_str::<serde_json::Value>(&file.contents)
                    .map_err(|e| render(&what, &format!("not valid JSON: {e}")))?;
            }
            _ => {}
        }
    }
    Ok(())
}

/// The whole text of a Rust file, preamble and appended tables included, parses with `syn`.
pub(super) fn rust(what: &str, contents: &str) -> Result<(), Error> {
    syn::parse_file(contents)
        .map(drop)
        .map_err(|e| render(what, &format!("not valid Rust: {e}")))
}

fn render(what: &str, message: &str) -> Error {
    Error::Render {
        what: what.to_owned(),
        message: message.to_owned(),
    }
}

/// A relative path of plain names: ASCII letters, digits, `_`, `-` and `.`, not hidden, not a
/// name Windows reserves.
fn check_path(path: &Path) -> Result<(), Error> {
    let what = path.display().to_string();
    let mut components = 0;
    for component in path.components() {
        let Component::Normal(name) = component else {
            return Err(render(&what, "a generated path must be relative and plain"));
        };
        let Some(name) = name.to_str() else {
            return Err(render(&what, "a generated path must be UTF-8"));
        };
        let stem = name.split('.').next().unwrap_or("").to_ascii_lowercase();
        let device = matches!(stem.as_str(), "con" | "prn" | "aux" | "nul")
            || (stem.len() == 4
                && (stem.starts_with("com") || stem.starts_with("lpt"))
                && stem.as_bytes()[3].is_ascii_digit());
        let plain = !name.is_empty()
            && name.len() <= 128
            && name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-' || b == b'.')
            && (!name.starts_with('.') || name == ".codegen-manifest.json");
        if !plain || device {
            return Err(render(
                &what,
                "a generated file or directory name must be plain ASCII and not reserved",
            ));
        }
        components += 1;
    }
    if components == 0 {
        return Err(render(&what, "empty path"));
    }
    Ok(())
}

/// No invisible or control character, no carriage return.
pub(super) fn text(what: &str, contents: &str) -> Result<(), Error> {
    if let Some((index, line)) = contents
        .lines()
        .enumerate()
        .find(|(_, line)| line.chars().any(text::is_hazard))
    {
        let c = line
            .chars()
            .find(|c| text::is_hazard(*c))
            .unwrap_or_default();
        return Err(render(
            &format!("{what}:{}", index + 1),
            &format!(
                "holds the invisible or control character U+{:04X}",
                u32::from(c)
            ),
        ));
    }
    if contents.contains('\r') {
        return Err(render(what, "holds a carriage return"));
    }
    Ok(())
}

fn check_manifest(what: &str, contents: &str) -> Result<(), Error> {
    let table: toml::Table = contents
        .parse()
        .map_err(|e| render(what, &format!("not valid TOML: {e}")))?;
    for (key, value) in &table {
        if !TABLES.contains(&key.as_str()) {
            return Err(render(what, &format!("unexpected top-level key `{key}`")));
        }
        if key == "bin" {
            check_bin(what, value)?;
            continue;
        }
        let Some(inner) = value.as_table() else {
            return Err(render(what, &format!("`{key}` is not a table")));
        };
        match key.as_str() {
            "package" => {
                if let Some(bad) = inner.keys().find(|k| !PACKAGE_KEYS.contains(&k.as_str())) {
                    return Err(render(what, &format!("unexpected key `package.{bad}`")));
                }
            }
            "dependencies" | "dev-dependencies" => {
                for (name, spec) in inner {
                    if name == "runtime" {
                        check_runtime_dependency(what, spec)?;
                        continue;
                    }
                    if !DEPENDENCIES.contains(&name.as_str()) {
                        return Err(render(what, &format!("unexpected dependency `{name}`")));
                    }
                    if spec.as_table().is_some_and(|t| {
                        t.keys()
                            .any(|k| k == "path" || k == "git" || k == "registry")
                    }) {
                        return Err(render(
                            what,
                            &format!("dependency `{name}` has a source other than crates.io"),
                        ));
                    }
                }
            }
            // `src/lib.rs`, with no unit-test harness (generated code has no unit tests).
            "lib"
                if inner.len() != 2
                    || inner.get("path").and_then(|p| p.as_str()) != Some("src/lib.rs")
                    || inner.get("test").and_then(toml::Value::as_bool) != Some(false) =>
            {
                return Err(render(what, "unexpected `[lib]` settings"));
            }
            _ => {}
        }
    }
    Ok(())
}

/// The one binary: the command line, `src/main.rs`, built with the `cli` feature only, with no
/// unit-test harness.
fn check_bin(what: &str, value: &toml::Value) -> Result<(), Error> {
    let bad = || render(what, "unexpected `[[bin]]` settings");
    let [bin] = value.as_array().map(Vec::as_slice).unwrap_or(&[]) else {
        return Err(bad());
    };
    let bin = bin.as_table().ok_or_else(bad)?;
    let name_ok = bin
        .get("name")
        .and_then(|n| n.as_str())
        .is_some_and(|name| {
            !name.is_empty()
                && name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        });
    let path_ok = bin.get("path").and_then(|p| p.as_str()) == Some("src/main.rs");
    let features_ok = bin
        .get("required-features")
        .and_then(|f| f.as_array())
        .is_some_and(|f| f.len() == 1 && f[0].as_str() == Some("cli"));
    let test_ok = bin.get("test").and_then(toml::Value::as_bool) == Some(false);
    if bin.len() == 4 && name_ok && path_ok && features_ok && test_ok {
        Ok(())
    } else {
        Err(bad())
    }
}

/// The one dependency with a path: the runtime, vendored in `runtime/` (a package named
/// `…-runtime`) or this repository's `codegen-runtime` at a plain relative path.
fn check_runtime_dependency(what: &str, spec: &toml::Value) -> Result<(), Error> {
    let bad = || {
        render(
            what,
            "unexpected source or settings of the `runtime` dependency",
        )
    };
    let table = spec.as_table().ok_or_else(bad)?;
    const KEYS: [&str; 5] = ["package", "version", "path", "default-features", "features"];
    if table.keys().any(|k| !KEYS.contains(&k.as_str())) {
        return Err(bad());
    }
    let package = table.get("package").and_then(|p| p.as_str()).unwrap_or("");
    let path = table.get("path").and_then(|p| p.as_str()).unwrap_or("");
    let plain = |path: &str| {
        !path.is_empty()
            && !path.starts_with('/')
            && path
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "/._-".contains(c))
    };
    let vendored = path == "runtime" && package.ends_with("-runtime");
    let shared = package == "codegen-runtime" && plain(path);
    if vendored || shared {
        Ok(())
    } else {
        Err(bad())
    }
}

fn check_markdown(what: &str, contents: &str) -> Result<(), Error> {
    // The preamble is `<!--`, three lines, `-->`: the comment must end there and nowhere before.
    let mut lines = contents.lines();
    let opens = lines.next() == Some("<!--");
    let head: Vec<&str> = lines.by_ref().take(4).collect();
    let closes_at = head.iter().position(|l| *l == "-->");
    let early = head
        .iter()
        .take(closes_at.unwrap_or(0))
        .any(|l| l.contains("-->") || l.contains('>'));
    if !opens || closes_at != Some(3) || early {
        return Err(render(
            what,
            "the preamble comment is not closed exactly where it ends",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    /// Every check, none of them done before.
    fn check(generated: &[GeneratedFile]) -> Result<(), Error> {
        files(generated, &HashSet::new())
    }

    fn file(path: &str, contents: &str) -> GeneratedFile {
        GeneratedFile::new(PathBuf::from(path), contents.to_owned())
    }

    #[test]
    fn refuses_what_escaping_should_have_prevented() {
        let injected = "# a\n[package]\nname = \"x\"\nversion = \"0.1.0\"\n[target.'cfg(all())'.dependencies]\nevil = { path = \"/tmp/evil\" }\n";
        assert!(
            check(&[file("Cargo.toml", injected)])
                .unwrap_err()
                .to_string()
                .contains("unexpected top-level key `target`")
        );
        let build = "[package]\nname = \"x\"\nbuild = \"build.rs\"\n";
        assert!(check(&[file("Cargo.toml", build)]).is_err());
        let dep =
            "[dependencies]\nserde = { version = \"1\", git = \"https://evil.test/serde\" }\n";
        assert!(check(&[file("Cargo.toml", dep)]).is_err());
        assert!(check(&[file("src/a.rs", "// x\u{202e}\nfn f() {}\n")]).is_err());
        assert!(
            check(&[file(
                "src/a.rs",
                "// x\n#![doc = include_str!(\"/etc/passwd\")] //\nfn f( {}\n"
            )])
            .is_err()
        );
        assert!(check(&[file("README.md", "<!--\na --> b\nc\nd\n-->\n")]).is_err());
        assert!(
            check(&[
                file("src/a.rs", "fn a() {}\n"),
                file("src/A.rs", "fn b() {}\n")
            ])
            .is_err()
        );
        for bad in [
            "../x.rs",
            "/etc/x.rs",
            "src/.hidden.rs",
            "src/aux.rs",
            "src/a b.rs",
        ] {
            assert!(check(&[file(bad, "fn a() {}\n")]).is_err(), "{bad}");
        }
    }

    #[test]
    fn accepts_what_the_templates_write() {
        let manifest = "# c\n[package]\nname = \"x\"\nversion = \"0.1.0\"\n[lib]\npath = \"src/lib.rs\"\ntest = false\n[dependencies]\nserde = { version = \"1\" }\n";
        let readme = "<!--\na\nb\nc\n-->\n# x\n";
        check(&[
            file("Cargo.toml", manifest),
            file("README.md", readme),
            file("src/lib.rs", "// c\nfn f() {}\n"),
        ])
        .unwrap();
    }
}
