use crate::server::TestServer;
use fixture_security_none::Client;

#[tokio::test]
async fn no_server_means_a_base_url_is_required_and_no_signer_is() {
    let error = Client::builder().build().unwrap_err();
    assert!(error.to_string().contains("base_url"), "{error}");
    let server = TestServer::start().await;
    let client = Client::builder().base_url(server.url()).build().unwrap();
    client.ping().get_ping().await.unwrap();
    assert_eq!(server.single().header("authorization"), None);
}
