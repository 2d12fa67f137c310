//! JSON, then Base64, then percent-encoding: how some specs say (in prose) a structured value
//! goes into a query string. Only in crates whose spec (or overlay) says so.

use base64::Engine as _;
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};

/// What stays as it is: RFC 3986's unreserved characters (Base64's `+`, `/` and `=` are encoded).
const COMPONENT: &percent_encoding::AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// `value` as JSON, Base64 (standard alphabet, padded), then percent-encoded.
pub fn encode<T: serde::Serialize>(value: &T) -> Result<String, String> {
    let json = serde_json::to_vec(value)
        .map_err(|e| format!("the value cannot be serialised as JSON: {e}"))?;
    let text = base64::engine::general_purpose::STANDARD.encode(json);
    Ok(utf8_percent_encode(&text, COMPONENT).to_string())
}

#[cfg(test)]
mod tests {
    #[test]
    fn json_then_base64_then_percent_encoded() {
        // {"a":1} in Base64 is eyJhIjoxfQ== ; `=` is percent-encoded.
        assert_eq!(
            super::encode(&serde_json::json!({"a": 1})).unwrap(),
            "eyJhIjoxfQ%3D%3D"
        );
    }
}
