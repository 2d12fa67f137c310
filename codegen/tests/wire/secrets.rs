//! The secret key never shows: not in `Debug` of the signer, the builder or the client, and not
//! in errors.

use zephr_admin::{Client, SecretString, ZephrHmacSigner};

use crate::server::{Reply, TestServer};

const SECRET: &str = "SK-never-print-me-7f3a";

#[test]
fn debug_output_has_no_secret() {
    let signer = ZephrHmacSigner::new("AK-visible", SECRET);
    let printed = format!("{signer:?} {signer:#?}");
    assert!(
        printed.contains("AK-visible"),
        "the access key is not secret: {printed}"
    );
    assert!(!printed.contains(SECRET), "{printed}");

    let secret = SecretString::from(SECRET);
    assert!(!format!("{secret:?}").contains(SECRET));

    let builder = Client::builder()
        .base_url("http://127.0.0.1:9")
        .credentials("AK-visible", SECRET);
    let printed = format!("{builder:?}");
    assert!(!printed.contains(SECRET), "{printed}");
    let client = builder.build().unwrap();
    let printed = format!("{client:?} {client:#?}");
    assert!(
        printed.contains("ZephrHmacSigner"),
        "the client's Debug shows its signer: {printed}"
    );
    assert!(!printed.contains(SECRET), "{printed}");
}

#[tokio::test]
async fn errors_have_no_secret() {
    let server = TestServer::start().await;
    server
        .reply(Reply::status(401).body("bad signature"))
        .reply(Reply::json(200, r#"{"results": 7}"#));
    let client = Client::builder()
        .base_url(server.url())
        .credentials("AK", SECRET)
        .build()
        .unwrap();
    let status = client.bundle().list_bundles().await.unwrap_err();
    let decode = client
        .grants()
        .list_account_grants("acc")
        .await
        .unwrap_err();
    // A secret that cannot go into a header fails signing; the error does not quote it.
    let bad = Client::builder()
        .base_url(server.url())
        .credentials("AK\n", SECRET)
        .build()
        .unwrap();
    let signing = bad.bundle().list_bundles().await.unwrap_err();
    assert!(
        matches!(signing, zephr_admin::Error::Signing(_)),
        "{signing:?}"
    );
    for error in [
        format!("{status} {status:?}"),
        format!("{decode} {decode:?}"),
        format!("{signing} {signing:?}"),
    ] {
        assert!(!error.contains(SECRET), "{error}");
    }
}

/// A value only a response body holds: an end user's e-mail address, say.
const MARKER: &str = "ada.lovelace.7f3a@example.com";

/// Every way a response can fail, each with the marker in its body: no `Debug` or `Display` of
/// the error, of the client's drift report, or of a request that never got an answer shows it.
/// The body stays reachable through the accessors.
#[tokio::test]
async fn no_error_or_drift_report_shows_what_a_body_holds() {
    let server = TestServer::start().await;
    let body = format!(r#"{{"error": "{MARKER}", "extra": "{MARKER}"}}"#);
    server
        // A documented error status with a typed body.
        .reply(Reply::json(400, &body))
        // An undocumented error status, its body as text.
        .reply(Reply::status(418).body(MARKER))
        // A success whose body does not fit its type (a string where a bool goes).
        .reply(Reply::json(
            200,
            &format!(r#"{{"user_id": "u1", "email_verified": "{MARKER}"}}"#),
        ))
        // A success that departs from the spec, in strict mode.
        .reply(Reply::json(
            200,
            &format!(r#"{{"user_id": "u1", "extra": "{MARKER}"}}"#),
        ))
        // The same, not strict: drift in the report.
        .reply(Reply::json(
            200,
            &format!(r#"{{"user_id": "u1", "undeclared": "{MARKER}"}}"#),
        ));
    let client = crate::client(&server);
    let typed = client.users().update_bulk_users().await.unwrap_err();
    assert!(
        matches!(&typed, zephr_admin::Error::Status(e) if e.typed().is_some()),
        "{typed:?}"
    );
    let status = client.users().get_user("u1").await.unwrap_err();
    let decode = client.users().get_user("u1").await.unwrap_err();
    let drift = client
        .users()
        .get_user("u1")
        .strict(true)
        .await
        .unwrap_err();
    let drifted = client.users().get_user("u1").await.unwrap();
    assert_eq!(drifted.user_id.as_deref(), Some("u1"));
    let report = client.drift_report();
    // A request that never got an answer, with the marker in its query.
    let refused = Client::builder()
        .base_url("http://127.0.0.1:9")
        .credentials("AK", "SK")
        .build()
        .unwrap()
        .users()
        .list_users()
        .query("identifiers.email_address", MARKER)
        .await
        .unwrap_err();

    for (what, error) in [
        ("typed", &typed.into_untyped()),
        ("status", &status),
        ("decode", &decode),
        ("drift", &drift),
        ("refused", &refused),
    ] {
        for shown in [
            format!("{error}"),
            format!("{error:?}"),
            format!("{error:#?}"),
        ] {
            assert!(!shown.contains("ada.lovelace"), "{what}: {shown}");
        }
        if what != "refused" {
            let kept = error.body().expect("the body is kept");
            assert!(
                String::from_utf8_lossy(kept).contains(MARKER),
                "{what}: the body is still there for who asks"
            );
        }
    }
    for shown in [format!("{report:?}"), report.to_json().to_string()] {
        assert!(!shown.contains("ada.lovelace"), "{shown}");
    }
    assert!(!report.entries().is_empty(), "the drift is reported");
    // What the decoder found is still said, without the value.
    let text = decode.to_string();
    assert!(
        text.contains("email_verified") && text.contains("expected a boolean"),
        "{text}"
    );
}
