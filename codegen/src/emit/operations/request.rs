//! How a builder becomes an HTTP request: the operation's `OperationInfo` constant (id, method,
//! path template, signing) and the body of `Operation::into_request` (path, query, headers,
//! cookies, body, `Accept`).
//!
//! Apart because it is the one place that decides what goes on the wire, parameter by
//! parameter.

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

use super::wire;
use crate::emit::support::rust::ident;
use crate::ir::{
    BodyKind, FormBody, FormStyle, Operation, ParamLocation, ParamType, PathPart, ResponseBody,
};

/// The operation's [`OperationInfo`](crate) constant: id, method, path template, signing.
pub(super) fn operation_info(op: &Operation) -> TokenStream {
    let method = format_ident!("{}", op.method.as_str());
    let id = wire(
        op.operation_id
            .as_deref()
            .unwrap_or(crate::names::unraw(&op.method_name)),
    );
    let template = wire(&op.path);
    let signing = if op.signed {
        quote!(Signed)
    } else {
        quote!(Unsigned)
    };
    quote! {
        crate::request::OperationInfo {
            id: #id,
            method: reqwest::Method::#method,
            path: #template,
            signing: crate::transport::Signing::#signing,
        }
    }
}

pub(super) fn into_request(op: &Operation) -> TokenStream {
    let mut length = 0usize;
    let path_steps: Vec<TokenStream> = op
        .path_parts
        .iter()
        .map(|part| match part {
            PathPart::Literal(text) => {
                length += text.len();
                let mut chars = text.chars();
                match (chars.next(), chars.next()) {
                    (Some(c), None) => quote!(path.push(#c);),
                    _ => quote!(path.push_str(#text);),
                }
            }
            PathPart::Param(i) => {
                let p = &op.params[*i];
                length += 16;
                let name = ident(&p.rust_name);
                let wire_name = wire(&p.wire_name);
                let value = match p.ty {
                    ParamType::List { .. } => quote!(&crate::encoding::comma_joined(&self.#name)),
                    _ => quote!(&self.#name),
                };
                quote!(crate::encoding::push_path_param(&mut path, #wire_name, #value)?;)
            }
        })
        .collect();
    let query_steps = op
        .params
        .iter()
        .filter(|p| p.location == ParamLocation::Query)
        .map(|p| {
            let name = ident(&p.rust_name);
            let wire_name = wire(&p.wire_name);
            let push = |value: TokenStream| match &p.ty {
                ParamType::List { explode, .. } => {
                    quote!(query.push_list(#wire_name, #value, #explode);)
                }
                ParamType::Encoded { .. } => quote!(query.push_encoded(#wire_name, #value)?;),
                ParamType::Scalar(_) => quote!(query.push(#wire_name, #value);),
            };
            if p.required {
                push(quote!(&self.#name))
            } else {
                let step = push(quote!(value));
                quote!(if let Some(value) = &self.#name { #step })
            }
        });
    let header_steps: Vec<TokenStream> = op
        .params
        .iter()
        .filter(|p| matches!(p.location, ParamLocation::Header | ParamLocation::Cookie))
        .map(|p| {
            let name = ident(&p.rust_name);
            let wire_name = wire(&p.wire_name);
            let add = |value: TokenStream| {
                let value = match p.ty {
                    ParamType::List { .. } => quote!(&crate::encoding::comma_joined(#value)),
                    _ => value,
                };
                match p.location {
                    ParamLocation::Cookie => quote!(request.cookie(#wire_name, #value);),
                    _ => quote!(request.header(#wire_name, #value)?;),
                }
            };
            if p.required {
                add(quote!(&self.#name))
            } else {
                let step = add(quote!(value));
                quote!(if let Some(value) = &self.#name { #step })
            }
        })
        .collect();
    let body_step = op.body.as_ref().map(|b| {
        let media = wire(&b.media_type);
        let add = |value: TokenStream| match &b.kind {
            BodyKind::Json(_) => quote!(request.json(#media, &#value)?;),
            BodyKind::Form(form) => {
                let styles = form_styles(form);
                quote!(request.form(#media, &#value, #styles)?;)
            }
            // The media type is the body's own: `multipart/form-data` with its boundary.
            BodyKind::Multipart(_) => quote!(request.multipart(&#value)?;),
            BodyKind::Raw => quote!(request.raw(#media, #value);),
        };
        if b.required {
            add(quote!(self.body))
        } else {
            let step = add(quote!(body));
            quote!(if let Some(body) = self.body { #step })
        }
    });
    let accept = accept(op).map(|media| {
        let media = wire(&media);
        quote!(request.accept(#media);)
    });
    let length = Literal::usize_unsuffixed(length);
    let query_mut = op
        .params
        .iter()
        .any(|p| p.location == ParamLocation::Query)
        .then(|| quote!(mut));
    let request_mut =
        (!header_steps.is_empty() || body_step.is_some() || accept.is_some()).then(|| quote!(mut));
    quote! {
        let mut path = String::with_capacity(#length);
        #(#path_steps)*
        let #query_mut query = crate::encoding::Query::default();
        #(#query_steps)*
        let #request_mut request = crate::transport::Request::new(&Self::INFO, path, query);
        #(#header_steps)*
        #body_step
        #accept
        Ok((self.common, request))
    }
}

/// The `Accept` header: JSON when any success body is JSON, else the documented media type.
/// The styles of a form's properties, as the runtime's `form::encode` takes them.
pub(crate) fn form_styles(form: &FormBody) -> TokenStream {
    let styles = form.styles.iter().map(|(name, style)| {
        let style = match style {
            FormStyle::Form => quote!(Form),
            FormStyle::SpaceDelimited => quote!(SpaceDelimited),
            FormStyle::PipeDelimited => quote!(PipeDelimited),
            FormStyle::DeepObject => quote!(DeepObject),
        };
        quote!((#name, crate::form::Style::#style))
    });
    quote!(&[#(#styles),*])
}

fn accept(op: &Operation) -> Option<String> {
    if op
        .success
        .iter()
        .any(|c| matches!(c.body, ResponseBody::Json(_)))
    {
        return Some("application/json".to_owned());
    }
    op.success.iter().find_map(|c| match &c.body {
        ResponseBody::Raw { media_type, .. } if reqwest_safe(media_type) => {
            Some(media_type.clone())
        }
        _ => None,
    })
}

fn reqwest_safe(media_type: &str) -> bool {
    media_type.bytes().all(|b| (0x20..0x7f).contains(&b))
}
