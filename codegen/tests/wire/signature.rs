//! Checks a received request's `Authorization` header by recomputing the Zephr signature from
//! the raw request, independently of the generated crate (sha2 directly).

use std::time::{SystemTime, UNIX_EPOCH};

use sha2::{Digest, Sha256};

use crate::server::Received;

pub const ACCESS_KEY: &str = "AK-wire-test";
pub const SECRET_KEY: &str = "SK-wire-s3cr3t/+=:ZEPHR";

/// The parts of a verified `Authorization` header.
#[derive(Debug)]
pub struct Signature {
    pub timestamp: u128,
    pub nonce: String,
}

/// Panics unless `request` carries a valid signature for [`SECRET_KEY`] made in the last minute.
pub fn verify(request: &Received) -> Signature {
    verify_with(request, ACCESS_KEY, SECRET_KEY)
}

/// Panics unless `request` carries a valid signature of the key pair made in the last minute.
pub fn verify_with(request: &Received, access: &str, secret: &str) -> Signature {
    let header = request.header("authorization").unwrap_or_else(|| {
        panic!(
            "no Authorization header on {} {}",
            request.method, request.path
        )
    });
    let credentials = header
        .strip_prefix("ZEPHR-HMAC-SHA256 ")
        .unwrap_or_else(|| panic!("unexpected scheme in `{header}`"));
    let parts: Vec<&str> = credentials.split(':').collect();
    let [access_key, timestamp, nonce, hash] = parts[..] else {
        panic!("`{header}` does not have four parts");
    };
    assert_eq!(access_key, access);
    let mut hasher = Sha256::new();
    hasher.update(secret.as_bytes());
    hasher.update(&request.body);
    hasher.update(request.path.as_bytes());
    hasher.update(request.query.as_bytes());
    hasher.update(request.method.as_bytes());
    hasher.update(timestamp.as_bytes());
    hasher.update(nonce.as_bytes());
    let expected: String = hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(
        hash, expected,
        "signature mismatch for {} {}?{}",
        request.method, request.path, request.query
    );
    let timestamp: u128 = timestamp.parse().expect("timestamp in milliseconds");
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis();
    assert!(
        now.abs_diff(timestamp) < 60_000,
        "timestamp {timestamp} is not now ({now})"
    );
    assert!(!nonce.is_empty());
    Signature {
        timestamp,
        nonce: nonce.to_owned(),
    }
}
