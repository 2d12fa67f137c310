//! The rustdoc of an operation's method and of its builder's setters: the spec's text, the
//! method and path, the arguments and the optional parameters (one line each), the envelope
//! note, and the search aliases (path and `operationId`).
//!
//! Apart because it is prose, built as Markdown lines and turned into doc attributes; nothing
//! here changes what the generated code does.

use proc_macro2::{Literal, TokenStream};

use crate::emit::support::docs;
use crate::ir::{Api, Body, BodyKind, Doc, FormBody, Group, Operation, Param, ResponseBody};
use crate::text;

use super::optional_params;

/// rustdoc search aliases of a method: its path (`/v3/users/{user_id}`) and `operationId`, so
/// either finds it. rustdoc refuses quotes, whitespace other than inner spaces, and an alias
/// equal to the name.
pub(super) fn doc_aliases(op: &Operation) -> Vec<Literal> {
    let usable = |alias: &str| {
        !alias.is_empty()
            && alias.trim() == alias
            && !alias.chars().any(|c| {
                c == '"' || c == '\'' || (c.is_whitespace() && c != ' ') || text::is_hazard(c)
            })
            && alias != crate::names::unraw(&op.method_name)
    };
    let mut aliases = vec![op.path.clone()];
    if let Some(id) = &op.operation_id {
        aliases.push(id.clone());
    }
    aliases
        .into_iter()
        .filter(|a| usable(a))
        .map(|a| text::rust_str(&a))
        .collect()
}

pub(super) fn method_doc(api: &Api, _group: &Group, op: &Operation) -> TokenStream {
    let mut paragraphs = vec![docs::lines(&op.doc)];
    let mut signature = format!("`{} {}`", op.method, op.path);
    if let Some(id) = &op.operation_id {
        signature.push_str(&format!(" (operation `{id}`)"));
    }
    paragraphs.push(vec![signature]);
    let mut params: Vec<String> = op
        .arguments()
        .into_iter()
        .map(|p| param_line(api, p, true))
        .collect();
    if let Some(body) = op.body.as_ref().filter(|b| b.required) {
        params.push(body_line(api, body, true));
    }
    if !params.is_empty() {
        let mut section = vec!["# Arguments".to_owned(), String::new()];
        section.extend(params);
        paragraphs.push(section);
    }
    let optional: Vec<String> = optional_params(op)
        .map(|p| param_line(api, p, false))
        .chain(
            op.body
                .as_ref()
                .filter(|b| !b.required)
                .map(|b| body_line(api, b, false)),
        )
        .collect();
    if !optional.is_empty() {
        let mut section = vec![
            "# Optional parameters".to_owned(),
            String::new(),
            "Set on the returned builder before awaiting it:".to_owned(),
            String::new(),
        ];
        section.extend(optional);
        paragraphs.push(section);
    }
    paragraphs.push(statuses_section(api, op));
    for case in &op.success {
        if let Some(key) = &case.envelope {
            let key = text::markdown_code(key);
            paragraphs.push(vec![
                format!(
                    "The {} body is decoded as the spec documents it, or from the {key} member",
                    case.status
                ),
                "of an object that wraps it (the overlay's `x-codegen.envelope`: the API and the spec"
                    .to_owned(),
                "disagree on its shape).".to_owned(),
            ]);
        }
    }
    docs::lines_to_attrs(&docs::join_paragraphs(paragraphs))
}

/// The statuses the spec documents, each with what it means there: a service branches on
/// them (`409` on one operation is a duplicate, on another a user that does not exist). Any
/// other status is drift (the crate's docs say so once).
fn statuses_section(api: &Api, op: &Operation) -> Vec<String> {
    let mut lines = vec!["# Statuses".to_owned(), String::new()];
    let mut errors: Vec<_> = op.errors.iter().collect();
    errors.sort_by_key(|case| case.status);
    for case in op.success.iter().chain(errors) {
        let mut line = format!("- `{}`", case.status);
        match &case.body {
            ResponseBody::Empty => {}
            ResponseBody::Json(ty) => line.push_str(&format!(" `{}`", api.display(ty))),
            ResponseBody::Raw { media_type, .. } => {
                line.push_str(&format!(" bytes as {}", text::markdown_code(media_type)))
            }
        }
        if !case.status.is_success() {
            match (&op.error_enum, &case.body) {
                (Some(errors), ResponseBody::Json(_)) => line.push_str(&format!(
                    ", an [`Error::Status`](crate::Error::Status) typed as `{errors}::{}`",
                    case.variant
                )),
                _ => line.push_str(", an [`Error::Status`](crate::Error::Status)"),
            }
        }
        let description = one_line(&case.doc);
        if !description.is_empty() {
            line.push_str(": ");
            line.push_str(&description);
        }
        lines.push(line);
    }
    lines
}

fn one_line(doc: &Doc) -> String {
    docs::lines(doc)
        .into_iter()
        .filter(|l| !l.is_empty())
        .map(|l| l.trim().to_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

fn param_line(_api: &Api, p: &Param, required: bool) -> String {
    let setter = if required {
        String::new()
    } else {
        format!(" `.{}(…)`", p.rust_name)
    };
    let description = one_line(&p.doc);
    let description = if description.is_empty() {
        String::new()
    } else {
        format!(": {description}")
    };
    format!(
        "- `{}`{setter} ({} `{}`){description}",
        p.rust_name,
        p.location.as_str(),
        p.wire_name,
    )
}

pub(super) fn body_line(api: &Api, body: &Body, required: bool) -> String {
    let what = match &body.kind {
        BodyKind::Json(ty) | BodyKind::Form(FormBody { ty, .. }) | BodyKind::Multipart(ty) => {
            format!("`{}` as `{}`", api.display(ty), body.media_type)
        }
        BodyKind::Raw => format!("bytes as `{}`", body.media_type),
    };
    let setter = if required { "" } else { " `.body(…)`" };
    let description = one_line(&body.doc);
    let description = if description.is_empty() {
        String::new()
    } else {
        format!(": {description}")
    };
    format!("- `body`{setter}: {what}{description}")
}

pub(super) fn setter_doc(p: &Param) -> Vec<String> {
    let mut lines = docs::lines(&p.doc);
    if !lines.is_empty() {
        lines.push(String::new());
    }
    lines.push(format!(
        "Sent as the {} parameter `{}`.",
        p.location.as_str(),
        p.wire_name
    ));
    lines
}
