//! Downloading a spec, defensively: the URL is on the internet, and what answers may be a
//! captive portal, a login page, a broken server or a hostile one.
//!
//! - the whole download has a deadline (connect, redirects, headers and body);
//! - a `Content-Length` over the limit is refused before anything is read, and the body is read
//!   in chunks with the limit applied as it grows: memory is bounded by the limit, never by what
//!   the server sends;
//! - a redirect to another origin (host, port or scheme) is followed but reported (a portal
//!   or a moved file shows);
//! - what arrives must be an OpenAPI document before anything else looks at it: an HTML page, an
//!   empty body or JSON that is not OpenAPI is an error that says so, with the content type and
//!   the first bytes (escaped);
//! - the validators (`ETag`, `Last-Modified`) are kept, so the next download can be conditional
//!   and a `304 Not Modified` means "unchanged" without a body.

use std::time::Duration;

use anyhow::{Result, anyhow, bail};

/// How much a download may take.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_bytes: u64,
    /// The whole download: connecting, redirects, headers and body.
    pub timeout: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        // The Zephr spec is 250 KB; the largest public spec in the corpus (Stripe) is 4.2 MB.
        Limits {
            max_bytes: 64 * 1024 * 1024,
            timeout: Duration::from_secs(120),
        }
    }
}

/// Where a spec comes from and how much its download may take: the options `fetch-spec` and
/// `update` share (flattened into each).
#[derive(Debug, Clone, clap::Args)]
pub struct SourceArgs {
    /// A local file or an http(s) URL [default: the lock's source, else Zephr's published URL].
    #[arg(long, value_name = "PATH_OR_URL")]
    pub from: Option<String>,
    /// Seconds the whole download may take.
    #[arg(long, default_value_t = 120)]
    pub timeout: u64,
    /// The largest spec accepted, in bytes.
    #[arg(long, default_value_t = 64 * 1024 * 1024)]
    pub max_bytes: u64,
}

impl SourceArgs {
    pub fn limits(&self) -> Limits {
        Limits {
            max_bytes: self.max_bytes,
            timeout: Duration::from_secs(self.timeout),
        }
    }
}

/// Validators of a previous download, for a conditional one.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Validators {
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

/// What a download gave.
#[derive(Debug)]
pub enum Fetched {
    /// `304 Not Modified`: the document is the one the validators name.
    NotModified,
    Document {
        bytes: Vec<u8>,
        validators: Validators,
        /// Redirects to another host on the way, as `from → to`.
        redirects: Vec<String>,
    },
}

/// Downloads `url` within `limits`, conditionally when `previous` has validators.
pub fn fetch(url: &str, previous: &Validators, limits: Limits) -> Result<Fetched> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let work = fetch_async(url, previous, limits);
    match runtime.block_on(async { tokio::time::timeout(limits.timeout, work).await }) {
        Ok(result) => result,
        Err(_) => bail!(
            "cannot download {url}: it took longer than {:?} (see --timeout)",
            limits.timeout
        ),
    }
}

async fn fetch_async(url: &str, previous: &Validators, limits: Limits) -> Result<Fetched> {
    let redirects = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let seen = std::sync::Arc::clone(&redirects);
    let policy = reqwest::redirect::Policy::custom(move |attempt| {
        if attempt.previous().len() >= 10 {
            return attempt.error("more than 10 redirects");
        }
        // Another origin (scheme, host or port: another port is another server) is reported.
        let origin = |url: &reqwest::Url| {
            (
                url.scheme().to_owned(),
                url.host_str().map(str::to_owned),
                url.port_or_known_default(),
            )
        };
        let from = attempt.previous().last().map(origin);
        let to = origin(attempt.url());
        if from.as_ref() != Some(&to)
            && let Ok(mut seen) = seen.lock()
        {
            let from = attempt
                .previous()
                .last()
                .map(|u| u.origin().ascii_serialization())
                .unwrap_or_default();
            seen.push(format!("{from} → {}", attempt.url()));
        }
        attempt.follow()
    });
    // xtask is a program, not a library: the process's provider is its own to choose. An `Err`
    // means one is installed already (an earlier download), which is the same one.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let client = reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(10))
        .redirect(policy)
        .build()?;
    let mut request = client.get(url);
    if let Some(etag) = &previous.etag {
        request = request.header(reqwest::header::IF_NONE_MATCH, etag);
    }
    if let Some(date) = &previous.last_modified {
        request = request.header(reqwest::header::IF_MODIFIED_SINCE, date);
    }
    let failed = |e: reqwest::Error| {
        anyhow!(
            "cannot download {url}: {}. Without network, copy the spec in with `--from PATH`",
            e.without_url()
        )
    };
    let mut response = request.send().await.map_err(failed)?;
    let status = response.status();
    if status == reqwest::StatusCode::NOT_MODIFIED {
        return Ok(Fetched::NotModified);
    }
    if !status.is_success() {
        bail!("cannot download {url}: the server answered {status}");
    }
    if let Some(length) = response.content_length()
        && length > limits.max_bytes
    {
        bail!(
            "cannot download {url}: it announces {length} bytes, more than the limit of {} (see --max-bytes)",
            limits.max_bytes
        );
    }
    let header = |name| {
        response
            .headers()
            .get(name)
            .and_then(|v: &reqwest::header::HeaderValue| v.to_str().ok())
            .map(str::to_owned)
    };
    let validators = Validators {
        etag: header(reqwest::header::ETAG),
        last_modified: header(reqwest::header::LAST_MODIFIED),
    };
    let content_type = header(reqwest::header::CONTENT_TYPE);
    // Chunks are kept as they arrive and joined once at the end: a growing buffer copies itself
    // at each doubling, and the allocator keeps what was freed (231 MB of RSS at a 64 MiB limit
    // that way, measured 2026-12-06).
    let (mut chunks, mut received) = (Vec::new(), 0u64);
    while let Some(chunk) = response.chunk().await.map_err(failed)? {
        received += chunk.len() as u64;
        if received > limits.max_bytes {
            bail!(
                "cannot download {url}: it is larger than the limit of {} bytes (see --max-bytes); stopped reading",
                limits.max_bytes
            );
        }
        chunks.push(chunk);
    }
    let bytes = chunks.concat();
    drop(chunks);
    check_openapi(&bytes, content_type.as_deref()).map_err(|e| anyhow!("{url}: {e}"))?;
    let redirects = redirects.lock().map(|r| r.clone()).unwrap_or_default();
    Ok(Fetched::Document {
        bytes,
        validators,
        redirects,
    })
}

/// Whether `bytes` is an OpenAPI (or Swagger) document: a YAML or JSON mapping with an `openapi`
/// (or `swagger`) version. Anything else is an error naming what it is instead.
pub fn check_openapi(bytes: &[u8], content_type: Option<&str>) -> Result<()> {
    let what = || {
        let shown: String = String::from_utf8_lossy(&bytes[..bytes.len().min(120)])
            .chars()
            .flat_map(|c| {
                if c.is_control() && c != ' ' {
                    c.escape_default().collect::<Vec<_>>()
                } else {
                    vec![c]
                }
            })
            .collect();
        format!(
            "content type {}, first bytes: \"{shown}\"",
            content_type.unwrap_or("not given")
        )
    };
    let text = String::from_utf8_lossy(bytes);
    let trimmed = text.trim_start_matches('\u{feff}').trim_start();
    if trimmed.is_empty() {
        bail!("the download is empty ({})", what());
    }
    if trimmed.starts_with('<') {
        bail!(
            "the download is an HTML or XML page, not an OpenAPI document (a login page or a captive portal?) ({})",
            what()
        );
    }
    // A small parse of the top level only: the version key on its own line, or in a JSON object.
    let is_openapi = if trimmed.starts_with('{') {
        serde_json::from_str::<serde_json::Value>(trimmed)
            .ok()
            .is_some_and(|v| {
                v.get("openapi")
                    .or_else(|| v.get("swagger"))
                    .is_some_and(|x| x.is_string())
            })
    } else {
        text.lines().any(|line| {
            let line = line.trim_end();
            ["openapi:", "swagger:", "\"openapi\":", "'openapi':"]
                .iter()
                .any(|key| line.starts_with(key))
        })
    };
    if !is_openapi {
        bail!(
            "the download is not an OpenAPI document: it has no top-level `openapi` version ({})",
            what()
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_an_openapi_document_passes() {
        assert!(check_openapi(b"openapi: 3.0.3\ninfo: {}\n", None).is_ok());
        assert!(check_openapi(br#"{"openapi": "3.1.0"}"#, Some("application/json")).is_ok());
        let html = check_openapi(
            b"<!DOCTYPE html><html><body>Sign in\n</body>",
            Some("text/html"),
        )
        .unwrap_err()
        .to_string();
        assert!(
            html.contains("HTML") && html.contains("text/html") && html.contains("Sign in\\n"),
            "{html}"
        );
        assert!(
            check_openapi(b"  \n", None)
                .unwrap_err()
                .to_string()
                .contains("empty")
        );
        assert!(
            check_openapi(br#"{"error": "rate limited"}"#, None)
                .unwrap_err()
                .to_string()
                .contains("not an OpenAPI document")
        );
        assert!(check_openapi(b"title: x\n", None).is_err());
    }
}
