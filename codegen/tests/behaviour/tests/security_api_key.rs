use crate::server::TestServer;
use fixture_security_api_key::Client;

#[tokio::test]
async fn the_key_goes_in_its_header_and_nowhere_in_debug() {
    let server = TestServer::start().await;
    let client = Client::builder()
        .base_url(server.url())
        .api_key("k-secret-42")
        .build()
        .unwrap();
    client.ping().ping().await.unwrap();
    assert_eq!(server.single().header("x-api-key"), Some("k-secret-42"));
    assert!(!format!("{client:?}").contains("k-secret-42"));
    let error = Client::builder()
        .base_url(server.url())
        .build()
        .unwrap_err();
    assert!(
        error.to_string().contains("requires signed requests"),
        "{error}"
    );
}

#[tokio::test]
async fn the_test_server_checks_the_key_its_client_sends() {
    let server = fixture_security_api_key::testing::TestServer::start().await;
    let _ = server.ping().ping().returns(());
    server.client().ping().ping().await.unwrap();
    let stranger = Client::builder()
        .base_url(server.base_url())
        .api_key("another key")
        .build()
        .unwrap();
    let refused = stranger.ping().ping().await.unwrap_err();
    assert_eq!(refused.status().map(|s| s.as_u16()), Some(401));
    use fixture_security_api_key::testing::{AuthFailure, SignatureCheck};
    let verdicts: Vec<SignatureCheck> = server.requests().iter().map(|r| r.signature()).collect();
    assert_eq!(
        verdicts,
        [
            SignatureCheck::Valid,
            SignatureCheck::Refused(AuthFailure::UnknownKey)
        ]
    );
}
