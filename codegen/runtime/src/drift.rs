//! Drift: where a response departs from the spec.
//!
//! Open models decode any object (so tenant-defined properties are never lost), which means a
//! body the spec does not describe would "decode" into `additional_properties` and nobody would
//! know. So while decoding, the client notes every departure from the spec: a property the
//! schema does not declare, a required one missing, an object that shares no property with its
//! schema, an enum value the spec does not list, a value of another type, a status the operation
//! does not document. Each is a [`Drift`]: its kind and a JSON pointer, never the value there
//! (values can be personal data).
//!
//! Decoding stays as fast as before for a body that fits its schema: the first pass is the
//! plain decoder, which only counts departures (a thread-local counter, touched only when one
//! happens). When it counted any, or failed, the body is decoded a second time from a
//! `serde_json::Value` through a deserializer that keeps track of where it is ([`tracked`](crate::tracked)),
//! and the same code paths then record each departure with its pointer. The pointer names
//! properties and writes `*` for every array element and map entry, so one drift in a list of
//! 500 is one place, and map keys (which are data) never appear.
//!
//! Decoding is synchronous (it never awaits), so the thread-local state belongs to one decode.

use std::cell::{Cell, RefCell};
use std::fmt;

use serde::de::DeserializeOwned;

/// What kind of departure from the spec.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum DriftKind {
    /// A property the schema does not declare, in an object that does not say unlisted
    /// properties are expected. It is kept in `additional_properties`.
    UndeclaredProperty,
    /// A property the schema requires is missing (the decode fails).
    MissingRequired,
    /// An object shares no property with its schema, yet carries others: most likely another
    /// shape than the one documented (a wrapper, say). Everything is in `additional_properties`.
    NoDeclaredProperty,
    /// A string the spec's enum does not list. It is kept in the enum's `Unknown` variant.
    UnknownEnumValue,
    /// A value of another type than the schema's (the decode fails).
    TypeMismatch,
    /// A status the operation does not document.
    UndocumentedStatus,
}

impl DriftKind {
    /// The kind as written in logs and reports: `undeclared-property`, …
    pub fn as_str(&self) -> &'static str {
        match self {
            DriftKind::UndeclaredProperty => "undeclared-property",
            DriftKind::MissingRequired => "missing-required",
            DriftKind::NoDeclaredProperty => "no-declared-property",
            DriftKind::UnknownEnumValue => "unknown-enum-value",
            DriftKind::TypeMismatch => "type-mismatch",
            DriftKind::UndocumentedStatus => "undocumented-status",
        }
    }

    /// The kind written as [`as_str`](Self::as_str) gives it.
    pub fn parse(text: &str) -> Option<DriftKind> {
        ALL.iter().copied().find(|kind| kind.as_str() == text)
    }
}

const ALL: [DriftKind; 6] = [
    DriftKind::UndeclaredProperty,
    DriftKind::MissingRequired,
    DriftKind::NoDeclaredProperty,
    DriftKind::UnknownEnumValue,
    DriftKind::TypeMismatch,
    DriftKind::UndocumentedStatus,
];

impl fmt::Display for DriftKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One place where a response departs from the spec: what, and where; never the value there.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Drift {
    kind: DriftKind,
    pointer: String,
}

impl Drift {
    pub fn new(kind: DriftKind, pointer: String) -> Self {
        Drift { kind, pointer }
    }

    pub fn kind(&self) -> DriftKind {
        self.kind
    }

    /// Where in the body, as a JSON pointer (RFC 6901) with `*` for every array element and map
    /// entry: `/results/*/data`. Empty for the body as a whole.
    pub fn pointer(&self) -> &str {
        &self.pointer
    }
}

impl fmt::Display for Drift {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.pointer.is_empty() {
            write!(f, "{} (the body)", self.kind)
        } else {
            write!(f, "{} at {}", self.kind, self.pointer)
        }
    }
}

/// At most this many departures are recorded per response; a body that departs everywhere
/// says so soon enough.
pub const MAX_PER_RESPONSE: usize = 64;

/// The longest property name kept in a pointer (a longer one is cut, with `…`).
const MAX_NAME: usize = 64;

/// The state of the decode running on this thread.
struct State {
    /// Whether this is the second, recording pass.
    tracking: Cell<bool>,
    /// Departures counted by the first pass.
    count: Cell<u32>,
    /// Where the tracked decoder is: property names and `*`.
    path: RefCell<Vec<&'static str>>,
    /// The name of the next value's segment, set by a model for a property it declares.
    pending: Cell<Option<&'static str>>,
    /// Departures recorded by the second pass.
    found: RefCell<Vec<Drift>>,
}

thread_local! {
    static STATE: State = const {
        State {
            tracking: Cell::new(false),
            count: Cell::new(0),
            path: RefCell::new(Vec::new()),
            pending: Cell::new(None),
            found: RefCell::new(Vec::new()),
        }
    };
}

/// Runs `decode` (a pure function of a body) and says where the body departs from the spec:
/// once plainly, and, only when that counted a departure or `failed`, once more recording
/// where. The result is the first run's.
pub fn check<R>(decode: impl Fn() -> R, failed: impl Fn(&R) -> bool) -> (R, Vec<Drift>) {
    STATE.with(|s| s.count.set(0));
    let result = decode();
    let counted = STATE.with(|s| s.count.get());
    if counted == 0 && !failed(&result) {
        return (result, Vec::new());
    }
    STATE.with(|s| {
        s.tracking.set(true);
        s.path.borrow_mut().clear();
        s.pending.set(None);
        s.found.borrow_mut().clear();
    });
    let _ = decode();
    let mut found = STATE.with(|s| {
        s.tracking.set(false);
        s.path.borrow_mut().clear();
        std::mem::take(&mut *s.found.borrow_mut())
    });
    found.sort();
    found.dedup();
    (result, found)
}

/// Decodes `bytes` as JSON into `T`, and says where it departs from the spec `T` was generated
/// from. For bodies obtained elsewhere (a webhook, a file, a test fixture).
pub fn decode_with_drift<T: DeserializeOwned>(
    bytes: &[u8],
) -> (Result<T, serde_json::Error>, Vec<Drift>) {
    check(|| decode_json::<T>(bytes), Result::is_err)
}

/// Decodes JSON: with the plain decoder, or in the recording pass, through the tracked one.
pub fn decode_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, serde_json::Error> {
    if !tracking() {
        return serde_json::from_slice(bytes);
    }
    let value: serde_json::Value = serde_json::from_slice(bytes)?;
    T::deserialize(crate::tracked::Tracked::new(&value)).map_err(serde::de::Error::custom)
}

/// Whether this is the recording pass (read once per object by the models).
pub fn tracking() -> bool {
    STATE.with(|s| s.tracking.get())
}

/// Notes a departure at the current place (counted in the first pass, recorded in the second).
fn note(kind: DriftKind, last: Option<&str>) {
    STATE.with(|s| {
        if !s.tracking.get() {
            s.count.set(s.count.get().saturating_add(1));
            return;
        }
        let mut found = s.found.borrow_mut();
        if found.len() < MAX_PER_RESPONSE {
            found.push(Drift::new(kind, pointer(&s.path.borrow(), last)));
        }
    });
}

/// A property `key` the model does not declare.
#[allow(dead_code)] // used when the spec has structs
pub fn undeclared(key: &str) {
    note(DriftKind::UndeclaredProperty, Some(key));
}

/// An object with none of its model's properties, and others.
#[allow(dead_code)] // used when the spec has structs
pub fn no_declared_property() {
    note(DriftKind::NoDeclaredProperty, None);
}

/// A string the enum does not list.
#[allow(dead_code)] // used when the spec has string enums
pub fn unknown_enum_value() {
    note(DriftKind::UnknownEnumValue, None);
}

/// A required property `name` is missing.
pub fn missing_required(name: &str) {
    note(DriftKind::MissingRequired, Some(name));
}

/// `null` for the property `name`, which the spec does not mark nullable (an optional one: the
/// value is read as absent, and noted).
pub fn null_not_allowed(name: &str) {
    note(DriftKind::TypeMismatch, Some(name));
}

/// A value of another type, or one that fits no variant.
pub fn type_mismatch() {
    note(DriftKind::TypeMismatch, None);
}

/// A body that did not decode where the caller carries on (a documented error body): counted
/// in the first pass, so the second says where (its own errors record themselves).
#[allow(dead_code)] // used when the spec documents error bodies
pub fn failed_decode() {
    STATE.with(|s| {
        if !s.tracking.get() {
            s.count.set(s.count.get().saturating_add(1));
        }
    });
}

/// In the recording pass, names the next value's segment (a declared property's wire name).
#[allow(dead_code)] // used when the spec has structs
pub fn name_next(wire: &'static str) {
    STATE.with(|s| s.pending.set(Some(wire)));
}

/// Enters the value of the current map entry or array element (the tracked decoder).
pub fn enter() {
    STATE.with(|s| {
        let segment = s.pending.take().unwrap_or("*");
        s.path.borrow_mut().push(segment);
    });
}

/// Leaves it.
pub fn leave() {
    STATE.with(|s| {
        s.path.borrow_mut().pop();
    });
}

/// How many departures were noted so far, to try something and take it back.
#[derive(Clone, Copy)]
#[allow(dead_code)] // used when the spec has oneOf enums
pub struct Mark {
    count: u32,
    found: usize,
    depth: usize,
}

#[allow(dead_code)] // used when the spec has oneOf enums
pub fn mark() -> Mark {
    STATE.with(|s| Mark {
        count: s.count.get(),
        found: s.found.borrow().len(),
        depth: s.path.borrow().len(),
    })
}

/// Whether nothing was noted since `mark`.
#[allow(dead_code)] // used when the spec has oneOf enums
pub fn clean_since(mark: Mark) -> bool {
    STATE.with(|s| s.count.get() == mark.count && s.found.borrow().len() == mark.found)
}

/// Forgets what was noted since `mark`, and gives it back (to restore it later).
#[allow(dead_code)] // used when the spec has oneOf enums
pub fn take_since(mark: Mark) -> (u32, Vec<Drift>) {
    STATE.with(|s| {
        let count = s.count.replace(mark.count) - mark.count;
        s.path.borrow_mut().truncate(mark.depth);
        s.pending.set(None);
        (count, s.found.borrow_mut().split_off(mark.found))
    })
}

/// Notes again what [`take_since`] took.
#[allow(dead_code)] // used when the spec has oneOf enums
pub fn restore((count, found): (u32, Vec<Drift>)) {
    STATE.with(|s| {
        s.count.set(s.count.get().saturating_add(count));
        s.found.borrow_mut().extend(found);
    });
}

/// The JSON pointer of `path`, with `last` appended: names escaped as RFC 6901 says, made
/// printable and cut at [`MAX_NAME`] characters.
fn pointer(path: &[&str], last: Option<&str>) -> String {
    let mut out = String::new();
    for segment in path.iter().copied().chain(last) {
        out.push('/');
        for (count, c) in segment.chars().enumerate() {
            if count == MAX_NAME {
                out.push('…');
                break;
            }
            match c {
                '~' => out.push_str("~0"),
                '/' => out.push_str("~1"),
                c if c.is_control() || crate::error::is_hidden(c) => out.extend(c.escape_unicode()),
                c => out.push(c),
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointers_escape_names_and_cut_long_ones() {
        assert_eq!(
            pointer(&["results", "*"], Some("a/b~c")),
            "/results/*/a~1b~0c"
        );
        assert_eq!(pointer(&[], None), "");
        let long = "x".repeat(100);
        assert_eq!(
            pointer(&[], Some(&long)),
            format!("/{}…", "x".repeat(MAX_NAME))
        );
        assert_eq!(pointer(&[], Some("a\u{202e}b\n")), "/a\\u{202e}b\\u{a}");
    }

    #[test]
    fn kinds_read_back_as_written() {
        for kind in ALL {
            assert_eq!(DriftKind::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(DriftKind::parse("other"), None);
    }
}
