//! `<bin> test-server`: the crate's test server as a process, for tests written in other
//! languages or run by docker-compose (and for trying the command line without a tenant).
//!
//! It prints one line of JSON, `{"base_url": …, "access_key": …, "secret": …}` (the test
//! credentials it accepts: made up for this run, not real ones), then serves until stopped.
//! Stubs come from a JSON file; the record of requests is at `GET /__test-server/requests`
//! (`DELETE` clears it).

use clap::{Arg, ArgAction, ArgMatches, Command};
use serde_json::Value;

use super::Failure;
use crate::table::Api;
use crate::testing_server::{ADMIN_PATH, Engine, Settings};

pub(crate) fn command() -> Command {
    Command::new("test-server")
        .about("Runs this API's test server, for tests of other programs")
        .long_about(format!(
            "Runs this API's test server on 127.0.0.1: each operation answers with its documented \
             example, or what a stub says; signatures are checked as the API checks them. It \
             prints one line of JSON, {{\"base_url\", \"access_key\", \"secret\"}} (test \
             credentials made up for this run), then serves until stopped. The requests it \
             received are at GET {ADMIN_PATH} (DELETE clears them)."
        ))
        .arg(
            Arg::new("port")
                .long("port")
                .value_name("PORT")
                .value_parser(clap::value_parser!(u16))
                .help("The port to listen on (default: any free port)"),
        )
        .arg(
            Arg::new("stubs")
                .long("stubs")
                .value_name("FILE")
                .help("A JSON list of stubs: {\"operation\": \"getUser\", \"path\": {…}, \"query\": {…}, \"headers\": {…}, \"body\": …, \"status\": 200, \"response\": …, \"times\": 1} (all but `operation` optional)"),
        )
        .arg(
            Arg::new("strict")
                .long("strict")
                .action(ArgAction::SetTrue)
                .help("Operations without a stub answer with an error instead of their example"),
        )
}

pub(crate) async fn run<C>(api: &'static Api<C>, matches: &ArgMatches) -> Result<(), Failure> {
    let settings = Settings {
        port: matches.get_one::<u16>("port").copied().unwrap_or(0),
        strict: super::flag(matches, "strict"),
        admin: true,
        ..Settings::default()
    };
    let engine = Engine::start(api.test_server, settings)
        .await
        .map_err(|e| Failure::usage(format!("cannot start the test server: {e}")))?;
    engine.allow_unmatched();
    if let Some(path) = matches.get_one::<String>("stubs") {
        load(api, &engine, path).map_err(|e| Failure::usage(format!("{path}: {e}")))?;
    }
    let credentials = engine.credentials();
    let line = serde_json::json!({
        "base_url": engine.url(),
        "access_key": credentials.access_key(),
        "secret": credentials.secret(),
    });
    println!("{line}");
    std::future::pending::<()>().await;
    Ok(())
}

/// Registers the stubs of a JSON file.
fn load<C>(api: &Api<C>, engine: &Engine, path: &str) -> Result<(), String> {
    let text = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
    let stubs: Vec<Value> = serde_json::from_str(&text).map_err(|e| {
        format!(
            "{}:{}: not a JSON list of stubs: {}",
            e.line(),
            e.column(),
            crate::error::without_values(&e.to_string())
        )
    })?;
    for (i, stub) in stubs.iter().enumerate() {
        let field = |name: &str| {
            stub.get(name)
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
        };
        let text = |value: &Value| {
            value
                .as_str()
                .map_or_else(|| value.to_string(), str::to_owned)
        };
        let name = stub
            .get("operation")
            .and_then(Value::as_str)
            .ok_or(format!("stub {i}: no `operation`"))?;
        let route = api
            .test_server
            .routes
            .iter()
            .find(|route| route.operation == name)
            .ok_or_else(|| {
                let names = api.test_server.routes.iter().map(|r| r.operation);
                match crate::dispatch::closest(name, names) {
                    Some(near) => {
                        format!("stub {i}: no operation `{name}` (did you mean `{near}`?)")
                    }
                    None => format!("stub {i}: no operation `{name}`"),
                }
            })?;
        let mut builder = engine.stub(route.operation);
        for (name, value) in field("path") {
            builder = builder.path_param(name, text(value));
        }
        for (name, value) in field("query") {
            builder = builder.query(name, text(value));
        }
        for (name, value) in field("headers") {
            builder = builder.header(name, text(value));
        }
        if let Some(body) = stub.get("body") {
            builder = builder.json_body(body);
        }
        if let Some(times) = stub.get("times").and_then(Value::as_u64) {
            builder = builder.times(usize::try_from(times).unwrap_or(usize::MAX));
        }
        let status = match stub.get("status") {
            None => 200,
            Some(status) => status
                .as_u64()
                .and_then(|s| u16::try_from(s).ok())
                .filter(|s| (100..=599).contains(s))
                .ok_or(format!("stub {i}: `status` must be an HTTP status"))?,
        };
        match stub.get("response") {
            Some(response) => {
                builder.returns_json(status, response);
            }
            None => {
                builder.returns_status(status);
            }
        }
    }
    Ok(())
}
