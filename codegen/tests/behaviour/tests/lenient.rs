//! fixtures/lenient.yaml: what a bundler wrote (a `$ref` in place of `properties` and of a
//! description) gives the types and docs it meant; nine required parameters are nine arguments.

use crate::server::{Reply, TestServer};
use fixture_lenient::Client;
use fixture_lenient::types::Pet;

#[tokio::test]
async fn the_bundled_properties_and_nine_arguments() {
    let server = TestServer::start().await;
    server.reply(Reply::json(200, r#"[{"id":"p1","name":"Rex"}]"#));
    let client = Client::builder()
        .base_url(server.url())
        .strict(true)
        .build()
        .unwrap();
    let pets = client
        .pets()
        .search_pets("dog", "brown", 3, 4, "ann", "Oslo", true, false, "collie")
        .await
        .unwrap();
    assert_eq!(pets, vec![Pet::new("p1").with_name("Rex")]);
    assert_eq!(
        server.single().query,
        "kind=dog&colour=brown&size=3&age=4&owner=ann&city=Oslo&vaccinated=true&chipped=false&breed=collie"
    );
}
