//! fixtures/byte_streams.yaml: bodies that are not JSON, held in memory by `.await` (bounded by
//! `max_response_bytes`) or read as they arrive by `send_streaming()` (bounded by the stream's
//! own limit, and by the timeout per wait rather than per transfer).

use std::time::Duration;

use crate::server::{Reply, TestServer};
use fixture_byte_streams::types::Problem;
use fixture_byte_streams::{Client, Error, TransportErrorKind};

fn client(url: String) -> Client {
    Client::builder()
        .base_url(url)
        .max_response_bytes(1024)
        .timeout(Duration::from_millis(500))
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_large_export_streams_past_the_in_memory_cap() {
    let server = TestServer::start().await;
    let csv: Vec<u8> = (0..100_000)
        .flat_map(|i| format!("{i},row {i}\n").into_bytes())
        .collect();
    assert!(csv.len() > 1_000_000);
    let reply = || {
        Reply::status(200)
            .header("content-type", "text/csv")
            .body(csv.clone())
    };
    // In memory, the client's cap applies.
    server.reply(reply());
    let Err(Error::Transport(e)) = client(server.url()).exports().get_export("e1").await else {
        panic!("the cap applies to `.await`")
    };
    assert_eq!(e.kind(), TransportErrorKind::BodyTooLarge { limit: 1024 });
    // Streamed, it does not; chunks arrive as they come.
    server.reply(reply());
    let mut stream = client(server.url())
        .exports()
        .get_export("e1")
        .send_streaming()
        .await
        .unwrap();
    assert_eq!(stream.status(), 200);
    assert_eq!(stream.content_type(), Some("text/csv"));
    assert_eq!(stream.content_length(), Some(csv.len() as u64));
    let mut got = Vec::new();
    let mut chunks = 0;
    while let Some(chunk) = stream.next_chunk().await.unwrap() {
        got.extend_from_slice(&chunk);
        chunks += 1;
    }
    assert_eq!(got, csv);
    assert!(chunks > 1, "read in pieces, not at once");
    assert_eq!(stream.bytes_read(), csv.len() as u64);
    // The stream's own limit: an announced length past it fails at the first read.
    server.reply(reply());
    let mut stream = client(server.url())
        .exports()
        .get_export("e1")
        .send_streaming()
        .await
        .unwrap()
        .max_bytes(10_000);
    let Err(Error::Transport(e)) = stream.next_chunk().await else {
        panic!("past the stream's limit")
    };
    assert_eq!(
        e.kind(),
        TransportErrorKind::StreamTooLarge { limit: 10_000 }
    );
    // `collect` holds the body in memory: the client's cap applies to it.
    server.reply(reply());
    let stream = client(server.url())
        .exports()
        .get_export("e1")
        .send_streaming()
        .await
        .unwrap();
    let Err(Error::Transport(e)) = stream.collect().await else {
        panic!("collect is bounded like `.await`")
    };
    assert_eq!(e.kind(), TransportErrorKind::BodyTooLarge { limit: 1024 });
}

#[tokio::test]
async fn an_error_status_fails_with_its_typed_body() {
    let server = TestServer::start().await;
    server.reply(Reply::json(404, r#"{"message":"no such export"}"#));
    let Err(Error::Status(status)) = client(server.url())
        .exports()
        .get_export("nope")
        .send_streaming()
        .await
    else {
        panic!("a status error")
    };
    assert_eq!(status.status(), 404);
    assert_eq!(
        status.typed(),
        Some(
            &fixture_byte_streams::apis::exports::GetExportError::NotFound(
                Problem::new().with_message("no such export")
            )
        )
    );
}

#[tokio::test]
async fn bytes_up_and_down() {
    let server = TestServer::start().await;
    server.reply(Reply::json(201, r#"{"id":"f1"}"#));
    let bytes: Vec<u8> = (0..=255).collect();
    let created = client(server.url())
        .files()
        .upload_file(bytes.clone())
        .await
        .unwrap();
    assert_eq!(created.id, "f1");
    let received = server.single();
    assert_eq!(received.body.as_ref(), bytes.as_slice());
    assert_eq!(
        received.header("content-type"),
        Some("application/octet-stream")
    );
    server.reply(
        Reply::status(200)
            .header("content-type", "application/octet-stream")
            .body(bytes.clone()),
    );
    let body = client(server.url())
        .files()
        .download_file("f1")
        .send_streaming()
        .await
        .unwrap()
        .collect()
        .await
        .unwrap();
    assert_eq!(body.as_ref(), bytes.as_slice());
}

/// A server that sends its body in chunks with pauses: the timeout bounds each wait, not the
/// transfer (three pauses of 300 ms under a 500 ms timeout pass), and a longer silence fails.
#[tokio::test]
async fn the_timeout_bounds_each_wait_not_the_transfer() {
    async fn serve(pause: Duration) -> String {
        let lines = ["a,1\n", "b,2\n", "c,3\n"].map(|l| l.as_bytes().to_vec());
        crate::server::serve_chunked(200, "text/csv", lines.to_vec(), pause)
            .await
            .0
    }
    let url = serve(Duration::from_millis(300)).await;
    let stream = client(url)
        .exports()
        .get_export("slow")
        .send_streaming()
        .await
        .unwrap();
    assert_eq!(stream.collect().await.unwrap().as_ref(), b"a,1\nb,2\nc,3\n");

    let url = serve(Duration::from_millis(1500)).await;
    let mut stream = client(url)
        .exports()
        .get_export("stuck")
        .send_streaming()
        .await
        .unwrap();
    let Err(Error::Transport(e)) = stream.next_chunk().await else {
        panic!("a silence longer than the timeout")
    };
    assert_eq!(e.kind(), TransportErrorKind::Timeout);
}

/// What a streamed body holds stays out of every `Debug` and `Display`: of the stream, of a
/// status error read through it, of the error when the stream's limit is passed.
#[tokio::test]
async fn no_stream_or_stream_error_shows_what_the_body_holds() {
    const MARKER: &str = "ada.lovelace.7f3a@example.com";
    let server = TestServer::start().await;
    let shown = |text: String| {
        assert!(!text.contains(MARKER), "a body's value was shown: {text}");
    };
    server.reply(Reply::json(404, &format!(r#"{{"message":"{MARKER}"}}"#)));
    let Err(error) = client(server.url())
        .exports()
        .get_export("e1")
        .send_streaming()
        .await
    else {
        panic!("a status error")
    };
    shown(format!("{error:?} {error}"));

    let body = MARKER.repeat(1_000);
    server.reply(
        Reply::status(200)
            .header("content-type", "text/csv")
            .body(body.clone().into_bytes()),
    );
    let mut stream = client(server.url())
        .exports()
        .get_export("e1")
        .send_streaming()
        .await
        .unwrap()
        .max_bytes(100);
    shown(format!("{stream:?}"));
    let error = loop {
        match stream.next_chunk().await {
            Ok(Some(chunk)) => shown(format!("{stream:?} {}", chunk.len())),
            Ok(None) => panic!("past the stream's limit"),
            Err(error) => break error,
        }
    };
    shown(format!("{error:?} {error} {stream:?}"));
}
