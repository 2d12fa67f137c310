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
//! size, so `Serialize` and `Deserialize` are written out here: one pass over the object, keys
//! matched as borrowed strings (see the runtime's `model.rs`).
//!
//! Names inside the generated impls cannot collide with schema names: the generic parameters
//! are `_D`, `_A` and `_S` (a schema's name never holds `_`), the locals start with `__` or are
//! field names (snake case, which a type name never is), and the field types are inferred rather
//! than written.

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use super::docs;
use super::rust::{self, ident, TypesPath};
use super::text;
use crate::ir::{Additional, Api, Field, Struct, TypeRef};
use crate::names;

pub(crate) fn struct_def(api: &Api, doc: TokenStream, name: &Ident, s: &Struct) -> TokenStream {
    let fields = s.fields.iter().map(|f| {
        let doc = docs::attrs(&f.doc);
        let field_name = ident(&f.rust_name);
        let ty = field_type(api, f);
        quote! { #doc pub #field_name: #ty, }
    });
    let map_field = match &s.additional {
        Additional::Closed => None,
        Additional::Open { field } => {
            let field = ident(field);
            Some(quote! {
                /// Properties the spec does not list, kept as they came and sent back as they are.
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
    let serialize = serialize(name, s);
    let deserialize = deserialize(name, s);
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, #default)]
        #[non_exhaustive]
        pub struct #name {
            #(#fields)*
            #map_field
        }
        #inherent
        #serialize
        #deserialize
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
    let map_init = s.additional.field().map(|field| {
        let field = ident(field);
        quote!(#field: Default::default(),)
    });
    let mut method_names = names::Namer::with_reserved(&["new"]);
    let setters = s.fields.iter().filter(|f| !f.required).map(|f| {
        let field_name = ident(&f.rust_name);
        let setter = ident(&method_names.claim(&format!("with_{}", names::unraw(&f.rust_name))));
        let inner = match &f.ty {
            TypeRef::Nullable(inner) => inner.as_ref(),
            other => other,
        };
        let ty = rust::ty(api, inner, TypesPath::Local);
        let value = if f.boxed { quote!(Box::new(value.into())) } else { quote!(value.into()) };
        let doc = format!(" Sets `{}` (the property {}).", names::unraw(&f.rust_name), text::markdown_code(&f.wire_name));
        quote! {
            #[doc = #doc]
            pub fn #setter(mut self, value: impl Into<#ty>) -> Self {
                self.#field_name = Some(#value);
                self
            }
        }
    }).collect::<Vec<_>>();
    let property_setter = match &s.additional {
        Additional::Closed => None,
        Additional::Open { field } | Additional::Typed { field, .. } => {
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
        format!(" A `{name}` with every field unset.")
    } else {
        format!(" A `{name}` with its required fields; the others start unset.")
    };
    quote! {
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

fn serialize(name: &Ident, s: &Struct) -> TokenStream {
    let entries = s.fields.iter().map(|f| {
        let field_name = ident(&f.rust_name);
        let wire = text::rust_str(&f.wire_name);
        if f.required {
            quote!(__map.serialize_entry(#wire, &self.#field_name)?;)
        } else {
            quote!(if let Some(__value) = &self.#field_name { __map.serialize_entry(#wire, __value)?; })
        }
    });
    let kept = s.additional.field().map(|field| {
        let field = ident(field);
        let declared = s.fields.iter().map(|f| text::rust_str(&f.wire_name));
        quote!(crate::model::serialize_kept(&mut __map, &self.#field, &[#(#declared),*])?;)
    });
    let mutable = (!s.fields.is_empty() || kept.is_some()).then(|| quote!(mut));
    let import = mutable.as_ref().map(|_| quote!(use serde::ser::SerializeMap as _;));
    quote! {
        impl serde::Serialize for #name {
            fn serialize<_S: serde::Serializer>(&self, __serializer: _S) -> Result<_S::Ok, _S::Error> {
                #import
                let #mutable __map = __serializer.serialize_map(None)?;
                #(#entries)*
                #kept
                serde::ser::SerializeMap::end(__map)
            }
        }
    }
}

fn deserialize(name: &Ident, s: &Struct) -> TokenStream {
    let slots = s.fields.iter().map(|f| {
        let field_name = ident(&f.rust_name);
        quote!(let mut #field_name = None;)
    });
    let arms = s.fields.iter().map(|f| {
        let field_name = ident(&f.rust_name);
        let wire = text::rust_str(&f.wire_name);
        quote!(#wire => crate::model::field(&mut #field_name, &mut __map, #wire)?,)
    });
    let (map_slot, other_arm, map_init) = match s.additional.field() {
        Some(field) => {
            let field = ident(field);
            (
                Some(quote!(let mut #field = Default::default();)),
                quote!(_ => crate::model::keep(&mut #field, __key, &mut __map)?,),
                Some(quote!(#field,)),
            )
        }
        None => (None, quote!(_ => crate::model::skip(&mut __map)?,), None),
    };
    // Optional fields are read as `Option<T>` (so `null` is `None`): their slot is
    // `Option<Option<T>>`, and the struct's field type, which inference follows, says so.
    let inits = s.fields.iter().map(|f| {
        let field_name = ident(&f.rust_name);
        let wire = text::rust_str(&f.wire_name);
        if f.is_optional() {
            // `Option<Option<T>>`: seen or not, then null or not; a missing optional (or
            // required but nullable) property is `None`, as with serde's derive.
            quote!(#field_name: #field_name.flatten())
        } else {
            quote!(#field_name: #field_name.ok_or_else(|| crate::model::missing(#wire))?)
        }
    });
    let expecting = format!("an object ({name})");
    let loop_body = if s.fields.is_empty() && s.additional.field().is_none() {
        quote!(while __map.next_key::<serde::de::IgnoredAny>()?.is_some() { crate::model::skip(&mut __map)?; })
    } else {
        quote! {
            while let Some(__key) = __map.next_key::<crate::model::Key<'de>>()? {
                match __key.as_str() {
                    #(#arms)*
                    #other_arm
                }
            }
        }
    };
    quote! {
        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<_D: serde::Deserializer<'de>>(__deserializer: _D) -> Result<Self, _D::Error> {
                struct __Visitor;

                impl<'de> serde::de::Visitor<'de> for __Visitor {
                    type Value = #name;

                    fn expecting(&self, __f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        __f.write_str(#expecting)
                    }

                    fn visit_map<_A: serde::de::MapAccess<'de>>(self, mut __map: _A) -> Result<#name, _A::Error> {
                        #(#slots)*
                        #map_slot
                        #loop_body
                        Ok(#name { #(#inits,)* #map_init })
                    }
                }

                __deserializer.deserialize_map(__Visitor)
            }
        }
    }
}
