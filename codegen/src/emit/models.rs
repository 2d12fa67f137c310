//! Structs: the model of an object schema, with its constructor, setters and serde code.
//!
//! Every struct is `#[non_exhaustive]`: code outside the crate cannot build one with a literal,
//! so a spec that adds an optional property is not a breaking change. It is built with
//! `new(required…)` (all optional fields `None`; `Default` too when nothing is required) and
//! `with_<field>(…)` setters, and its fields stay public to read and to change.
//!
//! Objects are open (see [`Additional`]): properties the spec does not list are kept in a map
//! field, decoded into it and encoded back from it, so nothing the server sends is lost in a
//! read–modify–write. Serde's `flatten` would do that at a high cost in decoding time and code
//! size, so `Serialize` and `Deserialize` come from the runtime's `model!` macro: one pass over
//! the object, keys matched as borrowed strings. One invocation per struct keeps the generated
//! source (and the time to format it) small.
//!
//! Names inside the macro's impls cannot collide with schema names: the generic parameters are
//! `_D`, `_A` and `_S` (a schema's name never holds `_`), the locals start with `__` or are field
//! names (snake case, which a type name never is), every other path is absolute, and the field
//! types are inferred rather than written.

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use super::support::docs;
use super::support::rust::{self, TypesPath, ident};
use crate::ir::{Additional, Api, Field, Struct, TypeRef};
use crate::names;
use crate::text;

pub(crate) fn struct_def(api: &Api, doc: TokenStream, name: &Ident, s: &Struct) -> TokenStream {
    let fields = s.fields.iter().map(|f| {
        let doc = docs::attrs(&f.doc);
        let deprecated = docs::deprecated(&f.doc, &format!("property `{}`", f.wire_name));
        let field_name = ident(&f.rust_name);
        let ty = field_type(api, f);
        quote! { #doc #deprecated pub #field_name: #ty, }
    });
    let map_field = match &s.additional {
        Additional::Closed => None,
        Additional::Open { field, by_design } => {
            let doc = if *by_design {
                " Properties the spec does not list (it says they may come), kept as they came and sent back as they are."
            } else {
                " Properties the spec does not list, kept as they came and sent back as they are (each one a drift the client reports: see `Client::drift_report`)."
            };
            let field = ident(field);
            Some(quote! {
                #[doc = #doc]
                pub #field: serde_json::Map<String, serde_json::Value>,
            })
        }
        Additional::Typed { field, ty } => {
            let field = ident(field);
            let ty = rust::ty(api, ty, TypesPath::Local);
            Some(quote! {
                /// Properties the spec does not list by name (`additionalProperties`).
                pub #field: std::collections::BTreeMap<String, #ty>,
            })
        }
    };
    let all_optional = s.fields.iter().all(|f| !f.required);
    let default = all_optional.then(|| quote!(Default,));
    let inherent = inherent(api, name, s);
    let serde = serde_impls(name, s);
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, #default)]
        #[non_exhaustive]
        pub struct #name {
            #(#fields)*
            #map_field
        }
        #inherent
        #serde
    }
}

/// The Rust type of a field, with `Box` and `Option` as needed.
pub(crate) fn field_type(api: &Api, field: &Field) -> TokenStream {
    let inner = match &field.ty {
        TypeRef::Nullable(inner) => inner.as_ref(),
        other => other,
    };
    let mut ty = rust::ty(api, inner, TypesPath::Local);
    if field.boxed {
        ty = quote!(Box<#ty>);
    }
    if field.is_optional() {
        ty = quote!(Option<#ty>);
    }
    ty
}

/// `new(required…)` and a `with_…` setter per optional field.
fn inherent(api: &Api, name: &Ident, s: &Struct) -> TokenStream {
    let required: Vec<&Field> = s.fields.iter().filter(|f| f.required).collect();
    // `impl Into<…>` as the `with_` setters take: `User::new("u1")`, not `User::new("u1".into())`.
    let params = required.iter().map(|f| {
        // Unboxed: `new` boxes recursive fields itself.
        let field_name = ident(&f.rust_name);
        let ty = rust::ty(api, &f.ty, TypesPath::Local);
        // A nullable one stays an `Option` (`impl Into<Option<T>>` would make `None` ambiguous).
        match f.ty {
            TypeRef::Nullable(_) => quote!(#field_name: #ty),
            _ => quote!(#field_name: impl Into<#ty>),
        }
    });
    let inits = s.fields.iter().map(|f| {
        let field_name = ident(&f.rust_name);
        match (f.required, f.boxed, &f.ty) {
            (true, true, TypeRef::Nullable(_)) => quote!(#field_name: #field_name.map(Box::new)),
            (true, false, TypeRef::Nullable(_)) => quote!(#field_name),
            (true, true, _) => quote!(#field_name: Box::new(#field_name.into())),
            (true, false, _) => quote!(#field_name: #field_name.into()),
            (false, _, _) => quote!(#field_name: None),
        }
    });
    let map_init = s.additional.field().map(|field| {
        let field = ident(field);
        quote!(#field: Default::default(),)
    });
    let mut method_names = names::Namer::with_reserved(&["new"]);
    let setters = s
        .fields
        .iter()
        .filter(|f| !f.required)
        .map(|f| {
            let field_name = ident(&f.rust_name);
            let setter =
                ident(&method_names.claim(&format!("with_{}", names::unraw(&f.rust_name))));
            let inner = match &f.ty {
                TypeRef::Nullable(inner) => inner.as_ref(),
                other => other,
            };
            let ty = rust::ty(api, inner, TypesPath::Local);
            let value = if f.boxed {
                quote!(Box::new(value.into()))
            } else {
                quote!(value.into())
            };
            let doc = format!(
                " Sets `{}` (the property {}).",
                names::unraw(&f.rust_name),
                text::markdown_code(&f.wire_name)
            );
            let deprecated = docs::deprecated(&f.doc, &format!("property `{}`", f.wire_name));
            quote! {
                #[doc = #doc]
                #deprecated
                pub fn #setter(mut self, value: impl Into<#ty>) -> Self {
                    self.#field_name = Some(#value);
                    self
                }
            }
        })
        .collect::<Vec<_>>();
    let property_setter = match &s.additional {
        Additional::Closed => None,
        Additional::Open { field, .. } | Additional::Typed { field, .. } => {
            let field = ident(field);
            let setter = ident(&method_names.claim("with_additional_property"));
            let value_ty = match &s.additional {
                Additional::Typed { ty, .. } => rust::ty(api, ty, TypesPath::Local),
                _ => quote!(serde_json::Value),
            };
            Some(quote! {
                /// Sets a property the spec does not list (one a tenant defined, say).
                pub fn #setter(mut self, name: impl Into<String>, value: impl Into<#value_ty>) -> Self {
                    self.#field.insert(name.into(), value.into());
                    self
                }
            })
        }
    };
    let allow = (required.len() > 7).then(|| quote!(#[allow(clippy::too_many_arguments)]));
    // A schema called `new` makes `New::new`, which clippy flags; the name is the spec's.
    let self_named = (name == "New").then(|| quote!(#[allow(clippy::self_named_constructors)]));
    let doc = if required.is_empty() {
        format!(
            " {} `{name}` with every field unset.",
            text::article(&name.to_string())
        )
    } else {
        format!(
            " {} `{name}` with its required fields; the others start unset.",
            text::article(&name.to_string())
        )
    };
    // `new` and the setters set the fields the spec deprecates: the crate itself must.
    let uses_deprecated = s
        .fields
        .iter()
        .any(|f| f.doc.deprecated)
        .then(|| quote!(#[allow(deprecated)]));
    quote! {
        #uses_deprecated
        impl #name {
            #[doc = #doc]
            #allow
            #self_named
            pub fn new(#(#params),*) -> Self {
                Self { #(#inits,)* #map_init }
            }
            #(#setters)*
            #property_setter
        }
    }
}

/// The serde impls: one invocation of the runtime's `model!` macro.
fn serde_impls(name: &Ident, s: &Struct) -> TokenStream {
    let fields = s.fields.iter().map(|f| {
        let field = ident(&f.rust_name);
        let wire = text::rust_str(&f.wire_name);
        // A required property that may be null is always written (`null` when `None`); an
        // optional one is left out when `None`, and a `null` read for it is drift unless the
        // spec says it may be null.
        let kind = match (
            f.required,
            f.is_optional(),
            matches!(f.ty, TypeRef::Nullable(_)),
        ) {
            (true, true, _) => quote!(nullable),
            (true, false, _) => quote!(required),
            (false, _, true) => quote!(optional_nullable),
            (false, _, false) => quote!(optional),
        };
        quote!(#field: (#wire, #kind),)
    });
    // What the macro does with unlisted properties: keep them as drift (`open`), keep them as
    // expected (`additional`), or skip them as drift (nothing).
    let additional = match &s.additional {
        Additional::Closed => None,
        Additional::Open {
            field,
            by_design: false,
        } => {
            let field = ident(field);
            Some(quote!(, open(#field)))
        }
        Additional::Open {
            field,
            by_design: true,
        }
        | Additional::Typed { field, .. } => {
            let field = ident(field);
            Some(quote!(, additional(#field)))
        }
    };
    quote! {
        crate::model::model!(#name { #(#fields)* } #additional);
    }
}
