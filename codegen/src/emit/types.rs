//! `src/types.rs`: every schema as a Rust type.

use proc_macro2::TokenStream;
use quote::quote;

use super::docs;
use super::rust::{self, ident, TypesPath};
use crate::ir::{Api, Field, OneOf, Origin, StringEnum, Struct, TypeDef, TypeKind, TypeRef};
use crate::names;

pub(crate) fn file(api: &Api) -> TokenStream {
    let items = api.types.iter().map(|def| type_def(api, def));
    let doc = format!(
        " Models: the {} schemas, request bodies and inline shapes of the spec as Rust types.",
        api.types.len()
    );
    // Nothing is imported: every path is qualified, so a schema may be called `Serialize`,
    // `Deserialize` or `Map` (only the prelude's names are kept from schemas, see
    // `names::RESERVED_TYPE_NAMES`). The macro lives in the macro namespace, apart from types.
    let string_enum_use = super::has_string_enums(api).then(|| quote!(use crate::string_enum::string_enum;));
    quote! {
        #![doc = #doc]
        //!
        //! Optional properties are `Option`s and are left out of requests when `None`. Unknown
        //! properties in responses are ignored, and string enums keep values they do not know in
        //! their `Unknown` variant, so a server that adds fields or values does not break decoding.

        #string_enum_use

        #(#items)*
    }
}

fn origin_line(def: &TypeDef) -> String {
    match &def.origin {
        Origin::Schema(name) => format!("Schema `{name}` (`#{}`).", def.pointer),
        Origin::RequestBody(name) => format!("Request body `{name}` (`#{}`).", def.pointer),
        Origin::Inline => format!("Inline schema at `#{}`.", def.pointer),
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
        TypeKind::Struct(s) => struct_def(api, doc, &name, s),
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

/// The Rust type of a field, with `Box` and `Option` as needed.
fn field_type(api: &Api, field: &Field) -> TokenStream {
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

fn struct_def(api: &Api, doc: TokenStream, name: &proc_macro2::Ident, s: &Struct) -> TokenStream {
    let fields = s.fields.iter().map(|f| {
        let doc = docs::attrs(&f.doc);
        let field_name = ident(&f.rust_name);
        let ty = field_type(api, f);
        let rename = (names::unraw(&f.rust_name) != f.wire_name).then(|| {
            let wire = &f.wire_name;
            quote!(rename = #wire,)
        });
        let optional = (!f.required).then(|| quote!(default, skip_serializing_if = "Option::is_none",));
        let serde = (rename.is_some() || optional.is_some()).then(|| quote!(#[serde(#rename #optional)]));
        quote! { #doc #serde pub #field_name: #ty, }
    });
    let additional = s.additional.as_ref().map(|(field, ty)| {
        let field = ident(field);
        let ty = rust::ty(api, ty, TypesPath::Local);
        quote! {
            /// Properties the spec does not list by name.
            #[serde(flatten)]
            pub #field: std::collections::BTreeMap<String, #ty>,
        }
    });
    let all_optional = s.fields.iter().all(Field::is_optional) && !s.fields.iter().any(|f| f.required);
    let default = all_optional.then(|| quote!(Default,));
    let constructor = (!all_optional).then(|| constructor(api, name, s));
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, #default serde::Serialize, serde::Deserialize)]
        pub struct #name {
            #(#fields)*
            #additional
        }
        #constructor
    }
}

/// `new(required…)`: optional fields start empty, so adding optional fields to the spec later
/// does not break callers.
fn constructor(api: &Api, name: &proc_macro2::Ident, s: &Struct) -> TokenStream {
    let required: Vec<&Field> = s.fields.iter().filter(|f| f.required).collect();
    let params = required.iter().map(|f| {
        // Unboxed: `new` boxes recursive fields itself.
        let field_name = ident(&f.rust_name);
        let ty = rust::ty(api, &f.ty, TypesPath::Local);
        quote!(#field_name: #ty)
    });
    let inits = s.fields.iter().map(|f| {
        let field_name = ident(&f.rust_name);
        match (f.required, f.boxed, &f.ty) {
            (true, true, TypeRef::Nullable(_)) => quote!(#field_name: #field_name.map(Box::new)),
            (true, true, _) => quote!(#field_name: Box::new(#field_name)),
            (true, false, _) => quote!(#field_name),
            (false, _, _) => quote!(#field_name: None),
        }
    });
    let additional = s.additional.as_ref().map(|(field, _)| {
        let field = ident(field);
        quote!(#field: std::collections::BTreeMap::new(),)
    });
    let allow = (required.len() > 7).then(|| quote!(#[allow(clippy::too_many_arguments)]));
    // A schema called `new` makes `New::new`, which clippy flags; the name is the spec's.
    let self_named = (name == "New").then(|| quote!(#[allow(clippy::self_named_constructors)]));
    let doc = format!(" A `{name}` with its required fields; optional fields start as `None`.");
    quote! {
        impl #name {
            #[doc = #doc]
            #allow
            #self_named
            pub fn new(#(#params),*) -> Self {
                Self { #(#inits,)* #additional }
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
        #[allow(clippy::large_enum_variant)] // variants mirror the spec; boxing would change the API
        pub enum #name {
            #(#variants)*
        }
    }
}
