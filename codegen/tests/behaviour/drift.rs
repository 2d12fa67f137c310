//! Traffic from an API that departs from its spec (fixtures/drift.yaml), for the
//! drift-to-correction loop that fixture_crates runs end to end: this test runs once against the
//! crate generated from the spec, saving the client's drift report and the responses into
//! `DRIFT_EVIDENCE_DIR`; the generator proposes an overlay from them; the crate is generated
//! again with it; and this test runs again with `DRIFT_EXPECT_NONE` set: the same traffic must
//! then decode with no drift at all.
//!
//! It names no generated type (they change with the correction): it reads raw bodies and the
//! drift report.

mod server;

use fixture_drift::Client;
use server::{Reply, TestServer};

/// What the API really sends: an enum value the spec does not list and a property it does not
/// declare; the created user wrapped in `data`; a status the operation does not document.
const TRAFFIC: [(&str, u16, &str); 3] = [
    ("getUser", 200, r#"{"id":"u1","name":"Ann","status":"suspended","tier":"gold"}"#),
    ("createUser", 201, r#"{"data":{"id":"u2","name":"Bob","status":"active"}}"#),
    ("getUser", 203, r#"{"id":"u3","name":"Cy"}"#),
];

#[tokio::test]
async fn traffic_that_departs_from_the_spec() {
    let server = TestServer::start().await;
    for (_, status, body) in TRAFFIC {
        server.reply(Reply::json(status, body));
    }
    let client = Client::builder().base_url(server.url()).build().unwrap();
    let mut saved = Vec::new();
    let first = client.users().get_user("u1").send_with_response().await.unwrap();
    saved.push((first.status().as_u16(), first.raw_body().clone()));
    let user = serde_json::from_value(serde_json::json!({"id": "u2", "name": "Bob"})).unwrap();
    let created = client.users().create_user(user).send_with_response().await.unwrap();
    saved.push((created.status().as_u16(), created.raw_body().clone()));
    let third = client.users().get_user("u3").send_with_response().await.unwrap();
    saved.push((third.status().as_u16(), third.raw_body().clone()));

    let report = client.drift_report();
    if std::env::var_os("DRIFT_EXPECT_NONE").is_some() {
        assert!(report.is_empty(), "the corrected crate still reports drift:\n{report}");
        return;
    }
    assert_eq!(report.entries().len(), 5, "{report}");
    let Some(dir) = std::env::var_os("DRIFT_EVIDENCE_DIR") else { return };
    let dir = std::path::PathBuf::from(dir);
    std::fs::write(dir.join("report.json"), report.to_json().to_string()).unwrap();
    let responses: Vec<serde_json::Value> = TRAFFIC
        .iter()
        .zip(&saved)
        .map(|((operation, _, _), (status, body))| {
            let body: serde_json::Value = serde_json::from_slice(body).unwrap();
            serde_json::json!({"operation": operation, "status": status, "body": body})
        })
        .collect();
    std::fs::write(dir.join("responses.json"), serde_json::Value::from(responses).to_string()).unwrap();
}
