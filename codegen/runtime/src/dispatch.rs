//! From JSON arguments to a typed call, and from its response to JSON: what the generated
//! dispatch (`Api::call`) is made of.
//!
//! A front end (the command line, the MCP server) gathers an operation's arguments as JSON,
//! named by their wire names (`userId`, `foreign[system]`) and `body`. [`Args`] checks them
//! against the operation's table entry (a name it does not have, an enum value it does not
//! list, a value of another kind: an error naming the argument, before anything is sent), and
//! the generated code reads each into the Rust type of its setter with serde, as the client
//! would take it. The call's response comes back as an [`Outcome`]: status, headers, and the
//! body as the server sent it.

use std::fmt;

use bytes::Bytes;
use reqwest::header::HeaderMap;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::error::Error;
use crate::request::FullResponseFuture;
use crate::table::{Kind, Operation};
use crate::transport::BoxFuture;

/// How a front end wants the call made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// One request, its response whole.
    Once,
    /// Every item of every page (a paginated operation), one by one.
    All,
    /// The body as it arrives: bytes, or events (an operation whose success body is either).
    Stream,
}

/// A call on its way.
pub enum Call {
    /// One response.
    Response(BoxFuture<'static, Result<Outcome, Error>>),
    /// Items of pages, or events: JSON values one by one, after the response's head.
    Values(BoxFuture<'static, Result<Box<dyn Values>, Error>>),
    /// A body read as it arrives.
    #[cfg(feature = "stream")]
    Bytes(BoxFuture<'static, Result<crate::ByteStream, Error>>),
}

/// JSON values that arrive one by one: the items of pages, or the data of events.
pub trait Values: Send {
    /// The next value, or `None` after the last.
    fn next(&mut self) -> BoxFuture<'_, Result<Option<Value>, Error>>;
}

impl Call {
    /// The call of a builder sent once (`send_with_response()`): its response as an
    /// [`Outcome`], the body as the server sent it (the typed decode still ran: a body that is
    /// not the operation's type is an error, and drift is noted).
    pub fn respond<T: Send + 'static, E: Send + 'static>(
        response: FullResponseFuture<T, E>,
    ) -> Call {
        Call::Response(Box::pin(async move {
            match response.await {
                Ok(response) => {
                    let (status, headers, raw, _) = response.into_parts();
                    Ok(Outcome::new(status.as_u16(), headers, raw))
                }
                Err(error) => Err(error.into_untyped()),
            }
        }))
    }

    /// Every item of a paginated builder's pages, as JSON.
    #[cfg(feature = "paginate")]
    pub fn items<B>(items: crate::Items<B>) -> Call
    where
        B: crate::Paginated,
        B::Item: serde::Serialize + Send,
        B::Error: Send,
        B::Page: Send,
        crate::Items<B>: Send,
    {
        Call::Values(Box::pin(std::future::ready(Ok(
            Box::new(items) as Box<dyn Values>
        ))))
    }

    /// A builder's body as bytes, as they arrive.
    #[cfg(feature = "stream")]
    pub fn bytes<E: Send + 'static>(stream: crate::StreamFuture<E>) -> Call {
        Call::Bytes(Box::pin(async move {
            stream.await.map_err(Error::into_untyped)
        }))
    }

    /// A builder's events, each one's data as JSON.
    #[cfg(feature = "events")]
    pub fn events<T, E>(events: crate::EventsFuture<T, E>) -> Call
    where
        T: serde::Serialize + DeserializeOwned + Send + 'static,
        E: Send + 'static,
    {
        Call::Values(Box::pin(async move {
            events
                .await
                .map(|stream| Box::new(stream) as Box<dyn Values>)
                .map_err(Error::into_untyped)
        }))
    }
}

/// A value that cannot be written as JSON (a map with keys that are not text, say).
#[cfg(any(feature = "paginate", feature = "events"))]
fn unwritable(e: serde_json::Error) -> Error {
    Error::InvalidRequest(crate::error::InvalidRequestError {
        message: format!("a value cannot be written as JSON: {e}"),
    })
}

#[cfg(feature = "paginate")]
impl<B> Values for crate::Items<B>
where
    B: crate::Paginated,
    B::Item: serde::Serialize + Send,
    B::Error: Send,
    crate::Items<B>: Send,
{
    fn next(&mut self) -> BoxFuture<'_, Result<Option<Value>, Error>> {
        Box::pin(async move {
            match crate::Items::next(self).await {
                None => Ok(None),
                Some(Ok(item)) => serde_json::to_value(item).map(Some).map_err(unwritable),
                Some(Err(error)) => Err(error.into_untyped()),
            }
        })
    }
}

#[cfg(feature = "events")]
impl<T> Values for crate::EventStream<T>
where
    T: serde::Serialize + DeserializeOwned + Send,
{
    fn next(&mut self) -> BoxFuture<'_, Result<Option<Value>, Error>> {
        Box::pin(async move {
            match self.next_event().await? {
                None => Ok(None),
                Some(event) => serde_json::to_value(&event.data)
                    .map(Some)
                    .map_err(unwritable),
            }
        })
    }
}

/// A response, as a front end shows it.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub status: u16,
    pub headers: HeaderMap,
    /// The body exactly as received.
    pub raw: Bytes,
}

impl Outcome {
    pub fn new(status: u16, headers: HeaderMap, raw: Bytes) -> Outcome {
        Outcome {
            status,
            headers,
            raw,
        }
    }

    /// The body as JSON, when it is JSON (`null` when it is empty).
    pub fn json(&self) -> Option<Value> {
        if self.raw.is_empty() {
            return Some(Value::Null);
        }
        serde_json::from_slice(&self.raw).ok()
    }
}

/// Why a call could not be made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallError {
    /// An argument is missing, unknown, or not what its parameter takes: nothing was sent.
    Argument {
        /// Its wire name (`body`, or `body.path.to.field` for a body's field).
        name: String,
        message: String,
    },
}

impl fmt::Display for CallError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CallError::Argument { name, message } => write!(f, "`{name}`: {message}"),
        }
    }
}

impl std::error::Error for CallError {}

/// The arguments of one call, checked against its operation and read by type.
#[derive(Debug)]
pub struct Args {
    operation: &'static Operation,
    values: Map<String, Value>,
    /// A raw body's bytes (an operation whose body is bytes).
    bytes: Option<Bytes>,
}

impl Args {
    /// `values` (by wire name, and `body`) for `operation`: each checked against its parameter's
    /// kind, and no name the operation does not have.
    pub fn new(
        operation: &'static Operation,
        values: Map<String, Value>,
        bytes: Option<Bytes>,
    ) -> Result<Args, CallError> {
        for (name, value) in &values {
            if name == "body" {
                continue;
            }
            let Some(param) = operation.param(name) else {
                let names = operation
                    .params
                    .iter()
                    .map(|p| p.key)
                    .chain(operation.body.as_ref().map(|_| "body"));
                return Err(CallError::Argument {
                    name: name.clone(),
                    message: match closest(name, names) {
                        Some(near) => format!(
                            "not a parameter of `{}` (did you mean `{near}`?)",
                            operation.id
                        ),
                        None => format!("not a parameter of `{}`", operation.id),
                    },
                });
            };
            check_kind(param.kind, value).map_err(|message| CallError::Argument {
                name: name.clone(),
                message,
            })?;
        }
        if values.contains_key("body") && operation.body.is_none() {
            return Err(CallError::Argument {
                name: "body".to_owned(),
                message: format!("`{}` takes no body", operation.id),
            });
        }
        for param in operation.params.iter().filter(|p| p.required) {
            if !values.contains_key(param.key) {
                return Err(CallError::Argument {
                    name: param.key.to_owned(),
                    message: "is required".to_owned(),
                });
            }
        }
        Ok(Args {
            operation,
            values,
            bytes,
        })
    }

    /// The operation the arguments are for.
    pub fn operation(&self) -> &'static Operation {
        self.operation
    }

    /// A required argument, read as `T`.
    pub fn required<T: DeserializeOwned>(&self, wire: &str) -> Result<T, CallError> {
        self.optional(wire)?.ok_or_else(|| CallError::Argument {
            name: wire.to_owned(),
            message: "is required".to_owned(),
        })
    }

    /// An optional argument, read as `T` (`None` when it is not given).
    pub fn optional<T: DeserializeOwned>(&self, wire: &str) -> Result<Option<T>, CallError> {
        let Some(value) = self.values.get(wire) else {
            return Ok(None);
        };
        // A parameter's text is its value (`"7"` for an integer, as a command line gives it).
        let value = match (value, self.operation.param(wire).map(|p| p.kind)) {
            (Value::String(text), Some(Kind::Integer | Kind::Number | Kind::Boolean)) => {
                serde_json::from_str(text).unwrap_or_else(|_| value.clone())
            }
            _ => value.clone(),
        };
        serde_json::from_value(value)
            .map(Some)
            .map_err(|e| CallError::Argument {
                name: wire.to_owned(),
                message: without_position(&crate::error::without_values(&e.to_string())),
            })
    }

    /// The body, read as `T`; an error names the field that does not fit (`body.a.b`).
    pub fn body<T: DeserializeOwned>(&self) -> Result<Option<T>, CallError> {
        let Some(value) = self.values.get("body") else {
            return Ok(None);
        };
        let text = value.to_string();
        let mut deserializer = serde_json::Deserializer::from_str(&text);
        serde_path_to_error::deserialize(&mut deserializer)
            .map(Some)
            .map_err(|e| {
                let at = e.path().to_string();
                CallError::Argument {
                    name: if at == "." {
                        "body".to_owned()
                    } else {
                        format!("body.{at}")
                    },
                    message: without_position(&crate::error::without_values(
                        &e.inner().to_string(),
                    )),
                }
            })
    }

    /// A required body.
    pub fn required_body<T: DeserializeOwned>(&self) -> Result<T, CallError> {
        self.body()?.ok_or_else(|| CallError::Argument {
            name: "body".to_owned(),
            message: "is required".to_owned(),
        })
    }

    /// A body that is bytes (sent as the operation's media type).
    pub fn bytes(&mut self) -> Option<Bytes> {
        self.bytes.take()
    }

    /// A required body that is bytes.
    pub fn required_bytes(&mut self) -> Result<Bytes, CallError> {
        self.bytes().ok_or_else(|| CallError::Argument {
            name: "body".to_owned(),
            message: "is required (the bytes to send)".to_owned(),
        })
    }
}

/// A serde_json message without its ` at line 1 column 78`: the text it points into is the
/// front end's re-encoding, not anything the user wrote (the path says where).
fn without_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(at) if message[at..].contains(" column ") => message[..at].to_owned(),
        _ => message.to_owned(),
    }
}

/// Runs `read` (the dispatch, which reads the body) with a multipart body's files given as
/// `@path` read from those paths, each of at most `limit` bytes: what the command line does, and
/// the MCP server does not (there, a file's text is its content).
pub fn reading_files<R>(limit: u64, read: impl FnOnce() -> R) -> R {
    #[cfg(feature = "multipart")]
    return crate::multipart::reading_files(limit, read);
    #[cfg(not(feature = "multipart"))]
    {
        let _ = limit;
        read()
    }
}

/// Whether `value` is of `kind` (a command line's text for a number is fine: the typed read
/// parses it).
fn check_kind(kind: Kind, value: &Value) -> Result<(), String> {
    let text_of = |value: &Value| value.as_str().map(str::to_owned);
    match kind {
        Kind::Enum(values) => match text_of(value) {
            Some(text) if values.contains(&text.as_str()) => Ok(()),
            Some(text) => Err(match closest(&text, values.iter().copied()) {
                Some(near) => format!(
                    "`{}` is not one of {} (did you mean `{near}`?)",
                    crate::error::printable(&text, 100),
                    values.join(", ")
                ),
                None => format!(
                    "`{}` is not one of {}",
                    crate::error::printable(&text, 100),
                    values.join(", ")
                ),
            }),
            None => Err(format!("must be one of {}", values.join(", "))),
        },
        Kind::Integer => match value {
            Value::Number(n) if n.is_i64() || n.is_u64() => Ok(()),
            Value::String(text) if text.trim().parse::<i64>().is_ok() => Ok(()),
            _ => Err("must be an integer".to_owned()),
        },
        Kind::Number => match value {
            Value::Number(_) => Ok(()),
            Value::String(text) if text.trim().parse::<f64>().is_ok() => Ok(()),
            _ => Err("must be a number".to_owned()),
        },
        Kind::Boolean => match value {
            Value::Bool(_) => Ok(()),
            Value::String(text) if matches!(text.as_str(), "true" | "false") => Ok(()),
            _ => Err("must be true or false".to_owned()),
        },
        Kind::List(item) => match value {
            Value::Array(items) => items
                .iter()
                .enumerate()
                .try_for_each(|(i, v)| check_kind(*item, v).map_err(|e| format!("item {i}: {e}"))),
            other => check_kind(*item, other),
        },
        Kind::String | Kind::Json => Ok(()),
    }
}

/// The candidate closest to `name` by edit distance (case aside), when it is close enough to
/// be a typo; else one that begins with `name` (`user` for `user_id`).
pub fn closest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let name = name.to_lowercase();
    let candidates: Vec<&'a str> = candidates.into_iter().collect();
    candidates
        .iter()
        .map(|candidate| {
            (
                strsim::levenshtein(&name, &candidate.to_lowercase()),
                *candidate,
            )
        })
        .filter(|(d, candidate)| *d <= (candidate.chars().count() / 3).max(2))
        .min_by_key(|(d, _)| *d)
        .map(|(_, candidate)| candidate)
        .or_else(|| {
            candidates
                .iter()
                .filter(|candidate| {
                    name.chars().count() >= 3 && candidate.to_lowercase().starts_with(&name)
                })
                .min_by_key(|candidate| candidate.len())
                .copied()
        })
}
