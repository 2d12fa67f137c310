use crate::server::{Reply, TestServer};
use fixture_defects::apis::widgets::{GetLabelError, PutWidgetError};
use fixture_defects::types::{Conflict, EnvelopeData, Widget};
use fixture_defects::{Client, Error};

fn client(server: &TestServer) -> Client {
    Client::builder().base_url(server.url()).build().unwrap()
}

#[tokio::test]
async fn an_undeclared_path_variable_is_a_required_string_sent_in_its_place() {
    let server = TestServer::start().await;
    server.reply(Reply::json(200, r#"{"name":"bolt","weight":2.5}"#));
    let part: EnvelopeData = client(&server)
        .widgets()
        .get_part("w1", "left bolt/2")
        .await
        .unwrap();
    assert_eq!(part.name, "bolt");
    assert_eq!(server.single().path, "/widgets/w1/parts/left%20bolt%2F2");
}

#[tokio::test]
async fn a_request_body_used_as_a_response_decodes_as_that_body() {
    let server = TestServer::start().await;
    server.reply(Reply::json(200, r#"{"id":"w1","size":3}"#));
    let widget: Widget = client(&server)
        .widgets()
        .put_widget("w1", Widget::new("w1".to_owned()).with_size(3))
        .await
        .unwrap();
    assert_eq!((widget.id.as_str(), widget.size), ("w1", Some(3)));
}

#[tokio::test]
async fn one_shape_referenced_from_inside_two_components_is_one_type() {
    let server = TestServer::start().await;
    server
        .reply(Reply::json(409, r#"{"reason":"stale"}"#))
        .reply(Reply::json(409, r#"{"reason":"gone"}"#));
    // The response component's own schema and a `$ref` into it: both are `Conflict`.
    let Err(Error::Status(status)) = client(&server)
        .widgets()
        .put_widget("w1", Widget::new("w1".to_owned()))
        .await
    else {
        panic!("a status error")
    };
    let Some(PutWidgetError::Conflict(first)) = status.typed() else {
        panic!("{status:?}")
    };
    let Err(Error::Status(status)) = client(&server).widgets().get_label("w1").await else {
        panic!("a status error")
    };
    let Some(GetLabelError::Conflict(second)) = status.typed() else {
        panic!("{status:?}")
    };
    let both: [&Conflict; 2] = [first, second];
    assert_eq!(both.map(|c| c.reason.as_str()), ["stale", "gone"]);
    // The parameter came from inside another operation, and is sent the same way.
    assert_eq!(server.received()[1].path, "/widgets/w1/label");
}
