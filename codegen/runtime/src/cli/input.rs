//! From the command line to an operation's arguments: parameters as JSON values by wire name,
//! and the body from `--body`, field flags and `--set`.
//!
//! The rules, as `--help` states them: the body starts from `--body` (JSON or YAML, inline,
//! `@file` or `-` for stdin), then each field flag and `--set` sets one field over it. A field
//! given twice by flags (or a field and a part of it) is an error, never a silent overwrite. A
//! `--set` path is checked against the body's schema as it is read: a field the type does not
//! have is named, with the closest one that exists. The typed read that follows (the
//! dispatch) names the field that does not fit, and this module says which flag gave it.

use std::io::Read;

use bytes::Bytes;
use clap::ArgMatches;
use serde_json::{Map, Value};

use super::Failure;
use super::command::layout;
use crate::dispatch::closest;
use crate::table::{Api, BodyKind, Kind, Operation};

/// The largest body `--body` reads (a file, stdin): larger ones are refused before they fill
/// memory.
pub(crate) const MAX_BODY_BYTES: u64 = 64 * 1024 * 1024;

/// An operation's arguments as the dispatch takes them, and where each body field came from.
pub(crate) struct Gathered {
    pub(crate) values: Map<String, Value>,
    pub(crate) bytes: Option<Bytes>,
    /// Paths of the body set by flags (`a.b[0]`), each with the flag that set it.
    pub(crate) origins: Vec<(String, String)>,
    /// Where `--body` came from (`--body @user.json`), when it was given.
    pub(crate) body_source: Option<String>,
}

impl Gathered {
    /// The flag that gave the body's field at `path` (`a.b[0].c`): the flag that set it or a
    /// field around it, else `--body`.
    pub(crate) fn origin(&self, path: &str) -> Option<String> {
        self.origins
            .iter()
            .filter(|(set, _)| path == set || is_inside(path, set))
            .max_by_key(|(set, _)| set.len())
            .map(|(_, origin)| origin.clone())
            .or_else(|| self.body_source.clone())
    }
}

/// Reads the arguments of `operation` from its subcommand's matches.
pub(crate) fn gather<C>(
    api: &Api<C>,
    operation: &'static Operation,
    matches: &ArgMatches,
) -> Result<Gathered, Failure> {
    let layout = layout(api, operation);
    let mut values = Map::new();
    for (param, _) in &layout.params {
        let id = super::command::param_id(param.key);
        let given: Vec<&String> = matches
            .get_many::<String>(&id)
            .into_iter()
            .flatten()
            .collect();
        let value = match (param.kind, given.as_slice()) {
            (_, []) => continue,
            (Kind::List(item), items) => {
                Value::Array(items.iter().map(|text| value_of(*item, text)).collect())
            }
            (kind, [text, ..]) => value_of(kind, text),
        };
        values.insert(param.key.to_owned(), value);
    }
    let mut gathered = Gathered {
        values,
        bytes: None,
        origins: Vec::new(),
        body_source: None,
    };
    let Some(body) = &operation.body else {
        return Ok(gathered);
    };
    let source = matches.get_one::<String>("body");
    if body.kind == BodyKind::Bytes {
        if let Some(source) = source {
            let (bytes, _) = read_source(source)?;
            gathered.bytes = Some(bytes.into());
        }
        return Ok(gathered);
    }
    let mut document = match source {
        Some(source) => {
            let (bytes, name) = read_source(source)?;
            gathered.body_source = Some(format!("--body {}", shown_source(source)));
            Some(parse_document(&bytes, &name)?)
        }
        None => None,
    };
    let schema = Schema::new(api, body.schema);
    let mut set: Vec<(Vec<Step>, String)> = Vec::new();
    for (field, flag) in &layout.fields {
        if let Some(text) = matches.get_one::<String>(&super::command::field_id(field.wire)) {
            let steps = vec![Step::Key(field.wire.to_owned())];
            set.push((steps, format!("--{flag}")));
            let value = value_of(field.kind, text);
            assign(
                document.get_or_insert_with(|| Value::Object(Map::new())),
                &[Step::Key(field.wire.to_owned())],
                value,
            )
            .map_err(|e| Failure::usage(format!("--{flag}: {e}")))?;
        }
    }
    for assignment in matches.get_many::<String>("set").into_iter().flatten() {
        let origin = format!("--set {}", super::observe::bounded(assignment, 80));
        let (path, text) = assignment.split_once('=').ok_or_else(|| {
            Failure::usage(format!("{origin}: expected PATH=VALUE (`a.b[0].c=VALUE`)"))
        })?;
        let steps = parse_path(path).map_err(|e| Failure::usage(format!("{origin}: {e}")))?;
        let target = schema
            .at(&steps)
            .map_err(|e| Failure::usage(format!("{origin}: {e}")))?;
        let value = target.value_of(text);
        set.push((steps.clone(), origin.clone()));
        assign(
            document.get_or_insert_with(|| Value::Object(Map::new())),
            &steps,
            value,
        )
        .map_err(|e| Failure::usage(format!("{origin}: {e}")))?;
    }
    // Two flags for one field (or a field and a part of it) would leave one of them unsaid.
    for (i, (path, origin)) in set.iter().enumerate() {
        for (other, other_origin) in &set[i + 1..] {
            if other.starts_with(path) || path.starts_with(other) {
                return Err(Failure::usage(format!(
                    "the body's `{}` is given twice: by {origin} and by {other_origin}",
                    display_path(if path.len() <= other.len() {
                        path
                    } else {
                        other
                    })
                )));
            }
        }
    }
    gathered.origins = set
        .into_iter()
        .map(|(steps, origin)| (display_path(&steps), origin))
        .collect();
    if let Some(document) = document {
        gathered.values.insert("body".to_owned(), document);
    }
    Ok(gathered)
}

/// A parameter's or field's text as the JSON its kind reads: numbers and booleans parsed,
/// JSON for a value of any shape, text otherwise (a text that is not a number stays text, for
/// the typed read to name).
fn value_of(kind: Kind, text: &str) -> Value {
    match kind {
        Kind::Integer | Kind::Number | Kind::Boolean | Kind::Json | Kind::List(_) => {
            serde_json::from_str(text.trim()).unwrap_or_else(|_| Value::String(text.to_owned()))
        }
        Kind::String | Kind::Enum(_) => Value::String(text.to_owned()),
    }
}

/// The bytes `--body` names, and what to call them in messages: a file (`@path`), stdin
/// (`-`), or the text itself.
pub(crate) fn read_source(source: &str) -> Result<(Vec<u8>, String), Failure> {
    if source == "-" {
        let bytes = read_limited(std::io::stdin().lock(), "stdin")?;
        return Ok((bytes, "stdin".to_owned()));
    }
    if let Some(path) = source.strip_prefix('@') {
        let file = std::fs::File::open(path)
            .map_err(|e| Failure::usage(format!("--body: cannot read `{path}`: {e}")))?;
        if let Ok(metadata) = file.metadata()
            && metadata.len() > MAX_BODY_BYTES
        {
            return Err(too_large(path));
        }
        let bytes = read_limited(file, path)?;
        return Ok((bytes, path.to_owned()));
    }
    Ok((source.as_bytes().to_vec(), "--body".to_owned()))
}

/// At most [`MAX_BODY_BYTES`] of `reader`.
fn read_limited(reader: impl Read, name: &str) -> Result<Vec<u8>, Failure> {
    let mut bytes = Vec::new();
    reader
        .take(MAX_BODY_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Failure::usage(format!("--body: cannot read {name}: {e}")))?;
    if bytes.len() as u64 > MAX_BODY_BYTES {
        return Err(too_large(name));
    }
    Ok(bytes)
}

fn too_large(name: &str) -> Failure {
    Failure::usage(format!(
        "--body: {name} is larger than the limit of {} MiB",
        MAX_BODY_BYTES / 1024 / 1024
    ))
}

/// `--body`'s value as messages show it: a file or stdin as given, inline text bounded.
fn shown_source(source: &str) -> String {
    if source == "-" || source.starts_with('@') {
        source.to_owned()
    } else {
        "(inline)".to_owned()
    }
}

/// A body document: JSON, or YAML; an error says where (`file:line:column`).
pub(crate) fn parse_document(bytes: &[u8], name: &str) -> Result<Value, Failure> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        Failure::usage(format!(
            "{name}: not UTF-8 text (at byte {}): a body is JSON or YAML",
            e.valid_up_to()
        ))
    })?;
    let lower = name.to_ascii_lowercase();
    let json_only = lower.ends_with(".json");
    let yaml_only = lower.ends_with(".yaml") || lower.ends_with(".yml");
    let looks_json = text.trim_start().starts_with(['{', '[', '"']);
    if json_only || (looks_json && !yaml_only) {
        return serde_json::from_str(text).map_err(|e| {
            Failure::usage(format!(
                "{name}:{}:{}: not valid JSON: {}",
                e.line(),
                e.column(),
                crate::error::without_values(&e.to_string())
            ))
        });
    }
    yaml_serde::from_str::<Value>(text).map_err(|e| {
        let at = e
            .location()
            .map(|l| format!("{}:{}", l.line(), l.column()))
            .unwrap_or_else(|| "1:1".to_owned());
        let message = e.to_string();
        let message = message.split(" at line ").next().unwrap_or(&message);
        Failure::usage(format!("{name}:{at}: neither JSON nor YAML: {message}"))
    })
}

/// One step of a `--set` path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Step {
    Key(String),
    Index(usize),
}

/// `a.b[0].c` as steps.
pub(crate) fn parse_path(path: &str) -> Result<Vec<Step>, String> {
    let mut steps = Vec::new();
    for part in path.split('.') {
        let (key, mut rest) = match part.find('[') {
            Some(at) => (&part[..at], &part[at..]),
            None => (part, ""),
        };
        if key.is_empty() && (steps.is_empty() || rest.is_empty()) {
            return Err(format!("`{path}` has an empty field name"));
        }
        if !key.is_empty() {
            steps.push(Step::Key(key.to_owned()));
        }
        while let Some(inner) = rest.strip_prefix('[') {
            let (index, after) = inner
                .split_once(']')
                .ok_or_else(|| format!("`{path}`: `[` without `]`"))?;
            let index = index
                .parse::<usize>()
                .map_err(|_| format!("`{path}`: `[{index}]` is not a list index"))?;
            steps.push(Step::Index(index));
            rest = after;
        }
        if !rest.is_empty() {
            return Err(format!("`{path}`: unexpected `{rest}`"));
        }
    }
    Ok(steps)
}

/// Steps as the path they came from.
fn display_path(steps: &[Step]) -> String {
    let mut out = String::new();
    for step in steps {
        match step {
            Step::Key(key) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(key);
            }
            Step::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    out
}

/// Whether `path` is a field inside `outer` (`a.b` inside `a`, `a[0]` inside `a`).
fn is_inside(path: &str, outer: &str) -> bool {
    path.strip_prefix(outer)
        .is_some_and(|rest| rest.starts_with('.') || rest.starts_with('['))
}

/// Sets the field at `steps` of `document` to `value`, making the objects and lists on the way.
fn assign(document: &mut Value, steps: &[Step], value: Value) -> Result<(), String> {
    let Some((step, rest)) = steps.split_first() else {
        *document = value;
        return Ok(());
    };
    match step {
        Step::Key(key) => {
            if document.is_null() {
                *document = Value::Object(Map::new());
            }
            let Value::Object(object) = document else {
                return Err(format!(
                    "cannot set `{key}`: the value around it is not an object"
                ));
            };
            assign(
                object.entry(key.clone()).or_insert(Value::Null),
                rest,
                value,
            )
        }
        Step::Index(index) => {
            if document.is_null() {
                *document = Value::Array(Vec::new());
            }
            let Value::Array(items) = document else {
                return Err(format!(
                    "cannot set `[{index}]`: the value there is not a list"
                ));
            };
            if *index > items.len() {
                return Err(format!(
                    "`[{index}]` would skip items: the list has {} (set `[{}]` first)",
                    items.len(),
                    items.len()
                ));
            }
            if *index == items.len() {
                items.push(Value::Null);
            }
            assign(&mut items[*index], rest, value)
        }
    }
}

/// The JSON Schema of a body, to check `--set` paths and type their values.
struct Schema<'a, C: 'static> {
    api: &'a Api<C>,
    root: Option<Value>,
}

/// What a `--set` path reaches: a schema, or any value.
struct Target(Option<Value>);

impl Target {
    /// `text` as the value the field takes: text where the field is text, JSON otherwise (and
    /// text when it is not JSON, for the typed read to judge).
    fn value_of(&self, text: &str) -> Value {
        let is_text = self.0.as_ref().is_some_and(|schema| {
            schema.get("type").and_then(Value::as_str) == Some("string")
                || schema
                    .get("anyOf")
                    .and_then(Value::as_array)
                    .is_some_and(|any| {
                        any.iter()
                            .any(|s| s.get("type").and_then(Value::as_str) == Some("string"))
                    })
        });
        if is_text {
            Value::String(text.to_owned())
        } else {
            serde_json::from_str(text).unwrap_or_else(|_| Value::String(text.to_owned()))
        }
    }
}

impl<'a, C> Schema<'a, C> {
    fn new(api: &'a Api<C>, schema: &str) -> Self {
        Schema {
            api,
            root: serde_json::from_str(schema).ok(),
        }
    }

    /// The schema `schema` stands for: a `$ref` resolved, a nullable's non-null side.
    fn resolve(&self, schema: &Value) -> Option<Value> {
        let mut schema = schema.clone();
        for _ in 0..32 {
            if let Some(name) = schema
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|r| r.strip_prefix("#/$defs/"))
            {
                schema = serde_json::from_str(self.api.schema(name)?).ok()?;
                continue;
            }
            if let Some(any) = schema.get("anyOf").and_then(Value::as_array) {
                let non_null: Vec<&Value> = any
                    .iter()
                    .filter(|s| s.get("type").and_then(Value::as_str) != Some("null"))
                    .collect();
                if let [only] = non_null.as_slice() {
                    schema = (*only).clone();
                    continue;
                }
            }
            return Some(schema);
        }
        None
    }

    /// The schema at `steps`, or an error naming the first step the type does not have.
    fn at(&self, steps: &[Step]) -> Result<Target, String> {
        let Some(mut schema) = self.root.as_ref().and_then(|root| self.resolve(root)) else {
            return Ok(Target(None)); // an untyped body takes any path
        };
        let mut walked: Vec<Step> = Vec::new();
        for step in steps {
            let here = if walked.is_empty() {
                "the body".to_owned()
            } else {
                format!("`{}`", display_path(&walked))
            };
            let next = match step {
                Step::Key(key) => self.property(&schema, key, &here)?,
                Step::Index(_) => match schema.get("items") {
                    Some(items) => Some(items.clone()),
                    None if schema.get("type").and_then(Value::as_str) == Some("array") => None,
                    None if schema.get("type").is_none() && schema.get("oneOf").is_none() => None,
                    None => return Err(format!("{here} is not a list")),
                },
            };
            walked.push(step.clone());
            match next.and_then(|next| self.resolve(&next)) {
                Some(next) => schema = next,
                None => return Ok(Target(None)),
            }
        }
        Ok(Target(Some(schema)))
    }

    /// The schema of property `key` of an object schema; `None` when any value may go there.
    fn property(&self, schema: &Value, key: &str, here: &str) -> Result<Option<Value>, String> {
        if let Some(variants) = schema.get("oneOf").and_then(Value::as_array) {
            // A union: the first variant that has the field says what it is.
            for variant in variants {
                let variant = self.resolve(variant).unwrap_or(Value::Null);
                let variant = variant
                    .get("allOf")
                    .and_then(Value::as_array)
                    .and_then(|all| all.first())
                    .and_then(|first| self.resolve(first))
                    .unwrap_or(variant);
                if let Some(property) = variant.get("properties").and_then(|p| p.get(key)) {
                    return Ok(Some(property.clone()));
                }
            }
            return Ok(None);
        }
        let properties = schema.get("properties").and_then(Value::as_object);
        if let Some(property) = properties.and_then(|p| p.get(key)) {
            return Ok(Some(property.clone()));
        }
        match (properties, schema.get("additionalProperties")) {
            // A map: any key, of the map's type.
            (_, Some(Value::Object(typed))) => Ok(Some(Value::Object(typed.clone()))),
            // A type with fields: a key it does not list is a typo far more often than a
            // property the spec forgot (the server may ignore it); `--body` can still send one.
            (Some(properties), additional) => {
                let names = properties.keys().map(String::as_str);
                let open = additional != Some(&Value::Bool(false));
                let hint = if open {
                    " (a field the spec does not list can still be sent in --body)"
                } else {
                    ""
                };
                Err(match closest(key, names) {
                    Some(near) => {
                        format!("{here} has no field `{key}` (did you mean `{near}`?){hint}")
                    }
                    None => format!("{here} has no field `{key}`{hint}"),
                })
            }
            (None, _)
                if schema
                    .get("type")
                    .and_then(Value::as_str)
                    .is_some_and(|t| t != "object") =>
            {
                Err(format!("{here} is not an object"))
            }
            // Free-form JSON.
            (None, _) => Ok(None),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_read_keys_and_indexes() {
        assert_eq!(
            parse_path("a.b[0].c").unwrap(),
            [
                Step::Key("a".into()),
                Step::Key("b".into()),
                Step::Index(0),
                Step::Key("c".into())
            ]
        );
        assert_eq!(parse_path("items[1][2]").unwrap().len(), 3);
        for bad in ["", "a..b", "a[", "a[x]", "a[0]b", ".a"] {
            assert!(parse_path(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn assignments_build_the_document_and_refuse_gaps() {
        let mut document = Value::Null;
        assign(
            &mut document,
            &parse_path("a.b[0].c").unwrap(),
            Value::from(1),
        )
        .unwrap();
        assign(
            &mut document,
            &parse_path("a.b[1]").unwrap(),
            Value::from("x"),
        )
        .unwrap();
        assert_eq!(document, serde_json::json!({"a": {"b": [{"c": 1}, "x"]}}));
        let gap = assign(&mut document, &parse_path("a.b[5]").unwrap(), Value::Null).unwrap_err();
        assert!(gap.contains("would skip"), "{gap}");
        let not_object =
            assign(&mut document, &parse_path("a.b[1].z").unwrap(), Value::Null).unwrap_err();
        assert!(not_object.contains("not an object"), "{not_object}");
    }

    #[test]
    fn documents_are_json_or_yaml_and_errors_say_where() {
        assert_eq!(
            parse_document(b"{\"a\": 1}", "x.json").unwrap(),
            serde_json::json!({"a": 1})
        );
        assert_eq!(
            parse_document(b"a: 1\nb: [x]\n", "x.yaml").unwrap(),
            serde_json::json!({"a": 1, "b": ["x"]})
        );
        let json = parse_document(b"{\n  \"a\": 1,,\n}", "user.json").unwrap_err();
        assert!(json.message.starts_with("user.json:2:"), "{}", json.message);
        let yaml = parse_document(b"a: 1\nb: [\n  c: :\n", "user.yaml").unwrap_err();
        assert!(yaml.message.starts_with("user.yaml:"), "{}", yaml.message);
        let binary = parse_document(&[0xff, 0xfe, 0], "blob").unwrap_err();
        assert!(binary.message.contains("not UTF-8"), "{}", binary.message);
    }

    #[test]
    fn origins_are_the_innermost_flag_else_the_body() {
        let gathered = Gathered {
            values: Map::new(),
            bytes: None,
            origins: vec![
                ("a".into(), "--a".into()),
                ("a.b".into(), "--set a.b=1".into()),
            ],
            body_source: Some("--body @x.json".into()),
        };
        assert_eq!(gathered.origin("a.b.c").unwrap(), "--set a.b=1");
        assert_eq!(gathered.origin("a.bc").unwrap(), "--a");
        assert_eq!(gathered.origin("z").unwrap(), "--body @x.json");
    }
}
