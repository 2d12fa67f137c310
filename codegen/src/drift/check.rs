//! Where a JSON value departs from an IR type: the generator's own reading of drift, for bodies
//! saved to files (whose values then say what the spec should have said).
//!
//! It follows the same rules as the generated client's decoder (the runtime's `drift`), from
//! the IR instead of the generated code, so it works for any spec without compiling its crate;
//! a test holds the two to the same answers on every example of the real spec.

use serde_json::Value;

use super::Kind;
use crate::ir::{Additional, Api, TypeKind, TypeRef};

/// One departure: its kind, its pointer (`*` for array elements and map entries), and the value
/// found there (the unlisted property's, the enum's, the mistyped one; none for a missing one).
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub kind: Kind,
    pub pointer: String,
    pub value: Option<Value>,
}

/// Every place where `value` departs from `ty`.
pub fn check(api: &Api, ty: &TypeRef, value: &Value) -> Vec<Finding> {
    let mut out = Vec::new();
    walk(api, ty, value, &mut Vec::new(), &mut out, 0);
    out
}

/// Deepest nesting followed (values nest no deeper than the load stage allows anyway).
const MAX_DEPTH: usize = 128;

fn pointer(path: &[String], last: Option<&str>) -> String {
    let mut out = String::new();
    for segment in path.iter().map(String::as_str).chain(last) {
        out = crate::pointer::push(&out, segment);
    }
    out
}

fn found(
    out: &mut Vec<Finding>,
    kind: Kind,
    path: &[String],
    last: Option<&str>,
    value: Option<&Value>,
) {
    out.push(Finding {
        kind,
        pointer: pointer(path, last),
        value: value.cloned(),
    });
}

fn walk(
    api: &Api,
    ty: &TypeRef,
    value: &Value,
    path: &mut Vec<String>,
    out: &mut Vec<Finding>,
    depth: usize,
) {
    if depth > MAX_DEPTH {
        return;
    }
    let mismatch = |out: &mut Vec<Finding>| found(out, Kind::TypeMismatch, path, None, Some(value));
    match ty {
        TypeRef::Bool if !value.is_boolean() => mismatch(out),
        TypeRef::I32 | TypeRef::I64 if !(value.is_i64() || value.is_u64()) => mismatch(out),
        TypeRef::F32 | TypeRef::F64 if !value.is_number() => mismatch(out),
        TypeRef::String | TypeRef::File if !value.is_string() => mismatch(out),
        TypeRef::JsonObject if !value.is_object() => mismatch(out),
        TypeRef::Nullable(inner) if !value.is_null() => {
            walk(api, inner, value, path, out, depth + 1)
        }
        TypeRef::Vec(item) => match value {
            Value::Array(items) => each(
                items.iter(),
                |v, path, out| walk(api, item, v, path, out, depth + 1),
                path,
                out,
            ),
            _ => mismatch(out),
        },
        TypeRef::Map(item) => match value {
            Value::Object(map) => each(
                map.values(),
                |v, path, out| walk(api, item, v, path, out, depth + 1),
                path,
                out,
            ),
            _ => mismatch(out),
        },
        TypeRef::Named(id) => named(api, *id, value, path, out, depth),
        _ => {}
    }
}

/// Every element, under one `*` segment.
fn each<'v>(
    values: impl Iterator<Item = &'v Value>,
    mut visit: impl FnMut(&'v Value, &mut Vec<String>, &mut Vec<Finding>),
    path: &mut Vec<String>,
    out: &mut Vec<Finding>,
) {
    path.push("*".to_owned());
    for value in values {
        visit(value, path, out);
    }
    path.pop();
}

fn named(
    api: &Api,
    id: usize,
    value: &Value,
    path: &mut Vec<String>,
    out: &mut Vec<Finding>,
    depth: usize,
) {
    match &api.ty(id).kind {
        TypeKind::Alias(target) | TypeKind::NewType(target) => {
            walk(api, target, value, path, out, depth + 1)
        }
        TypeKind::Enum(e) => match value {
            Value::String(s) if e.variants.iter().any(|v| v.wire == *s) => {}
            Value::String(_) => found(out, Kind::UnknownEnumValue, path, None, Some(value)),
            _ => found(out, Kind::TypeMismatch, path, None, Some(value)),
        },
        TypeKind::Struct(s) => {
            let Value::Object(map) = value else {
                return found(out, Kind::TypeMismatch, path, None, Some(value));
            };
            let (mut matched, mut others) = (0, 0);
            for (key, v) in map {
                match s.fields.iter().find(|f| f.wire_name == *key) {
                    Some(field) => {
                        matched += 1;
                        // A required nullable property may be `null`; an optional one too.
                        if v.is_null() && field.is_optional() {
                            continue;
                        }
                        path.push(key.clone());
                        walk(api, &field.ty, v, path, out, depth + 1);
                        path.pop();
                    }
                    None => {
                        others += 1;
                        match &s.additional {
                            Additional::Typed { ty, .. } => {
                                path.push("*".to_owned());
                                walk(api, ty, v, path, out, depth + 1);
                                path.pop();
                            }
                            Additional::Open {
                                by_design: true, ..
                            } => {}
                            Additional::Open {
                                by_design: false, ..
                            }
                            | Additional::Closed => {
                                found(out, Kind::UndeclaredProperty, path, Some(key), Some(v))
                            }
                        }
                    }
                }
            }
            for field in s
                .fields
                .iter()
                .filter(|f| f.required && !map.contains_key(&f.wire_name))
            {
                if !matches!(field.ty, TypeRef::Nullable(_)) {
                    found(
                        out,
                        Kind::MissingRequired,
                        path,
                        Some(&field.wire_name),
                        None,
                    );
                }
            }
            let expected = matches!(
                s.additional,
                Additional::Open {
                    by_design: true,
                    ..
                } | Additional::Typed { .. }
            );
            if !expected && !s.fields.is_empty() && matched == 0 && others > 0 {
                found(out, Kind::NoDeclaredProperty, path, None, None);
            }
        }
        TypeKind::OneOf(o) => {
            let tried: Vec<Vec<Finding>> = o
                .variants
                .iter()
                .map(|variant| {
                    let mut findings = Vec::new();
                    let target = match (&o.tag, value) {
                        // The tag chooses, and is no property of the variant.
                        (Some(tag), Value::Object(map)) => {
                            if variant.tag_value.as_deref() != map.get(tag).and_then(Value::as_str)
                            {
                                return vec![Finding {
                                    kind: Kind::TypeMismatch,
                                    pointer: pointer(path, None),
                                    value: None,
                                }];
                            }
                            let mut rest = map.clone();
                            rest.remove(tag);
                            Value::Object(rest)
                        }
                        _ => value.clone(),
                    };
                    walk(api, &variant.ty, &target, path, &mut findings, depth + 1);
                    findings
                })
                .collect();
            let decodes = |f: &Vec<Finding>| {
                !f.iter()
                    .any(|f| matches!(f.kind, Kind::TypeMismatch | Kind::MissingRequired))
            };
            match tried
                .iter()
                .find(|f| f.is_empty())
                .or_else(|| tried.iter().find(|f| decodes(f)))
            {
                Some(best) => out.extend(best.iter().cloned()),
                None => found(out, Kind::TypeMismatch, path, None, Some(value)),
            }
        }
    }
}
