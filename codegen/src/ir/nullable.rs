//! Nullability as the spec means it, wherever a nullable schema is used.
//!
//! A component that is an object (or an enum, or a `oneOf`) and says `nullable: true` (in 3.1:
//! `type: [object, "null"]`, which the loader rewrites so) is still one struct; what admits
//! `null` is every place that uses it. So, once all types are defined, each use of such a
//! component as a field, an item or a map value becomes `Option` of it, and so does a field
//! whose type is an alias of a nullable type (`allOf` of one nullable component, a `$ref` to a
//! nullable alias): a required property that may be `null` is `Option<T>`, present-or-null on
//! the wire. Bodies and parameters keep the component's type: a body or a parameter that is
//! `null` is not a value an operation takes.

use std::collections::HashSet;

use super::{TypeDef, TypeId, TypeKind, TypeRef};

/// Makes every use of `nullable` (component types that admit `null`) in `defs` nullable.
pub(crate) fn apply(defs: &mut [TypeDef], nullable: &HashSet<TypeId>) {
    // Aliases first, so that a field can see through an alias to a now-nullable type.
    for def in defs.iter_mut() {
        let kind = std::mem::replace(&mut def.kind, TypeKind::Alias(TypeRef::Json));
        def.kind = match kind {
            TypeKind::Alias(ty) => TypeKind::Alias(wrap(ty, nullable)),
            TypeKind::NewType(ty) => TypeKind::NewType(wrap_inner(ty, nullable)),
            other => other,
        };
    }
    for id in 0..defs.len() {
        if !matches!(defs[id].kind, TypeKind::Struct(_)) {
            continue;
        }
        let TypeKind::Struct(mut s) =
            std::mem::replace(&mut defs[id].kind, TypeKind::Alias(TypeRef::Json))
        else {
            unreachable!("a struct, as checked");
        };
        for field in &mut s.fields {
            let ty = wrap(std::mem::replace(&mut field.ty, TypeRef::Json), nullable);
            field.ty = through_nullable_alias(ty, defs);
        }
        defs[id].kind = TypeKind::Struct(s);
    }
}

/// `ty`, nullable where it is a nullable component (and inside lists and maps, their items).
fn wrap(ty: TypeRef, nullable: &HashSet<TypeId>) -> TypeRef {
    match ty {
        TypeRef::Named(id) if nullable.contains(&id) => {
            TypeRef::Nullable(Box::new(TypeRef::Named(id)))
        }
        other => wrap_inner(other, nullable),
    }
}

/// The items of a list or map, and what a nullable wraps, made nullable where they are
/// nullable components; `ty` itself is left as it is.
fn wrap_inner(ty: TypeRef, nullable: &HashSet<TypeId>) -> TypeRef {
    match ty {
        TypeRef::Vec(item) => TypeRef::Vec(Box::new(wrap(*item, nullable))),
        TypeRef::Map(value) => TypeRef::Map(Box::new(wrap(*value, nullable))),
        // Already `Option`: one level is all `null` needs.
        nullable_already @ TypeRef::Nullable(_) => nullable_already,
        other => other,
    }
}

/// A field typed by an alias that admits `null` (`type Window = Option<WindowData>`) takes the
/// alias's target, so that the field is an `Option` the model knows as one (present-or-null,
/// `None` when missing) rather than a required value that happens to be one.
fn through_nullable_alias(ty: TypeRef, defs: &[TypeDef]) -> TypeRef {
    let mut current = &ty;
    for _ in 0..=defs.len() {
        match current {
            TypeRef::Named(id) => match &defs[*id].kind {
                TypeKind::Alias(target @ TypeRef::Nullable(_)) => return target.clone(),
                TypeKind::Alias(target) => current = target,
                _ => return ty,
            },
            _ => return ty,
        }
    }
    ty
}
