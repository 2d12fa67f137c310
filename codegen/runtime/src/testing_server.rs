//! The engine of a generated crate's test server (feature `testing`): a real HTTP/1.1 server
//! on an ephemeral loopback port, in the test's own process and runtime, that routes each
//! request to its operation, checks its credentials as the API does, answers with the first
//! stub that matches (else the operation's documented example), and records everything.
//!
//! Built on hyper (already in the dependency tree under reqwest), not on wiremock or httpmock:
//! the server must see each request exactly as received (the path still percent-encoded, the
//! raw query, the body bytes) to check its signature, and must be able to misbehave below HTTP
//! (a body that stops halfway, trickles, or never ends) to test what the client does then.
//! The typed layer (stubs per operation, named like the client's methods) is generated.
//!
//! Long, and kept whole: routing, matching, recording and the misbehaving bodies all work on one
//! shared state (`Shared`, behind one lock), and the generated `testing` module names its items by
//! path. About 240 of its lines are unit tests, which are not copied.

use std::convert::Infallible;
use std::fmt::Write as _;
use std::future::Future as _;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::BodyExt;
use hyper::body::{Frame, Incoming, SizeHint};
use hyper::service::service_fn;

use crate::testing_auth::{Auth, Checker, Received, SignatureCheck, TestCredentials};
use crate::testing_stub::{Answer, Fault, Registry, Stub, StubState, printable};

/// One operation, as the server routes requests to it.
pub struct Route {
    pub operation: &'static str,
    pub method: &'static str,
    /// The path template: `/v3/users/{user_id}`.
    pub path: &'static str,
    /// Whether requests to it are signed (`security: []` says an operation is not, and then no
    /// credentials are checked: a login, a token exchange).
    pub signed: bool,
}

/// What an operation answers when nothing is stubbed: its documented example (or, when the
/// spec has none that fits, a minimal value of its type).
pub struct Example {
    pub operation: &'static str,
    pub status: u16,
    /// JSON, or empty for no body.
    pub body: &'static str,
}

/// What only the generated code knows about its API.
pub struct Spec {
    pub routes: &'static [Route],
    pub examples: &'static [Example],
    pub auth: Auth,
}

/// How a server is set up.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Unstubbed operations answer with an error instead of their example.
    pub strict: bool,
    pub max_clock_skew: Duration,
    /// `0` for any free port.
    pub port: u16,
    /// Larger request bodies are refused (`413`).
    pub max_body: usize,
    /// Whether the record can be read and cleared over HTTP, under [`ADMIN_PATH`] (the process
    /// form of the server, whose tests cannot call its methods).
    pub admin: bool,
    /// How long a connection may take to send a request's headers, and then its body
    /// ([`READ_TIMEOUT`] by default).
    pub read_timeout: Duration,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            strict: false,
            max_clock_skew: Duration::from_secs(300),
            port: 0,
            max_body: 16 * 1024 * 1024,
            admin: false,
            read_timeout: READ_TIMEOUT,
        }
    }
}

/// The most requests the server keeps a record of: the last ones (older ones are dropped, and
/// counted: [`Engine::dropped`]). A test that sends more checks them as it goes.
pub const MAX_RECORDED: usize = 1_000;

/// The most bytes of request bodies the record keeps in all (oldest requests dropped first): 40
/// signed 15 MiB bodies kept 679 MB before. A refused request (`401`) is kept without its body.
pub const MAX_RECORDED_BYTES: usize = 64 * 1024 * 1024;

/// The default of [`Settings::read_timeout`]: a client that trickles its headers (1,000 such
/// connections were held 45 s), or announces a body it never sends, is cut off, not waited on.
pub const READ_TIMEOUT: Duration = Duration::from_secs(10);

/// The path of the record in process mode (`GET` reads it as JSON, `DELETE` clears it): a path
/// the server refuses to start with when a route of the spec would match it.
pub const ADMIN_PATH: &str = "/__test-server/requests";

/// A request as the server received it, what it resolved to and how it was answered.
#[derive(Debug, Clone)]
pub struct Recorded {
    operation: Option<&'static str>,
    method: String,
    path: String,
    query: String,
    headers: hyper::HeaderMap,
    body: Bytes,
    signature: SignatureCheck,
    status: u16,
}

impl Recorded {
    /// The operation the request's method and path resolved to (its `operationId`).
    pub fn operation(&self) -> Option<&'static str> {
        self.operation
    }

    pub fn method(&self) -> &str {
        &self.method
    }

    /// The path as sent: still percent-encoded.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The raw query, without `?`; empty when there is none.
    pub fn query(&self) -> &str {
        &self.query
    }

    pub fn headers(&self) -> &hyper::HeaderMap {
        &self.headers
    }

    /// One header's value, if it is text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The body exactly as received.
    pub fn body(&self) -> &Bytes {
        &self.body
    }

    /// What the server made of the request's credentials.
    pub fn signature(&self) -> SignatureCheck {
        self.signature
    }

    /// The status the server answered with.
    pub fn status(&self) -> u16 {
        self.status
    }
}

/// A running server. It stops when dropped; if a request matched no stub, dropping it fails the
/// test with what each request was and how the closest stubs differ from it.
pub struct Engine {
    url: String,
    shared: Arc<Shared>,
    task: tokio::task::JoinHandle<()>,
}

pub struct Shared {
    spec: &'static Spec,
    settings: Settings,
    credentials: TestCredentials,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    checker: Option<Checker>,
    stubs: Vec<Arc<Mutex<StubState>>>,
    /// The last [`MAX_RECORDED`] requests, within [`MAX_RECORDED_BYTES`] of bodies.
    requests: std::collections::VecDeque<Recorded>,
    recorded_bytes: usize,
    /// Requests dropped from the record to keep it within its bounds.
    dropped: u64,
    /// Requests no stub matched, each with what to fix.
    unmatched: Vec<String>,
    allow_unmatched: bool,
}

impl State {
    /// Records `request`, dropping the oldest ones beyond the record's bounds.
    fn record(&mut self, request: Recorded) {
        self.recorded_bytes += request.body.len();
        self.requests.push_back(request);
        while self.requests.len() > MAX_RECORDED || self.recorded_bytes > MAX_RECORDED_BYTES {
            let Some(oldest) = self.requests.pop_front() else {
                break;
            };
            self.recorded_bytes -= oldest.body.len();
            self.dropped += 1;
        }
    }
}

impl Shared {
    fn state(&self) -> MutexGuard<'_, State> {
        // A test that panicked while holding the lock must not hide what the server saw.
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl Registry for Shared {
    fn register(&self, stub: StubState) -> Arc<Mutex<StubState>> {
        let stub = Arc::new(Mutex::new(stub));
        self.state().stubs.push(Arc::clone(&stub));
        stub
    }
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine")
            .field("url", &self.url)
            .finish_non_exhaustive()
    }
}

impl Engine {
    /// Binds `127.0.0.1` (on `settings.port`, else a free one) and serves on the current tokio
    /// runtime until dropped.
    pub async fn start(spec: &'static Spec, settings: Settings) -> std::io::Result<Engine> {
        if settings.admin
            && let Some((route, _)) = route(spec.routes, "GET", ADMIN_PATH)
                .or_else(|| route(spec.routes, "DELETE", ADMIN_PATH))
        {
            return Err(std::io::Error::other(format!(
                "the operation `{}` ({}) would answer the record's path {ADMIN_PATH}",
                route.operation, route.path
            )));
        }
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", settings.port)).await?;
        let url = format!("http://{}", listener.local_addr()?);
        let credentials = TestCredentials::random();
        let checker = Checker::new(spec.auth, credentials.clone(), settings.max_clock_skew);
        let shared = Arc::new(Shared {
            spec,
            settings,
            credentials,
            state: Mutex::new(State {
                checker: Some(checker),
                ..State::default()
            }),
        });
        let serving = Arc::clone(&shared);
        let task = tokio::spawn(async move {
            loop {
                let stream = match listener.accept().await {
                    Ok((stream, _)) => stream,
                    // Out of file descriptors, or a connection reset before it was accepted:
                    // the server goes on (it stopped for good before), after a pause that lets
                    // connections close.
                    Err(error) => {
                        eprintln!("test server: could not accept a connection ({error}); going on");
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    }
                };
                let shared = Arc::clone(&serving);
                let read_timeout = shared.settings.read_timeout;
                tokio::spawn(async move {
                    let service = service_fn(move |request| answer(Arc::clone(&shared), request));
                    let _ = hyper::server::conn::http1::Builder::new()
                        .timer(hyper_util::rt::TokioTimer::new())
                        .header_read_timeout(read_timeout)
                        .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        Ok(Engine { url, shared, task })
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    pub fn credentials(&self) -> &TestCredentials {
        &self.shared.credentials
    }

    /// A stub of `operation` (its `operationId`) to set up.
    pub fn stub(&self, operation: &'static str) -> Stub {
        let server: Arc<Shared> = Arc::clone(&self.shared);
        Stub::new(server, operation)
    }

    /// The last requests received (at most [`MAX_RECORDED`], within [`MAX_RECORDED_BYTES`]).
    pub fn requests(&self) -> Vec<Recorded> {
        self.shared.state().requests.iter().cloned().collect()
    }

    /// How many requests were dropped from the record to keep it within its bounds.
    pub fn dropped(&self) -> u64 {
        self.shared.state().dropped
    }

    /// Forgets every request received so far.
    pub fn clear(&self) {
        let mut state = self.shared.state();
        state.requests.clear();
        state.recorded_bytes = 0;
    }

    /// The bodies of the requests to `operation`, in order.
    #[allow(dead_code)] // used when the spec has JSON request bodies
    pub fn bodies(&self, operation: &str) -> Vec<Bytes> {
        self.shared
            .state()
            .requests
            .iter()
            .filter(|r| r.operation == Some(operation))
            .map(|r| r.body.clone())
            .collect()
    }

    pub fn unmatched(&self) -> Vec<String> {
        self.shared.state().unmatched.clone()
    }

    pub fn allow_unmatched(&self) {
        self.shared.state().allow_unmatched = true;
    }
}

impl Drop for Engine {
    fn drop(&mut self) {
        self.task.abort();
        let state = self.shared.state();
        if !state.unmatched.is_empty() && !state.allow_unmatched && !std::thread::panicking() {
            let report = state.unmatched.join("\n\n");
            drop(state);
            panic!(
                "the test server got requests it had no answer for:\n\n{report}\n\n(if that is what the test is about, call `allow_unmatched()`)"
            );
        }
    }
}

/// A JSON error body of the server's own.
fn error(status: u16, body: serde_json::Value) -> Answer {
    Answer::json(status, &body)
}

async fn answer(
    shared: Arc<Shared>,
    request: hyper::Request<Incoming>,
) -> Result<hyper::Response<AnswerBody>, Infallible> {
    let (parts, body) = request.into_parts();
    let read = http_body_util::Limited::new(body, shared.settings.max_body).collect();
    let body = match tokio::time::timeout(shared.settings.read_timeout, read).await {
        Ok(Ok(body)) => body.to_bytes(),
        Ok(Err(_)) => return Ok(error(
            413,
            serde_json::json!({"error": "the request body is larger than the test server accepts"}),
        )
        .into_response()),
        Err(_) => {
            return Ok(error(
                408,
                serde_json::json!({"error": "the request body did not arrive in time"}),
            )
            .into_response());
        }
    };
    let method = parts.method.as_str().to_owned();
    let path = parts.uri.path().to_owned();
    let query = parts.uri.query().unwrap_or("").to_owned();
    if shared.settings.admin && path == ADMIN_PATH {
        return Ok(admin(&shared, &method).into_response());
    }
    let route = route(shared.spec.routes, &method, &path);
    let (chosen, signature) = {
        let mut state = shared.state();
        let received = Received {
            method: &method,
            path: &path,
            query: &query,
            headers: &parts.headers,
            body: &body,
        };
        let signed = route.as_ref().is_none_or(|(route, _)| route.signed);
        let signature = match state.checker.as_mut() {
            Some(checker) if signed => checker.check(&received),
            _ => SignatureCheck::NotChecked,
        };
        let chosen = match (signature, &route) {
            (SignatureCheck::Refused(reason), _) => error(
                401,
                serde_json::json!({"error": "unauthorized", "reason": reason.as_str()}),
            ),
            (_, None) => {
                let problem = format!(
                    "{method} {} matches no operation of the spec{}",
                    printable(&path),
                    closest_routes(shared.spec.routes, &path)
                );
                state.unmatched.push(problem.clone());
                error(
                    404,
                    serde_json::json!({"error": "no operation of the spec has this method and path", "detail": problem}),
                )
            }
            (_, Some((route, params))) => choose(
                &shared,
                &mut state,
                route,
                params,
                &query,
                &parts.headers,
                &body,
            ),
        };
        (chosen, signature)
    };
    // A refused request is kept without its body: nothing was done with it.
    let body = match signature {
        SignatureCheck::Refused(_) => Bytes::new(),
        _ => body,
    };
    shared.state().record(Recorded {
        operation: route.as_ref().map(|(r, _)| r.operation),
        method,
        path,
        query,
        headers: parts.headers,
        body,
        signature,
        status: chosen.status,
    });
    if !chosen.delay.is_zero() {
        tokio::time::sleep(chosen.delay).await;
    }
    Ok(chosen.into_response())
}

/// The record, for the process form's tests: `GET` lists it (each request's operation,
/// method, path, query, status and signature check, and its body as text when it is UTF-8),
/// `DELETE` clears it.
fn admin(shared: &Shared, method: &str) -> Answer {
    let mut state = shared.state();
    match method {
        "GET" => {
            let requests: Vec<serde_json::Value> = state
                .requests
                .iter()
                .map(|r| {
                    serde_json::json!({
                        "operation": r.operation,
                        "method": r.method,
                        "path": r.path,
                        "query": r.query,
                        "status": r.status,
                        "signature": format!("{:?}", r.signature),
                        "body": std::str::from_utf8(&r.body).ok(),
                        "body_len": r.body.len(),
                    })
                })
                .collect();
            Answer::json(
                200,
                &serde_json::json!({"requests": requests, "dropped": state.dropped}),
            )
        }
        "DELETE" => {
            state.requests.clear();
            state.recorded_bytes = 0;
            Answer::json(200, &serde_json::json!({"cleared": true}))
        }
        _ => error(405, serde_json::json!({"error": "GET or DELETE"})),
    }
}

/// The answer for a request that resolved to `route`: the most recently registered stub that
/// matches it, else (with no stub for the operation) its example, else a diagnosis.
fn choose(
    shared: &Shared,
    state: &mut State,
    route: &Route,
    params: &[(&str, &str)],
    query: &str,
    headers: &hyper::HeaderMap,
    body: &Bytes,
) -> Answer {
    let request = crate::testing_stub::Incoming {
        params,
        query,
        headers,
        body,
    };
    let mut differences = Vec::new();
    for stub in state.stubs.iter().rev() {
        let mut stub = stub.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if stub.operation != route.operation {
            continue;
        }
        match stub.matches(&request) {
            Ok(()) if stub.exhausted() => differences.push(format!(
                "{}: used up ({} times)",
                stub.describe(),
                stub.calls
            )),
            Ok(()) => return stub.next_answer(),
            Err(differs) => {
                differences.push(format!("{}: {}", stub.describe(), differs.join("; ")))
            }
        }
    }
    let label = format!("{} {} ({})", route.method, route.path, route.operation);
    if differences.is_empty() && !shared.settings.strict {
        if let Some(example) = shared
            .spec
            .examples
            .iter()
            .find(|e| e.operation == route.operation)
        {
            return Answer::raw_json(example.status, example.body);
        }
        return Answer::status(200);
    }
    let problem = if differences.is_empty() {
        format!(
            "{label}: no stub, and the server is strict (unstubbed operations are errors): stub `{}`",
            route.operation
        )
    } else {
        let mut text =
            format!("{label}: no stub matches; the stubs of this operation, most recent first:");
        for difference in &differences {
            let _ = write!(text, "\n  - {difference}");
        }
        text
    };
    state.unmatched.push(problem.clone());
    let status = if differences.is_empty() { 501 } else { 404 };
    error(
        status,
        serde_json::json!({"error": "the test server has no answer for this request", "operation": route.operation, "detail": problem}),
    )
}

/// The route for `method` and `path`, with its path parameters (still percent-encoded): the one
/// with the most literal segments when several match.
fn route<'r, 'p>(
    routes: &'r [Route],
    method: &str,
    path: &'p str,
) -> Option<(&'r Route, Vec<(&'r str, &'p str)>)> {
    routes
        .iter()
        .filter(|r| r.method.eq_ignore_ascii_case(method))
        .filter_map(|r| params(r.path, path).map(|p| (r, p)))
        .min_by_key(|(_, p)| p.len())
}

/// The parameters of `path` by `template`, when it matches: a segment is literal, or one
/// `{name}` with an optional literal prefix and suffix (`{id}.json`).
fn params<'t, 'p>(template: &'t str, path: &'p str) -> Option<Vec<(&'t str, &'p str)>> {
    let (templates, segments): (Vec<&str>, Vec<&str>) =
        (template.split('/').collect(), path.split('/').collect());
    if templates.len() != segments.len() {
        return None;
    }
    let mut out = Vec::new();
    for (t, s) in templates.into_iter().zip(segments) {
        match (t.find('{'), t.rfind('}')) {
            (Some(open), Some(close)) if open < close => {
                let (prefix, suffix) = (&t[..open], &t[close + 1..]);
                let value = s.strip_prefix(prefix)?.strip_suffix(suffix)?;
                if value.is_empty() {
                    return None;
                }
                out.push((&t[open + 1..close], value));
            }
            _ if t == s => {}
            _ => return None,
        }
    }
    Some(out)
}

/// A hint for a path that matches no route: the templates that share the most segments with it.
fn closest_routes(routes: &[Route], path: &str) -> String {
    let shared = |template: &str| {
        template
            .split('/')
            .zip(path.split('/'))
            .take_while(|(t, s)| t == s || t.starts_with('{'))
            .count()
    };
    let best = routes.iter().map(|r| shared(r.path)).max().unwrap_or(0);
    let mut close: Vec<String> = routes
        .iter()
        .filter(|r| best > 1 && shared(r.path) == best)
        .map(|r| format!("{} {}", r.method, r.path))
        .collect();
    close.dedup();
    if close.is_empty() {
        String::new()
    } else {
        format!("; the closest are: {}", close.join(", "))
    }
}

impl Answer {
    fn into_response(self) -> hyper::Response<AnswerBody> {
        let mut response = hyper::Response::builder().status(self.status);
        for (name, value) in &self.headers {
            response = response.header(name.as_str(), value.as_str());
        }
        let body = AnswerBody::new(self.body, self.fault);
        response.body(body).unwrap_or_else(|_| {
            let mut fallback = hyper::Response::new(AnswerBody::new(
                Bytes::from_static(b"a stub's status or header is not valid HTTP"),
                None,
            ));
            *fallback.status_mut() = hyper::StatusCode::INTERNAL_SERVER_ERROR;
            fallback
        })
    }
}

/// A response body that may misbehave (see [`Fault`]).
pub struct AnswerBody {
    state: BodyState,
}

enum BodyState {
    Done,
    Whole(Bytes),
    /// `data`, then the connection is dropped.
    ThenReset(Bytes),
    Trickle {
        data: Bytes,
        chunk: usize,
        every: Duration,
        sleep: Option<Pin<Box<tokio::time::Sleep>>>,
    },
    Endless {
        left: u64,
        chunk: Bytes,
    },
}

impl AnswerBody {
    fn new(body: Bytes, fault: Option<Fault>) -> Self {
        let state = match fault {
            None => BodyState::Whole(body),
            Some(Fault::Reset) => BodyState::ThenReset(body.slice(..body.len() / 2)),
            Some(Fault::Truncated) => BodyState::Whole(body.slice(..body.len() / 2)),
            Some(Fault::Trickle { chunk, every }) => BodyState::Trickle {
                data: body,
                chunk: chunk.max(1),
                every,
                sleep: None,
            },
            Some(Fault::Oversized { bytes }) => BodyState::Endless {
                left: bytes,
                chunk: Bytes::from(vec![b' '; 64 * 1024]),
            },
        };
        AnswerBody { state }
    }
}

impl hyper::body::Body for AnswerBody {
    type Data = Bytes;
    type Error = std::io::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, std::io::Error>>> {
        let state = std::mem::replace(&mut self.state, BodyState::Done);
        let (next, frame) = match state {
            BodyState::Done => (BodyState::Done, None),
            BodyState::Whole(data) if data.is_empty() => (BodyState::Done, None),
            BodyState::Whole(data) => (BodyState::Done, Some(Ok(Frame::data(data)))),
            BodyState::ThenReset(data) if data.is_empty() => (
                BodyState::Done,
                Some(Err(std::io::Error::other(
                    "a fault: the connection is reset mid-body",
                ))),
            ),
            BodyState::ThenReset(data) => (
                BodyState::ThenReset(Bytes::new()),
                Some(Ok(Frame::data(data))),
            ),
            BodyState::Trickle { data, .. } if data.is_empty() => (BodyState::Done, None),
            BodyState::Trickle {
                mut data,
                chunk,
                every,
                sleep,
            } => {
                let mut sleep = sleep.unwrap_or_else(|| Box::pin(tokio::time::sleep(every)));
                if sleep.as_mut().poll(cx).is_pending() {
                    self.state = BodyState::Trickle {
                        data,
                        chunk,
                        every,
                        sleep: Some(sleep),
                    };
                    return Poll::Pending;
                }
                let piece = data.split_to(chunk.min(data.len()));
                (
                    BodyState::Trickle {
                        data,
                        chunk,
                        every,
                        sleep: None,
                    },
                    Some(Ok(Frame::data(piece))),
                )
            }
            BodyState::Endless { left: 0, .. } => (BodyState::Done, None),
            BodyState::Endless { left, chunk } => {
                let piece = chunk.slice(..(chunk.len() as u64).min(left) as usize);
                (
                    BodyState::Endless {
                        left: left - piece.len() as u64,
                        chunk,
                    },
                    Some(Ok(Frame::data(piece))),
                )
            }
        };
        self.state = next;
        Poll::Ready(frame)
    }

    fn is_end_stream(&self) -> bool {
        matches!(self.state, BodyState::Done)
            || matches!(&self.state, BodyState::Whole(d) if d.is_empty())
    }

    fn size_hint(&self) -> SizeHint {
        match &self.state {
            BodyState::Done => SizeHint::with_exact(0),
            BodyState::Whole(data) => SizeHint::with_exact(data.len() as u64),
            _ => SizeHint::default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_take_parameters_from_segments_and_prefer_literals() {
        const ROUTES: &[Route] = &[
            Route {
                operation: "getUser",
                method: "GET",
                path: "/v3/users/{user_id}",
                signed: true,
            },
            Route {
                operation: "listMine",
                method: "GET",
                path: "/v3/users/me",
                signed: true,
            },
            Route {
                operation: "getFile",
                method: "GET",
                path: "/files/{name}.json",
                signed: true,
            },
        ];
        let (r, p) = route(ROUTES, "GET", "/v3/users/a%20b").unwrap();
        assert_eq!((r.operation, p), ("getUser", vec![("user_id", "a%20b")]));
        assert_eq!(
            route(ROUTES, "GET", "/v3/users/me").unwrap().0.operation,
            "listMine"
        );
        assert_eq!(
            route(ROUTES, "get", "/files/x.json").unwrap().1,
            vec![("name", "x")]
        );
        assert!(route(ROUTES, "POST", "/v3/users/u1").is_none());
        assert!(route(ROUTES, "GET", "/v3/users/").is_none());
        assert_eq!(
            closest_routes(ROUTES, "/v3/users/u1/extra"),
            "; the closest are: GET /v3/users/{user_id}"
        );
    }

    use crate::stand_in::test_server::TestServer;
    use crate::testing::{Fault, SignatureCheck};
    use crate::{Error, RetryPolicy, TransportErrorKind};
    use reqwest::Method;

    #[tokio::test]
    async fn an_unstubbed_operation_answers_with_its_example_and_signatures_are_checked() {
        let server = TestServer::start().await;
        let body = server
            .client()
            .request(Method::GET, "/items/i1")
            .await
            .unwrap();
        assert_eq!(body.text().unwrap(), r#"{"id":"example"}"#);
        let recorded = server.requests();
        assert_eq!(
            (recorded[0].operation(), recorded[0].signature()),
            (Some("getItem"), SignatureCheck::Valid)
        );
        // Signed with another secret: refused as the real API would, with the reason kept.
        let forger = crate::Client::builder()
            .base_url(server.base_url())
            .credentials(server.credentials().access_key(), "not-the-secret")
            .build()
            .unwrap();
        let error = forger.request(Method::GET, "/items/i1").await.unwrap_err();
        assert_eq!(error.status().map(|s| s.as_u16()), Some(401));
        assert!(
            error
                .body()
                .is_some_and(|b| String::from_utf8_lossy(b).contains("wrong-signature"))
        );
        assert_eq!(
            server.requests()[1].signature(),
            SignatureCheck::Refused(crate::testing::AuthFailure::WrongSignature)
        );
    }

    #[tokio::test]
    async fn stubs_match_on_path_query_and_body_and_answer_in_sequence() {
        let server = TestServer::start().await;
        let _ = server
            .operation("getItem")
            .path_param("id", "i 1")
            .query("view", "full")
            .returns_json(200, &serde_json::json!({"id": "i 1"}));
        let retry = server
            .operation("createItem")
            .json_body(&serde_json::json!({"name": "n"}))
            .returns_status(429)
            .header("retry-after", 0)
            .then_returns_json(201, &serde_json::json!({"id": "new"}));
        let client = server.client();
        let got = client
            .request(Method::GET, "/items/i%201")
            .query("view", "full")
            .send_json::<serde_json::Value>()
            .await
            .unwrap();
        assert_eq!(got["id"], "i 1");
        let created = client
            .request(Method::POST, "/items")
            .json(&serde_json::json!({"name": "n"}))
            .retry(
                RetryPolicy::new(2)
                    .retry_non_idempotent(true)
                    .initial_backoff(std::time::Duration::from_millis(1)),
            )
            .send_json::<serde_json::Value>()
            .await
            .unwrap();
        assert_eq!(created["id"], "new");
        assert_eq!(retry.calls(), 2);
    }

    #[tokio::test]
    async fn a_request_no_stub_matches_is_answered_with_what_differs_and_fails_the_test() {
        let server = TestServer::start().await;
        let _ = server
            .operation("getItem")
            .path_param("id", "i1")
            .returns_status(204);
        let error = server
            .client()
            .request(Method::GET, "/items/i2")
            .await
            .unwrap_err();
        let body = String::from_utf8_lossy(error.body().unwrap()).into_owned();
        assert!(
            body.contains("path parameter `id`: expected `i1`, got `i2`"),
            "{body}"
        );
        let dropped = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| drop(server)));
        let message = dropped.unwrap_err().downcast::<String>().unwrap();
        assert!(
            message.contains("GET /items/{id} (getItem): no stub matches")
                && message.contains("expected `i1`, got `i2`"),
            "{message}"
        );
        let strict = TestServer::start_strict().await;
        strict.allow_unmatched();
        let error = strict
            .client()
            .request(Method::GET, "/items/i3")
            .await
            .unwrap_err();
        assert_eq!(error.status().map(|s| s.as_u16()), Some(501));
        assert_eq!(strict.unmatched().len(), 1);
    }

    #[tokio::test]
    async fn faults_reach_the_client_as_its_own_errors() {
        let server = TestServer::start().await;
        let body = r#"{"id":"a long enough body to cut in two"}"#;
        let _ =
            server
                .operation("getItem")
                .path_param("id", "reset")
                .fault(200, body, Fault::Reset);
        let _ =
            server
                .operation("getItem")
                .path_param("id", "cut")
                .fault(200, body, Fault::Truncated);
        let _ = server.operation("getItem").path_param("id", "slow").fault(
            200,
            body,
            Fault::Trickle {
                chunk: 1,
                every: std::time::Duration::from_millis(50),
            },
        );
        let _ = server.operation("getItem").path_param("id", "huge").fault(
            200,
            "",
            Fault::Oversized { bytes: 10_000_000 },
        );
        let client = crate::Client::builder()
            .base_url(server.base_url())
            .credentials(
                server.credentials().access_key(),
                server.credentials().secret(),
            )
            .max_response_bytes(1_000_000)
            .build()
            .unwrap();
        let get = |id: &str| {
            client
                .request(Method::GET, format!("/items/{id}"))
                .send_json::<serde_json::Value>()
        };
        assert!(
            matches!(get("reset").await, Err(Error::Transport(e)) if e.kind() == TransportErrorKind::Other),
            "a reset"
        );
        assert!(
            matches!(get("cut").await, Err(Error::Decode(_))),
            "truncated JSON"
        );
        let slow = client
            .request(Method::GET, "/items/slow")
            .timeout(std::time::Duration::from_millis(300))
            .await
            .unwrap_err();
        assert!(
            matches!(&slow, Error::Transport(e) if e.is_timeout()),
            "{slow}"
        );
        assert!(
            slow.to_string().contains("timed out"),
            "the message names the timeout: {slow}"
        );
        assert!(matches!(get("huge").await, Err(Error::Transport(e)) if e.is_body_too_large()));
    }

    #[tokio::test]
    async fn requests_are_recorded_as_received() {
        let server = TestServer::start().await;
        server
            .client()
            .request(Method::POST, "/items")
            .query("a", "b c")
            .json(&serde_json::json!({"name": "x"}))
            .await
            .unwrap();
        let recorded = &server.requests()[0];
        assert_eq!(
            (recorded.method(), recorded.path(), recorded.query()),
            ("POST", "/items", "a=b%20c")
        );
        assert_eq!(recorded.body().as_ref(), br#"{"name":"x"}"#);
        assert!(
            recorded
                .header("authorization")
                .unwrap()
                .starts_with("ZEPHR-HMAC-SHA256 ")
        );
        assert_eq!(server.bodies("createItem").len(), 1);
    }

    /// A server on the stand-in API with `settings`.
    async fn engine(settings: Settings) -> Engine {
        Engine::start(&crate::stand_in::test_server::SPEC, settings)
            .await
            .unwrap()
    }

    /// The record keeps the last requests within its bounds, counts the rest, and keeps no
    /// body of a refused request (40 signed 15 MiB bodies had kept 679 MB, 20 refused ones 569).
    #[tokio::test]
    async fn the_record_is_bounded_and_keeps_no_refused_body() {
        let server = TestServer::start().await;
        let client = server.client();
        for _ in 0..MAX_RECORDED + 10 {
            client.request(Method::GET, "/items/x").await.unwrap();
        }
        assert_eq!(server.requests().len(), MAX_RECORDED);
        let big = vec![b'x'; 15 * 1024 * 1024];
        for _ in 0..6 {
            client
                .request(Method::POST, "/items")
                .body(big.clone(), "application/octet-stream")
                .await
                .unwrap();
        }
        let kept: usize = server.requests().iter().map(|r| r.body().len()).sum();
        assert!(kept <= MAX_RECORDED_BYTES, "{kept} bytes of bodies kept");
        assert!(
            server.requests().len() < MAX_RECORDED,
            "the oldest went first"
        );
        // Unsigned: refused, recorded without its body.
        let stranger = crate::Client::builder()
            .base_url(server.base_url())
            .build()
            .unwrap();
        let refused = stranger
            .request(Method::POST, "/items")
            .body(big, "application/octet-stream")
            .await
            .unwrap_err();
        assert_eq!(refused.status().map(|s| s.as_u16()), Some(401));
        let last = server.requests().pop().unwrap();
        assert_eq!((last.status(), last.body().len()), (401, 0));
    }

    /// A client that trickles its headers is cut off, and one that announces a body it never
    /// sends gets a `408`, after the read timeout: neither holds the server.
    #[tokio::test]
    async fn slow_headers_and_missing_bodies_time_out() {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let server = engine(Settings {
            read_timeout: Duration::from_millis(200),
            ..Settings::default()
        })
        .await;
        let address = server.url().trim_start_matches("http://").to_owned();
        let mut slow = tokio::net::TcpStream::connect(&address).await.unwrap();
        slow.write_all(b"GET /items/x HTTP/1.1\r\nhost: x\r\n")
            .await
            .unwrap();
        let mut answer = Vec::new();
        let read =
            tokio::time::timeout(Duration::from_secs(5), slow.read_to_end(&mut answer)).await;
        assert!(
            read.is_ok(),
            "the connection is closed after the header timeout"
        );

        let mut silent = tokio::net::TcpStream::connect(&address).await.unwrap();
        silent
            .write_all(b"POST /items HTTP/1.1\r\nhost: x\r\ncontent-length: 1000000000\r\n\r\n")
            .await
            .unwrap();
        let mut answer = vec![0; 64];
        let n = tokio::time::timeout(Duration::from_secs(5), silent.read(&mut answer))
            .await
            .expect("an answer, not a wait")
            .unwrap();
        assert!(
            answer[..n].starts_with(b"HTTP/1.1 408"),
            "{:?}",
            String::from_utf8_lossy(&answer[..n])
        );
    }

    /// In process mode the record is read and cleared over HTTP, at a path no route has.
    #[tokio::test]
    async fn the_record_is_read_and_cleared_over_http_in_process_mode() {
        let server = engine(Settings {
            admin: true,
            ..Settings::default()
        })
        .await;
        let http = crate::http_client_builder().unwrap().build().unwrap();
        let _ = http
            .get(format!("{}/items/x", server.url()))
            .send()
            .await
            .unwrap();
        let record = http
            .get(format!("{}{ADMIN_PATH}", server.url()))
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap();
        let record: serde_json::Value = serde_json::from_slice(&record).unwrap();
        assert_eq!(record["requests"][0]["operation"], "getItem");
        assert_eq!(record["requests"][0]["status"], 401);
        let cleared = http
            .delete(format!("{}{ADMIN_PATH}", server.url()))
            .send()
            .await
            .unwrap();
        assert_eq!(cleared.status(), 200);
        assert!(server.requests().is_empty());
    }

    /// Out of file descriptors, the accept loop goes on: once connections close, new ones are
    /// answered (under `ulimit -n 1024`, 1,100 connections had ended it for good). Run as a
    /// child of this test binary, with a low limit of its own.
    #[test]
    fn the_server_accepts_again_after_running_out_of_file_descriptors() {
        if std::env::var_os("TEST_SERVER_FD_CHILD").is_some() {
            return fd_child();
        }
        let exe = std::env::current_exe().unwrap();
        let output = std::process::Command::new("sh")
            .arg("-c")
            .arg("ulimit -n 128 && exec \"$0\" --exact testing_server::tests::the_server_accepts_again_after_running_out_of_file_descriptors --nocapture")
            .arg(exe)
            .env("TEST_SERVER_FD_CHILD", "1")
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(output.status.success(), "{stdout}\n{stderr}");
        assert!(
            stdout.contains("answered after exhaustion"),
            "{stdout}\n{stderr}"
        );
    }

    fn fd_child() {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async {
            let server = engine(Settings::default()).await;
            let address = server.url().trim_start_matches("http://").to_owned();
            // Hold connections until the process runs out of descriptors.
            let mut held = Vec::new();
            for _ in 0..200 {
                match tokio::net::TcpStream::connect(&address).await {
                    Ok(stream) => held.push(stream),
                    Err(_) => break,
                }
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
            drop(held);
            tokio::time::sleep(Duration::from_millis(300)).await;
            let answer = crate::http_client_builder()
                .unwrap()
                .build()
                .unwrap()
                .get(format!("{}/items/x", server.url()))
                .send()
                .await
                .unwrap();
            assert_eq!(answer.status(), 401);
            println!("answered after exhaustion");
        });
    }
}
