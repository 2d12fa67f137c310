use fixture_required_optional::types::{Account, Owner, Token};
use serde_json::json;

#[test]
fn optional_fields_start_empty_and_are_left_out() {
    let account = Account::new("a1", Owner::default());
    assert_eq!(account.label, None);
    assert_eq!(
        serde_json::to_value(&account).unwrap(),
        json!({"id": "a1", "owner": {}})
    );
    let full = account.with_label("Main").with_seats(3);
    assert_eq!(
        serde_json::to_value(&full).unwrap(),
        json!({"id": "a1", "owner": {}, "label": "Main", "seats": 3})
    );
}

#[test]
fn required_fields_must_be_present_and_unknown_ones_are_kept() {
    let missing = serde_json::from_value::<Account>(json!({"owner": {}})).unwrap_err();
    assert_eq!(missing.to_string(), "missing field `id`");
    let twice =
        serde_json::from_str::<Account>(r#"{"id": "a", "id": "b", "owner": {}}"#).unwrap_err();
    assert!(
        twice.to_string().starts_with("duplicate field `id`"),
        "{twice}"
    );
    let wire = json!({"id": "a", "owner": {"name": "n", "new": 1}, "later": [true]});
    let account: Account = serde_json::from_value(wire.clone()).unwrap();
    assert_eq!(account.owner.name.as_deref(), Some("n"));
    assert_eq!(account.owner.additional_properties["new"], 1);
    assert_eq!(account.additional_properties["later"], json!([true]));
    assert_eq!(
        serde_json::to_value(&account).unwrap(),
        wire,
        "nothing is lost in a round trip"
    );
}

#[test]
fn required_names_the_spec_does_not_declare_are_fields_too() {
    let token = Token::new(json!("r-1"));
    assert_eq!(
        serde_json::to_value(&token).unwrap(),
        json!({"refresh_token": "r-1"})
    );
    assert!(
        serde_json::from_value::<Token>(json!({"refresh token": "x"})).is_err(),
        "still required"
    );
}

#[test]
fn a_missing_required_property_is_drift_at_its_place_with_the_error() {
    let body = json!({"id": "a", "owner": {"name": "n", "new": 1}});
    let (account, drift) = fixture_required_optional::decode_with_drift::<Vec<Account>>(
        json!([body, {"owner": {}}]).to_string().as_bytes(),
    );
    assert!(account.is_err(), "a required property is still required");
    let places: Vec<String> = drift.iter().map(ToString::to_string).collect();
    assert_eq!(
        places,
        [
            "undeclared-property at /*/owner/new",
            "missing-required at /*/id"
        ]
    );
}
