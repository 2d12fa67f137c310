//! fixtures/events.yaml: `send_events()` reads a `text/event-stream` as typed events, whatever
//! the chunking, from a raw TCP server on loopback; the same operation still answers JSON to
//! `.await`.

use std::time::Duration;

use fixture_events::apis::chat::CreateChatCompletionError;
use fixture_events::types::{
    CompletionChunk, CreateChatCompletionRequest, CreateChatCompletionTooManyRequestsBody,
};
use fixture_events::{Client, Error};

/// The raw server of `server`, answering with `body` cut at `cuts`.
async fn serve(
    status: u16,
    content_type: &'static str,
    body: &'static [u8],
    cuts: Vec<usize>,
) -> (String, tokio::task::JoinHandle<String>) {
    let mut chunks = Vec::new();
    let mut from = 0;
    for to in cuts.into_iter().chain([body.len()]) {
        chunks.push(body[from..to.max(from)].to_vec());
        from = to.max(from);
    }
    crate::server::serve_chunked(status, content_type, chunks, Duration::from_millis(5)).await
}

const CHUNKS: &[u8] = b": keep-alive\r\n\r\nid: c1\r\ndata: {\"id\":\"c\",\"delta\":\"Hel\"}\r\n\r\ndata: {\"id\":\"c\",\r\ndata: \"delta\":\"lo\"}\n\ndata: [DONE]\n\n";

#[tokio::test]
async fn completion_chunks_as_typed_events_in_any_chunking() {
    let cuttings: Vec<Vec<usize>> = vec![
        vec![],
        (1..CHUNKS.len()).collect(),
        vec![3, 17, 18, 40, 41, 60],
        vec![CHUNKS.len() / 2],
    ];
    for cuts in cuttings {
        let (url, server) = serve(200, "text/event-stream", CHUNKS, cuts.clone()).await;
        let client = Client::builder().base_url(url).build().unwrap();
        let request = CreateChatCompletionRequest::new("m1").with_stream(true);
        let mut events = client
            .chat()
            .create_chat_completion(request)
            .send_events()
            .await
            .unwrap();
        let mut got = Vec::new();
        while let Some(event) = events.next_event().await.unwrap() {
            got.push(event.data);
        }
        assert_eq!(
            got,
            vec![
                CompletionChunk::new("c", "Hel"),
                CompletionChunk::new("c", "lo")
            ],
            "cuts {cuts:?}"
        );
        assert_eq!(events.last_event_id(), Some("c1"));
        let head = server.await.unwrap().to_ascii_lowercase();
        assert!(head.contains("accept: text/event-stream"), "{head}");
    }
}

#[tokio::test]
async fn an_event_that_is_not_its_type_and_a_typed_error_status() {
    const TICKS: &[u8] = b"data: {\"n\":1}\n\ndata: {\"n\":\"two\"}\n\n";
    let (url, _server) = serve(200, "text/event-stream", TICKS, vec![5]).await;
    let client = Client::builder().base_url(url).build().unwrap();
    let mut ticks = client.ticks().stream_ticks().send_events().await.unwrap();
    assert_eq!(ticks.next_event().await.unwrap().unwrap().data.n, 1);
    let Err(Error::Decode(e)) = ticks.next_event().await else {
        panic!("the second tick is not its type")
    };
    assert_eq!(e.location(), "n");

    const LIMITED: &[u8] = b"{\"message\":\"slow down\"}";
    let (url, _server) = serve(429, "application/json", LIMITED, vec![]).await;
    let client = Client::builder().base_url(url).build().unwrap();
    let Err(Error::Status(status)) = client
        .chat()
        .create_chat_completion(CreateChatCompletionRequest::new("m1"))
        .send_events()
        .await
    else {
        panic!("a status error")
    };
    assert_eq!(
        status.typed(),
        Some(&CreateChatCompletionError::TooManyRequests(
            CreateChatCompletionTooManyRequestsBody::new().with_message("slow down")
        ))
    );
}

/// What an event holds stays out of every `Debug` and `Display`: of the stream and of the error
/// for an event that is not its type.
#[tokio::test]
async fn no_event_stream_or_event_error_shows_what_an_event_holds() {
    const MARKED: &[u8] = b"data: {\"n\":\"ada.lovelace.7f3a@example.com\"}\n\n";
    let (url, _server) = serve(200, "text/event-stream", MARKED, vec![]).await;
    let client = Client::builder().base_url(url).build().unwrap();
    let mut ticks = client.ticks().stream_ticks().send_events().await.unwrap();
    let error = ticks.next_event().await.expect_err("not its type");
    for text in [
        format!("{error:?}"),
        format!("{error}"),
        format!("{ticks:?}"),
    ] {
        assert!(
            !text.contains("ada.lovelace"),
            "an event's value was shown: {text}"
        );
    }
}
