//! The runtime every generated crate depends on: the `codegen-runtime` crate
//! (`codegen/runtime`), either vendored into the crate's `runtime/` folder (its sources copied
//! as they are, without their unit tests, with a manifest of its own) or, for crates that live
//! beside this repository's runtime (the fixtures' snapshot crates), used from where it is.
//!
//! The runtime is a crate of its own so that it is compiled, documented and unit-tested where
//! it is written, and compiled once rather than with every change to the generated code. A
//! vendored crate stays self-contained: a team depends on one folder, by path or from git, and
//! no runtime version must match, since the copy is written with the crate.
//!
//! The modules a spec may not need are features of the runtime; which of them a crate turns on
//! is decided here ([`features`]), from the same facts the emitters go by.

use crate::ir::{Api, Auth};

/// One source file of the runtime crate: where it goes in the vendored copy, and its text.
pub(crate) struct RuntimeFile {
    pub(crate) path: &'static str,
    source: &'static str,
}

/// A runtime source file by name.
macro_rules! module {
    ($name:literal) => {
        RuntimeFile {
            path: concat!("runtime/src/", $name, ".rs"),
            source: include_str!(concat!("../../runtime/src/", $name, ".rs")),
        }
    };
}

/// Every source file of the runtime crate but its test-only stand-in (`stand_in.rs`).
pub(crate) const FILES: &[RuntimeFile] = &[
    module!("lib"),
    module!("base64_json"),
    module!("body"),
    module!("builder"),
    module!("cli/mod"),
    module!("cli/check"),
    module!("cli/command"),
    module!("cli/input"),
    module!("cli/observe"),
    module!("cli/output"),
    module!("cli/query"),
    module!("cli/raw"),
    module!("cli/serve"),
    module!("cli/target"),
    module!("dispatch"),
    module!("drift"),
    module!("drift_log"),
    module!("encoding"),
    module!("envelope"),
    module!("error"),
    module!("events"),
    module!("form"),
    module!("json_path"),
    module!("mcp/mod"),
    module!("mcp/schemas"),
    module!("mcp/tools"),
    module!("model"),
    module!("multipart"),
    module!("one_of"),
    module!("paginate"),
    module!("random"),
    module!("redirect"),
    module!("request"),
    module!("retry"),
    module!("signing"),
    module!("stream"),
    module!("string_enum"),
    module!("table"),
    module!("testing_auth"),
    module!("testing_server"),
    module!("testing_stub"),
    module!("tls"),
    module!("tracked"),
    module!("transport"),
    module!("zephr_hmac"),
];

/// Where a file's test-only part begins: its unit tests (`mod tests { … }`), or the stand-in
/// module `lib.rs` declares for them. Everything from there on is left out of the copy.
const TESTS: &str = "\n#[cfg(test)]\nmod ";

impl RuntimeFile {
    /// The file's source without its test-only part, ending as rustfmt ends a file (the
    /// format stage formats the crate's own module tree, not the vendored runtime).
    pub(crate) fn source(&self) -> String {
        let kept = match self.source.find(TESTS) {
            Some(at) => &self.source[..at],
            None => self.source,
        };
        format!("{}\n", kept.trim_end())
    }
}

/// Where the runtime's files go in a vendoring crate (`runtime/src/transport.rs`, …): copies
/// of `codegen/runtime/src`, the same for every spec.
pub fn runtime_paths() -> Vec<&'static str> {
    FILES.iter().map(|file| file.path).collect()
}

/// The runtime's features a crate of `api` needs (beyond TLS, `tracing` and `testing`, which
/// are the crate's own features, forwarded).
pub(crate) fn features(api: &Api) -> Vec<&'static str> {
    let mut out = Vec::new();
    if uses_base64(api) {
        out.push("base64-json");
    }
    if has_events(api) {
        out.push("events");
    }
    if has_forms(api) {
        out.push("form");
    }
    if has_multipart(api) {
        out.push("multipart");
    }
    if paginates(api) {
        out.push("paginate");
    }
    if has_byte_streams(api) {
        out.push("stream");
    }
    if uses_zephr_hmac(api) {
        out.push("zephr-hmac");
    }
    out
}

/// The runtime's modules the generated code of `api` refers to, each with the feature it needs
/// when it is not always compiled (for `lib.rs`'s `use runtime::…` lines).
pub(crate) fn modules(api: &Api) -> Vec<(&'static str, Option<&'static str>)> {
    let mut out = vec![("builder", None), ("error", None), ("transport", None)];
    if !api.operations.is_empty() {
        out.extend([("encoding", None), ("request", None)]);
    }
    let mut when = |needed: bool, module: &'static str| {
        if needed {
            out.push((module, None));
        }
    };
    when(uses_base64(api), "base64_json");
    when(has_events(api), "events");
    when(has_structs(api), "model");
    when(has_one_ofs(api), "one_of");
    when(has_string_enums(api), "string_enum");
    // `crate::form` is named by a request whose form sets property styles, and by the test
    // server's stub of a required form body; a plain form needs no import (an unused one is a
    // warning in the user's build).
    let forms = || {
        api.operations
            .iter()
            .filter_map(|op| match op.body.as_ref() {
                Some(body) => match &body.kind {
                    crate::ir::BodyKind::Form(form) => Some((body.required, form)),
                    _ => None,
                },
                None => None,
            })
    };
    if forms().any(|(_, form)| !form.styles.is_empty()) {
        out.push(("form", None));
    } else if forms().any(|(required, _)| required) {
        out.push(("form", Some("testing")));
    }
    out.extend([
        ("testing_auth", Some("testing")),
        ("testing_server", Some("testing")),
        ("testing_stub", Some("testing")),
    ]);
    out.sort();
    out
}

/// Whether an operation pages, so the crate needs the runtime's `paginate` module.
pub(crate) fn paginates(api: &Api) -> bool {
    api.operations.iter().any(|op| op.pagination.is_some())
}

/// Whether the crate has structs, so needs the runtime's `model` module.
pub(crate) fn has_structs(api: &Api) -> bool {
    api.types
        .iter()
        .any(|def| matches!(def.kind, crate::ir::TypeKind::Struct(_)))
}

/// Whether the crate has `oneOf`/`anyOf` enums, so needs the runtime's `one_of` module.
pub(crate) fn has_one_ofs(api: &Api) -> bool {
    api.types
        .iter()
        .any(|def| matches!(def.kind, crate::ir::TypeKind::OneOf(_)))
}

/// Whether the crate has string enums, so needs the runtime's `string_enum` module.
pub(crate) fn has_string_enums(api: &Api) -> bool {
    api.types
        .iter()
        .any(|def| matches!(def.kind, crate::ir::TypeKind::Enum(_)))
}

/// Whether the spec's security scheme is Zephr's, so the crate needs its signer.
pub(crate) fn uses_zephr_hmac(api: &Api) -> bool {
    matches!(api.auth, Auth::ZephrHmac { .. })
}

/// Whether a success response of `op` is bytes (not JSON), so its builder can stream it.
pub(crate) fn streams(op: &crate::ir::Operation) -> bool {
    op.success
        .iter()
        .any(|case| matches!(case.body, crate::ir::ResponseBody::Raw { .. }))
}

/// Whether an operation streams its body, so the crate needs `stream` in its root's exports.
pub(crate) fn has_byte_streams(api: &Api) -> bool {
    api.operations.iter().any(streams)
}

/// The type of the events `op` can stream (`send_events()`), if it documents an event stream.
pub(crate) fn events(op: &crate::ir::Operation) -> Option<&crate::ir::TypeRef> {
    op.success.iter().find_map(|case| case.events.as_ref())
}

/// Whether an operation documents an event stream, so the crate needs the `events` module.
pub(crate) fn has_events(api: &Api) -> bool {
    api.operations.iter().any(|op| events(op).is_some())
}

/// Whether the crate needs the runtime's `stream` module (bytes or events).
pub(crate) fn has_streams(api: &Api) -> bool {
    has_byte_streams(api) || has_events(api)
}

/// Whether a request body is multipart or a type holds a file, so the crate needs the runtime's
/// `multipart` module (and its `FilePart`).
pub(crate) fn has_multipart(api: &Api) -> bool {
    fn holds_file(ty: &crate::ir::TypeRef) -> bool {
        use crate::ir::TypeRef;
        match ty {
            TypeRef::File => true,
            TypeRef::Vec(inner) | TypeRef::Map(inner) | TypeRef::Nullable(inner) => {
                holds_file(inner)
            }
            _ => false,
        }
    }
    let bodies = api.operations.iter().any(|op| {
        matches!(
            op.body.as_ref().map(|b| &b.kind),
            Some(crate::ir::BodyKind::Multipart(_))
        )
    });
    bodies
        || api.types.iter().any(|def| match &def.kind {
            crate::ir::TypeKind::Struct(s) => s.fields.iter().any(|f| holds_file(&f.ty)),
            crate::ir::TypeKind::Alias(ty) | crate::ir::TypeKind::NewType(ty) => holds_file(ty),
            _ => false,
        })
}

/// Whether a request body is a form, so the crate needs the runtime's `form` module.
pub(crate) fn has_forms(api: &Api) -> bool {
    api.operations.iter().any(|op| {
        matches!(
            op.body.as_ref().map(|b| &b.kind),
            Some(crate::ir::BodyKind::Form(_))
        )
    })
}

/// Whether a parameter is encoded with Base64 (which needs the `base64` crate).
pub(crate) fn uses_base64(api: &Api) -> bool {
    api.operations.iter().flat_map(|op| &op.params).any(|p| {
        matches!(&p.ty, crate::ir::ParamType::Encoded { typed: Some(t), .. } if t.encoding == crate::ir::Encoding::Base64Json)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An API of one form body, required or not, with a property style or none.
    fn form_api(required: bool, styled: bool) -> Api {
        let encoding = if styled {
            "\n            encoding: {tags: {style: pipeDelimited}}"
        } else {
            ""
        };
        let spec = format!(
            "openapi: 3.0.3\ninfo: {{title: Forms, version: '1'}}\npaths:\n  /search:\n    post:\n      operationId: search\n      requestBody:\n        required: {required}\n        content:\n          application/x-www-form-urlencoded:\n            schema: {{type: object, properties: {{q: {{type: string}}, tags: {{type: array, items: {{type: string}}}}}}}}{encoding}\n      responses: {{'200': {{description: ok}}}}\n"
        );
        let spec = crate::load::load_bytes(spec.as_bytes(), "forms.yaml").unwrap();
        crate::build_ir(&spec, &crate::Options::default()).unwrap()
    }

    #[test]
    fn the_form_module_is_imported_only_where_generated_code_names_it() {
        let form = |api: &Api| {
            modules(api)
                .into_iter()
                .find(|(module, _)| *module == "form")
                .map(|(_, feature)| feature)
        };
        // A plain form: requests call `request.form(…)` with no styles; the test server's stub
        // of a required body encodes it with `crate::form::encode`.
        assert_eq!(form(&form_api(true, false)), Some(Some("testing")));
        assert_eq!(form(&form_api(false, false)), None);
        // Styles are named as `crate::form::Style::…` by the request itself.
        assert_eq!(form(&form_api(false, true)), Some(None));
    }

    #[test]
    fn every_file_of_the_runtime_crate_is_copied_and_tests_never_are() {
        let root = std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/runtime/src"));
        let mut on_disk = std::collections::BTreeSet::new();
        let mut folders = vec![root.to_owned()];
        while let Some(folder) = folders.pop() {
            for entry in std::fs::read_dir(&folder).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    folders.push(path);
                } else {
                    let relative = path.strip_prefix(root).unwrap().to_str().unwrap();
                    on_disk.insert(relative.replace('\\', "/"));
                }
            }
        }
        on_disk.remove("stand_in.rs");
        let copied: std::collections::BTreeSet<String> = FILES
            .iter()
            .map(|file| file.path.trim_start_matches("runtime/src/").to_owned())
            .collect();
        assert_eq!(
            on_disk, copied,
            "codegen/runtime/src and the list of runtime files differ"
        );
        for file in FILES {
            let source = file.source();
            assert!(
                !source.contains("#[cfg(test)]"),
                "{}: the test-only part must be last, starting with `{TESTS:?}`",
                file.path
            );
            syn::parse_file(&source)
                .unwrap_or_else(|e| panic!("{} without its tests does not parse: {e}", file.path));
        }
    }

    #[test]
    fn the_vendored_manifest_has_the_runtime_crates_dependencies_and_features() {
        let runtime: toml::Table = include_str!("../../runtime/Cargo.toml").parse().unwrap();
        let vendored: toml::Table =
            super::super::templates::runtime_cargo_toml(&crate::Options::default())
                .unwrap()
                .parse()
                .unwrap();
        assert_eq!(
            runtime["dependencies"], vendored["dependencies"],
            "codegen/runtime/Cargo.toml and the vendored runtime's manifest depend on different crates"
        );
        let mut features = runtime["features"].as_table().unwrap().clone();
        features.remove("default");
        let mut vendored_features = vendored["features"].as_table().unwrap().clone();
        vendored_features.remove("default");
        assert_eq!(features, vendored_features, "the features differ");
    }
}
