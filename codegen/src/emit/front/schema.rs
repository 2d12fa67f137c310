//! The JSON Schema of every type an operation names, from the IR: what an MCP tool's
//! `inputSchema` and `outputSchema` are made of, and what the command line checks `--set` paths
//! against. Written after the overlay, as the client's types are: a schema says what the client
//! accepts and sends, not what the spec said before it was corrected.
//!
//! Each type is one schema (`#/$defs/<Rust name>` in a tool's schema); descriptions are the
//! spec's text on one line, bounded, and only ever data.

use std::collections::BTreeSet;

use serde_json::{Map, Value, json};

use crate::ir::{Additional, Api, Doc, Operation, TypeId, TypeKind, TypeRef};

/// The longest description a schema carries (a spec's can be pages long).
pub(crate) const MAX_DESCRIPTION: usize = 400;

/// The schema of a value of type `ty`: types by reference, as `#/$defs/<name>`.
pub(crate) fn of(api: &Api, ty: &TypeRef) -> Value {
    match ty {
        TypeRef::Bool => json!({"type": "boolean"}),
        TypeRef::I32 | TypeRef::I64 => json!({"type": "integer"}),
        TypeRef::F32 | TypeRef::F64 => json!({"type": "number"}),
        TypeRef::String => json!({"type": "string"}),
        TypeRef::Json => json!({}),
        TypeRef::JsonObject => json!({"type": "object"}),
        // A multipart body's file: the command line reads it from a path.
        TypeRef::File => json!({"type": "string", "description": "the path of a file to upload"}),
        TypeRef::Vec(item) => json!({"type": "array", "items": of(api, item)}),
        TypeRef::Map(value) => json!({"type": "object", "additionalProperties": of(api, value)}),
        TypeRef::Nullable(inner) => json!({"anyOf": [of(api, inner), {"type": "null"}]}),
        TypeRef::Named(id) => json!({"$ref": format!("#/$defs/{}", api.ty(*id).name)}),
    }
}

/// The schema that defines the type `id`.
pub(crate) fn definition(api: &Api, id: TypeId) -> Value {
    let def = api.ty(id);
    let mut schema = match &def.kind {
        TypeKind::Struct(s) => {
            let mut properties = Map::new();
            for field in &s.fields {
                let mut property = of(api, &field.ty);
                describe(&mut property, &field.doc);
                properties.insert(field.wire_name.clone(), property);
            }
            let required: Vec<&str> = s
                .fields
                .iter()
                .filter(|f| f.required)
                .map(|f| f.wire_name.as_str())
                .collect();
            let additional = match &s.additional {
                Additional::Closed => json!(false),
                Additional::Open { .. } => json!(true),
                Additional::Typed { ty, .. } => of(api, ty),
            };
            let mut object = json!({"type": "object", "properties": properties, "additionalProperties": additional});
            if !required.is_empty() {
                object["required"] = json!(required);
            }
            object
        }
        TypeKind::Enum(e) => {
            let values: Vec<&str> = e.variants.iter().map(|v| v.wire.as_str()).collect();
            json!({"type": "string", "enum": values})
        }
        TypeKind::OneOf(o) => {
            let variants: Vec<Value> = o
                .variants
                .iter()
                .map(|v| {
                    let mut variant = of(api, &v.ty);
                    if let (Some(tag), Some(value)) = (&o.tag, &v.tag_value) {
                        variant = json!({"allOf": [variant, {"type": "object", "properties": {tag.as_str(): {"const": value}}, "required": [tag]}]});
                    }
                    variant
                })
                .collect();
            json!({"oneOf": variants})
        }
        TypeKind::Alias(ty) | TypeKind::NewType(ty) => of(api, ty),
    };
    describe(&mut schema, &def.doc);
    schema
}

/// The spec's text for a schema: one line, bounded, in `description`.
fn describe(schema: &mut Value, doc: &Doc) {
    let text = description(doc);
    if let (Some(object), false) = (schema.as_object_mut(), text.is_empty()) {
        object.insert("description".to_owned(), Value::String(text));
    }
}

/// A doc's summary and description on one line, without control characters, at most
/// [`MAX_DESCRIPTION`] characters.
pub(crate) fn description(doc: &Doc) -> String {
    let joined: Vec<&str> = doc
        .summary
        .iter()
        .chain(doc.description.iter())
        .map(String::as_str)
        .collect();
    bounded(&joined.join(": "), MAX_DESCRIPTION)
}

/// `text` on one line (whitespace runs as one space, control and invisible characters
/// dropped), cut with `…` after `max` characters.
pub(crate) fn bounded(text: &str, max: usize) -> String {
    let mut out = String::with_capacity(text.len().min(max + 4));
    let mut count = 0;
    for word in text.split_whitespace() {
        let word: String = word
            .chars()
            .filter(|c| !c.is_control() && !crate::text::is_hazard(*c))
            .collect();
        if word.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push(' ');
            count += 1;
        }
        for c in word.chars() {
            if count >= max {
                out.push('…');
                return out;
            }
            out.push(c);
            count += 1;
        }
    }
    out
}

/// The types `ops` name (in parameters, bodies, outputs), with every type those name in turn.
pub(crate) fn reached<'a>(
    api: &Api,
    ops: impl IntoIterator<Item = &'a Operation>,
) -> BTreeSet<TypeId> {
    let mut pending: Vec<TypeId> = Vec::new();
    for op in ops {
        for param in &op.params {
            let ty = match &param.ty {
                crate::ir::ParamType::Scalar(ty) => Some(ty),
                crate::ir::ParamType::List { item, .. } => Some(item),
                crate::ir::ParamType::Encoded { documented, .. } => Some(documented),
            };
            ty.into_iter().for_each(|ty| ty.named(&mut pending));
        }
        if let Some(ty) = op.body.as_ref().and_then(|b| b.kind.typed()) {
            ty.named(&mut pending);
        }
        for case in op.success.iter().chain(&op.errors) {
            if let crate::ir::ResponseBody::Json(ty) = &case.body {
                ty.named(&mut pending);
            }
        }
        if let Some(pagination) = &op.pagination {
            pagination.item_type.named(&mut pending);
        }
    }
    let mut seen = BTreeSet::new();
    while let Some(id) = pending.pop() {
        if !seen.insert(id) {
            continue;
        }
        match &api.ty(id).kind {
            TypeKind::Struct(s) => {
                for field in &s.fields {
                    field.ty.named(&mut pending);
                }
                if let Additional::Typed { ty, .. } = &s.additional {
                    ty.named(&mut pending);
                }
            }
            TypeKind::OneOf(o) => o.variants.iter().for_each(|v| v.ty.named(&mut pending)),
            TypeKind::Alias(ty) | TypeKind::NewType(ty) => ty.named(&mut pending),
            TypeKind::Enum(_) => {}
        }
    }
    seen
}
