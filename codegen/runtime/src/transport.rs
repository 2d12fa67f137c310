//! Sending a request: URL, headers and body, signing, redirects, retries, limits; then reading
//! the response.
//!
//! Everything a server controls is bounded: the response body (`Transport::max_response_bytes`,
//! checked against `Content-Length` before reading and while reading), the time a request may
//! take (a timeout per attempt, connect included, on by default), and redirects (not followed
//! unless asked for, and then only to the same origin, each hop signed afresh).
//!
//! Long, and kept whole: one pipeline over one `Transport` (send, retries, one attempt, redirects,
//! the bounded read), whose items generated code names by path (`transport::{Request, RawResponse,
//! Signing}`).

use std::fmt::{self, Display};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::{Bytes, BytesMut};
use reqwest::header::{
    ACCEPT, CONTENT_LENGTH, CONTENT_TYPE, COOKIE, HeaderMap, HeaderName, HeaderValue, LOCATION,
    USER_AGENT,
};
use reqwest::{Method, StatusCode};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::body::RawBody;
use crate::encoding::{self, Query};
use crate::error::{
    DecodeError, Error, Failure, ResponseInfo, StatusError, TransportError, TransportErrorKind,
};
use crate::redirect::RedirectPolicy;
use crate::retry::RetryPolicy;
use crate::signing::{self, RequestSigner};

/// What the generated code says about one operation: for traces, and to build its requests.
#[derive(Debug)]
pub struct OperationInfo {
    /// The spec's `operationId` (or, without one, the method's name).
    pub id: &'static str,
    pub method: Method,
    /// The path template, as in the spec: `/v3/users/{user_id}`.
    pub path: &'static str,
    pub signing: Signing,
}

/// Where a request goes instead of where its parameters say: a path (after the base URL) and
/// a query, both already encoded, as a server's `Link` header gave them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub(crate) path: String,
    pub(crate) query: String,
}

/// A boxed future, as the transport returns it.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Everything a client needs to send requests; shared by its clones.
pub struct Transport {
    pub(crate) http: reqwest::Client,
    /// Scheme, host and optional path prefix, without a trailing `/`.
    pub(crate) base_url: String,
    /// `base_url` as it may be shown: a user name and password in it as `***`.
    pub(crate) base_url_shown: String,
    pub(crate) signer: Option<Arc<dyn RequestSigner>>,
    pub(crate) retry: Option<RetryPolicy>,
    pub(crate) timeout: Option<Duration>,
    pub(crate) max_response_bytes: usize,
    pub(crate) redirects: RedirectPolicy,
    pub(crate) user_agent: HeaderValue,
    /// Whether drift is an error (requests may say otherwise).
    pub(crate) strict: bool,
    /// The drift this client has seen.
    pub(crate) drift: crate::drift_log::DriftLog,
    /// Sees each attempt (the command line's `--verbose` and `--dry-run`).
    pub(crate) observer: Option<Arc<dyn Observer>>,
}

/// Sees every attempt a client makes: the request as it goes out (signed), and the head of its
/// response. What a front end's `--verbose` and `--dry-run` are built on; the observer is
/// trusted code, and sees the signature.
pub trait Observer: Send + Sync {
    /// Called with each attempt, after it is signed. `Err(reason)` stops it unsent: the
    /// request fails with `reason` as an invalid request (a dry run).
    fn sending(&self, request: &reqwest::Request) -> Result<(), String>;

    /// Called with the head of each response, and how long the attempt took.
    fn received(&self, response: &reqwest::Response, elapsed: Duration);
}

impl Transport {
    /// The base URL as it may be shown (see `Client::base_url`).
    pub fn shown_base_url(&self) -> &str {
        &self.base_url_shown
    }

    /// Where this transport's responses departed from the spec (see `Client::drift_report`).
    pub fn drift_report(&self) -> crate::DriftReport {
        self.drift.report()
    }
}

impl fmt::Debug for Transport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Transport")
            .field("base_url", &redact_userinfo(&self.base_url))
            .field("signer", &self.signer)
            .field("retry", &self.retry)
            .field("timeout", &self.timeout)
            .field("max_response_bytes", &self.max_response_bytes)
            .field("redirects", &self.redirects)
            .field("user_agent", &self.user_agent)
            .field("strict", &self.strict)
            .finish_non_exhaustive()
    }
}

/// Whether a request is signed by the client's signer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signing {
    /// Signed (when the client has a signer).
    Signed,
    /// Never signed: the operation says `security: []`, or the caller asked.
    Unsigned,
}

/// A request as an operation describes it, before it becomes an HTTP request.
#[derive(Debug)]
pub struct Request {
    /// The operation, for traces: its `operationId` (or method name) and path template. Read
    /// by nothing else, so unread without the `tracing` feature.
    #[cfg_attr(not(feature = "tracing"), allow(dead_code))]
    pub(crate) operation: &'static str,
    #[cfg_attr(not(feature = "tracing"), allow(dead_code))]
    pub(crate) path_template: &'static str,
    method: Method,
    path: String,
    pub(crate) query: Query,
    headers: HeaderMap,
    cookies: Vec<String>,
    body: Option<Bytes>,
    signing: Signing,
    pub(crate) timeout: Option<Duration>,
    /// `Some(None)`: no retries for this request; `None`: the client's policy.
    pub(crate) retry: Option<Option<RetryPolicy>>,
}

impl Request {
    /// A request of the operation `info`, to `path` (its template filled in) with `query`.
    pub fn new(info: &OperationInfo, path: String, query: Query) -> Self {
        Request {
            operation: info.id,
            path_template: info.path,
            method: info.method.clone(),
            path,
            query,
            headers: HeaderMap::new(),
            cookies: Vec::new(),
            body: None,
            signing: info.signing,
            timeout: None,
            retry: None,
        }
    }

    /// Sends the request to `target` instead (a next page's `Link`): its path and query
    /// replace the ones the parameters made, once checked as a hand-given path is.
    #[allow(dead_code)] // used when an operation pages
    pub(crate) fn retarget(&mut self, target: &Target) -> Result<(), Failure> {
        crate::encoding::check_raw_path(&target.path)?;
        self.path = target.path.clone();
        self.query = Query::encoded(&target.query)?;
        Ok(())
    }

    /// A request the spec does not describe ([`RawRequest`](crate::RawRequest)).
    pub fn untyped(method: Method, path: String, signing: Signing) -> Self {
        let info = OperationInfo {
            id: "request",
            method,
            path: "(untyped)",
            signing,
        };
        Request::new(&info, path, Query::default())
    }

    #[allow(dead_code)] // used when the spec has header parameters
    pub fn header(&mut self, name: &str, value: &dyn Display) -> Result<(), Failure> {
        let header = HeaderName::from_bytes(name.as_bytes()).map_err(|_| {
            Failure::InvalidRequest(format!(
                "`{}` is not a valid header name",
                crate::error::printable(name, 100)
            ))
        })?;
        let value = HeaderValue::from_str(&value.to_string()).map_err(|_| {
            Failure::InvalidRequest(format!(
                "header `{name}` contains characters not allowed in an HTTP header"
            ))
        })?;
        self.headers.append(header, value);
        Ok(())
    }

    #[allow(dead_code)] // used when the spec has cookie parameters
    pub fn cookie(&mut self, name: &str, value: &dyn Display) {
        self.cookies.push(encoding::cookie_pair(name, value));
    }

    #[allow(dead_code)] // used when an operation documents a response body
    pub fn accept(&mut self, media_type: &'static str) {
        self.headers
            .insert(ACCEPT, HeaderValue::from_static(media_type));
    }

    #[allow(dead_code)] // used when the spec has JSON request bodies
    pub fn json<T: Serialize + ?Sized>(
        &mut self,
        media_type: &'static str,
        body: &T,
    ) -> Result<(), Failure> {
        let bytes = serde_json::to_vec(body).map_err(|e| {
            Failure::InvalidRequest(format!("the body cannot be serialised as JSON: {e}"))
        })?;
        self.raw(media_type, bytes.into());
        Ok(())
    }

    pub fn raw(&mut self, media_type: &str, body: Bytes) {
        if let Ok(value) = HeaderValue::from_str(media_type) {
            self.headers.insert(CONTENT_TYPE, value);
        }
        self.body = Some(body);
    }
}

/// A response with its body read (at most `Transport::max_response_bytes` of it).
#[derive(Debug)]
pub struct RawResponse {
    pub(crate) method: Method,
    pub(crate) path: String,
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
}

impl RawResponse {
    #[allow(dead_code)] // used when an operation tells statuses apart
    pub fn status(&self) -> u16 {
        self.status.as_u16()
    }

    pub fn is_success(&self) -> bool {
        self.status.is_success()
    }

    /// The body decoded as JSON. On failure the error says where (`results[0].id`).
    #[allow(dead_code)] // used when the spec has JSON response bodies
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, Failure> {
        self.decoded(crate::drift::decode_json(&self.body))
    }

    /// A decode's outcome, its error placed in the body (`results[0].id`).
    #[allow(dead_code)] // used when the spec has JSON response bodies
    pub fn decoded<T>(&self, result: Result<T, serde_json::Error>) -> Result<T, Failure> {
        result.map_err(|source| {
            Failure::Decode(Box::new(DecodeError {
                response: self.info(),
                location: crate::json_path::path_at(&self.body, source.line(), source.column()),
                source,
                drift: Vec::new(),
            }))
        })
    }

    /// What the server sent, for an error to keep.
    pub fn info(&self) -> ResponseInfo {
        ResponseInfo {
            method: self.method.clone(),
            path: self.path.clone(),
            status: self.status,
            headers: self.headers.clone(),
            body: self.body.clone(),
        }
    }

    /// The body as bytes (shared, not copied).
    #[allow(dead_code)] // used when the spec has responses without a JSON schema
    pub fn raw<T>(&self) -> RawBody<T> {
        let content_type = self
            .headers
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        RawBody::new(self.body.clone(), content_type)
    }

    /// The body decoded as a documented error type, if it is one (one that is not is drift).
    #[allow(dead_code)] // used when the spec documents error bodies
    pub fn typed_error<T: DeserializeOwned>(&self) -> Option<T> {
        let typed = crate::drift::decode_json(&self.body).ok();
        if typed.is_none() {
            crate::drift::failed_decode();
        }
        typed
    }

    /// The error for a status the operation does not treat as success.
    pub fn error<E>(&self, typed: Option<E>) -> Error<E> {
        Error::Status(Box::new(StatusError {
            response: self.info(),
            typed,
        }))
    }
}

/// Why an attempt is retried, for the trace.
#[cfg_attr(not(feature = "tracing"), allow(dead_code))]
enum RetryReason {
    Status(StatusCode),
    Failure(TransportErrorKind),
}

impl Transport {
    /// Sends `request` (signed when it says so and a signer is configured), following the
    /// retry and redirect policies, and reads the response within the limits.
    pub fn send(
        self: Arc<Self>,
        request: Request,
    ) -> impl Future<Output = Result<RawResponse, Failure>> + Send + 'static {
        #[cfg(feature = "tracing")]
        let span = tracing::info_span!(
            "request",
            operation = request.operation,
            method = %request.method,
            path = request.path_template,
            status = tracing::field::Empty,
            attempts = tracing::field::Empty,
            duration_ms = tracing::field::Empty,
        );
        let future = async move { self.send_traced(request).await };
        #[cfg(feature = "tracing")]
        let future = tracing::Instrument::instrument(future, span);
        future
    }

    async fn send_traced(&self, request: Request) -> Result<RawResponse, Failure> {
        let started = Instant::now();
        let mut attempts = 0u32;
        let result = self.send_inner(request, &mut attempts).await;
        #[cfg(feature = "tracing")]
        {
            let span = tracing::Span::current();
            span.record("attempts", attempts);
            span.record("duration_ms", started.elapsed().as_millis() as u64);
            match &result {
                Ok(response) => {
                    span.record("status", response.status.as_u16());
                    tracing::debug!(status = response.status.as_u16(), attempts, "response");
                }
                Err(failure) => tracing::debug!(attempts, error = %failure, "failed"),
            }
        }
        #[cfg(not(feature = "tracing"))]
        let _ = (started, attempts);
        result
    }

    async fn send_inner(
        &self,
        request: Request,
        attempts: &mut u32,
    ) -> Result<RawResponse, Failure> {
        let opened = self.respond(request, attempts, false).await?;
        self.read(
            opened.response,
            &opened.method,
            &opened.path,
            opened.deadline,
        )
        .await
    }

    /// Sends `request` with retries and redirects, up to the response's head; its body is left
    /// to read. `streaming`: the timeout bounds the head, not the body (a stream's reader bounds
    /// each wait for a chunk with it instead).
    pub async fn respond(
        &self,
        request: Request,
        attempts: &mut u32,
        streaming: bool,
    ) -> Result<Opened, Failure> {
        let Request {
            method,
            path,
            query,
            mut headers,
            cookies,
            body,
            signing,
            timeout,
            retry,
            ..
        } = request;
        let mut url =
            String::with_capacity(self.base_url.len() + path.len() + query.as_str().len() + 1);
        url.push_str(&self.base_url);
        url.push_str(&path);
        if !query.as_str().is_empty() {
            url.push('?');
            url.push_str(query.as_str());
        }
        let url = reqwest::Url::parse(&url).map_err(|e| {
            Failure::InvalidRequest(format!("the URL of {method} {path} is invalid: {e}"))
        })?;
        if !cookies.is_empty() {
            // Cookie pairs are percent-encoded, so always a valid header value.
            if let Ok(value) = HeaderValue::from_str(&cookies.join("; ")) {
                headers.insert(COOKIE, value);
            }
        }
        headers
            .entry(USER_AGENT)
            .or_insert_with(|| self.user_agent.clone());
        // Without a body, POST, PUT and PATCH still say `Content-Length: 0` (some proxies answer
        // 411 otherwise); an empty body is what gets signed either way.
        let body = match body {
            None if matches!(method, Method::POST | Method::PUT | Method::PATCH) => {
                // hyper leaves the header out for an empty body; say it explicitly.
                headers.insert(CONTENT_LENGTH, HeaderValue::from_static("0"));
                Some(Bytes::new())
            }
            body => body,
        };
        let mut http_request = reqwest::Request::new(method.clone(), url);
        *http_request.headers_mut() = headers;
        *http_request.body_mut() = body.map(reqwest::Body::from);
        let timeout = timeout.or(self.timeout);
        if !streaming {
            *http_request.timeout_mut() = timeout;
        }

        let policy = match retry {
            Some(choice) => choice,
            None => self.retry.clone(),
        };
        let policy = policy.filter(|p| p.applies_to(&method));
        let mut retry_count = 0;
        let mut hops = 0;
        loop {
            *attempts += 1;
            let attempt = http_request.try_clone().ok_or_else(|| {
                Failure::InvalidRequest("the request body cannot be replayed".to_owned())
            })?;
            let deadline = timeout.map(|t| tokio::time::Instant::now() + t);
            let sent = self.attempt(attempt, signing, &method, &path);
            let sent = match deadline {
                Some(deadline) if streaming => tokio::time::timeout_at(deadline, sent)
                    .await
                    .unwrap_or_else(|_| Err(timed_out(&method, &path))),
                _ => sent.await,
            };
            let done = |response| Opened {
                response,
                method: method.clone(),
                path: path.clone(),
                deadline: deadline.filter(|_| !streaming),
                timeout,
            };
            let (wait, why) = match sent {
                Ok(response) if response.status().is_redirection() => {
                    match self.redirect_target(
                        &http_request,
                        &response,
                        &mut hops,
                        &method,
                        &path,
                    )? {
                        Some(next) => {
                            #[cfg(feature = "tracing")]
                            tracing::debug!(
                                status = response.status().as_u16(),
                                hop = hops,
                                "following a same-origin redirect"
                            );
                            http_request = next;
                            continue;
                        }
                        None => return Ok(done(response)),
                    }
                }
                Ok(response) => {
                    let wait = match &policy {
                        Some(policy) if RetryPolicy::retries_status(response.status()) => {
                            policy.wait(retry_count, Some(response.headers()))
                        }
                        _ => None,
                    };
                    match wait {
                        Some(wait) => (wait, RetryReason::Status(response.status())),
                        None => return Ok(done(response)),
                    }
                }
                Err(Failure::Transport(e)) => {
                    let wait = policy
                        .as_ref()
                        .filter(|p| p.retries_failure(e.kind))
                        .and_then(|p| p.wait(retry_count, None));
                    match wait {
                        Some(wait) => (wait, RetryReason::Failure(e.kind)),
                        None => return Err(Failure::Transport(e)),
                    }
                }
                Err(failure) => return Err(failure),
            };
            #[cfg(feature = "tracing")]
            tracing::warn!(attempt = *attempts, wait_ms = wait.as_millis() as u64, reason = %why, "retrying");
            #[cfg(not(feature = "tracing"))]
            let _ = why;
            tokio::time::sleep(wait).await;
            retry_count += 1;
        }
    }

    /// One attempt: signs (again, for a retry or a redirect) and sends.
    async fn attempt(
        &self,
        mut request: reqwest::Request,
        signing: Signing,
        method: &Method,
        path: &str,
    ) -> Result<reqwest::Response, Failure> {
        if signing == Signing::Signed
            && let Some(signer) = &self.signer
        {
            signing::sign_request(signer.as_ref(), &mut request).map_err(Failure::Signing)?;
        }
        let Some(observer) = &self.observer else {
            return self
                .http
                .execute(request)
                .await
                .map_err(|source| transport_error(method, path, source));
        };
        observer
            .sending(&request)
            .map_err(Failure::InvalidRequest)?;
        let started = std::time::Instant::now();
        let response = self
            .http
            .execute(request)
            .await
            .map_err(|source| transport_error(method, path, source))?;
        observer.received(&response, started.elapsed());
        Ok(response)
    }

    /// The next request when `response` redirects and the policy follows it: same origin only,
    /// within the hop limit. `None` hands the redirect back to the caller.
    fn redirect_target(
        &self,
        current: &reqwest::Request,
        response: &reqwest::Response,
        hops: &mut usize,
        method: &Method,
        path: &str,
    ) -> Result<Option<reqwest::Request>, Failure> {
        let Some(max_hops) = self.redirects.max_hops() else {
            return Ok(None);
        };
        let Some(location) = response
            .headers()
            .get(LOCATION)
            .and_then(|l| l.to_str().ok())
        else {
            return Ok(None);
        };
        let Ok(target) = current.url().join(location) else {
            return Ok(None);
        };
        if target.origin() != current.url().origin() {
            return Ok(None);
        }
        *hops += 1;
        if *hops > max_hops {
            return Err(Failure::Transport(TransportError {
                method: method.clone(),
                path: path.to_owned(),
                kind: TransportErrorKind::TooManyRedirects,
                source: None,
            }));
        }
        // 307 and 308 repeat the request as it was; the others become a GET without a body.
        let keep = matches!(
            response.status(),
            StatusCode::TEMPORARY_REDIRECT | StatusCode::PERMANENT_REDIRECT
        ) || current.method() == Method::GET
            || current.method() == Method::HEAD;
        let mut next = if keep {
            current.try_clone().ok_or_else(|| {
                Failure::InvalidRequest("the request body cannot be replayed".to_owned())
            })?
        } else {
            let mut next = reqwest::Request::new(Method::GET, target.clone());
            *next.headers_mut() = current.headers().clone();
            next.headers_mut().remove(CONTENT_TYPE);
            next.headers_mut().remove(CONTENT_LENGTH);
            *next.timeout_mut() = current.timeout().copied();
            next
        };
        *next.url_mut() = target;
        // The old signature is for the old request: the signer runs again on the new one.
        next.headers_mut().remove(reqwest::header::AUTHORIZATION);
        Ok(Some(next))
    }

    /// Reads the body, refusing more than the limit and giving up at the deadline.
    pub async fn read(
        &self,
        mut response: reqwest::Response,
        method: &Method,
        path: &str,
        deadline: Option<tokio::time::Instant>,
    ) -> Result<RawResponse, Failure> {
        let status = response.status();
        let headers = std::mem::take(response.headers_mut());
        let limit = self.max_response_bytes;
        let too_large = || {
            Failure::Transport(TransportError {
                method: method.clone(),
                path: path.to_owned(),
                kind: TransportErrorKind::BodyTooLarge { limit },
                source: None,
            })
        };
        let declared = headers
            .get(CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok());
        if declared.is_some_and(|length| length > limit as u64) {
            return Err(too_large());
        }
        let reading = async {
            let mut first: Option<Bytes> = None;
            let mut buffer: Option<BytesMut> = None;
            while let Some(chunk) = response
                .chunk()
                .await
                .map_err(|source| transport_error(method, path, source))?
            {
                let so_far =
                    first.as_ref().map_or(0, Bytes::len) + buffer.as_ref().map_or(0, BytesMut::len);
                if so_far + chunk.len() > limit {
                    return Err(too_large());
                }
                match (&mut first, &mut buffer) {
                    (None, None) => first = Some(chunk),
                    (Some(_), None) => {
                        // A second chunk: from here on, one buffer that never grows past the limit.
                        let head = first.take().unwrap_or_default();
                        let wanted = declared
                            .map_or(so_far + chunk.len(), |d| d as usize)
                            .min(limit);
                        let mut joined = BytesMut::with_capacity(wanted.max(so_far + chunk.len()));
                        joined.extend_from_slice(&head);
                        joined.extend_from_slice(&chunk);
                        buffer = Some(joined);
                    }
                    (_, Some(joined)) => {
                        if joined.capacity() - joined.len() < chunk.len() {
                            let grow = (joined.capacity())
                                .max(chunk.len())
                                .min(limit - joined.len());
                            joined.reserve(grow);
                        }
                        joined.extend_from_slice(&chunk);
                    }
                }
            }
            Ok(match (first, buffer) {
                (_, Some(joined)) => joined.freeze(),
                (Some(only), None) => only,
                (None, None) => Bytes::new(),
            })
        };
        let body = match deadline {
            Some(deadline) => tokio::time::timeout_at(deadline, reading)
                .await
                .map_err(|_| timed_out(method, path))??,
            None => reading.await?,
        };
        Ok(RawResponse {
            method: method.clone(),
            path: path.to_owned(),
            status,
            headers,
            body,
        })
    }
}

impl Display for RetryReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RetryReason::Status(status) => write!(f, "status {}", status.as_u16()),
            RetryReason::Failure(TransportErrorKind::Timeout) => f.write_str("timed out"),
            RetryReason::Failure(_) => f.write_str("connection failed"),
        }
    }
}

/// A response whose body is still to be read, with what errors name it by.
pub struct Opened {
    pub(crate) response: reqwest::Response,
    pub(crate) method: Method,
    pub(crate) path: String,
    /// When reading the body must be done (`None` for a stream, or without a timeout).
    pub(crate) deadline: Option<tokio::time::Instant>,
    /// The request's timeout (a stream bounds each wait for a chunk with it).
    #[allow(dead_code)] // read when an operation streams its body
    pub(crate) timeout: Option<Duration>,
}

/// The request (or a wait for its body) took longer than its timeout.
pub fn timed_out(method: &Method, path: &str) -> Failure {
    Failure::Transport(TransportError {
        method: method.clone(),
        path: path.to_owned(),
        kind: TransportErrorKind::Timeout,
        source: None,
    })
}

pub fn transport_error(method: &Method, path: &str, source: reqwest::Error) -> Failure {
    let kind = if source.is_timeout() {
        TransportErrorKind::Timeout
    } else if source.is_connect() {
        TransportErrorKind::Connect
    } else {
        TransportErrorKind::Other
    };
    Failure::Transport(TransportError {
        method: method.clone(),
        path: path.to_owned(),
        kind,
        // The URL's query may carry personal data; the path is in the message already.
        source: Some(source.without_url()),
    })
}

/// `url` with any user name and password replaced by `***`, for messages and `Debug`.
pub fn redact_userinfo(url: &str) -> String {
    match reqwest::Url::parse(url) {
        Ok(mut parsed) if !parsed.username().is_empty() || parsed.password().is_some() => {
            let _ = parsed.set_username("***");
            let _ = parsed.set_password(None);
            parsed.as_str().trim_end_matches('/').to_owned()
        }
        Ok(_) => url.to_owned(),
        // Not a URL: it cannot be shown safely either.
        Err(_) => match url.rfind('@') {
            Some(at) => format!("***{}", &url[at..]),
            None => url.to_owned(),
        },
    }
}
