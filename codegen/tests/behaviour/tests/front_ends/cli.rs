//! The command line: help and output (snapshots), bodies, pages, credentials, exit codes.

use serde_json::{Value, json};
use snapbox::{assert_data_eq, file};
use zephr_admin::testing::TestServer;

use crate::Zephr;

fn user() -> Value {
    json!({
        "user_id": "u1",
        "identifiers": {"email_address": "ann@example.com"},
        "attributes": {"first_name": "Ann", "surname": "Lee"},
        "email_verified": true
    })
}

async fn server() -> TestServer {
    let server = TestServer::start().await;
    server.allow_unmatched();
    server
}

#[tokio::test(flavor = "multi_thread")]
async fn help_lists_groups_operations_parameters_examples_and_exit_codes() {
    let server = server().await;
    let zephr = Zephr::new(&server);
    let root = zephr.run(&["--help"]);
    assert_data_eq!(root.code(0).stdout.clone(), file!["snapshots/help.txt"]);
    let group = zephr.run(&["users", "--help"]);
    assert_data_eq!(
        group.code(0).stdout.clone(),
        file!["snapshots/users-help.txt"]
    );
    let operation = zephr.run(&["users", "create-user", "--help"]);
    assert_data_eq!(
        operation.code(0).stdout.clone(),
        file!["snapshots/create-user-help.txt"]
    );
    // An enum's values are listed, and a value that is not one is refused by name (with the
    // closest) before anything is sent.
    let grant = zephr
        .run(&["grants", "create-user-grant", "--help"])
        .code(0)
        .stdout
        .clone();
    assert!(
        grant.contains("[possible values: bundle, entitlement, meter, credits]"),
        "{grant}"
    );
    let typo = zephr.run(&[
        "grants",
        "create-user-grant",
        "u1",
        "--entitlement-type",
        "meters",
    ]);
    assert!(
        typo.code(2)
            .stderr
            .contains("invalid value 'meters' for '--entitlement-type")
            && typo.stderr.contains("'meter'"),
        "{typo:#?}"
    );
    assert!(server.requests().is_empty());
    // No arguments at all: the help, on stderr, as a usage error.
    let bare = zephr.run(&[]);
    assert_eq!(bare.code, 2);
    assert!(bare.stderr.contains("Usage: zephr"), "{bare:#?}");
    let version = zephr.run(&["--version"]).code(0).stdout.clone();
    // `zephr-admin/X.Y.Z (spec …)`: the crate's version, which moves with every spec update.
    let crate_version = zephr_admin::USER_AGENT
        .split(['/', ' '])
        .nth(1)
        .expect("the user agent names the crate's version");
    assert!(
        version.starts_with(&format!(
            "zephr {crate_version} (spec Admin API Reference 2026-06-12"
        )),
        "{version}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn output_as_json_lines_yaml_a_table_or_raw_filtered_by_jq() {
    let server = server().await;
    server
        .operation("getUser")
        .path_param("user_id", "u1")
        .returns_json(200, &user());
    let zephr = Zephr::new(&server);
    // Not a terminal: compact JSON, one line.
    let json = zephr.run(&["users", "get-user", "u1"]);
    assert_eq!(
        serde_json::from_str::<Value>(&json.code(0).stdout).unwrap(),
        user()
    );
    assert_eq!(json.stdout.lines().count(), 1);
    let yaml = zephr.run(&["users", "get-user", "u1", "-o", "yaml"]);
    assert_data_eq!(
        yaml.code(0).stdout.clone(),
        file!["snapshots/get-user.yaml"]
    );
    let table = zephr.run(&["users", "get-user", "u1", "--output", "table"]);
    assert_data_eq!(
        table.code(0).stdout.clone(),
        file!["snapshots/get-user.table"]
    );
    let query = zephr.run(&[
        "users",
        "get-user",
        "u1",
        "-q",
        ".identifiers.email_address",
    ]);
    assert_eq!(query.code(0).stdout, "\"ann@example.com\"\n");
    let raw = zephr.run(&[
        "users",
        "get-user",
        "u1",
        "-q",
        ".attributes | keys[]",
        "-o",
        "raw",
    ]);
    assert_eq!(raw.code(0).stdout, "first_name\nsurname\n");
    let bad = zephr.run(&["users", "get-user", "u1", "-q", ".a |"]);
    assert!(bad.code(2).stderr.contains("--query: 1:"), "{bad:#?}");
    // Nothing was sent for the filter that did not compile.
    assert_eq!(server.requests().len(), 5);
}

#[tokio::test(flavor = "multi_thread")]
async fn bodies_come_from_a_file_stdin_field_flags_and_set_and_are_checked_by_type() {
    let server = server().await;
    let zephr = Zephr::new(&server);
    let dir = tempfile::tempdir().unwrap();
    let yaml = dir.path().join("user.yaml");
    std::fs::write(
        &yaml,
        "identifiers:\n  email_address: ann@example.com\nattributes:\n  first_name: Ann\n",
    )
    .unwrap();
    let from_file = format!("@{}", yaml.display());
    zephr
        .run(&[
            "users",
            "create-user",
            "--body",
            &from_file,
            "--email-verified",
            "--session-limit",
            "3",
            "--set",
            "attributes.surname=Lee",
            "--set",
            "foreign_keys[0].legacy=17",
        ])
        .code(0);
    let sent: Value = serde_json::from_slice(server.requests()[0].body()).unwrap();
    assert_eq!(
        sent,
        json!({
            "identifiers": {"email_address": "ann@example.com"},
            "attributes": {"first_name": "Ann", "surname": "Lee"},
            "email_verified": true,
            "session_limit": 3,
            "foreign_keys": [{"legacy": 17}]
        })
    );
    // From stdin, as JSON.
    Zephr::new(&server)
        .stdin(br#"{"identifiers": {"email_address": "bo@example.com"}}"#)
        .run(&["users", "create-user", "--body", "-"])
        .code(0);
    // A field given twice by flags: an error, never a silent overwrite.
    let twice = zephr.run(&[
        "users",
        "create-user",
        "--body",
        &from_file,
        "--email-verified",
        "--set",
        "email_verified=false",
    ]);
    assert!(
        twice.code(2).stderr.contains(
            "`email_verified` is given twice: by --email-verified and by --set email_verified=false"
        ),
        "{twice:#?}"
    );
    // A path the type does not have: named, with the closest that exists.
    let typo = zephr.run(&[
        "users",
        "create-user",
        "--body",
        &from_file,
        "--set",
        "identifier.email=x",
    ]);
    assert!(
        typo.code(2)
            .stderr
            .contains("has no field `identifier` (did you mean `identifiers`?)"),
        "{typo:#?}"
    );
    // A value of the wrong type: the field, and the flag that gave it.
    let wrong = zephr.run(&[
        "users",
        "create-user",
        "--body",
        &from_file,
        "--session-limit",
        "many",
    ]);
    assert!(
        wrong
            .code(2)
            .stderr
            .contains("the body's `session_limit` (from --session-limit): invalid type"),
        "{wrong:#?}"
    );
    // A required field missing from the file: named, and where the body came from.
    std::fs::write(&yaml, "attributes: {}\n").unwrap();
    let missing = zephr.run(&["users", "create-user", "--body", &from_file]);
    assert!(
        missing
            .code(2)
            .stderr
            .contains("missing field `identifiers`")
            && missing
                .stderr
                .contains(&format!("(from --body {from_file})")),
        "{missing:#?}"
    );
    // The two good calls arrived; the refused ones sent nothing.
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn every_page_streams_as_json_lines_up_to_a_limit() {
    let server = server().await;
    let account = |id: &str| json!({"account_id": id, "name": format!("Account {id}")});
    // The most recent stub answers first; each answers once.
    server
        .operation("listAccounts")
        .times(1)
        .returns_json(200, &json!({"results": [account("c")], "total": 3}));
    server.operation("listAccounts").times(1).returns_json(
        200,
        &json!({"results": [account("a"), account("b")], "total": 3}),
    );
    let zephr = Zephr::new(&server);
    let all = zephr.run(&["account", "list-accounts", "--all", "-q", ".account_id"]);
    assert_eq!(all.code(0).stdout, "\"a\"\n\"b\"\n\"c\"\n");
    assert_eq!(server.requests().len(), 2);
    let second = server.requests()[1].query().to_owned();
    assert!(second.contains("page=2"), "{second}");
    // `--limit` stops the stream (and the requests) after that many items.
    server.operation("listAccounts").returns_json(
        200,
        &json!({"results": [account("a"), account("b")], "total": 99}),
    );
    let two = zephr.run(&["account", "list-accounts", "--all", "--limit", "2"]);
    assert_eq!(two.code(0).stdout.lines().count(), 2, "{two:#?}");
    assert_eq!(server.requests().len(), 3);
    let not_paged = zephr.run(&["users", "get-user", "u1", "--all"]);
    assert!(
        not_paged
            .code(2)
            .stderr
            .contains("unexpected argument '--all'"),
        "{not_paged:#?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn exit_codes_say_what_happened() {
    let server = server().await;
    let zephr = Zephr::new(&server);
    for (status, code) in [
        (401, 3),
        (403, 3),
        (404, 4),
        (409, 5),
        (429, 6),
        (500, 7),
        (503, 7),
    ] {
        server
            .operation("getUser")
            .path_param("user_id", format!("s{status}"))
            .returns_json(status, &json!({"message": format!("status {status}")}));
        let ran = zephr.run(&["users", "get-user", &format!("s{status}")]);
        assert_eq!(ran.code, code, "{status}: {ran:#?}");
        // The API's answer is shown, for a person to read.
        assert!(ran.stderr.contains(&format!("status {status}")), "{ran:#?}");
    }
    // No response at all: a closed port.
    let nowhere = Zephr::new(&server).env("ZEPHR_BASE_URL", Some("http://127.0.0.1:9"));
    nowhere.run(&["users", "get-user", "u1"]).code(7);
    // A body that is not the operation's type: the response departs from the spec.
    server
        .operation("getUser")
        .path_param("user_id", "odd")
        .returns_json(200, &json!({"user_id": 17}));
    zephr.run(&["users", "get-user", "odd"]).code(8);
    // A property the spec does not list: a warning by default, an error with --strict.
    server
        .operation("getUser")
        .path_param("user_id", "extra")
        .returns_json(200, &json!({"user_id": "extra", "nickname": "Al"}));
    let lenient = zephr.run(&["users", "get-user", "extra"]);
    assert!(
        lenient
            .code(0)
            .stderr
            .contains("warning: drift: undeclared-property at /nickname"),
        "{lenient:#?}"
    );
    zephr
        .run(&["users", "get-user", "extra", "--strict"])
        .code(8);
    // A usage error sends nothing.
    let before = server.requests().len();
    zephr.run(&["users", "get-user"]).code(2);
    zephr.run(&["users", "no-such-operation"]).code(2);
    assert_eq!(server.requests().len(), before);
}

#[tokio::test(flavor = "multi_thread")]
async fn dry_run_prints_the_signed_request_redacted_and_sends_nothing() {
    let server = server().await;
    let zephr = Zephr::new(&server);
    let dry = zephr.run(&[
        "--dry-run",
        "users",
        "create-user",
        "--body",
        r#"{"identifiers":{"email_address":"ann@example.com"}}"#,
    ]);
    let text = dry
        .code(0)
        .stdout
        .replace(server.base_url(), "http://SERVER")
        // The crate's version moves with every spec update; the snapshot is of the request.
        .replace(zephr_admin::USER_AGENT, "USER_AGENT");
    assert_data_eq!(text, file!["snapshots/create-user-dry-run.txt"]);
    assert!(server.requests().is_empty());
    // Without credentials too: there is nothing to leak and nothing is sent.
    let anonymous = Zephr::new(&server)
        .env("ZEPHR_ACCESS_KEY", None)
        .env("ZEPHR_SECRET_KEY", None);
    anonymous
        .run(&["users", "get-user", "u1", "--dry-run"])
        .code(0);
    let refused = anonymous.run(&["users", "get-user", "u1"]);
    assert!(
        refused
            .code(3)
            .stderr
            .contains("no credentials: set ZEPHR_ACCESS_KEY"),
        "{refused:#?}"
    );
    // --verbose shows each attempt's head on stderr, the signature redacted.
    let verbose = zephr.run(&["users", "get-user", "u1", "-v"]);
    assert!(
        verbose
            .code(0)
            .stderr
            .contains("> authorization: ZEPHR-HMAC-SHA256 <redacted>")
            && verbose.stderr.contains("< 200 OK in "),
        "{verbose:#?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn credentials_and_the_tenant_come_from_a_private_profile() {
    let server = server().await;
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");
    let credentials = server.credentials();
    std::fs::write(
        &config,
        format!(
            "[default]\nbase_url = \"{}\"\naccess_key = \"{}\"\nsecret_key = \"{}\"\n\n[staging]\ntenant = \"acme-staging\"\n",
            server.base_url(),
            credentials.access_key(),
            credentials.secret()
        ),
    )
    .unwrap();
    let profile = Zephr::new(&server)
        .env("ZEPHR_BASE_URL", None)
        .env("ZEPHR_ACCESS_KEY", None)
        .env("ZEPHR_SECRET_KEY", None)
        .env("ZEPHR_CONFIG", Some(config.to_str().unwrap()));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&config, std::fs::Permissions::from_mode(0o644)).unwrap();
        let open = profile.run(&["users", "get-user", "u1"]);
        assert!(
            open.code(2)
                .stderr
                .contains("can be read or changed by others (mode 644)")
                && open.stderr.contains("chmod 600"),
            "{open:#?}"
        );
        std::fs::set_permissions(&config, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    profile.run(&["users", "get-user", "u1"]).code(0);
    assert!(matches!(
        server.requests()[0].signature(),
        zephr_admin::testing::SignatureCheck::Valid
    ));
    // A profile that does not exist, or a setting no profile has: named, with the closest.
    let typo = profile.run(&["--profile", "stagin", "users", "get-user", "u1"]);
    assert!(
        typo.code(2).stderr.contains("(did you mean `staging`?)"),
        "{typo:#?}"
    );
    // The tenant builds the spec's server URL; there is no default tenant.
    let staging = profile.run(&[
        "--profile",
        "staging",
        "users",
        "get-user",
        "u1",
        "--dry-run",
    ]);
    assert!(
        staging
            .code(0)
            .stdout
            .starts_with("GET https://acme-staging.api.zephr.com/v3/users/u1"),
        "{staging:#?}"
    );
    let nowhere = Zephr::new(&server).env("ZEPHR_BASE_URL", None);
    let unset = nowhere.run(&["users", "get-user", "u1"]);
    assert!(unset.code(2).stderr.contains("`tenantId`"), "{unset:#?}");
    let flag = nowhere.run(&["--tenant", "acme", "users", "get-user", "u1", "--dry-run"]);
    assert!(
        flag.code(0)
            .stdout
            .starts_with("GET https://acme.api.zephr.com/"),
        "{flag:#?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn api_signs_any_request_and_test_server_runs_as_a_process() {
    let server = server().await;
    let zephr = Zephr::new(&server);
    server
        .operation("getUser")
        .path_param("user_id", "u 1")
        .returns_json(200, &user());
    let ran = zephr.run(&[
        "api",
        "get",
        "/v3/users/u%201?x=1",
        "-P",
        "y=a b",
        "-q",
        ".user_id",
    ]);
    assert_eq!(ran.code(0).stdout, "\"u1\"\n");
    let request = &server.requests()[0];
    assert_eq!(request.query(), "x=1&y=a%20b");
    assert!(matches!(
        request.signature(),
        zephr_admin::testing::SignatureCheck::Valid
    ));
    zephr.run(&["api", "GET", "v3/users"]).code(2);

    // `zephr test-server` prints its address and credentials, and serves until stopped.
    let mut child = std::process::Command::new(crate::binary())
        .args(["test-server"])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(child.stdout.take().unwrap()),
        &mut line,
    )
    .unwrap();
    let started: Value = serde_json::from_str(&line).unwrap();
    let against_process = Zephr::new(&server)
        .env("ZEPHR_BASE_URL", started["base_url"].as_str())
        .env("ZEPHR_ACCESS_KEY", started["access_key"].as_str())
        .env("ZEPHR_SECRET_KEY", started["secret"].as_str());
    // The documented example answers.
    let example = against_process.run(&["users", "get-user", "u1"]);
    assert!(
        example.code(0).stdout.contains("\"user_id\""),
        "{example:#?}"
    );
    let record = against_process.run(&["api", "GET", "/__test-server/requests", "--unsigned"]);
    let record: Value = serde_json::from_str(&record.code(0).stdout).unwrap();
    assert_eq!(record["requests"][0]["operation"], "getUser");
    assert_eq!(record["requests"][0]["signature"], "Valid");
    child.kill().unwrap();
    let _ = child.wait();
}

#[tokio::test(flavor = "multi_thread")]
async fn completions_for_each_shell() {
    let server = server().await;
    let zephr = Zephr::new(&server);
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let ran = zephr.run(&["completions", shell]);
        assert!(
            ran.code(0).stdout.contains("create-user"),
            "{shell}: {ran:#?}"
        );
    }
    zephr.run(&["completions", "tcsh"]).code(2);
}
