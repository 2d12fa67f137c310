//! `src/apis/*.rs`: one module per tag; per operation a method on the tag's struct that returns a
//! request builder.
//!
//! Required parameters (path, required query/header/cookie, a required body) are arguments of
//! the method; optional ones are setters on the builder, so a spec that adds optional parameters
//! does not break callers. The builder is sent with `.send().await` or simply `.await`.

use proc_macro2::{Ident, Literal, TokenStream};
use quote::{format_ident, quote};

use super::docs;
use super::rust::{self, ident, TypesPath};
use crate::ir::{
    Api, Body, BodyKind, Doc, Group, Operation, Param, ParamLocation, ParamType, PathPart,
    ResponseBody, ResponseCase, Status, TypeRef,
};

/// `src/apis/mod.rs`.
pub(crate) fn mod_file(api: &Api) -> TokenStream {
    let modules = api.groups.iter().map(|g| {
        let module = ident(&g.module);
        let doc = format!(" `{}` operations.", g.tag);
        quote! { #[doc = #doc] pub mod #module; }
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
    let mut module_doc = vec![format!("`{}` operations.", group.tag)];
    if let Some(doc) = &group.doc {
        module_doc.push(String::new());
        module_doc.extend(docs::markdown(doc));
    }
    let module_doc = docs::lines_to_inner_attrs(&module_doc);
    let struct_doc = format!(" The `{}` operations; get it with `Client::{}`.", group.tag, group.accessor);
    let ops: Vec<&Operation> = group.operations.iter().map(|&i| &api.operations[i]).collect();
    let methods = ops.iter().map(|op| method(api, group, op));
    let builders = ops.iter().map(|op| builder(api, group, op));
    quote! {
        #module_doc

        #[doc = #struct_doc]
        #[derive(Debug, Clone, Copy)]
        pub struct #struct_name<'a> {
            pub(crate) client: &'a crate::Client,
        }

        impl<'a> #struct_name<'a> {
            #(#methods)*
        }

        #(#builders)*
    }
}

fn optional_params(op: &Operation) -> impl Iterator<Item = &Param> {
    op.params.iter().filter(|p| !p.required)
}

/// The type a parameter is stored as in the builder.
fn param_type(api: &Api, param: &Param) -> TokenStream {
    match &param.ty {
        ParamType::Scalar(ty) if matches!(api.unalias(ty), TypeRef::String) => quote!(&'a str),
        ParamType::Scalar(ty) => rust::ty(api, ty, TypesPath::Crate),
        ParamType::List { item, .. } => {
            let item = list_item_type(api, item);
            quote!(Vec<#item>)
        }
        ParamType::Encoded { .. } => quote!(&'a str),
    }
}

fn list_item_type(api: &Api, item: &TypeRef) -> TokenStream {
    rust::ty(api, item, TypesPath::Crate)
}

/// An argument's type and how it becomes the stored value.
fn param_argument(api: &Api, param: &Param) -> (TokenStream, TokenStream) {
    let name = ident(&param.rust_name);
    match &param.ty {
        ParamType::List { item, .. } => {
            let item = list_item_type(api, item);
            (
                quote!(impl IntoIterator<Item = impl Into<#item>>),
                quote!(#name.into_iter().map(Into::into).collect()),
            )
        }
        _ => (param_type(api, param), quote!(#name)),
    }
}

/// The body's argument type (a borrow of the model, or bytes).
fn body_argument(api: &Api, body: &Body) -> TokenStream {
    match &body.kind {
        BodyKind::Json(ty) => match ty {
            // `&[T]` and `&str` rather than `&Vec<T>` and `&String`.
            TypeRef::Vec(item) => {
                let item = rust::ty(api, item, TypesPath::Crate);
                quote!(&'a [#item])
            }
            TypeRef::String => quote!(&'a str),
            other => {
                let ty = rust::ty(api, other, TypesPath::Crate);
                quote!(&'a #ty)
            }
        },
        BodyKind::Raw => quote!(bytes::Bytes),
    }
}

fn method(api: &Api, group: &Group, op: &Operation) -> TokenStream {
    let method_name = ident(&op.method_name);
    let builder = ident(&op.builder_name);
    let required = op.arguments();
    let mut args: Vec<TokenStream> = required
        .iter()
        .map(|p| {
            let name = ident(&p.rust_name);
            let (ty, _) = param_argument(api, p);
            quote!(#name: #ty)
        })
        .collect();
    let required_body = op.body.as_ref().filter(|b| b.required);
    if let Some(body) = required_body {
        let ty = body_argument(api, body);
        let ty = match body.kind {
            BodyKind::Raw => quote!(impl Into<bytes::Bytes>),
            BodyKind::Json(_) => ty,
        };
        args.push(quote!(body: #ty));
    }
    let inits = op.params.iter().map(|p| {
        let name = ident(&p.rust_name);
        if p.required {
            match p.ty {
                ParamType::List { .. } => {
                    let (_, value) = param_argument(api, p);
                    quote!(#name: #value)
                }
                _ => quote!(#name),
            }
        } else {
            quote!(#name: None)
        }
    });
    let body_init = op.body.as_ref().map(|b| match (b.required, &b.kind) {
        (true, BodyKind::Raw) => quote!(body: body.into(),),
        (true, BodyKind::Json(_)) => quote!(body,),
        (false, _) => quote!(body: None,),
    });
    let doc = method_doc(api, group, op);
    quote! {
        #doc
        pub fn #method_name(&self, #(#args),*) -> #builder<'a> {
            #builder {
                client: self.client,
                #(#inits,)*
                #body_init
            }
        }
    }
}

fn method_doc(api: &Api, _group: &Group, op: &Operation) -> TokenStream {
    let mut paragraphs = vec![docs::lines(&op.doc)];
    let mut signature = format!("`{} {}`", op.method, op.path);
    if let Some(id) = &op.operation_id {
        signature.push_str(&format!(" (operation `{id}`)"));
    }
    paragraphs.push(vec![signature]);
    let mut params: Vec<String> = op.arguments()
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
        .chain(op.body.as_ref().filter(|b| !b.required).map(|b| body_line(api, b, false)))
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
    docs::lines_to_attrs(&docs::join_paragraphs(paragraphs))
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
    let setter = if required { String::new() } else { format!(" `.{}(…)`", crate::names::unraw(&p.rust_name)) };
    let description = one_line(&p.doc);
    let description = if description.is_empty() { String::new() } else { format!(": {description}") };
    format!(
        "- `{}`{setter} ({} `{}`){description}",
        crate::names::unraw(&p.rust_name),
        p.location.as_str(),
        p.wire_name,
    )
}

fn body_line(api: &Api, body: &Body, required: bool) -> String {
    let what = match &body.kind {
        BodyKind::Json(ty) => format!("`{}` as `{}`", api.display(ty), body.media_type),
        BodyKind::Raw => format!("bytes as `{}`", body.media_type),
    };
    let setter = if required { "" } else { " `.body(…)`" };
    let description = one_line(&body.doc);
    let description = if description.is_empty() { String::new() } else { format!(": {description}") };
    format!("- `body`{setter}: {what}{description}")
}

/// What a successful call returns.
fn output_type(api: &Api, op: &Operation) -> TokenStream {
    if let Some(name) = &op.response_enum {
        let name = ident(name);
        return quote!(#name);
    }
    match op.success.first() {
        Some(case) => body_type(api, &case.body),
        None => quote!(crate::RawBody),
    }
}

fn body_type(api: &Api, body: &ResponseBody) -> TokenStream {
    match body {
        ResponseBody::Empty => quote!(()),
        ResponseBody::Json(ty) => rust::ty(api, ty, TypesPath::Crate),
        ResponseBody::Raw { documented: Some(ty), .. } => {
            let ty = rust::ty(api, ty, TypesPath::Crate);
            quote!(crate::RawBody<#ty>)
        }
        ResponseBody::Raw { documented: None, .. } => quote!(crate::RawBody),
    }
}

fn error_type(op: &Operation) -> TokenStream {
    match &op.error_enum {
        Some(name) => {
            let name = ident(name);
            quote!(crate::Error<#name>)
        }
        None => quote!(crate::Error),
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
        let ty = body_argument(api, b);
        if b.required {
            quote!(body: #ty,)
        } else {
            quote!(body: Option<#ty>,)
        }
    });
    let setters = optional_params(op).map(|p| {
        let name = ident(&p.rust_name);
        let (ty, value) = param_argument(api, p);
        let doc = docs::lines_to_attrs(&setter_doc(p));
        quote! {
            #doc
            pub fn #name(mut self, #name: #ty) -> Self {
                self.#name = Some(#value);
                self
            }
        }
    });
    let body_setter = op.body.as_ref().filter(|b| !b.required).map(|b| {
        let ty = body_argument(api, b);
        let (ty, value) = match b.kind {
            BodyKind::Raw => (quote!(impl Into<bytes::Bytes>), quote!(body.into())),
            BodyKind::Json(_) => (ty, quote!(body)),
        };
        let mut lines = vec![format!("The request body ({}).", body_line(api, b, true).trim_start_matches("- `body`: "))];
        lines.extend(docs::lines(&b.doc).into_iter().map(|l| l.to_owned()));
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
    let error = error_type(op);
    let send_body = send_body(op);
    let builder_doc = format!(
        " Request builder for [`{}::{}`] (`{} {}`): set optional parameters, then `.await` it.",
        group.struct_name,
        crate::names::unraw(&op.method_name),
        op.method,
        op.path
    );
    let response_enum = response_enum(api, group, op);
    let error_enum = error_enum(api, group, op);
    quote! {
        #[doc = #builder_doc]
        #[derive(Debug, Clone)]
        #[must_use = "a request is only sent when awaited"]
        pub struct #builder<'a> {
            client: &'a crate::Client,
            #(#fields)*
            #body_field
        }

        impl<'a> #builder<'a> {
            #(#setters)*
            #body_setter

            /// Sends the request and decodes the response.
            pub async fn send(self) -> Result<#output, #error> {
                #send_body
            }
        }

        impl<'a> std::future::IntoFuture for #builder<'a> {
            type Output = Result<#output, #error>;
            type IntoFuture = crate::BoxFuture<'a, Self::Output>;

            fn into_future(self) -> Self::IntoFuture {
                Box::pin(self.send())
            }
        }

        #response_enum
        #error_enum
    }
}

fn setter_doc(p: &Param) -> Vec<String> {
    let mut lines = docs::lines(&p.doc);
    if !lines.is_empty() {
        lines.push(String::new());
    }
    lines.push(format!("Sent as the {} parameter `{}`.", p.location.as_str(), p.wire_name));
    lines
}

fn wire(name: &str) -> Literal {
    Literal::string(name)
}

fn send_body(op: &Operation) -> TokenStream {
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
    let query_steps = op.params.iter().filter(|p| p.location == ParamLocation::Query).map(|p| {
        let name = ident(&p.rust_name);
        let wire_name = wire(&p.wire_name);
        let push = |value: TokenStream| match &p.ty {
            ParamType::List { explode, .. } => quote!(query.push_list(#wire_name, #value, #explode);),
            _ => quote!(query.push(#wire_name, #value);),
        };
        if p.required {
            push(quote!(&self.#name))
        } else {
            let step = push(quote!(value));
            quote!(if let Some(value) = &self.#name { #step })
        }
    });
    let header_steps = op
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
        });
    let body_step = op.body.as_ref().map(|b| {
        let media = wire(&b.media_type);
        let add = |value: TokenStream| match b.kind {
            BodyKind::Json(_) => quote!(request.json(#media, #value)?;),
            BodyKind::Raw => quote!(request.raw(#media, #value);),
        };
        if b.required {
            add(quote!(self.body))
        } else {
            let step = add(quote!(body));
            quote!(if let Some(body) = self.body { #step })
        }
    });
    let accept = accept(op).map(|media| quote!(request.accept(#media);));
    let method = format_ident!("{}", op.method.as_str());
    let signed = op.signed;
    let decode = decode(op);
    let length = Literal::usize_unsuffixed(length);
    let query_mut = op.params.iter().any(|p| p.location == ParamLocation::Query).then(|| quote!(mut));
    let request_mut = (op.params.iter().any(|p| matches!(p.location, ParamLocation::Header | ParamLocation::Cookie))
        || op.body.is_some()
        || accept.is_some())
    .then(|| quote!(mut));
    quote! {
        let mut path = String::with_capacity(#length);
        #(#path_steps)*
        let #query_mut query = crate::encoding::Query::default();
        #(#query_steps)*
        let #request_mut request = crate::transport::Request::new(reqwest::Method::#method, path, query);
        #(#header_steps)*
        #body_step
        #accept
        let response = self.client.transport().send(request, #signed).await?;
        #decode
    }
}

/// The `Accept` header: JSON when any success body is JSON, else the documented media type.
fn accept(op: &Operation) -> Option<String> {
    if op.success.iter().any(|c| matches!(c.body, ResponseBody::Json(_))) {
        return Some("application/json".to_owned());
    }
    op.success.iter().find_map(|c| match &c.body {
        ResponseBody::Raw { media_type, .. } if reqwest_safe(media_type) => Some(media_type.clone()),
        _ => None,
    })
}

fn reqwest_safe(media_type: &str) -> bool {
    media_type.bytes().all(|b| (0x20..0x7f).contains(&b))
}

fn decode(op: &Operation) -> TokenStream {
    let error = error_value(op);
    if let Some(name) = &op.response_enum {
        let name = ident(name);
        let arms = ordered(&op.success).into_iter().map(|case| {
            let pattern = status_pattern(case.status);
            let variant = ident(&case.variant);
            let value = match &case.body {
                ResponseBody::Empty => quote!(#name::#variant),
                ResponseBody::Json(_) => quote!(#name::#variant(response.json()?)),
                ResponseBody::Raw { .. } => quote!(#name::#variant(response.raw())),
            };
            quote!(#pattern => Ok(#value),)
        });
        return quote! {
            match response.status() {
                #(#arms)*
                _ => { #error }
            }
        };
    }
    let value = match op.success.first().map(|c| &c.body) {
        Some(ResponseBody::Empty) => quote!(()),
        Some(ResponseBody::Json(_)) => quote!(response.json()?),
        Some(ResponseBody::Raw { .. }) | None => quote!(response.raw()),
    };
    quote! {
        if response.is_success() {
            Ok(#value)
        } else {
            #error
        }
    }
}

/// Exact status codes before ranges before `default`, so match arms never shadow each other.
fn ordered(cases: &[ResponseCase]) -> Vec<&ResponseCase> {
    let mut out: Vec<&ResponseCase> = cases.iter().collect();
    out.sort_by_key(|c| match c.status {
        Status::Code(_) => 0,
        Status::Range(_) => 1,
        Status::Default => 2,
    });
    out
}

fn status_pattern(status: Status) -> TokenStream {
    match status {
        Status::Code(code) => {
            let code = Literal::u16_unsuffixed(code);
            quote!(#code)
        }
        Status::Range(digit) => {
            let low = Literal::u16_unsuffixed(digit * 100);
            let high = Literal::u16_unsuffixed(digit * 100 + 99);
            quote!(#low..=#high)
        }
        Status::Default => quote!(_),
    }
}

fn error_value(op: &Operation) -> TokenStream {
    let Some(name) = &op.error_enum else {
        return quote!(Err(response.into_error(None)));
    };
    let name = ident(name);
    let typed: Vec<&ResponseCase> = ordered(&op.errors)
        .into_iter()
        .filter(|c| matches!(c.body, ResponseBody::Json(_)))
        .collect();
    let has_default = typed.iter().any(|c| c.status == Status::Default);
    let arms = typed.iter().map(|case| {
        let pattern = status_pattern(case.status);
        let variant = ident(&case.variant);
        quote!(#pattern => response.typed_error().map(#name::#variant),)
    });
    let fallback = (!has_default).then(|| quote!(_ => None,));
    quote! {
        let typed = match response.status() {
            #(#arms)*
            #fallback
        };
        Err(response.into_error(typed))
    }
}

fn case_doc(case: &ResponseCase) -> TokenStream {
    let mut lines = vec![format!("`{}`", case.status)];
    let description = docs::lines(&case.doc);
    if !description.is_empty() {
        lines[0].push_str(": ");
        lines[0].push_str(description[0].trim());
        lines.extend(description.into_iter().skip(1));
    }
    docs::lines_to_attrs(&lines)
}

fn response_enum(api: &Api, group: &Group, op: &Operation) -> Option<TokenStream> {
    let name = ident(op.response_enum.as_ref()?);
    let variants = op.success.iter().map(|case| {
        let variant = ident(&case.variant);
        let doc = case_doc(case);
        match &case.body {
            ResponseBody::Empty => quote!(#doc #variant,),
            body => {
                let ty = body_type(api, body);
                quote!(#doc #variant(#ty),)
            }
        }
    });
    let doc = format!(
        " The successful responses of [`{}::{}`], by status.",
        group.struct_name,
        crate::names::unraw(&op.method_name),
    );
    Some(quote! {
        #[doc = #doc]
        #[derive(Debug, Clone, PartialEq)]
        #[allow(clippy::large_enum_variant)] // variants mirror the spec's responses
        pub enum #name {
            #(#variants)*
        }
    })
}

fn error_enum(api: &Api, group: &Group, op: &Operation) -> Option<TokenStream> {
    let name: Ident = ident(op.error_enum.as_ref()?);
    let variants = op.errors.iter().filter_map(|case| {
        let ResponseBody::Json(ty) = &case.body else { return None };
        let variant = ident(&case.variant);
        let ty = rust::ty(api, ty, TypesPath::Crate);
        let doc = case_doc(case);
        Some(quote!(#doc #variant(#ty),))
    });
    let doc = format!(
        " The documented error bodies of [`{}::{}`], by status; see [`crate::StatusError::typed`].",
        group.struct_name,
        crate::names::unraw(&op.method_name),
    );
    Some(quote! {
        #[doc = #doc]
        #[derive(Debug, Clone, PartialEq)]
        #[allow(clippy::large_enum_variant)] // variants mirror the spec's responses
        pub enum #name {
            #(#variants)*
        }
    })
}
