//! What the spec deprecates still works (it is deprecated, not gone): the crate compiles it,
//! and code that uses it on purpose says so with `#[allow(deprecated)]`.
#![allow(deprecated)]

use fixture_deprecations::types::Order;
use serde_json::json;

#[test]
fn deprecated_properties_still_round_trip() {
    let order = Order::new("o1", "OLD-1")
        .with_legacy_total(9.5)
        .with_total(9.5);
    assert_eq!(order.code, "OLD-1");
    let json = serde_json::to_value(&order).unwrap();
    assert_eq!(
        json,
        json!({"id": "o1", "code": "OLD-1", "legacy_total": 9.5, "total": 9.5})
    );
    let back: Order = serde_json::from_value(json).unwrap();
    assert_eq!(back, order);
}

#[test]
fn deprecated_operations_and_setters_still_build_requests() {
    let client = fixture_deprecations::Client::builder()
        .base_url("http://127.0.0.1:9")
        .build()
        .unwrap();
    let _legacy = client.orders().list_legacy_orders().page(2);
    let _old = client.orders().list_orders("eu").state("open");
}
