//! Schemas → Rust types.
//!
//! Every component schema becomes a named type under its own (cased) name. Inline schemas that
//! need a type of their own (objects, string enums, `oneOf`) are hoisted under a name built from
//! where they appear (`SessionLookup` + `test_groups` → `SessionLookupTestGroups`), claimed in spec
//! order so names are stable from run to run. Everything else maps to a built-in type.
//!
//! The resolver also records the type of every schema node it visits, by JSON pointer, so the
//! examples in the spec can be checked against the exact type they document.

use std::collections::{HashMap, HashSet};

use indexmap::IndexMap;
use openapiv3::{
    AdditionalProperties, MediaType, OpenAPI, ReferenceOr, RequestBody, Schema, SchemaKind, Type,
    VariantOrUnknownOrEmpty,
};
use serde_json::Value;

use super::refs;
use super::{
    Additional, Doc, EnumVariant, Field, OneOf, OneOfVariant, Origin, StringEnum, Struct, TypeDef,
    TypeId, TypeKind, TypeRef,
};
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

/// One uniform view over `openapiv3`'s typed schemas and its catch-all `AnySchema`.
struct View<'s> {
    schema: &'s Schema,
    typ: Option<&'s str>,
    format: Option<String>,
    enumeration: Vec<Value>,
    pattern: Option<&'s str>,
    properties: Vec<(&'s str, SchemaRef<'s>)>,
    required: &'s [String],
    additional: Option<&'s AdditionalProperties>,
    items: Option<SchemaRef<'s>>,
    one_of: &'s [ReferenceOr<Schema>],
    any_of: &'s [ReferenceOr<Schema>],
    all_of: &'s [ReferenceOr<Schema>],
    not: bool,
}

fn format_name<T: std::fmt::Debug>(f: &VariantOrUnknownOrEmpty<T>) -> Option<String> {
    match f {
        VariantOrUnknownOrEmpty::Item(item) => Some(heck::ToKebabCase::to_kebab_case(
            format!("{item:?}").as_str(),
        )),
        VariantOrUnknownOrEmpty::Unknown(s) => Some(s.clone()),
        VariantOrUnknownOrEmpty::Empty => None,
    }
}

impl<'s> View<'s> {
    fn of(schema: &'s Schema) -> View<'s> {
        let mut v = View {
            schema,
            typ: None,
            format: None,
            enumeration: Vec::new(),
            pattern: None,
            properties: Vec::new(),
            required: &[],
            additional: None,
            items: None,
            one_of: &[],
            any_of: &[],
            all_of: &[],
            not: false,
        };
        match &schema.schema_kind {
            SchemaKind::Type(Type::String(s)) => {
                v.typ = Some("string");
                v.format = format_name(&s.format);
                v.pattern = s.pattern.as_deref();
                v.enumeration = s
                    .enumeration
                    .iter()
                    .flatten()
                    .map(|s| Value::from(s.as_str()))
                    .collect();
            }
            SchemaKind::Type(Type::Number(n)) => {
                v.typ = Some("number");
                v.format = format_name(&n.format);
                v.enumeration = n
                    .enumeration
                    .iter()
                    .flatten()
                    .map(|&f| Value::from(f))
                    .collect();
            }
            SchemaKind::Type(Type::Integer(i)) => {
                v.typ = Some("integer");
                v.format = format_name(&i.format);
                v.enumeration = i
                    .enumeration
                    .iter()
                    .flatten()
                    .map(|&i| Value::from(i))
                    .collect();
            }
            SchemaKind::Type(Type::Boolean(b)) => {
                v.typ = Some("boolean");
                v.enumeration = b
                    .enumeration
                    .iter()
                    .flatten()
                    .map(|&b| Value::from(b))
                    .collect();
            }
            SchemaKind::Type(Type::Object(o)) => {
                v.typ = Some("object");
                v.properties = o
                    .properties
                    .iter()
                    .map(|(k, s)| (k.as_str(), SchemaRef::of_boxed(s)))
                    .collect();
                v.required = &o.required;
                v.additional = o.additional_properties.as_ref();
            }
            SchemaKind::Type(Type::Array(a)) => {
                v.typ = Some("array");
                v.items = a.items.as_ref().map(SchemaRef::of_boxed);
            }
            SchemaKind::OneOf { one_of } => v.one_of = one_of,
            SchemaKind::AnyOf { any_of } => v.any_of = any_of,
            SchemaKind::AllOf { all_of } => v.all_of = all_of,
            SchemaKind::Not { .. } => v.not = true,
            SchemaKind::Any(a) => {
                v.typ = a.typ.as_deref();
                v.format = a.format.clone();
                v.pattern = a.pattern.as_deref();
                v.enumeration = a.enumeration.clone();
                v.properties = a
                    .properties
                    .iter()
                    .map(|(k, s)| (k.as_str(), SchemaRef::of_boxed(s)))
                    .collect();
                v.required = &a.required;
                v.additional = a.additional_properties.as_ref();
                v.items = a.items.as_ref().map(SchemaRef::of_boxed);
                v.one_of = &a.one_of;
                v.any_of = &a.any_of;
                v.all_of = &a.all_of;
                v.not = a.not.is_some();
            }
        }
        v
    }

    /// The declared type, or the one the other keywords imply.
    fn inferred_type(&self) -> Option<&'s str> {
        if self.typ.is_some() {
            return self.typ;
        }
        if !self.properties.is_empty() || self.additional.is_some() {
            return Some("object");
        }
        if self.items.is_some() {
            return Some("array");
        }
        let values: Vec<&Value> = self.enumeration.iter().filter(|v| !v.is_null()).collect();
        if !values.is_empty() {
            if values.iter().all(|v| v.is_string()) {
                return Some("string");
            }
            if values.iter().all(|v| v.is_i64() || v.is_u64()) {
                return Some("integer");
            }
            if values.iter().all(|v| v.is_number()) {
                return Some("number");
            }
            if values.iter().all(|v| v.is_boolean()) {
                return Some("boolean");
            }
        }
        None
    }

    /// Short facts for rustdoc that the Rust type does not already say.
    fn notes(&self) -> Vec<String> {
        let mut notes = Vec::new();
        if let Some(format) = &self.format {
            let implied = matches!(format.as_str(), "int32" | "int64" | "float" | "double");
            if !implied {
                notes.push(format!("Format: `{format}`."));
            }
        }
        if let Some(pattern) = self.pattern {
            notes.push(format!("Pattern: `{pattern}`."));
        }
        if self.inferred_type() != Some("string") && !self.enumeration.is_empty() {
            let values: Vec<String> = self.enumeration.iter().map(|v| format!("`{v}`")).collect();
            notes.push(format!("Allowed values: {}.", values.join(", ")));
        }
        if let Some(default) = &self.schema.schema_data.default {
            notes.push(format!("Default: `{default}`."));
        }
        if self.schema.schema_data.read_only {
            notes.push("Read-only: sent by the server, ignored in requests.".to_owned());
        }
        if self.schema.schema_data.write_only {
            notes.push("Write-only: accepted in requests, never returned.".to_owned());
        }
        notes
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

/// A property on its way into a struct.
struct Prop<'s> {
    name: &'s str,
    schema: SchemaRef<'s>,
    pointer: String,
}

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
}

/// Whether an overlay marked `schema` open by design (`x-codegen: {open: true}`): properties it
/// does not list are expected (tenant-defined attributes, say), not drift.
fn open_by_design(schema: &Schema) -> bool {
    schema
        .schema_data
        .extensions
        .get("x-codegen")
        .and_then(|x| x.get("open"))
        .and_then(Value::as_bool)
        == Some(true)
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

/// `application/json`, `application/problem+json`, `text/json`, …
pub(crate) fn is_json(media_type: &str) -> bool {
    let essence = media_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    match essence.split_once('/') {
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

    pub(crate) fn warn(&mut self, at: &str, message: impl Into<String>) {
        self.warnings.push(Warning {
            pointer: at.to_owned(),
            message: message.into(),
        });
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
        for (name, schema) in &components.schemas {
            let id = self.components[name.as_str()];
            let at = self.defs[id].pointer.clone();
            self.define(id, SchemaRef::of(schema), &at)?;
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
                    Shape::Def(kind) => kind,
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
                let mut values: Vec<String> = Vec::new();
                for value in v.enumeration.iter().filter_map(Value::as_str) {
                    if !values.iter().any(|v| v == value) {
                        values.push(value.to_owned());
                    }
                }
                if values.is_empty() {
                    Shape::Type(TypeRef::String)
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

    fn object(&mut self, v: &View<'s>, at: &str, hint: &str) -> Result<Shape, SpecError> {
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

    fn build_struct(
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

    fn all_of(&mut self, v: &View<'s>, at: &str, hint: &str) -> Result<Shape, SpecError> {
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

    fn one_of(
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
