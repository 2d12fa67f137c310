//! `cargo xtask drift` reads what a service's log really looks like: the drift events of the
//! generated client, written by `tracing-subscriber`'s fmt layer in each of its formats (the
//! default one with and without terminal colours, compact, pretty, JSON), are read back as the
//! same place. A line that names the event but cannot be read is counted, never skipped in
//! silence.
//!
//! A test binary of its own: each format is a subscriber installed on this thread for one
//! request, and tracing caches per callsite whether a subscriber wants it.

use std::io::Write;
use std::sync::{Arc, Mutex};

use codegen::drift::{Evidence, Kind};

#[path = "wire/server.rs"]
#[allow(dead_code)] // shared with the wire tests, which use all of it
mod server;
#[path = "wire/signature.rs"]
#[allow(dead_code)]
mod signature;

use server::{Reply, TestServer};

/// A writer into a shared buffer, for the fmt layer.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    fn text(&self) -> String {
        String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
    }
}

/// One request whose response departs from the spec, logged by `dispatch`.
fn log_of(runtime: &tokio::runtime::Runtime, dispatch: tracing::Dispatch) {
    tracing::dispatcher::with_default(&dispatch, || {
        runtime.block_on(async {
            let server = TestServer::start().await;
            server.reply(Reply::json(
                201,
                r#"{"data": {"user_id": "u1", "tier": "gold"}}"#,
            ));
            let client = zephr_admin::Client::builder()
                .base_url(server.url())
                .credentials(signature::ACCESS_KEY, signature::SECRET_KEY)
                .build()
                .unwrap();
            let user = zephr_admin::types::UserCreation::new(
                zephr_admin::types::Identifiers::new().with_email_address("a@example.com"),
            );
            client.users().create_user(user).await.unwrap();
        })
    });
}

#[test]
fn every_fmt_format_of_the_drift_event_is_read_back_as_its_place() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    type Make = fn(Captured) -> tracing::Dispatch;
    let formats: [(&str, Make); 5] = [
        ("full, coloured (a terminal)", |w| {
            tracing_subscriber::fmt()
                .with_ansi(true)
                .with_writer(move || w.clone())
                .finish()
                .into()
        }),
        ("full, plain (NO_COLOR, a file)", |w| {
            tracing_subscriber::fmt()
                .with_ansi(false)
                .with_writer(move || w.clone())
                .finish()
                .into()
        }),
        ("compact, coloured", |w| {
            tracing_subscriber::fmt()
                .compact()
                .with_ansi(true)
                .with_writer(move || w.clone())
                .finish()
                .into()
        }),
        ("pretty, coloured", |w| {
            tracing_subscriber::fmt()
                .pretty()
                .with_ansi(true)
                .with_writer(move || w.clone())
                .finish()
                .into()
        }),
        ("json", |w| {
            tracing_subscriber::fmt()
                .json()
                .with_writer(move || w.clone())
                .finish()
                .into()
        }),
    ];
    for (name, make) in formats {
        let captured = Captured::default();
        log_of(&runtime, make(captured.clone()));
        let text = captured.text();
        assert!(
            text.contains("response departs from the spec"),
            "{name}: the client logged its drift:\n{text}"
        );
        let mut evidence = Evidence::default();
        let read = evidence.read_log("service.log", &text);
        assert_eq!(
            (read.events, read.unreadable.as_slice()),
            (1, &[][..]),
            "{name}:\n{text}"
        );
        let places: Vec<_> = evidence
            .places
            .keys()
            .map(|p| (p.operation.as_str(), p.status, p.kind, p.pointer.as_str()))
            .collect();
        assert_eq!(
            places,
            [("createUser", 201, Kind::UndeclaredProperty, "/data/tier")],
            "{name}:\n{text}"
        );
    }
}

#[test]
fn a_line_that_names_the_event_but_cannot_be_read_is_counted() {
    let log = "\
2026-12-07T10:00:00Z  WARN x: response departs from the spec operation=\"getUser\" status=200 kind=\"type-mismatch\" pointer=\"/a\" count=1 unlogged=0
2026-12-07T10:00:01Z  INFO x: something else
2026-12-07T10:00:02Z  WARN x: response departs from the spec (fields cut off by a log shipper)
<134>1 2026-12-07T10:00:03Z host app - - response departs from the spec op=getUser
";
    let mut evidence = Evidence::default();
    let read = evidence.read_log("shipped.log", log);
    assert_eq!((read.events, read.unreadable), (1, vec![3, 4]));
}
