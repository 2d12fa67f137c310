//! `examples/test-server.rs`: the test server as a process, for tests in other languages or
//! docker-compose setups, with stubs from a JSON file.

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use super::Options;

pub(crate) fn example_file(options: &Options) -> TokenStream {
    let krate = Ident::new(&options.crate_name.replace('-', "_"), Span::call_site());
    let usage = format!(
        "cargo run -p {} --features testing --example test-server -- [--port PORT] [--stubs FILE] [--strict]",
        options.crate_name
    );
    quote! {
        //! The test server as a process, for tests written in other languages or run by
        //! docker-compose:
        //!
        //! ```text
        #![doc = #usage]
        //! ```
        //!
        //! It prints one line of JSON, `{"base_url": …, "access_key": …, "secret": …}` (the
        //! credentials it accepts), then serves until it is stopped. Stubs come from a JSON file:
        //! a list of `{"operation": "getUser", "path": {"user_id": "u1"}, "query": {"search":
        //! "x"}, "headers": {…}, "body": <request body to match>, "status": 200, "response":
        //! <JSON body>, "times": 2}` (all but `operation` optional). Operations with no stub answer
        //! with their documented example, or (with `--strict`) with an error.

        use #krate::testing::TestServer;
        use serde_json::Value;

        #[tokio::main]
        async fn main() {
            let (port, stubs, strict) = match arguments(std::env::args().skip(1)) {
                Ok(arguments) => arguments,
                Err(message) => {
                    eprintln!("{message}");
                    std::process::exit(2);
                }
            };
            let mut builder = TestServer::builder().port(port);
            if strict {
                builder = builder.strict();
            }
            let server = builder.start().await;
            server.allow_unmatched();
            if let Some(path) = stubs
                && let Err(message) = load(&server, &path)
            {
                eprintln!("{path}: {message}");
                std::process::exit(2);
            }
            let credentials = server.credentials();
            let line = serde_json::json!({"base_url": server.base_url(), "access_key": credentials.access_key(), "secret": credentials.secret()});
            println!("{line}");
            std::future::pending::<()>().await;
        }

        /// `--port`, `--stubs`, `--strict`.
        fn arguments(mut args: impl Iterator<Item = String>) -> Result<(u16, Option<String>, bool), String> {
            let (mut port, mut stubs, mut strict) = (0, None, false);
            while let Some(arg) = args.next() {
                match arg.as_str() {
                    "--port" => port = args.next().and_then(|p| p.parse().ok()).ok_or("--port takes a port number")?,
                    "--stubs" => stubs = Some(args.next().ok_or("--stubs takes a file")?),
                    "--strict" => strict = true,
                    _ => return Err(format!("unknown argument `{arg}`; usage: test-server [--port PORT] [--stubs FILE] [--strict]")),
                }
            }
            Ok((port, stubs, strict))
        }

        /// Registers the stubs of a JSON file.
        fn load(server: &TestServer, path: &str) -> Result<(), String> {
            let text = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
            let stubs: Vec<Value> = serde_json::from_str(&text).map_err(|e| format!("not a JSON list of stubs: {e}"))?;
            for (i, stub) in stubs.iter().enumerate() {
                let field = |name: &str| stub.get(name).and_then(Value::as_object).into_iter().flatten();
                let text = |value: &Value| value.as_str().map_or_else(|| value.to_string(), str::to_owned);
                let operation = stub.get("operation").and_then(Value::as_str).ok_or(format!("stub {i}: no `operation`"))?;
                let mut builder = server.operation(operation);
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
                    builder = builder.times(times as usize);
                }
                let status = stub.get("status").and_then(Value::as_u64).and_then(|s| u16::try_from(s).ok()).unwrap_or(200);
                let _ = match stub.get("response") {
                    Some(response) => builder.returns_json(status, response),
                    None => builder.returns_status(status),
                };
            }
            Ok(())
        }
    }
}
