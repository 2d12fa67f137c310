use fixture_maps::decode_with_drift;
use fixture_maps::types::{
    Anything, Attributes, Clash, Holder, HolderGroupsValue, Labelled, Meters, Strict, Tenant,
};
use serde_json::json;

#[test]
fn maps_and_extra_properties_round_trip() {
    let meters: Meters = serde_json::from_value(json!({"views": 3, "clicks": 1})).unwrap();
    assert_eq!(meters["views"], 3);
    let labelled: Labelled =
        serde_json::from_value(json!({"label": "a", "colour": "red"})).unwrap();
    assert_eq!(labelled.additional_properties["colour"], "red");
    assert!(!labelled.additional_properties.contains_key("label"));
    assert_eq!(
        serde_json::to_value(&labelled).unwrap(),
        json!({"label": "a", "colour": "red"})
    );
    let groups = [(
        "admins".to_owned(),
        HolderGroupsValue::new().with_members(vec!["ann".to_owned()]),
    )];
    let holder = Holder::default().with_groups(groups);
    assert_eq!(
        serde_json::to_value(&holder).unwrap(),
        json!({"groups": {"admins": {"members": ["ann"]}}})
    );
}

#[test]
fn free_form_objects_take_any_json() {
    let anything: Anything = serde_json::from_value(json!({"x": [1, {"y": null}]})).unwrap();
    assert_eq!(anything["x"][0], 1);
}

#[test]
fn closed_objects_ignore_what_they_do_not_list_and_names_never_collide() {
    let strict: Strict = serde_json::from_value(json!({"a": "x", "b": 1})).unwrap();
    assert_eq!(serde_json::to_value(&strict).unwrap(), json!({"a": "x"}));
    let clash: Clash =
        serde_json::from_value(json!({"additional_properties": "declared", "other": 2})).unwrap();
    assert_eq!(clash.additional_properties.as_deref(), Some("declared"));
    assert_eq!(clash.additional_properties_2["other"], 2);
    // A kept property with a declared name never overrides the declared field.
    let set = Clash::new()
        .with_additional_properties("mine")
        .with_additional_property("additional_properties", json!("kept"));
    assert_eq!(
        serde_json::to_value(&set).unwrap(),
        json!({"additional_properties": "mine"})
    );
}

/// The places a body departs from `T`'s schema, as text.
fn drift<T: serde::de::DeserializeOwned>(value: serde_json::Value) -> Vec<String> {
    let (decoded, drift) = decode_with_drift::<T>(value.to_string().as_bytes());
    decoded.unwrap_or_else(|e| panic!("{value} does not decode: {e}"));
    drift.iter().map(ToString::to_string).collect()
}

#[test]
fn unlisted_properties_are_drift_unless_the_spec_says_they_may_come() {
    // Kept either way; reported only where the spec does not expect them.
    assert_eq!(
        drift::<Holder>(json!({"meters": {"views": 1}, "surprise": 1})),
        ["undeclared-property at /surprise"]
    );
    assert_eq!(
        drift::<Strict>(json!({"a": "x", "b": 1})),
        ["undeclared-property at /b"]
    );
    assert!(drift::<Tenant>(json!({"id": "t", "plan": "gold"})).is_empty());
    assert!(drift::<Attributes>(json!({"firstname": "Ada", "newsletter": true})).is_empty());
    assert!(
        drift::<Labelled>(json!({"label": "a", "colour": "red"})).is_empty(),
        "typed additionalProperties"
    );
    // A map's keys are data: never in a pointer.
    assert_eq!(
        drift::<Holder>(json!({"groups": {"ann@example.com": {"members": [], "x": 1}}})),
        ["undeclared-property at /groups/*/x"]
    );
}
