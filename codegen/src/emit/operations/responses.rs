//! How a response becomes the call's result: the body of `Operation::decode` (success bodies by
//! status, typed error bodies), `Operation::documented` (which statuses the spec documents), and
//! the per-operation response and error enums.
//!
//! Apart because status handling is its own concern: match arms ordered so none shadows another,
//! ranges and `default`, and the enums' variants that mirror the spec's responses.

use proc_macro2::{Ident, Literal, TokenStream};
use quote::quote;

use super::{ordered, response_body_type};
use crate::emit::support::docs;
use crate::emit::support::rust::{self, TypesPath, ident};
use crate::ir::{Api, Group, Operation, ResponseBody, ResponseCase, Status};

/// `Operation::documented`: the statuses the operation documents (any other is drift). With a
/// `default` response, every status is documented: the trait's default says so.
pub(super) fn documented_statuses(op: &Operation) -> Option<TokenStream> {
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
        #[inline]
        fn documented(#status: u16) -> bool {
            #body
        }
    })
}

pub(super) fn decode(op: &Operation) -> TokenStream {
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

pub(super) fn response_enum(api: &Api, group: &Group, op: &Operation) -> Option<TokenStream> {
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

pub(super) fn error_enum(api: &Api, group: &Group, op: &Operation) -> Option<TokenStream> {
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
