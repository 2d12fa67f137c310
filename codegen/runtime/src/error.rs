//! Errors of the client.
//!
//! Every failure of an operation is an [`Error`]: the request could not be built, could not be
//! signed, never got an answer, got an answer with a status the operation does not treat as
//! success, got a success body that does not match its documented type, or (in strict mode) got
//! a body that departs from the spec. Whatever the server sent is kept ([`ResponseInfo`]:
//! status, headers, raw body), and nothing here ever holds a secret.
//!
//! Long, and kept whole: one data model, `Error<E>` and the type of each variant, sharing the
//! accessors of `response_accessors!`. About 70 of its lines are unit tests, which are not copied.

use std::convert::Infallible;
use std::fmt;
use std::time::Duration;

use bytes::Bytes;
use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode};

use crate::drift::Drift;
use crate::signing::SigningError;

/// The error of an operation. `E` is the operation's typed error body (an enum of the bodies its
/// documented error statuses carry), or [`Infallible`] when it documents none.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error<E = Infallible> {
    /// The request could not be built from the given values (for example a path parameter
    /// that is empty, `.` or `..`, or a header value with a line break).
    InvalidRequest(InvalidRequestError),
    /// The signer refused to sign the request.
    Signing(SigningError),
    /// No response arrived: connection, TLS, timeout, or reading the body failed.
    Transport(TransportError),
    /// The server answered with a status the operation does not treat as success.
    Status(Box<StatusError<E>>),
    /// The server answered with success, but the body is not what the spec documents.
    Decode(Box<DecodeError>),
    /// In strict mode: the response decoded, but departs from the spec (see
    /// `ClientBuilder::strict`).
    Drift(Box<DriftError>),
    /// A stream of pages was sent back to a page it had fetched already (the same cursor
    /// again): it ends here rather than repeat the same items forever.
    Pagination(PaginationError),
}

impl<E> Error<E> {
    /// What the server sent, when there was a response.
    pub fn response(&self) -> Option<&ResponseInfo> {
        match self {
            Error::Status(e) => Some(&e.response),
            Error::Decode(e) => Some(&e.response),
            Error::Drift(e) => Some(&e.response),
            _ => None,
        }
    }

    /// The HTTP status of the response, when there was one.
    pub fn status(&self) -> Option<StatusCode> {
        self.response().map(ResponseInfo::status)
    }

    /// The raw body of the response, when there was one.
    pub fn body(&self) -> Option<&Bytes> {
        self.response().map(ResponseInfo::body)
    }

    /// The status of an answer the operation does not treat as success (not of a success
    /// that failed to decode, nor of a drift error).
    fn error_status(&self) -> Option<StatusCode> {
        match self {
            Error::Status(e) => Some(e.response.status),
            _ => None,
        }
    }

    /// Whether the server answered `404 Not Found`.
    pub fn is_not_found(&self) -> bool {
        self.error_status() == Some(StatusCode::NOT_FOUND)
    }

    /// Whether the server answered `409 Conflict`. What a conflict means is the operation's:
    /// its documentation lists what each status stands for.
    pub fn is_conflict(&self) -> bool {
        self.error_status() == Some(StatusCode::CONFLICT)
    }

    /// Whether the server answered `429 Too Many Requests` (after the retries the policy
    /// allows); [`retry_after`](Error::retry_after) says how long it asked to wait.
    pub fn is_rate_limited(&self) -> bool {
        self.error_status() == Some(StatusCode::TOO_MANY_REQUESTS)
    }

    /// Whether the server answered `401 Unauthorized`: missing, wrong or expired credentials
    /// (or, with a signing scheme, a signature it did not accept).
    pub fn is_unauthorized(&self) -> bool {
        self.error_status() == Some(StatusCode::UNAUTHORIZED)
    }

    /// Whether the server answered `403 Forbidden`: the credentials are valid but not allowed.
    pub fn is_forbidden(&self) -> bool {
        self.error_status() == Some(StatusCode::FORBIDDEN)
    }

    /// Whether the server answered with a `4xx` status: the request was wrong (the caller's
    /// to change), as opposed to a server or transport failure.
    pub fn is_client_error(&self) -> bool {
        self.error_status().is_some_and(|s| s.is_client_error())
    }

    /// Whether the server answered with a `5xx` status.
    pub fn is_server_error(&self) -> bool {
        self.error_status().is_some_and(|s| s.is_server_error())
    }

    /// How long the server asked to wait before trying again (`Retry-After`, in seconds or as
    /// a date), when it answered with an error status and said so.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Error::Status(e) => e.response.retry_after(),
            _ => None,
        }
    }

    /// Where the response departed from the spec, when it did (strict mode's error, or the
    /// places a failed decode found).
    pub fn drift(&self) -> &[Drift] {
        match self {
            Error::Drift(e) => &e.drift,
            Error::Decode(e) => &e.drift,
            _ => &[],
        }
    }

    /// The same error without the typed error body (the raw body is kept), so errors of
    /// different operations fit one type.
    pub fn into_untyped(self) -> Error {
        match self {
            Error::InvalidRequest(e) => Error::InvalidRequest(e),
            Error::Signing(e) => Error::Signing(e),
            Error::Transport(e) => Error::Transport(e),
            Error::Decode(e) => Error::Decode(e),
            Error::Drift(e) => Error::Drift(e),
            Error::Pagination(e) => Error::Pagination(e),
            Error::Status(e) => Error::Status(Box::new(StatusError {
                response: e.response,
                typed: None,
            })),
        }
    }
}

impl<E> fmt::Display for Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::InvalidRequest(e) => e.fmt(f),
            Error::Signing(e) => write!(f, "could not sign the request: {e}"),
            Error::Transport(e) => e.fmt(f),
            Error::Status(e) => e.fmt(f),
            Error::Decode(e) => e.fmt(f),
            Error::Drift(e) => e.fmt(f),
            Error::Pagination(e) => e.fmt(f),
        }
    }
}

impl<E: fmt::Debug> std::error::Error for Error<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::InvalidRequest(_)
            | Error::Status(_)
            | Error::Drift(_)
            | Error::Pagination(_) => None,
            Error::Signing(e) => Some(e),
            Error::Transport(e) => e
                .source
                .as_ref()
                .map(|e| e as &(dyn std::error::Error + 'static)),
            Error::Decode(e) => Some(&e.source),
        }
    }
}

/// A request that could not be built.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidRequestError {
    pub(crate) message: String,
}

impl InvalidRequestError {
    /// What is wrong with the request.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for InvalidRequestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid request: {}", self.message)
    }
}

impl std::error::Error for InvalidRequestError {}

/// A stream of pages that could not go on safely: the server sent it back to a page it had
/// fetched already, or named a next page elsewhere than the client's base URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaginationError {
    pub(crate) page: usize,
    pub(crate) problem: PaginationProblem,
}

/// Why a stream of pages ended early.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum PaginationProblem {
    /// The server sent a cursor it had sent before.
    RepeatedCursor,
    /// The server's `Link` header named a page already fetched.
    RepeatedLink,
    /// The server's `Link` header named a next page on another origin (or outside the base
    /// URL's path): not followed, since the request would carry the client's credentials.
    ForeignLink,
}

impl PaginationError {
    /// The page (counting from 1) whose request was not sent.
    pub fn page(&self) -> usize {
        self.page
    }

    /// Why it was not sent.
    pub fn problem(&self) -> PaginationProblem {
        self.problem
    }
}

impl fmt::Display for PaginationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let why = match self.problem {
            PaginationProblem::RepeatedCursor => {
                "would repeat a page already fetched (the server sent a cursor it had sent before)"
            }
            PaginationProblem::RepeatedLink => {
                "would repeat a page already fetched (the server's Link header named it again)"
            }
            PaginationProblem::ForeignLink => {
                "is on another origin than the client's base URL (the server's Link header names it there), and is not requested with the client's credentials"
            }
        };
        write!(f, "page {} {why}: the stream ends here", self.page)
    }
}

impl std::error::Error for PaginationError {}

/// A request that got no (complete) response.
#[derive(Debug)]
pub struct TransportError {
    pub(crate) method: Method,
    pub(crate) path: String,
    pub(crate) kind: TransportErrorKind,
    pub(crate) source: Option<reqwest::Error>,
}

/// What went wrong on the way, including which of the client's limits was hit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TransportErrorKind {
    /// The connection could not be made (refused, DNS, TLS, or the connect timeout).
    Connect,
    /// The request did not complete within its timeout (see `ClientBuilder::timeout`).
    Timeout,
    /// The response body is larger than the limit (see `ClientBuilder::max_response_bytes`).
    BodyTooLarge {
        /// The limit, in bytes.
        limit: usize,
    },
    /// A streamed body (`send_streaming`) is larger than its limit (see `ByteStream::max_bytes`,
    /// 4 GiB by default).
    StreamTooLarge {
        /// The limit, in bytes.
        limit: u64,
    },
    /// One event of an event stream (`send_events`) is larger than its limit (see
    /// `EventStream::max_event_bytes`, 16 MiB by default): a server that never ends a line or an
    /// event.
    EventTooLarge {
        /// The limit, in bytes.
        limit: usize,
    },
    /// More redirects than the redirect policy allows.
    TooManyRedirects,
    /// Anything else the HTTP client reports (a reset connection, a malformed response, …).
    Other,
}

impl TransportError {
    /// What went wrong.
    pub fn kind(&self) -> TransportErrorKind {
        self.kind
    }

    /// The underlying error of the HTTP client, when it reported one.
    pub fn inner(&self) -> Option<&reqwest::Error> {
        self.source.as_ref()
    }

    /// Whether the request timed out.
    pub fn is_timeout(&self) -> bool {
        self.kind == TransportErrorKind::Timeout
    }

    /// Whether the connection could not be made.
    pub fn is_connect(&self) -> bool {
        self.kind == TransportErrorKind::Connect
    }

    /// Whether the response (or one event, or a streamed body) was larger than the client
    /// accepts.
    pub fn is_body_too_large(&self) -> bool {
        matches!(
            self.kind,
            TransportErrorKind::BodyTooLarge { .. }
                | TransportErrorKind::StreamTooLarge { .. }
                | TransportErrorKind::EventTooLarge { .. }
        )
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The URL (with its query, which may carry personal data) is left out on purpose.
        write!(f, "{} {}: ", self.method, self.path)?;
        match (self.kind, &self.source) {
            (TransportErrorKind::BodyTooLarge { limit }, _) => write!(
                f,
                "the response body is larger than the limit of {limit} bytes (see ClientBuilder::max_response_bytes)"
            ),
            (TransportErrorKind::StreamTooLarge { limit }, _) => write!(
                f,
                "the streamed body is larger than the limit of {limit} bytes (see ByteStream::max_bytes)"
            ),
            (TransportErrorKind::EventTooLarge { limit }, _) => write!(
                f,
                "an event is larger than the limit of {limit} bytes (see EventStream::max_event_bytes)"
            ),
            (TransportErrorKind::TooManyRedirects, _) => f.write_str("too many redirects"),
            (TransportErrorKind::Timeout, _) => {
                f.write_str("timed out (see ClientBuilder::timeout and the request's .timeout)")
            }
            (_, Some(source)) => write!(f, "request failed: {source}"),
            (_, None) => f.write_str("request failed"),
        }
    }
}

/// What the server sent: the request it answered, the status, the headers and the raw body.
/// Every error that got a response keeps one.
///
/// Its `Debug` shows the status, the content type, the body's length and the headers' names,
/// never the body or a header's value: they can hold personal data or session tokens, and
/// errors end up in logs. Read them with [`body`](ResponseInfo::body) and
/// [`headers`](ResponseInfo::headers).
#[derive(Clone)]
pub struct ResponseInfo {
    pub(crate) method: Method,
    pub(crate) path: String,
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
}

impl ResponseInfo {
    /// The HTTP method of the request.
    pub fn method(&self) -> &Method {
        &self.method
    }

    /// The path of the request (without its query, which may hold personal data).
    pub fn path(&self) -> &str {
        &self.path
    }

    pub fn status(&self) -> StatusCode {
        self.status
    }

    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The raw body, exactly as received.
    pub fn body(&self) -> &Bytes {
        &self.body
    }

    /// The body as text, if it is UTF-8.
    pub fn text(&self) -> Option<&str> {
        std::str::from_utf8(&self.body).ok()
    }

    /// The body's media type, from `Content-Type`, if the server sent one.
    pub fn content_type(&self) -> Option<&str> {
        self.headers
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
    }

    /// The wait the server asked for with `Retry-After` (seconds, or a date: the time left
    /// until then), if it sent one.
    pub fn retry_after(&self) -> Option<Duration> {
        crate::retry::retry_after(&self.headers)
    }
}

impl fmt::Debug for ResponseInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.headers.keys().map(|name| name.as_str()).collect();
        f.debug_struct("ResponseInfo")
            .field("method", &self.method)
            .field("path", &self.path)
            .field("status", &self.status)
            .field(
                "content_type",
                &self.content_type().map(|t| printable(t, 100)),
            )
            .field("body_len", &self.body.len())
            .field("header_names", &names)
            .finish()
    }
}

/// The accessors of the [`ResponseInfo`] an error keeps, on the error itself.
macro_rules! response_accessors {
    () => {
        /// What the server sent.
        pub fn response(&self) -> &ResponseInfo {
            &self.response
        }

        pub fn status(&self) -> StatusCode {
            self.response.status
        }

        pub fn headers(&self) -> &HeaderMap {
            &self.response.headers
        }

        /// The raw body, exactly as received.
        pub fn body(&self) -> &Bytes {
            &self.response.body
        }

        /// The body as text, if it is UTF-8.
        pub fn text(&self) -> Option<&str> {
            self.response.text()
        }

        /// The HTTP method of the request.
        pub fn method(&self) -> &Method {
            &self.response.method
        }

        /// The path of the request (without its query).
        pub fn path(&self) -> &str {
            &self.response.path
        }
    };
}

/// A response with a status the operation does not treat as success.
///
/// `Debug` and `Display` name the status and what the body is, never what it holds: read it
/// with [`body`](StatusError::body) or [`typed`](StatusError::typed).
pub struct StatusError<E = Infallible> {
    pub(crate) response: ResponseInfo,
    pub(crate) typed: Option<E>,
}

impl<E> StatusError<E> {
    response_accessors!();

    /// The body decoded into the type the spec documents for this status, if it documents one
    /// and the body matches it.
    pub fn typed(&self) -> Option<&E> {
        self.typed.as_ref()
    }

    pub fn into_typed(self) -> Option<E> {
        self.typed
    }

    /// The wait the server asked for with `Retry-After`, if it sent one.
    pub fn retry_after(&self) -> Option<Duration> {
        self.response.retry_after()
    }
}

impl<E> fmt::Debug for StatusError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StatusError")
            .field("response", &self.response)
            // Which documented type the body decoded into, not its contents.
            .field(
                "typed",
                &self.typed.as_ref().map(|_| std::any::type_name::<E>()),
            )
            .finish()
    }
}

impl<E> fmt::Display for StatusError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {}: server answered {}",
            self.response.method, self.response.path, self.response.status
        )
    }
}

/// A success response whose body does not match the documented type.
///
/// `Debug` and `Display` say where and why (the location, the decoder's message with the
/// values it quotes left out, the drift), never what the body holds: read it with
/// [`body`](DecodeError::body), and the decoder's own error with [`inner`](DecodeError::inner).
pub struct DecodeError {
    pub(crate) response: ResponseInfo,
    pub(crate) location: String,
    pub(crate) source: serde_json::Error,
    /// Where the body departs from the spec (filled in once decoding has failed).
    pub(crate) drift: Vec<Drift>,
}

impl DecodeError {
    response_accessors!();

    /// Where in the body decoding failed, as a path such as `results[0].grant_id` (`.` for
    /// the top level).
    pub fn location(&self) -> &str {
        &self.location
    }

    /// The error of the JSON decoder, with line and column.
    pub fn inner(&self) -> &serde_json::Error {
        &self.source
    }

    /// Every place the body departs from the spec, as far as decoding went.
    pub fn drift(&self) -> &[Drift] {
        &self.drift
    }
}

impl DecodeError {
    /// The decoder's message without the values it quotes (`invalid type: string "…", expected
    /// u32`): they are the server's data.
    pub fn message(&self) -> String {
        printable(&without_values(&self.source.to_string()), 300)
    }
}

impl fmt::Debug for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DecodeError")
            .field("response", &self.response)
            .field("location", &printable(&self.location, 200))
            .field("message", &self.message())
            .field("drift", &self.drift)
            .finish()
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The location names fields and indices, the message the kind of mismatch; both are
        // escaped and bounded, so a hostile body cannot forge log lines or fill them.
        write!(
            f,
            "{} {}: the {} response body does not match its documented type at `{}`: {}",
            self.response.method,
            self.response.path,
            self.response.status,
            printable(&self.location, 200),
            self.message()
        )
    }
}

/// A decoder's message with the values it quotes replaced by `…`: `invalid type: string
/// "ada@example.com", expected u32` becomes `invalid type: string "…", expected u32`. Names the
/// schema gives (`missing field `id``, what was expected) are kept; quoted data before
/// `expected` is not.
pub fn without_values(message: &str) -> String {
    const NAMES: [&str; 3] = ["missing field", "unknown field", "duplicate field"];
    if NAMES.iter().any(|start| message.starts_with(start)) {
        return message.to_owned();
    }
    let (data, expected) = match message.find(", expected") {
        Some(at) => message.split_at(at),
        None => match message.find(" at line ") {
            Some(at) => message.split_at(at),
            None => (message, ""),
        },
    };
    let mut out = String::with_capacity(message.len());
    let mut chars = data.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' | '`' => {
                out.push(c);
                out.push('…');
                let mut escaped = false;
                for inner in chars.by_ref() {
                    match inner {
                        '\\' if c == '"' && !escaped => escaped = true,
                        _ if inner == c && !escaped => break,
                        _ => escaped = false,
                    }
                }
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out.push_str(expected);
    out
}

/// In strict mode, a response that decoded but departs from the spec (see [`Drift`]).
#[derive(Debug)]
pub struct DriftError {
    pub(crate) response: ResponseInfo,
    pub(crate) drift: Vec<Drift>,
}

impl DriftError {
    response_accessors!();

    /// Every place the response departs from the spec.
    pub fn drift(&self) -> &[Drift] {
        &self.drift
    }
}

impl fmt::Display for DriftError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {}: the {} response departs from the spec (strict mode):",
            self.response.method, self.response.path, self.response.status
        )?;
        const SHOWN: usize = 5;
        for (i, drift) in self.drift.iter().take(SHOWN).enumerate() {
            write!(f, "{} {drift}", if i == 0 { "" } else { ";" })?;
        }
        if self.drift.len() > SHOWN {
            write!(f, "; and {} more", self.drift.len() - SHOWN)?;
        }
        Ok(())
    }
}

/// Whether `c` is a character that hides text or reorders it on screen (bidirectional
/// controls, separators, a byte order mark).
pub fn is_hidden(c: char) -> bool {
    matches!(c, '\u{61c}' | '\u{200e}' | '\u{200f}' | '\u{2028}' | '\u{2029}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{feff}')
}

/// `text` for a message: control, bidirectional and other invisible characters escaped, and cut
/// (with `…`) after `max` characters.
pub fn printable(text: &str, max: usize) -> String {
    let mut out = String::with_capacity(text.len().min(max) + 8);
    for (count, c) in text.chars().enumerate() {
        if count == max {
            out.push('…');
            break;
        }
        if c.is_control() || is_hidden(c) {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    out
}

/// A client that could not be built from its configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildError {
    pub(crate) message: String,
}

impl BuildError {
    pub fn new(message: impl Into<String>) -> Self {
        BuildError {
            message: message.into(),
        }
    }
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cannot build the client: {}", self.message)
    }
}

impl std::error::Error for BuildError {}

/// What the shared request code can fail with; becomes an [`Error`] of any operation.
#[derive(Debug)]
pub enum Failure {
    InvalidRequest(String),
    Signing(SigningError),
    Transport(TransportError),
    Decode(Box<DecodeError>),
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::InvalidRequest(message) => write!(f, "invalid request: {message}"),
            Failure::Signing(e) => write!(f, "could not sign the request: {e}"),
            Failure::Transport(e) => e.fmt(f),
            Failure::Decode(e) => e.fmt(f),
        }
    }
}

impl<E> From<Failure> for Error<E> {
    fn from(failure: Failure) -> Self {
        match failure {
            Failure::InvalidRequest(message) => {
                Error::InvalidRequest(InvalidRequestError { message })
            }
            Failure::Signing(e) => Error::Signing(e),
            Failure::Transport(e) => Error::Transport(e),
            Failure::Decode(e) => Error::Decode(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn response(status: u16, headers: &[(&'static str, &'static str)]) -> ResponseInfo {
        let mut map = HeaderMap::new();
        for (name, value) in headers {
            map.insert(*name, HeaderValue::from_static(value));
        }
        ResponseInfo {
            method: Method::GET,
            path: "/v3/users/u1".into(),
            status: StatusCode::from_u16(status).unwrap(),
            headers: map,
            body: Bytes::from_static(b"{}"),
        }
    }

    #[test]
    fn helpers_answer_without_matching_on_the_variant() {
        let not_found: Error = Error::Status(Box::new(StatusError {
            response: response(404, &[]),
            typed: None,
        }));
        assert!(not_found.is_not_found());
        assert_eq!(not_found.status(), Some(StatusCode::NOT_FOUND));
        assert_eq!(not_found.body().map(|b| b.as_ref()), Some(b"{}".as_ref()));
        let limited: Error = Error::Status(Box::new(StatusError {
            response: response(429, &[("retry-after", "7")]),
            typed: None,
        }));
        assert!(!limited.is_not_found());
        assert_eq!(limited.retry_after(), Some(Duration::from_secs(7)));
        let offline: Error = Error::InvalidRequest(InvalidRequestError {
            message: "x".into(),
        });
        assert_eq!(
            (
                offline.status(),
                offline.retry_after(),
                offline.drift().len()
            ),
            (None, None, 0)
        );
    }

    #[test]
    fn each_status_helper_answers_for_its_statuses_only() {
        let status = |code| -> Error {
            Error::Status(Box::new(StatusError {
                response: response(code, &[]),
                typed: None,
            }))
        };
        type Helper = fn(&Error) -> bool;
        let helpers: [(&str, Helper, &[u16]); 7] = [
            ("not_found", Error::is_not_found, &[404]),
            ("conflict", Error::is_conflict, &[409]),
            ("rate_limited", Error::is_rate_limited, &[429]),
            ("unauthorized", Error::is_unauthorized, &[401]),
            ("forbidden", Error::is_forbidden, &[403]),
            (
                "client_error",
                Error::is_client_error,
                &[400, 401, 403, 404, 409, 422, 429],
            ),
            ("server_error", Error::is_server_error, &[500, 502, 503]),
        ];
        for code in [400, 401, 403, 404, 409, 422, 429, 500, 502, 503] {
            for (name, helper, yes) in &helpers {
                assert_eq!(
                    helper(&status(code)),
                    yes.contains(&code),
                    "is_{name} for {code}"
                );
            }
        }
        // A success that failed to decode has a status, but is none of these.
        let decode: Error = Error::Decode(Box::new(DecodeError {
            response: response(200, &[]),
            location: ".".into(),
            source: serde_json::from_str::<u32>("x").unwrap_err(),
            drift: Vec::new(),
        }));
        assert!(helpers.iter().all(|(_, helper, _)| !helper(&decode)));
    }

    #[test]
    fn decoder_messages_keep_their_meaning_without_the_values() {
        let cases = [
            (
                r#"invalid type: string "ada@example.com", expected u32 at line 1 column 20"#,
                r#"invalid type: string "…", expected u32 at line 1 column 20"#,
            ),
            (
                r#"invalid type: string "a \" b", expected u32"#,
                r#"invalid type: string "…", expected u32"#,
            ),
            (
                "invalid value: integer `-1`, expected u32",
                "invalid value: integer `…`, expected u32",
            ),
            (
                "unknown variant `secret`, expected one of `a`, `b`",
                "unknown variant `…`, expected one of `a`, `b`",
            ),
            ("missing field `user_id`", "missing field `user_id`"),
            (
                "expected value at line 1 column 1",
                "expected value at line 1 column 1",
            ),
        ];
        for (message, shown) in cases {
            assert_eq!(without_values(message), shown);
        }
    }

    #[test]
    fn debug_shows_what_a_body_is_never_what_it_holds() {
        let mut info = response(
            422,
            &[
                ("content-type", "application/json"),
                ("set-cookie", "session=SECRET"),
            ],
        );
        info.body = Bytes::from_static(br#"{"email":"ada@example.com"}"#);
        let status: Error<String> = Error::Status(Box::new(StatusError {
            response: info.clone(),
            typed: Some("ada@example.com".to_owned()),
        }));
        let decode: Error = Error::Decode(Box::new(DecodeError {
            response: info.clone(),
            location: "email".into(),
            source: serde_json::from_slice::<std::collections::BTreeMap<String, u32>>(&info.body)
                .unwrap_err(),
            drift: Vec::new(),
        }));
        for shown in [
            format!("{status:?}"),
            status.to_string(),
            format!("{decode:?}"),
            decode.to_string(),
        ] {
            assert!(!shown.contains("ada@"), "{shown}");
            assert!(!shown.contains("SECRET"), "{shown}");
        }
        let debug = format!("{status:?}");
        assert!(
            debug.contains("body_len: 27") && debug.contains("\"set-cookie\""),
            "{debug}"
        );
        assert!(
            debug.contains("application/json") && debug.contains("alloc::string::String"),
            "{debug}"
        );
    }

    #[test]
    fn a_drift_error_lists_the_places_not_the_values() {
        let drift = (0..7)
            .map(|i| {
                Drift::new(
                    crate::drift::DriftKind::UndeclaredProperty,
                    format!("/p{i}"),
                )
            })
            .collect();
        let error: Error = Error::Drift(Box::new(DriftError {
            response: response(201, &[]),
            drift,
        }));
        let text = error.to_string();
        assert!(text.starts_with("GET /v3/users/u1: the 201 Created response departs from the spec (strict mode): undeclared-property at /p0;"), "{text}");
        assert!(text.ends_with("; and 2 more"), "{text}");
        assert_eq!(error.drift().len(), 7);
    }

    #[test]
    fn printable_escapes_what_hides_text() {
        assert_eq!(printable("a\u{202e}b\nc", 10), "a\\u{202e}b\\u{a}c");
        assert_eq!(printable("abcdef", 3), "abc…");
    }
}
