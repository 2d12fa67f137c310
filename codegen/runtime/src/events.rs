//! `text/event-stream` responses as typed events (server-sent events, as OpenAI streams its
//! completions): `send_events()` on the builders of operations that document an event stream.
//!
//! The body is read as it arrives (a [`ByteStream`]: its limit, and the timeout per wait) and
//! cut into events as the WHATWG's *event stream interpretation* says, whatever the chunking:
//! lines end with `\n`, `\r\n` or `\r`; `data` lines join with `\n`; `event`, `id` and `retry`
//! are kept; comments (`:`) and unknown fields are ignored; a blank line ends an event; an event
//! cut off by the end of the body is dropped. Each event's data is decoded as JSON into the
//! documented type; a `data` of `[DONE]` (OpenAI's end marker, not JSON) ends the stream.
//! Reconnecting is left to the caller: [`EventStream::last_event_id`] says where to resume
//! (send it as `Last-Event-ID` with `.header(…)`).

use std::fmt;
use std::marker::PhantomData;
use std::time::Duration;

use serde::de::DeserializeOwned;

use crate::error::{DecodeError, Error, Failure, TransportErrorKind};
use crate::request::Operation;
use crate::stream::{ByteStream, StreamFuture, send_streaming_as};
use crate::transport::BoxFuture;

/// One event of a stream: its data decoded, and its fields.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Event<T> {
    /// The `event` field (the event's type), if the server gave one.
    pub event: Option<String>,
    /// The event's id: the last `id` the server sent, in this event or before it.
    pub id: Option<String>,
    /// The `retry` sent with this event (see [`EventStream::retry`] for the last one sent).
    pub retry: Option<Duration>,
    /// The `data` lines, joined and decoded as the documented type.
    pub data: T,
}

/// The future of `send_events()`: the response's head, with the events still to read.
pub type EventsFuture<T, E = std::convert::Infallible> =
    BoxFuture<'static, Result<EventStream<T>, Error<E>>>;

/// The default of [`EventStream::max_event_bytes`]: the most one event (its unfinished line and
/// its data) may hold, so that a server that never ends a line or an event fails there rather
/// than filling memory up to the stream's limit.
pub const MAX_EVENT_BYTES: usize = 16 << 20;

/// A successful `text/event-stream` response, read event by event as it arrives.
pub struct EventStream<T> {
    body: ByteStream,
    /// Bytes read and not yet consumed; `consumed..` is the rest (compacted once per chunk).
    buffer: Vec<u8>,
    consumed: usize,
    /// How far from `consumed` the buffer is known to hold no line end.
    scanned: usize,
    /// A line ended with `\r` at the end of a chunk: a `\n` starting the next one belongs to it.
    after_cr: bool,
    started: bool,
    finished: bool,
    event: Option<String>,
    data: String,
    has_data: bool,
    /// The standard's "last event ID buffer": kept across events until an `id` changes it.
    id: Option<String>,
    /// Published when an event is dispatched (so an event cut off never moves it).
    last_event_id: Option<String>,
    /// The `retry` of the event being read, and the last one the server sent.
    event_retry: Option<Duration>,
    last_retry: Option<Duration>,
    /// The most one event may hold ([`EventStream::max_event_bytes`]).
    max_event: usize,
    documented: PhantomData<fn() -> T>,
}

impl<T> fmt::Debug for EventStream<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Not the data: events may carry personal data.
        f.debug_struct("EventStream")
            .field("status", &self.body.status())
            .field("bytes_read", &self.body.bytes_read())
            .field("last_event_id", &self.last_event_id)
            .finish_non_exhaustive()
    }
}

impl<T: DeserializeOwned> EventStream<T> {
    pub fn new(body: ByteStream) -> Self {
        EventStream {
            body,
            buffer: Vec::new(),
            consumed: 0,
            scanned: 0,
            after_cr: false,
            started: false,
            finished: false,
            event: None,
            data: String::new(),
            has_data: false,
            id: None,
            last_event_id: None,
            event_retry: None,
            last_retry: None,
            max_event: MAX_EVENT_BYTES,
            documented: PhantomData,
        }
    }

    /// The response's status.
    pub fn status(&self) -> u16 {
        self.body.status()
    }

    /// The response's headers.
    pub fn headers(&self) -> &reqwest::header::HeaderMap {
        self.body.headers()
    }

    /// The id of the last event dispatched (to resume from, as `Last-Event-ID`).
    pub fn last_event_id(&self) -> Option<&str> {
        self.last_event_id.as_deref()
    }

    /// The last `retry` the server sent: how long it asks a client to wait before reconnecting.
    pub fn retry(&self) -> Option<Duration> {
        self.last_retry
    }

    /// Fails the stream once more than `limit` bytes have come (see [`ByteStream::max_bytes`]).
    pub fn max_bytes(mut self, limit: u64) -> Self {
        self.body = self.body.max_bytes(limit);
        self
    }

    /// Fails the stream when one event (its unfinished line and its data) holds more than
    /// `limit` bytes (default [`MAX_EVENT_BYTES`], 16 MiB).
    pub fn max_event_bytes(mut self, limit: usize) -> Self {
        self.max_event = limit;
        self
    }

    /// The next event; `None` once the body ends (or sends `[DONE]`). An event whose data is
    /// not the documented type fails with `Error::Decode`, its location inside the data; an
    /// event with empty data (a keep-alive) is skipped.
    pub async fn next_event(&mut self) -> Result<Option<Event<T>>, Error> {
        loop {
            if self.finished {
                return Ok(None);
            }
            while let Some(line) = self.next_line() {
                if let Some(event) = self.field(&line)? {
                    return Ok(Some(event));
                }
                if self.finished {
                    return Ok(None);
                }
            }
            if self.buffer.len() - self.consumed + self.data.len() > self.max_event {
                let limit = self.max_event;
                return Err(self
                    .body
                    .too_large(TransportErrorKind::EventTooLarge { limit })
                    .into());
            }
            match self.body.next_chunk().await? {
                Some(chunk) => {
                    self.buffer.drain(..self.consumed);
                    self.consumed = 0;
                    self.buffer.extend_from_slice(&chunk);
                }
                None => {
                    // What is left is an unfinished event, which the standard drops.
                    self.finished = true;
                    return Ok(None);
                }
            }
        }
    }

    /// The next whole line in the buffer, without its end.
    fn next_line(&mut self) -> Option<Vec<u8>> {
        let rest = self.buffer.len() - self.consumed;
        if !self.started && rest >= 3 {
            self.started = true;
            if self.buffer[self.consumed..].starts_with(b"\xEF\xBB\xBF") {
                self.consumed += 3;
                self.scanned = self.scanned.saturating_sub(3);
            }
        }
        if self.after_cr && self.consumed < self.buffer.len() {
            self.after_cr = false;
            if self.buffer[self.consumed] == b'\n' {
                self.consumed += 1;
                self.scanned = self.scanned.saturating_sub(1);
            }
        }
        let from = (self.consumed + self.scanned).min(self.buffer.len());
        let Some(offset) = self.buffer[from..]
            .iter()
            .position(|&b| b == b'\n' || b == b'\r')
        else {
            self.scanned = self.buffer.len() - self.consumed;
            return None;
        };
        let end = from + offset;
        let mut next = end + 1;
        if self.buffer[end] == b'\r' {
            match self.buffer.get(end + 1) {
                Some(b'\n') => next += 1,
                Some(_) => {}
                None => self.after_cr = true,
            }
        }
        let line = self.buffer[self.consumed..end].to_vec();
        self.consumed = next;
        self.scanned = 0;
        self.started = true;
        Some(line)
    }

    /// Takes in one line; a blank one dispatches the event being built.
    fn field(&mut self, line: &[u8]) -> Result<Option<Event<T>>, Error> {
        if line.is_empty() {
            return self.dispatch();
        }
        let line = String::from_utf8_lossy(line);
        if line.starts_with(':') {
            return Ok(None);
        }
        let (name, value) = match line.split_once(':') {
            Some((name, value)) => (name, value.strip_prefix(' ').unwrap_or(value)),
            None => (line.as_ref(), ""),
        };
        match name {
            "event" => self.event = Some(value.to_owned()),
            "data" => {
                if self.has_data {
                    self.data.push('\n');
                }
                self.data.push_str(value);
                self.has_data = true;
            }
            "id" if !value.contains('\0') => self.id = Some(value.to_owned()),
            "retry" if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) => {
                self.event_retry = value.parse().ok().map(Duration::from_millis);
                self.last_retry = self.event_retry;
            }
            _ => {}
        }
        Ok(None)
    }

    fn dispatch(&mut self) -> Result<Option<Event<T>>, Error> {
        self.last_event_id.clone_from(&self.id);
        let event = self.event.take();
        let retry = self.event_retry.take();
        if !std::mem::take(&mut self.has_data) {
            return Ok(None);
        }
        let data = std::mem::take(&mut self.data);
        if data == "[DONE]" {
            self.finished = true;
            return Ok(None);
        }
        if data.trim().is_empty() {
            return Ok(None);
        }
        let decoded = serde_json::from_str(&data).map_err(|source| {
            Failure::Decode(Box::new(DecodeError {
                response: self.body.info(data.clone().into()),
                location: crate::json_path::path_at(
                    data.as_bytes(),
                    source.line(),
                    source.column(),
                ),
                source,
                drift: Vec::new(),
            }))
        })?;
        Ok(Some(Event {
            event,
            id: self.id.clone(),
            retry,
            data: decoded,
        }))
    }
}

/// Sends `operation`'s request asking for an event stream; resolves once the response's head
/// has come. Other statuses fail as `.await` fails them.
#[allow(dead_code)] // the stand-in crate has no operation with an event stream
pub fn send_events<O, T>(operation: O) -> EventsFuture<T, O::Error>
where
    O: Operation,
    O::Output: 'static,
    O::Error: 'static,
    T: DeserializeOwned + 'static,
{
    let opened: StreamFuture<O::Error> = send_streaming_as(operation, Some("text/event-stream"));
    Box::pin(async move { Ok(EventStream::new(opened.await?)) })
}

/// Gives a builder `send_events()`, decoding each event's data as `$event`.
///
/// ```text
/// crate::events::events!(CreateChatCompletion => types::CreateChatCompletionStreamResponse, CreateChatCompletionError);
/// ```
#[allow(unused_macros)] // the stand-in crate has no operation with an event stream
#[macro_export]
#[doc(hidden)]
macro_rules! __events {
    ($builder:ident => $event:ty, $error:ty) => {
        impl $builder {
            /// Sends the request for an event stream (`Accept: text/event-stream`; some APIs
            /// also want it asked for in the body); resolves once the response's head has come,
            /// with the events to read one by one (`next_event`). Other statuses fail as with
            /// `.await`.
            #[inline]
            pub fn send_events(self) -> $crate::EventsFuture<$event, $error> {
                $crate::events::send_events(self)
            }
        }
    };
}

#[allow(unused_imports)] // used by the operations' builders, when the spec has event streams
#[doc(hidden)]
pub use __events as events;

#[cfg(test)]
mod tests {
    use super::*;

    /// The event-stream parser alone, fed the same text in every chunking.
    fn parse(chunks: &[&[u8]]) -> Vec<Event<serde_json::Value>> {
        parse_with_state(chunks).0
    }

    /// The events, then the stream's last event id and last retry.
    fn parse_with_state(
        chunks: &[&[u8]],
    ) -> (
        Vec<Event<serde_json::Value>>,
        Option<String>,
        Option<Duration>,
    ) {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let body: Vec<u8> = chunks.concat();
        runtime.block_on(async {
            let (url, _server) = crate::test_http::serve_chunks(
                chunks.iter().map(|c| c.to_vec()).collect(),
                "text/event-stream",
            )
            .await;
            let _ = body;
            let stream = crate::test_http::open(&url).await;
            let mut events = EventStream::new(stream);
            let mut out = Vec::new();
            while let Some(event) = events.next_event().await.unwrap() {
                out.push(event);
            }
            assert!(
                events.next_event().await.unwrap().is_none(),
                "ended stays ended"
            );
            (
                out,
                events.last_event_id().map(str::to_owned),
                events.retry(),
            )
        })
    }

    const TEXT: &[u8] = b"\xEF\xBB\xBF: a comment\r\nevent: delta\r\nid: 1\r\ndata: {\"a\":\r\ndata: 1}\r\n\r\nretry: 2500\ndata: {\"b\":2}\n\n\rdata: 3\r\rdata: [DONE]\n\ndata: {\"never\":0}\n\n";

    #[test]
    fn every_chunking_gives_the_same_events() {
        let whole = parse(&[TEXT]);
        assert_eq!(whole.len(), 3, "{whole:?}");
        assert_eq!(whole[0].event.as_deref(), Some("delta"));
        assert_eq!(whole[0].id.as_deref(), Some("1"));
        assert_eq!(whole[0].data, serde_json::json!({"a": 1}));
        assert_eq!(whole[1].retry, Some(Duration::from_millis(2500)));
        assert_eq!(whole[1].data, serde_json::json!({"b": 2}));
        assert_eq!(whole[1].event, None);
        assert_eq!(whole[2].data, serde_json::json!(3));
        // One byte at a time, and cut at every place in two.
        let bytes: Vec<&[u8]> = TEXT.chunks(1).collect();
        assert_eq!(parse(&bytes), whole);
        for cut in 1..TEXT.len() {
            assert_eq!(parse(&[&TEXT[..cut], &TEXT[cut..]]), whole, "cut at {cut}");
        }
    }

    #[test]
    fn ids_move_at_dispatch_retry_stands_alone_and_empty_data_is_a_keep_alive() {
        let text: &[u8] =
            b"retry: 3000\n\ndata:\n\nid: 7\ndata: {\"x\":1}\n\ndata: {\"x\":2}\n\nid: 8\ndata: {\"x\":3}\n";
        let (events, last_id, retry) = parse_with_state(&[text]);
        let data: Vec<_> = events.iter().map(|e| e.data.clone()).collect();
        assert_eq!(
            data,
            vec![serde_json::json!({"x": 1}), serde_json::json!({"x": 2})]
        );
        // The id buffer outlives its event; the cut-off event's id 8 never became the last.
        assert_eq!(events[1].id.as_deref(), Some("7"));
        assert_eq!(last_id.as_deref(), Some("7"));
        assert_eq!(retry, Some(Duration::from_millis(3000)));
    }

    /// An event past its limit fails with the error that names the setting that changes it
    /// (it named `max_response_bytes`, which does not).
    #[tokio::test]
    async fn an_event_past_its_limit_names_the_setting() {
        // A line that has not ended after 300 bytes.
        let big = vec![
            format!("data: \"{}\"", "x".repeat(300)).into_bytes(),
            b"\n\n".to_vec(),
        ];
        let (url, _server) = crate::test_http::serve_chunks(big.clone(), "text/event-stream").await;
        let mut events = EventStream::<serde_json::Value>::new(crate::test_http::open(&url).await)
            .max_event_bytes(100);
        let Err(Error::Transport(error)) = events.next_event().await else {
            panic!("the event is larger than 100 bytes");
        };
        assert_eq!(
            error.kind(),
            TransportErrorKind::EventTooLarge { limit: 100 }
        );
        assert!(error.is_body_too_large());
        assert!(
            error.to_string().contains("EventStream::max_event_bytes"),
            "{error}"
        );
        // Raised, the same event comes through.
        let (url, _server) = crate::test_http::serve_chunks(big, "text/event-stream").await;
        let mut events = EventStream::<serde_json::Value>::new(crate::test_http::open(&url).await)
            .max_event_bytes(1000);
        assert!(events.next_event().await.unwrap().is_some());
    }
}
