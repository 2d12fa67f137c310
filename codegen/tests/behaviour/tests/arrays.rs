use fixture_arrays::types::{Matrix, Order, OrderLinesItem};
use serde_json::json;

#[test]
fn arrays_of_arrays_objects_and_anything() {
    let matrix: Matrix = serde_json::from_value(json!([[1.0, 2.5], []])).unwrap();
    assert_eq!(matrix[0][1], 2.5);
    let order: Order = serde_json::from_value(
        json!({"lines": [{"sku": "X", "quantity": 2}], "anything": [1, "two"]}),
    )
    .unwrap();
    assert_eq!(
        order.lines.as_deref(),
        Some(&[OrderLinesItem::new("X").with_quantity(2)][..])
    );
    assert_eq!(order.anything.unwrap()[1], "two");
}
