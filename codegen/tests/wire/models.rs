//! Open models on the wire: properties the spec does not list (tenant-defined attributes) are
//! kept when decoding, sent back when encoding, and can be set; nothing is lost in a
//! read–modify–write.

use serde_json::json;
use zephr_admin::types::{Attributes, UpdateUserAttributesBody};

use crate::client;
use crate::server::{Reply, TestServer};
use crate::signature::verify;

#[tokio::test]
async fn a_read_modify_write_keeps_what_the_spec_does_not_list() {
    let server = TestServer::start().await;
    // A tenant whose attributes are `firstname`/`lastname` (not the spec's `first_name`/`surname`),
    // plus a property of the user and one of its identifiers that the spec does not list either.
    let user = json!({
        "user_id": "UU0123456789ABCD",
        "identifiers": {"email_address": "ada@example.com", "sso_id": "x-1"},
        "attributes": {"firstname": "Ada", "lastname": "Lovelace", "newsletter": true, "first_name": "A"},
        "email_verified": true,
        "created": "2026-11-24T10:00:00Z"
    });
    server
        .reply(Reply::json(200, &user.to_string()))
        .reply(Reply::status(200));
    let client = client(&server);
    let fetched = client.users().get_user("UU0123456789ABCD").await.unwrap();
    let attributes = fetched.attributes.clone().unwrap();
    assert_eq!(attributes.first_name.as_deref(), Some("A"));
    assert_eq!(attributes.additional_properties["firstname"], "Ada");
    assert_eq!(
        fetched.identifiers.as_ref().unwrap().additional_properties["sso_id"],
        "x-1"
    );
    assert_eq!(
        fetched.additional_properties["created"],
        "2026-11-24T10:00:00Z"
    );
    assert_eq!(
        serde_json::to_value(&fetched).unwrap(),
        user,
        "a decoded user encodes back to the same JSON"
    );

    // Modify one tenant attribute and send all of them back.
    let mut body = UpdateUserAttributesBody::new();
    body.additional_properties = attributes.additional_properties.clone();
    body.additional_properties
        .insert("lastname".into(), json!("Byron"));
    client
        .users()
        .update_user_attribute("UU0123456789ABCD")
        .body(body)
        .await
        .unwrap();
    let sent = &server.received()[1];
    verify(sent);
    let sent: serde_json::Value = serde_json::from_slice(&sent.body).unwrap();
    assert_eq!(
        sent,
        json!({"firstname": "Ada", "lastname": "Byron", "newsletter": true})
    );
}

#[tokio::test]
async fn unlisted_properties_are_settable_and_declared_fields_win() {
    let server = TestServer::start().await;
    server.reply(Reply::status(200));
    let body = UpdateUserAttributesBody::new()
        .with_first_name("José")
        .with_additional_property("firstname", "José")
        .with_additional_property("consent", json!({"marketing": false}))
        // A kept property with a declared name never overrides the declared field.
        .with_additional_property("first_name", "ignored");
    client(&server)
        .users()
        .update_user_attribute("u")
        .body(body)
        .await
        .unwrap();
    let request = server.single();
    verify(&request);
    let sent: serde_json::Value = serde_json::from_slice(&request.body).unwrap();
    assert_eq!(
        sent,
        json!({"first_name": "José", "firstname": "José", "consent": {"marketing": false}})
    );
}

#[test]
fn models_are_built_with_constructors_and_setters() {
    // `#[non_exhaustive]`: no struct literals outside the crate, so a property the spec adds
    // later is not a breaking change. Fields stay public to read and change.
    let mut attributes = Attributes::default().with_first_name("Ada");
    attributes.surname = Some("Lovelace".into());
    assert_eq!(
        serde_json::to_value(&attributes).unwrap(),
        json!({"first_name": "Ada", "surname": "Lovelace"})
    );
    assert_eq!(Attributes::new(), Attributes::default());
}
