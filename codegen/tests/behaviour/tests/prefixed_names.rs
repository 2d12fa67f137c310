//! Methods named without their group's name, as a user of the API's hand-written SDK writes
//! them, and still sent as their operations.

use fixture_prefixed_names::Client;

use crate::server::{Reply, TestServer};

#[tokio::test]
async fn a_method_without_its_groups_name_sends_its_operation() {
    let server = TestServer::start().await;
    server
        .reply(Reply::status(201))
        .reply(Reply::status(200))
        .reply(Reply::status(204))
        .reply(Reply::status(204));
    let client = Client::builder().base_url(server.url()).build().unwrap();
    client.issues().create().await.unwrap();
    client.issues().update(7).await.unwrap();
    client.issues().issues_delete(7).await.unwrap();
    client.issues().r#type(7).await.unwrap();
    let sent: Vec<(String, String)> = server
        .received()
        .into_iter()
        .map(|r| (r.method, r.path))
        .collect();
    let sent: Vec<(&str, &str)> = sent.iter().map(|(m, p)| (m.as_str(), p.as_str())).collect();
    assert_eq!(
        sent,
        [
            ("POST", "/issues"),
            ("PATCH", "/issues/7"),
            ("DELETE", "/issues/7"),
            ("POST", "/issues/7/lock"),
        ]
    );
}
