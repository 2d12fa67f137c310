//! An operation's parameters → `Param`s: path-level ones overridden by operation-level ones,
//! each with its Rust name, its type (a scalar, a list, or text the caller encodes) and the
//! overlay's `x-codegen` hints (`encoding`, `encodes`).
//!
//! Apart from the rest of `OperationBuilder` because deciding how a parameter's schema can be
//! serialised in its location is most of the work of building an operation.

use std::collections::HashMap;

use openapiv3::{Parameter, ParameterSchemaOrContent};

use super::OperationBuilder;
use crate::error::{Problem, SpecError};
use crate::ir::schema::{SchemaRef, TypeTable, non_empty, pick_media};
use crate::ir::{
    Doc, Encoding, Param, ParamLocation, ParamType, TypeKind, TypeRef, TypedEncoding, refs,
};
use crate::names::{self, Namer};
use crate::pointer;

impl<'s> OperationBuilder<'_, 's> {
    /// Path-level parameters, overridden by operation-level ones with the same name and location.
    pub(super) fn params(&mut self, namer: &mut Namer) -> Result<Vec<Param>, SpecError> {
        let f = self.f;
        let path_at = pointer::join("", ["paths", f.path]);
        let mut resolved: Vec<(&'s Parameter, String)> = Vec::new();
        let mut index_of: HashMap<(&'s str, ParamLocation), usize> = HashMap::new();
        let declared =
            f.item
                .parameters
                .iter()
                .enumerate()
                .map(|(i, p)| (p, pointer::join(&path_at, ["parameters", &i.to_string()])))
                .chain(
                    f.op.parameters.iter().enumerate().map(|(i, p)| {
                        (p, pointer::join(&f.pointer, ["parameters", &i.to_string()]))
                    }),
                );
        for (p, at) in declared {
            let (param, at) = refs::parameter(self.spec, p, &at)?;
            let key = (param.parameter_data_ref().name.as_str(), location(param));
            match index_of.get(&key) {
                Some(&i) => resolved[i] = (param, at),
                None => {
                    index_of.insert(key, resolved.len());
                    resolved.push((param, at));
                }
            }
        }
        let mut params = Vec::with_capacity(resolved.len());
        for (param, at) in resolved {
            params.push(self.param(param, &at, namer)?);
        }
        Ok(params)
    }

    fn param(
        &mut self,
        param: &'s Parameter,
        at: &str,
        namer: &mut Namer,
    ) -> Result<Param, SpecError> {
        let data = param.parameter_data_ref();
        let location = location(param);
        let hint = format!("{}{}", self.builder_name, names::pascal(&data.name));
        // What an encoded value holds, when the overlay says (`x-codegen.encodes`: a `$ref`):
        // the parameter's own schema then describes the text on the wire (a Base64 string), as
        // a validator of requests must see it.
        let encodes = data
            .extensions
            .get("x-codegen")
            .and_then(|x| x.get("encodes"))
            .map(|e| e.as_str().ok_or(e));
        if encodes.is_some()
            && data
                .extensions
                .get("x-codegen")
                .and_then(|x| x.get("encoding"))
                .is_none()
        {
            return Err(SpecError::new(
                pointer::join(at, ["x-codegen", "encodes"]),
                Problem::Structure(
                    "`x-codegen.encodes` says what encoded text holds: it needs `x-codegen.encoding` too".to_owned(),
                ),
            ));
        }
        let (ty, schema_doc) = match &data.format {
            ParameterSchemaOrContent::Schema(schema) => {
                let schema_ref = SchemaRef::of(schema);
                let ty = match encodes {
                    Some(Ok(reference)) => self.types.resolve(
                        SchemaRef::Ref(reference),
                        &pointer::join(at, ["x-codegen", "encodes"]),
                        &hint,
                    )?,
                    Some(Err(other)) => {
                        return Err(SpecError::new(
                            pointer::join(at, ["x-codegen", "encodes"]),
                            Problem::Structure(format!(
                                "`x-codegen.encodes` is a `$ref` to the schema of what the encoded text holds, not {other}"
                            )),
                        ));
                    }
                    None => self
                        .types
                        .resolve(schema_ref, &pointer::push(at, "schema"), &hint)?,
                };
                (ty, TypeTable::member_doc(schema_ref))
            }
            ParameterSchemaOrContent::Content(content) => {
                // A parameter carried as a serialised document (`content: application/json`):
                // the caller passes the encoded text.
                let documented = match pick_media(content)
                    .and_then(|(media, m)| Some((media, m.schema.as_ref()?)))
                {
                    Some((media, schema)) => self.types.resolve(
                        SchemaRef::of(schema),
                        &pointer::join(at, ["content", media, "schema"]),
                        &hint,
                    )?,
                    None => TypeRef::String,
                };
                (documented, Doc::default())
            }
        };
        let explode = data.explode.unwrap_or(matches!(
            location,
            ParamLocation::Query | ParamLocation::Cookie
        ));
        let encoding = self.encoding_hint(data, at);
        let ty = match &data.format {
            ParameterSchemaOrContent::Content(_) => ParamType::Encoded {
                documented: ty,
                typed: None,
            },
            ParameterSchemaOrContent::Schema(_) => {
                self.param_type(ty, location, explode, at, &data.name, encoding.is_some())
            }
        };
        let rust_name = namer.claim(&names::snake(&data.name));
        let ty = match (ty, encoding) {
            (ParamType::Encoded { documented, .. }, Some(encoding)) => ParamType::Encoded {
                documented,
                typed: Some(TypedEncoding {
                    encoding,
                    raw_setter: namer.claim(&format!("{}_encoded", names::unraw(&rust_name))),
                }),
            },
            (ty, Some(_)) => {
                self.types.warn(at, "`x-codegen.encoding` applies only to values with no serialisation of their own; ignored");
                ty
            }
            (ty, None) => ty,
        };
        let mut doc = Doc {
            summary: None,
            description: non_empty(data.description.as_deref()).or(schema_doc.description),
            notes: schema_doc.notes,
            deprecated: data.deprecated.unwrap_or(false),
        };
        match &ty {
            ParamType::Encoded { documented, typed: None } => doc.notes.push(format!(
                "Passed as already-encoded text: the spec gives no serialisation for this value (documented type: a JSON `{}`).",
                self.types_display(documented)
            )),
            ParamType::Encoded { typed: Some(typed), .. } => doc.notes.push(format!(
                "Encoded as the spec says: JSON, then Base64, then percent-encoded. Text encoded already goes through `.{}(…)`, exactly as given.",
                names::unraw(&typed.raw_setter)
            )),
            _ => {}
        }
        Ok(Param {
            wire_name: data.name.clone(),
            rust_name,
            location,
            ty,
            required: data.required || location == ParamLocation::Path,
            doc,
            pointer: at.to_owned(),
            default: None,
            minimum: None,
        })
    }

    fn types_display(&self, ty: &TypeRef) -> String {
        match ty {
            TypeRef::Named(id) => self.types.defs[*id].name.clone(),
            TypeRef::Vec(inner) => format!("array of {}", self.types_display(inner)),
            TypeRef::Map(_) | TypeRef::Json | TypeRef::JsonObject => "object".to_owned(),
            TypeRef::Nullable(inner) => self.types_display(inner),
            other => format!("{other:?}").to_lowercase(),
        }
    }

    /// The encoding an overlay gave a parameter (`x-codegen: {encoding: …}`).
    fn encoding_hint(&mut self, data: &openapiv3::ParameterData, at: &str) -> Option<Encoding> {
        let hint = data.extensions.get("x-codegen")?.get("encoding")?;
        match hint.as_str() {
            Some("base64-json") => Some(Encoding::Base64Json),
            _ => {
                self.types.warn(at, format!("unknown `x-codegen.encoding` {hint}: the known one is `base64-json`; ignored"));
                None
            }
        }
    }

    fn param_type(
        &mut self,
        ty: TypeRef,
        location: ParamLocation,
        explode: bool,
        at: &str,
        name: &str,
        encoding_known: bool,
    ) -> ParamType {
        let ty = match ty {
            TypeRef::Nullable(inner) => *inner,
            other => other,
        };
        if self.is_scalar(&ty) {
            return ParamType::Scalar(ty);
        }
        if let TypeRef::Vec(item) = self.unalias(&ty)
            && self.is_scalar(&item)
            && location != ParamLocation::Cookie
        {
            return ParamType::List {
                item: *item,
                explode,
            };
        }
        if !encoding_known {
            self.types.warn(
                at,
                format!(
                    "{} parameter `{name}` has a schema with no defined serialisation in this location; it is passed as already-encoded text",
                    location.as_str()
                ),
            );
        }
        ParamType::Encoded {
            documented: ty,
            typed: None,
        }
    }

    fn unalias(&self, ty: &TypeRef) -> TypeRef {
        let mut current = ty.clone();
        for _ in 0..=self.types.defs.len() {
            match &current {
                TypeRef::Named(id) => match &self.types.defs[*id].kind {
                    TypeKind::Alias(target) => current = target.clone(),
                    _ => break,
                },
                _ => break,
            }
        }
        current
    }

    fn is_scalar(&self, ty: &TypeRef) -> bool {
        match self.unalias(ty) {
            TypeRef::Bool
            | TypeRef::I32
            | TypeRef::I64
            | TypeRef::F32
            | TypeRef::F64
            | TypeRef::String => true,
            TypeRef::Named(id) => matches!(self.types.defs[id].kind, TypeKind::Enum(_)),
            _ => false,
        }
    }
}

fn location(p: &Parameter) -> ParamLocation {
    match p {
        Parameter::Query { .. } => ParamLocation::Query,
        Parameter::Header { .. } => ParamLocation::Header,
        Parameter::Path { .. } => ParamLocation::Path,
        Parameter::Cookie { .. } => ParamLocation::Cookie,
    }
}
