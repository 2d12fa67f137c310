//! A read-only view of one schema node, whatever `openapiv3` parsed it as.
//!
//! `openapiv3` splits schemas into typed variants and a catch-all `AnySchema`; `View` flattens
//! both into the keywords the resolver reads (type, format, enum, properties, composition) and
//! infers the type a spec leaves out. It is apart from the resolver because it only reads: it
//! knows nothing of the type table, names or limits.

use openapiv3::{
    AdditionalProperties, ReferenceOr, Schema, SchemaKind, Type, VariantOrUnknownOrEmpty,
};
use serde_json::Value;

use super::SchemaRef;

/// One uniform view over `openapiv3`'s typed schemas and its catch-all `AnySchema`.
pub(super) struct View<'s> {
    pub(super) schema: &'s Schema,
    typ: Option<&'s str>,
    pub(super) format: Option<String>,
    pub(super) enumeration: Vec<Value>,
    pattern: Option<&'s str>,
    pub(super) properties: Vec<(&'s str, SchemaRef<'s>)>,
    pub(super) required: &'s [String],
    pub(super) additional: Option<&'s AdditionalProperties>,
    pub(super) items: Option<SchemaRef<'s>>,
    pub(super) one_of: &'s [ReferenceOr<Schema>],
    pub(super) any_of: &'s [ReferenceOr<Schema>],
    pub(super) all_of: &'s [ReferenceOr<Schema>],
    pub(super) not: bool,
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
    pub(super) fn of(schema: &'s Schema) -> View<'s> {
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
    pub(super) fn inferred_type(&self) -> Option<&'s str> {
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
    pub(super) fn notes(&self) -> Vec<String> {
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
