//! Decoding and encoding realistic response bodies with the generated models: what open models
//! (unknown properties kept) cost next to closed ones. The bodies are built from the shapes of
//! the spec's own examples, with a few tenant-defined attributes the spec does not list, as real
//! tenants send them.

use criterion::{Criterion, Throughput, criterion_group};
use zephr_admin::types::{Bundles, UsersResponse};

/// `GET /v3/users`-like body: 500 users, each with identifiers and custom attributes.
fn users_body() -> String {
    let users: Vec<String> = (0..500)
        .map(|i| {
            format!(
                r#"{{"user_id":"UU{i:014}","identifiers":{{"email_address":"user{i}@example.com"}},"attributes":{{"first_name":"Ada","surname":"Lovelace","firstname":"Ada","lastname":"Lovelace","newsletter":true,"company":"Analytical Engines Ltd"}},"email_verified":true}}"#
            )
        })
        .collect();
    format!(r#"{{"results":[{}]}}"#, users.join(","))
}

/// `GET /v3/bundles`-like body: 200 bundles with nested objects.
fn bundles_body() -> String {
    let bundles: Vec<String> = (0..200)
        .map(|i| {
            format!(
                r#"{{"tenantId":"acme","subTenantId":"uk","type":"bundle","id":"b{i}","label":"Gold {i}","description":"Everything in the gold tier","includes":{{"entitlements":["e1","e2","e3"]}},"auto_assign":{{"enabled":true}}}}"#
            )
        })
        .collect();
    format!(r#"{{"results":[{}]}}"#, bundles.join(","))
}

fn decode(c: &mut Criterion) {
    let mut group = c.benchmark_group("decode");
    let users = users_body();
    group.throughput(Throughput::Bytes(users.len() as u64));
    group.bench_function("users_500", |b| {
        b.iter(|| serde_json::from_str::<UsersResponse>(&users).unwrap())
    });
    let bundles = bundles_body();
    group.throughput(Throughput::Bytes(bundles.len() as u64));
    group.bench_function("bundles_200", |b| {
        b.iter(|| serde_json::from_str::<Bundles>(&bundles).unwrap())
    });
    group.finish();

    let mut group = c.benchmark_group("encode");
    let typed: UsersResponse = serde_json::from_str(&users).unwrap();
    group.bench_function("users_500", |b| {
        b.iter(|| serde_json::to_vec(&typed).unwrap())
    });
    group.finish();
}

criterion_group!(benches, decode);

/// `DECODE_COUNT=N` runs each decode N times without criterion, for instruction counts under
/// callgrind (wall-clock time on the CI machine varies too much to compare small changes).
fn main() {
    if let Some(count) = std::env::var("DECODE_COUNT")
        .ok()
        .and_then(|n| n.parse::<usize>().ok())
    {
        let (users, bundles) = (users_body(), bundles_body());
        for _ in 0..count {
            std::hint::black_box(serde_json::from_str::<UsersResponse>(&users).unwrap());
            std::hint::black_box(serde_json::from_str::<Bundles>(&bundles).unwrap());
        }
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
