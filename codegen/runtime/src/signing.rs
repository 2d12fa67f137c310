//! The signing hook: called on every outgoing request, just before it is sent.
//!
//! A [`RequestSigner`] sees the request exactly as it goes on the wire (method, percent-encoded
//! path, raw query, body bytes) and adds headers. It runs again for every retry, so each attempt
//! carries fresh signing material. Plug your own (a proxy's scheme, a test double) with
//! `ClientBuilder::signer`.

use std::fmt;

use reqwest::Method;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};

/// Signs (or otherwise authenticates) outgoing requests.
pub trait RequestSigner: fmt::Debug + Send + Sync {
    /// Adds whatever the request needs to `request`'s headers.
    fn sign(&self, request: &mut SignableRequest<'_>) -> Result<(), SigningError>;
}

/// The parts of an outgoing request a signer may read, and the headers it may add to.
#[derive(Debug)]
pub struct SignableRequest<'a> {
    method: &'a Method,
    path: &'a str,
    query: &'a str,
    body: &'a [u8],
    headers: &'a mut HeaderMap,
}

impl<'a> SignableRequest<'a> {
    /// A view over a request's parts (public so custom signers can be unit-tested).
    pub fn new(
        method: &'a Method,
        path: &'a str,
        query: &'a str,
        body: &'a [u8],
        headers: &'a mut HeaderMap,
    ) -> Self {
        SignableRequest {
            method,
            path,
            query,
            body,
            headers,
        }
    }

    pub fn method(&self) -> &Method {
        self.method
    }

    /// The path exactly as sent: percent-encoded, without host and query.
    pub fn path(&self) -> &str {
        self.path
    }

    /// The query exactly as sent, without the leading `?`; empty when there is none.
    pub fn query(&self) -> &str {
        self.query
    }

    /// The body bytes exactly as sent; empty when there is no body.
    pub fn body(&self) -> &[u8] {
        self.body
    }

    pub fn headers(&self) -> &HeaderMap {
        self.headers
    }

    pub fn headers_mut(&mut self) -> &mut HeaderMap {
        self.headers
    }
}

/// Why a request could not be signed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SigningError {
    message: String,
}

impl SigningError {
    pub fn new(message: impl Into<String>) -> Self {
        SigningError {
            message: message.into(),
        }
    }
}

impl fmt::Display for SigningError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for SigningError {}

/// A secret that never shows in `Debug` output. It has no `Display`.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretString(String);

impl SecretString {
    pub fn new(secret: impl Into<String>) -> Self {
        SecretString(secret.into())
    }

    /// The secret itself, for signers.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for SecretString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretString(<redacted>)")
    }
}

impl From<String> for SecretString {
    fn from(secret: String) -> Self {
        SecretString(secret)
    }
}

impl From<&str> for SecretString {
    fn from(secret: &str) -> Self {
        SecretString(secret.to_owned())
    }
}

/// `Authorization: Bearer <token>`.
#[derive(Debug, Clone)]
pub struct BearerToken {
    token: SecretString,
}

impl BearerToken {
    pub fn new(token: impl Into<SecretString>) -> Self {
        BearerToken {
            token: token.into(),
        }
    }
}

impl RequestSigner for BearerToken {
    fn sign(&self, request: &mut SignableRequest<'_>) -> Result<(), SigningError> {
        let value = format!("Bearer {}", self.token.expose());
        request
            .headers_mut()
            .insert(reqwest::header::AUTHORIZATION, sensitive(&value)?);
        Ok(())
    }
}

/// An API key in a request header.
#[derive(Debug, Clone)]
pub struct ApiKey {
    header: HeaderName,
    key: SecretString,
}

impl ApiKey {
    /// For header names the generator has already checked.
    #[allow(dead_code)] // used only when the spec's scheme is an API key
    pub fn from_static(header: &'static str, key: impl Into<SecretString>) -> Self {
        ApiKey {
            header: HeaderName::from_static(header),
            key: key.into(),
        }
    }

    /// `header` must be a valid header name.
    pub fn new(header: &str, key: impl Into<SecretString>) -> Result<Self, SigningError> {
        let header = HeaderName::from_bytes(header.as_bytes())
            .map_err(|_| SigningError::new(format!("`{header}` is not a valid header name")))?;
        Ok(ApiKey {
            header,
            key: key.into(),
        })
    }
}

impl RequestSigner for ApiKey {
    fn sign(&self, request: &mut SignableRequest<'_>) -> Result<(), SigningError> {
        let value = sensitive(self.key.expose())?;
        request.headers_mut().insert(self.header.clone(), value);
        Ok(())
    }
}

/// A fresh nonce (32 hex digits, never repeated within the process) for signers whose scheme
/// needs one per request.
pub fn nonce() -> Result<String, SigningError> {
    crate::random::nonce().map_err(|e| SigningError::new(format!("no randomness for a nonce: {e}")))
}

/// A header value marked sensitive, so `http`'s `Debug` prints `Sensitive` instead of it.
pub fn sensitive(value: &str) -> Result<HeaderValue, SigningError> {
    let mut value = HeaderValue::from_str(value).map_err(|_| {
        SigningError::new("the credential contains characters not allowed in an HTTP header")
    })?;
    value.set_sensitive(true);
    Ok(value)
}

/// Runs `signer` over the final request. The body is borrowed, never copied.
pub fn sign_request(
    signer: &dyn RequestSigner,
    request: &mut reqwest::Request,
) -> Result<(), SigningError> {
    // Headers are taken out so the signer can borrow the rest of the request at the same time.
    let mut headers = std::mem::take(request.headers_mut());
    let result = {
        let body: &[u8] = match request.body() {
            None => &[],
            Some(body) => match body.as_bytes() {
                Some(bytes) => bytes,
                None => {
                    *request.headers_mut() = headers;
                    return Err(SigningError::new("a streaming body cannot be signed"));
                }
            },
        };
        let url = request.url();
        let mut parts = SignableRequest::new(
            request.method(),
            url.path(),
            url.query().unwrap_or(""),
            body,
            &mut headers,
        );
        signer.sign(&mut parts)
    };
    *request.headers_mut() = headers;
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    fn signed(signer: &dyn RequestSigner) -> HeaderMap {
        let mut headers = HeaderMap::new();
        signer
            .sign(&mut SignableRequest::new(
                &Method::GET,
                "/a",
                "",
                b"",
                &mut headers,
            ))
            .unwrap();
        headers
    }

    #[test]
    fn credentials_become_sensitive_headers_and_never_show() {
        let headers = signed(&BearerToken::new("tok-123"));
        assert_eq!(headers["authorization"], "Bearer tok-123");
        assert!(headers["authorization"].is_sensitive());
        assert!(!format!("{headers:?}").contains("tok-123"));
        let headers = signed(&ApiKey::new("X-Api-Key", "k-9").unwrap());
        assert_eq!(headers["x-api-key"], "k-9");
        assert!(ApiKey::new("bad header", "k").is_err());
        assert!(
            BearerToken::new("a\nb")
                .sign(&mut SignableRequest::new(
                    &Method::GET,
                    "/",
                    "",
                    b"",
                    &mut HeaderMap::new()
                ))
                .is_err()
        );
        assert_eq!(
            format!("{:?}", SecretString::new("s3cret")),
            "SecretString(<redacted>)"
        );
        assert_eq!(ApiKey::from_static("x-key", "v").header, "x-key");
    }
}
