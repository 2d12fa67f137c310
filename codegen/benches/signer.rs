//! The Zephr signer per request, next to a bare SHA-256 of exactly the bytes it hashes
//! (secret + body + path + query + method + timestamp + nonce), for 0 B, 1 KiB and 64 KiB bodies.
//!
//! - `sha256`: the floor, hashing the same bytes laid out in one buffer;
//! - `authorization`: the signer's deterministic part (hash + header text);
//! - `sign`: the hook as the client calls it (clock, a fresh nonce from the OS, the header).

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use sha2::{Digest, Sha256};
use zephr_admin::reqwest::Method;
use zephr_admin::reqwest::header::HeaderMap;
use zephr_admin::{RequestSigner, SignableRequest, ZephrHmacSigner};

const SECRET: &str = "SK-bench-s3cr3t/+=:ZEPHR";
const PATH: &str = "/v3/users/UU0123456789ABCD/attributes";
const QUERY: &str = "rpp=15&page=2";
const TIMESTAMP: &str = "1700000000000";
const NONCE: &str = "a1b2c3d4-0000-4000-8000-000000000001";

fn signer(c: &mut Criterion) {
    let signer = ZephrHmacSigner::new("AK-bench", SECRET);
    for size in [0usize, 1024, 64 * 1024] {
        let body: Vec<u8> = (0..size)
            .map(|i| b"{\"a\":\"0123456789\"}"[i % 18])
            .collect();
        let mut laid_out = Vec::new();
        for part in [
            SECRET.as_bytes(),
            &body,
            PATH.as_bytes(),
            QUERY.as_bytes(),
            b"PUT",
            TIMESTAMP.as_bytes(),
            NONCE.as_bytes(),
        ] {
            laid_out.extend_from_slice(part);
        }
        let mut group = c.benchmark_group(format!("signer/{size}B"));
        group.throughput(Throughput::Bytes(laid_out.len() as u64));
        group.bench_function("sha256", |b| {
            b.iter(|| Sha256::digest(std::hint::black_box(&laid_out)))
        });
        group.bench_function("authorization", |b| {
            b.iter(|| {
                signer.authorization(
                    "PUT",
                    PATH,
                    QUERY,
                    std::hint::black_box(&body),
                    TIMESTAMP,
                    NONCE,
                )
            })
        });
        group.bench_function("sign", |b| {
            let method = Method::PUT;
            b.iter(|| {
                let mut headers = HeaderMap::new();
                let mut request = SignableRequest::new(
                    &method,
                    PATH,
                    QUERY,
                    std::hint::black_box(&body),
                    &mut headers,
                );
                signer.sign(&mut request).unwrap();
                headers
            })
        });
        group.finish();
    }
}

criterion_group!(benches, signer);
criterion_main!(benches);
