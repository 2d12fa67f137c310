use fixture_names::types::{AccountUser, AccountUser2, Option2, Redirect};
use serde_json::json;

#[test]
fn wire_names_survive_the_renaming() {
    let wire = json!({
        "type": "admin", "true": false, "self": "me", "match": "m", "Content-Type": "text/plain",
        "db.tables.accountUsers": "t", "fooBar": "a", "foo_bar": "b", "2fa": true
    });
    let user: AccountUser = serde_json::from_value(wire.clone()).unwrap();
    assert_eq!(user.r#type.as_deref(), Some("admin"));
    assert_eq!(user.self_.as_deref(), Some("me"));
    assert_eq!(
        (user.foo_bar.as_deref(), user.foo_bar_2.as_deref()),
        (Some("a"), Some("b"))
    );
    assert_eq!(user.v2fa, Some(true));
    assert_eq!(serde_json::to_value(&user).unwrap(), wire);
    let other = AccountUser2::new().with_id("x");
    let maybe: Option<Option2> = other.id.map(|id| Option2::new().with_value(id));
    assert!(maybe.is_some());
    let redirect: Redirect = serde_json::from_value(json!({"true": "/home"})).unwrap();
    assert_eq!(redirect.r#true.as_deref(), Some("/home"));
}
