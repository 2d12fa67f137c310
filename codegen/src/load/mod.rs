//! Stage 1: bytes → YAML → normalised JSON document → `openapiv3::OpenAPI`.
//!
//! Real specs are not what `openapiv3` expects out of the box, so the document goes through
//! `serde_yaml::Value` first and is normalised into a `serde_json::Value`:
//! - mapping keys that YAML reads as non-strings become strings (`true:` is a property literally
//!   named "true" in the Zephr spec; `200:` is a status code);
//! - merge keys (`<<`) are applied and YAML tags dropped;
//! - keys that collide after that are reported rather than silently overwritten.
//!
//! The normalised JSON document is kept next to the typed model: examples and other parts
//! `openapiv3` does not keep are read from it by pointer.

use std::path::Path;

use openapiv3::OpenAPI;
use serde::Deserialize;
use serde_json::{Map, Number, Value};
use sha2::{Digest, Sha256};

use crate::error::{Error, Problem, SpecError};
use crate::pointer;

mod locate;

/// A parsed spec and what is known about its source.
#[derive(Debug, Clone)]
pub struct LoadedSpec {
    /// How the source is named in messages (usually its path).
    pub source_name: String,
    /// Lowercase hex SHA-256 of the exact bytes read.
    pub sha256: String,
    /// The normalised document.
    pub document: Value,
    /// The same document as typed OpenAPI.
    pub openapi: OpenAPI,
}

/// Reads and loads a spec file.
pub fn load_file(path: &Path) -> Result<LoadedSpec, Error> {
    let bytes = std::fs::read(path).map_err(|source| Error::Io {
        path: path.to_owned(),
        source,
    })?;
    load_bytes(&bytes, &path.display().to_string())
}

/// Loads a spec from memory; `source_name` is used in messages.
pub fn load_bytes(bytes: &[u8], source_name: &str) -> Result<LoadedSpec, Error> {
    let spec_error = |error: SpecError| Error::Spec {
        file: source_name.to_owned(),
        error,
    };
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let (line, column) = line_col(bytes, e.valid_up_to());
        Error::Syntax {
            file: source_name.to_owned(),
            line,
            column,
            message: "the file is not valid UTF-8".to_owned(),
        }
    })?;
    let mut yaml: serde_yaml::Value =
        serde_yaml::from_str(text).map_err(|e| syntax_error(source_name, &e))?;
    yaml.apply_merge()
        .map_err(|e| syntax_error(source_name, &e))?;
    let document = to_json(yaml).map_err(|found| spec_error(found.into_error()))?;
    check_version(&document).map_err(spec_error)?;
    // The fast path; only a document that fails pays for finding where.
    let openapi = OpenAPI::deserialize(&document).map_err(|_| {
        // `openapiv3` flattens maps, which hides the path below them; look deeper ourselves.
        let (pointer, message) = locate::structure_error(&document).unwrap_or_else(|| {
            match serde_path_to_error::deserialize::<_, OpenAPI>(&document) {
                Err(e) => (path_to_pointer(e.path()), e.into_inner().to_string()),
                Ok(_) => (String::new(), "the document does not match OpenAPI 3.0".to_owned()),
            }
        });
        spec_error(SpecError::new(pointer, Problem::Structure(message)))
    })?;
    Ok(LoadedSpec {
        source_name: source_name.to_owned(),
        sha256: sha256_hex(bytes),
        document,
        openapi,
    })
}

/// Lowercase hex SHA-256.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn syntax_error(file: &str, e: &serde_yaml::Error) -> Error {
    let (line, column) = e
        .location()
        .map(|l| (l.line(), l.column()))
        .unwrap_or((1, 1));
    let full = e.to_string();
    // serde_yaml appends " at line L column C"; the location is already in front.
    let message = match full.rfind(" at line ") {
        Some(i) => full[..i].to_owned(),
        None => full,
    };
    Error::Syntax {
        file: file.to_owned(),
        line,
        column,
        message,
    }
}

fn line_col(bytes: &[u8], offset: usize) -> (usize, usize) {
    let before = &bytes[..offset.min(bytes.len())];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let column = before.iter().rev().take_while(|&&b| b != b'\n').count() + 1;
    (line, column)
}

/// A problem found while converting, with the path to it collected on the way back up (so a
/// document without problems never pays for building pointers).
struct Found {
    /// Reference tokens from the problem up to the root.
    tokens: Vec<String>,
    problem: Problem,
}

impl Found {
    fn here(problem: Problem) -> Self {
        Found { tokens: Vec::new(), problem }
    }

    fn under(mut self, token: impl Into<String>) -> Self {
        self.tokens.push(token.into());
        self
    }

    fn into_error(self) -> SpecError {
        let pointer = pointer::join("", self.tokens.iter().rev().map(String::as_str));
        SpecError::new(pointer, self.problem)
    }
}

/// YAML value → JSON value, turning scalar keys into strings.
fn to_json(value: serde_yaml::Value) -> Result<Value, Found> {
    use serde_yaml::Value as Y;
    Ok(match value {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(b),
        Y::Number(n) => Value::Number(yaml_number(&n).ok_or_else(|| Found::here(Problem::BadNumber(n.to_string())))?),
        Y::String(s) => Value::String(s),
        Y::Sequence(items) => Value::Array(
            items
                .into_iter()
                .enumerate()
                .map(|(i, item)| to_json(item).map_err(|found| found.under(i.to_string())))
                .collect::<Result<_, _>>()?,
        ),
        Y::Mapping(mapping) => {
            let mut out = Map::with_capacity(mapping.len());
            for (key, item) in mapping {
                let key = key_string(key)?;
                let item = match to_json(item) {
                    Ok(item) => item,
                    Err(found) => return Err(found.under(key)),
                };
                if out.contains_key(&key) {
                    return Err(Found::here(Problem::DuplicateKey(key.clone())).under(key));
                }
                out.insert(key, item);
            }
            Value::Object(out)
        }
        // Tags (`!something`) carry no meaning for OpenAPI: keep the tagged value.
        Y::Tagged(tagged) => to_json(tagged.value)?,
    })
}

fn key_string(key: serde_yaml::Value) -> Result<String, Found> {
    use serde_yaml::Value as Y;
    match key {
        Y::String(s) => Ok(s),
        Y::Bool(b) => Ok(b.to_string()),
        Y::Number(n) => Ok(n.to_string()),
        Y::Null => Ok("null".to_owned()),
        Y::Tagged(tagged) => key_string(tagged.value),
        other @ (Y::Sequence(_) | Y::Mapping(_)) => Err(Found::here(Problem::BadKey(
            serde_yaml::to_string(&other).unwrap_or_default().trim().to_owned(),
        ))),
    }
}

fn yaml_number(n: &serde_yaml::Number) -> Option<Number> {
    if let Some(u) = n.as_u64() {
        Some(Number::from(u))
    } else if let Some(i) = n.as_i64() {
        Some(Number::from(i))
    } else {
        n.as_f64().and_then(Number::from_f64)
    }
}

fn check_version(document: &Value) -> Result<(), SpecError> {
    let Some(object) = document.as_object() else {
        return Err(match document {
            Value::Null => SpecError::new("", Problem::EmptyDocument),
            _ => SpecError::new(
                "",
                Problem::Structure("the document is not a mapping".to_owned()),
            ),
        });
    };
    match object.get("openapi") {
        Some(Value::String(v)) if v.starts_with("3.0") => Ok(()),
        Some(Value::String(v)) => Err(SpecError::new(
            "/openapi",
            Problem::UnsupportedVersion(v.clone()),
        )),
        Some(other) => Err(SpecError::new(
            "/openapi",
            Problem::Structure(format!(
                "`openapi` must be a version string such as \"3.0.3\", found {other}"
            )),
        )),
        None => match object.get("swagger") {
            Some(v) => Err(SpecError::new(
                "/swagger",
                Problem::UnsupportedVersion(format!("swagger {}", v.as_str().unwrap_or("?"))),
            )),
            None => Err(SpecError::new(
                "",
                Problem::Structure("missing the `openapi` version field".to_owned()),
            )),
        },
    }
}

pub(crate) fn path_to_pointer(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut out = String::new();
    for segment in path.iter() {
        match segment {
            Segment::Seq { index } => out = pointer::push(&out, &index.to_string()),
            Segment::Map { key } => out = pointer::push(&out, key),
            Segment::Enum { .. } | Segment::Unknown => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str) -> Result<LoadedSpec, Error> {
        load_bytes(text.as_bytes(), "t.yaml")
    }

    const MINIMAL: &str = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\n";

    #[test]
    fn non_string_keys_become_strings() {
        let spec = load(&format!(
            "{MINIMAL}components:\n  schemas:\n    r:\n      properties:\n        true: {{type: boolean}}\n        200: {{type: string}}\n"
        ))
        .unwrap();
        let props = &spec.document["components"]["schemas"]["r"]["properties"];
        assert!(props.get("true").is_some());
        assert!(props.get("200").is_some());
    }

    #[test]
    fn colliding_keys_are_reported_with_their_pointer() {
        let err = load(&format!(
            "{MINIMAL}components:\n  schemas:\n    r:\n      properties:\n        true: {{type: boolean}}\n        'true': {{type: string}}\n"
        ))
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "t.yaml: at /components/schemas/r/properties/true: duplicate key `true` (after turning non-string keys into strings)"
        );
    }

    #[test]
    fn syntax_errors_name_line_and_column() {
        let err = load("openapi: 3.0.3\ninfo: [unclosed\n").unwrap_err();
        match err {
            Error::Syntax { line, .. } => assert!(line >= 2, "{err}"),
            other => panic!("expected a syntax error, got {other}"),
        }
    }

    #[test]
    fn openapi_31_and_swagger_are_refused_by_name() {
        let err = load("openapi: 3.1.0\ninfo: {title: t, version: '1'}\n").unwrap_err();
        assert!(err.to_string().contains("unsupported OpenAPI version `3.1.0`"), "{err}");
        let err = load("swagger: '2.0'\n").unwrap_err();
        assert!(err.to_string().contains("swagger 2.0"), "{err}");
    }

    #[test]
    fn structural_errors_carry_a_pointer() {
        let err = load("openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      responses: 5\n")
            .unwrap_err();
        assert!(err.to_string().starts_with("t.yaml: at /paths/~1a/get/responses: "), "{err}");
    }

    #[test]
    fn utf8_errors_name_the_place() {
        let err = load_bytes(b"openapi: 3.0.3\ninfo: \xff\n", "t.yaml").unwrap_err();
        assert_eq!(err.to_string(), "t.yaml:2:7: YAML syntax error: the file is not valid UTF-8");
    }
}
