//! The command line of a generated crate (feature `cli`): every operation of the API from the
//! shell, signed, built at run time from the crate's table of operations
//! ([`Api`](crate::table::Api)) and sent through its typed dispatch.
//!
//! `<bin> <group> <operation> [ARGS] [FLAGS]`: path and required parameters are arguments,
//! optional ones flags; a body comes from `--body`, flags for its top-level fields and `--set`
//! for nested ones; output is JSON, JSON lines, YAML, a table or the raw body, filtered by
//! `--query` (jq). `<bin> api METHOD PATH` signs any request; `<bin> test-server` runs the
//! crate's test server; `<bin> completions SHELL` prints completions; `<bin> mcp` (feature
//! `mcp`) serves the operations to an assistant.
//!
//! Nothing here knows the API: names, kinds, docs and the dispatch come from the table. What it
//! promises: a value is checked before anything is sent (by clap for enums, then by the type the
//! client takes), the secret appears in no output, and the exit code says what happened.

pub mod check;
mod command;
mod input;
mod observe;
mod output;
mod query;
mod raw;
mod serve;
mod target;

use std::ffi::OsString;
use std::io::Write;
use std::process::ExitCode;
use std::sync::Arc;

use clap::ArgMatches;

use crate::dispatch::{Args, CallError, Mode};
use crate::error::Error;
use crate::table::{Api, Operation, OutputKind};

#[cfg(feature = "mcp")]
pub(crate) use command::group_command;
pub use command::root as command;

#[cfg(feature = "mcp")]
pub(crate) use observe::bounded;

/// The exit codes, as `--help` and the README list them.
pub mod exit {
    /// The call succeeded (`--help` and `--dry-run` too).
    pub const OK: u8 = 0;
    /// A usage or validation error: nothing was sent (or the request could not be built).
    pub const USAGE: u8 = 2;
    /// `401` or `403`: credentials missing, wrong, or not allowed.
    pub const AUTH: u8 = 3;
    /// `404`.
    pub const NOT_FOUND: u8 = 4;
    /// Another `4xx`.
    pub const CLIENT: u8 = 5;
    /// `429`, after the retries.
    pub const RATE_LIMITED: u8 = 6;
    /// A `5xx`, or no response (connection, TLS, timeout).
    pub const SERVER: u8 = 7;
    /// The response departs from the spec: drift with `--strict`, or a body that is not the
    /// operation's type.
    pub const DRIFT: u8 = 8;
}

/// The text of the exit codes, for `--help` and the README.
pub const EXIT_CODES: &str = "\
Exit codes:
  0  success (and --help, --dry-run)
  2  usage or validation error: nothing was sent
  3  401 or 403: credentials missing, wrong or not allowed
  4  404 not found
  5  another 4xx
  6  429 rate limited, after retries
  7  5xx, or no response (connection, TLS, timeout)
  8  the response departs from the spec (drift with --strict, or a body not of its type)";

/// Why the command stops: the exit code, and what to print on stderr.
#[derive(Debug)]
pub(crate) struct Failure {
    pub(crate) code: u8,
    pub(crate) message: String,
}

impl Failure {
    pub(crate) fn usage(message: impl Into<String>) -> Failure {
        Failure {
            code: exit::USAGE,
            message: message.into(),
        }
    }
}

/// The stack of the thread a command runs on. An operation's future is polled there, and a large
/// spec's requests and models are large values that a debug build copies from frame to frame:
/// 100 of Stripe's 468 operations overflowed the main thread's 8 MiB. The memory is reserved,
/// not used, until a command needs it.
const STACK_BYTES: usize = 256 * 1024 * 1024;

/// The binary's `main`: runs the command line of `api` with the process's arguments, on a
/// thread with a 256 MiB stack (on the main thread if that thread cannot start).
pub fn main<C: Send + Sync + 'static>(api: &'static Api<C>) -> ExitCode {
    let args: Vec<OsString> = std::env::args_os().collect();
    let spawned = std::thread::Builder::new()
        .name("main".to_owned())
        .stack_size(STACK_BYTES)
        .spawn({
            let args = args.clone();
            move || run(api, args)
        });
    let code = match spawned {
        Ok(thread) => match thread.join() {
            Ok(code) => code,
            // A panic was printed by the hook already; end as a panicking `main` would.
            Err(panic) => std::panic::resume_unwind(panic),
        },
        Err(_) => run(api, args),
    };
    ExitCode::from(code)
}

/// Runs the command line of `api` with `args` (the binary's name first); the exit code.
pub fn run<C: Send + Sync + 'static>(api: &'static Api<C>, args: Vec<OsString>) -> u8 {
    let matches = match command::root(api).try_get_matches_from(args) {
        Ok(matches) => matches,
        Err(e) => {
            // Help and version go to stdout; errors to stderr, with clap's own context.
            let _ = e.print();
            return match e.kind() {
                clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion => {
                    exit::OK
                }
                _ => exit::USAGE,
            };
        }
    };
    match dispatch(api, &matches) {
        Ok(()) => exit::OK,
        Err(failure) => {
            if !failure.message.is_empty() {
                eprintln!("error: {}", failure.message);
            }
            failure.code
        }
    }
}

/// The subcommand the arguments name.
fn dispatch<C: Send + Sync + 'static>(
    api: &'static Api<C>,
    matches: &ArgMatches,
) -> Result<(), Failure> {
    let Some((name, sub)) = matches.subcommand() else {
        return Err(Failure::usage("no command given (see --help)"));
    };
    match name {
        "completions" => completions(api, sub),
        "api" => runtime()?.block_on(raw::run(api, matches, sub)),
        "test-server" => runtime()?.block_on(serve::run(api, sub)),
        #[cfg(feature = "mcp")]
        "mcp" => runtime()?.block_on(crate::mcp::run(api, matches, sub)),
        group => {
            let Some((op_name, op_matches)) = sub.subcommand() else {
                return Err(Failure::usage(format!(
                    "`{group}` needs an operation (see `{} {group} --help`)",
                    api.name
                )));
            };
            let operation = command::operation_named(api, group, op_name)
                .ok_or_else(|| Failure::usage(format!("no operation `{group} {op_name}`")))?;
            runtime()?.block_on(call(api, operation, matches, op_matches))
        }
    }
}

/// The runtime of one command: one thread is plenty for one call at a time.
fn runtime() -> Result<tokio::runtime::Runtime, Failure> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure {
            code: exit::SERVER,
            message: format!("cannot start the async runtime: {e}"),
        })
}

/// `<bin> completions SHELL`.
fn completions<C>(api: &'static Api<C>, matches: &ArgMatches) -> Result<(), Failure> {
    let shell = *matches
        .get_one::<clap_complete::Shell>("shell")
        .expect("clap requires the shell");
    let mut command = command::root(api);
    command.set_bin_name(api.name);
    command.build();
    let mut out = std::io::stdout().lock();
    match clap_complete::Generator::try_generate(&shell, &command, &mut out) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Failure {
            code: exit::SERVER,
            message: format!("cannot write the completions: {e}"),
        }),
    }
}

/// `<bin> <group> <operation> …`: reads the arguments, builds the client, makes the call and
/// prints what came back.
async fn call<C: Send + Sync + 'static>(
    api: &'static Api<C>,
    operation: &'static Operation,
    global: &ArgMatches,
    matches: &ArgMatches,
) -> Result<(), Failure> {
    let settings = output::Settings::read(global, matches)?;
    let gathered = input::gather(api, operation, matches)?;
    let origin = |error: CallError| argument_error(api, operation, &gathered, error);
    let args =
        Args::new(operation, gathered.values.clone(), gathered.bytes.clone()).map_err(origin)?;
    let (client, observer) = client(api, global)?;
    let mode = if flag(matches, "all") {
        Mode::All
    } else if matches!(
        operation.output.kind,
        OutputKind::Bytes | OutputKind::Events
    ) {
        Mode::Stream
    } else {
        Mode::Once
    };
    // A multipart body's files are read here, when the dispatch reads the body.
    let call = crate::dispatch::reading_files(input::MAX_BODY_BYTES, || {
        (api.call)(&client, operation, args, mode)
    })
    .map_err(origin)?;
    let result = output::show(api, operation, &settings, call).await;
    drift_warnings(api, &client);
    match result {
        Err(_) if observer.dry_run_done() => Ok(()),
        other => other,
    }
}

/// Whether the switch `id` is on (`false` where the command has no such switch).
pub(crate) fn flag(matches: &ArgMatches, id: &str) -> bool {
    matches
        .try_get_one::<bool>(id)
        .ok()
        .flatten()
        .copied()
        .unwrap_or(false)
}

/// An argument error, named as the user gave it: the flag or argument of a parameter, and for
/// a body's field the flag that set it (or `--body`).
fn argument_error<C>(
    api: &Api<C>,
    operation: &'static Operation,
    gathered: &input::Gathered,
    error: CallError,
) -> Failure {
    let CallError::Argument { name, message } = error;
    let shown = command::flag_of(api, operation, &name);
    let from = name
        .strip_prefix("body.")
        .and_then(|path| gathered.origin(path))
        .or_else(|| {
            (name == "body")
                .then(|| gathered.body_source.clone())
                .flatten()
        });
    match from {
        Some(from) => Failure::usage(format!("{shown} (from {from}): {message}")),
        None => Failure::usage(format!("{shown}: {message}")),
    }
}

/// Drift goes to stderr, as a warning: what departed from the spec, and where (never values).
fn drift_warnings<C>(api: &Api<C>, client: &C) {
    let report = (api.drift)(client);
    for entry in report.entries() {
        let at = if entry.pointer().is_empty() {
            String::new()
        } else {
            format!(" at {}", entry.pointer())
        };
        eprintln!(
            "warning: drift: {}{at} (`{}`, status {}); the response departs from the spec",
            entry.kind().as_str(),
            entry.operation(),
            entry.status()
        );
    }
}

/// The exit code and message of a failed call.
pub(crate) fn failure_of(api_name: &str, operation: Option<&Operation>, error: &Error) -> Failure {
    let code = match error {
        Error::InvalidRequest(_) | Error::Signing(_) => exit::USAGE,
        Error::Transport(_) | Error::Pagination(_) => exit::SERVER,
        Error::Decode(_) | Error::Drift(_) => exit::DRIFT,
        Error::Status(_) => match error.status().map(|s| s.as_u16()) {
            Some(401 | 403) => exit::AUTH,
            Some(404) => exit::NOT_FOUND,
            Some(429) => exit::RATE_LIMITED,
            Some(status) if status >= 500 => exit::SERVER,
            _ => exit::CLIENT,
        },
    };
    let mut message = error.to_string();
    if let (Some(status), Some(operation)) = (error.status(), operation) {
        let status = status.as_u16().to_string();
        if let Some((_, meaning)) = operation
            .statuses
            .iter()
            .find(|(documented, _)| *documented == status)
            .filter(|(_, meaning)| !meaning.is_empty())
        {
            message.push_str(&format!(" (the spec says: {meaning})"));
        }
    }
    if code == exit::AUTH {
        message.push_str(&format!(
            "\nhint: check the credentials (`{api_name} --help` says where they come from)"
        ));
    }
    Failure { code, message }
}

/// Writes to stdout; a closed pipe (`| head`) ends the output quietly.
pub(crate) fn write_out(out: &mut impl Write, bytes: &[u8]) -> Result<(), Failure> {
    match out.write_all(bytes) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Err(Failure {
            code: exit::OK,
            message: String::new(),
        }),
        Err(e) => Err(Failure {
            code: exit::SERVER,
            message: format!("cannot write the output: {e}"),
        }),
    }
}

/// What a call gives, whole: for the MCP server.
#[cfg(feature = "mcp")]
pub(crate) async fn outcome(
    call: crate::dispatch::Call,
) -> Result<crate::dispatch::Outcome, Error> {
    use crate::dispatch::{Call, Outcome};
    match call {
        Call::Response(response) => response.await,
        Call::Values(values) => {
            let mut values = values.await?;
            let mut all = Vec::new();
            while let Some(value) = values.next().await? {
                all.push(value);
            }
            Ok(Outcome::new(
                200,
                Default::default(),
                serde_json::to_vec(&all).unwrap_or_default().into(),
            ))
        }
        #[cfg(feature = "stream")]
        Call::Bytes(stream) => {
            let stream = stream.await?;
            let status = stream.status();
            let headers = stream.headers().clone();
            let body = stream.collect().await?;
            Ok(Outcome::new(status, headers, body))
        }
    }
}

/// Shared by the subcommands: the client of `api`, built from the global flags.
pub(crate) fn client<C>(
    api: &'static Api<C>,
    global: &ArgMatches,
) -> Result<(C, Arc<observe::Observer>), Failure> {
    let observer = observe::Observer::new(api, global);
    let client = target::connect(api, global, observer.clone())?;
    Ok((client, observer))
}
