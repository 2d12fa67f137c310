//! Small helpers every Rust emitter uses: identifiers, type paths, and formatting.

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use crate::error::Error;
use crate::ir::{Api, TypeRef};
use crate::names;

/// An identifier from an IR name (`r#type` becomes a raw identifier).
pub(crate) fn ident(name: &str) -> Ident {
    if names::is_raw(name) {
        Ident::new_raw(names::unraw(name), Span::call_site())
    } else {
        Ident::new(name, Span::call_site())
    }
}

/// How named types are reached from the module being emitted.
#[derive(Clone, Copy)]
pub(crate) enum TypesPath<'a> {
    /// Inside `types.rs`.
    Local,
    /// From elsewhere in the crate.
    Crate,
    /// From outside (a test), through the crate's name.
    Extern(&'a Ident),
}

/// The Rust type for `ty`.
pub(crate) fn ty(api: &Api, ty: &TypeRef, path: TypesPath<'_>) -> TokenStream {
    match ty {
        TypeRef::Bool => quote!(bool),
        TypeRef::I32 => quote!(i32),
        TypeRef::I64 => quote!(i64),
        TypeRef::F32 => quote!(f32),
        TypeRef::F64 => quote!(f64),
        TypeRef::String => quote!(String),
        TypeRef::Json => quote!(serde_json::Value),
        TypeRef::Vec(item) => {
            let item = self::ty(api, item, path);
            quote!(Vec<#item>)
        }
        TypeRef::Map(value) => {
            let value = self::ty(api, value, path);
            quote!(std::collections::BTreeMap<String, #value>)
        }
        TypeRef::Nullable(inner) => {
            let inner = self::ty(api, inner, path);
            quote!(Option<#inner>)
        }
        TypeRef::Named(id) => {
            let name = ident(&api.ty(*id).name);
            match path {
                TypesPath::Local => quote!(#name),
                TypesPath::Crate => quote!(crate::types::#name),
                TypesPath::Extern(krate) => quote!(#krate::types::#name),
            }
        }
    }
}

/// Parses and pretty-prints a file, with the preamble in front.
pub(crate) fn format_file(what: &str, preamble: &str, tokens: TokenStream) -> Result<String, Error> {
    let file: syn::File = syn::parse2(tokens).map_err(|e| Error::Render {
        what: what.to_owned(),
        message: e.to_string(),
    })?;
    let body = prettyplease::unparse(&file);
    Ok(format!("{preamble}\n{body}"))
}
