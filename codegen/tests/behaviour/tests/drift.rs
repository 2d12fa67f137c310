//! The loop a team runs when the API and the spec part ways, end to end: traffic that departs
//! from the spec (`fixtures/drift.yaml`) → the client's drift report and the saved responses →
//! the overlay the generator proposes from them, which must be the committed correction
//! (`fixtures/drift_corrected.overlay.yaml`, itself a fixture whose crate is generated and
//! compared like every other) → the same traffic against that corrected crate, with no drift.
//!
//! `EXPECTORATE=overwrite` (as `cargo xtask snapshots` sets it) rewrites the committed
//! correction from what the generator proposes now; then `cargo xtask snapshots` again
//! regenerates its crate.

use std::path::{Path, PathBuf};

use crate::server::{Reply, TestServer};

/// What the API really sends: an enum value the spec does not list and a property it does not
/// declare; the created user wrapped in `data`; a status the operation does not document.
const TRAFFIC: [(&str, u16, &str); 3] = [
    (
        "getUser",
        200,
        r#"{"id":"u1","name":"Ann","status":"suspended","tier":"gold"}"#,
    ),
    (
        "createUser",
        201,
        r#"{"data":{"id":"u2","name":"Bob","status":"active"}}"#,
    ),
    ("getUser", 203, r#"{"id":"u3","name":"Cy"}"#),
];

/// The traffic against the crate `$krate`; gives its drift report and each response's status
/// and body. A macro, as the two crates' types differ (the correction changes them).
macro_rules! traffic {
    ($krate:ident) => {{
        let server = TestServer::start().await;
        for (_, status, body) in TRAFFIC {
            server.reply(Reply::json(status, body));
        }
        let client = $krate::Client::builder().base_url(server.url()).build().unwrap();
        let mut saved = Vec::new();
        let first = client.users().get_user("u1").send_with_response().await.unwrap();
        saved.push((first.status().as_u16(), first.raw_body().clone()));
        let user = serde_json::from_value(serde_json::json!({"id": "u2", "name": "Bob"})).unwrap();
        let created = client.users().create_user(user).send_with_response().await.unwrap();
        saved.push((created.status().as_u16(), created.raw_body().clone()));
        let third = client.users().get_user("u3").send_with_response().await.unwrap();
        saved.push((third.status().as_u16(), third.raw_body().clone()));
        (client.drift_report(), saved)
    }};
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures")
}

#[tokio::test]
async fn the_corrections_proposed_from_the_drift_are_the_committed_ones() {
    let (report, saved) = traffic!(fixture_drift);
    assert_eq!(report.entries().len(), 5, "{report}");

    let spec = codegen::load::load_file(&fixtures().join("drift.yaml")).unwrap();
    let api = codegen::build_ir(&spec, &codegen::Options::default()).unwrap();
    let mut evidence = codegen::drift::Evidence::default();
    assert_eq!(
        evidence.read_report("report.json", &report.to_json()),
        Ok(5)
    );
    let responses: Vec<serde_json::Value> = TRAFFIC
        .iter()
        .zip(&saved)
        .map(|((operation, _, _), (status, body))| {
            let body: serde_json::Value = serde_json::from_slice(body).unwrap();
            serde_json::json!({"operation": operation, "status": status, "body": body})
        })
        .collect();
    let responses = serde_json::Value::from(responses).to_string();
    assert_eq!(
        evidence.read_responses(&api, "responses.json", &responses),
        Ok(3)
    );
    let proposal = codegen::drift::propose(&api, &spec.document, &evidence);
    let yaml = proposal.to_yaml(&["report.json".to_owned(), "responses.json".to_owned()]);
    assert!(
        proposal
            .notes
            .iter()
            .all(|n| n.contains("no-declared-property")),
        "only the wrapper's note is left: {:?}\n{yaml}",
        proposal.notes
    );

    // The actions, not the comments (their evidence carries times of this run).
    let committed_path = fixtures().join("drift_corrected.overlay.yaml");
    let read = || -> serde_json::Value {
        serde_yaml::from_str(&std::fs::read_to_string(&committed_path).unwrap()).unwrap()
    };
    let proposed: serde_json::Value = serde_yaml::from_str(&yaml).unwrap();
    if std::env::var_os("EXPECTORATE").is_some_and(|v| v == "overwrite")
        && read()["actions"] != proposed["actions"]
    {
        std::fs::write(&committed_path, format!("extends: drift.yaml\n{yaml}")).unwrap();
    }
    let committed = read();
    assert_eq!(
        committed["actions"], proposed["actions"],
        "the generator now proposes other corrections: review them, then `cargo xtask snapshots`\n{yaml}"
    );
}

#[tokio::test]
async fn the_same_traffic_against_the_corrected_crate_has_no_drift() {
    let (report, _) = traffic!(fixture_drift_corrected);
    assert!(
        report.is_empty(),
        "the corrected crate still reports drift:\n{report}"
    );
}
