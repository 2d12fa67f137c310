//! A Cargo feature per operation group (tag), and the features each type needs.
//!
//! Compiling the generated crate costs its users more than generating it, and most of the cost
//! is the models. With a feature per tag, a user who calls two groups of Stripe's 30 compiles
//! those groups and only the types their operations reach. A type is gated by the groups that
//! reach it (through parameters, bodies, responses, fields, variants, aliases); a type no
//! operation reaches, and everything it reaches, is always compiled, since it is public API that
//! no feature can name.

use std::collections::{BTreeSet, HashSet};

use super::{Additional, Api, Operation, ParamType, ResponseBody, TypeId, TypeKind, TypeRef};

/// The features of a crate, decided from its operations.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Features {
    /// The feature of each group (by index), named after its module.
    pub group_features: Vec<String>,
    /// Per type (by [`TypeId`]): the groups whose features compile it, sorted; `None` when it
    /// is always compiled.
    pub type_groups: Vec<Option<Vec<usize>>>,
}

/// The feature that enables every group; on by default.
pub const ALL_FEATURE: &str = "all-apis";

/// Names a tag's feature cannot take: the crate's other features and its dependencies (each
/// optional dependency is a feature of its own).
const RESERVED: &[&str] = &[
    "default",
    ALL_FEATURE,
    "runtime",
    "cli",
    "mcp",
    "testing",
    "rustls",
    "native-tls",
    "http2",
    "tracing",
    "base64",
    "bytes",
    "form_urlencoded",
    "futures-core",
    "getrandom",
    "httpdate",
    "percent-encoding",
    "reqwest",
    "serde",
    "serde_json",
    "sha2",
    "tokio",
];

impl Features {
    /// Whether `ty` is compiled only with some features.
    pub fn gate(&self, ty: TypeId) -> Option<&[usize]> {
        self.type_groups.get(ty).and_then(Option::as_deref)
    }
}

pub(crate) fn decide(api: &Api) -> Features {
    let group_features = api
        .groups
        .iter()
        .map(|g| {
            let name = crate::names::unraw(&g.module).to_owned();
            if RESERVED.contains(&name.as_str()) {
                format!("{name}-api")
            } else {
                name
            }
        })
        .collect();
    // Once per group, from the roots of all its operations: a type is reached by the group when
    // one of its operations reaches it (per operation, this was operations × types on large
    // specs whose operations share most of their types).
    let mut group_roots: Vec<Vec<TypeId>> = vec![Vec::new(); api.groups.len()];
    for op in &api.operations {
        group_roots[op.group].extend(roots(op));
    }
    let mut reached: Vec<BTreeSet<usize>> = vec![BTreeSet::new(); api.types.len()];
    for (group, roots) in group_roots.into_iter().enumerate() {
        for id in closure(api, roots) {
            reached[id].insert(group);
        }
    }
    // What no operation reaches is always there, and so is everything it needs.
    let unreached: Vec<TypeId> = (0..api.types.len())
        .filter(|&id| reached[id].is_empty())
        .collect();
    let always: HashSet<TypeId> = closure(api, unreached).into_iter().collect();
    let every = api.groups.len();
    let type_groups = reached
        .into_iter()
        .enumerate()
        .map(|(id, groups)| {
            (!always.contains(&id) && groups.len() < every).then(|| groups.into_iter().collect())
        })
        .collect();
    Features {
        group_features,
        type_groups,
    }
}

/// The named types an operation's signature and results mention.
fn roots(op: &Operation) -> Vec<TypeId> {
    let mut out = Vec::new();
    for param in &op.params {
        match &param.ty {
            ParamType::Scalar(ty) | ParamType::List { item: ty, .. } => ty.named(&mut out),
            ParamType::Encoded { documented, .. } => documented.named(&mut out),
        }
    }
    if let Some(ty) = op.body.as_ref().and_then(|b| b.kind.typed()) {
        ty.named(&mut out);
    }
    for case in op.success.iter().chain(&op.errors) {
        match &case.body {
            ResponseBody::Json(ty)
            | ResponseBody::Raw {
                documented: Some(ty),
                ..
            } => ty.named(&mut out),
            ResponseBody::Raw {
                documented: None, ..
            }
            | ResponseBody::Empty => {}
        }
        if let Some(events) = &case.events {
            events.named(&mut out);
        }
    }
    if let Some(pagination) = &op.pagination {
        pagination.item_type.named(&mut out);
    }
    out
}

/// `roots` and every type they reach, each once.
fn closure(api: &Api, roots: Vec<TypeId>) -> Vec<TypeId> {
    let mut seen = HashSet::new();
    let mut pending = roots;
    let mut out = Vec::new();
    while let Some(id) = pending.pop() {
        if !seen.insert(id) {
            continue;
        }
        out.push(id);
        let mut mention = |ty: &TypeRef| ty.named(&mut pending);
        match &api.types[id].kind {
            TypeKind::Struct(s) => {
                s.fields.iter().for_each(|f| mention(&f.ty));
                if let Additional::Typed { ty, .. } = &s.additional {
                    mention(ty);
                }
            }
            TypeKind::OneOf(o) => o.variants.iter().for_each(|v| mention(&v.ty)),
            TypeKind::Alias(ty) | TypeKind::NewType(ty) => mention(ty),
            TypeKind::Enum(_) => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    const SPEC: &str = r#"
openapi: 3.0.3
info: {title: Features, version: '1'}
paths:
  /a:
    get:
      tags: [alpha]
      responses: {'200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/OnlyAlpha'}}}}}
    post:
      tags: [alpha]
      requestBody: {content: {application/json: {schema: {$ref: '#/components/schemas/Shared'}}}}
      responses: {'204': {description: ok}}
  /b:
    get:
      tags: [beta]
      parameters: [{name: kind, in: query, schema: {$ref: '#/components/schemas/Kind'}}]
      responses:
        '200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Shared'}}}}
        '400': {description: bad, content: {application/json: {schema: {$ref: '#/components/schemas/BetaError'}}}}
  /c:
    get:
      tags: [type]
      responses: {'204': {description: ok}}
components:
  schemas:
    OnlyAlpha: {type: object, properties: {inner: {$ref: '#/components/schemas/AlphaInner'}}}
    AlphaInner: {type: object, properties: {x: {type: string}}}
    Shared: {type: object, properties: {y: {type: string}}}
    Kind: {type: string, enum: [one, two]}
    BetaError: {type: object, properties: {also: {$ref: '#/components/schemas/AlphaInner'}}}
    Orphan: {type: object, properties: {child: {$ref: '#/components/schemas/OrphanChild'}}}
    OrphanChild: {type: object, properties: {z: {type: string}}}
"#;

    #[test]
    fn each_type_is_gated_by_the_tags_that_reach_it() {
        let spec = crate::load::load_bytes(SPEC.as_bytes(), "features.yaml").unwrap();
        let api = crate::build_ir(&spec, &crate::Options::default()).unwrap();
        let gate = |name: &str| {
            let id = api
                .types
                .iter()
                .position(|t| t.name == name)
                .unwrap_or_else(|| panic!("no {name}"));
            api.features.gate(id).map(|groups| {
                groups
                    .iter()
                    .map(|&g| api.features.group_features[g].as_str())
                    .collect::<Vec<_>>()
            })
        };
        assert_eq!(
            api.features.group_features,
            ["alpha", "beta", "type"],
            "a keyword module still names a plain feature"
        );
        assert_eq!(gate("OnlyAlpha"), Some(vec!["alpha"]));
        assert_eq!(
            gate("AlphaInner"),
            Some(vec!["alpha", "beta"]),
            "through a field, and through an error body"
        );
        assert_eq!(gate("Shared"), Some(vec!["alpha", "beta"]));
        assert_eq!(gate("Kind"), Some(vec!["beta"]), "through a parameter");
        // Public types no operation reaches, and what they reach, are always compiled.
        assert_eq!(gate("Orphan"), None);
        assert_eq!(gate("OrphanChild"), None);
    }
}
