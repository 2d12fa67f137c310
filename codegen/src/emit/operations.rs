//! `src/apis/*.rs`: one module per tag; per operation a method on the tag's struct that returns a
//! request builder.
//!
//! Required parameters (path, required query/header/cookie, a required body) are arguments of
//! the method; optional ones are setters on the builder, so a spec that adds optional parameters
//! does not break callers. The builder is sent with `.send().await` or simply `.await`.
//!
//! This file lays out the modules, the group structs, their methods and the builders; what goes
//! inside a builder has modules of its own: `method_docs` (the rustdoc of methods and setters),
//! `request` (how a builder becomes an HTTP request) and `responses` (how a response becomes the
//! result, and the response and error enums).

mod method_docs;
mod request;
mod responses;

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use self::method_docs::{body_line, doc_aliases, method_doc, setter_doc};
pub(crate) use self::request::form_styles;
use self::request::{into_request, operation_info};
use self::responses::{decode, documented_statuses, error_enum, response_enum};
use super::support::docs;
use super::support::rust::{self, TypesPath, ident};
use crate::ir::{
    Api, Body, BodyKind, Group, Operation, Param, ParamType, ResponseBody, ResponseCase, Status,
};
use crate::text;

/// `src/apis/mod.rs`.
pub(crate) fn mod_file(api: &Api) -> TokenStream {
    let modules = api.groups.iter().enumerate().map(|(i, g)| {
        let module = ident(&g.module);
        let doc = docs::lines_to_attrs(&[
            format!("{} operations.", text::markdown_code(&g.tag)),
            String::new(),
            format!(
                "Compiled with the feature `{}` (on by default, through `{}`).",
                api.features.group_features[i],
                crate::ir::ALL_FEATURE
            ),
        ]);
        let cfg = super::support::features::group_cfg(api, i);
        quote! { #doc #cfg pub mod #module; }
    });
    quote! {
        //! Operations, one module per tag of the spec. Reach them from the client:
        //! `client.<tag>().<operation>(…)`.
        #(#modules)*
    }
}

/// `src/apis/<group>.rs`.
pub(crate) fn group_file(api: &Api, group: &Group) -> TokenStream {
    let struct_name = ident(&group.struct_name);
    let mut module_doc = vec![format!("{} operations.", text::markdown_code(&group.tag))];
    if let Some(doc) = &group.doc {
        module_doc.push(String::new());
        module_doc.extend(docs::markdown(doc));
    }
    let module_doc = docs::lines_to_inner_attrs(&module_doc);
    let struct_doc = docs::lines_to_attrs(&[format!(
        "The {} operations; get it with [`Client::{}`](crate::Client::{}).",
        text::markdown_code(&group.tag),
        crate::names::unraw(&group.accessor),
        crate::names::unraw(&group.accessor)
    )]);
    let ops: Vec<&Operation> = group
        .operations
        .iter()
        .map(|&i| &api.operations[i])
        .collect();
    let methods = ops.iter().map(|op| method(api, group, op));
    let builders = ops.iter().map(|op| builder(api, group, op));
    let items = quote! {
        #struct_doc
        #[derive(Debug, Clone, Copy)]
        pub struct #struct_name<'a> {
            pub(crate) client: &'a crate::Client,
        }

        impl #struct_name<'_> {
            #(#methods)*
        }

        #(#builders)*
    };
    let items = rust::with_module_imports(items);
    quote! {
        #module_doc
        #items
    }
}

fn optional_params(op: &Operation) -> impl Iterator<Item = &Param> {
    op.params.iter().filter(|p| !p.required)
}

/// The type a parameter is stored as in the builder (owned).
pub(super) fn param_type(api: &Api, param: &Param) -> TokenStream {
    match &param.ty {
        ParamType::Scalar(ty) => rust::ty(api, ty, TypesPath::Crate),
        ParamType::List { item, .. } => {
            let item = rust::ty(api, item, TypesPath::Crate);
            quote!(Vec<#item>)
        }
        ParamType::Encoded { .. } => quote!(String),
    }
}

/// An argument's type (as the caller passes it) and how it becomes the stored value.
pub(super) fn param_argument(api: &Api, param: &Param) -> (TokenStream, TokenStream) {
    let name = ident(&param.rust_name);
    match &param.ty {
        ParamType::List { item, .. } => {
            let item = rust::ty(api, item, TypesPath::Crate);
            (
                quote!(impl IntoIterator<Item = impl Into<#item>>),
                quote!(#name.into_iter().map(Into::into).collect()),
            )
        }
        _ => {
            let ty = param_type(api, param);
            (quote!(impl Into<#ty>), quote!(#name.into()))
        }
    }
}

/// The body's stored type.
pub(super) fn body_type(api: &Api, body: &Body) -> TokenStream {
    match body.kind.typed() {
        Some(ty) => rust::ty(api, ty, TypesPath::Crate),
        None => quote!(bytes::Bytes),
    }
}

fn method(api: &Api, group: &Group, op: &Operation) -> TokenStream {
    let method_name = ident(&op.method_name);
    let builder = ident(&op.builder_name);
    let mut args = Vec::new();
    for p in op.arguments() {
        let name = ident(&p.rust_name);
        let (ty, _) = param_argument(api, p);
        args.push(quote!(#name: #ty));
    }
    let required_body = op.body.as_ref().filter(|b| b.required);
    if let Some(body) = required_body {
        let ty = match body.kind {
            BodyKind::Raw => quote!(impl Into<bytes::Bytes>),
            BodyKind::Json(_) | BodyKind::Form(_) | BodyKind::Multipart(_) => body_type(api, body),
        };
        args.push(quote!(body: #ty));
    }
    let inits = op.params.iter().map(|p| {
        let name = ident(&p.rust_name);
        if p.required {
            let (_, value) = param_argument(api, p);
            quote!(#name: #value)
        } else {
            quote!(#name: None)
        }
    });
    let body_init = op.body.as_ref().map(|b| match (b.required, &b.kind) {
        (true, BodyKind::Raw) => quote!(body: body.into(),),
        (true, BodyKind::Json(_) | BodyKind::Form(_) | BodyKind::Multipart(_)) => quote!(body,),
        (false, _) => quote!(body: None,),
    });
    let doc = method_doc(api, group, op);
    let aliases = doc_aliases(op);
    let deprecated = docs::deprecated(&op.doc, &op.label());
    let many = rust::allow_many_arguments(args.len());
    quote! {
        #doc
        #(#[doc(alias = #aliases)])*
        #deprecated
        #many
        pub fn #method_name(&self, #(#args),*) -> #builder {
            #builder {
                common: crate::request::Common::new(self.client.transport()),
                #(#inits,)*
                #body_init
            }
        }
    }
}

/// What a successful call returns.
pub(super) fn output_type(api: &Api, op: &Operation) -> TokenStream {
    if let Some(name) = &op.response_enum {
        let name = ident(name);
        return quote!(#name);
    }
    match op.success.first() {
        Some(case) => response_body_type(api, &case.body),
        None => quote!(crate::RawBody),
    }
}

fn response_body_type(api: &Api, body: &ResponseBody) -> TokenStream {
    match body {
        ResponseBody::Empty => quote!(()),
        ResponseBody::Json(ty) => rust::ty(api, ty, TypesPath::Crate),
        ResponseBody::Raw {
            documented: Some(ty),
            ..
        } => {
            let ty = rust::ty(api, ty, TypesPath::Crate);
            quote!(crate::RawBody<#ty>)
        }
        ResponseBody::Raw {
            documented: None, ..
        } => quote!(crate::RawBody),
    }
}

/// The operation's typed error body (`Infallible` when it documents none).
fn error_body(op: &Operation) -> TokenStream {
    match &op.error_enum {
        Some(name) => {
            let name = ident(name);
            quote!(#name)
        }
        None => quote!(::core::convert::Infallible),
    }
}

fn builder(api: &Api, group: &Group, op: &Operation) -> TokenStream {
    let builder = ident(&op.builder_name);
    let fields = op.params.iter().map(|p| {
        let name = ident(&p.rust_name);
        let ty = param_type(api, p);
        if p.required {
            quote!(#name: #ty,)
        } else {
            quote!(#name: Option<#ty>,)
        }
    });
    let body_field = op.body.as_ref().map(|b| {
        let ty = body_type(api, b);
        if b.required {
            quote!(body: #ty,)
        } else {
            quote!(body: Option<#ty>,)
        }
    });
    let setters = optional_params(op).map(|p| {
        let name = ident(&p.rust_name);
        let mut doc = docs::lines_to_attrs(&setter_doc(p));
        doc.extend(docs::deprecated(
            &p.doc,
            &format!("{} parameter `{}`", p.location.as_str(), p.wire_name),
        ));
        if let ParamType::Encoded {
            documented,
            typed: Some(typed),
        } = &p.ty
        {
            let raw = ident(&typed.raw_setter);
            let ty = rust::ty(api, documented, TypesPath::Crate);
            let raw_doc = format!(
                " Sets {} to text encoded already (sent exactly as given, once checked).",
                text::markdown_code(&p.wire_name)
            );
            return quote! {
                #doc
                pub fn #name(mut self, value: impl Into<#ty>) -> Self {
                    match crate::base64_json::encode(&value.into()) {
                        Ok(text) => self.#name = Some(text),
                        Err(problem) => self.common.options().fail(problem),
                    }
                    self
                }

                #[doc = #raw_doc]
                pub fn #raw(mut self, text: impl Into<String>) -> Self {
                    self.#name = Some(text.into());
                    self
                }
            };
        }
        let (ty, value) = param_argument(api, p);
        quote! {
            #doc
            pub fn #name(mut self, #name: #ty) -> Self {
                self.#name = Some(#value);
                self
            }
        }
    });
    let body_setter = op.body.as_ref().filter(|b| !b.required).map(|b| {
        let (ty, value) = match b.kind {
            BodyKind::Raw => (quote!(impl Into<bytes::Bytes>), quote!(body.into())),
            BodyKind::Json(_) | BodyKind::Form(_) | BodyKind::Multipart(_) => {
                (body_type(api, b), quote!(body))
            }
        };
        let mut lines = vec![format!(
            "The request body ({}).",
            body_line(api, b, true).trim_start_matches("- `body`: ")
        )];
        lines.extend(docs::lines(&b.doc));
        let doc = docs::lines_to_attrs(&lines);
        quote! {
            #doc
            pub fn body(mut self, body: #ty) -> Self {
                self.body = Some(#value);
                self
            }
        }
    });
    let output = output_type(api, op);
    let error = error_body(op);
    let into_request = into_request(op);
    let decode = decode(op);
    let has_optional =
        optional_params(op).next().is_some() || op.body.as_ref().is_some_and(|b| !b.required);
    let builder_doc = docs::lines_to_attrs(&[format!(
        "Request builder for [`{}::{}`] ({}): {}`.await` it, or `.send_with_response()` for the status and headers too.",
        group.struct_name,
        crate::names::unraw(&op.method_name),
        text::markdown_code(&op.label()),
        if has_optional {
            "set optional parameters, then "
        } else {
            ""
        },
    )]);
    let response_enum = response_enum(api, group, op);
    let error_enum = error_enum(api, group, op);
    let pagination = super::pagination::builder_items(api, op, &builder, &output, &error);
    // `Vec<BTreeMap<String, Map<String, Value>>>` inside a future's type is what the spec says;
    // a type alias for it would be a name nobody asked for.
    let complex = (output.to_string().matches('<').count() >= 3)
        .then(|| quote!(#[allow(clippy::type_complexity)]));
    let info = operation_info(op);
    let documented = documented_statuses(op);
    let setters: Vec<TokenStream> = setters.collect();
    let inherent = (!setters.is_empty() || body_setter.is_some()).then(|| {
        quote! {
            #complex
            impl #builder {
                #(#setters)*
                #body_setter
            }
        }
    });
    let streams = super::runtime::streams(op).then(|| quote!(, streams));
    let events = super::runtime::events(op).map(|ty| {
        let ty = rust::ty(api, ty, TypesPath::Crate);
        quote!(crate::events::events!(#builder => #ty, #error);)
    });
    // `#[inline]` on the `Operation` methods (and `documented`) is measured, not habit: an inline
    // function is compiled where it is used, so the crate compiles only what a dependent calls.
    // Without it (2026-12-08, Zephr's crate, dependencies built, no incremental cache) the crate
    // took 4.7 s instead of 3.5 s in debug and 15.3 s instead of 6.0 s in release, since every
    // operation's decoding (and the serde code it instantiates) was compiled up front.
    quote! {
        #builder_doc
        #[derive(Debug, Clone)]
        #[must_use = "a request is only sent when awaited"]
        pub struct #builder {
            common: crate::request::Common,
            #(#fields)*
            #body_field
        }

        #inherent

        #complex
        impl crate::request::Operation for #builder {
            type Output = #output;
            type Error = #error;

            const INFO: crate::request::OperationInfo = #info;

            #[inline]
            fn common(&mut self) -> &mut crate::request::Common {
                &mut self.common
            }

            #[inline]
            fn into_request(self) -> Result<(crate::request::Common, crate::transport::Request), crate::error::Failure> {
                #into_request
            }

            #[inline]
            fn decode(response: &crate::transport::RawResponse) -> Result<#output, crate::Error<#error>> {
                #decode
            }

            #documented
        }

        crate::request::operation!(#builder => #output, #error #streams);
        #events

        #pagination

        #response_enum
        #error_enum
    }
}

/// A string literal for spec text (escaped for every hazard, see `text::rust_str`).
pub(super) fn wire(name: &str) -> Literal {
    text::rust_str(name)
}

/// Exact status codes before ranges before `default`, so match arms never shadow each other.
pub(super) fn ordered(cases: &[ResponseCase]) -> Vec<&ResponseCase> {
    let mut out: Vec<&ResponseCase> = cases.iter().collect();
    out.sort_by_key(|c| match c.status {
        Status::Code(_) => 0,
        Status::Range(_) => 1,
        Status::Default => 2,
    });
    out
}
