//! Between emit and write: the generated Rust as `rustfmt` formats it, so that a user's
//! `cargo fmt --all --check` passes on the generated crate and `cargo fmt --all` changes nothing
//! in it (which `generate --check` would then report as stale).
//!
//! The emitters print Rust with `prettyplease` (in process, and it turns `#[doc]` attributes into
//! `///` comments); this stage then runs the `rustfmt` of the user's toolchain over that text,
//! with the settings the generated crate's own `rustfmt.toml` pins (the 2024 style edition, whose
//! output rustfmt keeps stable across versions), so a workspace's settings do not apply to it.
//!
//! `rustfmt` is a separate process (it is not a library), which costs more than the rest of
//! generation for a large crate. Two things keep that off the usual path:
//! - files are formatted together: in one `rustfmt` run over the crate's module tree in a
//!   temporary directory when many changed (one process start, like `cargo fmt`), or one by one
//!   through standard input when few did;
//! - a file whose unformatted text is what it was last time is not formatted again: the output's
//!   manifest records, next to each formatted file's SHA-256, the SHA-256 of the text it was
//!   formatted from ([`Reuse`]), and the file on disk is taken as it is.
//!
//! Every file `rustfmt` wrote is checked again (it parses, no hidden characters), like
//! everything else the generator writes.

use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::error::Error;
use crate::files::{GeneratedFile, RUSTFMT_TOML};
pub use crate::options::Formatting;

/// Files formatted last time, from the output's manifest: path → (SHA-256 of the unformatted
/// text, the formatted text on disk).
#[derive(Debug, Default)]
pub struct Reuse {
    files: BTreeMap<PathBuf, (String, String)>,
}

impl Reuse {
    /// A file formatted last time: its path, the SHA-256 of its text before formatting, and the
    /// formatted text (the write stage reads them from the output: `write::reusable_formatting`).
    pub fn insert(&mut self, path: PathBuf, source_sha256: String, formatted: String) {
        self.files.insert(path, (source_sha256, formatted));
    }
}

/// How many files are formatted one by one through standard input; more are formatted in one
/// run over the module tree (a `rustfmt` process takes ~10 ms to start).
const ONE_BY_ONE: usize = 12;

/// Formats the `.rs` files of `files` as `formatting` says, recording for each the SHA-256 of its
/// text before formatting.
/// `reuse` gives back files whose unformatted text has not changed since they were formatted.
pub fn format(
    files: &mut [GeneratedFile],
    formatting: &Formatting,
    reuse: &Reuse,
) -> Result<(), Error> {
    if !matches!(formatting, Formatting::Rustfmt { .. }) {
        return Ok(());
    }
    let mut pending = Vec::new();
    for (index, file) in files.iter_mut().enumerate() {
        if !is_rust(&file.path) {
            continue;
        }
        let source_sha = crate::load::sha256_hex(file.contents.as_bytes());
        match reuse.files.get(&file.path) {
            Some((sha, text)) if *sha == source_sha => file.contents = text.clone(),
            _ => pending.push(index),
        }
        file.source_sha256 = Some(source_sha);
    }
    if pending.is_empty() {
        return Ok(());
    }
    let rustfmt = Rustfmt::locate()?;
    // A large file (a spec's thousands of types) is formatted and checked in pieces, so that
    // no process (rustfmt, or the check's syntax tree) holds all of it at once.
    let (large, pending): (Vec<usize>, Vec<usize>) = pending
        .into_iter()
        .partition(|&i| files[i].contents.len() > PIECE_BYTES);
    let formatted = if pending.len() <= ONE_BY_ONE {
        rustfmt.each(pending.iter().map(|&i| &files[i]))?
    } else {
        rustfmt.tree(files, &pending, &large)?
    };
    for (&index, text) in pending.iter().zip(formatted) {
        let what = files[index].path.display().to_string();
        crate::emit::verify_rust(&what, &text)?;
        files[index].contents = text;
    }
    for index in large {
        let file = &files[index];
        let what = file.path.display().to_string();
        let pieces: Vec<GeneratedFile> = pieces(&file.contents)
            .into_iter()
            .map(|piece| GeneratedFile::new(file.path.clone(), piece.to_owned()))
            .collect();
        let formatted = rustfmt.each(pieces.iter())?;
        // Checked piece by piece too: a syntax tree of the whole file is most of the memory a
        // large spec's generation takes (its 14.5 MB `types.rs` parsed at once went to 700 MB).
        for piece in &formatted {
            crate::emit::verify_rust(&what, piece)?;
        }
        files[index].contents = formatted.join("\n");
    }
    Ok(())
}

fn is_rust(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "rs")
}

/// Files larger than this are formatted in pieces of about this size (see [`pieces`]).
const PIECE_BYTES: usize = 1 << 20;

/// `text` cut into pieces of about [`PIECE_BYTES`], each a run of whole top-level items: a cut
/// is made only before a line at the start of a line that follows a blank one (the emitters put
/// one blank line between items, and nowhere inside one at that level; their string literals
/// are one line). rustfmt formats an item the same whatever is around it, so the pieces,
/// formatted apart and joined with the blank line between them, are the formatted file.
fn pieces(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut previous_blank = false;
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        let starts_item = previous_blank
            && line
                .chars()
                .next()
                .is_some_and(|c| !c.is_whitespace() && c != '}' && c != ')' && c != ']')
            && !line.starts_with("//!")
            && !line.starts_with("#![");
        if starts_item && at - start >= PIECE_BYTES {
            // The blank line before the cut is the join's.
            out.push(text[start..at].trim_end_matches('\n'));
            start = at;
        }
        previous_blank = line.trim().is_empty();
        at += line.len();
    }
    out.push(&text[start..]);
    out
}

/// The `rustfmt` program.
struct Rustfmt {
    program: PathBuf,
}

impl Rustfmt {
    fn locate() -> Result<Rustfmt, Error> {
        let program =
            std::env::var_os("RUSTFMT").map_or_else(|| PathBuf::from("rustfmt"), PathBuf::from);
        match Command::new(&program)
            .arg("--version")
            .stdin(Stdio::null())
            .output()
        {
            Ok(output) if output.status.success() => Ok(Rustfmt { program }),
            Ok(output) => Err(failed(
                &format!("`{} --version`", program.display()),
                &output.stderr,
            )),
            Err(e) => Err(Error::Input {
                what: "rustfmt".to_owned(),
                message: format!(
                    "`{}` cannot be run ({e}): the generated crate is formatted with rustfmt; install it with `rustup component add rustfmt`, or name it in the RUSTFMT environment variable",
                    program.display()
                ),
            }),
        }
    }

    /// A `rustfmt` command with the generated crate's settings, given as a file so that no
    /// `rustfmt.toml` around the working directory applies.
    fn command(&self, config: &Path) -> Command {
        let mut command = Command::new(&self.program);
        command
            .arg("--edition")
            .arg("2024")
            .arg("--config-path")
            .arg(config);
        command
    }

    /// Each file through standard input, on all cores.
    fn each<'a>(
        &self,
        files: impl Iterator<Item = &'a GeneratedFile>,
    ) -> Result<Vec<String>, Error> {
        let dir = scratch()?;
        let config = dir.path().join("rustfmt.toml");
        std::fs::write(&config, RUSTFMT_TOML).map_err(|source| Error::Io {
            path: config.clone(),
            source,
        })?;
        let files: Vec<&GeneratedFile> = files.collect();
        let workers = std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .min(files.len())
            .max(1);
        let chunk = files.len().div_ceil(workers);
        std::thread::scope(|scope| {
            let handles: Vec<_> = files
                .chunks(chunk)
                .map(|chunk| {
                    scope.spawn(|| {
                        chunk
                            .iter()
                            .map(|file| self.one(&config, file))
                            .collect::<Result<Vec<_>, _>>()
                    })
                })
                .collect();
            let mut out = Vec::with_capacity(files.len());
            for handle in handles {
                out.extend(
                    handle
                        .join()
                        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))?,
                );
            }
            Ok(out)
        })
    }

    fn one(&self, config: &Path, file: &GeneratedFile) -> Result<String, Error> {
        let what = file.path.display().to_string();
        let mut child = self
            .command(config)
            .args(["--emit", "stdout", "--quiet"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| failed(&what, e.to_string().as_bytes()))?;
        // Written from another thread: rustfmt may start writing before it has read everything.
        let mut stdin = child.stdin.take().expect("stdin is piped");
        let text = file.contents.clone();
        let writer = std::thread::spawn(move || stdin.write_all(text.as_bytes()));
        let output = child
            .wait_with_output()
            .map_err(|e| failed(&what, e.to_string().as_bytes()))?;
        let _ = writer.join();
        if !output.status.success() {
            return Err(failed(&what, &output.stderr));
        }
        String::from_utf8(output.stdout).map_err(|_| failed(&what, b"the output is not UTF-8"))
    }

    /// The files at `pending` (indices into `files`) in one run: the crate's Rust files are
    /// written into a temporary directory and its crate roots are formatted, as `cargo fmt`
    /// does (rustfmt follows `mod` declarations, so every module needs to be there).
    fn tree(
        &self,
        files: &[GeneratedFile],
        pending: &[usize],
        apart: &[usize],
    ) -> Result<Vec<String>, Error> {
        let dir = scratch()?;
        let config = dir.path().join("rustfmt.toml");
        let io = |path: &Path| {
            let path = path.to_owned();
            move |source| Error::Io { path, source }
        };
        std::fs::write(&config, RUSTFMT_TOML).map_err(io(&config))?;
        let mut roots = Vec::new();
        for (index, file) in files.iter().enumerate().filter(|(_, f)| is_rust(&f.path)) {
            let path = dir.path().join(&file.path);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent).map_err(io(parent))?;
            }
            // A file formatted apart is there only for its `mod` to resolve.
            let contents = if apart.contains(&index) {
                ""
            } else {
                file.contents.as_str()
            };
            std::fs::write(&path, contents).map_err(io(&path))?;
            // A crate root is a file no other file declares as a module: `src/lib.rs`, each file
            // directly under `tests/` or `examples/`.
            let root = file.path == Path::new("src/lib.rs")
                || file
                    .path
                    .parent()
                    .is_some_and(|p| p == Path::new("tests") || p == Path::new("examples"));
            if root {
                roots.push(path);
            }
        }
        let output = self
            .command(&config)
            .arg("--quiet")
            .args(&roots)
            .stdin(Stdio::null())
            .output()
            .map_err(|e| failed("the generated crate", e.to_string().as_bytes()))?;
        if !output.status.success() {
            return Err(failed("the generated crate", &output.stderr));
        }
        pending
            .iter()
            .map(|&i| {
                let path = dir.path().join(&files[i].path);
                std::fs::read_to_string(&path).map_err(io(&path))
            })
            .collect()
    }
}

/// A temporary directory, removed when dropped.
fn scratch() -> Result<tempfile::TempDir, Error> {
    tempfile::Builder::new()
        .prefix("zephr-codegen-rustfmt-")
        .tempdir()
        .map_err(|source| Error::Io {
            path: std::env::temp_dir(),
            source,
        })
}

fn failed(what: &str, stderr: &[u8]) -> Error {
    let message = String::from_utf8_lossy(stderr);
    let message: String = message.lines().take(20).collect::<Vec<_>>().join("\n");
    Error::Render {
        what: format!("rustfmt on {what}"),
        message: crate::text::visible(&message).into_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, contents: &str) -> GeneratedFile {
        GeneratedFile {
            path: PathBuf::from(path),
            contents: contents.to_owned(),
            source_sha256: None,
        }
    }

    /// A small crate: a root that declares a module, the module, and a test root.
    fn crate_files() -> Vec<GeneratedFile> {
        vec![
            file("src/lib.rs", "mod m;\npub fn   f( a:u32 )->u32{a+1}\n"),
            file("src/m.rs", "pub struct S{pub a:u32,pub b:Vec<u32>}\n"),
            file("tests/t.rs", "#[test] fn t(){assert_eq!(1,1)}\n"),
            file("Cargo.toml", "[package]\nname='x'\n"),
        ]
    }

    #[test]
    fn one_by_one_and_as_a_tree_give_the_same_text_and_leave_other_files_alone() {
        let rustfmt = Rustfmt::locate().expect("rustfmt is installed where the tests run");
        let files = crate_files();
        let each = rustfmt.each(files.iter().take(3)).unwrap();
        let tree = rustfmt.tree(&files, &[0, 1, 2], &[]).unwrap();
        assert_eq!(each, tree);
        assert_eq!(each[0], "mod m;\npub fn f(a: u32) -> u32 {\n    a + 1\n}\n");
        let mut formatted = files.clone();
        format(
            &mut formatted,
            &Formatting::Rustfmt { reuse: None },
            &Reuse::default(),
        )
        .unwrap();
        assert_eq!(formatted[3], files[3], "only Rust files are formatted");
        assert!(formatted[..3].iter().all(|f| f.source_sha256.is_some()));
    }

    #[test]
    fn a_file_rustfmt_refuses_is_an_error_not_a_panic() {
        let mut files = vec![file("src/lib.rs", "fn f( {")];
        let error = format(
            &mut files,
            &Formatting::Rustfmt { reuse: None },
            &Reuse::default(),
        )
        .unwrap_err();
        assert!(
            error.to_string().contains("rustfmt on src/lib.rs"),
            "{error}"
        );
    }

    /// A large file formatted in pieces is the file formatted whole.
    #[test]
    fn a_large_file_in_pieces_is_formatted_as_a_whole() {
        let rustfmt = Rustfmt::locate().unwrap();
        let mut text = String::from("//! Items.\n\nuse std::fmt;\n\n");
        let mut i = 0;
        while text.len() < 3 * PIECE_BYTES {
            text.push_str(&format!(
                "/// The {i}th.\n#[derive(Debug)]\npub struct S{i} {{ pub a: u32, pub b: Vec<Option<String>> }}\n\nimpl S{i} {{ pub fn f(&self)->u32 {{ self.a+{i} }} }}\n\n"
            ));
            i += 1;
        }
        text.push_str("pub fn last() -> fmt::Result { Ok(()) }\n");
        let pieces = pieces(&text);
        assert!(pieces.len() >= 3, "{} pieces", pieces.len());
        assert_eq!(
            pieces.join("\n\n"),
            text.trim_end_matches('\n').to_owned() + "\n"
        );
        let whole = rustfmt
            .each([file("src/types.rs", &text)].iter())
            .unwrap()
            .remove(0);
        let mut files = vec![
            file("src/lib.rs", "mod types;\n"),
            file("src/types.rs", &text),
        ];
        format(
            &mut files,
            &Formatting::Rustfmt { reuse: None },
            &Reuse::default(),
        )
        .unwrap();
        assert_eq!(files[1].contents, whole);
    }
}
