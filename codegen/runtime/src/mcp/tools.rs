//! The tools: one per mounted operation (or the three of discovery mode), their JSON Schemas
//! from the table, and their calls through the typed dispatch.
//!
//! A tool's name is the operation's id (or the overlay's `x-codegen: {mcp: {name}}`), made valid
//! for MCP (`[A-Za-z0-9_.-]`, at most 64 characters, a hash keeping a shortened one unique and
//! stable). Its description is the spec's text, already one line per paragraph and bounded by
//! the generator; results are cut at a bound, with a note.

use std::collections::BTreeMap;
use std::sync::Arc;

use rmcp::ErrorData;
use rmcp::model::{CallToolResult, ContentBlock, JsonObject, MetaObject, Tool, ToolAnnotations};
use serde_json::{Map, Value, json};

use super::schemas::Schemas;
use super::{Selection, Server};
use crate::dispatch::{Args, Mode, Outcome};
use crate::error::Error;
use crate::table::{Api, BodyKind, Operation};

/// The longest tool name MCP clients take.
const MAX_NAME: usize = 64;

/// The tools a server lists.
pub(crate) struct Tools {
    listed: Vec<Tool>,
    /// Each mounted operation by its tool name.
    by_name: BTreeMap<String, &'static Operation>,
    discovery: bool,
    /// Each mounted operation's tool, for `describe_operation`.
    described: BTreeMap<String, Tool>,
    /// The operations whose tools have an output schema (their results are structured too).
    structured: Vec<&'static str>,
}

impl Tools {
    pub(crate) fn new<C>(api: &'static Api<C>, selection: &Selection, discovery: bool) -> Tools {
        let mut by_name = BTreeMap::new();
        let mut described = BTreeMap::new();
        let mut used: Vec<String> = Vec::new();
        let mut structured = Vec::new();
        let schemas = Schemas::new(api);
        for operation in api.operations.iter().filter(|op| selection.mounts(op)) {
            let name = unique(tool_name(operation.mcp.name.unwrap_or(operation.id)), &used);
            used.push(name.clone());
            let tool = tool(&schemas, operation, &name);
            if tool.output_schema.is_some() {
                structured.push(operation.id);
            }
            described.insert(name.clone(), tool);
            by_name.insert(name, operation);
        }
        let listed = if discovery {
            discovery_tools(api)
        } else {
            // In the spec's order, as the command line lists them.
            api.operations
                .iter()
                .filter_map(|op| {
                    by_name
                        .iter()
                        .find(|(_, mounted)| std::ptr::eq(**mounted, op))
                        .and_then(|(name, _)| described.get(name).cloned())
                })
                .collect()
        };
        Tools {
            listed,
            by_name,
            discovery,
            described,
            structured,
        }
    }

    pub(crate) fn listed(&self) -> Vec<Tool> {
        self.listed.clone()
    }
}

/// `name` made a valid MCP tool name: `[A-Za-z0-9_.-]`, 1 to 64 characters. A longer one keeps
/// its start and a hash of the whole (stable across runs and regenerations).
pub(crate) fn tool_name(name: &str) -> String {
    let mut clean: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "_.-".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    if clean.is_empty() {
        clean = "operation".to_owned();
    }
    if clean.len() > MAX_NAME {
        clean = format!(
            "{}_{:08x}",
            &clean[..MAX_NAME - 9],
            fnv1a(name.as_bytes()) as u32
        );
    }
    clean
}

/// `name`, or `name_2`, `name_3`, … when a tool has it already.
fn unique(name: String, used: &[String]) -> String {
    if !used.contains(&name) {
        return name;
    }
    (2..)
        .map(|n| {
            let suffix = format!("_{n}");
            let keep = name.len().min(MAX_NAME - suffix.len());
            format!("{}{suffix}", &name[..keep])
        })
        .find(|candidate| !used.contains(candidate))
        .expect("some suffix is free")
}

/// FNV-1a: a small stable hash (the standard library's is randomised per process).
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(*byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// The tool of one operation.
fn tool(schemas: &Schemas, operation: &'static Operation, name: &str) -> Tool {
    let mut description = if operation.summary.is_empty() {
        format!("{} {}", operation.method, operation.path)
    } else {
        operation.summary.to_owned()
    };
    if !operation.description.is_empty() && operation.description != operation.summary {
        description.push_str("\n\n");
        description.push_str(operation.description);
    }
    description.push_str(&format!("\n\n`{} {}`", operation.method, operation.path));
    if operation.deprecated {
        description.insert_str(0, "[deprecated] ");
    }
    let mut tool = Tool::new(
        name.to_owned(),
        description,
        Arc::new(schemas.input(operation)),
    )
    .with_title(if operation.summary.is_empty() {
        operation.id.to_owned()
    } else {
        operation.summary.to_owned()
    })
    .with_annotations(
        ToolAnnotations::new()
            .read_only(operation.is_read_only())
            .destructive(operation.is_delete() || operation.method == "PUT")
            .idempotent(operation.is_idempotent())
            .open_world(true),
    );
    if let Some(schema) = schemas.output(operation) {
        tool = tool.with_raw_output_schema(Arc::new(schema));
    }
    tool
}

/// The three tools of discovery mode.
fn discovery_tools<C>(api: &Api<C>) -> Vec<Tool> {
    let object = |value: Value| match value {
        Value::Object(object) => Arc::new(object),
        _ => unreachable!("literal objects"),
    };
    let read_only = ToolAnnotations::new().read_only(true).open_world(false);
    vec![
        Tool::new(
            "list_operations",
            format!(
                "Lists the operations of the {} this server can call: name, method, path, \
                 summary. Filter by `tag` (a group) or `search` (words of the name or summary).",
                api.title
            ),
            object(json!({
                "type": "object",
                "properties": {
                    "tag": {"type": "string", "description": "only the operations of this group"},
                    "search": {"type": "string", "description": "only operations whose name or summary contains this"}
                },
                "additionalProperties": false
            })),
        )
        .with_annotations(read_only.clone()),
        Tool::new(
            "describe_operation",
            "Describes one operation: what it does, the JSON Schema of its arguments and result, and what its statuses mean.",
            object(json!({
                "type": "object",
                "properties": {"name": {"type": "string", "description": "the operation's name, from list_operations"}},
                "required": ["name"],
                "additionalProperties": false
            })),
        )
        .with_annotations(read_only),
        Tool::new(
            "call_operation",
            "Calls one operation with its arguments (as describe_operation gives their schema). Some operations change data: describe it first.",
            object(json!({
                "type": "object",
                "properties": {
                    "name": {"type": "string", "description": "the operation's name, from list_operations"},
                    "arguments": {"type": "object", "description": "the operation's arguments"}
                },
                "required": ["name"],
                "additionalProperties": false
            })),
        )
        .with_annotations(ToolAnnotations::new().read_only(false).open_world(true)),
    ]
}

/// A call of the tool `name`.
pub(crate) async fn call<C: Send + Sync + 'static>(
    server: &Server<C>,
    name: &str,
    arguments: JsonObject,
) -> Result<CallToolResult, ErrorData> {
    let tools = &server.tools;
    if !tools.discovery {
        let operation = mounted(tools, name)?;
        return Ok(invoke(server, operation, arguments).await);
    }
    let text_argument = |key: &str| {
        arguments
            .get(key)
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    match name {
        "list_operations" => {
            let tag = text_argument("tag").map(|t| t.to_lowercase());
            let search = text_argument("search").map(|s| s.to_lowercase());
            let listed: Vec<Value> = tools
                .by_name
                .iter()
                .filter(|(_, op)| tag.as_ref().is_none_or(|t| op.group.to_lowercase() == *t))
                .filter(|(name, op)| {
                    search.as_ref().is_none_or(|s| {
                        name.to_lowercase().contains(s) || op.summary.to_lowercase().contains(s)
                    })
                })
                .map(|(name, op)| {
                    json!({"name": name, "group": op.group, "method": op.method, "path": op.path, "summary": op.summary, "read_only": op.is_read_only()})
                })
                .collect();
            Ok(structured(json!({ "operations": listed })))
        }
        "describe_operation" => {
            let name = text_argument("name").unwrap_or_default();
            let operation = mounted(tools, &name)?;
            let tool = &tools.described[&name];
            let statuses: Map<String, Value> = operation
                .statuses
                .iter()
                .map(|(status, meaning)| {
                    ((*status).to_owned(), Value::String((*meaning).to_owned()))
                })
                .collect();
            Ok(structured(json!({
                "name": name,
                "description": tool.description,
                "input_schema": tool.input_schema.as_ref(),
                "output_schema": tool.output_schema.as_deref(),
                "read_only": operation.is_read_only(),
                "statuses": statuses,
            })))
        }
        "call_operation" => {
            let name = text_argument("name").unwrap_or_default();
            let operation = mounted(tools, &name)?;
            let arguments = match arguments.get("arguments") {
                None | Some(Value::Null) => JsonObject::new(),
                Some(Value::Object(object)) => object.clone(),
                Some(_) => return Ok(failed("`arguments` must be an object")),
            };
            Ok(invoke(server, operation, arguments).await)
        }
        _ => Err(ErrorData::invalid_params(
            format!("no tool `{}`", shown(name)),
            None,
        )),
    }
}

/// The mounted operation of tool `name`: a tool not listed cannot be called.
fn mounted(tools: &Tools, name: &str) -> Result<&'static Operation, ErrorData> {
    tools.by_name.get(name).copied().ok_or_else(|| {
        let names = tools.by_name.keys().map(String::as_str);
        let message = match crate::dispatch::closest(name, names) {
            Some(near) => format!(
                "no tool `{}` on this server (did you mean `{near}`?)",
                shown(name)
            ),
            None => format!("no tool `{}` on this server", shown(name)),
        };
        ErrorData::invalid_params(message, None)
    })
}

/// A name from the client, as a message may quote it.
fn shown(name: &str) -> String {
    crate::cli::bounded(&name.replace(|c: char| c.is_control(), "?"), 80)
}

/// Calls `operation` with `arguments`; the API's answer, or an error the assistant can read.
async fn invoke<C: Send + Sync + 'static>(
    server: &Server<C>,
    operation: &'static Operation,
    mut arguments: JsonObject,
) -> CallToolResult {
    let bytes = match (&operation.body, arguments.get("body")) {
        (Some(body), Some(Value::String(text))) if body.kind == BodyKind::Bytes => {
            let bytes = bytes::Bytes::from(text.clone().into_bytes());
            arguments.remove("body");
            Some(bytes)
        }
        _ => None,
    };
    let args = match Args::new(operation, arguments, bytes) {
        Ok(args) => args,
        Err(e) => return failed(&e.to_string()),
    };
    let before = drift_counts(server);
    let call = match (server.api.call)(&server.client, operation, args, Mode::Once) {
        Ok(call) => call,
        Err(e) => return failed(&e.to_string()),
    };
    let outcome = crate::cli::outcome(call).await;
    let drift = new_drift(server, &before);
    let mut result = match outcome {
        Ok(outcome) => success(server, operation, outcome),
        Err(error) => api_error(server, operation, &error),
    };
    if !drift.is_empty() {
        let mut meta = MetaObject::default();
        meta.0.insert("drift".to_owned(), Value::Array(drift));
        result.meta = Some(meta);
    }
    result
}

/// A successful answer: its JSON as text (and as structured content, when the tool has an
/// output schema), cut at the server's bound.
fn success<C>(server: &Server<C>, operation: &Operation, outcome: Outcome) -> CallToolResult {
    let json = outcome.json();
    let text = match &json {
        Some(Value::Null) if outcome.raw.is_empty() => format!("{} (no body)", outcome.status),
        Some(value) => value.to_string(),
        None => String::from_utf8_lossy(&outcome.raw).into_owned(),
    };
    if text.len() > server.max_result {
        let mut cut = server.max_result;
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        let note = format!(
            "\n\n[cut: the result is {} bytes, more than this server's limit of {}. Ask for less{}]",
            text.len(),
            server.max_result,
            paging_hint(operation)
        );
        let mut result =
            CallToolResult::success(vec![ContentBlock::text(format!("{}{note}", &text[..cut]))]);
        let mut meta = MetaObject::default();
        meta.0.insert("truncated".to_owned(), Value::Bool(true));
        result.meta = Some(meta);
        return result;
    }
    let mut result = CallToolResult::success(vec![ContentBlock::text(text)]);
    if server.tools.structured.contains(&operation.id)
        && let Some(object @ Value::Object(_)) = json
    {
        result.structured_content = Some(object);
    }
    result
}

/// How to ask a paginated operation for less: its paging parameters.
fn paging_hint(operation: &Operation) -> String {
    let paging: Vec<&str> = operation
        .params
        .iter()
        .map(|p| p.wire)
        .filter(|wire| {
            let lower = wire.to_lowercase();
            [
                "page", "limit", "size", "cursor", "offset", "after", "before", "start", "per",
                "rpp",
            ]
            .iter()
            .any(|word| lower.contains(word))
        })
        .collect();
    if paging.is_empty() {
        ": narrow the request with its parameters".to_owned()
    } else {
        format!(
            ": a smaller page, or the next one, with {}",
            paging
                .iter()
                .map(|p| format!("`{p}`"))
                .collect::<Vec<_>>()
                .join(", ")
        )
    }
}

/// An error answer the assistant reads: status, what the spec says it means, the API's body.
fn api_error<C>(server: &Server<C>, operation: &Operation, error: &Error) -> CallToolResult {
    let failure = crate::cli::failure_of(server.api.name, Some(operation), error);
    let mut text = failure.message;
    if let Some(body) = error.body().filter(|body| !body.is_empty()) {
        let body = String::from_utf8_lossy(body);
        text.push_str("\nthe API's answer: ");
        text.push_str(&crate::cli::bounded(
            &body,
            server.max_result.min(16 * 1024),
        ));
    }
    failed(&text)
}

fn failed(message: &str) -> CallToolResult {
    CallToolResult::error(vec![ContentBlock::text(message.to_owned())])
}

fn structured(value: Value) -> CallToolResult {
    let mut result = CallToolResult::success(vec![ContentBlock::text(value.to_string())]);
    result.structured_content = Some(value);
    result
}

/// The drift seen so far, by place.
fn drift_counts<C>(server: &Server<C>) -> BTreeMap<(String, u16, String, String), u64> {
    (server.api.drift)(&server.client)
        .entries()
        .iter()
        .map(|e| {
            (
                (
                    e.operation().to_owned(),
                    e.status(),
                    e.kind().as_str().to_owned(),
                    e.pointer().to_owned(),
                ),
                e.count(),
            )
        })
        .collect()
}

/// The drift seen since `before` (what the call's response departed from the spec by).
fn new_drift<C>(
    server: &Server<C>,
    before: &BTreeMap<(String, u16, String, String), u64>,
) -> Vec<Value> {
    drift_counts(server)
        .into_iter()
        .filter(|(place, count)| before.get(place).is_none_or(|seen| count > seen))
        .map(|((_, status, kind, pointer), _)| json!({"kind": kind, "pointer": pointer, "status": status}))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_valid_bounded_stable_and_unique() {
        assert_eq!(tool_name("getUser"), "getUser");
        assert_eq!(tool_name("get user/{id}"), "get_user__id_");
        assert_eq!(tool_name(""), "operation");
        let long = "a".repeat(100);
        let named = tool_name(&long);
        assert_eq!(named.len(), MAX_NAME);
        assert_eq!(named, tool_name(&long), "stable");
        assert_ne!(
            named,
            tool_name(&format!("{long}b")),
            "the hash tells them apart"
        );
        let used = vec!["x".to_owned(), "x_2".to_owned()];
        assert_eq!(unique("x".to_owned(), &used), "x_3");
        let used = vec![named.clone()];
        assert_eq!(unique(named, &used).len(), MAX_NAME);
    }
}
