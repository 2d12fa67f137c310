use fixture_one_of::types::{Cat, Dog, Grant, GrantRefreshToken, IdOrList, Pet};
use serde_json::json;

#[test]
fn untagged_variants_are_chosen_by_shape() {
    assert_eq!(
        serde_json::from_value::<Pet>(json!({"meows": true})).unwrap(),
        Pet::Cat(Cat::new(true))
    );
    assert_eq!(
        serde_json::from_value::<Pet>(json!({"barks": 3})).unwrap(),
        Pet::Dog(Dog::new(3))
    );
    assert!(serde_json::from_value::<Pet>(json!({"quacks": 1})).is_err());
    assert_eq!(
        serde_json::to_value(Pet::Dog(Dog::new(2))).unwrap(),
        json!({"barks": 2})
    );
    assert_eq!(
        serde_json::from_value::<IdOrList>(json!("a")).unwrap(),
        IdOrList::String("a".into())
    );
    assert_eq!(
        serde_json::from_value::<IdOrList>(json!(["a", "b"])).unwrap(),
        IdOrList::Array(vec!["a".into(), "b".into()])
    );
}

#[test]
fn tagged_variants_read_and_write_their_tag() {
    let grant = Grant::RefreshToken(GrantRefreshToken::new("r-1"));
    assert_eq!(
        serde_json::to_value(&grant).unwrap(),
        json!({"grant_type": "refresh_token", "refresh_token": "r-1"})
    );
    let back: Grant =
        serde_json::from_value(json!({"grant_type": "authorization_code", "code": "c"})).unwrap();
    assert!(matches!(back, Grant::AuthorizationCode(ref g) if g.code == "c"));
    assert!(
        serde_json::from_value::<Grant>(json!({"grant_type": "password", "code": "c"})).is_err()
    );
}

/// A union is built from what it holds: `impl Into<Union>` arguments take a `&str`, a number,
/// a model or a list, one kind of each per union.
#[test]
fn unions_are_built_from_plain_values() {
    use fixture_one_of::types::{
        IssueCreate, IssueCreateLabelsItem, IssueCreateMilestone, IssueCreateTitle, Label,
    };
    let issue = IssueCreate::new("Found a bug")
        .with_labels(vec!["bug".into(), Label::new().with_name("p1").into()])
        .with_milestone(3);
    assert_eq!(
        issue.title,
        IssueCreateTitle::String("Found a bug".to_owned())
    );
    assert_eq!(
        serde_json::to_value(&issue).unwrap(),
        json!({"title": "Found a bug", "labels": ["bug", {"name": "p1"}], "milestone": 3})
    );
    assert_eq!(IssueCreate::new(42).title, IssueCreateTitle::Integer(42));
    assert_eq!(
        IssueCreateMilestone::from(2.5),
        IssueCreateMilestone::Number(2.5)
    );
    let owned: IssueCreateLabelsItem = String::from("x").into();
    assert_eq!(owned, IssueCreateLabelsItem::String("x".to_owned()));
    let list: IdOrList = vec!["a".to_owned(), "b".to_owned()].into();
    assert_eq!(list, IdOrList::Array(vec!["a".to_owned(), "b".to_owned()]));
    let pet: Pet = Cat::new(true).into();
    assert_eq!(pet, Pet::Cat(Cat::new(true)));
}
