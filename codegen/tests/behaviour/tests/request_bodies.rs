use crate::server::{Reply, TestServer};
use fixture_request_bodies::Client;
use fixture_request_bodies::types::{NoteBody, SearchNotesRequest};

#[tokio::test]
async fn json_raw_and_optional_bodies() {
    let server = TestServer::start().await;
    server
        .reply(Reply::status(201))
        .reply(Reply::status(204))
        .reply(Reply::status(204))
        .reply(Reply::status(204))
        .reply(Reply::json(200, r#"{"hits":12}"#));
    let client = Client::builder().base_url(server.url()).build().unwrap();
    let notes = client.notes();
    notes.create_note(NoteBody::new("hello")).await.unwrap();
    notes.replace_notes().await.unwrap();
    notes
        .replace_notes()
        .body(vec!["a".to_owned(), "b".to_owned()])
        .await
        .unwrap();
    notes.upload_note("plain text ✓").await.unwrap();
    let found = notes
        .search_notes(SearchNotesRequest::new("hello"))
        .await
        .unwrap();
    assert_eq!(found.hits, Some(12));

    let received = server.received();
    assert_eq!(received[0].body.as_ref(), br#"{"text":"hello"}"#);
    assert_eq!(received[0].header("content-type"), Some("application/json"));
    assert!(received[1].body.is_empty());
    assert_eq!(received[1].header("content-type"), None);
    assert_eq!(received[2].body.as_ref(), br#"["a","b"]"#);
    assert_eq!(received[3].body.as_ref(), "plain text ✓".as_bytes());
    assert_eq!(received[3].header("content-type"), Some("text/plain"));
    assert_eq!(received[4].body.as_ref(), br#"{"query":"hello"}"#);
}
