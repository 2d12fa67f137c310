//! Schemas → Rust types.
//!
//! Every component schema becomes a named type under its own (cased) name. Inline schemas that
//! need a type of their own (objects, string enums, `oneOf`) are hoisted under a name built from
//! where they appear (`SessionLookup` + `test_groups` → `SessionLookupTestGroups`), claimed in spec
//! order so names are stable from run to run. Everything else maps to a built-in type.
//!
//! The resolver also records the type of every schema node it visits, by JSON pointer, so the
//! examples in the spec can be checked against the exact type they document.
//!
//! This file holds the type table and the dispatch from a schema to its shape; the shapes that
//! take real work have modules of their own: `view` (reading one schema node), `objects`
//! (structs), `all_of` (merging parts into one struct) and `one_of` (enums of alternatives).

mod all_of;
mod objects;
mod one_of;
mod view;

use std::collections::HashMap;

use indexmap::IndexMap;
use openapiv3::{MediaType, OpenAPI, ReferenceOr, RequestBody, Schema};
use serde_json::Value;

use self::view::View;
use super::refs;
use super::{Doc, EnumVariant, Origin, StringEnum, TypeDef, TypeId, TypeKind, TypeRef};
use crate::error::{Problem, SpecError, Warning};
use crate::limits;
use crate::names::{self, Namer};
use crate::pointer;

/// A schema position: a `$ref` or an inline schema.
#[derive(Debug, Clone, Copy)]
pub(crate) enum SchemaRef<'s> {
    Ref(&'s str),
    Inline(&'s Schema),
}

impl<'s> SchemaRef<'s> {
    pub(crate) fn of(r: &'s ReferenceOr<Schema>) -> Self {
        match r {
            ReferenceOr::Reference { reference } => SchemaRef::Ref(reference),
            ReferenceOr::Item(s) => SchemaRef::Inline(s),
        }
    }

    pub(crate) fn of_boxed(r: &'s ReferenceOr<Box<Schema>>) -> Self {
        match r {
            ReferenceOr::Reference { reference } => SchemaRef::Ref(reference),
            ReferenceOr::Item(s) => SchemaRef::Inline(s),
        }
    }
}

fn schema_doc(schema: &Schema) -> Doc {
    Doc {
        summary: non_empty(schema.schema_data.title.as_deref()),
        description: non_empty(schema.schema_data.description.as_deref()),
        notes: Vec::new(),
        deprecated: schema.schema_data.deprecated,
    }
}

pub(crate) fn non_empty(s: Option<&str>) -> Option<String> {
    s.map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

enum Shape {
    /// Needs no type of its own.
    Type(TypeRef),
    /// Needs a named type of this kind.
    Def(TypeKind),
}

/// Builds and owns every named type.
pub(crate) struct TypeTable<'s> {
    spec: &'s OpenAPI,
    pub(crate) defs: Vec<TypeDef>,
    namer: Namer,
    components: HashMap<&'s str, TypeId>,
    request_bodies: HashMap<&'s str, TypeId>,
    /// The type of every schema node visited, by pointer (for the examples).
    pub(crate) schema_types: HashMap<String, TypeRef>,
    pub(crate) warnings: Vec<Warning>,
    /// Struct fields made so far, against [`limits::MAX_FIELDS_TOTAL`].
    fields_total: usize,
    /// How deeply `resolve` is nested right now: bounded, since `allOf` merging can lead from
    /// one schema into another without going deeper in the document.
    depth: usize,
    /// Whether spec defects are errors (see [`TypeTable::defect`]).
    pub(crate) strict: bool,
    /// Whether `format: binary` strings are files: while resolving a multipart body's schema.
    pub(crate) files: bool,
    /// Component types whose schema admits `null` but whose definition cannot say so (a
    /// struct, enum or `oneOf` marked `nullable`): every use of them is nullable (see
    /// `ir::nullable`).
    pub(crate) nullable_defs: std::collections::HashSet<TypeId>,
    /// The warnings said so far, by place and message (each is said once).
    warned: std::collections::HashSet<(String, String)>,
}

/// Deepest nesting of schema resolution (properties within properties, across `allOf`s).
const MAX_RESOLVE_DEPTH: usize = 2 * limits::MAX_DEPTH;

/// Picks the media type to use from a `content` map: JSON when offered, else the first.
pub(crate) fn pick_media(content: &IndexMap<String, MediaType>) -> Option<(&str, &MediaType)> {
    content
        .iter()
        .find(|(m, _)| m.as_str() == "application/json")
        .or_else(|| content.iter().find(|(m, _)| is_json(m)))
        .or_else(|| content.iter().next())
        .map(|(m, media)| (m.as_str(), media))
}

/// A media type without its parameters (`text/plain; charset=utf-8` → `text/plain`).
fn essence(media_type: &str) -> &str {
    media_type.split(';').next().unwrap_or("").trim()
}

/// `multipart/form-data`.
pub(crate) fn is_multipart(media_type: &str) -> bool {
    essence(media_type).eq_ignore_ascii_case("multipart/form-data")
}

/// `application/x-www-form-urlencoded`.
pub(crate) fn is_form(media_type: &str) -> bool {
    essence(media_type).eq_ignore_ascii_case("application/x-www-form-urlencoded")
}

/// `text/event-stream`.
pub(crate) fn is_event_stream(media_type: &str) -> bool {
    essence(media_type).eq_ignore_ascii_case("text/event-stream")
}

/// The component schemas a `multipart/form-data` request body names as its schema (OpenAI's
/// `CreateFileRequest`): their `format: binary` properties are files. A component also used by
/// a JSON body keeps the file type there, where serialising it is an error that says why.
fn multipart_components(spec: &OpenAPI) -> std::collections::HashSet<&str> {
    let bodies = spec
        .paths
        .paths
        .values()
        .filter_map(|item| item.as_item())
        .flat_map(|item| item.iter().map(|(_, op)| op))
        .filter_map(|op| op.request_body.as_ref()?.as_item())
        .chain(
            spec.components
                .iter()
                .flat_map(|c| c.request_bodies.values())
                .filter_map(ReferenceOr::as_item),
        );
    // Only where multipart is the media type the operation uses (`pick_media`): beside JSON,
    // the body is sent as JSON and a file there could not be.
    bodies
        .filter_map(|body| pick_media(&body.content))
        .filter(|(media, _)| is_multipart(media))
        .filter_map(|(_, media)| match media.schema.as_ref()? {
            ReferenceOr::Reference { reference } => reference.strip_prefix("#/components/schemas/"),
            ReferenceOr::Item(_) => None,
        })
        .collect()
}

/// `application/json`, `application/problem+json`, `text/json`, …
pub(crate) fn is_json(media_type: &str) -> bool {
    match essence(media_type).to_ascii_lowercase().split_once('/') {
        Some((_, sub)) => sub == "json" || sub.ends_with("+json"),
        None => false,
    }
}

impl<'s> TypeTable<'s> {
    pub(crate) fn new(spec: &'s OpenAPI) -> Self {
        TypeTable {
            spec,
            defs: Vec::new(),
            namer: Namer::with_reserved(names::RESERVED_TYPE_NAMES),
            components: HashMap::new(),
            request_bodies: HashMap::new(),
            schema_types: HashMap::new(),
            warnings: Vec::new(),
            fields_total: 0,
            depth: 0,
            strict: false,
            files: false,
            nullable_defs: Default::default(),
            warned: Default::default(),
        }
    }

    /// A defect of the spec that has a safe default: a warning, or with `--strict` an error.
    pub(crate) fn defect(&mut self, at: &str, message: impl Into<String>) -> Result<(), SpecError> {
        let message = message.into();
        if self.strict {
            return Err(SpecError::new(at, Problem::Defect(message)));
        }
        self.warn(at, message);
        Ok(())
    }

    /// Notes a warning, once per place and message: a schema reached from several places (an
    /// `allOf` part, a shared component) is resolved again, but said once.
    pub(crate) fn warn(&mut self, at: &str, message: impl Into<String>) {
        let warning = Warning {
            pointer: at.to_owned(),
            message: message.into(),
        };
        if self
            .warned
            .insert((warning.pointer.clone(), warning.message.clone()))
        {
            self.warnings.push(warning);
        }
    }

    /// Claims the names of all component schemas and request bodies (so they win over hoisted
    /// names), then resolves them in spec order.
    pub(crate) fn add_components(&mut self) -> Result<(), SpecError> {
        let Some(components) = &self.spec.components else {
            return Ok(());
        };
        for name in components.schemas.keys() {
            let id = self.placeholder(
                name,
                pointer::join("", ["components", "schemas", name.as_str()]),
                Origin::Schema(name.clone()),
            );
            self.components.insert(name.as_str(), id);
        }
        for (name, body) in &components.request_bodies {
            if let ReferenceOr::Item(body) = body
                && json_schema(body).is_some()
            {
                let id = self.placeholder(
                    name,
                    pointer::join("", ["components", "requestBodies", name.as_str()]),
                    Origin::RequestBody(name.clone()),
                );
                self.request_bodies.insert(name.as_str(), id);
            }
        }
        let multipart = multipart_components(self.spec);
        for (name, schema) in &components.schemas {
            let id = self.components[name.as_str()];
            let at = self.defs[id].pointer.clone();
            self.files = multipart.contains(name.as_str());
            let defined = self.define(id, SchemaRef::of(schema), &at);
            self.files = false;
            defined?;
        }
        for (name, body) in &components.request_bodies {
            let Some(&id) = self.request_bodies.get(name.as_str()) else {
                continue;
            };
            let ReferenceOr::Item(body) = body else {
                continue;
            };
            let (media, schema) = json_schema(body).expect("registered only with a JSON schema");
            let at = pointer::join(&self.defs[id].pointer, ["content", media, "schema"]);
            self.define(id, SchemaRef::of(schema), &at)?;
            if self.defs[id].doc.is_empty() {
                self.defs[id].doc.description = non_empty(body.description.as_deref());
            }
        }
        Ok(())
    }

    fn placeholder(&mut self, spec_name: &str, at: String, origin: Origin) -> TypeId {
        let name = self.namer.claim(&names::pascal(spec_name));
        self.defs.push(TypeDef {
            name,
            pointer: at,
            origin,
            doc: Doc::default(),
            kind: TypeKind::Alias(TypeRef::Json),
        });
        self.defs.len() - 1
    }

    /// Gives the pre-registered type `id` the shape of `schema`.
    fn define(&mut self, id: TypeId, schema: SchemaRef<'s>, at: &str) -> Result<(), SpecError> {
        let hint = self.defs[id].name.clone();
        let (kind, doc) = match schema {
            SchemaRef::Ref(reference) => (
                TypeKind::Alias(self.reference(reference, at)?),
                Doc::default(),
            ),
            SchemaRef::Inline(s) => {
                let kind = match self.shape(s, at, &hint)? {
                    Shape::Type(t) if s.schema_data.nullable => TypeKind::Alias(nullable(t)),
                    Shape::Type(t) => TypeKind::Alias(t),
                    Shape::Def(kind) => {
                        if s.schema_data.nullable {
                            self.nullable_defs.insert(id);
                        }
                        kind
                    }
                };
                let mut doc = schema_doc(s);
                doc.notes = View::of(s).notes();
                (kind, doc)
            }
        };
        self.defs[id].kind = kind;
        self.defs[id].doc = doc;
        self.schema_types.insert(at.to_owned(), TypeRef::Named(id));
        Ok(())
    }

    /// The named type of a component request body, if it has one.
    pub(crate) fn request_body_type(&self, name: &str) -> Option<TypeRef> {
        self.request_bodies.get(name).map(|&id| TypeRef::Named(id))
    }

    /// The type for a schema position, hoisting a named type under `hint` when one is needed.
    pub(crate) fn resolve(
        &mut self,
        schema: SchemaRef<'s>,
        at: &str,
        hint: &str,
    ) -> Result<TypeRef, SpecError> {
        if self.depth >= MAX_RESOLVE_DEPTH {
            return Err(SpecError::new(
                at,
                Problem::Limit(format!(
                    "schemas nest (through properties, items and allOf) deeper than {MAX_RESOLVE_DEPTH} levels"
                )),
            ));
        }
        self.depth += 1;
        let result = self.resolve_inner(schema, at, hint);
        self.depth -= 1;
        result
    }

    fn resolve_inner(
        &mut self,
        schema: SchemaRef<'s>,
        at: &str,
        hint: &str,
    ) -> Result<TypeRef, SpecError> {
        let ty = match schema {
            SchemaRef::Ref(reference) => self.reference(reference, at)?,
            SchemaRef::Inline(s) => {
                let ty = match self.shape(s, at, hint)? {
                    Shape::Type(t) => t,
                    Shape::Def(kind) => {
                        let mut doc = schema_doc(s);
                        doc.notes = View::of(s).notes();
                        TypeRef::Named(self.hoist(hint, at, doc, kind)?)
                    }
                };
                if s.schema_data.nullable {
                    nullable(ty)
                } else {
                    ty
                }
            }
        };
        self.schema_types.insert(at.to_owned(), ty.clone());
        Ok(ty)
    }

    /// Rustdoc for a property or parameter whose schema is at `schema`.
    pub(crate) fn member_doc(schema: SchemaRef<'_>) -> Doc {
        match schema {
            SchemaRef::Ref(_) => Doc::default(),
            SchemaRef::Inline(s) => {
                let mut doc = schema_doc(s);
                doc.notes = View::of(s).notes();
                doc
            }
        }
    }

    fn reference(&mut self, reference: &str, at: &str) -> Result<TypeRef, SpecError> {
        let name = refs::schema_name(self.spec, reference, at)?;
        Ok(TypeRef::Named(self.components[name.as_str()]))
    }

    fn hoist(
        &mut self,
        hint: &str,
        at: &str,
        doc: Doc,
        kind: TypeKind,
    ) -> Result<TypeId, SpecError> {
        if self.defs.len() >= limits::MAX_TYPES {
            return Err(SpecError::new(
                at,
                Problem::Limit(format!(
                    "the spec needs more than {} Rust types",
                    limits::MAX_TYPES
                )),
            ));
        }
        let name = self.namer.claim(&names::pascal(hint));
        self.defs.push(TypeDef {
            name,
            pointer: at.to_owned(),
            origin: Origin::Inline,
            doc,
            kind,
        });
        Ok(self.defs.len() - 1)
    }

    fn shape(&mut self, schema: &'s Schema, at: &str, hint: &str) -> Result<Shape, SpecError> {
        let v = View::of(schema);
        if !v.all_of.is_empty() {
            return self.all_of(&v, at, hint);
        }
        if !v.one_of.is_empty() {
            return self.one_of(&v, "oneOf", v.one_of, at, hint);
        }
        if !v.any_of.is_empty() {
            return self.one_of(&v, "anyOf", v.any_of, at, hint);
        }
        if v.not && v.inferred_type().is_none() {
            self.warn(
                at,
                "`not` has no Rust equivalent: any JSON value is accepted here",
            );
            return Ok(Shape::Type(TypeRef::Json));
        }
        Ok(match v.inferred_type() {
            Some("string") => {
                // In the spec's order, each once (a set beside the list: enums of hundreds of
                // values are common in large specs).
                let mut seen = std::collections::HashSet::new();
                let values: Vec<String> = v
                    .enumeration
                    .iter()
                    .filter_map(Value::as_str)
                    .filter(|value| seen.insert(*value))
                    .map(str::to_owned)
                    .collect();
                if values.is_empty() {
                    Shape::Type(match v.format.as_deref() {
                        Some("binary") if self.files => TypeRef::File,
                        _ => TypeRef::String,
                    })
                } else {
                    Shape::Def(TypeKind::Enum(string_enum(values)))
                }
            }
            Some("integer") => Shape::Type(match v.format.as_deref() {
                Some("int32") => TypeRef::I32,
                _ => TypeRef::I64,
            }),
            Some("number") => Shape::Type(match v.format.as_deref() {
                Some("float") => TypeRef::F32,
                _ => TypeRef::F64,
            }),
            Some("boolean") => Shape::Type(TypeRef::Bool),
            Some("array") => {
                let item = match v.items {
                    Some(items) => {
                        self.resolve(items, &pointer::push(at, "items"), &format!("{hint}Item"))?
                    }
                    None => TypeRef::Json,
                };
                Shape::Type(TypeRef::Vec(Box::new(item)))
            }
            Some("object") => self.object(&v, at, hint)?,
            Some(other) => {
                self.warn(
                    at,
                    format!("unknown type `{other}`: any JSON value is accepted here"),
                );
                Shape::Type(TypeRef::Json)
            }
            None => Shape::Type(TypeRef::Json),
        })
    }
}

fn nullable(ty: TypeRef) -> TypeRef {
    match ty {
        TypeRef::Nullable(_) => ty,
        other => TypeRef::Nullable(Box::new(other)),
    }
}

fn string_enum(values: Vec<String>) -> StringEnum {
    let mut namer = Namer::new();
    let variants = values
        .into_iter()
        .map(|wire| EnumVariant {
            rust_name: namer.claim(&names::pascal(&wire)),
            wire,
        })
        .collect();
    let fallback = if namer.is_taken("Unknown") {
        namer.claim("UnknownValue")
    } else {
        namer.claim("Unknown")
    };
    StringEnum { variants, fallback }
}

/// The JSON schema of a request body, if it has one.
pub(crate) fn json_schema(body: &RequestBody) -> Option<(&str, &ReferenceOr<Schema>)> {
    let (media, m) = pick_media(&body.content)?;
    if !is_json(media) {
        return None;
    }
    m.schema.as_ref().map(|s| (media, s))
}
