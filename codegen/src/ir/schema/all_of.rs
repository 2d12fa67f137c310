//! `allOf` → one struct: the properties of every part merged (following `$ref`s and nested
//! `allOf`s, refusing cycles and bounding the depth), or the first typed part when no part is an
//! object.
//!
//! Apart because merging is a walk of its own over the document, with its own accumulator
//! (`Merged`) and its own limits, that ends in `objects`' `build_struct` like any object.

use std::collections::HashSet;

use openapiv3::AdditionalProperties;

use super::objects::{Prop, open_by_design};
use super::view::View;
use super::{SchemaRef, Shape, TypeTable};
use crate::error::{Problem, SpecError};
use crate::ir::{TypeKind, TypeRef, refs};
use crate::limits;
use crate::pointer;

/// Properties gathered from the parts of an `allOf`.
#[derive(Default)]
struct Merged<'s> {
    props: Vec<Prop<'s>>,
    /// Names in `props`, for constant-time duplicate checks.
    names: HashSet<&'s str>,
    /// In the order the parts list them (duplicates are dropped when the struct is built).
    required: Vec<&'s str>,
    additional: Option<(&'s AdditionalProperties, String)>,
    /// A part says unlisted properties are expected (`x-codegen: {open: true}`).
    open_by_design: bool,
    object_like: bool,
    first_non_object: Option<(SchemaRef<'s>, String)>,
}

impl<'s> TypeTable<'s> {
    pub(super) fn all_of(
        &mut self,
        v: &View<'s>,
        at: &str,
        hint: &str,
    ) -> Result<Shape, SpecError> {
        // `allOf: [X]` alone only decorates X (usually with a description): it is X.
        if v.all_of.len() == 1 && v.properties.is_empty() {
            let only = pointer::join(at, ["allOf", "0"]);
            return Ok(Shape::Type(self.resolve(
                SchemaRef::of(&v.all_of[0]),
                &only,
                hint,
            )?));
        }
        let mut merged = Merged::default();
        let mut stack = Vec::new();
        self.collect(SchemaRef::Inline(v.schema), at, &mut merged, &mut stack, 0)?;
        if merged.props.is_empty() && !merged.object_like {
            if let Some((first, first_at)) = merged.first_non_object.take() {
                self.warn(
                    at,
                    "allOf of non-object schemas: the first one with a type is used",
                );
                return Ok(Shape::Type(self.resolve(first, &first_at, hint)?));
            }
            return Ok(Shape::Type(TypeRef::Json));
        }
        let required = merged.required.clone();
        let props = std::mem::take(&mut merged.props);
        Ok(Shape::Def(TypeKind::Struct(self.build_struct(
            props,
            &required,
            merged.additional,
            merged.open_by_design,
            hint,
            at,
        )?)))
    }

    /// Gathers the properties of an `allOf` part (following `$ref`s and nested `allOf`s).
    fn collect(
        &mut self,
        part: SchemaRef<'s>,
        at: &str,
        merged: &mut Merged<'s>,
        stack: &mut Vec<String>,
        depth: usize,
    ) -> Result<(), SpecError> {
        // Inline `allOf`s nest no deeper than the document, but each `$ref` starts again at a
        // component's root: the depth counts both.
        if depth >= limits::MAX_ALL_OF_DEPTH {
            return Err(SpecError::new(
                at,
                Problem::Limit(format!(
                    "allOf parts include other allOfs more than {} levels deep",
                    limits::MAX_ALL_OF_DEPTH
                )),
            ));
        }
        match part {
            SchemaRef::Ref(reference) => {
                let name = refs::schema_name(self.spec, reference, at)?;
                if stack.contains(&name) {
                    stack.push(name);
                    return Err(SpecError::new(
                        at,
                        Problem::RefCycle(format!("allOf includes itself: {}", stack.join(" → "))),
                    ));
                }
                let spec = self.spec;
                let target = &spec
                    .components
                    .as_ref()
                    .expect("checked by schema_name")
                    .schemas[name.as_str()];
                let target_at = pointer::join("", ["components", "schemas", name.as_str()]);
                stack.push(name);
                self.collect(SchemaRef::of(target), &target_at, merged, stack, depth + 1)?;
                stack.pop();
            }
            SchemaRef::Inline(schema) => {
                let v = View::of(schema);
                for (i, inner) in v.all_of.iter().enumerate() {
                    let inner_at = pointer::join(at, ["allOf", &i.to_string()]);
                    self.collect(SchemaRef::of(inner), &inner_at, merged, stack, depth + 1)?;
                }
                if !v.one_of.is_empty() || !v.any_of.is_empty() {
                    self.warn(at, "oneOf/anyOf inside allOf is not merged: only the listed properties are kept");
                }
                for (name, schema) in &v.properties {
                    if merged.names.insert(name) {
                        if merged.props.len() >= limits::MAX_FIELDS_PER_TYPE {
                            return Err(SpecError::new(
                                at,
                                Problem::Limit(format!(
                                    "allOf merges more than {} properties into one object",
                                    limits::MAX_FIELDS_PER_TYPE
                                )),
                            ));
                        }
                        merged.props.push(Prop {
                            name,
                            schema: *schema,
                            pointer: pointer::join(at, ["properties", name]),
                        });
                    }
                }
                merged
                    .required
                    .extend(v.required.iter().map(String::as_str));
                if let Some(additional) = v.additional {
                    merged.additional =
                        Some((additional, pointer::push(at, "additionalProperties")));
                }
                merged.open_by_design |= open_by_design(v.schema);
                match v.inferred_type() {
                    Some("object") => merged.object_like = true,
                    Some(_) if merged.first_non_object.is_none() && v.all_of.is_empty() => {
                        merged.first_non_object = Some((part, at.to_owned()));
                    }
                    _ => {}
                }
            }
        }
        Ok(())
    }
}
