//! What the test server answers: the status and body of an operation nobody stubbed (its first
//! documented example the client decodes without drift, else a minimal value of its type), and
//! how a stub turns a typed answer (`returns`, `returns_error`) into a status and JSON.
//!
//! Apart because it is where the spec's examples and the drift check come in; the stubs
//! themselves only match requests.

use proc_macro2::{Literal, TokenStream};
use quote::quote;
use serde_json::Value;

use crate::emit::operations as ops;
use crate::emit::support::rust::ident;
use crate::ir::{Api, ExampleTarget, Operation, ResponseBody, ResponseCase, Status};
use crate::options::ExampleException;

/// The status a case stands for when a stub answers with it.
fn status_of(status: Status, success: bool) -> u16 {
    match status {
        Status::Code(code) => code,
        Status::Range(digit) => digit * 100,
        Status::Default if success => 200,
        Status::Default => 500,
    }
}

/// What an operation answers when nothing is stubbed: its first success status, with the first
/// documented example of that body the client decodes without drift (never one of the reviewed
/// exceptions), else a minimal value of its type.
pub(super) fn default_answer(
    api: &Api,
    op: &Operation,
    exceptions: &[ExampleException],
) -> Option<(u16, String)> {
    let case = ops::ordered(&op.success).into_iter().next()?;
    let status = status_of(case.status, true);
    let ResponseBody::Json(ty) = &case.body else {
        return Some((status, String::new()));
    };
    let prefix = format!("{}/responses/", op.pointer);
    let schema_example = match api.unalias(ty) {
        crate::ir::TypeRef::Named(id) => Some(format!("{}/example", api.ty(*id).pointer)),
        _ => None,
    };
    let fits = |value: &Value| crate::drift::check(api, ty, value).is_empty();
    let documented = api
        .examples
        .iter()
        .filter(|e| matches!(&e.target, ExampleTarget::Json(t) if t == ty))
        .find(|e| {
            let here =
                e.pointer.starts_with(&prefix) || Some(&e.pointer) == schema_example.as_ref();
            here && !exceptions.iter().any(|x| x.pointer == e.pointer) && fits(&e.value)
        });
    let value = documented.map_or_else(
        || crate::emit::support::sample::value(api, ty),
        |e| e.value.clone(),
    );
    Some((status, value.to_string()))
}

/// The body of `Answers::answer`.
pub(super) fn answer_of(op: &Operation) -> TokenStream {
    let to_value = |value: TokenStream| quote!(serde_json::to_value(#value).unwrap_or(serde_json::Value::Null));
    if let Some(name) = &op.response_enum {
        let name = ident(name);
        let arms = op.success.iter().map(|case| {
            let variant = ident(&case.variant);
            let status = Literal::u16_unsuffixed(status_of(case.status, true));
            match &case.body {
                ResponseBody::Empty => {
                    quote!(#name::#variant => (#status, serde_json::Value::Null),)
                }
                ResponseBody::Json(_) => {
                    let value = to_value(quote!(body));
                    quote!(#name::#variant(body) => (#status, #value),)
                }
                ResponseBody::Raw { .. } => {
                    quote!(#name::#variant(body) => (#status, raw(body.bytes())),)
                }
            }
        });
        let needs_raw = op
            .success
            .iter()
            .any(|c| matches!(c.body, ResponseBody::Raw { .. }));
        let raw = needs_raw.then(raw_helper);
        return quote!(#raw match output { #(#arms)* });
    }
    let case: Option<&ResponseCase> = ops::ordered(&op.success).into_iter().next();
    let status = Literal::u16_unsuffixed(case.map_or(200, |c| status_of(c.status, true)));
    let body = match case.map(|c| &c.body) {
        Some(ResponseBody::Json(_)) => to_value(quote!(output)),
        Some(ResponseBody::Raw { .. }) | None => {
            let raw = raw_helper();
            quote!({ #raw raw(output.bytes()) })
        }
        Some(ResponseBody::Empty) => quote!({
            let _ = output;
            serde_json::Value::Null
        }),
    };
    quote!((#status, #body))
}

/// A raw body as the JSON value the stub writes back: the JSON it is, or a string of its text.
fn raw_helper() -> TokenStream {
    quote! {
        fn raw(bytes: &[u8]) -> serde_json::Value {
            serde_json::from_slice(bytes).unwrap_or_else(|_| serde_json::Value::String(String::from_utf8_lossy(bytes).into_owned()))
        }
    }
}

/// `returns_error`, when the operation documents error bodies: the status comes from the variant.
pub(super) fn error_returns(op: &Operation) -> Option<TokenStream> {
    let name = ident(op.error_enum.as_ref()?);
    let arms = op.errors.iter().filter(|c| matches!(c.body, ResponseBody::Json(_))).map(|case| {
        let variant = ident(&case.variant);
        let status = Literal::u16_unsuffixed(status_of(case.status, false));
        quote!(#name::#variant(body) => (#status, serde_json::to_value(body).unwrap_or(serde_json::Value::Null)),)
    });
    Some(quote! {
        /// Answers with a documented error: the variant's status and its body.
        pub fn returns_error(self, error: #name) -> crate::testing::StubHandle<Self> {
            let (status, body) = match &error {
                #(#arms)*
            };
            self.stub.returns_json(status, &body).typed()
        }
    })
}
