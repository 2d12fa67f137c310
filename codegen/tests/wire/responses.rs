//! What comes back: typed results per status, raw bodies, and every kind of error.

use zephr_admin::apis::component_library::GenerateThumbnailUploadUrlError;
use zephr_admin::apis::products::SaveProductsResponse;
use zephr_admin::{Error, types};

use crate::client;
use crate::server::{Reply, TestServer};

#[tokio::test]
async fn several_success_statuses_are_told_apart() {
    let server = TestServer::start().await;
    server
        .reply(Reply::json(
            200,
            r#"{"message":"updated","uri":"/v3/products/gold"}"#,
        ))
        .reply(Reply::json(201, r#"{"message":"created"}"#))
        .reply(Reply::json(202, r#"{}"#));
    let client = client(&server);
    let product = types::ProductRequest::new(
        "Gold",
        types::ProductEntitlement::default(),
        types::ProductMapping::default(),
    );
    match client
        .products()
        .save_products("gold", product.clone())
        .await
        .unwrap()
    {
        SaveProductsResponse::Ok(body) => {
            assert_eq!(body.uri.as_deref(), Some("/v3/products/gold"))
        }
        other => panic!("expected 200, got {other:?}"),
    }
    match client
        .products()
        .save_products("gold", product.clone())
        .await
        .unwrap()
    {
        SaveProductsResponse::Created(body) => assert_eq!(body.message.as_deref(), Some("created")),
        other => panic!("expected 201, got {other:?}"),
    }
    // A success status the spec does not document for this operation is not guessed at.
    let error = client
        .products()
        .save_products("gold", product.clone())
        .await
        .unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(202));
}

#[tokio::test]
async fn one_of_bodies_decode_into_the_variant_that_fits() {
    let server = TestServer::start().await;
    server
        .reply(Reply::json(
            200,
            r#"{"results":[{"grantId":"g1","expiry_state":"active"}]}"#,
        ))
        .reply(Reply::json(
            200,
            r#"[{"grantId":"g2","expiry_state":"archived-by-a-newer-server"}]"#,
        ));
    let client = client(&server);
    match client
        .grants()
        .list_user_grants("u")
        .active(true)
        .await
        .unwrap()
    {
        types::ListUserGrantsResponse::GrantsResponse(page) => {
            let grant = &page.results.unwrap()[0];
            assert_eq!(
                grant.expiry_state,
                Some(types::GrantResponseExpiryState::Active)
            );
        }
        other => panic!("expected the paged shape, got {other:?}"),
    }
    match client.grants().list_user_grants("u").await.unwrap() {
        types::ListUserGrantsResponse::ActiveGrantsResponse(grants) => {
            // A value the spec does not list does not break decoding.
            let state = grants[0].expiry_state.as_ref().unwrap();
            assert!(!state.is_known());
            assert_eq!(state.as_str(), "archived-by-a-newer-server");
        }
        other => panic!("expected the array shape, got {other:?}"),
    }
    assert_eq!(server.received()[0].query, "active=true");
}

/// The spec gives `*/*` with a JSON schema here; the overlay says it is JSON (Prism could not
/// serve it as text), so the body is decoded whatever the server calls it.
#[tokio::test]
async fn a_star_star_body_corrected_to_json_is_decoded() {
    let server = TestServer::start().await;
    server.reply(
        Reply::status(200)
            .header("content-type", "text/plain")
            .body(r#"{"message":"deleted"}"#),
    );
    let deleted = client(&server)
        .feature_rules()
        .delete_feature_rule("fr-1")
        .await
        .unwrap();
    assert_eq!(deleted.message.as_deref(), Some("deleted"));
    assert_eq!(server.single().header("accept"), Some("application/json"));
}

/// A body the spec documents only by its example (a JSON string), typed by the overlay: what
/// is not that fails to decode, with the bytes kept in the error.
#[tokio::test]
async fn a_body_typed_from_its_example_fails_loudly_on_anything_else() {
    let server = TestServer::start().await;
    server.reply(Reply::json(200, r#""Account grant revoked""#));
    server.reply(Reply::json(200, "not even json"));
    let client = client(&server);
    let revoked = client
        .grants()
        .delete_account_grant("acc", "grant")
        .await
        .unwrap();
    assert_eq!(revoked, "Account grant revoked");
    match client.grants().delete_account_grant("acc", "grant").await {
        Err(Error::Decode(e)) => assert_eq!(e.body().as_ref(), b"not even json"),
        other => panic!("expected a decode error, got {other:?}"),
    }
}

#[tokio::test]
async fn error_statuses_keep_status_headers_and_body() {
    let server = TestServer::start().await;
    server.reply(
        Reply::status(404)
            .header("x-request-id", "req-42")
            .body("no such user"),
    );
    let error = client(&server)
        .users()
        .get_user("nobody")
        .await
        .unwrap_err();
    let Error::Status(status) = &error else {
        panic!("expected a status error, got {error:?}")
    };
    assert_eq!(status.status().as_u16(), 404);
    assert_eq!(status.headers().get("x-request-id").unwrap(), "req-42");
    assert_eq!(status.text(), Some("no such user"));
    assert!(status.typed().is_none());
    assert_eq!(
        error.to_string(),
        "GET /v3/users/nobody: server answered 404 Not Found"
    );
}

#[tokio::test]
async fn documented_error_bodies_are_typed() {
    let server = TestServer::start().await;
    server
        .reply(Reply::json(400, r#"{"error":"fileName is required"}"#))
        .reply(Reply::status(401).body("<html>login</html>"));
    let client = client(&server);
    let request = types::GenerateThumbnailUploadUrlRequest::default();
    let error = client
        .component_library()
        .generate_thumbnail_upload_url(request.clone())
        .await
        .unwrap_err();
    let Error::Status(status) = error else {
        panic!("expected a status error")
    };
    match status.typed() {
        Some(GenerateThumbnailUploadUrlError::BadRequest(body)) => {
            assert_eq!(body.error.as_deref(), Some("fileName is required"))
        }
        other => panic!("expected the typed 400 body, got {other:?}"),
    }
    // A body that does not match its documented type is still kept raw.
    let error = client
        .component_library()
        .generate_thumbnail_upload_url(request.clone())
        .await
        .unwrap_err();
    let Error::Status(status) = error else {
        panic!("expected a status error")
    };
    assert!(status.typed().is_none());
    assert_eq!(status.text(), Some("<html>login</html>"));
    // Errors of different operations fit one type.
    let _: Error = Error::Status(status).into_untyped();
}

#[tokio::test]
async fn undecodable_success_bodies_say_where_decoding_failed() {
    let server = TestServer::start().await;
    server
        .reply(Reply::json(200, r#"[{"grantId":7}]"#))
        .reply(
            Reply::status(200)
                .header("content-type", "text/html")
                .body("<html>maintenance</html>"),
        )
        .reply(Reply::status(200));
    let client = client(&server);
    let error = client
        .grants()
        .list_account_grants("acc")
        .await
        .unwrap_err();
    let Error::Decode(decode) = &error else {
        panic!("expected a decode error, got {error:?}")
    };
    assert_eq!(decode.location(), "[0].grantId");
    assert_eq!(&decode.body()[..], br#"[{"grantId":7}]"#);
    assert!(error.to_string().contains("at `[0].grantId`"), "{error}");
    for _ in 0..2 {
        let error = client
            .grants()
            .list_account_grants("acc")
            .await
            .unwrap_err();
        assert!(matches!(error, Error::Decode(_)), "{error:?}");
    }
}

#[tokio::test]
async fn unknown_fields_are_ignored() {
    let server = TestServer::start().await;
    server.reply(Reply::json(
        200,
        r#"{"user_id":"u","account_id":"a","brand_new_field":{"x":[1,2]}}"#,
    ));
    let user = client(&server)
        .account_user()
        .retrieve_account_user("a", "u")
        .await
        .unwrap();
    assert_eq!(user.user_id.as_deref(), Some("u"));
}

#[tokio::test]
async fn timeouts_and_refused_connections_are_transport_errors() {
    let server = TestServer::start().await;
    server.reply(Reply::json(200, "{}").delay(std::time::Duration::from_secs(5)));
    let slow = zephr_admin::Client::builder()
        .base_url(server.url())
        .without_signing()
        .timeout(std::time::Duration::from_millis(200))
        .build()
        .unwrap();
    let error = slow.bundle().list_bundles().await.unwrap_err();
    let Error::Transport(transport) = &error else {
        panic!("expected a transport error, got {error:?}")
    };
    assert!(transport.is_timeout(), "{error}");

    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let nowhere = zephr_admin::Client::builder()
        .base_url(format!("http://{closed}"))
        .without_signing()
        .build()
        .unwrap();
    let error = nowhere.bundle().list_bundles().await.unwrap_err();
    let Error::Transport(transport) = &error else {
        panic!("expected a transport error, got {error:?}")
    };
    assert!(transport.is_connect(), "{error}");
    assert!(
        error
            .to_string()
            .starts_with("GET /v3/bundles: request failed"),
        "{error}"
    );
}

#[tokio::test]
async fn decode_errors_locate_the_failing_value_at_any_depth() {
    let cases: [(&str, &str); 6] = [
        (r#"[{"grantId":7}]"#, "[0].grantId"),
        (r#"[{"entitlement_type":"bundle"}]"#, "[0]"),
        (
            r#"[{"entitlement_type":"bundle","entitlement_id":"e","product_id":"p"},
                {"entitlement_type":"bundle","entitlement_id":"e","product_id":"p","note":"a \"quoted\" ] }","startTime":[]}]"#,
            "[1].startTime",
        ),
        (r#"[] trailing"#, "."),
        (r#"{"results":[]}"#, "."),
        (
            r#"[{"entitlement_type":"bundle","entitlement_id":"e","product_id":"p","expiry_state":{"x\"y":[1,2]}}]"#,
            "[0].expiry_state",
        ),
    ];
    let server = TestServer::start().await;
    for (body, _) in cases {
        server.reply(Reply::json(200, body));
    }
    let client = client(&server);
    for (body, location) in cases {
        let error = client
            .grants()
            .list_account_grants("acc")
            .await
            .unwrap_err();
        let Error::Decode(decode) = &error else {
            panic!("{body}: expected a decode error, got {error:?}")
        };
        assert_eq!(decode.location(), location, "{body}: {error}");
        assert_eq!(decode.body().as_ref(), body.as_bytes());
    }
    // Nested objects and arrays, through a model with optional fields at every level.
    server.reply(Reply::json(
        200,
        r#"{"results":[{"id":"b"},{"includes":{"entitlements":["a",{"k\"ey":1}]}}]}"#,
    ));
    let error = client.bundle().list_bundles().await.unwrap_err();
    let Error::Decode(decode) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(decode.location(), "results[1].includes.entitlements[1]");
}
