//! Configuring a client: where requests go, how they are signed, how the HTTP client behaves.
//!
//! The API-specific setters (server variables, credentials) and `build` are in `client.rs`.

use std::sync::Arc;
use std::time::Duration;

use reqwest::header::HeaderValue;

use crate::error::BuildError;
use crate::retry::RetryPolicy;
use crate::signing::RequestSigner;
use crate::transport::Transport;

/// Configures a [`Client`](crate::Client); start with [`Client::builder`](crate::Client::builder).
#[derive(Debug, Default)]
pub struct ClientBuilder {
    base_url: Option<String>,
    variables: Vec<(&'static str, String)>,
    signer: SignerChoice,
    http_client: Option<reqwest::Client>,
    timeout: Option<Duration>,
    user_agent: Option<String>,
    retry: Option<RetryPolicy>,
}

/// The spec's server: a URL template and its variables.
pub(crate) struct Server {
    pub(crate) url: &'static str,
    pub(crate) variables: &'static [ServerVariable],
}

/// A `{name}` in a server URL template.
pub(crate) struct ServerVariable {
    pub(crate) name: &'static str,
    pub(crate) default: &'static str,
    /// Empty when any value is allowed.
    pub(crate) allowed: &'static [&'static str],
}

#[derive(Debug, Default)]
enum SignerChoice {
    #[default]
    Unset,
    Unsigned,
    Signer(Arc<dyn RequestSigner>),
}

impl ClientBuilder {
    /// Sends every request to `url` (scheme, host and optional path prefix) instead of the
    /// spec's server: a proxy, a staging host, a mock server.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// Signs every request with `signer` (see [`RequestSigner`]).
    pub fn signer(mut self, signer: impl RequestSigner + 'static) -> Self {
        self.signer = SignerChoice::Signer(Arc::new(signer));
        self
    }

    /// Sends requests unsigned (for tests, or a proxy that signs them).
    pub fn without_signing(mut self) -> Self {
        self.signer = SignerChoice::Unsigned;
        self
    }

    /// Uses this `reqwest` client (its connection pool, proxy and TLS settings).
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http_client = Some(client);
        self
    }

    /// Gives up on a request (each attempt, when retrying) after `timeout`.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// The `User-Agent` header; by default the crate's name and version.
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = Some(user_agent.into());
        self
    }

    /// Retries failed idempotent requests (off by default); see [`RetryPolicy`].
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    #[allow(dead_code)] // used when the spec's server has variables
    pub(crate) fn set_variable(&mut self, name: &'static str, value: String) {
        self.variables.retain(|(n, _)| *n != name);
        self.variables.push((name, value));
    }

    /// Builds the transport. `server` is the spec's server, if it names one; `signer_required`
    /// says whether the spec requires authentication.
    pub(crate) fn build_transport(self, server: Option<&Server>, signer_required: bool) -> Result<Transport, BuildError> {
        let base_url = match (&self.base_url, server) {
            (Some(url), _) => normalize_base_url(url)?,
            (None, Some(server)) => {
                let mut url = server.url.to_owned();
                for variable in server.variables {
                    let value = self
                        .variables
                        .iter()
                        .find(|(name, _)| *name == variable.name)
                        .map_or(variable.default, |(_, value)| value.as_str());
                    check_variable(variable.name, value, variable.allowed)?;
                    url = url.replace(&format!("{{{}}}", variable.name), value);
                }
                normalize_base_url(&url)?
            }
            (None, None) => return Err(BuildError::new("the spec names no server: set one with `base_url`")),
        };
        let signer = match self.signer {
            SignerChoice::Signer(signer) => Some(signer),
            SignerChoice::Unsigned => None,
            SignerChoice::Unset if signer_required => {
                return Err(BuildError::new(
                    "this API requires signed requests: give credentials, a `signer`, or call `without_signing`",
                ));
            }
            SignerChoice::Unset => None,
        };
        let user_agent = match &self.user_agent {
            Some(agent) => HeaderValue::from_str(agent)
                .map_err(|_| BuildError::new("the user agent contains characters not allowed in an HTTP header"))?,
            None => HeaderValue::from_static(concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION"))),
        };
        Ok(Transport {
            http: self.http_client.unwrap_or_default(),
            base_url,
            signer,
            retry: self.retry,
            timeout: self.timeout,
            user_agent,
        })
    }
}

/// A server variable's value goes into the host or path: it must not change the URL's shape.
fn check_variable(name: &str, value: &str, allowed: &[&str]) -> Result<(), BuildError> {
    if !allowed.is_empty() && !allowed.contains(&value) {
        return Err(BuildError::new(format!(
            "server variable `{name}` must be one of {allowed:?}, not `{value}`"
        )));
    }
    let structural = |c: char| c.is_whitespace() || c.is_control() || "/?#@:[]\\%".contains(c);
    if value.is_empty() || value.contains(structural) {
        return Err(BuildError::new(format!(
            "server variable `{name}` = `{value}` is empty or would change the URL's structure"
        )));
    }
    Ok(())
}

fn normalize_base_url(url: &str) -> Result<String, BuildError> {
    let parsed = reqwest::Url::parse(url).map_err(|e| BuildError::new(format!("`{url}` is not a valid URL: {e}")))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(BuildError::new(format!("`{url}` is not an http or https URL")));
    }
    if parsed.query().is_some() || parsed.fragment().is_some() || parsed.cannot_be_a_base() {
        return Err(BuildError::new(format!("`{url}` must be a base URL, without query or fragment")));
    }
    Ok(parsed.as_str().trim_end_matches('/').to_owned())
}
