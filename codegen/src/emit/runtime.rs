//! The runtime every generated crate carries: the modules of the `codegen-runtime` crate
//! (`codegen/runtime`), copied as they are, without their unit tests.
//!
//! The runtime is a crate of its own so that it is compiled, documented and unit-tested where
//! it is written (with a stand-in for the generated `lib.rs`, its `lib.rs`, which is not
//! copied). A generated crate stays self-contained: a team depends on one crate, by path or
//! from a registry, and never on a runtime crate whose version must match.

use crate::ir::{Api, Auth};

/// One runtime module: where it goes in the generated crate, and its source.
pub(crate) struct RuntimeFile {
    pub(crate) path: &'static str,
    source: &'static str,
    /// Whether a crate needs it (modules used by only some specs are left out: their items
    /// would be dead code).
    needed: fn(&Api) -> bool,
    /// The Cargo feature it is compiled with, when it is not always.
    pub(crate) feature: Option<&'static str>,
}

fn always(_: &Api) -> bool {
    true
}

/// A runtime module by name, and when a crate needs it.
macro_rules! module {
    ($name:literal, $needed:expr) => {
        RuntimeFile {
            path: concat!("src/", $name, ".rs"),
            source: include_str!(concat!("../../runtime/src/", $name, ".rs")),
            needed: $needed,
            feature: None,
        }
    };
    ($name:literal, $needed:expr, feature $feature:literal) => {
        RuntimeFile {
            feature: Some($feature),
            ..module!($name, $needed)
        }
    };
}

/// Every runtime module, in the order `lib.rs` declares them.
pub(crate) const FILES: &[RuntimeFile] = &[
    module!("base64_json", uses_base64),
    module!("body", always),
    module!("builder", always),
    module!("drift", always),
    module!("drift_log", always),
    module!("encoding", always),
    module!("envelope", has_envelopes),
    module!("error", always),
    module!("events", has_events),
    module!("form", has_forms),
    module!("json_path", always),
    module!("model", has_structs),
    module!("multipart", has_multipart),
    module!("one_of", has_one_ofs),
    module!("paginate", paginates),
    module!("random", always),
    module!("redirect", always),
    module!("request", always),
    module!("retry", always),
    module!("signing", always),
    module!("stream", has_streams),
    module!("string_enum", has_string_enums),
    module!("testing_auth", always, feature "testing"),
    module!("testing_server", always, feature "testing"),
    module!("testing_stub", always, feature "testing"),
    module!("tracked", always),
    module!("transport", always),
    module!("zephr_hmac", uses_zephr_hmac),
];

/// The marker of a runtime module's unit tests: they end the file, and are not copied.
const TESTS: &str = "\n#[cfg(test)]\nmod tests {";

impl RuntimeFile {
    pub(crate) fn is_needed(&self, api: &Api) -> bool {
        (self.needed)(api)
    }

    /// The module's source without its unit tests.
    pub(crate) fn source(&self) -> &'static str {
        match self.source.find(TESTS) {
            Some(at) => &self.source[..at + 1],
            None => self.source,
        }
    }

    /// The module's name (`transport`).
    pub(crate) fn module(&self) -> &'static str {
        self.path.trim_start_matches("src/").trim_end_matches(".rs")
    }
}

/// Where the runtime's modules go in a generated crate (`src/transport.rs`, …): copies of
/// `codegen/runtime/src`, the same for every spec.
pub fn runtime_paths() -> Vec<&'static str> {
    FILES.iter().map(|file| file.path).collect()
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

/// Whether a response has an envelope, so the crate needs the runtime's `envelope` module.
pub(crate) fn has_envelopes(api: &Api) -> bool {
    api.operations
        .iter()
        .flat_map(|op| &op.success)
        .any(|case| case.envelope.is_some())
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

    #[test]
    fn every_module_of_the_runtime_crate_is_copied_and_tests_never_are() {
        let lib = include_str!("../../runtime/src/lib.rs");
        let declared: Vec<&str> = lib
            .lines()
            .filter_map(|line| {
                line.strip_prefix("mod ")
                    .and_then(|rest| rest.strip_suffix(';'))
            })
            .collect();
        let copied: Vec<&str> = FILES.iter().map(RuntimeFile::module).collect();
        assert_eq!(
            declared, copied,
            "codegen/runtime/src/lib.rs and the list of runtime files differ"
        );
        for file in FILES {
            let source = file.source();
            assert!(
                !source.contains("#[cfg(test)]"),
                "{}: unit tests must be its last item, as `{TESTS:?}`",
                file.path
            );
            syn::parse_file(source)
                .unwrap_or_else(|e| panic!("{} without its tests does not parse: {e}", file.path));
        }
    }

    #[test]
    fn the_runtime_crate_depends_on_what_generated_crates_do() {
        let runtime: toml::Table = include_str!("../../runtime/Cargo.toml").parse().unwrap();
        let template = include_str!("templates/Cargo.toml.j2");
        let dependencies = &template[template.find("\n[dependencies]").unwrap()..];
        let runtime_deps = runtime["dependencies"].as_table().unwrap();
        for (name, spec) in runtime_deps {
            let version = match spec {
                toml::Value::String(v) => v.clone(),
                toml::Value::Table(t) => t["version"].as_str().unwrap().to_owned(),
                other => panic!("{name}: {other:?}"),
            };
            let line = dependencies.lines().find(|l| l.starts_with(&format!("{name} = "))).unwrap_or_else(|| panic!("the generated crate's Cargo.toml does not depend on `{name}`, which the runtime uses"));
            assert!(
                line.contains(&format!("\"{version}\"")),
                "`{name}`: the runtime crate asks for {version}, the generated crate for `{line}`"
            );
        }
    }
}
