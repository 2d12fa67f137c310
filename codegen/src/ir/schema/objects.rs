//! Object schemas → structs: each property a field (named and typed in order), each name the
//! schema requires without declaring it a field of any JSON value, and `additionalProperties`
//! (or an overlay's `x-codegen: {open: true}`) deciding what becomes of unlisted properties.
//!
//! Apart from the dispatch in `schema.rs` because every path that ends in a struct goes through
//! `build_struct` (plain objects, merged `allOf`s, the variants of a tagged `oneOf`), and with it
//! the limits on how many fields the spec may make.

use std::collections::HashSet;

use openapiv3::{AdditionalProperties, Schema};
use serde_json::Value;

use super::view::View;
use super::{SchemaRef, Shape, TypeTable};
use crate::error::{Problem, SpecError};
use crate::ir::{Additional, Doc, Field, Struct, TypeKind, TypeRef};
use crate::limits;
use crate::names::{self, Namer};
use crate::pointer;

/// A property on its way into a struct.
pub(super) struct Prop<'s> {
    pub(super) name: &'s str,
    pub(super) schema: SchemaRef<'s>,
    pub(super) pointer: String,
}

/// Whether an overlay marked `schema` open by design (`x-codegen: {open: true}`): properties it
/// does not list are expected (tenant-defined attributes, say), not drift.
pub(super) fn open_by_design(schema: &Schema) -> bool {
    schema
        .schema_data
        .extensions
        .get("x-codegen")
        .and_then(|x| x.get("open"))
        .and_then(Value::as_bool)
        == Some(true)
}

impl<'s> TypeTable<'s> {
    pub(super) fn object(
        &mut self,
        v: &View<'s>,
        at: &str,
        hint: &str,
    ) -> Result<Shape, SpecError> {
        if v.properties.is_empty() && v.required.is_empty() {
            return Ok(match v.additional {
                Some(AdditionalProperties::Schema(s)) => {
                    let value = self.resolve(
                        SchemaRef::of(s),
                        &pointer::push(at, "additionalProperties"),
                        &format!("{hint}Value"),
                    )?;
                    Shape::Type(TypeRef::Map(Box::new(value)))
                }
                Some(AdditionalProperties::Any(false)) => Shape::Def(TypeKind::Struct(Struct {
                    fields: Vec::new(),
                    additional: Additional::Closed,
                })),
                // A free-form object: any properties, but an object.
                _ => Shape::Type(TypeRef::JsonObject),
            });
        }
        let props = v
            .properties
            .iter()
            .map(|&(name, schema)| Prop {
                name,
                schema,
                pointer: pointer::join(at, ["properties", name]),
            })
            .collect();
        let required: Vec<&str> = v.required.iter().map(String::as_str).collect();
        let additional = v
            .additional
            .map(|a| (a, pointer::push(at, "additionalProperties")));
        Ok(Shape::Def(TypeKind::Struct(self.build_struct(
            props,
            &required,
            additional,
            open_by_design(v.schema),
            hint,
            at,
        )?)))
    }

    pub(super) fn build_struct(
        &mut self,
        props: Vec<Prop<'s>>,
        required_list: &[&str],
        additional: Option<(&'s AdditionalProperties, String)>,
        open_by_design: bool,
        hint: &str,
        at: &str,
    ) -> Result<Struct, SpecError> {
        let required: HashSet<&str> = required_list.iter().copied().collect();
        if props.len() > limits::MAX_FIELDS_PER_TYPE {
            return Err(SpecError::new(
                at,
                Problem::Limit(format!(
                    "this object has {} properties (allOf parts merged), more than the limit of {}",
                    props.len(),
                    limits::MAX_FIELDS_PER_TYPE
                )),
            ));
        }
        self.fields_total += props.len();
        if self.fields_total > limits::MAX_FIELDS_TOTAL {
            return Err(SpecError::new(
                at,
                Problem::Limit(format!(
                    "the spec's objects have more than {} properties in all (allOf parts merged into each object that includes them)",
                    limits::MAX_FIELDS_TOTAL
                )),
            ));
        }
        let mut namer = Namer::new();
        let mut fields = Vec::with_capacity(props.len());
        for prop in props {
            let rust_name = namer.claim(&names::snake(prop.name));
            let child_hint = format!("{hint}{}", names::pascal(prop.name));
            let ty = self.resolve(prop.schema, &prop.pointer, &child_hint)?;
            fields.push(Field {
                rust_name,
                wire_name: prop.name.to_owned(),
                ty,
                required: required.contains(prop.name),
                boxed: false,
                doc: Self::member_doc(prop.schema),
                pointer: prop.pointer,
            });
        }
        // Names a schema requires without declaring them (a typo, or a rename the spec forgot):
        // fields of any JSON value, so a valid request can still be built.
        let declared: HashSet<&str> = fields.iter().map(|f| f.wire_name.as_str()).collect();
        let mut undeclared = Vec::new();
        for &name in required_list {
            if !declared.contains(name) && !undeclared.contains(&name) {
                undeclared.push(name);
            }
        }
        for name in undeclared {
            fields.push(Field {
                rust_name: namer.claim(&names::snake(name)),
                wire_name: name.to_owned(),
                ty: TypeRef::Json,
                required: true,
                boxed: false,
                doc: Doc {
                    notes: vec!["Required by the spec, which does not declare this property: any JSON value.".to_owned()],
                    ..Doc::default()
                },
                pointer: pointer::push(at, "required"),
            });
        }
        let additional = match additional {
            Some((AdditionalProperties::Schema(s), at)) => {
                let ty = self.resolve(SchemaRef::of(s), &at, &format!("{hint}Value"))?;
                Additional::Typed {
                    field: namer.claim("additional_properties"),
                    ty,
                }
            }
            Some((AdditionalProperties::Any(false), _)) => Additional::Closed,
            // `additionalProperties: true` says unlisted properties may come, as does an
            // overlay's `x-codegen: {open: true}`; without either, they are drift.
            explicit => Additional::Open {
                field: namer.claim("additional_properties"),
                by_design: open_by_design
                    || matches!(explicit, Some((AdditionalProperties::Any(true), _))),
            },
        };
        Ok(Struct { fields, additional })
    }
}
