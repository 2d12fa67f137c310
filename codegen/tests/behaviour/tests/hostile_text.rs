//! Spec text that tried to escape its place comes out as data: exact values in constants, enum
//! wire values and parameter names, and nothing else.

use fixture_hostile_text::types::{Thing, ThingKind};

#[test]
fn values_survive_exactly() {
    assert!(
        fixture_hostile_text::SPEC_TITLE.starts_with("Hostile\n[target.'cfg(all())'.dependencies]")
    );
    assert!(fixture_hostile_text::SPEC_TITLE.ends_with("//\u{7f}\u{202e} */ -->"));
    assert_eq!(
        fixture_hostile_text::SPEC_VERSION,
        "1.0\u{202e}\n[patch.crates-io]"
    );
    for (value, kind) in [
        ("a\u{202e}b", ThingKind::AB),
        ("\"quoted\"", ThingKind::Quoted),
        ("back\\slash", ThingKind::BackSlash),
        ("new\nline", ThingKind::NewLine),
        ("del\u{7f}", ThingKind::Del),
        ("\u{0}nul", ThingKind::Nul),
    ] {
        assert_eq!(ThingKind::from(value), kind);
        assert_eq!(kind.as_str(), value);
    }
    let thing: Thing = serde_json::from_str(r#"{"kind": "a\u202eb", "we\"ird\\": "x"}"#).unwrap();
    assert_eq!(thing.kind, Some(ThingKind::AB));
    assert_eq!(thing.we_ird.as_deref(), Some("x"));
}

#[tokio::test]
async fn wire_names_are_sent_exactly() {
    let server = crate::server::TestServer::start().await;
    server.reply(crate::server::Reply::json(200, "{}"));
    let client = fixture_hostile_text::Client::builder()
        .base_url(server.url())
        .build()
        .unwrap();
    client
        .evil_tag()
        .get_thing("x")
        .q_uote_slash("v")
        .await
        .unwrap();
    let request = server.single();
    assert_eq!(request.path, "/things/x");
    // `q"uote\slash<DEL>`, percent-encoded.
    assert_eq!(request.query, "q%22uote%5Cslash%7F=v");
}
