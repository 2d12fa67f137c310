//! Stubs of the test server: what a request must look like (path parameters, query, headers,
//! body), and what it is answered with (a sequence, each answer with its status, headers, body,
//! delay, and fault). The generated, typed stub builders are thin layers over [`Stub`].
//!
//! Long, and kept whole: the matchers, the answers and the builder that sets both are one
//! vocabulary, and a mismatch is explained (`describe`) in the terms the builder used; apart,
//! the words of the explanation and of the API would drift.

use std::fmt;
use std::marker::PhantomData;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use percent_encoding::percent_decode_str;
use serde::Serialize;
use serde_json::Value;

use crate::encoding::Query;

/// Something a server does wrong on purpose, below the status and headers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Fault {
    /// Half the body is sent, then the connection is dropped.
    Reset,
    /// Half the body is sent as if it were all of it (`Content-Length` says so): JSON cut off.
    Truncated,
    /// The body comes `chunk` bytes at a time, one chunk every `every`.
    Trickle { chunk: usize, every: Duration },
    /// A body of `bytes` bytes (spaces), streamed without a length, never held in memory.
    Oversized { bytes: u64 },
}

/// One answer of a stub.
#[derive(Debug, Clone)]
pub struct Answer {
    pub(crate) status: u16,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Bytes,
    pub(crate) delay: Duration,
    pub(crate) fault: Option<Fault>,
}

impl Answer {
    pub fn status(status: u16) -> Answer {
        Answer {
            status,
            headers: Vec::new(),
            body: Bytes::new(),
            delay: Duration::ZERO,
            fault: None,
        }
    }

    /// `body` as JSON (a value that cannot be written as JSON answers `500`, saying why).
    pub fn json<T: Serialize + ?Sized>(status: u16, body: &T) -> Answer {
        match serde_json::to_vec(body) {
            Ok(bytes) => Answer::raw_json(status, bytes),
            Err(e) => Answer::raw_json(500, serde_json::json!({"error": format!("the stub's body cannot be written as JSON: {e}")}).to_string()),
        }
    }

    pub fn raw_json(status: u16, body: impl Into<Bytes>) -> Answer {
        let body = body.into();
        let mut answer = Answer::status(status);
        if !body.is_empty() {
            answer
                .headers
                .push(("content-type".to_owned(), "application/json".to_owned()));
        }
        answer.body = body;
        answer
    }
}

/// A request, as the stubs look at it.
pub struct Incoming<'a> {
    pub(crate) params: &'a [(&'a str, &'a str)],
    pub(crate) query: &'a str,
    pub(crate) headers: &'a hyper::HeaderMap,
    pub(crate) body: &'a Bytes,
}

/// What a request must have.
#[derive(Debug, Clone)]
enum Matcher {
    /// A path parameter's value, decoded.
    Path {
        name: String,
        value: String,
    },
    /// Query pairs (decoded), all present.
    Query(Vec<(String, String)>),
    Header {
        name: String,
        value: String,
    },
    /// The body, as JSON, equal to this.
    Body(Value),
    /// The body, as a form: these pairs (decoded, sorted); `None` when the stub's own body
    /// could not be written as a form.
    Form(Option<Vec<(String, String)>>),
}

impl Matcher {
    fn check(&self, request: &Incoming<'_>) -> Result<(), String> {
        match self {
            Matcher::Path { name, value } => {
                let got = request
                    .params
                    .iter()
                    .find(|(n, _)| n == name)
                    .map(|(_, v)| decode(v));
                match got {
                    Some(got) if got == *value => Ok(()),
                    got => Err(format!(
                        "path parameter `{name}`: expected `{}`, got `{}`",
                        printable(value),
                        printable(&got.unwrap_or_default())
                    )),
                }
            }
            Matcher::Query(pairs) => {
                let got = query_pairs(request.query);
                match pairs.iter().find(|pair| !got.contains(pair)) {
                    None => Ok(()),
                    Some((name, value)) => {
                        let sent: Vec<&str> = got
                            .iter()
                            .filter(|(n, _)| n == name)
                            .map(|(_, v)| v.as_str())
                            .collect();
                        Err(format!(
                            "query `{}`: expected `{}`, got {}",
                            printable(name),
                            printable(value),
                            if sent.is_empty() {
                                "none".to_owned()
                            } else {
                                format!("`{}`", printable(&sent.join("`, `")))
                            }
                        ))
                    }
                }
            }
            Matcher::Header { name, value } => match request
                .headers
                .get(name.as_str())
                .and_then(|v| v.to_str().ok())
            {
                Some(got) if got == value => Ok(()),
                got => Err(format!(
                    "header `{name}`: expected `{}`, got `{}`",
                    printable(value),
                    printable(got.unwrap_or("none"))
                )),
            },
            Matcher::Body(expected) => match serde_json::from_slice::<Value>(request.body) {
                Ok(got) => match difference(expected, &got, "") {
                    None => Ok(()),
                    Some(at) => Err(format!(
                        "body differs at `{}`",
                        if at.is_empty() { "/" } else { &at }
                    )),
                },
                Err(_) => Err("body: expected JSON".to_owned()),
            },
            Matcher::Form(None) => Err("the stub's body cannot be written as a form".to_owned()),
            Matcher::Form(Some(expected)) => {
                let got = form_pairs(request.body);
                // Fields whose values differ, are missing, or are not expected; named once each.
                let mut differing: Vec<&str> = expected
                    .iter()
                    .filter(|pair| !got.contains(pair))
                    .chain(got.iter().filter(|pair| !expected.contains(pair)))
                    .map(|(name, _)| name.as_str())
                    .collect();
                differing.sort_unstable();
                differing.dedup();
                if differing.is_empty() {
                    return Ok(());
                }
                let shown: Vec<String> = differing
                    .iter()
                    .take(5)
                    .map(|name| format!("`{}`", printable(name)))
                    .collect();
                Err(format!(
                    "form body differs at {}{}",
                    shown.join(", "),
                    if differing.len() > 5 { ", …" } else { "" }
                ))
            }
        }
    }
}

/// The pairs of a form body, decoded and sorted (a form's order means nothing).
fn form_pairs(body: &[u8]) -> Vec<(String, String)> {
    let text = String::from_utf8_lossy(body).replace('+', " ");
    let mut pairs = query_pairs(&text);
    pairs.sort();
    pairs
}

fn decode(text: &str) -> String {
    percent_decode_str(text).decode_utf8_lossy().into_owned()
}

/// The pairs of a raw query, decoded.
fn query_pairs(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            (decode(name), decode(value))
        })
        .collect()
}

/// The first place where `a` and `b` differ, as a JSON pointer.
fn difference(a: &Value, b: &Value, at: &str) -> Option<String> {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            x.keys()
                .chain(y.keys())
                .find_map(|k| match (x.get(k), y.get(k)) {
                    (Some(v), Some(w)) => difference(v, w, &format!("{at}/{k}")),
                    _ => Some(format!("{at}/{k}")),
                })
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => x
            .iter()
            .zip(y)
            .enumerate()
            .find_map(|(i, (v, w))| difference(v, w, &format!("{at}/{i}"))),
        (Value::Number(x), Value::Number(y)) if x.as_f64() == y.as_f64() => None,
        _ if a == b => None,
        _ => Some(at.to_owned()),
    }
}

/// A registered stub.
pub struct StubState {
    pub(crate) operation: &'static str,
    matchers: Vec<Matcher>,
    answers: Vec<Answer>,
    /// At most this many answers in all (`times`).
    limit: Option<usize>,
    pub(crate) calls: usize,
}

impl StubState {
    pub fn matches(&self, request: &Incoming<'_>) -> Result<(), Vec<String>> {
        let differences: Vec<String> = self
            .matchers
            .iter()
            .filter_map(|m| m.check(request).err())
            .collect();
        if differences.is_empty() {
            Ok(())
        } else {
            Err(differences)
        }
    }

    pub fn exhausted(&self) -> bool {
        self.limit.is_some_and(|limit| self.calls >= limit)
    }

    /// The answer for the next call: the answers in turn, the last one repeating.
    pub fn next_answer(&mut self) -> Answer {
        let answer = self
            .answers
            .get(self.calls.min(self.answers.len().saturating_sub(1)))
            .cloned()
            .unwrap_or_else(|| Answer::status(200));
        self.calls += 1;
        answer
    }

    /// `getUser (user_id = "u1", query search=x)`, for messages.
    pub fn describe(&self) -> String {
        let parts: Vec<String> = self
            .matchers
            .iter()
            .map(|m| match m {
                Matcher::Path { name, value } => format!("{name} = `{}`", printable(value)),
                Matcher::Query(pairs) => pairs
                    .iter()
                    .map(|(n, v)| format!("?{}={}", printable(n), printable(v)))
                    .collect::<Vec<_>>()
                    .join(" "),
                Matcher::Header { name, value } => format!("header {name}: {}", printable(value)),
                Matcher::Body(_) => "a body".to_owned(),
                Matcher::Form(_) => "a form body".to_owned(),
            })
            .collect();
        format!(
            "stub of {} ({})",
            self.operation,
            if parts.is_empty() {
                "any request".to_owned()
            } else {
                parts.join(", ")
            }
        )
    }
}

/// Where a stub goes once it has its answers: the server it was set up on. The server
/// (`testing_server`) implements it, so this module, which the server uses to match and answer,
/// never needs the server back.
pub trait Registry: Send + Sync {
    /// Keeps `stub` for matching; the handle shares it (its calls, its remaining answers).
    fn register(&self, stub: StubState) -> Arc<Mutex<StubState>>;
}

/// Text from a request for a message: decoded, invisible characters escaped, bounded.
pub fn printable(text: &str) -> String {
    crate::error::printable(&percent_decode_str(text).decode_utf8_lossy(), 200)
}

/// A stub being set up: what it matches. The generated builders (`server.users().get_user(…)`)
/// wrap one; a generated crate's `TestServer::operation` gives one for any operation by
/// `operationId`.
#[must_use = "a stub answers nothing until one of its `returns…` methods registers it"]
pub struct Stub {
    server: Arc<dyn Registry>,
    state: StubState,
}

impl fmt::Debug for Stub {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.state.describe())
    }
}

impl Stub {
    pub fn new(server: Arc<dyn Registry>, operation: &'static str) -> Stub {
        Stub {
            server,
            state: StubState {
                operation,
                matchers: Vec::new(),
                answers: Vec::new(),
                limit: None,
                calls: 0,
            },
        }
    }

    /// Matches a path parameter, given as the client sends it (encoded the same way).
    pub fn path_param(mut self, name: &str, value: impl fmt::Display) -> Self {
        self.state
            .matchers
            .retain(|m| !matches!(m, Matcher::Path { name: n, .. } if n == name));
        self.state.matchers.push(Matcher::Path {
            name: name.to_owned(),
            value: value.to_string(),
        });
        self
    }

    /// Matches a query parameter.
    pub fn query(self, name: &str, value: impl fmt::Display) -> Self {
        self.query_with(|query| query.push(name, &value))
    }

    /// Matches the query pairs that `add` writes, as the client writes them.
    #[allow(dead_code)] // used when the spec has query parameters
    pub fn query_with(mut self, add: impl FnOnce(&mut Query)) -> Self {
        let mut query = Query::default();
        add(&mut query);
        self.state
            .matchers
            .push(Matcher::Query(query_pairs(query.as_str())));
        self
    }

    pub fn header(mut self, name: &str, value: impl fmt::Display) -> Self {
        self.state.matchers.push(Matcher::Header {
            name: name.to_ascii_lowercase(),
            value: value.to_string(),
        });
        self
    }

    /// Matches a body equal to `body` as JSON.
    pub fn json_body(mut self, body: &impl Serialize) -> Self {
        self.state
            .matchers
            .retain(|m| !matches!(m, Matcher::Body(_) | Matcher::Form(_)));
        if let Ok(value) = serde_json::to_value(body) {
            self.state.matchers.push(Matcher::Body(value));
        }
        self
    }

    /// Matches a form body with the pairs of `encoded` (a form the generated stub wrote with
    /// the client's own encoder), in any order.
    #[allow(dead_code)] // used when the spec has form bodies
    pub fn form_body(mut self, encoded: Option<String>) -> Self {
        self.state
            .matchers
            .retain(|m| !matches!(m, Matcher::Body(_) | Matcher::Form(_)));
        let pairs = encoded.map(|form| form_pairs(form.as_bytes()));
        self.state.matchers.push(Matcher::Form(pairs));
        self
    }

    /// Any body matches (drops the body this stub was given).
    pub fn any_body(mut self) -> Self {
        self.state
            .matchers
            .retain(|m| !matches!(m, Matcher::Body(_) | Matcher::Form(_)));
        self
    }

    /// Any value of this path parameter matches (by its name in the spec).
    pub fn any_path_param(mut self, name: &str) -> Self {
        self.state
            .matchers
            .retain(|m| !matches!(m, Matcher::Path { name: n, .. } if n == name));
        self
    }

    /// Answers at most `times` requests, then matches no more.
    pub fn times(mut self, times: usize) -> Self {
        self.state.limit = Some(times);
        self
    }

    /// Answers with `body` (as JSON) and `status`.
    pub fn returns_json(self, status: u16, body: &impl Serialize) -> StubHandle {
        self.register(Answer::json(status, body))
    }

    /// Answers with `status` and no body.
    pub fn returns_status(self, status: u16) -> StubHandle {
        self.register(Answer::status(status))
    }

    /// Answers with `status` and a body that misbehaves (see [`Fault`]).
    pub fn fault(self, status: u16, body: impl Into<Bytes>, fault: Fault) -> StubHandle {
        let mut answer = Answer::raw_json(status, body);
        answer.fault = Some(fault);
        self.register(answer)
    }

    pub fn register(mut self, answer: Answer) -> StubHandle {
        self.state.answers.push(answer);
        let stub = self.server.register(self.state);
        StubHandle {
            stub,
            typed: PhantomData,
        }
    }
}

/// What a typed stub answers with: how an operation's result becomes a status and a body.
/// Implemented by the generated stubs, so [`StubHandle::then_returns`] takes typed values.
pub trait Answers {
    /// The operation's result (what `returns` takes).
    type Output;

    #[doc(hidden)]
    fn answer(output: &Self::Output) -> (u16, Value);
}

/// A registered stub: it answers at once. Further answers for later calls, limits and delays
/// are added here, in any order, also taking effect at once. Not `#[must_use]`: the stub is
/// registered already, and a test that wants nothing more drops the handle
/// (`server.users().get_user("u1").returns(user);`).
pub struct StubHandle<T = ()> {
    stub: Arc<Mutex<StubState>>,
    typed: PhantomData<fn() -> T>,
}

impl<T> fmt::Debug for StubHandle<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.lock().describe())
    }
}

impl<T> StubHandle<T> {
    #[allow(dead_code)] // used by the generated stubs
    pub fn typed<U>(self) -> StubHandle<U> {
        StubHandle {
            stub: self.stub,
            typed: PhantomData,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, StubState> {
        self.stub
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn last(&self, change: impl FnOnce(&mut Answer)) {
        if let Some(answer) = self.lock().answers.last_mut() {
            change(answer);
        }
    }

    /// Answers at most `times` requests in all, then matches no more.
    pub fn times(self, times: usize) -> Self {
        self.lock().limit = Some(times);
        self
    }

    /// Waits `delay` before answering (the last answer added).
    pub fn delay(self, delay: Duration) -> Self {
        self.last(|answer| answer.delay = delay);
        self
    }

    /// Adds a header to the last answer added (`Retry-After`, `Location`, …).
    pub fn header(self, name: &str, value: impl fmt::Display) -> Self {
        self.last(|answer| answer.headers.push((name.to_owned(), value.to_string())));
        self
    }

    /// Makes the last answer added misbehave (see [`Fault`]).
    pub fn with_fault(self, fault: Fault) -> Self {
        self.last(|answer| answer.fault = Some(fault));
        self
    }

    /// The next call is answered with `status` and no body (then the one after, …).
    pub fn then_returns_status(self, status: u16) -> Self {
        self.lock().answers.push(Answer::status(status));
        self
    }

    /// The next call is answered with `body` as JSON.
    pub fn then_returns_json(self, status: u16, body: &impl Serialize) -> Self {
        self.lock().answers.push(Answer::json(status, body));
        self
    }

    /// How many requests this stub has answered.
    pub fn calls(&self) -> usize {
        self.lock().calls
    }
}

impl<T: Answers> StubHandle<T> {
    /// The next call is answered with `output`, as the operation documents it.
    pub fn then_returns(self, output: T::Output) -> Self {
        let (status, body) = T::answer(&output);
        self.lock().answers.push(Answer::json(status, &body));
        self
    }
}

/// The methods every typed stub has, from its [`Answers`] implementation and its `stub: Stub`
/// field: `returns` (the operation's typed result), `returns_status`, `returns_json`, `fault`,
/// `times`, `any_body`, `any_path_param` and `untyped`.
///
/// ```text
/// stub_methods!(GetUserStub => crate::types::User);
/// ```
#[allow(unused_macros)] // used by the generated stubs, when the spec has operations
#[macro_export]
#[doc(hidden)]
macro_rules! __stub_methods {
    ($stub:ident => $output:ty) => {
        impl $stub {
            /// Answers with `output`, as the operation documents it (status and body).
            #[inline]
            pub fn returns(self, output: $output) -> $crate::testing::StubHandle<Self> {
                match <Self as $crate::testing::Answers>::answer(&output) {
                    (status, ::serde_json::Value::Null) => self.stub.returns_status(status).typed(),
                    (status, body) => self.stub.returns_json(status, &body).typed(),
                }
            }

            /// Answers with `status` and no body.
            #[inline]
            pub fn returns_status(self, status: u16) -> $crate::testing::StubHandle<Self> {
                self.stub.returns_status(status).typed()
            }

            /// Answers with `status` and `body` as JSON, whatever the spec says.
            #[inline]
            pub fn returns_json(
                self,
                status: u16,
                body: &impl ::serde::Serialize,
            ) -> $crate::testing::StubHandle<Self> {
                self.stub.returns_json(status, body).typed()
            }

            /// Answers with `status` and `body`, misbehaving as `fault` says.
            #[inline]
            pub fn fault(
                self,
                status: u16,
                body: impl ::core::convert::Into<::bytes::Bytes>,
                fault: $crate::testing::Fault,
            ) -> $crate::testing::StubHandle<Self> {
                self.stub.fault(status, body, fault).typed()
            }

            /// Answers at most `times` requests.
            #[inline]
            pub fn times(mut self, times: usize) -> Self {
                self.stub = self.stub.times(times);
                self
            }

            /// Any body matches.
            #[inline]
            pub fn any_body(mut self) -> Self {
                self.stub = self.stub.any_body();
                self
            }

            /// Any value of this path parameter matches (by its name in the spec).
            #[inline]
            pub fn any_path_param(mut self, name: &str) -> Self {
                self.stub = self.stub.any_path_param(name);
                self
            }

            /// The stub, untyped: to match a header, say, or the query by hand.
            #[inline]
            pub fn untyped(self) -> $crate::testing::Stub {
                self.stub
            }
        }
    };
}

#[allow(unused_imports)] // used by the generated stubs, when the spec has operations
#[doc(hidden)]
pub use __stub_methods as stub_methods;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_differ_at_a_pointer_and_numbers_by_value() {
        let a = serde_json::json!({"a": [1, {"b": 2}], "c": 5});
        assert_eq!(
            difference(&a, &serde_json::json!({"a": [1, {"b": 2}], "c": 5.0}), ""),
            None
        );
        assert_eq!(
            difference(&a, &serde_json::json!({"a": [1, {"b": 3}], "c": 5}), "").as_deref(),
            Some("/a/1/b")
        );
        assert_eq!(
            difference(&a, &serde_json::json!({"a": [1, {"b": 2}]}), "").as_deref(),
            Some("/c")
        );
        assert_eq!(
            query_pairs("a=1&b=x%20y&flag"),
            vec![
                ("a".into(), "1".into()),
                ("b".into(), "x y".into()),
                ("flag".into(), String::new())
            ]
        );
    }
}
