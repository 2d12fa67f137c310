//! Servers that misbehave: huge, endless and trickling bodies, answers that never come,
//! redirects, hostile bytes in bodies. Each ends in a clear error within the client's limits.
//!
//! Most of these need a server that breaks HTTP's expectations, so they use a raw TCP server
//! that writes bytes exactly as scripted.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use zephr_admin::{Client, Error, RedirectPolicy, RetryPolicy, TransportErrorKind};

use crate::server::{Reply, TestServer};
use crate::signature::{ACCESS_KEY, SECRET_KEY, verify};

/// A server that hands every connection to `script`; counts connections.
struct RawServer {
    addr: SocketAddr,
    connections: Arc<AtomicUsize>,
    task: tokio::task::JoinHandle<()>,
}

impl RawServer {
    async fn start<F, Fut>(script: F) -> RawServer
    where
        F: Fn(TcpStream) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let connections = Arc::new(AtomicUsize::new(0));
        let counter = connections.clone();
        let script = Arc::new(script);
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                counter.fetch_add(1, Ordering::SeqCst);
                tokio::spawn(script(stream));
            }
        });
        RawServer {
            addr,
            connections,
            task,
        }
    }

    fn url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

impl Drop for RawServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Reads the request head (and ignores it).
async fn read_head(stream: &mut TcpStream) {
    let mut buffer = Vec::new();
    let mut byte = [0u8; 1];
    while !buffer.ends_with(b"\r\n\r\n") {
        if stream.read(&mut byte).await.unwrap_or(0) == 0 {
            return;
        }
        buffer.push(byte[0]);
    }
}

fn client(url: &str) -> zephr_admin::ClientBuilder {
    Client::builder()
        .base_url(url)
        .credentials(ACCESS_KEY, SECRET_KEY)
}

fn product() -> zephr_admin::types::ProductRequest {
    use zephr_admin::types::{ProductEntitlement, ProductMapping, ProductRequest};
    ProductRequest::new(
        "Gold",
        ProductEntitlement::default(),
        ProductMapping::default(),
    )
}

fn transport_kind<E: std::fmt::Debug>(error: &Error<E>) -> TransportErrorKind {
    match error {
        Error::Transport(e) => e.kind(),
        other => panic!("expected a transport error, got {other:?}"),
    }
}

#[tokio::test]
async fn a_declared_huge_body_is_refused_before_reading() {
    let server = RawServer::start(|mut stream| async move {
        read_head(&mut stream).await;
        let _ = stream
            .write_all(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2147483648\r\n\r\n{\"results\":[")
            .await;
        // Then nothing more: the client must not wait for the 2 GiB.
        tokio::time::sleep(Duration::from_secs(30)).await;
    })
    .await;
    let client = client(&server.url()).build().unwrap();
    let error = client.bundle().list_bundles().await.unwrap_err();
    assert_eq!(
        transport_kind(&error),
        TransportErrorKind::BodyTooLarge {
            limit: zephr_admin::DEFAULT_MAX_RESPONSE_BYTES
        }
    );
    assert!(
        error.to_string().contains("larger than the limit"),
        "{error}"
    );
    assert_eq!(server.connections.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn an_endless_body_stops_at_the_limit() {
    let server = RawServer::start(|mut stream| async move {
        read_head(&mut stream).await;
        let _ = stream.write_all(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n").await;
        let chunk = format!("{:x}\r\n{}\r\n", 64 * 1024, "a".repeat(64 * 1024));
        while stream.write_all(chunk.as_bytes()).await.is_ok() {}
    })
    .await;
    let client = client(&server.url())
        .max_response_bytes(1024 * 1024)
        .build()
        .unwrap();
    let error = client.bundle().list_bundles().await.unwrap_err();
    assert_eq!(
        transport_kind(&error),
        TransportErrorKind::BodyTooLarge { limit: 1024 * 1024 }
    );
}

#[tokio::test]
async fn a_trickling_body_times_out() {
    let server = RawServer::start(|mut stream| async move {
        read_head(&mut stream).await;
        let _ = stream.write_all(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n").await;
        for _ in 0..1000 {
            if stream.write_all(b" ").await.is_err() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    })
    .await;
    let client = client(&server.url())
        .timeout(Duration::from_millis(400))
        .build()
        .unwrap();
    let error = client.bundle().list_bundles().await.unwrap_err();
    assert_eq!(transport_kind(&error), TransportErrorKind::Timeout);
}

#[tokio::test]
async fn endless_informational_responses_and_silence_time_out() {
    let continues = RawServer::start(|mut stream| async move {
        read_head(&mut stream).await;
        while stream
            .write_all(b"HTTP/1.1 100 Continue\r\n\r\n")
            .await
            .is_ok()
        {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await;
    let silent = RawServer::start(|mut stream| async move {
        read_head(&mut stream).await;
        tokio::time::sleep(Duration::from_secs(30)).await;
    })
    .await;
    for server in [&continues, &silent] {
        let client = client(&server.url()).build().unwrap();
        // The request's own timeout overrides the client's (60 s by default).
        let error = client
            .bundle()
            .list_bundles()
            .timeout(Duration::from_millis(300))
            .await
            .unwrap_err();
        assert_eq!(
            transport_kind(&error),
            TransportErrorKind::Timeout,
            "{error}"
        );
    }
}

#[tokio::test]
async fn redirects_are_returned_by_default() {
    let server = TestServer::start().await;
    server.reply(Reply::status(302).header("location", "/v3/elsewhere"));
    let error = crate::client(&server)
        .bundle()
        .list_bundles()
        .await
        .unwrap_err();
    let Error::Status(status) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(status.status().as_u16(), 302);
    assert_eq!(status.headers()["location"], "/v3/elsewhere");
    assert_eq!(server.received().len(), 1, "not followed");
}

#[tokio::test]
async fn same_origin_redirects_can_be_followed_with_a_fresh_signature() {
    let server = TestServer::start().await;
    server
        .reply(Reply::status(307).header("location", "/v3/products/moved"))
        .reply(Reply::json(200, "{}"));
    let client = client(&server.url())
        .follow_redirects(RedirectPolicy::same_origin(3))
        .build()
        .unwrap();
    client
        .products()
        .save_products("gold", product())
        .await
        .unwrap();
    let [first, second] = &server.received()[..] else {
        panic!("two requests expected")
    };
    assert_eq!(
        (first.method.as_str(), second.method.as_str()),
        ("PUT", "PUT"),
        "307 keeps the method"
    );
    assert_eq!(second.path, "/v3/products/moved");
    assert_eq!(first.body, second.body, "307 keeps the body");
    let (a, b) = (verify(first), verify(second));
    assert_ne!(a.nonce, b.nonce, "the redirected request is signed afresh");
}

#[tokio::test]
async fn cross_origin_redirects_are_never_followed_and_loops_stop() {
    let other = TestServer::start().await;
    let server = TestServer::start().await;
    server
        .reply(Reply::status(308).header("location", &format!("{}/v3/products/gold", other.url())));
    let client = client(&server.url())
        .follow_redirects(RedirectPolicy::same_origin(3))
        .build()
        .unwrap();
    let error = client
        .products()
        .save_products("gold", product())
        .await
        .unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(308));
    assert!(
        other.received().is_empty(),
        "the body never went to the other host"
    );

    for _ in 0..5 {
        server.reply(Reply::status(302).header("location", "/v3/bundles"));
    }
    let error = client.bundle().list_bundles().await.unwrap_err();
    assert_eq!(transport_kind(&error), TransportErrorKind::TooManyRedirects);
    assert_eq!(
        server.received().len(),
        1 + 4,
        "the first request and three hops, then the limit"
    );
}

#[tokio::test]
async fn hostile_bytes_in_a_body_are_escaped_and_bounded_in_messages() {
    let server = TestServer::start().await;
    // An ANSI escape and a forged log line in a value, and a 10 MB key.
    server.reply(Reply::json(
        200,
        "{\"results\": \"\\u001b[31mERROR\\nFAKE LOG LINE\"}",
    ));
    let huge_key = format!(
        "{{\"{}\": 1, \"results\": 5}}",
        "k".repeat(10 * 1024 * 1024)
    );
    server.reply(Reply::json(200, &huge_key));
    let client = crate::client(&server);
    for _ in 0..2 {
        let error = client.bundle().list_bundles().await.unwrap_err();
        let text = error.to_string();
        assert!(matches!(error, Error::Decode(_)), "{error:?}");
        assert!(!text.contains('\u{1b}') && !text.contains('\n'), "{text:?}");
        assert!(text.len() < 2_000, "{} bytes", text.len());
    }
}

#[tokio::test]
async fn passwords_in_the_base_url_are_redacted() {
    let client = Client::builder()
        .base_url("http://user:hunter2@127.0.0.1:9")
        .credentials(ACCESS_KEY, SECRET_KEY)
        .connect_timeout(Duration::from_millis(200));
    assert!(!format!("{client:?}").contains("hunter2"));
    let client = client.build().unwrap();
    assert!(!format!("{client:?}").contains("hunter2"));
    let error = client.bundle().list_bundles().await.unwrap_err();
    assert!(!format!("{error} {error:?}").contains("hunter2"));
    let error = Client::builder()
        .base_url("ftp://user:hunter2@host")
        .without_signing()
        .build()
        .unwrap_err();
    assert!(!error.to_string().contains("hunter2"), "{error}");
}

#[tokio::test]
async fn bodiless_posts_say_content_length_zero() {
    let server = TestServer::start().await;
    crate::client(&server)
        .admin_user()
        .issue_key_pair("u")
        .await
        .unwrap();
    assert_eq!(server.single().header("content-length"), Some("0"));
}

#[tokio::test]
async fn retry_classification_per_client_and_per_request() {
    let server = TestServer::start().await;
    server
        .reply(Reply::status(503))
        .reply(Reply::json(200, "{}"));
    let quick = RetryPolicy::new(2).initial_backoff(Duration::from_millis(5));
    let retrying = client(&server.url()).retry(quick.clone()).build().unwrap();
    // A POST is retried only when the request says it is safe to repeat.
    retrying
        .admin_user()
        .issue_key_pair("u")
        .retry(quick.clone().retry_non_idempotent(true))
        .await
        .unwrap();
    assert_eq!(server.received().len(), 2);
    // A GET is retried by the client's policy, unless the request opts out.
    server.reply(Reply::status(503));
    let error = retrying
        .bundle()
        .list_bundles()
        .no_retry()
        .await
        .unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(server.received().len(), 3);

    // Timeouts are retried only when asked: the first attempt times out, the second answers.
    let slow = TestServer::start().await;
    slow.reply(Reply::json(200, "{}").delay(Duration::from_millis(500)));
    let slow_client = client(&slow.url())
        .timeout(Duration::from_millis(200))
        .retry(quick.clone())
        .build()
        .unwrap();
    let error = slow_client.bundle().list_bundles().await.unwrap_err();
    assert_eq!(transport_kind(&error), TransportErrorKind::Timeout);
    assert_eq!(
        slow.received().len(),
        1,
        "a timeout is not retried by default"
    );
    slow.reply(Reply::json(200, "{}").delay(Duration::from_millis(500)))
        .reply(Reply::json(200, "{}"));
    slow_client
        .bundle()
        .list_bundles()
        .retry(quick.retry_timeouts(true))
        .await
        .unwrap();
    assert_eq!(slow.received().len(), 3);
}

#[tokio::test]
async fn a_refused_connection_is_a_connect_error() {
    let server = RawServer::start(|_| async {}).await;
    let url = server.url();
    drop(server);
    tokio::time::sleep(Duration::from_millis(50)).await;
    let error = client(&url)
        .build()
        .unwrap()
        .bundle()
        .list_bundles()
        .await
        .unwrap_err();
    assert_eq!(transport_kind(&error), TransportErrorKind::Connect);
}
