//! The check every generated crate's `tests/cli.rs` runs: each operation called from the
//! command line (the crate's own binary, as a process), with every parameter set, against the
//! crate's test server, which checks the signature and records the request; the request that
//! arrived is then compared with what the arguments said.
//!
//! The values are made from each parameter's kind and the body's schema (its required fields,
//! at their simplest), so the check runs for any spec, not only for the operations whose
//! examples the spec gives.

use std::path::Path;
use std::process::Command;

use heck::ToKebabCase;
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
use serde_json::{Map, Value, json};

use super::command::{Placement, group_command, layout, operation_command};
use crate::table::{Api, BodyKind, Kind, Location, Operation};
use crate::testing_auth::SignatureCheck;
use crate::testing_server::{Engine, Settings};

/// Calls every operation of `api` through `binary` against a test server; the number checked,
/// or every failure found.
pub async fn every_operation<C>(api: &'static Api<C>, binary: &Path) -> Result<usize, String> {
    // clap's own checks of the whole tree (names, arities, flags), which it otherwise makes
    // only for the commands a run parses.
    super::command::root(api).debug_assert();
    let engine = Engine::start(api.test_server, Settings::default())
        .await
        .map_err(|e| format!("the test server did not start: {e}"))?;
    engine.allow_unmatched();
    let config =
        std::env::temp_dir().join(format!("cli-check-{}-no-config.toml", std::process::id()));
    let mut failures = Vec::new();
    for operation in api.operations {
        if let Err(failure) = check(api, operation, binary, &engine, &config) {
            failures.push(format!(
                "{} ({} {}): {failure}",
                operation.id, operation.method, operation.path
            ));
        }
        engine.clear();
    }
    if failures.is_empty() {
        Ok(api.operations.len())
    } else {
        Err(format!(
            "{} of {} operations failed from the command line:\n{}",
            failures.len(),
            api.operations.len(),
            failures.join("\n")
        ))
    }
}

/// One operation: the command line's exit code, the signature, and each argument on the wire.
fn check<C>(
    api: &'static Api<C>,
    operation: &'static Operation,
    binary: &Path,
    engine: &Engine,
    config: &Path,
) -> Result<(), String> {
    let layout = layout(api, operation);
    let mut args = vec![
        group_command(api, operation.group),
        operation_command(api, operation),
    ];
    // What each parameter was given, to look for in the request.
    let mut expected: Vec<(&'static crate::table::Param, Vec<String>)> = Vec::new();
    for (index, (param, placement)) in layout.params.iter().enumerate() {
        // A header the spec names with characters HTTP does not allow cannot be sent (the
        // client refuses to, naming it): left out unless required.
        if param.location == Location::Header
            && !param.required
            && reqwest::header::HeaderName::from_bytes(param.wire.as_bytes()).is_err()
        {
            continue;
        }
        let values = match param.kind {
            // Any JSON: the simplest value of its schema.
            Kind::Json => {
                let schema: Value = serde_json::from_str(param.schema).unwrap_or(Value::Null);
                vec![sample(api, &schema, 0).to_string()]
            }
            kind => sample_texts(kind, index),
        };
        match placement {
            Placement::Argument(_) => args.push(values[0].clone()),
            Placement::Flag(flag) => {
                for value in &values {
                    args.push(format!("--{flag}"));
                    args.push(value.clone());
                }
            }
        }
        expected.push((param, values));
    }
    let mut body_sent: Option<Value> = None;
    let mut bytes_sent: Option<Vec<u8>> = None;
    let scratch = std::env::temp_dir().join(format!(
        "cli-check-{}-{}.bin",
        std::process::id(),
        operation.id.to_kebab_case()
    ));
    if let Some(body) = &operation.body {
        if body.kind == BodyKind::Bytes {
            let bytes = b"bytes from the command line\x00\xff".to_vec();
            std::fs::write(&scratch, &bytes).map_err(|e| e.to_string())?;
            args.push("--body".to_owned());
            args.push(format!("@{}", scratch.display()));
            bytes_sent = Some(bytes);
        } else {
            let schema: Value = serde_json::from_str(body.schema).unwrap_or(Value::Null);
            let value = sample(api, &schema, 0);
            args.push("--body".to_owned());
            args.push(value.to_string());
            body_sent = Some(value);
        }
    }
    let credentials = engine.credentials();
    let prefix = api.env_prefix;
    let output = Command::new(binary)
        .args(&args)
        .env(format!("{prefix}_BASE_URL"), engine.url())
        .env(format!("{prefix}_ACCESS_KEY"), credentials.access_key())
        .env(format!("{prefix}_SECRET_KEY"), credentials.secret())
        .env(format!("{prefix}_TOKEN"), credentials.secret())
        .env(format!("{prefix}_API_KEY"), credentials.secret())
        .env(format!("{prefix}_CONFIG"), config)
        .output()
        .map_err(|e| format!("{} did not run: {e}", binary.display()))?;
    let _ = std::fs::remove_file(&scratch);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let shown_args = args.join(" ");
    if !output.status.success() {
        return Err(format!(
            "`{} {shown_args}` exited with {}: {}",
            api.name,
            output.status,
            stderr.trim()
        ));
    }
    let secret = credentials.secret();
    if String::from_utf8_lossy(&output.stdout).contains(secret) || stderr.contains(secret) {
        return Err("the secret appears in the output".to_owned());
    }
    let requests = engine.requests();
    let [request] = requests.as_slice() else {
        return Err(format!("{} requests arrived, not one", requests.len()));
    };
    if request.operation() != Some(operation.id) {
        return Err(format!(
            "the request arrived as {:?} ({} {})",
            request.operation(),
            request.method(),
            request.path()
        ));
    }
    if matches!(request.signature(), SignatureCheck::Refused(_)) {
        return Err(format!(
            "the signature was refused: {:?}",
            request.signature()
        ));
    }
    for (param, values) in &expected {
        let found = match param.location {
            Location::Path => values.iter().all(|v| {
                request
                    .path()
                    .contains(&utf8_percent_encode(v, NON_ALPHANUMERIC).to_string())
                    || request.path().contains(v.as_str())
            }),
            Location::Query if matches!(param.kind, Kind::Json) => true,
            Location::Query => {
                let query =
                    percent_encoding::percent_decode_str(&request.query().replace('+', " "))
                        .decode_utf8_lossy()
                        .into_owned();
                query.contains(param.wire) && values.iter().all(|v| query.contains(v.as_str()))
            }
            Location::Header => request
                .header(param.wire)
                .is_some_and(|h| values.iter().all(|v| h.contains(v.as_str()))),
            Location::Cookie => request
                .headers()
                .get("cookie")
                .map(|c| String::from_utf8_lossy(c.as_bytes()).into_owned())
                .is_some_and(|c| {
                    c.contains(param.wire)
                        || c.contains(
                            &utf8_percent_encode(param.wire, NON_ALPHANUMERIC).to_string(),
                        )
                        || percent_encoding::percent_decode_str(&c)
                            .decode_utf8_lossy()
                            .contains(param.wire)
                }),
        };
        if !found {
            return Err(format!(
                "{} `{}` = {values:?} is not in the request ({}?{})",
                param.location.as_str(),
                param.wire,
                request.path(),
                request.query()
            ));
        }
    }
    if let Some(bytes) = bytes_sent
        && request.body().as_ref() != bytes.as_slice()
    {
        return Err("the body's bytes arrived changed".to_owned());
    }
    if let (Some(sent), Some(body)) = (body_sent, &operation.body)
        && body.kind == BodyKind::Json
    {
        let arrived: Value = serde_json::from_slice(request.body())
            .map_err(|e| format!("the body that arrived is not JSON: {e}"))?;
        if arrived != sent {
            return Err(format!("the body arrived as {arrived}, not {sent}"));
        }
    }
    Ok(())
}

/// Texts for a parameter of `kind` (two for a list), distinct per parameter.
fn sample_texts(kind: Kind, index: usize) -> Vec<String> {
    match kind {
        Kind::String => vec![format!("v{index}x")],
        Kind::Integer => vec![(index + 7).to_string()],
        Kind::Number => vec![format!("{}.5", index + 1)],
        Kind::Boolean => vec!["true".to_owned()],
        Kind::Enum(values) => vec![values.first().copied().unwrap_or("x").to_owned()],
        Kind::List(item) => {
            let mut items = sample_texts(*item, index);
            if !matches!(item, Kind::Enum(_) | Kind::Boolean) {
                items.extend(sample_texts(*item, index + 100));
            }
            items
        }
        Kind::Json => vec!["{}".to_owned()],
    }
}

/// The simplest value of `schema`: its required fields, each at its simplest.
pub(crate) fn sample<C>(api: &Api<C>, schema: &Value, depth: usize) -> Value {
    if depth > 12 {
        return Value::Null;
    }
    if let Some(name) = schema
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix("#/$defs/"))
    {
        let Some(definition) = api
            .schema(name)
            .and_then(|t| serde_json::from_str::<Value>(t).ok())
        else {
            return json!({});
        };
        return sample(api, &definition, depth + 1);
    }
    if let Some(values) = schema.get("enum").and_then(Value::as_array) {
        return values.first().cloned().unwrap_or(Value::Null);
    }
    if let Some(value) = schema.get("const") {
        return value.clone();
    }
    if let Some(any) = schema.get("anyOf").and_then(Value::as_array) {
        let chosen = any
            .iter()
            .find(|s| s.get("type").and_then(Value::as_str) != Some("null"))
            .unwrap_or(&Value::Null);
        return sample(api, chosen, depth + 1);
    }
    if let Some(variants) = schema.get("oneOf").and_then(Value::as_array) {
        return variants
            .first()
            .map_or(Value::Null, |v| sample(api, v, depth + 1));
    }
    if let Some(all) = schema.get("allOf").and_then(Value::as_array) {
        let mut merged = Map::new();
        for part in all {
            if let Value::Object(object) = sample(api, part, depth + 1) {
                merged.extend(object);
            }
        }
        return Value::Object(merged);
    }
    match schema.get("type").and_then(Value::as_str) {
        Some("string") => json!("text"),
        Some("integer") => json!(1),
        Some("number") => json!(1.5),
        Some("boolean") => json!(true),
        Some("array") => json!([]),
        Some("object") => {
            let mut object = Map::new();
            let required: Vec<&str> = schema
                .get("required")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .collect();
            if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
                for name in required {
                    if let Some(property) = properties.get(name) {
                        object.insert(name.to_owned(), sample(api, property, depth + 1));
                    }
                }
            }
            Value::Object(object)
        }
        _ => json!({}),
    }
}
