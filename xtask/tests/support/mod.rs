//! What the CLI tests share: running `cargo xtask`, scratch directories, snapshots of trees.
#![allow(dead_code)] // each test target uses some of these

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
pub mod http;

pub fn xtask(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .output()
        .expect("xtask runs")
}

/// A fresh, empty directory for one test.
pub fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("cli")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The real spec, fetched into `spec/` (`cargo xtask fetch-spec`; CI copies it there).
pub fn real_spec() -> PathBuf {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .join("spec/zephr-admin-api.yaml");
    assert!(
        path.exists(),
        "{} is missing: run `cargo xtask fetch-spec` first",
        path.display()
    );
    path
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Every file under `dir` with its contents, sorted (a symbolic link as its target, not followed).
pub fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut pending = vec![dir.to_owned()];
    while let Some(d) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for entry in entries {
            let entry = entry.unwrap();
            let path = entry.path();
            let kind = entry.file_type().unwrap();
            if kind.is_symlink() {
                out.push((
                    path.clone(),
                    std::fs::read_link(&path)
                        .unwrap()
                        .to_string_lossy()
                        .as_bytes()
                        .to_vec(),
                ));
            } else if kind.is_dir() {
                out.push((path.clone(), b"<dir>".to_vec()));
                pending.push(path);
            } else {
                out.push((path.clone(), std::fs::read(&path).unwrap()));
            }
        }
    }
    out.sort();
    out
}

/// Generating from `spec_text` fails with one `error:` line containing every one of `expected`,
/// without a panic, and leaves an existing output crate exactly as it was.
pub fn fails_cleanly(name: &str, spec_text: &str, expected: &[&str]) {
    let dir = scratch(name);
    let spec = dir.join("bad.yaml");
    std::fs::write(&spec, spec_text).unwrap();
    let fresh = dir.join("fresh-out");
    let output = xtask(&[
        "generate",
        "--spec",
        spec.to_str().unwrap(),
        "--out",
        fresh.to_str().unwrap(),
    ]);
    let message = stderr(&output);
    assert!(!output.status.success(), "{name}: generation should fail");
    assert!(!message.contains("panicked"), "{name}: {message}");
    assert_eq!(
        message.lines().count(),
        1,
        "{name}: one line expected:\n{message}"
    );
    assert!(message.starts_with("error: "), "{name}: {message}");
    for part in expected {
        assert!(
            message.contains(part),
            "{name}: `{part}` missing from: {message}"
        );
    }
    assert!(!fresh.exists(), "{name}: nothing may be written");

    // Over an existing crate: left exactly as it was.
    let existing = dir.join("existing-out");
    let good = dir.join("good.yaml");
    std::fs::write(&good, "openapi: 3.0.3\ninfo: {title: Good, version: '1'}\npaths: {}\ncomponents: {schemas: {A: {type: object, properties: {a: {type: string}}}}}\n").unwrap();
    assert!(
        xtask(&[
            "generate",
            "--spec",
            good.to_str().unwrap(),
            "--out",
            existing.to_str().unwrap()
        ])
        .status
        .success()
    );
    let before = snapshot(&existing);
    let output = xtask(&[
        "generate",
        "--spec",
        spec.to_str().unwrap(),
        "--out",
        existing.to_str().unwrap(),
    ]);
    assert!(!output.status.success());
    assert_eq!(
        snapshot(&existing),
        before,
        "{name}: a failed run changed the existing crate"
    );
}

/// Runs `cargo xtask` like [`xtask`], and also returns the child's peak resident memory in bytes
/// (from `wait4`, which reports the child's own high-water mark).
pub fn xtask_with_peak_memory(args: &[&str]) -> (Output, u64) {
    use std::io::Read;
    use std::os::unix::process::ExitStatusExt;
    // Reaped by `wait4` below, which also gives its peak memory (std's `wait` would not).
    #[allow(clippy::zombie_processes)]
    let mut child = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("xtask runs");
    let mut stdout = child.stdout.take().unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let out = std::thread::spawn(move || {
        let mut bytes = Vec::new();
        stdout.read_to_end(&mut bytes).unwrap();
        bytes
    });
    let err = std::thread::spawn(move || {
        let mut bytes = Vec::new();
        stderr.read_to_end(&mut bytes).unwrap();
        bytes
    });
    let mut status = 0;
    // SAFETY: `usage` is a plain C struct that wait4 fills; the pid is our own child, not yet
    // waited for (std's `Child` is dropped without waiting).
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let pid = child.id() as libc::pid_t;
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    assert_eq!(waited, pid, "wait4 failed");
    let output = Output {
        status: std::process::ExitStatus::from_raw(status),
        stdout: out.join().unwrap(),
        stderr: err.join().unwrap(),
    };
    // Linux reports ru_maxrss in KiB.
    (output, usage.ru_maxrss as u64 * 1024)
}
