//! The figures of SECURITY.md: what hostile inputs cost, measured rather than asserted.
//!
//! `cargo bench -p codegen --bench limits` prints:
//! - the client's peak resident memory (VmHWM) after a server answers with 2 GiB, once
//!   announced by `Content-Length` and once streamed without one (chunked), under the default
//!   body limit;
//! - how long the generator takes to refuse a 100,000-deep spec (JSON and YAML) and an
//!   8,000-link `allOf` chain.

use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use zephr_admin::Client;

const TWO_GIB: u64 = 2 * 1024 * 1024 * 1024;

/// Peak resident set size of this process, in KiB (Linux).
fn peak_rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

/// A server that answers every request with 2 GiB of JSON-ish bytes, made on the fly.
async fn serve_two_gib(listener: TcpListener, announced: bool) {
    loop {
        let Ok((mut stream, _)) = listener.accept().await else {
            return;
        };
        tokio::spawn(async move {
            let mut head = [0u8; 4096];
            let _ = stream.read(&mut head).await;
            let header = if announced {
                format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {TWO_GIB}\r\n\r\n"
                )
            } else {
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n".to_owned()
            };
            if stream.write_all(header.as_bytes()).await.is_err() {
                return;
            }
            let block = vec![b' '; 1024 * 1024];
            let mut sent = 0;
            while sent < TWO_GIB {
                let written = if announced {
                    stream.write_all(&block).await
                } else {
                    let mut chunk = format!("{:x}\r\n", block.len()).into_bytes();
                    chunk.extend_from_slice(&block);
                    chunk.extend_from_slice(b"\r\n");
                    stream.write_all(&chunk).await
                };
                if written.is_err() {
                    return;
                }
                sent += block.len() as u64;
            }
        });
    }
}

fn client_memory() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        println!("| response | outcome | time | peak RSS before | peak RSS after |");
        println!("| --- | --- | --- | --- | --- |");
        for announced in [true, false] {
            let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
            let url = format!("http://{}", listener.local_addr().unwrap());
            let server = tokio::spawn(serve_two_gib(listener, announced));
            let client = Client::builder()
                .base_url(url)
                .without_signing()
                .build()
                .unwrap();
            let before = peak_rss_kib();
            let started = Instant::now();
            let outcome = match client.bundle().list_bundles().await {
                Ok(_) => "decoded (unexpected)".to_owned(),
                Err(e) => e.to_string(),
            };
            let elapsed = started.elapsed();
            let after = peak_rss_kib();
            server.abort();
            let kind = if announced {
                "2 GiB, Content-Length"
            } else {
                "2 GiB, chunked"
            };
            println!(
                "| {kind} | {outcome} | {elapsed:.2?} | {:.1} MiB | {:.1} MiB |",
                before as f64 / 1024.0,
                after as f64 / 1024.0
            );
        }
    });
}

fn time_to_refuse(name: &str, text: &str) -> (Duration, String) {
    let started = Instant::now();
    let result = codegen::load::load_bytes(text.as_bytes(), name).and_then(|spec| {
        codegen::generate(
            spec,
            &codegen::Options {
                formatting: codegen::format::Formatting::Prettyplease,
                ..codegen::Options::default()
            },
        )
    });
    let elapsed = started.elapsed();
    let message = match result {
        Ok(_) => "generated (unexpected)".to_owned(),
        Err(e) => e.to_string(),
    };
    (elapsed, message)
}

fn generator_time() {
    let depth = 100_000;
    let deep = "{\"a\":".repeat(depth) + "1" + &"}".repeat(depth);
    let mut chain = String::from(
        "openapi: 3.0.3\ninfo: {title: Chain, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n",
    );
    let links = 8_000;
    for i in 0..links {
        chain.push_str(&format!(
            "    S{i}: {{allOf: [{{$ref: '#/components/schemas/S{}'}}, {{properties: {{p{i}: {{type: string}}}}}}]}}\n",
            i + 1
        ));
    }
    chain.push_str(&format!("    S{links}: {{type: object}}\n"));
    println!();
    println!("| input | time to refuse (median of 5) | error |");
    println!("| --- | --- | --- |");
    for (name, text) in [
        ("deep.json", deep.as_str()),
        ("deep.yaml", deep.as_str()),
        ("chain.yaml", chain.as_str()),
    ] {
        let mut times = Vec::new();
        let mut message = String::new();
        for _ in 0..5 {
            let (elapsed, m) = time_to_refuse(name, text);
            times.push(elapsed);
            message = m;
        }
        times.sort();
        println!(
            "| {name} ({} bytes) | {:.2?} | {message} |",
            text.len(),
            times[2]
        );
    }
}

fn main() {
    // `cargo test --benches` runs bench targets with `--bench`-less arguments; only measure when
    // asked to (`cargo bench` passes `--bench`).
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    client_memory();
    generator_time();
}
