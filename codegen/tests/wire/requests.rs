//! What goes on the wire for representative operations.

use zephr_admin::types;

use crate::client;
use crate::server::{Reply, TestServer};
use crate::signature::verify;

#[tokio::test]
async fn get_with_escaped_path_parameters() {
    let server = TestServer::start().await;
    server.reply(Reply::json(
        200,
        r#"{"user_id":"u","account_id":"acc 1/2"}"#,
    ));
    let user = client(&server)
        .account_user()
        .retrieve_account_user("acc 1/2", "UU0123456789ABCD")
        .await
        .unwrap();
    assert_eq!(user.account_id.as_deref(), Some("acc 1/2"));
    let request = server.single();
    assert_eq!(request.method, "GET");
    assert_eq!(
        request.path,
        "/v3/accounts/acc%201%2F2/users/UU0123456789ABCD"
    );
    assert_eq!(request.query, "");
    assert_eq!(request.header("accept"), Some("application/json"));
    assert!(request.body.is_empty());
    verify(&request);
}

#[tokio::test]
async fn path_parameters_cannot_leave_their_segment() {
    let server = TestServer::start().await;
    let client = client(&server);
    for bad in ["", ".", ".."] {
        let error = client
            .account_user()
            .retrieve_account_user(bad, "u")
            .await
            .unwrap_err();
        assert!(
            matches!(error, zephr_admin::Error::InvalidRequest(_)),
            "{bad:?}: {error}"
        );
    }
    // Reserved characters are encoded, never interpreted.
    client
        .account_user()
        .retrieve_account_user("../admin?x=1#y", "u")
        .await
        .unwrap();
    assert_eq!(
        server.single().path,
        "/v3/accounts/..%2Fadmin%3Fx%3D1%23y/users/u"
    );
}

#[tokio::test]
async fn delete_with_bracketed_query_names_and_204() {
    let server = TestServer::start().await;
    server.reply(Reply::status(204));
    client(&server)
        .users()
        .delete_user_by_primary_or_foreign_key()
        .foreign_system("zephr")
        .foreign_key("alexuser-12345")
        .await
        .unwrap();
    let request = server.single();
    assert_eq!(request.method, "DELETE");
    assert_eq!(request.path, "/zephr/integration/users/v1/users");
    // The wire names are kept exactly (and percent-encoded); `primary_id` is unset, so absent.
    assert_eq!(
        request.query,
        "foreign%5Bsystem%5D=zephr&foreign%5Bkey%5D=alexuser-12345"
    );
    verify(&request);
}

#[tokio::test]
async fn query_values_are_percent_encoded_and_dotted_names_kept() {
    let server = TestServer::start().await;
    server.reply(Reply::json(200, r#"{"results":[]}"#));
    client(&server)
        .users()
        .list_users()
        .identifiers_email_address("josé@example.com")
        .identifiers_username("a b&c=d")
        .search("My account")
        // `foreign_key.<system>`, which the spec can only show as a placeholder.
        .query("foreign_key.my_fk", "k+1")
        .await
        .unwrap();
    let request = server.single();
    assert_eq!(
        request.query,
        "identifiers.email_address=jos%C3%A9%40example.com&identifiers.username=a%20b%26c%3Dd&search=My%20account&foreign_key.my_fk=k%2B1"
    );
    verify(&request);
}

#[tokio::test]
async fn a_search_by_email_alone_sends_only_that_filter() {
    let server = TestServer::start().await;
    server.reply(Reply::json(200, r#"{"results":[]}"#));
    client(&server)
        .users()
        .list_users()
        .identifiers_email_address("ada@example.com")
        .await
        .unwrap();
    assert_eq!(
        server.single().query,
        "identifiers.email_address=ada%40example.com"
    );
}

#[tokio::test]
async fn encoded_parameters_go_out_exactly_once_encoded() {
    use zephr_admin::types::{AttributeSearchFilter, AttributeSearchFilterOperator};
    let server = TestServer::start().await;
    for _ in 0..3 {
        server.reply(Reply::json(200, r#"{"results":[]}"#));
    }
    let client = client(&server);
    let users = client.users();
    // Text encoded already is sent exactly as given (it was encoded twice: `W10%253D`).
    users
        .list_users()
        .search_by_attributes_encoded("W10%3D")
        .await
        .unwrap();
    // The typed setter does what the spec says: JSON, Base64, then percent-encoding.
    users
        .list_users()
        .search_by_attributes(Vec::new())
        .await
        .unwrap();
    let filter = AttributeSearchFilter::new()
        .with_slug("subscriber-id")
        .with_operator(AttributeSearchFilterOperator::Is)
        .with_value("123456");
    users
        .list_users()
        .search_by_attributes(vec![filter])
        .await
        .unwrap();
    let queries: Vec<String> = server.received().iter().map(|r| r.query.clone()).collect();
    assert_eq!(queries[0], "search_by_attributes=W10%3D");
    assert_eq!(queries[1], "search_by_attributes=W10%3D");
    // base64(`[{"slug":"subscriber-id","operator":"is","value":"123456"}]`), then encoded.
    assert_eq!(
        queries[2],
        "search_by_attributes=W3sic2x1ZyI6InN1YnNjcmliZXItaWQiLCJvcGVyYXRvciI6ImlzIiwidmFsdWUiOiIxMjM0NTYifV0%3D"
    );
    for request in server.received() {
        verify(&request);
    }
    // Text that is not a valid query value is refused, not sent.
    let error = users
        .list_users()
        .search_by_attributes_encoded("a b&c=d")
        .await
        .unwrap_err();
    assert!(
        matches!(error, zephr_admin::Error::InvalidRequest(_)),
        "{error:?}"
    );
    assert_eq!(server.received().len(), 3);
}

#[tokio::test]
async fn post_with_json_body() {
    let server = TestServer::start().await;
    server.reply(Reply::json(201, r#"{"results":[]}"#));
    let mut user =
        types::UserCreation::new(types::Identifiers::new().with_email_address("josé@example.com"));
    user.attributes = Some(types::Attributes::new().with_first_name("José"));
    client(&server).users().create_user(user).await.unwrap();
    let request = server.single();
    assert_eq!(request.method, "POST");
    assert_eq!(request.path, "/v3/users");
    assert_eq!(request.header("content-type"), Some("application/json"));
    // Optional fields left `None` are not sent.
    assert_eq!(
        std::str::from_utf8(&request.body).unwrap(),
        r#"{"identifiers":{"email_address":"josé@example.com"},"attributes":{"first_name":"José"}}"#
    );
    verify(&request);
}

#[tokio::test]
async fn post_without_body() {
    let server = TestServer::start().await;
    server.reply(Reply::json(200, r#"{}"#));
    client(&server)
        .admin_user()
        .issue_key_pair("b859f5dd-8184-4d01-8bf9-e3e771f68a62")
        .await
        .unwrap();
    let request = server.single();
    assert_eq!(request.method, "POST");
    assert_eq!(
        request.path,
        "/v3/admin/users/b859f5dd-8184-4d01-8bf9-e3e771f68a62/keypairs"
    );
    assert!(request.body.is_empty());
    assert_eq!(request.header("content-type"), None);
    verify(&request);
}

#[tokio::test]
async fn put_and_patch() {
    let server = TestServer::start().await;
    server.reply(Reply::status(201)).reply(Reply::status(200));
    let client = client(&server);
    let saved = client
        .account_user()
        .save_account_user("acc", "usr")
        .await
        .unwrap();
    assert!(matches!(
        saved,
        zephr_admin::apis::account_user::SaveAccountUserResponse::Created
    ));
    let body = types::UpdateUserAttributesBody::new().with_first_name("Borge");
    client
        .users()
        .update_user_attribute("UU0123456789ABCD")
        .body(body)
        .await
        .unwrap();
    let [put, patch] = &server.received()[..] else {
        panic!("two requests expected")
    };
    assert_eq!(
        (put.method.as_str(), put.path.as_str()),
        ("PUT", "/v3/accounts/acc/users/usr")
    );
    assert_eq!(
        (patch.method.as_str(), patch.path.as_str()),
        ("PATCH", "/v3/users/UU0123456789ABCD/attributes")
    );
    assert_eq!(&patch.body[..], br#"{"first_name":"Borge"}"#);
    verify(put);
    verify(patch);
}

#[tokio::test]
async fn header_parameter() {
    let server = TestServer::start().await;
    server.reply(Reply::json(200, r#"{"message":"bye"}"#));
    client(&server)
        .admin_user()
        .log_out_admin_user_account()
        .blaize_admin_session("SESSION-123")
        .await
        .unwrap();
    let request = server.single();
    assert_eq!(request.header("blaize-admin-session"), Some("SESSION-123"));
    verify(&request);

    let error = client(&server)
        .admin_user()
        .log_out_admin_user_account()
        .blaize_admin_session("a\nb")
        .await
        .unwrap_err();
    assert!(
        matches!(error, zephr_admin::Error::InvalidRequest(_)),
        "{error}"
    );
    assert_eq!(
        server.received().len(),
        1,
        "an invalid header value is refused before sending"
    );
}

#[tokio::test]
async fn cookie_parameter() {
    let server = TestServer::start().await;
    server.reply(Reply::status(200));
    client(&server)
        .health_check()
        .get_healthchecks_origin("demo; evil=1")
        .await
        .unwrap();
    let request = server.single();
    assert_eq!(request.path, "/v3/healthchecks/origin");
    assert_eq!(
        request.header("cookie"),
        Some("tenantId=demo%3B%20evil%3D1")
    );
    verify(&request);
}

#[tokio::test]
async fn operations_without_security_are_not_signed() {
    let server = TestServer::start().await;
    server.reply(Reply::json(200, r#"{"access_token":"t","token_type":"bearer","expires_in":3600,"refresh_token":"r","scope":"s"}"#));
    let body = types::RefreshOrExchangeTokenRequest::AuthorizationCode(
        types::RefreshOrExchangeTokenRequestAuthorizationCode::new(
            "the-code",
            "https://app.test/cb",
        ),
    );
    client(&server)
        .third_party_authentication()
        .refresh_or_exchange_token()
        .body(body)
        .await
        .unwrap();
    let request = server.single();
    assert_eq!(request.header("authorization"), None);
    // The internally tagged enum writes its tag.
    let sent: serde_json::Value = serde_json::from_slice(&request.body).unwrap();
    assert_eq!(
        sent,
        serde_json::json!({"grant_type": "authorization_code", "code": "the-code", "redirect_uri": "https://app.test/cb"})
    );
}

#[tokio::test]
async fn base_url_prefix_is_part_of_the_signed_path() {
    let server = TestServer::start().await;
    let client = zephr_admin::Client::builder()
        .base_url(format!("{}/proxy/zephr/", server.url()))
        .credentials(crate::signature::ACCESS_KEY, crate::signature::SECRET_KEY)
        .build()
        .unwrap();
    server.reply(Reply::json(200, "[]"));
    client.admin_user().list_roles().await.unwrap();
    let request = server.single();
    assert_eq!(request.path, "/proxy/zephr/v3/admin/roles");
    verify(&request);
}

#[tokio::test]
async fn custom_signer_and_no_signer() {
    #[derive(Debug)]
    struct Stamp;
    impl zephr_admin::RequestSigner for Stamp {
        fn sign(
            &self,
            request: &mut zephr_admin::SignableRequest<'_>,
        ) -> Result<(), zephr_admin::SigningError> {
            let value = format!(
                "{} {} {}",
                request.method(),
                request.path(),
                request.body().len()
            );
            request
                .headers_mut()
                .insert("x-stamp", value.parse().unwrap());
            Ok(())
        }
    }
    let server = TestServer::start().await;
    let stamped = zephr_admin::Client::builder()
        .base_url(server.url())
        .signer(Stamp)
        .build()
        .unwrap();
    stamped.bundle().list_bundles().await.unwrap();
    let unsigned = zephr_admin::Client::builder()
        .base_url(server.url())
        .without_signing()
        .build()
        .unwrap();
    unsigned.bundle().list_bundles().await.unwrap();
    let [first, second] = &server.received()[..] else {
        panic!("two requests expected")
    };
    assert_eq!(first.header("x-stamp"), Some("GET /v3/bundles 0"));
    assert_eq!(first.header("authorization"), None);
    assert_eq!(second.header("x-stamp"), None);
    assert_eq!(second.header("authorization"), None);
}

#[tokio::test]
async fn user_agent_defaults_to_the_crate_and_can_be_set() {
    let server = TestServer::start().await;
    client(&server).bundle().list_bundles().await.unwrap();
    let custom = zephr_admin::Client::builder()
        .base_url(server.url())
        .without_signing()
        .user_agent("my-service/2.0")
        .build()
        .unwrap();
    custom.bundle().list_bundles().await.unwrap();
    let [first, second] = &server.received()[..] else {
        panic!("two requests expected")
    };
    assert!(
        first
            .header("user-agent")
            .unwrap()
            .starts_with("zephr-admin/")
    );
    assert_eq!(second.header("user-agent"), Some("my-service/2.0"));
}

#[test]
fn building_needs_a_signer_choice_and_a_valid_server() {
    let error = zephr_admin::Client::builder()
        .tenant_id("acme")
        .build()
        .unwrap_err();
    assert!(
        error.to_string().contains("requires signed requests"),
        "{error}"
    );
    let client = zephr_admin::Client::builder()
        .tenant_id("acme")
        .without_signing()
        .build()
        .unwrap();
    assert_eq!(client.base_url(), "https://acme.api.zephr.com");
    // No tenant chosen: an error that says what to set, never the spec's `demo` tenant.
    let error = zephr_admin::Client::builder()
        .credentials("ACCESS", "SECRET")
        .build()
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("`tenantId`")
            && error.contains(".tenant_id(…)")
            && error.contains(".base_url(…)"),
        "{error}"
    );
    assert!(
        error.contains("default_server_variables") && !error.contains("SECRET"),
        "{error}"
    );
    let default = zephr_admin::Client::builder()
        .default_server_variables()
        .without_signing()
        .build()
        .unwrap();
    assert_eq!(default.base_url(), "https://demo.api.zephr.com");
    for bad in ["evil.test/x", "a@b", "", "a b"] {
        let error = zephr_admin::Client::builder()
            .tenant_id(bad)
            .without_signing()
            .build()
            .unwrap_err();
        assert!(error.to_string().contains("tenantId"), "{bad:?}: {error}");
    }
    let error = zephr_admin::Client::builder()
        .base_url("ftp://x")
        .without_signing()
        .build()
        .unwrap_err();
    assert!(error.to_string().contains("not an http"), "{error}");
}
