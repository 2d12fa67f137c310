//! Hostile input to the command line: huge and malformed bodies, arguments that are not UTF-8,
//! values that would change the request's shape. Each is refused with the place named, before
//! anything is sent, and nothing panics.

use zephr_admin::testing::TestServer;

use crate::Zephr;

#[tokio::test(flavor = "multi_thread")]
async fn a_body_past_the_limit_is_refused_unread() {
    let server = TestServer::start().await;
    let zephr = Zephr::new(&server);
    let dir = tempfile::tempdir().unwrap();
    // 1 GiB, sparse: refused from its size, before a byte is read.
    let huge = dir.path().join("huge.json");
    std::fs::File::create(&huge)
        .unwrap()
        .set_len(1 << 30)
        .unwrap();
    let started = std::time::Instant::now();
    let ran = zephr.run(&[
        "users",
        "create-user",
        "--body",
        &format!("@{}", huge.display()),
    ]);
    assert!(
        ran.code(2)
            .stderr
            .contains("is larger than the limit of 64 MiB"),
        "{ran:#?}"
    );
    // Not a timing assertion: a bound so loose that only reading the gigabyte could pass it.
    assert!(started.elapsed() < std::time::Duration::from_secs(20));
    // Through stdin, where no size is known: read up to the limit and no further.
    let stdin = vec![b' '; 64 * 1024 * 1024 + 10];
    let ran = Zephr::new(&server)
        .stdin(&stdin)
        .run(&["users", "create-user", "--body", "-"]);
    assert!(
        ran.code(2)
            .stderr
            .contains("stdin is larger than the limit of 64 MiB"),
        "{ran:#?}"
    );
    assert!(server.requests().is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_body_that_is_neither_json_nor_yaml_is_named_with_its_line_and_column() {
    let server = TestServer::start().await;
    let zephr = Zephr::new(&server);
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("user.json");
    std::fs::write(&json, "{\n  \"identifiers\": {},\n  oops\n}\n").unwrap();
    let ran = zephr.run(&[
        "users",
        "create-user",
        "--body",
        &format!("@{}", json.display()),
    ]);
    assert!(
        ran.code(2)
            .stderr
            .contains(&format!("{}:3:3: not valid JSON", json.display())),
        "{ran:#?}"
    );
    let text = dir.path().join("user.txt");
    std::fs::write(&text, "identifiers:\n  email: [unclosed\n").unwrap();
    let ran = zephr.run(&[
        "users",
        "create-user",
        "--body",
        &format!("@{}", text.display()),
    ]);
    assert!(
        ran.code(2).stderr.contains(&format!("{}:", text.display()))
            && ran.stderr.contains("neither JSON nor YAML"),
        "{ran:#?}"
    );
    let binary = dir.path().join("blob");
    std::fs::write(&binary, [0xff, 0xfe, 0x00, 0x01]).unwrap();
    let ran = zephr.run(&[
        "users",
        "create-user",
        "--body",
        &format!("@{}", binary.display()),
    ]);
    assert!(ran.code(2).stderr.contains("not UTF-8 text"), "{ran:#?}");
    let absent = zephr.run(&["users", "create-user", "--body", "@/nonexistent/user.json"]);
    assert!(
        absent
            .code(2)
            .stderr
            .contains("cannot read `/nonexistent/user.json`"),
        "{absent:#?}"
    );
    assert!(server.requests().is_empty());
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread")]
async fn arguments_that_are_not_utf8_are_a_usage_error() {
    use std::ffi::OsString;
    use std::os::unix::ffi::OsStringExt;
    let server = TestServer::start().await;
    let zephr = Zephr::new(&server);
    let ran = zephr.run_os(&[
        OsString::from("users"),
        OsString::from("get-user"),
        OsString::from_vec(vec![b'u', 0xff, 0xfe]),
    ]);
    assert!(ran.code(2).stderr.contains("invalid UTF-8"), "{ran:#?}");
    let ran = zephr.run_os(&[OsString::from_vec(vec![0xc3, 0x28])]);
    assert_eq!(ran.code, 2, "{ran:#?}");
    assert!(server.requests().is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn values_that_would_change_the_request_are_refused_or_encoded() {
    let server = TestServer::start().await;
    server.allow_unmatched();
    let zephr = Zephr::new(&server);
    // A path parameter that would climb out of its segment.
    zephr.run(&["users", "get-user", ".."]).code(2);
    // One that would add segments or a query: encoded, so it stays one segment.
    zephr.run(&["users", "get-user", "a/b?c=d#e"]).code(0);
    let request = &server.requests()[0];
    assert_eq!(request.path(), "/v3/users/a%2Fb%3Fc%3Dd%23e");
    assert_eq!(request.query(), "");
    // A server variable that would change the host.
    let evil = Zephr::new(&server).env("ZEPHR_BASE_URL", None);
    let ran = evil.run(&["--tenant", "evil.example/x", "users", "get-user", "u1"]);
    assert!(
        ran.code(2)
            .stderr
            .contains("would change the URL's structure"),
        "{ran:#?}"
    );
    // A header value with a line break, through `api`.
    let ran = zephr.run(&[
        "api",
        "GET",
        "/v3/users/u1",
        "-H",
        "x-a: b\r\nx-injected: 1",
    ]);
    assert_eq!(ran.code, 2, "{ran:#?}");
    assert_eq!(server.requests().len(), 1);
}
