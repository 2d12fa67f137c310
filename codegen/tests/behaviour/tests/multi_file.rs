use crate::server::{Reply, TestServer};
use fixture_multi_file::apis::pets::GetPetError;
use fixture_multi_file::types::{OwnerInfo, Pet, Tag};
use fixture_multi_file::{Client, Error};

fn client(server: &TestServer) -> Client {
    Client::builder().base_url(server.url()).build().unwrap()
}

#[tokio::test]
async fn operations_parameters_and_schemas_from_other_files_work_on_the_wire() {
    let server = TestServer::start().await;
    let body = r#"[{"id":"p1","name":"Rex","owner":{"email":"a@b.c"},"parent":{"id":"p0","name":"Max","next_checkup":null},"tags":[{"label":"good"}],"next_checkup":null}]"#;
    server.reply(Reply::json(200, body)).reply(Reply::json(
        201,
        r#"{"id":"p2","name":"Ada","next_checkup":null}"#,
    ));
    let pets: Vec<Pet> = client(&server).pets().list_pets().limit(5).await.unwrap();
    let rex = &pets[0];
    assert_eq!(
        rex.owner
            .as_ref()
            .and_then(|o: &OwnerInfo| o.email.as_deref()),
        Some("a@b.c")
    );
    assert_eq!(
        rex.parent.as_ref().map(|p| p.name.as_str()),
        Some("Max"),
        "recursive through its own file"
    );
    assert_eq!(
        rex.tags.as_ref().map(|t: &Vec<Tag>| t[0].label.as_deref()),
        Some(Some("good"))
    );
    assert_eq!(server.received()[0].query, "limit=5");

    let created = client(&server)
        .pets()
        .create_pet(Pet::new("p2".to_owned(), "Ada".to_owned(), None))
        .await
        .unwrap();
    assert_eq!(created.name, "Ada");
    let sent: serde_json::Value = serde_json::from_slice(&server.received()[1].body).unwrap();
    assert_eq!(
        sent,
        serde_json::json!({"id": "p2", "name": "Ada", "next_checkup": null})
    );
}

#[tokio::test]
async fn a_response_from_another_file_keeps_its_own_local_refs() {
    let server = TestServer::start().await;
    server.reply(Reply::json(500, r#"{"title":"broken"}"#));
    let Err(Error::Status(status)) = client(&server).pets().get_pet("p 1").await else {
        panic!("a status error")
    };
    let Some(GetPetError::Default(problem)) = status.typed() else {
        panic!("{status:?}")
    };
    assert_eq!(problem.title.as_deref(), Some("broken"));
    assert_eq!(server.single().path, "/pets/p%201");
}

/// A nullable component of another file, used through `allOf`: `null` or a value.
#[test]
fn a_nullable_component_of_another_file_through_all_of_is_an_option() {
    let none: Pet = serde_json::from_value(
        serde_json::json!({"id": "p1", "name": "Ada", "next_checkup": null}),
    )
    .unwrap();
    assert_eq!(none.next_checkup, None);
    let some: Pet = serde_json::from_value(
        serde_json::json!({"id": "p1", "name": "Ada", "next_checkup": {"at": "2026-12-24T10:00:00Z"}}),
    )
    .unwrap();
    assert_eq!(
        some.next_checkup.map(|c| c.at),
        Some("2026-12-24T10:00:00Z".to_owned())
    );
}
