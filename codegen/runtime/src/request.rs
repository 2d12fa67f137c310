//! What every request builder shares: the interface a generated builder implements
//! ([`Operation`]), the methods it gets from it ([`operation!`]), the future it becomes, and the
//! response with its metadata.
//!
//! A builder owns everything it needs (the transport, an `Arc`, and its arguments), so its
//! future is `Send + 'static`: it can be spawned, stored, or sent elsewhere. Building the
//! request is synchronous; the only asynchronous part is the transport's, shared by every
//! operation, so operations add no state machine of their own.
//!
//! Long, and kept whole: generated builders name its items by path (`crate::request::Common`,
//! `OperationInfo`, `Operation`, and `operation!`, which calls `$crate::request::send`), and it is
//! copied as one module into every generated crate. About 250 of its lines are unit tests, which
//! are not copied.

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
use crate::drift::{Drift, DriftKind};
use crate::error::{DriftError, Error, Failure};
use crate::retry::RetryPolicy;
// What an operation is and where a request goes are the transport's (it sends them); generated
// code names them here, beside the builders.
use crate::transport::{BoxFuture, RawResponse, Request, Signing, Transport};
pub use crate::transport::{OperationInfo, Target};

/// A generated request builder: how its values become a request, and how a response becomes
/// its result. Everything else a builder has comes from [`operation!`].
pub trait Operation: Sized {
    /// What a successful call returns.
    type Output;
    /// The typed error body (`Infallible` when the operation documents none).
    type Error;

    const INFO: OperationInfo;

    /// The transport and the per-request options every builder carries.
    fn common(&mut self) -> &mut Common;

    /// The request, with the documented parameters and body (the options are added after).
    fn into_request(self) -> Result<(Common, Request), Failure>;

    /// The result for a response.
    fn decode(response: &RawResponse) -> Result<Self::Output, Error<Self::Error>>;

    /// Whether the operation documents `status` (one it does not is drift).
    fn documented(_status: u16) -> bool {
        true
    }
}

/// What every request builder carries besides its parameters: where it goes, and what its
/// escape hatches set.
#[derive(Debug, Clone)]
pub struct Common {
    transport: Arc<Transport>,
    options: RequestOptions,
}

impl Common {
    pub fn new(transport: &Arc<Transport>) -> Self {
        Common {
            transport: Arc::clone(transport),
            options: RequestOptions::default(),
        }
    }

    pub fn options(&mut self) -> &mut RequestOptions {
        &mut self.options
    }

    /// Sends this request to `target` (a path and query under the client's base URL) instead of
    /// where its parameters say: the next page a response's `Link` header names.
    #[allow(dead_code)] // used when an operation pages
    pub(crate) fn follow(&mut self, target: Target) {
        self.options.target = Some(target);
    }

    /// The client's base URL, to resolve a `Link` against.
    #[allow(dead_code)] // used when an operation pages
    pub(crate) fn base_url(&self) -> &str {
        &self.transport.base_url
    }
}

/// Sends the request of `operation`; resolves to the decoded body.
pub fn send<O: Operation>(operation: O) -> ResponseFuture<O::Output, O::Error> {
    let (inner, finish) = start(operation);
    ResponseFuture { inner, finish }
}

/// Sends the request of `operation`; resolves to the decoded body with the response's metadata.
pub fn send_with_response<O: Operation>(operation: O) -> FullResponseFuture<O::Output, O::Error> {
    let (inner, finish) = start(operation);
    FullResponseFuture { inner, finish }
}

/// The transport's future for `operation`'s request, and what turns its response into the
/// result. A request that could not be built fails when polled, like every other failure.
fn start<O: Operation>(operation: O) -> (Pending, Finish<O::Output, O::Error>) {
    let (prepared, finish) = prepare(operation);
    let future: BoxFuture<'static, _> = match prepared {
        Ok((transport, request)) => Box::pin(transport.send(request)),
        Err(failure) => Box::pin(std::future::ready(Err(failure))),
    };
    (future, finish)
}

/// `operation`'s request with the escape hatches' options applied (or why it cannot be built),
/// and what turns its response into the result.
pub fn prepare<O: Operation>(mut operation: O) -> (Prepared, Finish<O::Output, O::Error>) {
    let common = operation.common();
    let finish = Finish {
        decode: O::decode,
        documented: O::documented,
        operation: O::INFO.id,
        strict: common.options.strict.unwrap_or(common.transport.strict),
        transport: Arc::clone(&common.transport),
    };
    let prepared = operation.into_request().and_then(|(common, mut request)| {
        common.options.apply(&mut request)?;
        Ok((common.transport, request))
    });
    (prepared, finish)
}

/// A request ready to send, with the transport that sends it; or why it could not be built.
pub type Prepared = Result<(Arc<Transport>, Request), Failure>;

/// The transport's future of a request.
type Pending = BoxFuture<'static, Result<RawResponse, Failure>>;

/// How a response becomes an operation's result: decoded, checked for drift (logged, counted,
/// and in strict mode an error).
pub struct Finish<T, E> {
    decode: Decoder<T, E>,
    documented: fn(u16) -> bool,
    operation: &'static str,
    strict: bool,
    transport: Arc<Transport>,
}

impl<T, E> Finish<T, E> {
    pub fn result(&self, raw: &RawResponse) -> Result<T, Error<E>> {
        let (result, mut drift) = crate::drift::check(
            || (self.decode)(raw),
            |result| matches!(result, Err(Error::Decode(_))),
        );
        if !(self.documented)(raw.status()) {
            drift.insert(0, Drift::new(DriftKind::UndocumentedStatus, String::new()));
        }
        if drift.is_empty() {
            return result;
        }
        drift.truncate(crate::drift::MAX_PER_RESPONSE);
        self.transport
            .drift
            .record(self.operation, raw.status(), &drift);
        match result {
            Err(Error::Decode(mut error)) => {
                error.drift = drift;
                Err(Error::Decode(error))
            }
            Ok(_) if self.strict => Err(Error::Drift(Box::new(DriftError {
                response: raw.info(),
                drift,
            }))),
            other => other,
        }
    }
}

impl<T, E> fmt::Debug for Finish<T, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Finish")
            .field("operation", &self.operation)
            .field("strict", &self.strict)
            .finish_non_exhaustive()
    }
}

/// What a builder's escape hatches set: extra query parameters and headers, a timeout and a
/// retry policy for this request only. Applied after the documented parameters, before the
/// request is signed, so the signature covers them.
#[derive(Debug, Clone, Default)]
pub struct RequestOptions {
    query: Vec<(String, String)>,
    headers: Vec<(String, String)>,
    timeout: Option<Duration>,
    retry: Option<Option<RetryPolicy>>,
    /// Whether drift is an error for this request (`None`: the client's choice).
    strict: Option<bool>,
    /// Where the request goes instead, when a `Link` header said so (see [`Common::follow`]).
    target: Option<Target>,
    /// The first problem a setter found; the request fails with it when sent.
    problem: Option<String>,
}

impl RequestOptions {
    pub fn query(&mut self, name: String, value: String) {
        self.query.push((name, value));
    }

    pub fn header(&mut self, name: String, value: String) {
        self.headers.push((name, value));
    }

    pub fn timeout(&mut self, timeout: Duration) {
        self.timeout = Some(timeout);
    }

    pub fn retry(&mut self, policy: Option<RetryPolicy>) {
        self.retry = Some(policy);
    }

    pub fn strict(&mut self, strict: bool) {
        self.strict = Some(strict);
    }

    /// Records a problem of a setter (setters return the builder, not a `Result`).
    #[allow(dead_code)] // used when a setter can fail
    pub fn fail(&mut self, problem: String) {
        self.problem.get_or_insert(problem);
    }

    /// Adds what was set to `request`.
    fn apply(&self, request: &mut Request) -> Result<(), Failure> {
        if let Some(problem) = &self.problem {
            return Err(Failure::InvalidRequest(problem.clone()));
        }
        // A `Link` target is the whole next URL: the query it names is the query.
        match &self.target {
            Some(target) => request.retarget(target)?,
            None => {
                for (name, value) in &self.query {
                    request.query.push(name, value);
                }
            }
        }
        for (name, value) in &self.headers {
            request.header(name, value)?;
        }
        if self.timeout.is_some() {
            request.timeout = self.timeout;
        }
        if self.retry.is_some() {
            request.retry = self.retry.clone();
        }
        Ok(())
    }
}

/// How a response becomes an operation's result.
type Decoder<T, E> = fn(&RawResponse) -> Result<T, Error<E>>;

/// The future of a request: resolves to the decoded body. Returned by every builder's `send()`
/// (and its `.await`); `Send + 'static`, so it can be spawned.
#[must_use = "a request is only sent when awaited"]
pub struct ResponseFuture<T, E = Infallible> {
    inner: BoxFuture<'static, Result<RawResponse, Failure>>,
    finish: Finish<T, E>,
}

/// The future of a request that resolves to the decoded body *and* the response's status,
/// headers and raw bytes ([`Response`]). Returned by every builder's `send_with_response()`.
#[must_use = "a request is only sent when awaited"]
pub struct FullResponseFuture<T, E = Infallible> {
    inner: BoxFuture<'static, Result<RawResponse, Failure>>,
    finish: Finish<T, E>,
}

impl<T, E> Future for ResponseFuture<T, E> {
    type Output = Result<T, Error<E>>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.inner.as_mut().poll(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(Err(failure)) => Poll::Ready(Err(failure.into())),
            Poll::Ready(Ok(raw)) => Poll::Ready(self.finish.result(&raw)),
        }
    }
}

impl<T, E> Future for FullResponseFuture<T, E> {
    type Output = Result<Response<T>, Error<E>>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.inner.as_mut().poll(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(Err(failure)) => Poll::Ready(Err(failure.into())),
            Poll::Ready(Ok(raw)) => Poll::Ready(self.finish.result(&raw).map(|body| Response {
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
        f.debug_struct("ResponseFuture")
            .field("finish", &self.finish)
            .finish_non_exhaustive()
    }
}

impl<T, E> fmt::Debug for FullResponseFuture<T, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FullResponseFuture")
            .field("finish", &self.finish)
            .finish_non_exhaustive()
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

/// The methods every request builder has, from its [`Operation`] implementation:
/// `send`, `send_with_response`, `IntoFuture` (so `.await` sends it), and the escape hatches.
///
/// ```text
/// operation!(GetUser => crate::types::User, GetUserError);
/// ```
///
/// Every method is `#[inline]`, as are the generated `Operation` impls: such functions are
/// compiled in the crate that calls them, not in the generated crate. A crate of 165 operations
/// then compiles without the request and decoding code of every one of them (the Zephr crate:
/// 6-7 s instead of 9-11 s), and an application compiles that code only for the operations it
/// calls.
#[macro_export]
#[doc(hidden)]
macro_rules! __operation {
    ($builder:ident => $output:ty, $error:ty, streams) => {
        $crate::request::operation!($builder => $output, $error);

        impl $builder {
            /// Sends the request; resolves once the response's head has come, with the body to
            /// read chunk by chunk (`next_chunk`), for bodies too large to hold in memory. Not
            /// bound by the client's `max_response_bytes` but by the stream's own limit; the
            /// timeout bounds each wait, not the whole transfer. Other statuses fail as with
            /// `.await`.
            #[inline]
            pub fn send_streaming(self) -> $crate::StreamFuture<$error> {
                $crate::stream::send_streaming(self)
            }
        }
    };
    ($builder:ident => $output:ty, $error:ty) => {
        impl $builder {
            /// Sends the request; resolves to the decoded body (the same as `.await`).
            #[inline]
            pub fn send(self) -> $crate::ResponseFuture<$output, $error> {
                $crate::request::send(self)
            }

            /// Sends the request; resolves to the decoded body with the response's status,
            /// headers and raw bytes.
            #[inline]
            pub fn send_with_response(self) -> $crate::FullResponseFuture<$output, $error> {
                $crate::request::send_with_response(self)
            }

            /// Adds a query parameter the spec does not document (after the documented ones;
            /// name and value are percent-encoded). The request is signed as sent.
            #[inline]
            pub fn query(
                mut self,
                name: impl ::core::convert::Into<::std::string::String>,
                value: impl ::std::string::ToString,
            ) -> Self {
                $crate::request::Operation::common(&mut self)
                    .options()
                    .query(name.into(), value.to_string());
                self
            }

            /// Adds a header the spec does not document. The request is signed as sent; an
            /// invalid name or value fails the request with `Error::InvalidRequest`.
            #[inline]
            pub fn header(
                mut self,
                name: impl ::core::convert::Into<::std::string::String>,
                value: impl ::core::convert::Into<::std::string::String>,
            ) -> Self {
                $crate::request::Operation::common(&mut self)
                    .options()
                    .header(name.into(), value.into());
                self
            }

            /// Gives up on this request (each attempt) after `timeout`, instead of the client's.
            #[inline]
            pub fn timeout(mut self, timeout: ::std::time::Duration) -> Self {
                $crate::request::Operation::common(&mut self)
                    .options()
                    .timeout(timeout);
                self
            }

            /// Retries this request by `policy`, instead of the client's (for example a POST
            /// you know is safe to repeat: `RetryPolicy::default().retry_non_idempotent(true)`).
            #[inline]
            pub fn retry(mut self, policy: $crate::RetryPolicy) -> Self {
                $crate::request::Operation::common(&mut self)
                    .options()
                    .retry(::core::option::Option::Some(policy));
                self
            }

            /// Never retries this request, whatever the client's policy.
            #[inline]
            pub fn no_retry(mut self) -> Self {
                $crate::request::Operation::common(&mut self)
                    .options()
                    .retry(::core::option::Option::None);
                self
            }

            /// Whether a response that departs from the spec fails this request with
            /// `Error::Drift` (`true`) or is decoded with a warning (`false`), instead of the
            /// client's choice (see `ClientBuilder::strict`).
            #[inline]
            pub fn strict(mut self, strict: bool) -> Self {
                $crate::request::Operation::common(&mut self)
                    .options()
                    .strict(strict);
                self
            }
        }

        impl ::core::future::IntoFuture for $builder {
            type Output = ::core::result::Result<$output, $crate::Error<$error>>;
            type IntoFuture = $crate::ResponseFuture<$output, $error>;

            #[inline]
            fn into_future(self) -> Self::IntoFuture {
                self.send()
            }
        }
    };
}

#[allow(unused_imports)] // used by the operations' builders, when the spec has any
#[doc(hidden)]
pub use __operation as operation;

/// A request to an endpoint the spec does not describe (or describes wrongly), built by hand
/// from `Client::request`: signed, retried, bounded and traced like
/// every other. Any `2xx` is a success, with the body as [`RawBody`]; or decode it with
/// [`send_json`](RawRequest::send_json).
#[derive(Debug, Clone)]
#[must_use = "a request is only sent when awaited"]
pub struct RawRequest {
    common: Common,
    method: Method,
    path: String,
    body: Option<(Bytes, String)>,
    /// A problem found while building (reported when sent).
    problem: Option<String>,
    signing: Signing,
}

impl RawRequest {
    pub fn new(transport: &Arc<Transport>, method: Method, path: String) -> Self {
        RawRequest {
            common: Common::new(transport),
            method,
            path,
            body: None,
            problem: None,
            signing: Signing::Signed,
        }
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
        self.signing = Signing::Unsigned;
        self
    }

    /// Sends the request and decodes a `2xx` body as JSON into `T`.
    pub fn send_json<T: serde::de::DeserializeOwned>(self) -> ResponseFuture<T> {
        send(Json::<T>(self, std::marker::PhantomData))
    }

    fn request(self) -> Result<(Common, Request), Failure> {
        if let Some(problem) = self.problem {
            return Err(Failure::InvalidRequest(problem));
        }
        crate::encoding::check_raw_path(&self.path)?;
        let mut request = Request::untyped(self.method, self.path, self.signing);
        if let Some((body, content_type)) = self.body {
            request.raw(&content_type, body);
        }
        Ok((self.common, request))
    }
}

/// The operation of a [`RawRequest`] whose body is decoded as JSON.
struct Json<T>(RawRequest, std::marker::PhantomData<fn() -> T>);

impl<T: serde::de::DeserializeOwned> Operation for Json<T> {
    type Output = T;
    type Error = Infallible;

    const INFO: OperationInfo = RawRequest::INFO;

    fn common(&mut self) -> &mut Common {
        &mut self.0.common
    }

    fn into_request(self) -> Result<(Common, Request), Failure> {
        self.0.request()
    }

    fn decode(response: &RawResponse) -> Result<T, Error> {
        if response.is_success() {
            Ok(response.json()?)
        } else {
            Err(response.error(None))
        }
    }
}

impl Operation for RawRequest {
    type Output = RawBody;
    type Error = Infallible;

    const INFO: OperationInfo = OperationInfo {
        id: "request",
        method: Method::GET,
        path: "(untyped)",
        signing: Signing::Signed,
    };

    fn common(&mut self) -> &mut Common {
        &mut self.common
    }

    fn into_request(self) -> Result<(Common, Request), Failure> {
        self.request()
    }

    fn decode(response: &RawResponse) -> Result<RawBody, Error> {
        if response.is_success() {
            Ok(response.raw())
        } else {
            Err(response.error(None))
        }
    }
}

operation!(RawRequest => RawBody, Infallible);

#[cfg(test)]
mod tests {
    // Each test operation uses some of the methods `operation!` gives every builder.
    #![allow(dead_code)]

    use super::operation;
    use super::*;
    use crate::loopback::Server;

    /// An operation as the generator writes one: `GET /items/{id}`, a JSON body back.
    #[derive(Debug, Clone)]
    struct GetItem {
        common: Common,
        id: String,
    }

    impl Operation for GetItem {
        type Output = serde_json::Value;
        type Error = Infallible;

        const INFO: OperationInfo = OperationInfo {
            id: "getItem",
            method: Method::GET,
            path: "/items/{id}",
            signing: Signing::Signed,
        };

        fn common(&mut self) -> &mut Common {
            &mut self.common
        }

        fn into_request(self) -> Result<(Common, Request), Failure> {
            let mut path = String::from("/items/");
            crate::encoding::push_path_param(&mut path, "id", &self.id)?;
            Ok((
                self.common,
                Request::new(&Self::INFO, path, crate::encoding::Query::default()),
            ))
        }

        fn decode(response: &RawResponse) -> Result<serde_json::Value, Error> {
            if response.is_success() {
                Ok(response.json()?)
            } else {
                Err(response.error(None))
            }
        }
    }

    operation!(GetItem => serde_json::Value, Infallible);

    fn get_item(client: &crate::Client, id: &str) -> GetItem {
        GetItem {
            common: Common::new(&client.transport),
            id: id.to_owned(),
        }
    }

    #[tokio::test]
    async fn a_builder_sends_its_request_with_the_escape_hatches_and_decodes_the_answer() {
        let server = Server::start(vec![
            (200, vec![("x-rate", "9")], r#"{"ok":true}"#),
            (404, vec![], "gone"),
        ])
        .await;
        let client = server.client();
        let response = get_item(&client, "a b")
            .query("extra", 1)
            .header("x-trace", "t")
            .retry(crate::RetryPolicy::new(2))
            .timeout(std::time::Duration::from_secs(5))
            .no_retry()
            .send_with_response()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()["x-rate"], "9");
        assert_eq!(response.body()["ok"], true);
        let error = get_item(&client, "b").await.unwrap_err();
        assert_eq!(error.status().map(|s| s.as_u16()), Some(404));
        let received = server.received();
        assert_eq!(received[0].target, "/items/a%20b?extra=1");
        assert_eq!(received[0].headers["x-trace"], "t");
        assert!(
            received[0].headers["user-agent"]
                .to_str()
                .unwrap()
                .starts_with("codegen-runtime")
        );
        // A request that cannot be built fails when awaited, without reaching the server.
        let invalid = get_item(&client, "..").await.unwrap_err();
        assert!(matches!(invalid, Error::InvalidRequest(_)), "{invalid:?}");
        let bad_header = get_item(&client, "c")
            .header("x", "a\nb")
            .await
            .unwrap_err();
        assert!(
            matches!(bad_header, Error::InvalidRequest(_)),
            "{bad_header:?}"
        );
        assert_eq!(server.received().len(), 2);
    }

    #[tokio::test]
    async fn a_raw_request_reaches_any_path_and_decodes_as_asked() {
        let server = Server::start(vec![
            (201, vec![("content-type", "text/plain")], "made"),
            (200, vec![], r#"[1,2]"#),
        ])
        .await;
        let client = server.client();
        let raw = client
            .request(Method::POST, "/v9/new")
            .json(&serde_json::json!({"a": 1}))
            .await
            .unwrap();
        assert_eq!(
            (raw.text().unwrap(), raw.content_type()),
            ("made", Some("text/plain"))
        );
        let numbers: Vec<u8> = client
            .request(Method::GET, "/v9/list")
            .send_json()
            .await
            .unwrap();
        assert_eq!(numbers, [1, 2]);
        let received = server.received();
        assert_eq!(
            (received[0].method.as_str(), received[0].body.as_ref()),
            ("POST", br#"{"a":1}"#.as_ref())
        );
        assert_eq!(received[0].headers["content-type"], "application/json");
        let refused = client.request(Method::GET, "/a/../b").await.unwrap_err();
        assert!(matches!(refused, Error::InvalidRequest(_)));
    }

    #[derive(Debug, Clone, PartialEq, Default)]
    struct User {
        id: Option<String>,
        additional_properties: serde_json::Map<String, serde_json::Value>,
    }

    crate::model::model!(
        User {
            id: ("id", optional)
        },
        open(additional_properties)
    );

    /// `POST /users`, documented as `201` with a `User`.
    #[derive(Debug, Clone)]
    struct CreateUser {
        common: Common,
    }

    impl Operation for CreateUser {
        type Output = User;
        type Error = Infallible;

        const INFO: OperationInfo = OperationInfo {
            id: "createUser",
            method: Method::POST,
            path: "/users",
            signing: Signing::Signed,
        };

        fn common(&mut self) -> &mut Common {
            &mut self.common
        }

        fn into_request(self) -> Result<(Common, Request), Failure> {
            Ok((
                self.common,
                Request::new(
                    &Self::INFO,
                    "/users".to_owned(),
                    crate::encoding::Query::default(),
                ),
            ))
        }

        fn decode(response: &RawResponse) -> Result<User, Error> {
            if response.is_success() {
                Ok(response.json()?)
            } else {
                Err(response.error(None))
            }
        }

        fn documented(status: u16) -> bool {
            status == 201
        }
    }

    operation!(CreateUser => User, Infallible);

    #[tokio::test]
    async fn drift_is_counted_and_in_strict_mode_an_error() {
        let wrapped = r#"{"data":{"id":"u1"}}"#;
        let server = Server::start(vec![
            (201, vec![], wrapped),
            (201, vec![], wrapped),
            (200, vec![], r#"{"id":"u2"}"#),
            (201, vec![], wrapped),
        ])
        .await;
        let client = server.client();
        let create = || CreateUser {
            common: Common::new(&client.transport),
        };
        // Lenient (the default): decoded, nothing lost, the departure counted.
        let user = create().await.unwrap();
        assert_eq!(user.additional_properties["data"]["id"], "u1");
        // Strict for one request: the same body is an error that names the places.
        let error = create().strict(true).await.unwrap_err();
        assert_eq!(error.status().map(|s| s.as_u16()), Some(201));
        let places: Vec<String> = error.drift().iter().map(ToString::to_string).collect();
        assert_eq!(
            places,
            [
                "undeclared-property at /data",
                "no-declared-property (the body)"
            ]
        );
        assert!(
            !error.to_string().contains("u1"),
            "values never appear: {error}"
        );
        // A status the operation does not document.
        create().await.unwrap();
        let report = client.drift_report();
        let lines: Vec<String> = report.to_string().lines().map(str::to_owned).collect();
        assert_eq!(
            lines,
            [
                "createUser 200 undocumented-status (the body) ×1",
                "createUser 201 undeclared-property /data ×2",
                "createUser 201 no-declared-property (the body) ×2",
            ]
        );
        // Strict for the whole client, and a request that opts out.
        let strict = crate::Client::builder()
            .base_url(&server.url)
            .strict(true)
            .build()
            .unwrap();
        let user = CreateUser {
            common: Common::new(&strict.transport),
        }
        .strict(false)
        .await
        .unwrap();
        assert!(user.id.is_none());
    }
}
