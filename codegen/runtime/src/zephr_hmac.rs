//! Zephr's request signing, `ZEPHR-HMAC-SHA256`.
//!
//! ```text
//! Authorization: ZEPHR-HMAC-SHA256 {access_key}:{timestamp}:{nonce}:{hash}
//! hash = lowercase hex(SHA-256(secret_key + body + path + query + METHOD + timestamp + nonce))
//! ```
//! `timestamp` is milliseconds since the Unix epoch and `nonce` a fresh value for every request
//! (and every retry), see [`nonce`]. Path, query and body are the exact bytes sent.

use std::fmt;
use std::time::{SystemTime, UNIX_EPOCH};

use sha2::{Digest, Sha256};

use crate::signing::{
    RequestSigner, SecretString, SignableRequest, SigningError, nonce, sensitive,
};

/// The scheme name in the `Authorization` header.
pub const SCHEME: &str = "ZEPHR-HMAC-SHA256";

/// Signs requests with a Zephr key pair (created in the Admin Console).
#[derive(Clone)]
pub struct ZephrHmacSigner {
    access_key: String,
    secret_key: SecretString,
}

impl ZephrHmacSigner {
    pub fn new(access_key: impl Into<String>, secret_key: impl Into<SecretString>) -> Self {
        ZephrHmacSigner {
            access_key: access_key.into(),
            secret_key: secret_key.into(),
        }
    }

    pub fn access_key(&self) -> &str {
        &self.access_key
    }

    /// The `Authorization` header value for a request with these parts, timestamp and nonce.
    /// Deterministic: signing a request calls it with the current time and a fresh nonce.
    pub fn authorization(
        &self,
        method: &str,
        path: &str,
        query: &str,
        body: &[u8],
        timestamp: &str,
        nonce: &str,
    ) -> String {
        let mut hasher = Sha256::new();
        for part in [
            self.secret_key.expose().as_bytes(),
            body,
            path.as_bytes(),
            query.as_bytes(),
        ] {
            hasher.update(part);
        }
        for part in [method, timestamp, nonce] {
            hasher.update(part.as_bytes());
        }
        let hash = hasher.finalize();
        let mut value = String::with_capacity(
            SCHEME.len() + self.access_key.len() + timestamp.len() + nonce.len() + 68,
        );
        value.push_str(SCHEME);
        value.push(' ');
        for part in [self.access_key.as_str(), ":", timestamp, ":", nonce, ":"] {
            value.push_str(part);
        }
        const HEX: &[u8; 16] = b"0123456789abcdef";
        for byte in hash {
            value.push(char::from(HEX[usize::from(byte >> 4)]));
            value.push(char::from(HEX[usize::from(byte & 0x0f)]));
        }
        value
    }
}

impl fmt::Debug for ZephrHmacSigner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ZephrHmacSigner")
            .field("access_key", &self.access_key)
            .field("secret_key", &self.secret_key)
            .finish()
    }
}

impl RequestSigner for ZephrHmacSigner {
    fn sign(&self, request: &mut SignableRequest<'_>) -> Result<(), SigningError> {
        let timestamp = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_err(|_| SigningError::new("the system clock is before 1970"))?
            .as_millis()
            .to_string();
        let nonce = nonce()?;
        let value = self.authorization(
            request.method().as_str(),
            request.path(),
            request.query(),
            request.body(),
            &timestamp,
            &nonce,
        );
        request
            .headers_mut()
            .insert(reqwest::header::AUTHORIZATION, sensitive(&value)?);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The project's copy of the published known-answer vectors.
    const VECTORS: &str = include_str!("../../tests/wire/vectors.json");

    #[test]
    fn every_published_vector_is_reproduced() {
        let document: serde_json::Value = serde_json::from_str(VECTORS).unwrap();
        let vectors = document["vectors"].as_array().unwrap();
        assert_eq!(vectors.len(), 7);
        for v in vectors {
            let field = |name: &str| v[name].as_str().unwrap();
            let signer = ZephrHmacSigner::new(field("access_key"), field("secret_key"));
            let header = signer.authorization(
                field("method"),
                field("path"),
                field("query"),
                field("body").as_bytes(),
                field("timestamp"),
                field("nonce"),
            );
            assert_eq!(header, field("expected_authorization"), "{}", field("name"));
        }
    }

    #[test]
    fn the_secret_never_shows_in_debug() {
        let signer = ZephrHmacSigner::new("AK", "very-secret");
        let shown = format!("{signer:?}");
        assert!(
            shown.contains("AK") && !shown.contains("very-secret"),
            "{shown}"
        );
    }
}
