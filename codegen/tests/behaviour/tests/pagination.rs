use crate::server::{Reply, TestServer};
use fixture_pagination::Client;

fn client(server: &TestServer) -> Client {
    Client::builder().base_url(server.url()).build().unwrap()
}

#[tokio::test]
async fn page_numbers_from_zero_stop_at_the_total() {
    let server = TestServer::start().await;
    server
        .reply(Reply::json(
            200,
            r#"{"data":[{"id":"a"},{"id":"b"}],"total_count":3}"#,
        ))
        .reply(Reply::json(200, r#"{"data":[{"id":"c"}],"total_count":3}"#));
    let items = client(&server)
        .items()
        .list_items()
        .per_page(2)
        .items()
        .collect_all()
        .await
        .unwrap();
    assert_eq!(
        items.iter().map(|i| i.id.as_str()).collect::<Vec<_>>(),
        ["a", "b", "c"]
    );
    let queries: Vec<String> = server.received().iter().map(|r| r.query.clone()).collect();
    // The spec says pages start at 0 (minimum: 0): the second page is 1.
    assert_eq!(queries, ["per_page=2", "page=1&per_page=2"]);
}

#[tokio::test]
async fn offsets_advance_by_the_items_received() {
    let server = TestServer::start().await;
    server
        .reply(Reply::json(200, r#"[{"id":"a"},{"id":"b"}]"#))
        .reply(Reply::json(200, r#"[{"id":"c"}]"#));
    let items = client(&server)
        .events()
        .list_events()
        .limit(2)
        .items()
        .collect_all()
        .await
        .unwrap();
    assert_eq!(items.len(), 3);
    let queries: Vec<String> = server.received().iter().map(|r| r.query.clone()).collect();
    assert_eq!(queries, ["limit=2", "offset=2&limit=2"]);
}

#[tokio::test]
async fn cursors_come_from_the_previous_page() {
    let server = TestServer::start().await;
    server
        .reply(Reply::json(
            200,
            r#"{"entries":["one"],"next_cursor":"c-2"}"#,
        ))
        .reply(Reply::json(200, r#"{"entries":["two"],"next_cursor":""}"#));
    let lines = client(&server)
        .logs()
        .list_logs()
        .items()
        .collect_all()
        .await
        .unwrap();
    assert_eq!(lines, ["one", "two"]);
    let queries: Vec<String> = server.received().iter().map(|r| r.query.clone()).collect();
    assert_eq!(queries, ["", "cursor=c-2"]);
}

/// A server that always answers the same cursor does not make the stream endless: the page it
/// leads back to is not asked for again, and the stream ends with an error that says so.
#[tokio::test]
async fn a_cursor_sent_back_again_ends_the_stream_with_an_error() {
    let server = TestServer::start().await;
    for _ in 0..5 {
        server.reply(Reply::json(
            200,
            r#"{"entries":["same"],"next_cursor":"c-1"}"#,
        ));
    }
    let result = client(&server)
        .logs()
        .list_logs()
        .items()
        .collect_all()
        .await;
    let Err(fixture_pagination::Error::Pagination(error)) = result else {
        panic!("{result:?}");
    };
    assert_eq!(
        error.problem(),
        fixture_pagination::PaginationProblem::RepeatedCursor
    );
    let queries: Vec<String> = server.received().iter().map(|r| r.query.clone()).collect();
    assert_eq!(
        queries,
        ["", "cursor=c-1"],
        "two requests, not ten thousand"
    );
}

/// A `Link` header's next page (RFC 8288) is followed before the page number, as GitHub's
/// lists page.
#[tokio::test]
async fn a_link_header_leads_to_the_next_page() {
    let server = TestServer::start().await;
    let next = format!("<{}/items?page=7&per_page=2>; rel=\"next\"", server.url());
    server
        .reply(Reply::json(200, r#"{"data":[{"id":"a"},{"id":"b"}]}"#).header("link", &next))
        .reply(Reply::json(200, r#"{"data":[{"id":"c"}]}"#));
    let items = client(&server)
        .items()
        .list_items()
        .per_page(2)
        .items()
        .collect_all()
        .await
        .unwrap();
    assert_eq!(items.len(), 3);
    let queries: Vec<String> = server.received().iter().map(|r| r.query.clone()).collect();
    assert_eq!(queries, ["per_page=2", "page=7&per_page=2"]);
}

#[tokio::test]
async fn an_extension_configures_what_detection_cannot_guess() {
    let server = TestServer::start().await;
    server.reply(Reply::json(200, r#"{"rows":["x","y"],"info":{"all":2}}"#));
    let rows = client(&server)
        .configured()
        .list_configured()
        .n(2)
        .items()
        .collect_all()
        .await
        .unwrap();
    assert_eq!(rows, ["x", "y"]);
    assert_eq!(
        server.received().len(),
        1,
        "the total says there is no second page"
    );
}
