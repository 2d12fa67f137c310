//! A schema for values seen in responses: the narrowest one that all of them fit, or a `$ref` to
//! a component schema that declares every property an object was seen with.

use serde_json::{Map, Value, json};

use crate::ir::{Api, Origin, TypeKind};

/// The schema of `values` (an empty one, any value, when none were seen or they disagree).
pub(crate) fn schema(api: &Api, values: &[&Value]) -> Value {
    let non_null: Vec<&Value> = values.iter().copied().filter(|v| !v.is_null()).collect();
    let mut schema = match non_null.first() {
        None => json!({}),
        Some(first) if non_null.iter().all(|v| same_kind(v, first)) => {
            of_kind(api, first, &non_null)
        }
        Some(_) => json!({}),
    };
    if non_null.len() < values.len() && schema.as_object().is_some_and(|s| !s.is_empty()) {
        schema["nullable"] = Value::Bool(true);
    }
    schema
}

fn same_kind(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.is_f64() == y.is_f64(),
        _ => std::mem::discriminant(a) == std::mem::discriminant(b),
    }
}

fn of_kind(api: &Api, first: &Value, all: &[&Value]) -> Value {
    match first {
        Value::Bool(_) => json!({"type": "boolean"}),
        Value::Number(n) if n.is_f64() => json!({"type": "number"}),
        Value::Number(_) => json!({"type": "integer"}),
        Value::String(_) => json!({"type": "string"}),
        Value::Array(_) => {
            let items: Vec<&Value> = all.iter().filter_map(|v| v.as_array()).flatten().collect();
            json!({"type": "array", "items": schema(api, &items)})
        }
        Value::Object(_) => {
            let objects: Vec<&Map<String, Value>> =
                all.iter().filter_map(|v| v.as_object()).collect();
            let keys: Vec<&String> = {
                let mut keys: Vec<&String> = objects.iter().flat_map(|o| o.keys()).collect();
                keys.sort();
                keys.dedup();
                keys
            };
            if let Some(name) = component_declaring(api, &keys) {
                return json!({"$ref": format!("#/components/schemas/{}", name.replace('~', "~0").replace('/', "~1"))});
            }
            let mut properties = Map::new();
            for key in keys {
                let values: Vec<&Value> = objects.iter().filter_map(|o| o.get(key)).collect();
                properties.insert(key.clone(), schema(api, &values));
            }
            json!({"type": "object", "properties": properties})
        }
        Value::Null => json!({}),
    }
}

/// The component schema that declares every one of `keys` (at least two of them), with the
/// fewest properties besides: the object is most likely one of those.
fn component_declaring(api: &Api, keys: &[&String]) -> Option<String> {
    if keys.len() < 2 {
        return None;
    }
    api.types
        .iter()
        .filter_map(|def| match (&def.origin, &def.kind) {
            (Origin::Schema(name), TypeKind::Struct(s)) => {
                let declared = |key: &&String| s.fields.iter().any(|f| f.wire_name == **key);
                keys.iter()
                    .all(declared)
                    .then(|| (s.fields.len() - keys.len(), name.clone()))
            }
            _ => None,
        })
        .min()
        .map(|(_, name)| name)
}
