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

/// A component that is an object and says `nullable: true` admits `null` wherever it is used: as
/// a required property (directly, through a `$ref` alias, through `allOf`), and as an item. A
/// value still decodes as one.
#[test]
fn a_nullable_component_is_an_option_wherever_it_is_used() {
    use fixture_nullable::types::{Issue, Milestone};
    let unassigned: Issue = serde_json::from_value(json!({
        "number": 1, "milestone": null, "assignee": null, "window": null, "labels": [null, {"title": "bug"}]
    }))
    .unwrap();
    assert_eq!(
        (unassigned.milestone, unassigned.assignee, unassigned.window),
        (None, None, None)
    );
    assert_eq!(unassigned.labels, vec![None, Some(Milestone::new("bug"))]);
    let planned: Issue = serde_json::from_value(json!({
        "number": 2, "milestone": {"title": "v1"}, "assignee": {"title": "ada"}, "window": {"title": "Q3"}, "labels": []
    }))
    .unwrap();
    assert_eq!(planned.milestone, Some(Milestone::new("v1")));
    assert_eq!(planned.window, Some(Milestone::new("Q3")));
    // Required and `None`: sent as `null`, not left out.
    let sent = serde_json::to_value(Issue::new(3, None, None, None, Vec::new())).unwrap();
    assert_eq!(
        sent,
        json!({"number": 3, "milestone": null, "assignee": null, "window": null, "labels": []})
    );
}

/// `null` where the spec does not allow it is not quietly `None`: it is drift, at its place.
#[test]
fn null_where_the_spec_does_not_allow_it_is_drift() {
    use fixture_nullable::types::Issue;
    let (issue, drift) = fixture_nullable::decode_with_drift::<Issue>(
        br#"{"number": 4, "milestone": null, "assignee": null, "window": null, "labels": [], "owner": null}"#,
    );
    assert!(issue.is_ok(), "{issue:?}");
    let places: Vec<String> = drift
        .iter()
        .map(|d| format!("{} {}", d.kind(), d.pointer()))
        .collect();
    assert_eq!(places, ["type-mismatch /owner"]);
}
