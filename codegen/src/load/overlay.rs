//! OpenAPI Overlays (Overlay Specification 1.0.0): reviewed corrections applied to a spec that
//! cannot be edited (it is downloaded, and its sha256 is locked).
//!
//! An overlay is a document with `overlay: 1.0.x`, an `info` (title, version) and `actions`,
//! each with an RFC 9535 JSONPath `target` and either `update` or `remove: true`, applied in
//! order to the normalised document before it becomes OpenAPI:
//! - `update` on an object merges into it: objects recursively, arrays by appending, anything
//!   else replaced (as Speakeasy's and oapi-codegen's implementations do); on an array it
//!   appends the value; on anything else (1.0.0 leaves this open) it replaces the value;
//! - `remove` takes each selected node out of its object or array.
//!
//! An action whose target matches nothing is an error naming the action: a spec fixed upstream
//! shows up, and the action goes, as with the reviewed example exceptions. JSONPath is
//! `serde_json_path`, a maintained implementation of RFC 9535, not one written here.

use std::cmp::Ordering;
use std::path::Path;

use serde_json::{Map, Value};
use serde_json_path::{JsonPath, PathElement};

use crate::error::{Error, Problem, SpecError};
use crate::pointer;

/// Most actions one overlay may have.
const MAX_ACTIONS: usize = 10_000;

/// Most nodes one action's target may visit, by [`path_cost::estimate`](super::path_cost::estimate): a search of the whole
/// document is fine many times over; a search inside a search of it is not.
pub const MAX_TARGET_COST: u64 = 20_000_000;

/// Deepest nesting of filters in a target.
pub const MAX_FILTER_NESTING: usize = 3;

/// Most nodes the document may have once an action has run: updates that match many nodes copy
/// their value into each, and a few such actions multiply the document (four `$..*` updates of
/// 457 bytes reached 6 GiB). Counted before each action runs, from what it would add.
pub const MAX_DOCUMENT_NODES: u64 = 4_000_000;

/// A parsed, checked overlay.
#[derive(Debug, Clone)]
pub struct Overlay {
    /// How the overlay is named in messages (usually its path).
    pub source_name: String,
    /// Lowercase hex SHA-256 of the overlay file's bytes.
    pub sha256: String,
    pub title: String,
    pub version: String,
    actions: Vec<Action>,
}

#[derive(Debug, Clone)]
struct Action {
    /// Position in `actions`, for messages.
    index: usize,
    description: Option<String>,
    target: String,
    path: JsonPath,
    change: Change,
}

#[derive(Debug, Clone)]
enum Change {
    Update(Value),
    Remove,
}

/// What applying an overlay did: per action, how many nodes it changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applied {
    pub matches: Vec<usize>,
}

impl Overlay {
    /// Reads and checks an overlay file.
    pub fn load_file(path: &Path) -> Result<Overlay, Error> {
        let bytes = super::read_bounded(path)?;
        Overlay::from_bytes(&bytes, &path.display().to_string())
    }

    /// Parses and checks an overlay from memory.
    pub fn from_bytes(bytes: &[u8], source_name: &str) -> Result<Overlay, Error> {
        let document = super::parse_document(bytes, source_name)?;
        let fail = |pointer: &str, message: String| Error::Spec {
            file: source_name.to_owned(),
            error: SpecError::new(pointer, Problem::Structure(message)),
        };
        let Value::Object(root) = document else {
            return Err(fail(
                "",
                "an overlay is a mapping with `overlay`, `info` and `actions`".to_owned(),
            ));
        };
        match root.get("overlay") {
            Some(Value::String(version)) if version.starts_with("1.0") => {}
            Some(Value::String(version)) => {
                return Err(fail(
                    "/overlay",
                    format!(
                        "overlay version `{version}` is not supported: this generator reads Overlay 1.0.x"
                    ),
                ));
            }
            _ => {
                return Err(fail(
                    "/overlay",
                    "missing the `overlay` version field (such as \"1.0.0\")".to_owned(),
                ));
            }
        }
        let info = root
            .get("info")
            .and_then(Value::as_object)
            .ok_or_else(|| fail("/info", "missing `info` (a title and a version)".to_owned()))?;
        let text = |key: &str| info.get(key).and_then(Value::as_str).map(str::to_owned);
        let title = text("title")
            .ok_or_else(|| fail("/info/title", "missing the overlay's title".to_owned()))?;
        let version = text("version")
            .ok_or_else(|| fail("/info/version", "missing the overlay's version".to_owned()))?;
        if let Some(key) = root.keys().find(|k| {
            !matches!(k.as_str(), "overlay" | "info" | "actions" | "extends")
                && !k.starts_with("x-")
        }) {
            return Err(fail(
                &pointer::push("", key),
                format!("unknown overlay field `{key}`"),
            ));
        }
        let list = root
            .get("actions")
            .and_then(Value::as_array)
            .ok_or_else(|| fail("/actions", "missing `actions` (a list)".to_owned()))?;
        if list.len() > MAX_ACTIONS {
            return Err(fail("/actions", format!("more than {MAX_ACTIONS} actions")));
        }
        let mut actions = Vec::with_capacity(list.len());
        for (index, action) in list.iter().enumerate() {
            let at = pointer::join("", ["actions", &index.to_string()]);
            actions.push(parse_action(action, index, &at).map_err(|message| fail(&at, message))?);
        }
        Ok(Overlay {
            source_name: source_name.to_owned(),
            sha256: super::sha256_hex(bytes),
            title,
            version,
            actions,
        })
    }

    /// How many actions the overlay has.
    pub fn action_count(&self) -> usize {
        self.actions.len()
    }

    /// Applies every action in order to `document`.
    pub fn apply(&self, document: &mut Value) -> Result<Applied, Error> {
        let mut matches = Vec::with_capacity(self.actions.len());
        // An upper bound of the document's nodes as the actions change it (a removal is not
        // subtracted, an update is counted in full even where it replaces).
        let mut nodes = count_nodes(document);
        for action in &self.actions {
            // Bounded before it runs.
            let estimate = super::path_cost::estimate(&action.target, nodes);
            let (cost, nesting) = (estimate.cost, estimate.nesting);
            if let Some((pattern, problem)) = estimate
                .patterns
                .iter()
                .find_map(|p| super::path_cost::pattern_problem(p).map(|why| (p, why)))
            {
                return Err(self.refused(action, &format!(
                    "target `{}`: the regular expression `{}` {problem}; a filter compiles it again for every node it tests, so it must stay small (at most {} characters and {} KiB compiled)",
                    action.target,
                    crate::text::one_line(pattern),
                    super::path_cost::MAX_PATTERN_CHARS,
                    super::path_cost::MAX_PATTERN_PROGRAM / 1024,
                )));
            }
            if cost > MAX_TARGET_COST || nesting > MAX_FILTER_NESTING {
                return Err(self.refused(action, &format!(
                    "target `{}` could visit about {cost} nodes of a {nodes}-node document ({nesting} nested filter{}{}), more than the limit of {MAX_TARGET_COST} (and {MAX_FILTER_NESTING} nested filters): a search inside a search of the whole document, or a regular expression tested on all of it; write a narrower target (a path from `$.paths` or `$.components`)",
                    action.target,
                    if nesting == 1 { "" } else { "s" },
                    if estimate.patterns.is_empty() {
                        String::new()
                    } else {
                        format!(", each regular expression test counted as {} nodes", super::path_cost::REGEX_COST)
                    },
                )));
            }
            let mut locations: Vec<Vec<Step>> = action
                .path
                .query_located(document)
                .iter()
                .map(|node| node.location().iter().map(Step::from).collect())
                .collect();
            if locations.is_empty() {
                return Err(self.refused(action, &format!(
                    "target `{}` matches nothing in the spec; if the spec now has it right, remove the action",
                    action.target
                )));
            }
            matches.push(locations.len());
            match &action.change {
                Change::Update(update) => {
                    let added = count_nodes(update).saturating_mul(locations.len() as u64);
                    if nodes.saturating_add(added) > MAX_DOCUMENT_NODES {
                        return Err(self.refused(action, &format!(
                            "its update ({} nodes) at each of the {} places `{}` matches would grow the document to about {} nodes, more than the limit of {MAX_DOCUMENT_NODES}: an update copied into every node multiplies the document; write a narrower target",
                            count_nodes(update),
                            locations.len(),
                            action.target,
                            nodes.saturating_add(added),
                        )));
                    }
                    nodes = nodes.saturating_add(added);
                    for location in &locations {
                        if let Some(node) = node_at(document, location) {
                            merge(node, update.clone());
                        }
                    }
                }
                Change::Remove => {
                    // Later siblings (and descendants) first, so earlier indices stay valid.
                    locations.sort_by(|a, b| compare(b, a));
                    for location in &locations {
                        remove_at(document, location);
                    }
                }
            }
        }
        Ok(Applied { matches })
    }
}

impl Overlay {
    /// The error for `action`, naming it by index and description.
    fn refused(&self, action: &Action, message: &str) -> Error {
        let described = action
            .description
            .as_deref()
            .map(|d| format!(" ({})", crate::text::visible(d)))
            .unwrap_or_default();
        Error::Spec {
            file: self.source_name.clone(),
            error: SpecError::new(
                pointer::join("", ["actions", &action.index.to_string()]),
                Problem::Structure(format!("action {}{described}: {message}", action.index)),
            ),
        }
    }
}

/// How many nodes `value` has (itself included).
fn count_nodes(value: &Value) -> u64 {
    let mut count = 0u64;
    let mut stack = vec![value];
    while let Some(node) = stack.pop() {
        count += 1;
        match node {
            Value::Array(items) => stack.extend(items),
            Value::Object(map) => stack.extend(map.values()),
            _ => {}
        }
    }
    count
}

fn parse_action(action: &Value, index: usize, at: &str) -> Result<Action, String> {
    let Value::Object(fields) = action else {
        return Err("an action is a mapping with `target` and `update` or `remove`".to_owned());
    };
    if let Some(key) = fields.keys().find(|k| {
        !matches!(k.as_str(), "target" | "description" | "update" | "remove")
            && !k.starts_with("x-")
    }) {
        return Err(format!(
            "unknown action field `{key}` (at {})",
            pointer::push(at, key)
        ));
    }
    let target = fields
        .get("target")
        .and_then(Value::as_str)
        .ok_or("an action needs a `target` (a JSONPath such as $.paths['/a'].get)")?;
    let path = JsonPath::parse(target)
        .map_err(|e| format!("target `{target}` is not an RFC 9535 JSONPath: {e}"))?;
    let description = fields
        .get("description")
        .and_then(Value::as_str)
        .map(str::to_owned);
    let remove = match fields.get("remove") {
        None | Some(Value::Bool(false)) => false,
        Some(Value::Bool(true)) => true,
        Some(_) => return Err("`remove` must be true or false".to_owned()),
    };
    let change = match (fields.get("update"), remove) {
        (_, true) => Change::Remove,
        (Some(update), false) => Change::Update(update.clone()),
        (None, false) => {
            return Err(format!(
                "action {index} has neither `update` nor `remove: true`"
            ));
        }
    };
    Ok(Action {
        index,
        description,
        target: target.to_owned(),
        path,
        change,
    })
}

/// One step of a located node's path, owned (the query borrows the document).
#[derive(Debug, Clone, PartialEq, Eq)]
enum Step {
    Name(String),
    Index(usize),
}

impl From<&PathElement<'_>> for Step {
    fn from(element: &PathElement<'_>) -> Step {
        match element {
            PathElement::Name(name) => Step::Name((*name).to_owned()),
            PathElement::Index(index) => Step::Index(*index),
        }
    }
}

/// Document order, indices numerically; a node comes before its descendants.
fn compare(a: &[Step], b: &[Step]) -> Ordering {
    for (x, y) in a.iter().zip(b) {
        let order = match (x, y) {
            (Step::Index(x), Step::Index(y)) => x.cmp(y),
            (Step::Name(x), Step::Name(y)) => x.cmp(y),
            (Step::Index(_), Step::Name(_)) => Ordering::Less,
            (Step::Name(_), Step::Index(_)) => Ordering::Greater,
        };
        if order != Ordering::Equal {
            return order;
        }
    }
    a.len().cmp(&b.len())
}

fn node_at<'a>(document: &'a mut Value, location: &[Step]) -> Option<&'a mut Value> {
    let mut node = document;
    for step in location {
        node = match (node, step) {
            (Value::Object(map), Step::Name(name)) => map.get_mut(name)?,
            (Value::Array(items), Step::Index(index)) => items.get_mut(*index)?,
            _ => return None,
        };
    }
    Some(node)
}

fn remove_at(document: &mut Value, location: &[Step]) {
    let Some((last, parent)) = location.split_last() else {
        // The root itself: an empty document is what is left.
        *document = Value::Null;
        return;
    };
    match (node_at(document, parent), last) {
        (Some(Value::Object(map)), Step::Name(name)) => {
            map.shift_remove(name);
        }
        (Some(Value::Array(items)), Step::Index(index)) if *index < items.len() => {
            items.remove(*index);
        }
        _ => {}
    }
}

/// Merges `update` into `node` (see the module docs).
fn merge(node: &mut Value, update: Value) {
    match (node, update) {
        (Value::Object(target), Value::Object(update)) => merge_objects(target, update),
        (Value::Array(items), Value::Array(more)) => items.extend(more),
        (Value::Array(items), other) => items.push(other),
        (node, other) => *node = other,
    }
}

fn merge_objects(target: &mut Map<String, Value>, update: Map<String, Value>) {
    for (key, value) in update {
        match target.get_mut(&key) {
            Some(existing @ (Value::Object(_) | Value::Array(_)))
                if value.is_object() || value.is_array() =>
            {
                merge(existing, value)
            }
            Some(existing) => *existing = value,
            None => {
                target.insert(key, value);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn overlay(text: &str) -> Result<Overlay, Error> {
        Overlay::from_bytes(text.as_bytes(), "o.yaml")
    }

    const HEAD: &str = "overlay: 1.0.0\ninfo: {title: t, version: '1'}\n";

    #[test]
    fn updates_merge_and_removes_take_out() {
        let mut document = json!({
            "paths": {"/a": {"get": {"parameters": [
                {"name": "x", "required": true},
                {"name": "placeholder.xxx", "required": true},
                {"name": "y", "required": true}
            ]}}},
            "tags": [{"name": "a"}]
        });
        let o = overlay(&format!(
            "{HEAD}actions:\n\
             - target: \"$.paths['/a'].get.parameters[?@.name != 'placeholder.xxx']\"\n  update: {{required: false, schema: {{type: integer}}}}\n\
             - target: \"$.paths['/a'].get.parameters[?@.name == 'placeholder.xxx']\"\n  remove: true\n\
             - target: $.tags\n  update: {{name: b}}\n"
        ))
        .unwrap();
        let applied = o.apply(&mut document).unwrap();
        assert_eq!(applied.matches, [2, 1, 1]);
        assert_eq!(
            document,
            json!({
                "paths": {"/a": {"get": {"parameters": [
                    {"name": "x", "required": false, "schema": {"type": "integer"}},
                    {"name": "y", "required": false, "schema": {"type": "integer"}}
                ]}}},
                "tags": [{"name": "a"}, {"name": "b"}]
            })
        );
    }

    #[test]
    fn removing_many_siblings_keeps_the_right_ones() {
        let mut document = json!({"list": [0, 1, 2, 3, 4, 5]});
        let o = overlay(&format!(
            "{HEAD}actions:\n- target: '$.list[?@ > 0 && @ < 5]'\n  remove: true\n"
        ))
        .unwrap();
        o.apply(&mut document).unwrap();
        assert_eq!(document, json!({"list": [0, 5]}));
    }

    #[test]
    fn a_target_that_matches_nothing_names_the_action() {
        let o = overlay(&format!("{HEAD}actions:\n- target: $.info\n  update: {{x: 1}}\n- target: $.paths.nope\n  description: fix nope\n  remove: true\n")).unwrap();
        let err = o.apply(&mut json!({"info": {}})).unwrap_err();
        assert_eq!(
            err.to_string(),
            "o.yaml: at /actions/1: action 1 (fix nope): target `$.paths.nope` matches nothing in the spec; if the spec now has it right, remove the action"
        );
    }

    #[test]
    fn malformed_overlays_name_the_place() {
        for (text, expected) in [
            (
                "overlay: 2.0.0\n".to_owned(),
                "at /overlay: overlay version `2.0.0` is not supported",
            ),
            (
                "info: {title: t, version: '1'}\nactions: []\n".to_owned(),
                "at /overlay: missing the `overlay` version field",
            ),
            (
                format!("{HEAD}actions:\n- target: '$.paths[[['\n  remove: true\n"),
                "at /actions/0: target `$.paths[[[` is not an RFC 9535 JSONPath",
            ),
            (
                format!("{HEAD}actions:\n- target: $.a\n"),
                "at /actions/0: action 0 has neither `update` nor `remove: true`",
            ),
            (
                format!("{HEAD}actions:\n- target: $.a\n  remove: yes please\n"),
                "at /actions/0: `remove` must be true or false",
            ),
            (
                format!("{HEAD}actions:\n- update: {{}}\n"),
                "at /actions/0: an action needs a `target`",
            ),
            (
                format!("{HEAD}actions: 5\n"),
                "at /actions: missing `actions` (a list)",
            ),
            (
                format!("{HEAD}actions: []\nupdates: []\n"),
                "at /updates: unknown overlay field `updates`",
            ),
        ] {
            let err = overlay(&text).unwrap_err().to_string();
            assert!(err.contains(expected), "{err}\nexpected: {expected}");
        }
    }
}
