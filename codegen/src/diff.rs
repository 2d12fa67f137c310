//! The change report: what changes for code that uses the generated crate when the spec changes.
//!
//! Two IRs are compared in the terms users see: client methods (`client.users().list_users()`),
//! their arguments and setters, their result types, and the model types by Rust name. Each change
//! is marked breaking when code that compiled against the old crate may not compile against the
//! new one (or may decode differently), following the shape of the generated API:
//! - required parameters and a required body are positional arguments, so adding, removing,
//!   reordering or retyping them breaks; optional ones are setters, so adding one does not;
//! - success and error enums are exhaustive, so a new status is breaking; string enums are
//!   `#[non_exhaustive]` with a fallback variant, so a new value is not;
//! - a new optional field is not breaking for code that builds models with `new(…)` or
//!   `..Default::default()` (the generated docs ask for that); a new required field is.

use std::collections::BTreeMap;
use std::fmt;

use serde::Serialize;

use crate::ir::{Api, BodyKind, Field, Operation, Param, ParamType, ResponseBody, TypeDef, TypeKind};
use crate::names;

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
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    OperationAdded,
    OperationRemoved,
    OperationRenamed,
    OperationMoved,
    ParameterAdded,
    ParameterRemoved,
    ParameterChanged,
    ArgumentsChanged,
    BodyChanged,
    ResponseChanged,
    TypeAdded,
    TypeRemoved,
    TypeChanged,
    FieldAdded,
    FieldRemoved,
    FieldChanged,
    VariantAdded,
    VariantRemoved,
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
            let mark = if change.breaking { "BREAKING" } else { "        " };
            writeln!(f, "{mark}  {}: {}", change.subject, change.detail)?;
        }
        Ok(())
    }
}

/// Compares the API generated from `old` with the one generated from `new`.
pub fn diff(old: &Api, new: &Api) -> Report {
    let mut changes = Vec::new();
    operations(old, new, &mut changes);
    types(old, new, &mut changes);
    // Breaking changes first (what a reviewer must act on), each group in spec order.
    changes.sort_by_key(|c| !c.breaking);
    Report {
        old_version: old.version.clone(),
        new_version: new.version.clone(),
        changes,
    }
}

fn change(kind: Kind, breaking: bool, subject: impl Into<String>, detail: impl Into<String>) -> Change {
    Change {
        kind,
        breaking,
        subject: subject.into(),
        detail: detail.into(),
    }
}

/// `client.users().list_users()`
fn call(api: &Api, op: &Operation) -> String {
    format!(
        "client.{}().{}()",
        names::unraw(&api.groups[op.group].accessor),
        names::unraw(&op.method_name)
    )
}

fn operations(old: &Api, new: &Api, out: &mut Vec<Change>) {
    let key = |op: &Operation| (op.method, op.path.clone());
    let new_by_key: BTreeMap<_, &Operation> = new.operations.iter().map(|op| (key(op), op)).collect();
    let old_by_key: BTreeMap<_, &Operation> = old.operations.iter().map(|op| (key(op), op)).collect();
    let same_id = |a: &Operation, b: &Operation| a.operation_id.is_some() && a.operation_id == b.operation_id;

    for old_op in &old.operations {
        let matched = new_by_key.get(&key(old_op)).copied().or_else(|| {
            // Same operationId at a new path: the same operation, moved.
            new.operations
                .iter()
                .find(|n| !old_by_key.contains_key(&key(n)) && same_id(old_op, n))
        });
        match matched {
            Some(new_op) => operation(old, old_op, new, new_op, out),
            None => out.push(change(
                Kind::OperationRemoved,
                true,
                call(old, old_op),
                format!("removed ({})", old_op.label()),
            )),
        }
    }
    for new_op in &new.operations {
        let existed = old_by_key.contains_key(&key(new_op))
            || old.operations.iter().any(|o| !new_by_key.contains_key(&key(o)) && same_id(o, new_op));
        if !existed {
            out.push(change(Kind::OperationAdded, false, call(new, new_op), format!("added ({})", new_op.label())));
        }
    }
}

fn operation(old: &Api, o: &Operation, new: &Api, n: &Operation, out: &mut Vec<Change>) {
    let subject = call(new, n);
    if call(old, o) != subject {
        out.push(change(
            Kind::OperationRenamed,
            true,
            call(old, o),
            format!("renamed to {subject} ({})", n.label()),
        ));
    }
    if o.path != n.path {
        out.push(change(
            Kind::OperationMoved,
            false,
            subject.clone(),
            format!("now sends {} instead of {}", n.label(), o.label()),
        ));
    }
    parameters(old, o, new, n, &subject, out);
    body(old, o, new, n, &subject, out);
    let (old_ok, new_ok) = (success_type(old, o), success_type(new, n));
    if old_ok != new_ok {
        out.push(change(Kind::ResponseChanged, true, subject.clone(), format!("returns {new_ok} instead of {old_ok}")));
    }
    let (old_err, new_err) = (error_bodies(old, o), error_bodies(new, n));
    if old_err != new_err {
        out.push(change(
            Kind::ResponseChanged,
            true,
            subject,
            format!("typed error bodies are {new_err} instead of {old_err}"),
        ));
    }
}

fn param_type(api: &Api, p: &Param) -> String {
    match &p.ty {
        ParamType::Scalar(ty) => api.display(ty).to_string(),
        ParamType::List { item, .. } => format!("Vec<{}>", api.display(item)),
        ParamType::Encoded { .. } => "&str (already encoded)".to_owned(),
    }
}

/// `query \`foreign[system]\``
fn param_label(p: &Param) -> String {
    format!("{} `{}`", p.location.as_str(), p.wire_name)
}

fn parameters(old: &Api, o: &Operation, new: &Api, n: &Operation, subject: &str, out: &mut Vec<Change>) {
    let find = |op: &'_ Operation, p: &Param| {
        op.params
            .iter()
            .find(|q| q.location == p.location && q.wire_name == p.wire_name)
            .cloned()
    };
    for p in &o.params {
        match find(n, p) {
            None => {
                let was = if p.required { "an argument".to_owned() } else { format!("setter `.{}()`", names::unraw(&p.rust_name)) };
                out.push(change(Kind::ParameterRemoved, true, subject, format!("{} removed (was {was})", param_label(p))));
            }
            Some(q) => {
                let (before, after) = (param_type(old, p), param_type(new, &q));
                if before != after {
                    out.push(change(Kind::ParameterChanged, true, subject, format!("{} is {after} instead of {before}", param_label(p))));
                }
                match (p.required, q.required) {
                    (false, true) => out.push(change(
                        Kind::ParameterChanged,
                        true,
                        subject,
                        format!("{} is now required (an argument instead of setter `.{}()`)", param_label(p), names::unraw(&p.rust_name)),
                    )),
                    (true, false) => out.push(change(
                        Kind::ParameterChanged,
                        true,
                        subject,
                        format!("{} is now optional (setter `.{}()` instead of an argument)", param_label(p), names::unraw(&q.rust_name)),
                    )),
                    _ if !p.required && p.rust_name != q.rust_name => out.push(change(
                        Kind::ParameterChanged,
                        true,
                        subject,
                        format!("{}: setter `.{}()` is now `.{}()`", param_label(p), names::unraw(&p.rust_name), names::unraw(&q.rust_name)),
                    )),
                    _ => {}
                }
                if let (ParamType::List { explode: a, .. }, ParamType::List { explode: b, .. }) = (&p.ty, &q.ty)
                    && a != b {
                        out.push(change(
                            Kind::ParameterChanged,
                            false,
                            subject,
                            format!("{} is now sent {}", param_label(p), if *b { "repeated (a=1&a=2)" } else { "comma-joined (a=1,2)" }),
                        ));
                    }
            }
        }
    }
    for q in &n.params {
        if find(o, q).is_none() {
            let detail = if q.required {
                format!("{} added as a required argument", param_label(q))
            } else {
                format!("{} added (setter `.{}()`)", param_label(q), names::unraw(&q.rust_name))
            };
            out.push(change(Kind::ParameterAdded, q.required, subject, detail));
        }
    }
    // Positional arguments: only their types and order matter to callers.
    let (before, after) = (arguments(old, o), arguments(new, n));
    let only_order_changed = {
        let (mut a, mut b) = (before.clone(), after.clone());
        a.sort();
        b.sort();
        a == b && before != after
    };
    if only_order_changed {
        out.push(change(
            Kind::ArgumentsChanged,
            true,
            subject,
            format!("arguments are ({}) instead of ({})", after.join(", "), before.join(", ")),
        ));
    }
}

/// The required arguments as `name: Type`, in call order.
fn arguments(api: &Api, op: &Operation) -> Vec<String> {
    op.arguments()
        .into_iter()
        .map(|p| format!("{}: {}", names::unraw(&p.rust_name), param_type(api, p)))
        .collect()
}

fn body_type(api: &Api, kind: &BodyKind) -> String {
    match kind {
        BodyKind::Json(ty) => api.display(ty).to_string(),
        BodyKind::Raw => "bytes".to_owned(),
    }
}

fn body(old: &Api, o: &Operation, new: &Api, n: &Operation, subject: &str, out: &mut Vec<Change>) {
    match (&o.body, &n.body) {
        (None, None) => {}
        (None, Some(b)) => out.push(change(
            Kind::BodyChanged,
            b.required,
            subject,
            format!(
                "takes a {} body ({})",
                if b.required { "required" } else { "optional" },
                body_type(new, &b.kind)
            ),
        )),
        (Some(_), None) => out.push(change(Kind::BodyChanged, true, subject, "takes no body any more")),
        (Some(a), Some(b)) => {
            let (before, after) = (body_type(old, &a.kind), body_type(new, &b.kind));
            if before != after {
                out.push(change(Kind::BodyChanged, true, subject, format!("the body is {after} instead of {before}")));
            }
            if a.required != b.required {
                out.push(change(
                    Kind::BodyChanged,
                    true,
                    subject,
                    if b.required { "the body is now required (an argument)" } else { "the body is now optional (setter `.body()`)" },
                ));
            }
            if a.media_type != b.media_type {
                out.push(change(Kind::BodyChanged, false, subject, format!("the body is sent as `{}` instead of `{}`", b.media_type, a.media_type)));
            }
        }
    }
}

fn response_body(api: &Api, body: &ResponseBody) -> String {
    match body {
        ResponseBody::Empty => "()".to_owned(),
        ResponseBody::Json(ty) => api.display(ty).to_string(),
        ResponseBody::Raw { documented: Some(ty), .. } => format!("RawBody<{}>", api.display(ty)),
        ResponseBody::Raw { documented: None, .. } => "RawBody".to_owned(),
    }
}

/// What a successful call returns, as a comparable description.
fn success_type(api: &Api, op: &Operation) -> String {
    match (op.success.as_slice(), &op.response_enum) {
        ([], _) => "RawBody".to_owned(),
        ([only], None) => response_body(api, &only.body),
        (cases, _) => {
            let variants: Vec<String> = cases.iter().map(|c| format!("{} {}", c.status, response_body(api, &c.body))).collect();
            format!("one of [{}]", variants.join(", "))
        }
    }
}

fn error_bodies(api: &Api, op: &Operation) -> String {
    let typed: Vec<String> = op
        .errors
        .iter()
        .filter_map(|c| match &c.body {
            ResponseBody::Json(ty) => Some(format!("{} {}", c.status, api.display(ty))),
            _ => None,
        })
        .collect();
    if typed.is_empty() { "none".to_owned() } else { format!("[{}]", typed.join(", ")) }
}

fn type_kind(def: &TypeDef) -> &'static str {
    match def.kind {
        TypeKind::Struct(_) => "struct",
        TypeKind::Enum(_) => "string enum",
        TypeKind::OneOf(_) => "enum",
        TypeKind::Alias(_) => "type alias",
        TypeKind::NewType(_) => "newtype",
    }
}

fn field_type(api: &Api, f: &Field) -> String {
    let ty = api.display(&f.ty).to_string();
    if f.is_optional() && !ty.starts_with("Option<") { format!("Option<{ty}>") } else { ty }
}

fn types(old: &Api, new: &Api, out: &mut Vec<Change>) {
    let by_name = |api: &Api| -> BTreeMap<String, usize> { api.types.iter().enumerate().map(|(i, t)| (t.name.clone(), i)).collect() };
    let (old_names, new_names) = (by_name(old), by_name(new));
    for o in &old.types {
        let subject = format!("types::{}", o.name);
        let Some(&j) = new_names.get(&o.name) else {
            out.push(change(Kind::TypeRemoved, true, subject, format!("{} removed", type_kind(o))));
            continue;
        };
        let n = &new.types[j];
        match (&o.kind, &n.kind) {
            (TypeKind::Struct(a), TypeKind::Struct(b)) => {
                for f in &a.fields {
                    let field_subject = format!("{subject}::{}", names::unraw(&f.rust_name));
                    match b.fields.iter().find(|g| g.wire_name == f.wire_name) {
                        None => out.push(change(Kind::FieldRemoved, true, field_subject, format!("field `{}` removed", f.wire_name))),
                        Some(g) => {
                            let (before, after) = (field_type(old, f), field_type(new, g));
                            if before != after {
                                out.push(change(Kind::FieldChanged, true, field_subject.clone(), format!("is {after} instead of {before}")));
                            } else if f.required != g.required {
                                out.push(change(
                                    Kind::FieldChanged,
                                    true,
                                    field_subject.clone(),
                                    if g.required { "is now required (an argument of `new`)" } else { "is now optional" },
                                ));
                            }
                            if f.rust_name != g.rust_name {
                                out.push(change(Kind::FieldChanged, true, field_subject, format!("is now `{}`", names::unraw(&g.rust_name))));
                            }
                        }
                    }
                }
                for g in &b.fields {
                    if !a.fields.iter().any(|f| f.wire_name == g.wire_name) {
                        let detail = if g.required {
                            format!("required field `{}` added ({}; an argument of `new`)", g.wire_name, field_type(new, g))
                        } else {
                            format!("optional field `{}` added ({})", g.wire_name, field_type(new, g))
                        };
                        out.push(change(Kind::FieldAdded, g.required, format!("{subject}::{}", names::unraw(&g.rust_name)), detail));
                    }
                }
                let additional = |s: &crate::ir::Struct, api: &Api| match &s.additional {
                    crate::ir::Additional::Closed => None,
                    crate::ir::Additional::Open { .. } => Some("serde_json::Value".to_owned()),
                    crate::ir::Additional::Typed { ty, .. } => Some(api.display(ty).to_string()),
                };
                if additional(a, old) != additional(b, new) {
                    out.push(change(Kind::TypeChanged, true, subject, "its additional properties changed"));
                }
            }
            (TypeKind::Enum(a), TypeKind::Enum(b)) => {
                for v in &a.variants {
                    if !b.variants.iter().any(|w| w.wire == v.wire) {
                        out.push(change(Kind::VariantRemoved, true, subject.clone(), format!("value `{}` removed", v.wire)));
                    }
                }
                for w in &b.variants {
                    if !a.variants.iter().any(|v| v.wire == w.wire) {
                        out.push(change(Kind::VariantAdded, false, subject.clone(), format!("value `{}` added", w.wire)));
                    }
                }
            }
            (TypeKind::OneOf(a), TypeKind::OneOf(b)) => {
                let shape = |o: &crate::ir::OneOf, api: &Api| -> Vec<String> {
                    o.variants.iter().map(|v| format!("{}({})", v.rust_name, api.display(&v.ty))).collect()
                };
                let (before, after) = (shape(a, old), shape(b, new));
                if before != after || a.tag != b.tag {
                    out.push(change(
                        Kind::TypeChanged,
                        true,
                        subject,
                        format!("variants are [{}] instead of [{}]", after.join(", "), before.join(", ")),
                    ));
                }
            }
            (TypeKind::Alias(a), TypeKind::Alias(b)) | (TypeKind::NewType(a), TypeKind::NewType(b)) => {
                let (before, after) = (old.display(a).to_string(), new.display(b).to_string());
                if before != after {
                    out.push(change(Kind::TypeChanged, true, subject, format!("stands for {after} instead of {before}")));
                }
            }
            _ => out.push(change(
                Kind::TypeChanged,
                true,
                subject,
                format!("is a {} instead of a {}", type_kind(n), type_kind(o)),
            )),
        }
    }
    for n in &new.types {
        if !old_names.contains_key(&n.name) {
            out.push(change(Kind::TypeAdded, false, format!("types::{}", n.name), format!("{} added", type_kind(n))));
        }
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
