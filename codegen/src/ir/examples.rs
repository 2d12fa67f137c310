//! Every example in the spec, with the type it documents.
//!
//! Walks the normalised document (not `openapiv3`'s model, which drops some of them) through the
//! places OpenAPI allows examples: parameters, media types (request and response bodies) and
//! schemas at any depth, as `example` or as `examples` entries. Each is paired with the Rust
//! type the resolver recorded for that schema position, so a generated test can check it.

use std::collections::HashMap;

use serde_json::Value;

use super::{Example, ExampleTarget, TypeRef};
use crate::error::{Problem, SpecError};
use crate::pointer;

const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

pub(crate) fn collect(
    document: &Value,
    schema_types: &HashMap<String, TypeRef>,
    param_types: &HashMap<String, TypeRef>,
) -> Result<Vec<Example>, SpecError> {
    let mut walker = Walker {
        document,
        schema_types,
        param_types,
        out: Vec::new(),
        budget: crate::limits::MAX_OUTPUT_BYTES,
    };
    walker.document()?;
    Ok(walker.out)
}

struct Walker<'a> {
    document: &'a Value,
    schema_types: &'a HashMap<String, TypeRef>,
    param_types: &'a HashMap<String, TypeRef>,
    out: Vec<Example>,
    /// What is left of the output budget: every example is copied into the generated test,
    /// and a `$ref`'d example used a thousand times is copied a thousand times.
    budget: usize,
}

/// Whether examples under a schema are JSON values or parameter text.
#[derive(Clone, Copy, PartialEq)]
enum Context {
    Body,
    Parameter,
}

impl Walker<'_> {
    fn document(&mut self) -> Result<(), SpecError> {
        if let Some(paths) = self.document.get("paths").and_then(Value::as_object) {
            for (path, item) in paths {
                let at = pointer::join("", ["paths", path.as_str()]);
                self.parameters(item.get("parameters"), &at)?;
                for method in METHODS {
                    let Some(op) = item.get(*method) else {
                        continue;
                    };
                    let at = pointer::push(&at, method);
                    self.parameters(op.get("parameters"), &at)?;
                    if let Some(body) = op.get("requestBody") {
                        self.body(body, &pointer::push(&at, "requestBody"))?;
                    }
                    if let Some(responses) = op.get("responses").and_then(Value::as_object) {
                        for (status, response) in responses {
                            self.body(
                                response,
                                &pointer::join(&at, ["responses", status.as_str()]),
                            )?;
                        }
                    }
                }
            }
        }
        let Some(components) = self.document.get("components").and_then(Value::as_object) else {
            return Ok(());
        };
        for (section, items) in components {
            let Some(items) = items.as_object() else {
                continue;
            };
            for (name, item) in items {
                let at = pointer::join("", ["components", section.as_str(), name.as_str()]);
                match section.as_str() {
                    "schemas" => self.schema(item, &at, Context::Body)?,
                    "requestBodies" | "responses" => self.body(item, &at)?,
                    "parameters" => self.parameter(item, &at)?,
                    "headers" => self.header(item, &at)?,
                    // `components/examples` are counted where they are used.
                    _ => {}
                }
            }
        }
        Ok(())
    }

    fn parameters(&mut self, list: Option<&Value>, at: &str) -> Result<(), SpecError> {
        let Some(list) = list.and_then(Value::as_array) else {
            return Ok(());
        };
        for (i, p) in list.iter().enumerate() {
            self.parameter(p, &pointer::join(at, ["parameters", &i.to_string()]))?;
        }
        Ok(())
    }

    fn parameter(&mut self, p: &Value, at: &str) -> Result<(), SpecError> {
        if p.get("$ref").is_some() {
            return Ok(());
        }
        let target = match self.param_types.get(at) {
            Some(ty) => ExampleTarget::Parameter(ty.clone()),
            None => ExampleTarget::Untyped,
        };
        self.entries(p, at, &target, None)?;
        if let Some(schema) = p.get("schema") {
            self.schema(schema, &pointer::push(at, "schema"), Context::Parameter)?;
        }
        self.content(p.get("content"), at)
    }

    fn header(&mut self, h: &Value, at: &str) -> Result<(), SpecError> {
        if h.get("$ref").is_some() {
            return Ok(());
        }
        let schema_at = pointer::push(at, "schema");
        let target = match self.schema_types.get(&schema_at) {
            Some(ty) => ExampleTarget::Parameter(ty.clone()),
            None => ExampleTarget::Untyped,
        };
        self.entries(h, at, &target, None)?;
        if let Some(schema) = h.get("schema") {
            self.schema(schema, &schema_at, Context::Parameter)?;
        }
        Ok(())
    }

    /// A request body or a response.
    fn body(&mut self, body: &Value, at: &str) -> Result<(), SpecError> {
        if body.get("$ref").is_some() {
            return Ok(());
        }
        self.content(body.get("content"), at)?;
        if let Some(headers) = body.get("headers").and_then(Value::as_object) {
            for (name, h) in headers {
                self.header(h, &pointer::join(at, ["headers", name.as_str()]))?;
            }
        }
        Ok(())
    }

    fn content(&mut self, content: Option<&Value>, at: &str) -> Result<(), SpecError> {
        let Some(content) = content.and_then(Value::as_object) else {
            return Ok(());
        };
        for (media, m) in content {
            let at = pointer::join(at, ["content", media.as_str()]);
            let schema_at = pointer::push(&at, "schema");
            let target = match (m.get("schema"), self.schema_types.get(&schema_at)) {
                (Some(_), Some(ty)) => ExampleTarget::Json(ty.clone()),
                _ => ExampleTarget::Untyped,
            };
            // A body the client also accepts in an envelope (`x-codegen.envelope`): an example that
            // wraps it is checked by what it wraps, the part the client decodes.
            let envelope = m.pointer("/x-codegen/envelope").and_then(Value::as_str);
            self.entries(m, &at, &target, envelope)?;
            if let Some(schema) = m.get("schema") {
                self.schema(schema, &schema_at, Context::Body)?;
            }
        }
        Ok(())
    }

    fn schema(&mut self, schema: &Value, at: &str, context: Context) -> Result<(), SpecError> {
        let Some(object) = schema.as_object() else {
            return Ok(());
        };
        let target = match (self.schema_types.get(at), context) {
            (Some(ty), Context::Body) => ExampleTarget::Json(ty.clone()),
            (Some(ty), Context::Parameter) => ExampleTarget::Parameter(ty.clone()),
            (None, _) => ExampleTarget::Untyped,
        };
        if let Some(value) = object.get("example") {
            self.push(pointer::push(at, "example"), value, target.clone())?;
        }
        // `examples` in a schema is JSON Schema (OpenAPI 3.1); some 3.0 specs use it anyway.
        match object.get("examples") {
            Some(Value::Array(list)) => {
                for (i, value) in list.iter().enumerate() {
                    self.push(
                        pointer::join(at, ["examples", &i.to_string()]),
                        value,
                        target.clone(),
                    )?;
                }
            }
            Some(Value::Object(map)) => {
                for (name, value) in map {
                    let value = value.get("value").unwrap_or(value);
                    self.push(
                        pointer::join(at, ["examples", name.as_str()]),
                        value,
                        target.clone(),
                    )?;
                }
            }
            _ => {}
        }
        if object.contains_key("$ref") {
            return Ok(());
        }
        if let Some(props) = object.get("properties").and_then(Value::as_object) {
            for (name, prop) in props {
                self.schema(
                    prop,
                    &pointer::join(at, ["properties", name.as_str()]),
                    context,
                )?;
            }
        }
        for key in ["items", "additionalProperties", "not"] {
            if let Some(child) = object.get(key) {
                self.schema(child, &pointer::push(at, key), context)?;
            }
        }
        for key in ["allOf", "oneOf", "anyOf"] {
            if let Some(list) = object.get(key).and_then(Value::as_array) {
                for (i, child) in list.iter().enumerate() {
                    self.schema(child, &pointer::join(at, [key, &i.to_string()]), context)?;
                }
            }
        }
        Ok(())
    }

    /// `example` and `examples` of a parameter, header or media type.
    fn entries(
        &mut self,
        node: &Value,
        at: &str,
        target: &ExampleTarget,
        envelope: Option<&str>,
    ) -> Result<(), SpecError> {
        let unwrapped = |pointer, value| unwrap_envelope(envelope, pointer, value);
        if let Some(value) = node.get("example") {
            let (pointer, value) = unwrapped(pointer::push(at, "example"), value);
            self.push(pointer, value, target.clone())?;
        }
        let Some(examples) = node.get("examples").and_then(Value::as_object) else {
            return Ok(());
        };
        for (name, entry) in examples {
            let entry_at = pointer::join(at, ["examples", name.as_str()]);
            let entry = match entry.get("$ref").and_then(Value::as_str) {
                Some(reference) => reference
                    .strip_prefix('#')
                    .and_then(|p| self.document.pointer(p))
                    .ok_or_else(|| {
                        SpecError::new(&entry_at, Problem::DanglingRef(reference.to_owned()))
                    })?,
                None => entry,
            };
            if let Some(value) = entry.get("value") {
                let (pointer, value) = unwrapped(pointer::push(&entry_at, "value"), value);
                self.push(pointer, value, target.clone())?;
            } else if let Some(url) = entry.get("externalValue").and_then(Value::as_str) {
                self.push(
                    entry_at,
                    &Value::Null,
                    ExampleTarget::External(url.to_owned()),
                )?;
            }
        }
        Ok(())
    }

    fn push(
        &mut self,
        pointer: String,
        value: &Value,
        target: ExampleTarget,
    ) -> Result<(), SpecError> {
        let size = json_size(value) + pointer.len();
        if size > self.budget {
            return Err(SpecError::new(
                pointer,
                Problem::Limit(format!(
                    "the spec's examples add up to more than {} bytes of generated tests",
                    crate::limits::MAX_OUTPUT_BYTES
                )),
            ));
        }
        self.budget -= size;
        self.out.push(Example {
            pointer,
            value: value.clone(),
            target,
        });
        Ok(())
    }
}

/// The example `value` at `pointer`, or, when it is an object wrapping the body in the member
/// `envelope`, that member.
fn unwrap_envelope<'v>(
    envelope: Option<&str>,
    pointer: String,
    value: &'v Value,
) -> (String, &'v Value) {
    match envelope.and_then(|key| Some((key, value.as_object()?.get(key)?))) {
        Some((key, inner)) => (pointer::push(&pointer, key), inner),
        None => (pointer, value),
    }
}

/// About how many bytes `value` takes as JSON text, without writing it.
fn json_size(value: &Value) -> usize {
    let mut size = 0;
    let mut pending = vec![value];
    while let Some(value) = pending.pop() {
        size += match value {
            Value::String(s) => s.len() + 2,
            Value::Array(items) => {
                pending.extend(items);
                2
            }
            Value::Object(map) => {
                for (key, item) in map {
                    size += key.len() + 4;
                    pending.push(item);
                }
                2
            }
            _ => 8,
        };
    }
    size
}
