//! `generated-client/CHANGELOG.md`: one entry per spec update, in the form of Keep a Changelog,
//! written from the change report: what broke (and what to change in your code), what was
//! added, what the spec now deprecates, what else changed.

use codegen::diff::{Change, Kind, Report};

/// The file's head, when it does not exist yet.
const HEAD: &str = "# Changelog\n\n\
All notable changes to this crate, one entry per spec update, written by `cargo xtask update`\n\
from the change report (`cargo xtask diff`). The format follows [Keep a Changelog](https://keepachangelog.com/en/1.1.0/);\n\
the version moves as semver requires of the generated API (for 0.x, a breaking change moves the\n\
minor version, an addition the patch version).\n";

/// What one entry says.
pub struct Entry<'a> {
    pub crate_version: &'a str,
    /// `YYYY-MM-DD`.
    pub date: &'a str,
    pub spec_version: &'a str,
    pub spec_sha256: &'a str,
    pub previous_spec_version: &'a str,
    pub source: &'a str,
    pub report: &'a Report,
}

impl Entry<'_> {
    /// The entry in Markdown (also the body of the update's pull request).
    pub fn markdown(&self) -> String {
        let breaking = self.report.changes.iter().filter(|c| c.breaking).count();
        let mut out = format!(
            "## [{}] - {}\n\nSpec `{}` (sha256 `{}`, from {}), previously `{}`: {} breaking change{}, {} compatible.\n",
            self.crate_version,
            self.date,
            text(self.spec_version),
            self.spec_sha256,
            text(self.source),
            text(self.previous_spec_version),
            breaking,
            if breaking == 1 { "" } else { "s" },
            self.report.changes.len() - breaking
        );
        let sections: [(&str, Belongs); 4] = [
            ("Breaking", |c| c.breaking),
            ("Added", |c| !c.breaking && is_addition(c.kind)),
            ("Deprecated", |c| !c.breaking && c.kind == Kind::Deprecated),
            ("Changed", |c| {
                !c.breaking && !is_addition(c.kind) && c.kind != Kind::Deprecated
            }),
        ];
        for (title, belongs) in sections {
            let changes: Vec<&Change> = self.report.changes.iter().filter(|c| belongs(c)).collect();
            if changes.is_empty() {
                continue;
            }
            out.push_str(&format!("\n### {title}\n\n"));
            for change in changes {
                out.push_str(&format!(
                    "- `{}`: {}\n",
                    text(&change.subject).replace('`', "'"),
                    text(&change.detail)
                ));
                if let Some(migration) = &change.migration {
                    out.push_str(&format!("  In your code: {}\n", text(migration)));
                }
            }
        }
        out
    }
}

/// Whether a change goes in a section.
type Belongs = fn(&Change) -> bool;

fn is_addition(kind: Kind) -> bool {
    matches!(
        kind,
        Kind::OperationAdded
            | Kind::ParameterAdded
            | Kind::TypeAdded
            | Kind::FieldAdded
            | Kind::VariantAdded
    )
}

/// Spec text for one Markdown line: no line breaks, nothing invisible, bounded.
fn text(value: &str) -> String {
    value
        .chars()
        .take(500)
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// `changelog` (the file's current text, if any) with `entry` added at the top of the entries,
/// or in place of an entry for the same version (a rerun after a failed write says it once).
pub fn with_entry(changelog: Option<&str>, entry: &str) -> String {
    let current = changelog.unwrap_or(HEAD);
    let heading = entry.split(" - ").next().unwrap_or(entry);
    if heading.starts_with("## [")
        && let Some(at) = current.find(&format!("\n{heading} - "))
    {
        let start = at + 1;
        let end = current[start + 1..]
            .find("\n## ")
            .map_or(current.len(), |next| start + 1 + next);
        return format!("{}{entry}{}", &current[..start], &current[end..]);
    }
    match current.find("\n## ") {
        Some(at) => format!("{}\n{entry}{}", &current[..at + 1], &current[at..]),
        None => format!(
            "{}\n{entry}",
            current.trim_end_matches('\n').to_owned() + "\n"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_go_on_top_in_their_sections() {
        let report = Report {
            old_version: "1".into(),
            new_version: "2".into(),
            changes: vec![
                Change {
                    kind: Kind::ParameterChanged,
                    breaking: true,
                    subject: "client.users().delete()".into(),
                    detail: "query `x` is now required".into(),
                    migration: Some("`.x(v)` setter → an argument of `delete(…, v)`".into()),
                },
                Change {
                    kind: Kind::OperationAdded,
                    breaking: false,
                    subject: "client.users().new_op()".into(),
                    detail: "added (GET /x)".into(),
                    migration: None,
                },
                Change {
                    kind: Kind::Deprecated,
                    breaking: false,
                    subject: "client.users().old()".into(),
                    detail: "deprecated in the spec".into(),
                    migration: None,
                },
            ],
        };
        let entry = Entry {
            crate_version: "0.4.0",
            date: "2026-12-06",
            spec_version: "2",
            spec_sha256: "ab",
            previous_spec_version: "1",
            source: "https://x",
            report: &report,
        }
        .markdown();
        assert!(entry.starts_with("## [0.4.0] - 2026-12-06\n\nSpec `2` (sha256 `ab`, from https://x), previously `1`: 1 breaking change, 2 compatible.\n"));
        assert!(entry.contains("### Breaking\n\n- `client.users().delete()`: query `x` is now required\n  In your code: `.x(v)` setter → an argument of `delete(…, v)`\n"));
        assert!(
            entry.contains("### Added\n\n- `client.users().new_op()`")
                && entry.contains("### Deprecated\n\n- `client.users().old()`")
        );
        let first = with_entry(None, &entry);
        assert!(first.starts_with("# Changelog\n") && first.ends_with(&entry));
        let second = with_entry(Some(&first), "## [0.5.0] - 2026-12-07\n\nnewer\n");
        assert!(second.find("[0.5.0]").unwrap() < second.find("[0.4.0]").unwrap());
        // The same version again (a rerun after a failed write): replaced, not repeated.
        let again = with_entry(Some(&second), "## [0.5.0] - 2026-12-08\n\nnewest\n");
        assert_eq!(again.matches("## [0.5.0]").count(), 1, "{again}");
        assert!(
            again.contains("newest\n\n## [0.4.0]") && !again.contains("newer\n"),
            "{again}"
        );
        assert!(again.ends_with(&entry), "the older entry is kept: {again}");
    }
}
