//! The generated crate's own test server (feature `testing`), used as its users use it: typed
//! stubs, the spec's examples, signatures checked, requests recorded, faults. Every request it
//! accepted is also checked by this suite's hand-written verifier (`signature.rs`), which shares
//! no code with the client's signer or the server's checker.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use zephr_admin::reqwest::Method;
use zephr_admin::reqwest::header::HeaderValue;
use zephr_admin::testing::{AuthFailure, Fault, SignatureCheck, TestServer};
use zephr_admin::types::{Identifiers, UserCreation, UserResponse};
use zephr_admin::{
    Error, RequestSigner, RetryPolicy, SignableRequest, SigningError, ZephrHmacSigner,
};

use crate::server::Received;
use crate::signature::verify_with;

/// The recorded request as the hand-written verifier reads it.
fn received(request: &zephr_admin::testing::Recorded) -> Received {
    Received {
        method: request.method().to_owned(),
        path: request.path().to_owned(),
        query: request.query().to_owned(),
        headers: request.headers().clone(),
        body: request.body().clone(),
    }
}

/// Every accepted request, verified independently.
fn verify_all(server: &TestServer) {
    let credentials = server.credentials();
    for request in server
        .requests()
        .iter()
        .filter(|r| r.signature() == SignatureCheck::Valid)
    {
        verify_with(
            &received(request),
            credentials.access_key(),
            credentials.secret(),
        );
    }
}

fn user(id: &str) -> UserResponse {
    UserResponse::new()
        .with_user_id(id)
        .with_email_verified(true)
}

#[tokio::test]
async fn stubs_are_typed_and_named_like_the_client() {
    let server = TestServer::start().await;
    let client = server.client();
    // A registered stub's handle may be dropped: no `let _ =` (the crate's tests deny warnings).
    server.users().get_user("UU01").returns(user("UU01"));
    server.users().get_user("UU02").returns_status(404);
    let _ = server
        .users()
        .list_users()
        .search("ada")
        .returns(Default::default());
    assert_eq!(
        client
            .users()
            .get_user("UU01")
            .await
            .unwrap()
            .user_id
            .as_deref(),
        Some("UU01")
    );
    assert!(
        client
            .users()
            .get_user("UU02")
            .await
            .unwrap_err()
            .is_not_found()
    );
    assert!(
        client
            .users()
            .list_users()
            .search("ada")
            .await
            .unwrap()
            .results
            .is_none()
    );
    verify_all(&server);
    assert!(
        server
            .requests()
            .iter()
            .all(|r| r.signature() == SignatureCheck::Valid)
    );
}

#[tokio::test]
async fn a_sequence_of_answers_tests_the_clients_retries() {
    let server = TestServer::start().await;
    let stub = server
        .users()
        .get_user("UU01")
        .returns_status(429)
        .header("retry-after", 0)
        .then_returns(user("UU01"));
    let client = server
        .client_builder()
        .retry(RetryPolicy::new(2).initial_backoff(Duration::from_millis(5)))
        .build()
        .unwrap();
    let got = client.users().get_user("UU01").await.unwrap();
    assert_eq!(got.user_id.as_deref(), Some("UU01"));
    assert_eq!(stub.calls(), 2);
    // A limited stub stops matching; a delayed one takes its time.
    let once = server
        .users()
        .get_user("UU03")
        .times(1)
        .returns(user("UU03"));
    client.users().get_user("UU03").await.unwrap();
    server.allow_unmatched();
    assert!(
        client
            .users()
            .get_user("UU03")
            .await
            .unwrap_err()
            .status()
            .is_some_and(|s| s == 404)
    );
    assert_eq!(once.calls(), 1);
    let _ = server
        .users()
        .get_user("UU04")
        .returns(user("UU04"))
        .delay(Duration::from_millis(200));
    let slow = client
        .users()
        .get_user("UU04")
        .timeout(Duration::from_millis(50))
        .no_retry()
        .await
        .unwrap_err();
    assert!(
        matches!(&slow, Error::Transport(e) if e.is_timeout()),
        "{slow}"
    );
    verify_all(&server);
}

#[tokio::test]
async fn typed_errors_and_recorded_bodies_round_trip() {
    let server = TestServer::start().await;
    let client = server.client();
    let sent = UserCreation::new(Identifiers::new().with_email_address("joe@example.com"));
    client.users().create_user(sent.clone()).await.unwrap();
    assert_eq!(
        server.received().users().create_user(),
        vec![sent],
        "the body the code under test sent, typed"
    );
    let error = zephr_admin::types::UpdateBulkUsersBadRequestBody::new();
    let _ = server.users().update_bulk_users().returns_error(
        zephr_admin::apis::users::UpdateBulkUsersError::BadRequest(error),
    );
    let Err(Error::Status(status)) = client.users().update_bulk_users().await else {
        panic!("a 400")
    };
    assert_eq!(status.status(), 400);
    assert!(matches!(
        status.typed(),
        Some(zephr_admin::apis::users::UpdateBulkUsersError::BadRequest(
            _
        ))
    ));
}

#[tokio::test]
async fn an_unstubbed_operation_answers_with_its_example_unless_the_server_is_strict() {
    let server = TestServer::start().await;
    // createUser's documented 201 example: the user in `data` (the overlay's correction).
    let created = server
        .client()
        .users()
        .create_user(UserCreation::new(Identifiers::new()))
        .await
        .unwrap();
    assert_eq!(
        created.data.unwrap().user_id.as_deref(),
        Some("123456789ABCD")
    );
    let strict = TestServer::builder().strict().start().await;
    strict.allow_unmatched();
    let error = strict.client().users().get_user("UU01").await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(501));
    let unmatched = strict.unmatched();
    assert!(
        unmatched[0].contains("getUser") && unmatched[0].contains("no stub"),
        "{unmatched:?}"
    );
}

#[tokio::test]
async fn a_request_that_matches_nothing_says_what_to_fix() {
    let server = TestServer::start().await;
    let _ = server.users().get_user("UU01").returns(user("UU01"));
    let error = server.client().users().get_user("UU09").await.unwrap_err();
    let body = String::from_utf8_lossy(error.body().unwrap()).into_owned();
    assert!(
        body.contains("path parameter `user_id`: expected `UU01`, got `UU09`"),
        "{body}"
    );
    let failed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || drop(server)));
    let message = *failed
        .expect_err("dropping the server fails the test")
        .downcast::<String>()
        .unwrap();
    assert!(
        message.contains("GET /v3/users/{user_id} (getUser): no stub matches"),
        "{message}"
    );
}

/// Signs like Zephr's signer, but with a fixed nonce or a timestamp of the past.
#[derive(Debug)]
struct Forged {
    signer: ZephrHmacSigner,
    nonce: &'static str,
    age: Duration,
}

impl RequestSigner for Forged {
    fn sign(&self, request: &mut SignableRequest<'_>) -> Result<(), SigningError> {
        let then = SystemTime::now() - self.age;
        let timestamp = then
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_millis()
            .to_string();
        let value = self.signer.authorization(
            request.method().as_str(),
            request.path(),
            request.query(),
            request.body(),
            &timestamp,
            self.nonce,
        );
        request
            .headers_mut()
            .insert("authorization", HeaderValue::from_str(&value).unwrap());
        Ok(())
    }
}

#[tokio::test]
async fn wrong_secrets_replays_and_skewed_clocks_are_refused_as_the_api_would() {
    let server = TestServer::start().await;
    let credentials = server.credentials().clone();
    let with = |signer: Forged| {
        zephr_admin::Client::builder()
            .base_url(server.base_url())
            .signer(signer)
            .build()
            .unwrap()
    };
    let key = |secret: &str| ZephrHmacSigner::new(credentials.access_key(), secret);
    let refused = |error: Error, reason: &str| {
        assert_eq!(error.status().map(|s| s.as_u16()), Some(401), "{error}");
        let body = String::from_utf8_lossy(error.body().unwrap()).into_owned();
        assert!(body.contains(reason), "{body}");
    };
    let wrong = with(Forged {
        signer: key("not the secret"),
        nonce: "n-1",
        age: Duration::ZERO,
    });
    refused(
        wrong.users().get_user("UU01").await.unwrap_err(),
        "wrong-signature",
    );
    let replaying = with(Forged {
        signer: key(credentials.secret()),
        nonce: "n-2",
        age: Duration::ZERO,
    });
    replaying.users().get_user("UU01").await.unwrap();
    refused(
        replaying.users().get_user("UU01").await.unwrap_err(),
        "replayed-nonce",
    );
    let late = with(Forged {
        signer: key(credentials.secret()),
        nonce: "n-3",
        age: Duration::from_secs(3600),
    });
    refused(
        late.users().get_user("UU01").await.unwrap_err(),
        "clock-skew",
    );
    let unsigned = zephr_admin::Client::builder()
        .base_url(server.base_url())
        .without_signing()
        .build()
        .unwrap();
    refused(
        unsigned.users().get_user("UU01").await.unwrap_err(),
        "missing-credentials",
    );
    let verdicts: Vec<SignatureCheck> = server.requests().iter().map(|r| r.signature()).collect();
    use AuthFailure::*;
    assert_eq!(
        verdicts,
        [WrongSignature, ReplayedNonce, ClockSkew, Missing]
            .iter()
            .fold(vec![], |mut v, f| {
                if *f == ReplayedNonce {
                    v.push(SignatureCheck::Valid);
                }
                v.push(SignatureCheck::Refused(*f));
                v
            })
    );
    verify_all(&server);
}

#[tokio::test]
async fn faults_reach_the_clients_error_kinds() {
    let server = TestServer::start().await;
    let body = serde_json::to_vec(&user("UU01")).unwrap();
    let _ = server
        .users()
        .get_user("reset")
        .fault(200, body.clone(), Fault::Reset);
    let _ = server
        .users()
        .get_user("cut")
        .fault(200, body.clone(), Fault::Truncated);
    let _ = server.users().get_user("slow").fault(
        200,
        body.clone(),
        Fault::Trickle {
            chunk: 2,
            every: Duration::from_millis(100),
        },
    );
    let _ = server
        .users()
        .get_user("huge")
        .fault(200, "", Fault::Oversized { bytes: 8 << 20 });
    let _ = server.users().get_user("down").returns_status(503);
    let _ = server
        .users()
        .get_user("moved")
        .returns_status(302)
        .header("location", "/v3/users/elsewhere");
    let client = server
        .client_builder()
        .max_response_bytes(1 << 20)
        .build()
        .unwrap();
    let get = |id: &'static str| client.users().get_user(id);
    assert!(matches!(get("reset").await, Err(Error::Transport(_))));
    assert!(matches!(get("cut").await, Err(Error::Decode(_))));
    let slow = get("slow")
        .timeout(Duration::from_millis(300))
        .await
        .unwrap_err();
    assert!(
        matches!(&slow, Error::Transport(e) if e.is_timeout())
            && slow.to_string().contains("timed out"),
        "{slow}"
    );
    assert!(matches!(get("huge").await, Err(Error::Transport(e)) if e.is_body_too_large()));
    assert_eq!(
        get("down").await.unwrap_err().status().map(|s| s.as_u16()),
        Some(503)
    );
    let moved = get("moved").await.unwrap_err();
    assert_eq!(
        moved
            .response()
            .and_then(|r| r.headers().get("location"))
            .and_then(|v| v.to_str().ok()),
        Some("/v3/users/elsewhere")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_hundred_tests_each_with_their_own_server_run_in_parallel() {
    let tasks: Vec<_> = (0..200)
        .map(|i| {
            tokio::spawn(async move {
                let server = TestServer::start().await;
                let id = format!("UU{i:03}");
                let _ = server.users().get_user(id.clone()).returns(user(&id));
                let got = server.client().users().get_user(id.clone()).await.unwrap();
                assert_eq!(got.user_id, Some(id));
                assert_eq!(
                    server.requests().len(),
                    1,
                    "no server sees another's requests"
                );
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap();
    }
}

#[tokio::test]
async fn an_untyped_stub_reaches_any_operation() {
    let server = TestServer::start().await;
    let _ = server
        .operation("getUser")
        .path_param("user_id", "UU01")
        .returns_json(200, &serde_json::json!({"user_id": "UU01"}));
    let raw = server
        .client()
        .request(Method::GET, "/v3/users/UU01")
        .send_json::<serde_json::Value>()
        .await
        .unwrap();
    assert_eq!(raw["user_id"], "UU01");
}
