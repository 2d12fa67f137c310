use quick_start::greeting;
use zephr_admin::testing::TestServer;
use zephr_admin::types::UserResponse;

#[tokio::test]
async fn greets_known_users_and_not_others() {
    let server = TestServer::start().await; // a real HTTP server on loopback
    let client = server.client(); // pointed at it, signing with keys it accepts

    server
        .users()
        .get_user("UU01")
        .returns(UserResponse::new().with_user_id("UU01"));
    server.users().get_user("UU02").returns_status(404);

    assert_eq!(greeting(&client, "UU01").await, "hello UU01");
    assert_eq!(greeting(&client, "UU02").await, "who?");
}
