//! Parameter values on the wire: percent-encoded path segments, query strings and cookies.

use std::fmt::{self, Display, Write};

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

use crate::error::Failure;

/// Everything but RFC 3986's unreserved characters is encoded: a value can never add a path
/// segment, a query parameter or a cookie.
const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

fn text(value: &dyn Display) -> String {
    let mut out = String::new();
    // Writing into a String cannot fail.
    let _ = write!(out, "{value}");
    out
}

/// Appends one path parameter, percent-encoded.
#[allow(dead_code)] // used when the spec has path parameters
pub fn push_path_param(path: &mut String, name: &str, value: &dyn Display) -> Result<(), Failure> {
    let value = text(value);
    // URL parsers resolve `.` and `..` (even encoded), which would send the request elsewhere.
    if value.is_empty() || value == "." || value == ".." {
        return Err(Failure::InvalidRequest(format!(
            "path parameter `{name}` cannot be {}",
            if value.is_empty() {
                "empty".to_owned()
            } else {
                format!("`{value}`")
            }
        )));
    }
    path.extend(utf8_percent_encode(&value, COMPONENT));
    Ok(())
}

/// A query string under construction, without the leading `?`.
#[derive(Debug, Default)]
pub struct Query(String);

impl Query {
    pub fn push(&mut self, name: &str, value: &dyn Display) {
        if !self.0.is_empty() {
            self.0.push('&');
        }
        self.0.extend(utf8_percent_encode(name, COMPONENT));
        self.0.push('=');
        self.0.extend(utf8_percent_encode(&text(value), COMPONENT));
    }

    /// A whole query encoded already (a `Link` header's), checked like an encoded value: it
    /// cannot hold what would change the URL's structure (a `#`, a space, a control character).
    #[allow(dead_code)] // used when an operation pages
    pub fn encoded(query: &str) -> Result<Query, Failure> {
        for pair in query.split('&').filter(|pair| !pair.is_empty()) {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            check_encoded(name, name)?;
            check_encoded(name, value)?;
        }
        Ok(Query(query.to_owned()))
    }

    /// A value the caller encoded already (the spec says how, OpenAPI cannot): sent exactly as
    /// given, after checking that it cannot change the query's structure.
    #[allow(dead_code)] // used when the spec has parameters passed as encoded text
    pub fn push_encoded(&mut self, name: &str, value: &str) -> Result<(), Failure> {
        check_encoded(name, value)?;
        if !self.0.is_empty() {
            self.0.push('&');
        }
        self.0.extend(utf8_percent_encode(name, COMPONENT));
        self.0.push('=');
        self.0.push_str(value);
        Ok(())
    }

    /// An array: `name=a&name=b` when `explode`, else `name=a,b`.
    #[allow(dead_code)] // used when the spec has array query parameters
    pub fn push_list<T: Display>(&mut self, name: &str, values: &[T], explode: bool) {
        if explode {
            for value in values {
                self.push(name, value);
            }
        } else {
            self.push(name, &Joined(values));
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Values joined with commas: arrays in paths and headers (`simple` style).
#[allow(dead_code)] // used when the spec has array path or header parameters
pub fn comma_joined<T: Display>(values: &[T]) -> impl Display + '_ {
    Joined(values)
}

/// Values joined with commas, for `explode: false`.
#[allow(dead_code)] // used when the spec has array parameters
struct Joined<'a, T>(&'a [T]);

impl<T: Display> Display for Joined<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, value) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_char(',')?;
            }
            value.fmt(f)?;
        }
        Ok(())
    }
}

/// One `name=value` pair of a `Cookie` header, value percent-encoded.
#[allow(dead_code)] // used when the spec has cookie parameters
pub fn cookie_pair(name: &str, value: &dyn Display) -> String {
    format!("{name}={}", utf8_percent_encode(&text(value), COMPONENT))
}

/// An already-encoded query value may hold only what a query value can hold unencoded (RFC 3986
/// `pchar`, `/` and `?`, minus `&` and `#` which would end it) and complete `%XX` escapes.
fn check_encoded(name: &str, value: &str) -> Result<(), Failure> {
    let bytes = value.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let ok = match b {
            b'%' => {
                bytes.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
                    && bytes.get(i + 2).is_some_and(u8::is_ascii_hexdigit)
            }
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' => true,
            b'-' | b'.' | b'_' | b'~' | b'!' | b'$' | b'\'' | b'(' | b')' | b'*' | b'+' | b','
            | b';' | b'=' | b':' | b'@' | b'/' | b'?' => true,
            _ => false,
        };
        if !ok {
            return Err(Failure::InvalidRequest(format!(
                "query parameter `{name}` must be given encoded, and `{}` is not allowed unencoded in a query value",
                crate::error::printable(
                    &String::from_utf8_lossy(&bytes[i..(i + 1).min(bytes.len())]),
                    4
                )
            )));
        }
        i += if b == b'%' { 3 } else { 1 };
    }
    Ok(())
}

/// A path given by hand (`Client::request`): starts with `/`, has no query, fragment, spaces or
/// control characters, and no `.` or `..` segment (URL parsers resolve those, which would send
/// the request elsewhere than it says).
pub fn check_raw_path(path: &str) -> Result<(), Failure> {
    let bad = |why: &str| {
        Err(Failure::InvalidRequest(format!(
            "the path `{}` {why}",
            crate::error::printable(path, 200)
        )))
    };
    if !path.starts_with('/') {
        return bad("must start with `/`");
    }
    if path.contains(['?', '#']) || path.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return bad(
            "must not hold `?`, `#`, spaces or control characters (use `.query(…)` for the query)",
        );
    }
    let dots = |segment: &str| {
        let decoded = segment.to_ascii_lowercase().replace("%2e", ".");
        decoded == "." || decoded == ".."
    };
    if path.split('/').any(dots) {
        return bad("must not have `.` or `..` segments");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_percent_encoded_so_they_cannot_change_the_structure() {
        let mut path = String::from("/users/");
        push_path_param(&mut path, "id", &"a/b?c#d e").unwrap();
        assert_eq!(path, "/users/a%2Fb%3Fc%23d%20e");
        for bad in ["", ".", ".."] {
            assert!(
                push_path_param(&mut String::new(), "id", &bad).is_err(),
                "{bad:?}"
            );
        }
        let mut query = Query::default();
        query.push("foreign[system]", &"x&y=z");
        query.push_list("ids", &[1, 2], true);
        query.push_list("tags", &["a", "b"], false);
        assert_eq!(
            query.as_str(),
            "foreign%5Bsystem%5D=x%26y%3Dz&ids=1&ids=2&tags=a%2Cb"
        );
        assert_eq!(cookie_pair("session", &"a; b=c"), "session=a%3B%20b%3Dc");
        assert_eq!(comma_joined(&[1, 2, 3]).to_string(), "1,2,3");
    }

    #[test]
    fn encoded_values_are_sent_as_given_once_checked() {
        let mut query = Query::default();
        query.push_encoded("q", "eyJh%3D%3D").unwrap();
        assert_eq!(query.as_str(), "q=eyJh%3D%3D");
        for bad in ["a&b=c", "a#b", "a b", "%zz", "%4"] {
            assert!(Query::default().push_encoded("q", bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn a_raw_path_cannot_carry_a_query_or_climb() {
        assert!(check_raw_path("/v3/users/a%20b").is_ok());
        for bad in [
            "v3",
            "/a?b",
            "/a#b",
            "/a b",
            "/a/../b",
            "/a/%2e%2E/b",
            "/./a",
        ] {
            assert!(check_raw_path(bad).is_err(), "{bad:?}");
        }
    }
}
