//! Sending a request: URL, headers and body, signing, retries; then reading the response.

use std::fmt::Display;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue, ACCEPT, CONTENT_TYPE, COOKIE, USER_AGENT};
use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::body::RawBody;
use crate::encoding::{self, Query};
use crate::error::{DecodeError, Error, Failure, StatusError, TransportError};
use crate::retry::RetryPolicy;
use crate::signing::{self, RequestSigner};

/// The future of a request builder's `.await`.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Everything a client needs to send requests; shared by its clones.
#[derive(Debug)]
pub(crate) struct Transport {
    pub(crate) http: reqwest::Client,
    /// Scheme, host and optional path prefix, without a trailing `/`.
    pub(crate) base_url: String,
    pub(crate) signer: Option<Arc<dyn RequestSigner>>,
    pub(crate) retry: Option<RetryPolicy>,
    pub(crate) timeout: Option<Duration>,
    pub(crate) user_agent: HeaderValue,
}

/// A request as an operation describes it, before it becomes an HTTP request.
#[derive(Debug)]
pub(crate) struct Request {
    method: Method,
    path: String,
    query: Query,
    headers: HeaderMap,
    cookies: Vec<String>,
    body: Option<Bytes>,
}

impl Request {
    pub(crate) fn new(method: Method, path: String, query: Query) -> Self {
        Request {
            method,
            path,
            query,
            headers: HeaderMap::new(),
            cookies: Vec::new(),
            body: None,
        }
    }

    #[allow(dead_code)] // used when the spec has header parameters
    pub(crate) fn header(&mut self, name: &str, value: &dyn Display) -> Result<(), Failure> {
        let header = HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| Failure::InvalidRequest(format!("`{name}` is not a valid header name")))?;
        let value = HeaderValue::from_str(&value.to_string()).map_err(|_| {
            Failure::InvalidRequest(format!("header `{name}` contains characters not allowed in an HTTP header"))
        })?;
        self.headers.append(header, value);
        Ok(())
    }

    #[allow(dead_code)] // used when the spec has cookie parameters
    pub(crate) fn cookie(&mut self, name: &str, value: &dyn Display) {
        self.cookies.push(encoding::cookie_pair(name, value));
    }

    #[allow(dead_code)] // used when an operation documents a response body
    pub(crate) fn accept(&mut self, media_type: &'static str) {
        self.headers.insert(ACCEPT, HeaderValue::from_static(media_type));
    }

    #[allow(dead_code)] // used when the spec has JSON request bodies
    pub(crate) fn json<T: Serialize + ?Sized>(&mut self, media_type: &'static str, body: &T) -> Result<(), Failure> {
        let bytes = serde_json::to_vec(body)
            .map_err(|e| Failure::InvalidRequest(format!("the body cannot be serialised as JSON: {e}")))?;
        self.raw(media_type, bytes.into());
        Ok(())
    }

    pub(crate) fn raw(&mut self, media_type: &'static str, body: Bytes) {
        if let Ok(value) = HeaderValue::from_str(media_type) {
            self.headers.insert(CONTENT_TYPE, value);
        }
        self.body = Some(body);
    }
}

/// A response with its body read.
#[derive(Debug)]
pub(crate) struct Response {
    method: Method,
    path: String,
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
}

impl Response {
    #[allow(dead_code)] // used when an operation tells statuses apart
    pub(crate) fn status(&self) -> u16 {
        self.status.as_u16()
    }

    pub(crate) fn is_success(&self) -> bool {
        self.status.is_success()
    }

    #[allow(dead_code)] // used when the spec has JSON response bodies
    /// The body decoded as JSON. On failure the error says where (`results[0].id`).
    pub(crate) fn json<T: DeserializeOwned>(&self) -> Result<T, Failure> {
        serde_json::from_slice(&self.body).map_err(|source| {
            Failure::Decode(Box::new(DecodeError {
                method: self.method.clone(),
                path: self.path.clone(),
                status: self.status,
                headers: self.headers.clone(),
                body: self.body.clone(),
                location: crate::json_path::path_at(&self.body, source.line(), source.column()),
                source,
            }))
        })
    }

    #[allow(dead_code)] // used when the spec has responses without a JSON schema
    pub(crate) fn raw<T>(self) -> RawBody<T> {
        let content_type = self
            .headers
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        RawBody::new(self.body, content_type)
    }

    /// The body decoded as a documented error type, if it is one.
    #[allow(dead_code)] // used when the spec documents error bodies
    pub(crate) fn typed_error<T: DeserializeOwned>(&self) -> Option<T> {
        serde_json::from_slice(&self.body).ok()
    }

    pub(crate) fn into_error<E>(self, typed: Option<E>) -> Error<E> {
        Error::Status(Box::new(StatusError {
            method: self.method,
            path: self.path,
            status: self.status,
            headers: self.headers,
            body: self.body,
            typed,
        }))
    }
}

impl Transport {
    /// Sends `request`, signed when `sign` and a signer is configured.
    pub(crate) async fn send(&self, request: Request, sign: bool) -> Result<Response, Failure> {
        let Request { method, path, query, mut headers, cookies, body } = request;
        let mut url = String::with_capacity(self.base_url.len() + path.len() + query.as_str().len() + 1);
        url.push_str(&self.base_url);
        url.push_str(&path);
        if !query.as_str().is_empty() {
            url.push('?');
            url.push_str(query.as_str());
        }
        let url = reqwest::Url::parse(&url)
            .map_err(|e| Failure::InvalidRequest(format!("the URL of {method} {path} is invalid: {e}")))?;
        if !cookies.is_empty() {
            // Cookie pairs are percent-encoded, so always a valid header value.
            if let Ok(value) = HeaderValue::from_str(&cookies.join("; ")) {
                headers.insert(COOKIE, value);
            }
        }
        headers.entry(USER_AGENT).or_insert_with(|| self.user_agent.clone());
        let mut http_request = reqwest::Request::new(method.clone(), url);
        *http_request.headers_mut() = headers;
        *http_request.body_mut() = body.map(reqwest::Body::from);
        *http_request.timeout_mut() = self.timeout;

        let mut response = self.execute(http_request, sign, &path).await?;
        let status = response.status();
        let headers = std::mem::take(response.headers_mut());
        let body = response.bytes().await.map_err(|source| transport_error(&method, &path, source))?;
        Ok(Response { method, path, status, headers, body })
    }

    async fn execute(&self, request: reqwest::Request, sign: bool, path: &str) -> Result<reqwest::Response, Failure> {
        let Some(policy) = self.retry.as_ref().filter(|p| p.applies_to(request.method())) else {
            return self.attempt(request, sign, path).await;
        };
        let mut retry = 0;
        loop {
            let attempt = request
                .try_clone()
                .ok_or_else(|| Failure::InvalidRequest("the request body cannot be replayed for a retry".to_owned()))?;
            let wait = match self.attempt(attempt, sign, path).await {
                Ok(response) if RetryPolicy::retries_status(response.status()) => {
                    match policy.wait(retry, Some(response.headers())) {
                        Some(wait) => wait,
                        None => return Ok(response),
                    }
                }
                Err(Failure::Transport(e)) if e.is_connect() => match policy.wait(retry, None) {
                    Some(wait) => wait,
                    None => return Err(Failure::Transport(e)),
                },
                done => return done,
            };
            tokio::time::sleep(wait).await;
            retry += 1;
        }
    }

    /// One attempt: signs (again, for a retry) and sends.
    async fn attempt(&self, mut request: reqwest::Request, sign: bool, path: &str) -> Result<reqwest::Response, Failure> {
        if sign && let Some(signer) = &self.signer {
            signing::sign_request(signer.as_ref(), &mut request).map_err(Failure::Signing)?;
        }
        let method = request.method().clone();
        self.http
            .execute(request)
            .await
            .map_err(|source| transport_error(&method, path, source))
    }
}

fn transport_error(method: &Method, path: &str, source: reqwest::Error) -> Failure {
    Failure::Transport(TransportError {
        method: method.clone(),
        path: path.to_owned(),
        // The URL's query may carry personal data; the path is in the message already.
        source: source.without_url(),
    })
}
