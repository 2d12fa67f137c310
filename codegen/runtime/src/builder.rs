//! Configuring a client: where requests go, how they are signed, how the HTTP client behaves.
//!
//! [`Config`] holds the settings and builds the transport; the `ClientBuilder` users see is
//! generated in each crate by [`client_builder!`](crate::client_builder) (its setters documented
//! there), next to the API's own setters (server variables, credentials) and `build`.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::HeaderValue;

use crate::error::BuildError;
use crate::redirect::RedirectPolicy;
use crate::retry::RetryPolicy;
use crate::signing::RequestSigner;
use crate::transport::{Transport, redact_userinfo};

/// The default for `ClientBuilder::timeout`: a whole attempt, from connecting to the last byte
/// of the body. Long enough for the slowest documented operations (exports of a few MB), short
/// enough that a server that stops answering (or trickles a byte a second) cannot hang a caller.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

/// The default for `ClientBuilder::connect_timeout`.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// The default for `ClientBuilder::max_response_bytes`: 64 MiB. The largest responses of the
/// API are pages of exports (500 records by default, a few kB each: a few MB); this leaves ten
/// times that, while a server that sends gigabytes cannot exhaust the caller's memory.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 64 * 1024 * 1024;

/// A client's settings, as a generated `ClientBuilder` collects them.
#[derive(Default)]
pub struct Config {
    base_url: Option<String>,
    variables: Vec<(&'static str, String)>,
    signer: SignerChoice,
    http_client: Option<reqwest::Client>,
    timeout: Option<Option<Duration>>,
    connect_timeout: Option<Duration>,
    max_response_bytes: Option<usize>,
    redirects: RedirectPolicy,
    user_agent: Option<String>,
    retry: Option<RetryPolicy>,
    /// Whether server variables left unset take the spec's default (an explicit choice).
    server_defaults: bool,
    strict: bool,
    observer: Option<Arc<dyn crate::transport::Observer>>,
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_url.as_deref().map(redact_userinfo))
            .field("variables", &self.variables)
            .field("signer", &self.signer)
            .field("http_client", &self.http_client.is_some())
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("max_response_bytes", &self.max_response_bytes)
            .field("redirects", &self.redirects)
            .field("user_agent", &self.user_agent)
            .field("retry", &self.retry)
            .field("server_defaults", &self.server_defaults)
            .field("strict", &self.strict)
            .field("observer", &self.observer.is_some())
            .finish()
    }
}

/// What only the generated code knows about its API, for building a client.
#[derive(Clone, Copy)]
pub struct ApiInfo {
    /// The spec's server, if it names one.
    pub server: Option<&'static Server>,
    /// Whether the spec requires authentication (so a signer, or an explicit `without_signing`).
    pub signer_required: bool,
    /// The default `User-Agent`: the generated crate's name and version.
    pub user_agent: &'static str,
}

/// The spec's server: a URL template and its variables.
pub struct Server {
    pub url: &'static str,
    pub variables: &'static [ServerVariable],
}

/// A `{name}` in a server URL template.
pub struct ServerVariable {
    pub name: &'static str,
    /// The builder method that sets it, for messages.
    pub setter: &'static str,
    pub default: &'static str,
    /// Empty when any value is allowed.
    pub allowed: &'static [&'static str],
}

#[derive(Debug, Default)]
enum SignerChoice {
    #[default]
    Unset,
    Unsigned,
    Signer(Arc<dyn RequestSigner>),
}

impl Config {
    // The setters of `client_builder!`, which documents them.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    pub fn signer(mut self, signer: impl RequestSigner + 'static) -> Self {
        self.signer = SignerChoice::Signer(Arc::new(signer));
        self
    }

    pub fn without_signing(mut self) -> Self {
        self.signer = SignerChoice::Unsigned;
        self
    }

    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http_client = Some(client);
        self
    }

    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(Some(timeout));
        self
    }

    pub fn no_timeout(mut self) -> Self {
        self.timeout = Some(None);
        self
    }

    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    pub fn max_response_bytes(mut self, bytes: usize) -> Self {
        self.max_response_bytes = Some(bytes);
        self
    }

    pub fn follow_redirects(mut self, policy: RedirectPolicy) -> Self {
        self.redirects = policy;
        self
    }

    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = Some(user_agent.into());
        self
    }

    pub fn default_server_variables(mut self) -> Self {
        self.server_defaults = true;
        self
    }

    pub fn strict(mut self, strict: bool) -> Self {
        self.strict = strict;
        self
    }

    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// Shows each attempt to `observer` (a front end's `--verbose`, `--dry-run`).
    pub fn observer(mut self, observer: Arc<dyn crate::transport::Observer>) -> Self {
        self.observer = Some(observer);
        self
    }

    /// Sets the server variable `name` (the generated setter of that variable calls it).
    pub fn set_variable(&mut self, name: &'static str, value: String) {
        self.variables.retain(|(n, _)| *n != name);
        self.variables.push((name, value));
    }

    /// Builds the transport of a client of `api`.
    pub fn build_transport(self, api: &ApiInfo) -> Result<Transport, BuildError> {
        let ApiInfo {
            server,
            signer_required,
            user_agent: default_user_agent,
        } = *api;
        let base_url = match (&self.base_url, server) {
            (Some(url), _) => normalize_base_url(url)?,
            (None, Some(server)) => {
                let mut url = server.url.to_owned();
                for variable in server.variables {
                    let chosen = self
                        .variables
                        .iter()
                        .find(|(name, _)| *name == variable.name)
                        .map(|(_, value)| value.as_str());
                    let value = match chosen {
                        Some(value) => value,
                        None if self.server_defaults => variable.default,
                        None => return Err(unset_variable(server, variable)),
                    };
                    check_variable(variable.name, value, variable.allowed)?;
                    url = url.replace(&format!("{{{}}}", variable.name), value);
                }
                normalize_base_url(&url)?
            }
            (None, None) => {
                return Err(BuildError::new(
                    "the spec names no server: set one with `base_url`",
                ));
            }
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
            Some(agent) => HeaderValue::from_str(agent).map_err(|_| {
                BuildError::new("the user agent contains characters not allowed in an HTTP header")
            })?,
            None => HeaderValue::from_static(default_user_agent),
        };
        let http = match self.http_client {
            Some(client) => client,
            None => http_client_builder()?
                .connect_timeout(self.connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT))
                // Redirects are the transport's business (see `RedirectPolicy`).
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .map_err(|e| BuildError::new(format!("the HTTP client cannot be built: {e}")))?,
        };
        Ok(Transport {
            http,
            base_url_shown: redact_userinfo(&base_url),
            base_url,
            signer,
            retry: self.retry,
            timeout: self.timeout.unwrap_or(Some(DEFAULT_TIMEOUT)),
            max_response_bytes: self
                .max_response_bytes
                .unwrap_or(DEFAULT_MAX_RESPONSE_BYTES),
            redirects: self.redirects,
            user_agent,
            strict: self.strict,
            drift: Default::default(),
            observer: self.observer,
        })
    }
}

/// A `reqwest` client builder with this crate's TLS set up: with the `rustls` feature, rustls
/// with the `ring` provider (or the one the application installed) and the platform's
/// certificate verifier. Start from it to build a client for `ClientBuilder::http_client`:
/// reqwest's own `Client::new()` panics in a process with no crypto provider installed, since
/// reqwest's default one (aws-lc-rs) is not compiled unless something else turns it on.
///
/// The TLS configuration is given whole, so reqwest's TLS settings on the returned builder
/// (`add_root_certificate`, `identity`, `min_tls_version`, `http1_only`'s ALPN, …) do not
/// apply to it: for those, build reqwest's own client with a provider your application
/// installs (`rustls::crypto::…::default_provider().install_default()`).
pub fn http_client_builder() -> Result<reqwest::ClientBuilder, BuildError> {
    let builder = reqwest::Client::builder();
    #[cfg(feature = "rustls")]
    let builder = builder.tls_backend_preconfigured(
        crate::tls::client_config()
            .map_err(|e| BuildError::new(format!("TLS cannot be set up: {e}")))?,
    );
    Ok(builder)
}

/// Defines a crate's `ClientBuilder`: the settings every API has, each forwarded to
/// [`Config`]. The generated `client.rs` invokes it, then adds the API's own setters (server
/// variables, credentials) and `build`, which read and change `self.config`.
#[macro_export]
#[doc(hidden)]
macro_rules! client_builder {
    () => {
        /// Configures a [`Client`]: where requests go, how they are signed, how the HTTP client
        /// behaves. Start with [`Client::builder`].
        #[derive(Default)]
        pub struct ClientBuilder {
            config: $crate::builder::Config,
        }

        impl ::std::fmt::Debug for ClientBuilder {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                ::std::fmt::Debug::fmt(&self.config, f)
            }
        }

        impl ClientBuilder {
            /// A builder with these settings (what the command line and the MCP server build).
            #[doc(hidden)]
            pub fn from_config(config: $crate::builder::Config) -> Self {
                Self { config }
            }

            /// Sends every request to `url` (scheme, host and optional path prefix) instead of the
            /// spec's server: a proxy, a staging host, a mock server.
            pub fn base_url(self, url: impl Into<String>) -> Self {
                Self {
                    config: self.config.base_url(url),
                }
            }

            /// Signs every request with `signer` (see [`RequestSigner`](crate::RequestSigner)).
            pub fn signer(self, signer: impl $crate::RequestSigner + 'static) -> Self {
                Self {
                    config: self.config.signer(signer),
                }
            }

            /// Sends requests unsigned (for tests, or a proxy that signs them).
            pub fn without_signing(self) -> Self {
                Self {
                    config: self.config.without_signing(),
                }
            }

            /// Uses this `reqwest` client (its connection pool, proxy and TLS settings). Its connect
            /// timeout and redirect policy are its own: build it from
            /// [`http_client_builder`](crate::http_client_builder) (this crate's TLS) with
            /// `.connect_timeout(…)` and `.redirect(reqwest::redirect::Policy::none())`.
            pub fn http_client(self, client: $crate::reqwest::Client) -> Self {
                Self {
                    config: self.config.http_client(client),
                }
            }

            /// Gives up on an attempt after `timeout`, from connecting to the last byte of the body
            /// (default [`DEFAULT_TIMEOUT`](crate::DEFAULT_TIMEOUT)). A request's own `.timeout(…)` overrides it.
            pub fn timeout(self, timeout: ::std::time::Duration) -> Self {
                Self {
                    config: self.config.timeout(timeout),
                }
            }

            /// No timeout for requests that set none themselves: a server that stops answering then
            /// holds the request until the connection drops.
            pub fn no_timeout(self) -> Self {
                Self {
                    config: self.config.no_timeout(),
                }
            }

            /// Gives up connecting after `timeout` (default [`DEFAULT_CONNECT_TIMEOUT`](crate::DEFAULT_CONNECT_TIMEOUT)).
            pub fn connect_timeout(self, timeout: ::std::time::Duration) -> Self {
                Self {
                    config: self.config.connect_timeout(timeout),
                }
            }

            /// Refuses response bodies larger than `bytes` (default [`DEFAULT_MAX_RESPONSE_BYTES`](crate::DEFAULT_MAX_RESPONSE_BYTES)):
            /// the request fails with a [`TransportErrorKind::BodyTooLarge`](crate::TransportErrorKind)
            /// error, before reading when `Content-Length` says so, else as soon as the limit is passed.
            pub fn max_response_bytes(self, bytes: usize) -> Self {
                Self {
                    config: self.config.max_response_bytes(bytes),
                }
            }

            /// Which redirects to follow (default: none; see [`RedirectPolicy`](crate::RedirectPolicy)).
            pub fn follow_redirects(self, policy: $crate::RedirectPolicy) -> Self {
                Self {
                    config: self.config.follow_redirects(policy),
                }
            }

            /// The `User-Agent` header; by default the crate's name and version.
            pub fn user_agent(self, user_agent: impl Into<String>) -> Self {
                Self {
                    config: self.config.user_agent(user_agent),
                }
            }

            /// Uses the spec's default for every server variable not set (the spec's server URL with
            /// its example values, such as a demo tenant). Without it, a variable left unset is an
            /// error of [`build`](Client::builder): requests, and the credentials they carry,
            /// never go to a host nobody chose.
            pub fn default_server_variables(self) -> Self {
                Self {
                    config: self.config.default_server_variables(),
                }
            }

            /// Makes drift an error: a response that departs from the spec (a property it does not
            /// declare, an enum value it does not list, a status it does not document, …; see
            /// [`Drift`](crate::Drift)) fails with [`Error::Drift`](crate::Error::Drift) instead of
            /// being decoded with a warning. For tests, which should notice when the API and the spec
            /// part ways; a request's own `.strict(…)` overrides it. Off by default: drift is then
            /// logged (`tracing`, WARN) and counted ([`Client::drift_report`](crate::Client::drift_report)).
            pub fn strict(self, strict: bool) -> Self {
                Self {
                    config: self.config.strict(strict),
                }
            }

            /// Retries failed idempotent requests (off by default); see [`RetryPolicy`](crate::RetryPolicy).
            pub fn retry(self, policy: $crate::RetryPolicy) -> Self {
                Self {
                    config: self.config.retry(policy),
                }
            }
        }
    };
}

/// The error for a server variable nobody set: what to set, and how to opt in to the default.
fn unset_variable(server: &Server, variable: &ServerVariable) -> BuildError {
    BuildError::new(format!(
        "the server variable `{}` of `{}` is not set: call `.{}(…)`, or `.base_url(…)` to send requests elsewhere \
         (the spec's default `{}` is used only after `.default_server_variables()`)",
        variable.name, server.url, variable.setter, variable.default
    ))
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
    let shown = redact_userinfo(url);
    let parsed = reqwest::Url::parse(url)
        .map_err(|e| BuildError::new(format!("`{shown}` is not a valid URL: {e}")))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(BuildError::new(format!(
            "`{shown}` is not an http or https URL"
        )));
    }
    if parsed.query().is_some() || parsed.fragment().is_some() || parsed.cannot_be_a_base() {
        return Err(BuildError::new(format!(
            "`{shown}` must be a base URL, without query or fragment"
        )));
    }
    Ok(parsed.as_str().trim_end_matches('/').to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SERVER: Server = Server {
        url: "https://{tenant}.api.example.com/{version}",
        variables: &[
            ServerVariable {
                name: "tenant",
                setter: "tenant",
                default: "demo",
                allowed: &[],
            },
            ServerVariable {
                name: "version",
                setter: "api_version",
                default: "v1",
                allowed: &["v1", "v2"],
            },
        ],
    };

    const API: ApiInfo = ApiInfo {
        server: Some(&SERVER),
        signer_required: true,
        user_agent: "test/1",
    };

    fn builder() -> Config {
        Config::default().without_signing()
    }

    fn with(tenant: &str, version: &str) -> Config {
        let mut builder = builder();
        builder.set_variable("tenant", tenant.to_owned());
        builder.set_variable("version", version.to_owned());
        builder
    }

    #[test]
    fn server_variables_fill_the_template_and_none_defaults_silently() {
        assert_eq!(
            with("acme", "v2").build_transport(&API).unwrap().base_url,
            "https://acme.api.example.com/v2"
        );
        let unset = builder().build_transport(&API).unwrap_err().to_string();
        assert!(
            unset.contains("`tenant`")
                && unset.contains(".tenant(…)")
                && unset.contains("default_server_variables"),
            "{unset}"
        );
        let mut half = builder();
        half.set_variable("tenant", "acme".into());
        let unset = half.build_transport(&API).unwrap_err().to_string();
        assert!(unset.contains(".api_version(…)"), "{unset}");
        let defaults = builder()
            .default_server_variables()
            .build_transport(&API)
            .unwrap();
        assert_eq!(defaults.base_url, "https://demo.api.example.com/v1");
        let elsewhere = builder()
            .base_url("http://127.0.0.1:9/prefix/")
            .build_transport(&API)
            .unwrap();
        assert_eq!(elsewhere.base_url, "http://127.0.0.1:9/prefix");
    }

    #[test]
    fn values_that_would_change_the_url_are_refused() {
        for tenant in ["evil.test/x", "a@b", "", "a b", "a:1", "a%2f"] {
            assert!(
                with(tenant, "v1").build_transport(&API).is_err(),
                "{tenant:?}"
            );
        }
        let error = with("acme", "v3")
            .build_transport(&API)
            .unwrap_err()
            .to_string();
        assert!(error.contains("must be one of"), "{error}");
        for url in ["ftp://x", "not a url", "http://h/?q=1", "http://h/#f"] {
            assert!(
                builder().base_url(url).build_transport(&API).is_err(),
                "{url:?}"
            );
        }
    }

    #[test]
    fn a_signer_choice_is_required_when_the_api_is_signed() {
        let error = Config::default()
            .default_server_variables()
            .build_transport(&API)
            .unwrap_err()
            .to_string();
        assert!(error.contains("requires signed requests"), "{error}");
        let transport = builder()
            .default_server_variables()
            .user_agent("mine/2")
            .build_transport(&API)
            .unwrap();
        assert_eq!(transport.user_agent, "mine/2");
        let transport = builder()
            .default_server_variables()
            .build_transport(&API)
            .unwrap();
        assert_eq!(transport.user_agent, "test/1");
    }

    #[test]
    fn credentials_in_a_base_url_never_show() {
        let builder = builder().base_url("https://user:pa55@example.com");
        assert!(!format!("{builder:?}").contains("pa55"));
        let error = Config::default()
            .base_url("https://user:pa55@exa mple.com")
            .build_transport(&API)
            .unwrap_err();
        assert!(!error.to_string().contains("pa55"), "{error}");
        // What `Client::base_url()` shows; the credentials are still what requests use.
        let transport = self::builder()
            .base_url("https://user:pa55@example.com/api")
            .build_transport(&API)
            .unwrap();
        assert_eq!(transport.base_url_shown, "https://***@example.com/api");
        assert_eq!(transport.base_url, "https://user:pa55@example.com/api");
    }
}
