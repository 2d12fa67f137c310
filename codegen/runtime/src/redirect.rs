//! Whether the client follows redirects.

/// Which redirects the client follows itself; the others come back to the caller as a `3xx`
/// [`StatusError`](crate::StatusError) with the `Location` header.
///
/// By default none is followed. A signed request can never simply be replayed to another URL:
/// its signature covers the path and query, so the old `Authorization` would be refused (and
/// look like a replay), and a body sent to another host is a body given away.
/// [`same_origin`](RedirectPolicy::same_origin) follows redirects to the same scheme, host and
/// port, signing each new request afresh; `307`/`308` repeat the method and body, the others
/// become a `GET` without a body. Redirects to another origin are always handed back.
///
/// This applies to the HTTP client the crate builds. A client given with
/// `ClientBuilder::http_client` keeps its own redirect policy: build it with
/// `reqwest::redirect::Policy::none()`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RedirectPolicy {
    max_hops: Option<usize>,
}

impl RedirectPolicy {
    /// Follows no redirect (the default).
    pub fn none() -> Self {
        RedirectPolicy { max_hops: None }
    }

    /// Follows up to `max_hops` redirects within the same origin, each one signed afresh.
    pub fn same_origin(max_hops: usize) -> Self {
        RedirectPolicy {
            max_hops: Some(max_hops),
        }
    }

    pub fn max_hops(&self) -> Option<usize> {
        self.max_hops
    }
}
