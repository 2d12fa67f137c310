//! fixtures/forms.yaml: form bodies from typed models, as Stripe's documentation writes them.
//! The server side is decoded by code that is not ours: `form_urlencoded` (the pairs) and
//! `serde_qs` (the bracket notation, into plain structs).

use std::collections::BTreeMap;

use crate::server::{Reply, TestServer};
use fixture_forms::Client;
use fixture_forms::types::{
    Customer, PostCustomersRequest, PostCustomersRequestTaxExempt, SessionCreate,
    SessionCreateLineItemsItem, SessionCreateLineItemsItemAdjustableQuantity, SessionCreateMode,
};

fn client(server: &TestServer) -> Client {
    Client::builder().base_url(server.url()).build().unwrap()
}

fn sorted_pairs(body: &[u8]) -> Vec<(String, String)> {
    let mut pairs: Vec<(String, String)> = form_urlencoded::parse(body).into_owned().collect();
    pairs.sort();
    pairs
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut pairs: Vec<(String, String)> = list
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    pairs.sort();
    pairs
}

/// <https://docs.stripe.com/api/customers/create> and <https://docs.stripe.com/api/metadata>:
/// `-d name="Jenny Rosen" --data-urlencode email="jennyrosen@example.com"
/// -d "metadata[order_id]"=6735`.
#[tokio::test]
async fn a_customer_as_stripes_documentation_sends_it() {
    let server = TestServer::start().await;
    server.reply(Reply::json(200, r#"{"id":"cus_1","name":"Jenny Rosen"}"#));
    let body = PostCustomersRequest::new()
        .with_name("Jenny Rosen")
        .with_email("jennyrosen@example.com")
        .with_metadata(BTreeMap::from([("order_id".to_owned(), "6735".to_owned())]));
    let customer = client(&server)
        .customers()
        .post_customers(body)
        .await
        .unwrap();
    assert_eq!(customer, Customer::new("cus_1").with_name("Jenny Rosen"));
    let received = server.single();
    assert_eq!(
        received.header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    assert_eq!(
        sorted_pairs(&received.body),
        pairs(&[
            ("name", "Jenny Rosen"),
            ("email", "jennyrosen@example.com"),
            ("metadata[order_id]", "6735"),
        ])
    );
}

/// <https://docs.stripe.com/api/checkout/sessions/create>: `--data-urlencode
/// success_url="https://example.com/success" -d "line_items[0][price]"=price_1MotwRLkdIwHu7ixYcPLm5uZ
/// -d "line_items[0][quantity]"=2 -d mode=payment`, and a nested object inside the list.
#[tokio::test]
async fn a_checkout_session_with_line_items_in_bracket_notation() {
    let server = TestServer::start().await;
    server.reply(Reply::json(200, r#"{"id":"cs_1"}"#));
    let item = SessionCreateLineItemsItem::new()
        .with_price("price_1MotwRLkdIwHu7ixYcPLm5uZ")
        .with_quantity(2);
    let body = SessionCreate::new(SessionCreateMode::Payment)
        .with_success_url("https://example.com/success")
        .with_line_items(vec![item.clone()]);
    let session = client(&server)
        .checkout()
        .post_checkout_sessions()
        .body(body)
        .await
        .unwrap();
    assert_eq!(session.id, "cs_1");
    assert_eq!(
        sorted_pairs(&server.single().body),
        pairs(&[
            ("success_url", "https://example.com/success"),
            ("line_items[0][price]", "price_1MotwRLkdIwHu7ixYcPLm5uZ"),
            ("line_items[0][quantity]", "2"),
            ("mode", "payment"),
        ])
    );

    // Two items, the second with an object inside: decoded by serde_qs into plain structs.
    server.reply(Reply::json(200, r#"{"id":"cs_2"}"#));
    let second = SessionCreateLineItemsItem::new()
        .with_price("price_2")
        .with_quantity(1)
        .with_adjustable_quantity(
            SessionCreateLineItemsItemAdjustableQuantity::new()
                .with_enabled(true)
                .with_maximum(10),
        );
    let body =
        SessionCreate::new(SessionCreateMode::Subscription).with_line_items(vec![item, second]);
    client(&server)
        .checkout()
        .post_checkout_sessions()
        .body(body)
        .await
        .unwrap();
    #[derive(serde::Deserialize, Debug, PartialEq)]
    struct Session {
        mode: String,
        line_items: Vec<Item>,
    }
    #[derive(serde::Deserialize, Debug, PartialEq)]
    struct Item {
        price: String,
        quantity: u32,
        adjustable_quantity: Option<Adjustable>,
    }
    #[derive(serde::Deserialize, Debug, PartialEq)]
    struct Adjustable {
        enabled: bool,
        maximum: u32,
    }
    let received = server.received().pop().unwrap();
    // Not strict: form encoding percent-encodes the brackets, as browsers do.
    let decoded: Session = serde_qs::Config::new(5, false)
        .deserialize_bytes(&received.body)
        .unwrap();
    assert_eq!(
        decoded,
        Session {
            mode: "subscription".to_owned(),
            line_items: vec![
                Item {
                    price: "price_1MotwRLkdIwHu7ixYcPLm5uZ".to_owned(),
                    quantity: 2,
                    adjustable_quantity: None,
                },
                Item {
                    price: "price_2".to_owned(),
                    quantity: 1,
                    adjustable_quantity: Some(Adjustable {
                        enabled: true,
                        maximum: 10,
                    }),
                },
            ],
        }
    );
}

/// The encoding object's styles, values that need escaping, and an enum on the wire.
#[tokio::test]
async fn styles_escaping_and_lists() {
    let server = TestServer::start().await;
    server.reply(Reply::json(200, r#"{"id":"cus_2"}"#));
    let body = PostCustomersRequest::new()
        .with_name("A & B = C+D")
        .with_email("jenny+test@example.com")
        .with_expand(vec!["default_source".to_owned(), "tax".to_owned()])
        .with_preferred_locales(vec!["en".to_owned(), "fr".to_owned()])
        .with_tax_exempt(PostCustomersRequestTaxExempt::Reverse)
        .with_balance(-500);
    client(&server)
        .customers()
        .post_customers(body)
        .await
        .unwrap();
    let received = server.single();
    assert_eq!(
        sorted_pairs(&received.body),
        pairs(&[
            ("name", "A & B = C+D"),
            ("email", "jenny+test@example.com"),
            ("expand[0]", "default_source"),
            ("expand[1]", "tax"),
            ("preferred_locales", "en|fr"),
            ("tax_exempt", "reverse"),
            ("balance", "-500"),
        ])
    );
    let raw = String::from_utf8(received.body.to_vec()).unwrap();
    assert!(raw.contains("email=jenny%2Btest%40example.com"), "{raw}");
}

/// The generated test server matches a stub on the form's fields, in any order.
#[tokio::test]
async fn the_test_server_matches_form_bodies() {
    use fixture_forms::testing::TestServer;
    let server = TestServer::start().await;
    // One request below is meant to match no stub.
    server.allow_unmatched();
    let body = PostCustomersRequest::new()
        .with_name("Jenny Rosen")
        .with_metadata(BTreeMap::from([
            ("a".to_owned(), "1".to_owned()),
            ("b".to_owned(), "2".to_owned()),
        ]));
    let _ = server
        .customers()
        .post_customers(body.clone())
        .returns(Customer::new("cus_stub"));
    let got = server
        .client()
        .customers()
        .post_customers(body)
        .await
        .unwrap();
    assert_eq!(got.id, "cus_stub");
    let other = PostCustomersRequest::new().with_name("Someone Else");
    let Err(fixture_forms::Error::Status(error)) =
        server.client().customers().post_customers(other).await
    else {
        panic!("no stub matches")
    };
    let body = String::from_utf8_lossy(error.body()).into_owned();
    assert!(
        body.contains("form body differs at `metadata[a]`, `metadata[b]`, `name`"),
        "{body}"
    );
}
