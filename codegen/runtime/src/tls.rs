//! TLS of the default HTTP client: rustls with the `ring` crypto provider and the platform's
//! certificate verifier (`rustls-platform-verifier`, the one reqwest itself uses).
//!
//! Why not reqwest's own `rustls` feature: it brings aws-lc-rs, whose C library (`aws-lc-sys`)
//! was the largest part of a consumer's first build (BENCHMARKS.md, "A consumer's first
//! build"). ring verifies the same certificates with the same TLS versions and builds in a
//! fraction of the time. What it lacks is the post-quantum hybrid key exchange
//! (X25519MLKEM768) that aws-lc-rs offers first; ring offers X25519, P-256 and P-384. The
//! provider is given to this client only, never installed for the process: an application
//! that installs one of its own (aws-lc-rs for post-quantum key exchange or FIPS, say) keeps
//! it, and this client then uses that one too.

use std::sync::Arc;

use rustls::crypto::CryptoProvider;
use rustls_platform_verifier::BuilderVerifierExt;

/// The TLS configuration the default client is built with.
pub(crate) fn client_config() -> Result<rustls::ClientConfig, rustls::Error> {
    let provider = CryptoProvider::get_default()
        .cloned()
        .unwrap_or_else(|| Arc::new(rustls::crypto::ring::default_provider()));
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .with_platform_verifier()?
        .with_no_client_auth();
    // reqwest leaves a configuration it is given as it is: it offers what this crate speaks.
    config.alpn_protocols = if cfg!(feature = "http2") {
        vec![b"h2".to_vec(), b"http/1.1".to_vec()]
    } else {
        vec![b"http/1.1".to_vec()]
    };
    Ok(config)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_client_gets_its_provider_without_installing_one_for_the_process() {
        let config = super::client_config().expect("a TLS configuration");
        let offered: Vec<&[u8]> = config.alpn_protocols.iter().map(Vec::as_slice).collect();
        if cfg!(feature = "http2") {
            assert_eq!(offered, [&b"h2"[..], b"http/1.1"]);
        } else {
            assert_eq!(offered, [&b"http/1.1"[..]]);
        }
        assert!(
            rustls::crypto::CryptoProvider::get_default().is_none(),
            "an application's own choice of provider stays open"
        );
    }
}
