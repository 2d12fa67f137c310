//! The Cargo features of the generated crate (one per tag, see `ir::features`) as code: the
//! `[features]` table, and the `#[cfg]` attributes on the modules, accessors and types they gate.

use proc_macro2::TokenStream;
use quote::quote;

use crate::error::Error;
use crate::ir::{ALL_FEATURE, Api};

/// `#[cfg(feature = "a")]` or `#[cfg(any(feature = "a", …))]` for a set of groups.
pub(crate) fn cfg(api: &Api, groups: &[usize]) -> TokenStream {
    let predicate = predicate(api, groups);
    quote!(#[cfg(#predicate)])
}

/// `feature = "a"` or `any(feature = "a", …)`.
pub(crate) fn predicate(api: &Api, groups: &[usize]) -> TokenStream {
    let names: Vec<&String> = groups
        .iter()
        .map(|&g| &api.features.group_features[g])
        .collect();
    match names.as_slice() {
        [one] => quote!(feature = #one),
        _ => quote!(any(#(feature = #names),*)),
    }
}

/// `#[cfg(feature = "group")]` for a group's module and accessor.
pub(crate) fn group_cfg(api: &Api, group: usize) -> TokenStream {
    cfg(api, &[group])
}

/// The items of `tokens`, each with `attribute` (a type emits a struct, impls and macro calls,
/// all of which must come and go together).
pub(crate) fn gate_items(
    tokens: TokenStream,
    attribute: &TokenStream,
) -> Result<TokenStream, Error> {
    let render = |e: syn::Error| Error::Render {
        what: "a gated type".to_owned(),
        message: e.to_string(),
    };
    let mut file: syn::File = syn::parse2(tokens).map_err(render)?;
    for item in &mut file.items {
        if let Some(attributes) = attributes(item) {
            let parsed = syn::parse::Parser::parse2(syn::Attribute::parse_outer, attribute.clone())
                .map_err(render)?;
            attributes.splice(0..0, parsed);
        }
    }
    let items = file.items;
    Ok(quote!(#(#items)*))
}

fn attributes(item: &mut syn::Item) -> Option<&mut Vec<syn::Attribute>> {
    use syn::Item;
    Some(match item {
        Item::Const(i) => &mut i.attrs,
        Item::Enum(i) => &mut i.attrs,
        Item::Fn(i) => &mut i.attrs,
        Item::Impl(i) => &mut i.attrs,
        Item::Macro(i) => &mut i.attrs,
        Item::Mod(i) => &mut i.attrs,
        Item::Static(i) => &mut i.attrs,
        Item::Struct(i) => &mut i.attrs,
        Item::Trait(i) => &mut i.attrs,
        Item::Type(i) => &mut i.attrs,
        Item::Union(i) => &mut i.attrs,
        Item::Use(i) => &mut i.attrs,
        _ => return None,
    })
}

/// The tag features for `Cargo.toml`: `(name, tag)` pairs, and the umbrella feature's name.
pub(crate) fn table(api: &Api) -> (Vec<(String, String)>, &'static str) {
    let features = api
        .groups
        .iter()
        .zip(&api.features.group_features)
        .map(|(group, feature)| (feature.clone(), crate::text::one_line(&group.tag)))
        .collect();
    (features, ALL_FEATURE)
}
