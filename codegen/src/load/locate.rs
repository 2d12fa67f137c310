//! Finds where a structurally invalid document goes wrong.
//!
//! `openapiv3` uses `#[serde(flatten)]` for paths, responses and schemas, and serde cannot report
//! a path through a flattened map. When the whole document fails to deserialise, this module
//! re-deserialises the typed parts one level at a time (path items, operations, parameters,
//! bodies, responses, schemas and their sub-schemas) and reports the deepest part that fails on
//! its own. It only runs on the error path.

use openapiv3::{
    Header, Operation, Parameter, PathItem, ReferenceOr, RequestBody, Response, Schema,
    SecurityScheme,
};
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::path_to_pointer;
use crate::pointer;

type Found = (String, String);

const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// `(pointer, message)` of the deepest typed part that fails to deserialise.
pub(super) fn structure_error(document: &Value) -> Option<Found> {
    if let Some(paths) = document.get("paths").and_then(Value::as_object) {
        for (path, item) in paths {
            let at = pointer::join("", ["paths", path.as_str()]);
            if let Some(found) = path_item(item, &at) {
                return Some(found);
            }
        }
    }
    let components = document.get("components")?.as_object()?;
    for (section, items) in components {
        let Some(items) = items.as_object() else {
            continue;
        };
        for (name, item) in items {
            let at = pointer::join("", ["components", section.as_str(), name.as_str()]);
            let found = match section.as_str() {
                "schemas" => schema(item, &at),
                "parameters" => try_as::<ReferenceOr<Parameter>>(item, &at),
                "requestBodies" => request_body(item, &at),
                "responses" => response(item, &at),
                "headers" => try_as::<ReferenceOr<Header>>(item, &at),
                "securitySchemes" => try_as::<ReferenceOr<SecurityScheme>>(item, &at),
                _ => None,
            };
            if found.is_some() {
                return found;
            }
        }
    }
    None
}

fn try_as<T: DeserializeOwned>(value: &Value, at: &str) -> Option<Found> {
    match serde_path_to_error::deserialize::<_, T>(value) {
        Ok(_) => None,
        Err(e) => {
            let inner = path_to_pointer(e.path());
            Some((format!("{at}{inner}"), e.into_inner().to_string()))
        }
    }
}

/// Fails at `at` only if no child explains the failure better.
fn deepest(own: Option<Found>, children: impl FnOnce() -> Option<Found>) -> Option<Found> {
    own.map(|own| children().unwrap_or(own))
}

fn path_item(item: &Value, at: &str) -> Option<Found> {
    deepest(try_as::<PathItem>(item, at), || {
        let object = item.as_object()?;
        for method in METHODS {
            if let Some(op) = object.get(*method) {
                let found = operation(op, &pointer::push(at, method));
                if found.is_some() {
                    return found;
                }
            }
        }
        parameters(object.get("parameters"), at)
    })
}

fn operation(op: &Value, at: &str) -> Option<Found> {
    deepest(try_as::<Operation>(op, at), || {
        let object = op.as_object()?;
        if let Some(found) = parameters(object.get("parameters"), at) {
            return Some(found);
        }
        if let Some(body) = object.get("requestBody")
            && let Some(found) = request_body(body, &pointer::push(at, "requestBody"))
        {
            return Some(found);
        }
        let responses = object.get("responses")?.as_object()?;
        responses
            .iter()
            .find_map(|(status, r)| response(r, &pointer::join(at, ["responses", status.as_str()])))
    })
}

fn parameters(list: Option<&Value>, at: &str) -> Option<Found> {
    let list = list?.as_array()?;
    list.iter().enumerate().find_map(|(i, p)| {
        let here = pointer::join(at, ["parameters", &i.to_string()]);
        deepest(try_as::<ReferenceOr<Parameter>>(p, &here), || {
            schema(p.get("schema")?, &pointer::push(&here, "schema"))
        })
    })
}

fn request_body(body: &Value, at: &str) -> Option<Found> {
    deepest(try_as::<ReferenceOr<RequestBody>>(body, at), || {
        content(body.get("content")?, &pointer::push(at, "content"))
    })
}

fn response(r: &Value, at: &str) -> Option<Found> {
    deepest(try_as::<ReferenceOr<Response>>(r, at), || {
        content(r.get("content")?, &pointer::push(at, "content"))
    })
}

fn content(content: &Value, at: &str) -> Option<Found> {
    content.as_object()?.iter().find_map(|(media, m)| {
        schema(
            m.get("schema")?,
            &pointer::join(at, [media.as_str(), "schema"]),
        )
    })
}

fn schema(s: &Value, at: &str) -> Option<Found> {
    deepest(try_as::<ReferenceOr<Schema>>(s, at), || {
        let object = s.as_object()?;
        for key in ["items", "additionalProperties", "not"] {
            if let Some(child) = object.get(key).filter(|c| c.is_object())
                && let Some(found) = schema(child, &pointer::push(at, key))
            {
                return Some(found);
            }
        }
        if let Some(props) = object.get("properties").and_then(Value::as_object) {
            for (name, child) in props {
                if let Some(found) =
                    schema(child, &pointer::join(at, ["properties", name.as_str()]))
                {
                    return Some(found);
                }
            }
        }
        for key in ["allOf", "oneOf", "anyOf"] {
            if let Some(list) = object.get(key).and_then(Value::as_array) {
                for (i, child) in list.iter().enumerate() {
                    if let Some(found) = schema(child, &pointer::join(at, [key, &i.to_string()])) {
                        return Some(found);
                    }
                }
            }
        }
        None
    })
}
