//! `src/types.rs`: every schema as a Rust type.

use proc_macro2::TokenStream;
use quote::quote;

use super::docs;
use super::rust::{self, ident, TypesPath};
use super::text;
use crate::ir::{Api, OneOf, Origin, StringEnum, TypeDef, TypeKind};

pub(crate) fn file(api: &Api) -> Result<TokenStream, crate::error::Error> {
    // A type only some tags' operations reach is compiled with those tags' features.
    let items = api
        .types
        .iter()
        .enumerate()
        .map(|(id, def)| match api.features.gate(id) {
            Some(groups) => super::features::gate_items(type_def(api, def), &super::features::cfg(api, groups)),
            None => Ok(type_def(api, def)),
        })
        .collect::<Result<Vec<_>, _>>()?;
    let doc = format!(
        " Models: the {} schemas, request bodies and inline shapes of the spec as Rust types.",
        api.types.len()
    );
    // Nothing is imported: every path is qualified, so a schema may be called `Serialize`,
    // `Deserialize` or `Map` (only the prelude's names are kept from schemas, see
    // `names::RESERVED_TYPE_NAMES`). The macro lives in the macro namespace, apart from types.
    let string_enum_use = super::has_string_enums(api).then(|| quote!(use crate::string_enum::string_enum;));
    Ok(quote! {
        #![doc = #doc]
        //!
        //! Optional properties are `Option`s and are left out of requests when `None`. Structs are
        //! `#[non_exhaustive]`: build them with `new(required…)` (or `default()`) and the
        //! `with_…` setters, so a property the spec adds later breaks no code. Properties the
        //! spec does not list are kept in each struct's `additional_properties` map and sent back
        //! (unless the schema says `additionalProperties: false`); string enums keep values they
        //! do not know in their `Unknown` variant. Nothing the server sends is lost in a
        //! read–modify–write.

        #string_enum_use

        #(#items)*
    })
}

fn origin_line(def: &TypeDef) -> String {
    let at = text::markdown_code(&format!("#{}", def.pointer));
    match &def.origin {
        Origin::Schema(name) => format!("Schema {} ({at}).", text::markdown_code(name)),
        Origin::RequestBody(name) => format!("Request body {} ({at}).", text::markdown_code(name)),
        Origin::Inline => format!("Inline schema at {at}."),
    }
}

fn type_doc(def: &TypeDef) -> TokenStream {
    let mut lines = docs::lines(&def.doc);
    if !lines.is_empty() {
        lines.push(String::new());
    }
    lines.push(origin_line(def));
    docs::lines_to_attrs(&lines)
}

fn type_def(api: &Api, def: &TypeDef) -> TokenStream {
    let doc = type_doc(def);
    let name = ident(&def.name);
    match &def.kind {
        TypeKind::Struct(s) => super::models::struct_def(api, doc, &name, s),
        TypeKind::Enum(e) => enum_def(doc, &name, e),
        TypeKind::OneOf(o) => one_of_def(api, doc, &name, o),
        TypeKind::Alias(target) => {
            let target = rust::ty(api, target, TypesPath::Local);
            quote! { #doc pub type #name = #target; }
        }
        TypeKind::NewType(target) => {
            let target = rust::ty(api, target, TypesPath::Local);
            quote! {
                #doc
                #[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
                #[serde(transparent)]
                pub struct #name(pub #target);
            }
        }
    }
}

fn enum_def(doc: TokenStream, name: &proc_macro2::Ident, e: &StringEnum) -> TokenStream {
    let fallback = ident(&e.fallback);
    let variants = e.variants.iter().map(|v| {
        let variant = ident(&v.rust_name);
        let doc = format!(" `{}`", v.wire.replace('`', "'"));
        quote! { #[doc = #doc] #variant, }
    });
    let wire_values = e.variants.iter().map(|v| {
        let variant = ident(&v.rust_name);
        let wire = &v.wire;
        quote!(#variant = #wire)
    });
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
            /// A value the spec does not list, kept as the server sent it.
            #fallback(String),
        }

        string_enum!(#name { #(#wire_values),* } fallback #fallback);
    }
}

fn one_of_def(api: &Api, doc: TokenStream, name: &proc_macro2::Ident, o: &OneOf) -> TokenStream {
    let variants = o.variants.iter().map(|v| {
        let variant = ident(&v.rust_name);
        let mut ty = rust::ty(api, &v.ty, TypesPath::Local);
        if v.boxed {
            ty = quote!(Box<#ty>);
        }
        let rename = v.tag_value.as_ref().map(|value| quote!(#[serde(rename = #value)]));
        quote! { #rename #variant(#ty), }
    });
    let representation = match &o.tag {
        Some(tag) => quote!(#[serde(tag = #tag)]),
        None => quote!(#[serde(untagged)]),
    };
    let how = match &o.tag {
        Some(tag) => format!(" The variant is chosen by the `{tag}` property."),
        None => " Decoding tries the variants in order and takes the first that fits.".to_owned(),
    };
    quote! {
        #doc
        ///
        #[doc = #how]
        #[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
        #representation
        #[non_exhaustive]
        #[allow(clippy::large_enum_variant)] // variants mirror the spec; boxing would change the API
        pub enum #name {
            #(#variants)*
        }
    }
}
