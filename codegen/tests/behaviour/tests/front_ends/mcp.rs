//! `zephr mcp` over stdio, driven by rmcp's client (the protocol's own SDK), with the crate's
//! test server as the API: what is listed (read-only by default, allowlists, discovery), calls
//! with their signatures checked, refusals, API errors and oversized results.

use rmcp::model::{CallToolRequestParams, CallToolResult, Tool};
use rmcp::service::RunningService;
use rmcp::transport::TokioChildProcess;
use rmcp::{RoleClient, ServiceExt};
use serde_json::{Map, Value, json};
use zephr_admin::testing::{SignatureCheck, TestServer};

/// A client session with `zephr mcp <flags>`, signing for `server`.
async fn connect(server: &TestServer, flags: &[&str]) -> RunningService<RoleClient, ()> {
    let credentials = server.credentials();
    let mut command = tokio::process::Command::new(crate::binary());
    command
        .arg("mcp")
        .args(flags)
        .env_clear()
        .env("ZEPHR_BASE_URL", server.base_url())
        .env("ZEPHR_ACCESS_KEY", credentials.access_key())
        .env("ZEPHR_SECRET_KEY", credentials.secret())
        .env("ZEPHR_CONFIG", "/nonexistent/config.toml")
        .stderr(std::process::Stdio::null());
    ().serve(TokioChildProcess::new(command).unwrap())
        .await
        .expect("the MCP session starts")
}

fn arguments(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(object) => object,
        _ => unreachable!(),
    }
}

fn text(result: &CallToolResult) -> String {
    result
        .content
        .iter()
        .filter_map(|c| c.as_text().map(|t| t.text.clone()))
        .collect()
}

/// The bytes of a `tools/list` result, as a client receives it.
fn listed_bytes(tools: &[Tool]) -> usize {
    serde_json::to_vec(&json!({ "tools": tools }))
        .unwrap()
        .len()
}

#[tokio::test(flavor = "multi_thread")]
async fn read_only_by_default_writes_and_deletes_by_allowlist() {
    let server = TestServer::start().await;
    let client = connect(&server, &[]).await;
    let tools = client.list_all_tools().await.unwrap();
    let get_operations = zephr_admin::operations::API
        .operations
        .iter()
        .filter(|op| op.method == "GET")
        .count();
    assert_eq!(tools.len(), get_operations);
    for tool in &tools {
        let name = tool.name.as_ref();
        assert!(
            name.len() <= 64
                && name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c)),
            "{name}"
        );
        let annotations = tool.annotations.as_ref().unwrap();
        assert_eq!(annotations.read_only_hint, Some(true), "{name}");
        assert_eq!(tool.input_schema.get("type"), Some(&json!("object")));
    }
    let get_user = tools.iter().find(|t| t.name == "getUser").unwrap();
    assert_eq!(get_user.input_schema["required"], json!(["user_id"]));
    assert!(get_user.output_schema.is_some(), "a typed object result");
    println!(
        "tools/list, read-only default: {} tools, {} bytes",
        tools.len(),
        listed_bytes(&tools)
    );
    // A write is not listed, so it cannot be called.
    let refused = client
        .call_tool(
            CallToolRequestParams::new("createUser").with_arguments(arguments(
                json!({"body": {"identifiers": {"email_address": "a@b.c"}}}),
            )),
        )
        .await;
    assert!(refused.is_err(), "{refused:?}");
    client.cancel().await.unwrap();
    assert!(server.requests().is_empty());

    let writes = connect(&server, &["--allow-writes", "--tags", "users"]).await;
    let names: Vec<String> = writes
        .list_all_tools()
        .await
        .unwrap()
        .iter()
        .map(|t| t.name.to_string())
        .collect();
    assert!(names.contains(&"createUser".to_owned()), "{names:?}");
    assert!(
        !names.contains(&"deleteUser".to_owned()),
        "deletes need their own flag"
    );
    assert!(
        !names.contains(&"listAccounts".to_owned()),
        "only the users group"
    );
    writes.cancel().await.unwrap();
    let deletes = connect(&server, &["--allow-deletes", "--operations", "deleteUser"]).await;
    let names: Vec<String> = deletes
        .list_all_tools()
        .await
        .unwrap()
        .iter()
        .map(|t| t.name.to_string())
        .collect();
    assert_eq!(names, ["deleteUser"]);
    let delete = deletes.list_all_tools().await.unwrap().remove(0);
    assert_eq!(delete.annotations.unwrap().destructive_hint, Some(true));
    deletes.cancel().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_call_is_signed_typed_and_structured() {
    let server = TestServer::start().await;
    server
        .operation("getUser")
        .path_param("user_id", "u 1")
        .returns_json(
            200,
            &json!({"user_id": "u 1", "identifiers": {"email_address": "ann@example.com"}}),
        );
    let client = connect(&server, &[]).await;
    let result = client
        .call_tool(
            CallToolRequestParams::new("getUser")
                .with_arguments(arguments(json!({"user_id": "u 1"}))),
        )
        .await
        .unwrap();
    assert_ne!(result.is_error, Some(true), "{result:?}");
    assert_eq!(
        result.structured_content.as_ref().unwrap()["identifiers"]["email_address"],
        "ann@example.com"
    );
    let request = &server.requests()[0];
    assert_eq!(request.path(), "/v3/users/u%201");
    assert!(matches!(request.signature(), SignatureCheck::Valid));
    // Every parameter of a read-only operation with several.
    let result = client
        .call_tool(
            CallToolRequestParams::new("listUsers").with_arguments(arguments(json!({
                "identifiers.email_address": "ann@example.com",
                "identifiers.username": "ann",
                "search": "Ann",
            }))),
        )
        .await
        .unwrap();
    assert_ne!(result.is_error, Some(true), "{result:?}");
    let query = server.requests()[1].query().to_owned();
    assert!(
        query.contains("identifiers.email_address=ann%40example.com")
            && query.contains("identifiers.username=ann")
            && query.contains("search=Ann"),
        "{query}"
    );
    // An argument the operation does not have, or of the wrong type: the assistant reads why;
    // nothing is sent.
    let wrong = client
        .call_tool(
            CallToolRequestParams::new("getUser").with_arguments(arguments(json!({"user": "u1"}))),
        )
        .await
        .unwrap();
    assert_eq!(wrong.is_error, Some(true));
    assert!(
        text(&wrong).contains("did you mean `user_id`?"),
        "{wrong:?}"
    );
    assert_eq!(server.requests().len(), 2);
    // Drift is in the result's metadata.
    server
        .operation("getUser")
        .path_param("user_id", "odd")
        .returns_json(200, &json!({"user_id": "odd", "nickname": "Al"}));
    let drifted = client
        .call_tool(
            CallToolRequestParams::new("getUser")
                .with_arguments(arguments(json!({"user_id": "odd"}))),
        )
        .await
        .unwrap();
    let drift = &drifted.meta.as_ref().unwrap().0["drift"];
    assert_eq!(drift[0]["pointer"], "/nickname", "{drifted:?}");
    client.cancel().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn api_errors_and_oversized_results_come_back_readable() {
    let server = TestServer::start().await;
    server
        .operation("getUser")
        .path_param("user_id", "gone")
        .returns_json(404, &json!({"message": "no user gone"}));
    let big: Vec<Value> = (0..500)
        .map(|i| json!({"account_id": format!("a{i}"), "name": "x".repeat(50)}))
        .collect();
    server
        .operation("listAccounts")
        .returns_json(200, &json!({"results": big, "total": 500}));
    let client = connect(&server, &["--max-result-bytes", "2000"]).await;
    let missing = client
        .call_tool(
            CallToolRequestParams::new("getUser")
                .with_arguments(arguments(json!({"user_id": "gone"}))),
        )
        .await
        .unwrap();
    assert_eq!(missing.is_error, Some(true));
    let said = text(&missing);
    assert!(
        said.contains("404") && said.contains("no user gone"),
        "{said}"
    );
    let cut = client
        .call_tool(CallToolRequestParams::new("listAccounts").with_arguments(Map::new()))
        .await
        .unwrap();
    let said = text(&cut);
    assert!(said.len() < 2400, "{}", said.len());
    assert!(
        said.contains("[cut: the result is") && said.contains("`rpp`") && said.contains("`page`"),
        "{said}"
    );
    client.cancel().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn discovery_mode_offers_three_tools_that_reach_every_mounted_operation() {
    let server = TestServer::start().await;
    let full = connect(&server, &[]).await;
    let every = full.list_all_tools().await.unwrap();
    full.cancel().await.unwrap();
    let client = connect(&server, &["--discovery"]).await;
    let tools = client.list_all_tools().await.unwrap();
    let names: Vec<&str> = tools.iter().map(|t| t.name.as_ref()).collect();
    assert_eq!(
        names,
        ["list_operations", "describe_operation", "call_operation"]
    );
    println!(
        "tools/list: {} bytes for {} tools; discovery mode: {} bytes",
        listed_bytes(&every),
        every.len(),
        listed_bytes(&tools)
    );
    assert!(listed_bytes(&tools) * 20 < listed_bytes(&every));
    let listed = client
        .call_tool(
            CallToolRequestParams::new("list_operations")
                .with_arguments(arguments(json!({"search": "user"}))),
        )
        .await
        .unwrap();
    let operations = &listed.structured_content.as_ref().unwrap()["operations"];
    assert!(
        operations
            .as_array()
            .unwrap()
            .iter()
            .any(|op| op["name"] == "getUser"),
        "{operations}"
    );
    let described = client
        .call_tool(
            CallToolRequestParams::new("describe_operation")
                .with_arguments(arguments(json!({"name": "getUser"}))),
        )
        .await
        .unwrap();
    let described = described.structured_content.unwrap();
    assert_eq!(described["input_schema"]["required"], json!(["user_id"]));
    let called = client
        .call_tool(
            CallToolRequestParams::new("call_operation").with_arguments(arguments(
                json!({"name": "getUser", "arguments": {"user_id": "u1"}}),
            )),
        )
        .await
        .unwrap();
    assert_ne!(called.is_error, Some(true), "{called:?}");
    assert!(matches!(
        server.requests()[0].signature(),
        SignatureCheck::Valid
    ));
    // Discovery reaches only what is mounted: a write stays out of reach.
    let write = client
        .call_tool(
            CallToolRequestParams::new("call_operation")
                .with_arguments(arguments(json!({"name": "createUser", "arguments": {}}))),
        )
        .await;
    assert!(write.is_err(), "{write:?}");
    client.cancel().await.unwrap();
}
