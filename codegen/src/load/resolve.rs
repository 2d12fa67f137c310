//! `$ref`s that OpenAPI 3.0 tools (and `openapiv3`) do not follow, rewritten into ones they do.
//!
//! `openapiv3` and the IR follow one form: `#/components/{section}/{name}` for an object of that
//! section's kind. Real specs use more (PagerDuty has 182 refs such as
//! `#/components/schemas/Tag/allOf/0`; DigitalOcean spreads itself over 600 files), so before the
//! document becomes typed OpenAPI every other `$ref` is resolved here:
//!
//! - a schema anywhere else (inside a component, in another file) is **hoisted**: copied once
//!   into `#/components/schemas` under a readable unique name, and every `$ref` to it rewritten.
//!   Recursive schemas stay recursive, since the name is chosen before the copy is walked;
//! - any other object (parameter, response, path item, even an operation) is **copied in place**;
//! - a request body where a response belongs (a known defect) becomes that response, noted;
//! - leniently, with a defect note (an error with `--strict`): a `$ref` in place of a whole
//!   `properties` map, and a `$ref` in place of a description or summary, which a common bundler
//!   writes though OpenAPI allows neither.
//!
//! Specs that need none of this (most, the Zephr one included) pay one read-only walk.
//!
//! Long, and kept whole: it is one walk over one state (the `Resolver`: names taken, hoisted
//! schemas waiting to be walked, the places being copied in, the budget of copied values), and
//! that read-only walk, `needed`, must apply the same rules (`is_followed_as_is`, the same depth
//! limit): apart, the two could drift.

use std::collections::{HashMap, HashSet, VecDeque};

use serde_json::{Map, Value};

use super::Note;
use super::files::{Files, ROOT};
use super::shape::{self, Node};
use crate::error::{Error, Problem};
use crate::{limits, pointer};

/// Deepest nesting of a document once copies are in place (a file may nest 128 levels; a copy
/// inside a copy goes deeper, but real specs stay under 50).
const MAX_RESOLVED_DEPTH: usize = 2 * limits::MAX_DEPTH;

/// Most `$ref`s one pointer may pass through on its way to its target.
const MAX_POINTER_HOPS: usize = 64;

/// Whether any `$ref` of `document` needs [`resolve`].
pub(crate) fn needed(document: &Value) -> bool {
    needs(document, Node::Root, 0)
}

fn needs(value: &Value, node: Node, depth: usize) -> bool {
    if depth > MAX_RESOLVED_DEPTH {
        return true; // `resolve` reports it
    }
    if let Some(reference) = reference_of(value, node) {
        return !is_followed_as_is(reference, node);
    }
    if node == Node::Schema && mapping_refs(value).any(|r| !is_followed_as_is(r, Node::Schema)) {
        return true;
    }
    if has_text_fields(node) && has_text_reference(value) {
        return true;
    }
    if node == Node::Root
        && text_holders(value).any(|at| value.pointer(&at).is_some_and(has_text_reference))
    {
        return true;
    }
    children(value, node).any(|(child, child_node)| needs(child, child_node, depth + 1))
}

/// The `$ref` a value at `node` stands for: an object's `$ref`, where OpenAPI allows one; and,
/// leniently, a `$ref` in place of a map of schemas (`properties: {$ref: 'models/x.yml#/y'}`,
/// written by a common bundler), which is not OpenAPI: a map of schemas whose only entry is
/// `$ref` with a string (no schema is a string) can only mean that.
fn reference_of(value: &Value, node: Node) -> Option<&str> {
    let reference = value.get("$ref").and_then(Value::as_str)?;
    let lenient = node == Node::SchemaMap && value.as_object().is_some_and(|map| map.len() == 1);
    (node.may_refer() || lenient).then_some(reference)
}

/// Whether the keys of an object of this kind are its fields (so `description` is a text),
/// rather than names (`properties: {description: …}` names a property).
fn has_text_fields(node: Node) -> bool {
    matches!(
        node,
        Node::PathItem
            | Node::Operation
            | Node::Parameter
            | Node::RequestBody
            | Node::Response
            | Node::Header
            | Node::Example
            | Node::Schema
    )
}

/// A `$ref` in place of a text (`description: {$ref: …}`), which OpenAPI does not allow.
fn text_reference<'v>(key: &str, value: &'v Value) -> Option<&'v str> {
    if !matches!(key, "description" | "summary") {
        return None;
    }
    let map = value.as_object()?;
    (map.len() == 1).then(|| map.get("$ref")?.as_str())?
}

fn has_text_reference(value: &Value) -> bool {
    value.as_object().is_some_and(|map| {
        map.iter()
            .any(|(key, child)| text_reference(key, child).is_some())
    })
}

/// The objects outside the tree of referencable nodes that carry texts: `info` and each tag.
fn text_holders(root: &Value) -> impl Iterator<Item = String> + use<> {
    let tags = root
        .get("tags")
        .and_then(Value::as_array)
        .map_or(0, Vec::len);
    std::iter::once("/info".to_owned()).chain((0..tags).map(|i| format!("/tags/{i}")))
}

/// `#/components/{section}/{name}` where the section holds this kind: what the IR follows.
fn is_followed_as_is(reference: &str, node: Node) -> bool {
    reference
        .strip_prefix('#')
        .and_then(pointer::tokens)
        .is_some_and(|tokens| shape::is_component_ref(&tokens, node))
}

/// The children of a value that can hold `$ref`s, with their kinds.
fn children(value: &Value, node: Node) -> Box<dyn Iterator<Item = (&Value, Node)> + '_> {
    match value {
        Value::Object(map) => Box::new(
            map.iter()
                .map(move |(key, child)| (child, node.child_of_value(key, child)))
                .filter(|(_, n)| *n != Node::Data),
        ),
        Value::Array(items) if matches!(node, Node::ParameterList | Node::SchemaList) => Box::new(
            items
                .iter()
                .map(move |child| (child, node.child_of_value("", child)))
                .filter(|(_, n)| *n != Node::Data),
        ),
        _ => Box::new(std::iter::empty()),
    }
}

/// The `$ref`-like strings of a discriminator's mapping (plain names are component names).
fn mapping_refs(schema: &Value) -> impl Iterator<Item = &str> {
    schema
        .get("discriminator")
        .and_then(|d| d.get("mapping"))
        .and_then(Value::as_object)
        .into_iter()
        .flat_map(|m| m.values())
        .filter_map(Value::as_str)
        .filter(|r| looks_like_ref(r))
}

/// Whether a mapping value is a `$ref` rather than a component name.
fn looks_like_ref(value: &str) -> bool {
    value.contains('#')
        || value.contains('/')
        || [".yaml", ".yml", ".json"]
            .iter()
            .any(|e| value.ends_with(e))
}

/// What becomes of one `$ref`.
enum Action {
    Keep,
    Rewrite(String),
    /// Replace the `$ref` object with this value, which is in `file` at `at`.
    CopyIn {
        value: Value,
        file: usize,
        at: String,
    },
}

struct Resolver<'f> {
    files: &'f mut Files,
    /// (file, fragment) of each hoisted schema → its component name.
    hoisted: HashMap<(usize, String), String>,
    taken: HashSet<String>,
    /// Hoisted schemas not walked yet: (name, value, file, pointer in that file).
    pending: VecDeque<(String, Value, usize, String)>,
    ready: Vec<(String, Value)>,
    notes: Vec<Note>,
    /// The places being copied in, outermost first (a place met again is a cycle).
    copying: Vec<(usize, String)>,
    /// JSON values copied so far, against [`limits::MAX_COPIED_VALUES`].
    copied: usize,
}

/// Resolves every `$ref` of `document` (the root of `files`) that [`needed`] finds.
pub(crate) fn resolve(document: &mut Value, files: &mut Files) -> Result<Vec<Note>, Error> {
    let taken = document
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default();
    let mut resolver = Resolver {
        files,
        hoisted: HashMap::new(),
        taken,
        pending: VecDeque::new(),
        ready: Vec::new(),
        notes: Vec::new(),
        copied: 0,
        copying: Vec::new(),
    };
    resolver.adopt_component_aliases(document)?;
    resolver.walk(document, Node::Root, ROOT, "", 0)?;
    while let Some((name, mut value, file, at)) = resolver.pending.pop_front() {
        resolver.walk(&mut value, Node::Schema, file, &at, 0)?;
        resolver.ready.push((name, value));
    }
    resolver.leave_references_behind(document);
    if !resolver.ready.is_empty() {
        let Some(root) = document.as_object_mut() else {
            return Err(resolver.files.error(
                ROOT,
                "",
                Problem::Structure("the document is not a mapping".to_owned()),
            ));
        };
        let components = root
            .entry("components")
            .or_insert_with(|| Value::Object(Map::new()));
        let schemas = components
            .as_object_mut()
            .ok_or_else(|| {
                resolver.files.error(
                    ROOT,
                    "/components",
                    Problem::Structure("`components` is not a mapping".to_owned()),
                )
            })?
            .entry("schemas")
            .or_insert_with(|| Value::Object(Map::new()));
        let schemas = schemas.as_object_mut().ok_or_else(|| {
            resolver.files.error(
                ROOT,
                "/components/schemas",
                Problem::Structure("`schemas` is not a mapping".to_owned()),
            )
        })?;
        for (name, value) in std::mem::take(&mut resolver.ready) {
            schemas.insert(name, value);
        }
    }
    Ok(resolver.notes)
}

impl Resolver<'_> {
    fn walk(
        &mut self,
        value: &mut Value,
        node: Node,
        file: usize,
        at: &str,
        depth: usize,
    ) -> Result<(), Error> {
        if depth > MAX_RESOLVED_DEPTH {
            return Err(self.files.error(
                file,
                at,
                Problem::Limit(format!(
                    "nested deeper than {MAX_RESOLVED_DEPTH} levels once `$ref`s are resolved"
                )),
            ));
        }
        if let Some(reference) = reference_of(value, node) {
            let reference = reference.to_owned();
            if node == Node::SchemaMap {
                self.notes.push(Note {
                    pointer: self.files.place(file, at),
                    message: format!("a `$ref` (`{reference}`) stands in place of a map of schemas, which OpenAPI does not allow; the map it points at is copied in"),
                    defect: true,
                });
            }
            match self.action(&reference, node, file, at)? {
                Action::Keep => {}
                Action::Rewrite(new) => value["$ref"] = Value::String(new),
                Action::CopyIn {
                    value: copy,
                    file: from,
                    at: from_at,
                } => {
                    // Copying a path item that is a `$ref` to one that refers back would
                    // never end.
                    let place = (from, from_at);
                    if self.copying.contains(&place) {
                        return Err(self.files.error(
                            file,
                            at,
                            Problem::BadRef(
                                reference.clone(),
                                "it leads back to itself".to_owned(),
                            ),
                        ));
                    }
                    *value = copy;
                    self.copying.push(place);
                    let (from, from_at) = self.copying.last().cloned().expect("just pushed");
                    let walked = self.walk(value, node, from, &from_at, depth + 1);
                    self.copying.pop();
                    return walked;
                }
            }
            return Ok(());
        }
        if node == Node::Schema {
            self.rewrite_mapping(value, file, at)?;
        }
        match value {
            Value::Object(map) => {
                for (key, child) in map.iter_mut() {
                    if has_text_fields(node)
                        && let Some(reference) = text_reference(key, child)
                    {
                        let reference = reference.to_owned();
                        *child = self.text(&reference, file, &pointer::push(at, key))?;
                        continue;
                    }
                    let child_node = node.child_of_value(key, child);
                    if child_node != Node::Data {
                        self.walk(child, child_node, file, &pointer::push(at, key), depth + 1)?;
                    }
                }
            }
            Value::Array(items) if matches!(node, Node::ParameterList | Node::SchemaList) => {
                for (i, child) in items.iter_mut().enumerate() {
                    let child_node = node.child_of_value("", child);
                    if child_node != Node::Data {
                        self.walk(
                            child,
                            child_node,
                            file,
                            &pointer::push(at, &i.to_string()),
                            depth + 1,
                        )?;
                    }
                }
            }
            _ => {}
        }
        if node == Node::Root {
            self.resolve_outside_texts(value, file, at)?;
        }
        Ok(())
    }

    /// Texts given by `$ref` in `info` and the tags, which the walk over nodes does not visit.
    fn resolve_outside_texts(
        &mut self,
        root: &mut Value,
        file: usize,
        at: &str,
    ) -> Result<(), Error> {
        for holder in text_holders(root) {
            let Some(Value::Object(map)) = root.pointer_mut(&holder) else {
                continue;
            };
            for (key, child) in map.iter_mut() {
                if let Some(reference) = text_reference(key, child) {
                    let reference = reference.to_owned();
                    let place =
                        pointer::push(&format!("{}{holder}", at.trim_end_matches('/')), key);
                    *child = self.text(&reference, file, &place)?;
                }
            }
        }
        Ok(())
    }

    fn action(
        &mut self,
        reference: &str,
        node: Node,
        file: usize,
        at: &str,
    ) -> Result<Action, Error> {
        let (target_file, fragment) = self.locate(reference, file, at)?;
        let bad = |files: &Files, why: String| {
            files.error(file, at, Problem::BadRef(reference.to_owned(), why))
        };
        let tokens = pointer::tokens(fragment).ok_or_else(|| {
            bad(
                self.files,
                "only JSON-pointer fragments (`#/…`) are understood".to_owned(),
            )
        })?;
        if target_file == ROOT && shape::is_component_ref(&tokens, node) {
            return Ok(if reference.starts_with('#') {
                Action::Keep
            } else {
                Action::Rewrite(format!("#{fragment}"))
            });
        }
        // A pointer may pass through a `$ref` on its way (PagerDuty's discriminator mappings do):
        // follow it, so the target has one canonical place.
        let (target_file, tokens) = self.canonical(target_file, tokens, reference, file, at)?;
        let fragment = pointer::join("", tokens.iter().map(String::as_str));
        let document = &self.files.documents[target_file];
        let target = document.pointer(&fragment).ok_or_else(|| {
            self.files
                .error(file, at, Problem::DanglingRef(reference.to_owned()))
        })?;
        // The kind of the whole of another file is unknown: the referrer says what it is.
        let target_kind = match shape::kind_at(document, &tokens) {
            Node::Root | Node::Data => node,
            kind => kind,
        };
        if node == Node::Response && target_kind == Node::RequestBody {
            self.notes.push(Note {
                pointer: self.files.place(file, at),
                message: format!("$ref `{reference}` points at a request body where a response belongs; its content is used as the response"),
                defect: true,
            });
            let response = response_from_request_body(target);
            return self.copy_in(response, target_file, &fragment, file, at);
        }
        if target_kind != node {
            return Err(self.files.error(
                file,
                at,
                Problem::WrongRefKind(reference.to_owned(), target_kind.noun()),
            ));
        }
        if target_file == ROOT && shape::is_component_ref(&tokens, node) {
            return Ok(Action::Rewrite(format!("#{fragment}")));
        }
        if node == Node::Schema {
            let name = self.hoist(target_file, &fragment, &tokens, file, at)?;
            return Ok(Action::Rewrite(pointer::join(
                "#",
                ["components", "schemas", name.as_str()],
            )));
        }
        let copy = target.clone();
        self.copy_in(copy, target_file, &fragment, file, at)
    }

    /// The place a pointer leads to once every `$ref` met on the way is followed: an object
    /// with a `$ref` stands for its target, so `…/Tag/allOf/0` where `Tag` is a `$ref` to `T`
    /// is `…/T/allOf/0`. Bounded by [`MAX_POINTER_HOPS`].
    fn canonical(
        &mut self,
        mut file: usize,
        mut tokens: Vec<String>,
        reference: &str,
        from: usize,
        at: &str,
    ) -> Result<(usize, Vec<String>), Error> {
        let dangling =
            |files: &Files| files.error(from, at, Problem::DanglingRef(reference.to_owned()));
        for _ in 0..MAX_POINTER_HOPS {
            let mut current = &self.files.documents[file];
            let mut hop = None;
            for (i, token) in tokens.iter().enumerate() {
                if let Some(inner) = current.get("$ref").and_then(Value::as_str) {
                    hop = Some((inner.to_owned(), i));
                    break;
                }
                current = match current {
                    Value::Object(map) => map.get(token.as_str()),
                    Value::Array(items) => token.parse::<usize>().ok().and_then(|i| items.get(i)),
                    _ => None,
                }
                .ok_or_else(|| dangling(self.files))?;
            }
            let Some((inner, i)) = hop else {
                return Ok((file, tokens));
            };
            let (next_file, fragment) = self.locate(&inner, file, at)?;
            let mut next = pointer::tokens(fragment).ok_or_else(|| dangling(self.files))?;
            next.extend(tokens.drain(i..));
            file = next_file;
            tokens = next;
        }
        Err(self.files.error(
            from,
            at,
            Problem::RefCycle(format!(
                "`{reference}` passes through more than {MAX_POINTER_HOPS} `$ref`s"
            )),
        ))
    }

    /// `components/schemas/Pet: {$ref: 'schemas/Pet.yaml'}` (the usual way to split a spec)
    /// names the schema in that file: it is hoisted under this component's name, in its place,
    /// rather than as `Pet_2` behind an alias.
    fn adopt_component_aliases(&mut self, document: &Value) -> Result<(), Error> {
        let Some(schemas) = document
            .pointer("/components/schemas")
            .and_then(Value::as_object)
        else {
            return Ok(());
        };
        for (name, schema) in schemas {
            let Some(reference) = schema.get("$ref").and_then(Value::as_str) else {
                continue;
            };
            if is_followed_as_is(reference, Node::Schema) {
                continue;
            }
            let at = pointer::join("", ["components", "schemas", name.as_str()]);
            let (file, fragment) = self.locate(reference, ROOT, &at)?;
            let Some(tokens) = pointer::tokens(fragment) else {
                continue; // `action` reports it
            };
            let (file, tokens) = self.canonical(file, tokens, reference, ROOT, &at)?;
            let fragment = pointer::join("", tokens.iter().map(String::as_str));
            let key = (file, fragment);
            if self.hoisted.contains_key(&key) || key == (ROOT, at.clone()) {
                continue;
            }
            let Some(value) = self.files.documents[file].pointer(&key.1).cloned() else {
                continue; // `action` reports it
            };
            self.count(&value, ROOT, &at)?;
            self.pending
                .push_back((name.clone(), value, file, key.1.clone()));
            self.hoisted.insert(key, name.clone());
        }
        Ok(())
    }

    /// A hoisted schema moves: where it was (in the root document, or inside another hoisted
    /// schema) a `$ref` to it is left, so the spec's two uses of one shape are one Rust type.
    /// (Paths are canonical, so they pass through no `$ref` and still exist after the walk.)
    fn leave_references_behind(&mut self, document: &mut Value) {
        let mut places: Vec<(&(usize, String), &String)> = self.hoisted.iter().collect();
        places.sort();
        let index: HashMap<&str, usize> = self
            .ready
            .iter()
            .enumerate()
            .map(|(i, (name, _))| (name.as_str(), i))
            .collect();
        let mut moves = Vec::new();
        for ((file, place), name) in places.iter().map(|(k, n)| (*k, *n)) {
            let inside = places
                .iter()
                .filter(|((f, q), _)| {
                    f == file
                        && place.len() > q.len()
                        && place.starts_with(q.as_str())
                        && place[q.len()..].starts_with('/')
                })
                .max_by_key(|((_, q), _)| q.len());
            let reference = serde_json::json!({ "$ref": pointer::join("#", ["components", "schemas", name.as_str()]) });
            match inside {
                Some(((_, q), parent)) => moves.push((
                    Some(index[parent.as_str()]),
                    place[q.len()..].to_owned(),
                    reference,
                )),
                None if *file == ROOT => moves.push((None, place.clone(), reference)),
                None => {}
            }
        }
        for (parent, at, reference) in moves {
            let target = match parent {
                Some(i) => self.ready[i].1.pointer_mut(&at),
                None => document.pointer_mut(&at),
            };
            if let Some(target) = target {
                *target = reference;
            }
        }
    }

    /// The text a `$ref` in place of a description stands for: the string it points at, or an
    /// empty one when it points at something else (a response's description is required).
    /// Noted either way.
    fn text(&mut self, reference: &str, file: usize, at: &str) -> Result<Value, Error> {
        let (target_file, fragment) = self.locate(reference, file, at)?;
        let target = self.files.documents[target_file]
            .pointer(fragment)
            .ok_or_else(|| {
                self.files
                    .error(file, at, Problem::DanglingRef(reference.to_owned()))
            })?;
        let (text, outcome) = match target {
            Value::String(text) => (Value::String(text.clone()), "the text it points at is used"),
            _ => (
                Value::String(String::new()),
                "it does not point at a text, so the text is left empty",
            ),
        };
        self.notes.push(Note {
            pointer: self.files.place(file, at),
            message: format!("a `$ref` (`{reference}`) stands in place of a text, which OpenAPI does not allow; {outcome}"),
            defect: true,
        });
        Ok(text)
    }

    fn copy_in(
        &mut self,
        value: Value,
        target_file: usize,
        fragment: &str,
        file: usize,
        at: &str,
    ) -> Result<Action, Error> {
        self.count(&value, file, at)?;
        Ok(Action::CopyIn {
            value,
            file: target_file,
            at: fragment.to_owned(),
        })
    }

    /// Splits a `$ref` into the file it names (opened if new) and its fragment.
    fn locate<'r>(
        &mut self,
        reference: &'r str,
        file: usize,
        at: &str,
    ) -> Result<(usize, &'r str), Error> {
        let (path, fragment) = reference.split_once('#').unwrap_or((reference, ""));
        if path.is_empty() {
            return Ok((file, fragment));
        }
        Ok((self.files.open(reference, path, file, at)?, fragment))
    }

    /// The component name of the schema at `fragment` of `target_file`, chosen and queued the
    /// first time it is referenced.
    fn hoist(
        &mut self,
        target_file: usize,
        fragment: &str,
        tokens: &[String],
        file: usize,
        at: &str,
    ) -> Result<String, Error> {
        let key = (target_file, fragment.to_owned());
        if let Some(name) = self.hoisted.get(&key) {
            return Ok(name.clone());
        }
        let base = if tokens.is_empty() {
            self.files.stem(target_file)
        } else {
            shape::name_for(tokens)
        };
        let name = self.unique(base);
        let value = self.files.documents[target_file]
            .pointer(fragment)
            .cloned()
            .unwrap_or(Value::Null);
        self.count(&value, file, at)?;
        self.hoisted.insert(key, name.clone());
        self.taken.insert(name.clone());
        self.pending
            .push_back((name.clone(), value, target_file, fragment.to_owned()));
        Ok(name)
    }

    fn unique(&self, base: String) -> String {
        if !self.taken.contains(&base) {
            return base;
        }
        (2..)
            .map(|n| format!("{base}_{n}"))
            .find(|n| !self.taken.contains(n))
            .expect("an unused name")
    }

    /// `discriminator.mapping` values are `$ref`s too; they must name what the `$ref`s name.
    fn rewrite_mapping(&mut self, schema: &mut Value, file: usize, at: &str) -> Result<(), Error> {
        let references: Vec<(String, String)> = schema
            .get("discriminator")
            .and_then(|d| d.get("mapping"))
            .and_then(Value::as_object)
            .map(|m| {
                m.iter()
                    .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_owned())))
                    .filter(|(_, r)| looks_like_ref(r) && !is_followed_as_is(r, Node::Schema))
                    .collect()
            })
            .unwrap_or_default();
        for (key, reference) in references {
            let mapping_at = pointer::join(at, ["discriminator", "mapping", key.as_str()]);
            let new = match self.action(&reference, Node::Schema, file, &mapping_at)? {
                Action::Rewrite(new) => new,
                Action::Keep | Action::CopyIn { .. } => continue,
            };
            schema["discriminator"]["mapping"][key.as_str()] = Value::String(new);
        }
        Ok(())
    }

    /// Counts the values a copy adds, against [`limits::MAX_COPIED_VALUES`]: a small spec whose
    /// `$ref`s copy a big object many times must not take unbounded memory.
    fn count(&mut self, value: &Value, file: usize, at: &str) -> Result<(), Error> {
        fn size(value: &Value, budget: usize) -> usize {
            let mut total = 1;
            match value {
                Value::Object(map) => map.values().try_for_each(|v| {
                    total += size(v, budget.saturating_sub(total));
                    (total <= budget).then_some(())
                }),
                Value::Array(items) => items.iter().try_for_each(|v| {
                    total += size(v, budget.saturating_sub(total));
                    (total <= budget).then_some(())
                }),
                _ => Some(()),
            };
            total
        }
        self.copied += size(value, limits::MAX_COPIED_VALUES.saturating_sub(self.copied));
        if self.copied > limits::MAX_COPIED_VALUES {
            return Err(self.files.error(
                file,
                at,
                Problem::Limit(format!(
                    "resolving `$ref`s would copy more than {} values (a small spec can ask for a huge one this way)",
                    limits::MAX_COPIED_VALUES
                )),
            ));
        }
        Ok(())
    }
}

/// A response made of a request body's description and content (what the spec's author meant).
fn response_from_request_body(body: &Value) -> Value {
    if body.get("$ref").is_some() {
        return body.clone();
    }
    let mut response = Map::new();
    let description = body
        .get("description")
        .cloned()
        .unwrap_or_else(|| Value::String(String::new()));
    response.insert("description".to_owned(), description);
    if let Some(content) = body.get("content") {
        response.insert("content".to_owned(), content.clone());
    }
    Value::Object(response)
}
