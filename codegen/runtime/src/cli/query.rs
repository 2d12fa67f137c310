//! `--query`: a jq filter over the response, run by jaq (a jq written in Rust, with jq's
//! standard library), not a hand-written subset.

use jaq_core::load::{self, Arena, File, Loader};
use jaq_core::{Compiler, Ctx, Vars, data::JustLut};
use jaq_json::{Num, Val};
use serde_json::Value;

type Data = JustLut<Val>;

/// A compiled filter.
pub(crate) struct Filter(jaq_core::Filter<Data>);

impl Filter {
    /// Compiles `code`; an error says where (`line:column`) and what was expected.
    pub(crate) fn new(code: &str) -> Result<Filter, String> {
        let defs = jaq_core::defs()
            .chain(jaq_std::defs())
            .chain(jaq_json::defs());
        let funs = jaq_core::funs()
            .chain(jaq_std::funs())
            .chain(jaq_json::funs());
        let arena = Arena::default();
        let modules = Loader::new(defs)
            .load(&arena, File { code, path: () })
            .map_err(load_errors)?;
        let filter = Compiler::default()
            .with_funs(funs)
            .compile(modules)
            .map_err(|errors| {
                errors
                    .into_iter()
                    .flat_map(|(file, errors)| {
                        errors.into_iter().map(move |(name, undefined)| {
                            at(
                                file.code,
                                name,
                                &format!("undefined {} `{name}`", undefined.as_str()),
                            )
                        })
                    })
                    .collect::<Vec<_>>()
                    .join("; ")
            })?;
        Ok(Filter(filter))
    }

    /// The values the filter makes of `input`; an error (`error("…")`, an index into a string,
    /// `halt`) stops it.
    pub(crate) fn run(&self, input: Value) -> Result<Vec<Value>, String> {
        let input: Val =
            serde_json::from_value(input).map_err(|e| format!("the response as jq input: {e}"))?;
        let ctx = Ctx::<Data>::new(&self.0.lut, Vars::new([]));
        let mut out = Vec::new();
        for result in self.0.id.run((ctx, input)) {
            match result {
                Ok(value) => out.push(to_json(&value)),
                Err(exception) => {
                    return Err(match exception.get_err() {
                        Ok(error) => match error.into_val() {
                            Val::TStr(text) => String::from_utf8_lossy(&text).into_owned(),
                            other => other.to_string(),
                        },
                        Err(exception) => match exception.get_halt() {
                            Ok(code) => format!("the filter halted (code {code})"),
                            Err(_) => "the filter failed".to_owned(),
                        },
                    });
                }
            }
        }
        Ok(out)
    }
}

/// A jaq value as JSON (a number jq cannot write as JSON, NaN, is `null`, as jq prints it).
fn to_json(value: &Val) -> Value {
    let text = |bytes: &[u8]| String::from_utf8_lossy(bytes).into_owned();
    match value {
        Val::Null => Value::Null,
        Val::Bool(b) => Value::Bool(*b),
        Val::Num(Num::Int(i)) => Value::from(*i as i64),
        Val::Num(Num::Float(f)) => {
            serde_json::Number::from_f64(*f).map_or(Value::Null, Value::Number)
        }
        Val::Num(other) => other.to_string().parse().map_or(Value::Null, Value::Number),
        Val::TStr(bytes) | Val::BStr(bytes) => Value::String(text(bytes)),
        Val::Arr(items) => Value::Array(items.iter().map(to_json).collect()),
        Val::Obj(object) => Value::Object(
            object
                .iter()
                .map(|(key, value)| {
                    let key = match key {
                        Val::TStr(bytes) | Val::BStr(bytes) => text(bytes),
                        other => other.to_string(),
                    };
                    (key, to_json(value))
                })
                .collect(),
        ),
    }
}

/// The loader's errors as `line:column: expected …`.
fn load_errors(errors: load::Errors<&str, ()>) -> String {
    let mut out = Vec::new();
    for (file, error) in errors {
        match error {
            load::Error::Io(errors) => out.extend(
                errors
                    .into_iter()
                    .map(|(path, e)| format!("cannot load {path}: {e}")),
            ),
            load::Error::Lex(errors) => out.extend(errors.into_iter().map(|(expected, found)| {
                at(file.code, found, &format!("expected {}", expected.as_str()))
            })),
            load::Error::Parse(errors) => {
                out.extend(errors.into_iter().map(|(expected, found)| {
                    at(file.code, found, &format!("expected {}", expected.as_str()))
                }))
            }
        }
    }
    out.join("; ")
}

/// `message` at the place of `part`, a slice of `code`: `line:column: message`.
fn at(code: &str, part: &str, message: &str) -> String {
    let offset = (part.as_ptr() as usize).wrapping_sub(code.as_ptr() as usize);
    match code.get(..offset) {
        Some(before) => format!(
            "{}:{}: {message}",
            before.matches('\n').count() + 1,
            before.rsplit('\n').next().unwrap_or("").chars().count() + 1
        ),
        None => message.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn filters_select_reshape_and_use_the_standard_library() {
        let input = json!({"results": [{"id": "a", "n": 2}, {"id": "b", "n": 5}]});
        let ids = Filter::new(".results[] | select(.n > 3) | .id").unwrap();
        assert_eq!(ids.run(input.clone()).unwrap(), [json!("b")]);
        let shaped =
            Filter::new("[.results[] | {id, double: (.n * 2)}] | length, (map(.double) | add)")
                .unwrap();
        assert_eq!(shaped.run(input).unwrap(), [json!(2), json!(14)]);
    }

    #[test]
    fn errors_say_where_and_what() {
        let error = Filter::new(".a |").err().unwrap();
        assert!(error.starts_with("1:"), "{error}");
        let error = Filter::new("nosuchfunction(1)").err().unwrap();
        assert!(error.contains("undefined"), "{error}");
        let error = Filter::new(".a.b")
            .unwrap()
            .run(json!({"a": "text"}))
            .unwrap_err();
        assert!(error.contains("cannot index"), "{error}");
        let error = Filter::new(r#"error("boom")"#)
            .unwrap()
            .run(json!(null))
            .unwrap_err();
        assert_eq!(error, "boom");
    }
}
