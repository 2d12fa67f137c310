use crate::server::{Reply, TestServer};
use fixture_openapi_31::Client;
use fixture_openapi_31::types::{Coupon, Order, OrderKind, OrderLine};

fn client(server: &TestServer) -> Client {
    Client::builder().base_url(server.url()).build().unwrap()
}

#[tokio::test]
async fn a_path_item_component_type_lists_with_null_and_const_work_on_the_wire() {
    let server = TestServer::start().await;
    let body = r#"{"id":"o-1","kind":"order","note":null,"coupon":null,"lines":[{"sku":"s","quantity":2}],"position":[1.5,2.0],"receipt":"aGk="}"#;
    server
        .reply(Reply::json(200, body))
        .reply(Reply::status(204));
    let order = client(&server).orders().get_order("o-1").await.unwrap();
    assert_eq!(order.kind, OrderKind::Order);
    assert_eq!(order.note, None);
    assert_eq!(order.coupon, None);
    assert_eq!(order.lines[0].quantity, 2);
    assert_eq!(order.position.as_deref(), Some(&[1.5, 2.0][..]));
    assert_eq!(server.received()[0].path, "/orders/o-1");

    // `note` is required and nullable: null is sent; `coupon` is optional: left out when None.
    let mut changed = order.clone();
    changed.note = Some("fragile".to_owned());
    client(&server)
        .orders()
        .put_order(
            "o-1",
            Order::new(
                "o-2".to_owned(),
                OrderKind::Order,
                None,
                vec![OrderLine::new("s".to_owned(), 1)],
            ),
        )
        .await
        .unwrap();
    let sent: serde_json::Value = serde_json::from_slice(&server.received()[1].body).unwrap();
    assert_eq!(
        sent,
        serde_json::json!({"id": "o-2", "kind": "order", "note": null, "lines": [{"sku": "s", "quantity": 1}]})
    );
    assert_eq!(
        changed
            .with_coupon(Coupon::new("TEN".to_owned()))
            .coupon
            .map(|c| c.code)
            .as_deref(),
        Some("TEN")
    );
}

/// 3.1's `type: [object, "null"]` on a component and `oneOf: [$ref, {type: "null"}]` on a
/// property are 3.0's `nullable`: required, and `null` or a value.
#[test]
fn a_component_typed_with_null_and_a_null_alternative_are_options() {
    use fixture_openapi_31::types::{Delivery, Shipment};
    let none: Delivery =
        serde_json::from_value(serde_json::json!({"shipment": null, "coupon": null})).unwrap();
    assert_eq!((none.shipment, none.coupon), (None, None));
    let some: Delivery = serde_json::from_value(
        serde_json::json!({"shipment": {"carrier": "post"}, "coupon": {"code": "TEN"}}),
    )
    .unwrap();
    assert_eq!(some.shipment, Some(Shipment::new("post")));
    assert_eq!(some.coupon, Some(Coupon::new("TEN")));
    assert_eq!(
        serde_json::to_value(Delivery::new(None, None)).unwrap(),
        serde_json::json!({"shipment": null, "coupon": null})
    );
}
