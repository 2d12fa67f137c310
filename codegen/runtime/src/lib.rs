//! The runtime of every generated client crate: transport, signing, retries, limits, errors,
//! drift, pagination, bodies of every kind and the test server.
//!
//! A generated crate depends on a copy of this crate, vendored beside it (`runtime/`, package
//! `<crate>-runtime`), and generated code calls it; it never calls generated code. What only
//! generated code knows comes in as data: [`ApiInfo`](builder::ApiInfo) (the spec's server,
//! whether requests are signed, the user agent) when a client is built, and, per operation, an
//! implementation of [`Operation`](request::Operation) (how arguments become a request, how a
//! response becomes a result). The macros give generated types their code: `operation!` a
//! builder's `send`, `send_with_response`, `.await` and escape hatches; `client_builder!` the
//! `ClientBuilder`; `model!`, `string_enum!` and `one_of!` the serde impls of the models.
//!
//! Being a crate of its own, the runtime is compiled once, not with every change to the
//! generated code, and its unit tests run here (they are not copied). Modules a spec does not
//! need are features (`form`, `multipart`, `events`, `stream`, `paginate`, `base64-json`,
//! `zephr-hmac`), turned on by the generated crate's `Cargo.toml`.
//!
//! What users name is re-exported at the root and again by the generated crate; the modules are
//! for generated code and hidden from the docs.
#![forbid(unsafe_code)]

#[cfg(feature = "base64-json")]
#[doc(hidden)]
pub mod base64_json;
#[doc(hidden)]
pub mod body;
#[doc(hidden)]
pub mod builder;
#[cfg(feature = "cli")]
#[doc(hidden)]
pub mod cli;
#[cfg(feature = "dispatch")]
#[doc(hidden)]
pub mod dispatch;
#[doc(hidden)]
pub mod drift;
#[doc(hidden)]
pub mod drift_log;
#[doc(hidden)]
pub mod encoding;
#[doc(hidden)]
pub mod envelope;
#[doc(hidden)]
pub mod error;
#[cfg(feature = "events")]
#[doc(hidden)]
pub mod events;
#[cfg(feature = "form")]
#[doc(hidden)]
pub mod form;
#[doc(hidden)]
pub mod json_path;
#[cfg(feature = "mcp")]
#[doc(hidden)]
pub mod mcp;
#[doc(hidden)]
pub mod model;
#[cfg(feature = "multipart")]
#[doc(hidden)]
pub mod multipart;
#[doc(hidden)]
pub mod one_of;
#[cfg(feature = "paginate")]
#[doc(hidden)]
pub mod paginate;
#[doc(hidden)]
pub mod random;
#[doc(hidden)]
pub mod redirect;
#[doc(hidden)]
pub mod request;
#[doc(hidden)]
pub mod retry;
#[doc(hidden)]
pub mod signing;
#[cfg(feature = "stream")]
#[doc(hidden)]
pub mod stream;
#[doc(hidden)]
pub mod string_enum;
#[cfg(feature = "dispatch")]
#[doc(hidden)]
pub mod table;
#[cfg(feature = "testing")]
#[doc(hidden)]
pub mod testing_auth;
#[cfg(feature = "testing")]
#[doc(hidden)]
pub mod testing_server;
#[cfg(feature = "testing")]
#[doc(hidden)]
pub mod testing_stub;
#[cfg(feature = "rustls")]
mod tls;
#[doc(hidden)]
pub mod tracked;
#[doc(hidden)]
pub mod transport;
#[cfg(feature = "zephr-hmac")]
#[doc(hidden)]
pub mod zephr_hmac;

pub use body::RawBody;
pub use builder::{
    DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_TIMEOUT, http_client_builder,
};
pub use drift::{Drift, DriftKind, decode_with_drift};
pub use drift_log::{DriftEntry, DriftReport};
pub use error::{
    BuildError, DecodeError, DriftError, Error, InvalidRequestError, PaginationError,
    PaginationProblem, ResponseInfo, StatusError, TransportError, TransportErrorKind,
};
#[cfg(feature = "events")]
pub use events::{Event, EventStream, EventsFuture};
#[cfg(feature = "multipart")]
pub use multipart::FilePart;
#[cfg(feature = "paginate")]
pub use paginate::{DEFAULT_MAX_PAGES, Items, Pages, Paginated};
pub use redirect::RedirectPolicy;
pub use request::{FullResponseFuture, RawRequest, Response, ResponseFuture};
pub use retry::RetryPolicy;
pub use signing::{
    ApiKey, BearerToken, RequestSigner, SecretString, SignableRequest, SigningError, nonce,
};
#[cfg(feature = "stream")]
pub use stream::{ByteStream, DEFAULT_MAX_STREAM_BYTES, StreamFuture};
#[cfg(feature = "zephr-hmac")]
pub use zephr_hmac::ZephrHmacSigner;

/// The byte buffers of bodies.
pub use bytes;
/// The HTTP client the runtime is built on.
pub use reqwest;
/// The JSON library of the models.
pub use serde_json;

/// What a test server's users name: stubs, their answers, recorded requests, signature checks.
/// A generated crate's `testing` module re-exports these beside its typed stubs.
#[cfg(feature = "testing")]
pub mod testing {
    pub use crate::testing_auth::{AuthFailure, SignatureCheck, TestCredentials};
    pub use crate::testing_server::Recorded;
    pub use crate::testing_stub::{Answers, Fault, Stub, StubHandle};
}

// What the unit tests share: a stand-in for a generated crate (a `Client`, a `TestServer`) and
// loopback servers. Not copied into generated crates.
#[cfg(test)]
mod stand_in;
#[cfg(test)]
use stand_in::{Client, loopback, test_http};
