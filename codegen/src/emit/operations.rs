//! `src/apis/*.rs`: one module per tag; per operation a method on the tag's struct that returns a
//! request builder.
//!
//! Required parameters (path, required query/header/cookie, a required body) are arguments of
//! the method; optional ones are setters on the builder, so a spec that adds optional parameters
//! does not break callers. The builder is sent with `.send().await` or simply `.await`.

use proc_macro2::{Ident, Literal, TokenStream};
use quote::{format_ident, quote};

use super::docs;
use super::rust::{self, TypesPath, ident};
use super::text;
use crate::ir::{
    Api, Body, BodyKind, Doc, Group, Operation, Param, ParamLocation, ParamType, PathPart,
    ResponseBody, ResponseCase, Status,
};

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
        let cfg = super::features::group_cfg(api, i);
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
    let import = rust::types_import(&items);
    quote! {
        #module_doc
        #import
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
    match &body.kind {
        BodyKind::Json(ty) => rust::ty(api, ty, TypesPath::Crate),
        BodyKind::Raw => quote!(bytes::Bytes),
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
            BodyKind::Json(_) => body_type(api, body),
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
        (true, BodyKind::Json(_)) => quote!(body,),
        (false, _) => quote!(body: None,),
    });
    let doc = method_doc(api, group, op);
    let aliases = doc_aliases(op);
    let deprecated = docs::deprecated(&op.doc, &op.label());
    quote! {
        #doc
        #(#[doc(alias = #aliases)])*
        #deprecated
        pub fn #method_name(&self, #(#args),*) -> #builder {
            #builder {
                common: crate::request::Common::new(self.client.transport()),
                #(#inits,)*
                #body_init
            }
        }
    }
}

/// rustdoc search aliases of a method: its path (`/v3/users/{user_id}`) and `operationId`, so
/// either finds it. rustdoc refuses quotes, whitespace other than inner spaces, and an alias
/// equal to the name.
fn doc_aliases(op: &Operation) -> Vec<Literal> {
    let usable = |alias: &str| {
        !alias.is_empty()
            && alias.trim() == alias
            && !alias.chars().any(|c| {
                c == '"'
                    || c == '\''
                    || (c.is_whitespace() && c != ' ')
                    || super::text::is_hazard(c)
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

fn method_doc(api: &Api, _group: &Group, op: &Operation) -> TokenStream {
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
        format!(" `.{}(…)`", crate::names::unraw(&p.rust_name))
    };
    let description = one_line(&p.doc);
    let description = if description.is_empty() {
        String::new()
    } else {
        format!(": {description}")
    };
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
    let description = if description.is_empty() {
        String::new()
    } else {
        format!(": {description}")
    };
    format!("- `body`{setter}: {what}{description}")
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
            BodyKind::Json(_) => (body_type(api, b), quote!(body)),
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

            fn common(&mut self) -> &mut crate::request::Common {
                &mut self.common
            }

            fn into_request(self) -> Result<(crate::request::Common, crate::transport::Request), crate::error::Failure> {
                #into_request
            }

            fn decode(response: &crate::transport::RawResponse) -> Result<#output, crate::Error<#error>> {
                #decode
            }

            #documented
        }

        crate::request::operation!(#builder => #output, #error);

        #pagination

        #response_enum
        #error_enum
    }
}

/// `Operation::documented`: the statuses the operation documents (any other is drift). With a
/// `default` response, every status is documented: the trait's default says so.
fn documented_statuses(op: &Operation) -> Option<TokenStream> {
    let cases: Vec<&ResponseCase> = ordered(&op.success)
        .into_iter()
        .chain(ordered(&op.errors))
        .collect();
    if cases.iter().any(|c| c.status == Status::Default) {
        return None;
    }
    let patterns: Vec<TokenStream> = cases.iter().map(|c| status_pattern(c.status)).collect();
    let body = if patterns.is_empty() {
        quote!(false)
    } else {
        quote!(matches!(status, #(#patterns)|*))
    };
    let status = if patterns.is_empty() {
        quote!(_status)
    } else {
        quote!(status)
    };
    Some(quote! {
        fn documented(#status: u16) -> bool {
            #body
        }
    })
}

/// The operation's [`OperationInfo`](crate) constant: id, method, path template, signing.
fn operation_info(op: &Operation) -> TokenStream {
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

fn setter_doc(p: &Param) -> Vec<String> {
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

/// A string literal for spec text (escaped for every hazard, see `text::rust_str`).
pub(super) fn wire(name: &str) -> Literal {
    text::rust_str(name)
}

fn into_request(op: &Operation) -> TokenStream {
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
        let add = |value: TokenStream| match b.kind {
            BodyKind::Json(_) => quote!(request.json(#media, &#value)?;),
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

fn decode(op: &Operation) -> TokenStream {
    let error = error_value(op);
    if let Some(name) = &op.response_enum {
        let name = ident(name);
        let arms = ordered(&op.success).into_iter().map(|case| {
            let pattern = status_pattern(case.status);
            let variant = ident(&case.variant);
            let value = match &case.body {
                ResponseBody::Empty => quote!(#name::#variant),
                ResponseBody::Json(_) => {
                    let json = json_call(case);
                    quote!(#name::#variant(#json))
                }
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
    let value = match op.success.first().map(|c| (c, &c.body)) {
        Some((_, ResponseBody::Empty)) => quote!(()),
        Some((case, ResponseBody::Json(_))) => json_call(case),
        Some((_, ResponseBody::Raw { .. })) | None => quote!(response.raw()),
    };
    quote! {
        if response.is_success() {
            Ok(#value)
        } else {
            #error
        }
    }
}

/// Decoding a JSON success body: as documented, or also inside its envelope.
fn json_call(case: &ResponseCase) -> TokenStream {
    match &case.envelope {
        Some(key) => quote!(response.json_enveloped(#key)?),
        None => quote!(response.json()?),
    }
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
        return quote!(Err(response.error(None)));
    };
    let name = ident(name);
    let typed: Vec<&ResponseCase> = ordered(&op.errors)
        .into_iter()
        .filter(|c| matches!(c.body, ResponseBody::Json(_)))
        .collect();
    let has_default = typed.iter().any(|c| c.status == Status::Default);
    if let [only] = typed.as_slice()
        && only.status == Status::Default
    {
        // A `match` with one wildcard arm is noise (clippy's `match_single_binding`).
        let variant = ident(&only.variant);
        return quote!(Err(response.error(response.typed_error().map(#name::#variant))));
    }
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
        Err(response.error(typed))
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
                let ty = response_body_type(api, body);
                quote!(#doc #variant(#ty),)
            }
        }
    });
    let doc = format!(
        " The successful responses of [`{}::{}`], by status. Non-exhaustive: a status the spec adds later is not a breaking change.",
        group.struct_name,
        crate::names::unraw(&op.method_name),
    );
    Some(quote! {
        #[doc = #doc]
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        #[allow(clippy::large_enum_variant)] // variants mirror the spec's responses
        pub enum #name {
            #(#variants)*
        }
    })
}

fn error_enum(api: &Api, group: &Group, op: &Operation) -> Option<TokenStream> {
    let name: Ident = ident(op.error_enum.as_ref()?);
    let variants = op.errors.iter().filter_map(|case| {
        let ResponseBody::Json(ty) = &case.body else {
            return None;
        };
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
        #[non_exhaustive]
        #[allow(clippy::large_enum_variant)] // variants mirror the spec's responses
        pub enum #name {
            #(#variants)*
        }
    })
}
