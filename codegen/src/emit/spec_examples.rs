//! Writes the generated crate's `tests/examples.rs`: every example of the spec checked against
//! its generated type.
//!
//! Body and schema examples are deserialised into their type and serialised back (the JSON must
//! be equal, absent optional fields aside); parameter examples must parse as the parameter's
//! type; string values at enum positions must be values the spec lists (the enums themselves
//! accept unknown values, which would otherwise hide a contradiction). Examples known to
//! contradict their schema come from a reviewed exceptions file with a reason each; the test
//! fails if one of them starts to fit, so the list cannot go stale silently.

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;
use serde_json::Value;

use super::support::rust::{self, TypesPath};
use crate::error::Error;
use crate::ir::{Api, Example, ExampleTarget, TypeKind, TypeRef};
use crate::options::ExampleException;
use crate::pointer;
use crate::text;

/// Why `example` does not fit the type it documents, as far as generation can tell without
/// compiling anything: where a JSON value departs from its type (the client's drift check: a
/// type mismatch, a required property missing, an unlisted enum value, an undeclared property),
/// or that a parameter value does not parse as its scalar type. `None` when it fits.
pub fn contradiction(api: &Api, example: &Example) -> Option<String> {
    match &example.target {
        ExampleTarget::Json(ty) => {
            let findings = crate::drift::check(api, ty, &example.value);
            if findings.is_empty() {
                return None;
            }
            const SHOWN: usize = 3;
            let mut said: Vec<String> = findings
                .iter()
                .take(SHOWN)
                .map(|f| {
                    let at = if f.pointer.is_empty() {
                        "the value"
                    } else {
                        &f.pointer
                    };
                    format!("{} at {at}", f.kind.as_str())
                })
                .collect();
            if findings.len() > SHOWN {
                said.push(format!("and {} more", findings.len() - SHOWN));
            }
            Some(said.join("; "))
        }
        ExampleTarget::Parameter(ty) => {
            let scalar = |ty: &TypeRef, value: &Value| -> Option<String> {
                let text = match value {
                    Value::String(s) => s.clone(),
                    Value::Number(n) => n.to_string(),
                    Value::Bool(b) => b.to_string(),
                    _ => return None,
                };
                let fits = match api.unalias(ty) {
                    TypeRef::I32 => text.parse::<i32>().is_ok(),
                    TypeRef::I64 => text.parse::<i64>().is_ok(),
                    TypeRef::F32 | TypeRef::F64 => text.parse::<f64>().is_ok(),
                    TypeRef::Bool => text == "true" || text == "false",
                    _ => true,
                };
                (!fits).then(|| format!("`{}` is not a {}", text::one_line(&text), api.display(ty)))
            };
            match (api.unalias(ty), &example.value) {
                (TypeRef::Vec(item), Value::Array(items)) => {
                    items.iter().find_map(|v| scalar(item, v))
                }
                (TypeRef::Nullable(inner), value) => scalar(inner, value),
                (ty, value) => scalar(ty, value),
            }
        }
        ExampleTarget::Untyped | ExampleTarget::External(_) => None,
    }
}

/// The test's code (tokens, to be formatted) and its table of cases (finished text, appended
/// after it: 500 rows of data gain nothing from a Rust parser and pretty-printer but time).
///
/// An example is expected to fail when a reviewed exception lists it, or (unless `strict`) when
/// generation found it contradicts its schema ([`contradiction`]): it is listed with the reason,
/// so a fresh crate's `cargo test` is green on any spec. A reviewed one must keep failing (the
/// list cannot go stale silently); one generation found may turn out to fit.
pub(crate) fn file(
    api: &Api,
    krate: &str,
    exceptions: &[ExampleException],
    strict: bool,
) -> Result<(TokenStream, String), Error> {
    for exception in exceptions {
        if !api.examples.iter().any(|e| e.pointer == exception.pointer) {
            return Err(Error::Input {
                what: "the example exceptions".to_owned(),
                message: format!(
                    "`{}` is not an example of the spec (remove it from the exceptions)",
                    exception.pointer
                ),
            });
        }
    }
    let krate = Ident::new(krate, Span::call_site());
    let mut table = String::from(
        "\n/// Every example of the spec, in spec order.\nconst CASES: &[Case] = &[\n",
    );
    let mut enum_types = std::collections::BTreeSet::new();
    for example in &api.examples {
        table.push_str("    ");
        table.push_str(&case(
            api,
            &krate,
            example,
            exceptions,
            strict,
            &mut enum_types,
        ));
        table.push_str(",\n");
    }
    table.push_str("];\n");
    // The values of each enum a parameter example uses, once (Asana's 160-value `opt_fields`
    // at every position of every example made a 42 MB test).
    for id in enum_types {
        let TypeKind::Enum(e) = &api.ty(id).kind else {
            continue;
        };
        let values: Vec<String> = e.variants.iter().map(|v| string(&v.wire)).collect();
        table.push_str(&format!(
            "\n/// The values the spec lists for `{}`.\nconst {}: &[&str] = &[{}];\n",
            text::one_line(&api.ty(id).name),
            enum_const(id),
            values.join(", ")
        ));
    }
    let count = api.examples.len();
    let helpers = helpers(api, &krate);
    let all = crate::ir::ALL_FEATURE;
    let code = quote! {
        //! Every example of the spec checked against its generated type.
        //!
        //! Bodies and schema values must decode into their type and encode back to the same JSON
        //! (absent optional fields aside); parameter values must parse as their type; strings at
        //! enum positions must be values the spec lists. Examples that contradict their own
        //! schema are listed, with a reason, in the exceptions file given to the generator: they
        //! must keep failing (a fixed spec shows up here). They name types of every tag, so
        //! they run with every tag's feature (the default).
        #![cfg(feature = #all)]

        use serde_json::Value;

        struct Case {
            pointer: &'static str,
            json: &'static str,
            kind: &'static str,
            check: fn(&str) -> Result<(), String>,
            enums: &'static [(&'static str, &'static [&'static str])],
            exception: Option<Exception>,
        }

        /// Why an example is expected not to fit its type.
        #[allow(dead_code)] // a spec may need only one of them
        enum Exception {
            /// Listed in the reviewed exceptions file: it must keep failing.
            Reviewed(&'static str),
            /// Found by the generator (the spec's example contradicts its own schema).
            Found(&'static str),
        }

        #[test]
        fn every_spec_example_fits_its_type() {
            let mut unexpected = Vec::new();
            let mut listed = Vec::new();
            let mut fitting = std::collections::BTreeMap::<&str, usize>::new();
            for case in CASES {
                let outcome = (case.check)(case.json).and_then(|()| enum_values(case));
                match (outcome, &case.exception) {
                    (Ok(()), None | Some(Exception::Found(_))) => *fitting.entry(case.kind).or_default() += 1,
                    (Err(error), Some(Exception::Reviewed(reason))) => listed.push(format!("{}\n    fails: {error}\n    reviewed: {reason}", case.pointer)),
                    (Err(error), Some(Exception::Found(reason))) => listed.push(format!("{}\n    fails: {error}\n    found at generation: {reason}", case.pointer)),
                    (Err(error), None) => unexpected.push(format!("{}: {error}", case.pointer)),
                    (Ok(()), Some(Exception::Reviewed(_))) => unexpected.push(format!(
                        "{}: listed as an exception but now fits its type; remove it from the exceptions file",
                        case.pointer
                    )),
                }
            }
            let summary: Vec<String> = fitting.iter().map(|(kind, n)| format!("{n} {kind}")).collect();
            println!(
                "{} examples in the spec: {} fit their types ({}), {} are listed exceptions",
                CASES.len(),
                fitting.values().sum::<usize>(),
                summary.join(", "),
                listed.len()
            );
            for exception in &listed {
                println!("exception: {exception}");
            }
            assert_eq!(CASES.len(), #count);
            assert!(unexpected.is_empty(), "{} examples do not fit their types:\n{}", unexpected.len(), unexpected.join("\n"));
        }

        fn enum_values(case: &Case) -> Result<(), String> {
            let value: Value = serde_json::from_str(case.json).map_err(|e| format!("not JSON: {e}"))?;
            for (at, allowed) in case.enums {
                if let Some(Value::String(found)) = value.pointer(at)
                    && !allowed.contains(&found.as_str())
                {
                    return Err(format!("`{found}` at `{at}` is not one of the values the spec lists: {allowed:?}"));
                }
            }
            Ok(())
        }

        #helpers
    };
    Ok((code, table))
}

/// The check functions, each only when a case uses it (unused code would be a warning).
fn helpers(api: &Api, krate: &Ident) -> TokenStream {
    let uses = |f: &dyn Fn(&ExampleTarget) -> bool| api.examples.iter().any(|e| f(&e.target));
    let json = uses(&|t| matches!(t, ExampleTarget::Json(_)));
    let scalar =
        uses(&|t| matches!(t, ExampleTarget::Parameter(ty) if !matches!(ty, TypeRef::Vec(_))));
    let list = uses(&|t| matches!(t, ExampleTarget::Parameter(TypeRef::Vec(_))));
    let untyped = uses(&|t| matches!(t, ExampleTarget::Untyped));
    let external = uses(&|t| matches!(t, ExampleTarget::External(_)));
    let round_trip = json.then(|| quote! {
        /// Decodes, encodes back, and compares.
        fn round_trip<T: serde::de::DeserializeOwned + serde::Serialize>(json: &str) -> Result<(), String> {
            let original: Value = serde_json::from_str(json).map_err(|e| format!("not JSON: {e}"))?;
            let mut deserializer = serde_json::Deserializer::from_str(json);
            let typed: T = serde_path_to_error::deserialize(&mut deserializer)
                .map_err(|e| format!("does not decode at `{}`: {}", e.path(), e.inner()))?;
            // Decoding is not enough: open models decode any object, so an example that the
            // schema does not describe (a property it does not declare, a wrapper around the
            // documented body) would pass. The client would report it as drift; so does this.
            let (_, drift) = #krate::decode_with_drift::<T>(json.as_bytes());
            if !drift.is_empty() {
                let places: Vec<String> = drift.iter().map(ToString::to_string).collect();
                return Err(format!("departs from its schema: {}", places.join("; ")));
            }
            // Through text, so `f32`s compare as written.
            let text = serde_json::to_string(&typed).map_err(|e| format!("does not encode: {e}"))?;
            let back: Value = serde_json::from_str(&text).map_err(|e| format!("encodes to invalid JSON: {e}"))?;
            match difference(&without_nulls(original), &without_nulls(back), "") {
                None => Ok(()),
                Some(difference) => Err(format!("changes in a round trip: {difference}")),
            }
        }

        fn without_nulls(value: Value) -> Value {
            match value {
                Value::Object(map) => Value::Object(
                    map.into_iter().filter(|(_, v)| !v.is_null()).map(|(k, v)| (k, without_nulls(v))).collect(),
                ),
                Value::Array(items) => Value::Array(items.into_iter().map(without_nulls).collect()),
                other => other,
            }
        }

        /// The first place where `a` and `b` differ (numbers compare by value: `5` is `5.0`).
        fn difference(a: &Value, b: &Value, at: &str) -> Option<String> {
            match (a, b) {
                (Value::Number(x), Value::Number(y)) if x.as_f64() == y.as_f64() => None,
                (Value::Object(x), Value::Object(y)) => x
                    .keys()
                    .chain(y.keys().filter(|k| !x.contains_key(*k)))
                    .find_map(|k| match (x.get(k), y.get(k)) {
                        (Some(v), Some(w)) => difference(v, w, &format!("{at}/{k}")),
                        (Some(_), None) => Some(format!("`{at}/{k}` is lost")),
                        (None, _) => Some(format!("`{at}/{k}` appears")),
                    }),
                (Value::Array(x), Value::Array(y)) if x.len() == y.len() => x
                    .iter()
                    .zip(y)
                    .enumerate()
                    .find_map(|(i, (v, w))| difference(v, w, &format!("{at}/{i}"))),
                _ if a == b => None,
                _ => Some(format!("`{}` becomes `{b}` at `{at}`", a)),
            }
        }
    });
    let scalar = scalar.then(|| quote! {
        /// A parameter example is the value's text on the wire.
        fn parameter<T: std::str::FromStr>(json: &str) -> Result<(), String>
        where
            T::Err: std::fmt::Display,
        {
            let text = wire_text(&serde_json::from_str(json).map_err(|e| format!("not JSON: {e}"))?)?;
            text.parse::<T>().map(drop).map_err(|e| format!("`{text}` does not parse: {e}"))
        }

    });
    let list = list.then(|| quote! {
        fn parameter_list<T: std::str::FromStr>(json: &str) -> Result<(), String>
        where
            T::Err: std::fmt::Display,
        {
            let value: Value = serde_json::from_str(json).map_err(|e| format!("not JSON: {e}"))?;
            let items: Vec<String> = match &value {
                Value::Array(items) => items.iter().map(wire_text).collect::<Result<_, _>>()?,
                other => wire_text(other)?.split(',').map(str::to_owned).collect(),
            };
            for item in items {
                item.parse::<T>().map_err(|e| format!("`{item}` does not parse: {e}"))?;
            }
            Ok(())
        }

    });
    let wire_text = (scalar.is_some() || list.is_some()).then(|| quote! {
        fn wire_text(value: &Value) -> Result<String, String> {
            match value {
                Value::String(s) => Ok(s.clone()),
                Value::Number(n) => Ok(n.to_string()),
                Value::Bool(b) => Ok(b.to_string()),
                other => Err(format!("a parameter value must be a string, number or boolean, not {other}")),
            }
        }

    });
    let untyped = untyped.then(|| {
        quote! {
            /// No schema says what it should be: it only has to be JSON.
            fn json_only(json: &str) -> Result<(), String> {
                serde_json::from_str::<Value>(json).map(drop).map_err(|e| format!("not JSON: {e}"))
            }

        }
    });
    let external = external.then(|| {
        quote! {
            fn external(_: &str) -> Result<(), String> {
                Err("an externalValue example lives outside the spec and is not fetched".to_owned())
            }
        }
    });
    quote!(#round_trip #scalar #list #wire_text #untyped #external)
}

/// One row of the table: a `Case { … }` on one line.
fn case(
    api: &Api,
    krate: &Ident,
    example: &Example,
    exceptions: &[ExampleException],
    strict: bool,
    enum_types: &mut std::collections::BTreeSet<usize>,
) -> String {
    let json = serde_json::to_string(&example.value).unwrap_or_else(|_| "null".to_owned());
    let mut enums = Vec::new();
    let (kind, check) = match &example.target {
        // Enum values in bodies need no table: an unlisted one is drift, which fails the case.
        ExampleTarget::Json(ty) => {
            let ty = type_text(rust::ty(api, ty, TypesPath::Extern(krate)));
            (
                "bodies and schema values round-tripped",
                format!("round_trip::<{ty}>"),
            )
        }
        ExampleTarget::Parameter(TypeRef::Vec(item)) => {
            if let Value::Array(items) = &example.value {
                for (i, item_value) in items.iter().enumerate() {
                    enum_positions(api, item, item_value, format!("/{i}"), &mut enums);
                }
            }
            let ty = type_text(rust::ty(api, item, TypesPath::Extern(krate)));
            ("parameters parsed", format!("parameter_list::<{ty}>"))
        }
        ExampleTarget::Parameter(ty) => {
            enum_positions(api, ty, &example.value, String::new(), &mut enums);
            let ty = match api.unalias(ty) {
                TypeRef::Nullable(inner) => rust::ty(api, inner, TypesPath::Extern(krate)),
                _ => rust::ty(api, ty, TypesPath::Extern(krate)),
            };
            (
                "parameters parsed",
                format!("parameter::<{}>", type_text(ty)),
            )
        }
        ExampleTarget::Untyped => ("untyped (JSON only)", "json_only".to_owned()),
        ExampleTarget::External(_) => ("external", "external".to_owned()),
    };
    let enums: Vec<String> = enums
        .iter()
        .map(|(at, id)| {
            enum_types.insert(*id);
            format!("({}, {})", string(at), enum_const(*id))
        })
        .collect();
    let exception = match exceptions.iter().find(|e| e.pointer == example.pointer) {
        Some(e) => format!("Some(Exception::Reviewed({}))", string(&e.reason)),
        None => match contradiction(api, example).filter(|_| !strict) {
            Some(reason) => format!("Some(Exception::Found({}))", string(&reason)),
            None => "None".to_owned(),
        },
    };
    format!(
        "Case {{ pointer: {}, json: {}, kind: {}, check: {check}, enums: &[{}], exception: {exception} }}",
        string(&example.pointer),
        string(&json),
        string(kind),
        enums.join(", ")
    )
}

/// The constant holding the values of the enum type `id`.
fn enum_const(id: usize) -> String {
    format!("ENUM_{id}")
}

/// A Rust string literal, escaped (invisible characters included).
fn string(text: &str) -> String {
    crate::text::rust_str_source(text)
}

/// A type's tokens as it is written: a type path needs no space between its tokens (idents,
/// `::`, `<`, `>`, `,`), so the spacing `TokenStream` prints is dropped.
fn type_text(tokens: TokenStream) -> String {
    tokens.to_string().replace(' ', "").replace(',', ", ")
}

/// JSON pointers (into `value`) of the strings that `ty` says are enum values, with the enum
/// type.
fn enum_positions(
    api: &Api,
    ty: &TypeRef,
    value: &Value,
    at: String,
    out: &mut Vec<(String, usize)>,
) {
    match api.unalias(ty) {
        TypeRef::Nullable(inner) => enum_positions(api, inner, value, at, out),
        TypeRef::Vec(item) => {
            if let Value::Array(items) = value {
                for (i, v) in items.iter().enumerate() {
                    enum_positions(api, item, v, format!("{at}/{i}"), out);
                }
            }
        }
        TypeRef::Map(inner) => {
            if let Value::Object(map) = value {
                for (k, v) in map {
                    enum_positions(api, inner, v, pointer::push(&at, k), out);
                }
            }
        }
        TypeRef::Named(id) => match &api.ty(*id).kind {
            TypeKind::Enum(_) if value.is_string() => out.push((at, *id)),
            TypeKind::Struct(s) => {
                let Value::Object(map) = value else { return };
                for (k, v) in map {
                    match s.fields.iter().find(|f| f.wire_name == *k) {
                        Some(field) => {
                            enum_positions(api, &field.ty, v, pointer::push(&at, k), out)
                        }
                        None => {
                            if let crate::ir::Additional::Typed { ty, .. } = &s.additional {
                                enum_positions(api, ty, v, pointer::push(&at, k), out);
                            }
                        }
                    }
                }
            }
            TypeKind::OneOf(o) => {
                // Only a tagged union says which variant applies.
                let Some(tag) = &o.tag else { return };
                let Some(tag_value) = value.get(tag).and_then(Value::as_str) else {
                    return;
                };
                if let Some(variant) = o
                    .variants
                    .iter()
                    .find(|v| v.tag_value.as_deref() == Some(tag_value))
                {
                    enum_positions(api, &variant.ty, value, at, out);
                }
            }
            TypeKind::NewType(inner) => enum_positions(api, inner, value, at, out),
            TypeKind::Alias(_) | TypeKind::Enum(_) => {}
        },
        _ => {}
    }
}
