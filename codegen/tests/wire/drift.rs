//! Drift on the wire: where a response departs from the spec, the client says so (a report the
//! program reads, and in strict mode an error), without ever losing or quoting the data.

use zephr_admin::types::{Identifiers, UserCreation};
use zephr_admin::{DriftKind, Error};

use crate::client;
use crate::server::{Reply, TestServer};

/// `(kind, pointer)` of every place in the client's report, with counts.
fn report(client: &zephr_admin::Client) -> Vec<(String, u16, DriftKind, String, u64)> {
    client
        .drift_report()
        .entries()
        .iter()
        .map(|e| {
            (
                e.operation().to_owned(),
                e.status(),
                e.kind(),
                e.pointer().to_owned(),
                e.count(),
            )
        })
        .collect()
}

fn new_user() -> UserCreation {
    UserCreation::new(Identifiers::new().with_email_address("joe.blow@company.com"))
}

#[tokio::test]
async fn create_user_gives_back_the_new_user_as_the_spec_example_shows() {
    // The spec's own example of the 201: the user in `data` (the overlay's correction). Before
    // it, this decoded "successfully" into `additional_properties` and the id was lost.
    let server = TestServer::start().await;
    server.reply(Reply::json(201, r#"{"data":{"user_id":"123456789ABCD","identifiers":{"email_address":"joe.blow@company.com"},"attributes":{"first_name":"Joe","surname":"Blow","newsletter":true},"email_verified":true}}"#));
    let client = client(&server);
    let created = client
        .users()
        .create_user(new_user())
        .strict(true)
        .await
        .unwrap();
    let user = created.data.expect("the new user");
    assert_eq!(user.user_id.as_deref(), Some("123456789ABCD"));
    // Tenant-defined attributes are open by design: kept, and not drift.
    assert_eq!(
        user.attributes.unwrap().additional_properties["newsletter"],
        true
    );
    assert!(client.drift_report().is_empty());
}

#[tokio::test]
async fn each_kind_of_drift_is_reported_where_it_happens() {
    let server = TestServer::start().await;
    let client = client(&server);
    // A property the schema does not declare.
    server.reply(Reply::json(
        200,
        r#"{"user_id":"U1","loyalty_tier":"gold"}"#,
    ));
    let user = client.users().get_user("U1").await.unwrap();
    assert_eq!(user.additional_properties["loyalty_tier"], "gold", "kept");
    // A body that shares nothing with its schema: another shape.
    server.reply(Reply::json(200, r#"{"user":{"user_id":"U2"}}"#));
    client.users().get_user("U2").await.unwrap();
    // An enum value the spec does not list, inside a list.
    server.reply(Reply::json(
        200,
        r#"{"results":[{"grantId":"g1","expiry_state":"frozen"}]}"#,
    ));
    client.grants().list_user_grants("U1").await.unwrap();
    // A status the operation does not document (getUser documents 200 and 404).
    server.reply(Reply::json(203, r#"{"user_id":"U3"}"#));
    client.users().get_user("U3").await.unwrap();
    // A value of another type: the decode fails, and says where.
    server.reply(Reply::json(
        200,
        r#"{"user_id":"U4","email_verified":"yes"}"#,
    ));
    let error = client.users().get_user("U4").await.unwrap_err();
    assert!(matches!(error, Error::Decode(_)), "{error}");
    assert_eq!(
        error
            .drift()
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>(),
        ["type-mismatch at /email_verified"]
    );

    let places = report(&client);
    let expected = [
        (
            "getUser",
            200,
            DriftKind::UndeclaredProperty,
            "/loyalty_tier",
            1,
        ),
        ("getUser", 200, DriftKind::UndeclaredProperty, "/user", 1),
        ("getUser", 200, DriftKind::NoDeclaredProperty, "", 1),
        (
            "getUser",
            200,
            DriftKind::TypeMismatch,
            "/email_verified",
            1,
        ),
        ("getUser", 203, DriftKind::UndocumentedStatus, "", 1),
        (
            "listUserGrants",
            200,
            DriftKind::UnknownEnumValue,
            "/results/*/expiry_state",
            1,
        ),
    ];
    let expected: Vec<(String, u16, DriftKind, String, u64)> = expected
        .iter()
        .map(|(o, s, k, p, c)| (o.to_string(), *s, *k, p.to_string(), *c))
        .collect();
    assert_eq!(places, expected);
}

#[tokio::test]
async fn strict_mode_makes_drift_an_error_per_client_or_per_request() {
    let server = TestServer::start().await;
    let body = r#"{"user_id":"U1","identifiers":{"email_address":"private@example.com","phone":"+44 7700 900123"}}"#;
    for _ in 0..3 {
        server.reply(Reply::json(200, body));
    }
    let strict = zephr_admin::Client::builder()
        .base_url(server.url())
        .credentials(crate::signature::ACCESS_KEY, crate::signature::SECRET_KEY)
        .strict(true)
        .build()
        .unwrap();
    let error = strict.users().get_user("U1").await.unwrap_err();
    let Error::Drift(drift) = &error else {
        panic!("a drift error expected: {error:?}")
    };
    assert_eq!(drift.status(), 200);
    assert_eq!(drift.drift()[0].pointer(), "/identifiers/phone");
    // The message names the place, never the value (which may be personal data).
    let shown = format!("{error} {error:?}");
    assert!(
        shown.contains("undeclared-property at /identifiers/phone"),
        "{shown}"
    );
    assert!(
        !error.to_string().contains("+44") && !error.to_string().contains("private@"),
        "{error}"
    );
    // One request may opt out (and a lenient client's request may opt in).
    let user = strict.users().get_user("U1").strict(false).await.unwrap();
    assert_eq!(
        user.identifiers.unwrap().additional_properties["phone"],
        "+44 7700 900123"
    );
    let lenient = client(&server);
    assert!(matches!(
        lenient.users().get_user("U1").strict(true).await,
        Err(Error::Drift(_))
    ));
    assert_eq!(
        strict.drift_report().total(),
        2,
        "counted whether or not it failed"
    );
}
