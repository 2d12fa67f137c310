//! Before a new spec is locked (`update`, `fetch-spec`): the spec's examples run against the new
//! types, so a change report says which of them no longer fit, and which reviewed exceptions now
//! fit (the crate's `tests/examples.rs` fails on those until `spec/example-exceptions.yaml` drops
//! them). Without this, the first to hear of either was the regenerated crate's test run.
//!
//! The check is the generator's own reading of an example against its type (the client's drift
//! rules, from the IR), so it runs before anything is compiled or written.

use std::collections::HashSet;
use std::fmt::Write as _;

use codegen::ir::Api;

/// What the new spec's examples say about the new types.
#[derive(Default)]
pub struct Findings {
    /// Examples that fit the old types (or are new) and do not fit the new ones: pointer, why.
    pub no_longer_fit: Vec<(String, String)>,
    /// Reviewed exceptions whose example now fits: pointer.
    pub stale_exceptions: Vec<String>,
}

/// Runs `new`'s examples against its types; `old` tells new contradictions from known ones.
pub fn check(old: Option<&Api>, new: &Api, exceptions: &[codegen::ExampleException]) -> Findings {
    let reviewed: HashSet<&str> = exceptions.iter().map(|e| e.pointer.as_str()).collect();
    let (old_fitting, old_all): (HashSet<&str>, HashSet<&str>) = match old {
        Some(old) => (
            old.examples
                .iter()
                .filter(|e| codegen::emit::example_contradiction(old, e).is_none())
                .map(|e| e.pointer.as_str())
                .collect(),
            old.examples.iter().map(|e| e.pointer.as_str()).collect(),
        ),
        None => Default::default(),
    };
    let mut findings = Findings::default();
    for example in &new.examples {
        let reason = codegen::emit::example_contradiction(new, example);
        let pointer = example.pointer.as_str();
        match reason {
            Some(_) if reviewed.contains(pointer) => {}
            // Only what this change brought: a contradiction the old spec had too is listed by
            // the crate's test already.
            Some(reason)
                if old.is_some()
                    && (old_fitting.contains(pointer) || !old_all.contains(pointer)) =>
            {
                findings.no_longer_fit.push((pointer.to_owned(), reason));
            }
            Some(_) => {}
            None if reviewed.contains(pointer) => {
                findings.stale_exceptions.push(pointer.to_owned());
            }
            None => {}
        }
    }
    findings
}

impl Findings {
    pub fn is_empty(&self) -> bool {
        self.no_longer_fit.is_empty() && self.stale_exceptions.is_empty()
    }

    /// The findings as a Markdown section (for the pull request's body), or nothing.
    pub fn markdown(&self) -> String {
        let mut out = String::new();
        if self.is_empty() {
            return out;
        }
        out.push_str("\n### Examples of the spec\n\n");
        for (pointer, reason) in &self.no_longer_fit {
            let _ = writeln!(
                out,
                "- `{pointer}` no longer fits its type: {reason} (the crate's examples test lists it as found at generation)"
            );
        }
        for pointer in &self.stale_exceptions {
            let _ = writeln!(
                out,
                "- `{pointer}` now fits its type: remove it from spec/example-exceptions.yaml (the crate's examples test fails until then)"
            );
        }
        out
    }

    /// The findings on stderr, one warning each.
    pub fn warn(&self) {
        for (pointer, reason) in &self.no_longer_fit {
            eprintln!("warning: the spec's example at {pointer} no longer fits its type: {reason}");
        }
        for pointer in &self.stale_exceptions {
            eprintln!(
                "warning: the reviewed exception {pointer} now fits its type: remove it from spec/example-exceptions.yaml, or the crate's examples test fails"
            );
        }
    }
}
