//! Errors of the client.
//!
//! Every failure of an operation is an [`Error`]: the request could not be built, could not be
//! signed, never got an answer, got an answer with a status the operation does not treat as
//! success, or got a success body that does not match its documented type. Whatever the server
//! sent is kept (status, headers, raw body), and nothing here ever holds a secret.

use std::convert::Infallible;
use std::fmt;

use bytes::Bytes;
use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode};

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
}

impl<E> Error<E> {
    /// The HTTP status of the response, when there was one.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Status(e) => Some(e.status),
            Error::Decode(e) => Some(e.status),
            _ => None,
        }
    }

    /// The raw body of the response, when there was one.
    pub fn body(&self) -> Option<&Bytes> {
        match self {
            Error::Status(e) => Some(&e.body),
            Error::Decode(e) => Some(&e.body),
            _ => None,
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
            Error::Status(e) => {
                let StatusError {
                    method,
                    path,
                    status,
                    headers,
                    body,
                    typed: _,
                } = *e;
                Error::Status(Box::new(StatusError {
                    method,
                    path,
                    status,
                    headers,
                    body,
                    typed: None,
                }))
            }
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
        }
    }
}

impl<E: fmt::Debug> std::error::Error for Error<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::InvalidRequest(_) | Error::Status(_) => None,
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

    /// Whether the response was larger than the client accepts.
    pub fn is_body_too_large(&self) -> bool {
        matches!(self.kind, TransportErrorKind::BodyTooLarge { .. })
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
            (TransportErrorKind::TooManyRedirects, _) => f.write_str("too many redirects"),
            (TransportErrorKind::Timeout, None) => {
                f.write_str("timed out (see ClientBuilder::timeout)")
            }
            (_, Some(source)) => write!(f, "request failed: {source}"),
            (_, None) => f.write_str("request failed"),
        }
    }
}

/// A response with a status the operation does not treat as success.
#[derive(Debug)]
pub struct StatusError<E = Infallible> {
    pub(crate) method: Method,
    pub(crate) path: String,
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
    pub(crate) typed: Option<E>,
}

impl<E> StatusError<E> {
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

    /// The body decoded into the type the spec documents for this status, if it documents one
    /// and the body matches it.
    pub fn typed(&self) -> Option<&E> {
        self.typed.as_ref()
    }

    pub fn into_typed(self) -> Option<E> {
        self.typed
    }

    /// The HTTP method of the request.
    pub fn method(&self) -> &Method {
        &self.method
    }

    /// The path of the request (without its query).
    pub fn path(&self) -> &str {
        &self.path
    }
}

impl<E> fmt::Display for StatusError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {}: server answered {}",
            self.method, self.path, self.status
        )
    }
}

/// A success response whose body does not match the documented type.
#[derive(Debug)]
pub struct DecodeError {
    pub(crate) method: Method,
    pub(crate) path: String,
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
    pub(crate) location: String,
    pub(crate) source: serde_json::Error,
}

impl DecodeError {
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

    /// Where in the body decoding failed, as a path such as `results[0].grant_id` (`.` for
    /// the top level).
    pub fn location(&self) -> &str {
        &self.location
    }

    /// The error of the JSON decoder, with line and column.
    pub fn inner(&self) -> &serde_json::Error {
        &self.source
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The location and the decoder's message quote the server's bytes: shown escaped and
        // bounded, so a hostile body cannot forge log lines or fill them.
        write!(
            f,
            "{} {}: the {} response body does not match its documented type at `{}`: {}",
            self.method,
            self.path,
            self.status,
            printable(&self.location, 200),
            printable(&self.source.to_string(), 300)
        )
    }
}

/// `text` for a message: control, bidirectional and other invisible characters escaped, and cut
/// (with `…`) after `max` characters.
pub(crate) fn printable(text: &str, max: usize) -> String {
    let mut out = String::with_capacity(text.len().min(max) + 8);
    for (count, c) in text.chars().enumerate() {
        if count == max {
            out.push('…');
            break;
        }
        let hidden = c.is_control()
            || matches!(c, '\u{61c}' | '\u{200e}' | '\u{200f}' | '\u{2028}' | '\u{2029}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{feff}');
        if hidden {
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
    pub(crate) fn new(message: impl Into<String>) -> Self {
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
pub(crate) enum Failure {
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
