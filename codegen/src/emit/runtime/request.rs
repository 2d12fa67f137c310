//! What every request builder shares: the escape hatches, the future a builder becomes, and the
//! response with its metadata.
//!
//! A builder owns everything it needs (a clone of the client, which is an `Arc`, and its
//! arguments), so its future is `Send + 'static`: it can be spawned, stored, or sent elsewhere.
//! Building the request is synchronous; the only asynchronous part is the transport's, shared by
//! every operation, so operations add no state machine of their own.

use std::convert::Infallible;
use std::fmt;
use std::future::Future;
use std::ops::Deref;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode};

use crate::body::RawBody;
use crate::error::{Error, Failure};
use crate::retry::RetryPolicy;
use crate::transport::{BoxFuture, RawResponse, Request, Transport};

/// What a builder's escape hatches set: extra query parameters and headers, a timeout and a
/// retry policy for this request only. Applied after the documented parameters, before the
/// request is signed, so the signature covers them.
#[derive(Debug, Clone, Default)]
pub(crate) struct RequestOptions {
    query: Vec<(String, String)>,
    headers: Vec<(String, String)>,
    timeout: Option<Duration>,
    retry: Option<Option<RetryPolicy>>,
    /// The first problem a setter found; the request fails with it when sent.
    problem: Option<String>,
}

impl RequestOptions {
    pub(crate) fn query(&mut self, name: String, value: String) {
        self.query.push((name, value));
    }

    pub(crate) fn header(&mut self, name: String, value: String) {
        self.headers.push((name, value));
    }

    pub(crate) fn timeout(&mut self, timeout: Duration) {
        self.timeout = Some(timeout);
    }

    pub(crate) fn retry(&mut self, policy: Option<RetryPolicy>) {
        self.retry = Some(policy);
    }

    /// Records a problem of a setter (setters return the builder, not a `Result`).
    #[allow(dead_code)] // used when a setter can fail
    pub(crate) fn fail(&mut self, problem: String) {
        self.problem.get_or_insert(problem);
    }

    /// Adds what was set to `request`.
    pub(crate) fn apply(self, request: &mut Request) -> Result<(), Failure> {
        if let Some(problem) = self.problem {
            return Err(Failure::InvalidRequest(problem));
        }
        for (name, value) in &self.query {
            request.query.push(name, value);
        }
        for (name, value) in &self.headers {
            request.header(name, value)?;
        }
        if self.timeout.is_some() {
            request.timeout = self.timeout;
        }
        if self.retry.is_some() {
            request.retry = self.retry;
        }
        Ok(())
    }
}

/// How a response becomes an operation's result.
pub(crate) type Decoder<T, E> = fn(&RawResponse) -> Result<T, Error<E>>;

/// The future of a request: resolves to the decoded body. Returned by every builder's `send()`
/// (and its `.await`); `Send + 'static`, so it can be spawned.
#[must_use = "a request is only sent when awaited"]
pub struct ResponseFuture<T, E = Infallible> {
    inner: BoxFuture<'static, Result<RawResponse, Failure>>,
    decode: Decoder<T, E>,
}

/// The future of a request that resolves to the decoded body *and* the response's status,
/// headers and raw bytes ([`Response`]). Returned by every builder's `send_with_response()`.
#[must_use = "a request is only sent when awaited"]
pub struct FullResponseFuture<T, E = Infallible> {
    inner: BoxFuture<'static, Result<RawResponse, Failure>>,
    decode: Decoder<T, E>,
}

/// Starts sending `request` (or fails at once when it could not be built).
fn start(transport: Arc<Transport>, request: Result<Request, Failure>) -> BoxFuture<'static, Result<RawResponse, Failure>> {
    match request {
        Ok(request) => Box::pin(transport.send(request)),
        Err(failure) => Box::pin(std::future::ready(Err(failure))),
    }
}

impl<T, E> ResponseFuture<T, E> {
    pub(crate) fn new(transport: Arc<Transport>, request: Result<Request, Failure>, decode: Decoder<T, E>) -> Self {
        ResponseFuture { inner: start(transport, request), decode }
    }
}

/// The transport of `client` (for the builders' `send`).
pub(crate) fn transport_of(client: &crate::Client) -> Arc<Transport> {
    Arc::clone(client.transport())
}

impl<T, E> FullResponseFuture<T, E> {
    pub(crate) fn new(transport: Arc<Transport>, request: Result<Request, Failure>, decode: Decoder<T, E>) -> Self {
        FullResponseFuture { inner: start(transport, request), decode }
    }
}

impl<T, E> Future for ResponseFuture<T, E> {
    type Output = Result<T, Error<E>>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.inner.as_mut().poll(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(Err(failure)) => Poll::Ready(Err(failure.into())),
            Poll::Ready(Ok(raw)) => Poll::Ready((self.decode)(&raw)),
        }
    }
}

impl<T, E> Future for FullResponseFuture<T, E> {
    type Output = Result<Response<T>, Error<E>>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.inner.as_mut().poll(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(Err(failure)) => Poll::Ready(Err(failure.into())),
            Poll::Ready(Ok(raw)) => Poll::Ready((self.decode)(&raw).map(|body| Response {
                status: raw.status,
                headers: raw.headers,
                raw: raw.body,
                body,
            })),
        }
    }
}

impl<T, E> fmt::Debug for ResponseFuture<T, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ResponseFuture")
    }
}

impl<T, E> fmt::Debug for FullResponseFuture<T, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("FullResponseFuture")
    }
}

/// A successful response: the decoded body with the status, headers and raw bytes it came
/// with (rate-limit headers, the `Location` of a `201`, the exact bytes for an audit log).
/// Dereferences to the body.
#[derive(Debug, Clone, PartialEq)]
pub struct Response<T> {
    status: StatusCode,
    headers: HeaderMap,
    raw: Bytes,
    body: T,
}

impl<T> Response<T> {
    pub fn status(&self) -> StatusCode {
        self.status
    }

    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The body exactly as received.
    pub fn raw_body(&self) -> &Bytes {
        &self.raw
    }

    /// The decoded body.
    pub fn body(&self) -> &T {
        &self.body
    }

    pub fn into_body(self) -> T {
        self.body
    }

    /// Status, headers, raw bytes and decoded body.
    pub fn into_parts(self) -> (StatusCode, HeaderMap, Bytes, T) {
        (self.status, self.headers, self.raw, self.body)
    }
}

impl<T> Deref for Response<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.body
    }
}

/// Implements the escape hatches every request builder has. The builder has an `options:
/// RequestOptions` field.
macro_rules! request_options {
    ($builder:ident) => {
        impl $builder {
            /// Adds a query parameter the spec does not document (after the documented ones;
            /// name and value are percent-encoded). The request is signed as sent.
            pub fn query(mut self, name: impl ::core::convert::Into<::std::string::String>, value: impl ::std::string::ToString) -> Self {
                self.options.query(name.into(), value.to_string());
                self
            }

            /// Adds a header the spec does not document. The request is signed as sent; an
            /// invalid name or value fails the request with `Error::InvalidRequest`.
            pub fn header(mut self, name: impl ::core::convert::Into<::std::string::String>, value: impl ::core::convert::Into<::std::string::String>) -> Self {
                self.options.header(name.into(), value.into());
                self
            }

            /// Gives up on this request (each attempt) after `timeout`, instead of the client's.
            pub fn timeout(mut self, timeout: ::std::time::Duration) -> Self {
                self.options.timeout(timeout);
                self
            }

            /// Retries this request by `policy`, instead of the client's (for example a POST
            /// you know is safe to repeat: `RetryPolicy::default().retry_non_idempotent(true)`).
            pub fn retry(mut self, policy: $crate::RetryPolicy) -> Self {
                self.options.retry(::core::option::Option::Some(policy));
                self
            }

            /// Never retries this request, whatever the client's policy.
            pub fn no_retry(mut self) -> Self {
                self.options.retry(::core::option::Option::None);
                self
            }
        }
    };
}

#[allow(unused_imports)] // used by the operations' builders, when the spec has any
pub(crate) use request_options;

/// A request to an endpoint the spec does not describe (or describes wrongly), built by hand
/// from [`Client::request`](crate::Client::request): signed, retried, bounded and traced like
/// every other. Any `2xx` is a success, with the body as [`RawBody`]; or decode it with
/// [`send_json`](RawRequest::send_json).
#[derive(Debug, Clone)]
#[must_use = "a request is only sent when awaited"]
pub struct RawRequest {
    client: crate::Client,
    method: Method,
    path: String,
    body: Option<(Bytes, String)>,
    /// A problem found while building (reported when sent).
    problem: Option<String>,
    signed: bool,
    options: RequestOptions,
}

impl RawRequest {
    pub(crate) fn new(client: crate::Client, method: Method, path: String) -> Self {
        RawRequest { client, method, path, body: None, problem: None, signed: true, options: RequestOptions::default() }
    }

    /// A JSON body.
    pub fn json<B: serde::Serialize + ?Sized>(mut self, body: &B) -> Self {
        match serde_json::to_vec(body) {
            Ok(bytes) => self.body = Some((bytes.into(), "application/json".to_owned())),
            Err(e) => self.problem = Some(format!("the body cannot be serialised as JSON: {e}")),
        }
        self
    }

    /// A body of any media type.
    pub fn body(mut self, body: impl Into<Bytes>, content_type: impl Into<String>) -> Self {
        self.body = Some((body.into(), content_type.into()));
        self
    }

    /// Sends the request without signing it (for endpoints that take no credentials).
    pub fn unsigned(mut self) -> Self {
        self.signed = false;
        self
    }

    /// Sends the request and decodes a `2xx` body as JSON into `T`.
    pub fn send_json<T: serde::de::DeserializeOwned>(self) -> ResponseFuture<T> {
        let transport = Arc::clone(self.client.transport());
        ResponseFuture::new(transport, self.into_request(), decode_json::<T>)
    }

    fn into_request(self) -> Result<Request, Failure> {
        if let Some(problem) = self.problem {
            return Err(Failure::InvalidRequest(problem));
        }
        crate::encoding::check_raw_path(&self.path)?;
        let mut request = Request::new("request", "(untyped)", self.method, self.path, Default::default(), self.signed);
        if let Some((body, content_type)) = self.body {
            request.raw(&content_type, body);
        }
        self.options.apply(&mut request)?;
        Ok(request)
    }

    fn decode(response: &RawResponse) -> Result<RawBody, Error> {
        if response.is_success() { Ok(response.raw()) } else { Err(response.error(None)) }
    }
}

fn decode_json<T: serde::de::DeserializeOwned>(response: &RawResponse) -> Result<T, Error> {
    if response.is_success() { Ok(response.json()?) } else { Err(response.error(None)) }
}

request_options!(RawRequest);

impl RawRequest {
    /// Sends the request; resolves to the body of any `2xx` (the same as `.await`).
    pub fn send(self) -> ResponseFuture<RawBody> {
        let transport = Arc::clone(self.client.transport());
        ResponseFuture::new(transport, self.into_request(), Self::decode)
    }

    /// Sends the request; resolves to the body with the response's status, headers and bytes.
    pub fn send_with_response(self) -> FullResponseFuture<RawBody> {
        let transport = Arc::clone(self.client.transport());
        FullResponseFuture::new(transport, self.into_request(), Self::decode)
    }
}

impl std::future::IntoFuture for RawRequest {
    type Output = Result<RawBody, Error>;
    type IntoFuture = ResponseFuture<RawBody>;

    fn into_future(self) -> Self::IntoFuture {
        self.send()
    }
}
