//! The front ends of the Zephr crate as its users meet them: the `zephr` command line and its
//! MCP server, run as processes (`zephr-under-test`, this package's build of the crate's binary)
//! against the crate's test server, which checks every signature.
//!
//! Every run goes through [`Zephr::run`], which fails the test when the test server's secret
//! appears in anything the process printed: the suite-wide check that no output leaks it.

mod cli;
mod hostile;
mod mcp;

use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

use zephr_admin::testing::TestServer;

/// The binary under test.
pub fn binary() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_zephr-under-test"))
}

/// What a run printed, and how it ended.
#[derive(Debug)]
pub struct Ran {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Ran {
    fn from(output: Output, secret: &str) -> Ran {
        let ran = Ran {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        };
        assert!(
            !ran.stdout.contains(secret) && !ran.stderr.contains(secret),
            "the secret was printed:\n{ran:#?}"
        );
        ran
    }

    /// Asserts the exit code, showing everything printed when it differs.
    #[track_caller]
    pub fn code(&self, code: i32) -> &Ran {
        assert_eq!(self.code, code, "{self:#?}");
        self
    }
}

/// The command line pointed at a test server, with its credentials in the environment (and
/// nothing else from this process's environment).
pub struct Zephr<'a> {
    pub server: &'a TestServer,
    pub env: Vec<(String, String)>,
    pub stdin: Option<Vec<u8>>,
}

impl<'a> Zephr<'a> {
    pub fn new(server: &'a TestServer) -> Zephr<'a> {
        let credentials = server.credentials();
        Zephr {
            server,
            env: vec![
                ("ZEPHR_BASE_URL".into(), server.base_url().into()),
                ("ZEPHR_ACCESS_KEY".into(), credentials.access_key().into()),
                ("ZEPHR_SECRET_KEY".into(), credentials.secret().into()),
                (
                    "ZEPHR_CONFIG".into(),
                    "/nonexistent/zephr/config.toml".into(),
                ),
            ],
            stdin: None,
        }
    }

    /// Sets (or, with `None`, removes) an environment variable.
    pub fn env(mut self, name: &str, value: Option<&str>) -> Self {
        self.env.retain(|(n, _)| n != name);
        if let Some(value) = value {
            self.env.push((name.to_owned(), value.to_owned()));
        }
        self
    }

    pub fn stdin(mut self, bytes: &[u8]) -> Self {
        self.stdin = Some(bytes.to_vec());
        self
    }

    /// Runs `zephr <args>`.
    pub fn run(&self, args: &[&str]) -> Ran {
        self.run_os(
            &args
                .iter()
                .map(std::ffi::OsString::from)
                .collect::<Vec<_>>(),
        )
    }

    pub fn run_os(&self, args: &[std::ffi::OsString]) -> Ran {
        let mut command = Command::new(binary());
        command
            .args(args)
            .env_clear()
            .envs(self.env.iter().map(|(n, v)| (n, v)))
            .stdin(if self.stdin.is_some() {
                Stdio::piped()
            } else {
                Stdio::null()
            })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = command.spawn().expect("the binary runs");
        if let Some(bytes) = &self.stdin {
            use std::io::Write;
            // The binary may stop reading (a body past its limit): the rest is not its business.
            let _ = child.stdin.take().unwrap().write_all(bytes);
        }
        Ran::from(
            child.wait_with_output().unwrap(),
            self.server.credentials().secret(),
        )
    }
}
