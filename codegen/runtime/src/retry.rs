//! Retries (opt-in): which failures are retried, and how long to wait.

use std::time::{Duration, SystemTime};

use reqwest::header::{HeaderMap, RETRY_AFTER};
use reqwest::{Method, StatusCode};

/// When and how often to retry a request.
///
/// By default only idempotent methods (GET, HEAD, OPTIONS, PUT, DELETE, TRACE) are retried,
/// after a connection failure or a `429`, `502`, `503` or `504` response. A request that timed
/// out may have reached the server, so it is retried only with
/// [`retry_timeouts`](RetryPolicy::retry_timeouts); a POST or PATCH only with
/// [`retry_non_idempotent`](RetryPolicy::retry_non_idempotent), for requests you know are safe to
/// repeat. Set the policy for the whole client (`ClientBuilder::retry`) or for one request (its
/// builder's `.retry(…)`).
///
/// The wait grows exponentially with jitter, or is what the server's `Retry-After` asks for
/// when that is longer (a `Retry-After` of zero, or a date in the past, still waits the backoff);
/// a `Retry-After` longer than the maximum backoff is not waited out: the response is returned
/// instead. Every retry is signed again, with a new timestamp and nonce.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    max_retries: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
    non_idempotent: bool,
    timeouts: bool,
}

impl Default for RetryPolicy {
    /// Three retries of idempotent requests after connection failures and 429/502/503/504,
    /// waits starting at 250 ms and capped at 10 s.
    fn default() -> Self {
        RetryPolicy {
            max_retries: 3,
            initial_backoff: Duration::from_millis(250),
            max_backoff: Duration::from_secs(10),
            non_idempotent: false,
            timeouts: false,
        }
    }
}

impl RetryPolicy {
    /// Retries at most `max_retries` times (so up to `max_retries + 1` attempts).
    pub fn new(max_retries: u32) -> Self {
        RetryPolicy {
            max_retries,
            ..RetryPolicy::default()
        }
    }

    /// The wait before the first retry; it doubles for each further one.
    pub fn initial_backoff(mut self, wait: Duration) -> Self {
        self.initial_backoff = wait;
        self
    }

    /// The longest wait between attempts.
    pub fn max_backoff(mut self, wait: Duration) -> Self {
        self.max_backoff = wait;
        self
    }

    /// Also retries methods that are not idempotent (POST, PATCH): only for requests that are
    /// safe to repeat, such as a POST that only reads.
    pub fn retry_non_idempotent(mut self, retry: bool) -> Self {
        self.non_idempotent = retry;
        self
    }

    /// Also retries requests that timed out (which may have reached the server).
    pub fn retry_timeouts(mut self, retry: bool) -> Self {
        self.timeouts = retry;
        self
    }

    pub fn max_retries(&self) -> u32 {
        self.max_retries
    }

    pub fn applies_to(&self, method: &Method) -> bool {
        self.max_retries > 0
            && (self.non_idempotent
                || matches!(
                    *method,
                    Method::GET
                        | Method::HEAD
                        | Method::OPTIONS
                        | Method::PUT
                        | Method::DELETE
                        | Method::TRACE
                ))
    }

    /// Whether a request that failed this way is retried.
    pub fn retries_failure(&self, kind: crate::error::TransportErrorKind) -> bool {
        use crate::error::TransportErrorKind;
        match kind {
            TransportErrorKind::Connect => true,
            TransportErrorKind::Timeout => self.timeouts,
            _ => false,
        }
    }

    pub fn retries_status(status: StatusCode) -> bool {
        matches!(status.as_u16(), 429 | 502 | 503 | 504)
    }

    /// How long to wait before retry number `retry` (0-based); `None` to give up.
    pub fn wait(&self, retry: u32, headers: Option<&HeaderMap>) -> Option<Duration> {
        if retry >= self.max_retries {
            return None;
        }
        // Exponential backoff with "equal jitter": half the step fixed, half random.
        let step = self
            .initial_backoff
            .saturating_mul(1u32.checked_shl(retry).unwrap_or(u32::MAX))
            .min(self.max_backoff);
        let backoff = step / 2 + step.mul_f64(crate::random::fraction() / 2.0);
        match headers.and_then(retry_after) {
            // The server's wait, but never less than the backoff: `Retry-After: 0` (or a date
            // in the past) must not turn the retries into a busy loop.
            Some(asked) => (asked <= self.max_backoff).then(|| asked.max(backoff)),
            None => Some(backoff),
        }
    }
}

/// `Retry-After` as seconds or as an HTTP date.
pub fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let when = httpdate::parse_http_date(value).ok()?;
    Some(
        when.duration_since(SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn asking(value: &'static str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(RETRY_AFTER, HeaderValue::from_static(value));
        headers
    }

    #[test]
    fn waits_grow_with_jitter_up_to_the_maximum_and_stop_after_the_last_retry() {
        let policy = RetryPolicy::new(6)
            .initial_backoff(Duration::from_millis(100))
            .max_backoff(Duration::from_secs(1));
        for (retry, step) in [(0, 100), (1, 200), (2, 400), (3, 800), (4, 1000), (5, 1000)] {
            let wait = policy.wait(retry, None).unwrap();
            let step = Duration::from_millis(step);
            assert!(
                wait >= step / 2 && wait <= step,
                "retry {retry}: {wait:?} for a step of {step:?}"
            );
        }
        assert_eq!(policy.wait(6, None), None);
    }

    #[test]
    fn the_server_can_ask_for_a_wait_within_the_maximum() {
        let policy = RetryPolicy::default();
        assert_eq!(
            policy.wait(0, Some(&asking("2"))),
            Some(Duration::from_secs(2))
        );
        assert_eq!(
            policy.wait(0, Some(&asking("3600"))),
            None,
            "longer than max_backoff: give up"
        );
    }

    #[test]
    fn only_idempotent_methods_and_transient_failures_are_retried_by_default() {
        let policy = RetryPolicy::default();
        assert!(policy.applies_to(&Method::GET) && policy.applies_to(&Method::PUT));
        assert!(!policy.applies_to(&Method::POST));
        assert!(
            policy
                .clone()
                .retry_non_idempotent(true)
                .applies_to(&Method::POST)
        );
        assert!(!RetryPolicy::new(0).applies_to(&Method::GET));
        use crate::error::TransportErrorKind as Kind;
        assert!(policy.retries_failure(Kind::Connect) && !policy.retries_failure(Kind::Timeout));
        assert!(
            policy
                .clone()
                .retry_timeouts(true)
                .retries_failure(Kind::Timeout)
        );
        assert!(
            [429, 502, 503, 504]
                .iter()
                .all(|&s| RetryPolicy::retries_status(StatusCode::from_u16(s).unwrap()))
        );
        assert!(!RetryPolicy::retries_status(
            StatusCode::INTERNAL_SERVER_ERROR
        ));
    }
}
