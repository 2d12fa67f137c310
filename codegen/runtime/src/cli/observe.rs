//! `--verbose` and `--dry-run`: each attempt as it goes out (signed) and the head of its
//! response, shown with credentials redacted. A dry run prints the first request and stops it.

use std::fmt::Write as _;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::time::Duration;

use clap::ArgMatches;
use reqwest::header::HeaderMap;

use super::flag;
use crate::table::{Api, Auth};

/// What `--verbose` and `--dry-run` ask to see.
pub(crate) struct Observer {
    verbose: bool,
    dry_run: bool,
    /// A header the API's key travels in (redacted like `Authorization`).
    key_header: Option<&'static str>,
    attempts: AtomicU32,
    stopped: AtomicBool,
}

impl Observer {
    pub(crate) fn new<C>(api: &Api<C>, global: &ArgMatches) -> Arc<Observer> {
        Arc::new(Observer {
            verbose: flag(global, "verbose"),
            dry_run: flag(global, "dry-run"),
            key_header: match api.auth {
                Auth::ApiKey(header) => Some(header),
                _ => None,
            },
            attempts: AtomicU32::new(0),
            stopped: AtomicBool::new(false),
        })
    }

    /// Whether a dry run stopped a request (so the call's error is expected).
    pub(crate) fn dry_run_done(&self) -> bool {
        self.stopped.load(Ordering::SeqCst)
    }

    /// Whether a header's value is a credential (shown as `<redacted>`).
    fn is_secret(&self, name: &str) -> bool {
        let name = name.to_ascii_lowercase();
        [
            "authorization",
            "proxy-authorization",
            "cookie",
            "set-cookie",
        ]
        .contains(&name.as_str())
            || self
                .key_header
                .is_some_and(|h| h.eq_ignore_ascii_case(&name))
            || [
                "token",
                "secret",
                "password",
                "api-key",
                "apikey",
                "signature",
                "session",
            ]
            .iter()
            .any(|word| name.contains(word))
    }

    /// Headers, one per line, credentials redacted (an `Authorization` keeps its scheme).
    fn headers(&self, prefix: &str, headers: &HeaderMap) -> String {
        let mut out = String::new();
        for (name, value) in headers {
            let shown = if self.is_secret(name.as_str()) {
                let scheme = value
                    .to_str()
                    .ok()
                    .filter(|_| name.as_str().eq_ignore_ascii_case("authorization"))
                    .and_then(|v| v.split_once(' '))
                    .map(|(scheme, _)| format!("{scheme} "))
                    .unwrap_or_default();
                format!("{scheme}<redacted>")
            } else {
                String::from_utf8_lossy(value.as_bytes()).into_owned()
            };
            let _ = writeln!(out, "{prefix}{name}: {}", bounded(&shown, 200));
        }
        out
    }
}

impl crate::transport::Observer for Observer {
    fn sending(&self, request: &reqwest::Request) -> Result<(), String> {
        let attempt = self.attempts.fetch_add(1, Ordering::SeqCst) + 1;
        let url = crate::transport::redact_userinfo(request.url().as_str());
        if self.dry_run {
            let mut text = format!("{} {url}\n", request.method());
            text.push_str(&self.headers("", request.headers()));
            if let Some(body) = request.body().and_then(|b| b.as_bytes()) {
                text.push('\n');
                text.push_str(&shown_body(body));
                text.push('\n');
            }
            print!("{text}");
            self.stopped.store(true, Ordering::SeqCst);
            return Err("dry run: the request was not sent".to_owned());
        }
        if self.verbose {
            let mut text = format!("> {} {url} (attempt {attempt})\n", request.method());
            text.push_str(&self.headers("> ", request.headers()));
            if let Some(body) = request.body().and_then(|b| b.as_bytes()) {
                let _ = writeln!(text, "> ({} bytes of body)", body.len());
            }
            eprint!("{text}");
        }
        Ok(())
    }

    fn received(&self, response: &reqwest::Response, elapsed: Duration) {
        if self.verbose {
            let mut text = format!(
                "< {} {} in {} ms\n",
                response.status().as_u16(),
                response.status().canonical_reason().unwrap_or(""),
                elapsed.as_millis()
            );
            text.push_str(&self.headers("< ", response.headers()));
            eprint!("{text}");
        }
    }
}

/// A body as the dry run shows it: the text, or its size when it is not text or very long.
fn shown_body(body: &[u8]) -> String {
    match std::str::from_utf8(body) {
        Ok(text) if body.len() <= 64 * 1024 => text.to_owned(),
        _ => format!("({} bytes)", body.len()),
    }
}

/// `text` cut after `max` characters, with `…`.
pub(crate) fn bounded(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_owned(),
    }
}
