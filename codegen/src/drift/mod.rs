//! From drift to correction: what the generated clients reported (or what saved responses show)
//! about where the API and the spec part ways, turned into overlay actions a reviewer can read,
//! each with its evidence.
//!
//! The evidence comes in three forms ([`Evidence`]): the client's `tracing` output (its WARN
//! events "response departs from the spec", as text or JSON lines), its drift report
//! (`DriftReport::to_json`), and responses saved to files (the operation, the status and the
//! body), which [`check()`] reads against the IR. Logs and reports carry no values (they never
//! do: values can be personal data), so what they lead to is a property of any type or a note;
//! saved responses also say what type it has, or which component schema it is.
//!
//! [`propose()`] locates each place in the spec (the document as the current overlay left it, so
//! the actions go at the end of that overlay) and writes an action per place.

use std::collections::BTreeMap;

use serde_json::Value;

mod check;
mod infer;
mod input;
mod propose;

pub use check::{Finding, check};
pub use input::{LogRead, utc};
pub use propose::{Proposal, propose};

/// What kind of departure, as the runtime names it (`undeclared-property`, …).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    UndeclaredProperty,
    MissingRequired,
    NoDeclaredProperty,
    UnknownEnumValue,
    TypeMismatch,
    UndocumentedStatus,
}

impl Kind {
    pub const ALL: [Kind; 6] = [
        Kind::UndeclaredProperty,
        Kind::MissingRequired,
        Kind::NoDeclaredProperty,
        Kind::UnknownEnumValue,
        Kind::TypeMismatch,
        Kind::UndocumentedStatus,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::UndeclaredProperty => "undeclared-property",
            Kind::MissingRequired => "missing-required",
            Kind::NoDeclaredProperty => "no-declared-property",
            Kind::UnknownEnumValue => "unknown-enum-value",
            Kind::TypeMismatch => "type-mismatch",
            Kind::UndocumentedStatus => "undocumented-status",
        }
    }

    pub fn parse(text: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == text)
    }
}

/// One place where responses departed from the spec.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Place {
    /// The operation's `operationId` (or its method name, as the client names it).
    pub operation: String,
    pub status: u16,
    pub kind: Kind,
    /// JSON pointer into the body, `*` for array elements and map entries.
    pub pointer: String,
}

/// What is known of a place: how often, when, from where, and the values seen there (only from
/// saved responses).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Seen {
    pub count: u64,
    /// As the source wrote them (RFC 3339 from a log, milliseconds since the epoch from a
    /// report), or the file and line when it gave none.
    pub first: Option<String>,
    pub last: Option<String>,
    /// The files it came from.
    pub sources: Vec<String>,
    pub values: Vec<Value>,
}

/// Everything gathered, by place.
#[derive(Debug, Clone, Default)]
pub struct Evidence {
    pub places: BTreeMap<Place, Seen>,
    /// Saved response bodies by (operation, status), for the shape of an undocumented status.
    pub bodies: BTreeMap<(String, u16), Vec<Value>>,
}

/// The most values kept per place (enough to infer a schema, bounded for huge inputs).
const MAX_VALUES: usize = 20;

impl Evidence {
    /// Adds `count` sightings of `place` from `source`, at `when` (if the source said).
    pub fn add(
        &mut self,
        place: Place,
        count: u64,
        when: Option<String>,
        source: &str,
        value: Option<Value>,
    ) {
        let seen = self.places.entry(place).or_default();
        seen.count += count.max(1);
        if seen.first.is_none() {
            seen.first = when.clone();
        }
        if when.is_some() {
            seen.last = when;
        }
        if !seen.sources.iter().any(|s| s == source) {
            seen.sources.push(source.to_owned());
        }
        if let Some(value) = value
            && seen.values.len() < MAX_VALUES
            && !seen.values.contains(&value)
        {
            seen.values.push(value);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The runtime writes the kinds into logs and reports; this module reads them back.
    #[test]
    fn the_kinds_are_the_runtimes() {
        let runtime = include_str!("../../runtime/src/drift.rs");
        for kind in Kind::ALL {
            assert!(
                runtime.contains(&format!("=> \"{}\",", kind.as_str())),
                "{kind:?}"
            );
            assert_eq!(Kind::parse(kind.as_str()), Some(kind));
        }
    }
}
