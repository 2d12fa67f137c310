use fixture_recursive::types::{Employee, Forest, Node, Team, Tree};
use serde_json::json;

#[test]
fn recursive_values_nest() {
    let list: Node =
        serde_json::from_value(json!({"value": 1, "next": {"value": 2, "next": {"value": 3}}}))
            .unwrap();
    assert_eq!(
        list.next
            .as_ref()
            .and_then(|n| n.next.as_ref())
            .map(|n| n.value),
        Some(3)
    );
    let tree: Tree = serde_json::from_value(
        json!({"name": "root", "children": [{"name": "leaf", "children": []}]}),
    )
    .unwrap();
    assert_eq!(tree.children.unwrap()[0].name, "leaf");
    let team = Team::new(Employee::new("ann"));
    assert_eq!(
        serde_json::to_value(&team).unwrap(),
        json!({"lead": {"name": "ann"}})
    );
    let forest: Forest = serde_json::from_value(json!([[], [[]]])).unwrap();
    assert_eq!(forest.0.len(), 2);
}
