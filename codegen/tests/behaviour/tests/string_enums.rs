use fixture_string_enums::types::{Job, JobPriority, State};

#[test]
fn listed_values_map_to_variants_and_back() {
    for (wire, state) in [
        ("queued", State::Queued),
        ("in-progress", State::InProgress),
        ("DONE", State::Done),
        ("Unknown", State::Unknown2),
    ] {
        assert_eq!(State::from(wire), state);
        assert_eq!(state.as_str(), wire);
        assert_eq!(state.to_string(), wire);
        assert_eq!(
            serde_json::to_string(&state).unwrap(),
            format!("\"{wire}\"")
        );
        assert!(state.is_known());
    }
}

#[test]
fn a_value_the_spec_does_not_list_is_kept() {
    let job: Job =
        serde_json::from_str(r#"{"state": "paused-by-admin", "priority": "urgent"}"#).unwrap();
    assert_eq!(job.state, State::UnknownValue("paused-by-admin".into()));
    assert!(!job.state.is_known());
    assert_eq!(job.priority, Some(JobPriority::Unknown("urgent".into())));
    assert_eq!(
        serde_json::to_string(&job).unwrap(),
        r#"{"state":"paused-by-admin","priority":"urgent"}"#
    );
    assert_eq!("queued".parse::<State>().unwrap(), State::Queued);
}
