//! The generated client on the wire: real requests to a real HTTP server on loopback, checked on
//! the server side (method, path, query, headers, body, and the signature recomputed from the
//! raw request).

mod drift;
mod escape_hatches;
mod hostile;
mod models;
mod pagination;
mod requests;
mod responses;
mod retries;
mod secrets;
mod server;
mod signature;
mod test_server;
mod vectors;

use zephr_admin::Client;

/// A client for `server` that signs with the test key pair.
pub fn client(server: &server::TestServer) -> Client {
    Client::builder()
        .base_url(server.url())
        .credentials(signature::ACCESS_KEY, signature::SECRET_KEY)
        .build()
        .expect("client")
}
