//! fixtures/multipart.yaml: multipart bodies from typed models, files as `FilePart`s, parsed on
//! the server by multer (an independent multipart parser).

use std::collections::BTreeMap;

use crate::server::{Reply, TestServer};
use fixture_multipart::types::{
    CreateFileRequest, CreateFileRequestPurpose, CreateImageEditRequest, FileRecord,
};
use fixture_multipart::{Client, FilePart};

/// The parts of a body as multer reads them: name, file name, content type, bytes.
async fn parts(
    body: bytes::Bytes,
    content_type: &str,
) -> Vec<(String, Option<String>, Option<String>, Vec<u8>)> {
    let boundary = multer::parse_boundary(content_type).unwrap();
    let stream = futures_util::stream::iter([Ok::<_, std::io::Error>(body)]);
    let mut multipart = multer::Multipart::new(stream, boundary);
    let mut out = Vec::new();
    while let Some(field) = multipart.next_field().await.unwrap() {
        let name = field.name().unwrap().to_owned();
        let file_name = field.file_name().map(str::to_owned);
        let media = field.content_type().map(|m| m.to_string());
        out.push((
            name,
            file_name,
            media,
            field.bytes().await.unwrap().to_vec(),
        ));
    }
    out.sort();
    out
}

fn part(
    name: &str,
    file: Option<&str>,
    media: Option<&str>,
    bytes: &[u8],
) -> (String, Option<String>, Option<String>, Vec<u8>) {
    (
        name.to_owned(),
        file.map(str::to_owned),
        media.map(str::to_owned),
        bytes.to_vec(),
    )
}

#[tokio::test]
async fn a_file_and_its_purpose() {
    let server = TestServer::start().await;
    server.reply(Reply::json(200, r#"{"id":"file-1","bytes":5}"#));
    let client = Client::builder().base_url(server.url()).build().unwrap();
    let dir = std::env::temp_dir().join(format!("multipart-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("train.jsonl");
    std::fs::write(&path, b"{}\n{}\n").unwrap();
    let file = FilePart::from_path(&path)
        .unwrap()
        .content_type("application/jsonl");
    let record = client
        .files()
        .create_file(CreateFileRequest::new(
            file,
            CreateFileRequestPurpose::FineTune,
        ))
        .await
        .unwrap();
    assert_eq!(record, FileRecord::new("file-1").with_bytes(5));
    let received = server.single();
    let content_type = received.header("content-type").unwrap().to_owned();
    assert!(
        content_type.starts_with("multipart/form-data; boundary="),
        "{content_type}"
    );
    assert_eq!(
        parts(received.body.clone(), &content_type).await,
        vec![
            part(
                "file",
                Some("train.jsonl"),
                Some("application/jsonl"),
                b"{}\n{}\n"
            ),
            part("purpose", None, None, b"fine-tune"),
        ]
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn files_lists_text_numbers_and_objects() {
    let server = TestServer::start().await;
    server.reply(Reply::json(200, r#"{"url":"https://img.test/1"}"#));
    let client = Client::builder().base_url(server.url()).build().unwrap();
    let png: &'static [u8] = b"\x89PNG\r\n\x1a\n--not a boundary--";
    let body = CreateImageEditRequest::new(
        FilePart::new(png)
            .file_name("cat.png")
            .content_type("image/png"),
        "a hat, \"red\"",
    )
    .with_extra_images(vec![
        FilePart::new(b"a".to_vec()),
        FilePart::new(b"b".to_vec()).file_name("b.png"),
    ])
    .with_n(2)
    .with_metadata(BTreeMap::from([("k".to_owned(), "v".to_owned())]));
    let edited = client.images().create_image_edit(body).await.unwrap();
    assert_eq!(edited.url.as_deref(), Some("https://img.test/1"));
    let received = server.single();
    let content_type = received.header("content-type").unwrap().to_owned();
    assert_eq!(parts(received.body.clone(), &content_type).await, {
        let mut expected = vec![
            part("image", Some("cat.png"), Some("image/png"), png),
            part("extra_images", None, Some("application/octet-stream"), b"a"),
            part(
                "extra_images",
                Some("b.png"),
                Some("application/octet-stream"),
                b"b",
            ),
            part("prompt", None, None, b"a hat, \"red\""),
            part("n", None, None, b"2"),
            part("metadata", None, Some("application/json"), br#"{"k":"v"}"#),
        ];
        expected.sort();
        expected
    });
}

/// The generated test server takes the typed body; multipart stubs match any body.
#[tokio::test]
async fn the_test_server_answers_multipart_operations() {
    use fixture_multipart::testing::TestServer;
    let server = TestServer::start().await;
    let body = CreateFileRequest::new(
        FilePart::new(b"x".to_vec()),
        CreateFileRequestPurpose::Assistants,
    );
    let _ = server
        .files()
        .create_file(body.clone())
        .returns(FileRecord::new("stubbed"));
    let got = server.client().files().create_file(body).await.unwrap();
    assert_eq!(got.id, "stubbed");
    assert_eq!(server.requests().len(), 1);
}
