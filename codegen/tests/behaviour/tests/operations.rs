use crate::server::{Reply, TestServer};
use fixture_operations::apis::widgets::{ListWidgetsError, PostWidgetsResponse};
use fixture_operations::types::{Widget, WidgetColour};
use fixture_operations::{Client, Error};

fn client(server: &TestServer) -> Client {
    Client::builder()
        .base_url(server.url())
        .bearer_token("tok-1")
        .build()
        .unwrap()
}

#[test]
fn server_variables_fill_the_url_template() {
    // A variable nobody set is an error that says what to set, not the spec's default.
    let unset = Client::builder()
        .bearer_token("t")
        .build()
        .unwrap_err()
        .to_string();
    assert!(
        unset.contains("`region`")
            && unset.contains(".region(…)")
            && unset.contains("default_server_variables"),
        "{unset}"
    );
    let half = Client::builder()
        .region("us")
        .bearer_token("t")
        .build()
        .unwrap_err()
        .to_string();
    assert!(
        half.contains("`base`") && half.contains(".base(…)"),
        "{half}"
    );
    let default = Client::builder()
        .default_server_variables()
        .bearer_token("t")
        .build()
        .unwrap();
    assert_eq!(default.base_url(), "https://eu.api.example.com/v1");
    let mixed = Client::builder()
        .default_server_variables()
        .region("us")
        .bearer_token("t")
        .build()
        .unwrap();
    assert_eq!(mixed.base_url(), "https://us.api.example.com/v1");
    let us = Client::builder()
        .region("us")
        .base("v2")
        .bearer_token("t")
        .build()
        .unwrap();
    assert_eq!(us.base_url(), "https://us.api.example.com/v2");
    let error = Client::builder()
        .region("mars")
        .bearer_token("t")
        .build()
        .unwrap_err();
    assert!(error.to_string().contains("region"), "{error}");
}

#[tokio::test]
async fn every_parameter_location_goes_on_the_wire() {
    let server = TestServer::start().await;
    server.reply(Reply::json(200, r#"[{"name":"w","colour":"red"}]"#));
    let widgets = client(&server)
        .widgets()
        .list_widgets(10)
        .filter_colour("red & blue")
        .ids([1, 2])
        .tags(["a", "b"])
        .x_trace_id("trace-1")
        .session("s=1")
        .await
        .unwrap();
    assert_eq!(widgets[0].colour, Some(WidgetColour::Red));
    let request = server.single();
    assert_eq!(request.path, "/widgets");
    assert_eq!(
        request.query,
        "filter%5Bcolour%5D=red%20%26%20blue&ids=1&ids=2&tags=a%2Cb&limit=10"
    );
    assert_eq!(request.header("x-trace-id"), Some("trace-1"));
    assert_eq!(request.header("cookie"), Some("session=s%3D1"));
    assert_eq!(request.header("authorization"), Some("Bearer tok-1"));
}

#[tokio::test]
async fn several_success_bodies_and_typed_errors() {
    let server = TestServer::start().await;
    server
        .reply(Reply::json(201, r#"{"id":"w-9"}"#))
        .reply(Reply::status(204))
        .reply(Reply::json(400, r#"{"message":"bad colour"}"#))
        .reply(Reply::json(503, r#"{"message":"later"}"#));
    let client = client(&server);
    let widget = Widget::new("w");
    match client.widgets().post_widgets(widget.clone()).await.unwrap() {
        PostWidgetsResponse::Created(created) => assert_eq!(created.id.as_deref(), Some("w-9")),
        other => panic!("{other:?}"),
    }
    assert_eq!(
        client.widgets().post_widgets(widget.clone()).await.unwrap(),
        PostWidgetsResponse::NoContent
    );
    assert_eq!(server.received()[0].body.as_ref(), br#"{"name":"w"}"#);
    for expected in [400, 503] {
        let Err(Error::Status(status)) = client.widgets().list_widgets(1).await else {
            panic!("a status error")
        };
        assert_eq!(status.status().as_u16(), expected);
        match (expected, status.typed()) {
            (400, Some(ListWidgetsError::BadRequest(p))) => {
                assert_eq!(p.message.as_deref(), Some("bad colour"))
            }
            (503, Some(ListWidgetsError::Default(p))) => {
                assert_eq!(p.message.as_deref(), Some("later"))
            }
            (_, other) => panic!("{expected}: {other:?}"),
        }
    }
}

#[tokio::test]
async fn raw_bodies_path_parameters_and_unsigned_operations() {
    let server = TestServer::start().await;
    server
        .reply(
            Reply::status(200)
                .header("content-type", "application/octet-stream")
                .body(r#"{"name":"p"}"#),
        )
        .reply(Reply::status(200).body("gone"))
        .reply(
            Reply::status(200)
                .header("content-type", "text/plain")
                .body("up"),
        );
    let client = client(&server);
    let part = client
        .widgets()
        .get_widgets_parts_by_part_id("w/1", 7)
        .await
        .unwrap();
    assert_eq!(part.parse().unwrap().name, "p");
    let deleted = client
        .widgets()
        .delete_widgets_parts_by_part_id("w", 8)
        .await
        .unwrap();
    assert_eq!(deleted.text().unwrap(), "gone");
    assert_eq!(
        client.other().get_health().await.unwrap().text().unwrap(),
        "up"
    );
    let received = server.received();
    assert_eq!(received[0].path, "/widgets/w%2F1/parts/7");
    assert_eq!(received[0].header("accept"), Some("*/*"));
    assert_eq!(received[1].method, "DELETE");
    assert_eq!(received[2].header("authorization"), None, "`security: []`");
}

#[tokio::test]
async fn the_test_server_stubs_every_parameter_location_and_checks_the_bearer_token() {
    use fixture_operations::testing::TestServer;
    let server = TestServer::start().await;
    let widgets = vec![Widget::new("w").with_colour(WidgetColour::Red)];
    // The stub takes the client method's arguments and setters: what the request must match.
    let _ = server
        .widgets()
        .list_widgets(10)
        .filter_colour("red & blue")
        .ids([1, 2])
        .tags(["a", "b"])
        .x_trace_id("trace-1")
        .returns(widgets.clone());
    let got = server
        .client()
        .widgets()
        .list_widgets(10)
        .filter_colour("red & blue")
        .ids([1, 2])
        .tags(["a", "b"])
        .x_trace_id("trace-1")
        .await
        .unwrap();
    assert_eq!(got, widgets);
    // Several success statuses: the variant says which one the stub answers with.
    let created = fixture_operations::types::PostWidgetsCreatedBody::new().with_id("w-9");
    let _ = server
        .widgets()
        .post_widgets(Widget::new("w"))
        .returns(PostWidgetsResponse::Created(created.clone()));
    assert_eq!(
        server
            .client()
            .widgets()
            .post_widgets(Widget::new("w"))
            .await
            .unwrap(),
        PostWidgetsResponse::Created(created)
    );
    assert_eq!(
        server.received().widgets().post_widgets(),
        vec![Widget::new("w")]
    );
    // A typed error body, with its status.
    let _ = server
        .widgets()
        .list_widgets(99)
        .returns_error(ListWidgetsError::BadRequest(
            fixture_operations::types::Problem::new().with_message("no"),
        ));
    let Err(Error::Status(status)) = server.client().widgets().list_widgets(99).await else {
        panic!("a status error")
    };
    assert_eq!(status.status(), 400);
    // The bearer token is checked.
    let stranger = Client::builder()
        .base_url(server.base_url())
        .bearer_token("not-it")
        .build()
        .unwrap();
    assert_eq!(
        stranger
            .widgets()
            .list_widgets(10)
            .await
            .unwrap_err()
            .status()
            .map(|s| s.as_u16()),
        Some(401)
    );
}
