//! Small helpers every Rust emitter uses: identifiers, type paths, and formatting.

use proc_macro2::{Delimiter, Group, Ident, Literal, Span, TokenStream, TokenTree};
use quote::quote;

use crate::error::Error;
use crate::ir::{Api, TypeRef};
use crate::names;
use crate::text;

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
    /// From elsewhere in the crate, in a file that imports the module (`use crate::types;`, see
    /// [`types_import`]).
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
        TypeRef::JsonObject => quote!(serde_json::Map<String, serde_json::Value>),
        TypeRef::File => match path {
            TypesPath::Extern(krate) => quote!(#krate::FilePart),
            _ => quote!(crate::FilePart),
        },
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
                TypesPath::Crate => quote!(types::#name),
                TypesPath::Extern(krate) => quote!(#krate::types::#name),
            }
        }
    }
}

/// `#[allow(clippy::too_many_arguments)]` for a method taking `self` and `arguments` more, when
/// clippy would refuse it (over 7). Required parameters are arguments on purpose: the call shows
/// every value the API requires, as the spec orders them, and an operation with nine of them
/// is what the API is; a parameters struct for some operations only would give them a calling
/// convention of their own.
pub(crate) fn allow_many_arguments(arguments: usize) -> Option<TokenStream> {
    (arguments + 1 > 7).then(|| quote!(#[allow(clippy::too_many_arguments)]))
}

/// `use crate::types;` for a file whose `items` name types through it ([`TypesPath::Crate`]).
pub(crate) fn types_import(items: &TokenStream) -> Option<TokenStream> {
    names_types(items.clone()).then(|| {
        quote!(
            use crate::types;
        )
    })
}

/// The runtime modules an operations file names most (thousands of `crate::request::…` in a
/// large spec's `apis/`): imported once, as a person would, and named by their last segment.
const IMPORTED_MODULES: [&str; 4] = ["encoding", "error", "request", "transport"];

/// `items` with `crate::<module>::…` shortened to `<module>::…` for the modules of
/// [`IMPORTED_MODULES`], and the `use` line that brings those it names into scope (with `types`
/// when it names that too). Only paths change: literals (docs included) are left alone. The
/// names cannot be shadowed there: generated types and builders are CamelCase, and a local
/// variable (`let request`) lives in another namespace than a module.
pub(crate) fn with_module_imports(items: TokenStream) -> TokenStream {
    let mut used = std::collections::BTreeSet::new();
    let items = shorten_crate_paths(items, &mut used);
    if names_types(items.clone()) {
        used.insert("types");
    }
    let import = match used.len() {
        0 => TokenStream::new(),
        1 => {
            let module = Ident::new(used.first().copied().unwrap_or_default(), Span::call_site());
            quote!(use crate::#module;)
        }
        _ => {
            let modules = used.iter().map(|m| Ident::new(m, Span::call_site()));
            quote!(use crate::{#(#modules),*};)
        }
    };
    quote!(#import #items)
}

fn shorten_crate_paths(
    tokens: TokenStream,
    used: &mut std::collections::BTreeSet<&'static str>,
) -> TokenStream {
    let tokens: Vec<TokenTree> = tokens.into_iter().collect();
    let mut out = Vec::with_capacity(tokens.len());
    let mut i = 0;
    while i < tokens.len() {
        if let Some(module) = crate_path_at(&tokens, i) {
            used.insert(module);
            // Drop `crate` and `::`; keep the module's ident and what follows.
            i += 3;
            continue;
        }
        match &tokens[i] {
            TokenTree::Group(group) => {
                let mut inner =
                    Group::new(group.delimiter(), shorten_crate_paths(group.stream(), used));
                inner.set_span(group.span());
                out.push(TokenTree::Group(inner));
            }
            other => out.push(other.clone()),
        }
        i += 1;
    }
    out.into_iter().collect()
}

/// The module of [`IMPORTED_MODULES`] when `tokens[i..]` is `crate :: <module> ::`, not
/// preceded by `::` (as `$crate` or another crate's path would be).
fn crate_path_at(tokens: &[TokenTree], i: usize) -> Option<&'static str> {
    let is_colon =
        |t: Option<&TokenTree>| matches!(t, Some(TokenTree::Punct(p)) if p.as_char() == ':');
    let TokenTree::Ident(first) = tokens.get(i)? else {
        return None;
    };
    let after_path_separator = i >= 2 && is_colon(tokens.get(i - 1)) && is_colon(tokens.get(i - 2));
    if first != "crate" || after_path_separator {
        return None;
    }
    if !(is_colon(tokens.get(i + 1)) && is_colon(tokens.get(i + 2))) {
        return None;
    }
    let TokenTree::Ident(module) = tokens.get(i + 3)? else {
        return None;
    };
    if !(is_colon(tokens.get(i + 4)) && is_colon(tokens.get(i + 5))) {
        return None;
    }
    IMPORTED_MODULES.iter().copied().find(|m| module == m)
}

/// Whether `tokens` hold a path `types :: …`, at any depth.
fn names_types(tokens: TokenStream) -> bool {
    let mut after_types = false;
    for token in tokens {
        match token {
            proc_macro2::TokenTree::Group(group) if names_types(group.stream()) => return true,
            proc_macro2::TokenTree::Ident(ident) => {
                after_types = ident == "types";
                continue;
            }
            proc_macro2::TokenTree::Punct(punct) if after_types && punct.as_char() == ':' => {
                return true;
            }
            _ => {}
        }
        after_types = false;
    }
    false
}

/// Parses and pretty-prints a file, with the preamble (if any) in front.
///
/// Spec text reaches the tokens in string literals and doc attributes. `proc_macro2` escapes
/// quotes and backslashes but leaves bidirectional overrides and other invisible characters raw,
/// and prettyplease turns doc attributes back into `///` comments with their raw text. So when
/// the printed file holds such a character, the tokens are sanitised (see [`sanitize`]) and
/// printed again; the file is then checked like every other (see `verify`).
pub(crate) fn format_file(
    what: &str,
    preamble: Option<&str>,
    tokens: TokenStream,
) -> Result<String, Error> {
    let render = |tokens: TokenStream| -> Result<String, Error> {
        let file: syn::File = syn::parse2(tokens).map_err(|e| Error::Render {
            what: what.to_owned(),
            message: e.to_string(),
        })?;
        Ok(prettyplease::unparse(&file))
    };
    let mut body = render(tokens.clone())?;
    if body.chars().any(text::is_hazard) {
        body = render(sanitize(tokens))?;
    }
    let body = separate_items(&tidy_operation_macros(&body));
    Ok(match preamble {
        Some(preamble) => format!("{preamble}\n{body}"),
        None => body,
    })
}

/// Whether `line` starts an invocation of a runtime macro that gives builders their methods
/// (`operation!`, `events!`): an item of its own, whose arguments are paths and types.
fn invokes_builder_macro(line: &str) -> bool {
    ["request::operation!(", "crate::events::events!("]
        .iter()
        .any(|start| line.starts_with(start))
}

/// `text` with the types in `operation!(…)` invocations spelled as in code: prettyplease prints
/// a macro's tokens apart (`Vec < types::Widget >`, `crate ::RawBody`). Those invocations hold
/// only paths, `<`, `>`, `,`, `=>` and a keyword, never a literal, so the spaces can go safely;
/// rustfmt leaves macro arguments that are not expressions as they are.
fn tidy_operation_macros(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut inside = false;
    for line in text.lines() {
        inside |= invokes_builder_macro(line);
        if inside {
            out.push_str(
                &line
                    .replace(" < ", "<")
                    .replace(" >", ">")
                    .replace("crate ::", "crate::"),
            );
            inside = !line.ends_with(");");
        } else {
            out.push_str(line);
        }
        out.push('\n');
    }
    out
}

/// `text` (prettyplease's output) with a blank line between items, as hand-written Rust has
/// them: before an item (its docs or attributes first) when the line above ends another item at
/// the same indentation, and after the module's own docs. Only whole lines are added, and never
/// inside a literal: generated string literals are one line (line breaks are escapes).
fn separate_items(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 32);
    let mut previous: Option<&str> = None;
    for line in text.lines() {
        if let Some(above) = previous
            && needs_blank_line(above, line)
        {
            out.push('\n');
        }
        out.push_str(line);
        out.push('\n');
        previous = Some(line);
    }
    out
}

fn needs_blank_line(above: &str, line: &str) -> bool {
    let indent = |l: &str| l.len() - l.trim_start().len();
    let (above_text, text) = (above.trim(), line.trim());
    if above_text.is_empty() || text.is_empty() {
        return false;
    }
    if above_text.starts_with("//!") {
        return !text.starts_with("//!");
    }
    let starts_item = [
        "#[",
        "///",
        "pub ",
        "pub(",
        "impl ",
        "impl<",
        "fn ",
        "const ",
        "static ",
        "struct ",
        "enum ",
        "type ",
        "trait ",
        "mod ",
        "unsafe ",
        "async fn ",
        "use ",
        "crate::",
        "macro_rules!",
    ]
    .iter()
    .any(|start| text.starts_with(start));
    let is_use = |t: &str| {
        t.starts_with("use ") || t.starts_with("pub use ") || t.starts_with("pub(crate) use ")
    };
    let ends_item = matches!(above_text, "}" | "};" | ");" | "];")
        || (invokes_builder_macro(above_text) && above_text.ends_with(");"))
        // A one-line invocation of a runtime macro (`crate::one_of::one_of!(…);`).
        || (above_text.starts_with("crate::") && above_text.contains("!(") && above_text.ends_with(");"))
        || (is_use(above_text) && above_text.ends_with(';') && !is_use(text))
        || (above_text.ends_with(';')
            && [
                "type ",
                "pub type ",
                "const ",
                "pub const ",
                "mod ",
                "pub mod ",
                "pub(crate) mod ",
            ]
            .iter()
            .any(|start| above_text.starts_with(start)));
    starts_item && ends_item && indent(above) == indent(line)
}

/// Rewrites string and character literals so that hazardous characters are escapes in the
/// source (their values stay exactly the same), and doc attributes so that their text shows
/// such characters as visible `\u{…}` text (a doc comment cannot hold an escape).
pub(crate) fn sanitize(tokens: TokenStream) -> TokenStream {
    let mut out = Vec::new();
    for tree in tokens {
        out.push(match tree {
            TokenTree::Group(group) => {
                let stream = if is_doc_attribute(&group) {
                    sanitize_doc(group.stream())
                } else {
                    sanitize(group.stream())
                };
                let mut new = Group::new(group.delimiter(), stream);
                new.set_span(group.span());
                TokenTree::Group(new)
            }
            TokenTree::Literal(literal) => TokenTree::Literal(sanitize_literal(literal)),
            other => other,
        });
    }
    out.into_iter().collect()
}

/// `[doc = "…"]`
fn is_doc_attribute(group: &Group) -> bool {
    group.delimiter() == Delimiter::Bracket
        && matches!(group.stream().into_iter().next(), Some(TokenTree::Ident(ident)) if ident == "doc")
}

fn sanitize_doc(tokens: TokenStream) -> TokenStream {
    tokens
        .into_iter()
        .map(|tree| match tree {
            TokenTree::Literal(literal) => {
                match syn::parse_str::<syn::LitStr>(&literal.to_string()) {
                    Ok(doc) => TokenTree::Literal(text::rust_str(&text::one_line(&doc.value()))),
                    Err(_) => TokenTree::Literal(literal),
                }
            }
            other => other,
        })
        .collect()
}

fn sanitize_literal(literal: Literal) -> Literal {
    let source = literal.to_string();
    if !source.chars().any(text::is_hazard) {
        return literal;
    }
    if let Ok(string) = syn::parse_str::<syn::LitStr>(&source) {
        return text::rust_str(&string.value());
    }
    if let Ok(character) = syn::parse_str::<syn::LitChar>(&source) {
        let escaped = format!("'\\u{{{:x}}}'", u32::from(character.value()));
        return escaped.parse().unwrap_or(literal);
    }
    literal
}
