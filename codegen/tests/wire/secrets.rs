//! The secret key never shows: not in `Debug` of the signer, the builder or the client, and not
//! in errors.

use generated_client::{Client, SecretString, ZephrHmacSigner};

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
        matches!(signing, generated_client::Error::Signing(_)),
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
