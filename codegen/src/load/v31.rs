//! OpenAPI 3.1 read as the 3.0 form the rest of the pipeline knows.
//!
//! 3.1 schemas are JSON Schema 2020-12. What changes the shape of data is rewritten into its 3.0
//! equivalent; what only validates is left where `openapiv3` ignores it; what has no 3.0 form is
//! read in the nearest safe way and noted (a warning naming the place):
//!
//! | 3.1                                      | 3.0 form                                           |
//! |------------------------------------------|----------------------------------------------------|
//! | `type: [T, "null"]`, `type: "null"`       | `type: T`, `nullable: true`                        |
//! | `type: [A, B]`                            | `anyOf: [{type: A}, {type: B}]` (noted)            |
//! | `anyOf`/`oneOf` with a `{type: "null"}`   | the others, `nullable: true`                       |
//! | `const: v`                                | `enum: [v]`                                        |
//! | `examples: [a, …]`                        | `example: a`                                       |
//! | `exclusiveMinimum: n` (a number)          | `minimum: n`, `exclusiveMinimum: true` (and max)   |
//! | `prefixItems` (tuples)                    | `items`: the one item type, or any JSON (noted)    |
//! | `contentEncoding: base64`, `contentMediaType` | `format: byte`, `format: binary`               |
//! | `$defs`                                   | referenced ones hoisted by `resolve`               |
//! | `webhooks`                                | left out (noted): a client does not receive them   |
//! | `components/pathItems`                    | copied in place by `resolve`                       |

use serde_json::{Map, Value};

use super::Note;
use super::shape::Node;
use crate::pointer;

/// Rewrites a 3.1 document (already through `resolve`) into the 3.0 form.
pub(crate) fn normalise(document: &mut Value) -> Vec<Note> {
    let mut notes = Vec::new();
    if let Some(root) = document.as_object_mut() {
        if let Some(Value::Object(webhooks)) = root.remove("webhooks")
            && !webhooks.is_empty()
        {
            notes.push(note(
                "/webhooks",
                format!(
                    "webhooks ({}) are left out: a client sends requests, it does not receive them",
                    webhooks.len()
                ),
            ));
        }
        // 3.1 makes `paths` optional.
        root.entry("paths")
            .or_insert_with(|| Value::Object(Map::new()));
        if let Some(Value::Object(components)) = root.get_mut("components") {
            components.remove("pathItems");
        }
    }
    visit(document, Node::Root, "", &mut notes);
    notes
}

fn note(at: &str, message: String) -> Note {
    Note {
        pointer: at.to_owned(),
        message,
        defect: false,
    }
}

fn visit(value: &mut Value, node: Node, at: &str, notes: &mut Vec<Note>) {
    if node == Node::Schema {
        schema(value, at, notes);
    }
    match value {
        Value::Object(map) => {
            for (key, child) in map.iter_mut() {
                let child_node = node.child_of_value(key, child);
                if child_node != Node::Data {
                    visit(child, child_node, &pointer::push(at, key), notes);
                }
            }
        }
        Value::Array(items) if matches!(node, Node::ParameterList | Node::SchemaList) => {
            for (i, child) in items.iter_mut().enumerate() {
                let child_node = node.child_of_value("", child);
                if child_node != Node::Data {
                    visit(child, child_node, &pointer::push(at, &i.to_string()), notes);
                }
            }
        }
        _ => {}
    }
}

/// One schema object, its own keywords only (its sub-schemas are visited after it).
fn schema(value: &mut Value, at: &str, notes: &mut Vec<Note>) {
    let Some(map) = value.as_object_mut() else {
        return;
    };
    if map.contains_key("$ref") {
        return;
    }
    types(map, at, notes);
    null_members(map);
    if let Some(constant) = map.remove("const") {
        if constant.is_null() {
            map.insert("nullable".to_owned(), Value::Bool(true));
        }
        map.entry("enum")
            .or_insert_with(|| Value::Array(vec![constant]));
    }
    if let Some(Value::Array(mut examples)) = map.remove("examples")
        && !examples.is_empty()
        && !map.contains_key("example")
    {
        map.insert("example".to_owned(), examples.swap_remove(0));
    }
    for (exclusive, bound) in [
        ("exclusiveMinimum", "minimum"),
        ("exclusiveMaximum", "maximum"),
    ] {
        if let Some(limit @ Value::Number(_)) = map.get(exclusive).cloned() {
            map.insert(bound.to_owned(), limit);
            map.insert(exclusive.to_owned(), Value::Bool(true));
        }
    }
    tuple(map, at, notes);
    content(map);
    for keyword in ["if", "dependentSchemas"] {
        if map.contains_key(keyword) {
            notes.push(note(at, format!("`{keyword}` (conditional validation) is not checked by the client; the properties it would add are kept as additional properties")));
        }
    }
}

fn types(map: &mut Map<String, Value>, at: &str, notes: &mut Vec<Note>) {
    let listed: Vec<String> = match map.get("type") {
        Some(Value::Array(types)) => types
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect(),
        Some(Value::String(t)) if t == "null" => vec!["null".to_owned()],
        _ => return,
    };
    let (nulls, others): (Vec<String>, Vec<String>) = listed.into_iter().partition(|t| t == "null");
    if !nulls.is_empty() {
        map.insert("nullable".to_owned(), Value::Bool(true));
    }
    match others.as_slice() {
        [] => {
            map.remove("type");
        }
        [one] => {
            map.insert("type".to_owned(), Value::String(one.clone()));
        }
        several => {
            map.remove("type");
            // Each alternative takes the keywords that belong to its type.
            let variants = several
                .iter()
                .map(|t| {
                    let mut variant = Map::new();
                    variant.insert("type".to_owned(), Value::String(t.clone()));
                    let keywords: &[&str] = match t.as_str() {
                        "object" => &["properties", "required", "additionalProperties"],
                        "array" => &["items"],
                        _ => &[],
                    };
                    for keyword in keywords {
                        if let Some(v) = map.get(*keyword) {
                            variant.insert((*keyword).to_owned(), v.clone());
                        }
                    }
                    Value::Object(variant)
                })
                .collect();
            for keyword in ["properties", "required", "additionalProperties", "items"] {
                map.remove(keyword);
            }
            if map.contains_key("anyOf") || map.contains_key("oneOf") {
                notes.push(note(
                    at,
                    format!(
                        "`type: [{}]` next to `anyOf`/`oneOf` is read as the latter",
                        several.join(", ")
                    ),
                ));
            } else {
                map.insert("anyOf".to_owned(), Value::Array(variants));
            }
        }
    }
}

/// `anyOf: [X, {type: "null"}]`, the 2020-12 way to say nullable.
fn null_members(map: &mut Map<String, Value>) {
    for keyword in ["anyOf", "oneOf"] {
        let Some(Value::Array(members)) = map.get_mut(keyword) else {
            continue;
        };
        let before = members.len();
        members.retain(|m| !is_null_only(m));
        if members.len() == before {
            continue;
        }
        map.insert("nullable".to_owned(), Value::Bool(true));
        let Some(Value::Array(members)) = map.get(keyword) else {
            continue;
        };
        if members.len() == 1 {
            // A single alternative is that schema: `allOf` is how 3.0 puts `nullable` beside a `$ref`.
            let only = members[0].clone();
            map.remove(keyword);
            match map.get_mut("allOf") {
                Some(Value::Array(all)) => all.push(only),
                _ => {
                    map.insert("allOf".to_owned(), Value::Array(vec![only]));
                }
            }
        } else if members.is_empty() {
            map.remove(keyword);
        }
    }
}

fn is_null_only(schema: &Value) -> bool {
    let Some(map) = schema.as_object() else {
        return false;
    };
    let null_type = match map.get("type") {
        Some(Value::String(t)) => t == "null",
        Some(Value::Array(ts)) => ts.iter().all(|t| t.as_str() == Some("null")) && !ts.is_empty(),
        _ => false,
    };
    null_type
        && map
            .keys()
            .all(|k| matches!(k.as_str(), "type" | "description" | "title"))
}

fn tuple(map: &mut Map<String, Value>, at: &str, notes: &mut Vec<Note>) {
    let Some(Value::Array(prefix)) = map.remove("prefixItems") else {
        if map.get("items") == Some(&Value::Bool(false)) {
            map.remove("items");
        }
        return;
    };
    let extra = map.remove("items").filter(|i| i.is_object());
    let mut kinds: Vec<Value> = prefix;
    kinds.extend(extra);
    kinds.dedup();
    let items = match kinds.as_slice() {
        [one] => one.clone(),
        _ => {
            notes.push(note(
                at,
                "a tuple (`prefixItems`) of different types is read as an array of any JSON"
                    .to_owned(),
            ));
            Value::Object(Map::new())
        }
    };
    map.insert("items".to_owned(), items);
    map.entry("type")
        .or_insert_with(|| Value::String("array".to_owned()));
}

fn content(map: &mut Map<String, Value>) {
    let encoding = map.remove("contentEncoding");
    let media = map.remove("contentMediaType");
    if map.contains_key("format") || map.get("type").and_then(Value::as_str) != Some("string") {
        return;
    }
    let format = match (
        encoding.as_ref().and_then(Value::as_str),
        media.as_ref().and_then(Value::as_str),
    ) {
        (Some("base64"), _) => "byte",
        (None, Some(media)) if !media.contains("json") && !media.starts_with("text/") => "binary",
        _ => return,
    };
    map.insert("format".to_owned(), Value::String(format.to_owned()));
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn normalised(schema: Value) -> (Value, Vec<Note>) {
        let mut document = json!({"openapi": "3.1.0", "components": {"schemas": {"S": schema}}});
        let notes = normalise(&mut document);
        (document["components"]["schemas"]["S"].clone(), notes)
    }

    #[test]
    fn type_lists_with_null_become_nullable() {
        assert_eq!(
            normalised(json!({"type": ["string", "null"]})).0,
            json!({"type": "string", "nullable": true})
        );
        assert_eq!(
            normalised(json!({"type": "null"})).0,
            json!({"nullable": true})
        );
        let (schema, notes) = normalised(json!({"type": ["integer", "string"]}));
        assert_eq!(
            schema,
            json!({"anyOf": [{"type": "integer"}, {"type": "string"}]})
        );
        assert!(notes.is_empty());
    }

    #[test]
    fn null_alternatives_become_nullable_all_of() {
        let (schema, _) =
            normalised(json!({"anyOf": [{"$ref": "#/components/schemas/A"}, {"type": "null"}]}));
        assert_eq!(
            schema,
            json!({"nullable": true, "allOf": [{"$ref": "#/components/schemas/A"}]})
        );
        let (schema, _) = normalised(
            json!({"oneOf": [{"type": "string"}, {"type": "integer"}, {"type": "null"}]}),
        );
        assert_eq!(
            schema,
            json!({"oneOf": [{"type": "string"}, {"type": "integer"}], "nullable": true})
        );
    }

    #[test]
    fn const_examples_bounds_tuples_and_content() {
        assert_eq!(
            normalised(json!({"type": "string", "const": "card"})).0,
            json!({"type": "string", "enum": ["card"]})
        );
        assert_eq!(
            normalised(json!({"type": "integer", "examples": [3, 4]})).0,
            json!({"type": "integer", "example": 3})
        );
        assert_eq!(
            normalised(json!({"type": "number", "exclusiveMinimum": 0})).0,
            json!({"type": "number", "exclusiveMinimum": true, "minimum": 0})
        );
        assert_eq!(
            normalised(
                json!({"prefixItems": [{"type": "number"}, {"type": "number"}], "items": false})
            )
            .0,
            json!({"items": {"type": "number"}, "type": "array"})
        );
        let (schema, notes) = normalised(
            json!({"type": "array", "prefixItems": [{"type": "number"}, {"type": "string"}]}),
        );
        assert_eq!(schema, json!({"type": "array", "items": {}}));
        assert_eq!(notes.len(), 1);
        assert_eq!(
            normalised(json!({"type": "string", "contentEncoding": "base64"})).0,
            json!({"type": "string", "format": "byte"})
        );
        assert_eq!(
            normalised(json!({"type": "string", "contentMediaType": "image/png"})).0,
            json!({"type": "string", "format": "binary"})
        );
    }

    #[test]
    fn examples_and_webhooks_are_not_schemas() {
        let mut document = json!({
            "openapi": "3.1.0",
            "webhooks": {"ping": {"post": {}}},
            "components": {"schemas": {"S": {"type": "object", "example": {"type": ["a", "null"]}}}}
        });
        let notes = normalise(&mut document);
        assert_eq!(
            document["components"]["schemas"]["S"]["example"],
            json!({"type": ["a", "null"]}),
            "data is left alone"
        );
        assert!(document.get("webhooks").is_none());
        assert_eq!(document["paths"], json!({}));
        assert_eq!(notes[0].pointer, "/webhooks");
    }
}
