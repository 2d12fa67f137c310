use fixture_all_of::types::{Named, Product, Wrapped};
use serde_json::json;

#[test]
fn merged_properties_are_one_flat_object() {
    let product = Product::new("p1", "Gold", 9.5);
    assert_eq!(
        serde_json::to_value(&product).unwrap(),
        json!({"id": "p1", "name": "Gold", "price": 9.5})
    );
    assert!(
        serde_json::from_value::<Product>(json!({"id": "p1", "price": 1.0})).is_err(),
        "`name` is required by a part"
    );
    let wrapped: Wrapped = Named::new("n");
    assert_eq!(wrapped.name, "n");
}
