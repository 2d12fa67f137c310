//! Pages and items of list operations, as streams.
//!
//! A builder of an operation that returns one page of a longer list has `.pages()` and
//! `.items()`: streams (`futures_core::Stream`, and an inherent `next().await` for those who do
//! not use the futures crates) that send the request, then ask for the next page until the
//! last: the one that is empty, shorter than the page size, within the total, or without a
//! next link or cursor (whichever the operation's response says). A response with a `Link`
//! header naming its next page (RFC 8288, `rel="next"`, as GitHub sends it) is followed first,
//! when it stays on the client's base URL; without one, the operation's own way to the next page
//! is taken. Each page is a request of its own: signed, retried, bounded, traced. A stream ends
//! after an error, after [`max_pages`](Pages::max_pages) pages (10,000 by default), so a server
//! that ignores the page parameter cannot make it endless, and when it would ask again for a
//! page it asked for already (the same cursor, the same link).

use std::collections::{HashSet, VecDeque};
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use crate::error::{Error, PaginationError, PaginationProblem};
use crate::request::{Common, FullResponseFuture, Response, Target};

/// The default of [`Pages::max_pages`].
pub const DEFAULT_MAX_PAGES: usize = 10_000;

/// A request builder of an operation that returns one page of a longer list. Implemented by the
/// generated builders; the methods are how the streams move from page to page.
pub trait Paginated: Sized + Clone + Unpin + Send + 'static {
    /// The body of one page.
    type Page;
    /// One item of a page.
    type Item;
    /// The operation's typed error body.
    type Error;

    /// Sends this request (its status and headers come back with the page: a `Link` header
    /// may name the next page).
    fn fetch(&self) -> FullResponseFuture<Self::Page, Self::Error>;

    /// What the request carries besides its parameters, to send it where a `Link` points.
    fn common_mut(&mut self) -> &mut Common;

    /// How many items `page` holds.
    fn item_count(page: &Self::Page) -> usize;

    /// The items of `page`.
    fn into_items(page: Self::Page) -> Vec<Self::Item>;

    /// The request for the page after `page` (which held `count` items, `fetched` items so far
    /// in all), or `None` when `page` is the last.
    fn next_page(&self, page: &Self::Page, count: usize, fetched: u64) -> Option<Self>;

    /// The cursor this request asks for, when the list pages by cursor: a stream that is sent
    /// back a cursor it has fetched already ends with an error instead of repeating itself.
    fn cursor(&self) -> Option<&str> {
        None
    }
}

/// What polling a stream of pages gives.
type PagePoll<B> = Poll<Option<Result<<B as Paginated>::Page, Error<<B as Paginated>::Error>>>>;

/// What polling a stream of items gives.
type ItemPoll<B> = Poll<Option<Result<<B as Paginated>::Item, Error<<B as Paginated>::Error>>>>;

/// A page being fetched, with the request that asked for it.
type Pending<B> = (
    B,
    FullResponseFuture<<B as Paginated>::Page, <B as Paginated>::Error>,
);

/// Every page of a list operation, one request each: a stream of pages.
#[must_use = "a stream does nothing unless polled"]
pub struct Pages<B: Paginated> {
    next: Option<B>,
    pending: Option<Pending<B>>,
    fetched: u64,
    pages: usize,
    max_pages: usize,
    /// The cursors and links asked for so far.
    cursors: HashSet<String>,
    /// Whether a `Link` header named a page that was asked for: from then on, only links lead on.
    by_links: bool,
    /// The error to end with, once the page before it is out.
    failure: Option<Error<B::Error>>,
}

impl<B: Paginated> Pages<B> {
    pub fn new(first: B) -> Self {
        let cursors = first.cursor().map(str::to_owned).into_iter().collect();
        Pages {
            next: Some(first),
            pending: None,
            fetched: 0,
            pages: 0,
            max_pages: DEFAULT_MAX_PAGES,
            cursors,
            by_links: false,
            failure: None,
        }
    }

    /// Stops after `max_pages` pages (default [`DEFAULT_MAX_PAGES`]).
    pub fn max_pages(mut self, max_pages: usize) -> Self {
        self.max_pages = max_pages;
        self
    }

    /// The next page, or `None` after the last one (or after an error).
    pub async fn next(&mut self) -> Option<Result<B::Page, Error<B::Error>>> {
        std::future::poll_fn(|cx| self.poll_page(cx)).await
    }

    fn poll_page(&mut self, cx: &mut Context<'_>) -> PagePoll<B> {
        loop {
            if let Some((builder, future)) = &mut self.pending {
                let outcome = match Pin::new(future).poll(cx) {
                    Poll::Pending => return Poll::Pending,
                    Poll::Ready(outcome) => outcome,
                };
                let mut builder = builder.clone();
                self.pending = None;
                let page = match outcome {
                    Ok(response) => response,
                    Err(error) => return Poll::Ready(Some(Err(error))),
                };
                let count = B::item_count(page.body());
                self.fetched += count as u64;
                let next_page = self.pages + 1;
                let fail = |problem| {
                    Some(Error::Pagination(PaginationError {
                        page: next_page,
                        problem,
                    }))
                };
                self.next = None;
                match next_link(&page, builder.common_mut()) {
                    Some(Ok(target)) if self.pages < self.max_pages => {
                        let seen = format!("{}?{}", target.path, target.query);
                        if self.cursors.insert(seen) {
                            builder.common_mut().follow(target);
                            self.next = Some(builder);
                            self.by_links = true;
                        } else {
                            self.failure = fail(PaginationProblem::RepeatedLink);
                        }
                    }
                    Some(Ok(_)) => {}
                    Some(Err(())) => self.failure = fail(PaginationProblem::ForeignLink),
                    // An API that names its next pages in `Link`s names none on the last.
                    None if self.by_links => {}
                    None => {
                        self.next = builder
                            .next_page(page.body(), count, self.fetched)
                            .filter(|_| self.pages < self.max_pages);
                        if let Some(cursor) = self.next.as_ref().and_then(B::cursor)
                            && !self.cursors.insert(cursor.to_owned())
                        {
                            self.next = None;
                            self.failure = fail(PaginationProblem::RepeatedCursor);
                        }
                    }
                }
                return Poll::Ready(Some(Ok(page.into_body())));
            }
            if let Some(failure) = self.failure.take() {
                return Poll::Ready(Some(Err(failure)));
            }
            match self.next.take() {
                Some(builder) => {
                    let future = builder.fetch();
                    self.pages += 1;
                    self.pending = Some((builder, future));
                }
                None => return Poll::Ready(None),
            }
        }
    }
}

impl<B: Paginated> futures_core::Stream for Pages<B> {
    type Item = Result<B::Page, Error<B::Error>>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.get_mut().poll_page(cx)
    }
}

impl<B: Paginated> fmt::Debug for Pages<B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pages")
            .field("pages", &self.pages)
            .field("fetched", &self.fetched)
            .finish_non_exhaustive()
    }
}

/// The next page a response's `Link` header names (`<url>; rel="next"`), as a path and query
/// under the client's base URL: `None` when it names none, `Some(Err(()))` when it names one
/// elsewhere (another scheme, host or port, or outside the base URL's path), which is never
/// followed: the request would carry the client's credentials there.
fn next_link<T>(response: &Response<T>, common: &Common) -> Option<Result<Target, ()>> {
    let url = response
        .headers()
        .get_all(reqwest::header::LINK)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .find_map(next_in_link_header)?;
    let base = reqwest::Url::parse(common.base_url()).ok()?;
    let Ok(link) = base.join(&url) else {
        return Some(Err(()));
    };
    let prefix = base.path().trim_end_matches('/');
    let same_origin = link.scheme() == base.scheme()
        && link.host_str() == base.host_str()
        && link.port_or_known_default() == base.port_or_known_default();
    let path = link
        .path()
        .strip_prefix(prefix)
        .filter(|p| p.starts_with('/'));
    match (same_origin, path) {
        (true, Some(path)) => Some(Ok(Target {
            path: path.to_owned(),
            query: link.query().unwrap_or("").to_owned(),
        })),
        _ => Some(Err(())),
    }
}

/// The target of the link with `rel="next"` in one `Link` header value (RFC 8288: links are
/// `<target>` then `;`-separated parameters, themselves separated by `,`; `rel` holds a
/// space-separated list of relation types, quoted or not, compared without case).
fn next_in_link_header(header: &str) -> Option<String> {
    let mut rest = header;
    while let Some(open) = rest.find('<') {
        let close = open + rest[open..].find('>')?;
        let target = &rest[open + 1..close];
        // The parameters run to the next link: a `<` that is not inside a quoted string.
        let after = &rest[close + 1..];
        let mut quoted = false;
        let end = after
            .char_indices()
            .find(|&(_, c)| {
                if c == '"' {
                    quoted = !quoted;
                }
                c == '<' && !quoted
            })
            .map_or(after.len(), |(i, _)| i);
        let is_next = after[..end].split(';').any(|parameter| {
            let Some((name, value)) = parameter.split_once('=') else {
                return false;
            };
            name.trim().eq_ignore_ascii_case("rel")
                && value
                    .trim()
                    .trim_end_matches(',')
                    .trim()
                    .trim_matches('"')
                    .split_ascii_whitespace()
                    .any(|relation| relation.eq_ignore_ascii_case("next"))
        });
        if is_next {
            return Some(target.trim().to_owned());
        }
        rest = &after[end..];
    }
    None
}

/// Every item of every page of a list operation: a stream of items.
#[must_use = "a stream does nothing unless polled"]
pub struct Items<B: Paginated> {
    pages: Pages<B>,
    buffer: VecDeque<B::Item>,
}

impl<B: Paginated> Items<B> {
    pub fn new(first: B) -> Self {
        Items {
            pages: Pages::new(first),
            buffer: VecDeque::new(),
        }
    }

    /// Stops after `max_pages` pages (default [`DEFAULT_MAX_PAGES`]).
    pub fn max_pages(mut self, max_pages: usize) -> Self {
        self.pages = self.pages.max_pages(max_pages);
        self
    }

    /// The next item, or `None` after the last one (or after an error).
    pub async fn next(&mut self) -> Option<Result<B::Item, Error<B::Error>>> {
        std::future::poll_fn(|cx| self.poll_item(cx)).await
    }

    /// Every item of every page, in order; the first error stops it.
    pub async fn collect_all(mut self) -> Result<Vec<B::Item>, Error<B::Error>> {
        let mut all = Vec::new();
        while let Some(item) = self.next().await {
            all.push(item?);
        }
        Ok(all)
    }

    fn poll_item(&mut self, cx: &mut Context<'_>) -> ItemPoll<B> {
        loop {
            if let Some(item) = self.buffer.pop_front() {
                return Poll::Ready(Some(Ok(item)));
            }
            match self.pages.poll_page(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(None) => return Poll::Ready(None),
                Poll::Ready(Some(Err(error))) => return Poll::Ready(Some(Err(error))),
                Poll::Ready(Some(Ok(page))) => self.buffer.extend(B::into_items(page)),
            }
        }
    }
}

impl<B: Paginated> futures_core::Stream for Items<B>
where
    B::Item: Unpin,
{
    type Item = Result<B::Item, Error<B::Error>>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.get_mut().poll_item(cx)
    }
}

impl<B: Paginated> fmt::Debug for Items<B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Items")
            .field("pages", &self.pages)
            .field("buffered", &self.buffer.len())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    // Each test operation uses some of the methods `operation!` gives every builder.
    #![allow(dead_code)]

    use std::convert::Infallible;

    use super::*;
    use crate::error::Failure;
    use crate::loopback::Server;
    use crate::request::{Common, Operation, OperationInfo};
    use crate::transport::{RawResponse, Request, Signing};

    /// A list operation with page numbers, as the generator writes one.
    #[derive(Debug, Clone)]
    struct ListNumbers {
        common: Common,
        page: u32,
    }

    impl Operation for ListNumbers {
        type Output = Vec<u32>;
        type Error = Infallible;

        const INFO: OperationInfo = OperationInfo {
            id: "listNumbers",
            method: reqwest::Method::GET,
            path: "/numbers",
            signing: Signing::Signed,
        };

        fn common(&mut self) -> &mut Common {
            &mut self.common
        }

        fn into_request(self) -> Result<(Common, Request), Failure> {
            let mut query = crate::encoding::Query::default();
            query.push("page", &self.page);
            Ok((
                self.common,
                Request::new(&Self::INFO, "/numbers".to_owned(), query),
            ))
        }

        fn decode(response: &RawResponse) -> Result<Vec<u32>, Error> {
            if response.is_success() {
                Ok(response.json()?)
            } else {
                Err(response.error(None))
            }
        }
    }

    crate::request::operation!(ListNumbers => Vec<u32>, Infallible);

    impl Paginated for ListNumbers {
        type Page = Vec<u32>;
        type Item = u32;
        type Error = Infallible;

        fn fetch(&self) -> FullResponseFuture<Vec<u32>, Infallible> {
            self.clone().send_with_response()
        }

        fn common_mut(&mut self) -> &mut Common {
            &mut self.common
        }

        fn item_count(page: &Vec<u32>) -> usize {
            page.len()
        }

        fn into_items(page: Vec<u32>) -> Vec<u32> {
            page
        }

        fn next_page(&self, _: &Vec<u32>, count: usize, _: u64) -> Option<Self> {
            (count > 0).then(|| ListNumbers {
                page: self.page + 1,
                ..self.clone()
            })
        }
    }

    fn list(client: &crate::Client) -> ListNumbers {
        ListNumbers {
            common: Common::new(&client.transport),
            page: 1,
        }
    }

    #[tokio::test]
    async fn items_come_from_every_page_until_an_empty_one() {
        let server = Server::start(vec![
            (200, vec![], "[1,2]"),
            (200, vec![], "[3]"),
            (200, vec![], "[]"),
            (200, vec![], "[]"),
        ])
        .await;
        // The escape hatches set on the first request hold for every page.
        let first = list(&server.client())
            .query("sort", "asc")
            .header("x-trace", "t")
            .retry(crate::RetryPolicy::new(1))
            .timeout(std::time::Duration::from_secs(5));
        let all = Items::new(first).collect_all().await.unwrap();
        assert_eq!(all, [1, 2, 3]);
        let received = server.received();
        let targets: Vec<&str> = received.iter().map(|r| r.target.as_str()).collect();
        assert_eq!(
            targets,
            [
                "/numbers?page=1&sort=asc",
                "/numbers?page=2&sort=asc",
                "/numbers?page=3&sort=asc"
            ]
        );
        assert!(received.iter().all(|r| r.headers["x-trace"] == "t"));
        let single = list(&server.client())
            .no_retry()
            .send_with_response()
            .await
            .unwrap();
        assert_eq!(single.status(), 200);
    }

    #[test]
    fn the_next_link_is_found_among_others_however_it_is_written() {
        let cases = [
            (
                r#"<https://api.test/r/issues?page=2>; rel="next", <https://api.test/r/issues?page=5>; rel="last""#,
                Some("https://api.test/r/issues?page=2"),
            ),
            (
                r#"</a?p=1>; rel="prev", </a?p=3>; rel=next"#,
                Some("/a?p=3"),
            ),
            (
                r#"</x>; title="see <this>, then"; rel="next last""#,
                Some("/x"),
            ),
            (r#"</x>; REL="Next""#, Some("/x")),
            (r#"</x>; rel="prev""#, None),
            ("garbage", None),
        ];
        for (header, next) in cases {
            assert_eq!(next_in_link_header(header).as_deref(), next, "{header}");
        }
    }

    /// A page's `Link` to the next one is followed before the operation's own next page (the
    /// next page number here); once links lead, a page without one is the last.
    #[tokio::test]
    async fn a_link_header_names_the_next_page_before_the_page_number() {
        let server = Server::start(vec![
            (
                200,
                vec![("link", "</numbers?after=b&limit=2>; rel=\"next\"")],
                "[1,2]",
            ),
            (
                200,
                vec![("link", "</numbers?after=d&limit=2>; rel=\"next\"")],
                "[3,4]",
            ),
            (200, vec![], "[5]"),
        ])
        .await;
        let first = list(&server.client()).query("sort", "asc");
        let all = Items::new(first).collect_all().await.unwrap();
        assert_eq!(all, [1, 2, 3, 4, 5]);
        let received = server.received();
        let targets: Vec<&str> = received.iter().map(|r| r.target.as_str()).collect();
        assert_eq!(
            targets,
            [
                "/numbers?page=1&sort=asc",
                "/numbers?after=b&limit=2",
                "/numbers?after=d&limit=2",
            ]
        );
        // Without a link on its first page, a list pages as the operation says.
        let server = Server::start(vec![(200, vec![], "[1]"), (200, vec![], "[]")]).await;
        let all = Items::new(list(&server.client()))
            .collect_all()
            .await
            .unwrap();
        assert_eq!(all, [1]);
        let received = server.received();
        assert_eq!(received[1].target, "/numbers?page=2");
    }

    #[tokio::test]
    async fn a_link_elsewhere_or_back_ends_the_stream_with_an_error() {
        let server = Server::start(vec![(
            200,
            vec![("link", "<https://evil.test/numbers?page=2>; rel=\"next\"")],
            "[1]",
        )])
        .await;
        let mut pages = Pages::new(list(&server.client()));
        assert_eq!(pages.next().await.unwrap().unwrap(), [1]);
        let Some(Err(Error::Pagination(error))) = pages.next().await else {
            panic!("the foreign link is not followed");
        };
        assert_eq!(error.problem(), crate::PaginationProblem::ForeignLink);
        assert!(pages.next().await.is_none());
        assert_eq!(server.received().len(), 1, "nothing was sent there");

        let server = Server::start(vec![
            (
                200,
                vec![("link", "</numbers?after=a>; rel=\"next\"")],
                "[1]",
            ),
            (
                200,
                vec![("link", "</numbers?after=a>; rel=\"next\"")],
                "[2]",
            ),
        ])
        .await;
        let all = Items::new(list(&server.client())).collect_all().await;
        let Err(Error::Pagination(error)) = all else {
            panic!("{all:?}");
        };
        assert_eq!(
            (error.page(), error.problem()),
            (3, crate::PaginationProblem::RepeatedLink)
        );
    }

    #[tokio::test]
    async fn a_stream_stops_at_max_pages_and_after_an_error() {
        let server = Server::start(vec![
            (200, vec![], "[1]"),
            (200, vec![], "[2]"),
            (200, vec![], "[3]"),
        ])
        .await;
        let mut pages = Pages::new(list(&server.client())).max_pages(2);
        assert_eq!(pages.next().await.unwrap().unwrap(), [1]);
        assert_eq!(pages.next().await.unwrap().unwrap(), [2]);
        assert!(pages.next().await.is_none());
        let failing = Server::start(vec![(200, vec![], "[1]"), (500, vec![], "")]).await;
        let mut items = Items::new(list(&failing.client()));
        assert_eq!(items.next().await.unwrap().unwrap(), 1);
        assert!(items.next().await.unwrap().is_err());
        assert!(items.next().await.is_none());
        assert_eq!(DEFAULT_MAX_PAGES, 10_000);
    }

    /// A list that pages by cursor: `{"items": […], "next": "…"}`.
    #[derive(Debug, Clone)]
    struct ListByCursor {
        common: Common,
        cursor: Option<String>,
    }

    #[derive(Debug, Clone, serde::Deserialize)]
    struct CursorPage {
        items: Vec<u32>,
        next: Option<String>,
    }

    impl Operation for ListByCursor {
        type Output = CursorPage;
        type Error = Infallible;

        const INFO: OperationInfo = OperationInfo {
            id: "listByCursor",
            method: reqwest::Method::GET,
            path: "/c",
            signing: Signing::Signed,
        };

        fn common(&mut self) -> &mut Common {
            &mut self.common
        }

        fn into_request(self) -> Result<(Common, Request), Failure> {
            let mut query = crate::encoding::Query::default();
            if let Some(cursor) = &self.cursor {
                query.push("cursor", cursor);
            }
            Ok((
                self.common,
                Request::new(&Self::INFO, "/c".to_owned(), query),
            ))
        }

        fn decode(response: &RawResponse) -> Result<CursorPage, Error> {
            if response.is_success() {
                Ok(response.json()?)
            } else {
                Err(response.error(None))
            }
        }
    }

    crate::request::operation!(ListByCursor => CursorPage, Infallible);

    impl Paginated for ListByCursor {
        type Page = CursorPage;
        type Item = u32;
        type Error = Infallible;

        fn fetch(&self) -> FullResponseFuture<CursorPage, Infallible> {
            self.clone().send_with_response()
        }

        fn common_mut(&mut self) -> &mut Common {
            &mut self.common
        }

        fn item_count(page: &CursorPage) -> usize {
            page.items.len()
        }

        fn into_items(page: CursorPage) -> Vec<u32> {
            page.items
        }

        fn next_page(&self, page: &CursorPage, _: usize, _: u64) -> Option<Self> {
            Some(ListByCursor {
                cursor: Some(page.next.clone()?),
                ..self.clone()
            })
        }

        fn cursor(&self) -> Option<&str> {
            self.cursor.as_deref()
        }
    }

    #[tokio::test]
    async fn a_cursor_sent_back_again_ends_the_stream_with_an_error_not_duplicates() {
        let page = |items: &'static str| (200, vec![], items);
        let server = Server::start(vec![
            page(r#"{"items":[1],"next":"a"}"#),
            page(r#"{"items":[2],"next":"b"}"#),
            page(r#"{"items":[3],"next":"a"}"#),
        ])
        .await;
        let mut items = Items::new(ListByCursor {
            common: Common::new(&server.client().transport),
            cursor: None,
        });
        let mut seen = Vec::new();
        let error = loop {
            match items.next().await {
                Some(Ok(item)) => seen.push(item),
                Some(Err(error)) => break error,
                None => panic!("the stream ended without saying why: {seen:?}"),
            }
        };
        assert_eq!(seen, [1, 2, 3], "every page once");
        assert!(
            matches!(&error, Error::Pagination(e) if e.page() == 4),
            "{error}"
        );
        assert!(items.next().await.is_none());
        assert_eq!(
            server.received().len(),
            3,
            "the repeated page is not fetched"
        );
    }
}
