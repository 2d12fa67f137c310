//! Paths and operations → [`Operation`]s grouped by tag.

use std::collections::{HashMap, HashSet};

use openapiv3::{OpenAPI, Parameter, ParameterSchemaOrContent, PathItem, ReferenceOr, StatusCode};

use super::refs;
use super::schema::{SchemaRef, TypeTable, is_json, non_empty, pick_media};
use super::{
    Body, BodyKind, Doc, Encoding, Group, Method, Operation, Param, ParamLocation, ParamType,
    PathPart, ResponseBody, ResponseCase, Status, TypeKind, TypeRef, TypedEncoding,
};
use crate::error::{Problem, SpecError};
use crate::names::{self, Namer};
use crate::pointer;

/// Name of the group for operations without a tag.
pub(crate) const UNTAGGED: &str = "Other";

/// Methods the generated `Client` has besides the group accessors.
const CLIENT_METHODS: &[&str] = &[
    "builder",
    "base_url",
    "clone",
    "fmt",
    "new",
    "request",
    "transport",
];

/// Fields and methods every request builder has besides its parameter setters (see the
/// runtime's `operation!` macro and the pagination methods): a parameter may not take them.
const BUILDER_MEMBERS: &[&str] = &[
    "client",
    "clone",
    "decode",
    "fmt",
    "header",
    "into_future",
    "into_request",
    "items",
    "no_retry",
    "options",
    "pages",
    "query",
    "retry",
    "send",
    "send_with_response",
    "timeout",
];

/// One operation as found in the spec, before it is turned into IR.
struct Found<'s> {
    method: Method,
    path: &'s str,
    item: &'s PathItem,
    op: &'s openapiv3::Operation,
    pointer: String,
}

pub(crate) fn build<'s>(
    spec: &'s OpenAPI,
    types: &mut TypeTable<'s>,
) -> Result<(Vec<Operation>, Vec<Group>), SpecError> {
    let found = find_operations(spec)?;
    let method_names = method_names(&found)?;
    let (mut groups, group_of) = groups(spec, &found);

    let mut module_namers: Vec<Namer> = groups
        .iter()
        .map(|g| {
            let mut namer = Namer::with_reserved(names::RESERVED_TYPE_NAMES);
            namer.claim(&g.struct_name);
            namer
        })
        .collect();
    let mut operations = Vec::with_capacity(found.len());
    for (index, (f, method_name)) in found.iter().zip(method_names).enumerate() {
        let group = group_of[index];
        let namer = &mut module_namers[group];
        let builder_name = namer.claim(&names::pascal(names::unraw(&method_name)));
        let operation = OperationBuilder {
            spec,
            types,
            f,
            builder_name: &builder_name,
        }
        .build(method_name.clone(), group, namer)?;
        groups[group].operations.push(index);
        operations.push(operation);
    }
    groups.retain(|g| !g.operations.is_empty());
    // Group indices shift when empty groups go; renumber operations' group references.
    for (new_index, group) in groups.iter().enumerate() {
        for &op in &group.operations {
            operations[op].group = new_index;
        }
    }
    Ok((operations, groups))
}

fn find_operations(spec: &OpenAPI) -> Result<Vec<Found<'_>>, SpecError> {
    let mut found = Vec::new();
    for (path, item) in &spec.paths.paths {
        let at = pointer::join("", ["paths", path.as_str()]);
        let item = match item {
            ReferenceOr::Item(item) => item,
            ReferenceOr::Reference { reference } => {
                return Err(SpecError::new(
                    at,
                    Problem::UnsupportedRef(reference.clone()),
                ));
            }
        };
        for method in Method::ALL {
            let op = match method {
                Method::Get => &item.get,
                Method::Put => &item.put,
                Method::Post => &item.post,
                Method::Delete => &item.delete,
                Method::Options => &item.options,
                Method::Head => &item.head,
                Method::Patch => &item.patch,
                Method::Trace => &item.trace,
            };
            if let Some(op) = op {
                found.push(Found {
                    method,
                    path,
                    item,
                    op,
                    pointer: pointer::push(&at, method.lowercase()),
                });
            }
        }
    }
    Ok(found)
}

/// Method names: `operationId`s in snake_case (two that collide are an error), then names derived
/// from method and path for operations without one.
fn method_names(found: &[Found<'_>]) -> Result<Vec<String>, SpecError> {
    let mut namer = Namer::new();
    let mut owners: HashMap<String, String> = HashMap::new();
    let mut out = vec![String::new(); found.len()];
    for (i, f) in found.iter().enumerate() {
        let Some(id) =
            f.op.operation_id
                .as_deref()
                .filter(|id| !id.trim().is_empty())
        else {
            continue;
        };
        let name = names::snake(id);
        let label = format!("{} {} (operationId `{id}`)", f.method, f.path);
        if let Some(first) = owners.get(names::unraw(&name)) {
            return Err(SpecError::new(
                pointer::push(&f.pointer, "operationId"),
                Problem::DuplicateOperationName {
                    name: names::unraw(&name).to_owned(),
                    first: first.clone(),
                    second: label,
                },
            ));
        }
        owners.insert(names::unraw(&name).to_owned(), label);
        out[i] = namer.claim(&name);
    }
    for (i, f) in found.iter().enumerate() {
        if !out[i].is_empty() {
            continue;
        }
        let (short, long) = derived_names(f.method, f.path);
        out[i] = if !namer.is_taken(&short) {
            namer.claim(&short)
        } else {
            namer.claim(&long)
        };
    }
    Ok(out)
}

/// `GET /v4/companies/{companyId}` → `get_companies_by_company_id`, and a longer form that keeps
/// version segments (`get_v4_companies_by_company_id`) for when the short one is taken.
pub(crate) fn derived_names(method: Method, path: &str) -> (String, String) {
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let is_param = |s: &str| s.starts_with('{') && s.ends_with('}');
    let is_version = |s: &str| {
        s.len() > 1 && s.starts_with(['v', 'V']) && s[1..].chars().all(|c| c.is_ascii_digit())
    };
    let suffix = match segments.last() {
        Some(last) if is_param(last) => format!(" by {}", &last[1..last.len() - 1]),
        _ => String::new(),
    };
    let words = |keep_versions: bool| {
        let statics: Vec<&str> = segments
            .iter()
            .copied()
            .filter(|s| !is_param(s) && (keep_versions || !is_version(s)))
            .collect();
        names::snake(&format!(
            "{} {}{suffix}",
            method.lowercase(),
            statics.join(" ")
        ))
    };
    (words(false), words(true))
}

/// Groups in the order of the spec's `tags`, then tags only used by operations, then untagged.
fn groups(spec: &OpenAPI, found: &[Found<'_>]) -> (Vec<Group>, Vec<usize>) {
    let mut tags: Vec<(String, Option<String>)> = spec
        .tags
        .iter()
        .map(|t| (t.name.clone(), non_empty(t.description.as_deref())))
        .collect();
    let tag_of = |f: &Found<'_>| {
        f.op.tags
            .first()
            .cloned()
            .unwrap_or_else(|| UNTAGGED.to_owned())
    };
    let mut known: HashSet<String> = tags.iter().map(|(t, _)| t.clone()).collect();
    for f in found {
        let tag = tag_of(f);
        if known.insert(tag.clone()) {
            tags.push((tag, None));
        }
    }
    // A tag listed twice in `tags` is one group.
    let mut listed = HashSet::new();
    tags.retain(|(t, _)| listed.insert(t.clone()));
    let mut modules = Namer::with_reserved(names::RESERVED_MODULE_NAMES);
    // Methods the client already has.
    let mut accessors = Namer::with_reserved(CLIENT_METHODS);
    let mut structs = Namer::new();
    let groups: Vec<Group> = tags
        .into_iter()
        .map(|(tag, doc)| Group {
            module: modules.claim(&names::snake(&tag)),
            struct_name: structs.claim(&format!("{}Api", names::pascal(&tag))),
            accessor: accessors.claim(&names::snake(&tag)),
            tag,
            doc,
            operations: Vec::new(),
        })
        .collect();
    let position: HashMap<&str, usize> = groups
        .iter()
        .enumerate()
        .map(|(i, g)| (g.tag.as_str(), i))
        .collect();
    let group_of = found.iter().map(|f| position[tag_of(f).as_str()]).collect();
    (groups, group_of)
}

struct OperationBuilder<'a, 's> {
    spec: &'s OpenAPI,
    types: &'a mut TypeTable<'s>,
    f: &'a Found<'s>,
    builder_name: &'a str,
}

impl<'s> OperationBuilder<'_, 's> {
    fn build(
        mut self,
        method_name: String,
        group: usize,
        module_namer: &mut Namer,
    ) -> Result<Operation, SpecError> {
        let f = self.f;
        let op = f.op;
        let mut param_names = Namer::with_reserved(BUILDER_MEMBERS);
        let body = self.body(&mut param_names)?;
        let mut params = self.params(&mut param_names)?;
        self.declare_missing_path_variables(&mut params, &mut param_names)?;
        self.drop_path_parameters_not_in_the_path(&mut params);
        let path_parts = self.path_parts(&params)?;
        let (success, errors) = self.responses()?;
        let response_enum = (success.len() > 1)
            .then(|| module_namer.claim(&format!("{}Response", self.builder_name)));
        let error_enum = errors
            .iter()
            .any(|c| matches!(c.body, ResponseBody::Json(_)))
            .then(|| module_namer.claim(&format!("{}Error", self.builder_name)));
        let requirements = op.security.as_ref().or(self.spec.security.as_ref());
        let signed = requirements.is_some_and(|list| list.iter().any(|r| !r.is_empty()));
        Ok(Operation {
            method: f.method,
            path: f.path.to_owned(),
            pointer: f.pointer.clone(),
            operation_id: op.operation_id.clone(),
            method_name,
            builder_name: self.builder_name.to_owned(),
            response_enum,
            error_enum,
            group,
            doc: Doc {
                summary: non_empty(op.summary.as_deref()),
                description: non_empty(op.description.as_deref()),
                notes: Vec::new(),
                deprecated: op.deprecated,
            },
            path_parts,
            params,
            body,
            success,
            errors,
            signed,
            pagination: None,
            extensions: op
                .extensions
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
        })
    }

    /// Path-level parameters, overridden by operation-level ones with the same name and location.
    fn params(&mut self, namer: &mut Namer) -> Result<Vec<Param>, SpecError> {
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

    /// The member name an overlay gave a response's envelope (`x-codegen: {envelope: results}`).
    fn envelope(&mut self, media: &openapiv3::MediaType, at: &str) -> Option<String> {
        let hint = media.extensions.get("x-codegen")?.get("envelope")?;
        match hint.as_str() {
            Some(key)
                if !key.is_empty() && key.len() <= 64 && !key.chars().any(char::is_control) =>
            {
                Some(key.to_owned())
            }
            _ => {
                self.types.warn(at, format!("`x-codegen.envelope` is the name of the member that holds the body (like `results`), not {hint}; ignored"));
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

    /// A path variable no parameter declares (OpenAI has six) is a defect with a safe default:
    /// a required string, which is what every path variable is on the wire.
    fn declare_missing_path_variables(
        &mut self,
        params: &mut Vec<Param>,
        namer: &mut Namer,
    ) -> Result<(), SpecError> {
        let f = self.f;
        let mut rest = f.path;
        while let Some((name, after)) = rest
            .split_once('{')
            .and_then(|(_, tail)| tail.split_once('}'))
        {
            rest = after;
            let declared = params
                .iter()
                .any(|p| p.location == ParamLocation::Path && p.wire_name == name);
            if declared || name.is_empty() || name.contains('{') {
                continue;
            }
            self.types.defect(
                &f.pointer,
                format!("path template `{}` uses `{{{name}}}`, which no path parameter declares; it becomes a required string parameter", f.path),
            )?;
            params.push(Param {
                wire_name: name.to_owned(),
                rust_name: namer.claim(&names::snake(name)),
                location: ParamLocation::Path,
                ty: ParamType::Scalar(TypeRef::String),
                required: true,
                doc: Doc {
                    notes: vec!["The spec uses this path variable without declaring it; it is taken as a string.".to_owned()],
                    ..Doc::default()
                },
                pointer: f.pointer.clone(),
                default: None,
                minimum: None,
            });
        }
        Ok(())
    }

    /// A path parameter the template does not use cannot be sent anywhere: it is left out of
    /// the method (OpenAI declares `cert_id` for a path that says `{certificate_id}`).
    fn drop_path_parameters_not_in_the_path(&mut self, params: &mut Vec<Param>) {
        let path = self.f.path;
        let types = &mut *self.types;
        params.retain(|p| {
            let used =
                p.location != ParamLocation::Path || path.contains(&format!("{{{}}}", p.wire_name));
            if !used {
                types.warn(
                    &p.pointer,
                    format!(
                        "path parameter `{}` does not appear in `{path}`; it is left out",
                        p.wire_name
                    ),
                );
            }
            used
        });
    }

    fn path_parts(&mut self, params: &[Param]) -> Result<Vec<PathPart>, SpecError> {
        let f = self.f;
        let at = pointer::join("", ["paths", f.path]);
        let mut parts = Vec::new();
        let mut rest = f.path;
        let path_params: HashMap<&str, usize> = params
            .iter()
            .enumerate()
            .filter(|(_, p)| p.location == ParamLocation::Path)
            .map(|(i, p)| (p.wire_name.as_str(), i))
            .collect();
        while let Some(open) = rest.find('{') {
            let close = rest[open..].find('}').map(|c| open + c).ok_or_else(|| {
                SpecError::new(
                    &at,
                    Problem::Structure(format!("unclosed `{{` in path template `{}`", f.path)),
                )
            })?;
            if open > 0 {
                parts.push(PathPart::Literal(rest[..open].to_owned()));
            }
            let name = &rest[open + 1..close];
            let index = path_params.get(name).copied().ok_or_else(|| {
                SpecError::new(
                    &f.pointer,
                    Problem::Structure(format!(
                        "path template `{}` uses `{{{name}}}`, which no path parameter declares",
                        f.path
                    )),
                )
            })?;
            parts.push(PathPart::Param(index));
            rest = &rest[close + 1..];
        }
        if rest.contains('}') {
            return Err(SpecError::new(
                &at,
                Problem::Structure(format!("unbalanced `}}` in path template `{}`", f.path)),
            ));
        }
        if !rest.is_empty() {
            parts.push(PathPart::Literal(rest.to_owned()));
        }
        Ok(parts)
    }

    fn body(&mut self, namer: &mut Namer) -> Result<Option<Body>, SpecError> {
        let f = self.f;
        let Some(body) = &f.op.request_body else {
            return Ok(None);
        };
        let at = pointer::push(&f.pointer, "requestBody");
        let component_type = match body {
            ReferenceOr::Reference { reference } => {
                let name = refs::parse_expecting(reference, refs::Section::RequestBodies, &at)?;
                self.types.request_body_type(&name)
            }
            ReferenceOr::Item(_) => None,
        };
        let (body, body_at) = refs::request_body(self.spec, body, &at)?;
        let Some((media, m)) = pick_media(&body.content) else {
            return Ok(None);
        };
        let kind = if let Some(ty) = component_type {
            BodyKind::Json(ty)
        } else if is_json(media) {
            BodyKind::Json(match &m.schema {
                Some(schema) => self.types.resolve(
                    SchemaRef::of(schema),
                    &pointer::join(&body_at, ["content", media, "schema"]),
                    &format!("{}Request", self.builder_name),
                )?,
                None => TypeRef::Json,
            })
        } else {
            BodyKind::Raw
        };
        namer.claim("body");
        Ok(Some(Body {
            media_type: media.to_owned(),
            kind,
            required: body.required,
            doc: Doc {
                description: non_empty(body.description.as_deref()),
                ..Doc::default()
            },
        }))
    }

    fn responses(&mut self) -> Result<(Vec<ResponseCase>, Vec<ResponseCase>), SpecError> {
        let f = self.f;
        let responses = &f.op.responses;
        let mut listed: Vec<(Status, &ReferenceOr<openapiv3::Response>, String)> = responses
            .responses
            .iter()
            .map(|(code, r)| {
                let status = match code {
                    StatusCode::Code(c) => Status::Code(*c),
                    StatusCode::Range(r) => Status::Range(*r),
                };
                (
                    status,
                    r,
                    pointer::join(&f.pointer, ["responses", &code.to_string()]),
                )
            })
            .collect();
        if let Some(default) = &responses.default {
            listed.push((
                Status::Default,
                default,
                pointer::join(&f.pointer, ["responses", "default"]),
            ));
        }
        let success_count = listed.iter().filter(|(s, _, _)| s.is_success()).count();
        let mut variants = Namer::new();
        let (mut success, mut errors) = (Vec::new(), Vec::new());
        for (status, r, at) in listed {
            let (response, response_at) = refs::response(self.spec, r, &at)?;
            let variant = variants.claim(&status_variant(status));
            let hint = if status.is_success() && success_count == 1 {
                format!("{}Response", self.builder_name)
            } else {
                format!("{}{variant}Body", self.builder_name)
            };
            let mut envelope = None;
            let body = match pick_media(&response.content) {
                None => ResponseBody::Empty,
                Some((media, m)) => {
                    envelope = self.envelope(m, &pointer::join(&response_at, ["content", media]));
                    let schema_at = pointer::join(&response_at, ["content", media, "schema"]);
                    let ty = match &m.schema {
                        Some(schema) => Some(self.types.resolve(
                            SchemaRef::of(schema),
                            &schema_at,
                            &hint,
                        )?),
                        None => None,
                    };
                    match ty {
                        Some(ty) if is_json(media) => ResponseBody::Json(ty),
                        documented => ResponseBody::Raw {
                            media_type: media.to_owned(),
                            documented,
                        },
                    }
                }
            };
            if envelope.is_some() && !matches!(body, ResponseBody::Json(_)) {
                envelope = None;
                self.types.warn(
                    &response_at,
                    "`x-codegen.envelope` applies only to JSON bodies with a schema; ignored",
                );
            }
            let case = ResponseCase {
                status,
                variant,
                body,
                envelope,
                doc: Doc {
                    description: non_empty(Some(&response.description)),
                    ..Doc::default()
                },
            };
            if status.is_success() {
                success.push(case);
            } else {
                errors.push(case);
            }
        }
        Ok((success, errors))
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

/// `Ok`, `Created`, `NotFound`, … from the status code's reason phrase.
fn status_variant(status: Status) -> String {
    let reason = match status {
        Status::Code(code) => match code {
            200 => "Ok",
            201 => "Created",
            202 => "Accepted",
            203 => "NonAuthoritativeInformation",
            204 => "NoContent",
            205 => "ResetContent",
            206 => "PartialContent",
            207 => "MultiStatus",
            300 => "MultipleChoices",
            301 => "MovedPermanently",
            302 => "Found",
            303 => "SeeOther",
            304 => "NotModified",
            307 => "TemporaryRedirect",
            308 => "PermanentRedirect",
            400 => "BadRequest",
            401 => "Unauthorized",
            402 => "PaymentRequired",
            403 => "Forbidden",
            404 => "NotFound",
            405 => "MethodNotAllowed",
            406 => "NotAcceptable",
            408 => "RequestTimeout",
            409 => "Conflict",
            410 => "Gone",
            412 => "PreconditionFailed",
            413 => "PayloadTooLarge",
            415 => "UnsupportedMediaType",
            422 => "UnprocessableEntity",
            423 => "Locked",
            428 => "PreconditionRequired",
            429 => "TooManyRequests",
            500 => "InternalServerError",
            501 => "NotImplemented",
            502 => "BadGateway",
            503 => "ServiceUnavailable",
            504 => "GatewayTimeout",
            other => return format!("Status{other}"),
        },
        Status::Range(r) => return format!("Status{r}xx"),
        Status::Default => "Default",
    };
    reason.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derived_names_read_like_the_path() {
        let cases = [
            (
                Method::Post,
                "/v4/companies",
                "post_companies",
                "post_v4_companies",
            ),
            (
                Method::Get,
                "/v4/companies/{companyId}",
                "get_companies_by_company_id",
                "get_v4_companies_by_company_id",
            ),
            (
                Method::Put,
                "/v4/resources/{resourceId}/content",
                "put_resources_content",
                "put_v4_resources_content",
            ),
            (
                Method::Get,
                "/v3/users/{user_id}/profile/{app_id}",
                "get_users_profile_by_app_id",
                "get_v3_users_profile_by_app_id",
            ),
            (
                Method::Get,
                "/v3/healthchecks/origin",
                "get_healthchecks_origin",
                "get_v3_healthchecks_origin",
            ),
            (Method::Get, "/", "get", "get"),
        ];
        for (method, path, short, long) in cases {
            assert_eq!(
                derived_names(method, path),
                (short.to_owned(), long.to_owned()),
                "{method} {path}"
            );
        }
    }

    #[test]
    fn status_variants_use_reason_phrases() {
        assert_eq!(status_variant(Status::Code(201)), "Created");
        assert_eq!(status_variant(Status::Code(299)), "Status299");
        assert_eq!(status_variant(Status::Range(4)), "Status4xx");
        assert_eq!(status_variant(Status::Default), "Default");
    }
}
