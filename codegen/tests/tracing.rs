//! The client's spans and events, recorded by a subscriber: one span per request with the
//! operation, method, path template, status, attempts and duration, an event per retry, a
//! rate-limited event per place a response departs from the spec, and never the query or the
//! body (they can hold personal data).
//!
//! A test binary of its own: tracing caches, per callsite and process-wide, whether any
//! subscriber wants it, so a subscriber installed for one test among many that run the client
//! on other threads would see nothing at random. Here the subscriber is the global one.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Subscriber};
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};
use tracing_subscriber::registry::LookupSpan;

#[path = "wire/server.rs"]
#[allow(dead_code)] // shared with the wire tests, which use all of it
mod server;
#[path = "wire/signature.rs"]
#[allow(dead_code)]
mod signature;

use server::{Reply, TestServer};

/// Field names and values, as recorded.
type Values = HashMap<String, String>;

/// Every span (its name and fields) and every event (its fields), in order.
#[derive(Clone, Default)]
struct Recorded {
    spans: Arc<Mutex<Vec<(String, Values)>>>,
    events: Arc<Mutex<Vec<Values>>>,
}

struct Fields<'a>(&'a mut HashMap<String, String>);

impl Visit for Fields<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.0.insert(
            field.name().to_owned(),
            format!("{value:?}").trim_matches('"').to_owned(),
        );
    }
}

impl<S: Subscriber + for<'a> LookupSpan<'a>> Layer<S> for Recorded {
    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, _: Context<'_, S>) {
        let mut fields = HashMap::new();
        attrs.record(&mut Fields(&mut fields));
        fields.insert("#id".to_owned(), id.into_u64().to_string());
        self.spans
            .lock()
            .unwrap()
            .push((attrs.metadata().name().to_owned(), fields));
    }

    fn on_record(&self, id: &Id, values: &Record<'_>, _: Context<'_, S>) {
        let mut spans = self.spans.lock().unwrap();
        if let Some((_, fields)) = spans
            .iter_mut()
            .rev()
            .find(|(_, f)| f["#id"] == id.into_u64().to_string())
        {
            values.record(&mut Fields(fields));
        }
    }

    fn on_event(&self, event: &Event<'_>, _: Context<'_, S>) {
        let mut fields = HashMap::new();
        event.record(&mut Fields(&mut fields));
        fields.insert("#level".to_owned(), event.metadata().level().to_string());
        self.events.lock().unwrap().push(fields);
    }
}

#[tokio::test(flavor = "current_thread")]
async fn a_request_has_a_span_each_retry_an_event_and_drift_a_rate_limited_warning() {
    let recorded = Recorded::default();
    tracing::subscriber::set_global_default(tracing_subscriber::registry().with(recorded.clone()))
        .unwrap();

    let server = TestServer::start().await;
    server
        .reply(Reply::status(503))
        .reply(Reply::json(200, r#"{"results":[]}"#));
    let client = zephr_admin::Client::builder()
        .base_url(server.url())
        .credentials(signature::ACCESS_KEY, signature::SECRET_KEY)
        .retry(zephr_admin::RetryPolicy::new(2).initial_backoff(Duration::from_millis(5)))
        .build()
        .unwrap();
    client
        .users()
        .list_users()
        .identifiers_email_address("secret.person@example.com")
        .await
        .unwrap();

    let spans = recorded.spans.lock().unwrap().clone();
    let [(name, fields)] = &spans[..] else {
        panic!("one span expected: {spans:?}")
    };
    assert_eq!(name, "request");
    assert_eq!(fields["operation"], "listUsers");
    assert_eq!(fields["method"], "GET");
    assert_eq!(fields["path"], "/v3/users");
    assert_eq!(fields["status"], "200");
    assert_eq!(fields["attempts"], "2");
    assert!(fields["duration_ms"].parse::<u64>().is_ok(), "{fields:?}");

    let events = recorded.events.lock().unwrap().clone();
    let retries: Vec<&HashMap<String, String>> = events
        .iter()
        .filter(|e| e.get("message").map(String::as_str) == Some("retrying"))
        .collect();
    assert_eq!(retries.len(), 1, "{events:?}");
    assert_eq!(
        (
            retries[0]["reason"].as_str(),
            retries[0]["attempt"].as_str(),
            retries[0]["#level"].as_str()
        ),
        ("status 503", "1", "WARN")
    );

    // Personal data in the query (or a body) is never recorded.
    let everything = format!("{spans:?} {events:?}");
    assert!(!everything.contains("secret.person"), "{everything}");
    assert!(!everything.contains(signature::SECRET_KEY));

    drift_events_are_rate_limited_and_carry_no_values(&recorded).await;
}

/// A hundred responses that depart from the spec in the same two places: one WARN event for each
/// place (the rest counted, not logged), with the operation, status, kind and pointer, and none
/// of the body's values.
async fn drift_events_are_rate_limited_and_carry_no_values(recorded: &Recorded) {
    recorded.events.lock().unwrap().clear();
    let server = TestServer::start().await;
    let body = r#"{"user_id":"UU1","identifiers":{"email_address":"secret.person@example.com"},"pii_note":"Jane Doe, 1 High St"}"#;
    for _ in 0..100 {
        server.reply(Reply::json(200, body));
    }
    let client = zephr_admin::Client::builder()
        .base_url(server.url())
        .credentials(signature::ACCESS_KEY, signature::SECRET_KEY)
        .build()
        .unwrap();
    for _ in 0..100 {
        client.users().get_user("UU1").await.unwrap();
    }
    let events = recorded.events.lock().unwrap().clone();
    let drift: Vec<&HashMap<String, String>> = events
        .iter()
        .filter(|e| e.get("message").map(String::as_str) == Some("response departs from the spec"))
        .collect();
    assert_eq!(
        drift.len(),
        1,
        "one event per place, then at most one a minute: {drift:?}"
    );
    let event = drift[0];
    assert_eq!(
        (
            event["#level"].as_str(),
            event["operation"].as_str(),
            event["status"].as_str(),
            event["kind"].as_str(),
            event["pointer"].as_str()
        ),
        ("WARN", "getUser", "200", "undeclared-property", "/pii_note")
    );
    let report = client.drift_report();
    assert_eq!(report.total(), 100);
    assert_eq!(report.entries()[0].count(), 100);
    let everything = format!("{events:?} {report:?} {report} {}", report.to_json());
    for value in ["secret.person", "Jane Doe", "UU1"] {
        assert!(!everything.contains(value), "{value} leaked: {everything}");
    }
}
