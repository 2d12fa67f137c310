//! The body fields the front ends offer as flags (`--name VALUE` for each scalar property of a
//! body): one constant per body type, shared by every operation that takes that body (in a large
//! spec a type is often the body of several operations).

use std::collections::{BTreeMap, HashSet};

use heck::ToShoutySnakeCase;
use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use super::schema;
use crate::emit::operations::wire;
use crate::ir::{Api, Operation, TypeId, TypeKind, TypeRef};

/// The constants, and which body type each one lists.
pub(super) struct BodyFields {
    names: BTreeMap<TypeId, Ident>,
    pub(super) consts: Vec<TokenStream>,
}

impl BodyFields {
    pub(super) fn collect(api: &Api) -> BodyFields {
        let mut names = BTreeMap::new();
        let mut taken = HashSet::new();
        let mut consts = Vec::new();
        for id in api.operations.iter().filter_map(|op| body_type(api, op)) {
            if names.contains_key(&id) {
                continue;
            }
            let fields = fields_of(api, id);
            if fields.is_empty() {
                continue;
            }
            let shouty = crate::names::unraw(&api.ty(id).name).to_shouty_snake_case();
            let base = if shouty.starts_with(|c: char| c.is_ascii_uppercase())
                && shouty
                    .chars()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
            {
                format!("{shouty}_FIELDS")
            } else {
                "BODY_FIELDS".to_owned()
            };
            let mut name = base.clone();
            let mut n = 2;
            while !taken.insert(name.clone()) {
                name = format!("{base}_{n}");
                n += 1;
            }
            let ident = Ident::new(&name, Span::call_site());
            let doc = format!(" The scalar fields of `{}`, as flags.", api.ty(id).name);
            consts.push(quote! {
                #[doc = #doc]
                const #ident: &[Field] = &[#(#fields),*];
            });
            names.insert(id, ident);
        }
        BodyFields { names, consts }
    }

    /// The fields of a body of type `id`: its constant, or none.
    pub(super) fn of(&self, id: Option<TypeId>) -> TokenStream {
        match id.and_then(|id| self.names.get(&id)) {
            Some(name) => quote!(#name),
            None => quote!(&[]),
        }
    }
}

/// The named type of `op`'s typed body, aliases seen through.
pub(super) fn body_type(api: &Api, op: &Operation) -> Option<TypeId> {
    let ty = op.body.as_ref()?.kind.typed()?;
    match api.unalias(ty) {
        TypeRef::Named(id) => Some(*id),
        _ => None,
    }
}

fn fields_of(api: &Api, id: TypeId) -> Vec<TokenStream> {
    let TypeKind::Struct(s) = &api.ty(id).kind else {
        return Vec::new();
    };
    s.fields
        .iter()
        .filter(|f| super::is_scalar(api, &f.ty))
        .map(|f| {
            let wire_name = wire(&f.wire_name);
            let required = f.required;
            let kind = super::kind(api, &f.ty);
            let description = wire(&schema::description(&f.doc));
            quote!(Field { wire: #wire_name, required: #required, kind: #kind, description: #description })
        })
        .collect()
}
