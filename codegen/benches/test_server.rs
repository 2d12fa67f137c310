//! The generated test server (feature `testing`): how long one takes to start, and how many
//! signed requests per second go through it (route, signature recomputed and checked, nonce
//! remembered, stub matched, request recorded), one at a time over a kept-alive connection.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use zephr_admin::testing::TestServer;
use zephr_admin::types::UserResponse;

fn test_server(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let mut group = c.benchmark_group("test_server");
    group.bench_function("start", |b| {
        b.iter(|| runtime.block_on(TestServer::start()))
    });

    let server = runtime.block_on(TestServer::start());
    let _ = server
        .users()
        .get_user("UU01")
        .returns(UserResponse::new().with_user_id("UU01"));
    let client = server.client();
    group.throughput(Throughput::Elements(1));
    group.bench_function("signed_request", |b| {
        b.iter(|| {
            runtime
                .block_on(client.users().get_user("UU01").send())
                .unwrap()
        })
    });
    group.finish();
}

criterion_group!(benches, test_server);
criterion_main!(benches);
