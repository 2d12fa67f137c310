//! Spec text → one normalised JSON document, from JSON or YAML.
//!
//! Both formats go through one serde visitor that builds a `serde_json::Value` directly (no
//! intermediate YAML tree) and normalises what real specs contain:
//! - mapping keys that YAML reads as non-strings become strings (`true:`, `200:`);
//! - integers beyond i64/u64 (`maximum: 18446744073709552000`) become floats: validation
//!   keywords do not decide Rust types, and refusing the spec for them helps nobody;
//! - YAML merge keys (`<<`) are applied and tags dropped;
//! - keys that collide after that are reported rather than silently overwritten.
//!
//! JSON is read with serde_json (files ending in `.json`, or text starting with `{`): it accepts
//! every valid JSON document, raw U+0080–U+009F in strings included, which YAML does not.
//!
//! Depth is bounded before the YAML parser runs (see [`prescan`](super::prescan)) and by both
//! parsers' recursion limits, so the visitor's own recursion is bounded too. Problems the visitor
//! finds are reported with the JSON pointer of the node: the document is read a second time,
//! tracking the path, only when there is a problem to report.

use std::cell::RefCell;
use std::fmt;

use serde::de::{
    self, DeserializeSeed, Deserializer, EnumAccess, MapAccess, SeqAccess, VariantAccess, Visitor,
};
use serde_json::{Map, Number, Value};

use crate::error::{Error, Problem, SpecError};
use crate::pointer;

/// Which parser reads the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    Json,
    Yaml,
}

impl Format {
    /// JSON for `.json` files and for text that starts with `{`; YAML otherwise.
    pub(crate) fn guess(source_name: &str, text: &str) -> Format {
        let lower = source_name.to_ascii_lowercase();
        if lower.ends_with(".json")
            || (!lower.ends_with(".yaml")
                && !lower.ends_with(".yml")
                && text.trim_start().starts_with('{'))
        {
            Format::Json
        } else {
            Format::Yaml
        }
    }
}

/// Parses `text` (no BOM) as `format`.
pub(crate) fn parse(text: &str, format: Format, source_name: &str) -> Result<Value, Error> {
    if format == Format::Yaml
        && let Some((line, column)) = super::prescan::too_deep(text, crate::limits::MAX_DEPTH + 1)
    {
        return Err(Error::Parse {
            file: source_name.to_owned(),
            line,
            column,
            message: format!(
                "the document nests deeper than {} levels",
                crate::limits::MAX_DEPTH
            ),
        });
    }
    let context = Context::new(format, false);
    match run(text, format, &context) {
        Ok(value) => Ok(value),
        Err(parse_error) => {
            if context.problem.borrow().is_none() {
                return Err(syntax_error(parse_error, format, source_name));
            }
            // A problem of ours: read again, tracking the path, to say where it is.
            let tracking = Context::new(format, true);
            let _ = run(text, format, &tracking);
            let (pointer, problem) = tracking
                .problem
                .into_inner()
                .or_else(|| context.problem.into_inner())
                .expect("the problem is found again");
            Err(Error::Spec {
                file: source_name.to_owned(),
                error: SpecError::new(pointer, problem),
            })
        }
    }
}

/// How a parser failed, before it becomes an [`Error`].
enum ParseError {
    Json(serde_json::Error),
    Yaml(serde_yaml::Error),
}

fn run(text: &str, format: Format, context: &Context) -> Result<Value, ParseError> {
    let seed = ValueSeed { context };
    match format {
        Format::Json => {
            let mut deserializer = serde_json::Deserializer::from_str(text);
            let value = seed
                .deserialize(&mut deserializer)
                .map_err(ParseError::Json)?;
            deserializer.end().map_err(ParseError::Json)?;
            Ok(value)
        }
        Format::Yaml => seed
            .deserialize(serde_yaml::Deserializer::from_str(text))
            .map_err(ParseError::Yaml),
    }
}

fn syntax_error(error: ParseError, format: Format, file: &str) -> Error {
    let (line, column, message) = match error {
        ParseError::Json(e) => {
            let full = e.to_string();
            // serde_json appends " at line L column C"; the location goes in front.
            let message = full
                .rfind(" at line ")
                .map_or(full.clone(), |i| full[..i].to_owned());
            (e.line().max(1), e.column().max(1), message)
        }
        ParseError::Yaml(e) => {
            let (line, column) = e.location().map_or((1, 1), |l| (l.line(), l.column()));
            let full = e.to_string();
            let mut message = full
                .rfind(" at line ")
                .map_or(full.clone(), |i| full[..i].to_owned());
            if message.contains("more than one document") {
                message =
                    "the file holds more than one YAML document (`---`); a spec is one document"
                        .to_owned();
            }
            (line, column, message)
        }
    };
    let kind = match format {
        Format::Json => "JSON",
        Format::Yaml => "YAML",
    };
    Error::Parse {
        file: file.to_owned(),
        line,
        column,
        message: format!("{kind} syntax error: {message}"),
    }
}

/// State shared by the visitors of one read.
struct Context {
    format: Format,
    /// The keys and indices from the root to the node being read, when tracking.
    path: Option<RefCell<Vec<String>>>,
    /// The first problem found, with its pointer (empty when not tracking).
    problem: RefCell<Option<(String, Problem)>>,
}

impl Context {
    fn new(format: Format, track: bool) -> Self {
        Context {
            format,
            path: track.then(|| RefCell::new(Vec::new())),
            problem: RefCell::new(None),
        }
    }

    fn enter(&self, token: impl FnOnce() -> String) {
        if let Some(path) = &self.path {
            path.borrow_mut().push(token());
        }
    }

    fn leave(&self) {
        if let Some(path) = &self.path {
            path.borrow_mut().pop();
        }
    }

    /// Records `problem` at the current node (plus `extra`, a key below it) and returns the
    /// error that stops the parser.
    fn fail<E: de::Error>(&self, problem: Problem, extra: Option<&str>) -> E {
        let message = problem.to_string();
        let pointer = match &self.path {
            Some(path) => {
                let path = path.borrow();
                let here = pointer::join("", path.iter().map(String::as_str));
                match extra {
                    Some(key) => pointer::push(&here, key),
                    None => here,
                }
            }
            None => String::new(),
        };
        self.problem.borrow_mut().get_or_insert((pointer, problem));
        E::custom(message)
    }
}

#[derive(Clone, Copy)]
struct ValueSeed<'c> {
    context: &'c Context,
}

impl<'de> DeserializeSeed<'de> for ValueSeed<'_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ValueSeed<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_i128<E: de::Error>(self, v: i128) -> Result<Value, E> {
        match i64::try_from(v) {
            Ok(v) => Ok(Value::Number(v.into())),
            Err(_) => self.visit_f64(v as f64),
        }
    }

    fn visit_u128<E: de::Error>(self, v: u128) -> Result<Value, E> {
        match u64::try_from(v) {
            Ok(v) => Ok(Value::Number(v.into())),
            Err(_) => self.visit_f64(v as f64),
        }
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        Number::from_f64(v)
            .map(Value::Number)
            .ok_or_else(|| self.context.fail(Problem::BadNumber(v.to_string()), None))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1024));
        loop {
            self.context.enter(|| items.len().to_string());
            let item = seq.next_element_seed(self);
            self.context.leave();
            match item? {
                Some(item) => items.push(item),
                None => return Ok(Value::Array(items)),
            }
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut out = Map::new();
        let mut merges: Vec<Value> = Vec::new();
        while let Some(key) = map.next_key_seed(KeySeed {
            context: self.context,
        })? {
            self.context.enter(|| key.clone());
            let value = map.next_value_seed(self);
            self.context.leave();
            let value = value?;
            if key == "<<" && self.context.format == Format::Yaml {
                merges.push(value);
                continue;
            }
            if out.contains_key(&key) {
                return Err(self
                    .context
                    .fail(Problem::DuplicateKey(key.clone()), Some(&key)));
            }
            out.insert(key, value);
        }
        for merge in merges {
            self.merge(&mut out, merge)?;
        }
        Ok(Value::Object(out))
    }

    /// YAML tags (`!something value`) carry no meaning for OpenAPI: the tagged value is kept.
    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<Value, A::Error> {
        let (_tag, variant) = data.variant::<de::IgnoredAny>()?;
        variant.newtype_variant_seed(self)
    }
}

impl ValueSeed<'_> {
    /// Applies a merge key: the mapping's own keys win, then earlier merged mappings.
    fn merge<E: de::Error>(&self, out: &mut Map<String, Value>, merge: Value) -> Result<(), E> {
        let sources = match merge {
            Value::Object(source) => vec![source],
            Value::Array(items) => items
                .into_iter()
                .map(|item| match item {
                    Value::Object(source) => Ok(source),
                    _ => Err(()),
                })
                .collect::<Result<_, _>>()
                .map_err(|()| self.bad_merge())?,
            _ => return Err(self.bad_merge()),
        };
        for source in sources {
            for (key, value) in source {
                out.entry(key).or_insert(value);
            }
        }
        Ok(())
    }

    fn bad_merge<E: de::Error>(&self) -> E {
        self.context.fail(
            Problem::Structure(
                "a merge key (`<<`) must be given a mapping or a list of mappings".to_owned(),
            ),
            Some("<<"),
        )
    }
}

/// A mapping key as a string.
struct KeySeed<'c> {
    context: &'c Context,
}

impl<'de> DeserializeSeed<'de> for KeySeed<'_> {
    type Value = String;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<String, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for KeySeed<'_> {
    type Value = String;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a mapping key")
    }

    fn visit_bool<E>(self, v: bool) -> Result<String, E> {
        Ok(v.to_string())
    }

    fn visit_i64<E>(self, v: i64) -> Result<String, E> {
        Ok(v.to_string())
    }

    fn visit_u64<E>(self, v: u64) -> Result<String, E> {
        Ok(v.to_string())
    }

    fn visit_i128<E>(self, v: i128) -> Result<String, E> {
        Ok(v.to_string())
    }

    fn visit_u128<E>(self, v: u128) -> Result<String, E> {
        Ok(v.to_string())
    }

    fn visit_f64<E>(self, v: f64) -> Result<String, E> {
        Ok(v.to_string())
    }

    fn visit_str<E>(self, v: &str) -> Result<String, E> {
        Ok(v.to_owned())
    }

    fn visit_string<E>(self, v: String) -> Result<String, E> {
        Ok(v)
    }

    fn visit_unit<E>(self) -> Result<String, E> {
        Ok("null".to_owned())
    }

    fn visit_none<E>(self) -> Result<String, E> {
        Ok("null".to_owned())
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<String, D::Error> {
        deserializer.deserialize_any(self)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, _: A) -> Result<String, A::Error> {
        Err(self
            .context
            .fail(Problem::BadKey("a sequence".to_owned()), None))
    }

    fn visit_map<A: MapAccess<'de>>(self, _: A) -> Result<String, A::Error> {
        Err(self
            .context
            .fail(Problem::BadKey("a mapping".to_owned()), None))
    }

    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<String, A::Error> {
        let (_tag, variant) = data.variant::<de::IgnoredAny>()?;
        variant.newtype_variant_seed(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn yaml(text: &str) -> Result<Value, Error> {
        parse(text, Format::Yaml, "t.yaml")
    }

    #[test]
    fn integers_beyond_64_bits_become_floats() {
        let value = yaml("a: -9223372036854776000\nb: 18446744073709552000\nc: 12\n").unwrap();
        assert_eq!(value["a"].as_f64(), Some(-9223372036854776000.0));
        assert_eq!(value["b"].as_f64(), Some(18446744073709552000.0));
        assert_eq!(value["c"].as_u64(), Some(12));
    }

    #[test]
    fn merge_keys_tags_and_scalar_keys() {
        let value =
            yaml("base: &b {x: 1, y: 2}\nm:\n  <<: *b\n  y: 3\n  true: !tag t\n  200: ok\n")
                .unwrap();
        assert_eq!(
            value["m"],
            serde_json::json!({"y": 3, "true": "t", "200": "ok", "x": 1})
        );
    }

    #[test]
    fn json_keeps_c1_controls_and_big_numbers() {
        let value = parse(
            "{\"a\": \"x\u{9f}y\", \"n\": 18446744073709552000}",
            Format::Json,
            "t.json",
        )
        .unwrap();
        assert_eq!(value["a"], "x\u{9f}y");
        assert!(value["n"].is_f64());
    }

    #[test]
    fn problems_name_their_pointer() {
        let err = yaml("a:\n  b:\n    - {k: 1, k: 2}\n").unwrap_err();
        assert_eq!(
            err.to_string(),
            "t.yaml: at /a/b/0/k: duplicate key `k` (after turning non-string keys into strings)"
        );
        let err = parse("{\"a\": [1, {\"k\": 1, \"k\": 2}]}", Format::Json, "t.json").unwrap_err();
        assert_eq!(
            err.to_string(),
            "t.json: at /a/1/k: duplicate key `k` (after turning non-string keys into strings)"
        );
        let err = yaml("a: {[1]: 2}\n").unwrap_err();
        assert_eq!(
            err.to_string(),
            "t.yaml: at /a: a sequence cannot be a mapping key (JSON object keys are strings)"
        );
        let err = yaml("a: .nan\n").unwrap_err();
        assert_eq!(
            err.to_string(),
            "t.yaml: at /a: NaN is not representable in JSON"
        );
    }

    #[test]
    fn syntax_errors_and_depth_name_line_and_column() {
        let err = yaml("a: [1\n").unwrap_err();
        assert!(matches!(err, Error::Parse { line: 2, .. }), "{err}");
        let deep = "a:\n".to_owned() + &"[".repeat(200);
        let err = yaml(&deep).unwrap_err();
        assert_eq!(
            err.to_string(),
            "t.yaml:2:129: the document nests deeper than 128 levels"
        );
        let err = yaml("a: 1\n---\nb: 2\n").unwrap_err();
        assert!(
            err.to_string().contains("more than one YAML document"),
            "{err}"
        );
    }
}
