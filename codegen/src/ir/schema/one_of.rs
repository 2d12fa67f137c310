//! `oneOf`/`anyOf` → Rust enums: internally tagged when every alternative is an inline object
//! with a required constant property that tells it apart, else untagged, with a variant per
//! alternative named after its component, its title or its type.
//!
//! Apart because finding the tag and naming the variants is work no other shape needs.

use openapiv3::{ReferenceOr, Schema};
use serde_json::Value;

use super::objects::{Prop, open_by_design};
use super::view::View;
use super::{SchemaRef, Shape, TypeTable, non_empty, schema_doc};
use crate::error::SpecError;
use crate::ir::{OneOf, OneOfVariant, TypeKind, TypeRef, refs};
use crate::names::{self, Namer};
use crate::pointer;

impl<'s> TypeTable<'s> {
    pub(super) fn one_of(
        &mut self,
        v: &View<'s>,
        key: &str,
        alternatives: &'s [ReferenceOr<Schema>],
        at: &str,
        hint: &str,
    ) -> Result<Shape, SpecError> {
        if !v.properties.is_empty() {
            self.warn(
                at,
                format!("properties next to {key} are not merged into its variants"),
            );
        }
        if alternatives.len() == 1 {
            let only = pointer::join(at, [key, "0"]);
            return Ok(Shape::Type(self.resolve(
                SchemaRef::of(&alternatives[0]),
                &only,
                hint,
            )?));
        }
        if let Some(tag) = common_tag(alternatives) {
            return self.tagged(alternatives, key, &tag, at, hint);
        }
        let mut namer = Namer::new();
        let mut variants = Vec::with_capacity(alternatives.len());
        for (i, alternative) in alternatives.iter().enumerate() {
            let alt_at = pointer::join(at, [key, &i.to_string()]);
            let rust_name = namer.claim(&self.variant_base_name(alternative, i));
            let ty = self.resolve(
                SchemaRef::of(alternative),
                &alt_at,
                &format!("{hint}{rust_name}"),
            )?;
            variants.push(OneOfVariant {
                rust_name,
                ty,
                boxed: false,
                tag_value: None,
            });
        }
        Ok(Shape::Def(TypeKind::OneOf(OneOf {
            variants,
            tag: None,
        })))
    }

    /// An internally tagged enum: each variant is the inline object without its tag property.
    fn tagged(
        &mut self,
        alternatives: &'s [ReferenceOr<Schema>],
        key: &str,
        tag: &str,
        at: &str,
        hint: &str,
    ) -> Result<Shape, SpecError> {
        let mut namer = Namer::new();
        let mut variants = Vec::with_capacity(alternatives.len());
        for (i, alternative) in alternatives.iter().enumerate() {
            let ReferenceOr::Item(schema) = alternative else {
                unreachable!("common_tag only accepts inline alternatives")
            };
            let alt_at = pointer::join(at, [key, &i.to_string()]);
            let v = View::of(schema);
            let value = tag_value(&v, tag).expect("common_tag checked every alternative");
            let rust_name = namer.claim(&names::pascal(&value));
            let props = v
                .properties
                .iter()
                .filter(|(name, _)| *name != tag)
                .map(|&(name, schema)| Prop {
                    name,
                    schema,
                    pointer: pointer::join(&alt_at, ["properties", name]),
                })
                .collect();
            let required: Vec<&str> = v
                .required
                .iter()
                .map(String::as_str)
                .filter(|r| *r != tag)
                .collect();
            let additional = v
                .additional
                .map(|a| (a, pointer::push(&alt_at, "additionalProperties")));
            let variant_hint = format!("{hint}{rust_name}");
            let body = self.build_struct(
                props,
                &required,
                additional,
                open_by_design(schema),
                &variant_hint,
                &alt_at,
            )?;
            let id = self.hoist(
                &variant_hint,
                &alt_at,
                schema_doc(schema),
                TypeKind::Struct(body),
            )?;
            self.schema_types.insert(alt_at.clone(), TypeRef::Named(id));
            self.schema_types
                .insert(pointer::join(&alt_at, ["properties", tag]), TypeRef::String);
            variants.push(OneOfVariant {
                rust_name,
                ty: TypeRef::Named(id),
                boxed: false,
                tag_value: Some(value),
            });
        }
        Ok(Shape::Def(TypeKind::OneOf(OneOf {
            variants,
            tag: Some(tag.to_owned()),
        })))
    }

    fn variant_base_name(&self, alternative: &ReferenceOr<Schema>, index: usize) -> String {
        match alternative {
            ReferenceOr::Reference { reference } => {
                match refs::parse_expecting(reference, refs::Section::Schemas, "") {
                    Ok(name) => match self.components.get(name.as_str()) {
                        Some(&id) => self.defs[id].name.clone(),
                        None => names::pascal(&name),
                    },
                    Err(_) => format!("Variant{}", index + 1),
                }
            }
            ReferenceOr::Item(schema) => {
                if let Some(title) = non_empty(schema.schema_data.title.as_deref()) {
                    return names::pascal(&title);
                }
                match View::of(schema).inferred_type() {
                    Some("string") => "String".to_owned(),
                    Some("integer") => "Integer".to_owned(),
                    Some("number") => "Number".to_owned(),
                    Some("boolean") => "Boolean".to_owned(),
                    Some("array") => "Array".to_owned(),
                    Some("object") => "Object".to_owned(),
                    _ => format!("Variant{}", index + 1),
                }
            }
        }
    }
}

/// The single string value a required, single-valued enum property `tag` has in `v`.
fn tag_value(v: &View<'_>, tag: &str) -> Option<String> {
    if !v.required.iter().any(|r| r == tag) {
        return None;
    }
    let (_, schema) = v.properties.iter().find(|(name, _)| *name == tag)?;
    let SchemaRef::Inline(schema) = schema else {
        return None;
    };
    match View::of(schema).enumeration.as_slice() {
        [Value::String(only)] => Some(only.clone()),
        _ => None,
    }
}

/// A property that tells every (inline, object) alternative apart by a constant value.
fn common_tag(alternatives: &[ReferenceOr<Schema>]) -> Option<String> {
    let views: Vec<View<'_>> = alternatives
        .iter()
        .map(|a| match a {
            ReferenceOr::Item(schema) => Some(View::of(schema)),
            ReferenceOr::Reference { .. } => None,
        })
        .collect::<Option<_>>()?;
    let first = views.first()?;
    first
        .properties
        .iter()
        .map(|(name, _)| *name)
        .find_map(|candidate| {
            let mut values = Vec::with_capacity(views.len());
            for v in &views {
                if v.inferred_type() != Some("object")
                    || !v.all_of.is_empty()
                    || !v.one_of.is_empty()
                {
                    return None;
                }
                let value = tag_value(v, candidate)?;
                if values.contains(&value) {
                    return None;
                }
                values.push(value);
            }
            Some(candidate.to_owned())
        })
}
