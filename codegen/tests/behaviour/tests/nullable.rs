use fixture_nullable::types::Session;
use serde_json::json;

#[test]
fn a_required_nullable_field_is_sent_as_null() {
    let open = Session::new("s1", None);
    assert_eq!(
        serde_json::to_value(&open).unwrap(),
        json!({"id": "s1", "ended_at": null})
    );
    let closed: Session = serde_json::from_value(
        json!({"id": "s1", "ended_at": "2026-01-01T00:00:00Z", "note": null}),
    )
    .unwrap();
    assert_eq!(closed.ended_at.as_deref(), Some("2026-01-01T00:00:00Z"));
    assert_eq!(closed.note, None);
}
