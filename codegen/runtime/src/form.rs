//! `application/x-www-form-urlencoded` bodies, from the same models as JSON.
//!
//! A model is serialised with serde (to a JSON value, so renames, open maps and skipped `None`s
//! are exactly those of the JSON body), then each top-level property becomes pairs as the
//! spec's `encoding` object says (style and explode), and the pairs are percent-encoded by
//! `form_urlencoded` (the `url` crate's, already under reqwest).
//!
//! | Value | No `encoding` entry (or `form`, explode) | `deepObject` |
//! | --- | --- | --- |
//! | scalar | `k=v` | `k=v` |
//! | array of scalars | `k=a&k=b` | `k[0]=a&k[1]=b` |
//! | array of objects | `k[0][a]=1` | `k[0][a]=1` |
//! | object | `k[a]=1&k[b][c]=2` | `k[a]=1&k[b][c]=2` |
//!
//! Objects use the bracket notation form-based APIs document (Stripe: `metadata[order_id]=6735`,
//! `items[0][price]=…`) whatever the style says: OpenAPI's `form` style would spread an
//! object's properties as pairs of their own (`a=1&b=…`), which loses the property's name and
//! which no form-based API reads. Inside brackets, arrays are indexed (`items[0][price]`).
//! `spaceDelimited` joins a scalar array with spaces, `pipeDelimited` with `|`. A `null` sends
//! nothing, like an absent property.

use serde::Serialize;
use serde_json::Value;

use crate::error::Failure;
use crate::transport::Request;

/// How one top-level property is written (the OpenAPI `encoding` object).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(dead_code)] // a spec's encoding objects name some styles, rarely all
pub enum Style {
    /// `form`, exploded (the default): repeated keys for arrays.
    Form,
    /// Arrays of scalars joined with spaces.
    SpaceDelimited,
    /// Arrays of scalars joined with `|`.
    PipeDelimited,
    /// Brackets for objects and indices for arrays.
    DeepObject,
}

#[allow(dead_code)] // the stand-in crate has no operation with a form body
impl Request {
    /// A form body of `media_type` (`application/x-www-form-urlencoded`) from `body`.
    pub fn form<T: Serialize + ?Sized>(
        &mut self,
        media_type: &'static str,
        body: &T,
        styles: &[(&str, Style)],
    ) -> Result<(), Failure> {
        let form = encode(body, styles)?;
        self.raw(media_type, form.into());
        Ok(())
    }
}

/// The body of `value` as a form: `styles` gives the style of the properties that have one.
pub fn encode<T: Serialize + ?Sized>(
    value: &T,
    styles: &[(&str, Style)],
) -> Result<String, Failure> {
    let value = serde_json::to_value(value).map_err(|e| {
        Failure::InvalidRequest(format!("the body cannot be serialised as a form: {e}"))
    })?;
    let Value::Object(properties) = value else {
        return Err(Failure::InvalidRequest(
            "a form body must be an object (its properties are the form's fields)".to_owned(),
        ));
    };
    let mut pairs = Vec::new();
    for (name, value) in &properties {
        let style = styles
            .iter()
            .find(|(property, _)| property == name)
            .map_or(Style::Form, |(_, style)| *style);
        top_level(name, value, style, &mut pairs);
    }
    let mut form = form_urlencoded::Serializer::new(String::new());
    for (name, value) in &pairs {
        form.append_pair(name, value);
    }
    Ok(form.finish())
}

fn top_level(name: &str, value: &Value, style: Style, pairs: &mut Vec<(String, String)>) {
    match (value, style) {
        (Value::Array(items), Style::Form) if items.iter().all(is_scalar) => {
            for item in items {
                nested(name.to_owned(), item, pairs);
            }
        }
        (Value::Array(items), Style::SpaceDelimited | Style::PipeDelimited)
            if items.iter().all(is_scalar) =>
        {
            let separator = if style == Style::SpaceDelimited {
                " "
            } else {
                "|"
            };
            let texts: Vec<String> = items.iter().filter_map(scalar).collect();
            pairs.push((name.to_owned(), texts.join(separator)));
        }
        (Value::Array(items), _) => {
            for (index, item) in items.iter().enumerate() {
                nested(format!("{name}[{index}]"), item, pairs);
            }
        }
        _ => nested(name.to_owned(), value, pairs),
    }
}

/// `value` under `key`, objects in brackets and arrays indexed.
fn nested(key: String, value: &Value, pairs: &mut Vec<(String, String)>) {
    match value {
        Value::Object(map) => {
            for (name, child) in map {
                nested(format!("{key}[{name}]"), child, pairs);
            }
        }
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                nested(format!("{key}[{index}]"), item, pairs);
            }
        }
        scalar_value => {
            if let Some(text) = scalar(scalar_value) {
                pairs.push((key, text));
            }
        }
    }
}

fn is_scalar(value: &Value) -> bool {
    !matches!(value, Value::Object(_) | Value::Array(_))
}

/// The text of a scalar; `None` for `null` (nothing is sent).
fn scalar(value: &Value) -> Option<String> {
    match value {
        Value::Null => None,
        Value::String(text) => Some(text.clone()),
        other => Some(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn pairs(body: &str) -> Vec<(String, String)> {
        form_urlencoded::parse(body.as_bytes())
            .into_owned()
            .collect()
    }

    #[test]
    fn brackets_for_objects_indices_inside_and_styles_for_top_level_arrays() {
        let body = json!({
            "email": "jenny@example.com",
            "metadata": {"order_id": "6735"},
            "items": [{"price": "price_1", "quantity": 2}],
            "expand": ["customer", "invoice"],
            "tags": ["a", "b"],
            "ids": [1, 2],
            "unset": null,
            "active": true,
        });
        let styles = [("expand", Style::DeepObject), ("ids", Style::PipeDelimited)];
        let encoded = encode(&body, &styles).unwrap();
        // Sorted: the order of properties is serde_json's map order (insertion order with its
        // `preserve_order` feature, alphabetical without), and a form's order means nothing.
        let mut sorted = pairs(&encoded);
        sorted.sort();
        let mut expected: Vec<(String, String)> = [
            ("email", "jenny@example.com"),
            ("metadata[order_id]", "6735"),
            ("items[0][price]", "price_1"),
            ("items[0][quantity]", "2"),
            ("expand[0]", "customer"),
            ("expand[1]", "invoice"),
            ("tags", "a"),
            ("tags", "b"),
            ("ids", "1|2"),
            ("active", "true"),
        ]
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .to_vec();
        expected.sort();
        assert_eq!(sorted, expected);
        assert!(encoded.contains("metadata%5Border_id%5D=6735"), "{encoded}");
        assert!(encode(&json!([1]), &[]).is_err());
    }

    #[test]
    fn nested_objects_and_lists_read_back_by_an_independent_decoder() {
        let body = json!({
            "line_items": [
                {"price": "p1", "quantity": 2},
                {"price": "p2", "adjustable_quantity": {"enabled": true, "maximum": 10}},
            ],
            "metadata": {"a b": "x&y", "c": "1+1=2"},
        });
        let encoded = encode(&body, &[("line_items", Style::DeepObject)]).unwrap();
        #[derive(serde::Deserialize, Debug, PartialEq)]
        struct Body {
            line_items: Vec<Item>,
            metadata: std::collections::BTreeMap<String, String>,
        }
        #[derive(serde::Deserialize, Debug, PartialEq)]
        struct Item {
            price: String,
            quantity: Option<u32>,
            adjustable_quantity: Option<Adjustable>,
        }
        #[derive(serde::Deserialize, Debug, PartialEq)]
        struct Adjustable {
            enabled: bool,
            maximum: u32,
        }
        // Not strict: form encoding percent-encodes the brackets, as browsers do.
        let decoded: Body = serde_qs::Config::new(5, false)
            .deserialize_str(&encoded)
            .unwrap();
        assert_eq!(
            decoded,
            Body {
                line_items: vec![
                    Item {
                        price: "p1".to_owned(),
                        quantity: Some(2),
                        adjustable_quantity: None,
                    },
                    Item {
                        price: "p2".to_owned(),
                        quantity: None,
                        adjustable_quantity: Some(Adjustable {
                            enabled: true,
                            maximum: 10,
                        }),
                    },
                ],
                metadata: [("a b", "x&y"), ("c", "1+1=2")]
                    .map(|(k, v)| (k.to_owned(), v.to_owned()))
                    .into(),
            }
        );
    }
}
