//! A stand-in for a generated crate, for the runtime's unit tests: the `Client` and
//! `ClientBuilder` generated code would define, a test server of a two-operation API, and the
//! loopback servers the tests talk to. Test-only: never copied into a generated crate.

// A stand-in has what a generated crate has; not every test uses all of it.
#![allow(dead_code)]

use std::sync::Arc;

use crate::builder::ApiInfo;
use crate::transport::Transport;
use crate::{BuildError, DriftReport, RawRequest, SecretString, ZephrHmacSigner};

crate::client_builder!();

/// Stands in for a generated crate's `Client`: the runtime's own tests build one.
#[derive(Debug, Clone)]
pub struct Client {
    pub(crate) transport: Arc<Transport>,
}

/// Stands in for a generated crate's description of its API: no server of its own (so
/// `base_url` is required), signing not required.
const API: ApiInfo = ApiInfo {
    server: None,
    signer_required: false,
    user_agent: "codegen-runtime",
};

impl Client {
    /// Starts configuring a client.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// The URL every request path is appended to.
    pub fn base_url(&self) -> &str {
        self.transport.shown_base_url()
    }

    /// Where this client's responses departed from the spec, since it was built.
    pub fn drift_report(&self) -> DriftReport {
        self.transport.drift_report()
    }

    /// A request to any path, as a generated client's `request` makes one.
    pub fn request(&self, method: reqwest::Method, path: impl Into<String>) -> RawRequest {
        RawRequest::new(&self.transport, method, path.into())
    }
}

impl ClientBuilder {
    /// Builds the client.
    pub fn build(self) -> Result<Client, BuildError> {
        Ok(Client {
            transport: Arc::new(self.config.build_transport(&API)?),
        })
    }
}

/// Stands in for a generated crate's `testing` module: a test server with no typed stubs, for
/// the engine's own tests.
pub mod test_server {
    use crate::testing::{Recorded, Stub, TestCredentials};
    use crate::testing_auth::Auth;
    use crate::testing_server::{Engine, Example, Route, Settings, Spec};

    /// The stand-in API: two operations, one with an example.
    pub(crate) static SPEC: Spec = Spec {
        routes: &[
            Route {
                operation: "getItem",
                method: "GET",
                path: "/items/{id}",
                signed: true,
            },
            Route {
                operation: "createItem",
                method: "POST",
                path: "/items",
                signed: true,
            },
        ],
        examples: &[Example {
            operation: "getItem",
            status: 200,
            body: r#"{"id":"example"}"#,
        }],
        auth: Auth::ZephrHmac,
    };

    /// A test server of the stand-in API.
    pub struct TestServer {
        engine: Engine,
    }

    impl TestServer {
        pub async fn start() -> TestServer {
            TestServer::start_with(Settings::default()).await
        }

        /// Unstubbed operations are errors, not their examples.
        pub async fn start_strict() -> TestServer {
            TestServer::start_with(Settings {
                strict: true,
                ..Settings::default()
            })
            .await
        }

        async fn start_with(settings: Settings) -> TestServer {
            TestServer {
                engine: Engine::start(&SPEC, settings)
                    .await
                    .expect("a loopback port"),
            }
        }

        pub fn base_url(&self) -> &str {
            self.engine.url()
        }

        pub fn credentials(&self) -> &TestCredentials {
            self.engine.credentials()
        }

        /// A client of this server, signing with its credentials.
        pub fn client(&self) -> crate::Client {
            let credentials = self.credentials();
            crate::Client::builder()
                .base_url(self.base_url())
                .credentials(credentials.access_key(), credentials.secret())
                .build()
                .expect("a client of the test server")
        }

        pub fn operation(&self, operation: &'static str) -> Stub {
            self.engine.stub(operation)
        }

        pub fn requests(&self) -> Vec<Recorded> {
            self.engine.requests()
        }

        pub fn unmatched(&self) -> Vec<String> {
            self.engine.unmatched()
        }

        pub fn allow_unmatched(&self) {
            self.engine.allow_unmatched()
        }

        pub(crate) fn bodies(&self, operation: &str) -> Vec<bytes::Bytes> {
            self.engine.bodies(operation)
        }
    }
}

impl ClientBuilder {
    /// Signs with a Zephr key pair (a generated crate's setter, for the stand-in's tests).
    pub fn credentials(
        self,
        access_key: impl Into<String>,
        secret_key: impl Into<SecretString>,
    ) -> Self {
        self.signer(ZephrHmacSigner::new(access_key, secret_key))
    }
}

/// A loopback HTTP server for the runtime's unit tests: answers each request with the next
/// scripted reply and keeps what it received.
pub mod loopback {
    use std::collections::VecDeque;
    use std::sync::{Arc, Mutex};

    use bytes::Bytes;
    use http_body_util::{BodyExt, Full};
    use hyper::service::service_fn;

    /// A request as the server saw it: method, path with query, headers, body.
    #[derive(Debug, Clone)]
    pub(crate) struct Received {
        pub(crate) method: String,
        pub(crate) target: String,
        pub(crate) headers: hyper::HeaderMap,
        pub(crate) body: Bytes,
    }

    /// A scripted reply: status, headers, body.
    pub(crate) type Reply = (u16, Vec<(&'static str, &'static str)>, &'static str);

    pub(crate) struct Server {
        pub(crate) url: String,
        received: Arc<Mutex<Vec<Received>>>,
        task: tokio::task::JoinHandle<()>,
    }

    impl Server {
        pub(crate) async fn start(replies: Vec<Reply>) -> Server {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            let url = format!("http://{}", listener.local_addr().unwrap());
            let replies = Arc::new(Mutex::new(VecDeque::from(replies)));
            let received = Arc::new(Mutex::new(Vec::new()));
            let log = Arc::clone(&received);
            let task = tokio::spawn(async move {
                while let Ok((stream, _)) = listener.accept().await {
                    let (replies, log) = (Arc::clone(&replies), Arc::clone(&log));
                    tokio::spawn(async move {
                        let service =
                            service_fn(move |request: hyper::Request<hyper::body::Incoming>| {
                                let (replies, log) = (Arc::clone(&replies), Arc::clone(&log));
                                async move {
                                    let (parts, body) = request.into_parts();
                                    let body = body
                                        .collect()
                                        .await
                                        .map(|b| b.to_bytes())
                                        .unwrap_or_default();
                                    let target = parts
                                        .uri
                                        .path_and_query()
                                        .map_or("/", |p| p.as_str())
                                        .to_owned();
                                    log.lock().unwrap().push(Received {
                                        method: parts.method.to_string(),
                                        target,
                                        headers: parts.headers,
                                        body,
                                    });
                                    let (status, headers, body) = replies
                                        .lock()
                                        .unwrap()
                                        .pop_front()
                                        .unwrap_or((200, Vec::new(), "{}"));
                                    let mut response = hyper::Response::builder().status(status);
                                    for (name, value) in headers {
                                        response = response.header(name, value);
                                    }
                                    Ok::<_, std::convert::Infallible>(
                                        response
                                            .body(Full::new(Bytes::from_static(body.as_bytes())))
                                            .unwrap(),
                                    )
                                }
                            });
                        let io = hyper_util::rt::TokioIo::new(stream);
                        let _ = hyper::server::conn::http1::Builder::new()
                            .serve_connection(io, service)
                            .await;
                    });
                }
            });
            Server {
                url,
                received,
                task,
            }
        }

        pub(crate) fn received(&self) -> Vec<Received> {
            self.received.lock().unwrap().clone()
        }

        /// A client of this server, signing nothing.
        pub(crate) fn client(&self) -> crate::Client {
            crate::Client::builder()
                .base_url(&self.url)
                .build()
                .unwrap()
        }
    }

    impl Drop for Server {
        fn drop(&mut self) {
            self.task.abort();
        }
    }
}

/// A raw HTTP server on loopback for the unit tests of streams (chunked bodies, cut as told).
pub mod test_http {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    /// A server on loopback that answers one request with `chunks`, each its own chunk of a
    /// chunked body, written and flushed apart.
    pub(crate) async fn serve_chunks(
        chunks: Vec<Vec<u8>>,
        content_type: &'static str,
    ) -> (String, tokio::task::JoinHandle<()>) {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/", listener.local_addr().unwrap());
        let task = tokio::spawn(async move {
            let (mut socket, _) = listener.accept().await.unwrap();
            let mut head = Vec::new();
            let mut byte = [0u8; 1];
            while !head.ends_with(b"\r\n\r\n") {
                if socket.read_exact(&mut byte).await.is_err() {
                    return;
                }
                head.push(byte[0]);
            }
            let start = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: {content_type}\r\ntransfer-encoding: chunked\r\n\r\n"
            );
            let _ = socket.write_all(start.as_bytes()).await;
            for chunk in chunks.iter().filter(|c| !c.is_empty()) {
                let mut frame = format!("{:x}\r\n", chunk.len()).into_bytes();
                frame.extend_from_slice(chunk);
                frame.extend_from_slice(b"\r\n");
                let _ = socket.write_all(&frame).await;
                let _ = socket.flush().await;
            }
            let _ = socket.write_all(b"0\r\n\r\n").await;
        });
        (url, task)
    }

    /// A `ByteStream` of a plain GET to `url`.
    pub(crate) async fn open(url: &str) -> crate::stream::ByteStream {
        let response = crate::http_client_builder()
            .unwrap()
            .build()
            .unwrap()
            .get(url)
            .send()
            .await
            .unwrap();
        crate::stream::ByteStream::new(
            crate::transport::Opened {
                response,
                method: reqwest::Method::GET,
                path: "/".to_owned(),
                deadline: None,
                timeout: Some(std::time::Duration::from_secs(5)),
            },
            1 << 20,
        )
    }
}
