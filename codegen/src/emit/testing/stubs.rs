//! Per operation, the stub method (named and typed like the client's method) and the stub
//! builder (the client's setters, then `returns…`): each argument and setter becomes a matcher
//! that encodes the value exactly as the client would send it.
//!
//! Apart because it mirrors the client's request building parameter by parameter (`matcher`),
//! and changes with it.

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use super::answers::{answer_of, error_returns};
use super::operation_id;
use crate::emit::operations::{self as ops, wire};
use crate::emit::support::rust::{self, TypesPath, ident};
use crate::ir::{Api, BodyKind, Group, Operation, Param, ParamLocation, ParamType};
use crate::text;

fn stub_name(op: &Operation) -> Ident {
    // A builder named for a keyword carries a `_` (`Self_`): the suffix makes it a name already.
    format_ident!(
        "{}Stub",
        crate::names::unraw(&op.builder_name).trim_end_matches('_')
    )
}

/// The stub method, with the client method's name and arguments.
pub(super) fn stub_method(api: &Api, group: &Group, op: &Operation) -> TokenStream {
    let method = ident(&op.method_name);
    let stub = stub_name(op);
    let id = wire(&operation_id(op));
    let mut args = Vec::new();
    let mut matchers = Vec::new();
    for p in op.arguments() {
        let name = ident(&p.rust_name);
        let (ty, value) = ops::param_argument(api, p);
        args.push(quote!(#name: #ty));
        let stored_ty = ops::param_type(api, p);
        let stored = format_ident!("{}_value", crate::names::unraw(&p.rust_name));
        matchers.push(quote!(let #stored: #stored_ty = #value;));
        matchers.push(matcher(p, quote!(#stored)));
    }
    if let Some(body) = op.body.as_ref().filter(|b| b.required) {
        match &body.kind {
            BodyKind::Json(_) => {
                let ty = ops::body_type(api, body);
                args.push(quote!(body: #ty));
                matchers.push(quote!(let stub = stub.json_body(&body);));
            }
            BodyKind::Form(form) => {
                let ty = ops::body_type(api, body);
                let styles = ops::form_styles(form);
                args.push(quote!(body: #ty));
                matchers.push(
                    quote!(let stub = stub.form_body(crate::form::encode(&body, #styles).ok());),
                );
            }
            // Parts are not compared: a stub of a multipart operation matches any body.
            BodyKind::Multipart(_) => {
                let ty = ops::body_type(api, body);
                args.push(quote!(_body: #ty));
            }
            BodyKind::Raw => args.push(quote!(_body: impl Into<bytes::Bytes>)),
        }
    }
    let doc = format!(
        " Stubs [`{}::{}`](crate::apis::{}::{}::{}) (`{} {}`): requests that match these arguments (and the setters) get what the returned stub is given.",
        crate::names::unraw(&group.struct_name),
        crate::names::unraw(&op.method_name),
        crate::names::unraw(&group.module),
        crate::names::unraw(&group.struct_name),
        crate::names::unraw(&op.method_name),
        op.method,
        text::markdown_code(&op.path).trim_matches('`'),
    );
    let many = rust::allow_many_arguments(args.len());
    quote! {
        #[doc = #doc]
        #many
        pub fn #method(&self, #(#args),*) -> #stub {
            let stub = self.engine.stub(#id);
            #(#matchers)*
            #stub { stub }
        }
    }
}

/// The statements that make `stub` match parameter `p` with `value` (a variable of the
/// parameter's stored type, used once), as the client sends it.
fn matcher(p: &Param, value: TokenStream) -> TokenStream {
    let wire_name = wire(&p.wire_name);
    match (p.location, &p.ty) {
        (ParamLocation::Path, ParamType::List { .. }) => {
            quote!(let stub = stub.path_param(#wire_name, crate::encoding::comma_joined(&#value));)
        }
        (ParamLocation::Path, _) => quote!(let stub = stub.path_param(#wire_name, #value);),
        (ParamLocation::Query, ParamType::List { explode, .. }) => {
            quote!(let stub = stub.query_with(|query| query.push_list(#wire_name, &#value, #explode));)
        }
        (ParamLocation::Query, ParamType::Encoded { .. }) => {
            quote!(let stub = stub.query_with(|query| { let _ = query.push_encoded(#wire_name, &#value); });)
        }
        (ParamLocation::Query, ParamType::Scalar(_)) => {
            quote!(let stub = stub.query_with(|query| query.push(#wire_name, &#value));)
        }
        (ParamLocation::Header, ParamType::List { .. }) => {
            quote!(let stub = stub.header(#wire_name, crate::encoding::comma_joined(&#value));)
        }
        (ParamLocation::Header, _) => quote!(let stub = stub.header(#wire_name, #value);),
        // Cookies are not matched (they are not part of what a stub names).
        (ParamLocation::Cookie, _) => quote!(let _ = #value;),
    }
}

/// The stub builder of one operation: the optional parameters' setters, then `returns`.
pub(super) fn stub_builder(api: &Api, op: &Operation) -> TokenStream {
    let stub = stub_name(op);
    let output = ops::output_type(api, op);
    let setters = op.params.iter().filter(|p| !p.required).map(|p| {
        let name = ident(&p.rust_name);
        let doc = format!(
            " Matches requests whose {} is this (set with the client's `.{}(…)`).",
            text::markdown_code(&p.wire_name),
            p.rust_name
        );
        if let ParamType::Encoded {
            documented,
            typed: Some(typed),
        } = &p.ty
        {
            let raw = ident(&typed.raw_setter);
            let ty = rust::ty(api, documented, TypesPath::Crate);
            let matcher = matcher(p, quote!(text));
            return quote! {
                #[doc = #doc]
                pub fn #name(self, value: impl Into<#ty>) -> Self {
                    let value: #ty = value.into();
                    self.#raw(crate::base64_json::encode(&value).unwrap_or_default())
                }

                #[doc = #doc]
                pub fn #raw(mut self, text: impl Into<String>) -> Self {
                    let text: String = text.into();
                    let stub = self.stub;
                    #matcher
                    self.stub = stub;
                    self
                }
            };
        }
        let (ty, value) = ops::param_argument(api, p);
        let stored_ty = ops::param_type(api, p);
        let matcher = matcher(p, quote!(value));
        quote! {
            #[doc = #doc]
            pub fn #name(mut self, #name: #ty) -> Self {
                let value: #stored_ty = #value;
                let stub = self.stub;
                #matcher
                self.stub = stub;
                self
            }
        }
    });
    let body_setter = op
        .body
        .as_ref()
        .filter(|b| !b.required && matches!(b.kind, BodyKind::Json(_)))
        .map(|b| {
            let ty = ops::body_type(api, b);
            quote! {
                /// Matches requests with this body (as JSON).
                pub fn body(mut self, body: #ty) -> Self {
                    self.stub = self.stub.json_body(&body);
                    self
                }
            }
        });
    let answer = answer_of(op);
    let error = error_returns(op);
    let setters: Vec<TokenStream> = setters.collect();
    let inherent = (!setters.is_empty() || body_setter.is_some() || error.is_some()).then(|| {
        quote! {
            impl #stub {
                #(#setters)*
                #body_setter
                #error
            }
        }
    });
    let doc = format!(
        " A stub of {} ({}): set what requests must match, then what they get.",
        text::markdown_code(&operation_id(op)),
        text::markdown_code(&op.label())
    );
    quote! {
        #[doc = #doc]
        #[derive(Debug)]
        #[must_use = "a stub answers nothing until one of its `returns…` methods registers it"]
        pub struct #stub {
            stub: crate::testing::Stub,
        }

        #inherent

        crate::testing_stub::stub_methods!(#stub => #output);

        impl crate::testing::Answers for #stub {
            type Output = #output;

            fn answer(output: &#output) -> (u16, serde_json::Value) {
                #answer
            }
        }
    }
}
