//! The ways around the spec, on every request builder, each request still validly signed:
//! extra query parameters and headers, a per-request timeout, the raw response next to the typed
//! value, and untyped requests to endpoints the spec lacks. Also: request futures are `'static`
//! and `Send`, so they can be spawned.

use std::time::Duration;

use zephr_admin::reqwest::Method;
use zephr_admin::{Error, TransportErrorKind};

use crate::client;
use crate::server::{Reply, TestServer};
use crate::signature::verify;

#[tokio::test]
async fn extra_query_parameters_and_headers_are_sent_and_signed() {
    let server = TestServer::start().await;
    server.reply(Reply::json(200, r#"{"results":[]}"#));
    client(&server)
        .users()
        .list_users()
        .identifiers_email_address("ada@example.com")
        .query("foreign_key.my_fk", "1234")
        .query("rpp", 5)
        .header("x-request-id", "req-1")
        .await
        .unwrap();
    let request = server.single();
    assert!(
        request.query.ends_with("&foreign_key.my_fk=1234&rpp=5"),
        "{}",
        request.query
    );
    assert_eq!(request.header("x-request-id"), Some("req-1"));
    verify(&request);
}

#[tokio::test]
async fn an_invalid_extra_header_fails_the_request_before_sending() {
    let server = TestServer::start().await;
    let error = client(&server)
        .bundle()
        .list_bundles()
        .header("bad header", "v")
        .await
        .unwrap_err();
    assert!(matches!(error, Error::InvalidRequest(_)), "{error:?}");
    let error = client(&server)
        .bundle()
        .list_bundles()
        .header("x-ok", "line\nbreak")
        .await
        .unwrap_err();
    assert!(matches!(error, Error::InvalidRequest(_)), "{error:?}");
    assert!(server.received().is_empty());
}

#[tokio::test]
async fn a_request_can_have_its_own_timeout() {
    let server = TestServer::start().await;
    server.reply(Reply::json(200, "{}").delay(Duration::from_millis(500)));
    let error = client(&server)
        .bundle()
        .list_bundles()
        .timeout(Duration::from_millis(100))
        .await
        .unwrap_err();
    let Error::Transport(transport) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(transport.kind(), TransportErrorKind::Timeout);
}

#[tokio::test]
async fn the_raw_response_comes_with_the_typed_value() {
    let server = TestServer::start().await;
    let body = r#"{"results":[{"id":"gold","label":"Gold"}]}"#;
    server.reply(
        Reply::json(200, body)
            .header("x-ratelimit-remaining", "41")
            .header("location", "/v3/bundles/gold"),
    );
    let response = client(&server)
        .bundle()
        .list_bundles()
        .send_with_response()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(response.headers()["x-ratelimit-remaining"], "41");
    assert_eq!(response.headers()["location"], "/v3/bundles/gold");
    assert_eq!(&response.raw_body()[..], body.as_bytes());
    // Derefs to the typed body.
    assert_eq!(
        response.results.as_ref().unwrap()[0].id.as_deref(),
        Some("gold")
    );
    let bundles = response.into_body();
    assert_eq!(bundles.results.unwrap().len(), 1);
    verify(&server.single());
}

#[tokio::test]
async fn untyped_requests_are_signed_retried_and_decoded() {
    let server = TestServer::start().await;
    server
        .reply(Reply::status(503))
        .reply(Reply::json(200, r#"{"widgets":[1,2]}"#));
    let client = zephr_admin::Client::builder()
        .base_url(server.url())
        .credentials(crate::signature::ACCESS_KEY, crate::signature::SECRET_KEY)
        .retry(zephr_admin::RetryPolicy::new(2).initial_backoff(Duration::from_millis(5)))
        .build()
        .unwrap();
    let value: serde_json::Value = client
        .request(Method::GET, "/v3/not-in-the-spec/a%20b")
        .query("page", 2)
        .send_json()
        .await
        .unwrap();
    assert_eq!(value["widgets"][1], 2);
    let [first, second] = &server.received()[..] else {
        panic!("a retry expected")
    };
    assert_eq!(
        (first.path.as_str(), first.query.as_str()),
        ("/v3/not-in-the-spec/a%20b", "page=2")
    );
    assert_ne!(verify(first).nonce, verify(second).nonce);

    server.reply(Reply::json(201, r#"{"ok":true}"#));
    let created = client
        .request(Method::POST, "/v3/things")
        .json(&serde_json::json!({"a": 1}))
        .send_with_response()
        .await
        .unwrap();
    assert_eq!(created.status().as_u16(), 201);
    assert_eq!(created.body().text().unwrap(), r#"{"ok":true}"#);
    let posted = &server.received()[2];
    assert_eq!(&posted.body[..], br#"{"a":1}"#);
    assert_eq!(posted.header("content-type"), Some("application/json"));
    verify(posted);

    for bad in ["no-slash", "/a?b=c", "/a/../b", "/a/%2E%2e/b", "/sp ace"] {
        let error = client.request(Method::GET, bad).await.unwrap_err();
        assert!(
            matches!(error, Error::InvalidRequest(_)),
            "{bad}: {error:?}"
        );
    }
}

#[tokio::test]
async fn request_futures_can_be_spawned() {
    let server = TestServer::start().await;
    server
        .reply(Reply::json(200, "[]"))
        .reply(Reply::json(200, "[]"));
    let client = client(&server);
    // Owned arguments (a `String` that goes out of scope), a cloned client: 'static + Send.
    let handles: Vec<_> = (0..2)
        .map(|i| {
            let account = format!("account-{i}");
            tokio::spawn(client.grants().list_account_grants(account).into_future())
        })
        .collect();
    for handle in handles {
        handle.await.unwrap().unwrap();
    }
    let mut paths: Vec<String> = server.received().iter().map(|r| r.path.clone()).collect();
    paths.sort();
    assert_eq!(
        paths,
        [
            "/v3/accounts/account-0/grants",
            "/v3/accounts/account-1/grants"
        ]
    );
}
