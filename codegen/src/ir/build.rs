//! Runs the IR stages in order: component types, operations (which hoist their inline types),
//! recursion fix-ups, examples.

use std::collections::HashMap;

use super::schema::{TypeTable, non_empty};
use super::{Api, ParamType, Server, ServerVariable, TypeRef};
use super::{examples, nullable, operations, pagination, recursion, security};
use crate::error::SpecError;
use crate::load::LoadedSpec;
use crate::names::{self, Namer};
use crate::options::Options;

/// Builds the IR of a loaded spec.
pub fn build(spec: &LoadedSpec, options: &Options) -> Result<Api, SpecError> {
    let openapi = &spec.openapi;
    let mut types = TypeTable::new(openapi);
    types.strict = options.strict;
    for note in &spec.notes {
        if note.defect {
            types.defect(&note.pointer, note.message.clone())?;
        } else {
            types.warn(&note.pointer, note.message.clone());
        }
    }
    types.add_components()?;
    let auth = security::choose(openapi)?;
    let (operations, groups) = operations::build(openapi, &mut types)?;
    let mut defs = std::mem::take(&mut types.defs);
    nullable::apply(&mut defs, &types.nullable_defs);
    recursion::resolve(&mut defs)?;
    recursion::check_alias_chains(&defs)?;

    let param_types: HashMap<String, TypeRef> = operations
        .iter()
        .flat_map(|op| &op.params)
        .map(|p| {
            let ty = match &p.ty {
                ParamType::Scalar(ty) => ty.clone(),
                ParamType::List { item, .. } => TypeRef::Vec(Box::new(item.clone())),
                ParamType::Encoded { .. } => TypeRef::String,
            };
            (p.pointer.clone(), ty)
        })
        .collect();
    let examples = examples::collect(&spec.document, &types.schema_types, &param_types)?;
    let mut operations = operations;
    for param in operations.iter_mut().flat_map(|op| &mut op.params) {
        let schema = spec.document.pointer(&format!("{}/schema", param.pointer));
        param.default = schema.and_then(|s| s.get("default")).cloned();
        param.minimum = schema.and_then(|s| s.get("minimum")).cloned();
    }

    let mut api = Api {
        title: openapi.info.title.clone(),
        version: openapi.info.version.clone(),
        description: non_empty(openapi.info.description.as_deref()),
        spec_sha256: spec.sha256.clone(),
        spec_files: spec.files.len().max(1),
        overlay_sha256: spec.overlay.as_ref().map(|(_, sha)| sha.clone()),
        server: openapi.servers.first().map(server),
        auth,
        types: defs,
        groups,
        operations,
        examples,
        warnings: types.warnings,
        features: Default::default(),
    };
    pagination::detect(&mut api);
    api.features = super::features::decide(&api);
    Ok(api)
}

fn server(s: &openapiv3::Server) -> Server {
    // Setter names on the generated client builder must not collide with its own methods.
    let mut namer = Namer::with_reserved(&[
        "api_key",
        "base_url",
        "bearer_token",
        "build",
        "connect_timeout",
        "credentials",
        "fmt",
        "follow_redirects",
        "http_client",
        "max_response_bytes",
        "no_timeout",
        "retry",
        "signer",
        "timeout",
        "user_agent",
        "without_signing",
    ]);
    Server {
        url: s.url.clone(),
        description: non_empty(s.description.as_deref()),
        variables: s
            .variables
            .iter()
            .flatten()
            .map(|(name, v)| ServerVariable {
                wire_name: name.clone(),
                rust_name: namer.claim(&names::snake(name)),
                default: v.default.clone(),
                allowed: v.enumeration.clone(),
                description: non_empty(v.description.as_deref()),
            })
            .collect(),
    }
}
