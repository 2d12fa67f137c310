//! A value made from a type when the spec gives no example: the smallest that fits (required
//! properties only, the first enum value, one item per list). The conformance driver sends such
//! values; the test server answers with them.

use serde_json::{Value, json};

use crate::ir::{Api, TypeKind, TypeRef};

/// A value of `ty`.
pub(crate) fn value(api: &Api, ty: &TypeRef) -> Value {
    value_at(api, ty, 0)
}

/// A value of type `ty` made up from the type alone: required properties only, first enum
/// value, one item per array.
pub(crate) fn value_at(api: &Api, ty: &TypeRef, depth: usize) -> Value {
    if depth > 16 {
        return Value::Null;
    }
    match api.unalias(ty) {
        TypeRef::Bool => json!(true),
        TypeRef::I32 | TypeRef::I64 => json!(1),
        TypeRef::F32 | TypeRef::F64 => json!(1.5),
        TypeRef::String | TypeRef::File => json!("example"),
        TypeRef::Json | TypeRef::JsonObject => json!({}),
        TypeRef::Vec(item) => json!([value_at(api, item, depth + 1)]),
        TypeRef::Map(_) => json!({}),
        TypeRef::Nullable(inner) => value_at(api, inner, depth + 1),
        TypeRef::Named(id) => match &api.ty(*id).kind {
            TypeKind::Struct(s) => Value::Object(
                s.fields
                    .iter()
                    .filter(|f| f.required)
                    .map(|f| (f.wire_name.clone(), value_at(api, &f.ty, depth + 1)))
                    .collect(),
            ),
            TypeKind::Enum(e) => e
                .variants
                .first()
                .map_or(json!("example"), |v| json!(v.wire)),
            TypeKind::OneOf(o) => match (o.variants.first(), &o.tag) {
                (Some(first), Some(tag)) => {
                    let mut value = value_at(api, &first.ty, depth + 1);
                    if let Value::Object(map) = &mut value {
                        map.insert(tag.clone(), json!(first.tag_value));
                    }
                    value
                }
                (Some(first), None) => value_at(api, &first.ty, depth + 1),
                (None, _) => Value::Null,
            },
            TypeKind::Alias(inner) | TypeKind::NewType(inner) => value_at(api, inner, depth + 1),
        },
    }
}
