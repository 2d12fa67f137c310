//! Opt-in retries: which failures are retried, and that every attempt is signed afresh.

use std::time::Duration;

use zephr_admin::{Client, Error, RetryPolicy};

use crate::server::{Reply, TestServer};
use crate::signature::{ACCESS_KEY, SECRET_KEY, verify};

fn retrying(server: &TestServer, policy: RetryPolicy) -> Client {
    Client::builder()
        .base_url(server.url())
        .credentials(ACCESS_KEY, SECRET_KEY)
        .retry(policy)
        .build()
        .unwrap()
}

fn quick() -> RetryPolicy {
    RetryPolicy::new(3)
        .initial_backoff(Duration::from_millis(5))
        .max_backoff(Duration::from_millis(50))
}

#[tokio::test]
async fn a_retry_is_a_new_request_with_a_new_signature() {
    let server = TestServer::start().await;
    server
        .reply(Reply::status(503))
        .reply(Reply::json(200, r#"{"results":[]}"#));
    let bundles = retrying(&server, quick())
        .bundle()
        .list_bundles()
        .await
        .unwrap();
    assert_eq!(bundles.results, Some(Vec::new()));
    let [first, second] = &server.received()[..] else {
        panic!("two attempts expected")
    };
    let (a, b) = (verify(first), verify(second));
    assert_ne!(a.nonce, b.nonce, "each attempt has its own nonce");
    assert!(b.timestamp >= a.timestamp);
    assert_eq!(
        (first.path.as_str(), second.path.as_str()),
        ("/v3/bundles", "/v3/bundles")
    );
}

#[tokio::test]
async fn retryable_statuses_and_giving_up() {
    let server = TestServer::start().await;
    for status in [429, 502, 504, 503] {
        server.reply(Reply::status(status));
    }
    let error = retrying(&server, quick())
        .bundle()
        .list_bundles()
        .await
        .unwrap_err();
    // Three retries after the first attempt, then the last answer is the error.
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(server.received().len(), 4);
    let nonces: std::collections::HashSet<String> =
        server.received().iter().map(|r| verify(r).nonce).collect();
    assert_eq!(nonces.len(), 4);
}

#[tokio::test]
async fn other_statuses_and_non_idempotent_methods_are_not_retried() {
    let server = TestServer::start().await;
    server.reply(Reply::status(500)).reply(Reply::status(503));
    let client = retrying(&server, quick());
    let error = client.bundle().list_bundles().await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(500));
    // POST is not idempotent: a 503 comes back as it is.
    let error = client.admin_user().issue_key_pair("u").await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(server.received().len(), 2);
}

#[tokio::test]
async fn without_a_policy_nothing_is_retried() {
    let server = TestServer::start().await;
    server.reply(Reply::status(503));
    let client = Client::builder()
        .base_url(server.url())
        .credentials(ACCESS_KEY, SECRET_KEY)
        .build()
        .unwrap();
    assert!(matches!(
        client.bundle().list_bundles().await,
        Err(Error::Status(_))
    ));
    assert_eq!(server.received().len(), 1);
}

#[tokio::test]
async fn retry_after_is_honoured_and_too_long_a_wait_is_not_waited_out() {
    let server = TestServer::start().await;
    // `Retry-After: 0` asks for an immediate retry, but the policy's backoff still applies: a
    // server that keeps saying 0 must not turn the retries into a busy loop.
    server
        .reply(Reply::status(429).header("retry-after", "0"))
        .reply(Reply::json(200, "{}"));
    let patient = RetryPolicy::new(1)
        .initial_backoff(Duration::from_millis(400))
        .max_backoff(Duration::from_secs(3600));
    let started = std::time::Instant::now();
    retrying(&server, patient)
        .bundle()
        .list_bundles()
        .await
        .unwrap();
    assert_eq!(server.received().len(), 2);
    assert!(
        started.elapsed() >= Duration::from_millis(200),
        "at least half the backoff: {:?}",
        started.elapsed()
    );

    let server = TestServer::start().await;
    server.reply(Reply::status(503).header("retry-after", "120"));
    let error = retrying(&server, quick())
        .bundle()
        .list_bundles()
        .await
        .unwrap_err();
    let Error::Status(status) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(status.headers().get("retry-after").unwrap(), "120");
    assert_eq!(
        server.received().len(),
        1,
        "a wait beyond max_backoff returns the response instead"
    );
}

#[tokio::test]
async fn connection_failures_are_retried_until_the_server_is_up() {
    // Reserve a port, free it, and start the server on it only after the first attempts failed.
    let addr = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let client = Client::builder()
        .base_url(format!("http://{addr}"))
        .credentials(ACCESS_KEY, SECRET_KEY)
        .retry(
            RetryPolicy::new(20)
                .initial_backoff(Duration::from_millis(50))
                .max_backoff(Duration::from_millis(200)),
        )
        .build()
        .unwrap();
    let late = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(150)).await;
        TestServer::start_on(addr).await
    });
    client.bundle().list_bundles().await.unwrap();
    let server = late.await.unwrap();
    let received = server.single();
    verify(&received);
}
