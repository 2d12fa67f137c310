//! The known-answer vectors of Zephr's signing scheme, through the generated signer, both as a
//! pure function and through the signing hook. `vectors.json` next to this file is the
//! project's copy of the vectors published with the signing algorithm (byte-identical).

use serde_json::Value;
use zephr_admin::reqwest::Method;
use zephr_admin::reqwest::header::HeaderMap;
use zephr_admin::{RequestSigner, SignableRequest, ZephrHmacSigner};

fn vectors() -> Vec<Value> {
    let document: Value =
        serde_json::from_str(include_str!("vectors.json")).expect("vectors.json is JSON");
    let vectors = document["vectors"]
        .as_array()
        .expect("a `vectors` array")
        .clone();
    assert_eq!(vectors.len(), 7, "the seven published vectors");
    vectors
}

fn field<'a>(vector: &'a Value, name: &str) -> &'a str {
    vector[name]
        .as_str()
        .unwrap_or_else(|| panic!("vector field `{name}` missing in {vector}"))
}

#[test]
fn every_vector_is_reproduced() {
    for vector in vectors() {
        let signer =
            ZephrHmacSigner::new(field(&vector, "access_key"), field(&vector, "secret_key"));
        let authorization = signer.authorization(
            field(&vector, "method"),
            field(&vector, "path"),
            field(&vector, "query"),
            field(&vector, "body").as_bytes(),
            field(&vector, "timestamp"),
            field(&vector, "nonce"),
        );
        assert_eq!(
            authorization,
            field(&vector, "expected_authorization"),
            "vector `{}`",
            field(&vector, "name")
        );
        let hash = authorization.rsplit(':').next().unwrap();
        assert_eq!(
            hash,
            field(&vector, "expected_hash"),
            "vector `{}`",
            field(&vector, "name")
        );
    }
}

/// The hook signs with the current time and a fresh nonce; recomputing the hash the vectors'
/// way from what it wrote must give what it wrote.
#[test]
fn the_hook_signs_each_vector_request_consistently() {
    for vector in vectors() {
        let signer =
            ZephrHmacSigner::new(field(&vector, "access_key"), field(&vector, "secret_key"));
        let method = Method::from_bytes(field(&vector, "method").as_bytes()).unwrap();
        let mut headers = HeaderMap::new();
        let body = field(&vector, "body").as_bytes();
        let mut request = SignableRequest::new(
            &method,
            field(&vector, "path"),
            field(&vector, "query"),
            body,
            &mut headers,
        );
        signer.sign(&mut request).unwrap();
        let header = headers
            .get("authorization")
            .expect("an Authorization header")
            .to_str()
            .unwrap();
        assert!(headers.get("authorization").unwrap().is_sensitive());
        let parts: Vec<&str> = header
            .strip_prefix("ZEPHR-HMAC-SHA256 ")
            .unwrap()
            .split(':')
            .collect();
        let [access_key, timestamp, nonce, _] = parts[..] else {
            panic!("four parts expected in {header}")
        };
        assert_eq!(access_key, field(&vector, "access_key"));
        let recomputed = signer.authorization(
            field(&vector, "method"),
            field(&vector, "path"),
            field(&vector, "query"),
            body,
            timestamp,
            nonce,
        );
        assert_eq!(header, recomputed);
    }
}

#[test]
fn nonces_never_repeat_across_threads() {
    let per_thread = 20_000;
    let nonces: Vec<String> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..4)
            .map(|_| {
                scope.spawn(|| {
                    (0..per_thread)
                        .map(|_| zephr_admin::nonce().unwrap())
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().unwrap())
            .collect()
    });
    let distinct: std::collections::HashSet<&String> = nonces.iter().collect();
    assert_eq!(distinct.len(), 4 * per_thread);
    assert!(nonces.iter().all(|n| {
        n.len() == 32
            && n.bytes()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
    }));
    // Consecutive nonces share the process prefix but not their second half.
    let (a, b) = (zephr_admin::nonce().unwrap(), zephr_admin::nonce().unwrap());
    assert_eq!(a[..16], b[..16]);
    assert_ne!(a[16..], b[16..]);
}
