//! The files that are not Rust built from tokens: the runtime's modules (copied), `rustfmt.toml`,
//! and `Cargo.toml` and `README.md` from minijinja templates, every spec value through the
//! filter of the context it lands in.

use minijinja::{Environment, context};

use super::runtime;
use super::support::features;
use super::support::preamble::{Comment, preamble};
use super::{GeneratedFile, Options, RUST_VERSION, Runtime, client};
use crate::error::Error;
use crate::ir::{Api, Auth};
use crate::text;

/// The files that are not built from tokens: `Cargo.toml`, `README.md`, `rustfmt.toml`, and the
/// vendored runtime (its sources and manifest), unless the crate uses a runtime from elsewhere.
pub(super) fn text_files(
    api: &Api,
    options: &Options,
    preamble: &str,
) -> Result<Vec<GeneratedFile>, Error> {
    let mut files = Vec::new();
    if options.runtime == Runtime::Vendored {
        files.extend(
            runtime::FILES.iter().map(|file| {
                GeneratedFile::new(file.path, format!("{preamble}\n{}", file.source()))
            }),
        );
        files.push(GeneratedFile::new(
            "runtime/Cargo.toml",
            runtime_cargo_toml(options)?,
        ));
    }
    files.push(GeneratedFile::new(
        "rustfmt.toml",
        crate::files::RUSTFMT_TOML.to_owned(),
    ));
    files.push(GeneratedFile::new("Cargo.toml", cargo_toml(api, options)?));
    files.push(GeneratedFile::new("README.md", readme(api, options)?));
    Ok(files)
}

/// The package name of the vendored runtime: the crate's, with `-runtime`.
pub(crate) fn runtime_package(options: &Options) -> String {
    format!("{}-runtime", options.crate_name)
}

/// The manifest of the vendored runtime (`runtime/Cargo.toml`): the runtime crate's
/// dependencies and features under the generated crate's name, version and license.
pub(super) fn runtime_cargo_toml(options: &Options) -> Result<String, Error> {
    render_template(
        "runtime/Cargo.toml",
        include_str!("templates/runtime.Cargo.toml.j2"),
        context! {
            package => runtime_package(options),
            crate_name => options.crate_name,
            crate_version => options.crate_version,
            rust_version => RUST_VERSION,
            license => options.package.license,
            repository => options.package.repository,
            publish => options.package.publish,
        },
    )
}

fn render_template(what: &str, template: &str, ctx: minijinja::Value) -> Result<String, Error> {
    let mut env = Environment::new();
    env.set_keep_trailing_newline(true);
    // Every value from the spec goes through the filter of the context it lands in.
    env.add_filter("toml", |value: String| text::toml_str(&value));
    env.add_filter("md_text", |value: String| text::markdown_text(&value));
    env.add_filter("md_code", |value: String| text::markdown_code(&value));
    env.add_filter("md_cell", |value: String| text::markdown_code_cell(&value));
    env.render_str(template, ctx).map_err(|e| Error::Render {
        what: what.to_owned(),
        message: e.to_string(),
    })
}

fn cargo_toml(api: &Api, options: &Options) -> Result<String, Error> {
    // The runtime: the vendored copy (versioned with the crate, so `cargo publish` of both
    // works when publishing is on), or the repository's own crate at a path.
    let runtime = match &options.runtime {
        Runtime::Vendored => format!(
            "{{ package = {}, version = \"={}\", path = \"runtime\", default-features = false",
            text::toml_str(&runtime_package(options)),
            options.crate_version
        ),
        Runtime::Path(path) => format!(
            "{{ package = \"codegen-runtime\", path = {}, default-features = false",
            text::toml_str(path)
        ),
    };
    let features = runtime::features(api);
    let runtime = if features.is_empty() {
        format!("{runtime} }}")
    } else {
        let list: Vec<String> = features.iter().map(|f| format!("\"{f}\"")).collect();
        format!("{runtime}, features = [{}] }}", list.join(", "))
    };
    render_template(
        "Cargo.toml",
        include_str!("templates/Cargo.toml.j2"),
        context! {
            preamble => preamble(api, Comment::Hash),
            crate_name => options.crate_name,
            crate_version => options.crate_version,
            rust_version => RUST_VERSION,
            license => options.package.license,
            repository => options.package.repository,
            publish => options.package.publish,
            description => options.package.description.clone().unwrap_or_else(|| format!("Typed client for the {} API ({}), generated from its OpenAPI description", api.title, api.version)),
            runtime => runtime,
            vendored => options.runtime == Runtime::Vendored,
            tag_features => features::table(api).0,
            all_feature => crate::ir::ALL_FEATURE,
            cli_name => options.cli_name(),
        },
    )
}

fn readme(api: &Api, options: &Options) -> Result<String, Error> {
    let krate = options.crate_name.replace('-', "_");
    let usage = client::usage_example(api, &krate).join("\n");
    // A fence longer than any run of backticks in the code, which holds spec text in strings.
    let longest = usage.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest.max(2) + 1);
    let operations: Vec<minijinja::Value> = api
        .operations
        .iter()
        .map(|op| {
            let group = &api.groups[op.group];
            context! {
                group => group.accessor,
                method => op.method_name,
                http => format!("{} {}", op.method, op.path),
            }
        })
        .collect();
    render_template(
        "README.md",
        include_str!("templates/README.md.j2"),
        context! {
            preamble => preamble(api, Comment::Html),
            crate_name => options.crate_name,
            title => api.title,
            operation_count => api.operations.len(),
            type_count => api.types.len(),
            groups => api.groups.iter().map(|g| g.tag.clone()).collect::<Vec<_>>(),
            zephr_hmac => matches!(api.auth, Auth::ZephrHmac { .. }),
            usage => usage,
            fence => fence,
            operations => operations,
            cli_name => options.cli_name(),
        },
    )
}
