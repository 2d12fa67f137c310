//! Where in a JSON body decoding failed, as a path such as `results[0].grantId`.
//!
//! serde_json reports a line and column. A path-tracking decoder would name the field, but it is
//! a second generic instantiation of every response type's decoder: much more code to compile in
//! every generated crate. Instead, this scans the body once up to the error's position, keeping
//! track of the objects and arrays it is in. It runs only when decoding has already failed.

/// One container the scan is inside.
enum Frame {
    Object {
        /// The key whose value comes next or is being read.
        key: Option<String>,
        expecting_key: bool,
    },
    Array {
        index: usize,
    },
}

/// The path of the value at `line`/`column` in `body`; `.` for the top level.
///
/// serde_json's position is the last byte it consumed: the value's own last byte for a scalar,
/// the separator before a value it refused on sight (a map where a string belongs), the closing
/// bracket of a container it found incomplete.
pub fn path_at(body: &[u8], line: usize, column: usize) -> String {
    let offset = byte_offset(body, line, column);
    let at_closing = matches!(body.get(offset), Some(b'}' | b']'));
    // The byte at the position is part of the scan, unless it closes the container the error
    // is about.
    let end = if at_closing {
        offset
    } else {
        (offset + 1).min(body.len())
    };
    let mut frames: Vec<Frame> = Vec::new();
    let mut i = 0;
    while i < end {
        match body[i] {
            b'{' => frames.push(Frame::Object {
                key: None,
                expecting_key: true,
            }),
            b'[' => frames.push(Frame::Array { index: 0 }),
            b'}' | b']' => {
                frames.pop();
            }
            b',' => match frames.last_mut() {
                Some(Frame::Array { index }) => *index += 1,
                Some(Frame::Object { key, expecting_key }) => {
                    *key = None;
                    *expecting_key = true;
                }
                None => {}
            },
            b'"' => {
                let (text, end) = string(body, i + 1);
                if let Some(Frame::Object {
                    key,
                    expecting_key: expecting @ true,
                }) = frames.last_mut()
                {
                    *key = Some(text);
                    *expecting = false;
                }
                i = end;
            }
            _ => {}
        }
        i += 1;
    }
    // An error reported at a closing bracket (a missing field, a wrong length) is about the
    // container itself, not about its last member.
    if at_closing {
        match frames.last_mut() {
            Some(Frame::Object { key, .. }) => *key = None,
            Some(Frame::Array { .. }) => {
                frames.pop();
            }
            None => {}
        }
    }
    let mut path = String::new();
    for frame in &frames {
        match frame {
            Frame::Object { key: Some(key), .. } => {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key);
            }
            Frame::Array { index } => {
                path.push('[');
                path.push_str(&index.to_string());
                path.push(']');
            }
            Frame::Object { key: None, .. } => {}
        }
    }
    if path.is_empty() {
        ".".to_owned()
    } else {
        path
    }
}

/// The index of the byte at `line`/`column` (1-based; column 0 means nothing on the line was
/// consumed yet), clamped to the body.
fn byte_offset(body: &[u8], line: usize, column: usize) -> usize {
    let mut start = 0;
    for _ in 1..line {
        match body[start..].iter().position(|&b| b == b'\n') {
            Some(newline) => start += newline + 1,
            None => return body.len(),
        }
    }
    (start + column.saturating_sub(1)).min(body.len())
}

/// The text of the string starting after its opening quote at `from`, and the index of its
/// closing quote. Escapes are kept as written except `\"` and `\\`: enough to name a key.
fn string(body: &[u8], from: usize) -> (String, usize) {
    let mut bytes = Vec::new();
    let mut i = from;
    while i < body.len() {
        match body[i] {
            b'"' => break,
            b'\\' if i + 1 < body.len() => {
                if !matches!(body[i + 1], b'"' | b'\\') {
                    bytes.push(b'\\');
                }
                bytes.push(body[i + 1]);
                i += 1;
            }
            b => bytes.push(b),
        }
        i += 1;
    }
    (String::from_utf8_lossy(&bytes).into_owned(), i)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The path serde_json's error position points at, for `T` decoded from `body`.
    fn path_of<T: serde::de::DeserializeOwned + std::fmt::Debug>(body: &str) -> String {
        let error = serde_json::from_str::<T>(body).unwrap_err();
        path_at(body.as_bytes(), error.line(), error.column())
    }

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Item {
        id: u32,
    }

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Page {
        results: Vec<Item>,
    }

    #[test]
    fn the_path_names_the_field_and_index_that_failed() {
        assert_eq!(
            path_of::<Page>(r#"{"results":[{"id":1},{"id":"x"}]}"#),
            "results[1].id"
        );
        assert_eq!(
            path_of::<Page>("{\n  \"results\": [\n    {\"id\": 1},\n    {}\n  ]\n}"),
            "results[1]"
        );
        assert_eq!(path_of::<Page>(r#"{"results":{}}"#), "results");
        assert_eq!(path_of::<Page>("[]"), ".");
        assert_eq!(
            path_of::<Page>(r#"{"results":[{"id":1,"x\"y":[1,{"id":true}]},{"id":-1}]}"#),
            "results[1].id"
        );
    }
}
