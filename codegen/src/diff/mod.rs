//! The change report: what changes for code that uses the generated crate when the spec changes.
//!
//! Two IRs are compared in the terms users see: client methods (`client.users().list_users()`),
//! their arguments and setters, their result types, and the model types by Rust name. Each change
//! is marked breaking when code that compiled against the old crate may not compile against the
//! new one (or may decode differently), following the shape of the generated API:
//! - required parameters and a required body are positional arguments, so adding, removing,
//!   reordering or retyping them breaks; optional ones are setters, so adding one does not;
//! - success, error and `oneOf` enums and string enums are `#[non_exhaustive]`, so a new status,
//!   variant or value is not breaking; one removed or retyped is;
//! - structs are `#[non_exhaustive]` and built with `new(required…)` and setters, so a new
//!   optional field is not breaking, and a new required field is (`new` changes);
//! - names users can write are part of the API: builder types, response and error enums, the
//!   map field of unlisted properties, setters, `pages()`/`items()`.
//!
//! `cargo xtask semver` checks these verdicts against cargo-semver-checks on the generated
//! crates of a set of spec mutations (SEMVER.md).

use std::fmt;

use serde::Serialize;

use crate::ir::Api;

mod operations;
mod types;

/// Every change between two versions of a spec: breaking ones first, each group in spec order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    pub old_version: String,
    pub new_version: String,
    pub changes: Vec<Change>,
}

/// One change to the generated API.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    pub kind: Kind,
    pub breaking: bool,
    /// What changed, as it reads in Rust: `client.users().list_users()`, `types::User::email`.
    pub subject: String,
    /// The change itself, one line.
    pub detail: String,
    /// What code that used the old crate changes, when it must and the report can say.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub migration: Option<String>,
}

impl Change {
    /// Says what a user changes in their code for this change.
    pub(crate) fn migrate(mut self, how: impl Into<String>) -> Change {
        self.migration = Some(how.into());
        self
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    OperationAdded,
    OperationRemoved,
    OperationRenamed,
    OperationMoved,
    OperationChanged,
    ParameterAdded,
    ParameterRemoved,
    ParameterChanged,
    ArgumentsChanged,
    BodyChanged,
    ResponseChanged,
    TypeAdded,
    TypeRemoved,
    /// A type removed and one added at the same place: probably renamed (see `types::renames`).
    TypeRenamed,
    TypeChanged,
    FieldAdded,
    FieldRemoved,
    FieldChanged,
    VariantAdded,
    VariantRemoved,
    /// Something the spec now marks deprecated: compatible, and the compiler will say so.
    Deprecated,
}

/// How the version of the generated crate must move.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Bump {
    /// Nothing users can see changed (documentation, examples, …).
    Patch,
    /// Additions only.
    Minor,
    /// Something breaking.
    Major,
}

impl Report {
    pub fn is_breaking(&self) -> bool {
        self.changes.iter().any(|c| c.breaking)
    }

    pub fn bump(&self) -> Bump {
        if self.is_breaking() {
            Bump::Major
        } else if self.changes.is_empty() {
            Bump::Patch
        } else {
            Bump::Minor
        }
    }

    /// The JSON form of the report (`cargo xtask diff --json`).
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "old_version": self.old_version,
            "new_version": self.new_version,
            "breaking": self.is_breaking(),
            "bump": self.bump(),
            "changes": self.changes,
        })
    }
}

impl Bump {
    /// The next version after `version` (`MAJOR.MINOR.PATCH`) under semver, where for `0.x`
    /// the minor number is the breaking one and the patch number the additive one.
    pub fn apply(self, version: &str) -> Option<String> {
        let core = version.split(['-', '+']).next()?;
        let mut parts = core.split('.').map(|p| p.parse::<u64>().ok());
        let (major, minor, patch) = (parts.next()??, parts.next()??, parts.next()??);
        if parts.next().is_some() {
            return None;
        }
        let next = match self {
            Bump::Major if major == 0 => (0, minor + 1, 0),
            Bump::Major => (major + 1, 0, 0),
            Bump::Minor if major == 0 => (0, minor, patch + 1),
            Bump::Minor => (major, minor + 1, 0),
            Bump::Patch => (major, minor, patch + 1),
        };
        Some(format!("{}.{}.{}", next.0, next.1, next.2))
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let breaking = self.changes.iter().filter(|c| c.breaking).count();
        writeln!(
            f,
            "API changes from {} to {}: {} breaking, {} compatible",
            self.old_version,
            self.new_version,
            breaking,
            self.changes.len() - breaking
        )?;
        for change in &self.changes {
            let mark = if change.breaking {
                "BREAKING"
            } else {
                "        "
            };
            writeln!(f, "{mark}  {}: {}", change.subject, change.detail)?;
        }
        Ok(())
    }
}

/// Compares the API generated from `old` with the one generated from `new`.
pub fn diff(old: &Api, new: &Api) -> Report {
    let mut changes = Vec::new();
    // Renames first: a field or a result whose type only moved with a rename is said once,
    // by the rename.
    let renames = types::renames(old, new);
    let renamed = types::Renamed::of(&renames);
    operations::compare(old, new, &renamed, &mut changes);
    types::compare(old, new, &renames, &renamed, &mut changes);
    // Breaking changes first (what a reviewer must act on), each group in spec order.
    changes.sort_by_key(|c| !c.breaking);
    Report {
        old_version: old.version.clone(),
        new_version: new.version.clone(),
        changes,
    }
}

pub(crate) fn change(
    kind: Kind,
    breaking: bool,
    subject: impl Into<String>,
    detail: impl Into<String>,
) -> Change {
    Change {
        kind,
        breaking,
        subject: subject.into(),
        detail: detail.into(),
        migration: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_move_as_semver_requires() {
        let cases = [
            (Bump::Major, "0.1.0", "0.2.0"),
            (Bump::Minor, "0.1.0", "0.1.1"),
            (Bump::Patch, "0.1.0", "0.1.1"),
            (Bump::Major, "1.4.2", "2.0.0"),
            (Bump::Minor, "1.4.2", "1.5.0"),
            (Bump::Patch, "1.4.2", "1.4.3"),
            (Bump::Major, "0.3.7-beta.1", "0.4.0"),
        ];
        for (bump, from, to) in cases {
            assert_eq!(bump.apply(from).as_deref(), Some(to), "{bump:?} {from}");
        }
        assert_eq!(Bump::Minor.apply("2026-06-12"), None);
    }
}
