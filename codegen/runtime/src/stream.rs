//! Response bodies read as they arrive: `send_streaming()` on the builders of operations whose
//! success body is not JSON (`application/octet-stream`, `text/csv`, …), for exports too large
//! to hold in memory.
//!
//! A stream is not subject to the client's `max_response_bytes` (that cap is for bodies held in
//! memory); it has a limit of its own ([`DEFAULT_MAX_STREAM_BYTES`], [`ByteStream::max_bytes`]).
//! The request's timeout bounds the wait for the response's head and then each wait for a
//! chunk, not the whole transfer: a download of an hour is fine, a server silent for longer
//! than the timeout is not. A status the operation does not treat as success is read whole
//! (within `max_response_bytes`) and fails as `.await` would, with the typed error body.

use std::convert::Infallible;
use std::fmt;
use std::time::Duration;

use bytes::Bytes;
use reqwest::header::{CONTENT_LENGTH, CONTENT_TYPE, HeaderMap};
use reqwest::{Method, StatusCode};

use crate::error::{Error, Failure, ResponseInfo, TransportError, TransportErrorKind};
use crate::request::{Operation, prepare};
use crate::transport::{BoxFuture, Opened, timed_out, transport_error};

/// The most a [`ByteStream`] reads unless told otherwise: 4 GiB.
pub const DEFAULT_MAX_STREAM_BYTES: u64 = 4 << 30;

/// The future of `send_streaming()`: the response's head, with the body still to read.
pub type StreamFuture<E = Infallible> = BoxFuture<'static, Result<ByteStream, Error<E>>>;

/// A successful response whose body is read chunk by chunk, as it arrives.
///
/// Write each chunk where it belongs (a file, a hasher, a parser) and drop it: nothing is kept.
/// Dropping the stream closes the connection.
pub struct ByteStream {
    response: reqwest::Response,
    status: StatusCode,
    headers: HeaderMap,
    method: Method,
    path: String,
    /// The longest wait for one chunk.
    idle: Option<Duration>,
    limit: u64,
    read: u64,
    /// What [`collect`](ByteStream::collect) may hold: the client's `max_response_bytes`.
    in_memory: usize,
}

impl fmt::Debug for ByteStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Not the response: its URL may carry credentials and personal data in the query.
        f.debug_struct("ByteStream")
            .field("status", &self.status)
            .field("method", &self.method)
            .field("path", &self.path)
            .field("bytes_read", &self.read)
            .field("limit", &self.limit)
            .finish_non_exhaustive()
    }
}

impl ByteStream {
    pub fn new(opened: Opened, in_memory: usize) -> Self {
        let mut response = opened.response;
        ByteStream {
            status: response.status(),
            headers: std::mem::take(response.headers_mut()),
            response,
            method: opened.method,
            path: opened.path,
            idle: opened.timeout,
            limit: DEFAULT_MAX_STREAM_BYTES,
            read: 0,
            in_memory,
        }
    }

    /// The response's status.
    pub fn status(&self) -> u16 {
        self.status.as_u16()
    }

    /// The response's headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The `Content-Type` the server sent.
    pub fn content_type(&self) -> Option<&str> {
        self.headers.get(CONTENT_TYPE)?.to_str().ok()
    }

    /// The length the server announced (`Content-Length`), if it did.
    pub fn content_length(&self) -> Option<u64> {
        self.headers
            .get(CONTENT_LENGTH)?
            .to_str()
            .ok()?
            .parse()
            .ok()
    }

    /// Fails the stream once more than `limit` bytes have come (instead of
    /// [`DEFAULT_MAX_STREAM_BYTES`]); a larger announced length fails at the first read.
    pub fn max_bytes(mut self, limit: u64) -> Self {
        self.limit = limit;
        self
    }

    /// How many bytes have been read so far.
    pub fn bytes_read(&self) -> u64 {
        self.read
    }

    /// The next chunk of the body; `None` at its end.
    pub async fn next_chunk(&mut self) -> Result<Option<Bytes>, Error> {
        if self.read == 0
            && self
                .content_length()
                .is_some_and(|length| length > self.limit)
        {
            return Err(self
                .too_large(TransportErrorKind::StreamTooLarge { limit: self.limit })
                .into());
        }
        let reading = self.response.chunk();
        let chunk = match self.idle {
            Some(idle) => tokio::time::timeout(idle, reading)
                .await
                .map_err(|_| timed_out(&self.method, &self.path))?,
            None => reading.await,
        }
        .map_err(|source| transport_error(&self.method, &self.path, source))?;
        if let Some(chunk) = &chunk {
            self.read = self.read.saturating_add(chunk.len() as u64);
            if self.read > self.limit {
                return Err(self
                    .too_large(TransportErrorKind::StreamTooLarge { limit: self.limit })
                    .into());
            }
        }
        Ok(chunk)
    }

    /// The rest of the body in memory, within the client's `max_response_bytes` as `.await`
    /// would hold it (for small bodies and tests; stream large ones).
    pub async fn collect(mut self) -> Result<Bytes, Error> {
        let mut body = Vec::new();
        while let Some(chunk) = self.next_chunk().await? {
            if body.len() + chunk.len() > self.in_memory {
                return Err(self
                    .too_large(TransportErrorKind::BodyTooLarge {
                        limit: self.in_memory,
                    })
                    .into());
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body.into())
    }

    /// What the server sent, with `body` (a part of it) for an error to keep.
    #[allow(dead_code)] // used when an operation documents an event stream
    pub fn info(&self, body: Bytes) -> ResponseInfo {
        ResponseInfo {
            method: self.method.clone(),
            path: self.path.clone(),
            status: self.status,
            headers: self.headers.clone(),
            body,
        }
    }

    /// The error for more than `kind`'s limit.
    pub fn too_large(&self, kind: TransportErrorKind) -> Failure {
        Failure::Transport(TransportError {
            method: self.method.clone(),
            path: self.path.clone(),
            kind,
            source: None,
        })
    }
}

/// Sends `operation`'s request and resolves once the response's head has come: a success as a
/// [`ByteStream`], any other status read whole and failed as `.await` fails it.
#[allow(dead_code)] // the stand-in crate has no operation with a byte body
pub fn send_streaming<O>(operation: O) -> StreamFuture<O::Error>
where
    O: Operation,
    O::Output: 'static,
    O::Error: 'static,
{
    send_streaming_as(operation, None)
}

/// [`send_streaming`], asking for `accept` (instead of the operation's media type) when given.
#[allow(dead_code)] // the stand-in crate has no operation with a byte body
pub fn send_streaming_as<O>(operation: O, accept: Option<&'static str>) -> StreamFuture<O::Error>
where
    O: Operation,
    O::Output: 'static,
    O::Error: 'static,
{
    let (prepared, finish) = prepare(operation);
    Box::pin(async move {
        let (transport, mut request) = prepared?;
        if let Some(accept) = accept {
            request.accept(accept);
        }
        let mut attempts = 0;
        let opened = transport.respond(request, &mut attempts, true).await?;
        if opened.response.status().is_success() {
            return Ok(ByteStream::new(opened, transport.max_response_bytes));
        }
        let deadline = opened.timeout.map(|t| tokio::time::Instant::now() + t);
        let raw = transport
            .read(opened.response, &opened.method, &opened.path, deadline)
            .await?;
        Err(match finish.result(&raw) {
            Err(error) => error,
            Ok(_) => raw.error(None),
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_http::{open, serve_chunks};

    #[tokio::test]
    async fn chunks_come_as_sent_and_the_limit_holds() {
        let chunks = vec![b"abc".to_vec(), b"defg".to_vec(), b"h".to_vec()];
        let (url, _server) = serve_chunks(chunks, "text/plain").await;
        let url = url.replace("http://", "http://user:s3cret@") + "?email=a%40b.test";
        let mut stream = open(&url).await;
        let shown = format!("{stream:?}");
        assert!(
            !shown.contains("s3cret") && !shown.contains("email"),
            "{shown}"
        );
        assert_eq!(stream.content_type(), Some("text/plain"));
        let mut body = Vec::new();
        while let Some(chunk) = stream.next_chunk().await.unwrap() {
            body.extend_from_slice(&chunk);
        }
        assert_eq!(body, b"abcdefgh");
        assert_eq!(stream.bytes_read(), 8);

        let (url, _server) =
            serve_chunks(vec![vec![b'x'; 600], vec![b'y'; 600]], "text/plain").await;
        let mut stream = open(&url).await.max_bytes(1000);
        let failed = loop {
            match stream.next_chunk().await {
                Ok(Some(_)) => continue,
                Ok(None) => panic!("the limit was not enforced"),
                Err(e) => break e,
            }
        };
        let Error::Transport(e) = failed else {
            panic!("{failed:?}")
        };
        assert_eq!(e.kind(), TransportErrorKind::StreamTooLarge { limit: 1000 });
    }
}
