//! Which operations return one page of a longer list, and how to ask for the next one.
//!
//! Detected from the spec: a query parameter that picks the page (`page`, `offset`, `cursor`,
//! …) and a list in the single success body (the body itself, or a field such as `results`).
//! Then, for the runtime's page and item streams: where the items are, and what says there is
//! no next page (a `total`, a `next` link, a next cursor, a short or empty page).
//!
//! An operation's `x-codegen.pagination` (from an overlay) overrides detection: `false` turns it
//! off, an object sets it (`style: page|offset|cursor`, `page`/`offset`/`cursor` and `size`
//! parameter names, `items`, `total`, `next` as dotted property names, `first`).

use serde_json::Value;

use super::{
    Api, Operation, PageStyle, Pagination, ParamLocation, ParamType, ResponseBody, Step, TypeKind,
    TypeRef,
};
use crate::error::Warning;
use crate::pointer;

const PAGE: &[&str] = &[
    "page",
    "page_number",
    "pagenumber",
    "page_num",
    "pagenum",
    "pageno",
    "page_no",
];
const SIZE: &[&str] = &[
    "rpp",
    "per_page",
    "perpage",
    "page_size",
    "pagesize",
    "limit",
    "size",
    "count",
    "results_per_page",
    "max_results",
];
const OFFSET: &[&str] = &["offset", "skip", "start"];
const CURSOR: &[&str] = &[
    "cursor",
    "after",
    "starting_after",
    "page_token",
    "pagetoken",
    "next_token",
    "continuation_token",
    "marker",
];
const ITEMS: &[&str] = &[
    "results", "data", "items", "records", "entries", "values", "elements", "list",
];
const TOTAL: &[&str] = &[
    "total",
    "total_count",
    "totalcount",
    "total_results",
    "totalresults",
    "count",
];
const NEXT_CURSOR: &[&str] = &[
    "next_cursor",
    "nextcursor",
    "next_page_token",
    "nextpagetoken",
    "next_token",
    "nexttoken",
    "cursor",
    "next_marker",
];

/// Sets `pagination` on every operation that has it.
pub(crate) fn detect(api: &mut Api) {
    let mut found = Vec::with_capacity(api.operations.len());
    for op in &api.operations {
        let hint = op
            .extensions
            .get("x-codegen")
            .and_then(|x| x.get("pagination"));
        let pagination = match hint {
            Some(Value::Bool(false)) => None,
            Some(config @ Value::Object(_)) => match configured(api, op, config) {
                Ok(p) => Some(p),
                Err(message) => {
                    api.warnings.push(Warning {
                        pointer: pointer::push(&op.pointer, "x-codegen"),
                        message,
                    });
                    None
                }
            },
            _ => detected(api, op),
        };
        found.push(pagination);
    }
    for (op, pagination) in api.operations.iter_mut().zip(found) {
        op.pagination = pagination;
    }
}

/// The single success body's type, when it is JSON.
fn page_type(op: &Operation) -> Option<&TypeRef> {
    match op.success.as_slice() {
        [only] => match &only.body {
            ResponseBody::Json(ty) => Some(ty),
            _ => None,
        },
        _ => None,
    }
}

fn query_param(op: &Operation, names: &[&str], integer: bool) -> Option<usize> {
    op.params.iter().position(|p| {
        let plain = p.location == ParamLocation::Query
            && !p.required
            && names.contains(&p.wire_name.to_ascii_lowercase().as_str());
        let typed = match &p.ty {
            ParamType::Scalar(TypeRef::I32 | TypeRef::I64) => true,
            ParamType::Scalar(TypeRef::String) => !integer,
            _ => false,
        };
        plain && typed
    })
}

fn detected(api: &Api, op: &Operation) -> Option<Pagination> {
    let page_ty = page_type(op)?;
    let (items, item_type) = items_of(api, page_ty, None)?;
    let total = field_path(api, page_ty, TOTAL, |ty| {
        matches!(
            ty,
            TypeRef::I32 | TypeRef::I64 | TypeRef::F32 | TypeRef::F64
        )
    })
    .or_else(|| nested(api, page_ty, "meta", TOTAL));
    let next_link = next_link(api, page_ty);
    let size = query_param(op, SIZE, true);
    let style = if let Some(page) = query_param(op, PAGE, true) {
        PageStyle::PageNumber {
            page,
            size,
            first: first_page(op, page),
        }
    } else if let Some(offset) = query_param(op, OFFSET, true) {
        PageStyle::Offset {
            offset,
            limit: size,
        }
    } else if let Some(cursor) = query_param(op, CURSOR, false) {
        let next = field_path(api, page_ty, NEXT_CURSOR, |ty| {
            matches!(ty, TypeRef::String)
        })
        .or_else(|| nested(api, page_ty, "meta", NEXT_CURSOR))?;
        PageStyle::Cursor { cursor, next }
    } else {
        return None;
    };
    Some(Pagination {
        style,
        items,
        item_type,
        total,
        next_link,
    })
}

/// The page number of the first page: the parameter's default or minimum when it is 0, else 1
/// (Zephr's own CLI starts at 1).
fn first_page(op: &Operation, page: usize) -> i64 {
    let p = &op.params[page];
    match (&p.default, &p.minimum) {
        (Some(d), _) if d.as_i64() == Some(0) => 0,
        (_, Some(m)) if m.as_i64() == Some(0) => 0,
        _ => 1,
    }
}

/// The list of items in a page: the body, or a field of it (by name, else the only list).
fn items_of(api: &Api, ty: &TypeRef, name: Option<&str>) -> Option<(Vec<Step>, TypeRef)> {
    if name.is_none()
        && let TypeRef::Vec(item) = api.unalias(ty)
    {
        return Some((Vec::new(), item.as_ref().clone()));
    }
    let TypeRef::Named(id) = api.unalias(ty) else {
        return None;
    };
    let TypeKind::Struct(s) = &api.ty(*id).kind else {
        return None;
    };
    let is_list = |f: &&super::Field| matches!(api.unalias(strip(&f.ty)), TypeRef::Vec(_));
    let field = match name {
        Some(name) => s.fields.iter().find(|f| f.wire_name == name)?,
        None => s
            .fields
            .iter()
            .filter(is_list)
            .find(|f| ITEMS.contains(&f.wire_name.to_ascii_lowercase().as_str()))
            .or_else(|| {
                let lists: Vec<&super::Field> = s.fields.iter().filter(is_list).collect();
                (lists.len() == 1).then(|| lists[0])
            })?,
    };
    let TypeRef::Vec(item) = api.unalias(strip(&field.ty)) else {
        return None;
    };
    Some((
        vec![Step {
            field: field.rust_name.clone(),
            optional: field.is_optional(),
        }],
        item.as_ref().clone(),
    ))
}

fn strip(ty: &TypeRef) -> &TypeRef {
    match ty {
        TypeRef::Nullable(inner) => inner,
        other => other,
    }
}

/// A field of the body (a struct) named one of `names` whose type passes `accept`.
fn field_path(
    api: &Api,
    ty: &TypeRef,
    names: &[&str],
    accept: impl Fn(&TypeRef) -> bool,
) -> Option<Vec<Step>> {
    let TypeRef::Named(id) = api.unalias(ty) else {
        return None;
    };
    let TypeKind::Struct(s) = &api.ty(*id).kind else {
        return None;
    };
    let field = s.fields.iter().find(|f| {
        names.contains(&f.wire_name.to_ascii_lowercase().as_str())
            && accept(api.unalias(strip(&f.ty)))
    })?;
    Some(vec![Step {
        field: field.rust_name.clone(),
        optional: field.is_optional(),
    }])
}

/// A number field inside an object field (`meta.total`).
fn nested(api: &Api, ty: &TypeRef, outer: &str, names: &[&str]) -> Option<Vec<Step>> {
    let TypeRef::Named(id) = api.unalias(ty) else {
        return None;
    };
    let TypeKind::Struct(s) = &api.ty(*id).kind else {
        return None;
    };
    let holder = s.fields.iter().find(|f| f.wire_name == outer)?;
    let mut path = vec![Step {
        field: holder.rust_name.clone(),
        optional: holder.is_optional(),
    }];
    path.extend(field_path(api, strip(&holder.ty), names, |t| {
        !matches!(t, TypeRef::Vec(_))
    })?);
    Some(path)
}

/// `links.next` or `next`: its presence says there is another page.
fn next_link(api: &Api, ty: &TypeRef) -> Option<Vec<Step>> {
    let any = |_: &TypeRef| true;
    let TypeRef::Named(id) = api.unalias(ty) else {
        return None;
    };
    let TypeKind::Struct(s) = &api.ty(*id).kind else {
        return None;
    };
    if let Some(links) = s
        .fields
        .iter()
        .find(|f| f.wire_name == "links" || f.wire_name == "_links")
    {
        let mut path = vec![Step {
            field: links.rust_name.clone(),
            optional: links.is_optional(),
        }];
        path.extend(field_path(api, strip(&links.ty), &["next"], any)?);
        return Some(path);
    }
    field_path(api, ty, &["next"], |t| matches!(t, TypeRef::String))
}

/// Pagination as an overlay configured it.
fn configured(api: &Api, op: &Operation, config: &Value) -> Result<Pagination, String> {
    let text = |key: &str| config.get(key).and_then(Value::as_str);
    let param = |key: &str| -> Result<Option<usize>, String> {
        match text(key) {
            None => Ok(None),
            Some(name) => op
                .params
                .iter()
                .position(|p| p.wire_name == name && p.location == ParamLocation::Query && !p.required)
                .map(Some)
                .ok_or_else(|| format!("x-codegen.pagination.{key}: `{name}` is not an optional query parameter of the operation")),
        }
    };
    let page_ty = page_type(op)
        .ok_or("x-codegen.pagination: the operation has no single JSON success body")?;
    let (items, item_type) = items_of(api, page_ty, text("items"))
        .ok_or("x-codegen.pagination.items: no list of items found in the body")?;
    let path = |key: &str| -> Result<Option<Vec<Step>>, String> {
        let Some(dotted) = text(key) else {
            return Ok(None);
        };
        dotted_path(api, page_ty, dotted).map(Some).ok_or_else(|| {
            format!("x-codegen.pagination.{key}: no property `{dotted}` in the body")
        })
    };
    let size = param("size")?;
    let style = match text("style").unwrap_or("page") {
        "page" => {
            let page =
                param("page")?.ok_or("x-codegen.pagination.page: the page parameter is needed")?;
            let first = config
                .get("first")
                .and_then(Value::as_i64)
                .unwrap_or_else(|| first_page(op, page));
            PageStyle::PageNumber { page, size, first }
        }
        "offset" => PageStyle::Offset {
            offset: param("offset")?
                .ok_or("x-codegen.pagination.offset: the offset parameter is needed")?,
            limit: size,
        },
        "cursor" => PageStyle::Cursor {
            cursor: param("cursor")?
                .ok_or("x-codegen.pagination.cursor: the cursor parameter is needed")?,
            next: path("next")?
                .ok_or("x-codegen.pagination.next: where the next cursor is, is needed")?,
        },
        other => {
            return Err(format!(
                "x-codegen.pagination.style: `{other}` is not page, offset or cursor"
            ));
        }
    };
    let next_link = match &style {
        PageStyle::Cursor { .. } => None,
        _ => path("next")?,
    };
    Ok(Pagination {
        style,
        items,
        item_type,
        total: path("total")?,
        next_link,
    })
}

/// `links.next` → the fields on the way, by wire name.
fn dotted_path(api: &Api, ty: &TypeRef, dotted: &str) -> Option<Vec<Step>> {
    let mut path = Vec::new();
    let mut current = ty.clone();
    for name in dotted.split('.') {
        let TypeRef::Named(id) = api.unalias(&current) else {
            return None;
        };
        let TypeKind::Struct(s) = &api.ty(*id).kind else {
            return None;
        };
        let field = s.fields.iter().find(|f| f.wire_name == name)?;
        path.push(Step {
            field: field.rust_name.clone(),
            optional: field.is_optional(),
        });
        current = strip(&field.ty).clone();
    }
    Some(path)
}
