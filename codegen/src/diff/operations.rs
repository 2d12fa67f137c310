//! Changes to operations: client methods, their arguments, setters, bodies and results.

use std::collections::BTreeMap;

use super::types::Renamed;
use super::{Change, Kind, change};
use crate::ir::{Api, BodyKind, Operation, Param, ParamType, ResponseBody};
use crate::names;

/// `client.users().list_users()`
pub(super) fn call(api: &Api, op: &Operation) -> String {
    format!(
        "client.{}().{}()",
        names::unraw(&api.groups[op.group].accessor),
        names::unraw(&op.method_name)
    )
}

pub(super) fn compare(old: &Api, new: &Api, renamed: &Renamed, out: &mut Vec<Change>) {
    let key = |op: &Operation| (op.method, op.path.clone());
    let new_by_key: BTreeMap<_, &Operation> =
        new.operations.iter().map(|op| (key(op), op)).collect();
    let old_by_key: BTreeMap<_, &Operation> =
        old.operations.iter().map(|op| (key(op), op)).collect();
    let same_id =
        |a: &Operation, b: &Operation| a.operation_id.is_some() && a.operation_id == b.operation_id;

    for old_op in &old.operations {
        let matched = new_by_key.get(&key(old_op)).copied().or_else(|| {
            // Same operationId at a new path: the same operation, moved.
            new.operations
                .iter()
                .find(|n| !old_by_key.contains_key(&key(n)) && same_id(old_op, n))
        });
        match matched {
            Some(new_op) => operation(old, old_op, new, new_op, renamed, out),
            None => out.push(
                change(Kind::OperationRemoved, true, call(old, old_op), format!("removed ({})", old_op.label())).migrate(format!(
                    "the spec no longer has it; if the server still answers, `client.request(Method::{}, \"…\")` reaches it",
                    old_op.method
                )),
            ),
        }
    }
    for new_op in &new.operations {
        let existed = old_by_key.contains_key(&key(new_op))
            || old
                .operations
                .iter()
                .any(|o| !new_by_key.contains_key(&key(o)) && same_id(o, new_op));
        if !existed {
            out.push(change(
                Kind::OperationAdded,
                false,
                call(new, new_op),
                format!("added ({})", new_op.label()),
            ));
        }
    }
}

/// One operation in both versions of the spec, and what the report calls it: what each
/// comparison below reads.
#[derive(Clone, Copy)]
struct Pair<'a> {
    old: &'a Api,
    o: &'a Operation,
    new: &'a Api,
    n: &'a Operation,
    subject: &'a str,
    renamed: &'a Renamed,
}

fn operation(
    old: &Api,
    o: &Operation,
    new: &Api,
    n: &Operation,
    renamed: &Renamed,
    out: &mut Vec<Change>,
) {
    let subject = call(new, n);
    if call(old, o) != subject {
        out.push(
            change(
                Kind::OperationRenamed,
                true,
                call(old, o),
                format!("renamed to {subject} ({})", n.label()),
            )
            .migrate(format!("call `{subject}` instead of `{}`", call(old, o))),
        );
    }
    if !o.doc.deprecated && n.doc.deprecated {
        out.push(change(
            Kind::Deprecated,
            false,
            subject.clone(),
            format!("deprecated in the spec ({})", n.label()),
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
    let pair = Pair {
        old,
        o,
        new,
        n,
        subject: &subject,
        renamed,
    };
    parameters(&pair, out);
    body(&pair, out);
    results(&pair, out);
    names_users_write(o, n, &subject, out);
    match (o.pagination.is_some(), n.pagination.is_some()) {
        (false, true) => out.push(change(
            Kind::OperationChanged,
            false,
            subject.clone(),
            "pages: `.pages()` and `.items()` added",
        )),
        (true, false) => out.push(change(
            Kind::OperationChanged,
            true,
            subject.clone(),
            "no longer pages: `.pages()` and `.items()` removed",
        )),
        _ => {}
    }
}

/// Success and error bodies. A single success is the return type; several are a
/// non-exhaustive enum by status, as are the typed error bodies.
fn results(pair: &Pair, out: &mut Vec<Change>) {
    let Pair {
        old,
        o,
        new,
        n,
        subject,
        renamed,
    } = *pair;
    match (o.response_enum.is_some(), n.response_enum.is_some()) {
        (true, true) => statuses(pair, &o.success, &n.success, "success", out),
        _ => {
            let (old_ok, new_ok) = (success_type(old, o), success_type(new, n));
            if renamed.in_new_names(&old_ok) != new_ok {
                let mut changed = change(
                    Kind::ResponseChanged,
                    true,
                    subject,
                    format!("returns {new_ok} instead of {old_ok}"),
                );
                // Bytes that the spec now says how to decode.
                if old_ok == "RawBody" || old_ok == format!("RawBody<{new_ok}>") {
                    changed = changed.migrate(format!(
                        "the call now returns the decoded `{new_ok}`: drop the `.parse()` (or the decoding of `.bytes()`) applied to its `RawBody`"
                    ));
                }
                out.push(changed);
            }
        }
    }
    // What the decoder accepts besides the documented shape (compatible either way: the type
    // is the same; a body that decoded before may fail now, or one that failed may decode).
    for case in &n.success {
        let before = o
            .success
            .iter()
            .find(|c| c.status == case.status)
            .map(|c| &c.envelope);
        match (before, &case.envelope) {
            (Some(None), Some(key)) => out.push(change(
                Kind::ResponseChanged,
                false,
                subject,
                format!(
                    "status {} body is also accepted as `{key}` of an object that wraps it",
                    case.status
                ),
            )),
            (Some(Some(key)), None) => out.push(change(
                Kind::ResponseChanged,
                false,
                subject,
                format!(
                    "status {} body is no longer accepted as `{key}` of an object that wraps it",
                    case.status
                ),
            )),
            _ => {}
        }
    }
    match (o.error_enum.is_some(), n.error_enum.is_some()) {
        (true, true) => statuses(pair, &o.errors, &n.errors, "error", out),
        (false, false) => {}
        _ => {
            let (old_err, new_err) = (error_bodies(old, o), error_bodies(new, n));
            out.push(change(
                Kind::ResponseChanged,
                true,
                subject,
                format!("typed error bodies are {new_err} instead of {old_err}"),
            ));
        }
    }
}

/// Variants of a non-exhaustive enum of bodies by status: added ones are compatible.
fn statuses(
    pair: &Pair,
    a: &[crate::ir::ResponseCase],
    b: &[crate::ir::ResponseCase],
    what: &str,
    out: &mut Vec<Change>,
) {
    let Pair {
        old,
        new,
        subject,
        renamed,
        ..
    } = *pair;
    let typed =
        |cases: &[crate::ir::ResponseCase], api: &Api| -> BTreeMap<String, (String, String)> {
            cases
                .iter()
                .filter(|c| what == "success" || matches!(c.body, ResponseBody::Json(_)))
                .map(|c| {
                    (
                        c.status.to_string(),
                        (c.variant.clone(), response_body(api, &c.body)),
                    )
                })
                .collect()
        };
    let (before, after) = (typed(a, old), typed(b, new));
    for (status, (variant, body)) in &before {
        match after.get(status) {
            None => out.push(change(
                Kind::ResponseChanged,
                true,
                subject,
                format!("{what} status {status} (`{variant}`) removed"),
            )),
            Some(now) if now != &(variant.clone(), renamed.in_new_names(body)) => out.push(change(
                Kind::ResponseChanged,
                true,
                subject,
                format!(
                    "{what} status {status} is `{}({})` instead of `{variant}({body})`",
                    now.0, now.1
                ),
            )),
            Some(_) => {}
        }
    }
    for (status, (variant, body)) in &after {
        if !before.contains_key(status) {
            out.push(change(
                Kind::ResponseChanged,
                false,
                subject,
                format!("{what} status {status} added (`{variant}({body})`)"),
            ));
        }
    }
}

/// Type names a caller may write: the builder, the response and error enums.
fn names_users_write(o: &Operation, n: &Operation, subject: &str, out: &mut Vec<Change>) {
    let named = [
        (
            "request builder",
            Some(&o.builder_name),
            Some(&n.builder_name),
        ),
        (
            "response enum",
            o.response_enum.as_ref(),
            n.response_enum.as_ref(),
        ),
        ("error enum", o.error_enum.as_ref(), n.error_enum.as_ref()),
    ];
    for (what, before, after) in named {
        if let (Some(before), Some(after)) = (before, after)
            && before != after
        {
            out.push(change(
                Kind::OperationChanged,
                true,
                subject,
                format!("its {what} is `{after}` instead of `{before}`"),
            ));
        }
    }
}

fn param_type(api: &Api, p: &Param) -> String {
    match &p.ty {
        ParamType::Scalar(ty) => api.display(ty).to_string(),
        ParamType::List { item, .. } => format!("Vec<{}>", api.display(item)),
        ParamType::Encoded { typed: None, .. } => "String (already encoded)".to_owned(),
        ParamType::Encoded {
            documented,
            typed: Some(typed),
        } => {
            format!(
                "{} (or text encoded already, `.{}()`)",
                api.display(documented),
                names::unraw(&typed.raw_setter)
            )
        }
    }
}

/// `` query `foreign[system]` ``
fn param_label(p: &Param) -> String {
    format!("{} `{}`", p.location.as_str(), p.wire_name)
}

fn parameters(pair: &Pair, out: &mut Vec<Change>) {
    let Pair {
        old,
        o,
        new,
        n,
        subject,
        renamed,
    } = *pair;
    let find = |op: &'_ Operation, p: &Param| {
        op.params
            .iter()
            .find(|q| q.location == p.location && q.wire_name == p.wire_name)
            .cloned()
    };
    for p in &o.params {
        match find(n, p) {
            None => {
                let was = if p.required {
                    "an argument".to_owned()
                } else {
                    format!("setter `.{}()`", names::unraw(&p.rust_name))
                };
                let drop = if p.required {
                    "drop the argument".to_owned()
                } else {
                    format!(
                        "drop `.{}(…)` (or send it with `.query(…)`/`.header(…)` if the server still reads it)",
                        names::unraw(&p.rust_name)
                    )
                };
                out.push(
                    change(
                        Kind::ParameterRemoved,
                        true,
                        subject,
                        format!("{} removed (was {was})", param_label(p)),
                    )
                    .migrate(drop),
                );
            }
            Some(q) => {
                let (before, after) = (param_type(old, p), param_type(new, &q));
                if renamed.in_new_names(&before) != after {
                    out.push(change(
                        Kind::ParameterChanged,
                        true,
                        subject,
                        format!("{} is {after} instead of {before}", param_label(p)),
                    ));
                }
                let method = names::unraw(&n.method_name);
                let (old_setter, new_setter) =
                    (names::unraw(&p.rust_name), names::unraw(&q.rust_name));
                match (p.required, q.required) {
                    (false, true) => out.push(
                        change(
                            Kind::ParameterChanged,
                            true,
                            subject,
                            format!("{} is now required (an argument instead of setter `.{old_setter}()`)", param_label(p)),
                        )
                        .migrate(format!("`.{old_setter}(x)` setter → an argument of `{method}(…, x)`")),
                    ),
                    (true, false) => out.push(
                        change(
                            Kind::ParameterChanged,
                            true,
                            subject,
                            format!("{} is now optional (setter `.{new_setter}()` instead of an argument)", param_label(p)),
                        )
                        .migrate(format!("the argument of `{method}(…)` → `.{new_setter}(x)`")),
                    ),
                    _ if !p.required && p.rust_name != q.rust_name => out.push(
                        change(Kind::ParameterChanged, true, subject, format!("{}: setter `.{old_setter}()` is now `.{new_setter}()`", param_label(p)))
                            .migrate(format!("`.{old_setter}(…)` → `.{new_setter}(…)`")),
                    ),
                    _ => {}
                }
                if !p.doc.deprecated && q.doc.deprecated {
                    out.push(change(
                        Kind::Deprecated,
                        false,
                        subject,
                        format!("{} is deprecated in the spec", param_label(p)),
                    ));
                }
                if let (ParamType::List { explode: a, .. }, ParamType::List { explode: b, .. }) =
                    (&p.ty, &q.ty)
                    && a != b
                {
                    out.push(change(
                        Kind::ParameterChanged,
                        false,
                        subject,
                        format!(
                            "{} is now sent {}",
                            param_label(p),
                            if *b {
                                "repeated (a=1&a=2)"
                            } else {
                                "comma-joined (a=1,2)"
                            }
                        ),
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
                format!(
                    "{} added (setter `.{}()`)",
                    param_label(q),
                    names::unraw(&q.rust_name)
                )
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
            format!(
                "arguments are ({}) instead of ({})",
                after.join(", "),
                before.join(", ")
            ),
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
        BodyKind::Form(form) => format!("{} as a form", api.display(&form.ty)),
        BodyKind::Multipart(ty) => format!("{} as multipart", api.display(ty)),
        BodyKind::Raw => "bytes".to_owned(),
    }
}

fn body(pair: &Pair, out: &mut Vec<Change>) {
    let Pair {
        old,
        o,
        new,
        n,
        subject,
        renamed,
    } = *pair;
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
        (Some(_), None) => out.push(change(
            Kind::BodyChanged,
            true,
            subject,
            "takes no body any more",
        )),
        (Some(a), Some(b)) => {
            let (before, after) = (body_type(old, &a.kind), body_type(new, &b.kind));
            if renamed.in_new_names(&before) != after {
                out.push(change(
                    Kind::BodyChanged,
                    true,
                    subject,
                    format!("the body is {after} instead of {before}"),
                ));
            }
            if a.required != b.required {
                out.push(change(
                    Kind::BodyChanged,
                    true,
                    subject,
                    if b.required {
                        "the body is now required (an argument)"
                    } else {
                        "the body is now optional (setter `.body()`)"
                    },
                ));
            }
            if a.media_type != b.media_type {
                out.push(change(
                    Kind::BodyChanged,
                    false,
                    subject,
                    format!(
                        "the body is sent as `{}` instead of `{}`",
                        b.media_type, a.media_type
                    ),
                ));
            }
        }
    }
}

fn response_body(api: &Api, body: &ResponseBody) -> String {
    match body {
        ResponseBody::Empty => "()".to_owned(),
        ResponseBody::Json(ty) => api.display(ty).to_string(),
        ResponseBody::Raw {
            documented: Some(ty),
            ..
        } => format!("RawBody<{}>", api.display(ty)),
        ResponseBody::Raw {
            documented: None, ..
        } => "RawBody".to_owned(),
    }
}

/// What a successful call returns, as a comparable description.
pub(super) fn success_type(api: &Api, op: &Operation) -> String {
    match (op.success.as_slice(), &op.response_enum) {
        ([], _) => "RawBody".to_owned(),
        ([only], None) => response_body(api, &only.body),
        (cases, _) => {
            let variants: Vec<String> = cases
                .iter()
                .map(|c| format!("{} {}", c.status, response_body(api, &c.body)))
                .collect();
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
    if typed.is_empty() {
        "none".to_owned()
    } else {
        format!("[{}]", typed.join(", "))
    }
}
