//! Changes to the model types.

use std::collections::BTreeMap;

use super::{Change, Kind, change};
use crate::ir::{Api, Field, TypeDef, TypeKind};
use crate::names;

mod renames;

pub(crate) use renames::{Rename, Renamed};

pub(super) fn type_kind(def: &TypeDef) -> &'static str {
    match def.kind {
        TypeKind::Struct(_) => "struct",
        TypeKind::Enum(_) => "string enum",
        TypeKind::OneOf(_) => "enum",
        TypeKind::Alias(_) => "type alias",
        TypeKind::NewType(_) => "newtype",
    }
}

pub(super) fn field_type(api: &Api, f: &Field) -> String {
    let ty = api.display(&f.ty).to_string();
    if f.is_optional() && !ty.starts_with("Option<") {
        format!("Option<{ty}>")
    } else {
        ty
    }
}

fn by_name(api: &Api) -> BTreeMap<&str, usize> {
    api.types
        .iter()
        .enumerate()
        .map(|(i, t)| (t.name.as_str(), i))
        .collect()
}

/// The types removed and added that are probably one type renamed (see `renames`).
pub(super) fn renames<'a>(old: &'a Api, new: &'a Api) -> Vec<Rename<'a>> {
    let (old_names, new_names) = (by_name(old), by_name(new));
    let removed: Vec<&TypeDef> = old
        .types
        .iter()
        .filter(|o| !new_names.contains_key(o.name.as_str()))
        .collect();
    let added: Vec<&TypeDef> = new
        .types
        .iter()
        .filter(|n| !old_names.contains_key(n.name.as_str()))
        .collect();
    renames::find(old, new, &removed, &added)
}

pub(super) fn compare(
    old: &Api,
    new: &Api,
    renames: &[Rename<'_>],
    renamed: &Renamed,
    out: &mut Vec<Change>,
) {
    let (old_names, new_names) = (by_name(old), by_name(new));
    let by_from: BTreeMap<&str, &Rename<'_>> =
        renames.iter().map(|r| (r.from.name.as_str(), r)).collect();
    for o in &old.types {
        let subject = format!("types::{}", o.name);
        if let Some(&j) = new_names.get(o.name.as_str()) {
            compare_type(old, new, o, &new.types[j], &subject, renamed, out);
        } else if let Some(rename) = by_from.get(o.name.as_str()) {
            let n = rename.to;
            let subject = format!("types::{}", n.name);
            out.push(
                change(
                    Kind::TypeRenamed,
                    true,
                    subject.clone(),
                    format!(
                        "probably renamed from `types::{}`: that {} was removed and this one added {}",
                        o.name,
                        type_kind(o),
                        rename.place
                    ),
                )
                .migrate(format!("`types::{}` → `types::{}`", o.name, n.name)),
            );
            // What else changed in it, under its new name.
            compare_type(old, new, o, n, &subject, renamed, out);
        } else {
            out.push(change(
                Kind::TypeRemoved,
                true,
                subject,
                format!("{} removed", type_kind(o)),
            ));
        }
    }
    let renamed_to: std::collections::HashSet<&str> =
        renames.iter().map(|r| r.to.name.as_str()).collect();
    for n in &new.types {
        if !old_names.contains_key(n.name.as_str()) && !renamed_to.contains(n.name.as_str()) {
            out.push(change(
                Kind::TypeAdded,
                false,
                format!("types::{}", n.name),
                format!("{} added", type_kind(n)),
            ));
        }
    }
}

/// The changes inside a type that is in both versions (under `subject`, its name in the new one).
fn compare_type(
    old: &Api,
    new: &Api,
    o: &TypeDef,
    n: &TypeDef,
    subject: &str,
    renamed: &Renamed,
    out: &mut Vec<Change>,
) {
    let subject = subject.to_owned();
    match (&o.kind, &n.kind) {
        (TypeKind::Struct(a), TypeKind::Struct(b)) => {
            for f in &a.fields {
                let field_subject = format!("{subject}::{}", names::unraw(&f.rust_name));
                match b.fields.iter().find(|g| g.wire_name == f.wire_name) {
                    None => out.push(change(
                        Kind::FieldRemoved,
                        true,
                        field_subject,
                        format!("field `{}` removed", f.wire_name),
                    )),
                    Some(g) => {
                        let (before, after) = (field_type(old, f), field_type(new, g));
                        if renamed.in_new_names(&before) != after {
                            out.push(change(
                                Kind::FieldChanged,
                                true,
                                field_subject.clone(),
                                format!("is {after} instead of {before}"),
                            ));
                        } else if f.required != g.required {
                            out.push(change(
                                Kind::FieldChanged,
                                true,
                                field_subject.clone(),
                                if g.required {
                                    "is now required (an argument of `new`)"
                                } else {
                                    "is now optional"
                                },
                            ));
                        }
                        if !f.doc.deprecated && g.doc.deprecated {
                            out.push(change(
                                Kind::Deprecated,
                                false,
                                field_subject.clone(),
                                format!("property `{}` is deprecated in the spec", g.wire_name),
                            ));
                        }
                        if f.rust_name != g.rust_name {
                            out.push(
                                change(
                                    Kind::FieldChanged,
                                    true,
                                    field_subject,
                                    format!("is now `{}`", names::unraw(&g.rust_name)),
                                )
                                .migrate(format!(
                                    "`.{}` → `.{}`",
                                    names::unraw(&f.rust_name),
                                    names::unraw(&g.rust_name)
                                )),
                            );
                        }
                    }
                }
            }
            for g in &b.fields {
                if !a.fields.iter().any(|f| f.wire_name == g.wire_name) {
                    let detail = if g.required {
                        format!(
                            "required field `{}` added ({}; an argument of `new`)",
                            g.wire_name,
                            field_type(new, g)
                        )
                    } else {
                        format!(
                            "optional field `{}` added ({})",
                            g.wire_name,
                            field_type(new, g)
                        )
                    };
                    out.push(change(
                        Kind::FieldAdded,
                        g.required,
                        format!("{subject}::{}", names::unraw(&g.rust_name)),
                        detail,
                    ));
                }
            }
            // The map of unlisted properties is a field like the others.
            let additional = |s: &crate::ir::Struct, api: &Api| match &s.additional {
                crate::ir::Additional::Closed => None,
                crate::ir::Additional::Open { field, .. } => Some((
                    field.clone(),
                    "serde_json::Map<String, serde_json::Value>".to_owned(),
                )),
                crate::ir::Additional::Typed { field, ty } => Some((
                    field.clone(),
                    format!("BTreeMap<String, {}>", api.display(ty)),
                )),
            };
            match (additional(a, old), additional(b, new)) {
                (Some(before), Some(after)) if before != after => out.push(change(
                    Kind::FieldChanged,
                    true,
                    format!("{subject}::{}", before.0),
                    format!(
                        "the map of unlisted properties is `{}: {}` instead of `{}: {}`",
                        after.0, after.1, before.0, before.1
                    ),
                )),
                (Some(before), None) => out.push(change(
                    Kind::FieldRemoved,
                    true,
                    format!("{subject}::{}", before.0),
                    "removed: the schema now says `additionalProperties: false`",
                )),
                (None, Some(after)) => out.push(change(
                    Kind::FieldAdded,
                    false,
                    format!("{subject}::{}", after.0),
                    format!("added: unlisted properties are kept ({})", after.1),
                )),
                _ => {}
            }
        }
        (TypeKind::Enum(a), TypeKind::Enum(b)) => {
            for v in &a.variants {
                if !b.variants.iter().any(|w| w.wire == v.wire) {
                    out.push(change(
                        Kind::VariantRemoved,
                        true,
                        subject.clone(),
                        format!("value `{}` removed", v.wire),
                    ));
                }
            }
            for w in &b.variants {
                if !a.variants.iter().any(|v| v.wire == w.wire) {
                    out.push(change(
                        Kind::VariantAdded,
                        false,
                        subject.clone(),
                        format!("value `{}` added", w.wire),
                    ));
                }
            }
        }
        (TypeKind::OneOf(a), TypeKind::OneOf(b)) => {
            // Non-exhaustive: a new variant is compatible (though it may now decode a body
            // that an earlier variant used to take, for untagged enums: reported too).
            let shape = |v: &crate::ir::OneOfVariant, api: &Api| {
                format!("{}({})", v.rust_name, api.display(&v.ty))
            };
            let before: Vec<String> = a
                .variants
                .iter()
                .map(|v| renamed.in_new_names(&shape(v, old)))
                .collect();
            let after: Vec<String> = b.variants.iter().map(|v| shape(v, new)).collect();
            if a.tag != b.tag {
                out.push(change(
                    Kind::TypeChanged,
                    true,
                    subject.clone(),
                    "is tagged differently",
                ));
            }
            for v in &before {
                if !after.contains(v) {
                    out.push(change(
                        Kind::VariantRemoved,
                        true,
                        subject.clone(),
                        format!("variant `{v}` removed or changed"),
                    ));
                }
            }
            for v in &after {
                if !before.contains(v) {
                    out.push(change(
                        Kind::VariantAdded,
                        false,
                        subject.clone(),
                        format!("variant `{v}` added"),
                    ));
                }
            }
        }
        (TypeKind::Alias(a), TypeKind::Alias(b)) | (TypeKind::NewType(a), TypeKind::NewType(b)) => {
            let (before, after) = (
                renamed.in_new_names(&old.display(a).to_string()),
                new.display(b).to_string(),
            );
            if before != after {
                out.push(change(
                    Kind::TypeChanged,
                    true,
                    subject,
                    format!("stands for {after} instead of {before}"),
                ));
            }
        }
        _ => out.push(change(
            Kind::TypeChanged,
            true,
            subject,
            format!("is a {} instead of a {}", type_kind(n), type_kind(o)),
        )),
    }
}
