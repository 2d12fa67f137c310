//! Streams of pages and items over real requests: the next page's request, and each way a
//! response says it was the last (total, next link, empty or short page, page limit, error).

use futures_util::StreamExt;
use zephr_admin::types::ResponseSimpleAccountbody;

use crate::client;
use crate::server::{Reply, TestServer};
use crate::signature::verify;

fn ids(items: &[ResponseSimpleAccountbody]) -> Vec<&str> {
    items
        .iter()
        .map(|a| a.account_id.as_deref().unwrap_or("?"))
        .collect()
}

#[tokio::test]
async fn items_come_from_every_page_until_the_total() {
    let server = TestServer::start().await;
    server
        .reply(Reply::json(
            200,
            r#"{"results":[{"account_id":"a"},{"account_id":"b"}],"total":3}"#,
        ))
        .reply(Reply::json(
            200,
            r#"{"results":[{"account_id":"c"}],"total":3}"#,
        ));
    let all = client(&server)
        .account()
        .list_accounts()
        .rpp(2)
        .search("x")
        .items()
        .collect_all()
        .await
        .unwrap();
    assert_eq!(ids(&all), ["a", "b", "c"]);
    let queries: Vec<String> = server.received().iter().map(|r| r.query.clone()).collect();
    // The first request as built; then the next page (pages start at 1), other parameters kept.
    assert_eq!(queries, ["rpp=2&search=x", "rpp=2&page=2&search=x"]);
    for request in server.received() {
        verify(&request);
    }
}

#[tokio::test]
async fn an_empty_or_short_page_is_the_last() {
    let server = TestServer::start().await;
    server
        .reply(Reply::json(200, r#"{"results":[{"account_id":"a"}]}"#))
        .reply(Reply::json(200, r#"{"results":[]}"#));
    let mut pages = client(&server).account().list_accounts().pages();
    let mut sizes = Vec::new();
    while let Some(page) = pages.next().await {
        sizes.push(page.unwrap().results.unwrap().len());
    }
    assert_eq!(
        sizes,
        [1, 0],
        "no total and no page size: an empty page ends it"
    );

    // With a page size, a shorter page is the last: no third request.
    server
        .reply(Reply::json(
            200,
            r#"{"results":[{"account_id":"a"},{"account_id":"b"}]}"#,
        ))
        .reply(Reply::json(200, r#"{"results":[{"account_id":"c"}]}"#));
    let all = client(&server)
        .account()
        .list_accounts()
        .rpp(2)
        .page(5)
        .items()
        .collect_all()
        .await
        .unwrap();
    assert_eq!(ids(&all), ["a", "b", "c"]);
    let received = server.received();
    assert_eq!(received.len(), 4);
    assert_eq!(
        (received[2].query.as_str(), received[3].query.as_str()),
        ("rpp=2&page=5", "rpp=2&page=6")
    );
}

#[tokio::test]
async fn a_missing_next_link_ends_the_export() {
    let server = TestServer::start().await;
    let page = |next: bool| {
        let links = if next {
            r#","links":{"next":{"url":"https://x.test?page=2","page":2}}"#
        } else {
            ""
        };
        format!(r#"{{"results":[[{{"user":{{"identifiers":{{}}}}}}]]{links}}}"#)
    };
    server
        .reply(Reply::json(200, &page(true)))
        .reply(Reply::json(200, &page(false)));
    let pages: Vec<_> = client(&server)
        .user_export()
        .export_users()
        .pages()
        .collect()
        .await;
    assert_eq!(pages.len(), 2);
    assert!(pages.iter().all(Result::is_ok));
    assert_eq!(server.received().len(), 2);
}

#[tokio::test]
async fn an_error_ends_the_stream_and_a_page_limit_bounds_it() {
    let server = TestServer::start().await;
    server
        .reply(Reply::json(200, r#"{"results":[{"account_id":"a"}]}"#))
        .reply(Reply::status(500));
    let mut items = client(&server).account().list_accounts().items();
    assert_eq!(
        items.next().await.unwrap().unwrap().account_id.as_deref(),
        Some("a")
    );
    assert_eq!(
        items
            .next()
            .await
            .unwrap()
            .unwrap_err()
            .status()
            .map(|s| s.as_u16()),
        Some(500)
    );
    assert!(items.next().await.is_none(), "nothing after an error");

    // A server that ignores the page parameter: the same full page forever.
    for _ in 0..10 {
        server.reply(Reply::json(200, r#"{"results":[{"account_id":"same"}]}"#));
    }
    let all = client(&server)
        .account()
        .list_accounts()
        .items()
        .max_pages(3)
        .collect_all()
        .await
        .unwrap();
    assert_eq!(all.len(), 3);
    assert_eq!(server.received().len(), 2 + 3);
}

#[tokio::test]
async fn streams_can_be_spawned() {
    let server = TestServer::start().await;
    server.reply(Reply::json(
        200,
        r#"{"results":[{"account_id":"a"}],"total":1}"#,
    ));
    let items = client(&server).account().list_accounts().items();
    let collected = tokio::spawn(items.collect_all()).await.unwrap().unwrap();
    assert_eq!(ids(&collected), ["a"]);
}
