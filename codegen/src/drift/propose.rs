//! Overlay actions for the places in the evidence, each located in the spec and commented with
//! its evidence: a reviewable overlay fragment.

use std::fmt::Write as _;

use serde_json::{Value, json};

use super::input::{documented_body, find_operation};
use super::{Evidence, Kind, Place, Seen, infer};
use crate::ir::{Api, Operation};
use crate::pointer;

/// What `cargo xtask drift` proposes: overlay actions, and what it could not turn into one.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Proposal {
    pub actions: Vec<Action>,
    /// Places without an action, with the reason (a note for the reviewer).
    pub notes: Vec<String>,
}

/// One overlay action, with the evidence for it.
#[derive(Debug, Clone, PartialEq)]
pub struct Action {
    pub target: String,
    pub description: String,
    /// `None` for `remove: true`.
    pub update: Option<Value>,
    pub evidence: Vec<String>,
}

/// The actions that would make the spec describe what `evidence` saw, against `document` (the
/// spec as the current overlay leaves it) and its IR.
pub fn propose(api: &Api, document: &Value, evidence: &Evidence) -> Proposal {
    let mut proposal = Proposal::default();
    for (place, seen) in &evidence.places {
        let said = format!("{} {}: {}", place.operation, place.status, describe(place));
        let Some(op) = find_operation(api, &place.operation) else {
            proposal.notes.push(format!(
                "{said}: `{}` is not an operation of the spec",
                clean(&place.operation)
            ));
            continue;
        };
        let lines = evidence_lines(place, seen);
        match actions(api, document, op, place, seen, evidence) {
            Ok(actions) => proposal.actions.extend(actions.into_iter().map(|mut a| {
                a.evidence = lines.clone();
                a
            })),
            Err(note) => proposal.notes.push(format!("{said}: {note}")),
        }
    }
    proposal.actions = merged(std::mem::take(&mut proposal.actions));
    proposal
}

/// Updates of one target made into one action (the properties of one schema declared
/// together), with every piece of evidence; removals stay where they are. Linear in the actions:
/// targets are found by hashing, and a merged action's description is made once, at the end
/// (it was made again from all names at each merge: 100,000 places took more than ten minutes).
fn merged(actions: Vec<Action>) -> Vec<Action> {
    let mut out: Vec<Action> = Vec::new();
    let mut by_target: std::collections::HashMap<String, usize> = Default::default();
    // For each action of `out` that others were merged into: their descriptions.
    let mut descriptions: std::collections::BTreeMap<usize, Vec<String>> = Default::default();
    for action in actions {
        if let Some(update) = &action.update {
            if let Some(&at) = by_target.get(&action.target) {
                let existing = &mut out[at];
                if let Some(target) = existing.update.as_mut() {
                    merge(target, update.clone());
                }
                existing.evidence.extend(action.evidence);
                descriptions
                    .entry(at)
                    .or_insert_with(|| vec![existing.description.clone()])
                    .push(action.description);
                continue;
            }
            by_target.insert(action.target.clone(), out.len());
        }
        out.push(action);
    }
    for (at, said) in descriptions {
        let existing = &mut out[at];
        existing.description = match existing
            .update
            .as_ref()
            .and_then(|u| u.get("properties"))
            .and_then(Value::as_object)
        {
            // Properties declared together: say which, and who sends them.
            Some(properties) => {
                const SHOWN: usize = 10;
                let mut names: Vec<String> = properties
                    .keys()
                    .take(SHOWN)
                    .map(|k| format!("`{}`", clean(k)))
                    .collect();
                if properties.len() > SHOWN {
                    names.push(format!("and {} more", properties.len() - SHOWN));
                }
                let mut senders: Vec<&str> = existing
                    .evidence
                    .iter()
                    .step_by(2)
                    .filter_map(|line| line.split(' ').next())
                    .collect();
                senders.dedup();
                format!(
                    "declare {} (sent by {})",
                    names.join(", "),
                    senders.join(", ")
                )
            }
            None => said.join("; "),
        };
    }
    out
}

/// `update` merged into `target` as an overlay merges them: objects key by key, arrays appended.
fn merge(target: &mut Value, update: Value) {
    match (target, update) {
        (Value::Object(target), Value::Object(update)) => {
            for (key, value) in update {
                match target.get_mut(&key) {
                    Some(existing) => merge(existing, value),
                    None => {
                        target.insert(key, value);
                    }
                }
            }
        }
        (Value::Array(items), Value::Array(more)) => items.extend(more),
        (target, update) => *target = update,
    }
}

fn describe(place: &Place) -> String {
    if place.pointer.is_empty() {
        format!("{} (the body)", place.kind.as_str())
    } else {
        format!("{} at {}", place.kind.as_str(), clean(&place.pointer))
    }
}

fn evidence_lines(place: &Place, seen: &Seen) -> Vec<String> {
    let mut lines = vec![format!(
        "{} {}: {}",
        clean(&place.operation),
        place.status,
        describe(place)
    )];
    let mut when = format!(
        "seen {} time{}",
        seen.count,
        if seen.count == 1 { "" } else { "s" }
    );
    match (&seen.first, &seen.last) {
        (Some(first), Some(last)) if first != last => {
            write!(when, ", first {}, last {}", clean(first), clean(last)).unwrap_or(())
        }
        (Some(first), _) => write!(when, ", at {}", clean(first)).unwrap_or(()),
        _ => {}
    }
    let sources: Vec<String> = seen.sources.iter().map(|s| clean(s)).collect();
    lines.push(format!("{when}; in {}", sources.join(", ")));
    lines
}

/// Text from the evidence (a log, which anyone could have written) for one comment line.
fn clean(text: &str) -> String {
    text.chars()
        .take(200)
        .map(|c| {
            if c.is_control() || crate::text::is_hazard(c) {
                '?'
            } else {
                c
            }
        })
        .collect()
}

fn actions(
    api: &Api,
    document: &Value,
    op: &Operation,
    place: &Place,
    seen: &Seen,
    evidence: &Evidence,
) -> Result<Vec<Action>, String> {
    let segments = pointer::tokens(&place.pointer).ok_or("the pointer does not start with `/`")?;
    let values: Vec<&Value> = seen.values.iter().collect();
    let name = |s: &str| format!("`{}`", clean(s));
    if place.kind == Kind::UndocumentedStatus {
        let bodies: Vec<&Value> = evidence
            .bodies
            .get(&(place.operation.clone(), place.status))
            .into_iter()
            .flatten()
            .collect();
        let mut response = json!({"description": format!("Seen from the API, not documented by the spec (drift evidence: {} response{}).", seen.count, if seen.count == 1 { "" } else { "s" })});
        if !bodies.is_empty() {
            response["content"] =
                json!({"application/json": {"schema": infer::schema(api, &bodies)}});
        }
        return Ok(vec![action(
            pointer::push(&op.pointer, "responses"),
            format!(
                "document the {} response of {}",
                place.status,
                clean(&place.operation)
            ),
            Some(json!({ place.status.to_string(): response })),
        )]);
    }
    documented_body(op, place.status)
        .flatten()
        .ok_or("the spec documents no JSON body for this status")?;
    let body = body_schema(document, op, place.status)
        .ok_or("no JSON schema for this response in the spec")?;
    match place.kind {
        Kind::UndeclaredProperty => {
            let (property, parent) = segments.split_last().ok_or("no property name")?;
            let object = resolve(document, &walk(document, &body, parent)?);
            let schema = if values.is_empty() { json!({"description": "Seen in responses; its type is not known (drift events carry no values: save a response and run with --responses)."}) } else { infer::schema(api, &values) };
            Ok(vec![action(object, format!("declare {} (sent by {})", name(property), clean(&place.operation)), Some(json!({"properties": { property.clone(): schema }})))])
        }
        Kind::MissingRequired => {
            let (property, parent) = segments.split_last().ok_or("no property name")?;
            let object = declaring_required(document, &resolve(document, &walk(document, &body, parent)?), property).ok_or_else(|| format!("no `required` list names {}", name(property)))?;
            let target = format!("{}[?@ == {}]", json_path(&pointer::push(&object, "required")), quote(property));
            Ok(vec![Action { target, description: format!("{} is not always sent (by {})", name(property), clean(&place.operation)), update: None, evidence: Vec::new() }])
        }
        Kind::UnknownEnumValue => {
            let node = resolve(document, &walk(document, &body, &segments)?);
            let new: Vec<&Value> = values.iter().copied().filter(|v| v.is_string()).collect();
            if new.is_empty() {
                return Err("the values are not in the evidence (logs and reports never hold them): save a response and run with --responses".to_owned());
            }
            Ok(vec![action(node, format!("list the values {} sends", clean(&place.operation)), Some(json!({"enum": new})))])
        }
        Kind::TypeMismatch => {
            if values.is_empty() {
                return Err("the type sent is not in the evidence: save a response and run with --responses".to_owned());
            }
            let node = walk(document, &body, &segments)?;
            let (parent, key) = node.rsplit_once('/').ok_or("no parent schema")?;
            let key = pointer::tokens(&format!("/{key}")).and_then(|t| t.into_iter().next()).unwrap_or_default();
            let described = format!("the schema at {} says another type than {} sends", if place.pointer.is_empty() { "the body".to_owned() } else { clean(&place.pointer) }, clean(&place.operation));
            Ok(vec![
                Action { target: json_path(&node), description: format!("{described} (removed, then replaced)"), update: None, evidence: Vec::new() },
                action(parent.to_owned(), format!("{described}: what was seen"), Some(json!({ key: infer::schema(api, &values) }))),
            ])
        }
        Kind::NoDeclaredProperty => Err("the body shares no property with its schema: another shape, most likely (the undeclared properties' actions describe it)".to_owned()),
        Kind::UndocumentedStatus => unreachable!("handled above"),
    }
}

fn action(node: String, description: String, update: Option<Value>) -> Action {
    Action {
        target: json_path(&node),
        description,
        update,
        evidence: Vec::new(),
    }
}

/// The pointer of the JSON schema of `op`'s `status` response (the `schema` node itself).
fn body_schema(document: &Value, op: &Operation, status: u16) -> Option<String> {
    let responses = document
        .pointer(&pointer::push(&op.pointer, "responses"))?
        .as_object()?;
    let key = [
        status.to_string(),
        format!("{}XX", status / 100),
        format!("{}xx", status / 100),
        "default".to_owned(),
    ]
    .into_iter()
    .find(|k| responses.contains_key(k))?;
    let response = resolve(document, &pointer::join(&op.pointer, ["responses", &key]));
    let content = document
        .pointer(&pointer::push(&response, "content"))?
        .as_object()?;
    let media = content
        .keys()
        .find(|m| m.starts_with("application/json"))
        .or_else(|| content.keys().find(|m| m.contains("json")))?;
    Some(pointer::join(&response, ["content", media, "schema"]))
}

/// Follows `$ref`s (local ones) from the node at `at`.
fn resolve(document: &Value, at: &str) -> String {
    let mut at = at.to_owned();
    for _ in 0..32 {
        match document
            .pointer(&at)
            .and_then(|n| n.get("$ref"))
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix('#'))
        {
            Some(target) => at = target.to_owned(),
            None => break,
        }
    }
    at
}

/// The schema at `segments` below the schema at `at`: properties by name (in `allOf` parts too),
/// `*` for `items` or `additionalProperties`. The pointer returned is the node itself, before
/// its `$ref` is followed.
fn walk(document: &Value, at: &str, segments: &[String]) -> Result<String, String> {
    let mut here = at.to_owned();
    for segment in segments {
        let schema = resolve(document, &here);
        here = child(document, &schema, segment, 0).ok_or_else(|| {
            format!(
                "no schema for `{}` at {}",
                clean(segment),
                json_path(&schema)
            )
        })?;
    }
    Ok(here)
}

fn child(document: &Value, schema: &str, segment: &str, depth: usize) -> Option<String> {
    let node = document.pointer(schema)?;
    if segment == "*" {
        for key in ["items", "additionalProperties"] {
            if node.get(key).is_some_and(Value::is_object) {
                return Some(pointer::push(schema, key));
            }
        }
    } else if node
        .get("properties")
        .and_then(|p| p.get(segment))
        .is_some()
    {
        return Some(pointer::join(schema, ["properties", segment]));
    }
    if depth > 16 {
        return None;
    }
    for composition in ["allOf", "oneOf", "anyOf"] {
        let count = node
            .get(composition)
            .and_then(Value::as_array)
            .map_or(0, Vec::len);
        for i in 0..count {
            let part = resolve(
                document,
                &pointer::join(schema, [composition, &i.to_string()]),
            );
            if let Some(found) = child(document, &part, segment, depth + 1) {
                return Some(found);
            }
        }
    }
    None
}

/// The schema (this one or an `allOf` part) whose `required` names `property`.
fn declaring_required(document: &Value, schema: &str, property: &str) -> Option<String> {
    let node = document.pointer(schema)?;
    if node
        .get("required")
        .and_then(Value::as_array)
        .is_some_and(|r| r.iter().any(|n| n == property))
    {
        return Some(schema.to_owned());
    }
    let parts = node
        .get("allOf")
        .and_then(Value::as_array)
        .map_or(0, Vec::len);
    (0..parts).find_map(|i| {
        declaring_required(
            document,
            &resolve(document, &pointer::join(schema, ["allOf", &i.to_string()])),
            property,
        )
    })
}

/// An RFC 9535 JSONPath to the node at a JSON pointer: `$.components.schemas['users-response']`.
fn json_path(at: &str) -> String {
    let mut out = String::from("$");
    for token in pointer::tokens(at).unwrap_or_default() {
        let plain = token
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && token.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if plain {
            out.push('.');
            out.push_str(&token);
        } else {
            out.push('[');
            out.push_str(&quote(&token));
            out.push(']');
        }
    }
    out
}

/// A JSONPath string literal.
fn quote(text: &str) -> String {
    let mut out = String::from("'");
    for c in text.chars() {
        match c {
            '\'' => out.push_str("\\'"),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

impl Proposal {
    /// [`to_yaml`](Proposal::to_yaml), read back before it is given out: each action's target
    /// and update must be what a YAML reader gets from the text (a property named `<<` written
    /// bare was a merge key to readers, this project's included).
    pub fn to_checked_yaml(&self, sources: &[String]) -> Result<String, String> {
        let text = self.to_yaml(sources);
        let read: Value = serde_yaml::from_str(&text)
            .map_err(|e| format!("the proposal does not read back as YAML: {e}"))?;
        let read_actions = read
            .get("actions")
            .and_then(Value::as_array)
            .map_or(&[][..], Vec::as_slice);
        if read_actions.len() != self.actions.len() {
            return Err(format!(
                "the proposal reads back with {} actions instead of {}",
                read_actions.len(),
                self.actions.len()
            ));
        }
        for (i, (action, read)) in self.actions.iter().zip(read_actions).enumerate() {
            let update = read.get("update");
            let same = read.get("target").and_then(Value::as_str) == Some(action.target.as_str())
                && match &action.update {
                    Some(update_value) => update == Some(update_value),
                    None => read.get("remove") == Some(&Value::Bool(true)),
                };
            if !same {
                return Err(format!(
                    "action {i} (`{}`) reads back otherwise than it was written",
                    clean(&action.target)
                ));
            }
        }
        Ok(text)
    }

    /// The proposal as an overlay document, every action commented with its evidence.
    pub fn to_yaml(&self, sources: &[String]) -> String {
        let mut out = String::new();
        out.push_str("# Proposed by `cargo xtask drift` from the evidence in:\n");
        for source in sources {
            let _ = writeln!(out, "#   {}", clean(source));
        }
        out.push_str("# Review each action with its evidence. Its target is where the spec is once the current\n");
        out.push_str("# overlay has been applied: append the actions you accept at the end of that overlay, then\n");
        out.push_str("# lock it (`cargo xtask fetch-spec --from …`) and regenerate.\n");
        for note in &self.notes {
            let _ = writeln!(out, "# not proposed: {}", clean(note));
        }
        out.push_str("overlay: 1.0.0\ninfo:\n  title: Corrections proposed from drift\n  version: '1'\nactions:");
        if self.actions.is_empty() {
            out.push_str(" []\n");
            return out;
        }
        out.push('\n');
        for action in &self.actions {
            for line in &action.evidence {
                let _ = writeln!(out, "  # {line}");
            }
            let _ = writeln!(out, "  - target: {}", yaml_scalar(&action.target));
            let _ = writeln!(out, "    description: {}", yaml_scalar(&action.description));
            match &action.update {
                None => out.push_str("    remove: true\n"),
                Some(update) => {
                    // As JSON, which YAML reads as it is: every key and string quoted, so no
                    // YAML reader takes a property named `<<` for a merge key or `yes`, `no`,
                    // `on`, `off` for booleans (YAML 1.1's), whatever its version.
                    let text = serde_json::to_string_pretty(update).unwrap_or_default();
                    let mut lines = text.lines();
                    let _ = writeln!(out, "    update: {}", lines.next().unwrap_or("{}"));
                    for line in lines {
                        let _ = writeln!(out, "      {line}");
                    }
                }
            }
        }
        out
    }
}

/// A YAML scalar holding `text` exactly (JSON's string syntax is YAML's double-quoted one).
fn yaml_scalar(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_else(|_| "\"\"".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_paths_quote_what_is_not_a_name() {
        assert_eq!(
            json_path("/components/schemas/users-response/properties"),
            "$.components.schemas['users-response'].properties"
        );
        assert_eq!(
            json_path("/paths/~1v3~1users/post"),
            "$.paths['/v3/users'].post"
        );
        assert_eq!(quote("it's\\"), "'it\\'s\\\\'");
    }

    fn drift_fixture() -> (crate::ir::Api, Value) {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/drift.yaml");
        let spec = crate::load::load_file(std::path::Path::new(path)).unwrap();
        let api = crate::build_ir(&spec, &crate::Options::default()).unwrap();
        (api, spec.document)
    }

    /// Property names YAML readers take for something else (a merge key, YAML 1.1's booleans,
    /// null) are proposed as names, and the text reads back as what was proposed.
    #[test]
    fn names_yaml_reads_otherwise_are_quoted_and_read_back() {
        let (api, document) = drift_fixture();
        let names = [
            "<<", "yes", "no", "on", "off", "~", "null", "true", "- x", "a: b", "#c",
        ];
        let body: serde_json::Map<String, Value> = names
            .iter()
            .map(|n| ((*n).to_owned(), Value::from("x")))
            .chain([
                ("id".to_owned(), Value::from("u1")),
                ("name".to_owned(), Value::from("Ann")),
            ])
            .collect();
        let saved = serde_json::json!({"operation": "getUser", "status": 200, "body": body});
        let mut evidence = super::super::Evidence::default();
        evidence
            .read_responses(&api, "saved.json", &saved.to_string())
            .unwrap();
        let proposal = propose(&api, &document, &evidence);
        let text = proposal
            .to_checked_yaml(&["saved.json".to_owned()])
            .unwrap();
        assert!(text.contains("\"<<\": {"), "{text}");
        let read: Value = serde_yaml::from_str(&text).unwrap();
        let declared = &read["actions"][0]["update"]["properties"];
        for name in names {
            assert!(declared.get(name).is_some(), "{name} in {declared}");
        }
    }

    /// Many distinct places merge into one action per schema, in time linear in them (30,000
    /// took 40 s, 100,000 did not finish in ten minutes).
    #[test]
    fn many_places_merge_into_one_action_per_schema() {
        let (api, document) = drift_fixture();
        let mut evidence = super::super::Evidence::default();
        for i in 0..30_000 {
            evidence.add(
                super::super::Place {
                    operation: "getUser".to_owned(),
                    status: 200,
                    kind: super::super::Kind::UndeclaredProperty,
                    pointer: format!("/p{i}"),
                },
                1,
                None,
                "report.json",
                None,
            );
        }
        let proposal = propose(&api, &document, &evidence);
        assert_eq!(proposal.actions.len(), 1);
        let properties = proposal.actions[0].update.as_ref().unwrap()["properties"]
            .as_object()
            .unwrap()
            .len();
        assert_eq!(properties, 30_000);
        assert!(proposal.actions[0].description.starts_with("declare `p0`"));
    }
}
