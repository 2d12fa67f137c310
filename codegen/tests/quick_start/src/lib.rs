use zephr_admin::Client;

/// Greets a Zephr user by id: the code under test takes a client, as production code would.
pub async fn greeting(client: &Client, user_id: &str) -> String {
    match client.users().get_user(user_id).await {
        Ok(user) => format!("hello {}", user.user_id.unwrap_or_default()),
        Err(e) if e.is_not_found() => "who?".to_owned(),
        Err(e) => format!("failed: {e}"),
    }
}

/// The client for production: the tenant and keys from your configuration.
pub fn client(
    tenant: &str,
    access_key: &str,
    secret_key: &str,
) -> Result<Client, zephr_admin::BuildError> {
    Client::builder()
        .tenant_id(tenant) // https://<tenant>.api.zephr.com
        .credentials(access_key, secret_key) // ZEPHR-HMAC-SHA256 on every request
        .build()
}
