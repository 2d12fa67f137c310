//! Requests per second of a generated operation against a loopback server, next to the same
//! request made with bare reqwest (same connection pool settings, same JSON decoded into the same
//! type). The server answers every request with one fixed `bundles` body.

use std::convert::Infallible;
use std::net::SocketAddr;

use bytes::Bytes;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use http_body_util::Full;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use zephr_admin::types::Bundles;

fn body() -> Bytes {
    let bundle = r#"{"id":"gold","label":"Gold bundle","description":"Everything","includes":{"entitlements":["a","b"]}}"#;
    Bytes::from(format!(r#"{{"results":[{}]}}"#, [bundle; 10].join(",")))
}

async fn serve(listener: TcpListener, body: Bytes) {
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            return;
        };
        let body = body.clone();
        tokio::spawn(async move {
            let service = service_fn(move |_: Request<hyper::body::Incoming>| {
                let body = body.clone();
                async move {
                    Ok::<_, Infallible>(
                        Response::builder()
                            .header("content-type", "application/json")
                            .body(Full::new(body))
                            .unwrap(),
                    )
                }
            });
            let _ = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

fn client(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let addr: SocketAddr = runtime.block_on(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(serve(listener, body()));
        addr
    });
    let base = format!("http://{addr}");

    let bare = zephr_admin::http_client_builder().unwrap().build().unwrap();
    let url = format!("{base}/v3/bundles");
    let unsigned = zephr_admin::Client::builder()
        .base_url(&base)
        .without_signing()
        .build()
        .unwrap();
    let signed = zephr_admin::Client::builder()
        .base_url(&base)
        .credentials("AK-bench", "SK-bench")
        .build()
        .unwrap();

    let mut group = c.benchmark_group("client/list_bundles");
    group.throughput(Throughput::Elements(1));
    group.bench_function("bare reqwest", |b| {
        b.iter(|| {
            runtime.block_on(async {
                let response = bare
                    .get(&url)
                    .header("accept", "application/json")
                    .send()
                    .await
                    .unwrap();
                let bytes = response.bytes().await.unwrap();
                serde_json::from_slice::<Bundles>(&bytes).unwrap()
            })
        })
    });
    group.bench_function("generated, unsigned", |b| {
        b.iter(|| runtime.block_on(async { unsigned.bundle().list_bundles().await.unwrap() }))
    });
    group.bench_function("generated, signed", |b| {
        b.iter(|| runtime.block_on(async { signed.bundle().list_bundles().await.unwrap() }))
    });
    group.finish();
}

criterion_group!(benches, client);
criterion_main!(benches);
