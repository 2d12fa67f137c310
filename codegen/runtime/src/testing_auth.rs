//! How the test server checks the credentials of a request, as the real API does: for Zephr's
//! scheme, the `ZEPHR-HMAC-SHA256` signature recomputed from the raw request as received.
//!
//! This is written apart from the client's signer on purpose (it shares no code with
//! `zephr_hmac.rs`): a test that passes because the signer and the checker make the same
//! mistake proves nothing. Both are held to the published known-answer vectors.

use std::collections::{HashSet, VecDeque};
use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use sha2::{Digest, Sha256};

/// How requests to the API authenticate (from the spec's security scheme).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(dead_code)] // a crate constructs the one its spec says
pub enum Auth {
    /// `ZEPHR-HMAC-SHA256` request signing.
    ZephrHmac,
    /// `Authorization: Bearer <token>`.
    Bearer,
    /// An API key in the named header.
    ApiKey(&'static str),
    /// Nothing to check.
    None,
}

/// The credentials a test server accepts, and gives its clients. Made up at random for each
/// server; they authenticate against that server only.
#[derive(Clone, PartialEq, Eq)]
pub struct TestCredentials {
    access_key: String,
    secret: String,
}

impl TestCredentials {
    pub fn random() -> TestCredentials {
        let nonce = crate::random::nonce().unwrap_or_else(|_| "0".repeat(32));
        let secret = crate::random::nonce().unwrap_or_else(|_| "1".repeat(32));
        TestCredentials {
            access_key: format!("AK-test-{}", &nonce[16..]),
            secret: format!("SK-test-{secret}"),
        }
    }

    /// The access key (the key pair's public half), or the name the credential goes by.
    pub fn access_key(&self) -> &str {
        &self.access_key
    }

    /// The secret: the key pair's secret half, the bearer token, or the API key.
    pub fn secret(&self) -> &str {
        &self.secret
    }
}

impl fmt::Debug for TestCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TestCredentials")
            .field("access_key", &self.access_key)
            .field("secret", &"<redacted>")
            .finish()
    }
}

/// Why the server refused a request's credentials.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum AuthFailure {
    /// No `Authorization` header (or no API key header).
    Missing,
    /// The header is not `ZEPHR-HMAC-SHA256 {access}:{timestamp}:{nonce}:{hash}`, or not a
    /// bearer token.
    Malformed,
    /// An access key (or token, or API key) the server does not know.
    UnknownKey,
    /// The hash is not the one the request as received gives.
    WrongSignature,
    /// A nonce the server has seen before: a replayed request.
    ReplayedNonce,
    /// A timestamp further from the server's clock than it accepts.
    ClockSkew,
}

impl AuthFailure {
    /// The reason as the error body says it: `wrong-signature`, …
    pub fn as_str(&self) -> &'static str {
        match self {
            AuthFailure::Missing => "missing-credentials",
            AuthFailure::Malformed => "malformed-credentials",
            AuthFailure::UnknownKey => "unknown-key",
            AuthFailure::WrongSignature => "wrong-signature",
            AuthFailure::ReplayedNonce => "replayed-nonce",
            AuthFailure::ClockSkew => "clock-skew",
        }
    }
}

impl fmt::Display for AuthFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What the server concluded about a request's credentials.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignatureCheck {
    Valid,
    /// Refused with `401`, for this reason.
    Refused(AuthFailure),
    /// The API takes no credentials the server can check.
    NotChecked,
}

/// The parts of a request a check reads, exactly as received.
pub struct Received<'a> {
    pub(crate) method: &'a str,
    pub(crate) path: &'a str,
    pub(crate) query: &'a str,
    pub(crate) headers: &'a hyper::HeaderMap,
    pub(crate) body: &'a [u8],
}

/// Checks credentials, remembering nonces (within a bound) to refuse replays.
pub struct Checker {
    auth: Auth,
    credentials: TestCredentials,
    max_skew: Duration,
    seen: HashSet<String>,
    order: VecDeque<String>,
}

/// How many nonces a server remembers (the oldest are forgotten first).
const REMEMBERED_NONCES: usize = 100_000;

impl Checker {
    pub fn new(auth: Auth, credentials: TestCredentials, max_skew: Duration) -> Checker {
        Checker {
            auth,
            credentials,
            max_skew,
            seen: HashSet::new(),
            order: VecDeque::new(),
        }
    }

    pub fn check(&mut self, request: &Received<'_>) -> SignatureCheck {
        match self.verdict(request) {
            Ok(checked) => checked,
            Err(failure) => SignatureCheck::Refused(failure),
        }
    }

    fn verdict(&mut self, request: &Received<'_>) -> Result<SignatureCheck, AuthFailure> {
        let header = |name: &str| {
            request
                .headers
                .get(name)
                .map(|v| v.to_str().map_err(|_| AuthFailure::Malformed))
        };
        match self.auth {
            Auth::None => Ok(SignatureCheck::NotChecked),
            Auth::ApiKey(name) => match header(name).ok_or(AuthFailure::Missing)?? {
                key if key == self.credentials.secret => Ok(SignatureCheck::Valid),
                _ => Err(AuthFailure::UnknownKey),
            },
            Auth::Bearer => {
                let value = header("authorization").ok_or(AuthFailure::Missing)??;
                let token = value
                    .strip_prefix("Bearer ")
                    .ok_or(AuthFailure::Malformed)?;
                if token == self.credentials.secret {
                    Ok(SignatureCheck::Valid)
                } else {
                    Err(AuthFailure::UnknownKey)
                }
            }
            Auth::ZephrHmac => self.zephr(
                header("authorization").ok_or(AuthFailure::Missing)??,
                request,
            ),
        }
    }

    fn zephr(
        &mut self,
        header: &str,
        request: &Received<'_>,
    ) -> Result<SignatureCheck, AuthFailure> {
        let rest = header
            .strip_prefix("ZEPHR-HMAC-SHA256 ")
            .ok_or(AuthFailure::Malformed)?;
        let mut parts = rest.split(':');
        let (Some(access), Some(timestamp), Some(nonce), Some(hash), None) = (
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
        ) else {
            return Err(AuthFailure::Malformed);
        };
        if access != self.credentials.access_key {
            return Err(AuthFailure::UnknownKey);
        }
        let expected = zephr_hash(&self.credentials.secret, request, timestamp, nonce);
        if !same(expected.as_bytes(), hash.as_bytes()) {
            return Err(AuthFailure::WrongSignature);
        }
        let sent = timestamp
            .parse::<u64>()
            .map_err(|_| AuthFailure::Malformed)?;
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_millis() as u64);
        if now.abs_diff(sent) > self.max_skew.as_millis() as u64 {
            return Err(AuthFailure::ClockSkew);
        }
        if !self.seen.insert(nonce.to_owned()) {
            return Err(AuthFailure::ReplayedNonce);
        }
        self.order.push_back(nonce.to_owned());
        if self.order.len() > REMEMBERED_NONCES
            && let Some(oldest) = self.order.pop_front()
        {
            self.seen.remove(&oldest);
        }
        Ok(SignatureCheck::Valid)
    }
}

/// `hex(SHA-256(secret ‖ body ‖ path ‖ query ‖ METHOD ‖ timestamp ‖ nonce))`, from the request
/// as the server received it: the hash Zephr's documentation defines, laid out in one buffer.
pub fn zephr_hash(secret: &str, request: &Received<'_>, timestamp: &str, nonce: &str) -> String {
    let mut message = Vec::with_capacity(
        secret.len() + request.body.len() + request.path.len() + request.query.len() + 64,
    );
    message.extend_from_slice(secret.as_bytes());
    message.extend_from_slice(request.body);
    message.extend_from_slice(request.path.as_bytes());
    message.extend_from_slice(request.query.as_bytes());
    message.extend_from_slice(request.method.to_ascii_uppercase().as_bytes());
    message.extend_from_slice(timestamp.as_bytes());
    message.extend_from_slice(nonce.as_bytes());
    Sha256::digest(&message)
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// Compares in time that does not depend on where the first difference is.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The project's copy of the published known-answer vectors.
    const VECTORS: &str = include_str!("../../tests/wire/vectors.json");

    #[test]
    fn the_checker_reproduces_every_published_vector_on_its_own() {
        let document: serde_json::Value = serde_json::from_str(VECTORS).unwrap();
        for v in document["vectors"].as_array().unwrap() {
            let field = |name: &str| v[name].as_str().unwrap();
            let headers = hyper::HeaderMap::new();
            let request = Received {
                method: field("method"),
                path: field("path"),
                query: field("query"),
                headers: &headers,
                body: field("body").as_bytes(),
            };
            assert_eq!(
                zephr_hash(
                    field("secret_key"),
                    &request,
                    field("timestamp"),
                    field("nonce")
                ),
                field("expected_hash"),
                "{}",
                field("name")
            );
        }
    }

    fn signed(
        credentials: &TestCredentials,
        secret: &str,
        timestamp: u64,
        nonce: &str,
    ) -> hyper::HeaderMap {
        let headers = hyper::HeaderMap::new();
        let request = Received {
            method: "GET",
            path: "/a",
            query: "b=1",
            headers: &headers,
            body: b"",
        };
        let hash = zephr_hash(secret, &request, &timestamp.to_string(), nonce);
        let mut signed = hyper::HeaderMap::new();
        signed.insert(
            "authorization",
            format!(
                "ZEPHR-HMAC-SHA256 {}:{timestamp}:{nonce}:{hash}",
                credentials.access_key
            )
            .parse()
            .unwrap(),
        );
        signed
    }

    #[test]
    fn each_way_of_getting_it_wrong_has_its_reason() {
        let credentials = TestCredentials::random();
        let mut checker = Checker::new(
            Auth::ZephrHmac,
            credentials.clone(),
            Duration::from_secs(300),
        );
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_millis() as u64;
        let check = |checker: &mut Checker, headers: &hyper::HeaderMap| {
            checker.check(&Received {
                method: "GET",
                path: "/a",
                query: "b=1",
                headers,
                body: b"",
            })
        };
        let good = signed(&credentials, credentials.secret(), now, "n1");
        assert_eq!(check(&mut checker, &good), SignatureCheck::Valid);
        assert_eq!(
            check(&mut checker, &good),
            SignatureCheck::Refused(AuthFailure::ReplayedNonce)
        );
        let wrong = signed(&credentials, "another secret", now, "n2");
        assert_eq!(
            check(&mut checker, &wrong),
            SignatureCheck::Refused(AuthFailure::WrongSignature)
        );
        let late = signed(&credentials, credentials.secret(), now - 3_600_000, "n3");
        assert_eq!(
            check(&mut checker, &late),
            SignatureCheck::Refused(AuthFailure::ClockSkew)
        );
        assert_eq!(
            check(&mut checker, &hyper::HeaderMap::new()),
            SignatureCheck::Refused(AuthFailure::Missing)
        );
        let mut odd = hyper::HeaderMap::new();
        odd.insert("authorization", "ZEPHR-HMAC-SHA256 a:b".parse().unwrap());
        assert_eq!(
            check(&mut checker, &odd),
            SignatureCheck::Refused(AuthFailure::Malformed)
        );
        let stranger = TestCredentials::random();
        assert_eq!(
            check(
                &mut checker,
                &signed(&stranger, stranger.secret(), now, "n4")
            ),
            SignatureCheck::Refused(AuthFailure::UnknownKey)
        );
        assert!(!format!("{credentials:?}").contains(credentials.secret()));
    }
}
