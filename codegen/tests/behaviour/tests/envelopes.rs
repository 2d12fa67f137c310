//! fixtures/envelopes.yaml: a list the spec gives bare and the API may wrap is decoded in both
//! shapes, and nothing else; a Base64-JSON parameter is typed by what it encodes.

use crate::server::{Reply, TestServer};
use fixture_envelopes::types::{Filter, Widget};
use fixture_envelopes::{Client, Error};

#[tokio::test]
async fn a_list_is_decoded_bare_or_in_its_envelope_and_nothing_else() {
    let server = TestServer::start().await;
    server.reply(Reply::json(200, r#"[{"id":"w1"}]"#));
    server.reply(Reply::json(
        200,
        r#"{"total":2,"results":[{"id":"w2"},{"id":"w3"}],"next":null}"#,
    ));
    server.reply(Reply::json(200, r#"{"data":[{"id":"w4"}]}"#));
    let client = Client::builder()
        .base_url(server.url())
        .strict(true)
        .build()
        .unwrap();

    let bare = client.widgets().list_widgets().await.unwrap();
    assert_eq!(bare, vec![Widget::new("w1")]);
    // The envelope's own members (`total`, `next`) are the envelope's: not drift, even strict.
    let wrapped = client.widgets().list_widgets().await.unwrap();
    assert_eq!(wrapped, vec![Widget::new("w2"), Widget::new("w3")]);
    // An object without the member is neither shape: a decode error that says what was expected.
    match client.widgets().list_widgets().await {
        Err(Error::Decode(e)) => assert!(e.to_string().contains("missing field `results`"), "{e}"),
        other => panic!("expected a decode error, got {other:?}"),
    }
}

#[tokio::test]
async fn an_encoded_parameter_is_typed_by_what_it_encodes() {
    let server = TestServer::start().await;
    server.reply(Reply::json(200, "[]"));
    let client = Client::builder().base_url(server.url()).build().unwrap();
    let filters = vec![
        Filter::new()
            .with_field("colour")
            .with_value(serde_json::json!("red")),
    ];
    client
        .widgets()
        .list_widgets()
        .filters(filters)
        .await
        .unwrap();
    let query = server.single().query;
    // [{"field":"colour","value":"red"}] as JSON, Base64 (standard alphabet), then percent-encoded.
    assert_eq!(
        query,
        "filters=W3siZmllbGQiOiJjb2xvdXIiLCJ2YWx1ZSI6InJlZCJ9XQ%3D%3D"
    );
}
