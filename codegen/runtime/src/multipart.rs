//! `multipart/form-data` bodies, from the same models as JSON: each top-level property is a
//! part; a property the spec types as a file (`type: string, format: binary`) is a [`FilePart`]
//! with its bytes, file name and content type.
//!
//! | Property value | Part |
//! | --- | --- |
//! | a [`FilePart`] | its bytes, `filename` and `Content-Type` (`application/octet-stream` by default) |
//! | text, number, boolean | the value as text |
//! | a list | one part per item, under the same name |
//! | an object (or a list of them) | JSON, `Content-Type: application/json` (OpenAPI's default) |
//! | `null` or unset | no part |
//!
//! The body is built in memory, because a signed request signs the exact bytes it sends (and a
//! retry sends them again); it is bounded by what the caller hands over. Names and file names
//! are escaped as browsers do (`"` as `%22`, line breaks as `%0D%0A`), and the boundary is a
//! fresh nonce (32 hex digits, never repeated in the process), checked not to occur in the body.
//! Parts follow serde_json's map order (alphabetical), not the schema's: an API that needs its
//! file last is not served yet. A file is a top-level property, or an item of a list that is one;
//! a file deeper inside is an error, not a JSON part.

use std::cell::RefCell;
use std::fmt;
use std::path::Path;

use bytes::Bytes;
use serde::de::{self, Deserialize, Deserializer};
use serde::ser::{self, Serialize, SerializeMap, Serializer};
use serde_json::Value;

use crate::error::Failure;
use crate::transport::Request;

thread_local! {
    /// The body being encoded on this thread (serialisation is synchronous): the member a file
    /// stands in for (fresh per body, so no data can pass for one), and the files so far.
    static FILES: RefCell<Option<(String, Vec<FilePart>)>> = const { RefCell::new(None) };
}

thread_local! {
    /// Set while a front end that reads files (the command line) reads a body: a file given as
    /// `@path` is that file, of at most this many bytes.
    static READ_FILES: std::cell::Cell<Option<u64>> = const { std::cell::Cell::new(None) };
}

/// Runs `read` (which deserializes a body) with files given as `@path` read from those paths,
/// each of at most `limit` bytes: how the command line uploads a file. Anywhere else (the MCP
/// server, a test) a file given as text is that text, and no path is ever opened.
pub fn reading_files<R>(limit: u64, read: impl FnOnce() -> R) -> R {
    struct Reset;
    impl Drop for Reset {
        fn drop(&mut self) {
            READ_FILES.with(|cell| cell.set(None));
        }
    }
    READ_FILES.with(|cell| cell.set(Some(limit)));
    let _reset = Reset;
    read()
}

/// The file at `path`, when it holds at most `limit` bytes (read no further than that).
fn read_limited(path: &str, limit: u64) -> Result<FilePart, String> {
    use std::io::Read;
    let file = std::fs::File::open(path).map_err(|e| format!("cannot read `{path}`: {e}"))?;
    let mut bytes = Vec::new();
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read `{path}`: {e}"))?;
    if bytes.len() as u64 > limit {
        return Err(format!(
            "`{path}` is larger than the limit of {limit} bytes"
        ));
    }
    let part = FilePart::new(bytes);
    Ok(match Path::new(path).file_name().and_then(|n| n.to_str()) {
        Some(name) => part.file_name(name),
        None => part,
    })
}

/// Restores the thread's collector when the encoding ends, even by a panic in a `Serialize`
/// impl (a runtime may keep the thread for other tasks).
struct Collecting;

impl Drop for Collecting {
    fn drop(&mut self) {
        FILES.with(|files| *files.borrow_mut() = None);
    }
}

/// A file to upload in a `multipart/form-data` body: its bytes, and optionally a file name and
/// a media type.
#[derive(Clone, PartialEq, Eq)]
pub struct FilePart {
    bytes: Bytes,
    file_name: Option<String>,
    content_type: Option<String>,
}

impl FilePart {
    /// A file of these bytes (no file name; sent as `application/octet-stream`).
    pub fn new(bytes: impl Into<Bytes>) -> Self {
        FilePart {
            bytes: bytes.into(),
            file_name: None,
            content_type: None,
        }
    }

    /// The file at `path`, read whole now, named after its last component.
    pub fn from_path(path: impl AsRef<Path>) -> std::io::Result<Self> {
        let path = path.as_ref();
        let bytes = std::fs::read(path)?;
        let part = FilePart::new(bytes);
        Ok(match path.file_name().and_then(|n| n.to_str()) {
            Some(name) => part.file_name(name),
            None => part,
        })
    }

    /// The file name sent with it (`filename=` of the part's `Content-Disposition`).
    pub fn file_name(mut self, name: impl Into<String>) -> Self {
        self.file_name = Some(name.into());
        self
    }

    /// The part's media type (`image/png`, …), instead of `application/octet-stream`.
    pub fn content_type(mut self, media_type: impl Into<String>) -> Self {
        self.content_type = Some(media_type.into());
        self
    }

    pub fn bytes(&self) -> &Bytes {
        &self.bytes
    }
}

impl fmt::Debug for FilePart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Not the bytes: a file's content is the caller's, and may be large.
        f.debug_struct("FilePart")
            .field("len", &self.bytes.len())
            .field("file_name", &self.file_name)
            .field("content_type", &self.content_type)
            .finish()
    }
}

impl From<Vec<u8>> for FilePart {
    fn from(bytes: Vec<u8>) -> Self {
        FilePart::new(bytes)
    }
}

impl From<Bytes> for FilePart {
    fn from(bytes: Bytes) -> Self {
        FilePart::new(bytes)
    }
}

impl From<&'static [u8]> for FilePart {
    fn from(bytes: &'static [u8]) -> Self {
        FilePart::new(bytes)
    }
}

/// Only inside a multipart body: a file has no JSON form.
impl Serialize for FilePart {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let marked = FILES.with(|files| {
            let mut files = files.borrow_mut();
            let (key, files) = files.as_mut()?;
            files.push(self.clone());
            Some((key.clone(), files.len() - 1))
        });
        let Some((key, index)) = marked else {
            return Err(ser::Error::custom(
                "a file can only be sent in a multipart/form-data body",
            ));
        };
        let mut map = serializer.serialize_map(Some(1))?;
        map.serialize_entry(&key, &index)?;
        map.end()
    }
}

/// From text (the spec's examples, what a test server records, an MCP tool's argument): its
/// UTF-8 bytes; on the command line, `@path` is the file at `path` (see [`reading_files`]).
impl<'de> Deserialize<'de> for FilePart {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)
            .map_err(|_| de::Error::custom("a file is given as text here"))?;
        match (
            text.strip_prefix('@'),
            READ_FILES.with(std::cell::Cell::get),
        ) {
            (Some(path), Some(limit)) => read_limited(path, limit).map_err(de::Error::custom),
            _ => Ok(FilePart::new(text.into_bytes())),
        }
    }
}

#[allow(dead_code)] // the stand-in crate has no operation with a multipart body
impl Request {
    /// A `multipart/form-data` body from `body`'s properties.
    pub fn multipart<T: Serialize + ?Sized>(&mut self, body: &T) -> Result<(), Failure> {
        let (bytes, content_type) = encode(body)?;
        self.raw(&content_type, bytes);
        Ok(())
    }
}

/// The body of `value` as `multipart/form-data`, and its `Content-Type` (with the boundary).
pub fn encode<T: Serialize + ?Sized>(value: &T) -> Result<(Bytes, String), Failure> {
    let invalid = |message: String| Failure::InvalidRequest(message);
    let marker = crate::random::nonce()
        .map_err(|e| invalid(format!("no randomness for a multipart body: {e}")))?;
    let key = format!("\u{0}file-{marker}");
    let guard = Collecting;
    FILES.with(|files| *files.borrow_mut() = Some((key.clone(), Vec::new())));
    let serialised = serde_json::to_value(value);
    let files = FILES
        .with(|files| files.borrow_mut().take())
        .map(|(_, files)| files)
        .unwrap_or_default();
    drop(guard);
    let Value::Object(properties) =
        serialised.map_err(|e| invalid(format!("the body cannot be written as parts: {e}")))?
    else {
        return Err(invalid(
            "a multipart body must be an object (its properties are the parts)".to_owned(),
        ));
    };
    let mut parts: Vec<(String, Part)> = Vec::new();
    for (name, value) in properties {
        let items = match value {
            // A list of texts or files is a part per item; a list of objects is one JSON part.
            Value::Array(items)
                if items
                    .iter()
                    .all(|i| !i.is_object() || file_of(i, &key).is_some()) =>
            {
                items
            }
            value => vec![value],
        };
        for item in items {
            if file_of(&item, &key).is_none() && holds_file(&item, &key) {
                return Err(invalid(format!(
                    "`{}` holds a file inside an object or a list of lists: a multipart body sends files as its own properties (or lists of them)",
                    crate::error::printable(&name, 100)
                )));
            }
            parts.extend(part(&item, &files, &key).map(|p| (name.clone(), p)));
        }
    }
    // What a header cannot carry is refused, not sent raw or quietly changed: NUL in a name
    // (receivers cut it there), a control character in a media type (a line break would start
    // a header of its own).
    for (name, part) in &parts {
        for (what, text) in [
            ("part name", Some(name)),
            ("file name", part.file_name.as_ref()),
        ] {
            if let Some(text) = text.filter(|t| t.contains('\u{0}')) {
                return Err(invalid(format!(
                    "the {what} `{}` holds NUL, which no multipart reader keeps",
                    crate::error::printable(text, 100)
                )));
            }
        }
        if let Some(content_type) = part
            .content_type
            .as_ref()
            .filter(|t| t.contains(char::is_control))
        {
            return Err(invalid(format!(
                "the media type `{}` of part `{}` holds a control character (a line break would start a header of its own)",
                crate::error::printable(content_type, 100),
                crate::error::printable(name, 100)
            )));
        }
    }
    let boundary = boundary(&parts)?;
    // The exact size, so the body is allocated once: a file is held twice while the body is
    // built (its `FilePart`, and the body a signature must cover whole), not more.
    let size: usize = parts
        .iter()
        .map(|(name, part)| {
            160 + boundary.len()
                + name.len() * 3
                + part.file_name.as_ref().map_or(0, |f| f.len() * 3)
                + part.content_type.as_ref().map_or(0, String::len)
                + part.bytes.len()
        })
        .sum::<usize>()
        + boundary.len()
        + 8;
    let mut body = Vec::with_capacity(size);
    for (name, part) in &parts {
        body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        let mut disposition = format!("Content-Disposition: form-data; name=\"{}\"", escape(name));
        if let Some(file_name) = &part.file_name {
            disposition.push_str(&format!("; filename=\"{}\"", escape(file_name)));
        }
        body.extend_from_slice(disposition.as_bytes());
        body.extend_from_slice(b"\r\n");
        if let Some(content_type) = &part.content_type {
            body.extend_from_slice(format!("Content-Type: {content_type}\r\n").as_bytes());
        }
        body.extend_from_slice(b"\r\n");
        body.extend_from_slice(&part.bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    Ok((
        body.into(),
        format!("multipart/form-data; boundary={boundary}"),
    ))
}

struct Part {
    bytes: Bytes,
    file_name: Option<String>,
    content_type: Option<String>,
}

/// The index of the file a value stands for (`key` is this body's marker).
fn file_of(value: &Value, key: &str) -> Option<usize> {
    let map = value.as_object()?;
    if map.len() != 1 {
        return None;
    }
    map.get(key)?.as_u64().map(|i| i as usize)
}

/// Whether a file stands anywhere inside `value`.
fn holds_file(value: &Value, key: &str) -> bool {
    match value {
        Value::Object(map) => map.contains_key(key) || map.values().any(|v| holds_file(v, key)),
        Value::Array(items) => items.iter().any(|v| holds_file(v, key)),
        _ => false,
    }
}

/// The part for one value; `None` for `null`.
fn part(value: &Value, files: &[FilePart], key: &str) -> Option<Part> {
    if let Some(file) = file_of(value, key).and_then(|i| files.get(i)) {
        return Some(Part {
            bytes: file.bytes.clone(),
            file_name: file.file_name.clone(),
            content_type: Some(
                file.content_type
                    .clone()
                    .unwrap_or_else(|| "application/octet-stream".to_owned()),
            ),
        });
    }
    let (text, content_type) = match value {
        Value::Null => return None,
        Value::String(text) => (text.clone(), None),
        Value::Bool(_) | Value::Number(_) => (value.to_string(), None),
        Value::Object(_) | Value::Array(_) => {
            (value.to_string(), Some("application/json".to_owned()))
        }
    };
    Some(Part {
        bytes: text.into_bytes().into(),
        file_name: None,
        content_type,
    })
}

/// A boundary that occurs in no part.
fn boundary(parts: &[(String, Part)]) -> Result<String, Failure> {
    for _ in 0..4 {
        let candidate = crate::random::nonce()
            .map_err(|e| Failure::InvalidRequest(format!("no randomness for a boundary: {e}")))?;
        let needle = candidate.as_bytes();
        if !parts
            .iter()
            .any(|(_, p)| p.bytes.windows(needle.len()).any(|w| w == needle))
        {
            return Ok(candidate);
        }
    }
    Err(Failure::InvalidRequest(
        "no boundary could be found that the body does not contain".to_owned(),
    ))
}

/// A name or file name inside quotes, as the HTML standard escapes it.
fn escape(text: &str) -> String {
    text.replace('"', "%22")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use serde_json::json;

    #[derive(serde::Serialize)]
    struct Upload {
        file: FilePart,
        purpose: &'static str,
        extra: Option<Vec<FilePart>>,
        tags: Vec<&'static str>,
        meta: serde_json::Value,
        absent: Option<String>,
    }

    /// A part as read back: name, file name, content type, bytes.
    type Parsed = (String, Option<String>, Option<String>, Vec<u8>);

    /// Parses the body with multer, an independent multipart parser.
    async fn parsed(body: Bytes, content_type: &str) -> Vec<Parsed> {
        let boundary = multer::parse_boundary(content_type).unwrap();
        let stream = futures_util::stream::iter([Ok::<_, std::io::Error>(body)]);
        let mut multipart = multer::Multipart::new(stream, boundary);
        let mut out = Vec::new();
        while let Some(field) = multipart.next_field().await.unwrap() {
            let name = field.name().unwrap().to_owned();
            let file_name = field.file_name().map(str::to_owned);
            let content_type = field.content_type().map(|m| m.to_string());
            out.push((
                name,
                file_name,
                content_type,
                field.bytes().await.unwrap().to_vec(),
            ));
        }
        out
    }

    #[tokio::test]
    async fn files_text_lists_and_json_parts_read_back_by_multer() {
        let upload = Upload {
            file: FilePart::new(&b"\x00\x01 \"bytes\"\r\n--"[..])
                .file_name("a \"b\".png")
                .content_type("image/png"),
            purpose: "fine-tune",
            extra: Some(vec![
                FilePart::new(b"one".to_vec()),
                FilePart::new(b"two".to_vec()).file_name("2.txt"),
            ]),
            tags: vec!["x", "y"],
            meta: json!({"k": [1, 2]}),
            absent: None,
        };
        let (body, content_type) = encode(&upload).unwrap();
        assert!(content_type.starts_with("multipart/form-data; boundary="));
        let parts = parsed(body, &content_type).await;
        let expected: Vec<Parsed> = vec![
            (
                "file".into(),
                Some("a %22b%22.png".into()),
                Some("image/png".into()),
                b"\x00\x01 \"bytes\"\r\n--".to_vec(),
            ),
            ("purpose".into(), None, None, b"fine-tune".to_vec()),
            (
                "extra".into(),
                None,
                Some("application/octet-stream".into()),
                b"one".to_vec(),
            ),
            (
                "extra".into(),
                Some("2.txt".into()),
                Some("application/octet-stream".into()),
                b"two".to_vec(),
            ),
            ("tags".into(), None, None, b"x".to_vec()),
            ("tags".into(), None, None, b"y".to_vec()),
            (
                "meta".into(),
                None,
                Some("application/json".into()),
                br#"{"k":[1,2]}"#.to_vec(),
            ),
        ];
        let mut got = parts;
        let mut expected = expected;
        // serde_json's map order is alphabetical without `preserve_order`: compare as sets.
        got.sort();
        expected.sort();
        assert_eq!(got, expected);
    }

    #[test]
    fn a_file_outside_a_multipart_body_or_nested_inside_one_is_an_error() {
        assert!(serde_json::to_string(&FilePart::new(b"x".to_vec())).is_err());
        assert!(encode(&json!([1])).is_err());
        #[derive(serde::Serialize)]
        struct Nested {
            meta: BTreeMap<&'static str, FilePart>,
        }
        let nested = Nested {
            meta: BTreeMap::from([("f", FilePart::new(b"x".to_vec()))]),
        };
        let error = encode(&nested).unwrap_err().to_string();
        assert!(error.contains("`meta` holds a file"), "{error}");
        // After an encoding, a file is again refused outside one.
        assert!(serde_json::to_string(&FilePart::new(b"x".to_vec())).is_err());
    }

    #[tokio::test]
    async fn data_shaped_like_a_file_marker_is_data() {
        let body = json!({"meta": {"\u{0}file": 0}});
        let (bytes, content_type) = encode(&body).unwrap();
        let parts = parsed(bytes, &content_type).await;
        assert_eq!(parts.len(), 1);
        assert_eq!(parts[0].2.as_deref(), Some("application/json"));
    }

    /// NUL in a part or file name, and a control character in a media type, are refused (they
    /// went out raw, and the media type's line break was quietly removed).
    #[test]
    fn what_a_header_cannot_carry_is_refused() {
        let nul_name = json!({"a\u{0}b": "x"});
        let error = encode(&nul_name).unwrap_err().to_string();
        assert!(
            error.contains("part name") && error.contains("NUL"),
            "{error}"
        );
        #[derive(serde::Serialize)]
        struct One {
            file: FilePart,
        }
        let named = One {
            file: FilePart::new(b"x".to_vec()).file_name("a\u{0}.txt"),
        };
        assert!(
            encode(&named)
                .unwrap_err()
                .to_string()
                .contains("file name")
        );
        let typed = One {
            file: FilePart::new(b"x".to_vec()).content_type("text/plain\r\nX-Evil: 1"),
        };
        let error = encode(&typed).unwrap_err().to_string();
        assert!(error.contains("control character"), "{error}");
    }
}
