//! What a call prints: JSON (pretty on a terminal, compact in a pipe), JSON lines, YAML, a
//! table, or the body as received; filtered by `--query`; to stdout or `--out-file`. Items of
//! `--all` and events are printed as they arrive; a byte body is streamed.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use clap::ArgMatches;
use serde_json::Value;

use super::query::Filter;
use super::{Failure, exit, failure_of, write_out};
use crate::dispatch::Call;
use crate::error::Error;
use crate::table::{Api, Operation};

/// The values of `--output`.
pub(crate) const FORMATS: &[&str] = &["json", "jsonl", "yaml", "table", "raw"];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    Json,
    Lines,
    Yaml,
    Table,
    Raw,
}

/// How to print.
pub(crate) struct Settings {
    format: Format,
    query: Option<Filter>,
    out_file: Option<PathBuf>,
    /// `--limit`/`--max-items` with `--all`.
    cap: Option<u64>,
    /// Pretty JSON (stdout is a terminal and nothing else was asked for).
    pretty: bool,
}

impl Settings {
    pub(crate) fn read(global: &ArgMatches, matches: &ArgMatches) -> Result<Settings, Failure> {
        let all = super::flag(matches, "all");
        let format = match global.get_one::<String>("output").map(String::as_str) {
            Some("json") => Format::Json,
            Some("jsonl") => Format::Lines,
            Some("yaml") => Format::Yaml,
            Some("table") => Format::Table,
            Some("raw") => Format::Raw,
            _ if all => Format::Lines,
            _ => Format::Json,
        };
        let query = match global.get_one::<String>("query") {
            Some(code) => {
                Some(Filter::new(code).map_err(|e| Failure::usage(format!("--query: {e}")))?)
            }
            None => None,
        };
        if format == Format::Raw && query.is_some() && all {
            return Err(Failure::usage(
                "--output raw and --query do not go with --all",
            ));
        }
        let out_file = global.get_one::<String>("out-file").map(PathBuf::from);
        Ok(Settings {
            format,
            query,
            pretty: out_file.is_none() && std::io::stdout().is_terminal(),
            out_file,
            cap: matches.try_get_one::<u64>("cap").ok().flatten().copied(),
        })
    }

    /// Where the output goes.
    fn sink(&self) -> Result<Box<dyn Write>, Failure> {
        match &self.out_file {
            Some(path) => {
                let file = std::fs::File::create(path).map_err(|e| {
                    Failure::usage(format!(
                        "--out-file: cannot write `{}`: {e}",
                        path.display()
                    ))
                })?;
                Ok(Box::new(std::io::BufWriter::new(file)))
            }
            None => Ok(Box::new(std::io::BufWriter::new(std::io::stdout().lock()))),
        }
    }

    /// `value` through the query (itself without one).
    fn filtered(&self, value: Value) -> Result<Vec<Value>, Failure> {
        match &self.query {
            Some(filter) => filter
                .run(value)
                .map_err(|e| Failure::usage(format!("--query: {e}"))),
            None => Ok(vec![value]),
        }
    }

    /// One value, as the format says.
    fn render(&self, value: &Value) -> String {
        match self.format {
            Format::Json if self.pretty => pretty(value),
            Format::Json | Format::Lines => format!("{value}\n"),
            Format::Yaml => yaml(value),
            Format::Table => table(std::slice::from_ref(value)),
            Format::Raw => match value {
                Value::String(text) => format!("{text}\n"),
                other => format!("{other}\n"),
            },
        }
    }
}

/// Prints what `call` gives, and fails as the call did.
pub(crate) async fn show<C>(
    api: &Api<C>,
    operation: &'static Operation,
    settings: &Settings,
    call: Call,
) -> Result<(), Failure> {
    let failed = |error: Error| error_failure(api, Some(operation), &error);
    match call {
        Call::Response(response) => {
            let outcome = response.await.map_err(failed)?;
            let mut out = settings.sink()?;
            print_body(settings, &mut out, &outcome.raw, outcome.json())?;
            flush(&mut out)
        }
        Call::Values(values) => {
            let mut values = values.await.map_err(failed)?;
            let mut out = settings.sink()?;
            let mut kept = Vec::new();
            let mut count = 0u64;
            while settings.cap.is_none_or(|cap| count < cap) {
                let Some(value) = values.next().await.map_err(failed)? else {
                    break;
                };
                count += 1;
                for value in settings.filtered(value)? {
                    match settings.format {
                        // A table needs every row for its columns.
                        Format::Table => kept.push(value),
                        Format::Yaml => {
                            write_out(&mut out, format!("---\n{}", yaml(&value)).as_bytes())?
                        }
                        Format::Json | Format::Lines | Format::Raw => {
                            write_out(&mut out, settings.render(&value).as_bytes())?;
                            // Each item as it arrives, not when a buffer fills.
                            flush(&mut out)?;
                        }
                    }
                }
            }
            if settings.format == Format::Table {
                write_out(&mut out, table(&kept).as_bytes())?;
            }
            flush(&mut out)
        }
        #[cfg(feature = "stream")]
        Call::Bytes(stream) => {
            let mut stream = stream.await.map_err(failed)?;
            let mut out = settings.sink()?;
            let guard_terminal = settings.out_file.is_none() && std::io::stdout().is_terminal();
            while let Some(chunk) = stream.next_chunk().await.map_err(failed)? {
                if guard_terminal && std::str::from_utf8(&chunk).is_err() {
                    return Err(Failure::usage(
                        "the body is binary and stdout is a terminal: write it with --out-file PATH (or pipe it)",
                    ));
                }
                write_out(&mut out, &chunk)?;
            }
            flush(&mut out)
        }
    }
}

/// A body, as the format says: JSON through the query and the format, anything else as it came.
pub(crate) fn print_body(
    settings: &Settings,
    out: &mut impl Write,
    raw: &[u8],
    json: Option<Value>,
) -> Result<(), Failure> {
    if raw.is_empty() && settings.query.is_none() {
        return Ok(());
    }
    match json {
        Some(value) if settings.format != Format::Raw || settings.query.is_some() => {
            let values = settings.filtered(value)?;
            match settings.format {
                Format::Table => write_out(out, table(&values).as_bytes()),
                Format::Yaml if values.len() > 1 => {
                    for value in &values {
                        write_out(out, format!("---\n{}", yaml(value)).as_bytes())?;
                    }
                    Ok(())
                }
                _ => {
                    for value in &values {
                        write_out(out, settings.render(value).as_bytes())?;
                    }
                    Ok(())
                }
            }
        }
        _ => write_out(out, raw),
    }
}

fn flush(out: &mut impl Write) -> Result<(), Failure> {
    match out.flush() {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Failure {
            code: exit::SERVER,
            message: format!("cannot write the output: {e}"),
        }),
    }
}

/// The failure of a call, with the response's body (the user's own data, to their terminal)
/// after the message.
pub(crate) fn error_failure<C>(
    api: &Api<C>,
    operation: Option<&Operation>,
    error: &Error,
) -> Failure {
    let mut failure = failure_of(api.name, operation, error);
    if let Some(body) = error.body().filter(|b| !b.is_empty()) {
        let shown = match serde_json::from_slice::<Value>(body) {
            Ok(value) => pretty(&value),
            Err(_) => String::from_utf8_lossy(body).into_owned(),
        };
        failure.message.push_str("\nthe response's body:\n");
        failure
            .message
            .push_str(&super::observe::bounded(shown.trim_end(), 16 * 1024));
    }
    failure
}

fn pretty(value: &Value) -> String {
    let mut text = serde_json::to_string_pretty(value).unwrap_or_default();
    text.push('\n');
    text
}

fn yaml(value: &Value) -> String {
    yaml_serde::to_string(value).unwrap_or_else(|_| format!("{value}\n"))
}

/// Rows as a table: a list of objects as columns (the keys of the first rows), an object as
/// key and value, anything else one value per row.
fn table(values: &[Value]) -> String {
    let rows: Vec<&Value> = match values {
        [Value::Array(items)] => items.iter().collect(),
        _ => values.iter().collect(),
    };
    let cell = |value: Option<&Value>| match value {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(text)) => super::observe::bounded(text, 60),
        Some(other) => super::observe::bounded(&other.to_string(), 60),
    };
    let mut table = comfy_table::Table::new();
    table.load_preset(comfy_table::presets::NOTHING);
    if let [Value::Object(object)] = rows.as_slice() {
        table.set_header(["field", "value"]);
        for (key, value) in object {
            table.add_row([key.clone(), cell(Some(value))]);
        }
    } else if rows.iter().all(|row| row.is_object()) && !rows.is_empty() {
        let mut columns: Vec<&str> = Vec::new();
        for row in rows.iter().take(50) {
            for key in row.as_object().into_iter().flat_map(|o| o.keys()) {
                if !columns.contains(&key.as_str()) && columns.len() < 12 {
                    columns.push(key);
                }
            }
        }
        table.set_header(columns.iter().copied());
        for row in &rows {
            table.add_row(columns.iter().map(|c| cell(row.get(*c))));
        }
    } else {
        for row in &rows {
            table.add_row([cell(Some(row))]);
        }
    }
    let mut text = table.to_string();
    text.push('\n');
    text
}
