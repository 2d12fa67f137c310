//! `.pages()` and `.items()` on the builders of list operations: the `Paginated` impl that
//! tells the runtime's streams where the items are and what the next page's request is.

use proc_macro2::{Ident, Literal, TokenStream};
use quote::quote;

use super::support::rust::{self, TypesPath, ident};
use crate::ir::{Api, Operation, PageStyle, Pagination, ParamType, Step, TypeRef};

/// The pagination methods and impl of `op`'s builder, if it pages.
pub(crate) fn builder_items(
    api: &Api,
    op: &Operation,
    builder: &Ident,
    page: &TokenStream,
    error: &TokenStream,
) -> Option<TokenStream> {
    let pagination = op.pagination.as_ref()?;
    let item = rust::ty(api, &pagination.item_type, TypesPath::Crate);
    let count = match (pagination.items.as_slice(), all_required(&pagination.items)) {
        ([], _) => quote!(page.len()),
        (steps, true) => {
            let path = path(steps);
            quote!(#path.len())
        }
        (steps, false) => {
            let chain = borrowed(steps);
            quote!(#chain.map_or(0, |items| items.len()))
        }
    };
    let items = owned(&pagination.items);
    let next = next_page(op, pagination);
    let cursor = cursor_method(op, pagination);
    let stops = super::support::docs::lines_to_attrs(&stops(op, pagination));
    Some(quote! {
        impl #builder {
            /// Every page, as a stream: this request, then one for each next page until the last
            /// (see [`Pages`](crate::Pages)). Each is signed, retried and bounded like any request.
            ///
            #stops
            pub fn pages(self) -> crate::Pages<Self> {
                crate::Pages::new(self)
            }

            /// Every item of every page, as a stream (see [`Items`](crate::Items)); it stops where
            /// [`pages`](Self::pages) does.
            pub fn items(self) -> crate::Items<Self> {
                crate::Items::new(self)
            }
        }

        impl crate::Paginated for #builder {
            type Page = #page;
            type Item = #item;
            type Error = #error;

            fn fetch(&self) -> crate::FullResponseFuture<Self::Page, Self::Error> {
                self.clone().send_with_response()
            }

            fn common_mut(&mut self) -> &mut crate::request::Common {
                &mut self.common
            }

            fn item_count(page: &Self::Page) -> usize {
                #count
            }

            fn into_items(page: Self::Page) -> Vec<Self::Item> {
                #items
            }

            fn next_page(&self, page: &Self::Page, count: usize, fetched: u64) -> Option<Self> {
                #next
            }

            #cursor
        }
    })
}

/// `Paginated::cursor` for a list that pages by a text cursor: what lets the stream see that a
/// server sent it back to a page it had fetched (and end, rather than repeat it forever).
fn cursor_method(op: &Operation, pagination: &Pagination) -> Option<TokenStream> {
    let PageStyle::Cursor { cursor, .. } = &pagination.style else {
        return None;
    };
    let param = &op.params[*cursor];
    if !matches!(param.ty, ParamType::Scalar(TypeRef::String)) {
        return None;
    }
    let field = ident(&param.rust_name);
    Some(quote! {
        fn cursor(&self) -> Option<&str> {
            self.#field.as_deref()
        }
    })
}

/// When this operation's stream of pages stops, in words: what `next_page` checks, in its order,
/// then what the runtime adds (a `Link` header, repeats, the page limit).
fn stops(op: &Operation, pagination: &Pagination) -> Vec<String> {
    let field = |steps: &[Step]| {
        let names: Vec<&str> = steps
            .iter()
            .map(|s| crate::names::unraw(&s.field))
            .collect();
        format!("`{}`", names.join("."))
    };
    let param = |index: usize| format!("`{}`", op.params[index].wire_name.replace('`', "'"));
    let mut when = vec!["a page with no items".to_owned()];
    if let Some(total) = &pagination.total {
        when.push(format!(
            "once as many items as {} says have come",
            field(total)
        ));
    }
    if let Some(link) = pagination.next_link.as_ref().filter(|s| !all_required(s)) {
        when.push(format!("a page without {}", field(link)));
    }
    let how = match &pagination.style {
        PageStyle::PageNumber { page, size, first } => {
            if let Some(size) = size {
                when.push(format!("a page shorter than {} asked for", param(*size)));
            }
            format!(
                "each next page asks for {} + 1 (from {first})",
                param(*page)
            )
        }
        PageStyle::Offset { offset, limit } => {
            if let Some(limit) = limit {
                when.push(format!("a page shorter than {} asked for", param(*limit)));
            }
            format!(
                "each next page moves {} past the items so far",
                param(*offset)
            )
        }
        PageStyle::Cursor { cursor, next } => {
            when.push(format!("a page whose {} is empty or missing", field(next)));
            format!("each next page sends {} as {}", field(next), param(*cursor))
        }
    };
    vec![
        format!("It stops after {}.", when.join(", or ")),
        String::new(),
        format!(
            "Unless a response's `Link` header names the next page (followed first, on the client's base URL only), {how}. A page asked for twice (the same cursor or link) ends the stream with [`Error::Pagination`](crate::Error::Pagination), and so does a link elsewhere; [`max_pages`](crate::Pages::max_pages) bounds it (10,000 by default)."
        ),
    ]
}

/// Whether every step is a required field: the value is always there, and a plain path
/// reaches it (an `Option` chain would be a needless `Some(…)`, which clippy flags).
fn all_required(steps: &[Step]) -> bool {
    steps.iter().all(|step| !step.optional)
}

/// `page.a.b`: the field at the end of `steps`, when all are required.
fn path(steps: &[Step]) -> TokenStream {
    let fields = steps.iter().map(|step| ident(&step.field));
    quote!(page #(.#fields)*)
}

/// `Option<&T>` of the field at the end of `steps`, from `page`.
fn borrowed(steps: &[Step]) -> TokenStream {
    let mut chain: Option<TokenStream> = None;
    for step in steps {
        let field = ident(&step.field);
        chain = Some(match (chain, step.optional) {
            (None, true) => quote!(page.#field.as_ref()),
            (None, false) => quote!(Some(&page.#field)),
            (Some(c), true) => quote!(#c.and_then(|value| value.#field.as_ref())),
            (Some(c), false) => quote!(#c.map(|value| &value.#field)),
        });
    }
    chain.unwrap_or_else(|| quote!(Some(page)))
}

/// The items, moved out of the page.
fn owned(steps: &[Step]) -> TokenStream {
    if all_required(steps) {
        return path(steps);
    }
    let mut chain: Option<TokenStream> = None;
    for step in steps {
        let field = ident(&step.field);
        chain = Some(match (chain, step.optional) {
            (None, true) => quote!(page.#field),
            (None, false) => quote!(Some(page.#field)),
            (Some(c), true) => quote!(#c.and_then(|value| value.#field)),
            (Some(c), false) => quote!(#c.map(|value| value.#field)),
        });
    }
    let chain = chain.unwrap_or_else(|| quote!(Some(page)));
    quote!(#chain.unwrap_or_default())
}

/// The body of `next_page`: the checks that say `page` was the last, then the next request.
fn next_page(op: &Operation, pagination: &Pagination) -> TokenStream {
    let total = pagination.total.as_ref().map(|steps| {
        if all_required(steps) {
            let path = path(steps);
            return quote! {
                if fetched >= #path as u64 {
                    return None;
                }
            };
        }
        let chain = borrowed(steps);
        quote! {
            if let Some(total) = #chain
                && fetched >= *total as u64
            {
                return None;
            }
        }
    });
    // A link that is always there says nothing about the end (the other checks do).
    let link = pagination
        .next_link
        .as_ref()
        .filter(|steps| !all_required(steps))
        .map(|steps| {
            let chain = borrowed(steps);
            quote!(#chain?;)
        });
    let short = |size: Option<usize>| {
        size.map(|index| {
            let size_value = match &op.params[index].ty {
                ParamType::Scalar(TypeRef::I32) => quote!(i64::from(size)),
                _ => quote!(size),
            };
            let size = ident(&op.params[index].rust_name);
            quote! {
                if let Some(size) = self.#size
                    && (count as i64) < #size_value
                {
                    return None;
                }
            }
        })
    };
    let advance = match &pagination.style {
        PageStyle::PageNumber { page, size, first } => {
            let short = short(*size);
            let page = ident(&op.params[*page].rust_name);
            let first = Literal::i64_unsuffixed(*first);
            quote! {
                #short
                let mut next = self.clone();
                next.#page = Some(self.#page.unwrap_or(#first) + 1);
                Some(next)
            }
        }
        PageStyle::Offset { offset, limit } => {
            let short = short(*limit);
            let cast = integer_type(&op.params[*offset].ty);
            let offset = ident(&op.params[*offset].rust_name);
            quote! {
                #short
                let mut next = self.clone();
                next.#offset = Some(self.#offset.unwrap_or(0) + count as #cast);
                Some(next)
            }
        }
        PageStyle::Cursor { cursor, next } => {
            let chain = if all_required(next) {
                let path = path(next);
                quote!((!#path.is_empty()).then_some(&#path))
            } else {
                borrowed(next)
            };
            let cursor = ident(&op.params[*cursor].rust_name);
            quote! {
                let cursor = #chain.filter(|cursor| !cursor.is_empty())?;
                let mut next = self.clone();
                next.#cursor = Some(cursor.clone());
                Some(next)
            }
        }
    };
    let fetched_unused = pagination.total.is_none().then(|| quote!(let _ = fetched;));
    let reads_page = pagination.total.is_some()
        || pagination.next_link.is_some()
        || matches!(pagination.style, PageStyle::Cursor { .. });
    let page_unused = (!reads_page).then(|| quote!(let _ = page;));
    quote! {
        #fetched_unused
        #page_unused
        if count == 0 {
            return None;
        }
        #total
        #link
        #advance
    }
}

fn integer_type(ty: &ParamType) -> TokenStream {
    match ty {
        ParamType::Scalar(TypeRef::I32) => quote!(i32),
        _ => quote!(i64),
    }
}
