//! `src/types.rs`: every schema as a Rust type.

use proc_macro2::TokenStream;
use quote::quote;

use super::support::docs;
use super::support::rust::{self, TypesPath, ident};
use crate::ir::{Api, OneOf, Origin, StringEnum, TypeDef, TypeKind};
use crate::text;

/// How many types one part of `types.rs` holds: each part is formatted on its own (see
/// [`parts`]), so a spec with thousands of schemas keeps every core busy.
pub(crate) const TYPES_PER_PART: usize = 64;

/// How many parts [`part`] splits `types.rs` into.
pub(crate) fn parts(api: &Api) -> usize {
    api.types.len().div_ceil(TYPES_PER_PART).max(1)
}

/// Part `index` of `src/types.rs`: the types `index * TYPES_PER_PART ..`, the first part with
/// the module's docs and imports. prettyplease prints a file's items one after the other, so the
/// parts, printed apart and concatenated, are the text the whole file would print as.
pub(crate) fn part(api: &Api, index: usize) -> Result<TokenStream, crate::error::Error> {
    let start = (index * TYPES_PER_PART).min(api.types.len());
    let end = (start + TYPES_PER_PART).min(api.types.len());
    // A type only some tags' operations reach is compiled with those tags' features.
    let items = api.types[start..end]
        .iter()
        .enumerate()
        .map(|(offset, def)| match api.features.gate(start + offset) {
            Some(groups) => super::support::features::gate_items(
                type_def(api, def),
                &super::support::features::cfg(api, groups),
            ),
            None => Ok(type_def(api, def)),
        })
        .collect::<Result<Vec<_>, _>>()?;
    if index > 0 {
        return Ok(quote! { #(#items)* });
    }
    let doc = format!(
        " Models: the {} schemas, request bodies and inline shapes of the spec as Rust types.",
        api.types.len()
    );
    // Nothing is imported: every path is qualified, so a schema may be called `Serialize`,
    // `Deserialize` or `Map` (only the prelude's names are kept from schemas, see
    // `names::RESERVED_TYPE_NAMES`). The macro lives in the macro namespace, apart from types.
    let string_enum_use = super::has_string_enums(api).then(|| {
        quote!(
            use crate::string_enum::string_enum;
        )
    });
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
        quote!(#variant: #wire)
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

        // Written as a struct literal and a call, which the printer lays out one variant a
        // line with its wire value, as a person would.
        string_enum!(#name { #(#wire_values),* }, fallback(#fallback));
    }
}

fn one_of_def(api: &Api, doc: TokenStream, name: &proc_macro2::Ident, o: &OneOf) -> TokenStream {
    let variants = o.variants.iter().map(|v| {
        let variant = ident(&v.rust_name);
        let mut ty = rust::ty(api, &v.ty, TypesPath::Local);
        if v.boxed {
            ty = quote!(Box<#ty>);
        }
        let rename = v
            .tag_value
            .as_ref()
            .map(|value| quote!(#[serde(rename = #value)]));
        quote! { #rename #variant(#ty), }
    });
    let representation = match &o.tag {
        Some(tag) => quote!(#[serde(tag = #tag)]),
        None => quote!(#[serde(untagged)]),
    };
    let how = match &o.tag {
        Some(tag) => format!(" The variant is chosen by the `{tag}` property."),
        None => " Decoding tries the variants in order and takes the first that fits without drift (else the first that fits).".to_owned(),
    };
    // Decoding comes from the runtime's `one_of!` (the best fit, drift noted); encoding from
    // serde's derive.
    let decode = o.variants.iter().map(|v| {
        let variant = ident(&v.rust_name);
        let mut ty = rust::ty(api, &v.ty, TypesPath::Local);
        if v.boxed {
            ty = quote!(Box<#ty>);
        }
        match &v.tag_value {
            Some(value) => quote!(#value => #variant(#ty)),
            None => quote!(#variant(#ty)),
        }
    });
    let one_of = match &o.tag {
        Some(tag) => quote!(crate::one_of::one_of!(#name tag #tag { #(#decode),* });),
        None => quote!(crate::one_of::one_of!(#name { #(#decode),* });),
    };
    let (from_impls, from_doc) = from_impls(api, name, o);
    quote! {
        #doc
        ///
        #[doc = #how]
        #from_doc
        #[derive(Debug, Clone, PartialEq, serde::Serialize)]
        #representation
        #[non_exhaustive]
        #[allow(clippy::large_enum_variant)] // variants mirror the spec; boxing would change the API
        pub enum #name {
            #(#variants)*
        }

        #one_of

        #(#from_impls)*
    }
}

/// `From` what a variant holds, for every variant whose Rust type no other variant has (so
/// `impl Into<Union>` arguments take plain values: `"text"`, `42`, a model, a list); a `String`
/// variant also from `&str`. With the doc line that lists them.
fn from_impls(api: &Api, name: &proc_macro2::Ident, o: &OneOf) -> (Vec<TokenStream>, TokenStream) {
    // Compared as Rust sees them: two aliases of `String` are one type.
    let rendered: Vec<String> = o
        .variants
        .iter()
        .map(|v| rust::ty(api, api.unalias(&v.ty), TypesPath::Local).to_string())
        .collect();
    let mut impls = Vec::new();
    let mut listed = Vec::new();
    let own = name.to_string();
    for (v, shown) in o.variants.iter().zip(&rendered) {
        let unique = rendered.iter().filter(|r| *r == shown).count() == 1;
        // `From<Self>` is the standard library's already.
        if !unique || *shown == own {
            continue;
        }
        let variant = ident(&v.rust_name);
        let ty = rust::ty(api, &v.ty, TypesPath::Local);
        let value = if v.boxed {
            quote!(Box::new(value))
        } else {
            quote!(value)
        };
        impls.push(quote! {
            impl From<#ty> for #name {
                fn from(value: #ty) -> Self {
                    #name::#variant(#value)
                }
            }
        });
        listed.push(format!(
            "`{}` → `{name}::{}`",
            shown.replace(' ', ""),
            v.rust_name
        ));
        if matches!(api.unalias(&v.ty), crate::ir::TypeRef::String) {
            let owned = if v.boxed {
                quote!(Box::new(value.to_owned()))
            } else {
                quote!(value.to_owned())
            };
            impls.push(quote! {
                impl From<&str> for #name {
                    fn from(value: &str) -> Self {
                        #name::#variant(#owned)
                    }
                }
            });
            listed.push(format!("`&str` → `{name}::{}`", v.rust_name));
        }
    }
    let doc = if listed.is_empty() {
        quote!()
    } else {
        let line = format!(
            " Built from what it holds with `From`/`.into()`: {}.",
            listed.join(", ")
        );
        quote!(#[doc = ""] #[doc = #line])
    };
    (impls, doc)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A spec with more types than one part holds, of every kind, gated by features.
    fn spec(schemas: usize) -> String {
        let mut text = String::from(
            "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      tags: [alpha]\n      responses: {'200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/S0'}}}}}\ncomponents:\n  schemas:\n",
        );
        for i in 0..schemas {
            let next = (i + 1) % schemas;
            text.push_str(&match i % 4 {
                0 => format!("    S{i}: {{description: 'Type {i}', type: object, required: [id], properties: {{id: {{type: string}}, next: {{$ref: '#/components/schemas/S{next}'}}}}}}\n"),
                1 => format!("    S{i}: {{type: string, enum: [a{i}, b{i}]}}\n"),
                2 => format!("    S{i}: {{oneOf: [{{type: string}}, {{$ref: '#/components/schemas/S{next}'}}]}}\n"),
                _ => format!("    S{i}: {{type: array, items: {{$ref: '#/components/schemas/S{next}'}}}}\n"),
            });
        }
        text
    }

    #[test]
    fn the_parts_printed_apart_and_joined_are_the_file_printed_whole() {
        let count = 2 * TYPES_PER_PART + 37;
        let spec = crate::load::load_bytes(spec(count).as_bytes(), "parts.yaml").unwrap();
        let api = crate::build_ir(&spec, &crate::Options::default()).unwrap();
        assert_eq!(parts(&api), 3);
        let mut joined = String::new();
        let mut whole = TokenStream::new();
        for index in 0..parts(&api) {
            let tokens = part(&api, index).unwrap();
            if !joined.is_empty() {
                joined.push('\n'); // the blank line between items, as `assemble` joins them
            }
            joined.push_str(&rust::format_file("part", None, tokens.clone()).unwrap());
            whole.extend(tokens);
        }
        assert_eq!(joined, rust::format_file("whole", None, whole).unwrap());
        let last_struct = (count - 1) / 4 * 4;
        assert!(
            joined.contains(&format!("pub struct S{last_struct} ")),
            "the last part is there"
        );
    }
}
