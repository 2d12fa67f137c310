//! `cargo xtask mcp-inspector`: the Zephr crate's MCP server (`zephr mcp`) judged by an MCP
//! client nobody here wrote, the MCP Inspector's command-line mode, installed from npm (with the
//! Node.js it needs, from npm too). The API is the crate's test server, run as a process: the
//! Inspector lists the tools (read-only by default, and in discovery mode) and calls one, whose
//! request the test server checks for a valid signature.

use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, Stdio};

use anyhow::{Context, Result, anyhow, bail};
use serde_json::Value;

use crate::{npm, paths};

/// The Inspector, pinned; it needs Node.js 22, pinned beside it.
const INSPECTOR: &str = "@modelcontextprotocol/inspector@2.12.0";
const NODE: &str = "node@22.23.3";

/// Installs Node.js and the Inspector ahead of time, npm's output into `log` (`cargo xtask ci`,
/// while cargo builds).
pub fn prefetch(root: &Path, log: &Path) -> Result<()> {
    npm::install_logged(root, "mcp-inspector", NODE, "node", log)?;
    npm::install_logged(root, "mcp-inspector", INSPECTOR, "mcp-inspector", log).map(drop)
}

pub fn run() -> Result<ExitCode> {
    let root = paths::root();
    let built = paths::cargo()
        .args([
            "build",
            "-p",
            "zephr-admin",
            "--features",
            "mcp",
            "--bin",
            "zephr",
        ])
        .current_dir(&root)
        .status()
        .context("cannot run cargo")?;
    if !built.success() {
        bail!("the zephr binary did not build");
    }
    run_with(&root.join("target/debug/zephr"))
}

/// The same with a `zephr` binary already built: `cargo xtask ci` passes the one its test step
/// built (`zephr-under-test`, the Zephr crate's `operations::main`), since building `zephr` on its
/// own would compile every dependency again with another set of features.
pub fn run_with(zephr: &Path) -> Result<ExitCode> {
    let root = paths::root();
    let node = npm::install(&root, "mcp-inspector", NODE, "node")?;
    npm::install(&root, "mcp-inspector", INSPECTOR, "mcp-inspector")?;
    let launcher = root
        .join("target/mcp-inspector/node_modules/@modelcontextprotocol/inspector/clients/launcher/build/index.js");
    let zephr = zephr.to_owned();
    let server = TestServer::start(&zephr)?;
    let inspector = Inspector {
        node,
        launcher,
        zephr,
        env: server.env(),
    };

    let listed = inspector.json(&["mcp"], &["--method", "tools/list"])?;
    let tools = listed["tools"]
        .as_array()
        .context("tools/list has no `tools`")?;
    let bytes = serde_json::to_vec(&listed)?.len();
    if tools.is_empty() {
        bail!("the Inspector listed no tools");
    }
    for tool in tools {
        let name = tool["name"].as_str().unwrap_or_default();
        if tool["annotations"]["readOnlyHint"] != Value::Bool(true) {
            bail!("`{name}` is listed by default but is not read-only");
        }
    }
    println!(
        "the Inspector listed {} read-only tools ({bytes} bytes)",
        tools.len()
    );
    let discovery = inspector.json(&["mcp", "--discovery"], &["--method", "tools/list"])?;
    let names: Vec<&str> = discovery["tools"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|t| t["name"].as_str())
        .collect();
    if names != ["list_operations", "describe_operation", "call_operation"] {
        bail!("discovery mode listed {names:?}");
    }
    println!(
        "in discovery mode, 3 tools ({} bytes)",
        serde_json::to_vec(&discovery)?.len()
    );
    let called = inspector.json(
        &["mcp"],
        &[
            "--method",
            "tools/call",
            "--tool-name",
            "getUser",
            "--tool-arg",
            "user_id=u1",
        ],
    )?;
    if called["isError"] == Value::Bool(true) || called["structuredContent"]["user_id"].is_null() {
        bail!("getUser through the Inspector failed: {called}");
    }
    let record = server.record()?;
    let request = &record["requests"][0];
    if request["operation"] != "getUser" || request["signature"] != "Valid" {
        bail!("the test server did not receive a signed getUser: {record}");
    }
    println!("the Inspector called getUser; the test server checked its signature");
    Ok(ExitCode::SUCCESS)
}

/// The Inspector's command line, pointed at `zephr`.
struct Inspector {
    node: PathBuf,
    launcher: PathBuf,
    zephr: PathBuf,
    env: Vec<(String, String)>,
}

impl Inspector {
    /// Runs the Inspector against `zephr <server_args>` with `method_args`; its JSON output.
    fn json(&self, server_args: &[&str], method_args: &[&str]) -> Result<Value> {
        let mut command = Command::new(&self.node);
        command.arg(&self.launcher).arg("--cli");
        for (name, value) in &self.env {
            command.arg("-e").arg(format!("{name}={value}"));
        }
        let output = command
            .arg(&self.zephr)
            .args(server_args)
            .args(method_args)
            .stdin(Stdio::null())
            .output()
            .context("cannot run the MCP Inspector")?;
        if !output.status.success() {
            bail!(
                "the MCP Inspector failed ({}): {}{}",
                output.status,
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            );
        }
        serde_json::from_slice(&output.stdout).map_err(|e| {
            anyhow!(
                "the MCP Inspector printed something that is not JSON ({e}): {}",
                String::from_utf8_lossy(&output.stdout)
            )
        })
    }
}

/// `zephr test-server` as a process, stopped when dropped.
struct TestServer {
    child: Child,
    started: Value,
    zephr: PathBuf,
}

impl TestServer {
    fn start(zephr: &Path) -> Result<TestServer> {
        let mut child = Command::new(zephr)
            .arg("test-server")
            .stdout(Stdio::piped())
            .spawn()
            .context("cannot start `zephr test-server`")?;
        let mut line = String::new();
        std::io::BufReader::new(child.stdout.take().context("no stdout")?).read_line(&mut line)?;
        let started = serde_json::from_str(&line)
            .with_context(|| format!("`zephr test-server` printed `{line}`"))?;
        Ok(TestServer {
            child,
            started,
            zephr: zephr.to_owned(),
        })
    }

    /// The environment that points `zephr` at the server, with the credentials it accepts.
    fn env(&self) -> Vec<(String, String)> {
        let field = |name: &str| self.started[name].as_str().unwrap_or_default().to_owned();
        vec![
            ("ZEPHR_BASE_URL".to_owned(), field("base_url")),
            ("ZEPHR_ACCESS_KEY".to_owned(), field("access_key")),
            ("ZEPHR_SECRET_KEY".to_owned(), field("secret")),
        ]
    }

    /// The requests the server received.
    fn record(&self) -> Result<Value> {
        let output = Command::new(&self.zephr)
            .args(["api", "GET", "/__test-server/requests", "--unsigned"])
            .envs(self.env())
            .output()?;
        Ok(serde_json::from_slice(&output.stdout)?)
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
