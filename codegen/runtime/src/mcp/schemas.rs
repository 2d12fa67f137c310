//! The JSON Schemas of the tools: an operation's arguments (`inputSchema`) and its typed result
//! (`outputSchema`), each with the `$defs` of the types it names, bounded.
//!
//! MCP wants each tool's schemas self-contained, so every tool carries the definitions its
//! types reach. On a small API that is a few kilobytes; on a spec whose types all reach each
//! other (Stripe's expandable objects) every tool carried nearly every type, and `tools/list`
//! weighed 99.6 MB for 216 read-only tools: no assistant's context holds that. So definitions
//! are taken breadth-first, nearest first, up to [`DEFINITIONS_BUDGET`] bytes per schema; a
//! reference to a type past the budget becomes a schema that accepts any value and says which
//! type it stands for. The schema stays valid and only ever looser, and nothing is lost at the
//! call: the typed dispatch still reads every argument into its Rust type and names a field
//! that does not fit.

use std::collections::{HashMap, HashSet, VecDeque};

use rmcp::model::JsonObject;
use serde_json::{Map, Value, json};

use crate::table::{Api, BodyKind, Operation};

/// The most bytes of definitions one schema carries (its own properties aside). Zephr's
/// largest tool needs a few kilobytes; the bound only ever cuts on specs whose types reach
/// thousands of others.
pub(crate) const DEFINITIONS_BUDGET: usize = 32 * 1024;

/// The table's schemas by type name, looked up once per reference (the table lists them in a
/// slice; a spec of 6,000 types made a linear search per reference the cost of starting).
pub(crate) struct Schemas {
    by_name: HashMap<&'static str, &'static str>,
}

impl Schemas {
    pub(crate) fn new<C>(api: &Api<C>) -> Schemas {
        Schemas {
            by_name: api.schemas.iter().copied().collect(),
        }
    }

    /// An operation's arguments as a JSON Schema: its parameters by wire name, and `body`.
    pub(crate) fn input(&self, operation: &Operation) -> JsonObject {
        let mut properties = Map::new();
        let mut required = Vec::new();
        for param in operation.params {
            let mut schema: Value =
                serde_json::from_str(param.schema).unwrap_or_else(|_| param.kind.schema());
            if !schema.is_object() {
                schema = json!({});
            }
            let mut description = format!("{} parameter", param.location.as_str());
            if !param.description.is_empty() {
                description = format!("{description}: {}", param.description);
            }
            schema["description"] = Value::String(description);
            properties.insert(param.key.to_owned(), schema);
            if param.required {
                required.push(param.key);
            }
        }
        if let Some(body) = &operation.body {
            let mut schema: Value = serde_json::from_str(body.schema).unwrap_or_else(|_| json!({}));
            if !schema.is_object() {
                schema = json!({});
            }
            let what = match body.kind {
                BodyKind::Bytes => format!("the body ({}), as text", body.media_type),
                BodyKind::Multipart => "the body; a file is given as its text".to_owned(),
                _ => format!("the body ({})", body.media_type),
            };
            schema["description"] = Value::String(if body.description.is_empty() {
                what
            } else {
                format!("{what}: {}", body.description)
            });
            properties.insert("body".to_owned(), schema);
            if body.required {
                required.push("body");
            }
        }
        let mut schema = json!({
            "type": "object",
            "properties": properties,
            "additionalProperties": false,
        });
        if !required.is_empty() {
            schema["required"] = json!(required);
        }
        self.with_definitions(&mut schema, DEFINITIONS_BUDGET);
        match schema {
            Value::Object(object) => object,
            _ => unreachable!("built as an object"),
        }
    }

    /// The output's schema, when the operation's success is a typed JSON object (MCP's
    /// `outputSchema` must describe an object).
    pub(crate) fn output(&self, operation: &Operation) -> Option<JsonObject> {
        let name = operation.output.type_name?;
        let mut schema: Value = serde_json::from_str(self.by_name.get(name)?).ok()?;
        if schema.get("type").and_then(Value::as_str) != Some("object") {
            return None;
        }
        self.with_definitions(&mut schema, DEFINITIONS_BUDGET);
        match schema {
            Value::Object(object) => Some(object),
            _ => None,
        }
    }

    /// Adds `$defs` with the types `schema` refers to, and the ones those refer to, nearest
    /// first, while they fit in `budget` bytes; references past it accept any value.
    fn with_definitions(&self, schema: &mut Value, budget: usize) {
        let mut queue = VecDeque::new();
        referenced(schema, &mut queue);
        let mut definitions = Map::new();
        let mut left_out = HashSet::new();
        let mut spent = 0;
        while let Some(name) = queue.pop_front() {
            if definitions.contains_key(&name) || left_out.contains(&name) {
                continue;
            }
            let Some(text) = self.by_name.get(name.as_str()) else {
                continue;
            };
            if spent + text.len() > budget {
                left_out.insert(name);
                continue;
            }
            let Ok(definition) = serde_json::from_str::<Value>(text) else {
                continue;
            };
            spent += text.len();
            referenced(&definition, &mut queue);
            definitions.insert(name, definition);
        }
        if !left_out.is_empty() {
            loosen(schema, &left_out);
            for definition in definitions.values_mut() {
                loosen(definition, &left_out);
            }
        }
        if !definitions.is_empty() {
            schema["$defs"] = Value::Object(definitions);
        }
    }
}

/// Keywords whose values are data, not schemas: a `$ref` inside an example is text.
const DATA: &[&str] = &["enum", "const", "default", "examples", "example"];

/// Keywords whose values map names to schemas: the names are not keywords.
const SCHEMA_MAPS: &[&str] = &[
    "properties",
    "patternProperties",
    "$defs",
    "dependentSchemas",
];

/// The type names of the `$ref`s in `schema`, in document order.
fn referenced(schema: &Value, out: &mut VecDeque<String>) {
    match schema {
        Value::Object(object) => {
            for (key, value) in object {
                match (key.as_str(), value) {
                    ("$ref", Value::String(reference)) => {
                        if let Some(name) = reference.strip_prefix("#/$defs/") {
                            out.push_back(name.to_owned());
                        }
                    }
                    // A map of schemas by name: its keys are names (a property may be
                    // called `default`), each value a schema.
                    (key, Value::Object(map)) if SCHEMA_MAPS.contains(&key) => {
                        map.values().for_each(|schema| referenced(schema, out));
                    }
                    (key, _) if DATA.contains(&key) => {}
                    _ => referenced(value, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|item| referenced(item, out)),
        _ => {}
    }
}

/// Replaces each reference to a type in `left_out` by a schema that accepts any value and
/// names the type (the server checks it when the tool is called).
fn loosen(schema: &mut Value, left_out: &HashSet<String>) {
    match schema {
        Value::Object(object) => {
            let target = match object.get("$ref") {
                Some(Value::String(reference)) => reference
                    .strip_prefix("#/$defs/")
                    .filter(|name| left_out.contains(*name))
                    .map(str::to_owned),
                _ => None,
            };
            if let Some(name) = target {
                object.remove("$ref");
                let note = format!(
                    "a `{name}` (its schema is left out to keep the tool list small; the server checks the value)"
                );
                let description = match object.get("description").and_then(Value::as_str) {
                    Some(text) => format!("{text} ({note})"),
                    None => note,
                };
                object.insert("description".to_owned(), Value::String(description));
                return;
            }
            for (key, value) in object.iter_mut() {
                match value {
                    Value::Object(map) if SCHEMA_MAPS.contains(&key.as_str()) => {
                        map.values_mut().for_each(|schema| loosen(schema, left_out));
                    }
                    _ if DATA.contains(&key.as_str()) => {}
                    _ => loosen(value, left_out),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|item| loosen(item, left_out)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Types in a chain, `T0` → `T1` → … → `T{n-1}`, each with a padding description.
    fn chain(n: usize) -> Schemas {
        let mut by_name = HashMap::new();
        for i in 0..n {
            let next = if i + 1 < n {
                json!({"$ref": format!("#/$defs/T{}", i + 1)})
            } else {
                json!({"type": "string"})
            };
            let schema = json!({
                "type": "object",
                "description": "x".repeat(1000),
                "properties": {"next": next},
            });
            let name: &'static str = Box::leak(format!("T{i}").into_boxed_str());
            let text: &'static str = Box::leak(schema.to_string().into_boxed_str());
            by_name.insert(name, text);
        }
        Schemas { by_name }
    }

    #[test]
    fn definitions_stop_at_the_budget_and_what_is_left_out_accepts_any_value() {
        let schemas = chain(100);
        let mut schema = json!({"type": "object", "properties": {"first": {"$ref": "#/$defs/T0"}}});
        schemas.with_definitions(&mut schema, 10 * 1024);
        let text = schema.to_string();
        assert!(text.len() < 12 * 1024, "{} bytes", text.len());
        let definitions = schema["$defs"].as_object().unwrap();
        assert!(definitions.contains_key("T0"), "the nearest are kept");
        assert!(!definitions.contains_key("T99"));
        // Every reference left has its definition (the schema is valid); the first type past
        // the budget is named where it was referenced.
        let mut references = VecDeque::new();
        referenced(&schema, &mut references);
        assert!(references.iter().all(|name| definitions.contains_key(name)));
        let cut = definitions.len();
        assert!(
            text.contains(&format!("a `T{cut}` (its schema is left out")),
            "{text}"
        );
    }

    #[test]
    fn properties_named_like_keywords_are_schemas_and_examples_are_data() {
        let schemas = chain(3);
        let mut schema = json!({
            "type": "object",
            "properties": {
                "default": {"$ref": "#/$defs/T0"},
                "example": {"$ref": "#/$defs/T2"},
            },
            "example": {"$ref": "#/$defs/Nothing"},
        });
        schemas.with_definitions(&mut schema, DEFINITIONS_BUDGET);
        let definitions = schema["$defs"].as_object().unwrap();
        assert!(definitions.contains_key("T0") && definitions.contains_key("T2"));
        assert!(!definitions.contains_key("Nothing"));
        assert_eq!(schema["example"], json!({"$ref": "#/$defs/Nothing"}));
        // Past the budget, a property called `default` is loosened like any other.
        let mut tight = json!({"properties": {"default": {"$ref": "#/$defs/T0"}}});
        schemas.with_definitions(&mut tight, 10);
        assert!(
            tight["properties"]["default"].get("$ref").is_none(),
            "{tight}"
        );
    }

    #[test]
    fn a_schema_within_the_budget_is_whole() {
        let schemas = chain(5);
        let mut schema = json!({"$ref": "#/$defs/T0", "type": "object"});
        schemas.with_definitions(&mut schema, DEFINITIONS_BUDGET);
        assert_eq!(schema["$defs"].as_object().unwrap().len(), 5);
        assert!(!schema.to_string().contains("left out"));
    }
}
