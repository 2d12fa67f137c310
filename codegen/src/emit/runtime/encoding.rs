//! Parameter values on the wire: percent-encoded path segments, query strings and cookies.

use std::fmt::{self, Display, Write};

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

use crate::error::Failure;

/// Everything but RFC 3986's unreserved characters is encoded: a value can never add a path
/// segment, a query parameter or a cookie.
const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

fn text(value: &dyn Display) -> String {
    let mut out = String::new();
    // Writing into a String cannot fail.
    let _ = write!(out, "{value}");
    out
}

/// Appends one path parameter, percent-encoded.
#[allow(dead_code)] // used when the spec has path parameters
pub(crate) fn push_path_param(path: &mut String, name: &str, value: &dyn Display) -> Result<(), Failure> {
    let value = text(value);
    // URL parsers resolve `.` and `..` (even encoded), which would send the request elsewhere.
    if value.is_empty() || value == "." || value == ".." {
        return Err(Failure::InvalidRequest(format!(
            "path parameter `{name}` cannot be {}",
            if value.is_empty() { "empty".to_owned() } else { format!("`{value}`") }
        )));
    }
    path.extend(utf8_percent_encode(&value, COMPONENT));
    Ok(())
}

/// A query string under construction, without the leading `?`.
#[derive(Debug, Default)]
pub(crate) struct Query(String);

impl Query {
    pub(crate) fn push(&mut self, name: &str, value: &dyn Display) {
        if !self.0.is_empty() {
            self.0.push('&');
        }
        self.0.extend(utf8_percent_encode(name, COMPONENT));
        self.0.push('=');
        self.0.extend(utf8_percent_encode(&text(value), COMPONENT));
    }

    /// An array: `name=a&name=b` when `explode`, else `name=a,b`.
    #[allow(dead_code)] // used when the spec has array query parameters
    pub(crate) fn push_list<T: Display>(&mut self, name: &str, values: &[T], explode: bool) {
        if explode {
            for value in values {
                self.push(name, value);
            }
        } else {
            self.push(name, &Joined(values));
        }
    }

    pub(crate) fn as_str(&self) -> &str {
        &self.0
    }
}

/// Values joined with commas: arrays in paths and headers (`simple` style).
#[allow(dead_code)] // used when the spec has array path or header parameters
pub(crate) fn comma_joined<T: Display>(values: &[T]) -> impl Display + '_ {
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
pub(crate) fn cookie_pair(name: &str, value: &dyn Display) -> String {
    format!("{name}={}", utf8_percent_encode(&text(value), COMPONENT))
}
