//! Paths and operations → [`Operation`]s grouped by tag.
//!
//! Finding the operations, naming their methods and grouping them by tag happen here, as does
//! putting one operation together (`OperationBuilder::build`). The parts of an operation have
//! modules of their own: `params` (parameters and the Rust types they take), `path_template` (the
//! path template checked against the declared path parameters) and `bodies` (the request body and
//! the responses).

mod bodies;
mod params;
mod path_template;

use std::collections::{HashMap, HashSet};

use openapiv3::{OpenAPI, PathItem, ReferenceOr};

use super::schema::{TypeTable, non_empty};
use super::{Doc, Group, Method, Operation, ResponseBody};
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
    let local_names = without_group_prefix(&found, &method_names, &groups, &group_of);

    let mut module_namers: Vec<Namer> = groups
        .iter()
        .map(|g| {
            let mut namer = Namer::with_reserved(names::RESERVED_TYPE_NAMES);
            namer.claim(&g.struct_name);
            namer
        })
        .collect();
    let mut operations = Vec::with_capacity(found.len());
    for (index, (f, method_name)) in found.iter().zip(local_names).enumerate() {
        let group = group_of[index];
        let namer = &mut module_namers[group];
        // Types keep the whole name: `IssuesCreate` beside `issues().create()`.
        let builder_name = namer.claim(&names::pascal(names::unraw(&method_names[index])));
        let operation = OperationBuilder {
            spec,
            types,
            f,
            builder_name: &builder_name,
        }
        .build(method_name, group, namer)?;
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
/// Names of standard trait methods a method of the client (or of the test server's record)
/// must not take: `fn clone(&self)` reads as `Clone::clone` (clippy's `should_implement_trait`
/// lint) and shadows it.
const TRAIT_METHODS: &[&str] = &[
    "add",
    "as_mut",
    "as_ref",
    "bitand",
    "bitor",
    "bitxor",
    "borrow",
    "borrow_mut",
    "clone",
    "cmp",
    "default",
    "deref",
    "deref_mut",
    "div",
    "drop",
    "eq",
    "from_iter",
    "from_str",
    "hash",
    "index",
    "index_mut",
    "into_iter",
    "mul",
    "neg",
    "next",
    "not",
    "rem",
    "shl",
    "shr",
    "sub",
];

fn method_names(found: &[Found<'_>]) -> Result<Vec<String>, SpecError> {
    let mut namer = Namer::with_reserved(TRAIT_METHODS);
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

/// The methods' names on their group: an `operationId` that starts with its group's name
/// (`issues/create`, `issues_create`, `IssuesCreate` in the group `issues`) loses it
/// (`issues().create()`, as octocrab writes it), unless the rest is empty, a name the group's
/// struct has (`clone`, `fmt`), a standard trait's method, or another method's name in the
/// group. Names derived from method and path keep theirs.
fn without_group_prefix(
    found: &[Found<'_>],
    full: &[String],
    groups: &[Group],
    group_of: &[usize],
) -> Vec<String> {
    let prefix = |group: usize| format!("{}_", names::unraw(&names::snake(&groups[group].tag)));
    let candidate = |i: usize| -> Option<String> {
        found[i].op.operation_id.as_ref()?;
        let rest = names::unraw(&full[i]).strip_prefix(&prefix(group_of[i]))?;
        let name = names::snake(rest);
        let bare = names::unraw(&name);
        let usable = !bare.is_empty()
            && !bare.starts_with(|c: char| c.is_ascii_digit())
            && !TRAIT_METHODS.contains(&bare)
            && !["fmt", "client"].contains(&bare);
        usable.then_some(name)
    };
    let candidates: Vec<Option<String>> = (0..found.len()).map(candidate).collect();
    // A candidate stands if no other method of its group has that name, whole or shortened.
    let mut taken: HashMap<(usize, String), usize> = HashMap::new();
    for i in 0..found.len() {
        *taken
            .entry((group_of[i], names::unraw(&full[i]).to_owned()))
            .or_default() += 1;
        if let Some(name) = &candidates[i] {
            *taken
                .entry((group_of[i], names::unraw(name).to_owned()))
                .or_default() += 1;
        }
    }
    (0..found.len())
        .map(|i| match &candidates[i] {
            Some(name) if taken[&(group_of[i], names::unraw(name).to_owned())] == 1 => name.clone(),
            _ => full[i].clone(),
        })
        .collect()
}

/// The group of operations when the spec tags none of them: the first segment of the path after
/// a version prefix (`/v1/customers/{id}` → `customers`), as hand-written SDKs of such APIs
/// group them; `None` for a path with no such segment.
fn path_group(path: &str) -> Option<String> {
    let is_version = |s: &str| {
        s.len() > 1 && s.starts_with(['v', 'V']) && s[1..].chars().all(|c| c.is_ascii_digit())
    };
    path.split('/')
        .filter(|s| !s.is_empty())
        .find(|s| !is_version(s))
        .filter(|s| !(s.starts_with('{') && s.ends_with('}')))
        .map(str::to_owned)
}

/// Whether no operation of the spec has a tag: then groups come from paths ([`path_group`]).
fn grouped_by_path(found_tags: impl IntoIterator<Item = bool>) -> bool {
    let mut any = false;
    for tagged in found_tags {
        if tagged {
            return false;
        }
        any = true;
    }
    any
}

/// Groups in the order of the spec's `tags`, then tags only used by operations, then untagged;
/// for a spec that tags no operation, one group per first path segment, in path order.
fn groups(spec: &OpenAPI, found: &[Found<'_>]) -> (Vec<Group>, Vec<usize>) {
    let by_path = grouped_by_path(found.iter().map(|f| !f.op.tags.is_empty()));
    let mut tags: Vec<(String, Option<String>)> = if by_path {
        Vec::new()
    } else {
        spec.tags
            .iter()
            .map(|t| (t.name.clone(), non_empty(t.description.as_deref())))
            .collect()
    };
    let tag_of = |f: &Found<'_>| {
        let from_path = by_path.then(|| path_group(f.path)).flatten();
        f.op.tags
            .first()
            .cloned()
            .or(from_path)
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
            from_path: by_path,
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
}
